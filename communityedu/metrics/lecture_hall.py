"""Lecture-hall frequency: lecture-hall lectures held per month against the plan's two.

The figure runs from the programme's start month (a town setting; May 2020 for the demo town)
to the month of ``as_of``. A lecture counts in the month it started once it has been held
(ended before ``as_of`` and not cancelled). Only finished months are judged: the month of
``as_of``, unless ``as_of`` is its last day, is *in progress* (进行中) — shown with the lectures
held so far, never flagged below two and never counted in the figure's verdict. Each finished
month below two is flagged. Lectures without evidence still count, and are counted apart so that
the gap shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import timezone

from communityedu.activities.constants import ActivityKind
from communityedu.activities.models import Activity, Evidence

if TYPE_CHECKING:
    from communityedu.organization.models import Town

LECTURES_PER_MONTH = 2


@dataclass(frozen=True)
class LectureHallMonth:
    month: date
    held: int
    without_evidence: int
    threshold: int = LECTURES_PER_MONTH
    is_in_progress: bool = False

    @property
    def is_flagged(self) -> bool:
        return not self.is_in_progress and self.held < self.threshold


def is_finished(month_end: date, as_of: date) -> bool:
    """Whether the month ending on ``month_end`` is over by the end of ``as_of``."""
    return as_of >= month_end


def month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def _months(first: date, last: date) -> list[date]:
    months = []
    current = first.replace(day=1)
    while current <= last:
        months.append(current)
        current = date(current.year + (current.month == 12), current.month % 12 + 1, 1)
    return months


def held_per_month(*, town_ids: list[int], since: date, as_of: date) -> dict[tuple[int, date], dict]:
    """{(town id, first day of month): {"held": n, "without_evidence": m}} for lectures held from
    ``since`` to ``as_of``, in one query for all the towns. The database counts the lectures per
    town, local month and evidence: each lecture's month is found by comparing its start with the
    months' first moments, computed here in the town's time zone (truncating dates would make
    SQLite call back into Python for every row, and reading every lecture of a district's year
    into Python cost its page several milliseconds)."""
    tz = timezone.get_current_timezone()
    months = _months(since, as_of)
    if not months:
        return {}
    starts = [datetime.combine(month, time.min, tz) for month in months]
    # The month's index, written as SQL with the months' first moments as parameters: built as
    # twelve ORM conditions it cost a town's page more than the lectures' rows themselves.
    starts_at = f"{connection.ops.quote_name(Activity._meta.db_table)}.{connection.ops.quote_name('starts_at')}"
    whens = " ".join(f"WHEN {starts_at} < %s THEN {index}" for index in range(len(starts) - 1))
    which_month = RawSQL(  # noqa: S611 (a column name of the model; the moments are parameters)
        f"CASE {whens} ELSE {len(starts) - 1} END" if whens else "0",
        [connection.ops.adapt_datetimefield_value(start) for start in starts[1:]],
        output_field=IntegerField(),
    )
    live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
    rows = (
        Activity.objects.filter(
            town_id__in=town_ids,
            kind=ActivityKind.LECTURE_HALL,
            is_cancelled=False,
            starts_at__gte=starts[0],
            ends_at__lte=datetime.combine(as_of, time.max, tz),
        )
        .annotate(month_index=which_month, has_evidence=Exists(live_evidence))
        .values("town_id", "month_index", "has_evidence")
        .annotate(lectures=Count("pk"))
        .values_list("town_id", "month_index", "has_evidence", "lectures")
        .order_by()
    )
    result: dict[tuple[int, date], dict] = {}
    for town_id, month_index, has_evidence, lectures in rows:
        counts = result.setdefault((town_id, months[month_index]), {"held": 0, "without_evidence": 0})
        counts["held"] += lectures
        counts["without_evidence"] += 0 if has_evidence else lectures
    return result


def lecture_hall_months(*, town: Town, as_of: date | None = None) -> list[LectureHallMonth]:
    as_of = as_of or timezone.localdate()
    start = town.programme_start or as_of.replace(day=1)
    by_month = held_per_month(town_ids=[town.pk], since=start, as_of=as_of)
    empty = {"held": 0, "without_evidence": 0}
    return [
        LectureHallMonth(
            month=month,
            held=by_month.get((town.pk, month), empty)["held"],
            without_evidence=by_month.get((town.pk, month), empty)["without_evidence"],
            is_in_progress=not is_finished(month_end(month), as_of),
        )
        for month in _months(start, as_of)
    ]
