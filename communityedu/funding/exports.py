"""The year's funding as a spreadsheet: allocations, expenses (with the lecture fees), totals."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.core.spreadsheets import new_workbook
from communityedu.funding.selectors import FundingYear, funding_year
from communityedu.organization.models import Town

ALLOCATION_COLUMNS = (
    gettext_noop("Voucher date"),
    gettext_noop("Voucher number"),
    gettext_noop("Source"),
    gettext_noop("Receiving unit"),
    gettext_noop("Description"),
    gettext_noop("Amount (yuan)"),
    gettext_noop("Reason for reversal"),
)
EXPENSE_COLUMNS = (
    gettext_noop("Voucher date"),
    gettext_noop("Voucher number"),
    gettext_noop("Category"),
    gettext_noop("Paying unit"),
    gettext_noop("Description"),
    gettext_noop("Amount (yuan)"),
    gettext_noop("Reason for reversal"),
)


def funding_year_xlsx(funding: FundingYear) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, remove_timezone=True)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money = workbook.add_format({"num_format": "0.00"})
    bold_money = workbook.add_format({"num_format": "0.00", "bold": True})

    def ledger(title, columns, rows, label_of, unit_of):
        sheet = workbook.add_worksheet(title)
        sheet.write_row(0, 0, [_(name) for name in columns], bold)
        for number, row in enumerate(rows, start=1):
            sheet.write_datetime(number, 0, row.dated_on, date_format)
            unit = unit_of(row)
            sheet.write_row(number, 1, (row.voucher_number, label_of(row), unit.name if unit else "", row.description))
            sheet.write_number(number, 5, row.amount, money)
            sheet.write_string(number, 6, row.reason)
        sheet.set_column(0, 1, 14)
        sheet.set_column(2, 4, 22)
        sheet.set_column(5, 6, 16)
        sheet.freeze_panes(1, 0)
        return sheet

    ledger(
        _("Allocations"),
        ALLOCATION_COLUMNS,
        funding.allocations,
        lambda row: row.get_source_display(),
        lambda row: row.receiving_unit,
    )
    sheet = ledger(
        _("Expenses"),
        EXPENSE_COLUMNS,
        funding.expenses,
        lambda row: row.get_category_display(),
        lambda row: row.paying_unit,
    )
    fee_row = len(funding.expenses) + 1
    sheet.write_row(fee_row, 2, (_("lecture fees"), "", _("Paid lecture fees from the lecture-fee ledger")))
    sheet.write_number(fee_row, 5, funding.lecture_fees_paid, money)

    totals = workbook.add_worksheet(_("Totals"))
    totals.write_row(0, 0, (_("Source"), _("Amount (yuan)")), bold)
    row = 0
    for row, total in enumerate(funding.by_source, start=1):
        totals.write_string(row, 0, total.label)
        totals.write_number(row, 1, total.amount, money)
    row += 1
    totals.write_string(row, 0, _("Allocated"), bold)
    totals.write_number(row, 1, funding.allocated, bold_money)
    row += 2
    totals.write_row(row, 0, (_("Category"), _("Amount (yuan)")), bold)
    for total in funding.by_category:
        row += 1
        totals.write_string(row, 0, total.label)
        totals.write_number(row, 1, total.amount, money)
    row += 1
    totals.write_string(row, 0, _("Spent"), bold)
    totals.write_number(row, 1, funding.spent, bold_money)
    figure = funding.figure
    row += 2
    totals.write_row(row, 0, (_("Town finance"), _("Resident population"), _("Per resident (yuan)")), bold)
    totals.write_number(row + 1, 0, figure.town_finance_total, money)
    totals.write_number(row + 1, 1, figure.population)
    if figure.per_capita is not None:
        totals.write_number(row + 1, 2, figure.per_capita, money)
    totals.set_column(0, 2, 22)
    workbook.close()
    return buffer.getvalue()


def export_funding_year(*, actor, town: Town, year: int, figure) -> bytes:
    """The year's funding as .xlsx with ``figure`` (the per-capita figure from metrics); the
    export is audited."""
    data = funding_year_xlsx(funding_year(town=town, year=year, figure=figure))
    audit.record(
        actor=actor, action=AuditAction.EXPORT, town=town, object_label="funding export", changes={"year": [None, year]}
    )
    return data
