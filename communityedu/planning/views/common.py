"""What the plan's pages share: who may open them, the date they are read as of, and running a
service from a form."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from communityedu.planning import forms, permissions


def reads(request) -> bool:
    return permissions.can_read_plan(request.user, request.town)


def reads_any(request) -> bool:
    return bool(permissions.readable_town_ids(request.user))


def manages(request) -> bool:
    return permissions.can_manage_plan(request.user, request.town)


def manages_any(request) -> bool:
    return bool(permissions.manager_town_ids(request.user))


def reads_evaluations(request) -> bool:
    return permissions.can_read_evaluations(request.user, request.town)


def as_of_date(request) -> date:
    form = forms.AsOfForm(request.GET)
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"]
    return timezone.localdate()


def apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def run(request, action, *, success: str, target: str):
    """Call ``action()``; report a refusal as a message. Then go back to ``target``."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(target)


def check_managed(request, obj) -> None:
    if not permissions.can_manage_plan(request.user, obj.town):
        raise PermissionDenied


def check_updatable(request, obj) -> None:
    if not permissions.can_update_for_unit(request.user, town_id=obj.town_id, unit_id=obj.unit_id):
        raise PermissionDenied


def upload(request, attach, **owner):
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
