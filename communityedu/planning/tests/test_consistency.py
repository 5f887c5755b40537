"""The plan's records checked against themselves: tasks done without evidence, meetings without
minutes, published notices that do not say their date."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from communityedu.planning.consistency import planning_inconsistencies
from communityedu.planning.constants import TaskStatus
from communityedu.planning.models import Notice
from communityedu.planning.services import files as file_services
from communityedu.planning.services import notices as notice_services
from communityedu.planning.services import tasks as task_services
from communityedu.planning.tests.factories import plan_world, second_office_account
from conftest import png_bytes


def _published(world, plan):
    office = world.accounts["office"]
    notice = notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))
    return notice_services.publish_notice(notice=notice, actor=office)


def test_planning_inconsistencies_name_each_record_and_the_page_that_fixes_it(world):
    plan = plan_world(world)
    office = world.accounts["office"]
    task_services.set_task_status(task=plan.task, status=TaskStatus.DONE, done_on=date(2020, 7, 20), actor=office)
    notice = _published(world, plan)
    Notice.objects.filter(pk=notice.pk).update(effective_on=None)  # as notices typed before the date was asked

    found = planning_inconsistencies(town=world.xinmiao, year=2020, as_of=date(2026, 12, 4))

    assert [(item.kind, item.message, item.url, item.record) for item in found] == [
        (
            "task_done_without_evidence",
            "民政办的任务“指导各村开展社区教育活动”已于2020-07-20标记为完成，但没有佐证材料。",
            f"/planning/tasks/{plan.task.pk}/",
            f"planning.task:{plan.task.pk}",
        ),
        (
            "meeting_without_minutes",
            "2020-07-08召开的会议“2020年第一次联席会议”没有会议纪要。",
            f"/planning/meetings/{plan.meeting.pk}/",
            f"planning.meeting:{plan.meeting.pk}",
        ),
        (
            "notice_without_effective_date",
            "已发布的通报“关于民政办工作滞后的通报”未注明生效日期。",
            f"/planning/notices/{notice.pk}/",
            f"planning.notice:{notice.pk}",
        ),
    ]


def test_planning_inconsistencies_cut_on_the_effective_dates_and_clear_once_fixed(world):
    plan = plan_world(world)
    office = world.accounts["office"]
    task_services.set_task_status(task=plan.task, status=TaskStatus.DONE, done_on=date(2020, 7, 20), actor=office)

    # Before the task was done and the meeting held, nothing is inconsistent yet.
    assert planning_inconsistencies(town=world.xinmiao, year=2020, as_of=date(2020, 7, 1)) == []
    # Another year holds none of them.
    assert planning_inconsistencies(town=world.xinmiao, year=2021, as_of=date(2021, 12, 31)) == []

    file_services.attach_task_file(
        actor=office, task=plan.task, upload=SimpleUploadedFile("签到表.png", png_bytes(), content_type="image/png")
    )
    kinds = [item.kind for item in planning_inconsistencies(town=world.xinmiao, year=2020, as_of=date(2020, 12, 31))]

    assert kinds == ["meeting_without_minutes"]
