"""Targets split per village and unit over the API."""

from __future__ import annotations

from decimal import Decimal

from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.types import Id, Year
from communityedu.organization import targets as village_targets
from communityedu.organization.constants import VILLAGE_FIGURES, FigureKey
from communityedu.organization.permissions import can_edit_structure, can_view_structure

router = ListRouter(tags=["organization"])


class TargetRow(Schema):
    figure_key: FigureKey
    village_id: Id | None = None
    unit_id: Id | None = None
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
def get_targets(request, town: str, year: Year):
    """Every village's and unit's target for ``year`` (the plan's threshold where none is set)."""
    if not can_view_structure(request.user):
        raise HttpError(403, "Not allowed")
    return _rows(town_for(request, town), year)


@router.put("/targets", response=list[TargetRow])
def put_targets(request, town: str, year: Year, body: TargetsIn):
    """Set the targets given for ``year``, all or none."""
    town_row = town_for(request, town)
    if not can_edit_structure(request.user, town_row):
        raise HttpError(403, "Not allowed")
    values = {(row.figure_key.value, row.village_id or row.unit_id or 0): row.value for row in body.targets}
    village_targets.set_targets(town=town_row, year=year, values=values, actor=request.user)
    return Status(200, _rows(town_row, year))
