"""Load one file version exactly once: read, type, check, then COPY in one transaction.

The ledger's unique (feed, file name, sha256) makes a repeated delivery a no-op; a new
sha256 under a known name is a correction that supersedes the earlier version's checked
rows while its raw rows and ledger entry stay for tracing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import psycopg

from zhuanhua import checks, contracts
from zhuanhua.feeds import Feed
from zhuanhua.landing import LandedFile
from zhuanhua.readers import FileRejected, RawTable, read_file


@dataclass(frozen=True)
class BatchOutcome:
    file_name: str
    status: str  # loaded | rejected | skipped (this version was already received)
    rows_received: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_warned: int = 0
    error: str | None = None


def load_file(conn: psycopg.Connection, feed: Feed, landed: LandedFile,
              data: bytes) -> BatchOutcome:
    sha256 = hashlib.sha256(data).hexdigest()
    known = conn.execute(
        "select status from raw.batch_ledger where feed = %s and file_name = %s and sha256 = %s",
        (feed.name, landed.name, sha256),
    ).fetchone()
    if known:
        return BatchOutcome(landed.name, "skipped")
    started = datetime.now(UTC)
    base = {"feed": feed.name, "file_name": landed.name, "file_url": landed.url,
            "size_bytes": len(data), "sha256": sha256, "business_date": landed.business_date,
            "started_at": started}
    try:
        table = read_file(feed, landed.name, data)
    except FileRejected as exc:
        error = f"{landed.name}: rejected whole: {exc}"
        with conn.transaction():
            _insert_ledger(conn, {**base, "status": "rejected", "error": error})
        return BatchOutcome(landed.name, "rejected", error=error)
    checked = _check(feed, table, landed)
    with conn.transaction():
        batch_id = _insert_ledger(conn, {
            **base, "status": "loaded", "encoding": table.encoding,
            "extra_columns": table.extra_headers, **checked.counts()})
        _supersede_earlier(conn, feed, landed.name, batch_id)
        _copy_raw(conn, feed, batch_id, table)
        _copy_checked(conn, feed, batch_id, checked)
        _copy_quarantine(conn, feed, batch_id, table, checked)
    return BatchOutcome(landed.name, "loaded", **checked.counts())


@dataclass
class CheckedRows:
    typed: pd.DataFrame
    row_numbers: list[int]
    failures: dict[int, list[checks.Failure]]

    def rejected(self) -> set[int]:
        return {i for i, fs in self.failures.items() if any(f.severity == "reject" for f in fs)}

    def counts(self) -> dict[str, int]:
        rejected = self.rejected()
        warned = {i for i, fs in self.failures.items() if i not in rejected}
        return {"rows_received": len(self.row_numbers),
                "rows_loaded": len(self.row_numbers) - len(rejected),
                "rows_quarantined": len(rejected), "rows_warned": len(warned)}


def _check(feed: Feed, table: RawTable, landed: LandedFile) -> CheckedRows:
    raw = pd.DataFrame([values for _, values, _ in table.rows], columns=table.columns,
                       dtype=object)
    typed, failures = contracts.typed_frame(raw)
    typed["business_date"] = landed.business_date.isoformat()
    for position, found in checks.validate(feed.name, contracts.rules(landed.business_date),
                                           typed).items():
        unreadable = {f.column for f in failures.get(position, [])}
        failures.setdefault(position, []).extend(
            f for f in found if f.column not in unreadable  # one reason per bad value
        )
    return CheckedRows(typed, [number for number, _, _ in table.rows], failures)


def _insert_ledger(conn: psycopg.Connection, values: dict) -> int:
    names = ", ".join(values)
    marks = ", ".join(f"%({k})s" for k in values)
    row = conn.execute(
        f"insert into raw.batch_ledger ({names}) values ({marks}) returning batch_id", values
    ).fetchone()
    return row[0]


def _supersede_earlier(conn: psycopg.Connection, feed: Feed, file_name: str, batch_id: int) -> None:
    earlier = [r[0] for r in conn.execute(
        """update raw.batch_ledger set status = 'superseded', superseded_by = %s
           where feed = %s and file_name = %s and batch_id <> %s and status <> 'superseded'
           returning batch_id""",
        (batch_id, feed.name, file_name, batch_id),
    )]
    if earlier:
        conn.execute(f"delete from checked.{feed.name} where batch_id = any(%s)", (earlier,))
        conn.execute(
            """update quarantine.held_row set status = 'superseded', last_seen = now()
               where batch_id = any(%s) and status = 'held'""",
            (earlier,),
        )


def _copy_raw(conn: psycopg.Connection, feed: Feed, batch_id: int, table: RawTable) -> None:
    columns = ", ".join(["batch_id", "row_no", *table.columns, "extra"])
    with conn.cursor().copy(f"copy raw.{feed.name} ({columns}) from stdin") as copy:
        for number, values, extras in table.rows:
            copy.write_row([batch_id, number, *values,
                            json.dumps(extras, ensure_ascii=False) if extras else None])


def _copy_checked(conn: psycopg.Connection, feed: Feed, batch_id: int, rows: CheckedRows) -> None:
    names = ["business_date", *(c.name for c in feed.columns)]
    rejected = rows.rejected()
    frame = rows.typed[names]
    columns = ", ".join(["batch_id", "row_no", *names])
    with conn.cursor().copy(f"copy checked.{feed.name} ({columns}) from stdin") as copy:
        for position, values in enumerate(frame.itertuples(index=False, name=None)):
            if position not in rejected:
                copy.write_row([batch_id, rows.row_numbers[position], *values])


def _copy_quarantine(conn: psycopg.Connection, feed: Feed, batch_id: int, table: RawTable,
                     rows: CheckedRows) -> None:
    headers = {c.name: c.header for c in feed.columns}
    key_positions = [table.columns.index(k) for k in feed.key if k in table.columns]
    held = "feed, batch_id, row_no, natural_key, record, failures"
    with conn.cursor().copy(f"copy quarantine.held_row ({held}) from stdin") as copy:
        for position in sorted(rows.rejected()):
            number, values, extras = table.rows[position]
            record = {headers[n]: v for n, v in zip(table.columns, values, strict=True)} | extras
            copy.write_row([
                feed.name, batch_id, number,
                "|".join(str(values[p] or "") for p in key_positions),
                json.dumps(record, ensure_ascii=False),
                json.dumps([f.as_dict() for f in rows.failures[position]], ensure_ascii=False),
            ])
    warn = "batch_id, row_no, rule, \"column\", message"
    with conn.cursor().copy(f"copy quarantine.warning ({warn}) from stdin") as copy:
        for position, failures in rows.failures.items():
            if position in rows.rejected():
                continue
            for f in failures:
                copy.write_row([batch_id, rows.row_numbers[position], f.rule, f.column, f.message])
