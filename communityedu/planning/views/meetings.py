"""Meetings: the list with the joint meetings of each year, a meeting with its attendance and action items."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.people.position_holders import leaders_on
from communityedu.planning import forms, permissions, selectors
from communityedu.planning.services import meetings as meeting_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.views.common import (
    apply_errors,
    as_of_date,
    check_managed,
    manages,
    manages_any,
    reads,
    reads_any,
    run,
)


def _meetings_page(request, *, form=None, status: int = 200):
    town, as_of = request.town, as_of_date(request)
    is_manager = manages(request)
    context = {
        "as_of": as_of,
        "meetings": selectors.meeting_list(selectors.meetings_visible_to(request.user, town), as_of),
        "joint_years": selectors.joint_meeting_years(town=town, as_of=as_of),
        "is_manager": is_manager,
        "reads_whole": permissions.reads_whole_plan(request.user, town),
        "form": form or (forms.MeetingForm(town=town, initial={"kind": "joint"}) if is_manager else None),
    }
    return render(request, "planning/meetings.html", context, status=status)


@allowed_if(reads)
def meetings(request):
    return _meetings_page(request)


@require_POST
@allowed_if(manages)
def meeting_create(request):
    form = forms.MeetingForm(request.POST, town=request.town)
    if form.is_valid():
        try:
            meeting = meeting_services.record_meeting(town=request.town, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The meeting was recorded."))
            return redirect("planning:meeting", pk=meeting.pk)
    return _meetings_page(request, form=form, status=400)


def _meeting_page(request, meeting, *, item_form=None, minutes_form=None, status: int = 200):
    is_manager = permissions.can_manage_plan(request.user, meeting.town)
    invitations = list(meeting.invitations.select_related("unit"))
    as_of = timezone.localdate()
    items = selectors.rectification_lists(meeting.action_items.all(), as_of)
    context = {
        "meeting": meeting,
        "leaders": leaders_on(meeting.town, meeting.held_on),
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
        "minutes_form": minutes_form
        or (
            forms.MinutesForm(initial={"minutes": meeting.minutes, "decisions": meeting.decisions})
            if is_manager
            else None
        ),
    }
    return render(request, "planning/meeting.html", context, status=status)


@allowed_if(reads_any)
def meeting_detail(request, pk: int):
    return _meeting_page(request, selectors.get_meeting_for(request.user, pk))


@require_POST
@allowed_if(manages_any)
def meeting_attendance(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    check_managed(request, meeting)
    form = forms.AttendanceForm(request.POST, town=meeting.town)
    if not form.is_valid():
        messages.error(request, _("Choose units of the town."))
        return redirect("planning:meeting", pk=meeting.pk)
    return run(
        request,
        lambda: meeting_services.set_attendance(meeting=meeting, actor=request.user, **form.cleaned_data),
        success=_("The attendance was saved."),
        target=reverse("planning:meeting", args=[meeting.pk]),
    )


@require_POST
@allowed_if(manages_any)
def meeting_action(request, pk: int):
    meeting = selectors.get_meeting_for(request.user, pk)
    check_managed(request, meeting)
    form = forms.ItemForm(request.POST, town=meeting.town, prefix="item")
    if form.is_valid():
        try:
            rectification_services.add_action_item(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The action item was added."))
            return redirect("planning:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, item_form=form, status=400)


@require_POST
@allowed_if(manages_any)
def meeting_minutes(request, pk: int):
    """Write or correct the minutes and decisions (the consistency checks link here)."""
    meeting = selectors.get_meeting_for(request.user, pk)
    check_managed(request, meeting)
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        try:
            meeting_services.set_minutes(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The minutes were saved."))
            return redirect("planning:meeting", pk=meeting.pk)
    return _meeting_page(request, meeting, minutes_form=form, status=400)
