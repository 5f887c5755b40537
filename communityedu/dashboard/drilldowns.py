"""Where each number of a figure leads: the registry of drill-downs.

A drill-down is a function registered with ``@drilldown("<figure key>")`` that takes the
``Figure`` and the ``town``, ``year`` and ``as_of`` it was computed for, and answers
``{part: url}`` — ``"numerator"``, ``"denominator"``, a key of ``figure.beside`` or
``figure.flags``, ``"line:<line key>"`` (a line's numerator) or ``"line:<line key>:denominator"``
— each URL a page listing exactly the records the number counts, for the same town, year and
``as_of`` (all three in its query). The targets page, the district's side-by-side table and the
first pages take every link from here (``links_for``); a part without a link shows its number
plain.

Most parts lead to the records page of the targets (``records_url``: the rows of
``metrics.drilldown_records``, whose count or sum is the number); a figure of another area may
lead to a filtered list page of its own. Append a registration for a new figure at the end.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse

from communityedu.metrics.base import Figure
from communityedu.organization.models import Town

Drilldown = Callable[..., dict[str, str]]
DRILLDOWNS: dict[str, Drilldown] = {}


def drilldown(key: str) -> Callable[[Drilldown], Drilldown]:
    """Register ``fn(figure, *, town, year, as_of) -> {part: url}`` for figure ``key``."""

    def register(fn: Drilldown) -> Drilldown:
        DRILLDOWNS[key] = fn
        return fn

    return register


def reverse(name: str, args: list | tuple = ()) -> str:
    """Django's ``reverse``, remembered per URLconf and script prefix: a page of figures links its
    hundreds of lines to a dozen views, and each reverse walks the URL patterns again."""
    return _reversed(name, tuple(args), get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF)


@functools.lru_cache(maxsize=4096)
def _reversed(name: str, args: tuple, prefix: str, urlconf: str) -> str:
    return django_reverse(name, args=list(args), urlconf=urlconf)


def period_query(*, town: Town, year: int, as_of: date, **extra: object) -> str:
    """``town=…&year=…&as_of=…`` (and any ``extra`` parameters), for a drill-down's URL."""
    period = _period_query(town.slug, year, as_of)
    if not extra:
        return period
    # A number needs no quoting: most lines link by their record's id.
    pairs = (f"{key}={value}" if type(value) is int else urlencode({key: value}) for key, value in extra.items())
    return "&".join((period, *pairs))


@functools.lru_cache(maxsize=1024)
def _period_query(slug: str, year: int, as_of: date) -> str:
    return urlencode({"town": slug, "year": year, "as_of": as_of.isoformat()})


def records_url(key: str, part: str, *, town: Town, year: int, as_of: date) -> str:
    """The records page of ``part`` of figure ``key``."""
    path = reverse("dashboard:figure-records", args=[key, part])
    return f"{path}?{period_query(town=town, year=year, as_of=as_of)}"


def records_links(key: str, parts, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    return {part: records_url(key, part, town=town, year=year, as_of=as_of) for part in parts}


def figure_url(figure: Figure, *, town: Town, year: int, as_of: date) -> str:
    """The figure's own section on the town's targets page (where its every part is linked)."""
    return f"{reverse('dashboard:targets')}?{period_query(town=town, year=year, as_of=as_of)}#figure-{figure.key}"


def links_for(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    """Every drill-down link of ``figure``, ``"value"`` (the figure's section) included."""
    registered = DRILLDOWNS.get(figure.key)
    links = dict(registered(figure, town=town, year=year, as_of=as_of)) if registered else {}
    links.setdefault("value", figure_url(figure, town=town, year=year, as_of=as_of))
    return links


def _present(figure: Figure, parts) -> list[str]:
    """The parts among ``parts`` the figure shows (a beside or flag key only when it is there)."""
    return [
        part for part in parts if part in ("numerator", "denominator") or part in figure.beside or part in figure.flags
    ]


@drilldown("participation")
def participation(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    participants = reverse("dashboard:participants")
    links = {"numerator": f"{participants}?{period_query(town=town, year=year, as_of=as_of)}"}
    parts = ("denominator", "headcount_person_times", "activities_without_evidence", "villages_below_target")
    links |= records_links("participation", _present(figure, parts), town=town, year=year, as_of=as_of)
    for line in figure.villages:
        query = period_query(town=town, year=year, as_of=as_of, village=line.key)
        links[f"line:{line.key}"] = f"{participants}?{query}"
        links[f"line:{line.key}:denominator"] = reverse("organization:village-detail", args=[line.key])
    return links


@drilldown("lecture_hall")
def lecture_hall(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    parts = ("numerator", "denominator", "lectures_held", "months_below_two", "lectures_without_evidence")
    return records_links("lecture_hall", _present(figure, parts), town=town, year=year, as_of=as_of)


@drilldown("funding_per_capita")
def funding_per_capita(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    parts = ("numerator", "denominator", "previous_year_town_finance_fen", "town_finance_not_rising")
    return records_links("funding_per_capita", _present(figure, parts), town=town, year=year, as_of=as_of)


def _recognition(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    # The demonstration villages' denominator is the plan's two: no records behind it.
    parts = ("numerator", "recognised") if figure.key == "demonstration_villages" else ("numerator", "denominator")
    return records_links(figure.key, _present(figure, parts), town=town, year=year, as_of=as_of)


for _key in ("learning_communities", "learning_organs", "demonstration_villages"):
    drilldown(_key)(_recognition)


def _survey(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    links = records_links(
        figure.key,
        _present(figure, ("numerator", "denominator", "respondents", "villages_below_target")),
        town=town,
        year=year,
        as_of=as_of,
    )
    for line in figure.villages:
        for part in (f"line:{line.key}", f"line:{line.key}:denominator"):
            links[part] = records_url(figure.key, part, town=town, year=year, as_of=as_of)
    return links


for _key in ("awareness", "recognition", "satisfaction"):
    drilldown(_key)(_survey)

# ---- the figures added later: append each registration below ------------------------------------


@drilldown("government_funding_share")
def government_funding_share(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    """The funding ledger of the year up to the cut-off: the government sources' allocations for the
    numerator, every allocation for the denominator, one source's for its line."""
    ledger = reverse("funding:year")
    links = {
        "numerator": f"{ledger}?{period_query(town=town, year=year, as_of=as_of, source='government')}#allocations",
        "denominator": f"{ledger}?{period_query(town=town, year=year, as_of=as_of)}#allocations",
    }
    for line in figure.villages:
        links[f"line:{line.key}"] = (
            f"{ledger}?{period_query(town=town, year=year, as_of=as_of, source=line.key)}#allocations"
        )
        links[f"line:{line.key}:denominator"] = links["denominator"]
    return links


@drilldown("audience_participation")
def audience_participation(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    """The audience groups' page for the totals; a group's people who took part for its line, the
    group's people in the register for the line's denominator."""
    groups = f"{reverse('dashboard:audience-groups')}?{period_query(town=town, year=year, as_of=as_of)}"
    links = {"numerator": groups, "denominator": groups, "groups_below_target": groups}
    for line in figure.villages:
        people = reverse("dashboard:audience-group-people", args=[line.key])
        links[f"line:{line.key}"] = f"{people}?{period_query(town=town, year=year, as_of=as_of, took_part=1)}"
        links[f"line:{line.key}:denominator"] = f"{people}?{period_query(town=town, year=year, as_of=as_of)}"
    return links


@drilldown("recurring_activities")
def recurring_activities(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    """The occurrences of the year with their status and the activity that satisfies each."""
    page = f"{reverse('dashboard:recurring-activities')}?{period_query(town=town, year=year, as_of=as_of)}"
    links = dict.fromkeys(("numerator", "denominator", *figure.flags, "not_yet_due"), page)
    for line in figure.villages:
        recurring_id = str(line.key).split("-", 1)[0]
        links[f"line:{line.key}"] = links[f"line:{line.key}:denominator"] = f"{page}#occurrence-{recurring_id}"
    return links


@drilldown("unit_staff_participation")
def unit_staff_participation(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    """The units' own people, those who took part for the numerators; one unit's for its line."""
    people = reverse("dashboard:unit-people")
    links = {
        "numerator": f"{people}?{period_query(town=town, year=year, as_of=as_of, took_part=1)}",
        "denominator": f"{people}?{period_query(town=town, year=year, as_of=as_of)}",
    }
    links |= dict.fromkeys(("units_below_target", "units_without_people"), f"{links['denominator']}")
    for line in figure.villages:
        links[f"line:{line.key}"] = (
            f"{people}?{period_query(town=town, year=year, as_of=as_of, unit=line.key, took_part=1)}"
        )
        links[f"line:{line.key}:denominator"] = (
            f"{people}?{period_query(town=town, year=year, as_of=as_of, unit=line.key)}"
        )
    return links


@drilldown("team_membership")
def team_membership(figure: Figure, *, town: Town, year: int, as_of: date) -> dict[str, str]:
    """The volunteer teams with their members on the day and the activities counted; one team's for its line."""
    teams = f"{reverse('dashboard:team-records')}?{period_query(town=town, year=year, as_of=as_of)}"
    links = dict.fromkeys(("numerator", "denominator", "members", "team_activities", "teams_without_members"), teams)
    for line in figure.villages:
        one = f"{reverse('dashboard:team-records')}?{period_query(town=town, year=year, as_of=as_of, team=line.key)}"
        links[f"line:{line.key}"] = links[f"line:{line.key}:denominator"] = one
    return links
