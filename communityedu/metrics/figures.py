"""The plan's figures against their targets, for one or many towns, as of a date.

Every figure is a ratio — a numerator over a denominator — compared with a threshold, with a
status (DESIGN, "The figures"): *met* at or above the threshold; *at risk* below it before its
deadline; *not met* below it after the deadline. The deadline of year Y is the town's
``targets_due_on`` (the plan's evaluation date: December 2020 for the demo town) when it falls in
Y, otherwise 31 December of Y.

The figures live in a registry. A figure is a function decorated with ``@figure(key, label)`` that
takes ``towns``, ``year``, ``as_of`` and ``detail_town_ids`` (the towns whose monthly trend and
detail flags are shown; ``None`` for all) and returns a ``Figure`` for each town's id; it must read
all the towns in a fixed number of queries (never one per town, village or row), so that the
dashboard and the API cost the same whatever the size of the data. ``figures_for`` runs every
registered figure. To add one, write the function in a module of ``metrics`` and import that
module at the end of this one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import CharField, Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from communityedu.activities.models import Activity, Evidence, Headcount, ParticipantDayCount
from communityedu.organization.constants import FigureKey
from communityedu.organization.models import Village, VillagePopulation
from communityedu.organization.targets import default_target, village_targets_of_towns


class Status:
    MET = "met"
    AT_RISK = "at_risk"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    LABELS = {
        MET: _("met"),
        AT_RISK: _("at risk"),
        NOT_MET: _("not met"),
        NO_DATA: _("no data"),
    }


def ratio(numerator, denominator) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def as_percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


RATIO = "ratio"
YUAN = "yuan"


def per_capita_yuan(fen, population) -> Decimal | None:
    """An amount in fen ÷ a population, in yuan rounded half up to the fen."""
    if not population:
        return None
    return (Decimal(fen) / 100 / Decimal(population)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def as_yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"¥{value:.2f}"


def status_of(value: Decimal | None, threshold: Decimal, *, as_of: date, deadline: date) -> str:
    if value is None:
        return Status.NO_DATA
    if value >= threshold:
        return Status.MET
    return Status.AT_RISK if as_of <= deadline else Status.NOT_MET


# The labels of the town setting read here (``organization.Town.targets_due_on``), kept in this
# app's catalogue with the figures' own strings.
DEADLINE_SETTING_LABELS = (
    gettext_noop("targets due on"),
    gettext_noop("The plan's deadline for its targets (evaluation); a figure below its threshold after it is not met."),
)


def deadline_for(town, year: int) -> date:
    due = town.targets_due_on
    return due if due is not None and due.year == year else date(year, 12, 31)


@dataclass(frozen=True)
class Line:
    """A part of a figure: a village's share, or the figure at the end of a month."""

    key: str | int
    label: str
    numerator: int
    denominator: int
    value: Decimal | None
    status: str = ""
    note: str = ""
    # The line's own target as a fraction (a village's participation target), when it has one.
    target: Decimal | None = None

    @property
    def percent(self) -> str:
        return as_percent(self.value)

    @property
    def target_percent(self) -> str:
        return "" if self.target is None else as_percent(self.target)

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status]) if self.status in Status.LABELS else ""


@dataclass
class Figure:
    key: str
    label: str
    town_id: int
    year: int
    as_of: date  # the day the figure is evaluated on (its facts stop at 31 December of ``year``)
    numerator: int
    denominator: int
    threshold: Decimal
    deadline: date
    value: Decimal | None = None
    status: str = ""
    # Shown beside the figure, never folded into it (e.g. headcount person-times).
    beside: dict = field(default_factory=dict)
    # What an evaluator should look at (e.g. activities counted without evidence).
    flags: dict = field(default_factory=dict)
    villages: list[Line] = field(default_factory=list)
    trend: list[Line] = field(default_factory=list)
    trend_label: str = ""
    # RATIO: the value is numerator ÷ denominator. YUAN: the numerator is an amount in fen and the
    # value is yuan per person, rounded half up to the fen (the funding figure).
    unit: str = "ratio"

    def __post_init__(self):
        if self.unit == YUAN:
            self.value = per_capita_yuan(self.numerator, self.denominator)
        else:
            self.value = ratio(self.numerator, self.denominator)
        self.status = status_of(self.value, self.threshold, as_of=self.as_of, deadline=self.deadline)

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def percent(self) -> str:
        return as_yuan(self.value) if self.unit == YUAN else as_percent(self.value)

    @property
    def threshold_percent(self) -> str:
        return as_yuan(self.threshold) if self.unit == YUAN else as_percent(self.threshold)

    @property
    def previous_year_display(self) -> str:
        fen = self.beside.get("previous_year_town_finance_fen")
        return "" if fen is None else as_yuan(Decimal(fen) / 100)

    @property
    def respondents_share(self) -> str:
        basis_points = self.beside.get("respondents_share_bp")
        return "" if basis_points is None else as_percent(Decimal(basis_points) / 10000)

    @property
    def numerator_display(self) -> str:
        """The numerator as read: yuan for an amount kept in fen."""
        return as_yuan(Decimal(self.numerator) / 100) if self.unit == YUAN else str(self.numerator)


Compute = Callable[..., dict[int, Figure]]
FIGURES: dict[str, tuple[str, Compute]] = {}
# The order in which pages, exports and the API list the figures, whichever module is imported
# first (a page may import one figure's module before this one has imported the others).
ORDER = (
    "participation",
    "lecture_hall",
    "funding_per_capita",
    "learning_communities",
    "learning_organs",
    "demonstration_villages",
    "awareness",
    "recognition",
    "satisfaction",
)


def _place(key: str) -> int:
    return ORDER.index(key) if key in ORDER else len(ORDER)


def figure(key: str, label) -> Callable[[Compute], Compute]:
    """Register ``compute(*, towns, year, as_of, detail_town_ids) -> {town id: Figure}`` under ``key``."""

    def register(compute: Compute) -> Compute:
        FIGURES[key] = (label, compute)
        ordered = sorted(FIGURES.items(), key=lambda item: _place(item[0]))
        FIGURES.clear()
        FIGURES.update(ordered)
        return compute

    return register


_SHARED: ContextVar[dict | None] = ContextVar("figures_shared_reads", default=None)


def shared(key: Hashable, read: Callable[[], object]):
    """``read()``, once per ``figures_for`` call: the figures that need the same rows (the three
    survey figures their rates, the three recognition figures their statuses, participation and
    the survey figures the villages with their populations) share one read. Outside
    ``figures_for`` it simply reads. What it returns must not be changed by the caller."""
    memo = _SHARED.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def villages_with_population(*, town_ids: list[int], year: int) -> list[dict]:
    """The villages of the towns, in order, each with its resident population for ``year``
    (``None`` where none is recorded): one query, shared within a ``figures_for`` call."""

    def read() -> list[dict]:
        population = VillagePopulation.objects.filter(village=OuterRef("pk"), year=year).values("resident_population")
        rows = (
            Village.objects.filter(town_id__in=town_ids)
            .annotate(population=population[:1])
            .order_by("town_id", "code", "name")
            .values("pk", "town_id", "name", "population")
        )
        return [dict(row) for row in rows]

    return shared(("villages_with_population", tuple(town_ids), year), read)


def figures_for(
    *, towns: Iterable, year: int, as_of: date, detail_town_ids: Iterable[int] | None = None
) -> dict[int, list[Figure]]:
    """Every registered figure of every town: {town id: [figure, …]} in the registry's order.
    Breakdowns by month are computed for ``detail_town_ids`` only (default: every town)."""
    towns = list(towns)
    result: dict[int, list[Figure]] = {town.pk: [] for town in towns}
    if not towns:
        return result
    token = _SHARED.set({})
    try:
        for _label, compute in FIGURES.values():
            detail = None if detail_town_ids is None else set(detail_town_ids)
            for town_id, computed in compute(towns=towns, year=year, as_of=as_of, detail_town_ids=detail).items():
                result[town_id].append(computed)
    finally:
        _SHARED.reset(token)
    return result


def effective_as_of(year: int, as_of: date) -> date:
    """The last day of ``year`` that counts: ``as_of`` itself, or 31 December for a past year."""
    return min(as_of, date(year, 12, 31))


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
def participation(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
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
    stored_targets = village_targets_of_towns(town_ids=town_ids, year=year, figure_key=FigureKey.PARTICIPATION)
    month_ends = _month_ends(year, as_of)
    villages_of_town = defaultdict(list)
    for village in villages:
        villages_of_town[village["town_id"]].append(village)
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
                    note="" if village["population"] else str(_("no resident population for the year")),
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
def lecture_hall(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    """Months of the year (from the programme's start) with at least two lecture-hall lectures
    held ÷ the months so far; the target is every month. One query for any number of towns."""
    from communityedu.metrics.lecture_hall import LECTURES_PER_MONTH, held_per_month

    evaluated_on, as_of = as_of, effective_as_of(year, as_of)
    held = held_per_month(town_ids=[town.pk for town in towns], since=date(year, 1, 1), as_of=as_of)
    result = {}
    for town in towns:
        start = max(town.programme_start or date(year, 1, 1), date(year, 1, 1))
        months = [end for end in _month_ends(year, as_of) if end >= start.replace(day=1)]
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
            beside={"lectures_held": sum(line.numerator for line in trend)},
            flags={
                "months_below_two": sum(1 for line in trend if line.numerator < LECTURES_PER_MONTH),
                "lectures_without_evidence": sum(
                    row["without_evidence"] for (town_id, _month), row in held.items() if town_id == town.pk
                ),
            },
            trend=trend,
            trend_label=str(_("lectures held in each month (two a month)")),
        )
    return result


# The other figures of the plan, each in its own module (imported last: they register themselves).
from communityedu.metrics import funding_figure, recognition_figures, survey_figures  # noqa: E402, F401
