"""The nightly pipeline: land the feeds, build the warehouse, record the night's summary."""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Param, dag, get_current_context, task

CHECKED_CONTRACTS = Asset(name="checked_contracts", uri="zhuanhua://warehouse/checked/contracts")
MARTS = Asset(name="warehouse_marts", uri="zhuanhua://warehouse/marts")


def _business_date():
    from zhuanhua.pipeline import business_date_of

    context = get_current_context()
    return business_date_of(context["params"], context.get("logical_date"))


@dag(
    dag_id="zhuanhua_nightly",
    schedule="0 2 * * *",
    start_date=pendulum.datetime(2024, 1, 1, tz="Asia/Shanghai"),
    catchup=False,
    max_active_runs=1,
    tags=["zhuanhua", "nightly"],
    params={"business_date": Param(None, type=["null", "string"], format="date",
                                   description="Business date to process (default: yesterday)")},
    doc_md="""
### 转化 nightly pipeline

Runs at 02:00 Asia/Shanghai for the previous business date (or the `business_date` param).

1. **load_contracts** — reads that date's technology-contract files (and any earlier file not
   yet loaded) from the landing area, checks every row, and loads it or quarantines it.
   A file that cannot be read is recorded as rejected; the night goes on.
2. **build_warehouse** — `dbt build`: seeds, staging, marts and their tests.
3. **record_summary** — per feed: files and rows received / loaded / quarantined, into
   `audit.nightly_feed_summary` (`zhuanhua report --date D` prints it).
""",
)
def zhuanhua_nightly():
    @task(outlets=[CHECKED_CONTRACTS], doc_md="Land, check and load the contract files.")
    def load_contracts() -> dict:
        from zhuanhua.pipeline import load_feed

        return load_feed("contracts", _business_date())

    @task(outlets=[MARTS], doc_md="`dbt build` of the warehouse after the checks.")
    def build_warehouse(loaded: dict) -> str:
        from zhuanhua.pipeline import build_warehouse as build

        return build()

    @task(doc_md="Record the night's per-feed summary in the audit schema.")
    def record_summary(loaded: dict, built: str) -> list[dict]:
        from zhuanhua.pipeline import record_summary as record

        started = pendulum.parse(loaded["started_at"])
        return record(_business_date(), get_current_context()["run_id"], started)

    loaded = load_contracts()
    record_summary(loaded, build_warehouse(loaded))


zhuanhua_nightly()
