"""The recognition figures (docs/design.md, "The figures"), by the status in force on the day:
the learning-community creation rate, the learning-organ rate and the demonstration villages.
Read through ``recognition.selectors.recognition_rates_of_towns``: three queries each, for any
number of towns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from communityedu.metrics.figures import FIGURES, Figure, deadline_for, effective_as_of, figure
from communityedu.recognition.constants import DEMONSTRATION_TARGET
from communityedu.recognition.selectors import recognition_rates_of_towns

# REQUIREMENTS R6: "learning-community creation rate (学习型社区创建率) ≥ 70%, Dec 2020".
LEARNING_COMMUNITY_THRESHOLD = Decimal("0.70")
# REQUIREMENTS R6: "learning party/government organ creation rate (学习型党政机关创建率) ≥ 80%, end 2020".
LEARNING_ORGAN_THRESHOLD = Decimal("0.80")
# REQUIREMENTS R2 / R7 phase 3: two demonstration villages/communities (示范社区（村）2个); the
# figure is those recognised ÷ the two asked, met at 1.
DEMONSTRATION_THRESHOLD = Decimal("1")


def _rates(towns, year: int, as_of: date):
    return recognition_rates_of_towns(town_ids=[town.pk for town in towns], as_of=effective_as_of(year, as_of))


def _figure(key, town, *, year, as_of, numerator, denominator, threshold, beside=None) -> Figure:
    return Figure(
        key=key,
        label=str(FIGURES[key][0]),
        town_id=town.pk,
        year=year,
        as_of=as_of,
        numerator=numerator,
        denominator=denominator,
        threshold=threshold,
        deadline=deadline_for(town, year),
        beside=beside or {},
    )


@figure("learning_communities", _("learning-community creation rate"))
def learning_communities(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    """Villages/communities recognised as learning communities (学习型社区) ÷ all of them."""
    rates = _rates(towns, year, as_of)
    return {
        town.pk: _figure(
            "learning_communities",
            town,
            year=year,
            as_of=as_of,
            numerator=rates[town.pk].learning_communities.recognised,
            denominator=rates[town.pk].learning_communities.total,
            threshold=LEARNING_COMMUNITY_THRESHOLD,
        )
        for town in towns
    }


@figure("learning_organs", _("learning party/government organ creation rate"))
def learning_organs(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    """Party/government organs recognised as learning organs (学习型党政机关) ÷ all of them."""
    rates = _rates(towns, year, as_of)
    return {
        town.pk: _figure(
            "learning_organs",
            town,
            year=year,
            as_of=as_of,
            numerator=rates[town.pk].learning_organs.recognised,
            denominator=rates[town.pk].learning_organs.total,
            threshold=LEARNING_ORGAN_THRESHOLD,
        )
        for town in towns
    }


@figure("demonstration_villages", _("demonstration villages/communities recognised (of the two asked)"))
def demonstration_villages(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    """Villages/communities recognised as demonstration villages ÷ the plan's two."""
    rates = _rates(towns, year, as_of)
    return {
        town.pk: _figure(
            "demonstration_villages",
            town,
            year=year,
            as_of=as_of,
            numerator=rates[town.pk].demonstration_villages,
            denominator=DEMONSTRATION_TARGET,
            threshold=DEMONSTRATION_THRESHOLD,
            beside={"recognised": rates[town.pk].demonstration_villages},
        )
        for town in towns
    }
