"""The plan's audience groups and the required recurring activities over the API, through the same
services as the pages (``/staff/targets/audience-groups/``, ``/staff/targets/recurring-activities/``).
Those who read the figures read both lists; the town office changes them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.shortcuts import get_object_or_404
from ninja import Field, Schema, Status
from ninja.errors import HttpError

from communityedu.activities.constants import ActivityKind
from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError, ErrorOut, django_errors
from communityedu.api.types import Id
from communityedu.metrics.permissions import can_edit_targets, can_read_figures
from communityedu.organization import audience_groups, recurring_activities
from communityedu.organization.audience_groups import AudienceGroup, AudienceMatch, AudienceSex
from communityedu.organization.models import Town, Unit
from communityedu.organization.recurring_activities import RecurringActivity

router = ListRouter(tags=["organization"])


def _refused(error: ValidationError) -> ApiError:
    errors = django_errors(error)
    return ApiError(400, errors[0][1] if errors else "Refused.", errors=errors)


def _town(request, town: str, *, edit: bool):
    town_row = town_for(request, town)
    allowed = can_edit_targets(request.user, town_row) if edit else can_read_figures(request.user, town_row)
    if not allowed:
        raise HttpError(403, "Not allowed")
    return town_row


Entry = TypeVar("Entry", bound=Model)


@dataclass(frozen=True)
class _TownList(Generic[Entry]):
    """One of the town's lists the town office edits: its table, how a request body becomes the
    service's values in the town, the services that save an entry (``entry`` None for a new one) and
    remove one, and the entry as answered."""

    model: type[Entry]
    values: Callable[[Town, Any], dict]
    save: Callable[[Town, Entry | None, dict, Any], Entry]
    delete: Callable[[Entry, Any], None]
    out: Callable[[Entry], dict]


def _save_entry(request, town: str, entries: _TownList[Entry], body: Schema, *, pk: int | None = None) -> dict:
    """Add (``pk`` None) or change an entry of one of the town's lists and answer it: the town office
    only, an entry of another town 404, the body refused by the service a 400 naming its fields."""
    town_row = _town(request, town, edit=True)
    entry = None if pk is None else get_object_or_404(entries.model, town=town_row, pk=pk)
    try:
        entry = entries.save(town_row, entry, entries.values(town_row, body), request.user)
    except ValidationError as error:
        raise _refused(error) from error
    return entries.out(entry)


def _delete_entry(request, town: str, entries: _TownList[Entry], pk: int) -> Status:
    """Remove an entry of one of the town's lists: the town office only, an entry of another town 404."""
    town_row = _town(request, town, edit=True)
    entries.delete(get_object_or_404(entries.model, town=town_row, pk=pk), request.user)
    return Status(204, None)


# ---- audience groups -----------------------------------------------------------------------------


class AudienceGroupIn(Schema):
    name: str = Field(min_length=1, max_length=30)
    min_age: int | None = Field(None, ge=0, le=150)
    max_age: int | None = Field(None, ge=0, le=150)
    sex: AudienceSex | None = None
    tag_name: str = Field("", max_length=20)
    match: AudienceMatch = AudienceMatch.ALL


class AudienceGroupOut(Schema):
    id: int
    name: str
    min_age: int | None
    max_age: int | None
    sex: str
    tag_name: str
    match: str
    rule: str


def _group_out(group: AudienceGroup) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "min_age": group.min_age,
        "max_age": group.max_age,
        "sex": group.sex,
        "tag_name": group.tag_name,
        "match": group.match,
        "rule": group.rule_display,
    }


def _group_values(body: AudienceGroupIn) -> dict:
    return body.dict() | {"sex": body.sex or ""}


_AUDIENCE_GROUPS = _TownList(
    model=AudienceGroup,
    values=lambda _town_row, body: _group_values(body),
    save=lambda town_row, group, values, actor: audience_groups.save_audience_group(
        town=town_row, group=group, values=values, actor=actor
    ),
    delete=lambda group, actor: audience_groups.delete_audience_group(group=group, actor=actor),
    out=_group_out,
)


@router.get("/organization/audience-groups", response=list[AudienceGroupOut])
def list_audience_groups(request, town: str):
    """The town's audience groups, in order, with their rules (what ``audience_participation`` counts)."""
    town_row = _town(request, town, edit=False)
    return [_group_out(group) for group in AudienceGroup.objects.filter(town=town_row).order_by("position", "id")]


@router.post("/organization/audience-groups", response={201: AudienceGroupOut, 400: ErrorOut})
def create_audience_group(request, town: str, body: AudienceGroupIn):
    """Add a group: an age range in full years, a sex (M/F), a tag of the register, combined by
    ``all`` or ``any``; at least one condition. The town office only; audited."""
    return Status(201, _save_entry(request, town, _AUDIENCE_GROUPS, body))


@router.put("/organization/audience-groups/{group_id}", response={200: AudienceGroupOut, 400: ErrorOut})
def update_audience_group(request, group_id: Id, town: str, body: AudienceGroupIn):
    """Change a group (every field given). The town office only; audited."""
    return _save_entry(request, town, _AUDIENCE_GROUPS, body, pk=group_id)


@router.delete("/organization/audience-groups/{group_id}", response={204: None})
def delete_audience_group(request, group_id: Id, town: str):
    """Remove a group from the town's list. The town office only; audited."""
    return _delete_entry(request, town, _AUDIENCE_GROUPS, group_id)


# ---- recurring activities ------------------------------------------------------------------------


class RecurringActivityIn(Schema):
    title: str = Field(min_length=1, max_length=60)
    unit_id: Id
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    activity_kind: ActivityKind | None = None
    keyword: str = Field("", max_length=30)
    active_from_year: int = Field(ge=2000, le=2100)


class RecurringActivityOut(Schema):
    id: int
    title: str
    unit_id: int
    unit: str
    month: int
    day: int
    activity_kind: str
    keyword: str
    active_from_year: int


def _recurring_out(recurring: RecurringActivity) -> dict:
    return {
        "id": recurring.pk,
        "title": recurring.title,
        "unit_id": recurring.unit_id,
        "unit": recurring.unit.name,
        "month": recurring.month,
        "day": recurring.day,
        "activity_kind": recurring.activity_kind,
        "keyword": recurring.keyword,
        "active_from_year": recurring.active_from_year,
    }


def _recurring_values(town_row, body: RecurringActivityIn) -> dict:
    unit = Unit.objects.filter(town=town_row, pk=body.unit_id).first()
    if unit is None:
        message = f"no unit {body.unit_id} in {town_row.slug}."
        raise ApiError(400, f"unit_id: {message}", errors=[("unit_id", message)])
    values = body.dict(exclude={"unit_id"})
    return values | {"unit": unit, "activity_kind": body.activity_kind or ""}


_RECURRING_ACTIVITIES = _TownList(
    model=RecurringActivity,
    values=_recurring_values,
    save=lambda town_row, recurring, values, actor: recurring_activities.save_recurring_activity(
        town=town_row, recurring=recurring, values=values, actor=actor
    ),
    delete=lambda recurring, actor: recurring_activities.delete_recurring_activity(recurring=recurring, actor=actor),
    out=_recurring_out,
)


@router.get("/organization/recurring-activities", response=list[RecurringActivityOut])
def list_recurring_activities(request, town: str):
    """The activities the town's units must hold every year, by day of the year."""
    town_row = _town(request, town, edit=False)
    return [_recurring_out(recurring) for recurring in recurring_activities.recurring_of_towns([town_row.pk])]


@router.post("/organization/recurring-activities", response={201: RecurringActivityOut, 400: ErrorOut})
def create_recurring_activity(request, town: str, body: RecurringActivityIn):
    """Add a required recurring activity: the unit responsible, its day each year, the activity kind
    and/or title keyword that satisfies it, the first year it applies. The town office; audited."""
    return Status(201, _save_entry(request, town, _RECURRING_ACTIVITIES, body))


@router.put("/organization/recurring-activities/{recurring_id}", response={200: RecurringActivityOut, 400: ErrorOut})
def update_recurring_activity(request, recurring_id: Id, town: str, body: RecurringActivityIn):
    """Change a required recurring activity (every field given). The town office only; audited."""
    return _save_entry(request, town, _RECURRING_ACTIVITIES, body, pk=recurring_id)


@router.delete("/organization/recurring-activities/{recurring_id}", response={204: None})
def delete_recurring_activity(request, recurring_id: Id, town: str):
    """Remove a required recurring activity. The town office only; audited."""
    return _delete_entry(request, town, _RECURRING_ACTIVITIES, recurring_id)
