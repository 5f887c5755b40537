"""Participation by audience group and the required recurring activities, on the small hand-made town.

新妙镇's register in 2020: 张秀英 (woman, born 1960-05-01), 李德福 (man, 1948), 王桂芬 (woman, 1960-05-01),
王志明 (man, 1972, tagged 农民工) and 张小雨 (girl, 2008, tagged 留守儿童). 张秀英, 王志明 and 张小雨 attend
a talk on 2020-06-10. The school (新妙镇社区学校) must hold 五四 (5/4), 六一 (6/1) and 国庆 (10/1).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind, AttendanceSource
from communityedu.activities.evidence import attach_evidence
from communityedu.activities.tests.factories import activity, at
from communityedu.metrics.audience_figures import audience_counts, audience_participation, recurring_activities
from communityedu.organization.audience_groups import AudienceGroup
from communityedu.organization.recurring_activities import save_recurring_activity
from communityedu.people import services as people_services
from communityedu.people.leaving import leave_register
from communityedu.people.models import LeftReason, Person, PersonTag, Sex, Tag
from communityedu.people.selectors import register_revisions


def _tag(person, name):
    tag, _created = Tag.objects.get_or_create(town=person.town, name=name)
    PersonTag.objects.create(town=person.town, person=person, tag=tag)


@pytest.fixture
def groups_2020(world):
    girl = people_services.create_person(
        town=world.xinmiao,
        values={
            "name": "张小雨",
            "sex": Sex.FEMALE,
            "birth_date": date(2008, 9, 1),
            "village": world.yiyang,
            "guardian_name": "张大山",
            "guardian_consent_on": date(2020, 6, 1),
        },
    )
    _tag(girl, "留守儿童")
    _tag(world.people["teacher"], "农民工")
    talk = activity(world, starts_at=at(2020, 6, 10), title="防溺水安全讲座")
    for person in (world.people["zhang"], world.people["teacher"], girl):
        services.check_in(
            activity=talk, person=person, source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"]
        )
    return world


def _figure(client, world, key, **query):
    response = client.get("/api/v1/metrics", {"town": "xinmiao", **query})
    assert response.status_code == 200, response.content
    return next(figure for figure in response.json()["figures"] if figure["key"] == key)


def _lines(figure):
    return [(line["label"], line["numerator"], line["denominator"], line["status"]) for line in figure["villages"]]


def test_every_town_gets_the_plans_four_audience_groups(world):
    assert [(group.name, group.rule_display) for group in AudienceGroup.objects.filter(town=world.nantuo)] == [
        ("老年人", "60岁及以上"),
        ("青少年/留守儿童", "6–18岁 或 标签：留守儿童"),
        ("妇女", "18岁及以上 且 女"),
        ("农民工", "标签：农民工"),
    ]


def test_audience_participation_counts_each_group_of_the_register_at_year_end(groups_2020, sign_in):
    figure = _figure(sign_in("office"), groups_2020, "audience_participation", year=2020, as_of="2020-12-31")
    # 老年人: 张秀英, 王桂芬 (both 60 by 1 May), 李德福; 青少年/留守儿童: 张小雨 (12, tagged);
    # 妇女: 张秀英, 王桂芬 (张小雨 is under 18); 农民工: 王志明 (tagged). Any group: all five.
    assert _lines(figure) == [
        ("老年人", 1, 3, "at_risk"),
        ("青少年/留守儿童", 1, 1, "met"),
        ("妇女", 1, 2, "at_risk"),
        ("农民工", 1, 1, "met"),
    ]
    assert (figure["numerator"], figure["denominator"], figure["value"]) == (3, 5, "0.6000")
    assert figure["beside"]["lines_label"] == "服务对象群体"


def test_audience_participation_takes_age_on_the_as_of_date_and_counts_only_attendance_by_then(groups_2020, sign_in):
    figure = _figure(sign_in("office"), groups_2020, "audience_participation", year=2020, as_of="2020-04-30")
    # On 30 April 张秀英 and 王桂芬 are 59: only 李德福 is 60 or over; nobody has attended yet.
    assert _lines(figure)[0] == ("老年人", 0, 1, "at_risk")
    assert _lines(figure)[2] == ("妇女", 0, 2, "at_risk")
    assert (figure["numerator"], figure["denominator"]) == (0, 5)


def test_a_later_as_of_gives_the_year_end_audience_figure(groups_2020, sign_in):
    client = sign_in("office")
    later = _figure(client, groups_2020, "audience_participation", year=2020, as_of="2021-03-01")
    year_end = _figure(client, groups_2020, "audience_participation", year=2020, as_of="2020-12-31")
    # The same counts; only the status moves on (after the deadline, below target is not met).
    assert [line[:3] for line in _lines(later)] == [line[:3] for line in _lines(year_end)]
    assert (later["numerator"], later["denominator"]) == (year_end["numerator"], year_end["denominator"]) == (3, 5)
    assert [line[3] for line in _lines(later)] == ["not_met", "met", "not_met", "met"]


def test_audience_participation_reads_any_number_of_towns_in_the_same_queries(groups_2020, django_assert_num_queries):
    towns = [groups_2020.xinmiao, groups_2020.nantuo]
    # The groups, the towns' register revisions, the register counted by age band, sex and
    # participation, the tagged people.
    with django_assert_num_queries(4):
        audience_participation(towns=towns[:1], year=2020, as_of=date(2020, 12, 31))
    # 新妙镇's counts are kept for its revision: only 南沱镇's are counted, in the same two queries.
    with django_assert_num_queries(4):
        both = audience_participation(towns=towns, year=2020, as_of=date(2020, 12, 31))
    with django_assert_num_queries(2):
        assert audience_participation(towns=towns, year=2020, as_of=date(2020, 12, 31)) == both
    # 陈志强 (a man of 45) is in none of 南沱镇's groups.
    assert (both[groups_2020.nantuo.pk].numerator, both[groups_2020.nantuo.pk].denominator) == (0, 0)
    # Side by side (the district's table), only the town shown in detail is counted; the other says so.
    side_by_side = audience_participation(
        towns=towns, year=2020, as_of=date(2020, 12, 31), detail_town_ids={groups_2020.xinmiao.pk}
    )
    assert (side_by_side[groups_2020.xinmiao.pk].numerator, side_by_side[groups_2020.xinmiao.pk].denominator) == (3, 5)
    assert side_by_side[groups_2020.nantuo.pk].beside == {
        "lines_label": "服务对象群体",
        "groups": 0,
        "not_counted_here": 1,
    }
    save_recurring_activity(
        town=groups_2020.xinmiao,
        recurring=None,
        values={
            "title": "六一",
            "unit": groups_2020.school,
            "month": 6,
            "day": 1,
            "keyword": "六一",
            "active_from_year": 2020,
        },
        actor=None,
    )
    with django_assert_num_queries(2):
        recurring_activities(towns=towns, year=2020, as_of=date(2020, 12, 31))


def _counted(world, as_of=date(2020, 12, 31)):
    """(took part, people) of each group and of the town: the figure as read, checked against a
    count made afresh (never kept)."""
    figure = audience_participation(towns=[world.xinmiao], year=2020, as_of=as_of)[world.xinmiao.pk]
    groups = list(AudienceGroup.objects.filter(town=world.xinmiao).order_by("position", "pk"))
    afresh = audience_counts(groups=groups, year=2020, as_of=as_of)
    read = {("group", line.key): (line.denominator, line.numerator) for line in figure.villages}
    assert read | {("town", world.xinmiao.pk): (figure.denominator, figure.numerator)} == {
        key: afresh.get(key, (0, 0)) for key in [*read, ("town", world.xinmiao.pk)]
    }
    return [(line.numerator, line.denominator) for line in figure.villages], (figure.numerator, figure.denominator)


def _revision(world):
    return register_revisions([world.xinmiao.pk])[world.xinmiao.pk]


def test_kept_audience_counts_follow_every_change_of_the_register_and_participation(groups_2020, world):
    office = world.accounts["office"]
    assert _counted(world) == ([(1, 3), (1, 1), (1, 2), (1, 1)], (3, 5))
    # Nothing changed: the same revision, the same counts.
    revision = _revision(world)
    assert _counted(world) == ([(1, 3), (1, 1), (1, 2), (1, 1)], (3, 5))
    assert _revision(world) == revision
    # A birth date corrected by a bulk statement (no model code runs): 李德福 is no longer 60.
    Person.objects.filter(pk=world.people["li"].pk).update(birth_date=date(1970, 2, 9))
    assert _revision(world) != revision
    assert _counted(world) == ([(1, 2), (1, 1), (1, 2), (1, 1)], (3, 4))
    # A tag given: 张秀英 (who took part) is also a 农民工.
    _tag(world.people["zhang"], "农民工")
    assert _counted(world) == ([(1, 2), (1, 1), (1, 2), (2, 2)], (3, 4))
    # A tag renamed: nobody carries 农民工 any more.
    Tag.objects.filter(town=world.xinmiao, name="农民工").update(name="外出务工")
    assert _counted(world) == ([(1, 2), (1, 1), (1, 2), (0, 0)], (2, 3))
    # A first attendance of the year: 王桂芬 takes part.
    talk = activity(world, starts_at=at(2020, 9, 1), title="健康讲座")
    services.check_in(activity=talk, person=world.people["wang"], source=AttendanceSource.ROSTER, recorded_by=office)
    assert _counted(world) == ([(2, 2), (1, 1), (2, 2), (0, 0)], (3, 3))
    # Its reversal, and a person leaving the register.
    services.reverse_check_in(activity=talk, person=world.people["wang"], reason="录错了人", actor=office)
    assert _counted(world) == ([(1, 2), (1, 1), (1, 2), (0, 0)], (2, 3))
    leave_register(person=world.people["wang"], actor=office, on=date(2020, 10, 1), reason=LeftReason.MOVED)
    assert _counted(world) == ([(1, 1), (1, 1), (1, 1), (0, 0)], (2, 2))
    # Before she left she still counts: the as-of date is part of what is kept.
    assert _counted(world, as_of=date(2020, 9, 30)) == ([(1, 2), (1, 1), (1, 2), (0, 0)], (2, 3))
    # A new resident of 70 at the year-end, in 老年人 and 妇女 (an insert: on SQLite it fires no trigger
    # but raises the id counter).
    people_services.create_person(
        town=world.xinmiao,
        values={"name": "刘淑芳", "sex": Sex.FEMALE, "birth_date": date(1950, 3, 3), "village": world.yiyang},
    )
    assert _counted(world) == ([(1, 2), (1, 1), (1, 2), (0, 0)], (2, 3))


@pytest.fixture
def festivals_2020(world):
    office = world.accounts["office"]
    for title, month, day in (("五四青年节活动", 5, 4), ("六一儿童节活动", 6, 1), ("国庆主题活动", 10, 1)):
        save_recurring_activity(
            town=world.xinmiao,
            recurring=None,
            values={
                "title": title,
                "unit": world.school,
                "month": month,
                "day": day,
                "activity_kind": ActivityKind.SCHOOL_FESTIVAL,
                "keyword": title[:2],
                "active_from_year": 2020,
            },
            actor=office,
        )
    children_day = activity(
        world, kind=ActivityKind.SCHOOL_FESTIVAL, starts_at=at(2020, 5, 29), title="六一儿童节文艺汇演"
    )
    attach_evidence(
        actor=office,
        activity=children_day,
        kind="document",
        upload=SimpleUploadedFile("汇演.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    activity(world, kind=ActivityKind.SCHOOL_FESTIVAL, starts_at=at(2020, 9, 30), title="国庆主题教育活动")
    # Another unit's activity, or a 五四 talk three weeks late, satisfies nothing.
    activity(
        world,
        organiser=world.civil_affairs,
        kind=ActivityKind.SCHOOL_FESTIVAL,
        starts_at=at(2020, 5, 4),
        title="五四青年节活动",
    )
    activity(world, kind=ActivityKind.SCHOOL_FESTIVAL, starts_at=at(2020, 5, 25), title="五四精神宣讲")
    return world


def test_recurring_activities_flag_an_occurrence_past_its_day_without_a_held_activity(festivals_2020, sign_in):
    figure = _figure(sign_in("office"), festivals_2020, "recurring_activities", year=2020, as_of="2020-12-31")
    assert _lines(figure) == [
        ("05-04 新妙镇社区学校 五四青年节活动", 0, 1, "not_held"),
        ("06-01 新妙镇社区学校 六一儿童节活动", 1, 1, "held"),
        ("10-01 新妙镇社区学校 国庆主题活动", 0, 1, "missing_evidence"),
    ]
    assert (figure["numerator"], figure["denominator"], figure["status"]) == (1, 3, "at_risk")
    assert figure["flags"] == {"occurrences_not_held": 1, "occurrences_without_evidence": 1}


def test_recurring_activities_not_yet_due_are_not_counted(festivals_2020, sign_in):
    figure = _figure(sign_in("office"), festivals_2020, "recurring_activities", year=2020, as_of="2020-06-20")
    assert [line["status"] for line in figure["villages"]] == ["not_held", "held", "not_due"]
    assert (figure["numerator"], figure["denominator"]) == (1, 2)
    assert figure["beside"]["not_yet_due"] == 1


def test_recurring_activities_apply_from_their_first_year(festivals_2020, sign_in):
    figure = _figure(sign_in("office"), festivals_2020, "recurring_activities", year=2019, as_of="2019-12-31")
    assert (figure["numerator"], figure["denominator"], figure["villages"]) == (0, 0, [])
