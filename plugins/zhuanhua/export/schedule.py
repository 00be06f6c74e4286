"""When each kind of export runs, and what a scheduled run exports."""

from __future__ import annotations

import logging
from datetime import datetime

from zhuanhua.errors import UsageError
from zhuanhua.export.freshness import stale_marts
from zhuanhua.export.periods import last_complete, parse_period
from zhuanhua.export.provincial import export_period
from zhuanhua.load.connection import connect
from zhuanhua.settings import TIMEZONE, Settings

log = logging.getLogger(__name__)

# kind → (cron in Asia/Shanghai, when the province expects it: provincial-feed.md). Each runs
# at 06:00, after that night's 02:00 build, leaving days for late files before the deadline.
CALENDARS = {
    "monthly": ("0 6 5 * *", "by the 10th of the next month"),
    "quarterly": ("0 6 10 1,4,7,10 *", "by the 15th of the month after the quarter"),
    "annual": ("0 6 20 1 *", "by 31 January of the next year"),
}


def scheduled_period(kind: str, params: dict, logical_date: datetime | None) -> str:
    """The `period` param, else the last period of the kind ended before the run."""
    import pendulum  # Airflow's date library: only a scheduled run needs it

    if params.get("period"):
        return params["period"]
    if logical_date is None:
        raise UsageError("a run needs a period param or a logical date")
    today = pendulum.instance(logical_date).in_timezone(TIMEZONE).date()
    return last_complete(kind, today).key


def marts_behind(settings: Settings, period_key: str) -> str | None:
    """Why the marts are not ready for the period's export yet (a load since the last build),
    or None: the export DAG waits on it before exporting."""
    with connect(settings) as conn:
        behind = stale_marts(conn, parse_period(period_key))
    if behind:
        log.info("waiting for the warehouse build: %s", behind)
    return behind


def run_scheduled(
    settings: Settings, kind: str, params: dict, logical_date: datetime | None
) -> dict:
    """Export the `period` param, else the last period of the kind ended before the run."""
    period = scheduled_period(kind, params, logical_date)
    result = export_period(settings, period, params.get("region"))
    log.info("%s", result.message)
    return {
        "period": period,
        "status": result.status,
        "version": result.stem,
        "folder": str(result.folder),
        "changed_cells": result.changes,
    }
