"""`zhuanhua synth|demo|bench|sqlfluff|stack`: the developer tools."""

from __future__ import annotations

import argparse

from zhuanhua.cli.common import date_argument, demo_if_empty
from zhuanhua.cli.progress import add_quiet, progress_bars
from zhuanhua.dev.demo import DEMO_DAYS, DEMO_START
from zhuanhua.dev.sql_lint import run_sqlfluff
from zhuanhua.dev.synth import SCALES, generate
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.settings import Settings


def add_commands(verbs) -> None:
    synth = verbs.add_parser("synth", help="write realistic source files into a landing area")
    synth.add_argument("out", help="landing folder or URL")
    synth.add_argument("--scale", choices=list(SCALES), default="city")
    synth.add_argument("--start", type=date_argument, required=True, help="first business date")
    synth.add_argument("--days", type=int, default=3)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--defect-rate", type=float, default=0.02)
    add_quiet(synth)
    synth.set_defaults(handler=run_synth)

    demo = verbs.add_parser("demo", help="synthesise a few days and run each night through Airflow")
    demo.add_argument("--start", type=date_argument, default=DEMO_START)
    demo.add_argument("--days", type=int, default=DEMO_DAYS)
    demo.add_argument(
        "--if-empty", action="store_true", help="only when the warehouse has no marts yet"
    )
    demo.set_defaults(handler=run_demo)

    bench = verbs.add_parser("bench", help="the load path against bare COPY on generated data")
    bench.add_argument("--scale", choices=list(SCALES), default="province")
    bench.add_argument("--days", type=int, default=365)
    add_quiet(bench)
    bench.set_defaults(handler=run_bench)

    lint = verbs.add_parser(
        "sqlfluff",
        help="sqlfluff over the dbt project (dbt templater), e.g. `zhuanhua sqlfluff lint models`",
    )
    lint.add_argument("sqlfluff_args", nargs=argparse.REMAINDER)
    lint.set_defaults(handler=lint_sql)

    stack = verbs.add_parser(
        "stack", help="docker-compose.yml's services as processes here (make stack, stack-stop)"
    )
    stack.add_argument("action", choices=["up", "down"])
    stack.add_argument("--workers", type=int, default=2, help="Celery workers (default 2)")
    stack.add_argument("--port", type=int, default=8080, help="the UI and API (default 8080)")
    stack.set_defaults(handler=run_stack)


def run_stack(args, settings: Settings) -> int:
    from zhuanhua.dev.stack import Stack
    from zhuanhua.errors import StackRunning

    folder = settings.home / "stack"
    stack = Stack(folder, workers=args.workers, landing=folder / "landing", api_port=args.port)
    if args.action == "down":
        stack.down()
        print("stack stopped")
        return 0
    if stack.running():  # refused before anything starts, so the running one is left alone
        raise StackRunning(f"a stack is already running from {folder}: `make stack-stop` first")
    try:
        url = stack.up()
    except BaseException:
        stack.down()  # nothing half-started is left behind
        raise
    user, secret = stack.login()
    print(
        f"Airflow UI and API: {url}  (login {user} / {secret})\n"
        f"landing area: {stack.landing}   logs: {stack.logs}\n"
        f"DAGs are paused: unpause them in the UI. Stop with `make stack-stop`."
    )
    return 0


def run_synth(args, settings: Settings) -> int:
    with progress_bars(args) as shown:
        counts = generate(
            args.out,
            args.start,
            args.days,
            seed=args.seed,
            scale=args.scale,
            defect_rate=args.defect_rate,
            on_progress=shown,
        )
    print(
        f"wrote {counts['files']} files, {counts['rows']} rows "
        f"({counts['defects']} with injected defects) to {args.out}"
    )
    return 0


def run_demo(args, settings: Settings) -> int:
    from zhuanhua.dev import demo  # lazy: the demo's summary reads GX's Data Docs (GX, 6 s)

    if args.if_empty:
        return demo_if_empty(settings, args.start, args.days)
    return demo.run_demo(settings, args.start, args.days)


def run_bench(args, settings: Settings) -> int:
    from zhuanhua.dev import bench  # lazy: the bench loads through pandas and GX (6 s)

    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    with progress_bars(args) as shown:
        bench.run_bench(settings, args.scale, args.days, shown)
    return 0


def lint_sql(args, settings: Settings) -> int:
    return run_sqlfluff(settings, args.sqlfluff_args)
