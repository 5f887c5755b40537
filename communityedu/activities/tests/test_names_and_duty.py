"""Whose names an activity's attendance shows, who is on duty, and where a centre schedules.

Each test names the rule of ``permissions.attendance_names_for`` it holds."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from communityedu.activities import services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.models import ActivityDuty, Registration
from communityedu.core.models import AuditLogEntry
from communityedu.people import services as people_services
from communityedu.people.models import Sex

pytestmark = pytest.mark.django_db


def _child(world):
    return people_services.create_person(
        town=world.xinmiao,
        values={
            "name": "刘小花",
            "sex": Sex.FEMALE,
            "birth_date": timezone.localdate() - timedelta(days=365 * 9),
            "village": world.shizi,
            "guardian_name": "刘大山",
            "guardian_consent_on": date(2026, 9, 1),
        },
    )


def _attended(world):
    """The lecture attended by 李德福 (弋阳村), 王桂芬 (十字村) and a child of 十字村."""
    child = _child(world)
    for person in (world.people["li"], world.people["wang"], child):
        services.check_in(activity=world.lecture, person=person, source=AttendanceSource.ROSTER, recorded_by=None)
    return child


def _names(client, world) -> tuple[list[str], str]:
    page = client.get(f"/activities/{world.lecture.pk}/").content.decode()
    table = re.search(r'<table id="attendance">(.*?)</table>', page, re.S)
    names = re.findall(r'<th scope="row">([^<]+)</th>', table.group(1)) if table else []
    unnamed = re.search(r'id="attendance-unnamed">([^<]+)<', page)
    return sorted(names), unnamed.group(1) if unnamed else ""


def test_rule_the_office_and_the_school_see_every_name_children_included(world, sign_in):
    _attended(world)
    for role in ("office", "school"):
        client = sign_in(role)
        assert _names(client, world) == (["刘小花", "李德福", "王桂芬"], "")
        client.post("/accounts/sign-out/")


def test_rule_a_centre_director_sees_their_village_by_name_and_the_others_as_a_count(world, sign_in):
    _attended(world)
    names, unnamed = _names(sign_in("center"), world)
    assert names == ["李德福"]
    assert "另有 2 人" in unnamed


def test_rule_volunteers_teachers_and_departments_off_duty_see_counts_only(world, sign_in):
    _attended(world)
    for role in ("volunteer", "dept"):
        client = sign_in(role)
        page = client.get(f"/activities/{world.lecture.pk}/").content.decode()
        assert _names(client, world) == ([], "另有 3 人，不向您显示姓名。")
        assert 'id="present-count">3<' in page
        client.post("/accounts/sign-out/")


def test_rule_moderators_see_no_attendance(world, sign_in):
    _attended(world)
    page = sign_in("moderator").get(f"/activities/{world.lecture.pk}/").content.decode()
    assert 'id="attendance"' not in page
    assert "李德福" not in page
    assert 'id="present-count">—<' in page


def test_rule_those_on_duty_see_every_name_and_take_the_roll_from_a_day_before_to_a_day_after(world, sign_in):
    _attended(world)
    teacher = world.people["teacher"]  # 王志明, the teacher's own record
    office = sign_in("office")
    office.post(f"/activities/{world.lecture.pk}/duty/", {"person": teacher.pk, "role": "teacher"})
    assert ActivityDuty.objects.filter(activity=world.lecture, person=teacher, role="teacher").exists()
    office.post("/accounts/sign-out/")
    client = sign_in("teacher")
    assert _names(client, world) == (["刘小花", "李德福", "王桂芬"], "")
    assert client.get(f"/activities/{world.lecture.pk}/roster/").status_code == 200
    assert client.get(f"/activities/{world.lecture.pk}/scan/").status_code == 200
    # Two days after the activity the duty no longer shows names nor opens the roll.
    world.lecture.__class__.objects.filter(pk=world.lecture.pk).update(
        starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2, hours=22)
    )
    assert _names(client, world) == ([], "另有 3 人，不向您显示姓名。")
    assert client.get(f"/activities/{world.lecture.pk}/roster/").status_code == 403


def test_only_the_organiser_puts_volunteers_or_teachers_of_the_town_on_duty(world, sign_in):
    teacher, li = world.people["teacher"], world.people["li"]
    refused = sign_in("volunteer").post(
        f"/activities/{world.lecture.pk}/duty/", {"person": teacher.pk, "role": "teacher"}
    )
    assert refused.status_code == 403
    office = sign_in("office")
    office.post(f"/activities/{world.lecture.pk}/duty/", {"person": li.pk, "role": "volunteer"})  # no such role
    assert not ActivityDuty.objects.exists()
    office.post(f"/activities/{world.lecture.pk}/duty/", {"person": teacher.pk, "role": "teacher"})
    office.post(f"/activities/{world.lecture.pk}/duty/{teacher.pk}/remove/")
    assert not ActivityDuty.objects.exists()
    kinds = list(
        AuditLogEntry.objects.filter(object_type="activities.ActivityDuty")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert kinds == ["create", "delete"]


def test_a_centre_director_schedules_only_in_their_village_through_the_service(world):
    values = {
        "title": "十字村讲座",
        "kind": "lecture",
        "organiser": world.yiyang_centre,
        "venue_place": "村委会",
        "starts_at": timezone.now() + timedelta(days=2),
        "ends_at": timezone.now() + timedelta(days=2, hours=2),
    }
    for village in (None, world.shizi):
        with pytest.raises(Exception, match="本村"):
            services.schedule_activity(
                actor=world.accounts["center"], town=world.xinmiao, values={**values, "village": village}
            )
    made = services.schedule_activity(
        actor=world.accounts["center"], town=world.xinmiao, values={**values, "village": world.yiyang}
    )
    with pytest.raises(Exception, match="本村"):
        services.update_activity(actor=world.accounts["center"], activity=made, values={"village": None})


def test_those_on_duty_take_attendance_through_the_api_and_the_offline_page_and_others_do_not(world, sign_in, client):
    teacher, li = world.people["teacher"], world.people["li"]
    services.assign_duty(actor=world.accounts["office"], activity=world.lecture, person=teacher, role="teacher")
    Registration.objects.create(town=world.xinmiao, activity=world.lecture, person=world.people["wang"])
    sign_in("volunteer")
    url = f"/api/v1/activities/{world.lecture.pk}/attendance"
    assert client.post(url, {"person": li.pk}, content_type="application/json").status_code == 403
    client.post("/accounts/sign-out/")
    sign_in("teacher")
    assert client.post(url, {"person": li.pk}, content_type="application/json").status_code == 201
    assert client.get(f"/activities/{world.lecture.pk}/offline/").status_code == 200
    roll = client.get(f"/activities/{world.lecture.pk}/offline/roll.json").json()
    assert [person["name"] for person in roll["people"]] == ["王桂芬"]
