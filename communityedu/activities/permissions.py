"""Who may schedule, run and see activities.

The town office and the community school schedule for any unit of their town; a learning-centre
director schedules for the centre (and the committee of its village); department staff for their
department. Whoever may schedule an activity may run it: take attendance, keep its evidence,
correct its ledger. Every staff role of the town, and the district evaluator, may read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils import timezone

from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Town, Unit, Village
from communityedu.organization.permissions import has_staff_role
from communityedu.organization.scope import scope_for
from communityedu.people.models import Person

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.activities.models import Activity

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


def can_manage_activity(user: User, activity: Activity) -> bool:
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


def village_limit(user: User, town: Town | int) -> frozenset[int] | None:
    """The villages ``user`` may schedule activities in, or None for any village and town-wide.

    The town office, the community school and departments schedule anywhere in their town; a
    learning-centre director only in their own village, never town-wide."""
    town_id = town if isinstance(town, int) else town.pk
    scope = scope_for(user)
    if town_id in scope.towns_with(*TOWN_SCHEDULERS):
        return None
    if Unit.objects.filter(town_id=town_id, pk__in=scope.units_with(Role.DEPARTMENT_STAFF)).exists():
        return None
    return frozenset(
        Village.objects.filter(town_id=town_id, pk__in=scope.director_village_ids).values_list("pk", flat=True)
    )


# ---- whose names an attendance list shows ----------------------------------------------------

DUTY_MARGIN = timedelta(days=1)
ALL, OWN_VILLAGES, COUNT_ONLY, NOTHING = "all", "own_villages", "count_only", "nothing"


@dataclass(frozen=True)
class NameRule:
    """What of an activity's attendance a person sees: every name (``all``), the names of their own
    villages' residents and the others as a count (``own_villages``), only counts (``count_only``),
    or nothing at all (``nothing``: moderators)."""

    kind: str
    villages: frozenset[int] = frozenset()

    def shows(self, person: Person) -> bool:
        return self.kind == ALL or (self.kind == OWN_VILLAGES and person.village_id in self.villages)


def is_on_duty(user: User, activity: Activity, now: datetime | None = None) -> bool:
    """A lecturer of the activity or someone assigned to it, from a day before it to a day after it."""
    if not getattr(user, "is_authenticated", False):
        return False
    now = now or timezone.now()
    if not (activity.starts_at - DUTY_MARGIN <= now <= activity.ends_at + DUTY_MARGIN):
        return False
    people = Person.objects.filter(account=user, town_id=activity.town_id)
    return (
        activity.lecturer_links.filter(person__in=people).exists() or activity.duties.filter(person__in=people).exists()
    )


def attendance_names_for(user: User, activity: Activity, now: datetime | None = None) -> NameRule:
    """The rule for ``user`` at ``activity`` (each one is a row of the role matrix and a test):

    - the town office, the community school and the organiser's staff see every name;
    - those on duty (lecturers, assigned volunteers and teachers) see every name, children's
      included, from a day before the activity to a day after it;
    - a village's learning-centre director sees their villages' residents by name, others as a count;
    - moderators see no attendance; everyone else sees counts only (children under 14 never by name,
      adults only at activities they are on duty at)."""
    scope = scope_for(user)
    if activity.town_id in scope.towns_with(*TOWN_SCHEDULERS):
        return NameRule(ALL)
    if is_on_duty(user, activity, now):
        return NameRule(ALL)
    if scope.director_village_ids:
        return NameRule(OWN_VILLAGES, frozenset(scope.director_village_ids))
    if can_manage_activity(user, activity):
        return NameRule(ALL)
    roles = scope.roles
    if roles and roles <= {Role.MODERATOR, Role.RESIDENT}:
        return NameRule(NOTHING)
    return NameRule(COUNT_ONLY)


def can_take_attendance(user: User, activity: Activity) -> bool:
    """Those who run the activity, and those on duty at it around its time."""
    return can_manage_activity(user, activity) or is_on_duty(user, activity)


def can_assign_duty(user: User, activity: Activity) -> bool:
    """The organiser's staff (who may manage the activity) assign who is on duty."""
    return can_manage_activity(user, activity)
