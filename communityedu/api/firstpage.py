"""The signed-in staff member's first page over the API: the same sections as the page
(``dashboard/first_pages.py``), for an app or a script that shows a role its own day."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.dashboard import first_pages
from communityedu.organization.permissions import has_staff_role

router = ListRouter(tags=["dashboard"])


class ActivityBrief(Schema):
    id: int
    title: str
    starts_at: datetime


class FirstPageVillageOut(Schema):
    village_id: int
    village: str
    fortnight: list[ActivityBrief]
    roll_to_take: list[ActivityBrief] = Field(..., description="Today's activities still open for check-in")
    without_evidence_count: int = Field(..., description="Activities held this year without evidence")
    participants: int | None
    population: int | None
    target: Decimal | None
    residents_still_missing: int
    cards_to_hand_out: int


class DirectorOut(Schema):
    villages: list[FirstPageVillageOut]
    join_requests: int | None


class PointLineOut(Schema):
    day: date
    title: str
    points: Decimal
    counts: bool = Field(..., description="False while the activity has no evidence")


class DutyOut(Schema):
    linked: bool = Field(..., description="Whether the account is linked to a person of the register")
    activities: list[ActivityBrief]
    points_earned: Decimal | None
    points_granted: Decimal | None
    lines: list[PointLineOut]
    certificates: int


class FirstPageUnitOut(Schema):
    open_tasks: int
    year: int


class DistrictRowOut(Schema):
    town: str
    numerator: int
    denominator: int
    value: Decimal | None


class FirstPageOut(Schema):
    sections: list[str]
    director: DirectorOut | None
    duty: DutyOut | None
    unit: FirstPageUnitOut | None
    moderation: dict[str, int] | None
    district: list[DistrictRowOut] | None


def _brief(activities) -> list[dict]:
    return [{"id": a.pk, "title": a.title, "starts_at": a.starts_at} for a in activities]


def _director(section) -> dict | None:
    if section is None:
        return None
    villages = []
    for village in section.villages:
        line = village.participation.line
        villages.append(
            {
                "village_id": village.village.pk,
                "village": village.village.name,
                "fortnight": _brief(village.fortnight),
                "roll_to_take": _brief(village.roll_to_take),
                "without_evidence_count": village.without_evidence_count,
                "participants": line.numerator if line else None,
                "population": line.denominator if line else None,
                "target": line.target if line else None,
                "residents_still_missing": village.participation.missing,
                "cards_to_hand_out": village.cards_to_hand_out,
            }
        )
    return {"villages": villages, "join_requests": section.join_requests}


def _duty(section) -> dict | None:
    if section is None:
        return None
    statement = section.statement
    return {
        "linked": section.person is not None,
        "activities": _brief(section.activities),
        "points_earned": statement.earned if statement else None,
        "points_granted": statement.granted if statement else None,
        "lines": [
            {"day": line.day, "title": line.title, "points": line.points, "counts": line.counts}
            for line in (statement.lines if statement else [])
        ],
        "certificates": len(section.certificates),
    }


@router.get("/me/first-page", response=FirstPageOut)
def get_first_page(request, town: str):
    """The caller's first page in ``town``: a centre director's villages (this fortnight, the roll to
    take, activities without evidence, participation against the target, cards to hand out), a
    teacher's or volunteer's activities and points, a department's open tasks, the moderation queue,
    the district side by side; ``sections`` lists those that apply, in the page's order."""
    if not has_staff_role(request.user):
        raise ApiError(403, "The first page is for staff accounts")
    page = first_pages.first_page(request.user, town_for(request, town))
    return {
        "sections": page.sections,
        "director": _director(page.director),
        "duty": _duty(page.duty),
        "unit": {"open_tasks": page.unit.open_tasks, "year": page.unit.year} if page.unit else None,
        "moderation": page.moderation,
        "district": [
            {
                "town": row.town.name,
                "numerator": row.figure.numerator,
                "denominator": row.figure.denominator,
                "value": row.figure.value,
            }
            for row in page.district
        ]
        if page.district
        else None,
    }
