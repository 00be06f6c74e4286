"""Versions of one region and period in the output folder, and the change list between them.

A version exists when its manifest does (the manifest is written last). Nothing already
written is ever changed: a new version goes beside the earlier ones.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from zhuanhua.errors import ExportRefused
from zhuanhua.export.files import RECORD_HEADERS, read_csv
from zhuanhua.export.tables import BASE, Table

CHANGE_HEADERS = ["表", "行", "列", "原值", "新值", "来源记录", "记录变化", "说明"]


@dataclass(frozen=True)
class Version:
    out: Path
    prefix: str  # 510500_202406
    number: int

    @property
    def stem(self) -> str:
        return f"{self.prefix}_v{self.number}"

    @property
    def manifest_path(self) -> Path:
        return self.out / f"{self.stem}.json"

    def manifest(self) -> dict:
        return json.loads(self.manifest_path.read_text("utf-8"))

    def file(self, relative: str) -> bytes:
        return (self.out / relative).read_bytes()


def latest(out: Path, prefix: str) -> Version | None:
    numbers = [
        int(m.group(1))
        for path in out.glob(f"{prefix}_v*.json")
        if (m := re.fullmatch(rf"{re.escape(prefix)}_v(\d+)\.json", path.name))
    ]
    return Version(out, prefix, max(numbers)) if numbers else None


def cells(tables: dict[str, bytes]) -> dict[tuple[str, str, str], str]:
    """(table, row, column) → the value as written, from each table's CSV."""
    found = {}
    for name, data in tables.items():
        header, *rows = read_csv(data)
        for row in rows:
            found.update(
                {
                    (name, row[0], column): value
                    for column, value in zip(header[1:], row[1:], strict=True)
                }
            )
    return found


def records(data: bytes) -> dict[tuple, tuple[str, str]]:
    """(table, row, column, record, scope) → (value, note), from a version's record list."""
    header, *rows = read_csv(data)
    if tuple(header) != RECORD_HEADERS:
        raise ExportRefused(f"not a record list of an export (header {header})")
    return {(t, r, c, record, scope): (value, note) for t, r, c, record, value, scope, note in rows}


def change_list(
    old_tables: dict[str, bytes],
    new_tables: dict[str, bytes],
    old_records: bytes,
    new_records: bytes,
    tables: dict[str, Table],
) -> list[list[str]]:
    """Each moved cell with the records whose part in it changed (new, gone, other value)."""
    before, after = cells(old_tables), cells(new_tables)
    then, now = records(old_records), records(new_records)
    changes = []
    for key in sorted(set(before) | set(after), key=lambda k: _position(tables, k)):
        if before.get(key) == after.get(key):
            continue
        table, row, column = key
        causes = _causes(then, now, table, row, _source_column(tables[table], column))
        for record, what, note in causes or [("", "", "")]:
            changes.append(
                [table, row, column, before.get(key, ""), after.get(key, ""), record, what, note]
            )
    return changes


def _position(tables: dict[str, Table], key: tuple[str, str, str]) -> tuple:
    """Tables, rows and columns in the order the feed prints them."""
    spec = tables[key[0]].spec
    headers = [c.header for c in spec.columns]
    return (
        spec.number,
        spec.rows.index(key[1]) if key[1] in spec.rows else len(spec.rows),
        headers.index(key[2]) if key[2] in headers else len(headers),
    )


def _source_column(table: Table, header: str) -> str:
    column = next(c for c in table.spec.columns if c.header == header)
    return column.of or column.header


def _causes(then: dict, now: dict, table: str, row: str, column: str) -> list[tuple]:
    keys = {k for k in (*then, *now) if k[:3] == (table, row, column)}
    causes = []
    for key in sorted(keys):
        old, new = then.get(key), now.get(key)
        if old is not None and new is not None and old[0] == new[0]:
            continue
        what = "新增" if old is None else "移除" if new is None else f"{old[0]} → {new[0]}"
        if key[4] == BASE:
            what = f"上年同期：{what}"
        causes.append((key[3], what, (new or old)[1]))
    return causes
