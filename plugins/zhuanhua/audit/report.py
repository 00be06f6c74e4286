"""The nightly summary: per feed, the current file versions of a business date and their rows.

Counts come from the ledger, not from what one run happened to do, so re-running a night
reports the same figures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from zhuanhua.audit.completeness import missing_files
from zhuanhua.domain.feeds import FEEDS

COUNTS = (
    "files",
    "files_rejected",
    "rows_received",
    "rows_loaded",
    "rows_quarantined",
    "rows_warned",
)

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


def record(
    conn: psycopg.Connection,
    business_date: date,
    run_id: str,
    started_at: datetime,
    loan_banks: tuple[str, ...] = (),
) -> list[dict]:
    """Close the night's loads: per feed, its counts and the files that did not arrive; and
    earlier nights whose late files came tonight are brought up to date."""
    duration = Decimal(str(round((datetime.now(UTC) - started_at).total_seconds(), 3)))
    late = _missing_by_feed(conn, business_date, business_date, loan_banks)
    with conn.transaction():
        for feed in FEEDS:
            conn.execute(
                _UPSERT,
                {
                    **_counts(conn, feed, business_date),
                    "business_date": business_date,
                    "feed": feed,
                    "duration": duration,
                    "run_id": run_id,
                    "late": late.get(feed, []),
                },
            )
        _refresh_late_nights(conn, business_date, loan_banks)
        conn.execute(
            """insert into audit.nightly_run (business_date, loads_run_id, loads_started_at,
                                              loads_finished_at)
               values (%s, %s, %s, now())
               on conflict (business_date) do update set loads_run_id = excluded.loads_run_id,
                 loads_started_at = excluded.loads_started_at,
                 loads_finished_at = excluded.loads_finished_at""",
            (business_date, run_id, started_at),
        )
    return fetch(conn, business_date)


_UPSERT = """
insert into audit.nightly_feed_summary
  (business_date, feed, files, files_rejected, rows_received, rows_loaded, rows_quarantined,
   rows_warned, duration_seconds, run_id, late_files, missing_files, caught_up_on)
values (%(business_date)s, %(feed)s, %(files)s, %(files_rejected)s, %(rows_received)s,
        %(rows_loaded)s, %(rows_quarantined)s, %(rows_warned)s, %(duration)s, %(run_id)s,
        %(late)s, %(late)s, null)
on conflict (business_date, feed) do update set
  files = excluded.files, files_rejected = excluded.files_rejected,
  rows_received = excluded.rows_received, rows_loaded = excluded.rows_loaded,
  rows_quarantined = excluded.rows_quarantined, rows_warned = excluded.rows_warned,
  duration_seconds = excluded.duration_seconds, run_id = excluded.run_id,
  late_files = excluded.late_files, missing_files = excluded.missing_files,
  caught_up_on = null, recorded_at = now()
"""


def _counts(conn: psycopg.Connection, feed: str, day: date) -> dict:
    return conn.cursor(row_factory=dict_row).execute(_FROM_LEDGER, (feed, day)).fetchone()


def _missing_by_feed(
    conn: psycopg.Connection, first: date, last: date, loan_banks: tuple[str, ...]
) -> dict[str, list[str]]:
    by_feed: dict[str, list[str]] = {}
    for missing in missing_files(conn, first, last, loan_banks):
        by_feed.setdefault(missing.feed, []).append(f"{missing.file} ({missing.reason})")
    return by_feed


def _refresh_late_nights(
    conn: psycopg.Connection, night: date, loan_banks: tuple[str, ...]
) -> None:
    """Earlier nights with files still missing: their counts and missing files as of now,
    and the night that caught them up."""
    late = conn.execute(
        """select business_date, feed from audit.nightly_feed_summary
           where business_date < %s and cardinality(missing_files) > 0""",
        (night,),
    ).fetchall()
    for day, feed in late:
        still = _missing_by_feed(conn, day, day, loan_banks).get(feed, [])
        conn.execute(
            """update audit.nightly_feed_summary set files = %(files)s,
                 files_rejected = %(files_rejected)s, rows_received = %(rows_received)s,
                 rows_loaded = %(rows_loaded)s, rows_quarantined = %(rows_quarantined)s,
                 rows_warned = %(rows_warned)s, missing_files = %(still)s,
                 caught_up_on = case when cardinality(%(still)s::text[]) = 0
                                     then %(night)s::date end
               where business_date = %(day)s and feed = %(feed)s""",
            {**_counts(conn, feed, day), "still": still, "night": night, "day": day, "feed": feed},
        )


FRESHNESS_DAYS = 7  # how far back a night looks for files that have not arrived


def freshness_warnings(
    conn: psycopg.Connection, business_date: date, loan_banks: tuple[str, ...] = ()
) -> list[str]:
    """Every file due in the last week (from the first business date loaded) that is not
    loaded yet: the warehouse built tonight lacks it."""
    first = conn.execute("select min(business_date) from raw.batch_ledger").fetchone()[0]
    if first is None:
        return []
    start = max(first, business_date - timedelta(days=FRESHNESS_DAYS - 1))
    return [
        f"{m.feed}: {m.file} is late ({m.reason}); due the night of {m.day}"
        for m in missing_files(conn, start, business_date, loan_banks)
    ]


def record_build(
    conn: psycopg.Connection, business_date: date, run_id: str, warnings: list[str]
) -> dict:
    conn.execute(
        """insert into audit.nightly_run (business_date, build_run_id, build_finished_at,
                                          freshness_warnings)
           values (%s, %s, now(), %s)
           on conflict (business_date) do update set build_run_id = excluded.build_run_id,
             build_finished_at = excluded.build_finished_at,
             freshness_warnings = excluded.freshness_warnings""",
        (business_date, run_id, warnings),
    )
    return fetch_run(conn, business_date) or {}


def fetch_run(conn: psycopg.Connection, business_date: date) -> dict | None:
    row = (
        conn.cursor(row_factory=dict_row)
        .execute(
            """select r.*, (select min(l.business_date) from audit.nightly_run l
                        where l.business_date > r.business_date
                          and l.build_finished_at > r.loads_finished_at) as built_by_night
           from audit.nightly_run r where r.business_date = %s""",
            (business_date,),
        )
        .fetchone()
    )
    if row is None:
        return None
    return {k: v.isoformat() if isinstance(v, date | datetime) else v for k, v in row.items()}


def fetch(conn: psycopg.Connection, business_date: date) -> list[dict]:
    rows = (
        conn.cursor(row_factory=dict_row)
        .execute(
            f"""select feed, {", ".join(COUNTS)}, duration_seconds, run_id, recorded_at,
                   late_files, missing_files, caught_up_on
            from audit.nightly_feed_summary where business_date = %s order by feed""",
            (business_date,),
        )
        .fetchall()
    )
    return [
        {
            **r,
            "duration_seconds": float(r["duration_seconds"]),
            "recorded_at": r["recorded_at"].isoformat(),
            "caught_up_on": r["caught_up_on"] and r["caught_up_on"].isoformat(),
        }
        for r in rows
    ]


def file_problems(conn: psycopg.Connection, business_date: date) -> list[tuple[str, str]]:
    """Files rejected (unreadable) or held whole (too many bad rows), with the cause: those of
    the date and those the night's loads took in late; and files of the date whose row count
    is far from the recent ones (a warning)."""
    return conn.execute(
        """select l.file_name, l.error from raw.batch_ledger as l
           left join audit.nightly_run as r on r.business_date = %(day)s
           where l.status in ('rejected', 'held')
             and (l.business_date = %(day)s
                  or l.finished_at between r.loads_started_at and r.loads_finished_at)
           union all
           select file_name, unnest(batch_warnings) from raw.batch_ledger
           where business_date = %(day)s and status = 'loaded'
           order by 1""",
        {"day": business_date},
    ).fetchall()


def as_text(
    business_date: date, rows: list[dict], run: dict | None = None, data_docs: Path | None = None
) -> str:
    head = (
        f"{'feed':<14}{'files':>6}{'rejected':>9}{'received':>10}{'loaded':>8}"
        f"{'quarantined':>12}{'warned':>8}{'seconds':>9}"
    )
    lines = [f"Night of {business_date}", head]
    for r in rows:
        lines.append(
            f"{r['feed']:<14}{r['files']:>6}{r['files_rejected']:>9}{r['rows_received']:>10}"
            f"{r['rows_loaded']:>8}{r['rows_quarantined']:>12}{r['rows_warned']:>8}"
            f"{r['duration_seconds']:>9.1f}"
        )
    lines += _late_lines(rows) + _run_lines(run)
    if data_docs is not None and data_docs.exists():
        lines.append(f"Data quality (GX Data Docs): {data_docs.as_uri()}")
    return "\n".join(lines)


def _late_lines(rows: list[dict]) -> list[str]:
    lines = []
    for r in rows:
        for file in r["late_files"]:
            state = (
                "still missing"
                if file in r["missing_files"]
                else f"caught up on the night of {r['caught_up_on']}"
            )
            lines.append(f"LATE {r['feed']}: {file}: {state}")
    return lines


def _run_lines(run: dict | None) -> list[str]:
    if not run:
        return []
    lines = [f"Loads: run {run['loads_run_id']}, finished {run['loads_finished_at']}"]
    if run["build_finished_at"]:
        lines.append(
            f"Warehouse built: run {run['build_run_id']}, finished {run['build_finished_at']}"
        )
    elif run["built_by_night"]:
        lines.append(
            f"Warehouse: built with these loads by the build of the night of "
            f"{run['built_by_night']}"
        )
    else:
        lines.append("Warehouse: not built since this night's loads")
    lines += [f"FRESHNESS warning: {w}" for w in run["freshness_warnings"]]
    return lines
