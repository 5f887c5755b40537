"""The plan's figures on a small hand-made town, with exact numbers.

新妙镇 in 2021: 弋阳村 has 4 residents on record, 十字村 2. 张秀英 and a fifteen-year-old of 弋阳村
attend a March talk; 王志明 of 十字村 (a part-time teacher) lectures in May, where 李德福 of 弋阳村
is ticked by mistake and reversed; 李德福 and 张秀英 attend in June. Open-air headcounts: 35 and 12.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind, AttendanceRole, AttendanceSource
from communityedu.activities.evidence import attach_evidence
from communityedu.activities.tests.factories import activity, at
from communityedu.metrics.base import Status
from communityedu.metrics.figures import FIGURES, figures_for
from communityedu.organization import services as org_services
from communityedu.people import services as people_services
from communityedu.people.models import Sex


def _check_in(world, lecture, person, role=AttendanceRole.PARTICIPANT):
    services.check_in(
        activity=lecture, person=person, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"], role=role
    )


@pytest.fixture
def town_2021(world):
    office = world.accounts["office"]
    for village, population in ((world.yiyang, 4), (world.shizi, 2), (world.guandong, 3)):
        org_services.set_population(village=village, year=2021, resident_population=population, actor=None)
    minor = people_services.create_person(
        town=world.xinmiao,
        values={"name": "张小雨", "sex": Sex.FEMALE, "birth_date": date(2006, 9, 1), "village": world.yiyang},
    )
    march = activity(world, starts_at=at(2021, 3, 10), title="防溺水安全讲座")
    may = activity(world, starts_at=at(2021, 5, 20), kind=ActivityKind.TRAINING, title="太极拳培训")
    june = activity(world, starts_at=at(2021, 6, 1), title="健康养生讲座")
    _check_in(world, march, world.people["zhang"])
    _check_in(world, march, minor)
    _check_in(world, may, world.people["teacher"], AttendanceRole.LECTURER)
    _check_in(world, may, world.people["li"])
    services.reverse_check_in(activity=may, person=world.people["li"], reason="点错了名字", actor=office)
    _check_in(world, june, world.people["li"])
    _check_in(world, june, world.people["zhang"])
    services.record_headcount(activity=march, count=35, note="坝坝舞", actor=office)
    services.record_headcount(activity=june, count=12, note="", actor=office)
    attach_evidence(
        actor=office, activity=june, kind="document", upload=SimpleUploadedFile("签到表.pdf", b"%PDF-1.4\n%%EOF\n")
    )
    # Another town's resident, at another town's activity: never in 新妙镇's figures.
    nantuo_talk = services.schedule_activity(
        actor=world.accounts["nantuo"],
        town=world.nantuo,
        values={
            "title": "农技培训",
            "kind": ActivityKind.TRAINING,
            "organiser": org_services.save_unit(
                unit=None, town=world.nantuo, values={"name": "南沱镇农服中心", "unit_type": "office"}, actor=None
            ),
            "starts_at": at(2021, 4, 1),
            "ends_at": at(2021, 4, 1, 11),
        },
    )
    _check_in(world, nantuo_talk, world.people["chen"])
    return world


def _participation(world, as_of, year=2021, town=None):
    figures = figures_for(towns=[town or world.xinmiao], year=year, as_of=as_of)[(town or world.xinmiao).pk]
    return next(figure for figure in figures if figure.key == "participation")


def test_participation_counts_distinct_residents_by_home_village_over_the_population(town_2021):
    figure = _participation(town_2021, date(2021, 6, 30))

    assert (figure.numerator, figure.denominator, figure.value) == (4, 6, Decimal("0.6667"))
    assert [(line.label, line.numerator, line.denominator, line.value) for line in figure.villages] == [
        ("十字村", 1, 2, Decimal("0.5000")),
        ("弋阳村", 3, 4, Decimal("0.7500")),
    ]


def test_minors_and_teachers_count_in_their_home_village_in_any_role(town_2021):
    figure = _participation(town_2021, date(2021, 5, 31))

    # 弋阳村: 张秀英 and the fifteen-year-old; 十字村: 王志明, who lectured.
    assert {line.label: line.numerator for line in figure.villages} == {"十字村": 1, "弋阳村": 2}


def test_headcounts_are_shown_beside_the_rate_never_added(town_2021):
    figure = _participation(town_2021, date(2021, 6, 30))

    assert figure.beside == {"headcount_person_times": 47}
    assert figure.numerator == 4


def test_activities_without_evidence_count_and_are_flagged(town_2021):
    figure = _participation(town_2021, date(2021, 6, 30))

    assert figure.flags == {"activities_without_evidence": 2, "villages_below_target": 1}
    assert figure.numerator == 4  # March and May count all the same


def test_a_past_as_of_is_answered_from_the_first_dates(town_2021):
    figure = _participation(town_2021, date(2021, 4, 30))

    assert (figure.numerator, figure.denominator) == (2, 6)
    assert figure.beside == {"headcount_person_times": 35}
    assert [(line.label, line.numerator) for line in figure.trend] == [
        ("2021-01", 0),
        ("2021-02", 0),
        ("2021-03", 2),
        ("2021-04", 2),
    ]


def test_the_monthly_trend_is_cumulative(town_2021):
    figure = _participation(town_2021, date(2021, 6, 30))

    assert [line.numerator for line in figure.trend] == [0, 0, 2, 2, 3, 4]
    assert figure.trend[-1].value == Decimal("0.6667")


def test_a_reversed_attendance_does_not_count(town_2021):
    figure = _participation(town_2021, date(2021, 5, 31))

    assert {line.label: line.numerator for line in figure.villages}["弋阳村"] == 2  # 李德福 reversed in May


def test_status_is_at_risk_before_the_deadline_and_not_met_after_it(town_2021):
    before = _participation(town_2021, date(2021, 6, 30))
    after = _participation(town_2021, date(2022, 1, 15))

    assert (before.status, after.status) == (Status.AT_RISK, Status.NOT_MET)
    assert {line.label: line.status for line in before.villages} == {"十字村": Status.AT_RISK, "弋阳村": Status.MET}
    assert (after.numerator, after.deadline) == (4, date(2021, 12, 31))


def test_the_towns_deadline_setting_decides_for_its_year(town_2021):
    town = town_2021.xinmiao
    town.targets_due_on = date(2021, 6, 15)
    town.save(update_fields=["targets_due_on"])

    figure = _participation(town_2021, date(2021, 6, 30), town=town)

    assert (figure.deadline, figure.status) == (date(2021, 6, 15), Status.NOT_MET)


def test_met_at_the_threshold(town_2021):
    org_services.set_population(village=town_2021.shizi, year=2021, resident_population=1, actor=None)
    org_services.set_population(village=town_2021.yiyang, year=2021, resident_population=4, actor=None)

    figure = _participation(town_2021, date(2021, 6, 30))

    assert (figure.numerator, figure.denominator, figure.status) == (4, 5, Status.MET)


def test_another_towns_people_and_activities_stay_out(town_2021):
    xinmiao = _participation(town_2021, date(2021, 6, 30))
    nantuo = _participation(town_2021, date(2021, 6, 30), town=town_2021.nantuo)

    assert (xinmiao.numerator, nantuo.numerator, nantuo.denominator) == (4, 1, 3)


def test_the_registry_holds_participation_and_the_lecture_hall(town_2021):
    figures = figures_for(towns=[town_2021.xinmiao], year=2021, as_of=date(2021, 6, 30))[town_2021.xinmiao.pk]

    assert (
        [figure.key for figure in figures]
        == list(FIGURES)
        == [
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
        ]
    )
    hall = figures[1]
    # March and June had one lecture-hall lecture each: no month reached two.
    assert (hall.numerator, hall.denominator, hall.beside, hall.status) == (
        0,
        6,
        {"lectures_held": 2},
        Status.AT_RISK,
    )
    assert hall.flags == {"months_below_two": 6, "lectures_without_evidence": 1}


def test_figures_of_many_towns_take_a_fixed_number_of_queries(town_2021, django_assert_num_queries):
    towns = [town_2021.xinmiao, town_2021.nantuo]
    # The figures share their common reads (figures.shared); the audience groups are counted once
    # per register revision (two queries), then read from what was kept.
    with django_assert_num_queries(26):
        figures_for(towns=towns, year=2021, as_of=date(2021, 6, 30))
    with django_assert_num_queries(24):
        figures_for(towns=towns, year=2021, as_of=date(2021, 6, 30))


def test_each_village_is_held_to_its_own_target(town_2021):
    from communityedu.organization.targets import set_targets

    set_targets(
        town=town_2021.xinmiao,
        year=2021,
        values={
            ("participation", town_2021.yiyang.pk): Decimal("80"),
            ("participation", town_2021.shizi.pk): Decimal("50"),
        },
        actor=None,
    )

    figure = figures_for(towns=[town_2021.xinmiao], year=2021, as_of=date(2021, 6, 30))[town_2021.xinmiao.pk][0]

    # 十字村 1 of 2 (50%) meets its 50%; 弋阳村 3 of 4 (75%) is below its 80%; the town's 70% is unchanged.
    assert [(line.label, line.value, line.target, line.status) for line in figure.villages] == [
        ("十字村", Decimal("0.5000"), Decimal("0.5"), Status.MET),
        ("弋阳村", Decimal("0.7500"), Decimal("0.8"), Status.AT_RISK),
    ]
    assert figure.flags["villages_below_target"] == 1
    assert figure.threshold == Decimal("0.70")


def test_the_order_of_the_figures_does_not_depend_on_which_module_is_imported_first():
    import subprocess
    import sys

    script = (
        "import django; django.setup(); import communityedu.metrics.survey_figures; "
        "import communityedu.metrics.funding_figure; from communityedu.metrics.figures import FIGURES; "
        "from communityedu.metrics.base import ORDER; "
        "print(list(FIGURES) == list(ORDER))"
    )
    done = subprocess.run(  # noqa: S603 - this interpreter, no shell
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert done.stdout.strip() == "True"
