"""Reads of surveys: the gates and a survey's aggregated results.

Results are only ever aggregates: counts per answer and per village, never who answered what.
The three standard figures (awareness, recognition, satisfaction) are figures of the plan,
computed in ``metrics.survey_figures``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from communityedu.organization.scope import scope_for
from communityedu.surveys.constants import (
    POSITIVE_SCALE_POINTS,
    YES,
    QuestionKind,
    SurveyStatus,
)
from communityedu.surveys.models import Answer, Choice, Question, Response, Survey
from communityedu.surveys.permissions import can_view_surveys

if TYPE_CHECKING:
    from collections.abc import Iterable

    from communityedu.accounts.models import User
    from communityedu.organization.models import Town, Village
    from communityedu.people.models import Person


def surveys_visible_to(user: User) -> QuerySet[Survey]:
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


def get_survey_for(user: User, pk: int) -> Survey:
    return get_object_or_404(_with_questions(surveys_visible_to(user)), pk=pk)


def survey_list(*, user: User, town: Town) -> list[Survey]:
    return list(
        surveys_visible_to(user)
        .filter(town=town)
        .annotate(response_count=Count("responses", distinct=True), question_count=Count("questions", distinct=True))
        .order_by("-year", "-id")
    )


def open_surveys_for(person: Person | None) -> Sequence[Survey]:
    """The open surveys of the resident's town, each marked ``is_answered``."""
    if person is None:
        return []
    surveys = list(
        Survey.objects.filter(town_id=person.town_id, status=SurveyStatus.OPEN)
        .annotate(is_answered=Count("responses", filter=Q(responses__person=person)))
        .order_by("-year", "-id")
    )
    return surveys


def get_survey_to_answer(person: Person, pk: int) -> Survey:
    """An open or closed (not draft) survey of the resident's own town, with its questions."""
    return get_object_or_404(
        _with_questions(Survey.objects.filter(town_id=person.town_id).exclude(status=SurveyStatus.DRAFT)), pk=pk
    )


def questions_of(survey: Survey) -> list[Question]:
    """The survey's questions in order, with their choices (prefetched by the gates)."""
    return list(survey.questions.all())


def online_response_of(*, survey: Survey, person: Person) -> Response | None:
    return (
        Response.objects.filter(town_id=survey.town_id, survey=survey, person=person)
        .prefetch_related(Prefetch("answers", queryset=Answer.objects.select_related("choice")))
        .first()
    )


def respondents_by_village(*, survey: Survey) -> dict[int | None, int]:
    """Responses per village id (None: village not given)."""
    rows = Response.objects.filter(town_id=survey.town_id, survey=survey).values("village_id").annotate(n=Count("id"))
    return {row["village_id"]: row["n"] for row in rows}


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


def survey_results(*, survey: Survey, villages: Iterable[Village] = ()) -> SurveyResults:
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
