"""A small plan for the shared test world, built through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from communityedu.accounts import services as account_services
from communityedu.organization.constants import Role
from communityedu.organization.models import Unit
from communityedu.planning.constants import MeetingKind, NoticeKind
from communityedu.planning.models import Meeting, Notice, Phase, RectificationItem, Task
from communityedu.planning.services import evaluations as evaluation_services
from communityedu.planning.services import files as file_services
from communityedu.planning.services import meetings as meeting_services
from communityedu.planning.services import notices as notice_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.services import tasks as task_services
from conftest import PASSWORD


@dataclass
class Plan:
    phases: dict[int, Phase]
    committee: Unit  # 弋阳村村委会, the centre director's committee
    task: Task  # 民政办's task, the department account's
    school_task: Task
    meeting: Meeting
    action_item: RectificationItem
    notice: Notice


def second_office_account(world):
    """Another town-office account of 新妙镇, to approve what ``office`` drafts."""
    from communityedu.organization import services as org_services

    user = account_services.create_staff_account(
        username="office2", password=PASSWORD, town=world.xinmiao, must_change_password=False
    )
    org_services.assign_role(user=user, role=Role.TOWN_OFFICE, town=world.xinmiao)
    world.accounts["office2"] = user
    return user


def phases(world) -> dict[int, Phase]:
    office = world.accounts["office"]
    dates = [
        (1, "机构建立", None, date(2020, 4, 30)),
        (2, "动员部署", None, date(2020, 5, 31)),
        (3, "全面实施", date(2020, 6, 1), date(2020, 7, 31)),
        (4, "自查总结", date(2020, 8, 1), date(2020, 9, 30)),
        (5, "评估验收", date(2020, 10, 1), date(2020, 10, 31)),
    ]
    return {
        number: task_services.save_phase(
            town=world.xinmiao, number=number, name=name, starts_on=starts_on, ends_on=ends_on, actor=office
        )
        for number, name, starts_on, ends_on in dates
    }


def plan_world(world) -> Plan:
    """Five phases; a task of 民政办 and one of the community school; a joint meeting inviting
    民政办 and 弋阳村村委会 with an action item for 民政办; a draft criticism of 民政办."""
    office = world.accounts["office"]
    by_number = phases(world)
    committee = Unit.objects.get(town=world.xinmiao, name="弋阳村村委会")
    task = task_services.create_task(
        town=world.xinmiao,
        phase=by_number[3],
        unit=world.civil_affairs,
        title="指导各村开展社区教育活动",
        due_on=date(2020, 7, 31),
        owner="民政办主任",
        actor=office,
    )
    school_task = task_services.create_task(
        town=world.xinmiao,
        phase=by_number[3],
        unit=world.school,
        title="挂牌成立社区学校",
        due_on=date(2020, 6, 30),
        actor=office,
    )
    meeting = meeting_services.record_meeting(
        town=world.xinmiao,
        kind=MeetingKind.JOINT,
        title="2020年第一次联席会议",
        held_on=date(2020, 7, 8),
        invited=[world.civil_affairs, committee],
        attended=[world.civil_affairs],
        actor=office,
    )
    action_item = rectification_services.add_action_item(
        meeting=meeting,
        unit=world.civil_affairs,
        description="指导十字村建成学习中心",
        due_on=date(2020, 7, 31),
        actor=office,
    )
    notice = notice_services.draft_notice(
        town=world.xinmiao,
        kind=NoticeKind.CRITICISM,
        title="关于民政办工作滞后的通报",
        body="请于9月15日前整改。",
        subjects=[(world.civil_affairs, "")],
        rectify_by=date(2020, 9, 15),
        actor=office,
    )
    return Plan(by_number, committee, task, school_task, meeting, action_item, notice)


def matrix_plan(world) -> Plan:
    """``plan_world`` with an evidence file on 民政办's task and an external evaluation, so that
    every page and API operation of the plan has a real object to reach."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from communityedu.organization import services as org_services
    from conftest import png_bytes

    plan = plan_world(world)
    office = world.accounts["office"]
    plan.file = file_services.attach_task_file(
        actor=office, task=plan.task, upload=SimpleUploadedFile("签到表.png", png_bytes(), content_type="image/png")
    )
    plan.position = org_services.ensure_position(unit=world.civil_affairs, title="负责人", held_by="民政办主任")
    plan.evaluation = evaluation_services.record_evaluation(
        town=world.xinmiao,
        held_on=date(2020, 10, 20),
        evaluators="涪陵区社区教育评估组",
        score=Decimal("91.50"),
        conclusion="同意通过验收。",
        actor=office,
    )
    return plan
