"""One load per feed at a time, whoever starts it (the scheduler, `zhuanhua run`, a backfill).

Two loads of one feed at once could each see a file version as new, or leave a correction
and its original both loaded. A session-level PostgreSQL advisory lock per feed, held for
the whole load, makes the second caller stop at once with a clear message.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from zhuanhua.errors import LoadBusy

LOCK_SPACE = "zhuanhua.load"  # the first key of the two-key advisory lock


@contextmanager
def feed_lock(conn: psycopg.Connection, feed: str) -> Iterator[None]:
    taken = conn.execute(
        "select pg_try_advisory_lock(hashtext(%s), hashtext(%s))", (LOCK_SPACE, feed)
    ).fetchone()[0]
    if not taken:
        holder = conn.execute(
            """select l.pid, a.backend_start, a.application_name
               from pg_locks l left join pg_stat_activity a using (pid)
               where l.locktype = 'advisory' and l.granted
                 and l.classid = hashtext(%s)::oid and l.objid = hashtext(%s)::oid""",
            (LOCK_SPACE, feed),
        ).fetchone()
        who = (
            f" (database session {holder[0]}, connected {holder[1]:%Y-%m-%d %H:%M})"
            if holder
            else ""
        )
        raise LoadBusy(
            f"another load of {feed} is running{who}: one load per feed at a time. Wait for it "
            "to end, then run again: files it loaded are not loaded twice."
        )
    try:
        yield
    finally:
        conn.execute("select pg_advisory_unlock(hashtext(%s), hashtext(%s))", (LOCK_SPACE, feed))
