"""The dbt project as Airflow tasks of the warehouse DAG (astronomer-cosmos, watcher mode)."""

from __future__ import annotations

from datetime import timedelta

from zhuanhua.build.dbt import dbt_env, dbt_project_env, manifest
from zhuanhua.ops.connections import dbt_profile_mapping
from zhuanhua.settings import Settings, venv_command

WAREHOUSE_GROUP = "build_warehouse"  # the task group's id: its tasks are build_warehouse.*


def warehouse_task_group(settings: Settings, **kwargs):
    """The dbt project as Airflow tasks (Cosmos watcher mode): one `dbt build` of the whole
    project in the producer task, and one task per seed and model that reports that node's
    result (and its tests) and, when retried, builds that node alone.

    Cosmos leaves a task group's first models beside the producer so they can watch it live;
    here they follow it (whatever its outcome), so a run that executes tasks one at a time
    (`dag.test()`, `zhuanhua run`) never waits on a producer that has not started.
    """
    # lazy: Cosmos imports Airflow and dbt's adapters, and the alerts (which need only the
    # group's id) are imported by processes that never render the group
    from cosmos import (
        DbtTaskGroup,
        ExecutionConfig,
        ExecutionMode,
        InvocationMode,
        LoadMode,
        ProfileConfig,
        ProjectConfig,
        RenderConfig,
        TestBehavior,
    )

    # With an Airflow connection, Cosmos reads it when the task runs (its password never sits
    # in the rendered DAG); without one (development), profiles.yml and the embedded server.
    mapping = dbt_profile_mapping(settings)
    env = dbt_project_env(settings) if mapping else dbt_env(settings)
    group = DbtTaskGroup(
        project_config=ProjectConfig(
            dbt_project_path=settings.dbt_project_dir,
            manifest_path=manifest(settings),
            env_vars=env,
            install_dbt_deps=False,
        ),
        profile_config=ProfileConfig(
            profile_name="zhuanhua",
            target_name="warehouse",
            **(
                {"profile_mapping": mapping}
                if mapping
                else {"profiles_yml_filepath": settings.dbt_project_dir / "profiles.yml"}
            ),
        ),
        execution_config=ExecutionConfig(
            execution_mode=ExecutionMode.WATCHER,
            invocation_mode=InvocationMode.SUBPROCESS,
            dbt_executable_path=venv_command("dbt"),
        ),
        render_config=RenderConfig(
            load_method=LoadMode.DBT_MANIFEST,
            test_behavior=TestBehavior.AFTER_EACH,
            should_detach_multiple_parents_tests=True,
            emit_datasets=False,
        ),  # the group emits one: the marts
        operator_args={"retries": DBT_RETRIES},
        **{"group_id": WAREHOUSE_GROUP, **kwargs},
    )
    _producer_first(group)
    return group


DBT_RETRIES = 1  # a retried model task builds that model alone: cheap, and safe to repeat
PRODUCER = "dbt_producer_watcher"


def _producer_first(group) -> None:
    """Put the producer before the group's first node tasks; they run once it has ended."""
    tasks = list(group.iter_tasks())
    producer = next(t for t in tasks if t.task_id.endswith(f".{PRODUCER}"))
    # Cosmos skips a retried producer rather than build twice; that skip lets the group end
    # well once the node tasks' own retries have rebuilt what failed. Retry it at once.
    producer.retries, producer.retry_delay = 1, timedelta(seconds=1)
    inside = {t.task_id for t in tasks}
    for task in tasks:
        if task is producer or task.task_id.endswith(f".{PRODUCER}_done"):
            continue
        if not set(task.upstream_task_ids) & inside:
            producer >> task
            task.trigger_rule = "all_done"
