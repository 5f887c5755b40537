"""Reading residents' rosters as villages make them.

A roster is the first sheet of an .xlsx/.xls workbook, or a .csv file (UTF-8 or GBK), with title
rows and merged cells above a header row, blank rows inside, and footer lines (制表人…) below.
The header is found by its column names and their usual variants; every data row keeps its
sheet row number so that a problem can be reported where the clerk will look for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from communityedu.core import sheets
from communityedu.people.identity import clean_text

# field -> header texts villages use for it (compared without spaces, asterisks or brackets)
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名字", "居民姓名", "人员姓名", "姓 名"),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月", "出生年月日", "生日", "出生时间"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "公民身份证号码", "身份证", "证件号码", "居民身份证号码"),
    "phone": ("联系电话", "手机号码", "手机号", "手机", "电话", "联系方式", "电话号码"),
    "village": ("村社区", "村(社区)", "村/社区", "所属村", "所属村社区", "所在村", "村", "社区", "村居", "村(居)"),
    "village_group": ("村民小组", "组", "小组", "社", "组别", "所在组"),
    "tags": ("标签", "人员类别", "类别", "人员类型", "身份类别"),
    "guardian_name": ("监护人", "监护人姓名"),
    "guardian_phone": ("监护人电话", "监护人联系电话", "监护人手机"),
    "guardian_consent": ("监护人同意", "监护人是否同意", "监护人知情同意", "监护人签字同意"),
}
FIELD_LABELS = {
    "name": "姓名",
    "sex": "性别",
    "birth_date": "出生日期",
    "id_number": "身份证号",
    "phone": "联系电话",
    "village": "村（社区）",
    "village_group": "村民小组",
    "tags": "标签",
    "guardian_name": "监护人",
    "guardian_phone": "监护人电话",
    "guardian_consent": "监护人同意",
}
FOOTER_PREFIXES = (
    "制表",
    "填表",
    "审核",
    "负责人",
    "合计",
    "总计",
    "备注",
    "说明",
    "注:",
    "注：",
    "联系人",
    "单位盖章",
    "填报",
)
HEADER_SEARCH_ROWS = 30


_HEADER_NOISE = re.compile(r"[\s*＊:：()（）\[\]【】/]")


def _header_key(text) -> str:
    return _HEADER_NOISE.sub("", clean_text(text)).lower()


_LOOKUP = {_header_key(name): fieldname for fieldname, names in COLUMN_NAMES.items() for name in names}


class RosterError(Exception):
    """The file as a whole cannot be read (wrong type, no header, damaged)."""


@dataclass
class Roster:
    header_row: int  # 1-based sheet row number of the header
    header: list[str]  # the header cells as written
    columns: dict[str, int]  # field -> 0-based column index
    rows: list[tuple[int, list]] = field(default_factory=list)  # (sheet row number, cells)

    def column_label(self, fieldname: str) -> str:
        index = self.columns.get(fieldname)
        return self.header[index] if index is not None else FIELD_LABELS[fieldname]


def read_cells(content: bytes, file_name: str) -> list[list]:
    """The first sheet's cells through the guarded reader (core.sheets): refused whole, before any
    row is checked, if it cannot be read or is beyond the size limits."""
    try:
        return sheets.read_rows(content, file_name)
    except sheets.SheetError as error:
        raise RosterError(str(error)) from error


def _first_text(cells: list) -> str:
    """The row's first non-blank cell as clean text; "" for a blank row."""
    for cell in cells:
        text = clean_text(cell)
        if text:
            return text
    return ""


def _is_footer(first_text: str) -> bool:
    return first_text.replace(" ", "").startswith(FOOTER_PREFIXES)


def find_header(cells: list[list]) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for position, cell in enumerate(row):
            fieldname = _LOOKUP.get(_header_key(cell))
            if fieldname and fieldname not in columns:
                columns[fieldname] = position
        if "name" in columns and len(columns) >= 2:
            return index, columns
    raise RosterError(
        _(
            "No header row found in the first %(rows)s rows: the sheet needs a 姓名 column and at least one more, such as 身份证号."
        )
        % {"rows": HEADER_SEARCH_ROWS}
    )


def parse_roster(content: bytes, file_name: str) -> Roster:
    cells = read_cells(content, file_name)
    header_index, columns = find_header(cells)
    # Labels as the clerk wrote them (full-width brackets kept), for the problem report.
    header = ["" if cell is None else str(cell).strip() for cell in cells[header_index]]
    roster = Roster(header_row=header_index + 1, header=header, columns=columns)
    header_keys = [_header_key(cell) for cell in cells[header_index]]
    name_index = columns["name"]

    def repeats_header(row: list) -> bool:
        # A repeated header has the header's 姓名 cell: compare that one cell before the whole row.
        return (
            len(row) == len(header_keys)
            and _header_key(row[name_index]) == header_keys[name_index]
            and [_header_key(c) for c in row] == header_keys
        )

    for index in range(header_index + 1, len(cells)):
        row = list(cells[index])
        first_text = _first_text(row)
        if not first_text or _is_footer(first_text) or repeats_header(row):
            continue
        row += [""] * (len(header) - len(row))
        roster.rows.append((index + 1, row))
    return roster
