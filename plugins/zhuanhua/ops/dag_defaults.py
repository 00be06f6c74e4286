"""What every Zhuanhua DAG shares: Shanghai time, no catch-up of missed schedules, one run at
a time, retries of transient faults, a timeout on every task and a deadline on every run, and
the alert when any of them fails.

A hung mount or a lock wait never ends by itself: the task's timeout fails it (and alerts),
and the run's deadline (`dagrun_timeout`) fails a night that is still not done by morning.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum

from zhuanhua.ops.alerts import on_run_failure, on_task_failure
from zhuanhua.ops.lineage import fresh_collector
from zhuanhua.settings import TIMEZONE, Settings


def retry_policy(settings: Settings) -> dict:
    """default_args of the DAGs: 3 retries after 1, 2 and 4 minutes, and the alert
    (Settings.retries and retry_delay_seconds; the tests use seconds)."""
    return {
        "retries": settings.retries,
        "retry_delay": timedelta(seconds=settings.retry_delay_seconds),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": on_task_failure,
        "execution_timeout": timedelta(minutes=settings.task_timeout_minutes),
    }


def dag_arguments(settings: Settings, *tags: str) -> dict:
    return {
        "start_date": pendulum.datetime(2024, 1, 1, tz=TIMEZONE),
        "catchup": False,
        "max_active_runs": 1,
        # each task's lineage event carries its own inputs and outputs only (ops.lineage)
        "default_args": {**retry_policy(settings), "on_execute_callback": fresh_collector},
        "dagrun_timeout": timedelta(hours=settings.run_deadline_hours),
        "on_failure_callback": on_run_failure,
        "tags": ["zhuanhua", *tags],
    }
