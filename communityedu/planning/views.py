"""The plan's pages: the work plan with progress, tasks, meetings, rectification, notices and the
external evaluation. Every form is a plain POST that comes back to the page it was sent from."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.files import stored_path
from communityedu.core.views import allowed_if
from communityedu.planning import forms, permissions, selectors, services
from communityedu.planning.models import Phase


def _reads(request) -> bool:
    return permissions.can_read_plan(request.user, request.town)


def _reads_any(request) -> bool:
    return bool(permissions.readable_town_ids(request.user))


def _manages(request) -> bool:
    return permissions.can_manage_plan(request.user, request.town)


def _manages_any(request) -> bool:
    return bool(permissions.manager_town_ids(request.user))


def _reads_evaluations(request) -> bool:
    return permissions.can_read_evaluations(request.user, request.town)


def _as_of(request) -> date:
    form = forms.AsOfForm(request.GET)
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"]
    return timezone.localdate()


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _run(request, action, *, success: str, target: str):
    """Call ``action()``; report a refusal as a message. Then go back to ``target``."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(target)


def _managed(request, obj) -> None:
    if not permissions.can_manage_plan(request.user, obj.town):
        raise PermissionDenied


def _updatable(request, obj) -> None:
    if not permissions.can_update_for_unit(request.user, town_id=obj.town_id, unit_id=obj.unit_id):
        raise PermissionDenied


# ---- the work plan ------------------------------------------------------------------------------


def _plan_page(request, *, task_form=None, status: int = 200):
    town, as_of = request.town, _as_of(request)
    is_manager = _manages(request)
    progress = selectors.plan_progress(tasks=selectors.tasks_visible_to(request.user, town), town=town, as_of=as_of)
    context = {
        "as_of": as_of,
        "progress": progress,
        "is_manager": is_manager,
        "reads_whole": permissions.reads_whole_plan(request.user, town),
        "notices": list(selectors.notices_visible_to(request.user, town).filter(status="published")[:5]),
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


@allowed_if(_reads)
def plan(request):
    return _plan_page(request)


@require_POST
@allowed_if(_manages)
def phase_update(request, pk: int):
    phase = get_object_or_404(Phase.objects.filter(town=request.town), pk=pk)
    form = forms.PhaseForm(request.POST, prefix=f"phase-{phase.pk}")
    if not form.is_valid():
        messages.error(request, _("Check the phase's name and dates."))
        return redirect("planning:plan")
    return _run(
        request,
        lambda: services.save_phase(town=request.town, number=phase.number, actor=request.user, **form.cleaned_data),
        success=_("The phase was saved."),
        target=reverse("planning:plan"),
    )


@require_POST
@allowed_if(_manages)
def task_create(request):
    form = forms.TaskForm(request.POST, town=request.town, prefix="task")
    if form.is_valid():
        try:
            task = services.create_task(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
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
    }
    return render(request, "planning/task.html", context, status=status)


@allowed_if(_reads_any)
def task_detail(request, pk: int):
    return _task_page(request, selectors.get_task_for(request.user, pk))


@require_POST
@allowed_if(_reads_any)
def task_status(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    _updatable(request, task)
    form = forms.TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_task_status(task=task, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The task's status was saved."))
            return redirect("planning:task", pk=task.pk)
    return _task_page(request, task, status_form=form, status=400)


def _upload(request, attach, **owner):
    form = forms.FileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to upload."))
        return False
    try:
        attach(actor=request.user, upload=form.cleaned_data["file"], **owner)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return False
    messages.success(request, _("The file was kept as evidence."))
    return True


@require_POST
@allowed_if(_reads_any)
def task_evidence(request, pk: int):
    task = selectors.get_task_for(request.user, pk)
    _updatable(request, task)
    _upload(request, services.attach_task_file, task=task)
    return redirect("planning:task", pk=task.pk)


@allowed_if(_reads_any)
def file_download(request, pk: int):
    kept = selectors.get_file_for(request.user, pk)
    path = stored_path(kept.file)
    if path is None:
        raise Http404
    response = FileResponse(path.open("rb"), content_type=kept.content_type, filename=kept.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---- meetings -----------------------------------------------------------------------------------


def _meetings_page(request, *, form=None, status: int = 200):
    town, as_of = request.town, _as_of(request)
    is_manager = _manages(request)
    context = {
        "as_of": as_of,
        "meetings": selectors.meeting_list(selectors.meetings_visible_to(request.user, town), as_of),
        "joint_years": selectors.joint_meeting_years(town=town, as_of=as_of),
        "is_manager": is_manager,
        "reads_whole": permissions.reads_whole_plan(request.user, town),
        "form": form or (forms.MeetingForm(town=town, initial={"kind": "joint"}) if is_manager else None),
    }
    return render(request, "planning/meetings.html", context, status=status)


@allowed_if(_reads)
def meetings(request):
    return _meetings_page(request)


@require_POST
@allowed_if(_manages)
def meeting_create(request):
    form = forms.MeetingForm(request.POST, town=request.town)
    if form.is_valid():
        try:
            meeting = services.record_meeting(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("planning:meeting", pk=meeting.pk)
    return _meetings_page(request, form=form, status=400)


def _meeting_page(request, meeting, *, item_form=None, status: int = 200):
    is_manager = permissions.can_manage_plan(request.user, meeting.town)
    invitations = list(meeting.invitations.select_related("unit"))
    as_of = timezone.localdate()
    items = selectors.rectification_lists(meeting.action_items.all(), as_of)
    context = {
        "meeting": meeting,
        "invitations": invitations,
        "items": [*items["overdue"], *items["open"], *items["closed"]],
        "is_manager": is_manager,
        "attendance_form": forms.AttendanceForm(
            town=meeting.town,
            initial={
                "invited": [row.unit_id for row in invitations],
                "attended": [row.unit_id for row in invitations if row.attended],
            },
        )
        if is_manager
        else None,
        "item_form": item_form or (forms.ItemForm(town=meeting.town, prefix="item") if is_manager else None),
    }
    return render(request, "planning/meeting.html", context, status=status)


@allowed_if(_reads_any)
def meeting_detail(request, pk: int):
    return _meeting_page(request, selectors.get_meeting_for(request.user, pk))


@require_POST
@allowed_if(_manages_any)
def meeting_attendance(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    _managed(request, meeting)
    form = forms.AttendanceForm(request.POST, town=meeting.town)
    if not form.is_valid():
        messages.error(request, _("Choose units of the town."))
        return redirect("planning:meeting", pk=meeting.pk)
    return _run(
        request,
        lambda: services.set_attendance(meeting=meeting, actor=request.user, **form.cleaned_data),
        success=_("The attendance was saved."),
        target=reverse("planning:meeting", args=[meeting.pk]),
    )


@require_POST
@allowed_if(_manages_any)
def meeting_action(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    _managed(request, meeting)
    form = forms.ItemForm(request.POST, town=meeting.town, prefix="item")
    if form.is_valid():
        try:
            services.add_action_item(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The action item was added."))
            return redirect("planning:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, item_form=form, status=400)


# ---- rectification ------------------------------------------------------------------------------


@allowed_if(_reads)
def rectifications(request):
    as_of = _as_of(request)
    lists = selectors.rectification_lists(selectors.items_visible_to(request.user, request.town), as_of)
    context = {
        "as_of": as_of,
        "lists": lists,
        "reads_whole": permissions.reads_whole_plan(request.user, request.town),
    }
    return render(request, "planning/rectifications.html", context)


def _item_page(request, item, *, close_form=None, status: int = 200):
    context = {
        "item": item,
        "is_overdue": item.is_overdue_as_of(timezone.localdate()),
        "notes": list(item.notes.select_related("written_by")),
        "files": list(item.files.all()),
        "can_update": permissions.can_update_for_unit(request.user, town_id=item.town_id, unit_id=item.unit_id),
        "note_form": forms.NoteForm(),
        "file_form": forms.FileForm(),
        "close_form": close_form or forms.CloseForm(initial={"closed_on": timezone.localdate()}),
    }
    return render(request, "planning/rectification.html", context, status=status)


@allowed_if(_reads_any)
def rectification_detail(request, pk: int):
    return _item_page(request, selectors.get_item_for(request.user, pk))


@require_POST
@allowed_if(_reads_any)
def rectification_note(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    _updatable(request, item)
    return _run(
        request,
        lambda: services.add_rectification_note(item=item, text=request.POST.get("text", ""), actor=request.user),
        success=_("The note was added."),
        target=reverse("planning:rectification", args=[item.pk]),
    )


@require_POST
@allowed_if(_reads_any)
def rectification_evidence(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    _updatable(request, item)
    _upload(request, services.attach_rectification_file, item=item)
    return redirect("planning:rectification", pk=item.pk)


@require_POST
@allowed_if(_reads_any)
def rectification_close(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    _updatable(request, item)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_rectification_item(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The item was closed."))
            return redirect("planning:rectification", pk=item.pk)
    return _item_page(request, item, close_form=form, status=400)


# ---- notices ------------------------------------------------------------------------------------


def _notices_page(request, *, form=None, status: int = 200):
    is_manager = _manages(request)
    notices = selectors.notices_visible_to(request.user, request.town).prefetch_related("subjects__unit")
    context = {
        "notices": list(notices),
        "is_manager": is_manager,
        "reads_whole": permissions.reads_whole_plan(request.user, request.town),
        "form": form or (forms.NoticeForm(town=request.town) if is_manager else None),
    }
    return render(request, "planning/notices.html", context, status=status)


@allowed_if(_reads)
def notices(request):
    return _notices_page(request)


@require_POST
@allowed_if(_manages)
def notice_create(request):
    form = forms.NoticeForm(request.POST, town=request.town)
    if form.is_valid():
        data = form.cleaned_data
        subjects = [(unit, "") for unit in data["units"]] + data["people"]
        try:
            notice = services.draft_notice(
                town=request.town,
                kind=data["kind"],
                title=data["title"],
                body=data["body"],
                subjects=subjects,
                rectify_by=data["rectify_by"],
                actor=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The notice was drafted; another office account must approve it."))
            return redirect("planning:notice", pk=notice.pk)
    return _notices_page(request, form=form, status=400)


@allowed_if(_reads_any)
def notice_detail(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    context = {
        "notice": notice,
        "subjects": list(notice.subjects.select_related("unit")),
        "items": list(notice.rectification_items.select_related("unit")),
        "is_manager": permissions.can_manage_plan(request.user, notice.town),
    }
    return render(request, "planning/notice.html", context)


@require_POST
@allowed_if(_manages_any)
def notice_approve(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    _managed(request, notice)
    return _run(
        request,
        lambda: services.approve_notice(notice=notice, actor=request.user),
        success=_("The notice was approved."),
        target=reverse("planning:notice", args=[notice.pk]),
    )


@require_POST
@allowed_if(_manages_any)
def notice_publish(request, pk: int):
    notice = selectors.get_notice_for(request.user, pk)
    _managed(request, notice)
    return _run(
        request,
        lambda: services.publish_notice(notice=notice, actor=request.user),
        success=_("The notice was published to the units it names."),
        target=reverse("planning:notice", args=[notice.pk]),
    )


# ---- the external evaluation --------------------------------------------------------------------


def _evaluations_page(request, *, form=None, status: int = 200):
    is_manager = _manages(request)
    context = {
        "evaluations": list(selectors.evaluations_visible_to(request.user, request.town)),
        "is_manager": is_manager,
        "form": form or (forms.EvaluationForm() if is_manager else None),
    }
    return render(request, "planning/evaluations.html", context, status=status)


@allowed_if(_reads_evaluations)
def evaluations(request):
    return _evaluations_page(request)


@require_POST
@allowed_if(_manages)
def evaluation_create(request):
    form = forms.EvaluationForm(request.POST)
    if form.is_valid():
        try:
            evaluation = services.record_evaluation(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect("planning:evaluation", pk=evaluation.pk)
    return _evaluations_page(request, form=form, status=400)


def _evaluation_page(request, evaluation, *, item_form=None, status: int = 200):
    is_manager = permissions.can_manage_plan(request.user, evaluation.town)
    lists = selectors.rectification_lists(evaluation.rectification_items.all(), timezone.localdate())
    context = {
        "evaluation": evaluation,
        "items": [*lists["overdue"], *lists["open"], *lists["closed"]],
        "is_manager": is_manager,
        "item_form": item_form or (forms.ItemForm(town=evaluation.town, prefix="item") if is_manager else None),
    }
    return render(request, "planning/evaluation.html", context, status=status)


@allowed_if(_reads_any)
def evaluation_detail(request, pk: int):
    return _evaluation_page(request, selectors.get_evaluation_for(request.user, pk))


@require_POST
@allowed_if(_manages_any)
def evaluation_item(request, pk: int):
    evaluation = selectors.get_evaluation_for(request.user, pk)
    _managed(request, evaluation)
    form = forms.ItemForm(request.POST, town=evaluation.town, prefix="item")
    if form.is_valid():
        try:
            services.add_evaluation_item(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("The rectification item was raised."))
            return redirect("planning:evaluation", pk=evaluation.pk)
    return _evaluation_page(request, evaluation, item_form=form, status=400)
