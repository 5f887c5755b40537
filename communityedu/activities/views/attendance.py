"""Taking attendance: the venue code, the roster, card scans, headcounts, corrections."""

from __future__ import annotations

import io

import segno
from django import urls
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.activities import permissions, selectors, services
from communityedu.activities.constants import AttendanceRole, AttendanceSource
from communityedu.core.links import public_url
from communityedu.core.parsing import parse_id
from communityedu.core.views import allowed_if
from communityedu.people.selectors import people_visible_to


def _reads(request) -> bool:
    return request.town is not None and permissions.can_view_activities(request.user)


def _managed_activity(request, pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    return activity


def check_in_url(activity) -> str:
    """The venue code's address, on screen, on paper and in the QR code: the public address."""
    return public_url(urls.reverse("check-in", args=[activity.check_in_token]))


def qr_svg(data: str) -> HttpResponse:
    """A QR code as a standalone SVG image (with its namespace, so browsers draw it in <img>)."""
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="svg", scale=8, border=2, xmldecl=False)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@allowed_if(_reads)
def venue_code(request, pk: int):
    """The code shown at the venue (screen or print): it opens the resident's check-in page."""
    activity = _managed_activity(request, pk)
    return qr_svg(check_in_url(activity))


@allowed_if(_reads)
def roster(request, pk: int):
    """Tick names: the registered, the lecturers, and anyone found by name in the register."""
    activity = _managed_activity(request, pk)
    if request.method == "POST":
        ticked = request.POST.getlist("person")
        role = request.POST.get("role", AttendanceRole.PARTICIPANT)
        people = people_visible_to(request.user).filter(
            town=activity.town, pk__in=[pk for pk in map(parse_id, ticked) if pk]
        )
        added = 0
        for person in people:
            try:
                result = services.check_in(
                    activity=activity,
                    person=person,
                    source=AttendanceSource.ROSTER,
                    recorded_by=request.user,
                    role=role,
                )
            except services.CheckInError as error:
                messages.error(request, f"{person.name}：{error}")
                continue
            added += result.created
        messages.success(request, _("%(count)s people checked in.") % {"count": added})
        return redirect("activities:roster", pk=activity.pk)
    query = request.GET.get("q", "").strip()[:20]
    present_ids = set(selectors.present_people(activity).values_list("person_id", flat=True))
    candidates = people_visible_to(request.user).filter(town_id=activity.town_id)
    suggested = candidates.filter(
        Q(registrations__activity=activity, registrations__is_cancelled=False) | Q(lecturer_links__activity=activity)
    )
    if query:
        suggested = suggested | candidates.filter(name__contains=query)
    elif activity.village_id:
        suggested = suggested | candidates.filter(village_id=activity.village_id)
    suggested = suggested.distinct().select_related("village").order_by("village__name", "name")[:300]
    return render(
        request,
        "activities/roster.html",
        {
            "activity": activity,
            "people": suggested,
            "present_ids": present_ids,
            "query": query,
            "roles": AttendanceRole.choices,
        },
    )


@allowed_if(_reads)
def scan_card(request, pk: int):
    """Staff scan a learning card (a scanner types its token into the field, then Enter)."""
    activity = _managed_activity(request, pk)
    result = None
    if request.method == "POST":
        person = services.person_for_card(token=request.POST.get("card", ""), town_id=activity.town_id)
        if person is None:
            messages.error(request, _("This card is not known in this town, or it was replaced."))
        else:
            try:
                result = services.check_in(
                    activity=activity, person=person, source=AttendanceSource.CARD_SCAN, recorded_by=request.user
                )
            except services.CheckInError as error:
                messages.error(request, str(error))
    return render(
        request,
        "activities/scan.html",
        {"activity": activity, "result": result, "present_count": selectors.present_people(activity).count()},
    )


@require_POST
@allowed_if(_reads)
def headcount(request, pk: int):
    activity = _managed_activity(request, pk)
    try:
        count = int(request.POST.get("count", ""))
        services.record_headcount(activity=activity, count=count, note=request.POST.get("note", ""), actor=request.user)
    except (ValueError, ValidationError):
        messages.error(request, _("Give the number of people counted."))
    return redirect("activities:detail", pk=activity.pk)


@require_POST
@allowed_if(_reads)
def reverse(request, pk: int):
    activity = _managed_activity(request, pk)
    person = get_object_or_404(
        people_visible_to(request.user).filter(town_id=activity.town_id), pk=request.POST.get("person", 0)
    )
    try:
        services.reverse_check_in(
            activity=activity, person=person, reason=request.POST.get("reason", ""), actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Check-in of %(name)s reversed.") % {"name": person.name})
    return redirect("activities:detail", pk=activity.pk)
