"""Targets split per village and unit over the API."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from communityedu.organization import targets as village_targets
from communityedu.organization.constants import VILLAGE_FIGURES, FigureKey
from communityedu.organization.permissions import can_edit_structure, can_view_structure
from communityedu.organization.selectors import towns_visible_to

router = Router(tags=["organization"])


class ErrorOut(Schema):
    detail: str


class TargetRow(Schema):
    figure_key: FigureKey
    village_id: int | None = None
    unit_id: int | None = None
    value: Decimal


class TargetsIn(Schema):
    targets: list[TargetRow]


def _rows(town, year: int) -> list[TargetRow]:
    return [
        TargetRow(
            figure_key=key,
            village_id=subject_id if key in VILLAGE_FIGURES else None,
            unit_id=None if key in VILLAGE_FIGURES else subject_id,
            value=value,
        )
        for (key, subject_id), value in village_targets.targets_for(town=town, year=year).items()
    ]


@router.get("/targets", response=list[TargetRow])
def get_targets(request, town: str, year: int):
    """Every village's and unit's target for ``year`` (the plan's threshold where none is set)."""
    if not can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return _rows(get_object_or_404(towns_visible_to(request.user), slug=town), year)


@router.put("/targets", response={200: list[TargetRow], 400: ErrorOut})
def put_targets(request, town: str, year: int, body: TargetsIn):
    """Set the targets given for ``year``, all or none."""
    town_row = get_object_or_404(towns_visible_to(request.user), slug=town)
    if not can_edit_structure(request.user, town_row):
        raise HttpError(403, "Not allowed")
    values = {(row.figure_key.value, row.village_id or row.unit_id or 0): row.value for row in body.targets}
    try:
        village_targets.set_targets(town=town_row, year=year, values=values, actor=request.user)
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    return Status(200, _rows(town_row, year))
