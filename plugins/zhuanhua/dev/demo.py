"""`make demo`: a few business days end to end through Airflow, then a short summary."""

from __future__ import annotations

import sys
from datetime import date, timedelta

from zhuanhua.audit.report import COUNTS, fetch
from zhuanhua.check.suite import data_docs_index
from zhuanhua.dev.synth import generate
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.load.connection import connect, warehouse_url
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.ops.orchestrate import prepare_airflow, run_nightly
from zhuanhua.ops.steps import prepare_warehouse
from zhuanhua.settings import Settings

DEMO_SEED = 20240603
DEMO_START = date(2024, 6, 3)
DEMO_DAYS = 3


def run_demo(settings: Settings, start: date, days: int) -> int:
    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    with connect(settings) as conn:
        prepare_warehouse(conn, settings)
    prepare_airflow(settings)
    written = generate(settings.landing, start, days, seed=DEMO_SEED, defect_rate=0.03)
    print(
        f"landing area {settings.landing}: {written['files']} files, {written['rows']} rows "
        f"({written['defects']} rows with deliberate defects)"
    )
    dates = [start + timedelta(days=i) for i in range(days)]
    for day in dates:
        results = run_nightly(settings, day)
        print(f"  night of {day}: " + ", ".join(f"{r.dag_id} {r.state}" for r in results))
        if len(results) < 2 or any(r.state != "success" for r in results):
            print(
                f"zhuanhua: error: the run for {day} failed; see {results[-1].log_file}",
                file=sys.stderr,
            )
            return 1
    print(summary(settings, dates))
    return 0


def summary(settings: Settings, dates: list[date]) -> str:
    totals = {feed: dict.fromkeys(COUNTS, 0) for feed in FEEDS}
    with connect(settings) as conn:
        for day in dates:
            for row in fetch(conn, day):
                for key in COUNTS:
                    totals[row["feed"]][key] += row[key]
        marts = conn.execute(
            """select table_name from information_schema.tables
               where table_schema = 'marts' order by table_name"""
        ).fetchall()
        sizes = {
            name: conn.execute(f'select count(*) from marts."{name}"').fetchone()[0]
            for (name,) in marts
        }
    lines = [
        "",
        f"Zhuanhua demo: {len(dates)} nights, {dates[0]} to {dates[-1]}",
        f"{'feed':<14}{'files':>6}{'rejected':>9}{'received':>10}{'loaded':>8}{'quarantined':>12}",
    ]
    for feed, t in totals.items():
        lines.append(
            f"{feed:<14}{t['files']:>6}{t['files_rejected']:>9}{t['rows_received']:>10}"
            f"{t['rows_loaded']:>8}{t['rows_quarantined']:>12}"
        )
    lines.append("marts built: " + ", ".join(f"marts.{n} ({c} rows)" for n, c in sizes.items()))
    lines += [
        "",
        "Where to look next:",
        f"  zhuanhua report --date {dates[-1]}      one night's summary (--json for machines)",
        f"  psql {warehouse_url(settings)}",
        "      select * from marts.fct_technology_contract limit 10;",
        "      select * from quarantine.held_row;      rows held back, with their reasons",
        "  zhuanhua quarantine list                  the same, for the data steward",
        f"  GX Data Docs: {data_docs_index(settings.gx_state).as_uri()}",
        "  make airflow                              the Airflow UI on http://127.0.0.1:8080",
        f"  logs: {settings.home / 'logs'}",
        "The embedded warehouse keeps running; `zhuanhua db stop` (or `make stop`) ends it.",
    ]
    return "\n".join(lines)
