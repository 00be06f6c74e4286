"""What each step of the nightly DAGs does; the DAG files only wire these together.

The loads need pandas and Great Expectations (GX alone takes about 6 s to import); the DAG
files' parse, the warehouse DAG's tasks and the CLI's quick commands need neither, so the two
steps that do import them when they run.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, date, datetime

import psycopg

from zhuanhua.audit import report
from zhuanhua.build.dbt import generate_docs
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.errors import FilesHeld
from zhuanhua.load.connection import connect
from zhuanhua.load.schema import ensure_schema
from zhuanhua.ops.alerts import Alert, send
from zhuanhua.ops.connections import landing_area, with_warehouse_connection
from zhuanhua.security.access import ensure_roles
from zhuanhua.security.person_key import ensure_key
from zhuanhua.settings import Settings

log = logging.getLogger(__name__)


def _warehouse(settings: Settings) -> psycopg.Connection:
    """A connection to the warehouse, its Airflow connection read now (at the task's run)."""
    return connect(with_warehouse_connection(settings))


def prepare_warehouse(conn: psycopg.Connection, settings: Settings) -> None:
    """Everything a load and a build need, made if missing: the loader's schemas, the group
    roles dbt grants to, and the personal-data key (safe to run at every start)."""
    ensure_schema(conn)
    ensure_key(conn, settings.person_key)
    ensure_roles(conn)


def load_feed(feed_name: str, business_date: date, settings: Settings) -> dict:
    """Load the feed's files for the date and every earlier file not loaded yet.

    A file rejected whole is recorded and reported; the other files still load. Files held
    for too many bad rows fail the task after every other file has loaded.
    """
    # lazy: pandas and GX (module docstring)
    from zhuanhua.load.loader import BatchOutcome, already_received, load_files

    started_at = datetime.now(UTC)
    feed = FEEDS[feed_name]
    landing = landing_area(settings)
    outcomes = []
    with _warehouse(settings) as conn:
        prepare_warehouse(conn, settings)
        landed_files = landing.files(feed, business_date)
        received = already_received(conn, feed, landed_files)  # not read again
        deliveries = (
            landing.fetch(landed, settings.limits.file_bytes)
            for landed in landed_files
            if landed.name not in received
        )
        loaded = {o.file_name: o for o in load_files(conn, feed, deliveries, settings)}
        for landed in landed_files:
            outcome = loaded.get(landed.name) or BatchOutcome(landed.name, "skipped")
            log.info("%s: %s", feed.name, outcome)
            if outcome.error:
                log.warning(outcome.error)
            outcomes.append(asdict(outcome) | {"url": landed.url})
    held = [o["error"] for o in outcomes if o["status"] == "held"]
    if held:
        raise FilesHeld("; ".join(held))
    return {
        "feed": feed.name,
        "business_date": business_date.isoformat(),
        "started_at": started_at.isoformat(),
        "files": outcomes,
    }


def build_data_docs(settings: Settings) -> str:
    """The night's GX Data Docs, for the data steward; return where they are."""
    from zhuanhua.check.suite import build_data_docs as build  # lazy: pandas and GX

    return build(settings.gx_state)


def close_loads(
    business_date: date, run_id: str, started_at: datetime, settings: Settings
) -> list[dict]:
    """The night's per-feed summary and its late files, in the audit schema."""
    with _warehouse(settings) as conn:
        return report.record(conn, business_date, run_id, started_at, settings.loan_banks)


def check_freshness(business_date: date, settings: Settings) -> list[str]:
    """Warn (log and alert) about every file of the last week that has not arrived."""
    with _warehouse(settings) as conn:
        warnings = report.freshness_warnings(conn, business_date, settings.loan_banks)
    for warning in warnings:
        log.warning("freshness: %s", warning)
    if warnings:
        send(
            Alert(
                "late",
                f"Zhuanhua: {len(warnings)} feed files late ({business_date})",
                {"late": "; ".join(warnings)},
                "Ask the sender for the file. It loads on the first night it is in the "
                "landing area, and that night's build catches the warehouse up; provincial "
                "exports of its period wait for it (docs/operations.md).",
            ),
            settings,
        )
    return warnings


def document_warehouse(settings: Settings) -> str:
    """dbt's docs of tonight's warehouse (`make docs` serves them); return the page."""
    return str(generate_docs(with_warehouse_connection(settings)))  # as dbt's build reaches it


def record_build(business_date: date, run_id: str, warnings: list[str], settings: Settings) -> dict:
    with _warehouse(settings) as conn:
        return report.record_build(conn, business_date, run_id, warnings)
