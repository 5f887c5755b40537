"""Rectification: the open and closed items, an item with its notes, evidence and closing."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.planning import forms, permissions, selectors
from communityedu.planning.services import files as file_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.views.common import apply_errors, as_of_date, check_updatable, reads, reads_any, run, upload


@allowed_if(reads)
def rectifications(request):
    as_of = as_of_date(request)
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


@allowed_if(reads_any)
def rectification_detail(request, pk: int):
    return _item_page(request, selectors.get_item_for(request.user, pk))


@require_POST
@allowed_if(reads_any)
def rectification_note(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    check_updatable(request, item)
    return run(
        request,
        lambda: rectification_services.add_rectification_note(
            item=item, text=request.POST.get("text", ""), actor=request.user
        ),
        success=_("The note was added."),
        target=reverse("planning:rectification", args=[item.pk]),
    )


@require_POST
@allowed_if(reads_any)
def rectification_evidence(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    check_updatable(request, item)
    upload(request, file_services.attach_rectification_file, item=item)
    return redirect("planning:rectification", pk=item.pk)


@require_POST
@allowed_if(reads_any)
def rectification_close(request, pk: int):
    item = selectors.get_item_for(request.user, pk)
    check_updatable(request, item)
    form = forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            rectification_services.close_rectification_item(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The item was closed."))
            return redirect("planning:rectification", pk=item.pk)
    return _item_page(request, item, close_form=form, status=400)
