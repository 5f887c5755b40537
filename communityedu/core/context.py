"""The request a piece of logic runs under: who acts and from which address.

Services take their actor explicitly; the source IP is only needed for the audit log, so the
middleware puts it here instead of threading it through every call.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    source_ip: str | None = None


NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("request_context", default=None)


def current() -> RequestContext:
    return _current.get() or NO_REQUEST


def activate(context: RequestContext):
    return _current.set(context)


def deactivate(token) -> None:
    _current.reset(token)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
