"""The nightly loads: land the feeds, check every row, record the night; each feed's asset
tells the warehouse DAG its input changed."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from zhuanhua.ops import lineage, steps
from zhuanhua.ops.assets import FEED_ASSETS
from zhuanhua.ops.connections import with_warehouse_connection
from zhuanhua.ops.dag_defaults import dag_arguments
from zhuanhua.ops.dates import business_date_in
from zhuanhua.ops.faults import retry_only_transient
from zhuanhua.settings import NIGHTLY_RUN, load_settings

settings = load_settings()


@dag(
    dag_id="zhuanhua_nightly",
    schedule=f"{NIGHTLY_RUN.minute} {NIGHTLY_RUN.hour} * * *",
    **dag_arguments(settings, "nightly"),
    params={
        "business_date": Param(
            None,
            type=["null", "string"],
            format="date",
            description="Business date to process (default: yesterday)",
        )
    },
    doc_md="""
### 转化 nightly loads

Runs at 02:00 Asia/Shanghai for the previous business date (or the `business_date` param).

1. **load_contracts, load_loans, load_patents, load_patent_events**: read that date's files
   of the feed (and any earlier file not loaded yet: a late file loads on the first night it
   is there) from the landing area, check every row, and load it or quarantine it. A file that
   cannot be read is recorded as rejected; the night goes on. Each emits its feed's asset,
   carrying the business date: when all four have, `zhuanhua_warehouse` builds.
2. **build_data_docs**: the Great Expectations Data Docs of the night's checks.
3. **close_loads**: per feed, files and rows received / loaded / quarantined and the files
   that did not arrive (late), into `audit.nightly_feed_summary` and `audit.nightly_run`;
   earlier nights whose late files came tonight are marked caught up.

A lost database connection or an unreachable landing area is retried 3 times (1, 2, 4
minutes); a data error fails at once. Every failure sends an alert (docs/operations.md).
""",
)
def zhuanhua_nightly():
    @task(
        doc_md="Land, check and load one feed's files up to the business date; emit its "
        "asset with the business date."
    )
    def load_feed(feed: str) -> dict:
        day = business_date_in(get_current_context())
        outcome = retry_only_transient(steps.load_feed)(feed, day, settings)
        lineage.record_load(outcome, with_warehouse_connection(settings))
        events = get_current_context()["outlet_events"]
        events[FEED_ASSETS[feed]].extra = {
            "business_date": day.isoformat(),
            "files": len(outcome["files"]),
        }
        return outcome

    @task(doc_md="Render the Great Expectations Data Docs of the night's validations.")
    def build_data_docs(loaded: list[dict]) -> str:
        return retry_only_transient(steps.build_data_docs)(settings)

    @task(doc_md="Record the night's per-feed summary and late files in the audit schema.")
    def close_loads(loaded: list[dict]) -> list[dict]:
        started = min(pendulum.parse(feed["started_at"]) for feed in loaded)
        context = get_current_context()
        return retry_only_transient(steps.close_loads)(
            business_date_in(context), context["run_id"], started, settings
        )

    loads = {
        name: load_feed.override(task_id=f"load_{name}", outlets=[asset])(name)
        for name, asset in FEED_ASSETS.items()
    }
    loads["patents"] >> loads["patent_events"]  # an event's patent may arrive the same night
    loaded = list(loads.values())
    build_data_docs(loaded)
    close_loads(loaded)


zhuanhua_nightly()
