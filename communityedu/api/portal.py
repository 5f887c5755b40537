"""The residents' side over the API: what the portal's home shows a signed-in resident."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.activities import selectors as activity_selectors
from communityedu.activities import services as activity_services
from communityedu.activities.constants import AttendanceSource
from communityedu.activities.models import Activity
from communityedu.activities.reminders import selectors as reminder_selectors
from communityedu.api.common import ListRouter
from communityedu.api.errors import ApiError, ErrorOut
from communityedu.api.types import Text
from communityedu.people.selectors import person_for_account

router = ListRouter(tags=["portal"])


class TomorrowActivityOut(Schema):
    id: int
    title: str
    kind: str
    day: date
    starts_at: datetime
    ends_at: datetime
    venue: str
    village: str | None

    @staticmethod
    def resolve_day(obj):
        return reminder_selectors.local_date(obj.starts_at)

    @staticmethod
    def resolve_venue(obj):
        return obj.venue_label

    @staticmethod
    def resolve_village(obj):
        return obj.village.name if obj.village_id else None


@router.get("/portal/tomorrow", response=list[TomorrowActivityOut])
def list_tomorrow_activities(request):
    """The activities of tomorrow (the town's local date) the signed-in resident registered for:
    the portal home's 明天的活动. Only a resident, or staff with their own person record, has one."""
    person = person_for_account(request.user)
    if person is None:
        raise HttpError(403, "Only residents have activities they registered for")
    return reminder_selectors.registered_tomorrow(person)


CheckInToken = Text(64)


class VenueCheckInOut(Schema):
    activity_id: int
    title: str
    state: str = Field(..., description="not_yet_open, open, closed or cancelled")
    opens_at: datetime
    closes_at: datetime
    checked_in: bool = Field(..., description="Whether the signed-in resident's check-in stands")


def _venue_activity(token: str) -> Activity:
    activity = Activity.objects.filter(check_in_token=token).first()
    if activity is None:
        raise ApiError(404, "This check-in code has expired or is not valid. Please ask the staff.", field="token")
    return activity


def _venue_state(activity: Activity, person) -> dict:
    opens_at, closes_at = activity_services.check_in_window(activity)
    return {
        "activity_id": activity.pk,
        "title": activity.title,
        "state": activity_services.check_in_state(activity),
        "opens_at": opens_at,
        "closes_at": closes_at,
        "checked_in": activity_selectors.has_checked_in(activity, person),
    }


@router.get("/checkin/{token}", response=VenueCheckInOut)
def get_venue_check_in(request, token: CheckInToken):
    """What the venue code's page shows a resident before the tap: the activity, whether check-in is
    open (and from when to when) and whether they have checked in."""
    activity = _venue_activity(token)
    person = person_for_account(request.user)
    if person is None:
        raise ApiError(403, "Only residents with their own account check themselves in.")
    return _venue_state(activity, person)


@router.post("/checkin/{token}", response={200: VenueCheckInOut, 201: VenueCheckInOut, 409: ErrorOut})
def check_in_at_the_venue(request, token: CheckInToken):
    """The resident checks themselves in with the venue's code: 201 the first time, 200 on a repeat,
    409 with the reason when check-in is not open (the same rules as the page)."""
    activity = _venue_activity(token)
    person = person_for_account(request.user)
    if person is None:
        raise ApiError(403, "Only residents with their own account can check themselves in.")
    try:
        result = activity_services.check_in(
            activity=activity, person=person, source=AttendanceSource.VENUE_QR, recorded_by=request.user
        )
    except activity_services.CheckInError as error:
        raise ApiError(409, str(error)) from None
    return Status(201 if result.created else 200, _venue_state(activity, person))
