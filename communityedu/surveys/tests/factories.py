"""Surveys for tests, made through the services."""

from __future__ import annotations

from datetime import date

from communityedu.surveys import services
from communityedu.surveys.answers import check_answers
from communityedu.surveys.models import Survey
from communityedu.surveys.services import PaperSheet


def standard_survey(world, *, town=None, year=2020, title="2020年社区教育满意度调查", opened=True) -> Survey:
    """A standard survey with the three standard questions, open unless ``opened`` is False."""
    actor = world.accounts["office"]
    survey = services.create_survey(
        actor=actor, town=town or world.xinmiao, values={"title": title, "year": year, "is_standard": True}
    )
    services.add_standard_questions(actor=actor, survey=survey)
    if opened:
        services.open_survey(actor=actor, survey=survey, today=date(year, 3, 1))
    return survey


def questions_by_key(survey: Survey) -> dict:
    return {q.standard_key: q for q in survey.questions.all()}


def paper(world, survey: Survey, sheets: list[tuple[str, object, tuple]]):
    """Enter paper sheets: (sheet number, village, (awareness, recognition, satisfaction) raw answers)."""
    questions = questions_by_key(survey)
    ordered = [questions["awareness"], questions["recognition"], questions["satisfaction"]]
    checked = []
    for row, (number, village, raw) in enumerate(sheets, start=1):
        answers, errors = check_answers(ordered, {q.pk: value for q, value in zip(ordered, raw, strict=True)})
        assert not errors, errors
        checked.append(PaperSheet(row, number, village, answers))
    return services.record_paper_responses(actor=world.accounts["office"], survey=survey, sheets=checked)


def close(world, survey: Survey, on: date) -> Survey:
    return services.close_survey(actor=world.accounts["office"], survey=survey, closed_on=on)
