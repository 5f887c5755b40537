"""The survey figures (docs/design.md, "The figures"): awareness (知晓), recognition (认同) and
satisfaction (满意) — of the valid answers to the standard question in the latest closed standard
survey of the year, the share in the top two points of its scale (or "yes") — with the respondents
and their share of the resident population beside. Four queries each (the rates through
``standard_rates_of_towns``, the populations), for any number of towns; ``standard_rates`` gives
one town's (or some of its villages') rates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communityedu.metrics.figures import FIGURES, Figure, deadline_for, effective_as_of, figure, ratio
from communityedu.organization.models import VillagePopulation
from communityedu.surveys.constants import POSITIVE_SCALE_POINTS, YES, QuestionKind, StandardKey, SurveyStatus
from communityedu.surveys.models import Answer, Question, Response, Survey
from communityedu.surveys.selectors import respondents_by_village

# REQUIREMENTS R6: "awareness rate, recognition rate (知晓率、认同率) ≥ 80%"; "satisfaction rate
# (满意率) ≥ 70%" (the same as organization.constants.DEFAULT_TARGETS).
THRESHOLDS = {
    StandardKey.AWARENESS: Decimal("0.80"),
    StandardKey.RECOGNITION: Decimal("0.80"),
    StandardKey.SATISFACTION: Decimal("0.70"),
}


@dataclass(frozen=True)
class StandardRate:
    """One standard figure: positive answers among the valid answers of its standard question."""

    key: str
    positive: int
    valid_answers: int
    respondents: int
    survey_id: int | None

    @property
    def rate(self) -> float | None:
        return self.positive / self.valid_answers if self.valid_answers else None


def standard_survey(*, town, year: int, as_of: date | None = None) -> Survey | None:
    """The latest standard survey of ``year`` closed on or before ``as_of`` (default today)."""
    as_of = as_of or timezone.localdate()
    return (
        Survey.objects.filter(town=town, year=year, is_standard=True, status=SurveyStatus.CLOSED, closes_on__lte=as_of)
        .order_by("-closes_on", "-id")
        .first()
    )


def _positive(question_kind: str) -> Q:
    if question_kind == QuestionKind.YES_NO:
        return Q(value=YES)
    return Q(value__in=POSITIVE_SCALE_POINTS)


def standard_rates(*, town, year: int, as_of: date | None = None, village_ids=None) -> dict[str, StandardRate]:
    """Awareness, recognition and satisfaction of ``town`` for ``year``, as of a date.

    Read from the latest closed standard survey of the year closed on or before ``as_of``; a
    figure whose question is missing, or with no survey at all, has no answers (``rate`` None).
    ``village_ids`` narrows to respondents of those villages. ``respondents`` counts the
    responses (of those villages) in the survey, whether or not they answered that question.
    """
    survey = standard_survey(town=town, year=year, as_of=as_of)
    empty = {key: StandardRate(key, 0, 0, 0, survey.pk if survey else None) for key in StandardKey.values}
    if survey is None:
        return empty
    responses = Response.objects.filter(town=town, survey=survey)
    if village_ids is not None:
        responses = responses.filter(village_id__in=list(village_ids))
    respondents = responses.count()
    rates = {}
    questions = {q.standard_key: q for q in Question.objects.filter(town=town, survey=survey).exclude(standard_key="")}
    for key in StandardKey.values:
        question = questions.get(key)
        if question is None:
            rates[key] = StandardRate(key, 0, 0, respondents, survey.pk)
            continue
        answers = Answer.objects.filter(town=town, question=question, value__isnull=False, response__in=responses)
        counts = answers.aggregate(valid=Count("id"), positive=Count("id", filter=_positive(question.kind)))
        rates[key] = StandardRate(key, counts["positive"], counts["valid"], respondents, survey.pk)
    return rates


def standard_rates_of_towns(*, town_ids, year: int, as_of: date | None = None) -> dict[int, dict[str, StandardRate]]:
    """``standard_rates`` of many towns at once (whole towns), by town id, with the same rules:
    three queries (the surveys, the respondents per survey, the valid and positive answers per
    survey and standard question) whatever the number of towns."""
    as_of = as_of or timezone.localdate()
    town_ids = list(town_ids)
    survey_of: dict[int, int] = {}
    candidates = Survey.objects.filter(
        town_id__in=town_ids, year=year, is_standard=True, status=SurveyStatus.CLOSED, closes_on__lte=as_of
    )
    for town_id, survey_id in candidates.order_by("town_id", "-closes_on", "-id").values_list("town_id", "pk"):
        survey_of.setdefault(town_id, survey_id)
    # The candidates as a subquery, not a list of ids: the reads below run (and count) the same
    # whether or not a survey was found; rows of a town's older surveys are left aside here.
    survey_ids = candidates.values("pk")
    respondents = dict(
        Response.objects.filter(town_id__in=town_ids, survey_id__in=survey_ids)
        .values("survey_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "n")
        .order_by()
    )
    positive = Q(question__kind=QuestionKind.YES_NO, value=YES) | (
        ~Q(question__kind=QuestionKind.YES_NO) & Q(value__in=POSITIVE_SCALE_POINTS)
    )
    counts = {
        (row["question__survey_id"], row["question__standard_key"]): row
        for row in Answer.objects.filter(town_id__in=town_ids, question__survey_id__in=survey_ids, value__isnull=False)
        .exclude(question__standard_key="")
        .values("question__survey_id", "question__standard_key")
        .annotate(valid=Count("id"), positive=Count("id", filter=positive))
        .order_by()
    }
    result = {}
    for town_id in town_ids:
        survey_id = survey_of.get(town_id)
        rates = {}
        for key in StandardKey.values:
            row = counts.get((survey_id, key), {"valid": 0, "positive": 0})
            rates[key] = StandardRate(key, row["positive"], row["valid"], respondents.get(survey_id, 0), survey_id)
        result[town_id] = rates
    return result


def standard_respondents_by_village(*, town, year: int, as_of: date | None = None) -> dict[int | None, int]:
    """Respondents per village in the survey ``standard_rates`` reads, for the population share."""
    survey = standard_survey(town=town, year=year, as_of=as_of)
    return respondents_by_village(survey=survey) if survey else {}


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
