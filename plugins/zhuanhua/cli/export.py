"""`zhuanhua export`: one period of the provincial statistics feed."""

from __future__ import annotations

import json

from zhuanhua.audit.completeness import parse_waiver
from zhuanhua.cli.progress import add_quiet, progress_bars
from zhuanhua.errors import UsageError
from zhuanhua.export.provincial import export_period
from zhuanhua.settings import Settings


def add_commands(verbs) -> None:
    export = verbs.add_parser("export", help="the provincial statistics feed of one period")
    export.add_argument("--period", required=True, help="YYYYMM, YYYYQn or YYYY")
    export.add_argument(
        "--region", help="the city (default: ZHUANHUA_REGION) or one of its counties"
    )
    export.add_argument("--out", help="output folder (default: $ZHUANHUA_HOME/exports)")
    export.add_argument(
        "--waive",
        action="append",
        default=[],
        metavar="DATE[..DATE]",
        help="export although these days' files are missing (needs --reason)",
    )
    export.add_argument("--reason", help="why the waived days may be left out")
    export.add_argument("--json", action="store_true")
    add_quiet(export)
    export.set_defaults(handler=run_export)


def run_export(args, settings: Settings) -> int:
    waivers = tuple(parse_waiver(text, args.reason) for text in args.waive)
    if args.reason and not waivers:
        raise UsageError("--reason goes with --waive DATE[..DATE]")
    with progress_bars(args) as shown:
        result = export_period(settings, args.period, args.region, args.out, waivers, shown)
    if args.json:
        print(
            json.dumps(
                {
                    "status": result.status,
                    "version": result.stem,
                    "folder": str(result.folder),
                    "changed_cells": result.changes,
                    "waived": result.waived,
                },
                ensure_ascii=False,
            )
        )
    else:
        print(result.message)
    return 0
