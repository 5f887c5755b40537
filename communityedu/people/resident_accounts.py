"""Residents' accounts, opened at the village learning centre for people of the register.

The town office, or the director of the person's village, opens an account for a person aged 14 or
over (a child's learning card serves at check-in; children get no account). The account takes the
register's phone — or one entered there, which is then the register's too — and starts pending: the
resident takes it up with the one-time activation code (``accounts.activation``), printed on a slip
(``slips.py``) or a learning card. A reset issues a new code; the old code and PIN stop at once.
When the register's phone changes, the account follows (``set_person_phone``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.accounts import activation
from communityedu.accounts.activation import IssuedCode
from communityedu.accounts.models import AccountKind, User
from communityedu.accounts.validators import PHONE_PATTERN, normalize_phone
from communityedu.core import audit, crypto
from communityedu.organization import services as org_services
from communityedu.organization.models import Role
from communityedu.organization.scope import scope_for
from communityedu.people.identity import age_on, parse_phone
from communityedu.people.imports import CONSENT_AGE
from communityedu.people.models import Person


class AccountExistsError(Exception):
    """The person already has an account, pending or active."""


class AccountState(TypedDict):
    state: str  # none | pending | active | disabled
    activated_at: datetime | None
    code_expires_at: datetime | None


def can_manage_resident_accounts(user: User, person: Person) -> bool:
    """The town office of the person's town, and the director of the person's village."""
    scope = scope_for(user)
    return person.town_id in scope.towns_with(Role.TOWN_OFFICE) or (
        person.village_id is not None and person.village_id in scope.director_village_ids
    )


def account_state(person: Person) -> AccountState:
    account = person.account
    if account is None:
        return {"state": "none", "activated_at": None, "code_expires_at": None}
    if not account.is_active:
        state = "disabled"
    elif account.activated_at is None:
        state = "pending"
    else:
        state = "active"
    return {
        "state": state,
        "activated_at": account.activated_at,
        "code_expires_at": activation.open_code_expiry(account) if state == "pending" else None,
    }


def _has_mobile(person: Person) -> bool:
    return bool(person.phone_encrypted) and bool(PHONE_PATTERN.match(crypto.decrypt(person.phone_encrypted)))


def eligibility_problem(person: Person) -> str | None:
    """Why no account can be opened for the person (None when one can)."""
    if person.left_register_on is not None:
        return _("This person has left the register.")
    if person.birth_date is None:
        return _("The register has no birth date for this person: add the ID number first.")
    if age_on(person.birth_date, timezone.localdate()) < CONSENT_AGE:
        return _("Children under 14 get no account: their learning card serves at check-in.")
    return None


@transaction.atomic
def set_person_phone(*, person: Person, phone: str, actor: User | None) -> None:
    """Change the register's phone for the person (checked, encrypted, audited); their account follows."""
    try:
        phone = parse_phone(phone)
    except ValueError as error:
        raise ValidationError({"phone": str(error)}) from error
    if person.account_id is not None and not PHONE_PATTERN.match(phone):
        raise ValidationError({"phone": _("This person signs in with the phone: enter a mobile number.")})
    before = person.phone_masked
    person.set_phone(phone)
    person.save(update_fields=["phone_encrypted", "phone_lookup", "phone_masked", "updated_at"])
    audit.record_change(actor=actor, obj=person, created=False, changes={"phone": [before, person.phone_masked]})
    account = person.account
    if account is not None and account.kind == AccountKind.RESIDENT:
        account.phone_encrypted = crypto.encrypt(phone)
        account.phone_lookup = person.phone_lookup
        account.save(update_fields=["phone_encrypted", "phone_lookup"])
        audit.record_change(actor=actor, obj=account, created=False, changes={"phone": [before, person.phone_masked]})


@transaction.atomic
def open_resident_account(*, person: Person, actor: User | None, phone: str | None = None) -> IssuedCode:
    """Open a pending resident account for ``person`` and return its activation code (shown once).

    Raises ``AccountExistsError`` if the person has one already, ``ValidationError`` (keyed by field) when
    the person cannot have one or no phone is known."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.account_id is not None:
        raise AccountExistsError()
    problem = eligibility_problem(person)
    if problem:
        raise ValidationError({"person": problem})
    if phone:
        if _has_mobile(person):
            raise ValidationError({"phone": _("The register already has a mobile number for this person.")})
        if not PHONE_PATTERN.match(normalize_phone(phone)):
            raise ValidationError({"phone": _("Enter a mainland mobile number of 11 digits.")})
        set_person_phone(person=person, phone=phone, actor=actor)
    if not person.phone_lookup:
        raise ValidationError({"phone": _("The register has no phone for this person: enter one.")})
    if not _has_mobile(person):
        raise ValidationError({"phone": _("The register has a landline for this person: enter a mobile number.")})
    account = User(
        username=f"resident-{person.town_id}-{person.pk}",
        display_name=person.name,
        town=person.town,
        kind=AccountKind.RESIDENT,
        phone_encrypted=person.phone_encrypted,
        phone_lookup=person.phone_lookup,
    )
    account.set_unusable_password()
    account.save()
    audit.record_change(
        actor=actor, obj=account, created=True, changes={"kind": [None, "resident"], "person": [None, person.pk]}
    )
    org_services.assign_role(user=account, role=Role.RESIDENT, town=person.town, actor=actor)
    person.account = account
    person.save(update_fields=["account", "updated_at"])
    audit.record_change(actor=actor, obj=person, created=False, changes={"account": [None, account.pk]})
    return activation.issue_code(account=account, actor=actor)


@transaction.atomic
def reset_resident_account(*, person: Person, actor: User | None) -> IssuedCode:
    """A new activation code for the person's account: the old code and PIN stop at once."""
    account = person.account
    if account is None or account.kind != AccountKind.RESIDENT:
        raise ValidationError({"person": _("This person has no resident account yet.")})
    if not account.is_active:
        raise ValidationError({"person": _("This account is disabled.")})
    return activation.issue_code(account=account, actor=actor)
