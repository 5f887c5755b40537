"""Who may see and do what in the assessment.

The town office manages everything of its town: basic conditions and their files, the indicator
versions, the manual scores and the weights of the unit assessment. District evaluators read the
towns of their district: the evaluation dossier is theirs. A unit sees its own part: a
learning-centre director the conditions of that centre and the assessment of the village committee
of its village (the centre is directed by the committee's head); department staff their
department's assessment. Residents, auditors (who review the audit log only) and every other role
see nothing of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from communityedu.assessment.constants import CONDITION_UNIT_TYPES
from communityedu.organization.constants import Role
from communityedu.organization.models import Unit
from communityedu.organization.permissions import own_unit_ids
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


def manager_town_ids(user: User) -> frozenset[int]:
    return scope_for(user).towns_with(Role.TOWN_OFFICE)


def reader_town_ids(user: User) -> frozenset[int]:
    scope = scope_for(user)
    return scope.towns_with(Role.TOWN_OFFICE) | scope.district_town_ids


def can_manage(user: User, town: Town | None) -> bool:
    return town is not None and town.pk in manager_town_ids(user)


def can_read(user: User, town: Town | None) -> bool:
    """Reads the whole town's assessment."""
    return town is not None and town.pk in reader_town_ids(user)


def can_read_own(user: User, town: Town) -> bool:
    """Reads at least the part of its own units."""
    return can_read(user, town) or bool(own_unit_ids(user, town))


def own_condition_unit_ids(user: User, town: Town) -> frozenset[int]:
    """The community school or learning centres among ``user``'s own units."""
    own = own_unit_ids(user, town)
    if not own:
        return frozenset()
    return frozenset(Unit.objects.filter(pk__in=own, unit_type__in=CONDITION_UNIT_TYPES).values_list("pk", flat=True))


def can_read_conditions(user: User, town: Town) -> bool:
    """Reads the town's basic conditions, or those of its own centre."""
    return can_read(user, town) or bool(own_condition_unit_ids(user, town))
