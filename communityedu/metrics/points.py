"""Bonus points of part-time teachers and volunteers (REQUIREMENTS R3; DESIGN, "The figures").

points(person, year) = min(Σ points of that year's held activities with evidence,
                           5% × the employer unit's assessment total for that year)

- a lecture given: +1 for each held activity of a lecturing kind (lecture-hall lecture, lecture,
  training) where the person is a lecturer;
- an activity joined: +0.1 for each other held activity where the person is present (checked in
  and not reversed) as participant or volunteer;
- an activity counts only with live evidence; a cancelled activity, removed evidence or a
  reversed check-in takes its points back, because the figure is recomputed from the facts;
- only part-time teachers and volunteers earn points; the year is that of the activity's start.
Arithmetic is exact (Decimal).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from communityedu.activities.constants import LECTURING_KINDS, AttendanceRole, EntryKind
from communityedu.activities.models import Activity, ActivityLecturer, AttendanceEntry, Evidence
from communityedu.incentives.models import DEFAULT_ASSESSMENT_TOTAL, EARNS_POINTS, EmployerAssessment, TeamMember

if TYPE_CHECKING:
    from communityedu.organization.models import Town, Unit
    from communityedu.people.models import Person

LECTURE_POINTS = Decimal("1")
ACTIVITY_POINTS = Decimal("0.1")
CAP_SHARE = Decimal("0.05")


@dataclass(frozen=True)
class PointLine:
    day: date
    title: str
    kind: str
    reason: str  # "lecture" or "activity"
    points: Decimal
    has_evidence: bool

    @property
    def counts(self) -> bool:
        return self.has_evidence


@dataclass
class PointsStatement:
    year: int
    earns_points: bool
    employer: str
    assessment_total: Decimal
    lines: list[PointLine] = field(default_factory=list)

    @property
    def counted(self) -> list[PointLine]:
        return [line for line in self.lines if line.counts] if self.earns_points else []

    @property
    def lectures(self) -> int:
        return sum(1 for line in self.counted if line.reason == "lecture")

    @property
    def activities(self) -> int:
        return sum(1 for line in self.counted if line.reason == "activity")

    @property
    def earned(self) -> Decimal:
        return sum((line.points for line in self.counted), Decimal("0"))

    @property
    def cap(self) -> Decimal:
        return (CAP_SHARE * self.assessment_total).quantize(Decimal("0.01"))

    @property
    def granted(self) -> Decimal:
        return min(self.earned, self.cap)

    @property
    def cut_off(self) -> Decimal:
        return self.earned - self.granted


def _year_window(year: int, as_of: date | None) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.combine(date(year, 1, 1), time.min, tz)
    end = datetime.combine(date(year, 12, 31), time.max, tz)
    now = timezone.now() if as_of is None else datetime.combine(as_of, time.max, tz)
    return start, min(end, now)


def assessment_total(*, employer: Unit, year: int) -> Decimal:
    row = EmployerAssessment.objects.filter(employer=employer, year=year).first()
    return row.total if row else DEFAULT_ASSESSMENT_TOTAL


def points_statement(*, person: Person, year: int, as_of: date | None = None) -> PointsStatement:
    member = TeamMember.objects.select_related("employer").filter(person=person, is_active=True).first()
    start, cut = _year_window(year, as_of)
    statement = PointsStatement(
        year=year,
        earns_points=member is not None and member.category in EARNS_POINTS,
        employer=member.employer.name if member else "",
        assessment_total=assessment_total(employer=member.employer, year=year) if member else DEFAULT_ASSESSMENT_TOTAL,
    )
    held = Activity.objects.filter(
        town_id=person.town_id, is_cancelled=False, starts_at__gte=start, ends_at__lte=cut
    ).annotate(has_evidence=Exists(Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)))
    lectured = held.filter(
        kind__in=LECTURING_KINDS,
        pk__in=ActivityLecturer.objects.filter(person=person).values("activity"),
    )
    reversed_generation = AttendanceEntry.objects.filter(
        activity=OuterRef("activity"),
        person=OuterRef("person"),
        generation=OuterRef("generation"),
        entry_kind=EntryKind.REVERSAL,
    )
    present = AttendanceEntry.objects.filter(
        person=person,
        entry_kind=EntryKind.CHECK_IN,
        role__in=[AttendanceRole.PARTICIPANT, AttendanceRole.VOLUNTEER],
    ).filter(~Exists(reversed_generation))
    lectured_ids = set(lectured.values_list("pk", flat=True))
    joined = held.filter(Q(pk__in=present.values("activity"))).exclude(pk__in=lectured_ids)
    for activity, reason, points in [(a, "lecture", LECTURE_POINTS) for a in lectured.order_by("starts_at")] + [
        (a, "activity", ACTIVITY_POINTS) for a in joined.order_by("starts_at")
    ]:
        statement.lines.append(
            PointLine(
                day=timezone.localtime(activity.starts_at).date(),
                title=activity.title,
                kind=activity.get_kind_display(),
                reason=reason,
                points=points,
                has_evidence=activity.has_evidence,
            )
        )
    statement.lines.sort(key=lambda line: (line.day, line.reason))
    return statement


@dataclass
class MemberPoints:
    member: TeamMember
    statement: PointsStatement


def team_points(*, town: Town, year: int) -> list[MemberPoints]:
    """Every member of the town's team register with their statement for ``year``."""
    members = TeamMember.objects.filter(town=town).select_related("person", "person__village", "employer")
    return [MemberPoints(member=m, statement=points_statement(person=m.person, year=year)) for m in members]


def ranking_by_employer(*, town: Town, year: int) -> list[tuple[str, list[MemberPoints]]]:
    """Part-time teachers and volunteers ranked by points granted, within each employer."""
    groups: dict[str, list[MemberPoints]] = {}
    for row in team_points(town=town, year=year):
        if row.member.earns_points:
            groups.setdefault(row.member.employer.name, []).append(row)
    return [
        (employer, sorted(rows, key=lambda row: (-row.statement.granted, row.member.person.name)))
        for employer, rows in sorted(groups.items())
    ]
