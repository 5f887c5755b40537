"""Writes for surveys: building a questionnaire, opening and closing it, and the responses.

Every function is the only writer of its rows, atomic and audited. A questionnaire can be changed
only while it is a draft, so every response answers the same questions. A response is written
whole or not at all; a batch of paper sheets too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.core.sheets import Problem
from communityedu.organization.models import Village
from communityedu.surveys.answers import CheckedAnswer
from communityedu.surveys.constants import CHOICE_KINDS, Channel, QuestionKind, StandardKey, SurveyStatus
from communityedu.surveys.models import Answer, Choice, Question, Response, Survey

if TYPE_CHECKING:
    from collections.abc import Iterable

    from communityedu.accounts.models import User
    from communityedu.organization.models import Town
    from communityedu.people.models import Person

SURVEY_FIELDS = ["title", "year", "opens_on", "closes_on", "is_standard", "introduction"]


def _require_draft(survey: Survey) -> None:
    if not survey.is_draft:
        raise ValidationError(_("The questionnaire can be changed only while the survey is a draft."))


def create_survey(*, actor: User, town: Town, values: dict) -> Survey:
    with transaction.atomic():
        survey = Survey(town=town, **{name: values[name] for name in SURVEY_FIELDS if name in values})
        survey.full_clean()
        survey.save()
        audit.record_change(actor=actor, obj=survey, created=True, changes=audit.snapshot(survey, SURVEY_FIELDS))
    return survey


def _next_position(survey: Survey) -> int:
    return (Question.objects.filter(town_id=survey.town_id, survey=survey).aggregate(m=Max("position"))["m"] or 0) + 1


def add_question(
    *,
    actor: User,
    survey: Survey,
    text: str,
    kind: str,
    is_required: bool = True,
    choices: Iterable[str] = (),
    standard_key: str = "",
) -> Question:
    _require_draft(survey)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the question."))
    choice_texts = [c.strip() for c in choices if c and c.strip()]
    if kind in CHOICE_KINDS and len(choice_texts) < 2:
        raise ValidationError(_("A choice question needs at least two choices, one per line."))
    with transaction.atomic():
        question = Question(
            town_id=survey.town_id,
            survey=survey,
            text=text,
            kind=kind,
            is_required=is_required,
            standard_key=standard_key,
            position=_next_position(survey),
        )
        question.full_clean(exclude=["town", "survey"])
        try:
            with transaction.atomic():
                question.save()
        except IntegrityError:
            raise ValidationError(_("This survey already has that standard question.")) from None
        if kind in CHOICE_KINDS:
            Choice.objects.bulk_create(
                Choice(town_id=survey.town_id, question=question, text=choice_text[:200], position=index)
                for index, choice_text in enumerate(choice_texts, start=1)
            )
        audit.record_change(
            actor=actor,
            obj=question,
            created=True,
            changes={"survey": survey.pk, "text": text, "kind": kind, "choices": choice_texts},
        )
    return question


STANDARD_WORDING = {
    # English msgids, stored in Chinese: the questionnaire is for the town's residents.
    StandardKey.AWARENESS: (
        QuestionKind.YES_NO,
        gettext_noop(
            "Do you know that %(town)s is working to become a Chongqing community education demonstration zone?"
        ),
    ),
    StandardKey.RECOGNITION: (
        QuestionKind.SCALE,
        gettext_noop("Do you agree with how %(town)s runs community education and builds learning communities?"),
    ),
    StandardKey.SATISFACTION: (
        QuestionKind.SCALE,
        gettext_noop("Overall, how satisfied are you with the town's community-education activities and services?"),
    ),
}


def add_standard_questions(*, actor: User, survey: Survey) -> list[Question]:
    """The three standard questions (awareness yes/no, recognition and satisfaction on the
    five-point scale), in the residents' language; those already present are kept."""
    _require_draft(survey)
    present = set(
        Question.objects.filter(town_id=survey.town_id, survey=survey)
        .exclude(standard_key="")
        .values_list("standard_key", flat=True)
    )
    added = []
    with transaction.atomic(), translation.override("zh-hans"):
        for key, (kind, wording) in STANDARD_WORDING.items():
            if key in present:
                continue
            added.append(
                add_question(
                    actor=actor,
                    survey=survey,
                    text=_(wording) % {"town": survey.town.name},
                    kind=kind,
                    standard_key=key,
                )
            )
    return added


def remove_question(*, actor: User, question: Question) -> None:
    _require_draft(question.survey)
    with transaction.atomic():
        audit.record_deletion(actor=actor, obj=question)
        question.choices.all().delete()
        question.delete()


def move_question(*, actor: User, question: Question, up: bool) -> None:
    """Swap the question with its neighbour above (or below)."""
    survey = question.survey
    _require_draft(survey)
    with transaction.atomic():
        questions = list(Question.objects.filter(town_id=survey.town_id, survey=survey).order_by("position", "id"))
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        other = index - 1 if up else index + 1
        if not 0 <= other < len(questions):
            return
        questions[index], questions[other] = questions[other], questions[index]
        for position, item in enumerate(questions, start=1):
            if item.position != position:
                item.position = position
                item.save(update_fields=["position", "updated_at"])
        audit.record_change(actor=actor, obj=question, created=False, changes={"position": [index + 1, other + 1]})


def add_choice(*, actor: User, question: Question, text: str) -> Choice:
    _require_draft(question.survey)
    if question.kind not in CHOICE_KINDS:
        raise ValidationError(_("Only choice questions have choices."))
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the choice."))
    with transaction.atomic():
        position = (question.choices.aggregate(m=Max("position"))["m"] or 0) + 1
        choice = Choice.objects.create(town_id=question.town_id, question=question, text=text[:200], position=position)
        audit.record_change(actor=actor, obj=choice, created=True, changes={"question": question.pk, "text": text})
    return choice


def remove_choice(*, actor: User, choice: Choice) -> None:
    question = choice.question
    _require_draft(question.survey)
    if question.choices.count() <= 2:
        raise ValidationError(_("A choice question keeps at least two choices."))
    with transaction.atomic():
        audit.record_deletion(actor=actor, obj=choice)
        choice.delete()


def open_survey(*, actor: User, survey: Survey, today: date | None = None) -> Survey:
    if not survey.is_draft:
        raise ValidationError(_("Only a draft survey can be opened."))
    if not Question.objects.filter(town_id=survey.town_id, survey=survey).exists():
        raise ValidationError(_("Add at least one question before opening the survey."))
    with transaction.atomic():
        before = audit.snapshot(survey, ["status", "opens_on"])
        survey.status = SurveyStatus.OPEN
        survey.opens_on = survey.opens_on or today or timezone.localdate()
        survey.save(update_fields=["status", "opens_on", "updated_at"])
        audit.record_change(
            actor=actor, obj=survey, created=False, changes=audit.diff(before, audit.snapshot(survey, before))
        )
    return survey


def close_survey(*, actor: User, survey: Survey, closed_on: date | None = None) -> Survey:
    """Close an open survey; ``closes_on`` becomes the day it closed (the figures' as-of key)."""
    if not survey.is_open:
        raise ValidationError(_("Only an open survey can be closed."))
    closed_on = closed_on or timezone.localdate()
    if survey.opens_on and closed_on < survey.opens_on:
        raise ValidationError(_("A survey cannot close before it opened."))
    with transaction.atomic():
        before = audit.snapshot(survey, ["status", "closes_on"])
        survey.status = SurveyStatus.CLOSED
        survey.closes_on = closed_on
        survey.save(update_fields=["status", "closes_on", "updated_at"])
        audit.record_change(
            actor=actor, obj=survey, created=False, changes=audit.diff(before, audit.snapshot(survey, before))
        )
    return survey


def _answer_rows(response: Response, answers: list[CheckedAnswer]) -> list[Answer]:
    rows: list[Answer] = []
    for answer in answers:
        if answer.choices:
            rows.extend(
                Answer(town_id=response.town_id, response=response, question=answer.question, choice=choice)
                for choice in answer.choices
            )
        else:
            rows.append(
                Answer(
                    town_id=response.town_id,
                    response=response,
                    question=answer.question,
                    value=answer.value,
                    text=answer.text,
                )
            )
    return rows


@dataclass(frozen=True)
class Submission:
    response: Response
    created: bool


def submit_online_response(*, survey: Survey, person: Person, answers: list[CheckedAnswer], actor: User) -> Submission:
    """A resident's answers, once per survey: a second submission returns the first, unchanged."""
    existing = Response.objects.filter(town_id=survey.town_id, survey=survey, person=person).first()
    if existing is not None:
        return Submission(existing, created=False)
    if not survey.is_open:
        raise ValidationError(_("This survey is not open for answers."))
    if person.town_id != survey.town_id:
        raise ValidationError(_("This survey is for residents of another town."))
    try:
        with transaction.atomic():
            response = Response.objects.create(
                town_id=survey.town_id,
                survey=survey,
                channel=Channel.ONLINE,
                person=person,
                village_id=person.village_id,
                submitted_at=timezone.now(),
                entered_by=actor,
            )
            Answer.objects.bulk_create(_answer_rows(response, answers))
    except IntegrityError:
        # Two submissions raced (a double click): the first one stands.
        return Submission(Response.objects.get(town_id=survey.town_id, survey=survey, person=person), created=False)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=response, changes={"channel": Channel.ONLINE})
    return Submission(response, created=True)


@dataclass(frozen=True)
class PaperSheet:
    """One checked paper sheet, ready to write."""

    row: int
    sheet_number: str
    village: Village | None
    answers: list[CheckedAnswer]


class PaperSheetsError(ValidationError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__([f"{p.row} {p.column}: {p.reason}" for p in problems])


def duplicate_sheet_problems(*, survey: Survey, sheets: list[PaperSheet], column: str) -> list[Problem]:
    """Sheet numbers already entered for this survey, or repeated within the batch."""
    numbers = [sheet.sheet_number for sheet in sheets]
    entered = set(
        Response.objects.filter(town_id=survey.town_id, survey=survey, sheet_number__in=numbers).values_list(
            "sheet_number", flat=True
        )
    )
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for sheet in sheets:
        if sheet.sheet_number in entered:
            problems.append(
                Problem(sheet.row, column, _("Sheet %(number)s is already entered.") % {"number": sheet.sheet_number})
            )
        elif sheet.sheet_number in seen:
            problems.append(
                Problem(
                    sheet.row,
                    column,
                    _("Sheet %(number)s is also on row %(row)d.")
                    % {"number": sheet.sheet_number, "row": seen[sheet.sheet_number]},
                )
            )
        else:
            seen[sheet.sheet_number] = sheet.row
    return problems


def record_paper_responses(
    *, actor: User, survey: Survey, sheets: list[PaperSheet], sheet_column: str = ""
) -> list[Response]:
    """Write checked paper sheets, all or none. A sheet number already entered for this survey
    (or repeated in the batch) refuses the whole batch, naming the row: nothing is skipped silently."""
    if not survey.is_open:
        raise ValidationError(_("Paper sheets can be entered only while the survey is open."))
    if not sheets:
        raise ValidationError(_("No sheets to enter."))
    column = sheet_column or _("Sheet number")
    problems = duplicate_sheet_problems(survey=survey, sheets=sheets, column=column)
    if problems:
        raise PaperSheetsError(problems)
    now = timezone.now()
    try:
        with transaction.atomic():
            responses = Response.objects.bulk_create(
                Response(
                    town_id=survey.town_id,
                    survey=survey,
                    channel=Channel.PAPER,
                    sheet_number=sheet.sheet_number,
                    village=sheet.village,
                    submitted_at=now,
                    entered_by=actor,
                )
                for sheet in sheets
            )
            if responses and responses[0].pk is None:  # backends that return no ids
                by_number = dict(
                    Response.objects.filter(
                        town_id=survey.town_id, survey=survey, sheet_number__in=[s.sheet_number for s in sheets]
                    ).values_list("sheet_number", "pk")
                )
                for response in responses:
                    response.pk = by_number[response.sheet_number]
            rows = []
            for response, sheet in zip(responses, sheets, strict=True):
                rows.extend(_answer_rows(response, sheet.answers))
            Answer.objects.bulk_create(rows, batch_size=2000)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=survey,
                changes={"paper_sheets": len(responses)},
                object_label=str(survey),
            )
    except IntegrityError:
        # Another clerk entered one of these sheets meanwhile.
        raise PaperSheetsError(duplicate_sheet_problems(survey=survey, sheets=sheets, column=column)) from None
    return responses


def record_results_export(*, actor: User, survey: Survey) -> None:
    """Exports leave a trace in the audit log, aggregates though they are."""
    audit.record(actor=actor, action=AuditAction.EXPORT, obj=survey, changes={"export": "results"})
