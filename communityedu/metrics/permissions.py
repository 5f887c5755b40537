"""Who may read the plan's figures.

The figures are aggregates, no person in them. Every staff role reads its own town's; a district
evaluator reads the towns of the district; a system administrator reads every town. Residents
and auditors do not read them. The targets dashboard, which leads down to the residents behind a
number, is the town office's page and the district evaluators'.
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
    if town is None:
        return False
    scope = scope_for(user)
    return town.pk in scope.towns_with(Role.TOWN_OFFICE) or town.pk in scope.district_town_ids


def can_edit_targets(user: User, town: Town | None) -> bool:
    """The town office sets its town's deadline and its villages' targets."""
    return town is not None and can_edit_structure(user, town)
