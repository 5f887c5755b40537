"""The year's lecture fees as a spreadsheet."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communityedu.activities.fees.selectors import FeeLine, FeeYear, LectureFees, fee_year, lecture_date
from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.core.spreadsheets import new_workbook

if TYPE_CHECKING:
    from communityedu.accounts.models import User
    from communityedu.organization.models import Town

FEE_COLUMNS = (
    gettext_noop("Date"),
    gettext_noop("Lecture"),
    gettext_noop("Lecture status"),
    gettext_noop("Lecturer"),
    gettext_noop("Fee status"),
    gettext_noop("Fee (yuan)"),
    gettext_noop("Due (yuan)"),
    gettext_noop("Paid (yuan)"),
    gettext_noop("Voucher number"),
    gettext_noop("Paid on"),
    gettext_noop("Reason for reversal"),
)
TOTAL_COLUMNS = (gettext_noop("Month"), gettext_noop("Due"), gettext_noop("Paid"), gettext_noop("Outstanding"))


def lecture_state_label(item: LectureFees) -> str:
    if item.lecture.is_cancelled:
        return _("cancelled")
    return _("held") if item.is_held else _("not held yet")


def fee_year_xlsx(fees: FeeYear) -> bytes:
    """The year's lines (one per lecturer fee; a lecture without lecturers has one empty line),
    then the totals per month and for the year. A line shows the fee recorded, what of it counts
    as due (nothing once reversed) and as paid, so the columns add up to the totals. Amounts are
    numbers with two decimals."""
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, remove_timezone=True)
    sheet = workbook.add_worksheet(_("Lecture fees %(year)s") % {"year": fees.year})
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "0.00"})
    bold_money = workbook.add_format({"num_format": "0.00", "bold": True})
    sheet.write_row(0, 0, [_(name) for name in FEE_COLUMNS], bold)
    line_number = 0
    for item in fees.lectures:
        lines: list[FeeLine | None] = [*item.lines] or [None]
        for line in lines:
            line_number += 1
            sheet.write_datetime(line_number, 0, lecture_date(item.lecture), date_format)
            sheet.write_row(line_number, 1, (item.lecture.title, lecture_state_label(item)))
            if line is None:
                continue
            sheet.write_row(line_number, 3, (line.lecturer.name, line.status_label))
            if line.due is not None:
                sheet.write_row(line_number, 5, (line.due.amount, line.amount_due, line.amount_paid), money)
            if line.payment is not None:
                sheet.write_string(line_number, 8, line.payment.voucher_number)
                sheet.write_datetime(line_number, 9, line.payment.paid_on, date_format)
            if line.reversal is not None:
                sheet.write_string(line_number, 10, line.reversal.reason)
    row = line_number + 2
    sheet.write_row(row, 0, [_(name) for name in TOTAL_COLUMNS], bold)
    for month in fees.months:
        row += 1
        sheet.write_string(row, 0, f"{month.month:%Y-%m}")
        sheet.write_row(row, 1, (month.totals.due, month.totals.paid, month.totals.outstanding), money)
    row += 1
    sheet.write_string(row, 0, _("Year %(year)s") % {"year": fees.year}, bold)
    sheet.write_row(row, 1, (fees.total.due, fees.total.paid, fees.total.outstanding), bold_money)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 28)
    sheet.set_column(2, 10, 14)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()


def export_fee_year(*, actor: User, town: Town, year: int) -> bytes:
    """The year's fees as .xlsx; the export is audited."""
    data = fee_year_xlsx(fee_year(town=town, year=year))
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        town=town,
        object_label="lecture fees export",
        changes={"year": [None, year]},
    )
    return data
