"""The residents' side over the API: what the portal's home shows a signed-in resident."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from ninja.errors import HttpError

from communityedu.activities.reminders import selectors as reminder_selectors
from communityedu.api.common import ListRouter
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
