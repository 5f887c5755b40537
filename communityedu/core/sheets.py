"""Reading uploaded sheets: the one guarded reader every upload goes through.

A village's roster, a clerk's paper-survey workbook, a town's populations and an indicator table
all arrive as spreadsheets, and python-calamine reads them fast. But calamine builds the whole
rectangle between the first and the last cell: a 5 KB .xlsx with cells at A1 and XFD1048576 asks
for 17 billion cells, and the worker dies. So before calamine sees a file, its size is taken
without building anything and a sheet wider than ``MAX_COLUMNS`` or longer than ``MAX_ROWS`` is
refused with a message naming the limit:

- .xlsx (and .xlsm): the first sheet's ``<dimension ref>`` is read from the head of its XML; then
  the XML is streamed (never held whole) and every cell reference checked: a regular expression
  finds, at C speed, any cell whose reference lies beyond the limits or that has no reference of
  its own; only then is the sheet walked exactly, element by element, as calamine would place its
  cells, stopping at the first one beyond the limits. A lying ``<dimension>`` does not help.
- .xls: the BIFF records of every sheet (calamine reads every sheet of an .xls when it opens it):
  their DIMENSIONS record and every cell record's row and column, and the shared-string count.
- .csv: read as text; a cell longer than ``MAX_CSV_CELL_CHARS`` is refused by row and column.
- .ods is not read: its repeated rows and cells are expanded by the reader, and the upload forms
  ask for Excel or CSV.

``Problem`` is the one shape of "row, column, reason" that every sheet reader reports, and
``find_header`` the one search for a header row among the first rows of a sheet.
"""

from __future__ import annotations

import csv
import io
import queue
import re
import struct
import threading
import zipfile
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import PurePath
from xml.parsers import expat

import olefile
from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

MAX_COLUMNS = 200
MAX_ROWS = 100_000
MAX_CSV_CELL_CHARS = 2_000
# No real sheet of MAX_ROWS x MAX_COLUMNS comes near this; a zip bomb of blank XML does.
MAX_SHEET_XML_BYTES = 1024 * 1024 * 1024
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
XLS_SUFFIXES = frozenset({".xls"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})

_CHUNK = 4 * 1024 * 1024
_OVERLAP = 64


@dataclass(frozen=True)
class Problem:
    """Something wrong at a place in a sheet. ``row`` as the spreadsheet numbers it (1 = first
    row), 0 for the file as a whole; ``column`` as the sheet's header names it, or "" ."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}

    def __str__(self) -> str:
        if not self.row:
            return self.reason
        return _("Row %(row)s, %(column)s: %(reason)s") % {
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


class SheetError(ValueError):
    """The file cannot be read as a sheet; ``problem`` says where (row 0 for the whole file)."""

    def __init__(self, reason: str, *, row: int = 0, column: str = ""):
        super().__init__(reason)
        self.problem = Problem(row, column, reason)


@dataclass(frozen=True)
class Header:
    """A sheet's header row: where it is, its cells as text, and the column of each field it names."""

    index: int  # position among the rows read (0: the sheet's row 1)
    columns: dict[Hashable, int]
    titles: list[str]

    @property
    def row(self) -> int:
        """The header's row as the spreadsheet numbers it."""
        return self.index + 1

    def title(self, field: Hashable, default: str = "") -> str:
        """The field's column as the header names it, or ``default`` if the header lacks it."""
        position = self.columns.get(field)
        return self.titles[position] if position is not None else default

    def cell(self, row: list, field: Hashable) -> object:
        """The row's cell in the field's column; None if the header lacks it or the row is short."""
        position = self.columns.get(field)
        return row[position] if position is not None and position < len(row) else None


def find_header(
    rows: list[list],
    *,
    field_of: Callable[[str], Hashable | None],
    is_header: Callable[[dict[Hashable, int]], bool],
    cell_text: Callable[[object], str],
    search_rows: int = 10,
) -> Header | None:
    """The first of the first ``search_rows`` rows that ``is_header`` accepts, given the fields its
    cells name: ``field_of`` maps a cell's text (``cell_text``) to a field, or None. A field named
    twice is the first of its columns. None if no row is accepted: the caller says what it needed."""
    for index, row in enumerate(rows[:search_rows]):
        titles = [cell_text(cell) for cell in row]
        columns: dict[Hashable, int] = {}
        for position, title in enumerate(titles):
            field = field_of(title)
            if field is not None and field not in columns:
                columns[field] = position
        if is_header(columns):
            return Header(index=index, columns=columns, titles=titles)
    return None


def column_letters(number: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA, 16384 -> XFD."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def too_many_columns(reached: int) -> SheetError:
    return SheetError(
        _(
            "The sheet has more than %(limit)s columns (it reaches column %(column)s). At most %(limit)s columns"
            " are read: delete the columns after %(last)s and upload it again."
        )
        % {"limit": MAX_COLUMNS, "column": column_letters(reached), "last": column_letters(MAX_COLUMNS)}
    )


def too_many_rows(reached: int) -> SheetError:
    return SheetError(
        _(
            "The sheet has more than %(limit)s rows (it reaches row %(row)s). At most %(limit)s rows are read:"
            " split it into smaller sheets and upload them one by one."
        )
        % {"limit": f"{MAX_ROWS:,}", "row": f"{reached:,}"}
    )


def damaged(error: object) -> SheetError:
    return SheetError(_("The workbook cannot be read: %(error)s") % {"error": error})


def _check_extent(rows: int, columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise too_many_columns(columns)
    if rows > MAX_ROWS:
        raise too_many_rows(rows)


def read_rows(content: bytes, file_name: str) -> list[list]:
    """The cells of the first sheet (a CSV's rows), row 1 first, empty rows and columns kept so
    that list positions are sheet positions. Raises :class:`SheetError` for a file that cannot be
    read or is beyond the limits, before any row is returned."""
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix in CSV_SUFFIXES:
        return read_csv(content)
    if suffix in XLSX_SUFFIXES:
        check_xlsx(content)
    elif suffix in XLS_SUFFIXES:
        check_xls(content)
    elif suffix == ".ods":
        raise SheetError(_("OpenDocument sheets (.ods) are not accepted: save it as an Excel workbook (.xlsx)."))
    else:
        raise SheetError(_("Upload an Excel workbook (.xlsx or .xls) or a CSV file."))
    return _calamine_rows(content)


def _calamine_rows(content: bytes) -> list[list]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    # calamine raises several types for damaged files, and a Rust panic arrives as a BaseException
    except BaseException as error:
        raise damaged(error) from error


# ---- CSV ---------------------------------------------------------------------------------------


def read_csv(content: bytes) -> list[list]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise SheetError(_("The CSV file is neither UTF-8 nor GBK text."))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[list] = []
    try:
        for row in reader:
            number = len(rows) + 1
            if number > MAX_ROWS:
                raise too_many_rows(number)
            if len(row) > MAX_COLUMNS:
                raise too_many_columns(len(row))
            for position, cell in enumerate(row, start=1):
                if len(cell) > MAX_CSV_CELL_CHARS:
                    raise _long_cell(number, position)
            rows.append(row)
    except csv.Error as error:
        # The csv module stops at its own field limit (128 K characters) before we see the cell.
        if "field larger than field limit" in str(error):
            raise _long_cell(len(rows) + 1, None) from error
        raise SheetError(
            _("The CSV file cannot be read at row %(row)s: %(error)s") % {"row": len(rows) + 1, "error": error}
        ) from error
    return rows


def _long_cell(row: int, column: int | None) -> SheetError:
    label = column_letters(column) if column else _("a column")
    reason = _("A cell is longer than %(limit)s characters.") % {"limit": f"{MAX_CSV_CELL_CHARS:,}"}
    error = SheetError(
        _("Row %(row)s, column %(column)s: %(reason)s") % {"row": row, "column": label, "reason": reason},
        row=row,
        column=label,
    )
    return error


# ---- .xlsx -------------------------------------------------------------------------------------

_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\b[^>]*?\bref="([A-Z]*)(\d*)(?::([A-Z]*)(\d*))?"')
_SHEET_DATA = re.compile(rb"<(?:([\w.-]+):)?sheetData\b")
# A cell tag that needs the exact walk: a reference beyond column GR (200) or with six digits of
# row (100000 and more), or a cell whose reference is not its first attribute (or is missing).
# Text cannot produce a false "<c": XML escapes "<" inside text.
# The commonest cell, a one-letter column, is let go first: a third faster than one alternation.
_SUSPECT_CELL = re.compile(rb'<c(?! r="[A-Z][0-9]{1,5}+")(?=[\s/>])(?! r="(?:[A-F][A-Z]|G[A-R])[0-9]{1,5}+")')
_AFTER_NAME = frozenset(b" \t\r\n/>")
_REF = re.compile(r"([A-Z]+)(\d+)")


class _Beyond(Exception):  # noqa: N818 - a signal out of the expat walk, not an error
    def __init__(self, error: SheetError):
        self.error = error


def check_xlsx(content: bytes) -> None:
    """Refuse an .xlsx whose first sheet is beyond the limits; build nothing of it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        sheet = _first_sheet_path(archive)
        info = archive.getinfo(sheet)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, expat.ExpatError, EOFError) as error:
        raise damaged(error) from error
    except zipfile.LargeZipFile as error:
        raise damaged(error) from error
    try:
        if not _fast_scan(archive, info):
            _exact_scan(archive, info)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, expat.ExpatError) as error:
        if isinstance(error, SheetError):
            raise
        raise damaged(error) from error


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """The part calamine reads as sheet 0: the first <sheet> of xl/workbook.xml, through the
    workbook's relationships."""
    workbook = _small_part(archive, "xl/workbook.xml")
    first = re.search(rb"<(?:[\w.-]+:)?sheet\b([^>]*)>", workbook)
    if first is None:
        raise ValueError("xl/workbook.xml names no sheet")
    relation = re.search(rb'\b[\w.-]+:id="([^"]*)"', first.group(1))
    if relation is None:
        raise ValueError("the first sheet has no relationship id")
    relations = _small_part(archive, "xl/_rels/workbook.xml.rels")
    for attributes in re.findall(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>", relations):
        identifier = re.search(rb'\bId="([^"]*)"', attributes)
        if identifier and identifier.group(1) == relation.group(1):
            target = re.search(rb'\bTarget="([^"]*)"', attributes)
            if target is None:
                break
            path = target.group(1).decode()
            if path.startswith("/"):
                return path[1:]
            return path if path.startswith("xl/") else f"xl/{path}"
    raise ValueError("the first sheet's relationship is missing")


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        data = part.read(16 * 1024 * 1024 + 1)
    if len(data) > 16 * 1024 * 1024:
        raise ValueError(f"{name} is larger than 16 MB")
    return data


def _inflated(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The part's XML in pieces, never whole; refused beyond MAX_SHEET_XML_BYTES."""
    total = 0
    with archive.open(info) as part:
        while piece := part.read(_CHUNK):
            total += len(piece)
            if total > MAX_SHEET_XML_BYTES:
                raise SheetError(
                    _("The sheet is too large to read: more than %(size)s MB of data.")
                    % {"size": MAX_SHEET_XML_BYTES // (1024 * 1024)}
                )
            yield piece


def _inflated_ahead(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """``_inflated`` run one piece ahead in a thread: zlib lets go of the interpreter while it
    inflates, so the next piece is inflated while this one is scanned."""
    pieces: queue.Queue = queue.Queue(maxsize=2)
    stop = threading.Event()

    def produce():
        try:
            for piece in _inflated(archive, info):
                while not stop.is_set():
                    try:
                        pieces.put(piece, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            item = None
        except Exception as error:  # handed to the reading side, which raises it
            item = error
        while not stop.is_set():
            try:
                pieces.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    producer = threading.Thread(target=produce, name="sheet-inflate", daemon=True)
    producer.start()
    try:
        while True:
            item = pieces.get()
            if item is None:
                return
            if isinstance(item, Exception):
                raise item
            yield item
    finally:
        stop.set()
        producer.join()


def _fast_scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True if the sheet is within the limits as far as this pass can tell; False if the exact
    walk must decide. Raises at once for a <dimension> beyond the limits."""
    head = b""
    in_data = False
    carry = b""  # the unscanned end of the previous piece
    for piece in _inflated_ahead(archive, info):
        if not in_data:
            head += piece
            found = _SHEET_DATA.search(head)
            if found is None:
                if len(head) > 64 * 1024 * 1024:
                    return False
                continue
            if found.group(1):  # a prefixed main namespace: cells are "<x:c", leave it to the exact walk
                return False
            dimension = _DIMENSION.search(head, 0, found.start())
            if dimension is not None:
                _check_dimension(dimension)
            in_data = True
            piece = head[found.start() :]
            head = b""
        text = carry + piece
        # Scan up to the last "<" near the end: every tag before it is whole (a tag cannot hold
        # a "<"); the rest is scanned with the next piece.
        cut = text.rfind(b"<", max(len(text) - _OVERLAP, 0))
        if cut == -1:
            cut = len(text)
        if _SUSPECT_CELL.search(text, 0, cut) or _has_prefixed_cell(text, cut):
            return False
        carry = text[cut:]
    if not in_data:
        return not head
    return not (_SUSPECT_CELL.search(carry) or _has_prefixed_cell(carry, len(carry)))


def _has_prefixed_cell(text: bytes, end: int) -> bool:
    """A "<x:c" cell (calamine takes any prefix): ":c" is rare in sheet XML, and bytes.find
    skips to it far faster than a regular expression would."""
    position = text.find(b":c", 0, end)
    while position != -1:
        if position + 2 < len(text) and text[position + 2] in _AFTER_NAME:
            return True
        position = text.find(b":c", position + 2, end)
    return False


def _check_dimension(match: re.Match) -> None:
    first_column, first_row, last_column, last_row = (group.decode() if group else "" for group in match.groups())
    column = last_column or first_column
    row = last_row or first_row
    columns = _column_number(column) if column else 0
    rows = int(row) if row else 0
    _check_extent(rows, columns)


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _exact_scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Walk the sheet XML element by element, placing cells as calamine does, and stop at the
    first one beyond the limits. Only rare files come here; memory stays one piece."""
    parser = expat.ParserCreate(namespace_separator=" ")
    state: dict = {"row": 0, "column": 0, "valued": False, "cell_reference": None}

    def local(name: str) -> str:
        return name.rpartition(" ")[2]

    def start(name, attributes):
        tag = local(name)
        if tag == "row":
            reference = attributes.get("r")
            if reference:
                if not reference.isdigit():
                    raise ValueError(f"bad row number {reference!r}")
                state["row"] = int(reference) - 1
        elif tag == "c":
            state["cell_reference"] = attributes.get("r")
            state["valued"] = False
        elif tag in ("v", "is", "f"):
            state["valued"] = True

    # calamine's XML reader expands an empty element (<row r="5"/>) into its start and its end,
    # as expat reports it: nothing apart is needed for them.
    def end(name):
        tag = local(name)
        if tag == "row":
            state["row"] += 1
            state["column"] = 0
        elif tag == "c":
            reference = state["cell_reference"]
            if reference:
                match = _REF.fullmatch(reference)
                if match is None:
                    raise ValueError(f"bad cell reference {reference!r}")
                row, column = int(match.group(2)) - 1, _column_number(match.group(1)) - 1
                state["column"] = column
            else:
                row, column = state["row"], state["column"]
            if state["valued"]:
                try:
                    _check_extent(row + 1, column + 1)
                except SheetError as error:
                    raise _Beyond(error) from None
            state["column"] += 1

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for piece in _inflated(archive, info):
            parser.Parse(piece, False)
        parser.Parse(b"", True)
    except _Beyond as beyond:
        raise beyond.error from None


# ---- .xls --------------------------------------------------------------------------------------

_XLS_EOF = 0x000A
_XLS_BOUNDSHEET = 0x0085
_XLS_SST = 0x00FC
_XLS_DIMENSIONS = 0x0200
_XLS_MULRK = 0x00BD
# records placing one valued cell at (row, column) as their first two words, as calamine reads them
_XLS_CELLS = frozenset({0x0006, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD})


def check_xls(content: bytes) -> None:
    """Refuse an .xls any of whose sheets is beyond the limits (calamine reads them all on
    opening), or whose records would make the reader reserve memory the file does not hold."""
    try:
        with olefile.OleFileIO(io.BytesIO(content)) as container:
            name = next((n for n in ("Workbook", "Book") if container.exists(n)), None)
            if name is None:
                raise ValueError("no Workbook stream")
            stream = container.openstream(name).read()
    except SheetError:
        raise
    except Exception as error:  # olefile raises several types for damaged containers
        raise damaged(error) from error
    try:
        positions = _xls_globals(stream)
        for position in positions:
            _xls_sheet(stream, position)
    except struct.error as error:
        raise damaged(error) from error


def _xls_records(stream: bytes, position: int):
    unpack = struct.unpack_from
    end = len(stream)
    while position + 4 <= end:
        kind, length = unpack("<HH", stream, position)
        yield kind, position + 4, length
        if kind == _XLS_EOF:
            return
        position += 4 + length


def _xls_globals(stream: bytes) -> list[int]:
    positions = []
    for kind, start, length in _xls_records(stream, 0):
        if kind == _XLS_BOUNDSHEET and length >= 4:
            (position,) = struct.unpack_from("<I", stream, start)
            if position >= len(stream):
                raise damaged(_("a sheet lies outside the file"))
            positions.append(position)
        elif kind == _XLS_SST and length >= 8:
            (unique,) = struct.unpack_from("<i", stream, start + 4)
            if unique < 0 or unique * 3 > len(stream):  # each string takes at least 3 bytes
                raise damaged(_("the shared strings are damaged"))
    return positions


def _xls_sheet(stream: bytes, position: int) -> None:
    # One loop, each record's header and first two words read at once: a 20,000-row sheet has
    # 220,000 cell records, and this walk is the guard's whole cost on an .xls.
    unpack = struct.unpack_from
    size = len(stream)
    rows = columns = 0
    cells = _XLS_CELLS
    while position + 8 <= size:
        kind, length, row, column = unpack("<HHHH", stream, position)
        start = position + 4
        position = start + length
        if kind in cells:
            if row >= rows:
                rows = row + 1
            if column >= columns:
                columns = column + 1
        elif kind == _XLS_EOF:
            break
        elif kind == _XLS_MULRK and length >= 6:
            (last,) = unpack("<H", stream, start + length - 2)
            rows, columns = max(rows, row + 1), max(columns, last + 1)
        elif kind == _XLS_DIMENSIONS and length in (10, 14):
            if length == 14:
                first_row, end_row, first_column, end_column = unpack("<IIHH", stream, start)
            else:
                first_row, end_row, first_column, end_column = unpack("<HHHH", stream, start)
            if (end_row and first_row >= end_row) or (end_column and first_column >= end_column):
                raise damaged(_("the sheet's dimensions are damaged"))
            _check_extent(end_row, end_column)
    _check_extent(rows, columns)
