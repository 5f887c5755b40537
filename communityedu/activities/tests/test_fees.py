"""Lecture fees: the standard in force, the fee ledger (due, paid, reversed), totals, the pages."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from python_calamine import CalamineWorkbook

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind
from communityedu.activities.fees import selectors as fee_selectors
from communityedu.activities.fees import services as fee_services
from communityedu.activities.fees.constants import FeeEntryKind, FeeStatus
from communityedu.activities.fees.models import FeeStandard, LecturePayment
from communityedu.activities.tests.factories import activity, at
from communityedu.core.models import AuditLogEntry

REFUSED_HELD = "Payments can only be made for lectures that took place."


def _standard(world, amount: str, valid_from: date) -> FeeStandard:
    return fee_services.set_fee_standard(
        town=world.xinmiao, amount=Decimal(amount), valid_from=valid_from, actor=world.accounts["office"]
    )


def _lecture(world, starts_at, *names, **values):
    return activity(world, starts_at=starts_at, lecturers=[world.people[name] for name in names], **values)


def _due(lecture, name: str, world) -> LecturePayment:
    return LecturePayment.objects.get(
        activity=lecture, lecturer=world.people[name], entry_kind=FeeEntryKind.DUE, generation=0
    )


def _statuses(lecture) -> list[tuple[str, str, Decimal | None]]:
    return [
        (line.lecturer.name, line.status, line.due.amount if line.due else None)
        for line in fee_selectors.lecture_fees(lecture).lines
    ]


def _pay(world, lecture, name: str, voucher: str, paid_on: date) -> LecturePayment:
    return fee_services.mark_paid(
        payment=_due(lecture, name, world), voucher_number=voucher, paid_on=paid_on, actor=world.accounts["school"]
    )


def _ledger() -> list[tuple]:
    return list(LecturePayment.objects.order_by("id").values_list("lecturer__name", "entry_kind", "generation"))


# ---- the standard --------------------------------------------------------------------------------


def test_the_standard_in_force_is_the_latest_from_the_lecture_date_or_before(world):
    _standard(world, "200.00", date(2020, 5, 1))
    _standard(world, "300.00", date(2021, 1, 1))

    def amount_on(day):
        standard = fee_selectors.standard_in_force(town=world.xinmiao, on=day)
        return standard.amount if standard else None

    assert amount_on(date(2020, 4, 30)) is None
    assert amount_on(date(2020, 5, 1)) == Decimal("200.00")
    assert amount_on(date(2020, 12, 31)) == Decimal("200.00")
    assert amount_on(date(2021, 1, 1)) == Decimal("300.00")
    assert fee_selectors.standard_in_force(town=world.nantuo, on=date(2021, 6, 1)) is None


def test_a_fee_due_carries_the_amount_in_force_on_the_lecture_date(world):
    _standard(world, "200.00", date(2020, 5, 1))
    _standard(world, "300.00", date(2021, 1, 1))
    december = _lecture(world, at(2020, 12, 31, 19), "li")
    january = _lecture(world, at(2021, 1, 1, 9), "li")

    fee_services.record_fees_due(activity=december, actor=world.accounts["office"])
    fee_services.record_fees_due(activity=january, actor=world.accounts["office"])
    _standard(world, "350.00", date(2020, 5, 1))

    assert _statuses(december) == [("李德福", FeeStatus.PENDING, Decimal("200.00"))]
    assert _statuses(january) == [("李德福", FeeStatus.PENDING, Decimal("300.00"))]


def test_a_new_standard_for_the_same_date_supersedes_and_the_history_stays(world):
    first = _standard(world, "200.00", date(2020, 5, 1))
    second = _standard(world, "220.00", date(2020, 5, 1))

    assert fee_selectors.standard_in_force(town=world.xinmiao, on=date(2020, 6, 1)) == second
    assert list(fee_selectors.fee_standards(town=world.xinmiao)) == [second, first]
    assert first.amount == Decimal("200.00")


def test_a_standard_must_be_a_positive_amount(world):
    with pytest.raises(ValidationError):
        _standard(world, "0.00", date(2020, 5, 1))
    assert FeeStandard.objects.count() == 0


# ---- the ledger ------------------------------------------------------------------------------------


def test_fees_due_are_recorded_once_per_lecturer_even_when_asked_twice(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li", "wang")

    first = fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    again = fee_services.record_fees_due(activity=lecture, actor=world.accounts["school"])

    assert [(entry.lecturer.name, entry.amount) for entry in first] == [
        ("李德福", Decimal("200.00")),
        ("王桂芬", Decimal("200.00")),
    ]
    assert again == []
    assert _ledger() == [("李德福", "due", 0), ("王桂芬", "due", 0)]
    assert AuditLogEntry.objects.filter(object_type="activities.LecturePayment").count() == 2


def test_fees_are_refused_for_a_lecture_not_yet_held(world):
    _standard(world, "200.00", date(2020, 5, 1))
    tomorrow = _lecture(world, timezone.now() + timedelta(days=1), "li")
    under_way = _lecture(world, timezone.now() - timedelta(minutes=30), "li")

    for lecture in (tomorrow, under_way):
        with translation.override("en"), pytest.raises(ValidationError, match=REFUSED_HELD):
            fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    assert LecturePayment.objects.count() == 0


def test_fees_are_refused_for_a_cancelled_lecture(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li")
    services.cancel_activity(actor=world.accounts["office"], activity=lecture, reason="暴雨")

    with translation.override("en"), pytest.raises(ValidationError, match=REFUSED_HELD):
        fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    assert LecturePayment.objects.count() == 0


def test_fees_are_refused_for_other_kinds_and_without_a_standard(world):
    training = _lecture(world, at(2020, 5, 12), "li", kind=ActivityKind.TRAINING)
    lecture = _lecture(world, at(2020, 4, 20), "li")
    _standard(world, "200.00", date(2020, 5, 1))

    with translation.override("en"):
        with pytest.raises(ValidationError, match="lecture-hall lectures only"):
            fee_services.record_fees_due(activity=training, actor=world.accounts["office"])
        with pytest.raises(ValidationError, match="No fee standard is in force on 2020-04-20"):
            fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    assert LecturePayment.objects.count() == 0


def test_marking_a_fee_paid_records_the_voucher_and_the_date(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li", "wang")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])

    paid = _pay(world, lecture, "li", "记-2020-05-031", date(2020, 5, 20))
    twice = _pay(world, lecture, "li", "记-2020-05-031", date(2020, 5, 20))

    assert twice.pk == paid.pk
    assert (paid.entry_kind, paid.amount, paid.voucher_number, paid.paid_on, paid.recorded_by) == (
        FeeEntryKind.PAID,
        Decimal("200.00"),
        "记-2020-05-031",
        date(2020, 5, 20),
        world.accounts["school"],
    )
    assert _statuses(lecture) == [
        ("李德福", FeeStatus.PAID, Decimal("200.00")),
        ("王桂芬", FeeStatus.PENDING, Decimal("200.00")),
    ]
    with pytest.raises(ValidationError):
        _pay(world, lecture, "li", "记-2020-05-099", date(2020, 5, 21))
    assert _ledger() == [("李德福", "due", 0), ("王桂芬", "due", 0), ("李德福", "paid", 0)]


def test_a_payment_needs_a_voucher_and_a_date_between_the_lecture_and_today(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])

    for voucher, paid_on in (
        (" ", date(2020, 5, 20)),
        ("记-1", date(2020, 5, 11)),
        ("记-1", timezone.localdate() + timedelta(days=1)),
    ):
        with pytest.raises(ValidationError):
            _pay(world, lecture, "li", voucher, paid_on)
    assert _ledger() == [("李德福", "due", 0)]


def test_a_reversal_keeps_the_original_and_shows_status_reversed(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li", "wang")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    _pay(world, lecture, "li", "记-2020-05-031", date(2020, 5, 20))

    reversal = fee_services.reverse_payment(
        payment=_due(lecture, "li", world), reason="凭证作废，重新付款", actor=world.accounts["office"]
    )

    assert (reversal.entry_kind, reversal.amount, reversal.reason) == (
        FeeEntryKind.REVERSAL,
        Decimal("200.00"),
        "凭证作废，重新付款",
    )
    assert _ledger() == [("李德福", "due", 0), ("王桂芬", "due", 0), ("李德福", "paid", 0), ("李德福", "reversal", 0)]
    assert _statuses(lecture) == [
        ("李德福", FeeStatus.REVERSED, Decimal("200.00")),
        ("王桂芬", FeeStatus.PENDING, Decimal("200.00")),
    ]
    with pytest.raises(ValidationError):
        fee_services.reverse_payment(payment=_due(lecture, "li", world), reason="再次", actor=world.accounts["office"])
    with pytest.raises(ValidationError):
        _pay(world, lecture, "li", "记-2020-05-040", date(2020, 5, 25))


def test_after_a_reversal_the_fee_can_be_recorded_again_as_a_new_generation(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    fee_services.reverse_payment(payment=_due(lecture, "li", world), reason="标准录错", actor=world.accounts["office"])
    _standard(world, "250.00", date(2020, 5, 1))

    recorded = fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])

    assert [(entry.generation, entry.amount) for entry in recorded] == [(1, Decimal("250.00"))]
    assert _statuses(lecture) == [
        ("李德福", FeeStatus.REVERSED, Decimal("200.00")),
        ("李德福", FeeStatus.PENDING, Decimal("250.00")),
    ]
    assert fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"]) == []


def test_a_reversal_needs_a_reason(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])

    with pytest.raises(ValidationError):
        fee_services.reverse_payment(payment=_due(lecture, "li", world), reason="  ", actor=world.accounts["office"])
    assert _ledger() == [("李德福", "due", 0)]


# ---- totals and the spreadsheet ---------------------------------------------------------------------


def _a_year_of_fees(world):
    """May: 李 paid 200.00, 王 pending 200.00, and 李 again reversed (200.00). June at 33.33: 李 and
    王 paid, 张 pending, and a cancelled lecture. December: a lecture not held (in 2020: held)."""
    _standard(world, "200.00", date(2020, 5, 1))
    _standard(world, "33.33", date(2020, 6, 1))
    office = world.accounts["office"]
    may_first = _lecture(world, at(2020, 5, 10), "li", "wang", title="防诈骗知识讲座")
    may_second = _lecture(world, at(2020, 5, 20), "li", title="垃圾分类讲座")
    june = _lecture(world, at(2020, 6, 3), "li", "wang", "zhang", title="健康养生讲座")
    cancelled = _lecture(world, at(2020, 6, 10), "li", title="法律讲座")
    services.cancel_activity(actor=office, activity=cancelled, reason="暴雨")
    for lecture in (may_first, may_second, june):
        fee_services.record_fees_due(activity=lecture, actor=office)
    _pay(world, may_first, "li", "记-05-01", date(2020, 5, 15))
    fee_services.reverse_payment(payment=_due(may_second, "li", world), reason="讲师未到场", actor=office)
    _pay(world, june, "li", "记-06-01", date(2020, 6, 5))
    _pay(world, june, "wang", "记-06-02", date(2020, 6, 5))
    return may_first, june


def test_monthly_and_yearly_totals_are_exact(world):
    _a_year_of_fees(world)

    year = fee_selectors.fee_year(town=world.xinmiao, year=2020)

    months = {row.month: (row.totals.due, row.totals.paid, row.totals.outstanding) for row in year.months}
    assert len(months) == 12
    assert months[date(2020, 5, 1)] == (Decimal("400.00"), Decimal("200.00"), Decimal("200.00"))
    assert months[date(2020, 6, 1)] == (Decimal("99.99"), Decimal("66.66"), Decimal("33.33"))
    assert months[date(2020, 1, 1)] == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert (year.total.due, year.total.paid, year.total.outstanding) == (
        Decimal("499.99"),
        Decimal("266.66"),
        Decimal("233.33"),
    )
    assert [item.lecture.title for item in year.lectures] == [
        "防诈骗知识讲座",
        "垃圾分类讲座",
        "健康养生讲座",
        "法律讲座",
    ]
    assert fee_selectors.fee_year(town=world.xinmiao, year=2021).total == fee_selectors.FeeTotals()


def test_the_export_holds_the_rows_and_the_totals(world, sign_in):
    _a_year_of_fees(world)
    client = sign_in("office")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/activities/fees/export.xlsx?year=2020")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="lecture-fees-xinmiao-2020.xlsx"'
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert sheet[0][:8] == [
        "Date",
        "Lecture",
        "Lecture status",
        "Lecturer",
        "Fee status",
        "Fee (yuan)",
        "Due (yuan)",
        "Paid (yuan)",
    ]
    assert [row[:8] for row in sheet[1:8]] == [
        [date(2020, 5, 10), "防诈骗知识讲座", "held", "李德福", "paid", 200.0, 200.0, 200.0],
        [date(2020, 5, 10), "防诈骗知识讲座", "held", "王桂芬", "pending", 200.0, 200.0, 0.0],
        [date(2020, 5, 20), "垃圾分类讲座", "held", "李德福", "reversed", 200.0, 0.0, 0.0],
        [date(2020, 6, 3), "健康养生讲座", "held", "张秀英", "pending", 33.33, 33.33, 0.0],
        [date(2020, 6, 3), "健康养生讲座", "held", "李德福", "paid", 33.33, 33.33, 33.33],
        [date(2020, 6, 3), "健康养生讲座", "held", "王桂芬", "paid", 33.33, 33.33, 33.33],
        [date(2020, 6, 10), "法律讲座", "cancelled", "李德福", "not recorded", "", "", ""],
    ]
    assert sheet[1][8:] == ["记-05-01", date(2020, 5, 15), ""]
    assert sheet[3][8:] == ["", "", "讲师未到场"]
    assert sheet[8] == [""] * len(sheet[0])
    assert sheet[9][:4] == ["Month", "Due", "Paid", "Outstanding"]
    totals = {row[0]: tuple(Decimal(str(value)) for value in row[1:4]) for row in sheet[10:]}
    assert list(totals) == [f"2020-{month:02d}" for month in range(1, 13)] + ["Year 2020"]
    assert totals["2020-05"] == (Decimal("400.00"), Decimal("200.00"), Decimal("200.00"))
    assert totals["2020-06"] == (Decimal("99.99"), Decimal("66.66"), Decimal("33.33"))
    assert totals["2020-07"] == (Decimal("0"), Decimal("0"), Decimal("0"))
    assert totals["Year 2020"] == (Decimal("499.99"), Decimal("266.66"), Decimal("233.33"))


def test_the_fee_page_reads_a_year_in_the_same_number_of_queries_however_many_lectures(world, sign_in):
    _standard(world, "200.00", date(2020, 5, 1))
    client = sign_in("office")
    fee_services.record_fees_due(activity=_lecture(world, at(2020, 5, 10), "li"), actor=None)
    client.get("/activities/fees/?year=2020")
    with CaptureQueriesContext(connection) as one_lecture:
        client.get("/activities/fees/?year=2020")
    for day in (12, 14, 16):
        fee_services.record_fees_due(activity=_lecture(world, at(2020, 5, day), "li", "wang"), actor=None)
    with CaptureQueriesContext(connection) as four_lectures:
        response = client.get("/activities/fees/?year=2020")

    assert response.status_code == 200
    assert len(four_lectures) == len(one_lecture)


# ---- the pages and who may use them -------------------------------------------------------------------


def test_the_fee_page_shows_the_standard_the_lectures_and_the_totals(world, sign_in):
    _a_year_of_fees(world)

    page = sign_in("school").get("/activities/fees/?year=2020").content.decode()

    for text in ("防诈骗知识讲座", "李德福", "记-05-01", "讲师未到场", "499.99", "266.66", "233.33", "33.33"):
        assert text in page
    assert page.count('name="voucher_number"') == 2  # 王 in May, 张 in June
    assert "/activities/fees/standard/" in page


def test_a_school_clerk_may_record_pay_and_reverse_through_the_pages(world, sign_in):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li", "wang")
    client = sign_in("school")

    recorded = client.post(f"/activities/fees/lectures/{lecture.pk}/due/", {"next": f"/activities/{lecture.pk}/"})
    paid = client.post(
        f"/activities/fees/payments/{_due(lecture, 'li', world).pk}/pay/",
        {"voucher_number": "记-2020-05-031", "paid_on": "2020-05-20"},
    )
    reversed_ = client.post(f"/activities/fees/payments/{_due(lecture, 'wang', world).pk}/reverse/", {"reason": "重复"})
    standard = client.post(
        "/activities/fees/standard/", {"amount": "300.00", "valid_from": "2021-01-01", "year": "2020"}
    )

    assert (recorded.status_code, recorded["Location"]) == (302, f"/activities/{lecture.pk}/")
    assert (paid.status_code, paid["Location"]) == (302, "/activities/fees/?year=2020")
    assert reversed_.status_code == 302
    assert standard.status_code == 302
    assert _statuses(lecture) == [
        ("李德福", FeeStatus.PAID, Decimal("200.00")),
        ("王桂芬", FeeStatus.REVERSED, Decimal("200.00")),
    ]
    assert fee_selectors.standard_in_force(town=world.xinmiao, on=date(2021, 1, 1)).amount == Decimal("300.00")


def test_a_refused_form_comes_back_with_its_reason_and_changes_nothing(world, sign_in):
    lecture = _lecture(world, at(2020, 5, 12), "li")
    client = sign_in("office")

    standard = client.post("/activities/fees/standard/", {"amount": "-5", "valid_from": "2020-05-01", "year": "2020"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    due = client.post(f"/activities/fees/lectures/{lecture.pk}/due/", follow=True)

    assert standard.status_code == 200
    assert 'class="error"' in standard.content.decode()
    assert "No fee standard is in force" in due.content.decode()
    assert (FeeStandard.objects.count(), LecturePayment.objects.count()) == (0, 0)


def test_centre_department_and_teacher_accounts_are_refused(world, sign_in, client):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    due = _due(lecture, "li", world)

    for username in ("center", "dept", "teacher"):
        client.logout()
        sign_in(username)
        answers = [
            client.get("/activities/fees/?year=2020").status_code,
            client.get("/activities/fees/export.xlsx?year=2020").status_code,
            client.post(f"/activities/fees/lectures/{lecture.pk}/due/").status_code,
            client.post(
                f"/activities/fees/payments/{due.pk}/pay/", {"voucher_number": "记-1", "paid_on": "2020-05-20"}
            ).status_code,
            client.post(f"/activities/fees/payments/{due.pk}/reverse/", {"reason": "错"}).status_code,
            client.post("/activities/fees/standard/", {"amount": "1.00", "valid_from": "2020-01-01"}).status_code,
        ]
        assert answers == [403] * 6, username
    assert _ledger() == [("李德福", "due", 0)]
    assert FeeStandard.objects.count() == 1


def test_the_evaluator_may_read_the_fees_but_not_post(world, sign_in):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    due = _due(lecture, "li", world)
    client = sign_in("evaluator")
    client.post("/org/towns/switch/", {"town": "xinmiao"})

    page = client.get("/activities/fees/?year=2020")
    export = client.get("/activities/fees/export.xlsx?year=2020")
    posts = [
        client.post(f"/activities/fees/lectures/{lecture.pk}/due/").status_code,
        client.post(
            f"/activities/fees/payments/{due.pk}/pay/", {"voucher_number": "记-1", "paid_on": "2020-05-20"}
        ).status_code,
        client.post(f"/activities/fees/payments/{due.pk}/reverse/", {"reason": "错"}).status_code,
        client.post("/activities/fees/standard/", {"amount": "1.00", "valid_from": "2020-01-01"}).status_code,
    ]

    assert (page.status_code, export.status_code) == (200, 200)
    assert "李德福" in page.content.decode()
    assert 'name="voucher_number"' not in page.content.decode()
    assert posts == [403] * 4
    assert _ledger() == [("李德福", "due", 0)]
    assert FeeStandard.objects.count() == 1


def test_nantuos_office_sees_none_of_xinmiaos_payments(world, sign_in):
    _a_year_of_fees(world)
    due = LecturePayment.objects.filter(entry_kind=FeeEntryKind.DUE).first()
    client = sign_in("nantuo")

    page = client.get("/activities/fees/?year=2020").content.decode()
    export = client.get("/activities/fees/export.xlsx?year=2020")
    pay = client.post(f"/activities/fees/payments/{due.pk}/pay/", {"voucher_number": "记-9", "paid_on": "2020-06-09"})
    record = client.post(f"/activities/fees/lectures/{due.activity_id}/due/")

    assert [text for text in ("李德福", "防诈骗知识讲座", "499.99") if text in page] == []
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert all("李德福" not in row for row in sheet)
    assert (pay.status_code, record.status_code) == (404, 404)
    assert LecturePayment.objects.filter(entry_kind=FeeEntryKind.PAID).count() == 3


def test_the_activity_partial_shows_the_lecturers_fees_and_the_button_for_managers(world):
    _standard(world, "200.00", date(2020, 5, 1))
    lecture = _lecture(world, at(2020, 5, 12), "li", "wang")
    fee_services.record_fees_due(activity=lecture, actor=world.accounts["office"])
    services.update_activity(
        actor=world.accounts["office"],
        activity=lecture,
        values={},
        lecturers=[*lecture.lecturers.all(), world.people["zhang"]],
    )
    request = RequestFactory().get(f"/activities/{lecture.pk}/")
    request.town = world.xinmiao

    def partial(username):
        request.user = world.accounts[username]
        return render_to_string(
            "activities/_fees.html",
            fee_selectors.activity_fee_context(world.accounts[username], lecture),
            request=request,
        )

    for_school, for_evaluator, for_teacher = partial("school"), partial("evaluator"), partial("teacher")
    assert [text for text in ("李德福", "张秀英", "200.00") if text not in for_school] == []
    assert f"/activities/fees/lectures/{lecture.pk}/due/" in for_school
    assert "李德福" in for_evaluator
    assert "/due/" not in for_evaluator
    assert for_teacher.strip() == ""
