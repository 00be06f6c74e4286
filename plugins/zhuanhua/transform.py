"""Run dbt against the warehouse, with the connection taken from the settings."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from zhuanhua.config import Settings, venv_command
from zhuanhua.warehouse import warehouse_url


class TransformError(RuntimeError):
    """dbt finished with errors; the message carries dbt's own summary."""


def dbt_env(settings: Settings) -> dict[str, str]:
    """The variables `dbt_project/profiles.yml` reads, derived from the warehouse URL."""
    url = urlsplit(warehouse_url(settings))
    state = settings.home / "dbt"
    return {
        "ZHUANHUA_DB_HOST": url.hostname or "127.0.0.1",
        "ZHUANHUA_DB_PORT": str(url.port or 5432),
        "ZHUANHUA_DB_USER": unquote(url.username or ""),
        "ZHUANHUA_DB_PASSWORD": unquote(url.password or ""),
        "ZHUANHUA_DB_NAME": url.path.lstrip("/") or "warehouse",
        "ZHUANHUA_REGION": settings.region,
        "DBT_TARGET_PATH": str(state / "target"),
        "DBT_LOG_PATH": str(state / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
    }


def run_dbt(settings: Settings, *args: str) -> str:
    """Run one dbt command; return its output, or raise with the failing part of it."""
    env = {**os.environ, **dbt_env(settings)}
    done = subprocess.run(
        [venv_command("dbt"), *args], env=env, cwd=settings.dbt_project_dir,
        capture_output=True, text=True,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stdout.strip().splitlines()[-25:])
        raise TransformError(f"dbt {' '.join(args)} failed (exit {done.returncode}):\n{tail}"
                             f"{done.stderr.strip()}")
    return done.stdout


def build(settings: Settings) -> str:
    """Seeds, models and tests in dependency order: one `dbt build`."""
    return run_dbt(settings, "build")


def manifest(settings: Settings) -> Path:
    """dbt's manifest of the project, parsed again when any project file is newer.

    Cosmos renders the warehouse DAG's dbt tasks from it; `dbt parse` needs no database.
    """
    path = settings.home / "dbt" / "target" / "manifest.json"
    project = settings.dbt_project_dir
    sources = [f for folder in ("models", "seeds", "macros") for f in (project / folder).rglob("*")]
    newest = max(f.stat().st_mtime for f in [*sources, project / "dbt_project.yml"])
    if not path.exists() or path.stat().st_mtime < newest:
        run_dbt(settings, "parse")
    return path


WAREHOUSE_GROUP = "build_warehouse"  # the task group's id: its tasks are build_warehouse.*


def warehouse_task_group(settings: Settings, **kwargs):
    """The dbt project as Airflow tasks (Cosmos watcher mode): one `dbt build` of the whole
    project in the producer task, and one task per seed and model that reports that node's
    result (and its tests) and, when retried, builds that node alone.

    Cosmos leaves a task group's first models beside the producer so they can watch it live;
    here they follow it (whatever its outcome), so a run that executes tasks one at a time
    (`dag.test()`, `zhuanhua run`) never waits on a producer that has not started.
    """
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

    env = dbt_env(settings)
    group = DbtTaskGroup(
        project_config=ProjectConfig(dbt_project_path=settings.dbt_project_dir,
                                     manifest_path=manifest(settings), env_vars=env,
                                     install_dbt_deps=False),
        profile_config=ProfileConfig(profile_name="zhuanhua", target_name="warehouse",
                                     profiles_yml_filepath=settings.dbt_project_dir
                                     / "profiles.yml"),
        execution_config=ExecutionConfig(execution_mode=ExecutionMode.WATCHER,
                                         invocation_mode=InvocationMode.SUBPROCESS,
                                         dbt_executable_path=venv_command("dbt")),
        render_config=RenderConfig(load_method=LoadMode.DBT_MANIFEST,
                                   test_behavior=TestBehavior.AFTER_EACH,
                                   should_detach_multiple_parents_tests=True,
                                   emit_datasets=False),  # the group emits one: the marts
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
