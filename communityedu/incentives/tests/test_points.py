"""The plan's rule: +1 a lecture, +0.1 an activity, with evidence, capped at 5% of the employer's total."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from communityedu.activities import services as activity_services
from communityedu.activities.evidence import attach_evidence, remove_evidence
from communityedu.activities.tests.factories import activity, at
from communityedu.incentives import services
from communityedu.metrics.points import PointLine, PointsStatement, points_statement

YEAR = 2020


def _evidence(world, held):
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, "PNG")
    return attach_evidence(
        actor=None,
        activity=held,
        kind="photo",
        upload=SimpleUploadedFile("照片.png", buffer.getvalue(), content_type="image/png"),
    )


@pytest.fixture
def volunteer(world):
    li = world.people["li"]
    services.save_team_member(
        actor=None,
        town=world.xinmiao,
        person=li,
        values={"category": "volunteer", "specialities": "", "employer": world.civil_affairs},
    )
    return li


def _lecture(world, person, day, *, kind="lecture_hall", evidence=True):
    held = activity(world, kind=kind, lecturers=[person], starts_at=at(YEAR, day.month, day.day, 14))
    if evidence:
        _evidence(world, held)
    return held


def _joined(world, person, day, *, role="participant", evidence=True):
    held = activity(world, kind="team_activity", title="坝坝舞", starts_at=at(YEAR, day.month, day.day, 19))
    if evidence:
        _evidence(world, held)
    activity_services.check_in(activity=held, person=person, source="roster", recorded_by=None, role=role)
    return held


def test_a_lecture_counts_one_and_an_activity_one_tenth_with_evidence_only(world, volunteer):
    _lecture(world, volunteer, date(YEAR, 5, 9))
    _lecture(world, volunteer, date(YEAR, 5, 23), kind="training")
    _lecture(world, volunteer, date(YEAR, 6, 13), evidence=False)
    _joined(world, volunteer, date(YEAR, 6, 5))
    _joined(world, volunteer, date(YEAR, 6, 12), role="volunteer")
    _joined(world, volunteer, date(YEAR, 6, 19), evidence=False)

    statement = points_statement(person=volunteer, year=YEAR)

    assert (statement.lectures, statement.activities) == (2, 2)
    assert (statement.earned, statement.cap, statement.granted, statement.cut_off) == (
        Decimal("2.2"),
        Decimal("5.00"),
        Decimal("2.2"),
        Decimal("0.0"),
    )
    assert [line.has_evidence for line in statement.lines].count(False) == 2


def test_points_stop_at_five_percent_of_the_employers_total(world, volunteer):
    services.set_assessment_total(actor=None, employer=world.civil_affairs, year=YEAR, total=Decimal("60"))
    for day in range(1, 6):
        _lecture(world, volunteer, date(YEAR, 7, day))

    statement = points_statement(person=volunteer, year=YEAR)

    assert (statement.earned, statement.cap, statement.granted, statement.cut_off) == (
        Decimal("5"),
        Decimal("3.00"),
        Decimal("3.00"),
        Decimal("2.00"),
    )


def test_cancelling_removing_evidence_or_reversing_takes_the_points_back(world, volunteer):
    lecture = _lecture(world, volunteer, date(YEAR, 5, 9))
    other = _lecture(world, volunteer, date(YEAR, 5, 16))
    dance = _joined(world, volunteer, date(YEAR, 6, 5))
    photo = _evidence(world, activity(world, starts_at=at(YEAR, 8, 1, 9)))
    assert points_statement(person=volunteer, year=YEAR).earned == Decimal("2.1")

    activity_services.cancel_activity(actor=None, activity=lecture, reason="暴雨")
    for item in other.evidence.all():
        remove_evidence(actor=None, evidence=item, reason="照片拍错了")
    activity_services.reverse_check_in(activity=dance, person=volunteer, reason="点错名", actor=None)

    assert points_statement(person=volunteer, year=YEAR).earned == Decimal("0")
    assert photo.activity.is_cancelled is False


def test_full_time_staff_earn_nothing(world):
    wang = world.people["wang"]
    services.save_team_member(
        actor=None,
        town=world.xinmiao,
        person=wang,
        values={"category": "full_time_teacher", "specialities": "", "employer": world.school},
    )
    _lecture(world, wang, date(YEAR, 5, 9))

    statement = points_statement(person=wang, year=YEAR)

    assert (statement.earns_points, statement.lectures, statement.earned, statement.granted) == (
        False,
        0,
        Decimal("0"),
        Decimal("0"),
    )
    assert len(statement.lines) == 1


def test_only_the_assessment_years_activities_count(world, volunteer):
    _lecture(world, volunteer, date(YEAR, 12, 30))
    activity(world, lecturers=[volunteer], starts_at=at(YEAR + 1, 1, 2, 14))

    assert points_statement(person=volunteer, year=YEAR).lectures == 1
    assert points_statement(person=volunteer, year=YEAR + 1).lectures == 0  # no evidence for it


def _statement(lectures: int, activities: int, total: Decimal) -> PointsStatement:
    lines = [
        PointLine(date(YEAR, 1, 1) + timedelta(days=i), "讲座", "lecture", "lecture", Decimal("1"), True)
        for i in range(lectures)
    ]
    lines += [
        PointLine(date(YEAR, 1, 1) + timedelta(days=i), "活动", "activity", "activity", Decimal("0.1"), True)
        for i in range(activities)
    ]
    return PointsStatement(year=YEAR, earns_points=True, employer="民政办", assessment_total=total, lines=lines)


@given(
    lectures=st.integers(min_value=0, max_value=40),
    activities=st.integers(min_value=0, max_value=400),
    total=st.decimals(min_value=Decimal("1"), max_value=Decimal("500"), places=2),
)
@settings(max_examples=200)
def test_the_arithmetic_is_exact_and_the_cap_holds(lectures, activities, total):
    statement = _statement(lectures, activities, total)

    assert statement.earned == Decimal(lectures) + Decimal(activities) * Decimal("0.1")
    assert statement.cap == (total * Decimal("0.05")).quantize(Decimal("0.01"))
    assert statement.granted == min(statement.earned, statement.cap)
    assert statement.granted <= statement.cap
    assert statement.earned == statement.granted + statement.cut_off
    assert statement.cut_off >= 0
