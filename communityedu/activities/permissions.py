"""Who may schedule, run and see activities.

The town office and the community school schedule for any unit of their town; a learning-centre
director schedules for the centre (and the committee of its village); department staff for their
department. Whoever may schedule an activity may run it: take attendance, keep its evidence,
correct its ledger. Every staff role of the town, and the district evaluator, may read them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Town, Unit
from communityedu.organization.permissions import has_staff_role
from communityedu.organization.scope import scope_for

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.people.models import Person

TOWN_SCHEDULERS = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


def organiser_units_for(user: User, town: Town | int) -> QuerySet[Unit]:
    """The units ``user`` may organise activities for in ``town`` (a town or its id: the check-in
    path knows only the id and need not load the town)."""
    town_id = town if isinstance(town, int) else town.pk
    scope = scope_for(user)
    units = Unit.objects.filter(town_id=town_id)
    if town_id in scope.towns_with(*TOWN_SCHEDULERS):
        return units
    own_units = scope.units_with(Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF)
    return units.filter(pk__in=own_units) | units.filter(
        unit_type=UnitType.VILLAGE_COMMITTEE, village_id__in=scope.director_village_ids
    )


def can_schedule(user: User, town: Town | None) -> bool:
    return town is not None and organiser_units_for(user, town).exists()


def can_manage_activity(user: User, activity) -> bool:
    scope = scope_for(user)
    if activity.town_id in scope.towns_with(*TOWN_SCHEDULERS):
        return True
    return organiser_units_for(user, activity.town_id).filter(pk=activity.organiser_id).exists()


def can_view_activities(user: User) -> bool:
    return has_staff_role(user)


def can_reissue_learning_card(user: User, person: Person) -> bool:
    """A lost learning card is replaced by the person's town office or the director of the person's
    village: the ones who know the resident in person."""
    scope = scope_for(user)
    return person.town_id in scope.towns_with(Role.TOWN_OFFICE) or (
        person.village_id is not None and person.village_id in scope.director_village_ids
    )
