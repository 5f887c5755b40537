"""Funding per capita (docs/design.md, "The figures"): the town-finance (镇财政) allocations of
the year ÷ the resident population of the year, against 2 yuan (REQUIREMENTS R8); the year
before's town-finance total beside it, and whether the allocation rises. Two queries for any
number of towns (``town_finance_per_capita_of_towns``). The funding page, its export and the API
read the figure here (``town_finance_per_capita``).

The government share (政府投放为主): the government's allocations of the year (town finance and
higher government, ``funding.constants.GOVERNMENT_SOURCES``) ÷ all allocations of the year, net of
reversals, dated up to the cut-off; met when more than the threshold (half, or the town's own).
Two queries for any number of towns (``government_share_of_towns``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from communityedu.core.money import yuan_to_fen
from communityedu.funding.constants import (
    GOVERNMENT_SHARE_THRESHOLD,
    GOVERNMENT_SOURCES,
    PER_CAPITA_THRESHOLD,
    FundingSource,
)
from communityedu.funding.models import Allocation, GovernmentShareSetting
from communityedu.metrics.base import (
    FIGURES,
    YUAN,
    Figure,
    Line,
    as_percent,
    deadline_for,
    effective_as_of,
    figure,
    ratio,
)
from communityedu.organization.models import Town, VillagePopulation
from communityedu.organization.selectors import town_population

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


def _dated(queryset: QuerySet, as_of: date | None) -> QuerySet:
    return queryset if as_of is None else queryset.filter(dated_on__lte=as_of)


def _total(queryset: QuerySet) -> Decimal:
    return (queryset.aggregate(total=Sum("amount"))["total"] or ZERO).quantize(CENT)


@dataclass(frozen=True)
class FundingFigure:
    """Town finance (镇财政) per resident for a year, and whether it rose from the year before."""

    year: int
    town_finance_total: Decimal
    population: int
    per_capita: Decimal | None  # None when the year has no population recorded
    previous_year_total: Decimal
    is_rising: bool
    threshold: Decimal = Decimal(PER_CAPITA_THRESHOLD)

    @property
    def is_met(self) -> bool:
        return self.per_capita is not None and self.per_capita >= self.threshold


def town_finance_total(*, town: Town, year: int, as_of: date | None = None) -> Decimal:
    """Town-finance allocations for ``year`` less their reversals (entries dated up to ``as_of``)."""
    return _total(_dated(Allocation.objects.filter(town=town, year=year, source=FundingSource.TOWN_FINANCE), as_of))


def per_capita(total: Decimal, population: int) -> Decimal | None:
    """``total`` ÷ ``population`` rounded half up to the fen; None for no population."""
    return (total / population).quantize(CENT, rounding=ROUND_HALF_UP) if population else None


def _figure(*, year: int, total: Decimal, previous: Decimal, population: int) -> FundingFigure:
    return FundingFigure(
        year=year,
        town_finance_total=total,
        population=population,
        per_capita=per_capita(total, population),
        previous_year_total=previous,
        is_rising=total > previous,
    )


def town_finance_per_capita(*, town: Town, year: int, as_of: date | None = None) -> FundingFigure:
    """The funding figure of ``town`` for ``year``: only town finance counts; the population is
    the sum of the villages' resident populations (常住人口) of ``year``; the per-capita amount is
    rounded half up to the fen."""
    total = town_finance_total(town=town, year=year, as_of=as_of)
    previous = town_finance_total(town=town, year=year - 1, as_of=as_of)
    population = town_population(town=town, year=year)
    return _figure(year=year, total=total, previous=previous, population=population)


def town_finance_per_capita_of_towns(
    *, town_ids: Iterable[int], year: int, as_of: date | None = None
) -> dict[int, FundingFigure]:
    """``town_finance_per_capita`` of many towns at once, by town id: two queries (the
    town-finance totals of ``year`` and the year before, grouped by town and year; the resident
    populations of ``year``, grouped by town) whatever the number of towns."""
    town_ids = list(town_ids)
    allocations = _dated(
        Allocation.objects.filter(town_id__in=town_ids, year__in=[year - 1, year], source=FundingSource.TOWN_FINANCE),
        as_of,
    )
    totals = {
        (row["town_id"], row["year"]): (row["total"] or ZERO).quantize(CENT)
        for row in allocations.values("town_id", "year").annotate(total=Sum("amount")).order_by()
    }
    populations = dict(
        VillagePopulation.objects.filter(town_id__in=town_ids, year=year)
        .values("town_id")
        .annotate(total=Sum("resident_population"))
        .values_list("town_id", "total")
        .order_by()
    )
    return {
        town_id: _figure(
            year=year,
            total=totals.get((town_id, year), ZERO),
            previous=totals.get((town_id, year - 1), ZERO),
            population=populations.get(town_id) or 0,
        )
        for town_id in town_ids
    }


def _fen(amount: Decimal) -> int:
    return yuan_to_fen(amount)


@figure("funding_per_capita", _("town-finance funding per resident (yuan)"))
def funding_per_capita(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """The numerator is the year's town-finance total in fen (exact, an integer), the denominator
    the resident population; the value is yuan per resident, as the funding page shows it."""
    funding = town_finance_per_capita_of_towns(
        town_ids=[town.pk for town in towns], year=year, as_of=effective_as_of(year, as_of)
    )
    result = {}
    for town in towns:
        row = funding[town.pk]
        result[town.pk] = Figure(
            key="funding_per_capita",
            label=str(FIGURES["funding_per_capita"][0]),
            town_id=town.pk,
            year=year,
            as_of=as_of,
            numerator=_fen(row.town_finance_total),
            denominator=row.population,
            threshold=Decimal(PER_CAPITA_THRESHOLD),
            deadline=deadline_for(town, year),
            unit=YUAN,
            money_parts=("numerator", "town_finance_fen", "previous_year_town_finance_fen"),
            beside={
                "town_finance_fen": _fen(row.town_finance_total),
                "previous_year_town_finance_fen": _fen(row.previous_year_total),
                "rises_from_previous_year": int(row.is_rising),
            },
            flags={} if row.is_rising else {"town_finance_not_rising": 1},
        )
    return result


@dataclass(frozen=True)
class GovernmentShare:
    """The government's allocations of a year against all of them, by source (yuan, net of
    reversals), and the threshold the share must exceed."""

    year: int
    by_source: dict[str, Decimal]
    threshold: Decimal

    @property
    def government_total(self) -> Decimal:
        return sum((self.by_source[source] for source in GOVERNMENT_SOURCES), ZERO)

    @property
    def total(self) -> Decimal:
        return sum(self.by_source.values(), ZERO)

    @property
    def share(self) -> Decimal | None:
        return ratio(yuan_to_fen(self.government_total), yuan_to_fen(self.total))

    @property
    def is_met(self) -> bool:
        return self.share is not None and self.share > self.threshold

    @property
    def share_percent(self) -> str:
        return as_percent(self.share)

    @property
    def threshold_percent(self) -> str:
        return f"> {as_percent(self.threshold)}"


def own_government_share_threshold(town: Town) -> Decimal | None:
    """The town's own threshold for the government share, None when it keeps the plan's."""
    return GovernmentShareSetting.objects.filter(town=town).values_list("threshold", flat=True).first()


def government_share_thresholds(town_ids: Iterable[int]) -> dict[int, Decimal]:
    """Each town's threshold for the government share: its own setting or the plan's (one query)."""
    town_ids = list(town_ids)
    own = dict(GovernmentShareSetting.objects.filter(town_id__in=town_ids).values_list("town_id", "threshold"))
    return {town_id: own.get(town_id, Decimal(GOVERNMENT_SHARE_THRESHOLD)) for town_id in town_ids}


def government_share_of_towns(
    *, town_ids: Iterable[int], year: int, as_of: date | None = None
) -> dict[int, GovernmentShare]:
    """The government share of many towns' allocations of ``year`` dated up to ``as_of`` (every
    entry when None), reversals netted: two queries (the totals by town and source, the towns'
    thresholds) whatever the number of towns."""
    town_ids = list(town_ids)
    totals = {town_id: dict.fromkeys(FundingSource.values, ZERO) for town_id in town_ids}
    rows = (
        _dated(Allocation.objects.filter(town_id__in=town_ids, year=year), as_of)
        .values("town_id", "source")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for row in rows:
        totals[row["town_id"]][row["source"]] = (row["total"] or ZERO).quantize(CENT)
    thresholds = government_share_thresholds(town_ids)
    return {
        town_id: GovernmentShare(year=year, by_source=totals[town_id], threshold=thresholds[town_id])
        for town_id in town_ids
    }


def government_share(*, town: Town, year: int, as_of: date | None = None) -> GovernmentShare:
    """The government share of ``town``'s allocations of ``year`` as of ``as_of`` (the funding page
    and the API read it here)."""
    return government_share_of_towns(town_ids=[town.pk], year=year, as_of=as_of)[town.pk]


@figure("government_funding_share", _("government share of the funding (政府投放为主)"))
def government_funding_share(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    """The numerator is the year's government allocations (town finance and higher government) in
    fen, the denominator all the year's allocations in fen, both net of reversals and dated up to
    the cut-off; met only above the threshold. One line per source: its amount and share."""
    shares = government_share_of_towns(
        town_ids=[town.pk for town in towns], year=year, as_of=effective_as_of(year, as_of)
    )
    result = {}
    for town in towns:
        row = shares[town.pk]
        total_fen = yuan_to_fen(row.total)
        result[town.pk] = Figure(
            key="government_funding_share",
            label=str(FIGURES["government_funding_share"][0]),
            town_id=town.pk,
            year=year,
            as_of=as_of,
            numerator=yuan_to_fen(row.government_total),
            denominator=total_fen,
            threshold=row.threshold,
            deadline=deadline_for(town, year),
            money_parts=("numerator", "denominator"),
            is_strictly_above=True,
            beside={"lines_label": str(_("by source"))},
            villages=[
                Line(
                    key=source,
                    label=str(FundingSource(source).label),
                    numerator=yuan_to_fen(amount),
                    denominator=total_fen,
                    value=ratio(yuan_to_fen(amount), total_fen),
                    note=str(_("government")) if source in GOVERNMENT_SOURCES else "",
                    is_money=True,
                )
                for source, amount in row.by_source.items()
            ],
        )
    return result
