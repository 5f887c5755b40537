"""What the plan's operations share: the town of a call and who may read or manage it, a unit of
the town, the date a call is read as of."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja.errors import HttpError

from communityedu.api.common import town_for
from communityedu.organization.models import Unit
from communityedu.planning import permissions


def plan_town(request, slug: str, rule=permissions.can_read_plan):
    town = town_for(request, slug)
    if not rule(request.user, town):
        raise HttpError(403, "Not allowed")
    return town


def managing_town(request, slug: str):
    return plan_town(request, slug, permissions.can_manage_plan)


def check_any_reader(request) -> None:
    if not permissions.readable_town_ids(request.user):
        raise HttpError(403, "Not allowed")


def check_managed(request, obj) -> None:
    if not permissions.can_manage_plan(request.user, obj.town):
        raise HttpError(403, "Not allowed")


def check_updatable(request, obj) -> None:
    if not permissions.can_update_for_unit(request.user, town_id=obj.town_id, unit_id=obj.unit_id):
        raise HttpError(403, "Not allowed")


def unit_of(town, pk: int) -> Unit:
    unit = Unit.objects.filter(town=town, pk=pk).first()
    if unit is None:
        raise ValidationError({"unit_id": f"unit {pk} is not a unit of {town.slug}"})
    return unit


def as_of_or_today(as_of: date | None) -> date:
    return as_of or timezone.localdate()


def progress_out(progress) -> dict:
    return {"total": progress.total, "done": progress.done, "overdue": progress.overdue, "percent": progress.percent}
