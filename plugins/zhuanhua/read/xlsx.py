"""What the first sheet of an XLSX workbook would cost to read, measured in its XML before
the reader allocates anything.

calamine builds the sheet as one grid from its first to its last cell: a 1.5 KB file with
cells in A1 and XFD1048576 asks for 17 billion cells and aborts the process (SIGABRT, which
no `except` can catch). So the used range (the declared `<dimension>`, and every cell and row
reference, streamed) and the sheet XML's unpacked size are checked first.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile

from zhuanhua.errors import FileRejected
from zhuanhua.settings import Limits

_REFERENCE = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\sr="([A-Z]{0,3})(\d+)"')
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\b[^>]*?\sref="([A-Z]{1,3})?(\d+)?(?::([A-Z]{1,3})(\d+))?"'
)
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\sr:id="([^"]+)"')
_TARGET = re.compile(rb'<Relationship\b[^>]*?\sId="([^"]+)"[^>]*?\sTarget="([^"]+)"')
_TARGET_FIRST = re.compile(rb'<Relationship\b[^>]*?\sTarget="([^"]+)"[^>]*?\sId="([^"]+)"')
OVERLAP = 64  # bytes kept between streamed pieces, so no reference is cut in two


def check_xlsx_size(data: bytes, limits: Limits) -> None:
    """Reject a workbook whose first sheet is larger than the limits allow."""
    try:
        book = zipfile.ZipFile(io.BytesIO(data))
        sheet = first_sheet(book)
        info = book.getinfo(sheet)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise FileRejected(f"not a readable XLSX workbook ({exc})") from None
    if info.file_size > limits.file_bytes:
        raise FileRejected(
            f"the first sheet unpacks to {info.file_size} bytes, more than {limits.file_bytes} "
            "(ZHUANHUA_MAX_FILE_BYTES)"
        )
    rows, columns = used_range(book, sheet)
    if rows * columns > limits.xlsx_cells:
        raise FileRejected(
            f"the first sheet spans {rows} rows × {columns} columns, more than "
            f"{limits.xlsx_cells} cells (ZHUANHUA_MAX_XLSX_CELLS)"
        )
    if columns > limits.columns:
        raise FileRejected(
            f"the first sheet spans {columns} columns, more than {limits.columns} "
            "(ZHUANHUA_MAX_COLUMNS)"
        )


def first_sheet(book: zipfile.ZipFile) -> str:
    """The path of the workbook's first sheet, through workbook.xml and its relationships."""
    workbook = book.read("xl/workbook.xml")
    rels = book.read("xl/_rels/workbook.xml.rels")
    first = _SHEET.search(workbook)
    if not first:
        raise ValueError("the workbook lists no sheet")
    targets = {m[1]: m[2] for m in _TARGET.finditer(rels)}
    targets |= {m[2]: m[1] for m in _TARGET_FIRST.finditer(rels)}
    target = targets[first[1]].decode()
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")


def used_range(book: zipfile.ZipFile, sheet: str) -> tuple[int, int]:
    """The rows and columns from A1 to the furthest reference the sheet XML holds."""
    rows = columns = 0
    tail = b""
    with book.open(sheet) as stream:
        while piece := stream.read(1024**2):
            text = tail + piece
            for match in _DIMENSION.finditer(text):
                for letters, digits in ((match[1], match[2]), (match[3], match[4])):
                    rows, columns = _furthest(rows, columns, letters, digits)
            for match in _REFERENCE.finditer(text):
                rows, columns = _furthest(rows, columns, match[1], match[2])
            tail = text[-OVERLAP:]
    return rows, columns


def _furthest(rows: int, columns: int, letters: bytes | None, digits: bytes | None):
    if digits:
        rows = max(rows, int(digits))
    if letters:
        columns = max(columns, column_number(letters.decode()))
    return rows, columns


def column_number(letters: str) -> int:
    """A1-style column letters as a number: A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number
