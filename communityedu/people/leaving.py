"""The end of a person's place in the register, and of a resident's account.

A person **leaves the register** when they move away, die, or for another stated reason: the day
and the reason are kept (``Person.left_register_on``, ``left_reason``), the person's history stays
(attendance, learning, certificates), the register's list no longer shows them unless asked, and
their account — resident or staff — is disabled at once: its sessions end and its tokens stop.
The town office or the director of the person's village records it (the same people who open the
person's account).

A resident may also **close their own account** (PIPL art. 47): the PIN confirms it, the account
is disabled with the reason "closed by the resident" and every session ends; the person stays in
the register, whose keeper is the village, not the resident. A wrong PIN counts towards the
account's sign-in lockout, as at the sign-in page.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communityedu.accounts import services as account_services
from communityedu.accounts import sign_in
from communityedu.accounts.models import AccountKind
from communityedu.core import audit
from communityedu.people.models import LeftReason, Person

if TYPE_CHECKING:
    from django.http import HttpRequest

    from communityedu.accounts.models import User

LEFT_ACCOUNT_REASON = gettext_noop("Left the register: %(reason)s")
CLOSED_BY_RESIDENT = gettext_noop("Closed by the resident")


def _left_account_reason(reason: str) -> str:
    """The disabled account's stored reason, in the default language whatever the caller's page was in."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(LEFT_ACCOUNT_REASON) % {"reason": str(LeftReason(reason).label)}


def _closed_account_reason() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(CLOSED_BY_RESIDENT)


@transaction.atomic
def leave_register(*, person: Person, actor: User | None, on: date, reason: str) -> Person:
    """Record that ``person`` left the register on ``on`` for ``reason`` (a ``LeftReason``) and
    disable their account at once. ``ValidationError`` keyed by ``on`` or ``reason``; nothing is
    written then."""
    person = Person.objects.select_for_update(of=("self",)).select_related("account").get(pk=person.pk)
    errors = {}
    if reason not in LeftReason.values:
        errors["reason"] = _("Choose why the person left: %(choices)s.") % {
            "choices": ", ".join(str(label) for label in LeftReason.labels)
        }
    if on > timezone.localdate():
        errors["on"] = _("The day the person left cannot be in the future.")
    elif person.birth_date is not None and on < person.birth_date:
        errors["on"] = _("The day the person left cannot be before their birth date.")
    if person.left_register_on is not None:
        errors["on"] = _("This person already left the register on %(day)s.") % {
            "day": person.left_register_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    person.left_register_on = on
    person.left_reason = reason
    person.save(update_fields=["left_register_on", "left_reason", "updated_at"])
    audit.record_change(
        actor=actor,
        obj=person,
        created=False,
        changes={"left_register_on": [None, on.isoformat()], "left_reason": [None, reason]},
    )
    account = person.account
    if account is not None and account.is_active:
        account_services.disable_account(account=account, actor=actor, reason=_left_account_reason(reason))
    return person


# Not one transaction: a wrong PIN's failure count must stand although the closing is refused.
def close_own_account(*, request: HttpRequest, account: User, pin: str) -> None:
    """The resident closes their own account, confirming with the PIN. ``ValidationError`` on
    ``pin`` when it is wrong (counted as a failed sign-in); ``PermissionDenied`` for an account
    other than a resident's (staff accounts are closed by the town office)."""
    if account.kind != AccountKind.RESIDENT:
        raise PermissionDenied(_("Only a resident's own account can be closed here."))
    if not pin or not account.check_password(pin):
        audience, identifier = sign_in.identifier_of(account)
        sign_in.note_failure(
            request=request, audience=audience, identifier=identifier, user=account, label=account.get_username()
        )
        raise ValidationError({"pin": _("The PIN is not right.")})
    account_services.disable_account(account=account, actor=account, reason=_closed_account_reason())
