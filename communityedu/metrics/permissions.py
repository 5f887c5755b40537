"""Who may read the plan's figures.

The figures are aggregates, no person in them. Every staff role reads its own town's; a district
evaluator reads the towns of the district; a system administrator reads every town. Residents
and auditors do not read them. The targets dashboard and ``GET /api/v1/metrics`` answer the same
readers, and so do the records behind a number (activities, ledger lines, answers: no names).
The residents behind the participation rate are named people: the town office and the district
evaluators read every village's, a learning centre's director those of the villages the centre
serves, nobody else any (``participant_villages_for``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.permissions import can_edit_structure, has_staff_role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


def can_read_figures(user: User, town: Town) -> bool:
    scope = scope_for(user)
    if scope.is_system_admin:
        return True
    return has_staff_role(user) and town.pk in scope.readable_town_ids


def can_open_targets_dashboard(user: User, town: Town | None) -> bool:
    """The targets page answers those who read the figures over the API."""
    return town is not None and can_read_figures(user, town)


EVERY_VILLAGE = None


def participant_villages_for(user: User, town: Town) -> frozenset[int] | None:
    """The villages of ``town`` whose residents behind the participation rate ``user`` may read by
    name: ``EVERY_VILLAGE`` (None) for the town office and the district's evaluators, the villages
    of the centres a director directs, else none (an empty set)."""
    scope = scope_for(user)
    if town.pk in scope.towns_with(Role.TOWN_OFFICE) or town.pk in scope.district_town_ids:
        return EVERY_VILLAGE
    if not can_read_figures(user, town):
        return frozenset()
    return frozenset(scope.director_village_ids)


def can_edit_targets(user: User, town: Town | None) -> bool:
    """The town office sets its town's deadline and its villages' targets."""
    return town is not None and can_edit_structure(user, town)
