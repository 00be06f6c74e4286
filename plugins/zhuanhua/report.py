"""The nightly summary: per feed, the current file versions of a business date and their rows.

Counts come from the ledger, not from what one run happened to do, so re-running a night
reports the same figures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import psycopg
from psycopg.rows import dict_row

from zhuanhua.feeds import FEEDS

COUNTS = ("files", "files_rejected", "rows_received", "rows_loaded", "rows_quarantined",
          "rows_warned")

_FROM_LEDGER = """
select count(*) as files,
       count(*) filter (where status in ('rejected', 'held')) as files_rejected,
       coalesce(sum(rows_received), 0) as rows_received,
       coalesce(sum(rows_loaded), 0) as rows_loaded,
       coalesce(sum(rows_quarantined), 0) as rows_quarantined,
       coalesce(sum(rows_warned), 0) as rows_warned
from raw.batch_ledger
where feed = %s and business_date = %s and status <> 'superseded'
"""


def record(conn: psycopg.Connection, business_date: date, run_id: str,
           started_at: datetime) -> list[dict]:
    duration = Decimal(str(round((datetime.now(UTC) - started_at).total_seconds(), 3)))
    with conn.transaction():
        for feed in FEEDS:
            counts = conn.cursor(row_factory=dict_row).execute(
                _FROM_LEDGER, (feed, business_date)).fetchone()
            conn.execute(
                """insert into audit.nightly_feed_summary
                   (business_date, feed, files, files_rejected, rows_received, rows_loaded,
                    rows_quarantined, rows_warned, duration_seconds, run_id)
                   values (%(business_date)s, %(feed)s, %(files)s, %(files_rejected)s,
                           %(rows_received)s, %(rows_loaded)s, %(rows_quarantined)s,
                           %(rows_warned)s, %(duration)s, %(run_id)s)
                   on conflict (business_date, feed) do update set
                     files = excluded.files, files_rejected = excluded.files_rejected,
                     rows_received = excluded.rows_received, rows_loaded = excluded.rows_loaded,
                     rows_quarantined = excluded.rows_quarantined,
                     rows_warned = excluded.rows_warned,
                     duration_seconds = excluded.duration_seconds, run_id = excluded.run_id,
                     recorded_at = now()""",
                {**counts, "business_date": business_date, "feed": feed,
                 "duration": duration, "run_id": run_id},
            )
    return fetch(conn, business_date)


def fetch(conn: psycopg.Connection, business_date: date) -> list[dict]:
    rows = conn.cursor(row_factory=dict_row).execute(
        f"""select feed, {', '.join(COUNTS)}, duration_seconds, run_id, recorded_at
            from audit.nightly_feed_summary where business_date = %s order by feed""",
        (business_date,),
    ).fetchall()
    return [{**r, "duration_seconds": float(r["duration_seconds"]),
             "recorded_at": r["recorded_at"].isoformat()} for r in rows]


def file_problems(conn: psycopg.Connection, business_date: date) -> list[tuple[str, str]]:
    """Files rejected (unreadable) or held whole (too many bad rows), with the cause, and
    files whose row count is far from the recent ones (a warning)."""
    return conn.execute(
        """select file_name, error from raw.batch_ledger
           where business_date = %s and status in ('rejected', 'held')
           union all
           select file_name, unnest(batch_warnings) from raw.batch_ledger
           where business_date = %s and status = 'loaded'
           order by 1""",
        (business_date, business_date),
    ).fetchall()


def as_text(business_date: date, rows: list[dict]) -> str:
    head = f"{'feed':<12}{'files':>6}{'rejected':>9}{'received':>10}{'loaded':>8}" \
           f"{'quarantined':>12}{'warned':>8}{'seconds':>9}"
    lines = [f"Night of {business_date}", head]
    for r in rows:
        lines.append(
            f"{r['feed']:<12}{r['files']:>6}{r['files_rejected']:>9}{r['rows_received']:>10}"
            f"{r['rows_loaded']:>8}{r['rows_quarantined']:>12}{r['rows_warned']:>8}"
            f"{r['duration_seconds']:>9.1f}"
        )
    from zhuanhua.checks import data_docs_index

    if data_docs_index().exists():
        lines.append(f"Data quality (GX Data Docs): {data_docs_index().as_uri()}")
    return "\n".join(lines)
