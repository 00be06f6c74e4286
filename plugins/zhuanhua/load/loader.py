"""Load file versions exactly once: read and type each, check them together, commit each alone.

The ledger's unique (feed, file name, sha256) makes a repeated delivery a no-op; a new
sha256 under a known name is a correction that supersedes the earlier version's checked
rows, while its raw rows and ledger entry stay for tracing. Checking is vectorised across
the files of a load (one GX validation per chunk of rows); each file version is then
committed in its own transaction, so a crash never leaves half a file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import psycopg

from zhuanhua.check.rows import check_rows, with_file_columns
from zhuanhua.check.suite import Failure
from zhuanhua.check.typed import typed_frame
from zhuanhua.domain.feeds import Feed
from zhuanhua.errors import FileRejected
from zhuanhua.load.quarantine import release_resolved
from zhuanhua.load.schema import checked_columns
from zhuanhua.read.landing import LandedFile
from zhuanhua.read.readers import RawTable, read_file
from zhuanhua.settings import Settings

CHECK_CHUNK_ROWS = 200_000  # rows validated together; bounds memory at national scale
HOLD_MIN_ROWS = 10  # below this a file's bad share says little about the export
RECENT_VERSIONS = 20  # the files a row count is compared with
COUNT_FACTOR = 5  # a file with 5× more or 5× fewer rows than recent ones is flagged


@dataclass(frozen=True)
class BatchOutcome:
    file_name: str
    status: str  # loaded | rejected | held (too many bad rows) | skipped (already received)
    rows_received: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_warned: int = 0
    error: str | None = None


@dataclass
class FileVersion:
    """One delivered file on its way in: read, typed, and (after checking) its failures."""

    feed: Feed
    landed: LandedFile
    size: int
    sha256: str
    started_at: datetime
    table: RawTable | None = None
    error: str | None = None
    typed: pd.DataFrame | None = None
    failures: dict[int, list[Failure]] = field(default_factory=dict)

    @property
    def row_numbers(self) -> list[int]:
        return [number for number, _, _ in self.table.rows]

    def rejected(self) -> set[int]:
        return {i for i, fs in self.failures.items() if any(f.severity == "reject" for f in fs)}

    def counts(self) -> dict[str, int]:
        rejected = self.rejected()
        received = len(self.table.rows)
        return {
            "rows_received": received,
            "rows_loaded": received - len(rejected),
            "rows_quarantined": len(rejected),
            "rows_warned": sum(1 for i in self.failures if i not in rejected),
        }


def load_file(
    conn: psycopg.Connection, feed: Feed, landed: LandedFile, data: bytes, settings: Settings
) -> BatchOutcome:
    return load_files(conn, feed, [(landed, data)], settings)[0]


def load_files(
    conn: psycopg.Connection,
    feed: Feed,
    files: Iterable[tuple[LandedFile, bytes]],
    settings: Settings,
) -> list[BatchOutcome]:
    """Load in the order given; versions already in the ledger are skipped.

    A file with more than `settings.hold_share` of its rows failing is held whole: that is
    a broken export upstream, not bad rows. Afterwards, rows held for a reference this load brought
    are released.
    """
    outcomes: dict[str, BatchOutcome] = {}
    fresh: list[FileVersion] = []
    order: list[str] = []
    for landed, data in files:
        order.append(landed.name)
        version = _read(conn, feed, landed, data)
        if version is None:
            outcomes[landed.name] = BatchOutcome(landed.name, "skipped")
        else:
            fresh.append(version)
    for chunk in _chunks([v for v in fresh if v.table is not None]):
        _check(conn, feed, chunk, settings)
    for version in fresh:
        outcomes[version.landed.name] = _commit(conn, version, settings.hold_share)
    release_resolved(conn, feed.name, settings)
    if fresh:  # fresh statistics, so the warehouse build plans its joins on real sizes
        conn.execute(f"analyze checked.{feed.name}")
    return [outcomes[name] for name in order]


def _read(
    conn: psycopg.Connection, feed: Feed, landed: LandedFile, data: bytes
) -> FileVersion | None:
    sha256 = hashlib.sha256(data).hexdigest()
    known = conn.execute(
        "select 1 from raw.batch_ledger where feed = %s and file_name = %s and sha256 = %s",
        (feed.name, landed.name, sha256),
    ).fetchone()
    if known:
        return None
    version = FileVersion(feed, landed, len(data), sha256, datetime.now(UTC))
    try:
        version.table = read_file(feed, landed.name, data)
    except FileRejected as exc:
        version.error = f"{landed.name}: rejected whole: {exc}"
    return version


def _chunks(versions: list[FileVersion]) -> Iterator[list[FileVersion]]:
    chunk, rows = [], 0
    for version in versions:
        if chunk and rows + len(version.table.rows) > CHECK_CHUNK_ROWS:
            yield chunk
            chunk, rows = [], 0
        chunk.append(version)
        rows += len(version.table.rows)
    if chunk:
        yield chunk


def _check(
    conn: psycopg.Connection, feed: Feed, chunk: list[FileVersion], settings: Settings
) -> None:
    """Type and validate the chunk's rows as one frame; results go back to each file."""
    typed, failures = typed_frame(feed, _raw_frame(feed, chunk))
    offset = 0
    for version in chunk:
        for position, problem in version.table.broken.items():
            failures[offset + position] = [Failure(f"{feed.name}.line_readable", "line", problem)]
        offset += len(version.table.rows)
    check_rows(conn, feed, typed, failures, settings)
    offset = 0
    for version in chunk:
        size = len(version.table.rows)
        version.typed = typed.iloc[offset : offset + size].reset_index(drop=True)
        version.failures = {
            p - offset: fs for p, fs in failures.items() if offset <= p < offset + size
        }
        offset += size


def _raw_frame(feed: Feed, chunk: list[FileVersion]) -> pd.DataFrame:
    """All rows of the chunk in the feed's column order, with each file's date and name fields."""
    names = [c.name for c in feed.columns]
    records, files, dates = [], [], []
    for version in chunk:
        table = version.table
        index = [table.columns.index(n) if n in table.columns else None for n in names]
        records += [
            [values[i] if i is not None else None for i in index] for _, values, _ in table.rows
        ]
        files += [version.landed.name] * len(table.rows)
        dates += [version.landed.business_date] * len(table.rows)
    return with_file_columns(pd.DataFrame(records, columns=names, dtype=object), feed, files, dates)


def _commit(conn: psycopg.Connection, version: FileVersion, hold_share: float) -> BatchOutcome:
    feed, landed = version.feed, version.landed
    base = {
        "feed": feed.name,
        "file_name": landed.name,
        "file_url": landed.url,
        "size_bytes": version.size,
        "sha256": version.sha256,
        "business_date": landed.business_date,
        "started_at": version.started_at,
    }
    if version.table is None:
        with conn.transaction():
            _insert_ledger(conn, {**base, "status": "rejected", "error": version.error})
        return BatchOutcome(landed.name, "rejected", error=version.error)
    counts = version.counts()
    base["batch_warnings"] = _row_count_warning(conn, version)
    received, bad = counts["rows_received"], counts["rows_quarantined"]
    if received >= HOLD_MIN_ROWS and bad > hold_share * received:
        return _hold(conn, version, base, counts)
    with conn.transaction():
        batch_id = _insert_ledger(
            conn,
            {
                **base,
                "status": "loaded",
                "encoding": version.table.encoding,
                "extra_columns": version.table.extra_headers,
                **counts,
            },
        )
        _supersede_earlier(conn, feed, landed.name, batch_id)
        _copy_raw(conn, feed, batch_id, version.table)
        _copy_checked(conn, batch_id, version)
        _copy_quarantine(conn, batch_id, version)
    return BatchOutcome(landed.name, "loaded", **counts)


def _row_count_warning(conn: psycopg.Connection, version: FileVersion) -> list[str]:
    """A batch rule: a row count far from the recent files of the same feed (and bank)."""
    feed, name = version.feed, version.landed.name
    same_sender = feed.fields_from_name(name)
    recent = [
        n
        for (n, file_name) in conn.execute(
            """select rows_received, file_name from raw.batch_ledger
           where feed = %s and status = 'loaded' and business_date < %s
           order by business_date desc limit %s""",
            (feed.name, version.landed.business_date, RECENT_VERSIONS * 4),
        )
        if feed.fields_from_name(file_name) == same_sender
    ][:RECENT_VERSIONS]
    if len(recent) < 5:
        return []
    average = sum(recent) / len(recent)
    count = len(version.table.rows)
    if average >= HOLD_MIN_ROWS and not average / COUNT_FACTOR <= count <= average * COUNT_FACTOR:
        return [
            f"{name}: {count} rows against {average:.0f} on average in the last "
            f"{len(recent)} files: check the export is complete (warning)"
        ]
    return []


def _hold(
    conn: psycopg.Connection, version: FileVersion, base: dict, counts: dict[str, int]
) -> BatchOutcome:
    """Keep the rows as received, load none, and say why: the run then fails loudly."""
    rules: dict[str, int] = {}
    for position in version.rejected():
        for failure in version.failures[position]:
            rules[failure.rule] = rules.get(failure.rule, 0) + 1
    top = ", ".join(f"{rule} ({n})" for rule, n in sorted(rules.items(), key=lambda x: -x[1])[:3])
    error = (
        f"{version.landed.name}: held whole: {counts['rows_quarantined']} of "
        f"{counts['rows_received']} rows fail the checks, more than the allowed share; "
        f"most often {top}. Ask the sender for a corrected file."
    )
    with conn.transaction():
        batch_id = _insert_ledger(
            conn,
            {
                **base,
                "status": "held",
                "encoding": version.table.encoding,
                "error": error,
                "extra_columns": version.table.extra_headers,
                "rows_received": counts["rows_received"],
                "rows_held": counts["rows_received"],
            },
        )
        _copy_raw(conn, version.feed, batch_id, version.table)
    return BatchOutcome(
        version.landed.name, "held", rows_received=counts["rows_received"], error=error
    )


def _insert_ledger(conn: psycopg.Connection, values: dict) -> int:
    names = ", ".join(values)
    marks = ", ".join(f"%({k})s" for k in values)
    row = conn.execute(
        f"insert into raw.batch_ledger ({names}) values ({marks}) returning batch_id", values
    ).fetchone()
    return row[0]


def _supersede_earlier(conn: psycopg.Connection, feed: Feed, file_name: str, batch_id: int) -> None:
    earlier = [
        r[0]
        for r in conn.execute(
            """update raw.batch_ledger set status = 'superseded', superseded_by = %s
           where feed = %s and file_name = %s and batch_id <> %s and status <> 'superseded'
           returning batch_id""",
            (batch_id, feed.name, file_name, batch_id),
        )
    ]
    if earlier:
        conn.execute(f"delete from checked.{feed.name} where batch_id = any(%s)", (earlier,))
        conn.execute(
            """update quarantine.held_row set status = 'superseded', last_seen = now()
               where batch_id = any(%s) and status = 'held'""",
            (earlier,),
        )


def _copy_raw(conn: psycopg.Connection, feed: Feed, batch_id: int, table: RawTable) -> None:
    if table.lines is not None:
        with conn.cursor().copy(f"copy raw.{feed.name} (batch_id, row_no, line) from stdin") as c:
            for (number, _, _), line in zip(table.rows, table.lines, strict=True):
                c.write_row([batch_id, number, line])
        return
    columns = ", ".join(["batch_id", "row_no", *table.columns, "extra"])
    with conn.cursor().copy(f"copy raw.{feed.name} ({columns}) from stdin") as copy:
        for number, values, extras in table.rows:
            copy.write_row(
                [
                    batch_id,
                    number,
                    *values,
                    json.dumps(extras, ensure_ascii=False) if extras else None,
                ]
            )


def _copy_checked(conn: psycopg.Connection, batch_id: int, version: FileVersion) -> None:
    names = checked_columns(version.feed)
    rejected = version.rejected()
    numbers = version.row_numbers
    columns = ", ".join(["batch_id", "row_no", *names])
    with conn.cursor().copy(f"copy checked.{version.feed.name} ({columns}) from stdin") as copy:
        for position, values in enumerate(version.typed[names].itertuples(index=False, name=None)):
            if position not in rejected:
                copy.write_row([batch_id, numbers[position], *values])


def _copy_quarantine(conn: psycopg.Connection, batch_id: int, version: FileVersion) -> None:
    feed, table = version.feed, version.table
    headers = {c.name: c.header for c in feed.columns}
    name_fields = feed.fields_from_name(version.landed.name)
    key_positions = [table.columns.index(k) for k in feed.key if k in table.columns]
    key_prefix = [name_fields[k] for k in feed.key if k in name_fields]
    rejected = version.rejected()
    held = "feed, batch_id, row_no, natural_key, record, failures"
    with conn.cursor().copy(f"copy quarantine.held_row ({held}) from stdin") as copy:
        for position in sorted(rejected):
            number, values, extras = table.rows[position]
            if table.lines is not None:
                record = {"line": table.lines[position]}
            else:
                record = {headers[n]: v for n, v in zip(table.columns, values, strict=True)}
                record |= extras
            copy.write_row(
                [
                    feed.name,
                    batch_id,
                    number,
                    "|".join([*key_prefix, *(str(values[p] or "") for p in key_positions)]),
                    json.dumps(record, ensure_ascii=False),
                    json.dumps(
                        [f.as_dict() for f in version.failures[position]], ensure_ascii=False
                    ),
                ]
            )
    warn = 'batch_id, row_no, rule, "column", message'
    with conn.cursor().copy(f"copy quarantine.warning ({warn}) from stdin") as copy:
        for position, failures in version.failures.items():
            if position in rejected:
                continue
            for f in failures:
                copy.write_row([batch_id, table.rows[position][0], f.rule, f.column, f.message])
