"""Writes of the work plan: its phases and the units' tasks."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communityedu.core import audit
from communityedu.organization.models import Town, Unit
from communityedu.planning.constants import TaskStatus
from communityedu.planning.models import Phase, PlanSetting, Task
from communityedu.planning.services.common import (
    actor_or_none,
    check_not_in_future,
    check_unit,
    clean_text,
    save_audited,
)

if TYPE_CHECKING:
    from communityedu.accounts.models import User


PHASE_FIELDS = ["number", "name", "starts_on", "ends_on", "description"]


@transaction.atomic
def save_phase(
    *,
    town: Town,
    number: int,
    name: str,
    ends_on: date,
    actor: User,
    starts_on: date | None = None,
    description: str | None = None,
) -> Phase:
    """Create phase ``number`` of the town's plan, or change its name and dates (and its
    description, unless ``description`` is None)."""
    if starts_on is not None and starts_on > ends_on:
        raise ValidationError({"starts_on": _("The phase cannot start after it ends.")})
    if not clean_text(name):
        raise ValidationError({"name": _("Give the phase a name.")})
    phase = Phase.objects.select_for_update().filter(town=town, number=number).first()
    before = audit.snapshot(phase, PHASE_FIELDS) if phase else None
    phase = phase or Phase(town=town, number=number)
    phase.name, phase.starts_on, phase.ends_on = clean_text(name, 60), starts_on, ends_on
    if description is not None:
        phase.description = clean_text(description)
    save_audited(phase, actor, fields=PHASE_FIELDS, before=before)
    return phase


def evidence_required_for_done(town_id: int) -> bool:
    """The town's setting: whether a task is marked done only with an evidence file."""
    return PlanSetting.objects.filter(town_id=town_id, evidence_required_for_done=True).exists()


def check_evidence_for_done(task: Task) -> None:
    if evidence_required_for_done(task.town_id) and not task.files.exists():
        raise ValidationError(
            {
                "evidence": _(
                    "Attach an evidence file (photo or PDF) before marking the task done: the town requires "
                    "evidence for every task done."
                )
            }
        )


@transaction.atomic
def set_plan_setting(*, town: Town, evidence_required_for_done: bool, actor: User) -> PlanSetting:
    """The town office's settings of the plan (one row per town, created on first save)."""
    setting = PlanSetting.objects.select_for_update().filter(town=town).first()
    before = audit.snapshot(setting, SETTING_FIELDS) if setting else None
    setting = setting or PlanSetting(town=town)
    setting.evidence_required_for_done = bool(evidence_required_for_done)
    save_audited(setting, actor, fields=SETTING_FIELDS, before=before)
    return setting


SETTING_FIELDS = ["evidence_required_for_done"]
TASK_FIELDS = ["phase", "unit", "title", "target", "owner", "due_on", "status", "done_on", "note"]


@transaction.atomic
def create_task(
    *,
    town: Town,
    phase: Phase,
    unit: Unit,
    title: str,
    due_on: date,
    actor: User,
    target: str = "",
    owner: str = "",
) -> Task:
    """A unit's task in ``phase``. Refuses a second task of the same title for the same unit and phase."""
    if phase.town_id != town.pk:
        raise ValidationError({"phase": _("Choose a phase of the town's plan.")})
    check_unit(unit, town)
    title = clean_text(title, 200)
    if not title:
        raise ValidationError({"title": _("Say what the task is.")})
    if Task.objects.filter(town=town, phase=phase, unit=unit, title=title).exists():
        raise ValidationError({"title": _("%(unit)s already has this task in this phase.") % {"unit": unit}})
    task = Task(
        town=town,
        phase=phase,
        unit=unit,
        title=title,
        target=clean_text(target),
        owner=clean_text(owner, 60),
        due_on=due_on,
        created_by=actor_or_none(actor),
    )
    save_audited(task, actor, fields=TASK_FIELDS)
    return task


@transaction.atomic
def set_task_status(
    *, task: Task, status: str, actor: User, done_on: date | None = None, note: str | None = None
) -> Task:
    """Move ``task`` to ``status``. Done needs the date it was done (not in the future); any other
    status clears that date. Setting the status it already has changes nothing."""
    if status not in TaskStatus.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == TaskStatus.DONE:
        if done_on is None:
            raise ValidationError({"done_on": _("Give the date the task was done.")})
        check_not_in_future(done_on, "done_on")
    else:
        done_on = None
    task = Task.objects.select_for_update().get(pk=task.pk)
    before = audit.snapshot(task, TASK_FIELDS)
    if status == TaskStatus.DONE and task.status != TaskStatus.DONE:
        check_evidence_for_done(task)
    task.status, task.done_on = status, done_on
    if note is not None:
        task.note = clean_text(note)
    save_audited(task, actor, fields=TASK_FIELDS, before=before, effective_on=done_on)
    return task
