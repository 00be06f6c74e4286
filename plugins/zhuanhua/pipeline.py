"""What each step of the nightly DAGs does; the DAG files only wire these together."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

from zhuanhua import report
from zhuanhua.config import TIMEZONE, Settings, load_settings
from zhuanhua.feeds import FEEDS
from zhuanhua.landing import Landing
from zhuanhua.warehouse import connect, ensure_schema

log = logging.getLogger(__name__)


def business_date_of(params: dict, logical_date: datetime | None,
                     triggering_events: dict | None = None) -> date:
    """An explicit `business_date` param wins; a build triggered by the feeds' assets takes
    the newest date they carry; a scheduled run at night processes yesterday."""
    explicit = params.get("business_date")
    if explicit:
        return date.fromisoformat(str(explicit))
    carried = [date.fromisoformat(event.extra["business_date"])
               for events in (triggering_events or {}).values() for event in events
               if (event.extra or {}).get("business_date")]
    if carried:
        return max(carried)
    if logical_date is None:
        raise ValueError("a run needs a business_date param, a feed asset event or a "
                         "logical date")
    import pendulum

    return pendulum.instance(logical_date).in_timezone(TIMEZONE).date() - timedelta(days=1)


def business_date_in(context) -> date:
    """The business date of the running task's DAG run."""
    return business_date_of(context.get("params") or {}, context.get("logical_date"),
                            context.get("triggering_asset_events"))


class FilesHeld(RuntimeError):
    """Files held whole for too many bad rows: the night must fail loudly."""


def load_feed(feed_name: str, business_date: date, settings: Settings | None = None) -> dict:
    """Load the feed's files for the date and every earlier file not loaded yet.

    A file rejected whole is recorded and reported; the other files still load. Files held
    for too many bad rows fail the task after every other file has loaded.
    """
    from zhuanhua.loader import load_files  # pandas and GX: only the loads need them

    started_at = datetime.now(UTC)
    settings = settings or load_settings()
    feed = FEEDS[feed_name]
    landing = Landing(settings.landing)
    outcomes = []
    with connect(settings) as conn:
        ensure_schema(conn)
        files = ((landed, landing.read(landed)) for landed in landing.files(feed, business_date))
        for outcome in load_files(conn, feed, files, settings.hold_share):
            log.info("%s: %s", feed.name, outcome)
            if outcome.error:
                log.warning(outcome.error)
            outcomes.append(asdict(outcome))
    held = [o["error"] for o in outcomes if o["status"] == "held"]
    if held:
        raise FilesHeld("; ".join(held))
    return {"feed": feed.name, "business_date": business_date.isoformat(),
            "started_at": started_at.isoformat(), "files": outcomes}


def build_data_docs() -> str:
    """The night's GX Data Docs, for the data steward; return where they are."""
    from zhuanhua.checks import build_data_docs as build

    return build()


def close_loads(business_date: date, run_id: str, started_at: datetime,
                settings: Settings | None = None) -> list[dict]:
    """The night's per-feed summary and its late files, in the audit schema."""
    settings = settings or load_settings()
    with connect(settings) as conn:
        return report.record(conn, business_date, run_id, started_at)


def check_freshness(business_date: date, settings: Settings | None = None) -> list[str]:
    """Warn (log and alert) about every file of the last week that has not arrived."""
    settings = settings or load_settings()
    with connect(settings) as conn:
        warnings = report.freshness_warnings(conn, business_date)
    for warning in warnings:
        log.warning("freshness: %s", warning)
    if warnings:
        from zhuanhua.alerts import Alert, send

        send(Alert("late", f"Zhuanhua: {len(warnings)} feed files late ({business_date})",
                   {"late": "; ".join(warnings)},
                   "Ask the sender for the file. It loads on the first night it is in the "
                   "landing area, and that night's build catches the warehouse up; provincial "
                   "exports of its period wait for it (docs/operations.md)."))
    return warnings


def record_build(business_date: date, run_id: str, warnings: list[str],
                 settings: Settings | None = None) -> dict:
    settings = settings or load_settings()
    with connect(settings) as conn:
        return report.record_build(conn, business_date, run_id, warnings)
