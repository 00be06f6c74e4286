"""Whether the marts are newer than every load an export of a period would count.

A load that failed, or a build that did not run, leaves marts older than the ledger: the
export would then send stale figures while naming as sources files the marts never saw. The
last successful whole-project build (dbt records it, `audit.warehouse_build`; the warehouse
DAG records its own, `audit.nightly_run`) must be later than the last load of a file whose
business date is in or after the period (a later file can carry a 变更 or 注销 that counts).
"""

from __future__ import annotations

import psycopg

from zhuanhua.export.periods import Period

LAST_BUILD = """
    select max(finished_at) from (
        select finished_at from audit.warehouse_build where succeeded
        union all
        select build_finished_at from audit.nightly_run
    ) as builds
"""
# a file loaded, or a row of one released or waived by the steward since
LAST_LOAD = """
    select file_name, finished_at from raw.batch_ledger
    where status = 'loaded' and business_date >= %(start)s
    union all
    select l.file_name || ' (a row released or waived)', q.resolved_at
    from quarantine.held_row as q join raw.batch_ledger as l using (batch_id)
    where q.status in ('released', 'waived') and l.business_date >= %(start)s
    order by 2 desc limit 1
"""


def stale_marts(conn: psycopg.Connection, period: Period) -> str | None:
    """Why the marts cannot be exported for the period yet, or None when they are fresh."""
    built = conn.execute(LAST_BUILD).fetchone()[0]
    last = conn.execute(LAST_LOAD, {"start": period.start}).fetchone()
    if last is None:
        return None
    file_name, loaded = last
    if built is None:
        return (
            f"the warehouse has never been built, and {file_name} was loaded at "
            f"{loaded:%Y-%m-%d %H:%M:%S}"
        )
    if built < loaded:
        return (
            f"the marts were last built at {built:%Y-%m-%d %H:%M:%S}, before {file_name} "
            f"was loaded at {loaded:%Y-%m-%d %H:%M:%S}"
        )
    return None
