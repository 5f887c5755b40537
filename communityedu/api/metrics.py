"""The plan's figures over the API: every figure of a town with its numerator, denominator,
threshold and status, as of a date."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Id, Year
from communityedu.core.money import api_yuan, fen_to_yuan
from communityedu.core.parsing import check_year
from communityedu.metrics.figures import figures_for
from communityedu.metrics.permissions import can_edit_targets, can_read_figures
from communityedu.metrics.selectors import default_year
from communityedu.organization import services as organization_services
from communityedu.organization import targets as village_targets
from communityedu.organization.models import Village

router = ListRouter(tags=["metrics"])


class LineOut(Schema):
    key: str
    label: str
    # A count, or money: yuan as a decimal string ("70000.00") when the line is an amount.
    numerator: int | str
    denominator: int | str
    value: str | None
    status: str
    target: str | None = None
    # Counts beside the line, not folded into it (a volunteer team's members and activities).
    counts: dict[str, int] = {}


class FigureOut(Schema):
    key: str
    label: str
    # A count, or money: yuan as a decimal string with two places ("70000.00") for the parts named
    # in ``money_parts`` (an amount beside the figure is named ``*_yuan``).
    numerator: int | str
    denominator: int | str
    money_parts: list[str]
    value: str | None
    threshold: str
    unit: str
    status: str
    deadline: date
    # Numbers beside the figure, the label of its lines (lines_label) and names (counted_units:
    # the units the learning-organ rate counts, by the town's classification).
    beside: dict[str, int | str | list[str]]
    flags: dict[str, int]
    villages: list[LineOut]
    trend: list[LineOut]


class MetricsOut(Schema):
    town: str
    year: int
    as_of: date
    # Why this year, when none was asked for: the town's setting or the latest year with data.
    year_reason: str = ""
    figures: list[FigureOut]


def _money(fen: int) -> str:
    return api_yuan(fen_to_yuan(fen))


def _yuan_key(key: str) -> str:
    return key.removesuffix("_fen") + "_yuan" if key.endswith("_fen") else key


def _beside(figure) -> dict:
    """``beside`` as the API answers it: an amount kept in fen (``*_fen``) as yuan under ``*_yuan``."""
    answer = {}
    for key, value in figure.beside.items():
        if key.endswith("_fen"):
            answer[_yuan_key(key)] = _money(value)
        else:
            answer[key] = value if isinstance(value, int | list) else str(value)
    return answer


def _part(figure, part: str) -> int | str:
    value = getattr(figure, part)
    return _money(value) if part in figure.money_parts else value


def _line(line) -> dict:
    is_money = getattr(line, "is_money", False)
    return {
        "key": str(line.key),
        "label": line.label,
        "numerator": _money(line.numerator) if is_money else line.numerator,
        "denominator": _money(line.denominator) if is_money else line.denominator,
        "value": None if line.value is None else str(line.value),
        "status": line.status,
        "target": None if line.target is None else str(line.target),
        "counts": line.counts,
    }


@router.get("/metrics", response=MetricsOut)
def get_metrics(request, town: str, year: Year | None = None, as_of: date | None = None):
    """Every figure of the town for ``year`` as of ``as_of`` (default: today); with neither, the
    year the targets page opens on (the town's setting, else the latest year with data: its reason
    in ``year_reason``) as of today or that year's end;
    rates as decimal strings (0.7123) — with unit "yuan", yuan per resident (2.50) —, money parts
    (named in ``money_parts``) as yuan strings with two places ("70000.00"), statuses met /
    at_risk / not_met / no_data."""
    town_row = town_for(request, town)
    if not can_read_figures(request.user, town_row):
        raise HttpError(403, "Not allowed")
    reason = ""
    if year is None and as_of is None:
        year, reason = default_year(town_row)
        as_of = min(timezone.localdate(), date(year, 12, 31))
    as_of = as_of or timezone.localdate()
    year = year or check_year(as_of.year, field="as_of")
    figures = figures_for(towns=[town_row], year=year, as_of=as_of)[town_row.pk]
    return {
        "town": town_row.slug,
        "year": year,
        "as_of": as_of,
        "year_reason": reason,
        "figures": [
            {
                "key": figure.key,
                "label": figure.label,
                "numerator": _part(figure, "numerator"),
                "denominator": _part(figure, "denominator"),
                "money_parts": [_yuan_key(part) for part in figure.money_parts],
                "value": None if figure.value is None else str(figure.value),
                "threshold": str(figure.threshold),
                "unit": figure.unit,
                "status": figure.status,
                "deadline": figure.deadline,
                "beside": _beside(figure),
                "flags": figure.flags,
                "villages": [_line(line) for line in figure.villages],
                "trend": [_line(line) for line in figure.trend],
            }
            for figure in figures
        ],
    }


# ---- the deadline and the village targets -------------------------------------------------------


class VillageTargetsOut(Schema):
    village_id: int
    name: str
    participation: str
    awareness: str
    recognition: str
    satisfaction: str


class TargetSettingsOut(Schema):
    town: str
    year: int
    targets_due_on: date | None
    # The year pages open on, as set (null: the latest year with data), and as it comes out.
    default_year: int | None
    opens_on_year: int
    opens_on_reason: str
    villages: list[VillageTargetsOut]


class VillageTargetsIn(Schema):
    village_id: Id
    participation: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    awareness: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    recognition: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)
    satisfaction: Decimal | None = Field(None, ge=0, le=100, decimal_places=2)


class TargetSettingsIn(Schema):
    targets_due_on: date | None = None
    default_year: Year | None = None
    villages: list[VillageTargetsIn] = []


def _settings(town_row, year: int) -> dict:
    current = village_targets.targets_for(town=town_row, year=year)
    villages = Village.objects.filter(town=town_row).order_by("code", "name")
    opens_on_year, opens_on_reason = default_year(town_row)
    return {
        "town": town_row.slug,
        "year": year,
        "targets_due_on": town_row.targets_due_on,
        "default_year": town_row.default_year,
        "opens_on_year": opens_on_year,
        "opens_on_reason": opens_on_reason,
        "villages": [
            {
                "village_id": village.pk,
                "name": village.name,
                **{str(key): str(current[(str(key), village.pk)]) for key in village_targets.VILLAGE_FIGURES},
            }
            for village in villages
        ],
    }


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


@router.get("/metrics/targets", response=TargetSettingsOut)
def get_target_settings(request, town: str, year: Year | None = None):
    """The town's targets deadline and every village's targets for ``year`` (default: this year), in
    per cent; a target not set is the plan's threshold."""
    town_row = town_for(request, town)
    if not can_read_figures(request.user, town_row):
        raise HttpError(403, "Not allowed")
    return _settings(town_row, _year(year))


def _gives_deadline(request, name: str = "targets_due_on") -> bool:
    """Whether the body names ``name`` at all (null clears it; left out keeps it)."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return False
    return isinstance(body, dict) and name in body


@router.put("/metrics/targets", response=TargetSettingsOut)
def put_target_settings(request, town: str, payload: TargetSettingsIn, year: Year | None = None):
    """Set the deadline (null: 31 December of each year; left out: unchanged), the year pages open
    on (``default_year``; null: the latest year with data; left out: unchanged) and the targets
    given, village by village (a figure left out keeps its target); all or nothing. Town office
    only."""
    town_row = town_for(request, town)
    if not can_edit_targets(request.user, town_row):
        raise HttpError(403, "Not allowed")
    year = _year(year)
    village_ids = set(Village.objects.filter(town=town_row).values_list("pk", flat=True))
    values = {}
    for row, village in enumerate(payload.villages, start=1):
        if village.village_id not in village_ids:
            message = f"no village {village.village_id} in {town_row.slug}."
            raise ApiError(400, f"villages[{row}]: {message}", errors=[(f"villages[{row}].village_id", message)])
        for key in village_targets.VILLAGE_FIGURES:
            value = getattr(village, str(key))
            if value is not None:
                values[(str(key), village.village_id)] = value
    with transaction.atomic():
        if _gives_deadline(request):
            organization_services.set_targets_due_on(town=town_row, due_on=payload.targets_due_on, actor=request.user)
        if _gives_deadline(request, "default_year"):
            organization_services.set_default_year(town=town_row, year=payload.default_year, actor=request.user)
        village_targets.set_targets(town=town_row, year=year, values=values, actor=request.user)
    town_row.refresh_from_db()
    return _settings(town_row, year)
