"""Staff pages that build a questionnaire: the list, a new survey, the builder, open and close."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.surveys import permissions, selectors, services
from communityedu.surveys.constants import CHOICE_KINDS
from communityedu.surveys.forms import ChoiceForm, QuestionForm, SurveyForm
from communityedu.surveys.models import Choice, Question


def _reads(request) -> bool:
    return request.town is not None and permissions.can_view_surveys(request.user)


def _creates(request) -> bool:
    return permissions.can_manage_surveys(request.user, request.town)


def managed_survey(request, pk: int):
    """A survey the account may read, refused unless it may also manage it."""
    survey = selectors.get_survey_for(request.user, pk)
    if not permissions.can_manage_survey(request.user, survey):
        raise PermissionDenied
    return survey


def _managed_question(request, pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.filter(survey__in=selectors.surveys_visible_to(request.user)).select_related("survey"), pk=pk
    )
    if not permissions.can_manage_survey(request.user, question.survey):
        raise PermissionDenied
    return question


def _run(request, action, success: str) -> None:
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)


@allowed_if(_reads)
def survey_list(request):
    return render(
        request,
        "surveys/list.html",
        {
            "surveys": selectors.survey_list(user=request.user, town=request.town),
            "can_create": permissions.can_manage_surveys(request.user, request.town),
        },
    )


@allowed_if(_creates)
def survey_create(request):
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(actor=request.user, town=request.town, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Survey created. Now add its questions."))
            return redirect("surveys:detail", survey.pk)
    return render(request, "surveys/form.html", {"form": form})


@allowed_if(_reads)
def survey_detail(request, pk: int):
    survey = selectors.get_survey_for(request.user, pk)
    can_manage = permissions.can_manage_survey(request.user, survey)
    questions = selectors.questions_of(survey)
    return render(
        request,
        "surveys/detail.html",
        {
            "survey": survey,
            "questions": questions,
            "can_manage": can_manage,
            "can_edit": can_manage and survey.is_draft,
            "has_all_standard": {q.standard_key for q in questions} >= {"awareness", "recognition", "satisfaction"},
            "question_form": QuestionForm(),
            "choice_form": ChoiceForm(),
            "choice_kinds": CHOICE_KINDS,
        },
    )


@require_POST
@allowed_if(_reads)
def question_add(request, pk: int):
    survey = managed_survey(request, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("surveys:detail", survey.pk)
    _run(
        request,
        lambda: services.add_question(
            actor=request.user,
            survey=survey,
            text=form.cleaned_data["text"],
            kind=form.cleaned_data["kind"],
            is_required=form.cleaned_data["is_required"],
            choices=form.choice_lines(),
        ),
        _("Question added."),
    )
    return redirect("surveys:detail", survey.pk)


@require_POST
@allowed_if(_reads)
def standard_questions(request, pk: int):
    survey = managed_survey(request, pk)
    _run(
        request,
        lambda: services.add_standard_questions(actor=request.user, survey=survey),
        _("The three standard questions are in the questionnaire."),
    )
    return redirect("surveys:detail", survey.pk)


@require_POST
@allowed_if(_reads)
def question_move(request, pk: int):
    question = _managed_question(request, pk)
    up = request.POST.get("direction") != "down"
    _run(request, lambda: services.move_question(actor=request.user, question=question, up=up), _("Order changed."))
    return redirect("surveys:detail", question.survey_id)


@require_POST
@allowed_if(_reads)
def question_remove(request, pk: int):
    question = _managed_question(request, pk)
    _run(request, lambda: services.remove_question(actor=request.user, question=question), _("Question removed."))
    return redirect("surveys:detail", question.survey_id)


@require_POST
@allowed_if(_reads)
def choice_add(request, pk: int):
    question = _managed_question(request, pk)
    form = ChoiceForm(request.POST)
    if form.is_valid():
        _run(
            request,
            lambda: services.add_choice(actor=request.user, question=question, text=form.cleaned_data["text"]),
            _("Choice added."),
        )
    else:
        messages.error(request, _("Write the choice."))
    return redirect("surveys:detail", question.survey_id)


@require_POST
@allowed_if(_reads)
def choice_remove(request, pk: int):
    choice = get_object_or_404(
        Choice.objects.filter(question__survey__in=selectors.surveys_visible_to(request.user)).select_related(
            "question__survey"
        ),
        pk=pk,
    )
    if not permissions.can_manage_survey(request.user, choice.question.survey):
        raise PermissionDenied
    _run(request, lambda: services.remove_choice(actor=request.user, choice=choice), _("Choice removed."))
    return redirect("surveys:detail", choice.question.survey_id)


@require_POST
@allowed_if(_reads)
def survey_open(request, pk: int):
    survey = managed_survey(request, pk)
    _run(request, lambda: services.open_survey(actor=request.user, survey=survey), _("The survey is open for answers."))
    return redirect("surveys:detail", survey.pk)


@require_POST
@allowed_if(_reads)
def survey_close(request, pk: int):
    survey = managed_survey(request, pk)
    _run(request, lambda: services.close_survey(actor=request.user, survey=survey), _("The survey is closed."))
    return redirect("surveys:detail", survey.pk)
