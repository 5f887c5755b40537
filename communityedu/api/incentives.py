"""Bonus points over the API."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from communityedu.incentives import permissions
from communityedu.metrics.points import points_statement
from communityedu.people.selectors import people_visible_to, person_for_account

router = Router(tags=["incentives"])


class PointsOut(Schema):
    year: int
    lectures: int
    activities: int
    earned: str
    cap: str
    granted: str


@router.get("/people/{person_id}/points", response=PointsOut)
def get_points(request, person_id: int, year: int | None = None):
    """A person's bonus points for an assessment year; decimals as strings."""
    own = person_for_account(request.user)
    if own is not None and own.pk == person_id:
        person = own
    else:
        person = get_object_or_404(people_visible_to(request.user), pk=person_id)
        if not permissions.reads_incentives(request.user, person.town):
            raise HttpError(403, "Not allowed")
    year = year or timezone.localdate().year
    statement = points_statement(person=person, year=year)
    return {
        "year": year,
        "lectures": statement.lectures,
        "activities": statement.activities,
        "earned": str(statement.earned),
        "cap": str(statement.cap),
        "granted": str(statement.granted),
    }
