"""The nightly DAG, run by Airflow's dag.test() against the real warehouse."""

import dataclasses
import json
from datetime import date, timedelta

import pytest

from tests.support import poison
from tests.support.cli import zhuanhua_cli
from zhuanhua.audit.report import fetch, fetch_run
from zhuanhua.build.dbt import docs_site
from zhuanhua.dev.synth import generate
from zhuanhua.ops import lineage
from zhuanhua.ops.dates import logical_date_for
from zhuanhua.ops.lineage import events_file

DAY = date(2024, 6, 3)


@pytest.fixture(autouse=True)
def hold_no_file(monkeypatch):
    """These tests inject defects into small files; held files are tested in test_quarantine."""
    monkeypatch.setenv("ZHUANHUA_HOLD_SHARE", "1")


def dag_named(dag_id: str):
    from airflow.dag_processing.dagbag import DagBag

    from zhuanhua.settings import load_settings

    return DagBag(str(load_settings().dags_folder)).dags[dag_id]


def states_of(run) -> dict[str, str]:
    return {ti.task_id: str(ti.state) for ti in run.get_task_instances()}


def asset_events_of(run_id: str) -> dict[str, dict]:
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.settings import Session
    from sqlalchemy import select

    with Session() as session:
        rows = session.execute(
            select(AssetModel.name, AssetEvent.extra)
            .join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetEvent.source_run_id == run_id)
        ).all()
    return {name: extra for name, extra in rows}


def test_dag_test_of_the_whole_nightly_chain(airflow_ready, warehouse, landing):
    events_file(airflow_ready).unlink(missing_ok=True)  # this run's lineage events only
    generate(str(landing), DAY, 2, seed=21, defect_rate=0.05)
    night = date(2024, 6, 4)
    conf = {"business_date": night.isoformat()}
    loads = dag_named("zhuanhua_nightly").test(logical_date=logical_date_for(night), run_conf=conf)
    assert str(loads.state) == "success"
    assert states_of(loads) == {
        "load_contracts": "success",
        "load_loans": "success",
        "load_patents": "success",
        "load_patent_events": "success",
        "build_data_docs": "success",
        "close_loads": "success",
    }
    events = asset_events_of(loads.run_id)
    assert set(events) == {
        "checked_contracts",
        "checked_loans",
        "checked_patents",
        "checked_patent_events",
    }
    assert {extra["business_date"] for extra in events.values()} == {"2024-06-04"}

    build = dag_named("zhuanhua_warehouse").test(
        logical_date=logical_date_for(night), run_conf=conf
    )
    assert str(build.state) == "success"
    states = states_of(build)
    dbt_tasks = {task for task in states if task.startswith("build_warehouse.")}
    assert {
        "build_warehouse.dbt_producer_watcher",
        "build_warehouse.fct_conversion_chain.run",
        "build_warehouse.fct_conversion_chain.test",
    } <= dbt_tasks  # one per model
    assert {states.pop(task) for task in dbt_tasks} == {"success"}
    assert states == {
        "check_freshness": "success",
        "record_build": "success",
        "document_warehouse": "success",
    }
    page = docs_site(airflow_ready) / "index.html"
    assert "fct_conversion_chain" in page.read_text("utf-8")
    assert set(asset_events_of(build.run_id)) == {"warehouse_marts"}

    summary = {row["feed"]: row for row in fetch(warehouse, night)}
    assert set(summary) == {"contracts", "loans", "patents", "patent_events"}
    for feed, row in summary.items():
        ledger = warehouse.execute(
            """select count(*), coalesce(sum(rows_received), 0), coalesce(sum(rows_loaded), 0),
                      coalesce(sum(rows_quarantined), 0)
               from raw.batch_ledger where business_date = '2024-06-04' and feed = %s""",
            (feed,),
        ).fetchone()
        assert (
            row["files"],
            row["rows_received"],
            row["rows_loaded"],
            row["rows_quarantined"],
        ) == ledger
        assert row["late_files"] == []
    assert summary["contracts"]["files"] == 1 and summary["patents"]["files"] == 1
    run = fetch_run(warehouse, night)
    assert run["loads_run_id"] == loads.run_id and run["build_run_id"] == build.run_id
    assert run["freshness_warnings"] == []
    # the earlier day's files, not loaded before, were picked up too
    days = warehouse.execute("select distinct business_date from raw.batch_ledger").fetchall()
    assert sorted(d for (d,) in days) == [DAY, night]
    facts = warehouse.execute("select count(*) from marts.fct_technology_contract").fetchone()[0]
    assert facts > 0
    from zhuanhua.check.suite import data_docs_index

    assert "contracts" in data_docs_index(airflow_ready.gx_state).read_text(encoding="utf-8")
    _lineage_follows_a_file_to_the_marts(airflow_ready)


def _lineage_follows_a_file_to_the_marts(settings) -> None:
    """OpenLineage's events (a local file): the contracts file into its load task, the load
    task into checked.contracts, and the dbt producer from checked.contracts to the marts."""
    events = [
        json.loads(line)
        for line in events_file(settings).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    completes = {
        e["job"]["name"]: e
        for e in events
        if e["eventType"] == "COMPLETE" and e["job"]["namespace"] == lineage.NAMESPACE
    }
    load = completes["zhuanhua_nightly.load_contracts"]
    inputs = [d["name"] for d in load["inputs"]]
    assert any(name.endswith("contracts_20240604.csv") for name in inputs), inputs
    written = [(d["namespace"], d["name"]) for d in load["outputs"]]
    assert [name for _, name in written] == ["warehouse.checked.contracts"]
    producer = completes["zhuanhua_warehouse.build_warehouse.dbt_producer_watcher"]
    read = {(d["namespace"], d["name"]) for d in producer["inputs"]}
    built = {d["name"] for d in producer["outputs"]}
    assert written[0] in read, "the load's table and dbt's source are one dataset"
    assert "warehouse.marts.fct_conversion_chain" in built


def test_cli_run_twice_reports_identical_counts(airflow_ready, warehouse, landing):
    generate(str(landing), DAY, 1, seed=22, defect_rate=0.05)
    first = zhuanhua_cli("run", "--date", str(DAY), "--landing", str(landing))
    assert first.returncode == 0, first.stderr
    assert "contracts" in first.stdout and "Night of 2024-06-03" in first.stdout
    again = zhuanhua_cli("run", "--date", str(DAY))
    assert again.returncode == 0, again.stderr
    counts = [line.split()[:7] for line in (first.stdout, again.stdout)]
    assert counts[0] == counts[1]
    as_json = zhuanhua_cli("report", "--date", str(DAY), "--json")
    assert as_json.returncode == 0 and '"feed": "patent_events"' in as_json.stdout


def test_a_failed_run_exits_non_zero_and_names_the_task_and_cause(
    airflow_ready, warehouse, landing
):
    generate(str(landing), DAY, 1, seed=23)
    failed = zhuanhua_cli("run", "--date", str(DAY), env={"ZHUANHUA_REGION": "5105"})
    assert failed.returncode == 1
    assert "ZHUANHUA_REGION must be a 6-digit division code" in failed.stderr
    assert "Traceback" not in failed.stderr


def test_a_data_error_fails_at_once_and_alerts_with_what_to_do(
    airflow_ready, warehouse, landing, monkeypatch
):
    from tests.support.alert_inbox import AlertInbox

    generate(str(landing), DAY, 1, seed=24, defect_rate=0.5)
    inbox = AlertInbox()
    try:
        failed = zhuanhua_cli(
            "run",
            "--date",
            str(DAY),
            env={
                "ZHUANHUA_HOLD_SHARE": "0.1",
                "ZHUANHUA_RETRIES": "3",
                "AIRFLOW_CONN_ZHUANHUA_ALERT_WEBHOOK": inbox.webhook_connection,
            },
        )
    finally:
        inbox.close()
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "zhuanhua_nightly for 2024-06-03 ended failed" in failed.stderr
    alerts = [a for a in inbox.received if a["level"] == "failure"]
    assert alerts, failed.stderr
    held = [a for a in alerts if a["details"]["task"].startswith("load_")]
    assert held and all(a["details"]["try"] == "1" for a in held)  # no retry of a data error
    alert = held[0]
    assert alert["details"]["business date"] == "2024-06-03"
    assert "FilesHeld" in alert["details"]["error"] and "held" in alert["details"]["error"]
    assert "zhuanhua quarantine list" in alert["action"]
    assert "zhuanhua run --date 2024-06-03" in alert["action"]
    from zhuanhua.ops.alerts import alerts_file

    kept = alerts_file(airflow_ready).read_text(encoding="utf-8")
    assert alert["subject"] in kept


def test_a_night_with_poison_files_completes_and_the_next_night_builds(
    airflow_ready, warehouse, landing
):
    """A poison file of every kind, late (their days are before the night), beside the
    night's good files: the night completes and reports each with its cause; the next
    night loads normally and the warehouse builds."""
    night = poison.FIRST_DAY + timedelta(days=10)
    generate(str(landing), night, 2, seed=23, defect_rate=0.0)
    delivered = {**poison.deliver(landing, "contracts"), **poison.deliver(landing, "patents")}
    first = zhuanhua_cli("run", "--date", str(night), "--landing", str(landing))
    assert first.returncode == 0, first.stderr
    for name, expected in delivered.items():
        if expected.status == "rejected":
            assert f"{name}: rejected whole:" in first.stdout and expected.names in first.stdout
    statuses = dict(
        warehouse.execute(
            "select file_name, status from raw.batch_ledger where business_date = %s", (night,)
        ).fetchall()
    )
    assert statuses and set(statuses.values()) == {"loaded"}
    second = zhuanhua_cli("run", "--date", str(night + timedelta(days=1)))
    assert second.returncode == 0, second.stderr
    assert "Warehouse built: run" in second.stdout
    assert warehouse.execute("select count(*) from marts.fct_technology_contract").fetchone()[0]


def test_a_build_failure_alerts_with_the_failing_rows_and_the_next_night_builds(
    airflow_ready, warehouse, landing
):
    """A night whose warehouse build fails is an alert that names the failing dbt test and
    shows its rows; once the data is right the next night builds again. The failure is made
    as a loader bug would make it: a checked row changed behind the checks' back."""
    from tests.support.alert_inbox import AlertInbox
    from tests.support.warehouse import load_all_feeds

    generate(str(landing), DAY, 3, seed=26, defect_rate=0.0)
    load_all_feeds(dataclasses.replace(airflow_ready, landing=str(landing)), DAY)
    warehouse.execute(
        "update checked.contracts set technology_field = '人工智能' "
        "where ctid = (select min(ctid) from checked.contracts)"
    )
    inbox = AlertInbox()
    try:
        failed = zhuanhua_cli(
            "run",
            "--date",
            str(DAY + timedelta(days=1)),
            env={
                "AIRFLOW_CONN_ZHUANHUA_ALERT_WEBHOOK": inbox.webhook_connection,
                "ZHUANHUA_RETRY_DELAY_SECONDS": "1",  # the failing test is tried twice
            },
        )
    finally:
        inbox.close()
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    built = [a for a in inbox.received if a["details"]["task"].startswith("build_warehouse.")]
    assert built, failed.stderr
    shown = [v for a in built for k, v in a["details"].items() if k.startswith("failing test")]
    assert any("technology_field" in text and "人工智能" in text for text in shown), shown
    assert "dbt model or test failed" in built[0]["action"]

    warehouse.execute(  # the steward has the sender correct it; the loader is fixed
        "update checked.contracts set technology_field = '新材料及其应用' "
        "where technology_field = '人工智能'"
    )
    next_night = zhuanhua_cli("run", "--date", str(DAY + timedelta(days=2)))
    assert next_night.returncode == 0, next_night.stderr
    assert "Warehouse built: run" in next_night.stdout
    assert not warehouse.execute(
        "select 1 from marts.fct_technology_contract where technology_field = '人工智能'"
    ).fetchone()
