"""Reads of the plan: the gates (what an account may see), progress per phase and per unit as of
a date, the joint-meeting years, the open and overdue rectification items, and the read interface
of the annual unit assessment and the dossier.

"As of" a date means what the records say about that date: a task counts as done if its done
date is on or before it, as overdue if its due date is before it and it was not done by then; a
rectification item is overdue if its due date is before it and it was not closed by then.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from communityedu.organization.models import Town, Unit
from communityedu.planning import permissions
from communityedu.planning.constants import (
    JOINT_MEETINGS_PER_YEAR,
    JointMeetingYearStatus,
    MeetingKind,
    NoticeStatus,
    RectificationStatus,
    TaskStatus,
)
from communityedu.planning.models import (
    Evaluation,
    Meeting,
    MeetingInvitation,
    Notice,
    NoticeSubject,
    Phase,
    PlanFile,
    PlanSetting,
    RectificationItem,
    Task,
)

if TYPE_CHECKING:
    from django.db import models

    from communityedu.accounts.models import User

# ---- gates --------------------------------------------------------------------------------------


def _unit_scoped(queryset: QuerySet, user: User, town: Town, unit_field: str = "unit_id") -> QuerySet:
    queryset = queryset.filter(town=town)
    if permissions.reads_whole_plan(user, town):
        return queryset
    return queryset.filter(**{f"{unit_field}__in": permissions.acting_unit_ids(user, town)})


def tasks_visible_to(user: User, town: Town) -> QuerySet[Task]:
    return _unit_scoped(Task.objects.all(), user, town)


def items_visible_to(user: User, town: Town) -> QuerySet[RectificationItem]:
    return _unit_scoped(RectificationItem.objects.all(), user, town)


def meetings_visible_to(user: User, town: Town) -> QuerySet[Meeting]:
    """The whole town's meetings for the office and evaluators; the meetings a unit was invited to
    for its staff."""
    meetings = Meeting.objects.filter(town=town)
    if permissions.reads_whole_plan(user, town):
        return meetings
    invited = MeetingInvitation.objects.filter(town=town, unit_id__in=permissions.acting_unit_ids(user, town))
    return meetings.filter(pk__in=invited.values("meeting_id"))


def notices_visible_to(user: User, town: Town) -> QuerySet[Notice]:
    """Every notice for the office; published ones for evaluators; published ones naming one of
    its units for a unit's staff."""
    notices = Notice.objects.filter(town=town)
    if permissions.can_manage_plan(user, town):
        return notices
    notices = notices.filter(status=NoticeStatus.PUBLISHED)
    if permissions.reads_whole_plan(user, town):
        return notices
    units = permissions.acting_unit_ids(user, town)
    return notices.filter(pk__in=NoticeSubject.objects.filter(unit_id__in=units).values("notice_id"))


def published_as_of(notices: QuerySet[Notice], as_of: date) -> QuerySet[Notice]:
    """The published notices in effect on ``as_of`` (their effective date on or before it; an
    undated one counts from its publishing), latest effective date first."""
    return (
        notices.filter(status=NoticeStatus.PUBLISHED)
        .filter(Q(effective_on__lte=as_of) | Q(effective_on__isnull=True, published_at__date__lte=as_of))
        .order_by(F("effective_on").desc(nulls_last=True), "-published_at", "-id")
    )


def plan_setting(town: Town) -> PlanSetting:
    """The town's plan settings (the defaults, unsaved, until the office saves them)."""
    return PlanSetting.objects.filter(town=town).first() or PlanSetting(town=town)


def evaluations_visible_to(user: User, town: Town) -> QuerySet[Evaluation]:
    if not permissions.can_read_evaluations(user, town):
        return Evaluation.objects.none()
    return Evaluation.objects.filter(town=town)


def _readable(model: type[models.Model], user: User) -> QuerySet:
    return model._default_manager.filter(town_id__in=permissions.readable_town_ids(user)).select_related("town")


def get_task_for(user: User, pk: int) -> Task:
    task = get_object_or_404(_readable(Task, user), pk=pk)
    return get_object_or_404(
        tasks_visible_to(user, task.town).select_related("town", "phase", "unit", "created_by"), pk=pk
    )


def get_item_for(user: User, pk: int) -> RectificationItem:
    item = get_object_or_404(_readable(RectificationItem, user), pk=pk)
    return get_object_or_404(
        items_visible_to(user, item.town).select_related(
            "town", "unit", "meeting", "notice", "evaluation", "raised_by", "closed_by"
        ),
        pk=pk,
    )


def get_meeting_for(user: User, pk: int) -> Meeting:
    meeting = get_object_or_404(_readable(Meeting, user), pk=pk)
    return get_object_or_404(meetings_visible_to(user, meeting.town).select_related("town"), pk=pk)


def get_notice_for(user: User, pk: int) -> Notice:
    notice = get_object_or_404(_readable(Notice, user), pk=pk)
    return get_object_or_404(
        notices_visible_to(user, notice.town).select_related("town", "drafted_by", "approved_by"), pk=pk
    )


def get_evaluation_for(user: User, pk: int) -> Evaluation:
    evaluation = get_object_or_404(_readable(Evaluation, user), pk=pk)
    return get_object_or_404(evaluations_visible_to(user, evaluation.town).select_related("town"), pk=pk)


def get_file_for(user: User, pk: int) -> PlanFile:
    """An evidence file of a task or rectification item ``user`` may see."""
    kept = get_object_or_404(_readable(PlanFile, user), pk=pk)
    if kept.task_id is not None:
        get_object_or_404(tasks_visible_to(user, kept.town), pk=kept.task_id)
    else:
        get_object_or_404(items_visible_to(user, kept.town), pk=kept.item_id)
    return kept


# ---- progress -----------------------------------------------------------------------------------


@dataclass
class Progress:
    """Tasks done, overdue and in all, as of a date."""

    total: int = 0
    done: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def count(self, task: Task, as_of: date) -> None:
        self.total += 1
        self.done += task.is_done_as_of(as_of)
        self.overdue += task.is_overdue_as_of(as_of)


@dataclass
class PhaseLine:
    phase: Phase
    tasks: list[Task]
    progress: Progress


@dataclass
class UnitLine:
    unit: Unit
    progress: Progress


@dataclass
class PlanProgress:
    as_of: date
    phases: list[PhaseLine]
    units: list[UnitLine]
    overall: Progress
    overdue_tasks: list[Task] = field(default_factory=list)


def plan_progress(*, tasks: QuerySet[Task], town: Town, as_of: date) -> PlanProgress:
    """The phases with their (visible) tasks, progress per phase, per unit and overall, and the
    overdue tasks, as of ``as_of``. Two queries: the phases, the tasks with their units."""
    phases = list(Phase.objects.filter(town=town).order_by("number"))
    rows = list(tasks.select_related("unit", "phase").prefetch_related("files").order_by("due_on", "id"))
    by_phase: dict[int, list[Task]] = defaultdict(list)
    by_unit: dict[int, UnitLine] = {}
    overall = Progress()
    for task in rows:
        task.is_overdue = task.is_overdue_as_of(as_of)
        task.is_done = task.is_done_as_of(as_of)
        by_phase[task.phase_id].append(task)
        by_unit.setdefault(task.unit_id, UnitLine(task.unit, Progress())).progress.count(task, as_of)
        overall.count(task, as_of)
    phase_lines = []
    for phase in phases:
        progress = Progress()
        for task in by_phase[phase.pk]:
            progress.count(task, as_of)
        phase_lines.append(PhaseLine(phase, by_phase[phase.pk], progress))
    units = sorted(by_unit.values(), key=lambda line: (line.unit.unit_type, line.unit.name))
    return PlanProgress(
        as_of=as_of,
        phases=phase_lines,
        units=units,
        overall=overall,
        overdue_tasks=[task for task in rows if task.is_overdue],
    )


# ---- meetings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class JointMeetingYear:
    year: int
    held: int
    status: str

    @property
    def is_flagged(self) -> bool:
        return self.status in (JointMeetingYearStatus.MISSING, JointMeetingYearStatus.NOT_YET)

    @property
    def label(self) -> str:
        return str(JointMeetingYearStatus(self.status).label)


def joint_meeting_years(*, town: Town, as_of: date) -> list[JointMeetingYear]:
    """Every year from the programme's start to ``as_of`` with the joint meetings held in it (up
    to ``as_of``): 1–2 is what the plan asks; none is flagged — *missing* for a past year, *not
    yet* for the year of ``as_of``."""
    counts = dict(
        Meeting.objects.filter(town=town, kind=MeetingKind.JOINT, held_on__lte=as_of)
        .values_list("held_on__year")
        .annotate(held=Count("id"))
        .order_by()
    )
    first_year = town.programme_start.year if town.programme_start else min([*counts, as_of.year])
    first_year = min([first_year, *counts])
    highest = JOINT_MEETINGS_PER_YEAR[1]
    years = []
    for year in range(first_year, as_of.year + 1):
        held = counts.get(year, 0)
        if held == 0:
            status = JointMeetingYearStatus.NOT_YET if year == as_of.year else JointMeetingYearStatus.MISSING
        elif held > highest:
            status = JointMeetingYearStatus.MORE_THAN_PLANNED
        else:
            status = JointMeetingYearStatus.HELD
        years.append(JointMeetingYear(year=year, held=held, status=status))
    return years


def meeting_list(meetings: QuerySet[Meeting], as_of: date) -> list[Meeting]:
    """Meetings with their invitations and action items, newest first; each carries counts."""
    rows = list(
        meetings.prefetch_related(
            Prefetch("invitations", queryset=MeetingInvitation.objects.select_related("unit")),
            Prefetch("action_items", queryset=RectificationItem.objects.select_related("unit")),
        ).order_by("-held_on", "-id")
    )
    for meeting in rows:
        invitations = list(meeting.invitations.all())
        meeting.invited_count = len(invitations)
        meeting.attended_count = sum(row.attended for row in invitations)
        items = list(meeting.action_items.all())
        meeting.open_items = sum(not item.is_closed for item in items)
        meeting.overdue_items = sum(item.is_overdue_as_of(as_of) for item in items)
    return rows


# ---- rectification ------------------------------------------------------------------------------


def rectification_lists(items: QuerySet[RectificationItem], as_of: date) -> dict[str, list[RectificationItem]]:
    """The items split into overdue, open (not yet due) and closed, as of ``as_of``."""
    rows = list(items.select_related("unit", "meeting", "notice", "evaluation").order_by("due_on", "id"))
    lists: dict[str, list[RectificationItem]] = {"overdue": [], "open": [], "closed": []}
    for item in rows:
        item.is_overdue = item.is_overdue_as_of(as_of)
        if item.is_closed:
            lists["closed"].append(item)
        elif item.is_overdue:
            lists["overdue"].append(item)
        else:
            lists["open"].append(item)
    return lists


def open_items(items: QuerySet[RectificationItem]) -> QuerySet[RectificationItem]:
    return items.exclude(status=RectificationStatus.CLOSED)


@dataclass(frozen=True)
class StaffHomePlan:
    """What the staff home shows of the plan: the latest published notices naming the account's
    units (or of the whole town for the office and evaluators), and its open and overdue work."""

    notices: list[Notice]
    open_items: int
    overdue_items: int
    overdue_tasks: int


def staff_home_plan(user: User, town: Town, *, as_of: date, limit: int = 5) -> StaffHomePlan | None:
    """``None`` for an account that has no part in the town's plan."""
    if not permissions.can_read_plan(user, town):
        return None
    items = open_items(items_visible_to(user, town)).aggregate(
        open=Count("id"), overdue=Count("id", filter=Q(due_on__lt=as_of))
    )
    tasks = tasks_visible_to(user, town).filter(due_on__lt=as_of).exclude(done_on__lte=as_of)
    return StaffHomePlan(
        notices=list(published_as_of(notices_visible_to(user, town), as_of)[:limit]),
        open_items=items["open"],
        overdue_items=items["overdue"],
        overdue_tasks=tasks.count(),
    )


# ---- the read interface of the unit assessment and the dossier -----------------------------------


def unit_task_record(town: Town, year: int, as_of: date) -> dict[int, tuple[int, int]]:
    """Per unit id: (tasks done on or before their due date, tasks due on or before ``as_of``),
    counting the tasks due in ``year``. Units without such a task are left out."""
    rows = (
        Task.objects.filter(town=town, due_on__year=year, due_on__lte=as_of)
        .values("unit_id")
        .annotate(
            due=Count("id"),
            on_time=Count("id", filter=Q(done_on__isnull=False, done_on__lte=F("due_on"))),
        )
    )
    return {row["unit_id"]: (row["on_time"], row["due"]) for row in rows.order_by()}


def unit_meeting_attendance(town: Town, year: int, as_of: date) -> dict[int, tuple[int, int]]:
    """Per unit id: (meetings attended, meetings invited to), counting the meetings held in
    ``year`` up to ``as_of``. Units never invited are left out."""
    rows = (
        MeetingInvitation.objects.filter(town=town, meeting__held_on__year=year, meeting__held_on__lte=as_of)
        .values("unit_id")
        .annotate(invited=Count("id"), attended=Count("id", filter=Q(attended=True)))
        .order_by()
    )
    return {row["unit_id"]: (row["attended"], row["invited"]) for row in rows}


@dataclass(frozen=True)
class OverviewTask:
    unit: str
    title: str
    owner: str
    due_on: date
    status: str
    status_label: str
    done_on: date | None
    is_overdue: bool
    evidence_files: int


@dataclass(frozen=True)
class OverviewPhase:
    number: int
    name: str
    starts_on: date | None
    ends_on: date
    tasks: list[OverviewTask]
    done: int
    total: int


@dataclass(frozen=True)
class OverviewActionItem:
    unit: str
    description: str
    due_on: date
    status: str
    status_label: str
    closed_on: date | None


@dataclass(frozen=True)
class OverviewMeeting:
    kind: str
    kind_label: str
    title: str
    held_on: date
    invited: list[str]
    attended: list[str]
    decisions: str
    action_items: list[OverviewActionItem]


@dataclass(frozen=True)
class PlanOverview:
    as_of: date
    phases: list[OverviewPhase]
    meetings: list[OverviewMeeting]
    joint_meeting_years: list[JointMeetingYear]


def _status_as_of(task: Task) -> str:
    """The task's status on the overview's date: one done only later was still in progress."""
    return TaskStatus.IN_PROGRESS if task.status == TaskStatus.DONE and not task.is_done else task.status


def plan_overview(town: Town, as_of: date) -> PlanOverview:
    """The work plan for a report, as of ``as_of``: every phase with its tasks, their status on
    that date (done only if done by then) and evidence count, and the meetings held up to that
    date with the units invited and attending, the decisions and the action items."""
    progress = plan_progress(tasks=Task.objects.filter(town=town), town=town, as_of=as_of)
    phases = []
    for line in progress.phases:
        tasks = [
            OverviewTask(
                unit=task.unit.name,
                title=task.title,
                owner=task.owner,
                due_on=task.due_on,
                status=_status_as_of(task),
                status_label=str(TaskStatus(_status_as_of(task)).label),
                done_on=task.done_on if task.is_done else None,
                is_overdue=task.is_overdue,
                evidence_files=len(task.files.all()),
            )
            for task in sorted(line.tasks, key=lambda task: (task.due_on, task.unit.name, task.pk))
        ]
        phases.append(
            OverviewPhase(
                number=line.phase.number,
                name=line.phase.name,
                starts_on=line.phase.starts_on,
                ends_on=line.phase.ends_on,
                tasks=tasks,
                done=line.progress.done,
                total=line.progress.total,
            )
        )
    meetings = []
    for meeting in reversed(meeting_list(Meeting.objects.filter(town=town, held_on__lte=as_of), as_of)):
        invitations = list(meeting.invitations.all())
        meetings.append(
            OverviewMeeting(
                kind=meeting.kind,
                kind_label=str(meeting.get_kind_display()),
                title=meeting.title,
                held_on=meeting.held_on,
                invited=[row.unit.name for row in invitations],
                attended=[row.unit.name for row in invitations if row.attended],
                decisions=meeting.decisions,
                action_items=[
                    OverviewActionItem(
                        unit=item.unit.name,
                        description=item.description,
                        due_on=item.due_on,
                        status=item.status if item.closed_on is None or item.closed_on <= as_of else "open",
                        status_label=str(
                            item.get_status_display()
                            if item.closed_on is None or item.closed_on <= as_of
                            else RectificationStatus.OPEN.label
                        ),
                        closed_on=item.closed_on if item.closed_on and item.closed_on <= as_of else None,
                    )
                    for item in meeting.action_items.all()
                ],
            )
        )
    return PlanOverview(
        as_of=as_of,
        phases=phases,
        meetings=meetings,
        joint_meeting_years=joint_meeting_years(town=town, as_of=as_of),
    )
