"""The warehouse build: runs when every feed's asset has been updated since the last build."""

from __future__ import annotations

from airflow.sdk import Param, dag, get_current_context, task

from zhuanhua.ops import steps
from zhuanhua.ops.assets import FEED_ASSETS, MARTS
from zhuanhua.ops.dag_defaults import dag_arguments
from zhuanhua.ops.dates import business_date_in
from zhuanhua.ops.faults import retry_only_transient
from zhuanhua.ops.warehouse_group import warehouse_task_group
from zhuanhua.settings import load_settings

settings = load_settings()

_assets = list(FEED_ASSETS.values())
_all_feeds = _assets[0]
for _asset in _assets[1:]:
    _all_feeds = _all_feeds & _asset


@dag(
    dag_id="zhuanhua_warehouse",
    schedule=_all_feeds,
    **dag_arguments(settings, "nightly"),
    params={
        "business_date": Param(
            None,
            type=["null", "string"],
            format="date",
            description="Night to record the build for (default: the "
            "newest date the feed assets carry)",
        )
    },
    doc_md="""
### 转化 warehouse build

Triggered by data, not by the clock: once all four feed assets (`checked_contracts`,
`checked_loans`, `checked_patents`, `checked_patent_events`) have been updated since the
last build, normally by the 02:00 loads of `zhuanhua_nightly`. A night whose load failed
emits no asset for that feed, and the warehouse waits for the next complete night.

1. **check_freshness**: every file due in the last week that has not arrived; each one is
   logged as a warning, sent as one "late" alert and recorded with the night. It never
   stops the build: the warehouse is built from what arrived and catches up when the late
   file loads.
2. **build_warehouse**: the dbt project rendered by Cosmos in watcher mode: the producer
   task runs one `dbt build` (seeds, models, tests); one task per seed or model and one per
   model's tests then report that node's result, and a retried one builds its node alone.
3. **record_build**: the night's build and freshness warnings into `audit.nightly_run`;
   emits `warehouse_marts`, the asset the provincial exports read.
4. **document_warehouse**: dbt's docs of the built warehouse, with the Chinese
   descriptions and the exposures (dashboards, provincial feed), one page `make docs` serves.
""",
)
def zhuanhua_warehouse():
    @task(doc_md="Warn about feed files of the last week that have not arrived.")
    def check_freshness() -> list[str]:
        return retry_only_transient(steps.check_freshness)(
            business_date_in(get_current_context()), settings
        )

    @task(outlets=[MARTS], doc_md="Record the night's build in the audit schema.")
    def record_build(warnings: list[str]) -> dict:
        context = get_current_context()
        return retry_only_transient(steps.record_build)(
            business_date_in(context), context["run_id"], warnings, settings
        )

    @task(doc_md="dbt's docs of the built warehouse (make docs serves them).")
    def document_warehouse() -> str:
        return retry_only_transient(steps.document_warehouse)(settings)

    warnings = check_freshness()
    warehouse = warehouse_task_group(settings)
    warnings >> warehouse >> record_build(warnings) >> document_warehouse()


zhuanhua_warehouse()
