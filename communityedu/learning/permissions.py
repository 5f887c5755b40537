"""Who may read and who may keep the town's learning resources.

Everyone signed in to a town reads its published resources: residents, every staff role, the
district's evaluators (for the towns of their district) and system administrators; not the
auditor, who reviews the audit log only (``Scope.member_town_ids``).
The town office and the community school keep resources for any unit of their town; a
learning-centre director and department staff keep those of their own unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from communityedu.organization.constants import Role
from communityedu.organization.models import Town, Unit
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.learning.models import Resource

TOWN_LIBRARIANS = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)
UNIT_LIBRARIANS = (Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF)


def reads_library(user: User, town: Town | None) -> bool:
    if town is None or not user.is_authenticated:
        return False
    scope = scope_for(user)
    return scope.is_system_admin or town.pk in scope.readable_town_ids


def owner_units_for(user: User, town: Town | None) -> QuerySet[Unit]:
    """The units ``user`` may keep resources for in ``town``."""
    if town is None:
        return Unit.objects.none()
    scope = scope_for(user)
    units = Unit.objects.filter(town=town)
    if town.pk in scope.towns_with(*TOWN_LIBRARIANS):
        return units
    return units.filter(pk__in=scope.units_with(*UNIT_LIBRARIANS))


def keeps_library(user: User, town: Town | None) -> bool:
    """Whether ``user`` keeps resources for some unit of ``town`` (read from the scope alone)."""
    if town is None:
        return False
    scope = scope_for(user)
    return town.pk in scope.towns_with(*TOWN_LIBRARIANS) or (
        bool(scope.units_with(*UNIT_LIBRARIANS)) and town.pk in scope.unit_town_ids
    )


def can_edit_resource(user: User, resource: Resource) -> bool:
    scope = scope_for(user)
    if resource.town_id in scope.towns_with(*TOWN_LIBRARIANS):
        return True
    return resource.owner_unit_id in scope.units_with(*UNIT_LIBRARIANS)
