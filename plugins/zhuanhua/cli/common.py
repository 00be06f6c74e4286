"""What several command groups share: argument types, passwords, run outcomes, the report."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

from zhuanhua.audit import report
from zhuanhua.check.suite import data_docs_index
from zhuanhua.errors import ConfigError, RunFailed
from zhuanhua.load.connection import connect
from zhuanhua.settings import Settings


def date_argument(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def password(args) -> str | None:
    """The password from the environment variable the operator named (never a flag)."""
    if not args.password_env:
        return None
    if not os.environ.get(args.password_env):
        raise ConfigError(f"{args.password_env} is not set")
    return os.environ[args.password_env]


def raise_unless_success(result) -> None:
    if result.state != "success":
        failed = [t for t, s in result.tasks.items() if s != "success"]
        raise RunFailed(
            f"{result.dag_id} for {result.business_date} ended {result.state}; "
            f"tasks not successful: {', '.join(failed) or 'none started'}\n"
            f"{_first_error(result.log_file)}full log: {result.log_file}"
        )


def _first_error(log_file: Path) -> str:
    """The exception line a failed task logged, so the operator sees the cause at once."""
    lines = log_file.read_text(errors="replace").splitlines()
    causes = [
        line.strip()
        for line in lines
        if "Error:" in line and not line.lstrip().startswith(("File ", "raise "))
    ]
    return f"cause: {causes[-1]}\n" if causes else ""


def print_report(settings: Settings, day: date, as_json: bool) -> int:
    with connect(settings) as conn:
        rows = report.fetch(conn, day)
        run = report.fetch_run(conn, day)
        rejected = report.file_problems(conn, day)
    if not rows:
        print(f"no nightly run recorded for {day}", file=sys.stderr)
        return 1
    if as_json:
        print(
            json.dumps(
                {
                    "business_date": day.isoformat(),
                    "feeds": rows,
                    "run": run,
                    "file_problems": [{"file": f, "error": e} for f, e in rejected],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(report.as_text(day, rows, run, data_docs_index(settings.gx_state)))
        for _, error in rejected:
            print(f"  {error}")
    return 0


def demo_if_empty(settings: Settings, start=None, days: int | None = None) -> int:
    """The demo's nights, when the warehouse has no marts yet (`make bi`, `make airflow`):
    what they show needs data. Returns the demo's exit status, 0 when it was not needed."""
    from zhuanhua.dev.demo import DEMO_DAYS, DEMO_START, run_demo  # only when needed
    from zhuanhua.load.embedded import EmbeddedServer

    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    with connect(settings) as conn:
        found = conn.execute("select to_regclass('marts.fct_conversion_funnel_yearly')")
        if found.fetchone()[0] is not None:
            return 0
    print("the warehouse has no marts yet: running the demo first (make demo)")
    return run_demo(settings, start or DEMO_START, days or DEMO_DAYS)
