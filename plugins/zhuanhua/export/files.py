"""The feed's files: CSV (UTF-8 with BOM), one XLSX workbook, the record list, the manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhuanhua.export.tables import Contribution, Table

NUMBER_FORMATS = {"count": "0", "distinct": "0", "amount": "#,##0.00", "growth": "0.0"}
RECORD_HEADERS = ("表", "行", "列", "来源记录", "值", "范围", "说明")


def text(value: Decimal | str | None) -> str:
    """A cell as the CSV writes it: whole counts, amounts with 2 decimals, empty for none."""
    return "" if value is None else str(value)


def _plain(value: Decimal | str) -> str:
    """An exact value without the database's trailing zeros: 10.005000 → 10.005."""
    return value if isinstance(value, str) else f"{value.normalize():f}"


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with BOM and CRLF, so Excel opens it correctly; the same rows give the same bytes."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([text(cell) for cell in row] for row in rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def read_csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def table_csv(table: Table) -> bytes:
    spec = table.spec
    return csv_bytes([spec.label_header, *(c.header for c in spec.columns)], table.rows())


def records_csv(contributions: list[Contribution]) -> bytes:
    """Every record's part in every cell: what the next version's change list compares."""
    rows = sorted(
        [c.table, c.row, c.column, c.record, _plain(c.value), c.scope, c.note]
        for c in contributions
    )
    return csv_bytes(list(RECORD_HEADERS), rows)


def workbook_bytes(tables: list[Table], subtitle: str, generated_at: datetime) -> bytes:
    """One sheet per table: a title row, the Chinese header row, then the rows in order."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.spec.sheet)
        spec = table.spec
        sheet.append([f"{spec.sheet}（{subtitle}）"])
        sheet.append([spec.label_header, *(c.header for c in spec.columns)])
        for row in table.rows():
            sheet.append([row[0], *(None if v is None else v for v in row[1:])])
        for offset, column in enumerate(spec.columns, start=2):
            for (cell,) in sheet.iter_rows(min_row=3, min_col=offset, max_col=offset):
                cell.number_format = NUMBER_FORMATS[column.kind]
            sheet.column_dimensions[get_column_letter(offset)].width = 18
        sheet.column_dimensions["A"].width = 24
        sheet["A1"].font = Font(bold=True)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        sheet.freeze_panes = "B3"
    book.properties.creator = "zhuanhua"
    book.properties.created = book.properties.modified = generated_at.replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n").encode()


def write_all(folder: Path, files: dict[str, bytes]) -> None:
    """Write each file (path relative to `folder`), creating sub-folders."""
    for relative, data in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
