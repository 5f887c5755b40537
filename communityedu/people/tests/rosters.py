"""Rosters as villages make them, built by the tests: titles, merged cells, blanks, footers."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import openpyxl
import xlwt

from communityedu.people.identity import id_check_digit


def make_id(born: date, sequence: int, region: str = "500102") -> str:
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def xlsx(rows: list[list], *, title: str | None = "弋阳村常住居民花名册", footer: list[list] | None = None) -> bytes:
    """A workbook whose first sheet has a merged title, a blank line, then ``rows`` (header first)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    offset = 0
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
        sheet.append(["填报单位：弋阳村民委员会", None, None, "填报日期：2020年6月"])
        sheet.append([])
        offset = 3
    for row in rows:
        sheet.append(row)
    for row in footer or []:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=offset + 2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "yyyy-mm-dd"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xls(rows: list[list]) -> bytes:
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    sheet.write_merge(0, 0, 0, len(rows[0]) - 1, "十字村居民名单")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row):
            if isinstance(value, date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list], encoding: str = "gb18030") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)
