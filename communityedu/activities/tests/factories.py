"""Activities for tests, made through the services."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from communityedu.activities import services
from communityedu.activities.constants import ActivityKind
from communityedu.organization.models import Unit


def activity(world, *, kind=ActivityKind.LECTURE_HALL, starts_at=None, hours=2, lecturers=(), **values):
    """An activity of 新妙镇 organised by its community school (or ``organiser``)."""
    organiser = values.pop("organiser", None) or school_of(world)
    starts_at = starts_at or timezone.now() - timedelta(minutes=30)
    return services.schedule_activity(
        actor=world.accounts["office"],
        town=world.xinmiao,
        values={
            "title": values.pop("title", "健康养生讲座"),
            "kind": kind,
            "organiser": organiser,
            "venue_place": values.pop("venue_place", "综合文化服务中心"),
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=hours),
            **values,
        },
        lecturers=list(lecturers),
    )


def school_of(world) -> Unit:
    return world.school


def at(year, month, day, hour=9) -> datetime:
    return datetime(year, month, day, hour, tzinfo=timezone.get_current_timezone())
