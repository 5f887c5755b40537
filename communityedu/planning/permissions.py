"""Who may see and run the town's plan.

The town office manages everything of its town: phases, tasks, meetings, notices, the external
evaluation and every rectification item. The units that carry the plan — departments, the
community school, the village committees and their learning centres — see their own tasks,
rectification items, the meetings they were invited to and the published notices that name them,
and update their own tasks and rectification items. District evaluators read every town of their
district. Nobody else (teachers, volunteers, moderators, auditors, residents) sees any of it.

A unit account acts for: the units its roles name (department staff, centre directors), the
village committee of a director's village (the committee head directs the centre), and for
community-school staff, the town's community school.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Town, Unit
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User

PLAN_MANAGER_ROLES = (Role.TOWN_OFFICE,)


def manager_town_ids(user: User) -> frozenset[int]:
    return scope_for(user).towns_with(*PLAN_MANAGER_ROLES)


def whole_town_reader_ids(user: User) -> frozenset[int]:
    """Towns whose whole plan ``user`` reads: the office's own, the evaluator's district."""
    scope = scope_for(user)
    return manager_town_ids(user) | scope.district_town_ids


def acting_unit_ids(user: User, town: Town | int | None = None) -> frozenset[int]:
    """The units ``user`` carries the plan for (in ``town`` if given)."""
    scope = scope_for(user)
    own_units = scope.units_with(Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF)
    school_towns = scope.towns_with(Role.SCHOOL_STAFF)
    if not (own_units or school_towns):
        return frozenset()
    cached = getattr(user, "_plan_units_cache", None)
    if cached is None:
        condition = (
            Q(pk__in=own_units)
            | Q(unit_type=UnitType.VILLAGE_COMMITTEE, village_id__in=scope.director_village_ids)
            | Q(unit_type=UnitType.COMMUNITY_SCHOOL, town_id__in=school_towns)
        )
        cached = tuple(Unit.objects.filter(condition).values_list("pk", "town_id"))
        user._plan_units_cache = cached  # type: ignore[attr-defined]  # a per-request cache on the account
    town_id = town.pk if isinstance(town, Town) else town
    return frozenset(pk for pk, unit_town in cached if town_id is None or unit_town == town_id)


def can_manage_plan(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in manager_town_ids(user)


def reads_whole_plan(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in whole_town_reader_ids(user)


def can_read_plan(user: User, town: Town | None) -> bool:
    """The plan's pages: the office, the evaluators and the units of the town."""
    return town is not None and (reads_whole_plan(user, town) or bool(acting_unit_ids(user, town)))


def can_update_for_unit(user: User, *, town_id: int, unit_id: int) -> bool:
    """Whether ``user`` may update a task or rectification item owned by ``unit_id``."""
    return town_id in manager_town_ids(user) or unit_id in acting_unit_ids(user, town_id)


def can_read_evaluations(user: User, town: Town | None) -> bool:
    return reads_whole_plan(user, town)


def readable_town_ids(user: User) -> frozenset[int]:
    """Towns of which ``user`` reads at least part of the plan."""
    return whole_town_reader_ids(user) | frozenset(
        town_id for town_id in scope_for(user).member_town_ids if acting_unit_ids(user, town_id)
    )
