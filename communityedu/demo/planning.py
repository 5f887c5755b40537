"""The demo town's plan: the five phases of Xinmiao's 2020 plan (§3), its tasks per unit, the
mobilisation meeting and the first joint meeting with their action items, a commendation and a
criticism with their 2020 dates (approved by the office director, a second town-office account),
and who held the leadership group's posts from when.

Idempotent: phases are found by number, tasks by phase, unit and title, meetings by date and
title, notices by title; a second run adds nothing.
"""

from __future__ import annotations

from datetime import date

from communityedu.accounts import services as account_services
from communityedu.accounts.models import User
from communityedu.demo.data import DEMO_PASSWORD
from communityedu.organization import services as org_services
from communityedu.organization.constants import Role, UnitType
from communityedu.organization.models import Position, Town, Unit
from communityedu.people import position_holders
from communityedu.planning.constants import MeetingKind, NoticeKind, NoticeStatus, TaskStatus
from communityedu.planning.models import Meeting, Notice, Phase, Task
from communityedu.planning.services import meetings as meeting_services
from communityedu.planning.services import notices as notice_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.services import tasks as task_services

# The plan's five phases (docs/plan/xinmiao-2020-implementation-plan.txt, §3).
PHASES = [
    (1, "机构建立", None, date(2020, 4, 30), "建立镇社区教育工作领导机构，制订创建工作实施方案。"),
    (2, "动员部署", None, date(2020, 5, 31), "召开动员部署会议，分解落实目标任务。"),
    (
        3,
        "全面实施",
        date(2020, 6, 1),
        date(2020, 7, 31),
        "完善两级社区教育网络，加强队伍建设，整合资源，广泛开展培训；建成示范社区（村）2个。",
    ),
    (4, "自查总结", date(2020, 8, 1), date(2020, 9, 30), "召开创建工作推进会，组织自查自评、查漏补缺，形成创建资料。"),
    (5, "评估验收", date(2020, 10, 1), date(2020, 10, 31), "进一步完善迎评资料，接受评估验收。"),
]

# (phase, unit, task, the unit's target, person in charge, due, status, done on)
DONE, BUSY, IDLE = TaskStatus.DONE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED
TASKS = [
    (1, "党政办", "成立社区教育工作领导小组，印发创建工作实施方案", "领导小组名单及实施方案印发", "党政办主任", date(2020, 4, 30), DONE, date(2020, 4, 30)),
    (1, "综合文化服务中心", "设立领导小组办公室，明确专人负责日常工作", "办公室设在综合文化服务中心", "邓发平", date(2020, 4, 30), DONE, date(2020, 4, 28)),
    (1, "教育管理中心", "对照评估指标体系梳理创建任务清单", "形成任务清单一份", "教管中心主任", date(2020, 4, 30), DONE, date(2020, 4, 29)),
    (2, "党政办", "召开创建工作动员部署会议", "各成员单位、各村（居）参会", "党政办主任", date(2020, 5, 31), DONE, date(2020, 5, 15)),
    (2, "社区教育办公室", "将目标任务分解到各部门和村（居）", "参与率70%、学习型社区创建率70%分解到村", "李洪明", date(2020, 5, 31), DONE, date(2020, 5, 29)),
    (2, "弋阳村村委会", "召开村民代表会议传达创建要求", "村民代表知晓率100%", "弋阳村主任", date(2020, 5, 31), DONE, date(2020, 5, 25)),
    (2, "十字村村委会", "召开村民代表会议传达创建要求", "村民代表知晓率100%", "十字村主任", date(2020, 5, 31), DONE, date(2020, 6, 3)),
    (2, "妇联", "制定妇女儿童社区教育活动计划", "全年活动不少于6次", "妇联主席", date(2020, 5, 31), DONE, date(2020, 5, 30)),
    (3, "新妙镇社区学校", "挂牌成立社区学校，建立管理制度", "制度上墙，校牌悬挂", "社区学校副校长", date(2020, 6, 30), DONE, date(2020, 6, 10)),
    (3, "综合文化服务中心", "开办社区教育大讲堂", "每月两次以上讲座", "邓发平", date(2020, 7, 31), DONE, date(2020, 7, 30)),
    (3, "教育管理中心", "建立专（兼）职教师和志愿者队伍名册", "教师、志愿者名册各一份", "教管中心主任", date(2020, 7, 20), DONE, date(2020, 7, 20)),
    (3, "弋阳村村委会", "建成弋阳村社区学习中心", "落实场地、人员、经费、设施设备", "弋阳村主任", date(2020, 7, 31), DONE, date(2020, 7, 15)),
    (3, "十字村村委会", "建成十字村社区学习中心", "落实场地、人员、经费、设施设备", "十字村主任", date(2020, 7, 31), BUSY, None),
    (3, "平政村村委会", "建成平政村社区学习中心", "落实场地、人员、经费、设施设备", "平政村主任", date(2020, 7, 31), DONE, date(2020, 7, 28)),
    (3, "司法所", "组建社区教育调解组并开展培训", "调解组成员培训不少于2次", "司法所所长", date(2020, 7, 31), DONE, date(2020, 7, 10)),
    (3, "涪陵第十中学", "办好四点半课堂和留守儿童之家", "每周开放不少于4天", "涪十中副校长", date(2020, 7, 31), DONE, date(2020, 7, 5)),
    (3, "团委", "组织青年志愿者参与社区教育活动", "青年志愿者不少于30人", "团委书记", date(2020, 7, 31), BUSY, None),
    (3, "人力社保所", "开展专业技术技能培训，落实政策性经费", "技能培训不少于3期", "人力社保所所长", date(2020, 7, 31), DONE, date(2020, 7, 31)),
    (3, "民政办", "指导各村开展多种形式的社区教育活动", "每村每季度不少于1次", "民政办主任", date(2020, 7, 31), DONE, date(2020, 7, 25)),
    (3, "党群办", "开展学习型党政机关创建", "机关创建率80%", "党群办主任", date(2020, 7, 31), DONE, date(2020, 7, 31)),
    (3, "市场办", "开展食品安全知识进村宣传", "宣传覆盖全部村（居）", "市场办主任", date(2020, 7, 31), DONE, date(2020, 8, 5)),
    (4, "社区教育办公室", "召开创建工作推进会", "通报进度，查漏补缺", "李洪明", date(2020, 8, 31), DONE, date(2020, 8, 25)),
    (4, "教育管理中心", "组织自查自评，形成自评报告", "对照指标逐项自评", "教管中心主任", date(2020, 9, 20), DONE, date(2020, 9, 20)),
    (4, "综合文化服务中心", "整理形成系统完整的创建资料", "按指标分类归档", "邓发平", date(2020, 9, 30), DONE, date(2020, 9, 28)),
    (4, "平安办", "开展平安法治宣传进社区", "每村不少于1次", "平安办主任", date(2020, 9, 30), IDLE, None),
    (5, "社区教育办公室", "进一步完善迎评资料", "资料按指标装订成册", "李洪明", date(2020, 10, 15), DONE, date(2020, 10, 15)),
    (5, "党政办", "迎接区评估验收", "汇报材料、现场点位准备就绪", "党政办主任", date(2020, 10, 31), BUSY, None),
]  # fmt: skip

MEMBER_UNITS = [
    "综合文化服务中心",
    "教育管理中心",
    "党群办",
    "党政办",
    "市场办",
    "人力社保所",
    "平安办",
    "妇联",
    "团委",
    "涪陵第十中学",
    "新妙镇社区学校",
]

# (kind, title, held on, place, invited, absent, minutes, decisions, action items (unit, text, due, closed on, note))
MEETINGS = [
    (
        MeetingKind.MOBILISATION,
        "新妙镇创建重庆市社区教育示范区动员部署会议",
        date(2020, 5, 15),
        "镇政府三楼会议室",
        [*MEMBER_UNITS, "民政办", "司法所", "弋阳村村委会", "十字村村委会", "平政村村委会"],
        ["市场办"],
        "镇长张必文同志作动员讲话，宣传组织委员郑杰同志解读创建工作实施方案。各成员单位、各村（居）负责人参加会议。",
        "一、5月底前将目标任务分解到各部门和村（居）。\n二、各村（居）6月底前启动社区学习中心建设。",
        [("社区教育办公室", "5月底前印发目标任务分解表", date(2020, 5, 31), date(2020, 5, 29), "分解表已印发各单位。")],
    ),
    (
        MeetingKind.JOINT,
        "2020年第一次社区教育工作联席会议",
        date(2020, 7, 8),
        "综合文化服务中心二楼会议室",
        [*MEMBER_UNITS, "民政办", "十字村村委会"],
        ["团委"],
        "听取各成员单位创建工作进展汇报，研究解决社区学习中心建设和大讲堂排课中的问题。",
        "一、十字村7月底前建成社区学习中心。\n二、大讲堂自8月起每月初公布当月讲座安排。",
        [
            ("十字村村委会", "7月底前建成十字村社区学习中心，落实场地和设备", date(2020, 7, 31), None, ""),
            (
                "综合文化服务中心",
                "每月初公布当月大讲堂讲座安排",
                date(2020, 8, 15),
                date(2020, 8, 3),
                "8月讲座安排已在公众号和各村公告栏公布。",
            ),
        ],
    ),
]

# Each notice with the date it was issued in 2020 (发文日期): loaded today, it still reads its 2020
# date. The commendation names 弋阳村村委会 as a collective and 刘芳 as one of its people: two
# subjects of one unit, shown once as 弋阳村村委会（刘芳）.
COMMENDATION = (
    "关于表扬2020年社区教育工作先进集体和个人的通报",
    "综合文化服务中心、弋阳村村委会在创建工作中措施有力、成效明显，弋阳村志愿者刘芳同志积极参与社区教育活动，"
    "特予通报表扬。",
    [("综合文化服务中心", ""), ("弋阳村村委会", ""), ("弋阳村村委会", "刘芳")],
    date(2020, 12, 18),
    None,
)
CRITICISM = (
    "关于十字村社区学习中心建设进度滞后的通报",
    "十字村社区学习中心未能按联席会议要求于7月底前建成，影响全镇创建进度，特予通报批评，请于9月15日前整改到位。",
    [("十字村村委会", "")],
    date(2020, 8, 10),
    date(2020, 9, 15),
)

# Who held the leadership group's posts (invented names): the town head changed in mid-2021, so a
# 2020 notice names 陈志刚 and a notice of today 李明华.
LEADERSHIP_HOLDERS = {
    ("组长", "镇长"): [("陈志刚", date(2018, 1, 1)), ("李明华", date(2021, 7, 1))],
    ("副组长", "宣传组织委员"): [("周丽", date(2019, 3, 1))],
}
MEMBER_HOLDER_NAMES = [
    "王建国",
    "刘德明",
    "张秀英",
    "杨志强",
    "黄海燕",
    "赵永红",
    "吴小平",
    "孙立新",
    "马文斌",
    "胡晓梅",
]


def _director(town: Town) -> User:
    """The office director: a second town-office account, who approves what the office drafts."""
    user = User.objects.filter(username="director").first()
    if user is None:
        user = account_services.create_staff_account(
            username="director",
            password=DEMO_PASSWORD,
            town=town,
            display_name="社区教育办公室主任",
            must_change_password=False,
        )
        org_services.assign_role(user=user, role=Role.TOWN_OFFICE, town=town)
    return user


def _load_leadership_holders(town: Town, office: User) -> None:
    """Names and dates for the leadership group's posts, once (a post with holders is left alone)."""
    positions = Position.objects.filter(town=town, unit__unit_type=UnitType.LEADERSHIP_GROUP).order_by("position", "id")
    members = iter(MEMBER_HOLDER_NAMES)
    for position in positions:
        if position.holders.exists():
            continue
        holders = LEADERSHIP_HOLDERS.get((position.title, position.held_by))
        if holders is None:
            name = next(members, None)
            holders = [(name, date(2020, 4, 1))] if name else []
        for name, starts_on in holders:
            position_holders.appoint_holder(position=position, person_name=name, starts_on=starts_on, actor=office)


def load_planning(town: Town) -> None:
    office = User.objects.get(username="office")
    _load_leadership_holders(town, office)
    director = _director(town)
    units = {unit.name: unit for unit in Unit.objects.filter(town=town)}
    phases = {}
    for number, name, starts_on, ends_on, description in PHASES:
        phase = Phase.objects.filter(town=town, number=number).first()
        phases[number] = phase or task_services.save_phase(
            town=town,
            number=number,
            name=name,
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
            actor=office,
        )
    for number, unit_name, title, target, owner, due_on, status, done_on in TASKS:
        if Task.objects.filter(town=town, phase=phases[number], unit=units[unit_name], title=title).exists():
            continue
        task = task_services.create_task(
            town=town,
            phase=phases[number],
            unit=units[unit_name],
            title=title,
            target=target,
            owner=owner,
            due_on=due_on,
            actor=office,
        )
        if status != TaskStatus.NOT_STARTED:
            task_services.set_task_status(task=task, status=status, done_on=done_on, actor=office)
    for kind, title, held_on, place, invited, absent, minutes, decisions, actions in MEETINGS:
        if Meeting.objects.filter(town=town, held_on=held_on, title=title).exists():
            continue
        meeting = meeting_services.record_meeting(
            town=town,
            kind=kind,
            title=title,
            held_on=held_on,
            place=place,
            minutes=minutes,
            decisions=decisions,
            invited=[units[name] for name in invited],
            attended=[units[name] for name in invited if name not in absent],
            actor=office,
        )
        for unit_name, text, due_on, closed_on, note in actions:
            item = rectification_services.add_action_item(
                meeting=meeting, unit=units[unit_name], description=text, due_on=due_on, actor=office
            )
            if closed_on is not None:
                rectification_services.close_rectification_item(
                    item=item, closing_note=note, closed_on=closed_on, actor=office
                )
    for kind, (title, body, subjects, effective_on, rectify_by) in (
        (NoticeKind.COMMENDATION, COMMENDATION),
        (NoticeKind.CRITICISM, CRITICISM),
    ):
        existing = Notice.objects.filter(town=town, title=title).first()
        if existing is not None:
            if existing.effective_on != effective_on:  # a demo loaded before notices carried their date
                notice_services.set_notice_effective_on(notice=existing, effective_on=effective_on, actor=office)
            continue
        notice = notice_services.draft_notice(
            town=town,
            kind=kind,
            title=title,
            body=body,
            rectify_by=rectify_by,
            effective_on=effective_on,
            subjects=[(units[name], person) for name, person in subjects],
            actor=office,
        )
        notice = notice_services.approve_notice(notice=notice, actor=director)
        if notice.status == NoticeStatus.APPROVED:
            notice_services.publish_notice(notice=notice, actor=office)
