"""The provincial statistics feed on its calendars: monthly, quarterly and annual exports."""

from __future__ import annotations

from airflow.sdk import Param, PokeReturnValue, dag, get_current_context, task

from zhuanhua.export.schedule import CALENDARS, marts_behind, run_scheduled, scheduled_period
from zhuanhua.ops import lineage
from zhuanhua.ops.assets import MARTS
from zhuanhua.ops.connections import with_warehouse_connection
from zhuanhua.ops.dag_defaults import dag_arguments
from zhuanhua.ops.faults import retry_only_transient
from zhuanhua.settings import load_settings

settings = load_settings()


def _export_dag(kind: str, cron: str, due: str):
    @dag(
        dag_id=f"zhuanhua_export_{kind}",
        schedule=cron,
        **dag_arguments(settings, "export"),
        params={
            "period": Param(
                None,
                type=["null", "string"],
                description="Period to export (default: the last one ended)",
            ),
            "region": Param(
                None,
                type=["null", "string"],
                description="The city (default) or one of its counties",
            ),
        },
        doc_md=f"""
### 转化 provincial feed, {kind}

Runs at `{cron}` Asia/Shanghai, after that night's 02:00 nightly build, for the last
{kind} period that has ended (or the `period` param); the province expects it {due}.

**wait_for_build** waits (rescheduled every 10 minutes, up to the run's deadline) until the
marts were built after the last load of a file the period counts: a night whose load or
build failed is never exported stale.

**export** runs `zhuanhua export`: it refuses a period with a missing source file (the log
names the files; load them or export by hand with `--waive`), stops when a table does not
reconcile with table 1 or the marts, writes nothing when nothing changed since the last
version, and otherwise writes the next version beside the earlier ones in
`$ZHUANHUA_HOME/exports` with its change list. See `docs/operations.md`.
""",
    )
    def export_dag():
        @task.sensor(
            poke_interval=600,
            mode="reschedule",
            timeout=settings.run_deadline_hours * 3600,
            doc_md="Wait until the marts were built after the last load the period counts.",
        )
        def wait_for_build() -> PokeReturnValue:
            context = get_current_context()

            def poke() -> bool:  # a bad `period` param fails at once, not after retries
                period = scheduled_period(kind, context["params"], context.get("logical_date"))
                return marts_behind(with_warehouse_connection(settings), period) is None

            return PokeReturnValue(is_done=retry_only_transient(poke)())

        @task(
            inlets=[MARTS],
            retries=0,  # a refusal is about the data: a retry cannot help
            doc_md="Export the period: complete, reconciled, versioned (zhuanhua export).",
        )
        def export() -> dict:
            context = get_current_context()
            warehouse = with_warehouse_connection(settings)
            result = run_scheduled(warehouse, kind, context["params"], context.get("logical_date"))
            lineage.record_export(result, warehouse)
            return result

        wait_for_build() >> export()

    return export_dag()


for _kind, (_cron, _due) in CALENDARS.items():
    _export_dag(_kind, _cron, _due)
