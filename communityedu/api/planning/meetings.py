"""Meetings, their attendance and action items, and the joint meetings of each year."""

from __future__ import annotations

from datetime import date

from ninja import Status

from communityedu.api.common import ListRouter
from communityedu.api.planning.common import (
    as_of_or_today,
    check_any_reader,
    check_managed,
    managing_town,
    plan_town,
    unit_of,
)
from communityedu.api.planning.schemas import (
    ItemIn,
    ItemOut,
    JointYearOut,
    MeetingAttendanceIn,
    MeetingIn,
    MeetingMinutesIn,
    MeetingOut,
)
from communityedu.api.types import Id, Year
from communityedu.planning import selectors
from communityedu.planning.services import meetings as meeting_services
from communityedu.planning.services import rectification as rectification_services

router = ListRouter(tags=["planning"])


def _meeting_rows(queryset):
    return queryset.prefetch_related("invitations__unit", "action_items__unit")


@router.get("/planning/meetings", response=list[MeetingOut])
def list_plan_meetings(request, town: str, year: Year | None = None):
    town_row = plan_town(request, town)
    meetings = selectors.meetings_visible_to(request.user, town_row)
    if year is not None:
        meetings = meetings.filter(held_on__year=year)
    return list(_meeting_rows(meetings).order_by("held_on", "id"))


@router.get("/planning/joint-meetings", response=list[JointYearOut])
def get_plan_joint_meeting_years(request, town: str, as_of: date | None = None):
    """Joint meetings held every year against the plan's 1–2; a year without one is flagged."""
    town_row = plan_town(request, town)
    return selectors.joint_meeting_years(town=town_row, as_of=as_of_or_today(as_of))


@router.post("/planning/meetings", response={201: MeetingOut})
def create_plan_meeting(request, body: MeetingIn):
    town_row = managing_town(request, body.town)
    meeting = meeting_services.record_meeting(
        town=town_row,
        kind=body.kind,
        title=body.title,
        held_on=body.held_on,
        place=body.place,
        minutes=body.minutes,
        decisions=body.decisions,
        invited=[unit_of(town_row, pk) for pk in body.invited_unit_ids],
        attended=[unit_of(town_row, pk) for pk in body.attended_unit_ids],
        actor=request.user,
    )
    return Status(201, _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get())


@router.get("/planning/meetings/{meeting_id}", response=MeetingOut)
def get_plan_meeting(request, meeting_id: Id):
    check_any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    return _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get()


@router.put("/planning/meetings/{meeting_id}/attendance", response=MeetingOut)
def put_plan_meeting_attendance(request, meeting_id: Id, body: MeetingAttendanceIn):
    """Replace the units invited and attending (an attending unit counts as invited)."""
    check_any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    check_managed(request, meeting)
    meeting_services.set_attendance(
        meeting=meeting,
        invited=[unit_of(meeting.town, pk) for pk in body.invited_unit_ids],
        attended=[unit_of(meeting.town, pk) for pk in body.attended_unit_ids],
        actor=request.user,
    )
    return Status(200, _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get())


@router.put("/planning/meetings/{meeting_id}/minutes", response=MeetingOut)
def put_plan_meeting_minutes(request, meeting_id: Id, body: MeetingMinutesIn):
    """Write or correct the minutes and decisions (after the fact too); empty minutes are a 400."""
    check_any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    check_managed(request, meeting)
    meeting_services.set_minutes(meeting=meeting, minutes=body.minutes, decisions=body.decisions, actor=request.user)
    return Status(200, _meeting_rows(type(meeting).objects.filter(pk=meeting.pk)).get())


@router.post("/planning/meetings/{meeting_id}/action-items", response={201: ItemOut})
def create_plan_meeting_action_item(request, meeting_id: Id, body: ItemIn):
    check_any_reader(request)
    meeting = selectors.get_meeting_for(request.user, meeting_id)
    check_managed(request, meeting)
    item = rectification_services.add_action_item(
        meeting=meeting,
        unit=unit_of(meeting.town, body.unit_id),
        description=body.description,
        due_on=body.due_on,
        actor=request.user,
    )
    return Status(201, item)
