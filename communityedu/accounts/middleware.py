import copy

from django.http import JsonResponse
from django.utils.translation import gettext as _

from communityedu.accounts import services, tokens
from communityedu.organization.scope import scope_for

API_PREFIX = "/api/"


class BearerTokenMiddleware:
    """A device presents ``Authorization: Bearer <token>`` to the API; the request then acts as its
    account, narrowed by the token's scope (``accounts/tokens.py``). Pages never take a token.

    Token requests carry no session cookie, so CSRF does not apply to them.

    A check-in device calls several times a second. Each request reads the token, its account and
    the account's roles in one statement (``services.token_stamp``); the account object with its
    scope, built from them the first time, is reused while that read is unchanged
    (``tokens.RememberedTokens``). A revoked token or a disabled account is refused at its next
    request in every process, and the account policy is checked on every request
    (``AccountPolicyMiddleware``).
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
        key = services.token_hash(raw)
        found = services.token_stamp(key)
        if found is None:
            tokens.remembered_tokens.forget(key)
            return None
        token_id, last_used_at, stamp = found
        services.note_token_use(token_id, last_used_at)
        remembered = tokens.remembered_tokens.recall(key, stamp)
        if remembered is not None:
            # Each request gets its own copy: what a request attaches to its user stays with it.
            return copy.copy(remembered)
        user = services.user_for_token(raw, touch=False)
        if user is None:
            return None
        scope_for(user)  # computed once here; the copies share it
        tokens.remembered_tokens.remember(key, stamp, user)
        return copy.copy(user)
