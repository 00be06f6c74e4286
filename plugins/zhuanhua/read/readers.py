"""Read a delivered file into rows of text exactly as received.

A file that cannot be read at all raises `FileRejected`; the caller records it in the
ledger and the night goes on. Values are kept as received here; `normalise` and the
checks decide what they mean.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from python_calamine import CalamineWorkbook

from zhuanhua.domain import normalise
from zhuanhua.domain.feeds import Feed
from zhuanhua.errors import FileRejected

UTF8_BOM = b"\xef\xbb\xbf"


@dataclass
class RawTable:
    """A file's rows as received: text cells keyed by warehouse column name."""

    encoding: str
    columns: list[str]  # warehouse column names present in the file, in file order
    extra_headers: list[str]  # headers we do not know: kept, and reported
    rows: list[tuple[int, list[str | None], dict[str, str]]] = field(default_factory=list)
    # (row or line number in the file, values for `columns`, extra values by header)
    lines: list[str] | None = None  # JSON Lines: each row's line as received
    broken: dict[int, str] = field(default_factory=dict)  # row position -> why unreadable


def read_file(feed: Feed, file_name: str, data: bytes) -> RawTable:
    if feed.format == "jsonl":
        return read_jsonl(feed, data)
    if file_name.lower().endswith(".xlsx"):
        return _from_grid(feed, "xlsx", _xlsx_rows(data))
    text, encoding = decode_csv(data, feed.required_headers)
    return _from_grid(feed, encoding, _csv_rows(text))


def decode_csv(data: bytes, expected_headers: list[str]) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or GB18030, decided, never guessed."""
    if data.startswith(UTF8_BOM):
        try:
            return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise FileRejected(f"starts with a UTF-8 BOM but is not valid UTF-8 ({exc})") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileRejected(
            "encoding could not be decided: neither valid UTF-8 nor valid GB18030"
        ) from exc
    first_line = normalise.header(text.split("\n", 1)[0])
    if not any(h in first_line for h in expected_headers):
        raise FileRejected(
            "encoding could not be decided: not UTF-8, and read as GB18030 "
            "its header names none of the expected columns"
        )
    return text, "gb18030"


def _csv_rows(text: str):
    reader = csv.reader(io.StringIO(text, newline=""))
    yield from enumerate(reader, start=1)


def _xlsx_rows(data: bytes):
    """The first worksheet, through calamine (a Rust reader, about 12× openpyxl's speed)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several kinds for a broken workbook
        raise FileRejected(f"not a readable XLSX workbook ({type(exc).__name__}: {exc})") from exc
    for number, cells in enumerate(grid, start=1):
        yield number, [_cell_text(c) for c in cells]


def _cell_text(value: object) -> str | None:
    """A cell as text; date cells become ISO dates, whole numbers lose Excel's `.0`."""
    if value is None or value == "":
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _from_grid(feed: Feed, encoding: str, grid) -> RawTable:
    grid = iter(grid)
    try:
        _, header_cells = next(grid)
    except StopIteration:
        raise FileRejected("the file is empty (no header row)") from None
    by_header = {c.header: c.name for c in feed.columns}
    positions, columns, extra = [], [], []
    for position, cell in enumerate(header_cells):
        name = normalise.header(cell or "")
        if not name:
            continue
        if name in by_header:
            if by_header[name] in columns:
                raise FileRejected(f"column {name} appears twice in the header")
            columns.append(by_header[name])
            positions.append(position)
        else:
            extra.append((position, name))
    missing = [h for h in feed.required_headers if by_header[h] not in columns]
    if missing:
        raise FileRejected("missing required column(s): " + ", ".join(missing))
    table = RawTable(encoding=encoding, columns=columns, extra_headers=[n for _, n in extra])
    for number, cells in grid:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue  # a blank line is not a row
        values = [_at(cells, p) for p in positions]
        extras = {n: v for p, n in extra if (v := _at(cells, p)) is not None}
        table.rows.append((number, values, extras))
    return table


def _at(cells: list, position: int) -> str | None:
    return cells[position] if position < len(cells) and cells[position] is not None else None


def read_jsonl(feed: Feed, data: bytes) -> RawTable:
    """One JSON object per line; a line that is not one is a bad row, not a bad file."""
    known = [c.header for c in feed.columns]
    table = RawTable(
        encoding="utf-8", columns=[c.name for c in feed.columns], extra_headers=[], lines=[]
    )
    extra_keys: dict[str, None] = {}
    data = data.removeprefix(UTF8_BOM)
    for number, raw_line in enumerate(data.split(b"\n"), start=1):
        if not raw_line.strip():
            continue
        line, problem = _decode_line(raw_line)
        values, extras = [None] * len(known), {}
        if problem is None:
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    problem = "the line is JSON but not an object"
            except ValueError as exc:
                problem = f"the line is not valid JSON ({exc.msg} at column {exc.colno})"
        if problem is None:
            values = [_json_cell(record.get(key)) for key in known]
            extras = {k: _json_cell(v) for k, v in record.items() if k not in known}
            extra_keys.update(dict.fromkeys(extras))
        else:
            table.broken[len(table.rows)] = problem
        table.rows.append((number, values, extras))
        table.lines.append(line)
    table.extra_headers = list(extra_keys)
    return table


def _decode_line(raw_line: bytes) -> tuple[str, str | None]:
    try:
        return raw_line.decode("utf-8").rstrip("\r"), None
    except UnicodeDecodeError:
        return raw_line.decode("utf-8", errors="replace").rstrip("\r"), "the line is not UTF-8"


def _json_cell(value: object) -> str | None:
    """Strings as they are; nested values and numbers as compact JSON text."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
