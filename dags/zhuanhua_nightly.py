"""The nightly pipeline: land the feeds, build the warehouse, record the night's summary."""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

from zhuanhua.assets import FEED_ASSETS, MARTS
from zhuanhua.config import NIGHTLY_RUN, TIMEZONE, load_settings
from zhuanhua.transform import warehouse_task_group


def _business_date():
    from zhuanhua.pipeline import business_date_of

    context = get_current_context()
    return business_date_of(context["params"], context.get("logical_date"))


@dag(
    dag_id="zhuanhua_nightly",
    schedule=f"{NIGHTLY_RUN.minute} {NIGHTLY_RUN.hour} * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz=TIMEZONE),
    catchup=False,
    max_active_runs=1,
    tags=["zhuanhua", "nightly"],
    params={"business_date": Param(None, type=["null", "string"], format="date",
                                   description="Business date to process (default: yesterday)")},
    doc_md="""
### 转化 nightly pipeline

Runs at 02:00 Asia/Shanghai for the previous business date (or the `business_date` param).

1. **load_contracts, load_loans, load_patents, load_patent_events** — read that date's files
   of the feed (and any earlier file not yet loaded) from the landing area, check every row,
   and load it or quarantine it. A file that cannot be read is recorded as rejected; the
   night goes on. Each emits its feed's asset.
2. **build_warehouse** — the dbt project rendered by Cosmos: one `dbt build` (seeds,
   staging, intermediate, marts, tests) watched model by model; beside it
   **build_data_docs** renders the Great Expectations Data Docs of the night's checks.
3. **record_summary** — per feed: files and rows received / loaded / quarantined, into
   `audit.nightly_feed_summary` (`zhuanhua report --date D` prints it).
""",
)
def zhuanhua_nightly():
    @task(doc_md="Land, check and load one feed's files for the business date.")
    def load_feed(feed: str) -> dict:
        from zhuanhua.pipeline import load_feed as load

        return load(feed, _business_date())

    @task(doc_md="Render the Great Expectations Data Docs of the night's validations.")
    def build_data_docs(loaded: list[dict]) -> str:
        from zhuanhua.pipeline import build_data_docs as build

        return build()

    @task(outlets=[MARTS], doc_md="Record the night's per-feed summary in the audit schema.")
    def record_summary(loaded: list[dict]) -> list[dict]:
        from zhuanhua.pipeline import record_summary as record

        started = min(pendulum.parse(feed["started_at"]) for feed in loaded)
        return record(_business_date(), get_current_context()["run_id"], started)

    loads = {name: load_feed.override(task_id=f"load_{name}", outlets=[asset])(name)
             for name, asset in FEED_ASSETS.items()}
    loads["patents"] >> loads["patent_events"]  # an event's patent may arrive the same night
    loaded = list(loads.values())
    build_data_docs(loaded)
    warehouse = warehouse_task_group(load_settings(), group_id="build_warehouse")
    loaded >> warehouse >> record_summary(loaded)


zhuanhua_nightly()
