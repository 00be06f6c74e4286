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
    status           text not null,
    rows_received    integer not null default 0,
    rows_loaded      integer not null default 0,
    rows_quarantined integer not null default 0,
    rows_held        integer not null default 0,
    rows_warned      integer not null default 0,
    extra_columns    text[] not null default '{}',
    batch_warnings   text[] not null default '{}',
    error            text,
    superseded_by    bigint references raw.batch_ledger (batch_id),
    started_at       timestamptz not null,
    finished_at      timestamptz not null default clock_timestamp(),
    unique (feed, file_name, sha256)
);
-- status: loaded; rejected (unreadable, no rows); held (too many bad rows: held whole);
-- superseded (a correction replaced it). Nothing lost: every row received is loaded,
-- quarantined, or held with its whole file.
-- Upgrades of an existing warehouse, each done only when missing: an ALTER takes an
-- exclusive lock even when it would change nothing, and would wait on every open reader.
do $$
begin
    if not exists (select 1 from information_schema.columns where table_schema = 'raw'
                   and table_name = 'batch_ledger' and column_name = 'rows_held') then
        alter table raw.batch_ledger add column rows_held integer not null default 0;
    end if;
    if not exists (select 1 from information_schema.columns where table_schema = 'raw'
                   and table_name = 'batch_ledger' and column_name = 'batch_warnings') then
        alter table raw.batch_ledger add column batch_warnings text[] not null default '{}';
    end if;
    if not exists (select 1 from information_schema.columns where table_schema = 'raw'
                   and table_name = 'batch_ledger' and column_name = 'landed_fingerprint') then
        -- the store's mark of the bytes (ETag, mtime): a night skips a file whose name, size
        -- and mark are already here without reading it again
        alter table raw.batch_ledger add column landed_fingerprint text;
    end if;
    if not exists (select 1 from pg_constraint where conname = 'batch_ledger_rows_check') then
        -- ledgers created before files could be held carry the narrower checks
        alter table raw.batch_ledger drop constraint if exists batch_ledger_status_check;
        alter table raw.batch_ledger drop constraint if exists batch_ledger_check;
        alter table raw.batch_ledger add constraint batch_ledger_status_check
            check (status in ('loaded', 'rejected', 'held', 'superseded'));
        alter table raw.batch_ledger add constraint batch_ledger_rows_check
            check (status = 'rejected'
                   or rows_received = rows_loaded + rows_quarantined + rows_held);
    end if;
end
$$;
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
    resolved_at timestamptz,
    waiver_reason text,
    unique (batch_id, row_no)
);
do $$
begin
    if not exists (select 1 from information_schema.columns where table_schema = 'quarantine'
                   and table_name = 'held_row' and column_name = 'waiver_reason') then
        alter table quarantine.held_row add column resolved_at timestamptz;
        alter table quarantine.held_row add column waiver_reason text;
    end if;
end
$$;
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
do $$
begin
    if not exists (select 1 from information_schema.columns where table_schema = 'audit'
                   and table_name = 'nightly_feed_summary' and column_name = 'late_files') then
        alter table audit.nightly_feed_summary
            add column late_files text[] not null default '{}',
            add column missing_files text[] not null default '{}',
            add column caught_up_on date;
    end if;
end $$;
comment on column audit.nightly_feed_summary.late_files is
    'Files of the business date not loaded when its night closed (迟到文件).';
comment on column audit.nightly_feed_summary.missing_files is
    'Those of them still not loaded (仍缺文件); empty once caught up.';
comment on column audit.nightly_feed_summary.caught_up_on is
    'The business date of the night that loaded the last late file (补齐日期).';

-- One row per night: when its loads and its warehouse build ran, and what the freshness
-- check found. `zhuanhua report --date D` prints it with the per-feed rows above.
create table if not exists audit.nightly_run (
    business_date      date primary key,
    loads_run_id       text,
    loads_started_at   timestamptz,
    loads_finished_at  timestamptz,
    build_run_id       text,
    build_finished_at  timestamptz,
    freshness_warnings text[] not null default '{}'
);
comment on table audit.nightly_run is 'Nightly run summary (每晚运行摘要): loads, build, freshness.';

-- Keyed hash of personal data (domain.md §12): people appear in the warehouse's models by
-- HMAC-SHA256 of a normalised identifier under a key kept here, never in clear. The key
-- is written once per warehouse by `zhuanhua` (see personal.py); only its pads are stored,
-- and the function runs with its owner's rights so readers of the marts never see them.
create schema if not exists private;
create table if not exists private.person_hash_key (
    one_row   boolean primary key default true check (one_row),
    inner_pad bytea not null check (length(inner_pad) = 64),
    outer_pad bytea not null check (length(outer_pad) = 64),
    created_at timestamptz not null default now()
);
comment on table private.person_hash_key is 'The HMAC pads of the key that hashes personal data (人员标识密钥). Never granted to readers.';
create or replace function private.person_key(value text) returns text
language sql stable security definer set search_path = pg_catalog, private
as $$
    select encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(value, 'UTF8'))), 'hex')
    from private.person_hash_key as k
    where value is not null
$$;
comment on function private.person_key(text) is 'HMAC-SHA256 (hex) of a normalised personal identifier under the warehouse key. 个人信息键控哈希';

-- Which county each county analyst's login sees (the marts' row security reads it).
create schema if not exists access;
create table if not exists access.county_login (
    login_name  text primary key,
    county_code text not null,
    created_at  timestamptz not null default now()
);
comment on table access.county_login is 'County analysts'' logins and the county-level division each may see. 区县用户';


-- Every version of the provincial feed written (exports never overwrite a version).
-- At most one loaded version of a file name per feed, whatever runs at once: a correction
-- and its original can never both stay loaded. Deferred, since a correction is inserted
-- before the version it replaces is marked superseded, in the same transaction.
do $$
begin
    if not exists (select 1 from pg_constraint where conname = 'batch_ledger_one_loaded_version') then
        alter table raw.batch_ledger add constraint batch_ledger_one_loaded_version
            exclude using btree (feed with =, file_name with =) where (status = 'loaded')
            deferrable initially deferred;
    end if;
end
$$;

-- Every whole-project dbt build or run (dbt's on-run-end hook writes it, whoever runs dbt):
-- an export compares the last successful one with the last load touching its period.
create table if not exists audit.warehouse_build (
    invocation_id text primary key,
    command       text not null,
    finished_at   timestamptz not null default now(),
    succeeded     boolean not null
);
comment on table audit.warehouse_build is 'Whole-project dbt builds (数仓构建记录), for freshness.';

create table if not exists audit.provincial_export (
    folder          text not null,
    region          text not null,
    period          text not null,
    version         integer not null,
    generated_at    timestamptz not null,
    manifest_sha256 text not null,
    changed_cells   integer not null default 0,
    waivers         jsonb not null default '[]',
    primary key (folder, region, period, version)
);
comment on table audit.provincial_export is 'Versions of the provincial statistics feed written (省级统计报送版本).';

-- The steward's decisions (release, waive, a held file released or rejected), one row per
-- row or file decided: who, when, through what, why, and its state before and after (status
-- and rules, never the row's values). Append-only: a trigger refuses every change.
create table if not exists audit.steward_decision (
    id           bigint generated always as identity primary key,
    decided_at   timestamptz not null default clock_timestamp(),
    decided_by   text not null,
    via          text not null check (via in ('console', 'cli', 'airflow', 'pipeline')),
    action       text not null
                 check (action in ('release', 'waive', 'release_file', 'reject_file')),
    reason       text,
    held_id      bigint,
    batch_id     bigint not null references raw.batch_ledger (batch_id),
    state_before jsonb not null,
    state_after  jsonb not null
);
create index if not exists steward_decision_held_id on audit.steward_decision (held_id);
comment on table audit.steward_decision is 'Data steward decisions (数据管理员处理记录), append-only.';
create or replace function audit.refuse_change() returns trigger language plpgsql as $$
begin
    raise exception '% is append-only: % refused', tg_table_name, tg_op;
end
$$;
create or replace trigger steward_decision_append_only
    before update or delete on audit.steward_decision
    for each row execute function audit.refuse_change();
create or replace trigger steward_decision_no_truncate
    before truncate on audit.steward_decision
    for each statement execute function audit.refuse_change();

-- Which rules held rows back, per feed and night: the rules and columns only, never the rows
-- or the messages (a message may quote a value). The data-quality dashboard reads it.
create or replace view audit.held_rule_failure as
select h.feed, b.business_date, h.status, f.failure ->> 'rule' as rule,
       f.failure ->> 'column' as rule_column
from quarantine.held_row as h
inner join raw.batch_ledger as b on h.batch_id = b.batch_id
cross join lateral jsonb_array_elements(h.failures) as f (failure);
comment on view audit.held_rule_failure is 'Rules that held rows back (未通过规则), without values.';
