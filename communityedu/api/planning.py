"""The town's plan over the API: phases and tasks with progress, meetings, rectification items,
notices, the external evaluation and the plan overview — the same services and gates as the pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import File, Schema, Status, UploadedFile
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Id, Text, Title, TownSlug, Year
from communityedu.organization.models import Unit
from communityedu.planning import permissions, selectors, services
from communityedu.planning.constants import MeetingKind, NoticeKind, TaskStatus
from communityedu.planning.models import Phase

router = ListRouter(tags=["planning"])


class TaskProgressOut(Schema):
    total: int
    done: int
    overdue: int
    percent: int


class PhaseOut(Schema):
    id: int
    number: int
    name: str
    starts_on: date | None
    ends_on: date
    description: str


class PhaseProgressOut(Schema):
    phase: PhaseOut
    progress: TaskProgressOut


class UnitProgressOut(Schema):
    unit_id: int
    unit: str
    progress: TaskProgressOut


class PlanProgressOut(Schema):
    as_of: date
    overall: TaskProgressOut
    phases: list[PhaseProgressOut]
    units: list[UnitProgressOut]


class PhaseIn(Schema):
    name: Title(60)
    starts_on: date | None = None
    ends_on: date
    description: Text() | None = None


class PlanFileOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int


class TaskOut(Schema):
    id: int
    phase_id: int
    phase_number: int
    unit_id: int
    unit: str
    title: str
    target: str
    owner: str
    due_on: date
    status: TaskStatus
    done_on: date | None
    note: str
    is_overdue: bool
    is_done_late: bool
    files: list[PlanFileOut]

    @staticmethod
    def resolve_phase_number(obj):
        return obj.phase.number

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_is_overdue(obj):
        return obj.is_overdue_as_of(timezone.localdate())

    @staticmethod
    def resolve_files(obj):
        return list(obj.files.all())


class TaskIn(Schema):
    town: TownSlug
    phase_id: Id
    unit_id: Id
    title: Title(200)
    target: Text() = ""
    owner: Text(60) = ""
    due_on: date


class TaskStatusIn(Schema):
    status: TaskStatus
    done_on: date | None = None
    note: Text() | None = None


class InvitationOut(Schema):
    unit_id: int
    unit: str
    attended: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class ItemOut(Schema):
    id: int
    source: str
    meeting_id: int | None
    notice_id: int | None
    evaluation_id: int | None
    unit_id: int
    unit: str
    description: str
    due_on: date
    status: str
    closed_on: date | None
    closing_note: str
    is_overdue: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_is_overdue(obj):
        return obj.is_overdue_as_of(timezone.localdate())


class MeetingOut(Schema):
    id: int
    kind: MeetingKind
    title: str
    held_on: date
    place: str
    minutes: str
    decisions: str
    invitations: list[InvitationOut]
    action_items: list[ItemOut]

    @staticmethod
    def resolve_invitations(obj):
        return list(obj.invitations.all())

    @staticmethod
    def resolve_action_items(obj):
        return list(obj.action_items.all())


class MeetingIn(Schema):
    town: TownSlug
    kind: MeetingKind
    title: Title(200)
    held_on: date
    place: Text(100) = ""
    minutes: Text() = ""
    decisions: Text() = ""
    invited_unit_ids: list[Id] = []
    attended_unit_ids: list[Id] = []


class MeetingAttendanceIn(Schema):
    invited_unit_ids: list[Id]
    attended_unit_ids: list[Id]


class ItemIn(Schema):
    unit_id: Id
    description: Text()
    due_on: date


class JointYearOut(Schema):
    year: int
    held: int
    status: str
    is_flagged: bool


class NoteIn(Schema):
    text: Text()


class CloseIn(Schema):
    closing_note: Text()
    closed_on: date | None = None


class SubjectOut(Schema):
    unit_id: int
    unit: str
    person_name: str

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name


class NoticeOut(Schema):
    id: int
    kind: NoticeKind
    title: str
    body: str
    status: str
    rectify_by: date | None
    approved_at: datetime | None
    published_at: datetime | None
    subjects: list[SubjectOut]

    @staticmethod
    def resolve_subjects(obj):
        return list(obj.subjects.all())


class SubjectIn(Schema):
    unit_id: Id
    person_name: Title(50) = ""


class NoticeIn(Schema):
    town: TownSlug
    kind: NoticeKind
    title: Title(200)
    body: Text()
    subjects: list[SubjectIn]
    rectify_by: date | None = None


class EvaluationOut(Schema):
    id: int
    held_on: date
    evaluators: str
    score: Decimal
    is_accepted: bool
    conclusion: str
    rectification_items: list[ItemOut]

    @staticmethod
    def resolve_rectification_items(obj):
        return list(obj.rectification_items.all())


class EvaluationIn(Schema):
    town: TownSlug
    held_on: date
    evaluators: Text(300)
    score: Decimal
    conclusion: Text()
    is_accepted: bool = False


class OverviewTaskOut(Schema):
    unit: str
    title: str
    owner: str
    due_on: date
    status: str
    status_label: str
    done_on: date | None
    is_overdue: bool
    evidence_files: int


class OverviewPhaseOut(Schema):
    number: int
    name: str
    starts_on: date | None
    ends_on: date
    done: int
    total: int
    tasks: list[OverviewTaskOut]


class OverviewItemOut(Schema):
    unit: str
    description: str
    due_on: date
    status: str
    closed_on: date | None


class OverviewMeetingOut(Schema):
    kind: str
    title: str
    held_on: date
    invited: list[str]
    attended: list[str]
    decisions: str
    action_items: list[OverviewItemOut]


class OverviewOut(Schema):
    as_of: date
    phases: list[OverviewPhaseOut]
    meetings: list[OverviewMeetingOut]
    joint_meeting_years: list[JointYearOut]


# ---- helpers ------------------------------------------------------------------------------------


def _plan_town(request, slug: str, rule=permissions.can_read_plan):
    town = town_for(request, slug)
    if not rule(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


def _managing(request, slug: str):
    return _plan_town(request, slug, permissions.can_manage_plan)


def _any_reader(request) -> None:
    if not permissions.readable_town_ids(request.user):
        raise HttpError(403, "Not allowed")


def _managed(request, obj) -> None:
    if not permissions.can_manage_plan(request.user, obj.town):
        raise HttpError(403, "Not allowed")


def _updatable(request, obj) -> None:
    if not permissions.can_update_for_unit(request.user, town_id=obj.town_id, unit_id=obj.unit_id):
        raise HttpError(403, "Not allowed")


def _unit(town, pk: int) -> Unit:
    unit = Unit.objects.filter(town=town, pk=pk).first()
    if unit is None:
        raise ValidationError({"unit_id": f"unit {pk} is not a unit of {town.slug}"})
    return unit


def _as_of(as_of: date | None) -> date:
    return as_of or timezone.localdate()


def _progress_out(progress) -> dict:
    return {"total": progress.total, "done": progress.done, "overdue": progress.overdue, "percent": progress.percent}


# ---- phases, tasks, progress --------------------------------------------------------------------


@router.get("/planning/progress", response=PlanProgressOut)
def get_plan_progress(request, town: str, as_of: date | None = None):
    """The phases with their dates and progress, progress per unit and overall, as of a date
    (tasks the caller may see)."""
    town_row = _plan_town(request, town)
    progress = selectors.plan_progress(
        tasks=selectors.tasks_visible_to(request.user, town_row), town=town_row, as_of=_as_of(as_of)
    )
    return {
        "as_of": progress.as_of,
        "overall": _progress_out(progress.overall),
        "phases": [{"phase": line.phase, "progress": _progress_out(line.progress)} for line in progress.phases],
        "units": [
            {"unit_id": line.unit.pk, "unit": line.unit.name, "progress": _progress_out(line.progress)}
            for line in progress.units
        ],
    }


@router.put("/planning/phases/{number}", response=PhaseOut)
def put_plan_phase(request, number: Id, town: str, body: PhaseIn):
    """Create phase ``number`` (1–9) of the town's plan or change its name and dates."""
    town_row = _managing(request, town)
    if not 1 <= number <= 9:
        raise ApiError(
            400,
            "number: the plan's phases are numbered 1 to 9",
            errors=[("number", "the plan's phases are numbered 1 to 9")],
        )
    phase = services.save_phase(town=town_row, number=number, actor=request.user, **body.dict())
    return Status(200, phase)


@router.get("/planning/tasks", response=list[TaskOut])
def list_plan_tasks(
    request, town: str, phase: Id | None = None, unit_id: Id | None = None, overdue: bool | None = None
):
    """Tasks the caller may see; ``phase`` is a phase number; ``overdue`` filters on today."""
    town_row = _plan_town(request, town)
    tasks = selectors.tasks_visible_to(request.user, town_row).select_related("phase", "unit")
    if phase is not None:
        tasks = tasks.filter(phase__number=phase)
    if unit_id is not None:
        tasks = tasks.filter(unit_id=unit_id)
    rows = list(tasks.prefetch_related("files").order_by("phase__number", "due_on", "id"))
    if overdue is not None:
        today = timezone.localdate()
        rows = [task for task in rows if task.is_overdue_as_of(today) == overdue]
    return rows


@router.post("/planning/tasks", response={201: TaskOut})
def create_plan_task(request, body: TaskIn):
    town_row = _managing(request, body.town)
    phase = Phase.objects.filter(town=town_row, pk=body.phase_id).first()
    if phase is None:
        raise ValidationError({"phase_id": f"phase {body.phase_id} is not a phase of {town_row.slug}"})
    task = services.create_task(
        town=town_row,
        phase=phase,
        unit=_unit(town_row, body.unit_id),
        title=body.title,
        target=body.target,
        owner=body.owner,
        due_on=body.due_on,
        actor=request.user,
    )
    return Status(201, task)


@router.post("/planning/tasks/{task_id}/status", response=TaskOut)
def set_plan_task_status(request, task_id: Id, body: TaskStatusIn):
    """Not started, in progress, or done on a date (not in the future)."""
    _any_reader(request)
    task = selectors.get_task_for(request.user, task_id)
    _updatable(request, task)
    task = services.set_task_status(
        task=task, status=body.status, done_on=body.done_on, note=body.note, actor=request.user
    )
    return Status(200, task)


@router.post("/planning/tasks/{task_id}/evidence", response={201: PlanFileOut})
def upload_plan_task_evidence(request, task_id: Id, file: UploadedFile = File(...)):
    """A photo (JPEG, PNG, WebP) or PDF, checked by its content."""
    _any_reader(request)
    task = selectors.get_task_for(request.user, task_id)
    _updatable(request, task)
    return Status(201, services.attach_task_file(actor=request.user, task=task, upload=file))


# ---- meetings -----------------------------------------------------------------------------------


def _meeting_rows(queryset):
    return queryset.prefetch_related("invitations__unit", "action_items__unit")


@router.get("/planning/meetings", response=list[MeetingOut])
def list_plan_meetings(request, town: str, year: Year | None = None):
    town_row = _plan_town(request, town)
    meetings = selectors.meetings_visible_to(request.user, town_row)
    if year is not None:
        meetings = meetings.filter(held_on__year=year)
    return list(_meeting_rows(meetings).order_by("held_on", "id"))


@router.get("/planning/joint-meetings", response=list[JointYearOut])
def get_plan_joint_meeting_years(request, town: str, as_of: date | None = None):
    """Joint meetings held every year against the plan's 1–2; a year without one is flagged."""
    town_row = _plan_town(request, town)
    return selectors.joint_meeting_years(town=town_row, as_of=_as_of(as_of))


@router.post("/planning/meetings", response={201: MeetingOut})
def create_plan_meeting(request, body: MeetingIn):
    town_row = _managing(request, body.town)
    meeting = services.record_meeting(
        town=town_row,
        kind=body.kind,
        title=body.title,
        held_on=body.held_on,
        place=body.place,
        minutes=body.minutes,
        decisions=body.decisions,
        invited=[_unit(town_row, pk) for pk in body.invited_unit_ids],
        attended=[_unit(town_row, pk) for pk in body.attended_unit_ids],
        actor=request.user,
    )
    return Status(201, _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get())


@router.get("/planning/meetings/{meeting_id}", response=MeetingOut)
def get_plan_meeting(request, meeting_id: Id):
    _any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    return _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get()


@router.put("/planning/meetings/{meeting_id}/attendance", response=MeetingOut)
def put_plan_meeting_attendance(request, meeting_id: Id, body: MeetingAttendanceIn):
    """Replace the units invited and attending (an attending unit counts as invited)."""
    _any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    _managed(request, meeting)
    services.set_attendance(
        meeting=meeting,
        invited=[_unit(meeting.town, pk) for pk in body.invited_unit_ids],
        attended=[_unit(meeting.town, pk) for pk in body.attended_unit_ids],
        actor=request.user,
    )
    return Status(200, _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get())


@router.post("/planning/meetings/{meeting_id}/action-items", response={201: ItemOut})
def create_plan_meeting_action_item(request, meeting_id: Id, body: ItemIn):
    _any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    _managed(request, meeting)
    item = services.add_action_item(
        meeting=meeting,
        unit=_unit(meeting.town, body.unit_id),
        description=body.description,
        due_on=body.due_on,
        actor=request.user,
    )
    return Status(201, item)


# ---- rectification ------------------------------------------------------------------------------


@router.get("/planning/rectification", response=list[ItemOut])
def list_rectification_items(request, town: str, state: str | None = None, as_of: date | None = None):
    """Rectification items the caller may see; ``state`` is ``overdue``, ``open`` (not yet due)
    or ``closed``, as of ``as_of`` (today by default)."""
    town_row = _plan_town(request, town)
    lists = selectors.rectification_lists(selectors.items_visible_to(request.user, town_row), _as_of(as_of))
    if state is None:
        return [*lists["overdue"], *lists["open"], *lists["closed"]]
    if state not in lists:
        raise HttpError(400, "state: choose overdue, open or closed")
    return lists[state]


@router.post("/planning/rectification/{item_id}/notes", response={201: ItemOut})
def add_rectification_note(request, item_id: Id, body: NoteIn):
    _any_reader(request)
    item = selectors.get_item_for(request.user, item_id)
    _updatable(request, item)
    services.add_rectification_note(item=item, text=body.text, actor=request.user)
    return Status(201, selectors.get_item_for(request.user, item_id))


@router.post("/planning/rectification/{item_id}/evidence", response={201: PlanFileOut})
def upload_rectification_evidence(request, item_id: Id, file: UploadedFile = File(...)):
    _any_reader(request)
    item = selectors.get_item_for(request.user, item_id)
    _updatable(request, item)
    return Status(201, services.attach_rectification_file(actor=request.user, item=item, upload=file))


@router.post("/planning/rectification/{item_id}/close", response=ItemOut)
def close_rectification_item(request, item_id: Id, body: CloseIn):
    _any_reader(request)
    item = selectors.get_item_for(request.user, item_id)
    _updatable(request, item)
    item = services.close_rectification_item(
        item=item, closing_note=body.closing_note, closed_on=body.closed_on, actor=request.user
    )
    return Status(200, item)


# ---- notices ------------------------------------------------------------------------------------


@router.get("/planning/notices", response=list[NoticeOut])
def list_plan_notices(request, town: str):
    """Drafts too for the office; published notices naming their units for the units."""
    town_row = _plan_town(request, town)
    return list(selectors.notices_visible_to(request.user, town_row).prefetch_related("subjects__unit"))


@router.post("/planning/notices", response={201: NoticeOut})
def draft_plan_notice(request, body: NoticeIn):
    town_row = _managing(request, body.town)
    notice = services.draft_notice(
        town=town_row,
        kind=body.kind,
        title=body.title,
        body=body.body,
        subjects=[(_unit(town_row, subject.unit_id), subject.person_name) for subject in body.subjects],
        rectify_by=body.rectify_by,
        actor=request.user,
    )
    return Status(201, notice)


def _notice_action(request, notice_id: int, action):
    _any_reader(request)
    notice = selectors.get_notice_for(request.user, notice_id)
    _managed(request, notice)
    return Status(200, action(notice=notice, actor=request.user))


@router.post("/planning/notices/{notice_id}/approve", response=NoticeOut)
def approve_plan_notice(request, notice_id: Id):
    """Approve a draft; refused (400) for the account that drafted it."""
    return _notice_action(request, notice_id, services.approve_notice)


@router.post("/planning/notices/{notice_id}/publish", response=NoticeOut)
def publish_plan_notice(request, notice_id: Id):
    """Publish an approved notice; a criticism raises a rectification item per unit."""
    return _notice_action(request, notice_id, services.publish_notice)


# ---- the external evaluation and the overview ---------------------------------------------------


@router.get("/planning/evaluations", response=list[EvaluationOut])
def list_plan_evaluations(request, town: str):
    town_row = _plan_town(request, town, permissions.can_read_evaluations)
    return list(selectors.evaluations_visible_to(request.user, town_row).prefetch_related("rectification_items__unit"))


@router.post("/planning/evaluations", response={201: EvaluationOut})
def create_plan_evaluation(request, body: EvaluationIn):
    town_row = _managing(request, body.town)
    evaluation = services.record_evaluation(town=town_row, actor=request.user, **body.dict(exclude={"town"}))
    return Status(201, evaluation)


@router.post("/planning/evaluations/{evaluation_id}/items", response={201: ItemOut})
def create_plan_evaluation_item(request, evaluation_id: Id, body: ItemIn):
    _any_reader(request)
    evaluation = selectors.get_evaluation_for(request.user, evaluation_id)
    _managed(request, evaluation)
    item = services.add_evaluation_item(
        evaluation=evaluation,
        unit=_unit(evaluation.town, body.unit_id),
        description=body.description,
        due_on=body.due_on,
        actor=request.user,
    )
    return Status(201, item)


@router.get("/planning/overview", response=OverviewOut)
def get_plan_overview(request, town: str, as_of: date | None = None):
    """The whole plan as of a date, as the dossier prints it: phases with tasks, meetings with
    attendance and action items, joint meetings per year. The office and evaluators only."""
    town_row = _plan_town(request, town, permissions.reads_whole_plan)
    return selectors.plan_overview(town_row, _as_of(as_of))
