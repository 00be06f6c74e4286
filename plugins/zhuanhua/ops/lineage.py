"""What each task read and wrote, for OpenLineage (docs/dashboards.md, "Lineage").

Airflow's OpenLineage provider sends an event at each task's start and end, to the transport
`lineage_env` sets (a local file by default: nothing leaves the bureau's network). For our
own tasks it takes their inputs and outputs from Airflow's hook-lineage collector, which this
module fills: a load task reads its landing files and writes its feed's checked table; an
export reads the marts the provincial-feed exposure names and writes its folder. The dbt
producer task's events carry every model it built (Cosmos reads dbt's run results). Together
a landing file can be followed through its load task and the models to an export.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from zhuanhua.load.connection import warehouse_url
from zhuanhua.settings import DBT_PROJECT, Settings

NAMESPACE = "zhuanhua"
EXPOSURES = DBT_PROJECT / "models" / "marts" / "_marts__exposures.yml"


def lineage_env(settings: Settings) -> dict[str, str]:
    """OpenLineage's settings for Airflow: the project's namespace, events to a local file."""
    transport = {"type": "file", "log_file_path": str(events_file(settings)), "append": True}
    return {
        "AIRFLOW__OPENLINEAGE__NAMESPACE": NAMESPACE,
        "AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport),
        "AIRFLOW__OPENLINEAGE__EXECUTE_IN_THREAD": "True",
    }


def events_file(settings: Settings):
    """Where the events go by default: one JSON line each, in the project's state folder."""
    return settings.home / "lineage-events.jsonl"


def table_uri(settings: Settings, schema: str, table: str) -> str:
    """A warehouse table as Airflow's postgres asset URI (host, port, database, schema, table)."""
    url = urlsplit(warehouse_url(settings))
    database = url.path.lstrip("/") or "warehouse"
    return f"postgres://{url.hostname}:{url.port or 5432}/{database}/{schema}/{table}"


def record_load(outcome: dict, settings: Settings) -> None:
    """A load task's lineage: the file versions it read, the feed's checked table it wrote."""
    collector = _collector()
    for delivered in outcome["files"]:
        if delivered["status"] != "skipped" and delivered.get("url"):
            collector.add_input_asset(context=record_load, uri=delivered["url"])
    collector.add_output_asset(
        context=record_load, uri=table_uri(settings, "checked", outcome["feed"])
    )


def record_export(result: dict, settings: Settings) -> None:
    """An export's lineage: the marts it reads, the folder it wrote."""
    collector = _collector()
    for mart in marts_read_by_export():
        collector.add_input_asset(context=record_export, uri=table_uri(settings, "marts", mart))
    collector.add_output_asset(context=record_export, uri=Path(result["folder"]).as_uri())


def marts_read_by_export() -> list[str]:
    """The provincial feed's marts, as its dbt exposure lists them (the one list)."""
    exposures = yaml.safe_load(EXPOSURES.read_text(encoding="utf-8"))["exposures"]
    feed = next(e for e in exposures if e["name"] == "provincial_statistics_feed")
    return [d.split("'")[1] for d in feed["depends_on"]]


def fresh_collector(context) -> None:
    """Every task starts with an empty hook-lineage collector (its `on_execute_callback`).

    Airflow keeps one collector per process, and `dag.test()` (`zhuanhua run`, the demo)
    runs every task of a run in one process: without a fresh one, a task's event would also
    carry the files and tables of the tasks before it.
    """
    from airflow.sdk.lineage import get_hook_lineage_collector  # lazy: tasks only

    get_hook_lineage_collector.cache_clear()


def _collector():
    from airflow.sdk.lineage import get_hook_lineage_collector  # lazy: tasks only

    return get_hook_lineage_collector()
