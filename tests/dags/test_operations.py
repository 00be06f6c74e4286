"""Seven nights of one generated week, three ways, each ending in the same marts:

* on time: seven nightly runs (loads, then the build their assets trigger);
* a backfill of the seven days (`zhuanhua backfill`): the loads in order, one build;
* late loans files: the night without them completes and reports them late, the next night
  loads them while its warehouse database is restarted in the middle of that load, and
  the last nights catch up.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest

from tests.support.alert_inbox import AlertInbox
from tests.support.cli import zhuanhua_cli
from tests.support.warehouse import empty_warehouse
from zhuanhua.audit.report import fetch, fetch_run
from zhuanhua.build import dbt
from zhuanhua.dev.synth import generate
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.load.connection import connect
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.ops.orchestrate import LOADS_DAG, WAREHOUSE_DAG, run_chain, run_nightly
from zhuanhua.ops.steps import load_feed, prepare_warehouse
from zhuanhua.read.landing import Landing

DAYS = [date(2024, 6, 3) + timedelta(days=n) for n in range(7)]
LATE_DAY, CATCH_UP_NIGHT = DAYS[2], DAYS[3]


@pytest.fixture(scope="module", autouse=True)
def quick_retries():
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHUANHUA_RETRY_DELAY_SECONDS", "2")
        patch.setenv("ZHUANHUA_HOLD_SHARE", "1")
        yield


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> Path:
    landing = tmp_path_factory.mktemp("week")
    generate(str(landing), DAYS[0], len(DAYS), seed=31, defect_rate=0.03)
    return landing


def nights(days: list[date]) -> list[tuple[str, date]]:
    return [step for day in days for step in ((LOADS_DAG, day), (WAREHOUSE_DAG, day))]


def assert_all_succeeded(results, steps: int) -> None:
    assert len(results) == steps
    failed = [(r.dag_id, str(r.business_date), r.state) for r in results if r.state != "success"]
    assert failed == [], f"see {results[-1].log_file}"


WHEN_LOADED = {"checked_at"}  # when a row was checked: a fact of the run, not of the data


def marts_state(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """Every marts table's rows, sorted; a batch id stands for its file (name and hash),
    since file versions loaded in another order get other ids."""
    tables = [
        t
        for (t,) in conn.execute(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and table_type = 'BASE TABLE' order by 1"
        )
    ]
    state = {}
    for table in tables:
        columns = [
            c
            for (c,) in conn.execute(
                """select column_name from information_schema.columns
               where table_schema = 'marts' and table_name = %s order by ordinal_position""",
                (table,),
            )
            if c not in WHEN_LOADED
        ]
        select = ", ".join(
            "(select file_name || ' ' || sha256 from raw.batch_ledger b "
            "where b.batch_id = t.batch_id)"
            if c == "batch_id"
            else f't."{c}"'
            for c in columns
        )
        rows = conn.execute(f"select {select} from marts.{table} t").fetchall()
        state[table] = sorted(rows, key=repr)
    return state


def assert_same_marts(state: dict, expected: dict) -> None:
    assert sorted(state) == sorted(expected)
    for table, rows in expected.items():
        assert state[table] == rows, f"marts.{table} differs"
    assert sum(map(len, expected.values())) > 0


@pytest.fixture(scope="module")
def on_time(settings, airflow_ready, week) -> dict:
    """Seven nightly runs of the week, on time: the marts they leave."""
    example = dataclasses.replace(settings, landing=str(week))
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
    heard: dict[str, list[tuple]] = {}
    results = run_chain(
        example,
        nights(DAYS),
        "on-time",
        lambda label, *state: heard.setdefault(label, []).append(state),
    )
    assert_all_succeeded(results, 2 * len(DAYS))
    _assert_progress_followed_every_task(heard, results)
    with connect(settings) as conn:
        assert fetch_run(conn, DAYS[-1])["freshness_warnings"] == []
        return marts_state(conn)


def _assert_progress_followed_every_task(heard: dict, results) -> None:
    """`zhuanhua run`'s bars: each run heard from Airflow's task states, ending complete,
    with a task named as running on the way."""
    assert sorted(heard) == sorted(f"{r.dag_id} {r.business_date}" for r in results)
    for result in results:
        done, total, _ = heard[f"{result.dag_id} {result.business_date}"][-1]
        assert done == total >= len(result.tasks)  # mapped tasks count each instance
    running = [detail for states in heard.values() for (_, _, detail) in states if detail]
    assert any("load_contracts" in detail for detail in running)


def test_a_backfill_of_seven_days_equals_seven_nightly_runs(settings, on_time, week):
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
    done = zhuanhua_cli(
        "backfill",
        "--start",
        str(DAYS[0]),
        "--end",
        str(DAYS[-1]),
        env={"ZHUANHUA_LANDING": str(week)},
    )
    assert done.returncode == 0, done.stderr
    ran = [
        [word.rstrip(":") for word in line.split()[:3]]
        for line in done.stdout.splitlines()
        if " for 2024-" in line
    ]
    assert ran == [[LOADS_DAG, "for", str(day)] for day in DAYS] + [
        [WAREHOUSE_DAG, "for", str(DAYS[-1])]
    ]
    with connect(settings) as conn:
        assert_same_marts(marts_state(conn), on_time)
    first = zhuanhua_cli("report", "--date", str(DAYS[0]))
    assert f"built with these loads by the build of the night of {DAYS[-1]}" in first.stdout


@pytest.fixture
def second_warehouse(settings, tmp_path):
    """A warehouse on a server of its own, which the test may restart: Airflow's metadata
    stays on the suite's server, as a production warehouse has its own server too."""
    server = EmbeddedServer(tmp_path / "second")
    second = dataclasses.replace(settings, warehouse_url=server.start())
    with connect(settings) as main, connect(second) as conn:
        prepare_warehouse(conn, second)  # then the main warehouse's key for persons' hashes
        pads = main.execute("select inner_pad, outer_pad from private.person_hash_key").fetchone()
        conn.execute("update private.person_hash_key set inner_pad = %s, outer_pad = %s", pads)
    try:
        yield second, server
    finally:
        server.stop()


@pytest.fixture
def inbox(monkeypatch):
    receiver = AlertInbox()
    monkeypatch.setenv("AIRFLOW_CONN_ZHUANHUA_ALERT_WEBHOOK", receiver.webhook_connection)
    yield receiver
    receiver.close()


def test_a_late_file_and_a_restarted_database_end_in_the_on_time_marts(
    on_time, week, tmp_path, second_warehouse, inbox
):
    target, server = second_warehouse
    landing = tmp_path / "landing"
    shutil.copytree(week, landing)
    late = [
        p
        for p in (landing / FEEDS["loans"].folder).iterdir()
        if FEEDS["loans"].business_date(p.name) == LATE_DAY
    ]
    assert late
    held_back = tmp_path / "held-back"
    held_back.mkdir()
    for path in late:
        path.rename(held_back / path.name)
    target = dataclasses.replace(target, landing=str(landing))
    loans_feed = FEEDS["loans"]
    expected_late = sorted(
        loans_feed.file_path(LATE_DAY, bank_code=loans_feed.fields_from_name(p.name)["bank_code"])
        for p in late
    )

    # the night without the file completes, reports it late and warns
    steps = [(LOADS_DAG, DAYS[0]), (LOADS_DAG, DAYS[1]), *nights([LATE_DAY])]
    assert_all_succeeded(run_chain(target, steps, "late-file"), len(steps))
    with connect(target) as conn:
        loans = {r["feed"]: r for r in fetch(conn, LATE_DAY)}["loans"]
        assert [f.split()[0] for f in loans["late_files"]] == expected_late
        assert loans["missing_files"] == loans["late_files"]
        warnings = fetch_run(conn, LATE_DAY)["freshness_warnings"]
        assert len(warnings) == len(late) and all("loans" in w for w in warnings)
    alerts = [a for a in inbox.received if a["level"] == "late"]
    assert len(alerts) == 1 and expected_late[0] in alerts[0]["text"]
    assert "what to do" in alerts[0]["text"]
    report = zhuanhua_cli(
        "report", "--date", str(LATE_DAY), env={"ZHUANHUA_WAREHOUSE_URL": target.warehouse_url}
    )
    assert f"LATE loans: {expected_late[0]}" in report.stdout and "still missing" in report.stdout

    # the file arrives; the next night's load is cut off mid-COPY by a restart
    for path in late:
        (held_back / path.name).rename(path)
    results = _night_with_restart(target, server, CATCH_UP_NIGHT, landing)
    assert_all_succeeded(results, 2)
    assert results[0].tries["load_loans"] >= 2  # the cut-off try failed, a retry loaded
    with connect(target) as conn:
        _assert_every_file_loaded_once(conn, landing, CATCH_UP_NIGHT)
        loans = {r["feed"]: r for r in fetch(conn, LATE_DAY)}["loans"]
        assert loans["missing_files"] == [] and loans["caught_up_on"] == str(CATCH_UP_NIGHT)
        assert fetch_run(conn, CATCH_UP_NIGHT)["freshness_warnings"] == []
    assert not [a for a in inbox.received if a["level"] == "failure"]  # the retry cured it

    # the last nights, and the warehouse is the on-time one
    steps = [*((LOADS_DAG, day) for day in DAYS[4:]), (WAREHOUSE_DAG, DAYS[-1])]
    assert_all_succeeded(run_chain(target, steps, "catch-up"), len(steps))
    with connect(target) as conn:
        assert_same_marts(marts_state(conn), on_time)


def _night_with_restart(target, server: EmbeddedServer, night: date, landing: Path):
    """Run the night and restart the server while its loans load is inside the transaction
    of its chunk of files, after the first file's ledger entry is written in it.

    The test holds an uncommitted ledger row of the second file (as a concurrent load of
    the same file would), so the loader's own ledger insert for it waits; the restart then
    ends both transactions, and the first file, written but not committed, goes with them.
    """
    files = [
        f for f in Landing(str(landing)).files(FEEDS["loans"], night) if f.business_date == LATE_DAY
    ]
    second = files[1]
    digest = Landing(str(landing)).fetch(second, target.limits.file_bytes).sha256
    blocker = psycopg.connect(target.warehouse_url)
    blocker.execute(
        """insert into raw.batch_ledger (feed, file_name, file_url, size_bytes, sha256,
                                         business_date, status, started_at)
           values ('loans', %s, %s, 0, %s, %s, 'rejected', now())""",
        (second.name, second.url, digest, second.business_date),
    )
    outcome: dict = {}
    runner = threading.Thread(target=lambda: outcome.update(results=run_nightly(target, night)))
    runner.start()
    try:
        _wait_for_insert_into(target.warehouse_url, "raw.batch_ledger")
        loaded = _loaded_files(target.warehouse_url)
        assert not {files[0].name, second.name} & loaded  # a chunk commits whole or not at all
        server.stop()
    finally:
        blocker.close()
    time.sleep(1)
    server.start()
    runner.join(timeout=600)
    return outcome["results"]


def _loaded_files(url: str) -> set[str]:
    with psycopg.connect(url) as conn:
        return {
            name
            for (name,) in conn.execute(
                "select file_name from raw.batch_ledger where status = 'loaded'"
            )
        }


def _wait_for_insert_into(url: str, table: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as watcher:
        while time.monotonic() < deadline:
            if watcher.execute(
                """select 1 from pg_stat_activity where wait_event_type = 'Lock'
                       and query ilike %s""",
                (f"%insert into {table}%",),
            ).fetchone():
                return
            time.sleep(0.05)
    raise AssertionError(f"no load waited to insert into {table}")


def _assert_every_file_loaded_once(conn: psycopg.Connection, landing: Path, night: date) -> None:
    files = {
        p.name
        for p in landing.rglob("*")
        if p.is_file()
        and any(
            f.business_date(p.name) and f.business_date(p.name) <= night for f in FEEDS.values()
        )
    }
    loaded = conn.execute(
        """select file_name, count(*), sum(rows_received), sum(rows_loaded),
                  sum(rows_quarantined)
           from raw.batch_ledger where status = 'loaded' group by file_name"""
    ).fetchall()
    assert {name for name, *_ in loaded} == files
    for name, versions, received, rows_loaded, quarantined in loaded:
        assert versions == 1, name
        assert received == rows_loaded + quarantined, name
    for feed in FEEDS:
        raw, ledger = conn.execute(
            f"""select (select count(*) from raw.{feed}),
                       (select coalesce(sum(rows_received), 0) from raw.batch_ledger
                        where feed = %s and status = 'loaded')""",
            (feed,),
        ).fetchone()
        assert raw == ledger, feed


def test_the_week_delivered_in_reverse_ends_in_the_on_time_marts(settings, on_time, week, tmp_path):
    """sources.md: files may arrive out of order and the warehouse must end as if in order.
    Each day's files land only after the later days' have loaded (patent events before their
    patents, 变更 before their 登记), under the strict default hold share."""
    reverse = dataclasses.replace(settings, landing=str(tmp_path), hold_share=0.2)
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
    for day in reversed(DAYS):
        for feed in FEEDS.values():
            (tmp_path / feed.folder).mkdir(exist_ok=True)
            for path in (week / feed.folder).iterdir():
                if feed.business_date(path.name) == day:
                    shutil.copy(path, tmp_path / feed.folder / path.name)
        for feed in ("contracts", "loans", "patents", "patent_events"):
            loaded = load_feed(feed, day, reverse)
            assert {f["status"] for f in loaded["files"]} <= {"loaded"}, loaded
    dbt.build(reverse)
    with connect(settings) as conn:
        assert_same_marts(marts_state(conn), on_time)
