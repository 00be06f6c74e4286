-- Landing-side schemas the Python loader owns; dbt owns staging, intermediate and marts.
create schema if not exists raw;
create schema if not exists checked;
create schema if not exists quarantine;
create schema if not exists audit;

-- The batch ledger: one row per file version received.
create table if not exists raw.batch_ledger (
    batch_id         bigint generated always as identity primary key,
    feed             text not null,
    file_name        text not null,
    file_url         text not null,
    size_bytes       bigint not null,
    sha256           text not null,
    business_date    date,
    encoding         text,
    status           text not null check (status in ('loaded', 'rejected', 'superseded')),
    rows_received    integer not null default 0,
    rows_loaded      integer not null default 0,
    rows_quarantined integer not null default 0,
    rows_warned      integer not null default 0,
    extra_columns    text[] not null default '{}',
    error            text,
    superseded_by    bigint references raw.batch_ledger (batch_id),
    started_at       timestamptz not null,
    finished_at      timestamptz not null default clock_timestamp(),
    unique (feed, file_name, sha256),
    -- nothing lost: every row of a loaded file is either loaded or quarantined
    check (status = 'rejected' or rows_received = rows_loaded + rows_quarantined)
);
comment on table raw.batch_ledger is 'One row per file version received (批次台账): counts, status, error of a file rejected whole.';

-- Rows a reject rule failed: kept with every reason until released or waived.
create table if not exists quarantine.held_row (
    id          bigint generated always as identity primary key,
    feed        text not null,
    batch_id    bigint not null references raw.batch_ledger (batch_id),
    row_no      integer not null,
    natural_key text,
    record      jsonb not null,
    failures    jsonb not null,
    status      text not null default 'held'
                check (status in ('held', 'released', 'waived', 'superseded')),
    first_seen  timestamptz not null default now(),
    last_seen   timestamptz not null default now(),
    unique (batch_id, row_no)
);
comment on table quarantine.held_row is 'Rows held back by the checks (隔离区), with every failed rule.';

-- Rows a warn rule flagged: loaded, and listed here for review.
create table if not exists quarantine.warning (
    batch_id bigint not null references raw.batch_ledger (batch_id),
    row_no   integer not null,
    rule     text not null,
    "column" text not null,
    message  text not null,
    primary key (batch_id, row_no, rule)
);

-- One summary per business date and feed, rewritten by each run of that date.
create table if not exists audit.nightly_feed_summary (
    business_date    date not null,
    feed             text not null,
    files            integer not null,
    files_rejected   integer not null,
    rows_received    integer not null,
    rows_loaded      integer not null,
    rows_quarantined integer not null,
    rows_warned      integer not null,
    duration_seconds numeric(12, 3) not null,
    run_id           text,
    recorded_at      timestamptz not null default now(),
    primary key (business_date, feed)
);
