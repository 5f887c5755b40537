"""Writes for people."""

from __future__ import annotations

from django.db import transaction

from communityedu.accounts import services as account_services
from communityedu.core import audit
from communityedu.organization import services as org_services
from communityedu.people.models import Person

PERSON_FIELDS = ["name", "sex", "birth_date", "village", "village_group", "is_resident"]


@transaction.atomic
def link_account(*, person: Person, account, actor=None) -> Person:
    before = audit.snapshot(person, ["account"])
    person.account = account
    person.save(update_fields=["account", "updated_at"])
    audit.record_change(
        actor=actor, obj=person, created=False, changes=audit.diff(before, audit.snapshot(person, ["account"]))
    )
    return person


@transaction.atomic
def create_person(*, town, values: dict, actor=None) -> Person:
    person = Person(town=town, **values)
    person.full_clean()
    person.save()
    audit.record_change(actor=actor, obj=person, created=True, changes=audit.snapshot(person, PERSON_FIELDS))
    return person


def bulk_add_generated_residents(*, town, people: list[Person]) -> int:
    """Insert generated residents in bulk; rows whose ``external_ref`` exists are left alone.

    Used by the demo loader only, and audited as one entry: thirty thousand audit rows for
    synthetic data would drown the log.
    """
    before = Person.objects.filter(town=town).count()
    Person.objects.bulk_create(people, batch_size=2000, ignore_conflicts=True)
    added = Person.objects.filter(town=town).count() - before
    if added:
        audit.record(actor=None, action="create", town=town, object_label=f"{added} generated residents")
    return added


@transaction.atomic
def open_staff_account(
    *, actor, username: str, display_name: str, password: str, role: str, town=None, unit=None, district=None
):
    """A new staff account with its first role, in one step (both audited)."""
    account = account_services.create_staff_account(
        username=username, password=password, display_name=display_name, town=unit.town if unit else town, actor=actor
    )
    org_services.assign_role(user=account, role=role, town=town, unit=unit, district=district, actor=actor)
    return account
