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


def held_per_month(*, town_ids: list[int], since: date, as_of: date) -> dict[tuple[int, date], dict]:
    """{(town id, first day of month): {"held": n, "without_evidence": m}} for lectures held from
    ``since`` to ``as_of``, in one query for all the towns."""
    tz = timezone.get_current_timezone()
    rows = (
        Activity.objects.filter(
            town_id__in=town_ids,
            kind=ActivityKind.LECTURE_HALL,
            is_cancelled=False,
            starts_at__gte=datetime.combine(since.replace(day=1), time.min, tz),
            ends_at__lte=datetime.combine(as_of, time.max, tz),
        )
        .annotate(month=TruncMonth("starts_at", tzinfo=tz))
        .values("town_id", "month")
        .annotate(
            held=Count("id", distinct=True),
            with_evidence=Count("id", filter=Q(evidence__is_removed=False), distinct=True),
        )
        .order_by()
    )
    result = {}
    for row in rows:
        month = row["month"].date() if isinstance(row["month"], datetime) else row["month"]
        result[(row["town_id"], month)] = {"held": row["held"], "without_evidence": row["held"] - row["with_evidence"]}
    return result


def lecture_hall_months(*, town, as_of: date | None = None) -> list[LectureHallMonth]:
    as_of = as_of or timezone.localdate()
    start = town.programme_start or as_of.replace(day=1)
    by_month = held_per_month(town_ids=[town.pk], since=start, as_of=as_of)
    empty = {"held": 0, "without_evidence": 0}
    return [
        LectureHallMonth(
            month=month,
            held=by_month.get((town.pk, month), empty)["held"],
            without_evidence=by_month.get((town.pk, month), empty)["without_evidence"],
        )
        for month in _months(start, as_of)
    ]
