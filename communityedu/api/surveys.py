"""Surveys over the API: the questionnaires, a resident's online answers, paper sheets in bulk,
and the aggregated results (never who answered what)."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema, Status
from ninja.errors import HttpError

from communityedu.api.common import ListRouter, town_for
from communityedu.api.errors import ApiError
from communityedu.api.types import Id, Text
from communityedu.organization.selectors import village_list
from communityedu.people.selectors import person_for_account
from communityedu.surveys import paper, permissions, selectors, services
from communityedu.surveys.answers import check_answers

router = ListRouter(tags=["surveys"])


class ChoiceOut(Schema):
    id: int
    number: int
    text: str


class QuestionOut(Schema):
    id: int
    number: int
    text: str
    kind: str
    is_required: bool
    standard_key: str
    choices: list[ChoiceOut]
    values: list[tuple[int, str]]


class SurveyOut(Schema):
    id: int
    town: str
    title: str
    year: int
    status: str
    is_standard: bool
    opens_on: date | None
    closes_on: date | None


class SurveyDetailOut(SurveyOut):
    introduction: str
    questions: list[QuestionOut]


def _survey_out(survey) -> dict:
    return {
        "id": survey.pk,
        "town": survey.town.slug,
        "title": survey.title,
        "year": survey.year,
        "status": survey.status,
        "is_standard": survey.is_standard,
        "opens_on": survey.opens_on,
        "closes_on": survey.closes_on,
    }


def _detail_out(survey) -> dict:
    questions = [
        {
            "id": question.pk,
            "number": number,
            "text": question.text,
            "kind": question.kind,
            "is_required": question.is_required,
            "standard_key": question.standard_key,
            "choices": [
                {"id": choice.pk, "number": n, "text": choice.text}
                for n, choice in enumerate(question.choices.all(), start=1)
            ],
            "values": question.value_labels(),
        }
        for number, question in enumerate(selectors.questions_of(survey), start=1)
    ]
    return {**_survey_out(survey), "introduction": survey.introduction, "questions": questions}


def _readable_survey(request, survey_id: int):
    """Staff read through the gate; a resident reads the open and closed surveys of their town."""
    if permissions.can_view_surveys(request.user):
        return selectors.get_survey_for(request.user, survey_id)
    person = person_for_account(request.user)
    if person is None:
        raise HttpError(403, "Not allowed")
    return selectors.get_survey_to_answer(person, survey_id)


@router.get("/surveys", response=list[SurveyOut])
def list_surveys(request, town: str):
    """Staff: every survey of the town. Residents: the open surveys of their own town."""
    town_row = town_for(request, town)
    if permissions.can_view_surveys(request.user):
        return [_survey_out(s) for s in selectors.survey_list(user=request.user, town=town_row)]
    person = person_for_account(request.user)
    if person is None:
        raise HttpError(403, "Not allowed")
    surveys = selectors.open_surveys_for(person) if person.town_id == town_row.pk else []
    for survey in surveys:
        survey.town = town_row
    return [_survey_out(s) for s in surveys]


@router.get("/surveys/{survey_id}", response=SurveyDetailOut)
def get_survey(request, survey_id: Id):
    return _detail_out(_readable_survey(request, survey_id))


class AnswersIn(Schema):
    answers: dict[str, str | list[str]]


class ResponseOut(Schema):
    id: int
    survey_id: int
    channel: str
    submitted_at: datetime
    created: bool


def _questions_raw(survey, answers: dict) -> tuple[list, dict]:
    questions = selectors.questions_of(survey)
    by_id = {str(q.pk): q.pk for q in questions}
    return questions, {by_id[key]: value for key, value in answers.items() if key in by_id}


@router.post("/surveys/{survey_id}/responses", response={200: ResponseOut, 201: ResponseOut})
def submit_response(request, survey_id: Id, body: AnswersIn):
    """The signed-in resident's answers, keyed by question id (a choice's number, a scale point
    1-5, 1/0 for yes/no, or text). Once per survey: 201 the first time, 200 with the first
    response on every repeat."""
    person = person_for_account(request.user)
    if person is None:
        raise HttpError(403, "Only residents with their own account answer surveys")
    survey = selectors.get_survey_to_answer(person, survey_id)
    earlier = selectors.online_response_of(survey=survey, person=person)
    if earlier is None:
        questions, raw = _questions_raw(survey, body.answers)
        checked, errors = check_answers(questions, raw)
        if errors:
            raise ApiError(
                400,
                "Some answers are missing or invalid.",
                errors=[(f"answers.{question_id}", reason) for question_id, reason in errors.items()],
            )
        submission = services.submit_online_response(survey=survey, person=person, answers=checked, actor=request.user)
        response, created = submission.response, submission.created
    else:
        response, created = earlier, False
    out = {
        "id": response.pk,
        "survey_id": survey.pk,
        "channel": response.channel,
        "submitted_at": response.submitted_at,
        "created": created,
    }
    return Status(201 if created else 200, out)


class PaperSheetIn(Schema):
    sheet_number: Text(30)
    village: Text(100)
    answers: dict[str, str | list[str]]


class PaperSheetsIn(Schema):
    sheets: list[PaperSheetIn]


class PaperEnteredOut(Schema):
    entered: int


@router.post("/surveys/{survey_id}/paper-responses", response={201: PaperEnteredOut})
def submit_paper_responses(request, survey_id: Id, body: PaperSheetsIn):
    """Paper sheets in bulk, all or none: rows are numbered from 1 in the order sent; a sheet
    number already entered for the survey refuses the batch with its row named."""
    survey = selectors.get_survey_for(request.user, survey_id)
    if not permissions.can_manage_survey(request.user, survey):
        raise HttpError(403, "Not allowed to enter paper sheets")
    questions = selectors.questions_of(survey)
    by_id = {str(q.pk): q.pk for q in questions}
    rows = []
    for number, sheet in enumerate(body.sheets, start=1):
        cells = {"sheet": sheet.sheet_number, "village": sheet.village}
        cells.update({by_id[key]: value for key, value in sheet.answers.items() if key in by_id})
        rows.append((number, cells))
    villages = {v.name: v for v in village_list(user=request.user, town=survey.town)}
    sheets, problems = paper.check_rows(survey=survey, questions=questions, villages_by_name=villages, rows=rows)
    if not problems:
        try:
            entered = services.record_paper_responses(
                actor=request.user, survey=survey, sheets=sheets, sheet_column=paper.sheet_column()
            )
        except services.PaperSheetsError as error:
            problems = error.problems
        else:
            return Status(201, {"entered": len(entered)})
    raise ApiError(
        400,
        "Nothing was entered.",
        errors=[(f"sheets[{problem.row - 1}]", f"{problem.column}: {problem.reason}") for problem in problems],
        extra={"problems": [problem.__dict__ for problem in problems]},
    )


class OptionOut(Schema):
    label: str
    count: int
    share: float | None
    is_positive: bool


class QuestionResultOut(Schema):
    question_id: int
    text: str
    kind: str
    standard_key: str
    answered: int
    positive: int | None
    options: list[OptionOut]


class VillageResultOut(Schema):
    village_id: int | None
    name: str
    respondents: int
    population: int | None
    share_of_population: float | None


class ResultsOut(Schema):
    survey: SurveyOut
    respondents: int
    online: int
    paper: int
    questions: list[QuestionResultOut]
    villages: list[VillageResultOut]


@router.get("/surveys/{survey_id}/results", response=ResultsOut)
def get_survey_results(request, survey_id: Id):
    """Counts per answer and respondents per village: aggregates only."""
    if not permissions.can_view_surveys(request.user):
        raise HttpError(403, "Not allowed")
    survey = selectors.get_survey_for(request.user, survey_id)
    results = selectors.survey_results(survey=survey, villages=village_list(user=request.user, town=survey.town))
    return {
        "survey": _survey_out(survey),
        "respondents": results.respondents,
        "online": results.online,
        "paper": results.paper,
        "questions": [
            {
                "question_id": r.question.pk,
                "text": r.question.text,
                "kind": r.question.kind,
                "standard_key": r.question.standard_key,
                "answered": r.answered,
                "positive": r.positive,
                "options": [o.__dict__ for o in r.options],
            }
            for r in results.questions
        ],
        "villages": [
            {
                "village_id": v.village_id,
                "name": v.name,
                "respondents": v.respondents,
                "population": v.population,
                "share_of_population": v.share_of_population,
            }
            for v in results.villages
        ],
    }
