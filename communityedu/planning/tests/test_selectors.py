"""The read interface the annual unit assessment and the dossier rely on, with exact values."""

from __future__ import annotations

from datetime import date

import pytest

from communityedu.organization.models import Unit
from communityedu.planning.constants import MeetingKind, TaskStatus
from communityedu.planning.selectors import plan_overview, unit_meeting_attendance, unit_task_record
from communityedu.planning.services import meetings as meeting_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.services import tasks as task_services
from communityedu.planning.tests.factories import phases


@pytest.fixture
def units(world):
    return {
        "civil": world.civil_affairs,
        "school": world.school,
        "committee": Unit.objects.get(town=world.xinmiao, name="弋阳村村委会"),
        "shizi": Unit.objects.get(town=world.xinmiao, name="十字村村委会"),
    }


def _task(world, phase, unit, title, due_on, done_on=None, status=None):
    task = task_services.create_task(town=world.xinmiao, phase=phase, unit=unit, title=title, due_on=due_on, actor=None)
    if done_on is not None or status is not None:
        task_services.set_task_status(task=task, status=status or TaskStatus.DONE, done_on=done_on, actor=None)
    return task


def test_unit_task_record_counts_tasks_due_in_the_year_up_to_the_date(world, units):
    by_number = phases(world)
    # 民政办: on time, on the day, late, open and past due, due after as_of (left out), done early
    # but due after as_of (left out), due in 2021 (left out).
    _task(world, by_number[2], units["civil"], "按时", date(2020, 5, 31), done_on=date(2020, 5, 20))
    _task(world, by_number[3], units["civil"], "当天", date(2020, 6, 30), done_on=date(2020, 6, 30))
    _task(world, by_number[3], units["civil"], "逾期完成", date(2020, 7, 15), done_on=date(2020, 7, 20))
    _task(world, by_number[3], units["civil"], "进行中", date(2020, 7, 31), status=TaskStatus.IN_PROGRESS)
    _task(world, by_number[4], units["civil"], "九月", date(2020, 9, 30))
    _task(world, by_number[4], units["civil"], "提前完成", date(2020, 9, 20), done_on=date(2020, 7, 1))
    _task(world, by_number[5], units["civil"], "明年", date(2021, 3, 31), done_on=date(2020, 7, 1))
    # 社区学校: one late; 十字村: one open.
    _task(world, by_number[3], units["school"], "挂牌", date(2020, 6, 30), done_on=date(2020, 7, 2))
    _task(world, by_number[3], units["shizi"], "学习中心", date(2020, 7, 31))
    # 南沱镇's tasks never count for 新妙镇.
    nantuo_phase = task_services.save_phase(
        town=world.nantuo, number=3, name="全面实施", ends_on=date(2020, 7, 31), actor=None
    )
    task_services.create_task(
        town=world.nantuo,
        phase=nantuo_phase,
        unit=Unit.objects.filter(town=world.nantuo).first(),
        title="x",
        due_on=date(2020, 6, 1),
        actor=None,
    )

    record = unit_task_record(world.xinmiao, 2020, date(2020, 8, 31))

    assert record == {units["civil"].pk: (2, 4), units["school"].pk: (0, 1), units["shizi"].pk: (0, 1)}
    assert unit_task_record(world.xinmiao, 2020, date(2020, 6, 1)) == {units["civil"].pk: (1, 1)}
    assert unit_task_record(world.xinmiao, 2021, date(2021, 12, 31)) == {units["civil"].pk: (1, 1)}
    assert unit_task_record(world.xinmiao, 2019, date(2019, 12, 31)) == {}


def _meeting(world, kind, title, held_on, invited, attended):
    return meeting_services.record_meeting(
        town=world.xinmiao, kind=kind, title=title, held_on=held_on, invited=invited, attended=attended, actor=None
    )


def test_unit_meeting_attendance_counts_meetings_held_in_the_year_up_to_the_date(world, units):
    civil, committee, school = units["civil"], units["committee"], units["school"]
    _meeting(
        world, MeetingKind.MOBILISATION, "动员部署会议", date(2020, 5, 15), [civil, committee, school], [civil, school]
    )
    _meeting(world, MeetingKind.JOINT, "第一次联席会议", date(2020, 7, 8), [civil, committee], [civil, committee])
    _meeting(world, MeetingKind.PROGRESS, "推进会", date(2020, 8, 25), [civil, school], [school])
    _meeting(world, MeetingKind.JOINT, "2021联席会议", date(2021, 3, 1), [civil], [civil])

    assert unit_meeting_attendance(world.xinmiao, 2020, date(2020, 12, 31)) == {
        civil.pk: (2, 3),
        committee.pk: (1, 2),
        school.pk: (2, 2),
    }
    assert unit_meeting_attendance(world.xinmiao, 2020, date(2020, 7, 31)) == {
        civil.pk: (2, 2),
        committee.pk: (1, 2),
        school.pk: (1, 1),
    }
    assert unit_meeting_attendance(world.xinmiao, 2021, date(2021, 12, 31)) == {civil.pk: (1, 1)}
    assert unit_meeting_attendance(world.nantuo, 2020, date(2020, 12, 31)) == {}


def test_plan_overview_gives_the_phases_tasks_and_meetings_as_of_a_date(world, units):
    by_number = phases(world)
    _task(world, by_number[3], units["civil"], "指导各村", date(2020, 7, 31), done_on=date(2020, 7, 25))
    _task(world, by_number[3], units["school"], "挂牌", date(2020, 6, 30), done_on=date(2020, 8, 2))
    meeting = _meeting(
        world, MeetingKind.JOINT, "第一次联席会议", date(2020, 7, 8), [units["civil"], units["shizi"]], [units["civil"]]
    )
    item = rectification_services.add_action_item(
        meeting=meeting, unit=units["shizi"], description="建成学习中心", due_on=date(2020, 7, 31), actor=None
    )
    rectification_services.close_rectification_item(
        item=item, closing_note="已建成", closed_on=date(2020, 8, 10), actor=None
    )
    _meeting(world, MeetingKind.PROGRESS, "推进会", date(2020, 8, 25), [units["civil"]], [units["civil"]])

    overview = plan_overview(world.xinmiao, date(2020, 8, 1))

    assert [(p.number, p.name, p.starts_on, p.ends_on, p.done, p.total) for p in overview.phases] == [
        (1, "机构建立", None, date(2020, 4, 30), 0, 0),
        (2, "动员部署", None, date(2020, 5, 31), 0, 0),
        (3, "全面实施", date(2020, 6, 1), date(2020, 7, 31), 1, 2),
        (4, "自查总结", date(2020, 8, 1), date(2020, 9, 30), 0, 0),
        (5, "评估验收", date(2020, 10, 1), date(2020, 10, 31), 0, 0),
    ]
    assert [
        (t.unit, t.title, t.due_on, t.status, t.done_on, t.is_overdue, t.evidence_files)
        for t in overview.phases[2].tasks
    ] == [
        ("新妙镇社区学校", "挂牌", date(2020, 6, 30), "in_progress", None, True, 0),
        ("民政办", "指导各村", date(2020, 7, 31), "done", date(2020, 7, 25), False, 0),
    ]
    assert len(overview.meetings) == 1
    held = overview.meetings[0]
    assert (held.kind, held.title, held.held_on, held.invited, held.attended) == (
        "joint",
        "第一次联席会议",
        date(2020, 7, 8),
        ["民政办", "十字村村委会"],
        ["民政办"],
    )
    assert [(a.unit, a.description, a.due_on, a.status, a.closed_on) for a in held.action_items] == [
        ("十字村村委会", "建成学习中心", date(2020, 7, 31), "open", None)
    ]
    later = plan_overview(world.xinmiao, date(2020, 12, 31))
    assert [m.title for m in later.meetings] == ["第一次联席会议", "推进会"]
    assert [(a.status, a.closed_on) for a in later.meetings[0].action_items] == [("closed", date(2020, 8, 10))]
    assert [(y.year, y.held) for y in later.joint_meeting_years] == [(2020, 1)]
