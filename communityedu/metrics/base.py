"""What every figure of the plan is made of: the ``Figure`` with its ratio, threshold, deadline and
status, the helpers that compute and show them, the registry (``FIGURES``, filled by the
``@figure`` decorator) and the reads figures share within one ``figures_for`` call.

The figures themselves live in their own modules (``participation_figures``, ``funding_figure``,
``recognition_figures``, ``survey_figures``), which import this one; ``figures`` imports them all
and runs them. Read the registry through ``figures``, never from here: only there is it complete.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Model, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from communityedu.core.money import fen_to_yuan, format_yuan
from communityedu.organization.models import Village, VillagePopulation
from communityedu.organization.targets import targets_of_towns

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from communityedu.organization.models import Town


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


def ratio(numerator: int | Decimal, denominator: int | Decimal | None) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def as_percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value * 100:.2f}%"


RATIO = "ratio"
YUAN = "yuan"


def per_capita_yuan(fen: int | Decimal, population: int | None) -> Decimal | None:
    """An amount in fen ÷ a population, in yuan rounded half up to the fen."""
    if not population:
        return None
    return (Decimal(fen) / 100 / Decimal(population)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def as_yuan(value: Decimal | None) -> str:
    return format_yuan(value)


def status_of(
    value: Decimal | None, threshold: Decimal, *, as_of: date, deadline: date, is_strictly_above: bool = False
) -> str:
    """Met at or above ``threshold`` (only above it when ``is_strictly_above``: "more than half")."""
    if value is None:
        return Status.NO_DATA
    if value > threshold or (value == threshold and not is_strictly_above):
        return Status.MET
    return Status.AT_RISK if as_of <= deadline else Status.NOT_MET


# The labels of the town setting read here (``organization.Town.targets_due_on``), kept in this
# app's catalogue with the figures' own strings.
DEADLINE_SETTING_LABELS = (
    gettext_noop("targets due on"),
    gettext_noop("The plan's deadline for its targets (evaluation); a figure below its threshold after it is not met."),
)


def deadline_for(town: Town, year: int) -> date:
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
    # Counts shown beside the line, never folded into it (a volunteer team's members and activities).
    counts: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    # True: numerator and denominator are amounts in fen (a source's share of the funding).
    is_money: bool = False

    @property
    def numerator_display(self) -> str:
        return format_yuan(fen_to_yuan(self.numerator)) if self.is_money else str(self.numerator)

    @property
    def denominator_display(self) -> str:
        return format_yuan(fen_to_yuan(self.denominator)) if self.is_money else str(self.denominator)

    @property
    def percent(self) -> str:
        return as_percent(self.value)

    @property
    def target_percent(self) -> str:
        return "" if self.target is None else as_percent(self.target)

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status]) if self.status in Status.LABELS else ""


class Facts(dict):
    """A figure's ``beside`` or ``flags``: a dict whose missing key reads as None. The targets page
    asks every figure for every fact some figure shows (``figure.beside.lectures_held``); a plain
    dict makes the template engine try an attribute, an index and ``dir()`` for each one missing
    (a tenth of the page's rendering)."""

    def __missing__(self, key: str) -> None:
        return None


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
    # The parts that are amounts kept in integer fen (exact sums): "numerator", "denominator", a key
    # of ``beside`` (named ``*_fen``). Pages show them in yuan (``numerator_display``), the API as
    # yuan strings. A YUAN figure's numerator always is one.
    money_parts: tuple[str, ...] = ()
    # True: met only above the threshold, not at it (政府投放为主: more than half).
    is_strictly_above: bool = False

    def __post_init__(self) -> None:
        self.beside, self.flags = Facts(self.beside), Facts(self.flags)
        if self.unit == YUAN:
            self.value = per_capita_yuan(self.numerator, self.denominator)
            if "numerator" not in self.money_parts:
                self.money_parts = ("numerator", *self.money_parts)
        else:
            self.value = ratio(self.numerator, self.denominator)
        self.status = status_of(
            self.value,
            self.threshold,
            as_of=self.as_of,
            deadline=self.deadline,
            is_strictly_above=self.is_strictly_above,
        )

    @property
    def status_label(self) -> str:
        return str(Status.LABELS[self.status])

    @property
    def percent(self) -> str:
        return as_yuan(self.value) if self.unit == YUAN else as_percent(self.value)

    @property
    def threshold_percent(self) -> str:
        shown = as_yuan(self.threshold) if self.unit == YUAN else as_percent(self.threshold)
        return f"> {shown}" if self.is_strictly_above else shown

    @property
    def previous_year_display(self) -> str:
        fen = self.beside.get("previous_year_town_finance_fen")
        return "" if fen is None else format_yuan(fen_to_yuan(fen))

    @property
    def respondents_share(self) -> str:
        basis_points = self.beside.get("respondents_share_bp")
        return "" if basis_points is None else as_percent(Decimal(basis_points) / 10000)

    @property
    def numerator_display(self) -> str:
        """The numerator as read: yuan (``¥70,000.00``) for an amount kept in fen."""
        return format_yuan(fen_to_yuan(self.numerator)) if "numerator" in self.money_parts else str(self.numerator)

    @property
    def denominator_display(self) -> str:
        """The denominator as read: yuan for an amount kept in fen."""
        if "denominator" in self.money_parts:
            return format_yuan(fen_to_yuan(self.denominator))
        return str(self.denominator)


Compute = Callable[..., dict[int, Figure]]
FIGURES: dict[str, tuple[StrOrPromise, Compute]] = {}
# The order in which pages, exports and the API list the figures, whichever module is imported
# first (a page may import one figure's module before this one has imported the others).
ORDER = (
    "participation",
    "lecture_hall",
    "funding_per_capita",
    "government_funding_share",
    "learning_communities",
    "learning_organs",
    "demonstration_villages",
    "unit_staff_participation",
    "team_membership",
    "audience_participation",
    "recurring_activities",
    "awareness",
    "recognition",
    "satisfaction",
)


def _place(key: str) -> int:
    return ORDER.index(key) if key in ORDER else len(ORDER)


def figure(key: str, label: StrOrPromise) -> Callable[[Compute], Compute]:
    """Register ``compute(*, towns, year, as_of, detail_town_ids) -> {town id: Figure}`` under ``key``."""

    def register(compute: Compute) -> Compute:
        FIGURES[key] = (label, compute)
        ordered = sorted(FIGURES.items(), key=lambda item: _place(item[0]))
        FIGURES.clear()
        FIGURES.update(ordered)
        return compute

    return register


_SHARED: ContextVar[dict | None] = ContextVar("figures_shared_reads", default=None)


@contextmanager
def shared_reads() -> Iterator[None]:
    """Within the block, ``shared`` reads each key once (``figures_for`` runs every figure in one)."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared(key: Hashable, read: Callable[[], Any]) -> Any:
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
        population = (
            VillagePopulation.objects.filter(village=OuterRef("pk"), year=year).order_by().values("resident_population")
        )
        rows = (
            Village.objects.filter(town_id__in=town_ids)
            .annotate(population=population[:1])
            .order_by("town_id", "code", "name")
            .values("pk", "town_id", "name", "population")
        )
        return [dict(row) for row in rows]

    return shared(("villages_with_population", tuple(town_ids), year), read)


def effective_as_of(year: int, as_of: date) -> date:
    """The last day of ``year`` that counts: ``as_of`` itself, or 31 December for a past year."""
    return min(as_of, date(year, 12, 31))


def targets_of(*, town_ids: list[int], year: int, figure_key: str) -> dict[int, Decimal]:
    """The targets set for ``figure_key`` in ``year`` for the towns' villages or units, in per cent,
    by village or unit id (``organization.targets``; missing: the plan's threshold). Every figure's
    targets come from one shared read."""
    every = shared(("targets", tuple(town_ids), year), lambda: targets_of_towns(town_ids=town_ids, year=year))
    return every.get(str(figure_key), {})


def quoted_table(model: type[Model]) -> str:
    """The model's table, quoted for the few figure queries written as SQL."""
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values: Sized) -> str:
    """``%s, %s, …``: one parameter for each of ``values``, for an ``IN (…)`` written as SQL."""
    return ", ".join(["%s"] * len(values))
