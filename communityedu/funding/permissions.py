"""Who may see and record the town's money.

The town office keeps the funding ledgers of its town; district evaluators read every town of
their district. A unit's own people (a learning-centre director, a department's staff, a village
director for the village committee) read what was allocated to their unit and what it paid, and
nothing else of the ledgers. Nobody else sees them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.permissions import own_unit_ids
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

FUNDING_MANAGER_ROLES = (Role.TOWN_OFFICE,)


def funding_manager_town_ids(user: User) -> frozenset[int]:
    return scope_for(user).towns_with(*FUNDING_MANAGER_ROLES)


def funding_reader_town_ids(user: User) -> frozenset[int]:
    return funding_manager_town_ids(user) | scope_for(user).district_town_ids


def can_manage_funding(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in funding_manager_town_ids(user)


def can_read_funding(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in funding_reader_town_ids(user)


def readable_unit_ids(user: User, town: Town) -> frozenset[int] | None:
    """The units whose funds ``user`` reads in ``town``: None for every unit (the ledgers'
    readers), else the user's own units (possibly none)."""
    if can_read_funding(user, town):
        return None
    return own_unit_ids(user, town)


def can_read_unit_funding(user: User, town: Town) -> bool:
    return can_read_funding(user, town) or bool(own_unit_ids(user, town))
