"""The targets dashboard as an .xlsx workbook: every town's figures, villages and monthly trend."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from communityedu.core.money import fen_to_yuan
from communityedu.core.spreadsheets import new_workbook

if TYPE_CHECKING:
    from communityedu.metrics.base import Figure
    from communityedu.organization.models import Town


def targets_xlsx(*, towns: Iterable[Town], figures: dict[int, list[Figure]], year: int, as_of: date) -> bytes:
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    bold = workbook.add_format({"bold": True})
    percent = workbook.add_format({"num_format": "0.00%"})
    yuan = workbook.add_format({"num_format": "¥0.00"})
    summary = workbook.add_worksheet(_("Figures"))
    summary.write_row(0, 0, [_("Year"), year, _("As of"), as_of.isoformat()], bold)
    headers = [_("Town"), _("Figure"), _("Numerator"), _("Denominator"), _("Value"), _("Threshold"), _("Status"),
               _("Deadline")]  # fmt: skip
    summary.write_row(2, 0, headers, bold)
    row = 3
    for town in towns:
        for figure in figures[town.pk]:
            # The funding figure is yuan per resident: its value and threshold are written in yuan.
            in_yuan = figure.unit == "yuan"
            summary.write_row(row, 0, [town.name, figure.label])
            # An amount kept in fen (``money_parts``) is written in yuan.
            for column, part in ((2, "numerator"), (3, "denominator")):
                amount = getattr(figure, part)
                if part in figure.money_parts:
                    summary.write_number(row, column, float(fen_to_yuan(amount)), yuan)
                else:
                    summary.write_number(row, column, amount)
            if figure.value is not None:
                summary.write_number(row, 4, float(figure.value), yuan if in_yuan else percent)
            summary.write_number(row, 5, float(figure.threshold), yuan if in_yuan else percent)
            summary.write_row(row, 6, [figure.status_label, figure.deadline.isoformat()])
            row += 1
    summary.set_column(0, 1, 24)
    villages = workbook.add_worksheet(_("Villages"))
    villages.write_row(0, 0, [_("Town"), _("Figure"), _("Village/community"), _("Numerator"), _("Denominator"),
                              _("Value"), _("Village target"), _("Status")], bold)  # fmt: skip
    trend = workbook.add_worksheet(_("By month"))
    trend.write_row(0, 0, [_("Town"), _("Figure"), _("Month"), _("Numerator"), _("Denominator"), _("Value")], bold)
    village_row = trend_row = 1
    for town in towns:
        for figure in figures[town.pk]:
            for line in figure.villages:
                villages.write_row(village_row, 0, [town.name, figure.label, line.label])
                for column, amount in ((3, line.numerator), (4, line.denominator)):
                    if line.is_money:
                        villages.write_number(village_row, column, float(fen_to_yuan(amount)), yuan)
                    else:
                        villages.write_number(village_row, column, amount)
                if line.value is not None:
                    villages.write_number(village_row, 5, float(line.value), percent)
                if line.target is not None:
                    villages.write_number(village_row, 6, float(line.target), percent)
                villages.write(village_row, 7, str(_status_label(line.status)))
                village_row += 1
            for line in figure.trend:
                trend.write_row(trend_row, 0, [town.name, figure.label, line.label, line.numerator, line.denominator])
                if line.value is not None:
                    trend.write_number(trend_row, 5, float(line.value), percent)
                trend_row += 1
    villages.set_column(0, 2, 22)
    trend.set_column(0, 2, 22)
    workbook.close()
    return buffer.getvalue()


def _status_label(status: str) -> str:
    from communityedu.metrics.base import Status

    return str(Status.LABELS.get(status, "")) if status else ""
