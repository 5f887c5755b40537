"""Each role's first page: the few things a person in that role looks at first, read in one place.

The staff home composes one section per role the account holds (a user with several roles sees
each of their sections): a learning-centre director their village's week, evidence, roll, target
and cards; a teacher or volunteer their own activities, points and certificates; department staff
their unit's tasks, funds and share of the assessment; a moderator the queue; an auditor the log;
an evaluator the district side by side; the town office today's overview. Every figure comes from
the app that owns it (``metrics`` for participation and points, ``planning``, ``funding``,
``assessment`` for a unit's part); nothing is recounted here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from communityedu.accounts.models import AccountKind
from communityedu.activities.models import Activity, Evidence
from communityedu.activities.selectors import activities_visible_to
from communityedu.activities.services import check_in_window
from communityedu.assessment.permissions import can_read_own as reads_own_assessment
from communityedu.assessment.selectors import unit_assessment
from communityedu.exchange.permissions import can_moderate
from communityedu.exchange.selectors import queue_counts
from communityedu.funding.permissions import can_read_unit_funding
from communityedu.funding.selectors import unit_funds
from communityedu.incentives.models import Certificate
from communityedu.metrics.participation_figures import participation
from communityedu.metrics.points import PointsStatement, points_statement
from communityedu.organization import permissions
from communityedu.organization.constants import Role
from communityedu.organization.models import Town, Village
from communityedu.organization.scope import scope_for
from communityedu.organization.selectors import towns_visible_to
from communityedu.people import join_requests
from communityedu.people.selectors import people_visible_to, person_for_account
from communityedu.planning.models import Task
from communityedu.planning.permissions import can_read_plan
from communityedu.planning.selectors import tasks_visible_to

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.assessment.selectors import UnitAssessment
    from communityedu.funding.selectors import UnitFunds
    from communityedu.metrics.base import Figure, Line
    from communityedu.people.models import Person

LIST_LIMIT = 8


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


# ---- the learning-centre director ---------------------------------------------------------------


@dataclass
class VillageParticipation:
    line: Line | None  # the village's line of the participation figure (None: no population)
    missing: int  # residents still to take part for the village to meet its target


@dataclass
class VillageSection:
    village: Village
    fortnight: list[Activity]
    without_evidence: list[Activity]
    without_evidence_count: int
    roll_to_take: list[Activity]
    participation: VillageParticipation
    cards_to_hand_out: int


@dataclass
class DirectorSection:
    villages: list[VillageSection]
    join_requests: int | None
    week_starts: date
    fortnight_ends: date


def _village_activities(user: User, town: Town, village: Village):
    return (
        activities_visible_to(user)
        .filter(town=town, is_cancelled=False)
        .filter(Q(village=village) | Q(organiser__village=village))
        .select_related("organiser", "venue_unit", "village")
    )


def residents_still_missing(line: Line | None) -> int:
    """Residents who must still take part for ``line`` to reach its target: the target's share of
    the population, rounded up, less those who took part (never below nought)."""
    if line is None or line.target is None or not line.denominator:
        return 0
    needed = math.ceil(Decimal(line.target) * line.denominator)
    return max(0, needed - line.numerator)


def cards_to_hand_out(user: User, village: Village) -> int:
    """People of the village still on the register without a resident account in use: none at all,
    or one opened and never activated (its card carries the activation code)."""
    return (
        people_visible_to(user)
        .filter(village=village, left_register_on__isnull=True)
        .filter(
            Q(account__isnull=True)
            | Q(account__kind=AccountKind.RESIDENT, account__is_active=True, account__activated_at__isnull=True)
        )
        .count()
    )


def director_section(user: User, town: Town, *, now: datetime) -> DirectorSection | None:
    scope = scope_for(user)
    if not scope.director_village_ids:
        return None
    villages = list(Village.objects.filter(town=town, pk__in=scope.director_village_ids).order_by("name"))
    if not villages:
        return None
    today = timezone.localdate(now)
    week_starts = today - timedelta(days=today.weekday())
    fortnight_ends = week_starts + timedelta(days=13)
    figure = participation(towns=[town], year=today.year, as_of=today, detail_town_ids=[])[town.pk]
    lines = {line.key: line for line in figure.villages}
    live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
    sections = []
    for village in villages:
        activities = _village_activities(user, town, village)
        fortnight = list(
            activities.filter(
                starts_at__gte=_day_start(week_starts), starts_at__lt=_day_start(fortnight_ends + timedelta(days=1))
            ).order_by("starts_at", "id")
        )
        without_evidence = activities.filter(
            ends_at__lte=now, starts_at__gte=_day_start(date(today.year, 1, 1))
        ).filter(~Exists(live_evidence))
        today_or_open = activities.filter(
            starts_at__lt=_day_start(today + timedelta(days=1)), ends_at__gte=_day_start(today)
        ).order_by("starts_at", "id")
        roll = [
            activity
            for activity in today_or_open
            if check_in_window(activity)[1] >= now and timezone.localtime(activity.starts_at).date() <= today
        ]
        line = lines.get(village.pk)
        sections.append(
            VillageSection(
                village=village,
                fortnight=fortnight,
                without_evidence=list(without_evidence.order_by("-starts_at", "-id")[:LIST_LIMIT]),
                without_evidence_count=without_evidence.count(),
                roll_to_take=roll,
                participation=VillageParticipation(line=line, missing=residents_still_missing(line)),
                cards_to_hand_out=cards_to_hand_out(user, village),
            )
        )
    return DirectorSection(
        villages=sections,
        join_requests=join_requests.pending_join_request_count(user, town)
        if join_requests.can_review_join_requests(user, town)
        else None,
        week_starts=week_starts,
        fortnight_ends=fortnight_ends,
    )


# ---- teachers and volunteers ----------------------------------------------------------------------


@dataclass
class DutySection:
    person: Person | None
    activities: list[Activity] = field(default_factory=list)
    statement: PointsStatement | None = None
    certificates: list[Certificate] = field(default_factory=list)


def duty_section(user: User, town: Town, *, now: datetime) -> DutySection | None:
    scope = scope_for(user)
    if town.pk not in scope.towns_with(Role.TEACHER, Role.VOLUNTEER):
        return None
    person = person_for_account(user)
    if person is None or person.town_id != town.pk:
        return DutySection(person=None)
    today = timezone.localdate(now)
    mine = (
        Activity.objects.filter(town=town, is_cancelled=False, ends_at__gte=_day_start(today - timedelta(days=7)))
        .filter(Q(lecturer_links__person=person) | Q(duties__person=person))
        .distinct()
        .select_related("organiser", "venue_unit", "village")
        .order_by("starts_at", "id")
    )
    return DutySection(
        person=person,
        activities=list(mine[:LIST_LIMIT]),
        statement=points_statement(person=person, year=today.year, as_of=today),
        certificates=list(Certificate.objects.filter(person=person).order_by("-year", "-id")),
    )


# ---- department staff -----------------------------------------------------------------------------


@dataclass
class UnitSection:
    tasks: list[Task] | None
    open_tasks: int
    funds: list[UnitFunds] | None
    assessment: list[UnitAssessment] | None
    year: int


def unit_section(user: User, town: Town, *, now: datetime) -> UnitSection | None:
    department_ids = scope_for(user).units_with(Role.DEPARTMENT_STAFF)
    unit_ids = department_ids & permissions.own_unit_ids(user, town) if department_ids else frozenset()
    if not unit_ids:
        return None
    today = timezone.localdate(now)
    tasks = None
    open_tasks = 0
    if can_read_plan(user, town):
        pending = tasks_visible_to(user, town).filter(unit_id__in=unit_ids, done_on__isnull=True)
        open_tasks = pending.count()
        tasks = list(pending.select_related("unit").order_by("due_on", "id")[:LIST_LIMIT])
    return UnitSection(
        tasks=tasks,
        open_tasks=open_tasks,
        funds=unit_funds(town=town, year=today.year, unit_ids=unit_ids) if can_read_unit_funding(user, town) else None,
        assessment=unit_assessment(town=town, year=today.year, as_of=today, unit_ids=unit_ids)
        if reads_own_assessment(user, town)
        else None,
        year=today.year,
    )


# ---- the district evaluator ------------------------------------------------------------------------


@dataclass
class DistrictRow:
    town: Town
    figure: Figure


def district_section(user: User, *, now: datetime) -> list[DistrictRow] | None:
    town_ids = scope_for(user).district_town_ids
    if not town_ids:
        return None
    towns = list(towns_visible_to(user).filter(pk__in=town_ids).order_by("code", "slug"))
    today = timezone.localdate(now)
    figures = participation(towns=towns, year=today.year, as_of=today, detail_town_ids=[])
    return [DistrictRow(town=town, figure=figures[town.pk]) for town in towns]


# ---- the whole first page ------------------------------------------------------------------------


@dataclass
class FirstPage:
    director: DirectorSection | None = None
    duty: DutySection | None = None
    unit: UnitSection | None = None
    moderation: dict[str, int] | None = None
    audits: bool = False
    district: list[DistrictRow] | None = None
    overview: bool = False

    @property
    def sections(self) -> list[str]:
        """The sections shown, in the page's order (a test and the page's anchors read it)."""
        names = ("director", "duty", "unit", "moderation", "district", "audits", "overview")
        return [name for name in names if getattr(self, name)]


OVERVIEW_ROLES = (Role.TOWN_OFFICE, Role.SCHOOL_STAFF)


def first_page(user: User, town: Town, *, now: datetime | None = None) -> FirstPage:
    now = now or timezone.now()
    scope = scope_for(user)
    return FirstPage(
        director=director_section(user, town, now=now),
        duty=duty_section(user, town, now=now),
        unit=unit_section(user, town, now=now),
        moderation=queue_counts(user, town) if can_moderate(user, town.pk) and Role.MODERATOR in scope.roles else None,
        audits=permissions.can_view_audit_log(user),
        district=district_section(user, now=now),
        overview=bool(scope.towns_with(*OVERVIEW_ROLES) & {town.pk}) or scope.is_system_admin,
    )
