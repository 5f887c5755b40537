"""Rate limits per client, kept in the database so that every server process sees the same count.

Each limited action has a rate in ``settings.RATE_LIMITS``: at most ``count`` requests per
``seconds`` from one client (its address, or its account when signed in), counted in fixed windows
by one atomic statement (``INSERT … ON CONFLICT DO UPDATE … RETURNING``, SQLite ≥ 3.35 and
PostgreSQL). Over the limit the request gets 429 with ``Retry-After`` and a message saying how long
to wait; nothing else runs. A cache-based library (django-ratelimit) needs memcached or Redis for
atomic counts, which a one-machine town does not run.

Staff devices are not limited here: a check-in tablet calls the API with a token, and the issue's
rate of 500 check-ins a second applies to them.

Sign-in failures are counted here too, per second in a sliding window (``note_event``,
``count_recent``); the rules on them (account lockout, address throttle) are in
``accounts/sign_in.py``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.core import context
from communityedu.core.models import RateCounter


def client_key(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"account:{user.pk}"
    return f"address:{context.client_ip(request) or 'unknown'}"


def hit(*, action: str, client: str, now: datetime | None = None) -> tuple[bool, int]:
    """Count one request; (allowed, seconds until the window ends)."""
    count_allowed, seconds = settings.RATE_LIMITS[action]
    moment = now or timezone.now()
    epoch = moment.timestamp()
    window_start = datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)
    retry_after = max(1, math.ceil(window_start.timestamp() + seconds - epoch))
    count = _add(key=_key(action, client), window_start=window_start)
    return count <= count_allowed, retry_after


def _key(action: str, client: str) -> str:
    return f"{action}|{client}"[:200]


def _add(*, key: str, window_start: datetime) -> int:
    """One more in ``key``'s window, in one atomic statement; the window's new count."""
    meta = RateCounter._meta
    quote = connection.ops.quote_name
    key_field, window_field = meta.get_field("key"), meta.get_field("window_start")
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({quote('key')}, {quote('window_start')}, {quote('count')}) "  # noqa: S608
        f"VALUES (%s, %s, 1) ON CONFLICT ({quote('key')}, {quote('window_start')}) "
        f"DO UPDATE SET {quote('count')} = {quote(meta.db_table)}.{quote('count')} + 1 RETURNING {quote('count')}"
    )
    parameters = [key_field.get_db_prep_save(key, connection), window_field.get_db_prep_save(window_start, connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, parameters)
        (count,) = cursor.fetchone()
    return count


# ---- events counted in a sliding window (sign-in failures) ------------------------------------
# Kept per second, so that "N within the last M minutes" is exact to the second, not to a fixed
# window that an attacker could straddle.


def note_event(*, action: str, client: str, now: datetime | None = None) -> None:
    moment = now or timezone.now()
    _add(key=_key(action, client), window_start=moment.replace(microsecond=0))


def _recent(action: str, client: str, seconds: int, moment: datetime):
    return RateCounter.objects.filter(
        key=_key(action, client), window_start__gt=moment - timedelta(seconds=seconds)
    ).order_by("-window_start")


def count_recent(*, action: str, client: str, seconds: int, now: datetime | None = None) -> int:
    """How many events of ``client`` in the last ``seconds``."""
    moment = now or timezone.now()
    return _recent(action, client, seconds, moment).aggregate(total=Sum("count"))["total"] or 0


def seconds_until_below(*, action: str, client: str, seconds: int, limit: int, now: datetime | None = None) -> int:
    """How long until fewer than ``limit`` events remain in the window (0 if already fewer)."""
    moment = now or timezone.now()
    total = 0
    for window_start, count in _recent(action, client, seconds, moment).values_list("window_start", "count"):
        total += count
        if total >= limit:
            return max(1, math.ceil((window_start + timedelta(seconds=seconds) - moment).total_seconds()))
    return 0


def forget_events(*, action: str, client: str) -> None:
    RateCounter.objects.filter(key=_key(action, client)).delete()


def too_many(request, *, retry_after: int, is_api: bool = False):
    minutes = math.ceil(retry_after / 60)
    message = _("Too many attempts. Please wait %(minutes)s minute(s) and try again.") % {"minutes": minutes}
    if is_api:
        response = JsonResponse({"detail": message, "errors": []}, status=429)
    else:
        response = render(request, "rate_limited.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(action: str, *, methods: tuple[str, ...] = ("POST",)):
    """Limit a view's ``methods`` requests per client to ``settings.RATE_LIMITS[action]``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                allowed, retry_after = hit(action=action, client=client_key(request))
                if not allowed:
                    return too_many(request, retry_after=retry_after)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def forget_old_windows(*, now: datetime | None = None) -> int:
    longest = max(
        settings.SIGN_IN_FAILURE_WINDOW_MINUTES * 60, *(seconds for _count, seconds in settings.RATE_LIMITS.values())
    )
    cutoff = (now or timezone.now()) - timedelta(seconds=longest)
    deleted, _per_model = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
