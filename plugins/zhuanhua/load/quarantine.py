"""The data steward's quarantine: list, show, release (re-check), waive; automatic release.

A held row is re-checked from its raw text, exactly as it was first read, through the same
typing, rules and references as a new row. Releasing or waiving moves it into the checked
layer under its original batch and row number, and moves one row in the ledger's counts
from quarantined to loaded, so the batch still adds up.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date

import pandas as pd
import psycopg
from psycopg.rows import dict_row

from zhuanhua.check.references import RESOLVES
from zhuanhua.check.rows import check_rows, with_file_columns
from zhuanhua.check.suite import Failure
from zhuanhua.check.typed import typed_frame
from zhuanhua.domain.feeds import FEEDS, Feed
from zhuanhua.errors import NotHeld, UsageError
from zhuanhua.load.decisions import PIPELINE, Actor, Decision, record
from zhuanhua.load.raw import stored_rows
from zhuanhua.load.schema import checked_columns
from zhuanhua.settings import Settings

_LISTED = """
select q.id, q.feed, l.file_name as file, q.row_no as row, q.natural_key as key, q.status,
       q.failures as rules, q.record, q.first_seen, q.last_seen, q.resolved_at,
       q.waiver_reason, q.batch_id, l.business_date
from quarantine.held_row q join raw.batch_ledger l using (batch_id)
"""


@dataclass(frozen=True)
class Recheck:
    id: int
    passed: bool
    failures: list[Failure]


@dataclass(frozen=True)
class HeldFilter:
    """Which held rows: the console's filter, the CLI's options and a bulk action's scope."""

    status: str | None = None
    feed: str | None = None
    night: date | None = None  # the file's business date
    rule: str | None = None
    up_to: int | None = None  # rows held no later than this id: what the steward was shown

    def where(self) -> tuple[str, dict]:
        return (
            """ where (%(status)s::text is null or q.status = %(status)s)
                  and (%(up_to)s::bigint is null or q.id <= %(up_to)s)
                  and (%(feed)s::text is null or q.feed = %(feed)s)
                  and (%(night)s::date is null or l.business_date = %(night)s)
                  and (%(rule)s::text is null or exists (
                      select 1 from jsonb_array_elements(q.failures) f
                      where f ->> 'rule' = %(rule)s))""",
            asdict(self),
        )


def list_rows(
    conn: psycopg.Connection,
    status: str | None = None,
    feed: str | None = None,
    *,
    where: HeldFilter | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict]:
    clause, params = (where or HeldFilter(status, feed)).where()
    rows = (
        conn.cursor(row_factory=dict_row)
        .execute(
            _LISTED + clause + " order by q.id limit %(limit)s offset %(offset)s",
            {**params, "limit": limit, "offset": offset},
        )
        .fetchall()
    )
    return [_public(row) for row in rows]


def counts(conn: psycopg.Connection, where: HeldFilter) -> dict[str, dict[str, int]]:
    """How many rows the filter finds, by status, feed, night and rule (a row counts once
    under each of its rules)."""
    clause, params = where.where()
    found = {}
    for facet, expression in (
        ("status", "q.status"),
        ("feed", "q.feed"),
        ("night", "l.business_date::text"),
        ("rule", "f ->> 'rule'"),
    ):
        lateral = (
            " cross join lateral jsonb_array_elements(q.failures) f" if facet == "rule" else ""
        )
        query = f"""select {expression}, count(distinct q.id) from quarantine.held_row q
                    join raw.batch_ledger l using (batch_id){lateral}{clause}
                    group by 1 order by 1"""
        found[facet] = dict(conn.execute(query, params).fetchall())
    return found


def show(conn: psycopg.Connection, held_id: int) -> dict:
    row = (
        conn.cursor(row_factory=dict_row)
        .execute(_LISTED + " where q.id = %s", (held_id,))
        .fetchone()
    )
    if row is None:
        raise NotHeld(f"no quarantined row with id {held_id}")
    return _public(row)


def matching_ids(conn: psycopg.Connection, where: HeldFilter) -> list[int]:
    """The held rows a bulk action over the filter decides (only rows still held)."""
    clause, params = HeldFilter("held", where.feed, where.night, where.rule, where.up_to).where()
    query = "select q.id from quarantine.held_row q join raw.batch_ledger l using (batch_id)"
    return [i for (i,) in conn.execute(query + clause + " order by q.id", params)]


def release(
    conn: psycopg.Connection, held_ids: list[int], settings: Settings, actor: Actor
) -> list[Recheck]:
    """Re-check held rows; load those that now pass, keep the others with fresh reasons."""
    return _resolve(conn, held_ids, None, settings, actor)


def waive(
    conn: psycopg.Connection, held_ids: list[int], reason: str, settings: Settings, actor: Actor
) -> list[Recheck]:
    """Load held rows despite their failures, recording who decided and why (the reason)."""
    if not reason.strip():
        raise UsageError("a waiver needs a reason")
    return _resolve(conn, held_ids, reason.strip(), settings, actor)


def release_resolved(
    conn: psycopg.Connection, loaded_feed: str, settings: Settings
) -> list[Recheck]:
    """After a load: re-check rows held only for a reference this feed may have brought (a
    warning beside it holds nothing back)."""
    feed = RESOLVES.get(loaded_feed)
    if feed is None:
        return []
    ids = [
        i
        for (i,) in conn.execute(
            """select id from quarantine.held_row
           where feed = %s and status = 'held'
             and not exists (select 1 from jsonb_array_elements(failures) f
                             where f ->> 'rule' <> %s and f ->> 'severity' = 'reject')""",
            (feed, f"{feed}.unknown_reference"),
        )
    ]
    return [r for r in release(conn, ids, settings, PIPELINE) if r.passed] if ids else []


def _resolve(
    conn: psycopg.Connection,
    held_ids: list[int],
    waive_reason: str | None,
    settings: Settings,
    actor: Actor,
) -> list[Recheck]:
    """All or nothing: one transaction over every feed, the rows locked while they are
    decided, so two stewards (or the console and an Airflow answer) never load a row twice
    and a refused waiver in one feed leaves the others held too."""
    with conn.transaction():
        held = (
            conn.cursor(row_factory=dict_row)
            .execute(
                _LISTED
                + " where q.id = any(%s) and q.status = 'held' order by q.id for update of q",
                (held_ids,),
            )
            .fetchall()
        )
        missing = set(held_ids) - {h["id"] for h in held}
        if missing:
            raise NotHeld(f"not held (unknown, or already resolved): {sorted(missing)}")
        outcomes = []
        for feed_name in sorted({h["feed"] for h in held}):
            rows = [h for h in held if h["feed"] == feed_name]
            outcomes += _resolve_feed(conn, FEEDS[feed_name], rows, waive_reason, settings, actor)
        return outcomes


def _resolve_feed(
    conn: psycopg.Connection,
    feed: Feed,
    held: list[dict],
    waive_reason: str | None,
    settings: Settings,
    actor: Actor,
) -> list[Recheck]:
    """Decide every row first (a refused waiver changes nothing), then write the decisions
    in a few statements: a night re-checks every row held for a reference, tens of
    thousands at national scale, and a statement a row cost minutes."""
    typed, failures = _recheck(conn, feed, held, settings)
    outcomes, loaded, resolved, kept, decided = [], [], [], [], []
    for position, row in enumerate(held):
        found = failures.get(position, [])
        passed = not any(f.severity == "reject" for f in found)
        if waive_reason and not passed:
            _refuse_unwaivable(row["id"], found)
        status = "held"
        if passed or waive_reason:
            loaded.append(position)
            status = "released" if passed else "waived"
            resolved.append((status, waive_reason if status == "waived" else None, row["id"]))
        else:
            kept.append((json.dumps([f.as_dict() for f in found], ensure_ascii=False), row["id"]))
        outcomes.append(Recheck(row["id"], passed, found))
        if actor != PIPELINE or passed:  # the nightly re-check of what stays held is no decision
            decided.append(_decision(row, found, status))
    with conn.transaction(), conn.cursor() as cursor:
        _load(conn, feed, [held[p] for p in loaded], typed.iloc[loaded])
        cursor.executemany(
            """update quarantine.held_row set status = %s, resolved_at = now(),
               last_seen = now(), waiver_reason = %s where id = %s""",
            resolved,
        )
        cursor.executemany(
            "update quarantine.held_row set failures = %s, last_seen = now() where id = %s", kept
        )
        record(conn, actor, "waive" if waive_reason else "release", waive_reason, decided)
    return outcomes


def _decision(row: dict, found: list[Failure], status: str) -> Decision:
    """A row's state before and after: status and rule names, never its values."""
    return Decision(
        batch_id=row["batch_id"],
        held_id=row["id"],
        before={"status": row["status"], "rules": sorted({r["rule"] for r in row["rules"]})},
        after={"status": status, "rules": sorted({f.rule for f in found})},
    )


UNWAIVABLE = ("_required", "_readable", "_storable")  # rule name endings: a value is missing


def _refuse_unwaivable(held_id: int, failures: list[Failure]) -> None:
    """A waiver accepts a row's doubtful values, never missing or unreadable ones: loading
    it would put NULLs where the marts' contracts require values and fail every build."""
    missing = [f for f in failures if f.rule.endswith(UNWAIVABLE)]
    if missing:
        raise UsageError(
            f"row {held_id} cannot be waived: "
            + "; ".join(f"{f.rule} ({f.column})" for f in missing)
            + ". A waiver accepts doubtful values, not missing or unreadable ones: ask the "
            "sender for a corrected file."
        )


def _recheck(
    conn: psycopg.Connection, feed: Feed, held: list[dict], settings: Settings
) -> tuple[pd.DataFrame, dict[int, list[Failure]]]:
    raw, broken = _raw_rows(conn, feed, held, settings)
    typed, failures = typed_frame(feed, raw, settings.limits)
    for position, problem in broken.items():
        failures[position] = [Failure(f"{feed.name}.line_readable", "line", problem)]
    check_rows(conn, feed, typed, failures, settings)
    return typed, failures


def _raw_rows(
    conn: psycopg.Connection, feed: Feed, held: list[dict], settings: Settings
) -> tuple[pd.DataFrame, dict[int, str]]:
    """The held rows as first received, with their file's date and name fields."""
    found: dict[tuple[int, int], tuple[list, str | None]] = {}
    for batch_id in {h["batch_id"] for h in held}:
        rows = [h["row"] for h in held if h["batch_id"] == batch_id]
        table = stored_rows(conn, feed, batch_id, settings.limits, rows)
        for position, (number, values, _) in enumerate(table.rows):
            found[batch_id, number] = (values, table.broken.get(position))
    records = [found[h["batch_id"], h["row"]][0] for h in held]
    broken = {
        i: problem for i, h in enumerate(held) if (problem := found[h["batch_id"], h["row"]][1])
    }
    frame = pd.DataFrame(records, columns=[c.name for c in feed.columns], dtype=object)
    return with_file_columns(
        frame, feed, [h["file"] for h in held], [h["business_date"] for h in held]
    ), broken


def _load(conn: psycopg.Connection, feed: Feed, rows: list[dict], typed: pd.DataFrame) -> None:
    """The released rows into the checked layer, and each file's counts moved to loaded."""
    if not rows:
        return
    names = checked_columns(feed)
    columns = ", ".join(["batch_id", "row_no", *names])
    with conn.cursor().copy(f"copy checked.{feed.name} ({columns}) from stdin") as copy:
        for row, values in zip(rows, typed[names].to_numpy(dtype=object).tolist(), strict=True):
            copy.write_row(
                [row["batch_id"], row["row"], *(None if pd.isna(v) else v for v in values)]
            )
    per_file = Counter(row["batch_id"] for row in rows)
    conn.cursor().executemany(
        """update raw.batch_ledger set rows_loaded = rows_loaded + %s,
           rows_quarantined = rows_quarantined - %s where batch_id = %s""",
        [(n, n, batch_id) for batch_id, n in per_file.items()],
    )


def _public(row: dict) -> dict:
    """What `quarantine list --json` promises: id, feed, file, row, key, status, rules."""
    return {
        "id": row["id"],
        "feed": row["feed"],
        "file": row["file"],
        "row": row["row"],
        "key": row["key"],
        "status": row["status"],
        "rules": [
            {k: f[k] for k in ("rule", "column", "message", "severity")} for f in row["rules"]
        ],
        "record": row["record"],
        "first_seen": row["first_seen"].isoformat(),
        "last_seen": row["last_seen"].isoformat(),
        "resolved_at": row["resolved_at"].isoformat() if row["resolved_at"] else None,
        "waiver_reason": row["waiver_reason"],
        "batch_id": row["batch_id"],
        "business_date": row["business_date"].isoformat(),
    }
