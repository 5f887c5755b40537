"""The work plan: its phases, the units' tasks with progress, and their evidence files."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.files import stored_path
from communityedu.core.views import allowed_if
from communityedu.planning import forms, permissions, selectors
from communityedu.planning.models import Phase
from communityedu.planning.services import files as file_services
from communityedu.planning.services import tasks as task_services
from communityedu.planning.views.common import (
    apply_errors,
    as_of_date,
    check_updatable,
    manages,
    reads,
    reads_any,
    run,
    upload,
)


def _plan_page(request, *, task_form=None, status: int = 200):
    town, as_of = request.town, as_of_date(request)
    is_manager = manages(request)
    progress = selectors.plan_progress(tasks=selectors.tasks_visible_to(request.user, town), town=town, as_of=as_of)
    context = {
        "as_of": as_of,
        "progress": progress,
        "is_manager": is_manager,
        "reads_whole": permissions.reads_whole_plan(request.user, town),
        "notices": list(selectors.published_as_of(selectors.notices_visible_to(request.user, town), as_of)[:5]),
        "open_items": selectors.open_items(selectors.items_visible_to(request.user, town)).count(),
        "joint_years": selectors.joint_meeting_years(town=town, as_of=as_of),
        "task_form": task_form or (forms.TaskForm(town=town, prefix="task") if is_manager else None),
        "phase_forms": {
            line.phase.pk: forms.PhaseForm(
                initial={"name": line.phase.name, "starts_on": line.phase.starts_on, "ends_on": line.phase.ends_on},
                prefix=f"phase-{line.phase.pk}",
            )
            for line in progress.phases
        }
        if is_manager
        else {},
    }
    for line in progress.phases:
        line.form = context["phase_forms"].get(line.phase.pk)
    return render(request, "planning/plan.html", context, status=status)


@allowed_if(reads)
def plan(request):
    return _plan_page(request)


@require_POST
@allowed_if(manages)
def phase_update(request, pk: int):
    phase = get_object_or_404(Phase.objects.filter(town=request.town), pk=pk)
    form = forms.PhaseForm(request.POST, prefix=f"phase-{phase.pk}")
    if not form.is_valid():
        messages.error(request, _("Check the phase's name and dates."))
        return redirect("planning:plan")
    return run(
        request,
        lambda: task_services.save_phase(
            town=request.town, number=phase.number, actor=request.user, **form.cleaned_data
        ),
        success=_("The phase was saved."),
        target=reverse("planning:plan"),
    )


@require_POST
@allowed_if(manages)
def task_create(request):
    form = forms.TaskForm(request.POST, town=request.town, prefix="task")
    if form.is_valid():
        try:
            task = task_services.create_task(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task was added."))
            return redirect("planning:task", pk=task.pk)
    return _plan_page(request, task_form=form, status=400)


def _task_page(request, task, *, status_form=None, status: int = 200):
    can_update = permissions.can_update_for_unit(request.user, town_id=task.town_id, unit_id=task.unit_id)
    context = {
        "task": task,
        "as_of": timezone.localdate(),
        "is_overdue": task.is_overdue_as_of(timezone.localdate()),
        "files": list(task.files.all()),
        "can_update": can_update,
        "status_form": status_form
        or forms.TaskStatusForm(initial={"status": task.status, "done_on": task.done_on, "note": task.note}),
        "file_form": forms.FileForm(),
        "evidence_required": task_services.evidence_required_for_done(task.town_id),
    }
    return render(request, "planning/task.html", context, status=status)


def _settings_page(request, *, form=None, status: int = 200):
    setting = selectors.plan_setting(request.town)
    context = {
        "is_manager": True,
        "reads_whole": True,
        "form": form
        or forms.PlanSettingForm(initial={"evidence_required_for_done": setting.evidence_required_for_done}),
    }
    return render(request, "planning/settings.html", context, status=status)


@allowed_if(manages)
def plan_settings(request):
    """The office's settings of the plan: whether a task needs an evidence file to be marked done."""
    if request.method != "POST":
        return _settings_page(request)
    form = forms.PlanSettingForm(request.POST)
    if form.is_valid():
        task_services.set_plan_setting(town=request.town, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The plan's settings were saved."))
        return redirect("planning:settings")
    return _settings_page(request, form=form, status=400)


@allowed_if(reads_any)
def task_detail(request, pk: int):
    return _task_page(request, selectors.get_task_for(request.user, pk))


@require_POST
@allowed_if(reads_any)
def task_status(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    check_updatable(request, task)
    form = forms.TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            task_services.set_task_status(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The task's status was saved."))
            return redirect("planning:task", pk=task.pk)
    return _task_page(request, task, status_form=form, status=400)


@require_POST
@allowed_if(reads_any)
def task_evidence(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    check_updatable(request, task)
    upload(request, file_services.attach_task_file, task=task)
    return redirect("planning:task", pk=task.pk)


@allowed_if(reads_any)
def file_download(request, pk: int):
    kept = selectors.get_file_for(request.user, pk)
    path = stored_path(kept.file)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=kept.content_type, filename=kept.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
