"""`zhuanhua`: the operator's command line."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date

import psycopg

from zhuanhua import report
from zhuanhua.access import ROLES
from zhuanhua.config import ConfigError, Settings, load_settings
from zhuanhua.embedded_db import EmbeddedDbError, EmbeddedServer
from zhuanhua.export.reconcile import ExportRefused
from zhuanhua.feeds import FEEDS
from zhuanhua.orchestrate import RunFailed
from zhuanhua.quarantine import NotHeld
from zhuanhua.transform import TransformError

KNOWN_ERRORS = (ConfigError, EmbeddedDbError, RunFailed, TransformError, NotHeld, ValueError,
                ExportRefused, psycopg.Error, OSError)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args, load_settings()) or 0
    except KNOWN_ERRORS as exc:
        print(f"zhuanhua: error: {exc}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhuanhua", description=__doc__)
    verbs = parser.add_subparsers(required=True, metavar="COMMAND")

    db = verbs.add_parser("db", help="the embedded warehouse: start, stop, status, url")
    db.add_argument("action", choices=["start", "stop", "status", "url"])
    db.set_defaults(handler=_db)

    setup = verbs.add_parser("setup", help="start the warehouse, create schemas, Airflow metadata")
    setup.set_defaults(handler=_setup)

    synth = verbs.add_parser("synth", help="write realistic source files into a landing area")
    synth.add_argument("out", help="landing folder or URL")
    synth.add_argument("--scale", choices=["city", "province", "national"], default="city")
    synth.add_argument("--start", type=_date, required=True, help="first business date")
    synth.add_argument("--days", type=int, default=3)
    synth.add_argument("--seed", type=int, default=1)
    synth.add_argument("--defect-rate", type=float, default=0.02)
    synth.set_defaults(handler=_synth)

    run = verbs.add_parser("run", help="run one night (loads, then build) through Airflow")
    run.add_argument("--date", type=_date, required=True)
    run.add_argument("--landing", help="landing folder or URL (default: ZHUANHUA_LANDING)")
    run.set_defaults(handler=_run)

    backfill = verbs.add_parser("backfill", help="re-run a range of business dates in order "
                                                 "through Airflow, then build once")
    backfill.add_argument("--start", type=_date, required=True, help="first business date")
    backfill.add_argument("--end", type=_date, required=True, help="last business date")
    backfill.set_defaults(handler=_backfill)

    rep = verbs.add_parser("report", help="the summary of one night")
    rep.add_argument("--date", type=_date, required=True)
    rep.add_argument("--json", action="store_true")
    rep.set_defaults(handler=_report)

    demo = verbs.add_parser("demo", help="synthesise a few days and run each night through Airflow")
    demo.add_argument("--start", type=_date, default=date(2024, 6, 3))
    demo.add_argument("--days", type=int, default=3)
    demo.set_defaults(handler=_demo)

    held = verbs.add_parser("quarantine", help="rows the checks held back: list, show, release, "
                                               "waive")
    actions = held.add_subparsers(required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="held rows with their reasons")
    listing.add_argument("--status", choices=["held", "released", "waived", "superseded"])
    listing.add_argument("--feed", choices=sorted(FEEDS))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=_quarantine_list)
    showing = actions.add_parser("show", help="one row: the record as received and every reason")
    showing.add_argument("id", type=int)
    showing.set_defaults(handler=_quarantine_show)
    releasing = actions.add_parser("release", help="re-check a row; load it if it now passes")
    releasing.add_argument("id", type=int, nargs="+")
    releasing.set_defaults(handler=_quarantine_release)
    waiving = actions.add_parser("waive", help="load a row despite its failures, with a reason")
    waiving.add_argument("id", type=int)
    waiving.add_argument("--reason", required=True)
    waiving.set_defaults(handler=_quarantine_waive)

    export = verbs.add_parser("export", help="the provincial statistics feed of one period")
    export.add_argument("--period", required=True, help="YYYYMM, YYYYQn or YYYY")
    export.add_argument("--region", help="the city (default: ZHUANHUA_REGION) or one of its "
                                         "counties")
    export.add_argument("--out", help="output folder (default: $ZHUANHUA_HOME/exports)")
    export.add_argument("--waive", action="append", default=[], metavar="DATE[..DATE]",
                        help="export although these days' files are missing (needs --reason)")
    export.add_argument("--reason", help="why the waived days may be left out")
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=_export)

    bench = verbs.add_parser("bench", help="the load path against bare COPY on generated data")
    bench.add_argument("--scale", choices=["city", "province", "national"], default="province")
    bench.add_argument("--days", type=int, default=365)
    bench.set_defaults(handler=_bench)

    access = verbs.add_parser("access", help="roles and logins (docs/security.md)")
    acts = access.add_subparsers(required=True, metavar="ACTION")
    acts.add_parser("apply", help="grant each role what it needs (also done by setup)"
                    ).set_defaults(handler=_access_apply)
    county = acts.add_parser("add-county", help="a county analyst's login, seeing its county")
    county.add_argument("county", help="county-level division code, e.g. 510503")
    county.add_argument("--login", required=True)
    county.add_argument("--password-env", help="environment variable holding the password")
    county.set_defaults(handler=_access_add_county)
    login = acts.add_parser("add-login", help="a login in one of the roles")
    login.add_argument("role", choices=[r for r in ROLES if r != "county_analyst"],
                       help="county analysts: add-county")
    login.add_argument("login")
    login.add_argument("--password-env", help="environment variable holding the password")
    login.set_defaults(handler=_access_add_login)
    acts.add_parser("rotate-key", help="hash persons under ZHUANHUA_PERSON_KEY from now on, "
                    "and rebuild every model").set_defaults(handler=_access_rotate_key)

    airflow = verbs.add_parser("airflow", help="run an `airflow` command in the project's setup")
    airflow.add_argument("airflow_args", nargs=argparse.REMAINDER)
    airflow.set_defaults(handler=_airflow)
    return parser


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {text!r}") from None


def _db(args, settings: Settings) -> int:
    server = EmbeddedServer(settings.home)
    if settings.warehouse_url and args.action != "url":
        print("ZHUANHUA_WAREHOUSE_URL is set: the embedded server is not used", file=sys.stderr)
    if args.action == "start":
        print(server.start())
    elif args.action == "stop":
        print("stopped" if server.stop() else "not running")
    elif args.action == "status":
        running = server.is_running()
        print(f"running at {server.url()}" if running else "not running")
        return 0 if running else 3
    else:
        from zhuanhua.warehouse import warehouse_url

        print(warehouse_url(settings))
    return 0


def _setup(args, settings: Settings) -> int:
    from zhuanhua.access import apply_roles
    from zhuanhua.orchestrate import prepare_airflow
    from zhuanhua.warehouse import connect, ensure_schema

    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    with connect(settings) as conn:
        ensure_schema(conn)
        apply_roles(conn)
    prepare_airflow(settings)
    print("warehouse schemas, roles and Airflow metadata are ready")
    return 0


def _synth(args, settings: Settings) -> int:
    from zhuanhua.synth import generate

    counts = generate(args.out, args.start, args.days, seed=args.seed, scale=args.scale,
                      defect_rate=args.defect_rate)
    print(f"wrote {counts['files']} files, {counts['rows']} rows "
          f"({counts['defects']} with injected defects) to {args.out}")
    return 0


def _run(args, settings: Settings) -> int:
    from zhuanhua.orchestrate import run_nightly

    if args.landing:
        os.environ["ZHUANHUA_LANDING"] = args.landing
        settings = load_settings()
    for result in run_nightly(settings, args.date):
        _raise_unless_success(result)
    _print_report(settings, args.date, as_json=False)
    return 0


def _backfill(args, settings: Settings) -> int:
    from zhuanhua.orchestrate import backfill

    if args.end < args.start:
        raise ValueError(f"--end {args.end} is before --start {args.start}")
    for result in backfill(settings, args.start, args.end):
        print(f"  {result.dag_id} for {result.business_date}: {result.state}")
        _raise_unless_success(result)
    _print_report(settings, args.end, as_json=False)
    return 0


def _raise_unless_success(result) -> None:
    if result.state != "success":
        failed = [t for t, s in result.tasks.items() if s != "success"]
        raise RunFailed(
            f"{result.dag_id} for {result.business_date} ended {result.state}; "
            f"tasks not successful: {', '.join(failed) or 'none started'}\n"
            f"{_first_error(result.log_file)}full log: {result.log_file}"
        )


def _first_error(log_file) -> str:
    """The exception line a failed task logged, so the operator sees the cause at once."""
    lines = log_file.read_text(errors="replace").splitlines()
    causes = [line.strip() for line in lines
              if "Error:" in line and not line.lstrip().startswith(("File ", "raise "))]
    return f"cause: {causes[-1]}\n" if causes else ""


def _export(args, settings: Settings) -> int:
    from zhuanhua.completeness import parse_waiver
    from zhuanhua.export.provincial import export_period

    waivers = tuple(parse_waiver(text, args.reason) for text in args.waive)
    if args.reason and not waivers:
        raise ValueError("--reason goes with --waive DATE[..DATE]")
    result = export_period(settings, args.period, args.region, args.out, waivers)
    if args.json:
        print(json.dumps({"status": result.status, "version": result.stem,
                          "folder": str(result.folder), "changed_cells": result.changes,
                          "waived": result.waived}, ensure_ascii=False))
    else:
        print(result.message)
    return 0


def _report(args, settings: Settings) -> int:
    return _print_report(settings, args.date, as_json=args.json)


def _print_report(settings: Settings, day: date, as_json: bool) -> int:
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        rows = report.fetch(conn, day)
        run = report.fetch_run(conn, day)
        rejected = report.file_problems(conn, day)
    if not rows:
        print(f"no nightly run recorded for {day}", file=sys.stderr)
        return 1
    if as_json:
        print(json.dumps({"business_date": day.isoformat(), "feeds": rows, "run": run,
                          "file_problems": [{"file": f, "error": e} for f, e in rejected]},
                         ensure_ascii=False, indent=2))
    else:
        print(report.as_text(day, rows, run))
        for _, error in rejected:
            print(f"  {error}")
    return 0


def _demo(args, settings: Settings) -> int:
    from zhuanhua.demo import run_demo

    return run_demo(settings, args.start, args.days)


def _quarantine_list(args, settings: Settings) -> int:
    from zhuanhua.quarantine import list_rows
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        rows = list_rows(conn, args.status, args.feed)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    for row in rows:
        reasons = "; ".join(r["message"] for r in row["rules"])
        print(f"{row['id']:>6} {row['status']:<10} {row['feed']:<14} {row['file']}:{row['row']} "
              f"{row['key']}  {reasons}")
    print(f"{len(rows)} row(s)", file=sys.stderr)
    return 0


def _quarantine_show(args, settings: Settings) -> int:
    from zhuanhua.quarantine import show
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        print(json.dumps(show(conn, args.id), ensure_ascii=False, indent=2))
    return 0


def _quarantine_release(args, settings: Settings) -> int:
    from zhuanhua.quarantine import release
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        outcomes = release(conn, args.id)
    for outcome in outcomes:
        if outcome.passed:
            print(f"{outcome.id}: released and loaded")
        else:
            reasons = "; ".join(f"{f.rule}: {f.message}" for f in outcome.failures)
            print(f"{outcome.id}: still held: {reasons}")
    return 0 if all(o.passed for o in outcomes) else 1


def _quarantine_waive(args, settings: Settings) -> int:
    from zhuanhua.quarantine import waive
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        outcome = waive(conn, args.id, args.reason)
    print(f"{outcome.id}: {'released (it passes now)' if outcome.passed else 'waived and loaded'}")
    return 0


def _bench(args, settings: Settings) -> int:
    from zhuanhua.bench import run_bench

    if not settings.warehouse_url:
        EmbeddedServer(settings.home).start()
    run_bench(settings, args.scale, args.days)
    return 0


def _airflow(args, settings: Settings) -> int:
    from zhuanhua.orchestrate import airflow_env, airflow_executable

    os.environ.update(airflow_env(settings))
    # `airflow standalone` starts its components as `airflow …` found on PATH
    bin_dir = os.path.dirname(airflow_executable())
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    os.execv(airflow_executable(), ["airflow", *args.airflow_args])


if __name__ == "__main__":
    sys.exit(main())


def _password(args) -> str | None:
    if not args.password_env:
        return None
    if not os.environ.get(args.password_env):
        raise ConfigError(f"{args.password_env} is not set")
    return os.environ[args.password_env]


def _access_apply(args, settings: Settings) -> int:
    from zhuanhua.access import apply_roles
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        apply_roles(conn)
    print("roles granted")
    return 0


def _access_add_county(args, settings: Settings) -> int:
    from zhuanhua.access import add_county
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        add_county(conn, args.county, args.login, settings.region, _password(args))
    print(f"{args.login}: county analyst of {args.county}")
    return 0


def _access_add_login(args, settings: Settings) -> int:
    from zhuanhua.access import add_login
    from zhuanhua.warehouse import connect

    with connect(settings) as conn:
        add_login(conn, args.role, args.login, _password(args))
    print(f"{args.login}: {args.role}")
    return 0


def _access_rotate_key(args, settings: Settings) -> int:
    from zhuanhua import transform
    from zhuanhua.personal import rotate_key
    from zhuanhua.warehouse import connect

    if settings.person_key is None:
        raise ConfigError("set ZHUANHUA_PERSON_KEY to the new key first")
    with connect(settings) as conn:
        rotate_key(conn, settings.person_key)
    transform.run_dbt(settings, "build", "--full-refresh")
    print("key rotated; every model rebuilt with the new hashes")
    return 0
