"""The town's money and its populations over the API: the funding ledgers, the per-capita
figure, and the resident population of every village for a year."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Count, Id, Text, TownSlug, Year, Yuan
from communityedu.funding import permissions, selectors, services
from communityedu.funding.constants import GOVERNMENT_SOURCES, ExpenseCategory, FundingSource
from communityedu.metrics import funding_figure
from communityedu.metrics.base import effective_as_of
from communityedu.organization import populations as population_sheets
from communityedu.organization.models import Unit, Village
from communityedu.organization.permissions import can_edit_structure, can_view_structure

router = ListRouter(tags=["funding"])


class EntryOut(Schema):
    id: int
    year: int
    amount: Yuan
    voucher_number: str
    dated_on: date
    description: str
    reverses_id: int | None
    reason: str
    is_reversed: bool

    @staticmethod
    def resolve_is_reversed(obj):
        return bool(getattr(obj, "has_reversal", False))


class AllocationOut(EntryOut):
    source: str
    receiving_unit_id: int | None


class ExpenseOut(EntryOut):
    category: str
    paying_unit_id: int | None


class EntryIn(Schema):
    town: TownSlug
    year: Year
    amount: Decimal
    voucher_number: Text(60) = ""
    dated_on: date
    description: Text(200) = ""


class AllocationIn(EntryIn):
    source: FundingSource
    receiving_unit_id: Id | None = None


class ExpenseIn(EntryIn):
    category: ExpenseCategory
    paying_unit_id: Id | None = None


class ReverseIn(Schema):
    reason: Text(200)
    dated_on: date | None = None


class FundingFigureOut(Schema):
    year: int
    town_finance_total: Yuan
    population: int
    per_capita: Yuan | None
    previous_year_total: Yuan
    is_rising: bool
    threshold: Yuan
    is_met: bool


class PopulationRow(Schema):
    village_id: int
    village: str
    code: str
    resident_population: int | None


class PopulationIn(Schema):
    village_id: Id
    resident_population: Count


class PopulationsIn(Schema):
    populations: list[PopulationIn]


def _reading_town(request, slug: str):
    town = town_for(request, slug)
    if not permissions.can_read_funding(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


def _managing_town(request, slug: str):
    town = town_for(request, slug)
    if not permissions.can_manage_funding(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


def _unit(town, pk: int | None):
    if pk is None:
        return None
    return get_object_or_404(Unit.objects.filter(town=town), pk=pk)


@router.get("/funding/allocations", response=list[AllocationOut])
def list_allocations(request, town: str, year: Year):
    return list(selectors.allocations(town=_reading_town(request, town), year=year))


@router.post("/funding/allocations", response={201: AllocationOut})
def create_allocation(request, body: AllocationIn):
    town = _managing_town(request, body.town)
    entry = services.record_allocation(
        town=town,
        year=body.year,
        source=body.source,
        amount=body.amount,
        dated_on=body.dated_on,
        voucher_number=body.voucher_number,
        receiving_unit=_unit(town, body.receiving_unit_id),
        description=body.description,
        actor=request.user,
    )
    return Status(201, entry)


@router.post("/funding/allocations/{allocation_id}/reverse", response={201: AllocationOut})
def reverse_allocation(request, allocation_id: Id, body: ReverseIn):
    if not permissions.funding_manager_town_ids(request.user):
        raise HttpError(403, "Not allowed")
    entry = selectors.get_allocation_for(request.user, allocation_id)
    reversal = services.reverse_allocation(
        allocation=entry, reason=body.reason, dated_on=body.dated_on, actor=request.user
    )
    return Status(201, reversal)


@router.get("/funding/expenses", response=list[ExpenseOut])
def list_expenses(request, town: str, year: Year):
    """Expenses typed in the ledger; the totals, with the year's paid lecture fees, are at
    ``/funding/summary``."""
    return list(selectors.expenses(town=_reading_town(request, town), year=year))


@router.post("/funding/expenses", response={201: ExpenseOut})
def create_expense(request, body: ExpenseIn):
    town = _managing_town(request, body.town)
    entry = services.record_expense(
        town=town,
        year=body.year,
        category=body.category,
        amount=body.amount,
        dated_on=body.dated_on,
        voucher_number=body.voucher_number,
        paying_unit=_unit(town, body.paying_unit_id),
        description=body.description,
        actor=request.user,
    )
    return Status(201, entry)


@router.post("/funding/expenses/{expense_id}/reverse", response={201: ExpenseOut})
def reverse_expense(request, expense_id: Id, body: ReverseIn):
    if not permissions.funding_manager_town_ids(request.user):
        raise HttpError(403, "Not allowed")
    entry = selectors.get_expense_for(request.user, expense_id)
    reversal = services.reverse_expense(expense=entry, reason=body.reason, dated_on=body.dated_on, actor=request.user)
    return Status(201, reversal)


class LineReferenceOut(Schema):
    kind: str
    id: int
    effective_on: date | None
    amount: Yuan


class LedgerLineOut(Schema):
    kind: str
    id: int
    year: int
    heading: str = Field(description="The allocation's source, the expense's category or the fee entry's kind")
    amount: Yuan
    effective_on: date | None = Field(description="When it happened (发生日期): the voucher date, a fee's day")
    recorded_at: datetime = Field(description="When it was typed (录入时间)")
    recorded_by: str | None
    is_entered_after_the_fact: bool = Field(description="补录: typed on a later day than it happened")
    voucher_number: str
    voucher_files: list[str]
    description: str
    unit_id: int | None
    unit: str | None
    lecture_id: int | None
    lecturer: str = Field(alias="lecturer_name")
    reason: str
    reverses: LineReferenceOut | None
    reversed_by: LineReferenceOut | None

    @staticmethod
    def resolve_recorded_by(obj):
        return None if obj.recorded_by is None else str(obj.recorded_by)

    @staticmethod
    def resolve_voucher_files(obj):
        return [str(file) for file in obj.files]

    @staticmethod
    def resolve_unit_id(obj):
        return None if obj.unit is None else obj.unit.pk

    @staticmethod
    def resolve_unit(obj):
        return None if obj.unit is None else obj.unit.name

    @staticmethod
    def resolve_lecture_id(obj):
        return None if obj.lecture is None else obj.lecture.pk


@router.get("/funding/entries/{kind}/{entry_id}", response=LedgerLineOut)
def get_ledger_line(request, kind: Literal["allocation", "expense", "lecture-fee"], entry_id: Id, town: str):
    """One line of the town's allocations, expenses or lecture fees: the amount in yuan, when it
    happened and when and by whom it was typed (补录 when on a later day), its voucher and the line
    it reverses or that reverses it. Readers of the town's ledgers only, as the page."""
    return selectors.get_ledger_line_for(request.user, town=_reading_town(request, town), kind=kind, pk=entry_id)


class TotalOut(Schema):
    key: str
    label: str
    amount: Yuan


class FundingSummaryOut(Schema):
    year: int
    by_source: list[TotalOut]
    by_category: list[TotalOut]
    allocated: Yuan
    spent: Yuan
    lecture_fees_paid: Yuan


@router.get("/funding/summary", response=FundingSummaryOut)
def get_funding_summary(request, town: str, year: Year):
    """Totals by source and by category; lecture fees are the paid fees of the fee ledger."""
    return selectors.funding_year(town=_reading_town(request, town), year=year)


@router.get("/funding/per-capita", response=FundingFigureOut)
def get_funding_per_capita(request, town: str, year: Year, as_of: date | None = None):
    """Town finance (镇财政) for ``year`` ÷ the resident population of ``year``, against 2 yuan,
    and whether it rose from the year before."""
    return funding_figure.town_finance_per_capita(town=_reading_town(request, town), year=year, as_of=as_of)


class UnitFundsOut(Schema):
    unit_id: int
    unit: str
    allocated: Yuan
    spent: Yuan
    balance: Yuan
    allocations: list[AllocationOut]
    expenses: list[ExpenseOut]

    @staticmethod
    def resolve_unit_id(obj):
        return obj.unit.pk

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


@router.get("/funding/units", response=list[UnitFundsOut])
def get_unit_funds(request, town: str, year: Year, unit: Id | None = None):
    """Each unit's allocations and expenses of ``year``, reversals included: a unit's own people
    (a learning-centre director, a department's staff, a village director) get their units', the
    ledgers' readers every unit that received or paid something, or ``unit`` alone."""
    place = town_for(request, town)
    if not permissions.can_read_unit_funding(request.user, place):
        raise HttpError(403, "Not allowed")
    unit_ids = permissions.readable_unit_ids(request.user, place)
    if unit is not None:
        if unit_ids is not None and unit not in unit_ids:
            raise HttpError(404, "Not found")  # another unit's funds: as if it did not exist
        unit_ids = [_unit(place, unit).pk]
    return selectors.unit_funds(town=place, year=year, unit_ids=unit_ids)


class SourceShareOut(Schema):
    source: str
    label: str
    is_government: bool
    amount: Yuan


class GovernmentShareOut(Schema):
    year: int
    as_of: date | None
    government_total: Yuan
    total: Yuan
    share: str | None
    threshold: str
    is_town_threshold: bool
    is_met: bool
    by_source: list[SourceShareOut]


class GovernmentShareThresholdIn(Schema):
    # Per cent, two places; null: the plan's, more than 50%.
    threshold_percent: Decimal | None = Field(..., ge=0, lt=100, max_digits=4, decimal_places=2)


def _government_share(town_row, year: int, as_of: date | None) -> dict:
    if as_of is not None:
        as_of = effective_as_of(year, as_of)
    share = funding_figure.government_share(town=town_row, year=year, as_of=as_of)
    return {
        "year": year,
        "as_of": as_of,
        "government_total": share.government_total,
        "total": share.total,
        "share": None if share.share is None else str(share.share),
        "threshold": str(share.threshold),
        "is_town_threshold": funding_figure.own_government_share_threshold(town_row) is not None,
        "is_met": share.is_met,
        "by_source": [
            {
                "source": source,
                "label": str(FundingSource(source).label),
                "is_government": source in GOVERNMENT_SOURCES,
                "amount": amount,
            }
            for source, amount in share.by_source.items()
        ],
    }


@router.get("/funding/government-share", response=GovernmentShareOut)
def get_government_share(request, town: str, year: Year, as_of: date | None = None):
    """The government share of the year's funding (政府投放为主): town finance and higher government
    allocations ÷ all allocations of ``year``, net of reversals, dated up to ``as_of`` (a later
    date of a closed year reads its end; default: every entry); amounts in yuan strings, the share
    and the threshold as fractions ("0.5"); met only above the threshold."""
    return _government_share(_reading_town(request, town), year, as_of)


@router.put("/funding/government-share/threshold", response=GovernmentShareOut)
def put_government_share_threshold(request, town: str, year: Year, body: GovernmentShareThresholdIn):
    """Set the town's own threshold in per cent (the share must be more than it); null: the plan's
    50%. Town office only; audited. Answers the year's share against it."""
    town_row = _managing_town(request, town)
    threshold = None if body.threshold_percent is None else body.threshold_percent / 100
    services.set_government_share_threshold(town=town_row, threshold=threshold, actor=request.user)
    return _government_share(town_row, year, None)


@router.get("/populations", response=list[PopulationRow], tags=["organization"])
def get_populations(request, town: str, year: Year):
    """The resident population (常住人口) of every village of ``town`` for ``year``."""
    if not can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return [
        PopulationRow(village_id=village.pk, village=village.name, code=village.code, resident_population=population)
        for village, population in population_sheets.populations_of_year(town=town_for(request, town), year=year)
    ]


@router.put("/populations", response=list[PopulationRow], tags=["organization"])
def put_populations(request, town: str, year: Year, body: PopulationsIn):
    """Set the populations of the villages given for ``year``, all or none."""
    town_row = town_for(request, town)
    if not can_edit_structure(request.user, town_row):
        raise HttpError(403, "Not allowed")
    villages = {village.pk: village for village in Village.objects.filter(town=town_row)}
    values = {}
    for number, row in enumerate(body.populations):
        if row.village_id not in villages:
            raise ApiError(
                400,
                f"village {row.village_id} is not a village of {town_row.slug}",
                field=f"populations[{number}].village_id",
            )
        if row.resident_population < 0:
            raise ApiError(400, "a population cannot be negative", field=f"populations[{number}].resident_population")
        values[villages[row.village_id]] = row.resident_population
    population_sheets.set_populations(town=town_row, year=year, populations=values, actor=request.user)
    return Status(200, get_populations(request, town, year))
