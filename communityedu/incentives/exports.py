"""The bonus-points ranking as a spreadsheet."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from communityedu.core.spreadsheets import new_workbook


def ranking_xlsx(groups, *, year: int) -> bytes:
    """``groups``: (employer, rows) as ``metrics.points.ranking_by_employer`` gives them."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet(str(year))
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    number = workbook.add_format({"num_format": "0.00"})
    sheet.write_row(
        0,
        0,
        [
            _("Employer"),
            _("Rank"),
            _("Name"),
            _("Category"),
            _("Lectures given"),
            _("Activities joined"),
            _("Points earned"),
            _("Cap"),
            _("Points granted"),
        ],
        bold,
    )
    line = 1
    for employer, rows in groups:
        for rank, row in enumerate(rows, start=1):
            statement = row.statement
            sheet.write_row(
                line,
                0,
                [
                    employer,
                    rank,
                    row.member.person.name,
                    row.member.get_category_display(),
                    statement.lectures,
                    statement.activities,
                ],
            )
            sheet.write_number(line, 6, float(statement.earned), number)
            sheet.write_number(line, 7, float(statement.cap), number)
            sheet.write_number(line, 8, float(statement.granted), number)
            line += 1
    sheet.set_column(0, 8, 14)
    workbook.close()
    return buffer.getvalue()
