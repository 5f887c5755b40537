"""The survey figures (docs/design.md, "The figures"): awareness (知晓), recognition (认同) and
satisfaction (满意) — of the valid answers to the standard question in the latest closed standard
survey of the year, the share in the top two points of its scale (or "yes") — with the respondents
and their share of the resident population beside. Four queries each (the rates through
``surveys.selectors.standard_rates_of_towns``, the populations), for any number of towns."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from communityedu.metrics.figures import FIGURES, Figure, deadline_for, effective_as_of, figure, ratio
from communityedu.organization.models import VillagePopulation
from communityedu.surveys.constants import StandardKey
from communityedu.surveys.selectors import standard_rates_of_towns

# REQUIREMENTS R6: "awareness rate, recognition rate (知晓率、认同率) ≥ 80%"; "satisfaction rate
# (满意率) ≥ 70%" (the same as organization.constants.DEFAULT_TARGETS).
THRESHOLDS = {
    StandardKey.AWARENESS: Decimal("0.80"),
    StandardKey.RECOGNITION: Decimal("0.80"),
    StandardKey.SATISFACTION: Decimal("0.70"),
}


def _survey_figures(key: str, *, towns, year: int, as_of: date) -> dict[int, Figure]:
    town_ids = [town.pk for town in towns]
    rates = standard_rates_of_towns(town_ids=town_ids, year=year, as_of=effective_as_of(year, as_of))
    populations = dict(
        VillagePopulation.objects.filter(town_id__in=town_ids, year=year)
        .values("town_id")
        .annotate(total=Sum("resident_population"))
        .values_list("town_id", "total")
        .order_by()
    )
    result = {}
    for town in towns:
        rate = rates[town.pk][key]
        population = populations.get(town.pk) or 0
        share = ratio(rate.respondents, population)
        beside = {"respondents": rate.respondents, "resident_population": population}
        if share is not None:
            # The respondents' share of the population in basis points (1/10,000): 0.0325 is 325.
            beside["respondents_share_bp"] = int(share * 10000)
        result[town.pk] = Figure(
            key=str(key),
            label=str(FIGURES[key][0]),
            town_id=town.pk,
            year=year,
            as_of=as_of,
            numerator=rate.positive,
            denominator=rate.valid_answers,
            threshold=THRESHOLDS[key],
            deadline=deadline_for(town, year),
            beside=beside,
        )
    return result


@figure("awareness", _("awareness rate"))
def awareness(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    return _survey_figures(StandardKey.AWARENESS, towns=towns, year=year, as_of=as_of)


@figure("recognition", _("recognition rate"))
def recognition(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    return _survey_figures(StandardKey.RECOGNITION, towns=towns, year=year, as_of=as_of)


@figure("satisfaction", _("satisfaction rate"))
def satisfaction(*, towns, year: int, as_of: date, detail_town_ids=None) -> dict[int, Figure]:
    return _survey_figures(StandardKey.SATISFACTION, towns=towns, year=year, as_of=as_of)
