"""The funding ledgers and the per-capita figure: only town finance counts, reversing entries,
lecture fees flowing in from the fee ledger, the pages, the API and town scoping."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from communityedu.activities.fees import services as fee_services
from communityedu.activities.fees.constants import FeeEntryKind
from communityedu.activities.fees.models import LecturePayment
from communityedu.activities.tests.factories import activity, at
from communityedu.core.models import AuditLogEntry
from communityedu.funding import selectors, services
from communityedu.funding.constants import ExpenseCategory, FundingSource
from communityedu.funding.models import Allocation, Expense
from communityedu.metrics import funding_figure
from communityedu.organization import services as org_services


def _allocate(world, amount: str, *, year=2020, source=FundingSource.TOWN_FINANCE, dated_on=None, town=None):
    return services.record_allocation(
        town=town or world.xinmiao,
        year=year,
        source=source,
        amount=Decimal(amount),
        dated_on=dated_on or date(year, 3, 2),
        voucher_number=f"{year}-001",
        receiving_unit=world.school if town is None else None,
        actor=world.accounts["office"],
    )


def _expense(world, amount: str, category=ExpenseCategory.MATERIALS, year=2020):
    return services.record_expense(
        town=world.xinmiao,
        year=year,
        category=category,
        amount=Decimal(amount),
        dated_on=date(year, 6, 12),
        voucher_number=f"{year}-031",
        actor=world.accounts["office"],
    )


def _xinmiao_population(world, yiyang: int, shizi: int, year=2020):
    for village, population in ((world.yiyang, yiyang), (world.shizi, shizi)):
        org_services.set_population(village=village, year=year, resident_population=population, actor=None)


# ---- the figure --------------------------------------------------------------------------------


def test_per_capita_is_town_finance_over_the_resident_population_rounded_to_the_fen(world):
    _xinmiao_population(world, 15000, 15975)
    _allocate(world, "70000.00")

    figure = funding_figure.town_finance_per_capita(town=world.xinmiao, year=2020)

    assert figure.town_finance_total == Decimal("70000.00")
    assert figure.population == 30975
    assert figure.per_capita == Decimal("2.26")
    assert figure.is_met is True


def test_only_town_finance_counts_toward_the_per_capita_figure(world):
    _allocate(world, "5000.00")
    _allocate(world, "50000.00", source=FundingSource.HIGHER_GOVERNMENT)
    _allocate(world, "3000.00", source=FundingSource.SOCIETY)
    _allocate(world, "2000.00", source=FundingSource.UNIT)
    _allocate(world, "500.00", source=FundingSource.INDIVIDUAL)

    figure = funding_figure.town_finance_per_capita(town=world.xinmiao, year=2020)

    assert figure.town_finance_total == Decimal("5000.00")
    assert figure.population == 3560  # 弋阳村 1840 + 十字村 1720
    assert figure.per_capita == Decimal("1.40")  # 5000 / 3560 = 1.4044…
    assert figure.is_met is False


def test_the_figure_is_rising_only_when_town_finance_is_above_the_year_before(world):
    _allocate(world, "6000.00", year=2019)
    _allocate(world, "7120.00", year=2020)

    rising = funding_figure.town_finance_per_capita(town=world.xinmiao, year=2020)
    first_year = funding_figure.town_finance_per_capita(town=world.xinmiao, year=2019)

    assert (rising.previous_year_total, rising.is_rising, rising.per_capita) == (
        Decimal("6000.00"),
        True,
        Decimal("2.00"),
    )
    assert (first_year.previous_year_total, first_year.is_rising) == (Decimal("0.00"), True)
    _allocate(world, "1120.00", year=2019, dated_on=date(2019, 11, 1))
    level = funding_figure.town_finance_per_capita(town=world.xinmiao, year=2020)
    assert (level.previous_year_total, level.is_rising) == (Decimal("7120.00"), False)


def test_a_year_without_population_has_no_per_capita_figure(world):
    _allocate(world, "7000.00", year=2021, dated_on=date(2021, 2, 1))

    figure = funding_figure.town_finance_per_capita(town=world.xinmiao, year=2021)

    assert (figure.population, figure.per_capita, figure.is_met) == (0, None, False)


def test_the_figure_as_of_a_date_counts_only_entries_dated_by_then(world):
    first = _allocate(world, "4000.00", dated_on=date(2020, 3, 2))
    _allocate(world, "3120.00", dated_on=date(2020, 9, 1))
    services.reverse_allocation(allocation=first, reason="凭证作废", dated_on=date(2020, 10, 8), actor=None)

    def total(as_of):
        return funding_figure.town_finance_per_capita(town=world.xinmiao, year=2020, as_of=as_of).town_finance_total

    assert total(date(2020, 6, 30)) == Decimal("4000.00")
    assert total(date(2020, 9, 30)) == Decimal("7120.00")
    assert total(date(2020, 12, 31)) == Decimal("3120.00")
    assert total(None) == Decimal("3120.00")


# ---- the ledgers -------------------------------------------------------------------------------


def test_a_reversing_entry_negates_the_allocation_and_keeps_the_original(world):
    original = _allocate(world, "7000.00")

    reversal = services.reverse_allocation(allocation=original, reason="金额有误", actor=world.accounts["office"])

    assert list(Allocation.objects.order_by("id").values_list("amount", "reverses_id", "reason")) == [
        (Decimal("7000.00"), None, ""),
        (Decimal("-7000.00"), original.pk, "金额有误"),
    ]
    assert (reversal.source, reversal.receiving_unit, reversal.year) == (FundingSource.TOWN_FINANCE, world.school, 2020)
    assert funding_figure.town_finance_total(town=world.xinmiao, year=2020) == Decimal("0.00")
    assert [row.has_reversal for row in selectors.allocations(town=world.xinmiao, year=2020)] == [True, False]


def test_an_entry_is_reversed_once_and_a_reversal_never(world):
    original = _allocate(world, "7000.00")
    reversal = services.reverse_allocation(allocation=original, reason="金额有误", actor=None)

    expense = _expense(world, "100.00")

    with translation.override("en"):
        with pytest.raises(ValidationError, match="already reversed"):
            services.reverse_allocation(allocation=original, reason="再次", actor=None)
        with pytest.raises(ValidationError, match="cannot itself be reversed"):
            services.reverse_allocation(allocation=reversal, reason="撤销冲销", actor=None)
        with pytest.raises(ValidationError, match="Say why"):
            services.reverse_expense(expense=expense, reason="  ", actor=None)
    assert Allocation.objects.count() == 2
    assert Expense.objects.count() == 1


def test_entries_are_refused_without_a_positive_amount_or_with_a_future_date(world):
    with pytest.raises(ValidationError) as error:
        services.record_allocation(
            town=world.xinmiao,
            year=2020,
            source=FundingSource.TOWN_FINANCE,
            amount=Decimal("0"),
            dated_on=date(2999, 1, 1),
            actor=None,
        )
    assert set(error.value.message_dict) == {"amount", "dated_on"}
    assert Allocation.objects.count() == 0


def test_lecture_fees_cannot_be_typed_as_an_expense(world):
    with translation.override("en"), pytest.raises(ValidationError, match="lecture-fee ledger"):
        _expense(world, "200.00", category=ExpenseCategory.LECTURE_FEES)
    assert Expense.objects.count() == 0


def test_recording_and_reversing_are_audited(world):
    entry = _expense(world, "350.00")
    reversal = services.reverse_expense(expense=entry, reason="重复录入", actor=world.accounts["office"])

    entries = AuditLogEntry.objects.filter(object_type="funding.Expense").order_by("id")
    assert [(e.action, e.actor_label, e.town_id) for e in entries] == [
        ("create", "office", world.xinmiao.pk),
        ("create", "office", world.xinmiao.pk),
    ]
    assert entries[1].changes == {
        "reverses": [None, entry.pk],
        "amount": [None, "-350.00"],
        "reason": [None, "重复录入"],
        "effective_on": reversal.dated_on.isoformat(),  # the day the ledger counts it on
    }


# ---- lecture fees flow in ----------------------------------------------------------------------


def _paid_lecture(world, day: date, *names: str):
    lecture = activity(
        world, starts_at=at(day.year, day.month, day.day, 14), lecturers=[world.people[n] for n in names]
    )
    fee_services.record_fees_due(activity=lecture, actor=None)
    for name in names:
        due = LecturePayment.objects.get(activity=lecture, lecturer=world.people[name], entry_kind=FeeEntryKind.DUE)
        fee_services.mark_paid(payment=due, voucher_number=f"K-{day:%m%d}-{name}", paid_on=day, actor=None)
    return lecture


def test_paid_lecture_fees_of_the_year_are_in_the_expense_totals(world):
    fee_services.set_fee_standard(town=world.xinmiao, amount=Decimal("200.00"), valid_from=date(2020, 5, 1), actor=None)
    _paid_lecture(world, date(2020, 5, 9), "li", "wang")
    _expense(world, "1200.00")
    pending = activity(world, starts_at=at(2020, 6, 13, 14), lecturers=[world.people["li"]])
    fee_services.record_fees_due(activity=pending, actor=None)  # due, not paid: not spent yet

    funding = selectors.funding_year(town=world.xinmiao, year=2020)

    by_category = {row.key: row.amount for row in funding.by_category}
    assert by_category[ExpenseCategory.LECTURE_FEES] == Decimal("400.00")
    assert by_category[ExpenseCategory.MATERIALS] == Decimal("1200.00")
    assert funding.spent == Decimal("1600.00")
    assert selectors.funding_year(town=world.xinmiao, year=2021).lecture_fees_paid == Decimal("0.00")


def test_a_reversed_lecture_payment_drops_out_of_the_expenses(world):
    fee_services.set_fee_standard(town=world.xinmiao, amount=Decimal("200.00"), valid_from=date(2020, 5, 1), actor=None)
    lecture = _paid_lecture(world, date(2020, 5, 9), "li", "wang")
    due = LecturePayment.objects.get(activity=lecture, lecturer=world.people["wang"], entry_kind=FeeEntryKind.DUE)

    fee_services.reverse_payment(payment=due, reason="讲师未到", actor=None)

    assert selectors.lecture_fees_paid(town=world.xinmiao, year=2020) == Decimal("200.00")
    assert LecturePayment.objects.count() == 5  # two due, two paid, one reversal: nothing copied or deleted


# ---- pages, export, API ------------------------------------------------------------------------


def test_the_office_records_an_allocation_and_sees_the_per_capita_figure(world, sign_in):
    client = sign_in("office")

    response = client.post(
        "/funding/allocations/new/",
        {
            "allocation-year": "2020",
            "allocation-source": "town_finance",
            "allocation-receiving_unit": world.school.pk,
            "allocation-amount": "7120.00",
            "allocation-voucher_number": "2020-001",
            "allocation-dated_on": "2020-03-02",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/funding/?year=2020"
    page = client.get("/funding/?year=2020").content.decode()
    assert 'id="per-capita-figure" class="met">¥2.00</dd>' in page
    assert 'id="town-finance-total">¥7,120.00</dd>' in page


def test_a_wrong_allocation_form_comes_back_with_its_errors_and_writes_nothing(world, sign_in):
    response = sign_in("office").post(
        "/funding/allocations/new/",
        {"allocation-year": "2020", "allocation-source": "town_finance", "allocation-amount": "-5"},
    )

    assert response.status_code == 400
    assert Allocation.objects.count() == 0


def test_the_office_reverses_an_allocation_from_the_page(world, sign_in):
    entry = _allocate(world, "7000.00")

    response = sign_in("office").post(f"/funding/allocations/{entry.pk}/reverse/", {"reason": "凭证作废"})

    assert response.status_code == 302
    assert Allocation.objects.filter(reverses=entry, reason="凭证作废").count() == 1


def test_nantuo_sees_nothing_of_xinmiaos_funding(world, sign_in):
    entry = _allocate(world, "7000.00")
    _allocate(world, "900.00", town=world.nantuo, dated_on=date(2020, 4, 1))
    client = sign_in("nantuo")

    page = client.get("/funding/?year=2020").content.decode()
    assert "7,000.00" not in page
    assert 'id="town-finance-total">¥900.00</dd>' in page
    assert client.post(f"/funding/allocations/{entry.pk}/reverse/", {"reason": "x"}).status_code == 404
    assert client.get("/api/v1/funding/allocations?town=xinmiao&year=2020").status_code == 404
    assert Allocation.objects.filter(reverses=entry).count() == 0


def test_the_school_may_not_record_allocations(world, sign_in):
    client = sign_in("school")

    assert client.get("/funding/?year=2020").status_code == 403
    response = client.post(
        "/funding/allocations/new/",
        {"year": "2020", "source": "town_finance", "amount": "7000", "voucher_number": "1", "dated_on": "2020-03-02"},
    )
    assert response.status_code == 403
    assert Allocation.objects.count() == 0


def test_the_export_holds_the_ledgers_and_the_totals(world, sign_in):
    _allocate(world, "7120.00")
    _expense(world, "1200.00")

    response = sign_in("office").get("/funding/export.xlsx?year=2020")

    assert response.status_code == 200
    workbook = CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content))
    allocations = workbook.get_sheet_by_index(0).to_python()
    assert allocations[1][1:6] == ["2020-001", "镇财政", "新妙镇社区学校", "", 7120.0]
    totals = workbook.get_sheet_by_index(2).to_python()
    assert ["镇财政", 7120.0] in [row[:2] for row in totals]
    assert AuditLogEntry.objects.filter(action="export", object_label="funding export").count() == 1


def test_the_api_records_an_allocation_and_gives_the_figure(world, sign_in):
    client = sign_in("office")

    created = client.post(
        "/api/v1/funding/allocations",
        {"town": "xinmiao", "year": 2020, "source": "town_finance", "amount": "7120.00", "dated_on": "2020-03-02"},
        content_type="application/json",
    )
    figure = client.get("/api/v1/funding/per-capita?town=xinmiao&year=2020").json()
    reversed_ = client.post(
        f"/api/v1/funding/allocations/{created.json()['id']}/reverse",
        {"reason": "重复"},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert figure == {
        "year": 2020,
        "town_finance_total": "7120.00",
        "population": 3560,
        "per_capita": "2.00",
        "previous_year_total": "0.00",
        "is_rising": True,
        "threshold": "2.00",
        "is_met": True,
    }
    assert reversed_.status_code == 201
    assert reversed_.json()["amount"] == "-7120.00"


def test_the_year_page_reads_in_the_same_number_of_queries_however_many_entries(world, sign_in):
    client = sign_in("office")
    _allocate(world, "1000.00")
    client.get("/funding/?year=2020")  # warm the session and the scope
    with CaptureQueriesContext(connection) as few:
        client.get("/funding/?year=2020")
    for amount in ("2000.00", "3000.00", "4000.00"):
        services.reverse_allocation(allocation=_allocate(world, amount), reason="重复", actor=None)
        _expense(world, amount)
    with CaptureQueriesContext(connection) as many:
        client.get("/funding/?year=2020")

    assert len(many) == len(few)


@given(
    fen=st.integers(min_value=0, max_value=10**10),
    population=st.integers(min_value=0, max_value=2_000_000),
)
def test_per_capita_is_the_nearest_fen_rounding_halves_up(fen, population):
    total = Decimal(fen) / 100

    result = funding_figure.per_capita(total, population)

    if population == 0:
        assert result is None
    else:
        assert result == result.quantize(Decimal("0.01"))
        assert abs(result * population - total) <= Decimal("0.005") * population
        exact_fen = Decimal(fen) / population  # in fen
        assert result * 100 == int(exact_fen) + (1 if exact_fen - int(exact_fen) >= Decimal("0.5") else 0)
