"""Who may keep the team register and issue certificates.

The town office and the community school keep the register and the employers' totals; the
community school (and the town office) issue and revoke certificates. A teacher or volunteer sees
their own figures; district evaluators read everything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.organization.constants import Role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


def manages_incentives(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in scope_for(user).towns_with(Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


def reads_incentives(user: User, town: Town | None) -> bool:
    return town is not None and (manages_incentives(user, town) or town.pk in scope_for(user).district_town_ids)
