-- Who may read and write what (docs/security.md), on the schemas the loader owns. The
-- group roles themselves are made by schema.sql; people and services log in as their own
-- roles, made members of these (`zhuanhua access ...`). Applied by `zhuanhua setup`; safe
-- to apply again. dbt grants the marts and sets their row security at each build.
-- Nobody but its owner may use a schema unless granted here.
revoke all on schema raw, checked, quarantine, audit, private, access from public;
revoke all on all tables in schema raw, checked, quarantine, audit, private, access from public;
revoke execute on function private.person_key(text) from public;

-- loader: lands files (raw, ledger, checked, quarantine, the night's summary).
grant usage on schema raw, checked, quarantine, audit to loader;
grant select, insert, update, delete on all tables in schema raw, checked, quarantine, audit
    to loader;

-- transformer (dbt): reads the checked rows and the ledger, builds the dbt schemas,
-- hashes persons.
grant usage on schema checked, raw to transformer;
grant select on all tables in schema checked to transformer;
grant select on raw.batch_ledger to transformer;
grant usage on schema audit to transformer;
grant select, insert on audit.warehouse_build to transformer;
grant usage on schema private to transformer;
grant execute on function private.person_key(text) to transformer;
grant usage on schema access to transformer;
grant select on access.county_login to transformer;

-- steward: reads raw rows (the only role that sees persons in clear), releases and waives.
grant usage on schema raw, checked, quarantine, audit to steward;
grant select on all tables in schema raw, checked, quarantine, audit to steward;
grant insert on all tables in schema checked to steward;
grant update on raw.batch_ledger, quarantine.held_row to steward;
grant insert on audit.steward_decision to steward;

-- county analysts look up their own county (row security on the marts uses this table),
-- and see only their own login row: not the other logins and their counties.
grant usage on schema access to county_analyst;
grant select on access.county_login to county_analyst;
alter table access.county_login enable row level security;
drop policy if exists own_login on access.county_login;
create policy own_login on access.county_login for select to county_analyst
    using (login_name = current_user);
drop policy if exists every_login on access.county_login;
create policy every_login on access.county_login for select to transformer using (true);

-- analyst: reads the marts (granted by dbt) and how the loads went, with no row or value
-- (the data-quality dashboard)
grant usage on schema audit to analyst;
grant select on audit.nightly_feed_summary, audit.held_rule_failure to analyst;

-- exporter: reads the marts (granted by dbt), which files fed them, and records its versions.
grant usage on schema raw, audit to exporter;
grant select on raw.batch_ledger to exporter;
grant select, insert on audit.provincial_export to exporter;
grant select on audit.warehouse_build, audit.nightly_run to exporter;
-- when the steward last released a row (never the row: it may hold persons in clear)
grant usage on schema quarantine to exporter;
grant select (batch_id, status, resolved_at) on quarantine.held_row to exporter;
