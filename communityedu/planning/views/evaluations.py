"""The external evaluation (评估验收) and the rectification items it raises."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.views import allowed_if
from communityedu.planning import forms, permissions, selectors
from communityedu.planning.services import evaluations as evaluation_services
from communityedu.planning.services import rectification as rectification_services
from communityedu.planning.views.common import (
    apply_errors,
    check_managed,
    manages,
    manages_any,
    reads_any,
    reads_evaluations,
)


def _evaluations_page(request, *, form=None, status: int = 200):
    is_manager = manages(request)
    context = {
        "evaluations": list(selectors.evaluations_visible_to(request.user, request.town)),
        "is_manager": is_manager,
        "form": form or (forms.EvaluationForm() if is_manager else None),
    }
    return render(request, "planning/evaluations.html", context, status=status)


@allowed_if(reads_evaluations)
def evaluations(request):
    return _evaluations_page(request)


@require_POST
@allowed_if(manages)
def evaluation_create(request):
    form = forms.EvaluationForm(request.POST)
    if form.is_valid():
        try:
            evaluation = evaluation_services.record_evaluation(
                town=request.town, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The evaluation was recorded."))
            return redirect("planning:evaluation", pk=evaluation.pk)
    return _evaluations_page(request, form=form, status=400)


def _evaluation_page(request, evaluation, *, item_form=None, status: int = 200):
    is_manager = permissions.can_manage_plan(request.user, evaluation.town)
    lists = selectors.rectification_lists(evaluation.rectification_items.all(), timezone.localdate())
    context = {
        "evaluation": evaluation,
        "items": [*lists["overdue"], *lists["open"], *lists["closed"]],
        "is_manager": is_manager,
        "item_form": item_form or (forms.ItemForm(town=evaluation.town, prefix="item") if is_manager else None),
    }
    return render(request, "planning/evaluation.html", context, status=status)


@allowed_if(reads_any)
def evaluation_detail(request, pk: int):
    return _evaluation_page(request, selectors.get_evaluation_for(request.user, pk))


@require_POST
@allowed_if(manages_any)
def evaluation_item(request, pk: int):
    evaluation = selectors.get_evaluation_for(request.user, pk)
    check_managed(request, evaluation)
    form = forms.ItemForm(request.POST, town=evaluation.town, prefix="item")
    if form.is_valid():
        try:
            rectification_services.add_evaluation_item(evaluation=evaluation, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The rectification item was raised."))
            return redirect("planning:evaluation", pk=evaluation.pk)
    return _evaluation_page(request, evaluation, item_form=form, status=400)
