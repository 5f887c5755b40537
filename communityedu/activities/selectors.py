"""Reads of activities and their attendance, through the account's scope."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.activities.constants import EntryKind
from communityedu.activities.models import Activity, AttendanceEntry, DutyRole, Evidence, Headcount, Registration
from communityedu.activities.permissions import can_view_activities
from communityedu.core.rows import row_by_pk
from communityedu.organization.models import RoleAssignment
from communityedu.organization.scope import scope_for
from communityedu.people.models import Person

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town


def activities_visible_to(user: User) -> QuerySet[Activity]:
    """Staff read the activities of the towns they work in (evaluators: the district's)."""
    if not can_view_activities(user):
        return Activity.objects.none()
    scope = scope_for(user)
    if scope.is_system_admin:
        return Activity.objects.all()
    return Activity.objects.filter(town_id__in=scope.readable_town_ids)


def get_activity_for(user: User, pk: int) -> Activity:
    return get_object_or_404(
        activities_visible_to(user).select_related("organiser", "venue_unit", "village", "town", "series"), pk=pk
    )


def can_read_activities_of(user: User, town_id: int) -> bool:
    """Whether ``user`` reads the activities of the town ``town_id``: the rule of
    ``activities_visible_to`` for one row already read."""
    if not can_view_activities(user):
        return False
    scope = scope_for(user)
    return scope.is_system_admin or town_id in scope.readable_town_ids


CHECK_IN_FIELDS = ("id", "town", "organiser", "starts_at", "ends_at", "is_cancelled")


def get_activity_for_check_in(user: User, pk: int) -> Activity:
    """The activity alone, only the columns taking attendance reads: a check-in device's hot path,
    read by its key with hand-written SQL (``core.rows``), then the rule of ``activities_visible_to``."""
    activity = cast("Activity | None", row_by_pk(Activity, CHECK_IN_FIELDS, pk))
    if activity is None or not can_read_activities_of(user, activity.town_id):
        raise Http404("No Activity matches the given query.")
    return activity


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return datetime.combine(first, time.min, tz), datetime.combine(following, time.min, tz)


def _present_entries() -> QuerySet[AttendanceEntry]:
    """Check-ins that no reversal of the same generation cancels."""
    reversed_later = AttendanceEntry.objects.filter(
        activity=OuterRef("activity"),
        person=OuterRef("person"),
        generation=OuterRef("generation"),
        entry_kind=EntryKind.REVERSAL,
    )
    return AttendanceEntry.objects.filter(entry_kind=EntryKind.CHECK_IN).filter(~Exists(reversed_later))


def month_list(
    *, user: User, town: Town, year: int, month: int, village_id=None, unit_id=None, kind: str | None = None
) -> list[Activity]:
    start, end = month_bounds(year, month)
    return activities_between(
        user=user, town=town, start=start, end=end, village_id=village_id, unit_id=unit_id, kind=kind
    )


def week_bounds(monday: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(monday, time.min, tz), datetime.combine(monday + timedelta(days=7), time.min, tz)


def activities_between(
    *, user: User, town: Town, start: datetime, end: datetime, village_id=None, unit_id=None, kind: str | None = None
) -> list[Activity]:
    """The activities starting in ``[start, end)`` the user may see, with their attendance and evidence counts."""
    activities = activities_visible_to(user).filter(town=town, starts_at__gte=start, starts_at__lt=end)
    if village_id:
        activities = activities.filter(Q(village_id=village_id) | Q(organiser__village_id=village_id))
    if unit_id:
        activities = activities.filter(organiser_id=unit_id)
    if kind:
        activities = activities.filter(kind=kind)
    present = _present_entries().filter(activity=OuterRef("pk")).values("activity").annotate(n=Count("id")).values("n")
    return list(
        activities.select_related("organiser", "venue_unit", "village")
        .annotate(
            evidence_count=Count("evidence", filter=Q(evidence__is_removed=False), distinct=True),
            attendance_count=present,
        )
        .order_by("starts_at", "id")
    )


def present_people(activity: Activity) -> QuerySet[AttendanceEntry]:
    return _present_entries().filter(activity=activity).select_related("person", "person__village", "recorded_by")


def headcount_total(activity: Activity) -> int:
    return Headcount.objects.filter(activity=activity).aggregate(total=Sum("count"))["total"] or 0


def registered_count(activity: Activity) -> int:
    return Registration.objects.filter(activity=activity, is_cancelled=False).count()


def live_evidence(activity: Activity) -> QuerySet[Evidence]:
    return activity.evidence.filter(is_removed=False).select_related("uploaded_by")


def upcoming_for_residents(*, town: Town, now=None, days: int = 60) -> QuerySet[Activity]:
    now = now or timezone.now()
    return (
        Activity.objects.filter(
            town=town, is_cancelled=False, ends_at__gte=now, starts_at__lte=now + timedelta(days=days)
        )
        .select_related("organiser", "venue_unit", "village")
        .annotate(registered=Count("registrations", filter=Q(registrations__is_cancelled=False)))
        .order_by("starts_at")
    )


def has_checked_in(activity: Activity, person) -> bool:
    """Whether ``person``'s check-in at ``activity`` stands in the ledger (none reversed it)."""
    return _present_entries().filter(activity=activity, person=person).exists()


def attended_by(person) -> QuerySet[AttendanceEntry]:
    """The organised activities ``person`` attended (check-ins standing in the ledger), latest first."""
    return (
        _present_entries()
        .filter(person=person)
        .select_related("activity", "activity__organiser")
        .order_by("-activity__starts_at", "-id")
    )


def duty_candidates(activity: Activity) -> list[tuple[Person, str]]:
    """The town's volunteers and teachers (people whose account holds the role), to put on duty."""
    holders = RoleAssignment.objects.filter(town_id=activity.town_id, role__in=[DutyRole.VOLUNTEER, DutyRole.TEACHER])
    roles: dict[int | None, str] = dict(holders.values_list("user_id", "role"))
    people = Person.objects.filter(town_id=activity.town_id, account_id__in=roles).order_by("name")
    return [(person, roles[person.account_id]) for person in people]
