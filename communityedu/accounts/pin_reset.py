"""A forgotten PIN, reset by a code sent to the registered phone.

Two steps, the same on the page (``pin_reset_pages.py``) and in the API (``api/recovery.py``):

1. **Ask for a code** (``request_code``): the answer never tells whether the number carries an
   account ("若该号码已登记，验证码已发送"). Where SMS is configured (``messaging.sms.is_configured``)
   and the number carries an active, activated resident account, a 6-digit code goes to it by SMS:
   valid ``CODE_VALID_MINUTES`` (5), kept as a keyed hash (``messaging.codes``), at most
   ``CODES_PER_PHONE_PER_DAY`` (5) a day per phone; past that nothing is sent and the answer is the
   same. Each address may ask ``RATE_LIMITS["pin-reset-code"]`` times an hour (429 past it).
2. **Enter the code and a new PIN twice** (``reset_pin``). A wrong code counts toward the sign-in
   throttles of the address and the phone (``sign_in.note_failure``) and five wrong tries end the
   code. When several residents' accounts share the phone (an elderly couple), the resident picks
   whose PIN it is once the code is known right (``ChooseAccountError``); the code is used only when the
   PIN is set (``accounts.services.set_resident_pin``: the PIN rules, PINs on one phone differ, the
   account's other sessions end).

Everywhere, with SMS or without, the answer also says 请到村学习中心重置: the centre resets the
account and hands over a new activation code. Every request and reset is audited, the phone masked.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communityedu.accounts import services, sign_in
from communityedu.accounts.models import AccountKind, User
from communityedu.accounts.validators import PHONE_PATTERN, normalize_phone
from communityedu.core import audit, crypto
from communityedu.core.models import AuditAction
from communityedu.messaging import codes, sms
from communityedu.messaging.templates import PIN_RESET_CODE

PURPOSE = "pin_reset"
CODE_VALID_MINUTES = 5
CODES_PER_PHONE_PER_DAY = 5

ANSWER = gettext_lazy(
    "If this number is registered, a verification code has been sent to it by SMS. It is valid for 5 minutes."
)
AT_THE_CENTRE = gettext_lazy("Or reset the PIN at the village learning centre: bring your ID card.")
ONLY_AT_THE_CENTRE = gettext_lazy("To reset the PIN, please go to the village learning centre: bring your ID card.")


class ChooseAccountError(ValidationError):
    """The code is right and several accounts share the phone: say whose PIN it is (``account``)."""

    def __init__(self, accounts: list[User]):
        self.accounts = accounts
        names = "、".join(f"{account.pk} {account.display_name}" for account in accounts)
        super().__init__(
            {
                "account": _("Several residents use this number: choose whose PIN this is (%(names)s).")
                % {"names": names}
            }
        )


def is_offered() -> bool:
    """Whether codes go out by SMS at all here; without, the pages send residents to the centre."""
    return sms.is_configured(PIN_RESET_CODE)


def clean_phone(phone: str) -> str:
    phone = normalize_phone(phone)
    if not PHONE_PATTERN.match(phone):
        raise ValidationError({"phone": _("Enter a mainland mobile number of 11 digits.")})
    return phone


def _accounts_on(phone: str) -> list[User]:
    """The accounts a code may reset: active, activated residents' (a pending account is taken up
    with its activation code, not reset)."""
    return [
        account
        for account in services.find_residents_by_phone(phone)
        if account.is_active and account.kind == AccountKind.RESIDENT and account.activated_at is not None
    ]


def request_code(*, phone: str) -> None:
    """Send a code to ``phone`` if it carries an account and SMS is offered; the same (no answer)
    whatever happens. ValidationError only for a number that is not a mobile number at all."""
    phone = clean_phone(phone)
    masked = crypto.mask_phone(phone)
    accounts = _accounts_on(phone)
    if not accounts:
        outcome = "no account"
    elif not is_offered():
        outcome = "SMS not configured"
    else:
        record = codes.issue(
            phone=phone,
            purpose=PURPOSE,
            town=accounts[0].town,
            template=PIN_RESET_CODE,
            valid_minutes=CODE_VALID_MINUTES,
            daily_limit=CODES_PER_PHONE_PER_DAY,
        )
        outcome = "daily limit reached" if record is None else f"code {record.status}"
    audit.record(
        actor=None,
        action=AuditAction.CREATE,
        obj=accounts[0] if accounts else None,
        town=accounts[0].town if accounts else None,
        object_label=_("PIN reset code for %(phone)s") % {"phone": masked},
        changes={"pin_reset_code": outcome},
    )


def reset_pin(*, request, phone: str, code: str, pin: str, pin2: str, account_id: int | None = None) -> User:
    """Set a new PIN with the code sent to ``phone``; the account whose PIN it now is.

    ValidationError keyed by field: ``code`` (wrong, expired or used: one message), ``pin2`` (the
    two PINs differ), ``pin`` (the PIN rules), ``account`` (``ChooseAccountError``)."""
    phone = clean_phone(phone)
    masked = crypto.mask_phone(phone)
    row = codes.check(phone=phone, purpose=PURPOSE, code=code or "")
    accounts = _accounts_on(phone) if row is not None else []
    if row is None or not accounts:
        sign_in.note_failure(
            request=request,
            audience=sign_in.RESIDENT,
            identifier=sign_in.resident_identifier(phone),
            user=None,
            label=_("PIN reset code for %(phone)s") % {"phone": masked},
        )
        raise ValidationError(
            {"code": _("The code is not right or has expired. Ask for a new code, or reset the PIN at the centre.")}
        )
    if pin != pin2:
        raise ValidationError({"pin2": _("The two PINs differ. Enter the same PIN twice.")})
    account = accounts[0] if len(accounts) == 1 else next((a for a in accounts if a.pk == account_id), None)
    if account is None:
        raise ChooseAccountError(accounts)
    with transaction.atomic():
        services.set_resident_pin(user=account, pin=pin)
        if not codes.use(row):
            raise ValidationError({"code": _("This code has just been used. Ask for a new code.")})
        audit.record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=account,
            object_label=_("PIN reset by SMS code for %(phone)s") % {"phone": masked},
            changes={"pin": ["…", "…"], "reset_by": [None, "SMS code"]},
        )
    return account
