"""Signing in: the account lockout and the address throttle, each exact and kept apart.

- **Account lockout.** Five failures for one account (a staff username, a resident's phone) within
  15 minutes lock it for 15 minutes. While locked, its password alone is refused; its password
  followed by its second factor (the code step) lifts the lock, and so does an audited unlock by
  an office account other than its own (the accounts page, or ``POST /api/v1/accounts/{id}/unlock``).
- **Address throttle.** Fifty failures from one address within 15 minutes throttle that address
  (429 with ``Retry-After``), residents and staff counted apart: a village's shared network where
  residents mistype PINs does not stop its clerk, and a proxy in front of everyone does not turn
  one person's mistakes into everyone's lockout. The address is ``REMOTE_ADDR`` unless
  ``TRUSTED_PROXY_COUNT`` says how many reverse proxies' ``X-Forwarded-For`` to trust
  (``core/context.py``).
- **Nothing tells whether an account exists.** A name or phone without an account costs the same
  work (a password hash), gets the same message, and after five failures is shown locked as an
  account would be.

Failures are counted per second in the database (``core/ratelimit.py``: one atomic upsert, seen
by every server process). django-axes was weighed and not taken: its ``AccessAttempt`` keeps one
counter per client whose clock restarts at each failure (five failures each within 15 minutes of
the previous lock, however long they took), it has one failure limit for every lockout parameter
(not 5 per account and 50 per address and audience), and its backend refuses a locked account
before any password is checked, so "password and second factor lift the lock" would mean
replacing its handler; the address count would still need this counter.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.accounts.models import AccountKind, User
from communityedu.accounts.validators import normalize_phone
from communityedu.core import audit, context, crypto, ratelimit
from communityedu.core.models import AuditAction

STAFF = "staff"
RESIDENT = "resident"
FAILURE = "sign-in-failure"


def _window_seconds() -> int:
    return settings.SIGN_IN_FAILURE_WINDOW_MINUTES * 60


def staff_identifier(username: str) -> str:
    return username


def resident_identifier(phone: str) -> str:
    return crypto.lookup_hash(normalize_phone(phone))


def identifier_of(user: User) -> tuple[str, str]:
    if user.kind == AccountKind.RESIDENT:
        return RESIDENT, user.phone_lookup or ""
    return STAFF, user.username


def _account_client(audience: str, identifier: str) -> str:
    return f"account:{audience}:{identifier}"


def _address_client(request, audience: str) -> str:
    return f"address:{audience}:{context.client_ip(request) or 'unknown'}"


def locked_message() -> str:
    return _(
        "This account is locked after too many failed attempts. Try again in %(minutes)s minutes, "
        "or ask the town office to unlock it."
    ) % {"minutes": settings.SIGN_IN_LOCKOUT_MINUTES}


# ---- the address throttle ---------------------------------------------------------------------


def address_wait(request, *, audience: str) -> int:
    """Seconds this address must wait before signing in as ``audience`` again (0: it may now)."""
    return ratelimit.seconds_until_below(
        action=FAILURE,
        client=_address_client(request, audience),
        seconds=_window_seconds(),
        limit=settings.SIGN_IN_ADDRESS_MAX_FAILURES,
    )


def throttled(audience: str):
    """Refuse a view's POSTs with 429 while the address is throttled for ``audience``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "POST":
                wait = address_wait(request, audience=audience)
                if wait:
                    return ratelimit.too_many(request, retry_after=wait)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# ---- checking a secret, counting failures -----------------------------------------------------


def check_secret(*, request, audience: str, identifier: str, user: User | None, secret: str, label: str):
    """The account if ``secret`` opens it, else None (the failure counted and audited).

    An account with a second factor is not yet signed in: the code step follows, and only the
    right code forgets its failures (``note_success``), so wrong codes add up to a lock like wrong
    passwords. A locked account is returned only when it has a second factor and fewer than
    ``SIGN_IN_MAX_FAILURES`` failures since the lock: the code then lifts the lock; past that,
    only time or an office's unlock does (a code cannot be guessed on forever)."""
    if user is None:
        User().set_password(secret)  # the same work as checking a real password: time tells nothing
        note_failure(request=request, audience=audience, identifier=identifier, user=None, label=label)
        return None
    if not (user.check_password(secret) and user.is_active):
        note_failure(request=request, audience=audience, identifier=identifier, user=user, label=label)
        return None
    if user.is_locked():
        failures_since_lock = ratelimit.count_recent(
            action=FAILURE, client=_account_client(audience, identifier), seconds=_window_seconds()
        )
        if user.has_two_factor and failures_since_lock < settings.SIGN_IN_MAX_FAILURES:
            user.sign_in_lifts_lock = True
            return user
        note_failure(request=request, audience=audience, identifier=identifier, user=user, label=label)
        return None
    if not user.has_two_factor:
        note_success(user=user)
    return user


def is_locked(*, audience: str, identifier: str, user: User | None) -> bool:
    """Whether the sign-in form shows the lock message (for a name without an account too)."""
    if user is not None:
        return user.is_locked()
    count = ratelimit.count_recent(
        action=FAILURE, client=_account_client(audience, identifier), seconds=_window_seconds()
    )
    return count >= settings.SIGN_IN_MAX_FAILURES


def note_failure(*, request, audience: str, identifier: str, user: User | None, label: str) -> None:
    """Count a failure for the address and the account; the fifth within the window locks the
    account for ``SIGN_IN_LOCKOUT_MINUTES``. Both are audited."""
    account_client = _account_client(audience, identifier)
    now = timezone.now()
    ratelimit.note_event(action=FAILURE, client=_address_client(request, audience), now=now)
    ratelimit.note_event(action=FAILURE, client=account_client, now=now)
    if user is None:
        audit.record(actor=None, action=AuditAction.SIGN_IN_FAILED, object_label=label[:200])
        return
    audit.record(actor=None, action=AuditAction.SIGN_IN_FAILED, obj=user, town=user.town, actor_label=label[:150])
    count = ratelimit.count_recent(action=FAILURE, client=account_client, seconds=_window_seconds(), now=now)
    User.objects.filter(pk=user.pk).update(failed_sign_in_count=min(count, 32767))
    if count < settings.SIGN_IN_MAX_FAILURES:
        return
    locked_until = now + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    # Of two failures at once, one locks and audits it.
    locked = (
        User.objects.filter(pk=user.pk)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(locked_until=locked_until, failed_sign_in_count=0)
    )
    if locked:
        ratelimit.forget_events(action=FAILURE, client=account_client)
        user.locked_until = locked_until
        audit.record(actor=None, action=AuditAction.LOCKED_OUT, obj=user, town=user.town)


def note_success(*, user: User) -> None:
    """A sign-in that went through: the account's failures are forgotten and a lock lifted (the
    second factor lifted it: audited)."""
    was_locked = user.is_locked()
    ratelimit.forget_events(action=FAILURE, client=_account_client(*identifier_of(user)))
    if user.failed_sign_in_count or user.locked_until:
        user.failed_sign_in_count = 0
        user.locked_until = None
        user.save(update_fields=["failed_sign_in_count", "locked_until"])
    if was_locked:
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            obj=user,
            town=user.town,
            changes={"locked": [True, False], "unlocked_by": [None, "second factor"]},
        )


@transaction.atomic
def unlock_account(*, account: User, actor: User) -> bool:
    """Lift ``account``'s lock (and forget its failures) for another office account; audited.
    False when it was not locked (nothing changed)."""
    if actor.pk == account.pk:
        raise PermissionDenied(_("An account cannot unlock itself: ask another office account."))
    account = User.objects.select_for_update().get(pk=account.pk)
    ratelimit.forget_events(action=FAILURE, client=_account_client(*identifier_of(account)))
    if not account.is_locked():
        return False
    account.locked_until = None
    account.failed_sign_in_count = 0
    account.save(update_fields=["locked_until", "failed_sign_in_count"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=account,
        town=account.town,
        changes={"locked": [True, False], "unlocked_by": [None, actor.username]},
    )
    return True
