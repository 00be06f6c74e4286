"""Airflow's side of the retry policy: transient faults (`load.faults`) go to Airflow's retries.

A lost database connection or an unreachable landing area passes: the task is retried with
growing pauses. Anything else is about the data or the code and fails at once, without
retries, so the morning's alert arrives early and names the cause.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TypeVar

from zhuanhua.load.faults import is_transient

T = TypeVar("T")


def retry_only_transient(step: Callable[..., T]) -> Callable[..., T]:
    """Let transient faults through to Airflow's retries; fail any other error for good."""

    @functools.wraps(step)
    def guarded(*args, **kwargs) -> T:
        try:
            return step(*args, **kwargs)
        except Exception as error:
            if is_transient(error):
                raise
            # lazy: Airflow's SDK loads its configuration on import, and this module is
            # imported by the CLI too, which must start without it
            from airflow.sdk.exceptions import AirflowFailException

            raise AirflowFailException(f"{type(error).__name__}: {error}") from error

    return guarded
