"""The plan's pages: what each role sees and what a form does."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communityedu.core.models import AuditLogEntry
from communityedu.planning.constants import NoticeStatus, RectificationStatus, TaskStatus
from communityedu.planning.models import Meeting, MeetingInvitation, Notice, RectificationItem, Task
from communityedu.planning.services import notices as notice_services
from communityedu.planning.services import tasks as task_services
from communityedu.planning.tests.factories import plan_world, second_office_account
from conftest import PASSWORD, png_bytes


@pytest.fixture
def plan(world):
    return plan_world(world)


def test_the_plan_page_shows_the_phases_with_their_dates_and_flags_overdue_tasks(world, plan, sign_in):
    client = sign_in("office")

    response = client.get("/planning/?as_of=2020-08-01")

    page = response.content.decode()
    assert response.status_code == 200
    assert "第3阶段：全面实施" in page
    assert "2020-06-01 – 2020-07-31" in page
    assert "截至 2020-04-30" in page or "2020-04-30" in page
    assert page.count("flag-badge") == 2  # both tasks of phase 3 are overdue on 08-01
    assert 'id="tasks-done">0 / 2<' in page


def test_a_department_sees_only_its_own_tasks(world, plan, sign_in):
    page = sign_in("dept").get("/planning/").content.decode()
    assert "指导各村开展社区教育活动" in page
    assert "挂牌成立社区学校" not in page
    assert 'id="task-form"' not in page


def test_a_department_updates_its_own_task_but_not_another_units(world, plan, sign_in):
    client = sign_in("dept")

    response = client.post(f"/planning/tasks/{plan.task.pk}/status/", {"status": "done", "done_on": "2020-07-30"})
    refused = client.post(f"/planning/tasks/{plan.school_task.pk}/status/", {"status": "done", "done_on": "2020-07-30"})

    assert response.status_code == 302
    assert Task.objects.get(pk=plan.task.pk).done_on == date(2020, 7, 30)
    assert refused.status_code == 404
    assert Task.objects.get(pk=plan.school_task.pk).status == TaskStatus.NOT_STARTED


def test_done_without_a_date_is_refused_on_the_form(world, plan, sign_in):
    response = sign_in("office").post(f"/planning/tasks/{plan.task.pk}/status/", {"status": "done"})
    assert response.status_code == 400
    assert "请填写任务完成的日期" in response.content.decode()
    assert Task.objects.get(pk=plan.task.pk).status == TaskStatus.NOT_STARTED


def test_evidence_of_a_task_is_uploaded_and_downloaded_by_those_who_see_it(world, plan, sign_in, client):
    sign_in("dept").post(
        f"/planning/tasks/{plan.task.pk}/evidence/",
        {"file": SimpleUploadedFile("签到表.png", png_bytes(), content_type="image/png")},
    )
    kept = plan.task.files.get()

    download = client.get(f"/planning/files/{kept.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes()
    assert download["Content-Type"] == "image/png"
    client.logout()
    client.post("/accounts/sign-in/", {"username": "school", "password": PASSWORD})
    assert client.get(f"/planning/files/{kept.pk}/").status_code == 404


def test_the_meetings_page_flags_a_year_without_a_joint_meeting(world, plan, sign_in):
    page = sign_in("office").get("/planning/meetings/?as_of=2022-03-01").content.decode()
    assert 'id="joint-year-2020">2020：1 次联席会议 — 已召开<' in page
    assert 'id="joint-year-2021" class="flag">2021：0 次联席会议 — 全年未召开<' in page
    assert 'id="joint-year-2022" class="flag">2022：0 次联席会议 — 本年尚未召开<' in page


def test_the_office_records_a_meeting_with_attendance(world, plan, sign_in):
    response = sign_in("office").post(
        "/planning/meetings/new/",
        {
            "kind": "progress",
            "title": "创建工作推进会",
            "held_on": "2020-08-25",
            "invited": [world.civil_affairs.pk, plan.committee.pk],
            "attended": [plan.committee.pk],
            "minutes": "通报进度",
        },
    )
    meeting = Meeting.objects.get(title="创建工作推进会")
    assert response.status_code == 302
    assert response["Location"] == f"/planning/meetings/{meeting.pk}/"
    assert sorted(MeetingInvitation.objects.filter(meeting=meeting).values_list("unit__name", "attended")) == [
        ("弋阳村村委会", True),
        ("民政办", False),
    ]


def test_approval_by_the_drafting_account_is_refused_on_the_page(world, plan, sign_in, client):
    response = sign_in("office").post(f"/planning/notices/{plan.notice.pk}/approve/", follow=True)
    assert "通报须由起草人以外的另一个账号审核" in response.content.decode()
    assert Notice.objects.get(pk=plan.notice.pk).status == NoticeStatus.DRAFT

    second_office_account(world)
    client.logout()
    client.post("/accounts/sign-in/", {"username": "office2", "password": PASSWORD})
    client.post(f"/planning/notices/{plan.notice.pk}/approve/")
    client.post(f"/planning/notices/{plan.notice.pk}/publish/")

    assert Notice.objects.get(pk=plan.notice.pk).status == NoticeStatus.PUBLISHED
    assert RectificationItem.objects.filter(notice=plan.notice, unit=world.civil_affairs).count() == 1


def test_a_published_notice_shows_on_the_plan_page_of_the_unit_it_names(world, plan, sign_in):
    notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))
    notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])

    assert "关于民政办工作滞后的通报" in sign_in("dept").get("/planning/").content.decode()


def test_a_unit_closes_its_rectification_item_with_a_note(world, plan, sign_in):
    client = sign_in("dept")
    client.post(f"/planning/rectification/{plan.action_item.pk}/notes/", {"text": "已派人指导"})
    response = client.post(
        f"/planning/rectification/{plan.action_item.pk}/close/", {"closing_note": "已建成", "closed_on": "2020-08-03"}
    )
    item = RectificationItem.objects.get(pk=plan.action_item.pk)
    assert response.status_code == 302
    assert (item.status, item.closed_on, item.closing_note) == (RectificationStatus.CLOSED, date(2020, 8, 3), "已建成")
    assert AuditLogEntry.objects.filter(object_type="planning.RectificationItem", object_id=str(item.pk)).count() == 3


def test_the_rectification_page_lists_overdue_items(world, plan, sign_in):
    page = sign_in("office").get("/planning/rectification/?as_of=2020-08-15").content.decode()
    overdue = page.split('id="overdue-items"')[1].split("</section>")[0]
    assert "指导十字村建成学习中心" in overdue


def test_the_plan_page_reads_a_fixed_number_of_queries_however_many_tasks(world, plan, sign_in):
    client = sign_in("office")
    client.get("/planning/")  # warm the session and the caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/planning/").status_code == 200
        return len(captured)

    before = queries()
    for number in range(6):
        task_services.create_task(
            town=world.xinmiao,
            phase=plan.phases[4],
            unit=plan.committee,
            title=f"自查第{number}项",
            due_on=date(2020, 9, 30),
            actor=None,
        )
    assert queries() == before


def test_the_staff_home_shows_the_published_notices_of_the_units_they_name(world, plan, sign_in, client):
    notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))
    notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])

    home = sign_in("dept").get("/").content.decode()
    assert 'id="home-notices"' in home
    assert "关于民政办工作滞后的通报" in home
    client.logout()
    client.post("/accounts/sign-in/", {"username": "center", "password": PASSWORD})
    other = client.get("/").content.decode()
    assert 'id="plan-home"' in other
    assert "关于民政办工作滞后的通报" not in other
    client.logout()
    client.post("/accounts/sign-in/", {"username": "teacher", "password": PASSWORD})
    assert 'id="plan-home"' not in client.get("/").content.decode()
