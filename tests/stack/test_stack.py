"""The production stack, started as the processes docker-compose.yml describes, driven through
Airflow's REST API as an operator would (zhuanhua.dev.stack says what is translated).

One stack for the module; the tests run in order and each continues where the last ended:
the cron timetable's own run, a triggered night on two Celery workers with one of them killed
mid-load, the asset-triggered build with the scheduler restarted mid-run, the monthly export,
a production backfill, and the steward's answer to a held file in Airflow's required actions.
The timings are written to the stack folder's `timings.json`.
"""

from __future__ import annotations

import json
import signal
import time
import urllib.error
from datetime import date
from pathlib import Path

import psycopg
import pytest

from tests.support import export_example
from tests.support.airflow_api import AirflowApi
from zhuanhua.dev.stack import AIRFLOW_SERVICES, WORKER, Stack
from zhuanhua.load.locks import LOCK_SPACE
from zhuanhua.ops import held_files

NIGHTLY, WAREHOUSE, MONTHLY = "zhuanhua_nightly", "zhuanhua_warehouse", "zhuanhua_export_monthly"
REVIEW = "zhuanhua_held_file_review"
NIGHT = date(2024, 2, 1)  # the triggered night: January's files and the 1st of February's
# Faster than production where a test would otherwise wait minutes: a dead worker's task is
# failed after 30 s without a heartbeat (Airflow's default is 300 s) and retried after 2 s.
TEST_SETTINGS = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "30",
    "ZHUANHUA_RETRY_DELAY_SECONDS": "2",
}
TIMINGS: dict[str, float] = {}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("stack")
    stack = Stack(folder, workers=2, landing=folder / "landing")
    stack.write_env_file(TEST_SETTINGS)
    # a CI timeout's SIGTERM still takes the stack down (the finally below)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        started = time.monotonic()
        stack.up()
        TIMINGS["stack up (s)"] = round(time.monotonic() - started, 1)
        yield stack
    finally:
        (folder / "timings.json").write_text(json.dumps(TIMINGS, indent=1))
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM must not cut it short
        stack.down()
        signal.signal(signal.SIGTERM, previous)
        assert not stack.running(), "processes of the stack were left behind"


def _interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="module")
def api(stack: Stack) -> AirflowApi:
    return AirflowApi(stack.api_url, *stack.login())


@pytest.fixture(scope="module")
def warehouse(stack: Stack):
    with psycopg.connect(stack.database.url("warehouse"), autocommit=True) as conn:
        yield conn


def test_every_service_is_healthy_by_its_compose_check_and_init_can_run_again(stack, api):
    for name in AIRFLOW_SERVICES:
        done = stack.healthcheck(name)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    for index in (1, 2):
        done = stack.healthcheck(WORKER, index)
        assert done.returncode == 0, f"worker {index}: {done.stdout}{done.stderr}"
    stack.run_init()  # idempotent: a second `docker compose up` runs it again
    assert api.call("GET", "/importErrors")["total_entries"] == 0
    plugins = api.call("GET", "/plugins")["plugins"]
    ours = [(p["name"], p["source"]) for p in plugins if "zhuanhua" in json.dumps(p)]
    # the steward console's one file; .airflowignore: the package is not loaded file by file
    assert ours == [("zhuanhua_steward_console", "$PLUGINS_FOLDER/zhuanhua_steward.py")]
    assert api.call("GET", "/plugins/importErrors")["total_entries"] == 0


def test_the_nightly_schedule_creates_its_own_run(stack, api):
    """Unpaused, the DAG's cron timetable creates the run that is due (no trigger)."""
    api.unpause(NIGHTLY)
    run = api.wait_for_run(NIGHTLY, 300)
    assert (run["run_type"], run["triggered_by"], run["state"]) == (
        "scheduled",
        "timetable",
        "success",
    )


def test_a_triggered_night_survives_a_killed_worker(stack, api, warehouse):
    delivered = _deliver(stack.landing, NIGHT)
    api.unpause(WAREHOUSE)
    started = time.monotonic()
    run_id = api.trigger(NIGHTLY, {"business_date": NIGHT.isoformat()})
    TIMINGS["triggered"] = started
    killed = _kill_the_worker_loading_contracts(stack, api, warehouse, run_id)
    run = api.wait_for_run(NIGHTLY, 420, run_id)
    TIMINGS["nightly run (s)"] = round(time.monotonic() - started, 1)
    assert run["state"] == "success"
    contracts = _task(api, NIGHTLY, run_id, "load_contracts")
    assert contracts["try_number"] >= 2
    assert contracts["hostname"] != killed  # retried on the worker that lived
    stack.start(WORKER, int(killed[-1]))  # compose's `restart: always`
    loaded = warehouse.execute(
        "select file_name, count(*) from raw.batch_ledger where status = 'loaded' group by 1"
    ).fetchall()
    assert dict(loaded) == dict.fromkeys(delivered, 1)  # every file exactly once
    balance = warehouse.execute(
        "select count(*) from raw.batch_ledger"
        " where rows_received <> rows_loaded + rows_quarantined + rows_held"
    ).fetchone()
    assert balance == (0,)


def test_the_feed_assets_start_the_build_which_survives_a_scheduler_restart(stack, api, warehouse):
    run = _first_run(api, WAREHOUSE, 120)
    assert run["run_type"] == "asset_triggered"
    _wait_until(lambda: _count(api, WAREHOUSE, run["dag_run_id"], "success") >= 10, 300)
    stack.kill("airflow-scheduler", how=signal.SIGTERM)
    stack.start("airflow-scheduler")
    run = api.wait_for_run(WAREHOUSE, 600, run["dag_run_id"])
    TIMINGS["trigger to marts built (s)"] = round(time.monotonic() - TIMINGS.pop("triggered"), 1)
    assert run["state"] == "success"
    built = warehouse.execute("select registration_no from marts.fct_technology_contract")
    assert {number for (number,) in built} == {
        row["合同登记号"]
        for day, rows in export_example.CONTRACTS.items()
        if day <= NIGHT
        for row in rows
        if row["登记状态"] == "登记"
    }
    hosts = {
        ti["hostname"]
        for dag_id in (NIGHTLY, WAREHOUSE)
        for r in api.runs(dag_id)
        for ti in api.task_instances(dag_id, r["dag_run_id"])
    }
    assert {"worker-1", "worker-2"} <= hosts
    TIMINGS.update(
        {
            f"tasks on {host}": sum(
                ti["hostname"] == host
                for dag_id in (NIGHTLY, WAREHOUSE)
                for r in api.runs(dag_id)
                for ti in api.task_instances(dag_id, r["dag_run_id"])
            )
            for host in ("worker-1", "worker-2")
        }
    )


def test_the_monthly_export_writes_its_files(stack, api):
    api.unpause(MONTHLY)
    run_id = api.trigger(MONTHLY, {"period": "202401"})
    run = api.wait_for_run(MONTHLY, 300, run_id)
    assert run["state"] == "success"
    exports = stack.folder / "volumes" / "zhuanhua-state" / "exports"
    written = [p.name for p in exports.rglob("*") if p.is_file() and "202401" in str(p)]
    assert written, f"nothing for 2024-01 under {exports}"


def test_a_production_backfill_is_airflows_own(stack, api, warehouse):
    """`airflow backfill create` (docs/operations.md): nights run by the scheduler in order."""
    api.call("PATCH", f"/dags/{WAREHOUSE}", {"is_paused": True})  # one build after, not two
    delivered = _deliver(stack.landing, date(2024, 2, 3))
    done = stack.airflow_cli(
        "backfill", "create", "--dag-id", NIGHTLY, "--from-date", "2024-02-03T02:00",
        "--to-date", "2024-02-04T02:00",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    _wait_until(lambda: _backfill_runs_ended(api) == 2, 300)
    runs = [r for r in api.runs(NIGHTLY) if r["run_type"] == "backfill"]
    assert [r["state"] for r in runs] == ["success", "success"]
    loaded = warehouse.execute(
        "select file_name from raw.batch_ledger where status = 'loaded'"
    ).fetchall()
    assert {name for (name,) in loaded} == set(delivered)


def test_the_steward_answers_a_held_file_in_airflows_required_actions(stack, api, warehouse):
    """The morning's review asks about each file held whole; only a user who may act on DAG
    runs can answer; the steward's answer is applied and recorded under the steward's name."""
    (batch_id,) = warehouse.execute(
        """insert into raw.batch_ledger (feed, file_name, file_url, size_bytes, sha256,
             business_date, status, rows_received, rows_held, error, started_at)
           values ('contracts', 'contracts_20240205.csv', 'file:///contracts_20240205.csv', 10,
                   'f00d', '2024-02-05', 'held', 10, 10, 'held whole: 9 of 10 rows fail', now())
           returning batch_id"""
    ).fetchone()
    logins = json.loads(
        (stack.airflow_home / "simple_auth_manager_passwords.json.generated").read_text()
    )
    api.unpause(REVIEW)  # the schedule's latest morning starts at once
    run_id = _first_run(api, REVIEW, 180)["dag_run_id"]
    _wait_until(lambda: _count(api, REVIEW, run_id, "awaiting_input") == 1, 240)
    answer = f"/dags/{REVIEW}/dagRuns/{run_id}/taskInstances/one_file.decide/0/hitlDetails"
    body = {"chosen_options": [held_files.REJECT], "params_input": {"reason": "请重报"}}
    with pytest.raises(urllib.error.HTTPError) as refused:
        AirflowApi(stack.api_url, "fenxi", logins["fenxi"]).call("PATCH", answer, body)
    assert refused.value.code == 403
    AirflowApi(stack.api_url, "steward", logins["steward"]).call("PATCH", answer, body)
    assert api.wait_for_run(REVIEW, 240, run_id)["state"] == "success"
    status, error = warehouse.execute(
        "select status, error from raw.batch_ledger where batch_id = %s", (batch_id,)
    ).fetchone()
    assert status == "rejected" and "steward" in error and "请重报" in error
    decided = warehouse.execute(
        "select decided_by, via, action, reason from audit.steward_decision where batch_id = %s",
        (batch_id,),
    ).fetchall()
    assert decided == [("steward", "airflow", "reject_file", "请重报")]


def _deliver(landing: Path, last: date) -> list[str]:
    export_example.deliver(landing, last)
    return sorted(p.name for p in landing.rglob("*") if p.is_file())


def _kill_the_worker_loading_contracts(stack, api, warehouse, run_id) -> str:
    """SIGKILL the worker whose load_contracts holds the feed's lock, before all its files are
    committed: the load is killed in the middle, with its first file's transaction open."""
    _wait_until(lambda: _task(api, NIGHTLY, run_id, "load_contracts")["state"] == "running", 180)
    host = _task(api, NIGHTLY, run_id, "load_contracts")["hostname"]
    _wait_until(lambda: _holds_lock(warehouse, "contracts"), 60, poll=0.05)
    stack.kill(WORKER, int(host[-1]))
    committed = warehouse.execute(
        "select count(*) from raw.batch_ledger where feed = 'contracts'"
    ).fetchone()[0]
    TIMINGS["contracts files committed when killed"] = committed
    assert committed < len(list((stack.landing / "contracts").iterdir()))
    return host


def _holds_lock(warehouse, feed: str) -> bool:
    held = warehouse.execute(
        "select count(*) from pg_locks where locktype = 'advisory' and granted"
        " and classid = hashtext(%s)::oid and objid = hashtext(%s)::oid",
        (LOCK_SPACE, feed),
    )
    return held.fetchone()[0] > 0


def _task(api, dag_id, run_id, task_id) -> dict:
    return next(t for t in api.task_instances(dag_id, run_id) if t["task_id"] == task_id)


def _count(api, dag_id, run_id, state) -> int:
    return sum(t["state"] == state for t in api.task_instances(dag_id, run_id))


def _first_run(api, dag_id, seconds) -> dict:
    _wait_until(lambda: bool(api.runs(dag_id)), seconds)
    return api.runs(dag_id)[0]


def _backfill_runs_ended(api) -> int:
    runs = [r for r in api.runs(NIGHTLY) if r["run_type"] == "backfill"]
    return sum(r["state"] in ("success", "failed") for r in runs)


def _wait_until(condition, seconds: float, poll: float = 1.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(poll)
    raise TimeoutError(f"not reached within {seconds:.0f} s: {condition}")
