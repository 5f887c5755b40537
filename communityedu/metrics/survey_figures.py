"""The survey figures (docs/design.md, "The figures"): awareness (知晓), recognition (认同) and
satisfaction (满意) — of the valid answers to the standard question in the latest closed standard
survey of the year, the share in the top two points of its scale (or "yes") — with the respondents
and their share of the resident population beside, and a line per village where the responses carry
a village, against the village's own target. Five queries each (the rates through
``standard_rates_of_towns``, the villages with their populations, their targets), for any number of
towns; ``standard_rates`` gives one town's (or some of its villages') rates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communityedu.metrics.base import (
    FIGURES,
    Figure,
    Line,
    Status,
    deadline_for,
    effective_as_of,
    figure,
    ratio,
    shared,
    status_of,
    targets_of,
    villages_with_population,
)
from communityedu.organization.targets import default_target
from communityedu.surveys.constants import POSITIVE_SCALE_POINTS, YES, QuestionKind, StandardKey, SurveyStatus
from communityedu.surveys.models import Answer, Question, Response, Survey

if TYPE_CHECKING:
    from communityedu.organization.models import Town

# REQUIREMENTS R6: "awareness rate, recognition rate (知晓率、认同率) ≥ 80%"; "satisfaction rate
# (满意率) ≥ 70%" (the same as organization.constants.DEFAULT_TARGETS).
THRESHOLDS: dict[str, Decimal] = {
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


def standard_survey(*, town: Town, year: int, as_of: date | None = None) -> Survey | None:
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


def standard_rates(
    *, town: Town, year: int, as_of: date | None = None, village_ids: Iterable[int] | None = None
) -> dict[str, StandardRate]:
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


@dataclass(frozen=True)
class VillageRate:
    """A standard figure among the respondents of one village (None: village not given)."""

    village_id: int | None
    positive: int
    valid_answers: int
    respondents: int


def standard_rates_of_towns(
    *, town_ids: Iterable[int], year: int, as_of: date | None = None, by_village: bool = False
) -> dict[int, dict[str, StandardRate]] | tuple[dict, dict]:
    """``standard_rates`` of many towns at once (whole towns), by town id, with the same rules:
    three queries (the surveys, the respondents per survey and village, the valid and positive
    answers per survey, standard question and village) whatever the number of towns.

    With ``by_village``, also ``{town id: {key: [VillageRate, …]}}``: the same counts split by the
    village the responses carry (online: the resident's home village; paper: the sheet's)."""
    as_of = as_of or timezone.localdate()
    town_ids = list(town_ids)
    survey_of: dict[int, int] = {}
    candidates = Survey.objects.filter(
        town_id__in=town_ids, year=year, is_standard=True, status=SurveyStatus.CLOSED, closes_on__lte=as_of
    )
    for town_id, candidate_id in candidates.order_by("town_id", "-closes_on", "-id").values_list("town_id", "pk"):
        survey_of.setdefault(town_id, candidate_id)
    # The candidates as a subquery, not a list of ids: the reads below run (and count) the same
    # whether or not a survey was found; rows of a town's older surveys are left aside here.
    survey_ids = candidates.values("pk")
    respondents: dict[int | None, dict[int | None, int]] = defaultdict(dict)
    for response_survey_id, village_id, n in (
        Response.objects.filter(town_id__in=town_ids, survey_id__in=survey_ids)
        .values("survey_id", "village_id")
        .annotate(n=Count("id"))
        .values_list("survey_id", "village_id", "n")
        .order_by()
    ):
        respondents[response_survey_id][village_id] = n
    positive = Q(question__kind=QuestionKind.YES_NO, value=YES) | (
        ~Q(question__kind=QuestionKind.YES_NO) & Q(value__in=POSITIVE_SCALE_POINTS)
    )
    counts: dict[tuple[int | None, str], dict[int | None, tuple[int, int]]] = defaultdict(dict)
    for row in (
        Answer.objects.filter(town_id__in=town_ids, question__survey_id__in=survey_ids, value__isnull=False)
        .exclude(question__standard_key="")
        .values("question__survey_id", "question__standard_key", "response__village_id")
        .annotate(valid=Count("id"), positive=Count("id", filter=positive))
        .order_by()
    ):
        counts[(row["question__survey_id"], row["question__standard_key"])][row["response__village_id"]] = (
            row["positive"],
            row["valid"],
        )
    result: dict[int, dict[str, StandardRate]] = {}
    villages: dict[int, dict[str, list[VillageRate]]] = {}
    for town_id in town_ids:
        survey_id = survey_of.get(town_id)
        answered = respondents.get(survey_id, {})
        rates, lines = {}, {}
        for key in StandardKey.values:
            per_village = counts.get((survey_id, key), {})
            rates[key] = StandardRate(
                key,
                sum(positive for positive, _valid in per_village.values()),
                sum(valid for _positive, valid in per_village.values()),
                sum(answered.values()),
                survey_id,
            )
            lines[key] = [
                VillageRate(village_id, *per_village.get(village_id, (0, 0)), answered.get(village_id, 0))
                for village_id in sorted(set(per_village) | set(answered), key=lambda pk: (pk is None, pk or 0))
            ]
        result[town_id] = rates
        villages[town_id] = lines
    return (result, villages) if by_village else result


def _survey_figures(key: str, *, towns: list[Town], year: int, as_of: date) -> dict[int, Figure]:
    """The town's figure, and where the responses carry a village, a line per village with the
    village's own target (``organization.targets``; the plan's threshold where none is set)."""
    town_ids = [town.pk for town in towns]
    cut = effective_as_of(year, as_of)
    rates, by_village = shared(
        ("standard_survey_rates", tuple(town_ids), year, cut),
        lambda: standard_rates_of_towns(town_ids=town_ids, year=year, as_of=cut, by_village=True),
    )
    villages_of_town = defaultdict(list)
    for village in villages_with_population(town_ids=town_ids, year=year):
        villages_of_town[village["town_id"]].append(village)
    stored_targets = targets_of(town_ids=town_ids, year=year, figure_key=key)
    result = {}
    for town in towns:
        rate = rates[town.pk][key]
        deadline = deadline_for(town, year)
        population = sum(village["population"] or 0 for village in villages_of_town[town.pk])
        share = ratio(rate.respondents, population)
        beside = {"respondents": rate.respondents, "resident_population": population}
        if share is not None:
            # The respondents' share of the population in basis points (1/10,000): 0.0325 is 325.
            beside["respondents_share_bp"] = int(share * 10000)
        lines = _village_lines(
            by_village[town.pk][key],
            villages_of_town[town.pk],
            stored_targets,
            key=key,
            as_of=as_of,
            deadline=deadline,
        )
        result[town.pk] = Figure(
            key=str(key),
            label=str(FIGURES[key][0]),
            town_id=town.pk,
            year=year,
            as_of=as_of,
            numerator=rate.positive,
            denominator=rate.valid_answers,
            threshold=THRESHOLDS[key],
            deadline=deadline,
            beside=beside,
            flags={"villages_below_target": sum(line.status in (Status.AT_RISK, Status.NOT_MET) for line in lines)}
            if lines
            else {},
            villages=lines,
        )
    return result


def _village_lines(
    rates: list[VillageRate],
    villages: list[dict],
    stored_targets: dict,
    *,
    key: str,
    as_of: date,
    deadline: date,
) -> list[Line]:
    """A line per village of the town (none when no response carries a village), then the
    responses without a village."""
    by_id = {rate.village_id: rate for rate in rates}
    if not any(village_id is not None for village_id in by_id):
        return []
    lines = []
    for village in villages:
        rate = by_id.get(village["pk"], VillageRate(village["pk"], 0, 0, 0))
        value = ratio(rate.positive, rate.valid_answers)
        target = stored_targets.get(village["pk"], default_target(key)) / 100
        lines.append(
            Line(
                key=village["pk"],
                label=village["name"],
                numerator=rate.positive,
                denominator=rate.valid_answers,
                value=value,
                status=status_of(value, target, as_of=as_of, deadline=deadline),
                note=ngettext("%(count)s respondent", "%(count)s respondents", rate.respondents)
                % {"count": rate.respondents},
                target=target,
            )
        )
    unplaced = by_id.get(None)
    if unplaced is not None:
        lines.append(
            Line(
                key="",
                label=str(_("village not given")),
                numerator=unplaced.positive,
                denominator=unplaced.valid_answers,
                value=ratio(unplaced.positive, unplaced.valid_answers),
                note=ngettext("%(count)s respondent", "%(count)s respondents", unplaced.respondents)
                % {"count": unplaced.respondents},
            )
        )
    return lines


@figure("awareness", _("awareness rate"))
def awareness(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    return _survey_figures(StandardKey.AWARENESS, towns=towns, year=year, as_of=as_of)


@figure("recognition", _("recognition rate"))
def recognition(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    return _survey_figures(StandardKey.RECOGNITION, towns=towns, year=year, as_of=as_of)


@figure("satisfaction", _("satisfaction rate"))
def satisfaction(
    *, towns: list[Town], year: int, as_of: date, detail_town_ids: set[int] | None = None
) -> dict[int, Figure]:
    return _survey_figures(StandardKey.SATISFACTION, towns=towns, year=year, as_of=as_of)
