"""The records behind the units' figures: each unit's own people with the day they first took part
(``unit_staff_participation``), and each volunteer team's members and activities
(``team_membership``), for the chosen town, year and as_of. Named people: the town office and the
district's evaluators read them, as they read the residents behind the participation rate."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render

from communityedu.core.views import allowed_if
from communityedu.dashboard.targets import _period, _town
from communityedu.metrics import unit_figures
from communityedu.metrics.permissions import EVERY_VILLAGE, can_read_figures, participant_villages_for


def _reads_names(request) -> bool:
    town = _town(request)
    return (
        town is not None
        and can_read_figures(request.user, town)
        and participant_villages_for(request.user, town) is EVERY_VILLAGE
    )


def _number(request, name: str) -> int | None:
    text = request.GET.get(name) or ""
    if not text:
        return None
    try:
        return int(text)
    except ValueError as error:
        raise Http404 from error


@allowed_if(_reads_names)
def unit_people(request):
    """``?unit=`` one unit; ``?took_part=1`` only those who took part (the figure's numerator)."""
    year, as_of = _period(request)
    town = _town(request)
    rows = unit_figures.unit_people(town=town, year=year, as_of=as_of, unit_id=_number(request, "unit"))
    took_part = request.GET.get("took_part") == "1"
    if took_part:
        rows = [row for row in rows if row.first_attended_on is not None]
    return render(
        request,
        "dashboard/unit_people.html",
        {"rows": rows, "town": town, "year": year, "as_of": as_of, "took_part": took_part},
    )


@allowed_if(_reads_names)
def team_records(request):
    """``?team=`` one team; every team of the town otherwise."""
    year, as_of = _period(request)
    town = _town(request)
    teams = unit_figures.team_records(town=town, year=year, as_of=as_of, team_id=_number(request, "team"))
    return render(request, "dashboard/team_records.html", {"teams": teams, "town": town, "year": year, "as_of": as_of})
