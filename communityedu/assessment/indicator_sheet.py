"""Reading an evaluation indicator sheet (docs/indicator-format.md).

One row per indicator, under a header row naming the columns (Chinese or English names). The
code (1, 1.2, 1.2.3) gives the level and the parent: 1.2.3 belongs under 1.2. Every row is
checked and every problem is reported by sheet row, column and reason; a sheet with any problem
is refused whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
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


_HEADER_NAMES = {name.lower(): key for key, (_label, accepted) in COLUMNS.items() for name in accepted}


def _find_header(cells: list[list]) -> sheets.Header:
    """The first row naming a code column; it must name the other required columns too."""
    header = sheets.find_header(
        cells,
        field_of=lambda title: _HEADER_NAMES.get(title.lower()),
        is_header=lambda columns: "code" in columns,
        cell_text=_text,
        search_rows=HEADER_SEARCH_ROWS,
    )
    if header is None:
        raise IndicatorSheetError([Problem(0, "", _("No header row with a column named 编码 (code) was found."))])
    missing = [COLUMNS[key][0] for key in REQUIRED_COLUMNS if key not in header.columns]
    if missing:
        raise IndicatorSheetError(
            [Problem(header.row, "", _("The header lacks the column(s): %(names)s.") % {"names": "、".join(missing)})]
        )
    return header


def _decimal(text: str) -> Decimal | None:
    percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value / 100 if percent else value


class _RowChecker:
    """Checks one indicator row column by column, as the roster's row checker does: each column's
    check reports its own problems, in the sheet's column order, and a row with any is refused."""

    def __init__(self, header: sheets.Header):
        self.header = header
        self.by_code: dict[str, IndicatorRow] = {}

    def label(self, key: str) -> str:
        return self.header.title(key, COLUMNS[key][0])

    def cell(self, raw: list, key: str) -> str:
        return _text(self.header.cell(raw, key))

    def check(self, number: int, raw: list, problems: list[Problem]) -> IndicatorRow | None:
        errors: list[Problem] = []

        def fail(key: str, reason: str) -> None:
            errors.append(Problem(number, self.label(key), reason))

        code = self._code(self.cell(raw, "code"), fail)
        name = self._name(self.cell(raw, "name"), fail)
        points = self._points(self.cell(raw, "points"), fail)
        method_text = self.cell(raw, "method")
        method = self._method(method_text, fail)
        source = self.cell(raw, "source")
        threshold_text = self.cell(raw, "threshold")
        threshold = self._threshold(threshold_text, fail)
        rule_text = self.cell(raw, "rule")
        rule = self._rule(rule_text, fail)
        self._source(method, source, fail)
        if method == ScoringMethod.MANUAL and (source or threshold_text or rule_text):
            fail("method", _("A manual indicator takes no source, threshold or rule."))
        problems.extend(errors)
        if errors:
            return None
        entry = IndicatorRow(
            row=number,
            code=code,
            name=name,
            points=points,  # type: ignore[arg-type]  # a row without points has a problem
            evaluation_points=self.cell(raw, "evaluation_points"),
            method=method or "",
            source=source if method != ScoringMethod.MANUAL else "",
            threshold=threshold,
            rule=(rule or ScoringRule.THRESHOLD) if method in (ScoringMethod.FIGURE, ScoringMethod.CONDITIONS) else "",
        )
        self.by_code[code] = entry
        return entry

    def _code(self, code: str, fail: Callable[[str, str], None]) -> str:
        if not code:
            fail("code", _("The code is missing."))
        elif not CODE_PATTERN.match(code):
            fail("code", _("%(code)s is not a code like 1, 1.2 or 1.2.3.") % {"code": code})
        elif code in self.by_code:
            fail(
                "code",
                _("The code %(code)s is already used on row %(row)s.") % {"code": code, "row": self.by_code[code].row},
            )
        return code

    def _name(self, name: str, fail: Callable[[str, str], None]) -> str:
        if not name:
            fail("name", _("The name is missing."))
        elif len(name) > 200:
            fail("name", _("The name is longer than 200 characters."))
        return name

    def _points(self, text: str, fail: Callable[[str, str], None]) -> Decimal | None:
        points = _decimal(text)
        if not text:
            fail("points", _("The points are missing."))
        elif points is None or points < 0 or points != points.quantize(Decimal("0.01")) or points >= 100000:
            fail(
                "points", _("%(value)s is not a number of points (0 or more, at most two decimals).") % {"value": text}
            )
        return points

    def _method(self, text: str, fail: Callable[[str, str], None]) -> str | None:
        method = METHOD_NAMES.get(text.lower()) if text else ""
        if method is None:
            fail("method", _("%(value)s is not a scoring method: write 自动, 基本条件 or 人工.") % {"value": text})
        return method

    def _threshold(self, text: str, fail: Callable[[str, str], None]) -> Decimal | None:
        threshold = _decimal(text) if text else None
        if text and (threshold is None or threshold <= 0 or threshold >= 100000):
            fail("threshold", _("%(value)s is not a threshold above zero.") % {"value": text})
        return threshold

    def _rule(self, text: str, fail: Callable[[str, str], None]) -> str | None:
        rule = RULE_NAMES.get(text.lower()) if text else ""
        if rule is None:
            fail("rule", _("%(value)s is not a rule: write 达标满分 or 按比例.") % {"value": text})
        return rule

    def _source(self, method: str | None, source: str, fail: Callable[[str, str], None]) -> None:
        if method == ScoringMethod.FIGURE and source not in FIGURES:
            fail(
                "source",
                _("%(value)s is not a figure; use one of: %(keys)s.")
                % {"value": source or "—", "keys": ", ".join(FIGURES)},
            )
        if method == ScoringMethod.CONDITIONS and source and source not in ConditionItem.values:
            fail(
                "source",
                _("%(value)s is not a basic-conditions item; use one of: %(keys)s, or leave it empty.")
                % {"value": source, "keys": ", ".join(ConditionItem.values)},
            )


def _link_parents(rows: list[IndicatorRow], checker: _RowChecker, problems: list[Problem]) -> None:
    """Hang every row below level 1 under its parent, which must be in the sheet."""
    for entry in rows:
        if entry.level > 1:
            parent = checker.by_code.get(entry.parent_code)
            if parent is None:
                problems.append(
                    Problem(
                        entry.row,
                        checker.label("code"),
                        _("Its parent %(parent)s is not in the sheet.") % {"parent": entry.parent_code},
                    )
                )
            else:
                parent.children.append(entry.code)


def _check_tree(rows: list[IndicatorRow], checker: _RowChecker, refused_codes: set[str], problems: list[Problem]):
    """A branch is scored from its sub-indicators, whose points add up to its own (unless one of
    them was refused: the sum would mislead); a leaf has a scoring method."""
    for entry in rows:
        if entry.children:
            if entry.method:
                problems.append(
                    Problem(
                        entry.row,
                        checker.label("method"),
                        _("%(code)s has sub-indicators, so it is scored from them and takes no method.")
                        % {"code": entry.code},
                    )
                )
            total = sum((checker.by_code[child].points for child in entry.children), Decimal("0"))
            has_refused_child = any(code.rpartition(".")[0] == entry.code for code in refused_codes)
            if total != entry.points and not has_refused_child:
                problems.append(
                    Problem(
                        entry.row,
                        checker.label("points"),
                        _("%(points)s points, but its sub-indicators add up to %(total)s.")
                        % {"points": _number(entry.points), "total": _number(total)},
                    )
                )
        elif not entry.method:
            problems.append(
                Problem(
                    entry.row,
                    checker.label("method"),
                    _("%(code)s has no sub-indicators, so it needs a scoring method (自动, 基本条件 or 人工).")
                    % {"code": entry.code},
                )
            )


def parse(content: bytes, file_name: str) -> list[IndicatorRow]:
    """The indicators of the sheet, in its order; raises ``IndicatorSheetError`` naming every problem."""
    cells = read_cells(content, file_name)
    header = _find_header(cells)
    checker = _RowChecker(header)
    problems: list[Problem] = []
    rows: list[IndicatorRow] = []
    refused_codes: set[str] = set()
    for index in range(header.index + 1, len(cells)):
        raw, number = cells[index], index + 1
        if not any(_text(value) for value in raw):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(number, "", _("A sheet holds at most %(limit)s indicators.") % {"limit": MAX_ROWS}))
            break
        entry = checker.check(number, raw, problems)
        if entry is None:
            refused_codes.add(checker.cell(raw, "code"))
        else:
            rows.append(entry)
    _link_parents(rows, checker, problems)
    _check_tree(rows, checker, refused_codes, problems)
    if not rows and not problems:
        problems.append(Problem(0, "", _("The sheet holds no indicator.")))
    if problems:
        raise IndicatorSheetError(sorted(problems, key=lambda problem: problem.row))
    return rows


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")
