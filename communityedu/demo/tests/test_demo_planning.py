"""The demo town's plan: the five phases of the Xinmiao plan, its tasks, meetings and notices,
loaded once; a second load adds nothing."""

from __future__ import annotations

from datetime import date

from communityedu.core.models import AuditLogEntry
from communityedu.demo import data
from communityedu.demo.loader import _load_accounts, _load_small_town_units, _load_town, _load_xinmiao_units
from communityedu.demo.planning import load_planning
from communityedu.organization.models import Position, Unit
from communityedu.people.position_holders import holder_on, leaders_on
from communityedu.planning.constants import NoticeStatus, RectificationSource
from communityedu.planning.models import Meeting, Notice, Phase, RectificationItem, Task
from communityedu.planning.selectors import joint_meeting_years, unit_meeting_attendance, unit_task_record


def test_the_demo_plan_loads_once_with_the_plans_phases(db):
    xinmiao = _load_town(data.XINMIAO, programme_start=date(2020, 5, 1))
    _load_xinmiao_units(xinmiao)
    nantuo = _load_town(data.NANTUO, programme_start=date(2020, 6, 1))
    _load_small_town_units(nantuo)
    _load_accounts({"xinmiao": xinmiao, "nantuo": nantuo})

    load_planning(xinmiao)
    entries = AuditLogEntry.objects.count()
    load_planning(xinmiao)

    assert AuditLogEntry.objects.count() == entries
    assert [(p.number, p.name, p.starts_on, p.ends_on) for p in Phase.objects.filter(town=xinmiao)] == [
        (1, "机构建立", None, date(2020, 4, 30)),
        (2, "动员部署", None, date(2020, 5, 31)),
        (3, "全面实施", date(2020, 6, 1), date(2020, 7, 31)),
        (4, "自查总结", date(2020, 8, 1), date(2020, 9, 30)),
        (5, "评估验收", date(2020, 10, 1), date(2020, 10, 31)),
    ]
    assert Task.objects.filter(town=xinmiao).count() == 27
    assert Task.objects.filter(town=xinmiao).order_by().values("unit").distinct().count() == 17
    assert list(Meeting.objects.filter(town=xinmiao).order_by("held_on").values_list("kind", "held_on")) == [
        ("mobilisation", date(2020, 5, 15)),
        ("joint", date(2020, 7, 8)),
    ]
    assert sorted(Notice.objects.filter(town=xinmiao).values_list("kind", "status", "effective_on")) == [
        ("commendation", NoticeStatus.PUBLISHED, date(2020, 12, 18)),
        ("criticism", NoticeStatus.PUBLISHED, date(2020, 8, 10)),
    ]
    commendation = Notice.objects.get(town=xinmiao, kind="commendation")
    assert commendation.subject_lines() == ["综合文化服务中心", "弋阳村村委会（刘芳）"]
    head = Position.objects.get(town=xinmiao, title="组长")
    assert holder_on(head, commendation.effective_on).person_name == "陈志刚"
    assert holder_on(head, date(2021, 7, 1)).person_name == "李明华"
    assert [(leader.post, leader.office, leader.name) for leader in leaders_on(xinmiao, date(2020, 12, 18))][:2] == [
        ("组长", "镇长", "陈志刚"),
        ("副组长", "宣传组织委员", "周丽"),
    ]
    assert all(leader.name for leader in leaders_on(xinmiao, date(2020, 12, 18)))
    shizi = Unit.objects.get(town=xinmiao, name="十字村村委会")
    assert sorted(
        RectificationItem.objects.filter(town=xinmiao, unit=shizi).values_list("source", "status", "due_on")
    ) == [
        (RectificationSource.CRITICISM, "open", date(2020, 9, 15)),
        (RectificationSource.MEETING, "open", date(2020, 7, 31)),
    ]
    # 十字村: one task on time of two due by the end of 2020, the other still in progress; invited
    # to both meetings and attended both.
    assert unit_task_record(xinmiao, 2020, date(2020, 12, 31))[shizi.pk] == (0, 2)
    assert unit_meeting_attendance(xinmiao, 2020, date(2020, 12, 31))[shizi.pk] == (2, 2)
    market = Unit.objects.get(town=xinmiao, name="市场办")
    assert unit_meeting_attendance(xinmiao, 2020, date(2020, 12, 31))[market.pk] == (1, 2)
    assert [(year.year, year.held) for year in joint_meeting_years(town=xinmiao, as_of=date(2021, 3, 1))] == [
        (2020, 1),
        (2021, 0),
    ]
