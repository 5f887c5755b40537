"""Lecture-hall frequency: lecture-hall lectures held per month against the plan's two.

The figure runs from the programme's start month (a town setting; May 2020 for the demo town)
to the month of ``as_of``. A lecture counts in the month it started once it has been held
(ended before ``as_of`` and not cancelled). Each month below two is flagged. Lectures without
evidence still count, and are counted apart so that the gap shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from communityedu.activities.constants import ActivityKind
from communityedu.activities.models import Activity

LECTURES_PER_MONTH = 2


@dataclass(frozen=True)
class LectureHallMonth:
    month: date
    held: int
    without_evidence: int
    threshold: int = LECTURES_PER_MONTH

    @property
    def is_flagged(self) -> bool:
        return self.held < self.threshold


def _months(first: date, last: date) -> list[date]:
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def lecture_hall_months(*, town, as_of: date | None = None) -> list[LectureHallMonth]:
    as_of = as_of or timezone.localdate()
    start = town.programme_start or as_of.replace(day=1)
    tz = timezone.get_current_timezone()
    cut_off = datetime.combine(as_of, time.max, tz)
    rows = (
        Activity.objects.filter(
            town=town,
            kind=ActivityKind.LECTURE_HALL,
            is_cancelled=False,
            starts_at__gte=datetime.combine(start.replace(day=1), time.min, tz),
            ends_at__lte=cut_off,
        )
        .annotate(month=TruncMonth("starts_at", tzinfo=tz))
        .values("month")
        .annotate(
            held=Count("id", distinct=True),
            with_evidence=Count("id", filter=Q(evidence__is_removed=False), distinct=True),
        )
    )
    by_month = {row["month"].date() if isinstance(row["month"], datetime) else row["month"]: row for row in rows}
    return [
        LectureHallMonth(
            month=month,
            held=by_month.get(month, {}).get("held", 0),
            without_evidence=by_month.get(month, {}).get("held", 0) - by_month.get(month, {}).get("with_evidence", 0),
        )
        for month in _months(start, as_of)
    ]
