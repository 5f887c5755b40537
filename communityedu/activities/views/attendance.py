"""Taking attendance: the venue code, the roster, card scans, headcounts, corrections."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django import urls
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.activities import permissions, roll, selectors, services
from communityedu.activities.constants import AttendanceRole, AttendanceSource
from communityedu.core.links import public_url
from communityedu.core.parsing import parse_id
from communityedu.core.views import allowed_if
from communityedu.organization.selectors import villages_visible_to
from communityedu.people import selectors as people_selectors
from communityedu.people.models import Person
from communityedu.people.selectors import people_visible_to


def _reads(request) -> bool:
    return request.town is not None and permissions.can_view_activities(request.user)


def _managed_activity(request, pk: int):
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_manage_activity(request.user, activity):
        raise PermissionDenied
    return activity


def _attendance_activity(request, pk: int):
    """An activity whose roll ``request.user`` takes: those who run it, and those on duty around its time."""
    activity = selectors.get_activity_for(request.user, pk)
    if not permissions.can_take_attendance(request.user, activity):
        raise PermissionDenied
    return activity


def _roll_people(request, activity):
    """The people whose names the roll offers: those the caller may read in the register, or, for
    someone on duty who may not, the town's (the duty is what lets them see the names)."""
    if permissions.can_manage_activity(request.user, activity):
        return people_visible_to(request.user)
    return Person.objects.filter(town_id=activity.town_id)


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


def _ids(values) -> set[int]:
    return {pk for pk in map(parse_id, values) if pk}


def _roll_filters(source) -> dict:
    return {
        "q": source.get("q", "").strip()[:20],
        "group": source.get("group", "").strip()[:30],
        "tag": parse_id(source.get("tag", "")) or "",
        "village": parse_id(source.get("village", "")) or "",
    }


@allowed_if(_reads)
def roster(request, pk: int):
    """The roll on a phone (``roll.py``): registered residents and lecturers first, then the village in
    pinyin order, 50 a page; found by name or initials, 村民小组 or tag; the ticks kept in the session
    across searches and pages until 确认签到 checks them all in."""
    activity = _attendance_activity(request, pk)
    if request.method == "POST":
        filters = _roll_filters(request.POST)
        ticked = _ids(request.POST.getlist("person"))
        # A post without the page's list of names shown (a script's) ticks exactly what it names.
        shown = _ids(request.POST["shown"].split(",")) if "shown" in request.POST else ticked
        chosen = roll.update_selection(request.session, activity, shown=shown, ticked=ticked)
        action = request.POST.get("action") or ("page" if "page" in request.POST else "confirm")
        if action == "confirm":
            _check_in_selection(request, activity, chosen, request.POST.get("role", AttendanceRole.PARTICIPANT))
            roll.clear_selection(request.session, activity)
        else:
            filters["page"] = parse_id(request.POST.get("page", "")) or 1
        query = _query(filters)
        return redirect(f"{urls.reverse('activities:roster', args=[activity.pk])}{query}")
    filters = _roll_filters(request.GET)
    visible = _roll_people(request, activity)
    page = roll.roll_page(
        activity=activity,
        visible=visible,
        query=filters["q"],
        group=filters["group"],
        tag_id=filters["tag"] or None,
        village_id=filters["village"] or None,
        page=parse_id(request.GET.get("page", "")) or 1,
    )
    present_ids = set(selectors.present_people(activity).values_list("person_id", flat=True))
    chosen = roll.selection(request.session, activity)
    return render(
        request,
        "activities/roster.html",
        {
            "activity": activity,
            "roll": page,
            "people": page.rows,
            "shown": ",".join(str(person.pk) for person in page.rows),
            "present_ids": present_ids,
            "chosen": chosen,
            "chosen_count": len(chosen),
            "chosen_elsewhere": len(chosen - {person.pk for person in page.rows}),
            "filters": filters,
            "tags": people_selectors.tags_of_town(activity.town),
            "villages": villages_visible_to(request.user).filter(town=activity.town) if not activity.village_id else [],
            "roles": AttendanceRole.choices,
        },
    )


def _query(filters: dict) -> str:
    kept = {name: value for name, value in filters.items() if value}
    return f"?{urlencode(kept)}" if kept else ""


def _check_in_selection(request, activity, chosen: set[int], role: str) -> None:
    people = _roll_people(request, activity).filter(town=activity.town, pk__in=chosen)
    added = 0
    for person in people:
        try:
            result = services.check_in(
                activity=activity, person=person, source=AttendanceSource.ROSTER, recorded_by=request.user, role=role
            )
        except services.CheckInError as error:
            messages.error(request, f"{person.name}：{error}")
            continue
        added += result.created
    messages.success(request, _("%(count)s people checked in.") % {"count": added})


@allowed_if(_reads)
def scan_card(request, pk: int):
    """Staff scan a learning card (a scanner types its token into the field, then Enter)."""
    activity = _attendance_activity(request, pk)
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
