from csp.middleware import CSPMiddleware
from django.core.exceptions import SuspiciousOperation
from django.http import JsonResponse

from communityedu.core import context


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = context.activate(context.RequestContext(source_ip=context.client_ip(request)))
        try:
            return self.get_response(request)
        finally:
            context.deactivate(token)


NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _carries_nul(request) -> str | None:
    """Where a NUL character arrived, if anywhere: no text of ours may hold one (PostgreSQL refuses
    it in a string), so such a request is refused at the door instead of failing in a query."""
    if NUL in request.path:
        return "path"
    pairs = [("query", key, values) for key, values in request.GET.lists()]
    pairs += [("cookie", key, [value]) for key, value in request.COOKIES.items()]
    for where, key, values in pairs:
        if NUL in key or any(NUL in value for value in values):
            return f"{where} parameter {key!r}"
    if request.method == "POST" and request.content_type in FORM_TYPES:
        for key, value in request.POST.lists():
            if NUL in key or any(NUL in item for item in value):
                return f"form field {key!r}"
    return None


class RefuseNulMiddleware:
    """400 for a request carrying a NUL character in its path, query, cookies or form fields: the
    API's JSON names where; a page gets the site's own 400 page (handler400), the reason logged."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = _carries_nul(request)
        if where is None:
            return self.get_response(request)
        message = f"A NUL character is not allowed ({where})."
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": []}, status=400)
        raise SuspiciousOperation(message)


class PageCSPMiddleware(CSPMiddleware):
    """django-csp's Content-Security-Policy, for what a browser renders. A device's bearer-token
    call to the API (``BearerTokenMiddleware`` marks it) gets JSON no browser renders as a page,
    so it skips building the policy and its nonce: a check-in device calls several times a second."""

    def process_request(self, request):
        if getattr(request, "is_token_request", False):
            return None
        return super().process_request(request)

    def process_response(self, request, response):
        if getattr(request, "is_token_request", False):
            return response
        return super().process_response(request, response)
