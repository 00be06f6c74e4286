"""Rows of the raw layer read back as the reader first gave them.

Held rows re-checked by the steward and a held file released whole go through the same
typing and checks as a new delivery, so both start from here: the cells (or the JSON line,
parsed again within the read limits) of a batch, as received.
"""

from __future__ import annotations

import psycopg

from zhuanhua.domain.feeds import Feed
from zhuanhua.read.readers import RawTable, read_jsonl
from zhuanhua.settings import Limits


def stored_rows(
    conn: psycopg.Connection,
    feed: Feed,
    batch_id: int,
    limits: Limits,
    row_nos: list[int] | None = None,
) -> RawTable:
    """The batch's rows (or only `row_nos`), in row order, every column of the feed."""
    names = [c.name for c in feed.columns]
    only = "" if row_nos is None else " and row_no = any(%(rows)s)"
    params = {"batch": batch_id, "rows": row_nos}
    if feed.format == "jsonl":
        table = RawTable("utf-8", names, [], lines=[])
        query = f"select row_no, line from raw.{feed.name} where batch_id = %(batch)s{only}"
        for number, line in conn.execute(query + " order by row_no", params):
            one = read_jsonl(feed, line.encode("utf-8"), limits)
            if one.broken:
                table.broken[len(table.rows)] = one.broken[0]
            table.rows.append((number, one.rows[0][1], one.rows[0][2]))
            table.lines.append(line)
        return table
    table = RawTable("stored", names, [])
    query = (
        f"select row_no, {', '.join(names)}, extra from raw.{feed.name} "
        f"where batch_id = %(batch)s{only}"
    )
    for number, *values, extra in conn.execute(query + " order by row_no", params):
        table.rows.append((number, values, extra or {}))
    return table
