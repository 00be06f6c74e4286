"""Writers for the delivery formats: CSV (GB18030 or UTF-8, with or without BOM), XLSX, JSONL.

Every writer is byte-reproducible: the same rows give the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal

CSV_FLAVOURS = ("gb18030", "utf-8-sig", "utf-8")


def table_bytes(headers: list[str], rows: list[dict], variant: int) -> tuple[str, bytes]:
    """Rotate through XLSX and the CSV flavours so every delivery form is exercised."""
    if variant % 4 == 0:
        return "xlsx", _xlsx(headers, rows)
    flavour = CSV_FLAVOURS[variant % 4 - 1]
    return "csv", _csv(headers, rows, flavour, date_style=variant % 3)


def jsonl_bytes(records: list[dict | str]) -> bytes:
    """One object per line; a str is written as is (a deliberately broken line)."""
    lines = (
        r if isinstance(r, str) else json.dumps(r, ensure_ascii=False, default=str) for r in records
    )
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _csv(headers: list[str], rows: list[dict], encoding: str, date_style: int) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(h if i % 5 else f" {h} " for i, h in enumerate(headers))
    for row in rows:
        writer.writerow(_csv_cell(row.get(h), date_style) for h in headers)
    return out.getvalue().encode(encoding)


_DATE_STYLES = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日")
_NULL_STYLES = ("", "\\N", "NULL")


def _csv_cell(value: object, date_style: int) -> str:
    if value is None:
        return _NULL_STYLES[date_style]
    if isinstance(value, date):
        return value.strftime(_DATE_STYLES[date_style])
    if isinstance(value, Decimal) and value >= 1000:
        return f"{value:,.2f}"
    return str(value)


def _xlsx(headers: list[str], rows: list[dict]) -> bytes:
    from openpyxl import Workbook  # lazy: every CLI start would pay for it; XLSX files only

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append([_xlsx_cell(row.get(h)) for h in headers])
    out = io.BytesIO()
    book.save(out)
    return _reproducible(out.getvalue())


def _xlsx_cell(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)  # an Excel date cell
    if isinstance(value, Decimal):
        return str(value)  # amounts as text cells keep every digit exact
    return value


def _reproducible(data: bytes) -> bytes:
    """openpyxl stamps the zip entries and docProps with the wall clock; pin both, so that the
    same seed gives the same bytes (a changed byte would be a correction to the loader)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                    rb"\g<1>2024-01-01T00:00:00Z",
                    content,
                )
            stable = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, content)
    return out.getvalue()
