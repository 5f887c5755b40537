"""Staff pages for paper sheets (the grid, the template workbook, its upload) and the results."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communityedu.core.parsing import parse_id
from communityedu.core.views import allowed_if
from communityedu.organization.selectors import village_list
from communityedu.surveys import paper, selectors, services
from communityedu.surveys.forms import WorkbookForm
from communityedu.surveys.views.builder import _reads, managed_survey

DEFAULT_GRID_ROWS = 10
MAX_GRID_ROWS = 50


def _villages(request, survey):
    return village_list(user=request.user, town=survey.town)


def _grid_rows(request) -> int:
    text = request.POST.get("rows") or request.GET.get("rows") or ""
    rows = parse_id(text)
    return min(rows, MAX_GRID_ROWS) if rows else DEFAULT_GRID_ROWS


def _posted_rows(request, questions, count: int) -> list[tuple[int, dict]]:
    rows = []
    for index in range(1, count + 1):
        cells = {
            "sheet": request.POST.get(f"sheet-{index}", ""),
            "village": request.POST.get(f"village-{index}", ""),
        }
        for question in questions:
            cells[question.pk] = request.POST.get(f"q{question.pk}-{index}", "")
        rows.append((index, cells))
    return rows


def _grid_context(request, survey, questions, villages, *, count, rows=None, problems=(), form=None) -> dict:
    cells = dict(rows or [])
    problem_cells = {(p.row, p.column) for p in problems}
    grid = []
    for index in range(1, count + 1):
        row = cells.get(index, {})
        grid.append(
            {
                "index": index,
                "sheet": row.get("sheet", ""),
                "village": row.get("village", ""),
                "sheet_error": (index, paper.sheet_column()) in problem_cells,
                "village_error": (index, paper.village_column()) in problem_cells,
                "answers": [
                    {
                        "question": question,
                        "value": str(row.get(question.pk, "")),
                        "error": (index, paper.question_column(number, question)) in problem_cells,
                    }
                    for number, question in enumerate(questions, start=1)
                ],
            }
        )
    return {
        "survey": survey,
        "questions": [(n, q, paper.how_to_answer(q)) for n, q in enumerate(questions, start=1)],
        "villages": villages,
        "grid": grid,
        "rows": count,
        "more_rows": min(count + DEFAULT_GRID_ROWS, MAX_GRID_ROWS),
        "problems": problems,
        "upload_form": form or WorkbookForm(),
        "entered": selectors.respondents_by_village(survey=survey),
    }


def _enter(request, survey, rows, questions, villages) -> tuple[int, list, str]:
    """Check and write the rows: (sheets entered, problems by row and column, a refusal)."""
    by_name = {v.name: v for v in villages}
    sheets, problems = paper.check_rows(survey=survey, questions=questions, villages_by_name=by_name, rows=rows)
    if problems:
        return 0, problems, ""
    try:
        responses = services.record_paper_responses(
            actor=request.user, survey=survey, sheets=sheets, sheet_column=paper.sheet_column()
        )
    except services.PaperSheetsError as error:
        return 0, error.problems, ""
    except ValidationError as error:
        return 0, [], " ".join(error.messages)
    return len(responses), [], ""


@allowed_if(_reads)
def paper_grid(request, pk: int):
    survey = managed_survey(request, pk)
    questions = selectors.questions_of(survey)
    villages = _villages(request, survey)
    count = _grid_rows(request)
    if request.method == "POST":
        rows = _posted_rows(request, questions, count)
        entered, problems, refusal = _enter(request, survey, rows, questions, villages)
        if entered:
            messages.success(request, _("%(count)d paper sheets entered.") % {"count": entered})
            return redirect("surveys:paper", survey.pk)
        if not problems:
            messages.error(request, refusal)
        context = _grid_context(request, survey, questions, villages, count=count, rows=rows, problems=problems)
        return render(request, "surveys/paper.html", context, status=400 if problems else 200)
    return render(request, "surveys/paper.html", _grid_context(request, survey, questions, villages, count=count))


@require_POST
@allowed_if(_reads)
def paper_upload(request, pk: int):
    survey = managed_survey(request, pk)
    questions = selectors.questions_of(survey)
    villages = _villages(request, survey)
    form = WorkbookForm(request.POST, request.FILES)
    problems: list = []
    if form.is_valid():
        try:
            rows = paper.read_workbook(content=form.cleaned_data["workbook"].read(), questions=questions)
        except paper.WorkbookError as error:
            form.add_error("workbook", str(error))
        else:
            entered, problems, refusal = _enter(request, survey, rows, questions, villages)
            if entered:
                messages.success(request, _("%(count)d paper sheets entered.") % {"count": entered})
                return redirect("surveys:paper", survey.pk)
            if refusal:
                form.add_error("workbook", refusal)
    context = _grid_context(request, survey, questions, villages, count=DEFAULT_GRID_ROWS, problems=problems, form=form)
    context["upload_refused"] = True
    return render(request, "surveys/paper.html", context, status=400)


@allowed_if(_reads)
def paper_template(request, pk: int):
    survey = managed_survey(request, pk)
    data = paper.template_xlsx(
        survey=survey, questions=selectors.questions_of(survey), villages=_villages(request, survey)
    )
    response = HttpResponse(data, content_type=paper.XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}-paper-sheets.xlsx"'
    return response


def _results(request, pk: int):
    survey = selectors.get_survey_for(request.user, pk)
    return selectors.survey_results(survey=survey, villages=_villages(request, survey))


@allowed_if(_reads)
def results(request, pk: int):
    return render(request, "surveys/results.html", {"results": _results(request, pk)})


@allowed_if(_reads)
def results_export(request, pk: int):
    survey_results = _results(request, pk)
    services.record_results_export(actor=request.user, survey=survey_results.survey)
    response = HttpResponse(paper.results_xlsx(survey_results), content_type=paper.XLSX)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey_results.survey.pk}-results.xlsx"'
    return response
