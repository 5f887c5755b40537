"""The town office's record of SMS reminders sent, one day at a time (phones masked)."""

from __future__ import annotations

from datetime import date, timedelta

from django.shortcuts import render
from django.utils import timezone

from communityedu.activities.reminders import selectors
from communityedu.activities.reminders.permissions import can_read_reminders
from communityedu.core.parsing import MAX_YEAR, MIN_YEAR
from communityedu.core.views import allowed_if


def _reads(request) -> bool:
    return can_read_reminders(request.user, request.town)


def _day(text: str | None) -> date:
    """``?day=YYYY-MM-DD``; today (local) for anything else, as the other pages read their filters."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return timezone.localdate()
    return day if MIN_YEAR <= day.year <= MAX_YEAR else timezone.localdate()


@allowed_if(_reads)
def sent(request):
    day = _day(request.GET.get("day"))
    reminders = list(selectors.reminders_sent(town=request.town, day=day))
    return render(
        request,
        "activities/reminders.html",
        {
            "day": day,
            "previous": day - timedelta(days=1),
            "following": day + timedelta(days=1),
            "reminders": reminders,
        },
    )
