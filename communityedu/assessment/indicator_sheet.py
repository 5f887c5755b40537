"""Reading an evaluation indicator sheet (docs/indicator-format.md).

One row per indicator, under a header row naming the columns (Chinese or English names). The
code (1, 1.2, 1.2.3) gives the level and the parent: 1.2.3 belongs under 1.2. Every row is
checked and every problem is reported by sheet row, column and reason; a sheet with any problem
is refused whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path, PurePath

from django.utils.translation import gettext as _

from communityedu.assessment.constants import ConditionItem, ScoringMethod, ScoringRule
from communityedu.core import sheets
from communityedu.core.sheets import Problem
from communityedu.metrics.figures import FIGURES

# The tree built from the plan's own rules (REQUIREMENTS R1–R8), loaded for a town that has none.
DEFAULT_INDICATORS = Path(__file__).with_name("default_indicators.csv")
MAX_ROWS = 1000
MAX_BYTES = 5 * 1024 * 1024
HEADER_SEARCH_ROWS = 10
CODE_PATTERN = re.compile(r"^[1-9]\d{0,2}(\.[1-9]\d{0,2}){0,5}$")

# field -> (Chinese header, accepted names)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "code": ("编码", ("编码", "指标编码", "code")),
    "name": ("名称", ("名称", "指标名称", "指标", "name")),
    "points": ("分值", ("分值", "分数", "points")),
    "evaluation_points": ("评估要点", ("评估要点", "评分标准", "evaluation points")),
    "method": ("评分方式", ("评分方式", "method")),
    "source": ("数据来源", ("数据来源", "source")),
    "threshold": ("达标值", ("达标值", "threshold")),
    "rule": ("计分规则", ("计分规则", "rule")),
}
REQUIRED_COLUMNS = ("code", "name", "points")
METHOD_NAMES = {
    "自动": ScoringMethod.FIGURE,
    "figure": ScoringMethod.FIGURE,
    "auto": ScoringMethod.FIGURE,
    "基本条件": ScoringMethod.CONDITIONS,
    "conditions": ScoringMethod.CONDITIONS,
    "人工": ScoringMethod.MANUAL,
    "manual": ScoringMethod.MANUAL,
}
RULE_NAMES = {
    "达标满分": ScoringRule.THRESHOLD,
    "threshold": ScoringRule.THRESHOLD,
    "按比例": ScoringRule.PROPORTIONAL,
    "proportional": ScoringRule.PROPORTIONAL,
}


class IndicatorSheetError(Exception):
    """The sheet is refused: ``problems`` lists (row, column, reason); row 0 is the file itself."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:5]))


@dataclass
class IndicatorRow:
    row: int
    code: str
    name: str
    points: Decimal
    evaluation_points: str = ""
    method: str = ""
    source: str = ""
    threshold: Decimal | None = None
    rule: str = ""
    children: list[str] = field(default_factory=list)

    @property
    def level(self) -> int:
        return self.code.count(".") + 1

    @property
    def parent_code(self) -> str:
        return self.code.rpartition(".")[0]


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return str(cell).replace("\u3000", " ").strip()


def read_cells(content: bytes, file_name: str) -> list[list]:
    suffix = PurePath(file_name or "").suffix.lower()
    if len(content) > MAX_BYTES:
        raise IndicatorSheetError([Problem(0, "", _("The file is larger than 5 MB."))])
    if suffix not in (".xlsx", ".xls", ".csv"):
        raise IndicatorSheetError([Problem(0, "", _("Upload an Excel workbook (.xlsx or .xls) or a CSV file."))])
    try:
        return sheets.read_rows(content, file_name)
    except sheets.SheetError as error:
        raise IndicatorSheetError([error.problem]) from error


def _find_header(cells: list[list]) -> tuple[int, dict[str, int], list[str]]:
    names = {name.lower(): key for key, (_label, accepted) in COLUMNS.items() for name in accepted}
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        header = [_text(cell) for cell in row]
        columns = {}
        for position, title in enumerate(header):
            key = names.get(title.lower())
            if key and key not in columns:
                columns[key] = position
        if "code" in columns:
            missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in columns]
            if missing:
                raise IndicatorSheetError(
                    [
                        Problem(
                            index + 1,
                            "",
                            _("The header lacks the column(s): %(names)s.") % {"names": "、".join(missing)},
                        )
                    ]
                )
            return index, columns, header
    raise IndicatorSheetError([Problem(0, "", _("No header row with a column named 编码 (code) was found."))])


def _decimal(text: str) -> Decimal | None:
    percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value / 100 if percent else value


def parse(content: bytes, file_name: str) -> list[IndicatorRow]:
    """The indicators of the sheet, in its order; raises ``IndicatorSheetError`` naming every problem."""
    cells = read_cells(content, file_name)
    header_index, columns, header = _find_header(cells)
    problems: list[Problem] = []

    def label(key: str) -> str:
        return header[columns[key]] if key in columns else COLUMNS[key][0]

    def cell(row: list, key: str) -> str:
        position = columns.get(key)
        return _text(row[position]) if position is not None and position < len(row) else ""

    rows: list[IndicatorRow] = []
    by_code: dict[str, IndicatorRow] = {}
    # Codes of rows refused: their parents' sums are not checked (the sum would mislead).
    refused_codes: set[str] = set()
    for index in range(header_index + 1, len(cells)):
        raw, number = cells[index], index + 1
        if not any(_text(value) for value in raw):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(number, "", _("A sheet holds at most %(limit)s indicators.") % {"limit": MAX_ROWS}))
            break
        row_problems: list[Problem] = []
        code, name = cell(raw, "code"), cell(raw, "name")
        if not code:
            row_problems.append(Problem(number, label("code"), _("The code is missing.")))
        elif not CODE_PATTERN.match(code):
            row_problems.append(
                Problem(number, label("code"), _("%(code)s is not a code like 1, 1.2 or 1.2.3.") % {"code": code})
            )
        elif code in by_code:
            row_problems.append(
                Problem(
                    number,
                    label("code"),
                    _("The code %(code)s is already used on row %(row)s.") % {"code": code, "row": by_code[code].row},
                )
            )
        if not name:
            row_problems.append(Problem(number, label("name"), _("The name is missing.")))
        elif len(name) > 200:
            row_problems.append(Problem(number, label("name"), _("The name is longer than 200 characters.")))
        points_text = cell(raw, "points")
        points = _decimal(points_text)
        if not points_text:
            row_problems.append(Problem(number, label("points"), _("The points are missing.")))
        elif points is None or points < 0 or points != points.quantize(Decimal("0.01")) or points >= 100000:
            row_problems.append(
                Problem(
                    number,
                    label("points"),
                    _("%(value)s is not a number of points (0 or more, at most two decimals).")
                    % {"value": points_text},
                )
            )
        method_text = cell(raw, "method")
        method = METHOD_NAMES.get(method_text.lower()) if method_text else ""
        if method is None:
            row_problems.append(
                Problem(
                    number,
                    label("method"),
                    _("%(value)s is not a scoring method: write 自动, 基本条件 or 人工.") % {"value": method_text},
                )
            )
        source = cell(raw, "source")
        threshold_text = cell(raw, "threshold")
        threshold = _decimal(threshold_text) if threshold_text else None
        if threshold_text and (threshold is None or threshold <= 0 or threshold >= 100000):
            row_problems.append(
                Problem(
                    number,
                    label("threshold"),
                    _("%(value)s is not a threshold above zero.") % {"value": threshold_text},
                )
            )
        rule_text = cell(raw, "rule")
        rule = RULE_NAMES.get(rule_text.lower()) if rule_text else ""
        if rule is None:
            row_problems.append(
                Problem(
                    number,
                    label("rule"),
                    _("%(value)s is not a rule: write 达标满分 or 按比例.") % {"value": rule_text},
                )
            )
        if method == ScoringMethod.FIGURE and source not in FIGURES:
            row_problems.append(
                Problem(
                    number,
                    label("source"),
                    _("%(value)s is not a figure; use one of: %(keys)s.")
                    % {"value": source or "—", "keys": ", ".join(FIGURES)},
                )
            )
        if method == ScoringMethod.CONDITIONS and source and source not in ConditionItem.values:
            row_problems.append(
                Problem(
                    number,
                    label("source"),
                    _("%(value)s is not a basic-conditions item; use one of: %(keys)s, or leave it empty.")
                    % {"value": source, "keys": ", ".join(ConditionItem.values)},
                )
            )
        if method == ScoringMethod.MANUAL and (source or threshold_text or rule_text):
            row_problems.append(
                Problem(number, label("method"), _("A manual indicator takes no source, threshold or rule."))
            )
        problems.extend(row_problems)
        if row_problems:
            refused_codes.add(code)
            continue
        entry = IndicatorRow(
            row=number,
            code=code,
            name=name,
            points=points,
            evaluation_points=cell(raw, "evaluation_points"),
            method=method or "",
            source=source if method != ScoringMethod.MANUAL else "",
            threshold=threshold,
            rule=(rule or ScoringRule.THRESHOLD) if method in (ScoringMethod.FIGURE, ScoringMethod.CONDITIONS) else "",
        )
        rows.append(entry)
        by_code[code] = entry
    for entry in rows:
        if entry.level > 1:
            parent = by_code.get(entry.parent_code)
            if parent is None:
                problems.append(
                    Problem(
                        entry.row,
                        label("code"),
                        _("Its parent %(parent)s is not in the sheet.") % {"parent": entry.parent_code},
                    )
                )
            else:
                parent.children.append(entry.code)
    for entry in rows:
        if entry.children:
            if entry.method:
                problems.append(
                    Problem(
                        entry.row,
                        label("method"),
                        _("%(code)s has sub-indicators, so it is scored from them and takes no method.")
                        % {"code": entry.code},
                    )
                )
            total = sum((by_code[child].points for child in entry.children), Decimal("0"))
            has_refused_child = any(code.rpartition(".")[0] == entry.code for code in refused_codes)
            if total != entry.points and not has_refused_child:
                problems.append(
                    Problem(
                        entry.row,
                        label("points"),
                        _("%(points)s points, but its sub-indicators add up to %(total)s.")
                        % {"points": _number(entry.points), "total": _number(total)},
                    )
                )
        elif not entry.method:
            problems.append(
                Problem(
                    entry.row,
                    label("method"),
                    _("%(code)s has no sub-indicators, so it needs a scoring method (自动, 基本条件 or 人工).")
                    % {"code": entry.code},
                )
            )
    if not rows and not problems:
        problems.append(Problem(0, "", _("The sheet holds no indicator.")))
    if problems:
        raise IndicatorSheetError(sorted(problems, key=lambda problem: problem.row))
    return rows


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")
