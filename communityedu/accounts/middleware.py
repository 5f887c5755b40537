from communityedu.accounts import services


class BearerTokenMiddleware:
    """A device presents ``Authorization: Bearer <token>``; the request then acts as its account.

    Token requests carry no session cookie, so CSRF does not apply to them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer "):
            user = services.user_for_token(header.removeprefix("Bearer ").strip())
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True
                request.is_token_request = True
        return self.get_response(request)
