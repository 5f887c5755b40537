"""The audience groups and the required recurring activities: the office's pages and the API, over
the same services (the figures themselves: metrics/tests/test_audience_figures.py)."""

from __future__ import annotations

import pytest

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind, AttendanceSource
from communityedu.activities.tests.factories import activity, at
from communityedu.core.models import AuditLogEntry
from communityedu.organization.audience_groups import AudienceGroup
from communityedu.organization.recurring_activities import RecurringActivity


def test_the_office_adds_an_audience_group_on_its_page_and_it_is_counted(world, sign_in):
    client = sign_in("office")
    talk = activity(world, starts_at=at(2020, 6, 10), title="防溺水安全讲座")
    services.check_in(
        activity=talk, person=world.people["li"], source=AttendanceSource.ROSTER, recorded_by=world.accounts["office"]
    )

    response = client.post(
        "/staff/targets/audience-groups/?year=2020&as_of=2020-12-31",
        {"name": "男性老人", "min_age": "70", "max_age": "", "sex": "M", "tag_name": "", "match": "all"},
    )

    assert response.status_code == 302
    group = AudienceGroup.objects.get(town=world.xinmiao, name="男性老人")
    assert AuditLogEntry.objects.filter(object_type__icontains="audiencegroup", object_id=str(group.pk)).count() == 1
    page = client.get("/staff/targets/audience-groups/?year=2020&as_of=2020-12-31").content.decode()
    # 李德福 (72, a man) took part; nobody else of the register is a man of 70 or more.
    assert "男性老人" in page
    assert "70岁及以上 且 男" in page
    people = client.get(f"/staff/targets/audience-groups/{group.pk}/?year=2020&as_of=2020-12-31&took_part=1")
    assert [person.name for person in people.context["page"]] == ["李德福"]


def test_an_audience_group_without_a_condition_is_refused_on_the_page_and_over_the_api(world, sign_in):
    client = sign_in("office")
    before = AudienceGroup.objects.filter(town=world.xinmiao).count()

    page = client.post(
        "/staff/targets/audience-groups/?year=2020",
        {"name": "所有人", "min_age": "", "max_age": "", "sex": "", "tag_name": "", "match": "all"},
    )
    api = client.post(
        "/api/v1/organization/audience-groups?town=xinmiao", {"name": "所有人"}, content_type="application/json"
    )
    reversed_range = client.post(
        "/api/v1/organization/audience-groups?town=xinmiao",
        {"name": "倒序", "min_age": 60, "max_age": 18},
        content_type="application/json",
    )

    assert page.status_code == 400
    assert "请至少给出一个条件：年龄段、性别或标签。" in page.content.decode()
    assert api.status_code == 400
    assert api.json()["errors"] == [{"field": "", "message": "请至少给出一个条件：年龄段、性别或标签。"}]
    assert reversed_range.status_code == 400
    assert reversed_range.json()["errors"] == [{"field": "max_age", "message": "截止年龄不能小于起始年龄。"}]
    assert AudienceGroup.objects.filter(town=world.xinmiao).count() == before


def test_the_api_lists_changes_and_removes_audience_groups(world, sign_in):
    client = sign_in("office")
    listed = client.get("/api/v1/organization/audience-groups?town=xinmiao").json()["items"]
    assert [(group["name"], group["rule"]) for group in listed] == [
        ("老年人", "60岁及以上"),
        ("青少年/留守儿童", "6–18岁 或 标签：留守儿童"),
        ("妇女", "18岁及以上 且 女"),
        ("农民工", "标签：农民工"),
    ]
    elderly = listed[0]["id"]

    changed = client.put(
        f"/api/v1/organization/audience-groups/{elderly}?town=xinmiao",
        {"name": "老年人", "min_age": 65},
        content_type="application/json",
    )
    removed = client.delete(f"/api/v1/organization/audience-groups/{listed[3]['id']}?town=xinmiao")

    assert (changed.status_code, changed.json()["rule"]) == (200, "65岁及以上")
    assert removed.status_code == 204
    assert list(AudienceGroup.objects.filter(town=world.xinmiao).values_list("name", flat=True)) == [
        "老年人",
        "青少年/留守儿童",
        "妇女",
    ]


@pytest.fixture
def children_day(world):
    return activity(world, kind=ActivityKind.SCHOOL_FESTIVAL, starts_at=at(2020, 6, 1), title="六一儿童节文艺汇演")


def test_the_api_keeps_the_recurring_activities_and_the_page_shows_each_occurrence(world, sign_in, children_day):
    client = sign_in("office")
    made = client.post(
        "/api/v1/organization/recurring-activities?town=xinmiao",
        {"title": "六一儿童节活动", "unit_id": world.school.pk, "month": 6, "day": 1, "keyword": "六一",
         "activity_kind": "school_festival", "active_from_year": 2020},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201
    assert made.json() | {"id": 0} == {
        "id": 0,
        "title": "六一儿童节活动",
        "unit_id": world.school.pk,
        "unit": "新妙镇社区学校",
        "month": 6,
        "day": 1,
        "activity_kind": "school_festival",
        "keyword": "六一",
        "active_from_year": 2020,
    }

    page = client.get("/staff/targets/recurring-activities/?year=2020&as_of=2020-12-31")

    assert page.status_code == 200
    assert [(day.isoformat(), status, label, held["title"]) for _r, day, status, label, held in page.context["occurrences"]] == [
        ("2020-06-01", "missing_evidence", "缺少佐证", "六一儿童节文艺汇演")
    ]  # fmt: skip
    removed = client.delete(f"/api/v1/organization/recurring-activities/{made.json()['id']}?town=xinmiao")
    assert removed.status_code == 204
    assert not RecurringActivity.objects.filter(town=world.xinmiao).exists()


def test_a_recurring_activity_on_no_such_day_or_of_another_towns_unit_is_refused(world, sign_in):
    client = sign_in("office")
    body = {"title": "五四", "unit_id": world.school.pk, "month": 2, "day": 30, "keyword": "五四",
            "active_from_year": 2020}  # fmt: skip
    no_such_day = client.post(
        "/api/v1/organization/recurring-activities?town=xinmiao", body, content_type="application/json"
    )
    xinmiao_unit = world.yiyang_centre.pk  # named by 南沱镇's office for its own town
    other_town = sign_in("nantuo").post(
        "/api/v1/organization/recurring-activities?town=nantuo",
        body | {"day": 4, "month": 5, "unit_id": xinmiao_unit},
        content_type="application/json",
    )

    assert no_such_day.status_code == 400
    assert no_such_day.json()["errors"] == [{"field": "day", "message": "一年中没有这一天。"}]
    assert other_town.status_code == 400
    assert other_town.json()["errors"] == [{"field": "unit_id", "message": f"no unit {xinmiao_unit} in nantuo."}]
    assert not RecurringActivity.objects.exists()
