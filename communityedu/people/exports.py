"""Spreadsheets out of the register: the import report and the register export.

Personal numbers leave masked unless the caller may unmask them and asks to; every export is
audited by the service that calls these writers.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communityedu.core import crypto
from communityedu.core.spreadsheets import new_workbook
from communityedu.people.identity import clean_text, mask_id_number
from communityedu.people.models import PersonTag, Sex
from communityedu.people.roster import parse_roster


def _workbook():
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, remove_timezone=True)
    return buffer, workbook


_MASKERS = {"id_number": mask_id_number, "phone": crypto.mask_phone, "guardian_phone": crypto.mask_phone}


def _masked_cell(value, mask) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed as a number comes back as 13800008001.0
    text = clean_text(value).replace(" ", "").replace("-", "")
    return mask(text) if text else ""


def import_report_xlsx(*, content: bytes, file_name: str, problems: list[dict]) -> bytes:
    """The original rows with a column of reasons, so a clerk can fix the sheet and upload it again.
    ID numbers and phones are masked as in any other export: the report is a file that travels."""
    roster = parse_roster(content, file_name)
    masked_columns = {roster.columns[name]: mask for name, mask in _MASKERS.items() if name in roster.columns}
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
            if column in masked_columns:
                sheet.write_string(line, column, _masked_cell(value, masked_columns[column]), text_format)
            elif isinstance(value, (datetime, date)):
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
    gettext_noop("Name"),
    gettext_noop("Sex"),
    gettext_noop("Birth date"),
    gettext_noop("ID number"),
    gettext_noop("Phone"),
    gettext_noop("Village/community"),
    gettext_noop("Village group"),
    gettext_noop("Tags"),
    gettext_noop("Guardian"),
)
REGISTER_FIELDS = (
    "id",
    "name",
    "sex",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "village__name",
    "village_group",
    "guardian_name",
    "id_number_encrypted",
    "phone_encrypted",
)


@dataclass(frozen=True)
class RegisterExport:
    data: bytes
    person_ids: list[int]  # the people written, for the audit entry


def register_xlsx(people, *, unmasked: bool) -> RegisterExport:
    """``people``: a queryset of the rows to export. Rows are read as plain values, not model
    instances, and numbers are decrypted only for an unmasked export."""
    rows = list(people.values(*REGISTER_FIELDS))
    tags: dict[int, list[str]] = defaultdict(list)
    for person_id, tag_name in (
        PersonTag.objects.filter(person__in=people).order_by("tag__name").values_list("person_id", "tag__name")
    ):
        tags[person_id].append(tag_name)
    sexes = {value: str(label) for value, label in Sex.choices}
    buffer, workbook = _workbook()
    sheet = workbook.add_worksheet(_("Residents' register"))
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, [_(c) for c in REGISTER_COLUMNS], bold)
    for line, row in enumerate(rows, start=1):
        if unmasked:
            id_number = crypto.decrypt(row["id_number_encrypted"]) if row["id_number_encrypted"] else ""
            phone = crypto.decrypt(row["phone_encrypted"]) if row["phone_encrypted"] else ""
        else:
            id_number, phone = row["id_number_masked"], row["phone_masked"]
        sheet.write_row(line, 0, (row["name"], sexes.get(row["sex"], "")))
        if row["birth_date"]:
            sheet.write_datetime(line, 2, row["birth_date"], date_format)
        sheet.write_row(
            line,
            3,
            (
                id_number,
                phone,
                row["village__name"] or "",
                row["village_group"],
                "、".join(tags.get(row["id"], ())),
                row["guardian_name"],
            ),
        )
    sheet.set_column(0, 8, 14)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return RegisterExport(data=buffer.getvalue(), person_ids=[row["id"] for row in rows])
