import copy
import time

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

from communityedu.accounts import policy, services, tokens
from communityedu.organization.scope import scope_for

API_PREFIX = "/api/"


class BearerTokenMiddleware:
    """A device presents ``Authorization: Bearer <token>`` to the API; the request then acts as its
    account, narrowed by the token's scope (``accounts/tokens.py``). Pages never take a token.

    Token requests carry no session cookie, so CSRF does not apply to them.

    A check-in device calls several times a second, so each server process remembers a token's
    account, with its scope (the roles it holds), for ``API_TOKEN_CACHE_SECONDS``: a deactivated
    token, account or role stops working within that time (docs/settings.md), and at once in the
    process where the account signed out everywhere. 0 turns this off.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer ") and request.path_info.startswith(API_PREFIX):
            user = self._account_for(header.removeprefix("Bearer ").strip())
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True
                request.is_token_request = True
                request.token_scope = user.api_token_scope
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not tokens.operation_allowed(request, request.resolver_match.view_name):
            return JsonResponse(
                {"detail": _("This token may only record attendance."), "errors": []},
                status=403,
            )
        return None

    def _account_for(self, raw: str):
        seconds = settings.API_TOKEN_CACHE_SECONDS
        if seconds <= 0:
            return services.user_for_token(raw)
        now = time.monotonic()
        remembered = tokens.remembered_tokens.recall(raw, now)
        if remembered is not None:
            # Each request gets its own copy: what a request attaches to its user stays with it.
            return copy.copy(remembered)
        user = services.user_for_token(raw)
        if user is None:
            tokens.remembered_tokens.forget(raw)
            return None
        scope_for(user)  # computed once here; the copies share it
        if policy.required_step(user) is None:
            tokens.remembered_tokens.remember(raw, user, now + seconds)
        return copy.copy(user)
