"""Finding a person at the desk by a full phone or ID number, not only by name.

The register keeps the numbers encrypted; what it can search is their keyed hash
(``crypto.lookup_hash``, the ``*_lookup`` columns). So a number finds a person only when it is
whole and exact: an 18-character ID number whose check digit holds, or a phone (a mobile of 11
digits or a landline with its area code), written as a clerk types it (spaces, dashes, full-width
digits, +86). A query holding a digit that is neither is a partial number and finds nobody: the
register is never searched by pieces of numbers. A query without a digit is a name.

Every search by a full number is audited as a search (``AuditAction.SEARCH``): who, in which town,
by phone or by ID number, and whom it found — never the number, nor its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from communityedu.core import audit, crypto
from communityedu.core.models import AuditAction
from communityedu.people import selectors
from communityedu.people.identity import parse_id_number, parse_phone

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town
    from communityedu.people.models import Person

PHONE = "phone"
ID_NUMBER = "id_number"
PARTIAL = "partial"
# How many of the people a number found the audit entry names (a phone shared by a family).
AUDITED_MATCHES = 20


@dataclass(frozen=True)
class NumberQuery:
    kind: str  # PHONE, ID_NUMBER or PARTIAL
    lookup: str = ""

    @property
    def is_full(self) -> bool:
        return self.kind != PARTIAL


def number_query(text: str) -> NumberQuery | None:
    """What a search box's text asks for: None for a name, else a full number (kind and keyed hash)
    or a partial one."""
    if not any(character.isdigit() for character in text):
        return None
    try:
        return NumberQuery(ID_NUMBER, crypto.lookup_hash(parse_id_number(text).value))
    except ValueError:
        pass
    try:
        return NumberQuery(PHONE, crypto.lookup_hash(parse_phone(text)))
    except ValueError:
        return NumberQuery(PARTIAL)


@dataclass
class RegisterSearch:
    people: QuerySet[Person]
    number: NumberQuery | None
    status: str  # selectors.IN_REGISTER, LEFT or EVERYONE


def search_register(
    *,
    user: User,
    town: Town,
    query: str = "",
    village_id: int | None = None,
    tag_id: int | None = None,
    status: str | None = None,
) -> RegisterSearch:
    """The register's list for ``user`` in ``town``: by name, or by a full phone or ID number
    (audited). ``status`` chooses the people still in the register (the default), those who left,
    or everyone; a search by number looks through everyone unless told otherwise, so that a
    person who left is found and shown as such."""
    query = query.strip()
    number = number_query(query) if query else None
    if status not in selectors.REGISTER_STATUSES:
        status = selectors.EVERYONE if number is not None and number.is_full else selectors.IN_REGISTER
    people = selectors.person_list(
        user=user,
        town=town,
        village_id=village_id,
        tag_id=tag_id,
        query="" if number is not None else query,
        status=status,
    )
    if number is not None and not number.is_full:
        people = people.none()
    elif number is not None:
        people = people.filter(**{f"{number.kind}_lookup": number.lookup})
        record_number_search(
            actor=user, town=town, kind=number.kind, found=list(people.values_list("pk", flat=True)[:AUDITED_MATCHES])
        )
    return RegisterSearch(people=people, number=number, status=status)


def record_number_search(*, actor: User, town: Town, kind: str, found: list[int]) -> None:
    """The audit entry of a search by a full number: never the number itself."""
    audit.record(
        actor=actor,
        action=AuditAction.SEARCH,
        town=town,
        object_label=f"people by {kind}",
        changes={"by": kind, "found": found},
    )
