"""Phases and tasks of the work plan, their progress and their evidence files."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import File, Status, UploadedFile

from communityedu.api.common import ListRouter
from communityedu.api.errors import ApiError
from communityedu.api.planning.common import (
    as_of_or_today,
    check_any_reader,
    check_updatable,
    managing_town,
    plan_town,
    progress_out,
    unit_of,
)
from communityedu.api.planning.schemas import (
    PhaseIn,
    PhaseOut,
    PlanFileOut,
    PlanProgressOut,
    PlanSettingIn,
    PlanSettingOut,
    TaskIn,
    TaskOut,
    TaskStatusIn,
)
from communityedu.api.types import Id
from communityedu.planning import selectors
from communityedu.planning.models import Phase
from communityedu.planning.services import files as file_services
from communityedu.planning.services import tasks as task_services

router = ListRouter(tags=["planning"])


@router.get("/planning/progress", response=PlanProgressOut)
def get_plan_progress(request, town: str, as_of: date | None = None):
    """The phases with their dates and progress, progress per unit and overall, as of a date
    (tasks the caller may see)."""
    town_row = plan_town(request, town)
    progress = selectors.plan_progress(
        tasks=selectors.tasks_visible_to(request.user, town_row), town=town_row, as_of=as_of_or_today(as_of)
    )
    return {
        "as_of": progress.as_of,
        "overall": progress_out(progress.overall),
        "phases": [{"phase": line.phase, "progress": progress_out(line.progress)} for line in progress.phases],
        "units": [
            {"unit_id": line.unit.pk, "unit": line.unit.name, "progress": progress_out(line.progress)}
            for line in progress.units
        ],
    }


@router.put("/planning/phases/{number}", response=PhaseOut)
def put_plan_phase(request, number: Id, town: str, body: PhaseIn):
    """Create phase ``number`` (1–9) of the town's plan or change its name and dates."""
    town_row = managing_town(request, town)
    if not 1 <= number <= 9:
        raise ApiError(
            400,
            "number: the plan's phases are numbered 1 to 9",
            errors=[("number", "the plan's phases are numbered 1 to 9")],
        )
    phase = task_services.save_phase(town=town_row, number=number, actor=request.user, **body.dict())
    return Status(200, phase)


@router.get("/planning/tasks", response=list[TaskOut])
def list_plan_tasks(
    request, town: str, phase: Id | None = None, unit_id: Id | None = None, overdue: bool | None = None
):
    """Tasks the caller may see; ``phase`` is a phase number; ``overdue`` filters on today."""
    town_row = plan_town(request, town)
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
    town_row = managing_town(request, body.town)
    phase = Phase.objects.filter(town=town_row, pk=body.phase_id).first()
    if phase is None:
        raise ValidationError({"phase_id": f"phase {body.phase_id} is not a phase of {town_row.slug}"})
    task = task_services.create_task(
        town=town_row,
        phase=phase,
        unit=unit_of(town_row, body.unit_id),
        title=body.title,
        target=body.target,
        owner=body.owner,
        due_on=body.due_on,
        actor=request.user,
    )
    return Status(201, task)


@router.post("/planning/tasks/{task_id}/status", response=TaskOut)
def set_plan_task_status(request, task_id: Id, body: TaskStatusIn):
    """Not started, in progress, or done on a date (not in the future; a past date enters it
    after the fact). Where the town requires evidence, done without an evidence file is a 400
    naming ``evidence``."""
    check_any_reader(request)
    task = selectors.get_task_for(request.user, task_id)
    check_updatable(request, task)
    task = task_services.set_task_status(
        task=task, status=body.status, done_on=body.done_on, note=body.note, actor=request.user
    )
    return Status(200, task)


@router.post("/planning/tasks/{task_id}/evidence", response={201: PlanFileOut})
def upload_plan_task_evidence(request, task_id: Id, file: UploadedFile = File(...)):
    """A photo (JPEG, PNG, WebP) or PDF, checked by its content."""
    check_any_reader(request)
    task = selectors.get_task_for(request.user, task_id)
    check_updatable(request, task)
    return Status(201, file_services.attach_task_file(actor=request.user, task=task, upload=file))


@router.get("/planning/settings", response=PlanSettingOut)
def get_plan_settings(request, town: str):
    """The town's plan settings: whether a task needs an evidence file to be marked done."""
    return selectors.plan_setting(plan_town(request, town))


@router.put("/planning/settings", response=PlanSettingOut)
def put_plan_settings(request, town: str, body: PlanSettingIn):
    """Set whether a task needs an evidence file to be marked done (the office only); when on,
    marking a task done without one is a 400 naming ``evidence``."""
    town_row = managing_town(request, town)
    return task_services.set_plan_setting(town=town_row, actor=request.user, **body.dict())
