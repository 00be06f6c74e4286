"""The DDL of the layers the loader owns: raw, checked, quarantine, audit (`sql/schema.sql`)
and one raw and one checked table per feed, made from the feed's columns."""

from __future__ import annotations

from importlib import resources

import psycopg

from zhuanhua.domain.feeds import FEEDS, NUMERIC_DIGITS, NUMERIC_SCALE, Feed, Kind

SQL_TYPES = {
    Kind.TEXT: "text",
    Kind.CODE: "text",
    Kind.DATE: "date",
    Kind.AMOUNT: f"numeric({NUMERIC_DIGITS}, {NUMERIC_SCALE})",
    Kind.DECIMAL: f"numeric({NUMERIC_DIGITS}, {NUMERIC_SCALE})",
    Kind.PATENT_NO: "text",
    Kind.TIMESTAMP: "timestamptz",
    Kind.JSON: "jsonb",
}


def ensure_schema(conn: psycopg.Connection) -> None:
    """Create what is missing; safe to run at every start (nothing is dropped).

    Parallel loads of one night all call this: an advisory lock lets one at a time through.
    """
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(hashtext('zhuanhua.ensure_schema'))")
        conn.execute(resources.files(__package__).joinpath("sql/schema.sql").read_text("utf-8"))
        for feed in FEEDS.values():
            conn.execute(raw_table_ddl(feed))
            conn.execute(checked_table_ddl(feed))
            conn.execute(checked_upgrade_ddl(feed))


def raw_columns(feed: Feed) -> list[str]:
    """JSON Lines keep each line as received; tables keep each cell as received."""
    if feed.format == "jsonl":
        return ["line"]
    return [*(c.name for c in feed.columns), "extra"]


def raw_table_ddl(feed: Feed) -> str:
    columns = ",\n".join(
        f"    {name} {'jsonb' if name == 'extra' else 'text'}" for name in raw_columns(feed)
    )
    return f"""
create table if not exists raw.{feed.name} (
    batch_id  bigint not null references raw.batch_ledger (batch_id),
    row_no    integer not null,
{columns},
    loaded_at timestamptz not null default now(),
    primary key (batch_id, row_no)
);
comment on table raw.{feed.name} is
    'Every row of every {feed.name} file version, as received (text).'"""


def checked_columns(feed: Feed) -> list[str]:
    return ["business_date", *feed.file_fields, *(c.name for c in feed.columns)]


def checked_table_ddl(feed: Feed) -> str:
    columns = ",\n".join(
        [
            *(f"    {name} text" for name in feed.file_fields),
            *(f"    {c.name} {SQL_TYPES[c.kind]}" for c in feed.columns),
        ]
    )
    return f"""
create table if not exists checked.{feed.name} (
    batch_id      bigint not null references raw.batch_ledger (batch_id),
    row_no        integer not null,
    business_date date not null,
{columns},
    checked_at    timestamptz not null default clock_timestamp(),
    primary key (batch_id, row_no)
);
comment on table checked.{feed.name} is
    'Rows of current {feed.name} file versions that passed the checks, typed.'"""


def checked_upgrade_ddl(feed: Feed) -> str:
    """`checked_at` (when a row passed: loaded or released) lets dbt models build
    incrementally; tables made before it existed get it, and only then (an ALTER locks)."""
    return f"""
do $$
begin
    if not exists (select 1 from information_schema.columns where table_schema = 'checked'
                   and table_name = '{feed.name}' and column_name = 'checked_at') then
        alter table checked.{feed.name}
            add column checked_at timestamptz not null default clock_timestamp();
    end if;
end
$$"""
