"""Every upload that reads a sheet goes through one guarded reader (core.sheets): a sheet wider
than 200 columns or longer than 100,000 rows is refused with a 400 that names the limit, before
any row is checked and without building the empty area between its cells; nothing is written.
The attack file is the one found in testing: 5 KB, cells only at A1 and XFD1048576."""

import csv
import io
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter import Workbook

from communityedu.assessment.models import IndicatorSystem
from communityedu.core import sheets
from communityedu.core.models import AuditLogEntry
from communityedu.core.tests.sheet_files import hostile_xlsx, xls_with_far_cell, xlsx_with_cells
from communityedu.organization.models import VillagePopulation
from communityedu.people.models import ImportBatch, Person
from communityedu.surveys.models import Response
from communityedu.surveys.tests.factories import standard_survey

TOO_WIDE = "表格超过 200 列（用到了第 XFD 列）。最多读取 200 列：请删除 GR 列之后的各列，再重新上传。"
TOO_LONG = "表格超过 100,000 行（用到了第 100,001 行）。最多读取 100,000 行：请拆成几个较小的表格，逐个上传。"
ROSTER_HEADER = ["姓名", "性别", "身份证号", "村（社区）"]


def _file(content: bytes, name: str = "花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _counts() -> tuple[int, ...]:
    return (
        ImportBatch.objects.count(),
        Person.objects.count(),
        Response.objects.count(),
        VillagePopulation.objects.count(),
        IndicatorSystem.objects.count(),
        AuditLogEntry.objects.count(),
    )


def _roster_xlsx(columns: int) -> bytes:
    """A real roster (XlsxWriter) with ``columns`` header cells: the four it needs, then 备注 columns."""
    buffer = io.BytesIO()
    workbook = Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("花名册")
    header = ROSTER_HEADER + [f"备注{n}" for n in range(1, columns - len(ROSTER_HEADER) + 1)]
    sheet.write_row(0, 0, header)
    sheet.write_row(1, 0, ["钱小花", "女", "", "弋阳村"])
    workbook.close()
    return buffer.getvalue()


def _api_upload(client, content: bytes, name: str = "花名册.xlsx"):
    return client.post("/api/v1/imports?town=xinmiao", {"file": _file(content, name)})


def test_the_hostile_sheet_is_refused_on_the_roster_import_page_and_nothing_is_written(world, sign_in):
    client = sign_in("office")
    before = _counts()

    response = client.post("/people/import/", {"roster": _file(hostile_xlsx())})

    assert len(hostile_xlsx()) < 6000
    assert response.status_code == 400
    assert response.context["form"].errors["roster"] == [TOO_WIDE]
    assert TOO_WIDE in response.content.decode()
    assert _counts() == before


def test_the_hostile_sheet_is_refused_by_the_roster_import_api(world, sign_in):
    client = sign_in("office")
    before = _counts()

    response = _api_upload(client, hostile_xlsx())

    assert response.status_code == 400
    assert response.json()["detail"] == TOO_WIDE
    assert _counts() == before


def test_the_hostile_sheet_is_refused_as_a_paper_survey_workbook(world, sign_in):
    survey = standard_survey(world)
    client = sign_in("office")
    before = _counts()

    response = client.post(reverse("surveys:paper-upload", args=[survey.pk]), {"workbook": _file(hostile_xlsx())})

    assert response.status_code == 400
    assert response.context["form"].errors["workbook"] == [TOO_WIDE]
    assert _counts() == before


def test_the_hostile_sheet_is_refused_as_a_population_sheet(world, sign_in):
    client = sign_in("office")
    before = _counts()

    response = client.post(
        reverse("organization:population-import"), {"year": 2026, "sheet": _file(hostile_xlsx(), "人口.xlsx")}
    )

    assert response.status_code == 400
    assert [str(problem) for problem in response.context["problems"]] == [TOO_WIDE]
    assert TOO_WIDE in response.content.decode()
    assert _counts() == before


def test_the_hostile_sheet_is_refused_as_an_indicator_table_on_the_page_and_the_api(world, sign_in):
    client = sign_in("office")
    before = _counts()

    page = client.post("/assessment/indicators/load/", {"sheet": _file(hostile_xlsx(), "指标.xlsx")})
    api = client.post("/api/v1/assessment/indicators?town=xinmiao", {"file": _file(hostile_xlsx(), "指标.xlsx")})

    assert page.status_code == 400
    assert TOO_WIDE in page.content.decode()
    assert api.status_code == 400
    assert [problem["reason"] for problem in api.json()["problems"]] == [TOO_WIDE]
    assert _counts() == before


def test_a_lying_dimension_does_not_hide_a_far_cell(world, sign_in):
    content = xlsx_with_cells({"A1": "姓名", "B1": "身份证号", "XFD1048576": 1}, dimension="A1:B1")

    response = _api_upload(sign_in("office"), content)

    assert (response.status_code, response.json()["detail"]) == (400, TOO_WIDE)


def test_a_dimension_beyond_the_limits_is_refused_before_the_cells_are_read(world, sign_in):
    content = xlsx_with_cells({"A1": "姓名", "B1": "身份证号"}, dimension="A1:D100001")

    response = _api_upload(sign_in("office"), content)

    assert (response.status_code, response.json()["detail"]) == (400, TOO_LONG)


def test_a_roster_of_201_columns_is_refused_and_one_of_200_is_read(world, sign_in):
    client = sign_in("office")

    wide = _api_upload(client, _roster_xlsx(201))
    fits = _api_upload(client, _roster_xlsx(200))

    assert wide.status_code == 400
    assert wide.json()["detail"] == (
        "表格超过 200 列（用到了第 GS 列）。最多读取 200 列：请删除 GR 列之后的各列，再重新上传。"
    )
    assert fits.status_code == 201
    assert fits.json()["total_rows"] == 1


def test_a_sheet_reaching_row_100001_is_refused(world, sign_in):
    content = xlsx_with_cells({"A1": "姓名", "B1": "身份证号", "A2": "钱小花", "A100001": "王五"})

    response = _api_upload(sign_in("office"), content)

    assert (response.status_code, response.json()["detail"]) == (400, TOO_LONG)


def test_a_csv_cell_of_2001_characters_is_refused_naming_its_row_and_column(world, sign_in):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([ROSTER_HEADER, ["钱小花", "女", "", "弋阳村"], ["王五", "x" * 2001, "", "弋阳村"]])
    client = sign_in("office")
    before = _counts()

    response = _api_upload(client, buffer.getvalue().encode(), "名单.csv")

    assert response.status_code == 400
    assert response.json()["detail"] == "第 3 行第 B 列：单元格超过 2,000 个字符。"
    assert _counts() == before


def test_a_csv_cell_of_2000_characters_is_read(world, sign_in):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[*ROSTER_HEADER, "备注"], ["钱小花", "女", "", "弋阳村", "x" * 2000]])

    response = _api_upload(sign_in("office"), buffer.getvalue().encode(), "名单.csv")

    assert response.status_code == 201


def test_a_csv_cell_beyond_the_csv_modules_own_limit_is_a_400_not_a_500(world, sign_in):
    content = ("姓名,备注\n钱小花," + "x" * 200_000 + "\n").encode()

    response = _api_upload(sign_in("office"), content, "名单.csv")

    assert (response.status_code, response.json()["detail"]) == (400, "第 2 行第 某一列 列：单元格超过 2,000 个字符。")


@pytest.mark.parametrize(
    ("row", "column", "dimensions", "message"),
    [
        (65535, 65535, (0, 2, 0, 1), "表格超过 200 列（用到了第 CRXP 列）。"),
        (3, 200, None, "表格超过 200 列（用到了第 GS 列）。"),
        (3, 5, (0, 4, 0, 60000), "表格超过 200 列（用到了第 CJSR 列）。"),
    ],
    ids=["far-cell-under-a-lying-dimension", "201-columns", "huge-dimension"],
)
def test_an_old_excel_sheet_beyond_the_limits_is_refused_on_the_roster_page(
    world, sign_in, row, column, dimensions, message
):
    client = sign_in("office")
    before = _counts()

    response = client.post(
        "/people/import/",
        {"roster": _file(xls_with_far_cell(row=row, column=column, dimensions=dimensions), "名单.xls")},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["roster"][0].startswith(message)
    assert _counts() == before


def test_an_old_excel_sheet_of_200_columns_is_read(world, sign_in):
    content = xls_with_far_cell(row=3, column=199, header=tuple(ROSTER_HEADER))

    response = _api_upload(sign_in("office"), content, "名单.xls")

    assert response.status_code == 201
    assert response.json()["total_rows"] == 1  # the row holding only the far number, found invalid


def test_an_opendocument_sheet_is_refused_with_what_to_do(world, sign_in):
    response = _api_upload(sign_in("office"), b"PK\x03\x04", "名单.ods")

    assert response.status_code == 400
    assert response.json()["detail"] == "不接受 OpenDocument 表格（.ods）：请另存为 Excel 工作簿（.xlsx）后再上传。"


_ROWS = (1, 2, 99_999, 100_000, 100_001, 1_048_576)
_COLUMNS = (1, 2, 26, 27, 199, 200, 201, 208, 209, 702, 703, 16_384)


def _sheet_xml(cells) -> bytes:
    """Rows of cells, each with or without its own reference, valued or empty."""
    from communityedu.core.sheets import column_letters

    parts = []
    for row_number, row_cells in cells:
        parts.append(f'<row r="{row_number}">' if row_number else "<row>")
        for column, has_reference, valued in row_cells:
            reference = f' r="{column_letters(column)}{row_number or 1}"' if has_reference else ""
            parts.append(f"<c{reference}><v>1</v></c>" if valued else f"<c{reference}/>")
        parts.append("</row>")
    return "".join(parts).encode()


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from((0, *_ROWS)),
            st.lists(st.tuples(st.sampled_from(_COLUMNS), st.booleans(), st.booleans()), max_size=4),
        ),
        max_size=5,
    )
)
def test_the_quick_pass_and_the_exact_walk_agree_on_any_sheet(cells):
    """The regular-expression pass may hand a sheet to the exact walk but never pass one the walk
    refuses (0 as a row number: a row without its own reference)."""
    content = xlsx_with_cells({}).replace(b"<sheetData></sheetData>", b"")
    archive = zipfile.ZipFile(io.BytesIO(content))
    sheet_xml = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + _sheet_xml(cells)
        + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as rebuilt:
        for info in archive.infolist():
            data = sheet_xml if info.filename == "xl/worksheets/sheet1.xml" else archive.read(info)
            rebuilt.writestr(info.filename, data)

    def verdict(check) -> str:
        try:
            check()
        except sheets.SheetError as error:
            return str(error)
        return "read"

    rebuilt = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    info = rebuilt.getinfo("xl/worksheets/sheet1.xml")
    exact = verdict(lambda: sheets._exact_scan(rebuilt, info))
    assert verdict(lambda: sheets.check_xlsx(buffer.getvalue())) == exact
    with mock.patch.object(sheets, "_CHUNK", 13):  # tags cut across the pieces the XML is read in
        assert verdict(lambda: sheets.check_xlsx(buffer.getvalue())) == exact


def test_only_the_guarded_reader_opens_sheets_with_calamine():
    """A second copy of a sheet reader would skip the guard: outside the tests, python_calamine is
    imported by core/sheets.py alone."""
    package = Path(sheets.__file__).resolve().parent.parent
    importers = sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "tests" not in path.parts and "python_calamine" in path.read_text(encoding="utf-8")
    )

    assert importers == ["core/sheets.py"]
