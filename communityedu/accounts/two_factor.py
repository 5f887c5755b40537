"""The second factor: TOTP (RFC 6238), the six-digit code of an authenticator app.

Enrolment stores a new secret, encrypted like other personal data, and confirms it with a first
code; from then on the staff sign-in asks for a code after the password. A code is accepted once
(the step it belongs to is remembered), with one step of clock drift either way. Failed codes
count toward the same lockout as failed passwords.
"""

from __future__ import annotations

import pyotp
import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.accounts.models import AccountKind, User
from communityedu.core import audit, crypto
from communityedu.core.models import AuditAction
from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

ISSUER = "社区教育"
REQUIRED_ROLES = (Role.TOWN_OFFICE, Role.SYSTEM_ADMIN)


def is_required_for(user: User) -> bool:
    """Town-office and administrator accounts need a second factor when the setting says so."""
    if not settings.REQUIRE_2FA_FOR_STAFF or user.kind != AccountKind.STAFF:
        return False
    return bool(scope_for(user).roles & set(REQUIRED_ROLES))


def _totp(user: User) -> pyotp.TOTP:
    return pyotp.TOTP(crypto.decrypt(user.totp_secret_encrypted))


@transaction.atomic
def start_enrolment(*, user: User) -> str:
    """A new secret for ``user`` (not in force until confirmed); returns it for the app."""
    secret = pyotp.random_base32()
    user.totp_secret_encrypted = crypto.encrypt(secret)
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.save(update_fields=["totp_secret_encrypted", "totp_confirmed_at", "totp_last_step"])
    return secret


def provisioning_uri(user: User) -> str:
    return _totp(user).provisioning_uri(name=user.username, issuer_name=ISSUER)


def provisioning_qr_svg(user: User) -> str:
    """The enrolment QR code as an SVG data URI (drawn here, nothing fetched)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=4)


def _accept(user: User, code: str, now=None) -> bool:
    if not user.totp_secret_encrypted:
        return False
    code = (code or "").strip().replace(" ", "")
    totp = _totp(user)
    moment = now or timezone.now()
    for drift in (0, -1, 1):
        step = totp.timecode(moment) + drift
        if totp.generate_otp(step) == code and (user.totp_last_step is None or step > user.totp_last_step):
            updated = User.objects.filter(pk=user.pk, totp_last_step=user.totp_last_step).update(totp_last_step=step)
            user.totp_last_step = step
            return updated == 1
    return False


@transaction.atomic
def confirm_enrolment(*, user: User, code: str, now=None) -> None:
    if not _accept(user, code, now):
        raise ValidationError({"code": _("The code is not right. Enter the six digits the app shows now.")})
    user.totp_confirmed_at = now or timezone.now()
    user.save(update_fields=["totp_confirmed_at"])
    audit.record_change(actor=user, obj=user, created=False, changes={"two_factor": [False, True]})


def verify_code(*, user: User, code: str, now=None) -> bool:
    return user.has_two_factor and _accept(user, code, now)


@transaction.atomic
def remove(*, user: User, actor) -> None:
    user.totp_secret_encrypted = ""
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.save(update_fields=["totp_secret_encrypted", "totp_confirmed_at", "totp_last_step"])
    audit.record(
        actor=actor, action=AuditAction.UPDATE, obj=user, town=user.town, changes={"two_factor": [True, False]}
    )
