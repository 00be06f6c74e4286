"""Every file in dags/ imports under Airflow 3.3 and uses the airflow.sdk API only."""

import re
from pathlib import Path

import pytest

DAGS = Path(__file__).resolve().parents[2] / "dags"
AIRFLOW2_IDIOMS = {
    r"from airflow\.decorators import": "TaskFlow decorators come from airflow.sdk",
    r"from airflow(\.models)? import DAG": "DAG comes from airflow.sdk",
    r"from airflow\.models\.dag import": "DAG comes from airflow.sdk",
    r"from airflow\.operators\.python": "operators moved to the standard provider / airflow.sdk",
    r"from airflow\.datasets": "Datasets are Assets in Airflow 3",
    r"schedule_interval\s*=": "schedule_interval was removed; use schedule",
    r"days_ago\(": "days_ago was removed",
    r"provide_context": "provide_context was removed",
    r"execution_date": "execution_date is logical_date in Airflow 3",
}


def test_every_dag_file_imports_without_errors():
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(str(DAGS))
    assert bag.import_errors == {}
    assert {
        "zhuanhua_nightly",
        "zhuanhua_warehouse",
        "zhuanhua_export_monthly",
        "zhuanhua_export_quarterly",
        "zhuanhua_export_annual",
        "zhuanhua_held_file_review",
    } <= set(bag.dag_ids)


@pytest.mark.parametrize("path", sorted(DAGS.glob("*.py")), ids=lambda p: p.name)
def test_no_airflow2_idioms(path):
    source = path.read_text(encoding="utf-8")
    found = [why for pattern, why in AIRFLOW2_IDIOMS.items() if re.search(pattern, source)]
    assert found == []


def _bag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(str(DAGS))


def test_every_dag_and_task_is_documented_and_in_shanghai_time():
    for dag in _bag().dags.values():
        ours = [task for task in dag.tasks if not task.task_id.startswith("build_warehouse.")]
        assert dag.doc_md and all(task.doc_md for task in ours), dag.dag_id
        assert str(dag.timezone.name) == "Asia/Shanghai"


def test_the_loads_emit_the_feed_assets_and_the_build_waits_for_all_of_them():
    from zhuanhua.ops.assets import FEED_ASSETS, MARTS

    dags = _bag().dags
    loads = dags["zhuanhua_nightly"]
    assert {f"load_{feed}": [asset] for feed, asset in FEED_ASSETS.items()} == {
        task.task_id: list(task.outlets) for task in loads.tasks if task.outlets
    }
    build = dags["zhuanhua_warehouse"]
    condition = build.timetable.asset_condition
    assert type(condition).__name__ == "AssetAll"
    assert {asset.name for asset in condition.objects} == {
        asset.name for asset in FEED_ASSETS.values()
    }
    assert build.task_dict["record_build"].outlets == [MARTS]
    for kind in ("monthly", "quarterly", "annual"):
        assert dags[f"zhuanhua_export_{kind}"].task_dict["export"].inlets == [MARTS]


def test_every_task_retries_transient_faults_with_backoff_and_alerts_on_failure():
    """Which faults are transient is ops.faults' (tests/ops/test_faults.py); here, that the
    DAGs give their tasks the policy."""
    dags = _bag().dags
    for dag_id in ("zhuanhua_nightly", "zhuanhua_warehouse"):
        task = dags[dag_id].task_dict[
            "load_contracts" if dag_id == "zhuanhua_nightly" else "record_build"
        ]
        assert task.retries >= 2 and task.retry_exponential_backoff == 2.0
        assert task.on_failure_callback
    producer = dags["zhuanhua_warehouse"].task_dict["build_warehouse.dbt_producer_watcher"]
    assert producer.retries == 1  # Cosmos skips a retried producer; node tasks retry nodes


def test_every_task_has_a_timeout_and_every_run_a_deadline_that_alerts():
    """A hung mount or lock wait fails its task (and alerts) instead of hanging the night; a
    question to the steward waits for a person, as long as its run's deadline."""
    from airflow.providers.standard.operators.hitl import HITLOperator

    for dag in _bag().dags.values():
        assert dag.dagrun_timeout is not None and dag.on_failure_callback, dag.dag_id
        for task in dag.tasks:
            kind = getattr(task, "operator_class", type(task))  # a mapped task's operator
            waits_for_a_person = issubclass(kind, HITLOperator)
            assert task.execution_timeout is not None or waits_for_a_person, task.task_id


def test_held_files_are_asked_of_the_steward_and_the_answer_applied():
    """One question per held file, each answer applied as soon as it is given, and only the
    steward's logins may answer (the stack test answers one for real)."""
    from zhuanhua.ops import held_files

    dag = _bag().dags["zhuanhua_held_file_review"]
    assert dag.task_dict["held"].downstream_task_ids == {"one_file.decide", "one_file.apply"}
    decide = dag.task_dict["one_file.decide"]
    assert decide.downstream_task_ids == {"one_file.apply"}
    assert decide.options == [held_files.RELEASE, held_files.REJECT]
    assert decide.assigned_users == [
        {"id": "admin", "name": "admin"},
        {"id": "steward", "name": "steward"},
    ]


def test_each_export_waits_for_the_nights_build_before_it_exports():
    for kind in ("monthly", "quarterly", "annual"):
        dag = _bag().dags[f"zhuanhua_export_{kind}"]
        assert dag.task_dict["wait_for_build"].downstream_task_ids == {"export"}
