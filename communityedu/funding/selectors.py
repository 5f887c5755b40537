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
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.activities.fees import selectors as fee_selectors
from communityedu.activities.fees.constants import FeeEntryKind
from communityedu.activities.fees.models import LecturePayment
from communityedu.core.dates import entered_after
from communityedu.funding.constants import ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.funding.permissions import funding_manager_town_ids, funding_reader_town_ids
from communityedu.organization.models import Town, Unit

if TYPE_CHECKING:
    from datetime import datetime

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


# The ledgers a line can be read from: its kind in the page's and the API's address.
ALLOCATION, EXPENSE, LECTURE_FEE = "allocation", "expense", "lecture-fee"
LEDGER_KINDS = (ALLOCATION, EXPENSE, LECTURE_FEE)


@dataclass(frozen=True)
class LineReference:
    """Another line of the same ledger (the one a reversal reverses, or the reversal of a line)."""

    kind: str
    id: int
    effective_on: date | None
    amount: Decimal


@dataclass(frozen=True)
class LedgerLine:
    """One line of a ledger as its own page and ``GET /funding/entries/{kind}/{id}`` show it: what,
    how much, when it happened (``effective_on``: the voucher date, or for a lecture fee the day it
    was paid, the lecture's day for a fee due, the day a reversal was typed) and when and by whom
    it was typed (``recorded_at``, ``recorded_by``), with the line it reverses or that reverses it.
    The ledgers keep voucher numbers, not voucher files: ``files`` is empty until they do."""

    kind: str
    entry: Allocation | Expense | LecturePayment
    heading: str
    amount: Decimal
    effective_on: date | None
    recorded_at: datetime
    recorded_by: User | None
    voucher_number: str
    description: str
    unit: Unit | None
    reason: str
    reverses: LineReference | None
    reversed_by: LineReference | None
    lecture: Any = None  # activities.Activity of a lecture fee
    lecturer_name: str = ""
    files: tuple = ()

    @property
    def id(self) -> int:
        return self.entry.pk

    @property
    def year(self) -> int:
        if isinstance(self.entry, LecturePayment):
            return fee_selectors.lecture_date(self.entry.activity).year
        return self.entry.year

    @property
    def is_entered_after_the_fact(self) -> bool:
        """补录: typed on a later day than the day it happened."""
        return entered_after(self.entry, self.effective_on)


def _entry_reference(kind: str, entry: Allocation | Expense | None) -> LineReference | None:
    if entry is None:
        return None
    return LineReference(kind=kind, id=entry.pk, effective_on=entry.dated_on, amount=entry.amount)


def _ledger_entry_line(kind: str, entry: Allocation | Expense) -> LedgerLine:
    reversal = type(entry).objects.filter(reverses_id=entry.pk).first()
    if isinstance(entry, Allocation):
        heading, unit = str(entry.get_source_display()), entry.receiving_unit
    else:
        heading, unit = str(entry.get_category_display()), entry.paying_unit
    return LedgerLine(
        kind=kind,
        entry=entry,
        heading=heading,
        amount=entry.amount,
        effective_on=entry.dated_on,
        recorded_at=entry.created_at,
        recorded_by=entry.recorded_by,
        voucher_number=entry.voucher_number,
        description=entry.description,
        unit=unit,
        reason=entry.reason,
        reverses=_entry_reference(kind, entry.reverses),
        reversed_by=_entry_reference(kind, reversal),
    )


def _fee_day(entry: LecturePayment) -> date:
    if entry.entry_kind == FeeEntryKind.PAID and entry.paid_on is not None:
        return entry.paid_on
    if entry.entry_kind == FeeEntryKind.REVERSAL:
        return timezone.localdate(entry.created_at)
    return fee_selectors.lecture_date(entry.activity)


def _fee_reference(entry: LecturePayment | None) -> LineReference | None:
    if entry is None:
        return None
    return LineReference(kind=LECTURE_FEE, id=entry.pk, effective_on=_fee_day(entry), amount=entry.amount)


def _lecture_fee_line(entry: LecturePayment) -> LedgerLine:
    # A fee is reversed by the reversal entry of the same lecture, lecturer and generation.
    siblings = {
        row.entry_kind: row
        for row in LecturePayment.objects.filter(
            town_id=entry.town_id,
            activity_id=entry.activity_id,
            lecturer_id=entry.lecturer_id,
            generation=entry.generation,
        ).select_related("activity")
    }
    is_reversal = entry.entry_kind == FeeEntryKind.REVERSAL
    return LedgerLine(
        kind=LECTURE_FEE,
        entry=entry,
        heading=str(entry.get_entry_kind_display()),
        amount=-entry.amount if is_reversal else entry.amount,
        effective_on=_fee_day(entry),
        recorded_at=entry.created_at,
        recorded_by=entry.recorded_by,
        voucher_number=entry.voucher_number,
        description=entry.activity.title,
        unit=None,
        reason=entry.reason,
        reverses=_fee_reference(siblings.get(FeeEntryKind.DUE)) if is_reversal else None,
        reversed_by=None if is_reversal else _fee_reference(siblings.get(FeeEntryKind.REVERSAL)),
        lecture=entry.activity,
        lecturer_name=entry.lecturer.name,
    )


def get_ledger_line_for(user: User, *, town: Town, kind: str, pk: int) -> LedgerLine:
    """A line of ``town``'s allocations, expenses or lecture fees (``kind``), for a reader of the
    town's funding ledgers (its office, the district's evaluators); anything else is not found."""
    if kind not in LEDGER_KINDS or town.pk not in funding_reader_town_ids(user):
        raise Http404
    if kind == LECTURE_FEE:
        fees = LecturePayment.objects.filter(town=town).select_related("activity", "lecturer", "recorded_by")
        return _lecture_fee_line(get_object_or_404(fees, pk=pk))
    if kind == ALLOCATION:
        allocations = Allocation.objects.filter(town=town).select_related("receiving_unit", "recorded_by", "reverses")
        return _ledger_entry_line(kind, get_object_or_404(allocations, pk=pk))
    expenses = Expense.objects.filter(town=town).select_related("paying_unit", "recorded_by", "reverses")
    return _ledger_entry_line(kind, get_object_or_404(expenses, pk=pk))
