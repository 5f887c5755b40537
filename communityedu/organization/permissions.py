"""Who may see and do what in the organisation domain, composed from small named rules.

Rules take the account (and, where it matters, the town or the object) and answer yes or no.
Views and API endpoints ask these rules; querysets are narrowed by the ``visible_to`` gates in
``selectors``. The role matrix test (``tests/test_role_matrix.py``) walks every URL and API
operation against a declared table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Unit
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.organization.models import Town
    from communityedu.organization.scope import Account

STRUCTURE_READER_ROLES = (
    Role.TOWN_OFFICE,
    Role.SCHOOL_STAFF,
    Role.TEACHER,
    Role.VOLUNTEER,
    Role.MODERATOR,
)


def is_town_office(user: Account, town: Town | None = None) -> bool:
    towns = scope_for(user).towns_with(Role.TOWN_OFFICE)
    return bool(towns) if town is None else town.pk in towns


def own_unit_ids(user: Account, town: Town | None) -> frozenset[int]:
    """The units ``user`` acts for in ``town``: those of their unit roles (a learning-centre
    director's centre, a department's staff their department) and the village committee of a
    village they direct. Each domain decides what a unit sees of its own (its assessment, its funds)."""
    if town is None:
        return frozenset()
    scope = scope_for(user)
    unit_ids = scope.units_with(Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF)
    if not unit_ids and not scope.director_village_ids:
        return frozenset()
    units = Unit.objects.filter(town=town).filter(
        Q(pk__in=unit_ids) | Q(unit_type=UnitType.VILLAGE_COMMITTEE, village_id__in=scope.director_village_ids)
    )
    return frozenset(units.values_list("pk", flat=True))


def is_evaluator(user: Account) -> bool:
    return bool(scope_for(user).district_town_ids)


def is_system_admin(user: Account) -> bool:
    return scope_for(user).is_system_admin


def is_auditor(user: Account) -> bool:
    return bool(scope_for(user).towns_with(Role.AUDITOR))


def is_resident(user: Account) -> bool:
    return bool(scope_for(user).towns_with(Role.RESIDENT))


def has_staff_role(user: Account) -> bool:
    """Any role that works in the staff pages (everything but resident and auditor)."""
    scope = scope_for(user)
    return bool(
        scope.towns_with(*STRUCTURE_READER_ROLES)
        or scope.unit_roles
        or scope.district_town_ids
        or scope.is_system_admin
    )


def can_view_structure(user: Account) -> bool:
    return has_staff_role(user)


def can_edit_structure(user: Account, town: Town) -> bool:
    return is_town_office(user, town)


def can_view_towns(user: Account) -> bool:
    return is_system_admin(user) or is_evaluator(user)


def can_view_audit_log(user: Account) -> bool:
    return is_auditor(user)
