"""Reads of people, always through the account's scope.

Town office and community-school staff read every person of their town; a learning-centre
director reads the residents of the village their centre serves; a district evaluator reads the
people of every town of the district (personal numbers stay masked); nobody else reads the register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from communityedu.organization.constants import Role
from communityedu.organization.models import RoleAssignment, Town, Village
from communityedu.organization.scope import scope_for
from communityedu.people.models import ImportBatch, Person, RegisterRevision, Tag
from communityedu.people.revision_triggers import SQLITE_COUNTED_INSERTS

if TYPE_CHECKING:
    from communityedu.accounts.models import User

REGISTER_ROLES = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)
# Whom the register's list shows: the people in it (the default), those who left it, or everyone.
IN_REGISTER = "current"
LEFT = "left"
EVERYONE = "all"
REGISTER_STATUSES = (IN_REGISTER, LEFT, EVERYONE)


def people_visible_to(user: User) -> QuerySet[Person]:
    scope = scope_for(user)
    whole_towns = scope.towns_with(*REGISTER_ROLES) | scope.district_town_ids
    condition = Q(town_id__in=whole_towns) | Q(village_id__in=scope.director_village_ids)
    if not whole_towns and not scope.director_village_ids:
        return Person.objects.none()
    return Person.objects.filter(condition)


def can_read_person(user: User, town_id: int, village_id: int | None) -> bool:
    """Whether ``user`` reads a person of that town and home village: the rule of
    ``people_visible_to`` for one row already read (a check-in device's hot path)."""
    scope = scope_for(user)
    return (
        town_id in scope.towns_with(*REGISTER_ROLES)
        or town_id in scope.district_town_ids
        or (village_id is not None and village_id in scope.director_village_ids)
    )


def can_read_register(user: User) -> bool:
    scope = scope_for(user)
    return bool(scope.towns_with(*REGISTER_ROLES) or scope.district_town_ids or scope.director_village_ids)


def person_list(
    *,
    user: User,
    town: Town,
    village_id: int | None = None,
    query: str = "",
    tag_id: int | None = None,
    status: str = IN_REGISTER,
) -> QuerySet[Person]:
    """The register's list, by name (``query``, a substring); a search by number goes through
    ``number_search.search_register``, which audits it."""
    people = (
        people_visible_to(user)
        .filter(town=town)
        .select_related("village")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
    )
    if status == IN_REGISTER:
        people = people.filter(left_register_on__isnull=True)
    elif status == LEFT:
        people = people.filter(left_register_on__isnull=False)
    if village_id:
        people = people.filter(village_id=village_id)
    if tag_id:
        people = people.filter(person_tags__tag_id=tag_id)
    if query:
        people = people.filter(name__contains=query.strip())
    return people.order_by("village__code", "village__name", "name", "id")


def tags_of_town(town: Town) -> QuerySet[Tag]:
    return Tag.objects.filter(town=town).order_by("name")


def can_unmask(user: User, person: Person) -> bool:
    """The town office, and the director of the person's village, may see the numbers in clear."""
    scope = scope_for(user)
    return person.town_id in scope.towns_with(Role.TOWN_OFFICE) or (
        person.village_id is not None and person.village_id in scope.director_village_ids
    )


def unmaskable(user: User, people: QuerySet[Person]) -> QuerySet[Person]:
    """Of ``people``, those whose numbers ``user`` may see in clear (the rule of ``can_unmask``)."""
    scope = scope_for(user)
    return people.filter(
        Q(town_id__in=scope.towns_with(Role.TOWN_OFFICE)) | Q(village_id__in=scope.director_village_ids)
    )


def can_unmask_in(user: User, town: Town) -> bool:
    scope = scope_for(user)
    return town.pk in scope.towns_with(Role.TOWN_OFFICE) or bool(scope.director_village_ids)


def can_import(user: User, town: Town) -> bool:
    scope = scope_for(user)
    return town.pk in scope.towns_with(Role.TOWN_OFFICE) or bool(
        Village.objects.filter(town=town, pk__in=scope.director_village_ids).exists()
    )


def import_scope(user: User, town: Town) -> tuple[set[int] | None, Village | None]:
    """(villages the caller may import into — None for all —, the village rows default to)."""
    scope = scope_for(user)
    if town.pk in scope.towns_with(Role.TOWN_OFFICE):
        return None, None
    villages = list(Village.objects.filter(town=town, pk__in=scope.director_village_ids))
    return {v.pk for v in villages}, villages[0] if len(villages) == 1 else None


def import_batches_visible_to(user: User, town: Town) -> QuerySet[ImportBatch]:
    batches = ImportBatch.objects.filter(town=town).select_related("uploaded_by")
    if town.pk in scope_for(user).towns_with(Role.TOWN_OFFICE):
        return batches
    return batches.filter(uploaded_by=user)


def get_import_batch_for(user: User, town: Town, pk: int) -> ImportBatch:
    return get_object_or_404(import_batches_visible_to(user, town), pk=pk)


def get_person_for(user: User, pk: int) -> Person:
    return get_object_or_404(people_visible_to(user).select_related("village", "town", "account"), pk=pk)


def roles_of(person: Person) -> list[RoleAssignment]:
    if person.account_id is None:
        return []
    return list(RoleAssignment.objects.filter(user_id=person.account_id).select_related("unit", "town", "district"))


def person_for_account(user: User) -> Person | None:
    """The person an account belongs to (a resident's own record), if any."""
    if not user.is_authenticated:
        return None
    return Person.objects.filter(account=user).select_related("village", "town").first()


def accounts_visible_to(user: User) -> QuerySet:
    """Accounts the caller manages: a town office its town's, a system administrator every one."""
    accounts = get_user_model().objects.all()
    scope = scope_for(user)
    if scope.is_system_admin:
        return accounts
    return accounts.filter(town_id__in=scope.towns_with(Role.TOWN_OFFICE))


def can_manage_accounts(user: User) -> bool:
    scope = scope_for(user)
    return scope.is_system_admin or bool(scope.towns_with(Role.TOWN_OFFICE))


def account_list(*, user: User, town: Town | None) -> list:
    accounts = (
        accounts_visible_to(user)
        .select_related("town")
        .prefetch_related(
            Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("unit", "town", "district")),
            Prefetch("people", queryset=Person.objects.select_related("village")),
        )
    )
    if town is not None and not scope_for(user).is_system_admin:
        accounts = accounts.filter(town=town)
    return list(accounts.order_by("kind", "username"))


def register_revisions(town_ids: list[int]) -> dict[int, str]:
    """{town id: its register revision} (``RegisterRevision``: 0 for a town never written), in one
    query. On SQLite the inserts of people and of their tags fire no trigger
    (``people.revision_triggers.SQLITE_COUNTED_INSERTS``): the tables' counters of ids
    (``sqlite_sequence``, raised by every insert, restored by a rollback) are part of every town's
    revision, so a new person or tag anywhere in the district makes each town count again."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT town_id, revision FROM {quote(RegisterRevision._meta.db_table)}"  # noqa: S608 (names of the models)
        f" WHERE town_id IN ({', '.join(['%s'] * len(town_ids))})"
    )
    params: list = list(town_ids)
    counters = SQLITE_COUNTED_INSERTS if connection.vendor == "sqlite" else ()
    for index, table in enumerate(counters):
        sql += " UNION ALL SELECT %s, seq FROM sqlite_sequence WHERE name = %s"
        params += [-1 - index, table]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        revisions = dict(cursor.fetchall())
    inserted = "".join(f"+{revisions.pop(-1 - index, 0)}" for index in range(len(counters)))
    return {town_id: f"{revisions.get(town_id, 0)}{inserted}" for town_id in town_ids}
