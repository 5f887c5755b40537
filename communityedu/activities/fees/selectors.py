"""The reads of the lecture-fee ledger: standards, a lecture's fees and the year's fees with
their totals per month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.activities.constants import ActivityKind
from communityedu.activities.fees.constants import ZERO, FeeEntryKind, FeeStatus
from communityedu.activities.fees.models import FeeStandard, LecturePayment
from communityedu.activities.fees.permissions import fee_manager_town_ids, fee_reader_town_ids
from communityedu.activities.models import Activity

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town
    from communityedu.people.models import Person


def lecture_date(activity: Activity) -> date:
    return timezone.localtime(activity.starts_at).date()


def fee_standards(*, town: Town) -> QuerySet[FeeStandard]:
    return FeeStandard.objects.filter(town=town).select_related("set_by").order_by("-valid_from", "-id")


def standard_in_force(*, town: Town, on: date) -> FeeStandard | None:
    """The standard for a lecture on ``on``: the latest from that day or before."""
    return FeeStandard.objects.filter(town=town, valid_from__lte=on).order_by("-valid_from", "-id").first()


def get_lecture_for_fees(user: User, pk: int) -> Activity:
    """A lecture-hall lecture of a town where ``user`` manages fees; others are not found."""
    lectures = Activity.objects.filter(town_id__in=fee_manager_town_ids(user), kind=ActivityKind.LECTURE_HALL)
    return get_object_or_404(lectures, pk=pk)


def get_due_entry_for(user: User, pk: int) -> LecturePayment:
    """A fee due (the entry that stands for the payment) in a town where ``user`` manages fees."""
    entries = LecturePayment.objects.filter(town_id__in=fee_manager_town_ids(user), entry_kind=FeeEntryKind.DUE)
    return get_object_or_404(entries.select_related("activity", "lecturer"), pk=pk)


@dataclass
class FeeLine:
    """One lecturer's fee at one lecture: a due entry of one generation with what followed it,
    or, for a lecturer whose fee is not recorded yet, no entry at all."""

    lecturer: Person
    due: LecturePayment | None = None
    payment: LecturePayment | None = None
    reversal: LecturePayment | None = None

    @property
    def status(self) -> str:
        if self.due is None:
            return FeeStatus.NOT_RECORDED
        if self.reversal is not None:
            return FeeStatus.REVERSED
        if self.payment is not None:
            return FeeStatus.PAID
        return FeeStatus.PENDING

    @property
    def status_label(self) -> str:
        return str(FeeStatus(self.status).label)

    @property
    def is_live(self) -> bool:
        return self.status in (FeeStatus.PENDING, FeeStatus.PAID)

    @property
    def generation(self) -> int:
        return self.due.generation if self.due is not None else 0

    @property
    def amount_due(self) -> Decimal:
        return self.due.amount if self.due is not None and self.is_live else ZERO

    @property
    def amount_paid(self) -> Decimal:
        return self.payment.amount if self.payment is not None and self.status == FeeStatus.PAID else ZERO


@dataclass
class LectureFees:
    lecture: Activity
    lines: list[FeeLine]
    is_held: bool

    @property
    def can_record_due(self) -> bool:
        """Held, and a current lecturer has no pending or paid fee."""
        if not self.is_held:
            return False
        covered = {line.lecturer.pk for line in self.lines if line.is_live}
        return any(link.person_id not in covered for link in self.lecture.lecturer_links.all())

    @property
    def year(self) -> int:
        return lecture_date(self.lecture).year


@dataclass(frozen=True)
class FeeTotals:
    """Due: fees recorded and not reversed; paid: of those, the paid ones; outstanding: the rest."""

    due: Decimal = ZERO
    paid: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.due - self.paid

    def __add__(self, other: FeeTotals) -> FeeTotals:
        return FeeTotals(due=self.due + other.due, paid=self.paid + other.paid)


@dataclass(frozen=True)
class MonthTotals:
    month: date
    totals: FeeTotals


@dataclass
class FeeYear:
    year: int
    lectures: list[LectureFees]
    months: list[MonthTotals] = field(default_factory=list)
    total: FeeTotals = field(default_factory=FeeTotals)


def _lecture_fees(lecture: Activity, entries: list[LecturePayment], now: datetime) -> LectureFees:
    by_generation: dict[tuple[int, int], FeeLine] = {}
    for entry in entries:
        line = by_generation.setdefault((entry.lecturer_id, entry.generation), FeeLine(lecturer=entry.lecturer))
        if entry.entry_kind == FeeEntryKind.DUE:
            line.due = entry
        elif entry.entry_kind == FeeEntryKind.PAID:
            line.payment = entry
        else:
            line.reversal = entry
    recorded = {lecturer_id for lecturer_id, _generation in by_generation}
    lines = list(by_generation.values()) + [
        FeeLine(lecturer=link.person) for link in lecture.lecturer_links.all() if link.person_id not in recorded
    ]
    lines.sort(key=lambda line: (line.lecturer.name, line.lecturer.pk, line.generation))
    return LectureFees(lecture=lecture, lines=lines, is_held=lecture.is_held(now))


def _entries_by_lecture(town_id: int, lecture_ids: list[int]) -> dict[int, list[LecturePayment]]:
    grouped: dict[int, list[LecturePayment]] = {pk: [] for pk in lecture_ids}
    entries = (
        LecturePayment.objects.filter(town_id=town_id, activity_id__in=lecture_ids)
        .select_related("lecturer")
        .order_by("id")
    )
    for entry in entries:
        grouped[entry.activity_id].append(entry)
    return grouped


def fee_year(*, town: Town, year: int, now: datetime | None = None) -> FeeYear:
    """Every lecture-hall lecture of ``year`` in ``town`` with its lecturers' fees, and the totals
    per month (the month of the lecture) and for the year. Four queries, however many lectures."""
    now = now or timezone.now()
    tz = timezone.get_current_timezone()
    lectures = list(
        Activity.objects.filter(
            town=town,
            kind=ActivityKind.LECTURE_HALL,
            starts_at__gte=datetime.combine(date(year, 1, 1), time.min, tz),
            starts_at__lt=datetime.combine(date(year + 1, 1, 1), time.min, tz),
        )
        .prefetch_related("lecturer_links__person")
        .order_by("starts_at", "id")
    )
    entries = _entries_by_lecture(town.pk, [lecture.pk for lecture in lectures])
    result = FeeYear(year=year, lectures=[_lecture_fees(lecture, entries[lecture.pk], now) for lecture in lectures])
    by_month = {month: FeeTotals() for month in range(1, 13)}
    for item in result.lectures:
        month = lecture_date(item.lecture).month
        for line in item.lines:
            by_month[month] += FeeTotals(due=line.amount_due, paid=line.amount_paid)
    result.months = [MonthTotals(month=date(year, month, 1), totals=totals) for month, totals in by_month.items()]
    result.total = sum((row.totals for row in result.months), FeeTotals())
    return result


def lecture_fees(activity: Activity, now: datetime | None = None) -> LectureFees:
    """One lecture's fees, for its own page."""
    entries = _entries_by_lecture(activity.town_id, [activity.pk])[activity.pk]
    activity = Activity.objects.prefetch_related("lecturer_links__person").get(pk=activity.pk)
    return _lecture_fees(activity, entries, now or timezone.now())


def activity_fee_context(user: User, activity: Activity) -> dict:
    """What ``activities/_fees.html`` needs on an activity's page: ``lecture_fees`` (None unless
    the activity is a lecture-hall lecture and ``user`` may read fees) and ``can_manage_fees``."""
    readable = activity.kind == ActivityKind.LECTURE_HALL and activity.town_id in fee_reader_town_ids(user)
    return {
        "lecture_fees": lecture_fees(activity) if readable else None,
        "can_manage_fees": readable and activity.town_id in fee_manager_town_ids(user),
    }
