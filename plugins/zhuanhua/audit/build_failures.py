"""The rows behind a failed warehouse build: what the operator's alert shows.

dbt keeps each data test's failing rows in a table of schema `test_failures` (config
`store_failures` in dbt_project.yml), rewritten whenever the test runs: after a failed build
the tables with rows are the tests that failed (or, for a test skipped since, last failed).
Values of columns that may name a person are masked: the alert leaves the warehouse.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

SCHEMA = "test_failures"
SHOWN_ROWS = 3
PERSONAL = re.compile(r"name|id_no|identity|person", re.IGNORECASE)


@dataclass(frozen=True)
class FailingTest:
    test: str
    rows: int
    sample: tuple[dict[str, str], ...]

    def text(self) -> str:
        shown = "; ".join(", ".join(f"{k}={v}" for k, v in row.items()) for row in self.sample)
        return f"{self.test}: {self.rows} failing row(s): {shown}"


def dbt_test_names(manifest: Path) -> dict[str, str]:
    """Each test's table (its alias: dbt shortens a long name with a hash) → its full name."""
    try:
        nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"].values()
    except (OSError, ValueError, KeyError):
        return {}
    return {n["alias"]: n["name"] for n in nodes if n.get("resource_type") == "test"}


def failing_tests(
    conn: psycopg.Connection, names: dict[str, str] | None = None, limit: int = 10
) -> list[FailingTest]:
    """The tests with failing rows, each with its count and first rows (personal masked);
    `names` (from `dbt_test_names`) gives a shortened table its test's full name."""
    tables = [
        name
        for (name,) in conn.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s order by table_name",
            (SCHEMA,),
        )
    ]
    if names:  # a table of a test the project no longer has is stale: leave it out
        tables = [t for t in tables if t in names]
    found = []
    for table in tables:
        relation = sql.Identifier(SCHEMA, table)
        (count,) = conn.execute(sql.SQL("select count(*) from {}").format(relation)).fetchone()
        if not count:
            continue
        cursor = conn.execute(
            sql.SQL("select * from {} limit {}").format(relation, sql.Literal(SHOWN_ROWS))
        )
        columns = [c.name for c in cursor.description]
        sample = tuple(
            {c: "***" if PERSONAL.search(c) else str(v) for c, v in zip(columns, row, strict=True)}
            for row in cursor.fetchall()
        )
        found.append(FailingTest((names or {}).get(table, table), count, sample))
        if len(found) == limit:
            break
    return found
