"""The plan's figures over the API: every figure of a town with its numerator, denominator,
threshold and status, as of a date."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError

from communityedu.metrics.figures import figures_for
from communityedu.metrics.permissions import can_read_figures
from communityedu.organization.selectors import towns_visible_to

router = Router(tags=["metrics"])


class LineOut(Schema):
    key: str
    label: str
    numerator: int
    denominator: int
    value: str | None
    status: str
    target: str | None = None


class FigureOut(Schema):
    key: str
    label: str
    numerator: int
    denominator: int
    value: str | None
    threshold: str
    unit: str
    status: str
    deadline: date
    beside: dict[str, int]
    flags: dict[str, int]
    villages: list[LineOut]
    trend: list[LineOut]


class MetricsOut(Schema):
    town: str
    year: int
    as_of: date
    figures: list[FigureOut]


def _line(line) -> dict:
    return {
        "key": str(line.key),
        "label": line.label,
        "numerator": line.numerator,
        "denominator": line.denominator,
        "value": None if line.value is None else str(line.value),
        "status": line.status,
        "target": None if line.target is None else str(line.target),
    }


@router.get("/metrics", response=MetricsOut)
def get_metrics(request, town: str, year: int | None = None, as_of: date | None = None):
    """Every figure of the town for ``year`` (default: this year) as of ``as_of`` (default: today);
    rates as decimal strings (0.7123) — with unit "yuan", yuan per resident (2.50) from a numerator
    in fen —, statuses met / at_risk / not_met / no_data."""
    town_row = get_object_or_404(towns_visible_to(request.user), slug=town)
    if not can_read_figures(request.user, town_row):
        raise HttpError(403, "Not allowed")
    as_of = as_of or timezone.localdate()
    year = year or as_of.year
    figures = figures_for(towns=[town_row], year=year, as_of=as_of)[town_row.pk]
    return {
        "town": town_row.slug,
        "year": year,
        "as_of": as_of,
        "figures": [
            {
                "key": figure.key,
                "label": figure.label,
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "value": None if figure.value is None else str(figure.value),
                "threshold": str(figure.threshold),
                "unit": figure.unit,
                "status": figure.status,
                "deadline": figure.deadline,
                "beside": figure.beside,
                "flags": figure.flags,
                "villages": [_line(line) for line in figure.villages],
                "trend": [_line(line) for line in figure.trend],
            }
            for figure in figures
        ],
    }
