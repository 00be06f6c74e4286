"""Load file versions exactly once: read and type each, check them together, commit them whole.

The ledger's unique (feed, file name, sha256) makes a repeated delivery a no-op; a new
sha256 under a known name is a correction that supersedes the earlier version's checked
rows, while its raw rows and ledger entry stay for tracing. Checking is vectorised across
the files of a load (one GX validation per chunk of rows); the chunk's files are then
committed together in one transaction (each alone if the database refuses any of them), so
a crash never leaves half a file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import psycopg

from zhuanhua.check.rows import check_rows, with_file_columns
from zhuanhua.check.suite import Failure
from zhuanhua.check.typed import typed_frame
from zhuanhua.domain.feeds import FEEDS, Feed
from zhuanhua.errors import FileRejected, NotHeld, UsageError
from zhuanhua.load.decisions import Actor, Decision, record
from zhuanhua.load.faults import is_transient
from zhuanhua.load.locks import feed_lock
from zhuanhua.load.quarantine import release_resolved
from zhuanhua.load.raw import stored_rows
from zhuanhua.load.schema import checked_columns
from zhuanhua.read.landing import Delivery, LandedFile
from zhuanhua.read.readers import RawTable, read_file
from zhuanhua.settings import Settings

log = logging.getLogger(__name__)

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
    checked_values: np.ndarray | None = None  # typed rows × checked_columns, as objects
    failures: dict[int, list[Failure]] = field(default_factory=dict)

    @property
    def row_count(self) -> int:
        return len(self.table.rows) if self.table is not None else 0

    def reject(self, cause: str) -> FileVersion:
        self.table = None
        self.error = f"{self.landed.name}: rejected whole: {cause}"
        return self

    @property
    def row_numbers(self) -> list[int]:
        return [number for number, _, _ in self.table.rows]

    def rejected(self) -> set[int]:
        return {i for i, fs in self.failures.items() if any(f.severity == "reject" for f in fs)}

    def broken_rows(self) -> set[int]:
        """Rows rejected for what they are, not only for a reference that has not arrived
        yet: a file delivered before the one it refers to is early, not broken."""
        return {
            i
            for i, fs in self.failures.items()
            if any(f.severity == "reject" and not f.rule.endswith(".unknown_reference") for f in fs)
        }

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
    return load_files(conn, feed, [Delivery.of(landed, data)], settings)[0]


def already_received(conn: psycopg.Connection, feed: Feed, files: list[LandedFile]) -> set[str]:
    """The files whose name, size and store fingerprint are in the ledger: the same bytes,
    received before, so a night need not read them again (a rewritten file changes its
    fingerprint and is read, hashed and, if new, loaded as a new version)."""
    described = [f for f in files if f.size is not None and f.fingerprint]
    if not described:
        return set()
    rows = conn.execute(
        """select file_name, size_bytes, landed_fingerprint from raw.batch_ledger
           where feed = %s and file_name = any(%s) and landed_fingerprint is not null""",
        (feed.name, [f.name for f in described]),
    ).fetchall()
    seen = set(rows)
    return {f.name for f in described if (f.name, f.size, f.fingerprint) in seen}


def load_files(
    conn: psycopg.Connection, feed: Feed, deliveries: Iterable[Delivery], settings: Settings
) -> list[BatchOutcome]:
    """Load in the order given; versions already in the ledger are skipped.

    Files are read, checked and committed a chunk of rows at a time, so memory stays bounded
    and a file is in the ledger before the next chunk is read. Whatever a file's bytes do to
    the reader, the checks or the COPY, that file ends rejected with the cause and the others
    load; only a transient fault (the database gone) stops the load, for Airflow to retry.
    A file with more than `settings.hold_share` of its rows failing is held whole: that is a
    broken export upstream, not bad rows. Afterwards, rows held for a reference this load
    brought are released.
    """
    with feed_lock(conn, feed.name):
        return _load_files(conn, feed, deliveries, settings)


def _load_files(
    conn: psycopg.Connection, feed: Feed, deliveries: Iterable[Delivery], settings: Settings
) -> list[BatchOutcome]:
    outcomes: dict[str, BatchOutcome] = {}
    order: list[str] = []
    pending: list[FileVersion] = []
    known = set(  # one statement for the load, not one a file (the lock keeps it current)
        conn.execute(
            "select file_name, sha256 from raw.batch_ledger where feed = %s", (feed.name,)
        ).fetchall()
    )
    for delivery in deliveries:
        order.append(delivery.landed.name)
        version = _read(feed, delivery, settings, known)
        if version is None:
            outcomes[delivery.landed.name] = BatchOutcome(delivery.landed.name, "skipped")
            continue
        pending.append(version)
        if sum(v.row_count for v in pending) >= CHECK_CHUNK_ROWS:
            outcomes |= _check_and_commit(conn, feed, pending, settings)
            pending = []
    outcomes |= _check_and_commit(conn, feed, pending, settings)
    release_resolved(conn, feed.name, settings)
    _analyze_if_grown(conn, feed, sum(o.rows_loaded for o in outcomes.values()))
    return [outcomes[name] for name in order]


def _analyze_if_grown(conn: psycopg.Connection, feed: Feed, loaded: int) -> None:
    """Fresh statistics when the load changed the table's size by a tenth or more, so the
    build plans its joins on real sizes (a first load: from nothing to millions). A night's
    delta on a large table is left to autovacuum: analysing 5 M patents costs 28 s."""
    (estimate,) = conn.execute(
        "select reltuples from pg_class where oid = %s::regclass", (f"checked.{feed.name}",)
    ).fetchone()
    if loaded and (estimate < 0 or loaded >= 0.1 * estimate):
        conn.execute(f"analyze checked.{feed.name}")


def _read(
    feed: Feed, delivery: Delivery, settings: Settings, known: set[tuple[str, str]]
) -> FileVersion | None:
    """The delivery read into rows, or None when this version is in the ledger (`known`)."""
    landed = delivery.landed
    if (landed.name, delivery.sha256) in known:
        return None
    version = FileVersion(feed, landed, delivery.size, delivery.sha256, datetime.now(UTC))
    limits = settings.limits
    if delivery.data is None:
        return version.reject(
            f"the file is {delivery.size} bytes, more than {limits.file_bytes} "
            "(ZHUANHUA_MAX_FILE_BYTES)"
        )
    try:
        version.table = read_file(feed, landed.name, delivery.data, limits)
    except FileRejected as exc:
        version.reject(str(exc))
    except Exception as exc:
        _unless_transient(exc)
        log.exception("%s: the reader failed", landed.name)
        version.reject(f"unreadable ({type(exc).__name__}: {exc})")
    return version


def _check_and_commit(
    conn: psycopg.Connection, feed: Feed, versions: list[FileVersion], settings: Settings
) -> dict[str, BatchOutcome]:
    """Commit the chunk's files in one transaction (one COPY per table for all of them: a
    file's own statements cost more than its rows); if the database refuses any of it, none
    is kept and each file is committed alone, so only the file it refused is rejected."""
    _check_isolated(conn, feed, [v for v in versions if v.table is not None], settings)
    names = [v.landed.name for v in versions]
    if len(versions) > 1 and len(set(names)) == len(names):  # two versions of one: in order
        try:
            return _commit(conn, versions, settings.hold_share)
        except Exception as exc:
            _unless_transient(exc)
            log.warning("the chunk could not be stored together (%s); file by file", exc)
    return {v.landed.name: _commit_isolated(conn, v, settings.hold_share) for v in versions}


def _check_isolated(
    conn: psycopg.Connection, feed: Feed, versions: list[FileVersion], settings: Settings
) -> None:
    """Check the files together; if that fails, each alone, so only the file that makes the
    checks fail is rejected."""
    if not versions:
        return
    try:
        _check(conn, feed, versions, settings)
        return
    except Exception as exc:
        _unless_transient(exc)
        if len(versions) == 1:
            log.exception("%s: the checks failed", versions[0].landed.name)
            versions[0].reject(f"the checks failed on it ({type(exc).__name__}: {exc})")
            return
    for version in versions:
        _check_isolated(conn, feed, [version], settings)


def _commit_isolated(conn: psycopg.Connection, version: FileVersion, hold_share: float):
    """Commit the file in its own transaction; if the database refuses its rows, the
    transaction is rolled back whole and the file is recorded as rejected with the cause."""
    name = version.landed.name
    try:
        return _commit(conn, [version], hold_share)[name]
    except Exception as exc:
        _unless_transient(exc)
        log.exception("%s: could not be stored", name)
        version.table = None
        version.reject(f"could not be stored ({type(exc).__name__}: {str(exc).strip()})")
        return _commit(conn, [version], hold_share)[name]


def _unless_transient(error: BaseException) -> None:
    """A transient fault is not the file's: it ends the load, for Airflow to retry."""
    if is_transient(error):
        raise error


def _check(
    conn: psycopg.Connection, feed: Feed, chunk: list[FileVersion], settings: Settings
) -> None:
    """Type and validate the chunk's rows as one frame; results go back to each file."""
    typed, failures = typed_frame(feed, raw_frame(feed, chunk), settings.limits)
    offset = 0
    for version in chunk:
        for position, problem in version.table.broken.items():
            failures[offset + position] = [Failure(f"{feed.name}.line_readable", "line", problem)]
        offset += len(version.table.rows)
    check_rows(conn, feed, typed, failures, settings)
    values = typed[checked_columns(feed)].to_numpy(dtype=object)  # once: a file takes a view
    offset = 0
    for version in chunk:
        size = len(version.table.rows)
        version.checked_values = values[offset : offset + size]
        version.failures = {
            p - offset: fs for p, fs in failures.items() if offset <= p < offset + size
        }
        offset += size


def raw_frame(feed: Feed, chunk: list[FileVersion]) -> pd.DataFrame:
    """All rows of the chunk in the feed's column order, with each file's date and name fields."""
    names = [c.name for c in feed.columns]
    records, files, dates = [], [], []
    for version in chunk:
        table = version.table
        if table.columns == names:  # the JSON Lines reader gives every column, in order
            records += [values for _, values, _ in table.rows]
        else:
            index = [table.columns.index(n) if n in table.columns else None for n in names]
            records += [
                [values[i] if i is not None else None for i in index] for _, values, _ in table.rows
            ]
        files += [version.landed.name] * len(table.rows)
        dates += [version.landed.business_date] * len(table.rows)
    return with_file_columns(pd.DataFrame(records, columns=names, dtype=object), feed, files, dates)


def _commit(
    conn: psycopg.Connection, versions: list[FileVersion], hold_share: float
) -> dict[str, BatchOutcome]:
    """The files' ledger entries one by one, in order (a file's row count is compared with
    the files before it, these included), then their rows with one COPY per table, all in
    one transaction."""
    outcomes, stored, loaded = {}, [], []
    with conn.transaction():
        for version in versions:
            outcome, batch_id = _enter_in_ledger(conn, version, hold_share)
            outcomes[version.landed.name] = outcome
            if outcome.status != "rejected":
                stored.append((batch_id, version))
            if outcome.status == "loaded":
                loaded.append((batch_id, version))
        if stored:
            _copy_raw(conn, stored)
        if loaded:
            _copy_checked(conn, loaded)
            _copy_quarantine(conn, loaded)
    return outcomes


def _enter_in_ledger(
    conn: psycopg.Connection, version: FileVersion, hold_share: float
) -> tuple[BatchOutcome, int]:
    """The file's ledger entry (loaded, held whole or rejected) and the versions it replaces."""
    feed, landed = version.feed, version.landed
    base = {
        "feed": feed.name,
        "file_name": landed.name,
        "file_url": landed.url,
        "size_bytes": version.size,
        "sha256": version.sha256,
        "business_date": landed.business_date,
        "started_at": version.started_at,
        "landed_fingerprint": landed.fingerprint if landed.size == version.size else None,
    }
    if version.table is None:
        batch_id = _insert_ledger(conn, {**base, "status": "rejected", "error": version.error})
        return BatchOutcome(landed.name, "rejected", error=version.error), batch_id
    counts = version.counts()
    base["batch_warnings"] = _row_count_warning(conn, version)
    base["encoding"] = version.table.encoding
    base["extra_columns"] = version.table.extra_headers
    received, bad = counts["rows_received"], len(version.broken_rows())
    if received >= HOLD_MIN_ROWS and bad > hold_share * received:
        error = _held_whole(version, counts)
        batch_id = _insert_ledger(
            conn,
            {
                **base,
                "status": "held",
                "error": error,
                "rows_received": received,
                "rows_held": received,
            },
        )
        return BatchOutcome(landed.name, "held", rows_received=received, error=error), batch_id
    batch_id = _insert_ledger(conn, {**base, "status": "loaded", **counts})
    _supersede_earlier(conn, feed, landed.name, batch_id)
    return BatchOutcome(landed.name, "loaded", **counts), batch_id


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


def _held_whole(version: FileVersion, counts: dict[str, int]) -> str:
    """Why a file is held whole (its rows kept as received, none loaded): the run then fails
    loudly with what to do."""
    rules: dict[str, int] = {}
    for position in version.rejected():
        for failure in version.failures[position]:
            rules[failure.rule] = rules.get(failure.rule, 0) + 1
    top = ", ".join(f"{rule} ({n})" for rule, n in sorted(rules.items(), key=lambda x: -x[1])[:3])
    return (
        f"{version.landed.name}: held whole: {counts['rows_quarantined']} of "
        f"{counts['rows_received']} rows fail the checks, more than the allowed share; "
        f"most often {top}. Ask the sender for a corrected file, or release it once the cause "
        "is fixed (zhuanhua quarantine files, then release-file)."
    )


HELD_FILE = """
    select feed, file_name, file_url, business_date, size_bytes, sha256, started_at, status,
           exists (select 1 from raw.batch_ledger as later
                   where later.feed = l.feed and later.file_name = l.file_name
                     and later.batch_id > l.batch_id and later.status <> 'rejected') as replaced,
           rows_held, error
    from raw.batch_ledger as l where batch_id = %s
"""


HELD_FILE_FIELDS = ("batch_id", "feed", "file_name", "business_date", "error", "rows_held")


def held_files(conn: psycopg.Connection) -> list[tuple]:
    """Files held whole and still to decide, oldest first (HELD_FILE_FIELDS): one a later
    version replaced is decided by deciding that one."""
    return conn.execute(
        """select batch_id, feed, file_name, business_date, error, rows_held
           from raw.batch_ledger as l
           where status = 'held' and not exists (
               select 1 from raw.batch_ledger as later
               where later.feed = l.feed and later.file_name = l.file_name
                 and later.batch_id > l.batch_id and later.status <> 'rejected')
           order by batch_id"""
    ).fetchall()


def release_held_file(
    conn: psycopg.Connection,
    batch_id: int,
    settings: Settings,
    actor: Actor,
    reason: str | None = None,
) -> BatchOutcome:
    """The steward's release of a file held whole: its rows as received are checked again
    (a code table or a reference may have changed since), then loaded as a new file would be,
    good rows checked and bad rows quarantined, whatever their share: the steward decided."""
    feed = FEEDS[_held_file(conn, batch_id)[0]]
    with feed_lock(conn, feed.name):
        found = _held_file(conn, batch_id)  # again under the lock: a decision may have won
        name, url, day, size, sha256, started = found[1:7]
        version = FileVersion(feed, LandedFile(feed.name, name, url, day), size, sha256, started)
        version.table = stored_rows(conn, feed, batch_id, settings.limits)
        _check(conn, feed, [version], settings)
        counts = version.counts()
        with conn.transaction():
            conn.execute(
                """update raw.batch_ledger set status = 'loaded', error = null, rows_held = 0,
                     rows_loaded = %(rows_loaded)s, rows_quarantined = %(rows_quarantined)s,
                     rows_warned = %(rows_warned)s, finished_at = clock_timestamp()
                   where batch_id = %(batch_id)s""",
                {**counts, "batch_id": batch_id},
            )
            _supersede_earlier(conn, feed, name, batch_id)
            _copy_checked(conn, [(batch_id, version)])
            _copy_quarantine(conn, [(batch_id, version)])
            after = {"status": "loaded", **counts}
            decision = Decision(batch_id, found[8], after)
            record(conn, actor, "release_file", reason or None, [decision])
        release_resolved(conn, feed.name, settings)
    return BatchOutcome(name, "loaded", **counts)


def reject_held_file(conn: psycopg.Connection, batch_id: int, reason: str, actor: Actor) -> None:
    """The steward's refusal of a file held whole: the sender is asked for a corrected file.
    It stays in the ledger as rejected, with the reason, and its rows stay in the raw layer."""
    if not reason.strip():
        raise UsageError("a rejection needs a reason (what the sender must correct)")
    feed = _held_file(conn, batch_id)[0]
    error = f"rejected by the data steward ({actor.name}): {reason.strip()}"
    with feed_lock(conn, feed), conn.transaction():
        found = _held_file(conn, batch_id)  # again under the lock: a decision may have won
        conn.execute(
            """update raw.batch_ledger set status = 'rejected', error = %s,
                 finished_at = clock_timestamp() where batch_id = %s and status = 'held'""",
            (error, batch_id),
        )
        after = {**found[8], "status": "rejected"}
        record(conn, actor, "reject_file", reason.strip(), [Decision(batch_id, found[8], after)])


def _held_file(conn: psycopg.Connection, batch_id: int) -> tuple:
    """The ledger's row of a file held whole, with its state for the steward's audit."""
    found = conn.execute(HELD_FILE, (batch_id,)).fetchone()
    if found is None or found[7] != "held":
        raise NotHeld(f"no file held whole with batch id {batch_id} (zhuanhua quarantine files)")
    if found[8]:
        raise NotHeld(
            f"{found[1]} (batch {batch_id}) has a later version in the ledger, which "
            "replaces it: decide on that one if it is held"
        )
    state = {"status": "held", "rows_held": found[9], "error": found[10]}
    return (*found[:8], state)


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


def _copy_raw(conn: psycopg.Connection, stored: list[tuple[int, FileVersion]]) -> None:
    """The files' rows as received: one COPY for the JSON lines, one per set of columns."""
    by_columns: dict[tuple[str, ...] | None, list[tuple[int, RawTable]]] = {}
    for batch_id, version in stored:
        table = version.table
        key = None if table.lines is not None else tuple(table.columns)
        by_columns.setdefault(key, []).append((batch_id, table))
    feed = stored[0][1].feed.name
    for columns, tables in by_columns.items():
        if columns is None:
            with conn.cursor().copy(f"copy raw.{feed} (batch_id, row_no, line) from stdin") as c:
                for batch_id, table in tables:
                    for (number, _, _), line in zip(table.rows, table.lines, strict=True):
                        c.write_row((batch_id, number, storable(line)))
            continue
        names = ", ".join(["batch_id", "row_no", *columns, "extra"])
        with conn.cursor().copy(f"copy raw.{feed} ({names}) from stdin") as copy:
            for batch_id, table in tables:
                for number, values, extras in table.rows:
                    copy.write_row(
                        (
                            batch_id,
                            number,
                            *map(storable, values),
                            _json(extras) if extras else None,
                        )
                    )


def _copy_checked(conn: psycopg.Connection, loaded: list[tuple[int, FileVersion]]) -> None:
    feed = loaded[0][1].feed
    columns = ", ".join(["batch_id", "row_no", *checked_columns(feed)])
    with conn.cursor().copy(f"copy checked.{feed.name} ({columns}) from stdin") as copy:
        for batch_id, version in loaded:
            rejected = version.rejected()
            numbers = version.row_numbers
            for position, values in enumerate(version.checked_values.tolist()):
                if position not in rejected:
                    copy.write_row((batch_id, numbers[position], *values))


def _copy_quarantine(conn: psycopg.Connection, loaded: list[tuple[int, FileVersion]]) -> None:
    held = "feed, batch_id, row_no, natural_key, record, failures"
    with conn.cursor().copy(f"copy quarantine.held_row ({held}) from stdin") as copy:
        for batch_id, version in loaded:
            for row in _held_rows(batch_id, version):
                copy.write_row(row)
    warn = 'batch_id, row_no, rule, "column", message'
    with conn.cursor().copy(f"copy quarantine.warning ({warn}) from stdin") as copy:
        for batch_id, version in loaded:
            rejected, rows = version.rejected(), version.table.rows
            for position, failures in version.failures.items():
                if position not in rejected:
                    for f in failures:
                        copy.write_row((batch_id, rows[position][0], f.rule, f.column, f.message))


def _held_rows(batch_id: int, version: FileVersion):
    """The file's rejected rows for quarantine: as received, under the sender's headers."""
    feed, table = version.feed, version.table
    headers = {c.name: c.header for c in feed.columns}
    name_fields = feed.fields_from_name(version.landed.name)
    key_positions = [table.columns.index(k) for k in feed.key if k in table.columns]
    key_prefix = [name_fields[k] for k in feed.key if k in name_fields]
    for position in sorted(version.rejected()):
        number, values, extras = table.rows[position]
        if table.lines is not None:
            record = {"line": table.lines[position]}
        else:
            record = {headers[n]: v for n, v in zip(table.columns, values, strict=True)}
            record |= extras
        natural_key = "|".join([*key_prefix, *(str(values[p] or "") for p in key_positions)])
        yield (
            feed.name,
            batch_id,
            number,
            storable(natural_key),
            _json(record),
            json.dumps([f.as_dict() for f in version.failures[position]], ensure_ascii=False),
        )


def storable(value: str | None) -> str | None:
    """Text as PostgreSQL can hold it: a NUL character (the one character its text type
    refuses) becomes U+FFFD. Raw and quarantined rows keep everything else as received."""
    return value.replace("\x00", "\ufffd") if value and "\x00" in value else value


def _json(value: dict) -> str:
    """JSON for a jsonb column: jsonb refuses NUL characters too."""
    return storable(json.dumps(value, ensure_ascii=False)).replace("\\u0000", "\\ufffd")
