"""Which failures a retry can cure, and the retry policy every task of the DAGs shares.

A lost database connection or an unreachable landing area passes: the task is retried with
growing pauses. Anything else is about the data or the code and fails at once, without
retries, so the morning's alert arrives early and names the cause.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

import psycopg

T = TypeVar("T")


class LandingUnreachable(OSError):
    """The landing area itself (not a feed folder in it) cannot be reached."""


TRANSIENT = (psycopg.OperationalError, psycopg.InterfaceError, ConnectionError, TimeoutError,
             LandingUnreachable)


def is_transient(error: BaseException) -> bool:
    return isinstance(error, TRANSIENT)


def retry_policy() -> dict:
    """default_args of the DAGs: 3 retries after 1, 2 and 4 minutes, and the alert.

    ZHUANHUA_RETRIES and ZHUANHUA_RETRY_DELAY_SECONDS change them (the tests use seconds).
    """
    from zhuanhua.alerts import on_task_failure

    return {
        "retries": int(os.environ.get("ZHUANHUA_RETRIES", "3")),
        "retry_delay": timedelta(seconds=float(os.environ.get("ZHUANHUA_RETRY_DELAY_SECONDS",
                                                              "60"))),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": timedelta(minutes=30),
        "on_failure_callback": on_task_failure,
    }


def dag_arguments(*tags: str) -> dict:
    """What every Zhuanhua DAG shares: Shanghai time, no catch-up of missed schedules, one run
    at a time, the retry policy and the failure alert."""
    import pendulum

    from zhuanhua.config import TIMEZONE

    return {"start_date": pendulum.datetime(2024, 1, 1, tz=TIMEZONE), "catchup": False,
            "max_active_runs": 1, "default_args": retry_policy(), "tags": ["zhuanhua", *tags]}


def retry_only_transient(step: Callable[..., T]) -> Callable[..., T]:
    """Let transient faults through to Airflow's retries; fail any other error for good."""

    @functools.wraps(step)
    def guarded(*args, **kwargs) -> T:
        try:
            return step(*args, **kwargs)
        except Exception as error:
            if is_transient(error):
                raise
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(f"{type(error).__name__}: {error}") from error

    return guarded
