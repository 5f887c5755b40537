"""A ledger line's own page and API answer: the amount in yuan, when it happened (发生日期) and
when and by whom it was typed (录入时间), 补录 when typed on a later day, its voucher and its
reversal, for allocations, expenses and lecture fees alike; readers of the town's ledgers only."""

from datetime import date
from decimal import Decimal

import time_machine

from communityedu.activities.fees import services as fee_services
from communityedu.activities.fees.constants import FeeEntryKind
from communityedu.activities.fees.models import LecturePayment
from communityedu.activities.tests.factories import activity, at
from communityedu.funding import services
from communityedu.funding.constants import ExpenseCategory, FundingSource


def _allocation(world, *, dated_on=date(2020, 3, 2)):
    return services.record_allocation(
        town=world.xinmiao,
        year=2020,
        source=FundingSource.TOWN_FINANCE,
        amount=Decimal("7120.00"),
        dated_on=dated_on,
        voucher_number="CZ-2020-001",
        receiving_unit=world.school,
        description="社区教育经费",
        actor=world.accounts["office"],
    )


def test_an_allocation_typed_later_shows_both_dates_and_the_badge_on_its_page(world, sign_in):
    with time_machine.travel(at(2020, 3, 9, 10), tick=False):
        entry = _allocation(world)

    page = sign_in("office").get(f"/funding/entries/allocation/{entry.pk}/").content.decode()

    assert '<strong id="entry-amount">¥7,120.00</strong>' in page
    assert '<dd id="entry-heading">镇财政</dd>' in page
    assert '<dd id="entry-unit">新妙镇社区学校</dd>' in page
    assert '<dd id="entry-description">社区教育经费</dd>' in page
    assert '<dd id="entry-voucher">CZ-2020-001</dd>' in page
    assert '<dd id="entry-effective-on">2020-03-02 <span class="badge">补录</span></dd>' in page
    assert '<dd id="entry-recorded-at">2020-03-09 10:00</dd>' in page
    assert '<dd id="entry-recorded-by">office</dd>' in page
    assert 'id="entry-reversed-by"' not in page


def test_an_allocation_typed_on_its_day_has_no_badge(world, sign_in):
    with time_machine.travel(at(2020, 3, 2, 16), tick=False):
        entry = _allocation(world)

    page = sign_in("office").get(f"/funding/entries/allocation/{entry.pk}/").content.decode()

    assert '<dd id="entry-effective-on">2020-03-02</dd>' in page


def test_each_row_of_the_year_page_links_to_its_line(world, sign_in):
    entry = _allocation(world)

    page = sign_in("office").get("/funding/?year=2020").content.decode()

    assert f'<a href="/funding/entries/allocation/{entry.pk}/" title="查看明细">2020-03-02</a>' in page


def test_a_reversed_expense_and_its_reversal_point_at_each_other(world, sign_in):
    with time_machine.travel(at(2020, 6, 12, 9), tick=False):
        expense = services.record_expense(
            town=world.xinmiao, year=2020, category=ExpenseCategory.MATERIALS, amount=Decimal("1200.00"),
            dated_on=date(2020, 6, 12), voucher_number="ZC-2020-031", actor=world.accounts["office"],
        )  # fmt: skip
    with time_machine.travel(at(2020, 6, 20, 15), tick=False):
        reversal = services.reverse_expense(
            expense=expense, reason="凭证作废", dated_on=date(2020, 6, 18), actor=world.accounts["office"]
        )
    client = sign_in("office")

    original = client.get(f"/funding/entries/expense/{expense.pk}/").content.decode()
    page = client.get(f"/funding/entries/expense/{reversal.pk}/").content.decode()

    assert (
        f'<dd id="entry-reversed-by"><span class="badge">已冲销</span> '
        f'<a href="/funding/entries/expense/{reversal.pk}/">2020-06-18 · -¥1,200.00</a></dd>'
    ) in original
    assert '<strong id="entry-amount">-¥1,200.00</strong>' in page
    assert (
        f'<dd id="entry-reverses"><a href="/funding/entries/expense/{expense.pk}/">2020-06-12 · ¥1,200.00</a>'
        " · 冲销原因：凭证作废</dd>"
    ) in page
    assert '<dd id="entry-effective-on">2020-06-18 <span class="badge">补录</span></dd>' in page


def test_the_api_answers_the_line_as_the_page_shows_it(world, sign_in):
    with time_machine.travel(at(2020, 3, 9, 10), tick=False):
        entry = _allocation(world)

    response = sign_in("evaluator").get(f"/api/v1/funding/entries/allocation/{entry.pk}?town=xinmiao")

    assert response.status_code == 200
    assert response.json() == {
        "kind": "allocation",
        "id": entry.pk,
        "year": 2020,
        "heading": "镇财政",
        "amount": "7120.00",
        "effective_on": "2020-03-02",
        "recorded_at": "2020-03-09T02:00:00Z",  # 10:00 in Shanghai
        "recorded_by": "office",
        "is_entered_after_the_fact": True,
        "voucher_number": "CZ-2020-001",
        "voucher_files": [],
        "description": "社区教育经费",
        "unit_id": world.school.pk,
        "unit": "新妙镇社区学校",
        "lecture_id": None,
        "lecturer": "",
        "reason": "",
        "reverses": None,
        "reversed_by": None,
    }


def test_a_paid_lecture_fee_line_happened_on_the_day_it_was_paid(world, sign_in):
    fee_services.set_fee_standard(town=world.xinmiao, amount=Decimal("200.00"), valid_from=date(2020, 5, 1), actor=None)
    lecture = activity(world, title="防诈骗讲座", starts_at=at(2020, 5, 9, 14), lecturers=[world.people["li"]])
    with time_machine.travel(at(2020, 5, 9, 17), tick=False):
        fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    due = LecturePayment.objects.get(activity=lecture, entry_kind=FeeEntryKind.DUE)
    with time_machine.travel(at(2020, 5, 25, 11), tick=False):
        paid = fee_services.mark_paid(
            payment=due, voucher_number="K-0509", paid_on=date(2020, 5, 20), actor=world.accounts["office"]
        )
    client = sign_in("office")

    page = client.get(f"/funding/entries/lecture-fee/{paid.pk}/").content.decode()
    answer = client.get(f"/api/v1/funding/entries/lecture-fee/{due.pk}?town=xinmiao").json()

    assert '<strong id="entry-amount">¥200.00</strong>' in page
    assert '<dd id="entry-lecture">防诈骗讲座 · 2020-05-09</dd>' in page
    assert '<dd id="entry-lecturer">李德福</dd>' in page
    assert '<dd id="entry-voucher">K-0509</dd>' in page
    assert '<dd id="entry-effective-on">2020-05-20 <span class="badge">补录</span></dd>' in page
    assert '<dd id="entry-recorded-at">2020-05-25 11:00</dd>' in page
    assert (answer["kind"], answer["amount"], answer["effective_on"], answer["is_entered_after_the_fact"]) == (
        "lecture-fee",
        "200.00",
        "2020-05-09",
        False,
    )
    assert (answer["lecture_id"], answer["lecturer"], answer["recorded_by"]) == (lecture.pk, "李德福", "office")


def test_a_line_of_another_town_or_an_unknown_kind_is_not_found(world, sign_in):
    entry = _allocation(world)
    nantuo = sign_in("nantuo")

    assert nantuo.get(f"/funding/entries/allocation/{entry.pk}/").status_code == 404
    assert nantuo.get(f"/api/v1/funding/entries/allocation/{entry.pk}?town=nantuo").status_code == 404
    assert nantuo.get(f"/api/v1/funding/entries/allocation/{entry.pk}?town=xinmiao").status_code == 404
    assert nantuo.get(f"/funding/entries/payment/{entry.pk}/").status_code == 404
    assert nantuo.get(f"/api/v1/funding/entries/expense/{entry.pk}?town=nantuo").status_code == 404


def test_a_centre_director_may_not_read_a_ledger_line(world, sign_in):
    entry = _allocation(world)
    client = sign_in("center")

    assert client.get(f"/funding/entries/allocation/{entry.pk}/").status_code == 403
    assert client.get(f"/api/v1/funding/entries/allocation/{entry.pk}?town=xinmiao").status_code == 403


def test_the_fee_page_links_each_fee_line_for_the_ledgers_readers_only(world, sign_in, client):
    fee_services.set_fee_standard(town=world.xinmiao, amount=Decimal("200.00"), valid_from=date(2020, 5, 1), actor=None)
    lecture = activity(world, starts_at=at(2020, 5, 9, 14), lecturers=[world.people["li"]])
    fee_services.record_fees_due(activity=lecture, actor=None)
    due = LecturePayment.objects.get(activity=lecture, entry_kind=FeeEntryKind.DUE)

    office_page = sign_in("office").get("/activities/fees/?year=2020").content.decode()
    client.logout()
    school_page = sign_in("school").get("/activities/fees/?year=2020").content.decode()

    assert f'<a href="/funding/entries/lecture-fee/{due.pk}/">¥200.00</a>' in office_page
    assert "/funding/entries/" not in school_page
