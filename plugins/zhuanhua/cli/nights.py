"""`zhuanhua run|backfill|report`: nights through Airflow, and what a night did."""

from __future__ import annotations

import dataclasses

from zhuanhua.cli.common import date_argument, print_report, raise_unless_success
from zhuanhua.cli.progress import add_quiet, progress_bars
from zhuanhua.errors import UsageError
from zhuanhua.ops.orchestrate import backfill as run_backfill
from zhuanhua.ops.orchestrate import run_nightly
from zhuanhua.settings import Settings


def add_commands(verbs) -> None:
    run_cmd = verbs.add_parser("run", help="run one night (loads, then build) through Airflow")
    run_cmd.add_argument("--date", type=date_argument, required=True)
    run_cmd.add_argument("--landing", help="landing folder or URL (default: ZHUANHUA_LANDING)")
    add_quiet(run_cmd)
    run_cmd.set_defaults(handler=run)

    back = verbs.add_parser(
        "backfill",
        help="re-run a range of business dates in order through Airflow, then build once",
    )
    back.add_argument("--start", type=date_argument, required=True, help="first business date")
    back.add_argument("--end", type=date_argument, required=True, help="last business date")
    add_quiet(back)
    back.set_defaults(handler=backfill)

    rep = verbs.add_parser("report", help="the summary of one night")
    rep.add_argument("--date", type=date_argument, required=True)
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(handler=report)


def run(args, settings: Settings) -> int:
    if args.landing:
        settings = dataclasses.replace(settings, landing=args.landing)
    with progress_bars(args) as shown:
        results = run_nightly(settings, args.date, shown)
    for result in results:
        raise_unless_success(result)
    print_report(settings, args.date, as_json=False)
    return 0


def backfill(args, settings: Settings) -> int:
    if args.end < args.start:
        raise UsageError(f"--end {args.end} is before --start {args.start}")
    with progress_bars(args) as shown:
        results = run_backfill(settings, args.start, args.end, shown)
    for result in results:
        print(f"  {result.dag_id} for {result.business_date}: {result.state}")
        raise_unless_success(result)
    print_report(settings, args.end, as_json=False)
    return 0


def report(args, settings: Settings) -> int:
    return print_report(settings, args.date, as_json=args.json)
