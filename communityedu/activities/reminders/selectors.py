"""Reads of reminders: a resident's activities of tomorrow, and the registrations whose SMS
reminder is due."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from communityedu.accounts.models import AccountKind
from communityedu.activities.models import Activity, Registration
from communityedu.activities.reminders.models import ActivityReminder

if TYPE_CHECKING:
    from communityedu.organization.models import Town
    from communityedu.people.models import Person


def local_date(moment: datetime) -> date:
    """The date of ``moment`` in the towns' local time (``TIME_ZONE``, Asia/Shanghai), whatever a
    request activated."""
    return timezone.localdate(moment, timezone.get_default_timezone())


def local_tomorrow(now: datetime | None = None) -> date:
    return local_date(now or timezone.now()) + timedelta(days=1)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time.min, zone), datetime.combine(day + timedelta(days=1), time.min, zone)


def registered_tomorrow(person: Person, *, now: datetime | None = None) -> list[Activity]:
    """The activities starting tomorrow that ``person`` is registered for (neither the registration
    nor the activity cancelled), in the order they start, with what the page shows of the place."""
    start, end = _day_bounds(local_tomorrow(now))
    return list(
        Activity.objects.filter(
            town_id=person.town_id,
            is_cancelled=False,
            starts_at__gte=start,
            starts_at__lt=end,
            registrations__person=person,
            registrations__is_cancelled=False,
        )
        .select_related("venue_unit", "village")
        .order_by("starts_at", "id")
    )


def due_for_sms(*, now: datetime | None = None) -> QuerySet[Registration]:
    """Registrations for tomorrow's activities whose resident wants SMS reminders and has not had
    this one: a live registration, an activity not cancelled, an active resident account with a
    phone that opted in, and no reminder row yet."""
    start, end = _day_bounds(local_tomorrow(now))
    already = ActivityReminder.objects.filter(town_id=OuterRef("town_id"), registration_id=OuterRef("pk"))
    return (
        Registration.objects.filter(
            is_cancelled=False,
            activity__is_cancelled=False,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
            person__account__kind=AccountKind.RESIDENT,
            person__account__is_active=True,
            person__account__sms_reminders=True,
        )
        .exclude(person__account__phone_encrypted="")
        .filter(~Exists(already))
        .select_related("town", "activity__venue_unit", "activity__village", "person__account")
        .order_by("activity__starts_at", "pk")
    )


def reminders_sent(*, town: Town, day: date) -> QuerySet[ActivityReminder]:
    """The SMS reminders of ``town`` sent on ``day`` (local date), the latest first, with the
    activity and the person (only the masked phone is kept)."""
    start, end = _day_bounds(day)
    return (
        ActivityReminder.objects.filter(town=town, created_at__gte=start, created_at__lt=end)
        .select_related("registration__activity", "registration__person")
        .order_by("-created_at", "-id")
    )
