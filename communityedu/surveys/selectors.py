"""Reads of surveys: the gates, a survey's aggregated results, and the three standard figures.

Results are only ever aggregates: counts per answer and per village, never who answered what.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communityedu.organization.scope import scope_for
from communityedu.surveys.constants import (
    POSITIVE_SCALE_POINTS,
    YES,
    QuestionKind,
    StandardKey,
    SurveyStatus,
)
from communityedu.surveys.models import Answer, Choice, Question, Response, Survey
from communityedu.surveys.permissions import can_view_surveys


def surveys_visible_to(user) -> QuerySet[Survey]:
    """Staff read the surveys of the towns they work in (evaluators: the district's)."""
    if not can_view_surveys(user):
        return Survey.objects.none()
    scope = scope_for(user)
    if scope.is_system_admin:
        return Survey.objects.all()
    return Survey.objects.filter(town_id__in=scope.readable_town_ids)


def _with_questions(surveys: QuerySet[Survey]) -> QuerySet[Survey]:
    return surveys.select_related("town").prefetch_related(
        Prefetch(
            "questions",
            queryset=Question.objects.order_by("position", "id").prefetch_related(
                Prefetch("choices", queryset=Choice.objects.order_by("position", "id"))
            ),
        )
    )


def get_survey_for(user, pk: int) -> Survey:
    return get_object_or_404(_with_questions(surveys_visible_to(user)), pk=pk)


def survey_list(*, user, town) -> list[Survey]:
    return list(
        surveys_visible_to(user)
        .filter(town=town)
        .annotate(response_count=Count("responses", distinct=True), question_count=Count("questions", distinct=True))
        .order_by("-year", "-id")
    )


def open_surveys_for(person) -> list[Survey]:
    """The open surveys of the resident's town, each marked ``is_answered``."""
    if person is None:
        return []
    surveys = list(
        Survey.objects.filter(town_id=person.town_id, status=SurveyStatus.OPEN)
        .annotate(is_answered=Count("responses", filter=Q(responses__person=person)))
        .order_by("-year", "-id")
    )
    return surveys


def get_survey_to_answer(person, pk: int) -> Survey:
    """An open or closed (not draft) survey of the resident's own town, with its questions."""
    return get_object_or_404(
        _with_questions(Survey.objects.filter(town_id=person.town_id).exclude(status=SurveyStatus.DRAFT)), pk=pk
    )


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their choices (prefetched by the gates)."""
    return list(survey.questions.all())


def online_response_of(*, survey: Survey, person) -> Response | None:
    return (
        Response.objects.filter(town_id=survey.town_id, survey=survey, person=person)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("choice")))
        .first()
    )


# --- the standard figures -------------------------------------------------------------------


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


def respondents_by_village(*, survey: Survey) -> dict[int | None, int]:
    """Responses per village id (None: village not given)."""
    rows = Response.objects.filter(town_id=survey.town_id, survey=survey).values("village_id").annotate(n=Count("id"))
    return {row["village_id"]: row["n"] for row in rows}


def standard_respondents_by_village(*, town, year: int, as_of: date | None = None) -> dict[int | None, int]:
    """Respondents per village in the survey ``standard_rates`` reads, for the population share."""
    survey = standard_survey(town=town, year=year, as_of=as_of)
    return respondents_by_village(survey=survey) if survey else {}


# --- a survey's results ---------------------------------------------------------------------


@dataclass
class OptionCount:
    label: str
    count: int
    share: float | None
    is_positive: bool = False


@dataclass
class QuestionResult:
    question: Question
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    positive: int | None = None

    @property
    def positive_share(self) -> float | None:
        return self.positive / self.answered if self.positive is not None and self.answered else None


@dataclass
class VillageResult:
    village_id: int | None
    name: str
    respondents: int
    population: int | None

    @property
    def share_of_population(self) -> float | None:
        return self.respondents / self.population if self.population else None


@dataclass
class SurveyResults:
    survey: Survey
    respondents: int
    online: int
    paper: int
    questions: list[QuestionResult]
    villages: list[VillageResult] = field(default_factory=list)


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def survey_results(*, survey: Survey, villages=()) -> SurveyResults:
    """Counts per answer of every question, and respondents per village.

    ``villages``: the town's villages with their ``populations`` prefetched (the organisation
    selectors' ``village_list``), for the respondents' share of each village's population in the
    survey's year.
    """
    responses = Response.objects.filter(town_id=survey.town_id, survey=survey)
    by_channel = dict(responses.values_list("channel").annotate(n=Count("id")))
    respondents = sum(by_channel.values())
    answers = Answer.objects.filter(town_id=survey.town_id, response__survey=survey)
    answered = dict(answers.values_list("question").annotate(n=Count("response", distinct=True)))
    by_choice = Counter(dict(answers.filter(choice__isnull=False).values_list("choice").annotate(n=Count("id"))))
    by_value: Counter = Counter()
    for question_id, value, n in (
        answers.filter(value__isnull=False).values_list("question", "value").annotate(n=Count("id"))
    ):
        by_value[(question_id, value)] = n
    results = []
    for question in questions_of(survey):
        total = answered.get(question.pk, 0)
        result = QuestionResult(question=question, answered=total)
        if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            result.options = [
                OptionCount(choice.text, by_choice[choice.pk], _share(by_choice[choice.pk], total))
                for choice in question.choices.all()
            ]
        elif question.kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
            positive_values = {YES} if question.kind == QuestionKind.YES_NO else POSITIVE_SCALE_POINTS
            for value, label in question.value_labels():
                n = by_value[(question.pk, value)]
                result.options.append(OptionCount(label, n, _share(n, total), value in positive_values))
            result.positive = sum(o.count for o in result.options if o.is_positive)
        results.append(result)
    counts = respondents_by_village(survey=survey)
    village_rows = []
    for village in villages:
        population = next((p.resident_population for p in village.populations.all() if p.year == survey.year), None)
        village_rows.append(VillageResult(village.pk, village.name, counts.get(village.pk, 0), population))
    if counts.get(None):
        village_rows.append(VillageResult(None, "", counts[None], None))
    return SurveyResults(
        survey=survey,
        respondents=respondents,
        online=by_channel.get("online", 0),
        paper=by_channel.get("paper", 0),
        questions=results,
        villages=village_rows,
    )
