"""Run the nightly chain for business dates through Airflow, as the operator commands do.

A night is the loads DAG and then, as its assets would trigger it, the warehouse DAG; a
backfill loads each date in order and builds once at the end, as the scheduler does when
several nights' asset events wait for one build. Airflow reads its configuration when it is
imported, so the runs happen in a child process started with the project's Airflow
environment; its full log goes to a file and the parent reports the outcomes.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from zhuanhua.errors import RunFailed
from zhuanhua.load.connection import other_database, warehouse_url
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.ops.dates import logical_date_for
from zhuanhua.ops.lineage import lineage_env
from zhuanhua.ops.warehouse_group import WAREHOUSE_GROUP
from zhuanhua.progress import Progress
from zhuanhua.settings import PROJECT_ROOT, TIMEZONE, Settings, load_settings, venv_command

LOADS_DAG = "zhuanhua_nightly"
POLL_SECONDS = 1.0  # how often the parent reads the runs' task states
WAREHOUSE_DAG = "zhuanhua_warehouse"


@dataclass(frozen=True)
class RunResult:
    dag_id: str
    business_date: date
    state: str
    tasks: dict[str, str]
    log_file: Path
    tries: dict[str, int]
    seconds: float  # first task's start to last task's end
    dbt_seconds: float  # the same for the dbt tasks (Cosmos' task group), 0 without them


# Airflow's logins (simple auth manager; passwords generated into AIRFLOW_HOME at the API
# server's first start): an administrator, the data steward (the op role, see
# Settings.steward_roles) and an analyst who may look without deciding
AIRFLOW_USERS = "admin:admin,steward:op,fenxi:viewer"


def airflow_env(settings: Settings) -> dict[str, str]:
    """Airflow pointed at the project's DAGs, a metadata DB beside the warehouse, 2-core sizes."""
    url = warehouse_url(settings)
    metadata = settings.airflow_metadata_url or metadata_url(url)
    return {
        "AIRFLOW_HOME": str(settings.airflow_home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(settings.dags_folder),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(PROJECT_ROOT / "plugins"),  # the steward console
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",
        "AIRFLOW__CORE__DEFAULT_TIMEZONE": TIMEZONE,
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
        "AIRFLOW__API__WORKERS": "1",
        "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": AIRFLOW_USERS,
        "ZHUANHUA_HOME": str(settings.home),
        "ZHUANHUA_STEWARD_ROLES": ",".join(settings.steward_roles),
        "ZHUANHUA_LANDING": settings.landing,
        "ZHUANHUA_REGION": settings.region,
        "ZHUANHUA_WAREHOUSE_URL": url,
        "NO_COLOR": "1",
        "AIRFLOW__COSMOS__ENABLE_TELEMETRY": "False",  # no calls out of the bureau's network
        **lineage_env(settings),
    }


def metadata_url(warehouse: str) -> str:
    """The `airflow` database on the warehouse's server, in SQLAlchemy's psycopg2 form."""
    return other_database(warehouse, "airflow", scheme="postgresql+psycopg2")


def libpq_form(sqlalchemy_url: str) -> str:
    """Airflow's metadata URL (SQLAlchemy's `postgresql+psycopg2://`) as psycopg takes it."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", sqlalchemy_url)


def prepare_airflow(settings: Settings) -> None:
    """Create or upgrade Airflow's metadata database (idempotent)."""
    env = {**os.environ, **airflow_env(settings)}
    settings.airflow_home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [airflow_executable(), "db", "migrate"], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RunFailed("airflow db migrate failed:\n" + done.stderr.strip()[-2000:])


def check_ready(settings: Settings) -> None:
    """Say what to do when the warehouse or Airflow's metadata were never set up, rather than
    letting Airflow fail deep in its log (`relation "task_instance" does not exist`)."""
    server = EmbeddedServer(settings.home)
    if not settings.warehouse_url and not server.is_running():
        raise RunFailed(
            f"the embedded warehouse in {settings.home} is not running: run `zhuanhua setup` "
            "(first time) or `zhuanhua db start`"
        )
    metadata = airflow_env(settings)["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    url = libpq_form(metadata)
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            migrated = conn.execute("select to_regclass('task_instance')").fetchone()[0]
    except psycopg.OperationalError as exc:
        raise RunFailed(
            f"Airflow's metadata database cannot be reached ({str(exc).strip().splitlines()[0]}): "
            "run `zhuanhua setup` first, or check AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"
        ) from None
    if migrated is None:
        raise RunFailed(
            f"Airflow's metadata database ({urlsplit(url).path.lstrip('/')}) is not set up: "
            "run `zhuanhua setup` first"
        )


def run_nightly(
    settings: Settings, business_date: date, on_progress: Progress | None = None
) -> list[RunResult]:
    """The loads of `business_date`, then the build; replaces earlier runs of that date."""
    return run_chain(
        settings,
        [(LOADS_DAG, business_date), (WAREHOUSE_DAG, business_date)],
        f"nightly-{business_date}",
        on_progress,
    )


def backfill(
    settings: Settings, first: date, last: date, on_progress: Progress | None = None
) -> list[RunResult]:
    """The loads of every date from `first` to `last` in order, then one build."""
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    return run_chain(
        settings,
        [*((LOADS_DAG, day) for day in days), (WAREHOUSE_DAG, last)],
        f"backfill-{first}-{last}",
        on_progress,
    )


def run_chain(
    settings: Settings,
    steps: list[tuple[str, date]],
    name: str,
    on_progress: Progress | None = None,
) -> list[RunResult]:
    """Run the DAG runs in order in one child process; it stops at the first that fails.

    The child logs to a file; `on_progress` hears each run's task states as Airflow records
    them, so the operator sees which task of which night is running."""
    check_ready(settings)
    logs = settings.home / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_file = logs / f"{name}.log"
    result_file = logs / f"{name}.json"
    result_file.unlink(missing_ok=True)
    env = {**os.environ, **airflow_env(settings)}
    plan = json.dumps([[dag_id, day.isoformat()] for dag_id, day in steps])
    started = datetime.now(UTC)
    with log_file.open("w") as log:
        child = subprocess.Popen(
            [sys.executable, "-m", "zhuanhua.ops.orchestrate", plan, str(result_file)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            if on_progress is None:
                child.wait()
            else:
                metadata = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
                _watch(child, steps, metadata, started, on_progress)
        finally:  # never leave the runs going unwatched (an interrupt, a lost metadata DB)
            if child.poll() is None:
                child.terminate()
                child.wait()
    if not result_file.exists():
        raise RunFailed(f"the DAG runs ({name}) did not finish; see {log_file}")
    return [
        RunResult(
            r["dag_id"],
            date.fromisoformat(r["business_date"]),
            r["state"],
            r["tasks"],
            log_file,
            r["tries"],
            r["seconds"],
            r["dbt_seconds"],
        )
        for r in json.loads(result_file.read_text())
    ]


ENDED = ("success", "failed", "skipped", "upstream_failed", "removed")
_TASK_STATES = """
    select ti.task_id || '[' || ti.map_index || ']', coalesce(ti.state, 'none')
    from task_instance ti
    where ti.run_id = (select run_id from dag_run where dag_id = %s and logical_date = %s
                         and run_after >= %s order by id desc limit 1)
      and ti.dag_id = %s
"""


def _watch(
    child: subprocess.Popen,
    steps: list[tuple[str, date]],
    metadata: str,
    started: datetime,
    on_progress: Progress,
) -> None:
    """Read the runs' task states from Airflow's metadata database until the child ends."""
    with psycopg.connect(libpq_form(metadata), autocommit=True) as conn:
        while True:
            ended = child.poll() is not None
            for dag_id, day in steps:
                states = dict(
                    conn.execute(
                        _TASK_STATES, (dag_id, logical_date_for(day), started, dag_id)
                    ).fetchall()
                )
                if states:
                    running = sorted(
                        {t.rsplit("[", 1)[0] for t, state in states.items() if state == "running"}
                    )
                    done = sum(state in ENDED for state in states.values())
                    on_progress(f"{dag_id} {day}", done, len(states), ", ".join(running))
            if ended:
                return
            time.sleep(POLL_SECONDS)


def airflow_executable() -> str:
    return venv_command("airflow")


def _child(plan: list[list[str]], result_file: Path) -> None:
    # lazy: Airflow reads its configuration at import, so only the child process that the
    # parent started with the project's Airflow environment may import it
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(load_settings().dags_folder))  # an entry point: python -m
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    results = []
    for dag_id, day in plan:
        run = bag.dags[dag_id].test(
            logical_date=logical_date_for(date.fromisoformat(day)), run_conf={"business_date": day}
        )
        instances = run.get_task_instances()
        results.append(
            {
                "dag_id": dag_id,
                "business_date": day,
                "state": str(run.state),
                "tasks": {ti.task_id: str(ti.state) for ti in instances},
                "tries": {ti.task_id: ti.try_number for ti in instances},
                "seconds": _span(instances),
                "dbt_seconds": _span(
                    [ti for ti in instances if ti.task_id.startswith(f"{WAREHOUSE_GROUP}.")]
                ),
            }
        )
        result_file.write_text(json.dumps(results))
        if str(run.state) != "success":
            break


def _span(instances) -> float:
    ran = [ti for ti in instances if ti.start_date and ti.end_date]
    if not ran:
        return 0.0
    return (max(ti.end_date for ti in ran) - min(ti.start_date for ti in ran)).total_seconds()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("plan", type=json.loads, help='[["dag_id", "YYYY-MM-DD"], ...]')
    parser.add_argument("result_file", type=Path)
    arguments = parser.parse_args()
    _child(arguments.plan, arguments.result_file)
