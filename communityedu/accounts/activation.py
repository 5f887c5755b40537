"""Activation: how a resident takes up an account the village centre opened for them.

The centre opens the account (``people.resident_accounts``) and hands over a one-time **activation
code** — eight digits, valid ``ACTIVATION_CODE_DAYS`` (90) days, kept only as a keyed hash and
shown once, on a slip or a learning card with a QR code to ``/accounts/activate/?code=…``. The
resident enters the phone, the code and a PIN twice, agrees to the privacy notice, and is signed in.

- A code works once (a conditional update marks it used: of two tries at once, one wins).
- A new code (a reset, a reprinted card) ends the previous codes and the PIN at once.
- Wrong codes count toward the same per-account (the phone) and per-address throttles as a wrong
  PIN at sign-in (``sign_in.note_failure``); a phone locked by failures is refused.
- Nothing tells whether a phone has an account: a phone without one gets the same answer as a wrong code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.accounts import services, sign_in, tokens
from communityedu.accounts.models import AccountKind, ActivationCode, ApiToken, User
from communityedu.accounts.validators import PHONE_PATTERN, normalize_phone, validate_pin
from communityedu.core import audit, crypto
from communityedu.core.links import public_url

CODE_DIGITS = 8
# The version of the privacy notice shown on the activation page (templates/accounts/privacy_notice.html).
PRIVACY_NOTICE_VERSION = "2026-12"


@dataclass(frozen=True)
class IssuedCode:
    code: str
    expires_at: datetime
    activation_url: str


def code_hash(code: str) -> str:
    return crypto.lookup_hash("activation-code:" + code)


def activation_url(code: str) -> str:
    return public_url("/accounts/activate/?" + urlencode({"code": code}))


@transaction.atomic
def issue_code(*, account: User, actor: User | None) -> IssuedCode:
    """A new activation code for a resident account: earlier codes and the PIN stop at once, and the
    account is pending until the code is used."""
    if account.kind != AccountKind.RESIDENT:
        raise ValidationError(_("Only a resident account is activated with a code."))
    now = timezone.now()
    ActivationCode.objects.filter(user=account, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    expires_at = now + timedelta(days=settings.ACTIVATION_CODE_DAYS)
    for _attempt in range(5):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        try:
            with transaction.atomic():
                ActivationCode.objects.create(
                    user=account, code_hash=code_hash(code), expires_at=expires_at, created_by=actor
                )
            break
        except IntegrityError:  # the same code is live for someone else: draw again
            continue
    else:  # pragma: no cover - five collisions in 10^8 codes
        raise RuntimeError("no free activation code")
    account.set_unusable_password()
    User.objects.filter(pk=account.pk).update(
        password=account.password, activated_at=None, session_generation=F("session_generation") + 1
    )
    ApiToken.objects.filter(user=account, is_active=True).update(is_active=False)
    tokens.remembered_tokens.forget_account(account.pk)
    account.refresh_from_db(fields=["activated_at", "session_generation"])
    audit.record_change(
        actor=actor,
        obj=account,
        created=False,
        changes={"activation_code": [None, f"valid until {expires_at:%Y-%m-%d}"]},
    )
    return IssuedCode(code=code, expires_at=expires_at, activation_url=activation_url(code))


def open_code_expiry(account: User) -> datetime | None:
    """When the account's live activation code expires (None when it has none)."""
    live = (
        ActivationCode.objects.filter(user=account, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    return live.expires_at if live else None


def _check_fields(*, phone: str, code: str, pin: str, pin2: str, consent: bool, birth_date=None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not PHONE_PATTERN.match(normalize_phone(phone or "")):
        errors["phone"] = _("Enter a mainland mobile number of 11 digits.")
    if not (code or "").strip().isdigit() or len((code or "").strip()) != CODE_DIGITS:
        errors["code"] = _("The activation code is the 8 digits on your slip or card.")
    try:
        validate_pin(pin, birth_date=birth_date)
    except ValidationError as error:
        errors["pin"] = " ".join(error.message_dict.get("pin", error.messages))
    if "pin" not in errors and pin != pin2:
        errors["pin2"] = _("The two PINs are not the same.")
    if not consent:
        errors["consent"] = _("Please read the privacy notice and tick the box to agree.")
    return errors


def activate(*, request, phone: str, code: str, pin: str, pin2: str, consent: bool) -> User:
    """Take up the account: the code opens it, the PIN becomes its PIN, consent is recorded. Raises
    ``ValidationError`` with a message per field (``phone``, ``code``, ``pin``, ``pin2``, ``consent``)."""
    errors = _check_fields(phone=phone, code=code, pin=pin, pin2=pin2, consent=consent)
    if errors:
        raise ValidationError(errors)
    phone = normalize_phone(phone)
    identifier = sign_in.resident_identifier(phone)
    accounts = services.find_residents_by_phone(phone)
    first = accounts[0] if accounts else None
    if sign_in.is_locked(audience=sign_in.RESIDENT, identifier=identifier, user=first):
        raise ValidationError({"code": sign_in.locked_message()})
    now = timezone.now()
    live = (
        ActivationCode.objects.select_related("user")
        .filter(code_hash=code_hash(code.strip()), user__in=accounts, used_at__isnull=True, expires_at__gt=now)
        .first()
        if accounts
        else None
    )
    if live is None or not live.user.is_active:
        sign_in.note_failure(
            request=request,
            audience=sign_in.RESIDENT,
            identifier=identifier,
            user=first,
            label=crypto.mask_phone(phone),
        )
        raise ValidationError(
            {"code": _("This phone number and activation code do not match, or the code has expired.")}
        )
    account = live.user
    person = account.people.first()
    birth_date = person.birth_date if person is not None else None
    validate_pin_for = _check_fields(phone=phone, code=code, pin=pin, pin2=pin2, consent=consent, birth_date=birth_date)
    if validate_pin_for:
        raise ValidationError(validate_pin_for)
    with transaction.atomic():
        if not ActivationCode.objects.filter(pk=live.pk, used_at__isnull=True).update(used_at=now):
            raise ValidationError({"code": _("This activation code has already been used.")})
        services.set_resident_pin(user=account, pin=pin, birth_date=birth_date, actor=account)
        User.objects.filter(pk=account.pk).update(
            activated_at=now, privacy_consent_at=now, privacy_consent_version=PRIVACY_NOTICE_VERSION
        )
        account.refresh_from_db()
        audit.record_change(
            actor=account,
            obj=account,
            created=False,
            changes={
                "activated_at": [None, now.isoformat()],
                "privacy_consent_version": [None, PRIVACY_NOTICE_VERSION],
            },
        )
    sign_in.note_success(user=account)
    return account
