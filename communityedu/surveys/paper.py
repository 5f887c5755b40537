"""Paper sheets in bulk: the clerk's grid, the template workbook and its upload.

Rows are read into the same checked answers the online form gives. Every problem is named by row
and column; if any row has one, nothing is written.
"""

from __future__ import annotations

import io
from collections.abc import Hashable

from django.utils.translation import gettext as _

from communityedu.core.sheets import SheetError, find_header, read_rows
from communityedu.core.spreadsheets import new_workbook
from communityedu.surveys.answers import AnswerError, check_answer
from communityedu.surveys.constants import MAX_PAPER_ROWS, QuestionKind
from communityedu.surveys.models import Question, Survey
from communityedu.surveys.services import PaperSheet, Problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WorkbookError(ValueError):
    pass


def sheet_column() -> str:
    return _("Sheet number")


def village_column() -> str:
    return _("Village/community")


# Headers a clerk's workbook may use, whatever the language it was downloaded in.
SHEET_HEADERS = frozenset({"Sheet number", "答卷编号", "问卷编号", "编号"})
VILLAGE_HEADERS = frozenset({"Village/community", "村（社区）", "村(社区)", "村/社区", "村社区", "村"})


def question_column(index: int, question: Question) -> str:
    return f"{index}. {question.text}"


def how_to_answer(question: Question) -> str:
    if question.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
        options = "  ".join(f"{n}={c.text}" for n, c in enumerate(question.choices.all(), start=1))
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            return _("Numbers of the ticked choices, separated by commas: %(options)s") % {"options": options}
        return _("The number of the ticked choice: %(options)s") % {"options": options}
    if question.kind in (QuestionKind.SCALE, QuestionKind.YES_NO):
        return "  ".join(f"{value}={label}" for value, label in question.value_labels())
    return _("The words written on the sheet")


def check_rows(
    *, survey: Survey, questions: list[Question], villages_by_name: dict, rows: list[tuple[int, dict]]
) -> tuple[list[PaperSheet], list[Problem]]:
    """``rows``: (row number, {"sheet": …, "village": …, question id: raw answer}). Blank rows are skipped."""
    sheets, problems = [], []
    for row_number, cells in rows:
        sheet_number = str(cells.get("sheet") or "").strip()
        if sheet_number.endswith(".0") and sheet_number[:-2].isdigit():
            sheet_number = sheet_number[:-2]
        village_name = str(cells.get("village") or "").strip()
        if not sheet_number and not village_name and not any(str(cells.get(q.pk) or "").strip() for q in questions):
            continue
        row_problems = []
        if not sheet_number:
            row_problems.append(Problem(row_number, sheet_column(), _("Write the sheet number.")))
        elif len(sheet_number) > 30:
            row_problems.append(Problem(row_number, sheet_column(), _("At most 30 characters.")))
        village = villages_by_name.get(village_name)
        if village is None:
            reason = (
                _("“%(name)s” is not a village or community of the town.") % {"name": village_name}
                if village_name
                else _("Write the village or community.")
            )
            row_problems.append(Problem(row_number, village_column(), reason))
        answers = []
        for index, question in enumerate(questions, start=1):
            try:
                answer = check_answer(question, cells.get(question.pk))
            except AnswerError as error:
                row_problems.append(Problem(row_number, question_column(index, question), str(error)))
                continue
            if answer is not None:
                answers.append(answer)
        if row_problems:
            problems.extend(row_problems)
        else:
            sheets.append(PaperSheet(row_number, sheet_number, village, answers))
    return sheets, problems


def template_xlsx(*, survey: Survey, questions: list[Question], villages: list) -> bytes:
    """One header row (sheet number, village, one column per question) and a sheet of codes."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "text_wrap": True, "valign": "top"})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(_("Sheets"))
    header = [sheet_column(), village_column()] + [question_column(i, q) for i, q in enumerate(questions, start=1)]
    sheet.write_row(0, 0, header, bold)
    sheet.set_column(0, 0, 12, text)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, len(header), 24)
    sheet.freeze_panes(1, 0)
    if villages:
        sheet.data_validation(1, 1, MAX_PAPER_ROWS, 1, {"validate": "list", "source": [v.name for v in villages][:200]})
    guide = workbook.add_worksheet(_("How to fill in"))
    guide.write_row(0, 0, [_("Column"), _("What to write")], bold)
    guide.write_row(1, 0, [sheet_column(), _("The number printed on the paper sheet; each sheet once.")])
    guide.write_row(2, 0, [village_column(), "、".join(v.name for v in villages)])
    for line, (index, question) in enumerate(enumerate(questions, start=1), start=3):
        required = _("required") if question.is_required else _("may be left blank")
        guide.write_row(line, 0, [question_column(index, question), f"{how_to_answer(question)} ({required})"])
    guide.set_column(0, 0, 40)
    guide.set_column(1, 1, 80)
    workbook.close()
    return buffer.getvalue()


def read_workbook(
    *, content: bytes, questions: list[Question], file_name: str = "sheets.xlsx"
) -> list[tuple[int, dict]]:
    """The rows of the first sheet below its header (row 1), keyed like ``check_rows`` wants them.

    Columns are found by their header: the sheet number, the village, and each question by its
    number ("3. …"), so a clerk may reorder or drop optional columns. The sheet is read by the
    guarded reader (core.sheets), which refuses it whole if it is beyond the size limits."""
    try:
        cells = read_rows(content, file_name)
    except SheetError as error:
        raise WorkbookError(str(error)) from error
    if not cells:
        raise WorkbookError(_("The workbook is empty."))

    def column_of(title: str) -> Hashable | None:
        if title == sheet_column() or title in SHEET_HEADERS:
            return "sheet"
        if title == village_column() or title in VILLAGE_HEADERS:
            return "village"
        number = title.split(".", 1)[0].strip()
        if number.isdigit() and 1 <= int(number) <= len(questions):
            return questions[int(number) - 1].pk
        return None

    header = find_header(
        cells,
        field_of=column_of,
        is_header=lambda _columns: True,
        cell_text=lambda cell: str(cell).strip(),
        search_rows=1,
    )
    columns = header.columns if header is not None else {}
    missing = [name for key, name in (("sheet", sheet_column()), ("village", village_column())) if key not in columns]
    if missing:
        raise WorkbookError(
            _("The first row must name the columns as the template does; missing: %(columns)s")
            % {"columns": "、".join(missing)}
        )
    if len(cells) - 1 > MAX_PAPER_ROWS:
        raise WorkbookError(_("At most %(count)d sheets per workbook.") % {"count": MAX_PAPER_ROWS})
    rows = []
    for number, row in enumerate(cells[1:], start=2):
        rows.append((number, {key: (row[pos] if pos < len(row) else "") for key, pos in columns.items()}))
    return rows


def results_xlsx(results) -> bytes:
    """A survey's aggregated results: one sheet per question's counts, one of villages."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    percent = workbook.add_format({"num_format": "0.0%"})
    sheet = workbook.add_worksheet(_("Answers"))
    sheet.write_row(0, 0, [results.survey.title, results.survey.year], bold)
    sheet.write_row(
        1, 0, [_("Respondents"), results.respondents, _("Online"), results.online, _("Paper"), results.paper]
    )
    line = 3
    sheet.write_row(line, 0, [_("Question"), _("Answer"), _("Count"), _("Share")], bold)
    line += 1
    for index, result in enumerate(results.questions, start=1):
        sheet.write_row(line, 0, [question_column(index, result.question), _("Answered"), result.answered])
        line += 1
        for option in result.options:
            sheet.write_row(line, 1, [option.label, option.count])
            if option.share is not None:
                sheet.write_number(line, 3, option.share, percent)
            line += 1
        if result.positive is not None:
            sheet.write_row(line, 1, [_("Positive (top two points or yes)"), result.positive])
            if result.positive_share is not None:
                sheet.write_number(line, 3, result.positive_share, percent)
            line += 1
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 1, 24)
    villages = workbook.add_worksheet(_("By village"))
    villages.write_row(0, 0, [_("Village/community"), _("Respondents"), _("Resident population"), _("Share")], bold)
    for line, row in enumerate(results.villages, start=1):
        villages.write_row(line, 0, [row.name or _("Not given"), row.respondents, row.population or ""])
        if row.share_of_population is not None:
            villages.write_number(line, 3, row.share_of_population, percent)
    villages.set_column(0, 3, 16)
    workbook.close()
    return buffer.getvalue()
