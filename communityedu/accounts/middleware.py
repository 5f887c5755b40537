import copy
import threading
import time

from django.conf import settings

from communityedu.accounts import services
from communityedu.organization.scope import scope_for


class BearerTokenMiddleware:
    """A device presents ``Authorization: Bearer <token>``; the request then acts as its account.

    Token requests carry no session cookie, so CSRF does not apply to them.

    A check-in device calls several times a second, so each server process remembers a token's
    account, with its scope (the roles it holds), for ``API_TOKEN_CACHE_SECONDS``: a deactivated
    token, account or role stops working within that time (docs/settings.md). 0 turns this off.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._accounts: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def __call__(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header.startswith("Bearer "):
            user = self._account_for(header.removeprefix("Bearer ").strip())
            if user is not None:
                request.user = user
                request._dont_enforce_csrf_checks = True
                request.is_token_request = True
        return self.get_response(request)

    def _account_for(self, raw: str):
        seconds = settings.API_TOKEN_CACHE_SECONDS
        if seconds <= 0:
            return services.user_for_token(raw)
        now = time.monotonic()
        remembered = self._accounts.get(raw)
        if remembered is not None and remembered[0] > now:
            # Each request gets its own copy: what a request attaches to its user stays with it.
            return copy.copy(remembered[1])
        user = services.user_for_token(raw)
        if user is None:
            self._accounts.pop(raw, None)
            return None
        scope_for(user)  # computed once here; the copies share it
        with self._lock:
            if len(self._accounts) > 1000:  # tokens are few; this only bounds a flood of distinct ones
                self._accounts.clear()
            self._accounts[raw] = (now + seconds, user)
        return copy.copy(user)
