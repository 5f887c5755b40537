"""The town office's record of SMS reminders sent, over the API (phones masked)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError

from communityedu.activities.reminders import selectors
from communityedu.activities.reminders.permissions import can_read_reminders
from communityedu.api.common import ListRouter, town_for
from communityedu.api.types import PlanDate

router = ListRouter(tags=["activities"])


class ReminderOut(Schema):
    id: int
    sent_at: datetime = Field(..., alias="created_at")
    activity_id: int = Field(..., alias="registration.activity_id")
    activity: str = Field(..., alias="registration.activity.title")
    starts_at: datetime = Field(..., alias="registration.activity.starts_at")
    person_id: int = Field(..., alias="registration.person_id")
    person: str = Field(..., alias="registration.person.name")
    phone: str = Field(..., alias="masked_phone", description="Masked: 138****8000")
    sms_status: str = Field(..., description="sent, failed, or empty while the result is unknown")


@router.get("/activity-reminders", response=list[ReminderOut])
def list_reminders_sent(request, town: str, day: PlanDate | None = None):
    """The SMS reminders of tomorrow's activities sent on ``day`` (the town's local date; today by
    default), the latest first: for the town office."""
    chosen = town_for(request, town)
    if not can_read_reminders(request.user, chosen):
        raise HttpError(403, "Only the town office reads the reminders sent")
    return selectors.reminders_sent(town=chosen, day=day or timezone.localdate())
