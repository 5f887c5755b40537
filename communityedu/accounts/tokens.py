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
    """Each server process keeps, per token (by its hash), the account it acts as with its roles
    (scope) built once, and the stamp they were built from: the token's row, the account's row and
    its role rows. ``BearerTokenMiddleware`` reads that stamp again on every request, in one
    statement (``services.token_stamp``), and uses the kept account only while the stamp is the
    same: a revoked token, a disabled account, a new password, a second factor, a role given or
    taken is seen at the next request, in every process. Nothing here expires by time."""

    def __init__(self) -> None:
        self._accounts: dict[str, tuple[tuple, object]] = {}
        self._lock = threading.Lock()

    def recall(self, key: str, stamp: tuple):
        remembered = self._accounts.get(key)
        if remembered is not None and remembered[0] == stamp:
            return remembered[1]
        return None

    def remember(self, key: str, stamp: tuple, user) -> None:
        with self._lock:
            if len(self._accounts) > 1000:  # tokens are few; this only bounds a flood of distinct ones
                self._accounts.clear()
            self._accounts[key] = (stamp, user)

    def forget(self, key: str) -> None:
        with self._lock:
            self._accounts.pop(key, None)

    def forget_account(self, user_id: int) -> None:
        with self._lock:
            for key in [key for key, (_, user) in self._accounts.items() if user.pk == user_id]:
                del self._accounts[key]


remembered_tokens = RememberedTokens()
