"""Spreadsheets out of the register: the import report and the register export.

Personal numbers leave masked unless the caller may unmask them and asks to; every export is
audited by the service that calls these writers.
"""

from __future__ import annotations

import io
from collections import defaultdict
from datetime import date, datetime

import xlsxwriter
from django.utils.translation import gettext as _

from communityedu.core import crypto
from communityedu.people.identity import mask_id_number
from communityedu.people.roster import parse_roster


def _workbook():
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "remove_timezone": True})
    return buffer, workbook


def import_report_xlsx(*, content: bytes, file_name: str, problems: list[dict]) -> bytes:
    """The original rows with a column of reasons, so a clerk can fix the sheet and upload it again."""
    roster = parse_roster(content, file_name)
    reasons: dict[int, list[str]] = defaultdict(list)
    for problem in problems:
        reasons[problem["row"]].append(f"{problem['column']}：{problem['reason']}")
    buffer, workbook = _workbook()
    sheet = workbook.add_worksheet(_("Roster"))
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    flagged = workbook.add_format({"bg_color": "#FDE2E1", "text_wrap": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    text_format = workbook.add_format({"num_format": "@"})
    reason_column = len(roster.header)
    sheet.write_row(0, 0, [*roster.header, _("Problems"), _("Sheet row")], bold)
    for line, (number, cells) in enumerate(roster.rows, start=1):
        for column, value in enumerate(cells):
            if isinstance(value, (datetime, date)):
                sheet.write_datetime(line, column, value, date_format)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(line, column, value)
            else:
                sheet.write_string(line, column, "" if value is None else str(value), text_format)
        if number in reasons:
            sheet.write_string(line, reason_column, "；".join(reasons[number]), flagged)
        sheet.write_number(line, reason_column + 1, number)
    sheet.set_column(reason_column, reason_column, 60)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


REGISTER_COLUMNS = (
    "Name",
    "Sex",
    "Birth date",
    "ID number",
    "Phone",
    "Village/community",
    "Village group",
    "Tags",
    "Guardian",
)


def register_xlsx(people, *, unmasked: bool) -> bytes:
    buffer, workbook = _workbook()
    sheet = workbook.add_worksheet(_("Register"))
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [_(c) for c in REGISTER_COLUMNS], bold)
    for line, person in enumerate(people, start=1):
        id_number = crypto.decrypt(person.id_number_encrypted) if person.id_number_encrypted else ""
        phone = crypto.decrypt(person.phone_encrypted) if person.phone_encrypted else ""
        sheet.write_string(line, 0, person.name)
        sheet.write_string(line, 1, person.get_sex_display())
        if person.birth_date:
            sheet.write_datetime(line, 2, person.birth_date, date_format)
        sheet.write_string(line, 3, id_number if unmasked else mask_id_number(id_number) if id_number else "")
        sheet.write_string(line, 4, phone if unmasked else crypto.mask_phone(phone) if phone else "")
        sheet.write_string(line, 5, person.village.name if person.village else "")
        sheet.write_string(line, 6, person.village_group)
        sheet.write_string(line, 7, "、".join(tag.name for tag in person.tags.all()))
        sheet.write_string(line, 8, person.guardian_name)
    sheet.set_column(0, 8, 14)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()
