"""Who may schedule, run and see activities.

The town office and the community school schedule for any unit of their town; a learning-centre
director schedules for the centre (and the committee of its village); department staff for their
department. Whoever may schedule an activity may run it: take attendance, keep its evidence,
correct its ledger. Every staff role of the town, and the district evaluator, may read them.
"""

from __future__ import annotations

from django.db.models import QuerySet

from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Town, Unit
from communityedu.organization.permissions import has_staff_role
from communityedu.organization.scope import scope_for

TOWN_SCHEDULERS = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


def organiser_units_for(user, town: Town) -> QuerySet[Unit]:
    """The units ``user`` may organise activities for in ``town``."""
    scope = scope_for(user)
    units = Unit.objects.filter(town=town)
    if town.pk in scope.towns_with(*TOWN_SCHEDULERS):
        return units
    own_units = scope.units_with(Role.CENTRE_DIRECTOR, Role.DEPARTMENT_STAFF)
    return units.filter(pk__in=own_units) | units.filter(
        unit_type=UnitType.VILLAGE_COMMITTEE, village_id__in=scope.director_village_ids
    )


def can_schedule(user, town: Town | None) -> bool:
    return town is not None and organiser_units_for(user, town).exists()


def can_manage_activity(user, activity) -> bool:
    scope = scope_for(user)
    if activity.town_id in scope.towns_with(*TOWN_SCHEDULERS):
        return True
    return organiser_units_for(user, Town(pk=activity.town_id)).filter(pk=activity.organiser_id).exists()


def can_view_activities(user) -> bool:
    return has_staff_role(user)
