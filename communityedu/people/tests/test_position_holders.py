"""The leadership group by name: who held each post from when to when."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from communityedu.core.models import AuditLogEntry
from communityedu.organization import services as org_services
from communityedu.organization.constants import UnitType
from communityedu.people.models import PositionHolder
from communityedu.people.position_holders import appoint_holder, holder_on, leaders_on

JSON = "application/json"


@pytest.fixture
def group(world):
    return org_services.save_unit(
        unit=None,
        town=world.xinmiao,
        values={"name": "社区教育工作领导小组", "unit_type": UnitType.LEADERSHIP_GROUP},
        actor=None,
    )


@pytest.fixture
def head(group):
    return org_services.ensure_position(unit=group, title="组长", held_by="镇长", position=0)


def test_holder_on_names_the_person_who_held_the_post_that_day(world, head):
    appoint_holder(position=head, person_name="陈志刚", starts_on=date(2018, 1, 1), actor=None)
    appoint_holder(position=head, person_name="李明华", starts_on=date(2021, 3, 1), actor=None)

    assert holder_on(head, date(2017, 12, 31)) is None
    assert holder_on(head, date(2020, 6, 15)).person_name == "陈志刚"
    assert holder_on(head, date(2021, 2, 28)).person_name == "陈志刚"
    assert holder_on(head, date(2021, 3, 1)).person_name == "李明华"
    # The new holder ended the previous one the day before, and the audit keeps that date.
    first = PositionHolder.objects.get(person_name="陈志刚")
    assert first.ends_on == date(2021, 2, 28)
    entry = (
        AuditLogEntry.objects.filter(object_type="people.PositionHolder", object_id=str(first.pk)).order_by("id").last()
    )
    assert entry.changes == {"ends_on": [None, "2021-02-28"], "effective_on": "2021-02-28"}


def test_a_holding_overlapping_another_is_refused_naming_the_other_holder(world, head):
    appoint_holder(
        position=head, person_name="陈志刚", starts_on=date(2018, 1, 1), ends_on=date(2020, 12, 31), actor=None
    )

    with pytest.raises(ValidationError) as error:
        appoint_holder(position=head, person_name="李明华", starts_on=date(2020, 6, 1), actor=None)

    assert error.value.message_dict == {"starts_on": ["陈志刚已于2018-01-01至2020-12-31担任该职务。"]}
    assert PositionHolder.objects.count() == 1


def test_leaders_on_lists_the_leadership_posts_with_their_holders_of_the_day(world, group, head):
    deputy = org_services.ensure_position(unit=group, title="副组长", held_by="宣传组织委员", position=1)
    appoint_holder(position=head, person_name="陈志刚", starts_on=date(2018, 1, 1), actor=None)
    appoint_holder(position=deputy, person_name="周丽", starts_on=date(2020, 9, 1), actor=None)

    leaders = leaders_on(world.xinmiao, date(2020, 6, 15))

    assert [(leader.post, leader.office, leader.name) for leader in leaders] == [
        ("组长", "镇长", "陈志刚"),
        ("副组长", "宣传组织委员", ""),
    ]


def test_the_office_records_a_holder_on_the_unit_page_and_over_the_api(world, group, head, sign_in):
    office = sign_in("office")

    page = office.post(
        f"/org/units/{group.pk}/holders/",
        {"position": head.pk, "person_name": "陈志刚", "starts_on": "2018-01-01"},
        follow=True,
    ).content.decode()
    created = office.post(
        f"/api/v1/organization/positions/{head.pk}/holders",
        {"person_name": "李明华", "starts_on": "2021-03-01"},
        content_type=JSON,
    )
    refused = office.post(
        f"/api/v1/organization/positions/{head.pk}/holders",
        {"person_name": "王五", "starts_on": "2019-01-01", "ends_on": "2019-12-31"},
        content_type=JSON,
    )
    listed = office.get(f"/api/v1/organization/positions/{head.pk}/holders").json()
    leadership = office.get("/api/v1/organization/leadership?town=xinmiao&on=2020-06-15").json()

    assert '陈志刚 <span class="muted">2018-01-01 – 现在</span>' in page
    assert created.status_code == 201
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        {"field": "starts_on", "message": "陈志刚已于2018-01-01至2021-02-28担任该职务。"}
    ]
    assert [(row["person_name"], row["starts_on"], row["ends_on"]) for row in listed["items"]] == [
        ("陈志刚", "2018-01-01", "2021-02-28"),
        ("李明华", "2021-03-01", None),
    ]
    assert leadership["items"] == [{"position_id": head.pk, "post": "组长", "office": "镇长", "name": "陈志刚"}]
