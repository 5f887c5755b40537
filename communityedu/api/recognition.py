"""Recognition of learning organisations over the API: the statuses and rates as of a date, and
recording a status change (evidence files are uploaded on the page)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.types import Id, Text, TownSlug
from communityedu.metrics import recognition_figures
from communityedu.organization.models import Village
from communityedu.recognition import permissions, selectors, services
from communityedu.recognition.constants import VILLAGE_TRACKS, RecognitionStatus, Track

router = ListRouter(tags=["recognition"])


class StandingOut(Schema):
    track: str
    status: str
    effective_on: date | None
    has_evidence: bool


class VillageRecognitionOut(Schema):
    village_id: int
    village: str
    learning_community: StandingOut
    demonstration: StandingOut


class OrganRecognitionOut(Schema):
    unit_id: int
    unit: str
    learning_organ: StandingOut


class RatioOut(Schema):
    recognised: int
    total: int
    rate: Decimal | None


class RecognitionOut(Schema):
    as_of: date
    learning_communities: RatioOut
    learning_organs: RatioOut
    demonstration_villages: int
    villages: list[VillageRecognitionOut]
    organs: list[OrganRecognitionOut]


class StatusChangeIn(Schema):
    town: TownSlug
    track: Track
    village_id: Id | None = None
    unit_id: Id | None = None
    status: RecognitionStatus
    effective_on: date
    note: Text(200) = ""


class StatusChangeOut(Schema):
    id: int
    track: str
    village_id: int | None
    unit_id: int | None
    status: str
    effective_on: date
    note: str


def _standing(standing) -> StandingOut:
    change = standing.change
    return StandingOut(
        track=standing.track,
        status=standing.status,
        effective_on=change.effective_on if change else None,
        has_evidence=bool(change and change.evidence_file),
    )


def _ratio(ratio) -> RatioOut:
    return RatioOut(recognised=ratio.recognised, total=ratio.total, rate=ratio.rate)


@router.get("/recognition", response=RecognitionOut)
def list_recognition(request, town: str, as_of: date | None = None):
    """Every village/community and party/government organ with its status on each track as of
    ``as_of`` (default today), and the rates."""
    town_row = town_for(request, town)
    if not permissions.can_read_recognition(request.user, town_row):
        raise HttpError(403, "Not allowed")
    board = selectors.recognition_board(town=town_row, as_of=as_of)
    figures = recognition_figures.rates_of(board)
    return RecognitionOut(
        as_of=board.as_of,
        learning_communities=_ratio(figures.learning_communities),
        learning_organs=_ratio(figures.learning_organs),
        demonstration_villages=figures.demonstration_villages,
        villages=[
            VillageRecognitionOut(
                village_id=row.village.pk,
                village=row.village.name,
                learning_community=_standing(row.learning_community),
                demonstration=_standing(row.demonstration),
            )
            for row in board.villages
        ],
        organs=[
            OrganRecognitionOut(unit_id=row.unit.pk, unit=row.unit.name, learning_organ=_standing(row.learning_organ))
            for row in board.organs
        ],
    )


@router.post("/recognition", response={201: StatusChangeOut})
def update_recognition(request, body: StatusChangeIn):
    """Record that a village (or organ) has ``status`` on ``track`` from ``effective_on`` on."""
    town_row = town_for(request, body.town)
    if not permissions.can_manage_recognition(request.user, town_row):
        raise HttpError(403, "Not allowed")
    if body.track in VILLAGE_TRACKS:
        subject = {"village": get_object_or_404(Village.objects.filter(town=town_row), pk=body.village_id or 0)}
    else:
        subject = {"unit": get_object_or_404(selectors.organs_of(town_row), pk=body.unit_id or 0)}
    change = services.record_status(
        town=town_row,
        track=body.track,
        status=body.status,
        effective_on=body.effective_on,
        note=body.note,
        actor=request.user,
        **subject,
    )
    return Status(201, change)
