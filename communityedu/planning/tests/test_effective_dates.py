"""Dates that mean what they say: a notice carries the date it takes effect, records entered after
the fact (补录) show both that date and when they were typed, the audit keeps both, and a town may
require evidence before a task is marked done."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communityedu.core.models import AuditLogEntry
from communityedu.organization import services as org_services
from communityedu.organization.constants import UnitType
from communityedu.people import position_holders
from communityedu.planning.constants import TaskStatus
from communityedu.planning.models import Notice, Task
from communityedu.planning.selectors import published_as_of
from communityedu.planning.services import notices as notice_services
from communityedu.planning.services import tasks as task_services
from communityedu.planning.tests.factories import plan_world, second_office_account
from conftest import png_bytes

JSON = "application/json"


@pytest.fixture
def plan(world):
    return plan_world(world)


def _leadership(world):
    group = org_services.save_unit(
        unit=None,
        town=world.xinmiao,
        values={"name": "社区教育工作领导小组", "unit_type": UnitType.LEADERSHIP_GROUP},
        actor=None,
    )
    head = org_services.ensure_position(unit=group, title="组长", held_by="镇长", position=0)
    position_holders.appoint_holder(position=head, person_name="陈志刚", starts_on=date(2018, 1, 1), actor=None)
    position_holders.appoint_holder(position=head, person_name="李明华", starts_on=date(2021, 3, 1), actor=None)
    return head


def test_a_notice_of_2020_entered_now_reads_its_2020_date_with_the_time_it_was_typed(world, plan, sign_in):
    _leadership(world)
    client = sign_in("office")

    response = client.post(
        "/planning/notices/new/",
        {
            "kind": "commendation",
            "title": "关于表扬弋阳村的通报",
            "body": "特予表扬。",
            "units": [plan.committee.pk],
            "people": "弋阳村村委会 刘芳",
            "effective_on": "2020-06-15",
        },
        follow=True,
    )

    notice = Notice.objects.get(title="关于表扬弋阳村的通报")
    page = response.content.decode()
    assert notice.effective_on == date(2020, 6, 15)
    assert 'id="notice-effective-on">2020-06-15 <span class="badge">补录</span>' in page
    assert f'id="notice-recorded-at">{timezone.localtime(notice.created_at):%Y-%m-%d %H:%M}<' in page
    assert 'id="notice-subjects">弋阳村村委会（刘芳）<' in page
    assert "<strong>组长</strong>：镇长 陈志刚" in page  # the town head of 2020, not of today
    created = AuditLogEntry.objects.filter(object_type="planning.Notice", object_id=str(notice.pk)).order_by("id")
    assert created[0].changes["effective_on"] == "2020-06-15"
    listing = client.get("/planning/notices/").content.decode()
    assert '<span class="muted">2020-06-15</span> <a href="/planning/notices/' in listing


def test_the_api_drafts_a_notice_with_its_date_and_refuses_one_in_the_future(world, plan, sign_in):
    client = sign_in("office")
    values = {
        "town": "xinmiao",
        "kind": "commendation",
        "body": "特予表扬。",
        "subjects": [{"unit_id": world.school.pk}],
    }

    created = client.post(
        "/api/v1/planning/notices", {**values, "title": "表扬一", "effective_on": "2020-05-04"}, content_type=JSON
    )
    future = client.post(
        "/api/v1/planning/notices", {**values, "title": "表扬二", "effective_on": "2099-01-01"}, content_type=JSON
    )

    assert created.status_code == 201
    assert created.json()["effective_on"] == "2020-05-04"
    assert future.status_code == 400
    assert future.json()["errors"] == [{"field": "effective_on", "message": "日期不能晚于今天。"}]
    assert not Notice.objects.filter(title="表扬二").exists()


def test_a_notice_without_a_date_gets_one_over_the_api_and_the_check_clears(world, plan, sign_in):
    from communityedu.planning.consistency import planning_inconsistencies

    notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))
    notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])
    Notice.objects.filter(pk=plan.notice.pk).update(effective_on=None)
    before = planning_inconsistencies(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))

    response = sign_in("office").put(
        f"/api/v1/planning/notices/{plan.notice.pk}/effective-on", {"effective_on": "2020-08-20"}, content_type=JSON
    )

    assert [item.kind for item in before] == ["meeting_without_minutes", "notice_without_effective_date"]
    assert response.status_code == 200
    assert response.json()["effective_on"] == "2020-08-20"
    after = planning_inconsistencies(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))
    assert [item.kind for item in after] == ["meeting_without_minutes"]


def test_published_notices_are_listed_as_of_their_effective_date(world, plan):
    notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))
    notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])
    Notice.objects.filter(pk=plan.notice.pk).update(effective_on=date(2020, 8, 20))
    notices = Notice.objects.filter(town=world.xinmiao)

    assert list(published_as_of(notices, date(2020, 8, 19))) == []
    assert list(published_as_of(notices, date(2020, 8, 20))) == [plan.notice]


def test_a_meeting_entered_after_the_fact_shows_its_day_the_time_it_was_typed_and_the_leader_then(world, plan, sign_in):
    _leadership(world)

    page = sign_in("office").get(f"/planning/meetings/{plan.meeting.pk}/").content.decode()

    assert 'id="meeting-held-on">2020-07-08 <span class="badge">补录</span>' in page
    assert f'id="meeting-recorded-at">{timezone.localtime(plan.meeting.created_at):%Y-%m-%d %H:%M}<' in page
    assert "2020-07-08的领导小组" in page
    assert "<strong>组长</strong>：镇长 陈志刚" in page
    entry = AuditLogEntry.objects.filter(object_type="planning.Meeting", object_id=str(plan.meeting.pk)).first()
    assert entry.changes["effective_on"] == "2020-07-08"


def test_where_the_town_requires_evidence_a_task_is_not_marked_done_without_a_file(world, plan, sign_in):
    office = sign_in("office")
    setting = office.put(
        "/api/v1/planning/settings?town=xinmiao", {"evidence_required_for_done": True}, content_type=JSON
    )

    refused = office.post(
        f"/api/v1/planning/tasks/{plan.task.pk}/status", {"status": "done", "done_on": "2020-07-20"}, content_type=JSON
    )
    page = office.post(
        f"/planning/tasks/{plan.task.pk}/status/", {"status": "done", "done_on": "2020-07-20"}
    ).content.decode()

    assert setting.json() == {"evidence_required_for_done": True}
    assert refused.status_code == 400
    message = "请先上传佐证材料（照片或PDF）再标记任务完成：本镇要求每项已完成的任务都有佐证材料。"
    assert refused.json()["errors"] == [{"field": "evidence", "message": message}]
    assert message in page
    assert Task.objects.get(pk=plan.task.pk).status == TaskStatus.NOT_STARTED
    office.post(
        f"/api/v1/planning/tasks/{plan.task.pk}/evidence",
        {"file": SimpleUploadedFile("签到表.png", png_bytes(), content_type="image/png")},
    )
    done = office.post(
        f"/api/v1/planning/tasks/{plan.task.pk}/status", {"status": "done", "done_on": "2020-07-20"}, content_type=JSON
    )
    assert (done.status_code, done.json()["done_on"]) == (200, "2020-07-20")


def test_the_office_sets_the_evidence_requirement_on_the_settings_page(world, plan, sign_in):
    office = sign_in("office")

    shown = office.get("/planning/settings/").content.decode()
    office.post("/planning/settings/", {"evidence_required_for_done": "on"})

    assert "任务须有佐证材料才能标记完成" in shown
    assert task_services.evidence_required_for_done(world.xinmiao.pk) is True
    assert office.get("/api/v1/planning/settings?town=xinmiao").json() == {"evidence_required_for_done": True}
    task_page = office.get(f"/planning/tasks/{plan.task.pk}/").content.decode()
    assert 'id="evidence-required">本镇要求任务先上传佐证材料才能标记完成。<' in task_page


def test_the_office_writes_the_minutes_of_a_meeting_after_the_fact_and_the_check_clears(world, plan, sign_in):
    from communityedu.planning.consistency import planning_inconsistencies

    office = sign_in("office")
    empty = office.put(f"/api/v1/planning/meetings/{plan.meeting.pk}/minutes", {"minutes": " "}, content_type=JSON)
    page = office.post(
        f"/planning/meetings/{plan.meeting.pk}/minutes/",
        {"minutes": "会议听取了各单位工作汇报。", "decisions": "7月底前建成十字村学习中心。"},
        follow=True,
    ).content.decode()

    assert empty.status_code == 400
    assert empty.json()["errors"] == [{"field": "minutes", "message": "请填写会议纪要。"}]
    assert "会议听取了各单位工作汇报。" in page
    assert planning_inconsistencies(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31)) == []
    entry = AuditLogEntry.objects.filter(object_type="planning.Meeting", object_id=str(plan.meeting.pk)).order_by("id")
    assert entry.last().changes == {
        "minutes": ["", "会议听取了各单位工作汇报。"],
        "decisions": ["", "7月底前建成十字村学习中心。"],
        "effective_on": "2020-07-08",
    }
