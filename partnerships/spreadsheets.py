"""Spreadsheet files as agencies have them: reading an uploaded CSV or Excel
workbook into rows of cells, and writing the workbooks the admin hands out
(import templates, exports that import back).

Reading takes what Excel and LibreOffice write: XLSX; CSV separated by commas,
semicolons (French Excel) or tabs, in UTF-8 with or without a byte order mark,
in UTF-16 ("Unicode text"), or in Windows-1252 (older Excel), which is detected
and said. Cells are trimmed; an empty cell is ``None``; a CSV cell that an
export neutralised (``'=1+1``) gets its apostrophe back off. Anything else is
refused with a sentence saying what to do instead.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from partnerships.exports import FORMULA_PREFIXES, neutralise, xlsx_text_cell

MAX_ROWS = 20_000


class UnreadableFile(Exception):
    """The upload is not a spreadsheet this import can read; ``message`` says
    what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """The first sheet of a file: its header cells and its rows of cells, each
    row with its number as the spreadsheet shows it (the header is row 1)."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    file_kind: str  # "xlsx" or "csv"
    encoding: str = ""
    delimiter: str = ""
    notes: list[str] = field(default_factory=list)


def read_upload(name: str, data: bytes) -> Sheet:
    """Read an uploaded file (its name and its bytes) into a :class:`Sheet`."""
    if not data.strip():
        raise UnreadableFile(_("The file is empty."))
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise UnreadableFile(
            _(
                "This is an old Excel file (.xls). Save it as an Excel workbook (.xlsx) "
                "or as CSV, then import that file."
            )
        )
    return _read_csv(data)


def _read_xlsx(data: bytes) -> Sheet:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "mimetype" in archive.namelist():
                raise UnreadableFile(
                    _(
                        "This is an OpenDocument spreadsheet (.ods). Save it as an Excel "
                        "workbook (.xlsx) or as CSV, then import that file."
                    )
                )
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(
            _(
                "This file could not be read as an Excel workbook. Save it again as "
                "an Excel workbook (.xlsx) or as CSV."
            )
        ) from None
    sheet = book.worksheets[0]
    lines = [[_xlsx_value(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return _sheet(lines, file_kind="xlsx")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date() if value.time() == datetime.time() else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, str):
        return _trimmed(value)
    return value


def _trimmed(text: str) -> str | None:
    text = text.replace("\u00a0", " ").replace("\ufeff", "").strip()
    return text or None


# Windows-1252 leaves these bytes undefined: a file with them is not in it.
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "UTF-8"
        except UnicodeDecodeError:
            if not _CP1252_UNDEFINED & set(data):
                return data.decode("cp1252"), "Windows-1252"
    raise UnreadableFile(
        _(
            "The file's characters could not be read: it is neither UTF-8 nor "
            "Windows-1252. Save it as “CSV UTF-8” (in Excel: Save as, CSV UTF-8; in "
            "LibreOffice: Save as, Text CSV, character set Unicode UTF-8)."
        )
    )


def _delimiter(text: str) -> str:
    """The separator of the header line: the most frequent of comma,
    semicolon and tab outside quotes."""
    first = text.splitlines()[0] if text else ""
    outside, quoted = [], False
    for char in first:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(char)
    counts = {sep: outside.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Sheet:
    text, encoding = _decode(data)
    if "\x00" in text:
        raise UnreadableFile(
            _("This file is not a spreadsheet. Import an Excel workbook (.xlsx) or a CSV file.")
        )
    delimiter = _delimiter(text)
    try:
        lines = [
            [_csv_value(cell) for cell in row]
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        ]
    except csv.Error as error:
        raise UnreadableFile(
            _("The CSV file could not be read (%(error)s).") % {"error": error}
        ) from None
    sheet = _sheet(lines, file_kind="csv", encoding=encoding, delimiter=delimiter)
    if encoding == "Windows-1252":
        sheet.notes.append(
            _(
                "The file was read as Windows-1252 (older Excel). If accents look wrong "
                "below, save it as “CSV UTF-8” and import it again."
            )
        )
    return sheet


def _csv_value(cell: str) -> str | None:
    value = _trimmed(cell)
    # An export wrote formula-like text with an apostrophe: take it off again.
    if value and value[0] == "'" and value[1:2] in FORMULA_PREFIXES:
        return value[1:]
    return value


def _sheet(lines: list[list[Any]], **kwargs) -> Sheet:
    numbered = [(number, line) for number, line in enumerate(lines, start=1) if _filled(line)]
    if not numbered:
        raise UnreadableFile(_("The file is empty."))
    header_number, header = numbered[0]
    headers = [str(cell).strip() if cell is not None else "" for cell in header]
    while headers and not headers[-1]:
        headers.pop()
    rows = numbered[1:]
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(
            _("The file has %(count)s rows; import at most %(max)s at a time.")
            % {"count": len(rows), "max": MAX_ROWS}
        )
    if header_number != 1:
        rows = [(number - header_number + 1, line) for number, line in rows]
    return Sheet(headers=headers, rows=rows, **kwargs)


def _filled(line: Sequence[Any]) -> bool:
    return any(cell not in (None, "") for cell in line)


# Writing -----------------------------------------------------------------------------


@dataclass
class Tab:
    """One sheet of a workbook to write: a title, a header and rows."""

    title: str
    header: list[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def write_workbook(tabs: Sequence[Tab]) -> bytes:
    """An XLSX workbook of ``tabs``. Text is written as text cells, so what
    starts like a formula is shown as typed and never run (no apostrophe)."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for tab in tabs:
        sheet = book.create_sheet(title=tab.title[:31])
        for index, width in enumerate(tab.widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for title in tab.header:
            cell = xlsx_text_cell(sheet, str(title))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in tab.rows:
            sheet.append([_xlsx_out(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_out(sheet, value: Any) -> Any:
    if isinstance(value, str):
        return xlsx_text_cell(sheet, value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A CSV file in UTF-8 with a byte order mark (so Excel reads accents),
    formula-like text neutralised with an apostrophe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(str(title)) for title in header])
    for row in rows:
        writer.writerow([neutralise(_csv_out(value)) for value in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _csv_out(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value
