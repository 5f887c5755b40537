"""What a bearer token's scope lets it do: the one place that decides it.

A token acts as its account, narrowed by its scope (``TokenScope``):

- ``default``: the account's rights, except unmasking a person and unmasked exports;
- ``unmask``: the account's rights, unmasking included;
- ``checkin``: only the attendance operations, so that a check-in tablet that is lost or
  stolen never reads the register.

Tokens work on the API only (``BearerTokenMiddleware``); a page never takes one. A signed-in page
session has no token scope: its account's rights apply.
"""

from __future__ import annotations

import threading

from communityedu.accounts.models import TokenScope

# The API operations (URL names) a check-in device may call.
CHECK_IN_OPERATIONS = frozenset({"api:record_attendance", "api:upload_offline_attendance"})


def token_scope(request) -> str | None:
    """The scope of the token the request came with; ``None`` for a page session."""
    return getattr(request, "token_scope", None)


def operation_allowed(request, view_name: str) -> bool:
    """Whether the request's token (if any) may call the operation ``view_name`` at all."""
    scope = token_scope(request)
    return scope != TokenScope.CHECKIN or view_name in CHECK_IN_OPERATIONS


def may_unmask(request) -> bool:
    """Whether the request may receive personal numbers in clear (given the account may): a page
    session, or a token of the ``unmask`` scope. Call it before unmasking or an unmasked export."""
    return token_scope(request) in (None, TokenScope.UNMASK)


class RememberedTokens:
    """Each server process remembers a token's account (with its roles and scope) for
    ``API_TOKEN_CACHE_SECONDS``: a check-in device calls several times a second. Only accounts the
    policy lets through are remembered, so one that has just enrolled its second factor or changed
    its password is let in at its next call; what the account itself changes (signing out
    everywhere, a new password) forgets its tokens in this process at once, and other processes
    within those seconds."""

    def __init__(self) -> None:
        self._accounts: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()

    def recall(self, raw: str, now: float):
        remembered = self._accounts.get(raw)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        return None

    def remember(self, raw: str, user, until: float) -> None:
        with self._lock:
            if len(self._accounts) > 1000:  # tokens are few; this only bounds a flood of distinct ones
                self._accounts.clear()
            self._accounts[raw] = (until, user)

    def forget(self, raw: str) -> None:
        with self._lock:
            self._accounts.pop(raw, None)

    def forget_account(self, user_id: int) -> None:
        with self._lock:
            for raw in [raw for raw, (_, user) in self._accounts.items() if user.pk == user_id]:
                del self._accounts[raw]


remembered_tokens = RememberedTokens()
