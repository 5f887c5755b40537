"""The plan's rules, through its services and selectors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from communityedu.core.models import AuditLogEntry
from communityedu.organization.models import Unit
from communityedu.planning import selectors
from communityedu.planning.constants import (
    JointMeetingYearStatus,
    MeetingKind,
    NoticeKind,
    NoticeStatus,
    RectificationSource,
    RectificationStatus,
    TaskStatus,
)
from communityedu.planning.models import MeetingInvitation, Notice, RectificationItem, Task
from communityedu.planning.services import evaluations as evaluation_services
from communityedu.planning.services import files as file_services
from communityedu.planning.services import meetings as meeting_services
from communityedu.planning.services import notices as notice_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.services import tasks as task_services
from communityedu.planning.tests.factories import phases, plan_world, second_office_account
from conftest import png_bytes


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def plan(world):
    return plan_world(world)


def _task(world, plan, title, due_on, unit=None, phase=3):
    return task_services.create_task(
        town=world.xinmiao,
        phase=plan.phases[phase],
        unit=unit or world.civil_affairs,
        title=title,
        due_on=due_on,
        actor=world.accounts["office"],
    )


# ---- phases and tasks ---------------------------------------------------------------------------


def test_phase_dates_are_saved_once_per_number_and_changes_are_audited(world):
    by_number = phases(world)
    office = world.accounts["office"]

    task_services.save_phase(
        town=world.xinmiao,
        number=3,
        name="全面实施",
        starts_on=date(2020, 6, 1),
        ends_on=date(2020, 8, 15),
        actor=office,
    )

    assert [(p.number, p.name, p.starts_on, p.ends_on) for p in selectors.Phase.objects.filter(town=world.xinmiao)] == [
        (1, "机构建立", None, date(2020, 4, 30)),
        (2, "动员部署", None, date(2020, 5, 31)),
        (3, "全面实施", date(2020, 6, 1), date(2020, 8, 15)),
        (4, "自查总结", date(2020, 8, 1), date(2020, 9, 30)),
        (5, "评估验收", date(2020, 10, 1), date(2020, 10, 31)),
    ]
    entry = AuditLogEntry.objects.filter(object_type="planning.Phase", object_id=str(by_number[3].pk)).first()
    assert entry.changes == {"ends_on": ["2020-07-31", "2020-08-15"]}


def test_changing_a_phases_dates_keeps_its_description(world):
    task_services.save_phase(
        town=world.xinmiao,
        number=2,
        name="动员部署",
        ends_on=date(2020, 5, 31),
        description="召开动员部署会议",
        actor=None,
    )
    phase = task_services.save_phase(
        town=world.xinmiao, number=2, name="动员部署", ends_on=date(2020, 6, 5), actor=None
    )
    assert (phase.ends_on, phase.description) == (date(2020, 6, 5), "召开动员部署会议")


def test_a_phase_cannot_start_after_it_ends(world):
    with pytest.raises(ValidationError) as error:
        task_services.save_phase(
            town=world.xinmiao,
            number=1,
            name="机构建立",
            starts_on=date(2020, 5, 1),
            ends_on=date(2020, 4, 30),
            actor=None,
        )
    assert error.value.message_dict == {"starts_on": ["The phase cannot start after it ends."]}


def test_done_needs_a_date_not_in_the_future_and_other_statuses_clear_it(world, plan):
    office = world.accounts["office"]
    with pytest.raises(ValidationError) as error:
        task_services.set_task_status(task=plan.task, status=TaskStatus.DONE, actor=office)
    assert error.value.message_dict == {"done_on": ["Give the date the task was done."]}
    with pytest.raises(ValidationError):
        task_services.set_task_status(
            task=plan.task, status=TaskStatus.DONE, done_on=timezone.localdate() + timedelta(days=1), actor=office
        )

    done = task_services.set_task_status(
        task=plan.task, status=TaskStatus.DONE, done_on=date(2020, 7, 20), actor=office
    )
    assert (done.status, done.done_on) == (TaskStatus.DONE, date(2020, 7, 20))

    reopened = task_services.set_task_status(
        task=plan.task, status=TaskStatus.IN_PROGRESS, done_on=date(2020, 7, 20), actor=office
    )
    assert (reopened.status, reopened.done_on) == (TaskStatus.IN_PROGRESS, None)
    changes = [
        entry.changes
        for entry in AuditLogEntry.objects.filter(object_type="planning.Task", object_id=str(plan.task.pk)).order_by(
            "id"
        )
    ]
    assert changes[1:] == [
        {"status": ["not_started", "done"], "done_on": [None, "2020-07-20"], "effective_on": "2020-07-20"},
        {"status": ["done", "in_progress"], "done_on": ["2020-07-20", None]},
    ]


def test_setting_the_same_status_again_changes_nothing(world, plan):
    office = world.accounts["office"]
    task_services.set_task_status(task=plan.task, status=TaskStatus.IN_PROGRESS, actor=office)
    entries = AuditLogEntry.objects.count()

    task_services.set_task_status(task=plan.task, status=TaskStatus.IN_PROGRESS, actor=office)

    assert AuditLogEntry.objects.count() == entries


def test_the_database_refuses_done_without_a_date(world, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=plan.task.pk).update(status=TaskStatus.DONE)


def test_a_task_is_unique_per_phase_unit_and_title(world, plan):
    with pytest.raises(ValidationError) as error:
        _task(world, plan, "指导各村开展社区教育活动", date(2020, 7, 31))
    assert error.value.message_dict == {"title": ["民政办 already has this task in this phase."]}


def test_a_task_of_another_towns_unit_is_refused(world, plan):
    other = Unit.objects.filter(town=world.nantuo).first()
    with pytest.raises(ValidationError) as error:
        _task(world, plan, "跨镇任务", date(2020, 7, 31), unit=other)
    assert error.value.message_dict == {"unit": ["Choose a unit of the town."]}


def test_overdue_tasks_are_flagged_as_of_a_date(world, plan):
    office = world.accounts["office"]
    # 民政办 (due 07-31) done on 08-05: overdue on 08-01, done on 08-05; school's (due 06-30) open.
    task_services.set_task_status(task=plan.task, status=TaskStatus.DONE, done_on=date(2020, 8, 5), actor=office)

    on_july_31 = selectors.plan_progress(
        tasks=Task.objects.filter(town=world.xinmiao), town=world.xinmiao, as_of=date(2020, 7, 31)
    )
    on_august_1 = selectors.plan_progress(
        tasks=Task.objects.filter(town=world.xinmiao), town=world.xinmiao, as_of=date(2020, 8, 1)
    )
    on_august_5 = selectors.plan_progress(
        tasks=Task.objects.filter(town=world.xinmiao), town=world.xinmiao, as_of=date(2020, 8, 5)
    )

    assert [task.title for task in on_july_31.overdue_tasks] == ["挂牌成立社区学校"]
    assert [task.title for task in on_august_1.overdue_tasks] == ["挂牌成立社区学校", "指导各村开展社区教育活动"]
    assert [task.title for task in on_august_5.overdue_tasks] == ["挂牌成立社区学校"]
    assert Task.objects.get(pk=plan.task.pk).is_done_late is True


def test_progress_per_phase_and_per_unit(world, plan):
    office = world.accounts["office"]
    _task(world, plan, "落实专项经费", date(2020, 5, 31), phase=2)
    third = _task(world, plan, "建立志愿者名册", date(2020, 7, 15))
    task_services.set_task_status(task=third, status=TaskStatus.DONE, done_on=date(2020, 7, 10), actor=office)
    task_services.set_task_status(
        task=plan.school_task, status=TaskStatus.DONE, done_on=date(2020, 6, 20), actor=office
    )

    progress = selectors.plan_progress(
        tasks=Task.objects.filter(town=world.xinmiao), town=world.xinmiao, as_of=date(2020, 7, 1)
    )

    assert [
        (line.phase.number, line.progress.done, line.progress.overdue, line.progress.total) for line in progress.phases
    ] == [
        (1, 0, 0, 0),
        (2, 0, 1, 1),
        (3, 1, 0, 3),
        (4, 0, 0, 0),
        (5, 0, 0, 0),
    ]
    assert [
        (line.unit.name, line.progress.done, line.progress.total, line.progress.percent) for line in progress.units
    ] == [
        ("新妙镇社区学校", 1, 1, 100),
        ("民政办", 0, 3, 0),
    ]
    assert (progress.overall.done, progress.overall.overdue, progress.overall.total) == (1, 1, 4)


def test_task_evidence_is_checked_by_content_and_kept_under_a_random_name(world, plan):
    office = world.accounts["office"]
    kept = file_services.attach_task_file(
        actor=office,
        task=plan.task,
        upload=SimpleUploadedFile("../../签到表.png", png_bytes(), content_type="image/png"),
    )
    assert (kept.original_name, kept.content_type, kept.size) == ("签到表.png", "image/png", len(png_bytes()))
    assert kept.file.startswith(f"evidence/planning/{world.xinmiao.pk}/")
    assert (Path(settings.MEDIA_ROOT) / kept.file).read_bytes() == png_bytes()

    with pytest.raises(ValidationError) as error:
        file_services.attach_task_file(
            actor=office, task=plan.task, upload=SimpleUploadedFile("总结.png", b"MZ not a picture")
        )
    assert error.value.messages == ["总结.png: only photos (JPEG, PNG, WebP) and PDF files are accepted."]
    assert plan.task.files.count() == 1


def test_an_evidence_file_over_the_limit_is_refused_and_nothing_is_kept(world, plan, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        file_services.attach_task_file(
            actor=None, task=plan.task, upload=SimpleUploadedFile("大.pdf", b"%PDF-1.4\n" + b"0" * 200)
        )
    assert error.value.messages == ["大.pdf is larger than 100\xa0bytes."]
    assert plan.task.files.count() == 0


# ---- meetings -----------------------------------------------------------------------------------


def test_a_meeting_records_invited_and_attending_units(world, plan):
    rows = {
        row.unit.name: row.attended
        for row in MeetingInvitation.objects.filter(meeting=plan.meeting).select_related("unit")
    }
    assert rows == {"民政办": True, "弋阳村村委会": False}


def test_an_attending_unit_counts_as_invited_and_attendance_can_be_replaced(world, plan):
    meeting_services.set_attendance(
        meeting=plan.meeting, invited=[world.civil_affairs], attended=[plan.committee], actor=world.accounts["office"]
    )
    rows = {
        row.unit.name: row.attended
        for row in MeetingInvitation.objects.filter(meeting=plan.meeting).select_related("unit")
    }
    assert rows == {"民政办": False, "弋阳村村委会": True}
    entry = AuditLogEntry.objects.filter(object_type="planning.Meeting", object_id=str(plan.meeting.pk)).first()
    assert entry.changes == {
        "invited": [["弋阳村村委会", "民政办"], ["弋阳村村委会", "民政办"]],
        "attended": [["民政办"], ["弋阳村村委会"]],
        "effective_on": "2020-07-08",
    }


def test_attendance_of_a_meeting_not_yet_held_is_refused(world, plan):
    with pytest.raises(ValidationError) as error:
        meeting_services.record_meeting(
            town=world.xinmiao,
            kind=MeetingKind.PROGRESS,
            title="推进会",
            held_on=timezone.localdate() + timedelta(days=7),
            invited=[world.civil_affairs],
            attended=[world.civil_affairs],
            actor=None,
        )
    assert error.value.message_dict == {"attended": ["Attendance can be recorded once the meeting has been held."]}


def _joint(world, held_on, title="联席会议"):
    return meeting_services.record_meeting(
        town=world.xinmiao, kind=MeetingKind.JOINT, title=title, held_on=held_on, actor=None
    )


def test_a_year_without_a_joint_meeting_is_flagged(world, plan):
    # 2020: the plan's joint meeting of 07-08; 2021: none; 2022: three; 2023 (as_of): none yet.
    for day in (date(2022, 3, 1), date(2022, 6, 1), date(2022, 9, 1)):
        _joint(world, day)
    _joint(world, date(2023, 12, 1), "年末联席会议")

    years = selectors.joint_meeting_years(town=world.xinmiao, as_of=date(2023, 6, 30))

    assert [(year.year, year.held, year.status, year.is_flagged) for year in years] == [
        (2020, 1, JointMeetingYearStatus.HELD, False),
        (2021, 0, JointMeetingYearStatus.MISSING, True),
        (2022, 3, JointMeetingYearStatus.MORE_THAN_PLANNED, False),
        (2023, 0, JointMeetingYearStatus.NOT_YET, True),
    ]


def test_an_action_item_is_followed_until_closed(world, plan):
    office = world.accounts["office"]
    item = plan.action_item
    assert (item.source, item.status, item.meeting_id) == (
        RectificationSource.MEETING,
        RectificationStatus.OPEN,
        plan.meeting.pk,
    )

    rectification_services.add_rectification_note(item=item, text="已派人到十字村指导", actor=world.accounts["dept"])
    assert RectificationItem.objects.get(pk=item.pk).status == RectificationStatus.IN_PROGRESS

    with pytest.raises(ValidationError) as error:
        rectification_services.close_rectification_item(item=item, closing_note=" ", actor=office)
    assert error.value.message_dict == {"closing_note": ["Say how it was put right."]}

    closed = rectification_services.close_rectification_item(
        item=item, closing_note="学习中心已建成", closed_on=date(2020, 8, 3), actor=office
    )
    assert (closed.status, closed.closed_on, closed.closed_by) == (RectificationStatus.CLOSED, date(2020, 8, 3), office)
    with pytest.raises(ValidationError):
        rectification_services.close_rectification_item(item=item, closing_note="again", actor=office)
    with pytest.raises(ValidationError):
        rectification_services.add_rectification_note(item=item, text="late", actor=office)


def test_open_and_overdue_rectification_lists(world, plan):
    office = world.accounts["office"]
    later = rectification_services.add_action_item(
        meeting=plan.meeting, unit=plan.committee, description="更新公告栏", due_on=date(2020, 9, 30), actor=office
    )
    done = rectification_services.add_action_item(
        meeting=plan.meeting, unit=plan.committee, description="报送名单", due_on=date(2020, 7, 20), actor=office
    )
    rectification_services.close_rectification_item(
        item=done, closing_note="已报送", closed_on=date(2020, 7, 18), actor=office
    )

    lists = selectors.rectification_lists(RectificationItem.objects.filter(town=world.xinmiao), date(2020, 8, 15))

    assert {key: [item.description for item in rows] for key, rows in lists.items()} == {
        "overdue": ["指导十字村建成学习中心"],
        "open": [later.description],
        "closed": ["报送名单"],
    }


def test_an_action_item_cannot_be_due_before_its_meeting(world, plan):
    with pytest.raises(ValidationError) as error:
        rectification_services.add_action_item(
            meeting=plan.meeting, unit=plan.committee, description="补报", due_on=date(2020, 7, 1), actor=None
        )
    assert error.value.message_dict == {"due_on": ["The due date cannot come before the meeting."]}


# ---- notices ------------------------------------------------------------------------------------


def test_a_notice_must_be_approved_by_another_account_than_its_drafter(world, plan):
    with pytest.raises(ValidationError) as error:
        notice_services.approve_notice(notice=plan.notice, actor=world.accounts["office"])
    assert error.value.messages == ["A notice must be approved by another account than the one that drafted it."]
    assert Notice.objects.get(pk=plan.notice.pk).status == NoticeStatus.DRAFT

    approver = second_office_account(world)
    approved = notice_services.approve_notice(notice=plan.notice, actor=approver)
    assert (approved.status, approved.approved_by) == (NoticeStatus.APPROVED, approver)


def test_the_database_refuses_approval_by_the_drafter(world, plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.filter(pk=plan.notice.pk).update(
            status=NoticeStatus.APPROVED, approved_by=world.accounts["office"], approved_at=timezone.now()
        )


def test_only_an_approved_notice_is_published(world, plan):
    with pytest.raises(ValidationError) as error:
        notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])
    assert error.value.messages == ["Only an approved notice can be published."]
    assert not RectificationItem.objects.filter(notice=plan.notice).exists()


def test_publishing_a_criticism_raises_a_rectification_item_for_each_unit(world, plan):
    notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))

    published = notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])

    assert published.status == NoticeStatus.PUBLISHED
    items = list(
        RectificationItem.objects.filter(notice=plan.notice).values_list("source", "unit__name", "due_on", "status")
    )
    assert items == [(RectificationSource.CRITICISM, "民政办", date(2020, 9, 15), RectificationStatus.OPEN)]
    with pytest.raises(ValidationError):
        notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])
    assert RectificationItem.objects.filter(notice=plan.notice).count() == 1


def test_a_commendation_names_units_and_individuals_and_raises_nothing(world, plan):
    notice = notice_services.draft_notice(
        town=world.xinmiao,
        kind=NoticeKind.COMMENDATION,
        title="表扬通报",
        body="特予表扬。",
        subjects=[(plan.committee, ""), (plan.committee, "刘芳"), (plan.committee, "刘芳")],
        actor=world.accounts["office"],
    )
    notice_services.approve_notice(notice=notice, actor=second_office_account(world))
    notice_services.publish_notice(notice=notice, actor=world.accounts["office"])

    assert [(s.unit.name, s.person_name) for s in notice.subjects.all()] == [
        ("弋阳村村委会", ""),
        ("弋阳村村委会", "刘芳"),
    ]
    # The committee commended and one of its people: the committee is named once.
    assert notice.subject_lines() == ["弋阳村村委会（刘芳）"]
    assert not RectificationItem.objects.filter(notice=notice).exists()


def test_a_criticism_names_units_only_and_needs_a_deadline(world, plan):
    values = {"town": world.xinmiao, "kind": NoticeKind.CRITICISM, "title": "批评", "body": "批评。", "actor": None}
    with pytest.raises(ValidationError) as error:
        notice_services.draft_notice(subjects=[(plan.committee, "张三")], rectify_by=date(2020, 9, 1), **values)
    assert error.value.message_dict == {"people": ["A criticism names units, not individuals."]}
    with pytest.raises(ValidationError) as error:
        notice_services.draft_notice(subjects=[(plan.committee, "")], **values)
    assert error.value.message_dict == {"rectify_by": ["Say by when the units must have put things right."]}


def test_published_notices_are_shown_to_the_units_they_name(world, plan):
    notice_services.approve_notice(notice=plan.notice, actor=second_office_account(world))
    assert list(selectors.notices_visible_to(world.accounts["dept"], world.xinmiao)) == []

    notice_services.publish_notice(notice=plan.notice, actor=world.accounts["office"])

    assert [n.title for n in selectors.notices_visible_to(world.accounts["dept"], world.xinmiao)] == [
        "关于民政办工作滞后的通报"
    ]
    assert list(selectors.notices_visible_to(world.accounts["center"], world.xinmiao)) == []
    assert [n.title for n in selectors.notices_visible_to(world.accounts["evaluator"], world.xinmiao)] == [
        "关于民政办工作滞后的通报"
    ]


# ---- the external evaluation --------------------------------------------------------------------


def test_the_external_evaluation_raises_rectification_items(world, plan):
    office = world.accounts["office"]
    evaluation = evaluation_services.record_evaluation(
        town=world.xinmiao,
        held_on=date(2020, 10, 20),
        evaluators="涪陵区社区教育评估组：张明、李华",
        score=Decimal("91.50"),
        conclusion="同意通过验收，建议加强数字化学习平台建设。",
        is_accepted=True,
        actor=office,
    )
    item = rectification_services.add_evaluation_item(
        evaluation=evaluation,
        unit=world.school,
        description="完善数字化学习资源",
        due_on=date(2020, 12, 31),
        actor=office,
    )
    assert (item.source, item.evaluation_id, item.unit) == (RectificationSource.EVALUATION, evaluation.pk, world.school)
    with pytest.raises(ValidationError) as error:
        evaluation_services.record_evaluation(
            town=world.xinmiao,
            held_on=date(2020, 10, 21),
            evaluators="评估组",
            score=Decimal("101"),
            conclusion="x",
            actor=office,
        )
    assert error.value.message_dict == {"score": ["Give a score between 0 and 100."]}


# ---- who sees what ------------------------------------------------------------------------------


def test_units_see_their_own_tasks_and_items_the_office_and_evaluators_all(world, plan):
    def titles(user):
        return sorted(task.title for task in selectors.tasks_visible_to(user, world.xinmiao))

    assert titles(world.accounts["office"]) == ["挂牌成立社区学校", "指导各村开展社区教育活动"]
    assert titles(world.accounts["evaluator"]) == ["挂牌成立社区学校", "指导各村开展社区教育活动"]
    assert titles(world.accounts["dept"]) == ["指导各村开展社区教育活动"]
    assert titles(world.accounts["school"]) == ["挂牌成立社区学校"]
    assert titles(world.accounts["center"]) == []
    assert titles(world.accounts["resident"]) == []
    assert titles(world.accounts["nantuo"]) == []
    assert [m.title for m in selectors.meetings_visible_to(world.accounts["center"], world.xinmiao)] == [
        "2020年第一次联席会议"
    ]
    assert list(selectors.meetings_visible_to(world.accounts["school"], world.xinmiao)) == []
    assert [i.description for i in selectors.items_visible_to(world.accounts["dept"], world.xinmiao)] == [
        "指导十字村建成学习中心"
    ]
    assert list(selectors.items_visible_to(world.accounts["center"], world.xinmiao)) == []
