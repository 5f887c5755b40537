"""Funding per capita (docs/design.md, "The figures"): the town-finance (镇财政) allocations of
the year ÷ the resident population of the year, against 2 yuan (REQUIREMENTS R8); the year
before's town-finance total beside it, and whether the allocation rises. Two queries for any
number of towns (``funding.selectors.town_finance_per_capita_of_towns``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from communityedu.funding.constants import PER_CAPITA_THRESHOLD
from communityedu.funding.selectors import town_finance_per_capita_of_towns
from communityedu.metrics.figures import FIGURES, YUAN, Figure, deadline_for, effective_as_of, figure


def _fen(amount: Decimal) -> int:
    return int(amount * 100)


@figure("funding_per_capita", _("town-finance funding per resident (yuan)"))
def funding_per_capita(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    """The numerator is the year's town-finance total in fen (exact, an integer), the denominator
    the resident population; the value is yuan per resident, as the funding page shows it."""
    funding = town_finance_per_capita_of_towns(
        town_ids=[town.pk for town in towns], year=year, as_of=effective_as_of(year, as_of)
    )
    result = {}
    for town in towns:
        row = funding[town.pk]
        result[town.pk] = Figure(
            key="funding_per_capita",
            label=str(FIGURES["funding_per_capita"][0]),
            town_id=town.pk,
            year=year,
            as_of=as_of,
            numerator=_fen(row.town_finance_total),
            denominator=row.population,
            threshold=Decimal(PER_CAPITA_THRESHOLD),
            deadline=deadline_for(town, year),
            unit=YUAN,
            beside={
                "town_finance_fen": _fen(row.town_finance_total),
                "previous_year_town_finance_fen": _fen(row.previous_year_total),
                "rises_from_previous_year": int(row.is_rising),
            },
            flags={} if row.is_rising else {"town_finance_not_rising": 1},
        )
    return result
