"""One-time codes sent by SMS to prove that a person holds a phone (a forgotten PIN).

A code is six random digits, valid ``valid_minutes``, kept only as a keyed hash bound to the phone
and the purpose. A new code ends the phone's earlier ones for that purpose. ``MAX_WRONG_ATTEMPTS``
wrong tries end a code; at most ``daily_limit`` codes go to one phone for one purpose in a day
(the local calendar day, Asia/Shanghai), so nobody can flood a phone or guess for long.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from communityedu.core import crypto
from communityedu.messaging import sms
from communityedu.messaging.models import SmsRecord, VerificationCode
from communityedu.messaging.templates import SmsTemplate

CODE_DIGITS = 6
MAX_WRONG_ATTEMPTS = 5


def _code_hash(*, phone_lookup: str, purpose: str, code: str) -> str:
    return crypto.lookup_hash(f"verification-code:{purpose}:{phone_lookup}:{code}")


def _start_of_today():
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def sent_today(*, phone: str, purpose: str) -> int:
    return VerificationCode.objects.filter(
        phone_lookup=crypto.lookup_hash(phone), purpose=purpose, created_at__gte=_start_of_today()
    ).count()


def issue(
    *, phone: str, purpose: str, town, template: SmsTemplate, valid_minutes: int, daily_limit: int
) -> SmsRecord | None:
    """Send a new code to ``phone`` (11 digits) with ``template`` (parameters ``code`` and
    ``minutes``); the record of its message, or None when the day's limit is reached (nothing
    sent). A code whose message failed counts toward the limit too (the record says why)."""
    lookup = crypto.lookup_hash(phone)
    if sent_today(phone=phone, purpose=purpose) >= daily_limit:
        return None
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    now = timezone.now()
    with transaction.atomic():
        VerificationCode.objects.filter(
            phone_lookup=lookup, purpose=purpose, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        VerificationCode.objects.create(
            town=town,
            purpose=purpose,
            phone_lookup=lookup,
            code_hash=_code_hash(phone_lookup=lookup, purpose=purpose, code=code),
            expires_at=now + timedelta(minutes=valid_minutes),
        )
    # Sent after the commit: a slow provider holds no database transaction open.
    return sms.send(
        phone=phone,
        template=template,
        params={"code": code, "minutes": str(valid_minutes)},
        town=town,
        purpose=purpose,
    )


def check(*, phone: str, purpose: str, code: str) -> VerificationCode | None:
    """The phone's live code for ``purpose`` if ``code`` is it, else None (a wrong try counted;
    the ``MAX_WRONG_ATTEMPTS``-th ends the code). The code stays live until ``use`` is called."""
    lookup = crypto.lookup_hash(phone)
    row = (
        VerificationCode.objects.filter(
            phone_lookup=lookup,
            purpose=purpose,
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            failed_attempts__lt=MAX_WRONG_ATTEMPTS,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None:
        return None
    expected = _code_hash(phone_lookup=lookup, purpose=purpose, code=code.strip())
    if hmac.compare_digest(row.code_hash, expected):
        return row
    VerificationCode.objects.filter(pk=row.pk).update(failed_attempts=F("failed_attempts") + 1)
    return None


def use(row: VerificationCode) -> bool:
    """Mark the code used, inside the caller's transaction; False if it was used meanwhile."""
    now = timezone.now()
    return bool(
        VerificationCode.objects.filter(pk=row.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    )
