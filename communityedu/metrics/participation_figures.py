"""The two figures read from the activities: the residents' organised participation rate and the
months with two lecture-hall lectures."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time
from decimal import Decimal

from django.db.models import CharField, Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.activities.models import Activity, Evidence, Headcount, ParticipantDayCount
from communityedu.metrics.base import (
    FIGURES,
    Figure,
    Line,
    Status,
    deadline_for,
    effective_as_of,
    figure,
    ratio,
    status_of,
    targets_of,
    villages_with_population,
)
from communityedu.organization.constants import FigureKey
from communityedu.organization.models import Town
from communityedu.organization.targets import default_target


def _window(year: int, as_of: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(date(year, 1, 1), time.min, tz), datetime.combine(as_of, time.max, tz)


def _month_ends(year: int, as_of: date) -> list[date]:
    ends = []
    for month in range(1, as_of.month + 1 if as_of.year == year else 13):
        following = date(year + (month == 12), month % 12 + 1, 1)
        ends.append(min(date.fromordinal(following.toordinal() - 1), as_of))
    return ends


# ---- participation -------------------------------------------------------------------------------

PARTICIPATION_THRESHOLD = Decimal("0.70")


@figure("participation", _("residents' organised participation rate"))
def participation(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Distinct registered residents of the scope (home village decides) with at least one named
    attendance, in any role, at an organised activity of the town held between 1 January and
    ``as_of`` ÷ the resident population of the scope for the year. Read from the participation
    rollup's counts per village and day (``activities.rollups``), never from the raw ledger: six
    queries for any number of towns. The monthly trend and the count of activities without evidence
    are computed for ``detail_town_ids`` only (default: every town). Each village line has its own
    target (``organization.targets``); one below it is flagged."""
    town_ids = [town.pk for town in towns]
    evaluated_on, as_of = as_of, effective_as_of(year, as_of)
    start, cut = _window(year, as_of)
    villages = villages_with_population(town_ids=town_ids, year=year)
    # The rollup's counts per (town, year, village, day): at most 366 rows a village, summed.
    counts = ParticipantDayCount.objects.filter(town_id__in=town_ids, year=year, day__lte=as_of)
    per_village = {
        (row["town_id"], row["village_id"]): row["people"]
        for row in counts.values("town_id", "village_id").annotate(people=Sum("people")).order_by()
    }
    # Per month, for the towns shown in detail: the month is cut from the ISO date as text, so the
    # database does it without calling back into Python for every row (SQLite).
    month = Substr(Cast("day", CharField()), 6, 2)
    per_month: dict[int, dict[int, int]] = defaultdict(dict)
    detailed = [town_id for town_id in town_ids if detail_town_ids is None or town_id in detail_town_ids]
    rows = (
        counts.filter(town_id__in=detailed)
        .annotate(month=month)
        .values("town_id", "month")
        .annotate(people=Sum("people"))
        .order_by()
    )
    for row in rows:
        per_month[row["town_id"]][int(row["month"])] = row["people"]
    held = Q(activity__is_cancelled=False, activity__starts_at__gte=start, activity__starts_at__lte=cut)
    headcounts = dict(
        Headcount.objects.filter(held, town_id__in=town_ids)
        .values("town_id")
        .annotate(total=Sum("count"))
        .values_list("town_id", "total")
        .order_by()
    )
    # Held activities without live evidence: a flag of the towns shown in detail only (the
    # district's side-by-side table shows no flags; this probe of every activity's evidence was a
    # fifth of a district page).
    live_evidence = Evidence.objects.filter(activity=OuterRef("pk"), is_removed=False)
    without_evidence = dict(
        Activity.objects.filter(town_id__in=detailed, is_cancelled=False, starts_at__gte=start, ends_at__lte=cut)
        .filter(~Exists(live_evidence))
        .values("town_id")
        .annotate(activities=Count("id"))
        .values_list("town_id", "activities")
        .order_by()
    )
    # Each village's own target (organization.targets, 分解落实目标任务): the plan's 70% where none is set.
    stored_targets = targets_of(town_ids=town_ids, year=year, figure_key=FigureKey.PARTICIPATION)
    month_ends = _month_ends(year, as_of)
    villages_of_town = defaultdict(list)
    for village in villages:
        villages_of_town[village["town_id"]].append(village)
    no_population = str(_("no resident population for the year"))  # translated once, not once a village
    result = {}
    for town in towns:
        deadline = deadline_for(town, year)
        town_villages = villages_of_town.get(town.pk, [])
        lines = []
        for village in town_villages:
            people = per_village.get((town.pk, village["pk"]), 0)
            value = ratio(people, village["population"])
            target = stored_targets.get(village["pk"], default_target(FigureKey.PARTICIPATION)) / 100
            lines.append(
                Line(
                    key=village["pk"],
                    label=village["name"],
                    numerator=people,
                    denominator=village["population"] or 0,
                    value=value,
                    status=status_of(value, target, as_of=evaluated_on, deadline=deadline),
                    note="" if village["population"] else no_population,
                    target=target,
                )
            )
        denominator = sum(village["population"] or 0 for village in town_villages)
        trend, running = [], 0
        for month_end in month_ends if town.pk in detailed else []:
            running += per_month[town.pk].get(month_end.month, 0)
            trend.append(
                Line(
                    key=month_end.isoformat(),
                    label=f"{month_end:%Y-%m}",
                    numerator=running,
                    denominator=denominator,
                    value=ratio(running, denominator),
                )
            )
        result[town.pk] = Figure(
            key="participation",
            label=str(FIGURES["participation"][0]),
            town_id=town.pk,
            year=year,
            as_of=evaluated_on,
            numerator=sum(line.numerator for line in lines),
            denominator=denominator,
            threshold=PARTICIPATION_THRESHOLD,
            deadline=deadline,
            beside={"headcount_person_times": headcounts.get(town.pk, 0)},
            flags={
                **({"activities_without_evidence": without_evidence.get(town.pk, 0)} if town.pk in detailed else {}),
                "villages_below_target": sum(line.status in (Status.AT_RISK, Status.NOT_MET) for line in lines),
            },
            villages=lines,
            trend=trend,
            trend_label=str(_("cumulative, at the end of each month")),
        )
    return result


# ---- lecture hall --------------------------------------------------------------------------------

LECTURE_HALL_THRESHOLD = Decimal("1")


@figure("lecture_hall", _("months with two lecture-hall lectures"))
def lecture_hall(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """Finished months of the year (from the programme's start) with at least two lecture-hall
    lectures held ÷ the finished months so far; the target is every month. The month of the
    cut-off, while it is not over, is in progress: its lectures count among those held
    (``beside``) but the month is neither in the trend nor in the verdict, nor flagged below two
    (``beside["month_in_progress"]`` names it). One query for any number of towns."""
    from communityedu.metrics.lecture_hall import LECTURES_PER_MONTH, held_per_month, is_finished, month_end

    evaluated_on, as_of = as_of, effective_as_of(year, as_of)
    held = held_per_month(town_ids=[town.pk for town in towns], since=date(year, 1, 1), as_of=as_of)
    without_evidence: dict[int, int] = defaultdict(int)
    for (town_id, _month), row in held.items():
        without_evidence[town_id] += row["without_evidence"]
    result = {}
    for town in towns:
        start = max(town.programme_start or date(year, 1, 1), date(year, 1, 1))
        months = [end for end in _month_ends(year, as_of) if end >= start.replace(day=1)]
        in_progress = None
        if months and not is_finished(month_end(months[-1]), as_of):
            in_progress = months.pop()
        trend = []
        for end in months:
            lectures = held.get((town.pk, end.replace(day=1)), {}).get("held", 0)
            trend.append(
                Line(
                    key=end.isoformat(),
                    label=f"{end:%Y-%m}",
                    numerator=lectures,
                    denominator=LECTURES_PER_MONTH,
                    value=ratio(lectures, LECTURES_PER_MONTH),
                    status="" if lectures >= LECTURES_PER_MONTH else "flag",
                )
            )
        result[town.pk] = Figure(
            key="lecture_hall",
            label=str(FIGURES["lecture_hall"][0]),
            town_id=town.pk,
            year=year,
            as_of=evaluated_on,
            numerator=sum(1 for line in trend if line.numerator >= LECTURES_PER_MONTH),
            denominator=len(trend),
            threshold=LECTURE_HALL_THRESHOLD,
            deadline=deadline_for(town, year),
            beside=_lecture_hall_beside(trend, in_progress, held.get((town.pk, in_progress.replace(day=1)), {}))
            if in_progress
            else {"lectures_held": sum(line.numerator for line in trend)},
            flags={
                "months_below_two": sum(1 for line in trend if line.numerator < LECTURES_PER_MONTH),
                "lectures_without_evidence": without_evidence[town.pk],
            },
            trend=trend,
            trend_label=str(_("lectures held in each month (two a month)")),
        )
    return result


def _lecture_hall_beside(trend: list[Line], in_progress: date, counts: dict) -> dict:
    """The lectures held (the month in progress's included) and the month in progress with its
    lectures so far."""
    so_far = counts.get("held", 0)
    return {
        "lectures_held": sum(line.numerator for line in trend) + so_far,
        "month_in_progress": f"{in_progress:%Y-%m}",
        "lectures_in_progress": so_far,
    }
