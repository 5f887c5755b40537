"""Hostile and outsized sheets, built small: a hand-written .xlsx whose cells sit where the test
says (and whose <dimension> may say anything), and an .xls whose cell records are moved after
xlwt wrote them. Used by the tests and by bench/bench_sheets.py."""

from __future__ import annotations

import io
import struct
import zipfile

import olefile
import xlwt

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="花名册" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELATIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)


def _cell(reference: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'


def xlsx_with_cells(cells: dict[str, object], *, dimension: str | None = None, padding: int = 0) -> bytes:
    """An .xlsx whose first sheet holds exactly ``cells`` ({"A1": "姓名", "XFD1048576": 1}), rows
    in the order given; ``padding`` bytes of stored filler make the file as large as a real one."""
    rows: dict[int, list[str]] = {}
    for reference, value in cells.items():
        number = int(reference.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        rows.setdefault(number, []).append(_cell(reference, value))
    sheet_data = "".join(f'<row r="{number}">{"".join(row)}</row>' for number, row in rows.items())
    dimension_element = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{dimension_element}<sheetData>{sheet_data}</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELATIONS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if padding:
            archive.writestr("docProps/padding.bin", bytes(padding), compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def hostile_xlsx() -> bytes:
    """The file of the attack: about 5 KB, cells only at A1 and XFD1048576 (no <dimension>)."""
    return xlsx_with_cells({"A1": "姓名", "XFD1048576": 1}, padding=3500)


def xls_with_far_cell(
    *,
    row: int,
    column: int,
    dimensions: tuple[int, int, int, int] | None = None,
    header: tuple[str, ...] = ("姓名",),
) -> bytes:
    """An .xls with ``header`` in row 1 and a number at (``row``, ``column``), 0-based, any u16
    column (xlwt stops at 255, so its record is moved afterwards); ``dimensions`` overwrites the
    sheet's DIMENSIONS record (first row, last row + 1, first column, last column + 1)."""
    workbook = xlwt.Workbook(encoding="utf-8")
    sheet = workbook.add_sheet("花名册")
    for position, text in enumerate(header):
        sheet.write(0, position, text)
    sheet.write(min(row, 65535), min(column, 255), 12345.5)
    buffer = io.BytesIO()
    workbook.save(buffer)
    with olefile.OleFileIO(io.BytesIO(buffer.getvalue())) as container:
        stream = bytearray(container.openstream("Workbook").read())
    position = 0
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        body = position + 4
        if kind in (0x0203, 0x027E):  # NUMBER or RK (xlwt's choice for 12345.5): row, column, ...
            struct.pack_into("<HH", stream, body, row, column)
        elif kind == 0x0200 and dimensions is not None and length == 14:
            struct.pack_into("<IIHH", stream, body, *dimensions)
        position = body + length
    return _replace_stream(buffer.getvalue(), bytes(stream))


def _replace_stream(container: bytes, stream: bytes) -> bytes:
    target = io.BytesIO(container)
    with olefile.OleFileIO(target, write_mode=True) as ole:
        ole.write_stream("Workbook", stream)
    return target.getvalue()
