"""The annual unit assessment as a spreadsheet: the ranking with each criterion's fraction, the
weights, the score and the share of the unit's annual target assessment."""

from __future__ import annotations

import io
from datetime import date

from django.utils.translation import gettext as _

from communityedu.assessment.criteria import CRITERIA
from communityedu.assessment.selectors import unit_assessment, weights_of
from communityedu.core import audit
from communityedu.core.models import AuditAction
from communityedu.core.spreadsheets import new_workbook
from communityedu.metrics.assessment_share import ASSESSMENT_SHARE
from communityedu.organization.models import Town


def unit_assessment_xlsx(*, town: Town, year: int, as_of: date) -> bytes:
    lines = unit_assessment(town=town, year=year, as_of=as_of)
    weights = weights_of(town=town, year=year)
    buffer = io.BytesIO()
    workbook = new_workbook(buffer, remove_timezone=True)
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2"})
    percent = workbook.add_format({"num_format": "0.00%"})
    number = workbook.add_format({"num_format": "0.00"})
    sheet = workbook.add_worksheet(_("Unit assessment"))
    sheet.write(
        0,
        0,
        _("%(town)s community-education unit assessment %(year)s (as of %(date)s)")
        % {"town": town.name, "year": year, "date": as_of.isoformat()},
        bold,
    )
    header = [_("Rank"), _("Unit"), _("Type")]
    header += [f"{CRITERIA[key].label}（{_('weight')} {format(weights[key].normalize(), 'f')}）" for key in CRITERIA]
    header += [_("Score (of 100)"), _("Annual target assessment total"), _("Share earned (of 5%)")]
    sheet.write_row(2, 0, header, bold)
    for index, line in enumerate(lines, start=3):
        sheet.write(index, 0, line.rank)
        sheet.write(index, 1, line.unit.name)
        sheet.write(index, 2, str(line.unit.get_unit_type_display()))
        for offset, key in enumerate(CRITERIA, start=3):
            value = line.fractions.get(key)
            if value is None:
                sheet.write(index, offset, "—")
            else:
                sheet.write_number(index, offset, float(value), percent)
        column = 3 + len(CRITERIA)
        sheet.write_number(index, column, float(line.score), number)
        sheet.write_number(index, column + 1, float(line.assessment_total), number)
        sheet.write_number(index, column + 2, float(line.share), number)
    sheet.write(
        len(lines) + 4,
        0,
        _(
            "Score = weighted mean of the criteria that judge the unit × 100; share = score ÷ 100 × %(share)s of the unit's annual target assessment total."
        )
        % {"share": f"{ASSESSMENT_SHARE * 100:.0f}%"},
    )
    sheet.set_column(1, 1, 24)
    sheet.set_column(3, 3 + len(CRITERIA) + 2, 18)
    workbook.close()
    return buffer.getvalue()


def unit_assessment_xlsx_for(*, actor, town: Town, year: int, as_of: date) -> bytes:
    """The workbook, with the export recorded in the audit log."""
    data = unit_assessment_xlsx(town=town, year=year, as_of=as_of)
    audit.record(
        actor=actor,
        action=AuditAction.EXPORT,
        town=town,
        object_label=_("unit assessment %(year)s") % {"year": year},
        changes={"year": year, "as_of": as_of.isoformat()},
    )
    return data
