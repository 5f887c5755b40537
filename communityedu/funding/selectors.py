"""Reads of the funding ledgers and the funding figure.

``town_finance_per_capita`` is the plan's funding figure (docs/design.md, "The figures"): the
town-finance allocation of a year ÷ the resident population of that year, compared with the year
before. ``funding_year`` is what the year's page, the export and the API show.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Exists, OuterRef, QuerySet, Sum
from django.shortcuts import get_object_or_404

from communityedu.activities import fees as lecture_fees
from communityedu.funding.constants import PER_CAPITA_THRESHOLD, ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.funding.permissions import funding_manager_town_ids
from communityedu.organization.models import Town, VillagePopulation
from communityedu.organization.selectors import town_population

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


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


def _dated(queryset: QuerySet, as_of: date | None) -> QuerySet:
    return queryset if as_of is None else queryset.filter(dated_on__lte=as_of)


def _total(queryset: QuerySet) -> Decimal:
    return (queryset.aggregate(total=Sum("amount"))["total"] or ZERO).quantize(CENT)


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


def _with_reversal_flag(queryset: QuerySet) -> QuerySet:
    model = queryset.model
    return queryset.annotate(has_reversal=Exists(model.objects.filter(reverses=OuterRef("pk"))))


def allocations(*, town: Town, year: int) -> QuerySet[Allocation]:
    return _with_reversal_flag(
        Allocation.objects.filter(town=town, year=year).select_related("receiving_unit", "recorded_by", "reverses")
    ).order_by("dated_on", "id")


def expenses(*, town: Town, year: int) -> QuerySet[Expense]:
    return _with_reversal_flag(
        Expense.objects.filter(town=town, year=year).select_related("paying_unit", "recorded_by", "reverses")
    ).order_by("dated_on", "id")


def lecture_fees_paid(*, town: Town, year: int) -> Decimal:
    """The paid lecture fees of ``year``'s lecture-hall lectures, as the fee ledger totals them:
    a reversed fee counts for nothing."""
    return lecture_fees.fee_year(town=town, year=year).total.paid


@dataclass(frozen=True)
class Total:
    key: str
    label: str
    amount: Decimal


@dataclass
class FundingYear:
    year: int
    allocations: list[Allocation]
    expenses: list[Expense]
    lecture_fees_paid: Decimal
    by_source: list[Total] = field(default_factory=list)
    by_category: list[Total] = field(default_factory=list)
    figure: FundingFigure | None = None

    @property
    def allocated(self) -> Decimal:
        return sum((row.amount for row in self.by_source), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((row.amount for row in self.by_category), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent


def funding_year(*, town: Town, year: int) -> FundingYear:
    """The year's allocations and expenses with totals by source and by category (lecture fees
    from the fee ledger) and the per-capita figure."""
    allocation_rows = list(allocations(town=town, year=year))
    expense_rows = list(expenses(town=town, year=year))
    fees_paid = lecture_fees_paid(town=town, year=year)
    by_source = dict.fromkeys(FundingSource.values, ZERO)
    for row in allocation_rows:
        by_source[row.source] += row.amount
    by_category = dict.fromkeys(ExpenseCategory.values, ZERO)
    by_category[ExpenseCategory.LECTURE_FEES] = fees_paid
    for row in expense_rows:
        by_category[row.category] += row.amount
    return FundingYear(
        year=year,
        allocations=allocation_rows,
        expenses=expense_rows,
        lecture_fees_paid=fees_paid,
        by_source=[Total(key, str(FundingSource(key).label), amount) for key, amount in by_source.items()],
        by_category=[Total(key, str(ExpenseCategory(key).label), amount) for key, amount in by_category.items()],
        figure=town_finance_per_capita(town=town, year=year),
    )


def get_allocation_for(user, pk: int) -> Allocation:
    """An allocation of a town whose ledgers ``user`` keeps; others are not found."""
    return get_object_or_404(Allocation.objects.filter(town_id__in=funding_manager_town_ids(user)), pk=pk)


def get_expense_for(user, pk: int) -> Expense:
    return get_object_or_404(Expense.objects.filter(town_id__in=funding_manager_town_ids(user)), pk=pk)
