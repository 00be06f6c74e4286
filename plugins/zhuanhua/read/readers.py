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

import msgspec
from python_calamine import CalamineWorkbook

from zhuanhua.domain import normalise
from zhuanhua.domain.feeds import Feed
from zhuanhua.errors import FileRejected
from zhuanhua.read.xlsx import check_xlsx_size
from zhuanhua.settings import DEFAULT_LIMITS, Limits

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


def read_file(feed: Feed, file_name: str, data: bytes, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """The file's rows as received, within `limits` (each breach names the line and limit)."""
    if feed.format == "jsonl":
        return read_jsonl(feed, data, limits)
    if file_name.lower().endswith(".xlsx"):
        check_xlsx_size(data, limits)
        return _from_grid(feed, "xlsx", _xlsx_rows(data), limits)
    text, encoding = decode_csv(data, feed.required_headers)
    return _from_grid(feed, encoding, _csv_rows(text, limits), limits)


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


def _csv_rows(text: str, limits: Limits):
    csv.field_size_limit(limits.cell_chars)  # the parser's own bound (process-wide)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise FileRejected(
            f"line {reader.line_num}: {exc} (a cell may have at most {limits.cell_chars} "
            "characters: ZHUANHUA_MAX_CELL_CHARS)"
        ) from None


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


def _from_grid(feed: Feed, encoding: str, grid, limits: Limits) -> RawTable:
    grid = iter(grid)
    try:
        _, header_cells = next(grid)
    except StopIteration:
        raise FileRejected("the file is empty (no header row)") from None
    _check_width(1, header_cells, limits)
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
        _check_width(number, cells, limits)
        if all(c is None or str(c).strip() == "" for c in cells):
            continue  # a blank line is not a row
        values = [_at(cells, p) for p in positions]
        extras = {n: v for p, n in extra if (v := _at(cells, p)) is not None}
        table.rows.append((number, values, extras))
    return table


def _check_width(number: int, cells: list, limits: Limits) -> None:
    if len(cells) > limits.columns:
        raise FileRejected(
            f"line {number} has {len(cells)} cells, more than {limits.columns} "
            "(ZHUANHUA_MAX_COLUMNS)"
        )


def _at(cells: list, position: int) -> str | None:
    return cells[position] if position < len(cells) and cells[position] is not None else None


def read_jsonl(feed: Feed, data: bytes, limits: Limits = DEFAULT_LIMITS) -> RawTable:
    """One JSON object per line; a line that is not one (or is past a limit) is a bad row,
    not a bad file."""
    known = [c.header for c in feed.columns]
    known_set = set(known)
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
        problem = problem or _past_limits(raw_line, line, limits)
        if problem is None:
            try:
                record, fast = _parse_json(line)
                if not isinstance(record, dict):
                    problem = "the line is JSON but not an object"
                elif len(record) > limits.columns:
                    problem = (
                        f"the line has {len(record)} keys, more than {limits.columns} "
                        "(ZHUANHUA_MAX_COLUMNS)"
                    )
            except ValueError as exc:
                problem = f"the line is not valid JSON ({exc.msg} at column {exc.colno})"
        if problem is None:
            values = [_json_cell(record.get(key), fast) for key in known]
            if not known_set.issuperset(record):
                extras = {k: _json_cell(v, fast) for k, v in record.items() if k not in known_set}
                extra_keys.update(dict.fromkeys(extras))
        else:
            table.broken[len(table.rows)] = problem
        table.rows.append((number, values, extras))
        table.lines.append(line)
    table.extra_headers = list(extra_keys)
    return table


def _past_limits(raw_line: bytes, line: str, limits: Limits) -> str | None:
    """A line longer or nested deeper than the limits, found before the JSON parser
    allocates (a deep line would exhaust its recursion)."""
    if len(raw_line) > limits.line_bytes:
        return (
            f"the line is {len(raw_line)} bytes, longer than {limits.line_bytes} "
            "(ZHUANHUA_MAX_LINE_BYTES)"
        )
    if line.count("[") + line.count("{") <= limits.json_depth:
        return None  # cannot be nested deeper than it has brackets: no need to walk it
    if json_depth(line) > limits.json_depth:
        return f"the line nests deeper than {limits.json_depth} levels (ZHUANHUA_MAX_JSON_DEPTH)"
    return None


def json_depth(text: str) -> int:
    """The deepest nesting of brackets outside strings."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _decode_line(raw_line: bytes) -> tuple[str, str | None]:
    try:
        return raw_line.decode("utf-8").rstrip("\r"), None
    except UnicodeDecodeError:
        return raw_line.decode("utf-8", errors="replace").rstrip("\r"), "the line is not UTF-8"


class _HasFloat(Exception):
    """A line with a float in it: read and written by the standard library's JSON."""


def _refuse_float(text: str) -> float:
    raise _HasFloat(text)


def _parse_json(line: str) -> tuple[object, bool]:
    """The line's value, and whether msgspec read it. msgspec parses and writes in a fraction
    of the standard library's time (the patent feed's nested applicants and inventors are
    most of its reading); it reads what has no float in it. What it refuses or would write
    differently goes to the standard library's JSON, which decides: a float (msgspec writes
    1e16 where json writes 1e+16), NaN, a lone surrogate, a number out of float range, and
    every malformed line, whose message then names the column as json's does. On the lines
    msgspec reads, both give the same values and the same text (tests/read/test_readers.py)."""
    try:
        return _DECODE(line), True
    except (msgspec.DecodeError, _HasFloat):
        return json.loads(line), False


def _json_cell(value: object, fast: bool = False) -> str | None:
    """Strings as they are; nested values and numbers as compact JSON text."""
    if value is None or value.__class__ is str:
        return value
    return _ENCODE(value).decode() if fast else _COMPACT.encode(value)


# json.dumps with these settings builds an encoder per call: a quarter of the time per cell
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_DECODE = msgspec.json.Decoder(float_hook=_refuse_float).decode
_ENCODE = msgspec.json.Encoder().encode
