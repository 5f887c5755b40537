"""Who may see and record the town's money.

The town office keeps the funding ledgers of its town; district evaluators read every town of
their district. Nobody else sees them (department staff fund their own duties, recorded by the
town office as allocations to the unit).
"""

from __future__ import annotations

from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

FUNDING_MANAGER_ROLES = (Role.TOWN_OFFICE,)


def funding_manager_town_ids(user) -> frozenset[int]:
    return scope_for(user).towns_with(*FUNDING_MANAGER_ROLES)


def funding_reader_town_ids(user) -> frozenset[int]:
    return funding_manager_town_ids(user) | scope_for(user).district_town_ids


def can_manage_funding(user, town) -> bool:
    return town is not None and town.pk in funding_manager_town_ids(user)


def can_read_funding(user, town) -> bool:
    return town is not None and town.pk in funding_reader_town_ids(user)
