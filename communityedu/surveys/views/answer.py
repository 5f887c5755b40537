"""The residents' side: the open surveys of their town and the questionnaire, answered once.

Signed in with phone and PIN; a plain form that works without scripts. A second visit shows the
answers given the first time instead of a new form.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communityedu.people.selectors import person_for_account
from communityedu.surveys import selectors, services
from communityedu.surveys.answers import check_answers
from communityedu.surveys.constants import QuestionKind


def _resident(request):
    """The signed-in resident's person; visitors are sent to sign in, staff without one refused."""
    if not request.user.is_authenticated:
        return None
    person = person_for_account(request.user)
    if person is None:
        raise PermissionDenied
    return person


def _to_sign_in(request):
    return redirect_to_login(request.get_full_path(), login_url="accounts:resident-sign-in")


def my_surveys(request):
    person = _resident(request)
    if person is None:
        return _to_sign_in(request)
    return render(request, "surveys/my_surveys.html", {"surveys": selectors.open_surveys_for(person)})


def _raw_answers(request, questions) -> dict:
    raw = {}
    for question in questions:
        name = f"q{question.pk}"
        raw[question.pk] = (
            request.POST.getlist(name) if question.kind == QuestionKind.MULTIPLE_CHOICE else request.POST.get(name, "")
        )
    return raw


def _given(response, questions) -> list[tuple]:
    """(question, the answer's words) for an earlier submission, in the questionnaire's order."""
    by_question: dict = {}
    for answer in response.answers.all():
        by_question.setdefault(answer.question_id, []).append(answer)
    given = []
    for question in questions:
        answers = by_question.get(question.pk, [])
        if not answers:
            words = ""
        elif answers[0].choice_id:
            words = "、".join(a.choice.text for a in answers)
        elif answers[0].value is not None:
            words = dict(question.value_labels()).get(answers[0].value, "")
        else:
            words = answers[0].text
        given.append((question, words))
    return given


def answer(request, pk: int):
    person = _resident(request)
    if person is None:
        return _to_sign_in(request)
    survey = selectors.get_survey_to_answer(person, pk)
    questions = selectors.questions_of(survey)
    earlier = selectors.online_response_of(survey=survey, person=person)
    errors: dict = {}
    raw: dict = {}
    refusal = ""
    if earlier is None and request.method == "POST":
        raw = _raw_answers(request, questions)
        checked, errors = check_answers(questions, raw)
        if not errors:
            try:
                services.submit_online_response(survey=survey, person=person, answers=checked, actor=request.user)
            except ValidationError as error:
                refusal = " ".join(error.messages)
            else:
                return redirect("surveys:answer", survey.pk)
    if earlier is not None:
        return render(
            request,
            "surveys/answered.html",
            {"survey": survey, "given": _given(earlier, questions), "response": earlier},
        )
    fields = []
    for number, question in enumerate(questions, start=1):
        value = raw.get(question.pk, [] if question.kind == QuestionKind.MULTIPLE_CHOICE else "")
        fields.append(
            {
                "number": number,
                "question": question,
                "options": _options(question),
                "selected": set(value) if isinstance(value, list) else {value},
                "value": value if isinstance(value, str) else "",
                "error": errors.get(question.pk, ""),
            }
        )
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "fields": fields,
            "has_errors": bool(errors),
            "refusal": refusal or ("" if survey.is_open else _("This survey is closed.")),
        },
        status=400 if errors else 200,
    )


def _options(question) -> list[tuple[str, str]]:
    """(posted value, label) for the radio buttons or checkboxes of a question."""
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        return [(str(n), choice.text) for n, choice in enumerate(question.choices.all(), start=1)]
    return [(str(value), label) for value, label in question.value_labels()]
