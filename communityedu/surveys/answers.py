"""Reading answers as people give them: a choice's number or its text, a scale point, 是/否.

One checker serves every way in — the resident's form, the clerk's grid, the uploaded workbook,
the API — so an answer means the same whichever way it arrived.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from communityedu.surveys.constants import NO, YES, QuestionKind
from communityedu.surveys.models import Question

SEPARATORS = re.compile(r"[,，、;；/\s]+")
YES_WORDS = {"是", "有", "知道", "y", "yes", "true", "√"}
NO_WORDS = {"否", "没有", "不知道", "n", "no", "false", "×"}


@dataclass(frozen=True)
class CheckedAnswer:
    question: Question
    choices: tuple = ()
    value: int | None = None
    text: str = ""


class AnswerError(ValueError):
    pass


def _as_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    return str(raw).strip()


def _parts(raw) -> list[str]:
    parts = [_as_text(item) for item in raw] if isinstance(raw, (list, tuple)) else SEPARATORS.split(_as_text(raw))
    return [part for part in parts if part]


def _choice(question: Question, text: str):
    choices = list(question.choices.all())
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    for choice in choices:
        if choice.text == text:
            return choice
    raise AnswerError(
        _("“%(answer)s” is not one of the choices (1 to %(count)d).") % {"answer": text, "count": len(choices)}
    )


def _value(question: Question, text: str) -> int:
    lowered = text.lower()
    labels = {label: value for value, label in question.value_labels()}
    if text in labels:
        return labels[text]
    if question.kind == QuestionKind.YES_NO:
        if lowered in YES_WORDS or lowered == "1":
            return YES
        if lowered in NO_WORDS or lowered == "0":
            return NO
        raise AnswerError(_("Answer 是 (1) or 否 (0)."))
    if text.isdigit() and 1 <= int(text) <= 5:
        return int(text)
    raise AnswerError(_("Answer a point from 1 to 5 (5 is the best)."))


def check_answer(question: Question, raw) -> CheckedAnswer | None:
    """The answer ``raw`` gives to ``question``; None when left blank. Raises AnswerError."""
    parts = _parts(raw)
    if not parts:
        if question.is_required:
            raise AnswerError(_("This question needs an answer."))
        return None
    if question.kind == QuestionKind.FREE_TEXT:
        text = " ".join(parts) if isinstance(raw, (list, tuple)) else _as_text(raw)
        return CheckedAnswer(question, text=text[:2000])
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        choices = []
        for part in parts:
            choice = _choice(question, part)
            if choice not in choices:
                choices.append(choice)
        return CheckedAnswer(question, choices=tuple(choices))
    if question.kind == QuestionKind.SINGLE_CHOICE:
        return CheckedAnswer(question, choices=(_choice(question, parts[0] if len(parts) == 1 else _as_text(raw)),))
    if len(parts) > 1:
        raise AnswerError(_("Give one answer only."))
    return CheckedAnswer(question, value=_value(question, parts[0]))


def check_answers(
    questions: list[Question], raw_by_question: dict[int, object]
) -> tuple[list[CheckedAnswer], dict[int, str]]:
    """Every question's answer, or the reasons by question id."""
    checked, errors = [], {}
    for question in questions:
        try:
            answer = check_answer(question, raw_by_question.get(question.pk))
        except AnswerError as error:
            errors[question.pk] = str(error)
            continue
        if answer is not None:
            checked.append(answer)
    return checked, errors
