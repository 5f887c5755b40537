"""Reads of the funding ledgers.

``funding_year`` is what the year's page, the export and the API show; ``unit_funds`` is each
unit's side of them (what a unit's own people read). The funding figure (town
finance per resident) is computed in ``metrics.funding_figure``, like every figure of the plan;
the faces read it there and hand it to ``funding_year``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404

from communityedu.activities.fees import selectors as fee_selectors
from communityedu.funding.constants import ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.funding.permissions import funding_manager_town_ids
from communityedu.organization.models import Town, Unit

if TYPE_CHECKING:
    from communityedu.accounts.models import User

ZERO = Decimal("0.00")


def _with_reversal_flag(queryset: QuerySet) -> QuerySet:
    model = queryset.model
    return queryset.annotate(has_reversal=Exists(model.objects.filter(reverses=OuterRef("pk"))))


def allocations(
    *, town: Town, year: int, as_of: date | None = None, sources: Iterable[str] | None = None
) -> QuerySet[Allocation]:
    """The allocations of ``year``; only those dated up to ``as_of`` and from ``sources`` when given
    (the records behind the government share: ``metrics.funding_figure``)."""
    queryset = Allocation.objects.filter(town=town, year=year)
    if as_of is not None:
        queryset = queryset.filter(dated_on__lte=as_of)
    if sources is not None:
        queryset = queryset.filter(source__in=list(sources))
    return _with_reversal_flag(queryset.select_related("receiving_unit", "recorded_by", "reverses")).order_by(
        "dated_on", "id"
    )


def expenses(*, town: Town, year: int, as_of: date | None = None) -> QuerySet[Expense]:
    queryset = Expense.objects.filter(town=town, year=year)
    if as_of is not None:
        queryset = queryset.filter(dated_on__lte=as_of)
    return _with_reversal_flag(queryset.select_related("paying_unit", "recorded_by", "reverses")).order_by(
        "dated_on", "id"
    )


def lecture_fees_paid(*, town: Town, year: int) -> Decimal:
    """The paid lecture fees of ``year``'s lecture-hall lectures, as the fee ledger totals them:
    a reversed fee counts for nothing."""
    return fee_selectors.fee_year(town=town, year=year).total.paid


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
    figure: Any = None  # metrics.funding_figure.FundingFigure, computed by metrics

    @property
    def allocated(self) -> Decimal:
        return sum((row.amount for row in self.by_source), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((row.amount for row in self.by_category), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent


def funding_year(
    *, town: Town, year: int, figure=None, as_of: date | None = None, sources: Iterable[str] | None = None
) -> FundingYear:
    """The year's allocations and expenses with totals by source and by category (lecture fees
    from the fee ledger), with ``figure`` (the per-capita figure from metrics) beside them; only
    the entries dated up to ``as_of`` and the allocations from ``sources`` when given."""
    allocation_rows = list(allocations(town=town, year=year, as_of=as_of, sources=sources))
    expense_rows = list(expenses(town=town, year=year, as_of=as_of))
    fees_paid = lecture_fees_paid(town=town, year=year)
    by_source = dict.fromkeys(FundingSource.values, ZERO)
    for row in allocation_rows:
        by_source[row.source] += row.amount
    by_category = dict.fromkeys(ExpenseCategory.values, ZERO)
    by_category[ExpenseCategory.LECTURE_FEES] = fees_paid
    for expense in expense_rows:
        by_category[expense.category] += expense.amount
    return FundingYear(
        year=year,
        allocations=allocation_rows,
        expenses=expense_rows,
        lecture_fees_paid=fees_paid,
        by_source=[Total(key, str(FundingSource(key).label), amount) for key, amount in by_source.items()],
        by_category=[Total(key, str(ExpenseCategory(key).label), amount) for key, amount in by_category.items()],
        figure=figure,
    )


def get_allocation_for(user: User, pk: int) -> Allocation:
    """An allocation of a town whose ledgers ``user`` keeps; others are not found."""
    return get_object_or_404(Allocation.objects.filter(town_id__in=funding_manager_town_ids(user)), pk=pk)


def get_expense_for(user: User, pk: int) -> Expense:
    return get_object_or_404(Expense.objects.filter(town_id__in=funding_manager_town_ids(user)), pk=pk)


@dataclass
class UnitFunds:
    """One unit's side of the ledgers for a year: allocated to it, paid by it (reversals included,
    so the totals are net)."""

    unit: Unit
    allocations: list[Allocation]
    expenses: list[Expense]

    @property
    def allocated(self) -> Decimal:
        return sum((row.amount for row in self.allocations), ZERO)

    @property
    def spent(self) -> Decimal:
        return sum((row.amount for row in self.expenses), ZERO)

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.spent


def unit_funds(*, town: Town, year: int, unit_ids: Iterable[int] | None) -> list[UnitFunds]:
    """Each unit's allocations and expenses of the year: the units named (each, even with nothing
    recorded), or with ``None`` every unit of the town that received or paid something. Three
    queries."""
    units = Unit.objects.filter(town=town).order_by("unit_type", "name")
    allocation_rows = allocations(town=town, year=year).filter(receiving_unit__isnull=False)
    expense_rows = expenses(town=town, year=year).filter(paying_unit__isnull=False)
    if unit_ids is not None:
        unit_ids = list(unit_ids)
        units = units.filter(pk__in=unit_ids)
        allocation_rows = allocation_rows.filter(receiving_unit_id__in=unit_ids)
        expense_rows = expense_rows.filter(paying_unit_id__in=unit_ids)
    # Both querysets exclude entries without a unit (the tests below only tell the type checker).
    received: dict[int, list[Allocation]] = {}
    for allocation in allocation_rows.order_by("dated_on", "id"):
        if (receiving_unit_id := allocation.receiving_unit_id) is not None:
            received.setdefault(receiving_unit_id, []).append(allocation)
    paid: dict[int, list[Expense]] = {}
    for expense in expense_rows.order_by("dated_on", "id"):
        if (paying_unit_id := expense.paying_unit_id) is not None:
            paid.setdefault(paying_unit_id, []).append(expense)
    if unit_ids is None:
        units = units.filter(pk__in=set(received) | set(paid))
    return [
        UnitFunds(unit=unit, allocations=received.get(unit.pk, []), expenses=paid.get(unit.pk, [])) for unit in units
    ]
