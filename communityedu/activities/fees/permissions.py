"""Who may see and do what with lecture fees."""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

FEE_MANAGER_ROLES = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


def fee_manager_town_ids(user: User) -> frozenset[int]:
    """Towns where ``user`` sets standards and records, pays and reverses fees."""
    return scope_for(user).towns_with(*FEE_MANAGER_ROLES)


def fee_reader_town_ids(user: User) -> frozenset[int]:
    """Managers read their towns' fees; district evaluators read the district's."""
    return fee_manager_town_ids(user) | scope_for(user).district_town_ids


def can_manage_fees(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in fee_manager_town_ids(user)


def can_read_fees(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in fee_reader_town_ids(user)
