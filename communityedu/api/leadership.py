"""The leadership group by name: who held each post from when to when, and who led on a date —
the same service and reads as the unit structure page (``people.position_holders``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.types import Id, Title
from communityedu.organization import permissions
from communityedu.organization.models import Position
from communityedu.organization.selectors import units_visible_to
from communityedu.people import position_holders
from communityedu.people.models import Person

router = ListRouter(tags=["organization"])


class HolderOut(Schema):
    id: int
    position_id: int
    person_name: str
    person_id: int | None
    starts_on: date
    ends_on: date | None
    created_at: str

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()


class HolderIn(Schema):
    person_name: Title(50)
    starts_on: date
    ends_on: date | None = None
    person_id: Id | None = None


class LeaderOut(Schema):
    position_id: int
    post: str
    office: str
    name: str


def _position(request, position_id: int) -> Position:
    if not permissions.can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return get_object_or_404(
        Position.objects.filter(unit__in=units_visible_to(request.user)).select_related("town"), pk=position_id
    )


@router.get("/organization/positions/{position_id}/holders", response=list[HolderOut])
def list_position_holders(request, position_id: Id):
    """Who held the post, earliest first (``ends_on`` empty while the person still holds it)."""
    return position_holders.holders_of(_position(request, position_id))


@router.post("/organization/positions/{position_id}/holders", response={201: HolderOut})
def create_position_holder(request, position_id: Id, body: HolderIn):
    """Record who held the post from ``starts_on`` (a past date is welcome); a holder still in
    post before that day is ended the day before. An overlap with another recorded holder is a
    400 naming that holder. The town office only."""
    position = _position(request, position_id)
    if not permissions.can_edit_structure(request.user, position.town):
        raise HttpError(403, "Not allowed")
    person = None
    if body.person_id is not None:
        person = Person.objects.filter(town=position.town, pk=body.person_id).first()
        if person is None:
            raise ValidationError({"person_id": f"person {body.person_id} is not a person of {position.town.slug}"})
    holder = position_holders.appoint_holder(
        position=position,
        person_name=body.person_name,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        person=person,
        actor=request.user,
    )
    return Status(201, holder)


@router.get("/organization/leadership", response=list[LeaderOut])
def list_leadership_on(request, town: str, on: date):
    """The leadership group's posts with who held each on the day ``on`` (``name`` empty when
    nobody is recorded)."""
    if not permissions.can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return position_holders.leaders_on(town_for(request, town), on)
