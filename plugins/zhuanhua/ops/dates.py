"""Business dates of DAG runs: which day's files a run processes, and when its run starts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from zhuanhua.errors import UsageError
from zhuanhua.settings import NIGHTLY_RUN, TIMEZONE


def business_date_of(
    params: dict, logical_date: datetime | None, triggering_events: dict | None = None
) -> date:
    """An explicit `business_date` param wins; a build triggered by the feeds' assets takes
    the newest date they carry; a scheduled run at night processes yesterday."""
    explicit = params.get("business_date")
    if explicit:
        return date.fromisoformat(str(explicit))
    carried = [
        date.fromisoformat(event.extra["business_date"])
        for events in (triggering_events or {}).values()
        for event in events
        if (event.extra or {}).get("business_date")
    ]
    if carried:
        return max(carried)
    if logical_date is None:
        raise UsageError("a run needs a business_date param, a feed asset event or a logical date")
    if logical_date.tzinfo is None:  # Airflow's dates are UTC
        logical_date = logical_date.replace(tzinfo=UTC)
    return logical_date.astimezone(ZoneInfo(TIMEZONE)).date() - timedelta(days=1)


def business_date_in(context) -> date:
    """The business date of the running task's DAG run (an Airflow task context)."""
    return business_date_of(
        context.get("params") or {},
        context.get("logical_date"),
        context.get("triggering_asset_events"),
    )


def logical_date_for(business_date: date) -> datetime:
    """The scheduled run for a business date starts at 02:00 Shanghai time the next day."""
    return datetime.combine(business_date + timedelta(days=1), NIGHTLY_RUN, ZoneInfo(TIMEZONE))
