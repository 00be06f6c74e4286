"""`zhuanhua quarantine list|show|release|waive|files|release-file`: the data steward's commands."""

from __future__ import annotations

import json
import sys
from datetime import date

from zhuanhua.domain.feeds import FEEDS
from zhuanhua.load.connection import connect
from zhuanhua.load.decisions import Actor, recent
from zhuanhua.settings import Settings

# Every decision from here is recorded under the operating system's user (audit.steward_decision)


def add_commands(verbs) -> None:
    held = verbs.add_parser(
        "quarantine", help="rows the checks held back: list, show, release, waive"
    )
    actions = held.add_subparsers(required=True, metavar="ACTION")
    listing = actions.add_parser("list", help="held rows with their reasons")
    listing.add_argument("--status", choices=["held", "released", "waived", "superseded"])
    listing.add_argument("--feed", choices=sorted(FEEDS))
    listing.add_argument("--night", type=date.fromisoformat, help="the files' business date")
    listing.add_argument("--rule", help="rows that failed this rule, e.g. contracts.amounts")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=list_rows)
    showing = actions.add_parser("show", help="one row: the record as received and every reason")
    showing.add_argument("id", type=int)
    showing.set_defaults(handler=show)
    releasing = actions.add_parser("release", help="re-check a row; load it if it now passes")
    releasing.add_argument("id", type=int, nargs="+")
    releasing.set_defaults(handler=release)
    waiving = actions.add_parser("waive", help="load rows despite their failures, with a reason")
    waiving.add_argument("id", type=int, nargs="+")
    waiving.add_argument("--reason", required=True)
    waiving.set_defaults(handler=waive)
    files = actions.add_parser("files", help="files held whole, with their batch ids and why")
    files.set_defaults(handler=held_files)
    releasing_file = actions.add_parser(
        "release-file", help="re-check a file held whole and load it (bad rows quarantined)"
    )
    releasing_file.add_argument("batch_id", type=int)
    releasing_file.set_defaults(handler=release_file)
    rejecting_file = actions.add_parser(
        "reject-file", help="refuse a file held whole: the sender must correct it"
    )
    rejecting_file.add_argument("batch_id", type=int)
    rejecting_file.add_argument("--reason", required=True)
    rejecting_file.set_defaults(handler=reject_file)
    decisions = actions.add_parser("decisions", help="who decided what, when and why (audit)")
    decisions.add_argument("--id", type=int, help="decisions on this held row")
    decisions.add_argument("--batch", type=int, help="decisions on this file")
    decisions.set_defaults(handler=list_decisions)


# The quarantine re-checks rows through the rules, which import Great Expectations (about 6 s):
# each command imports it when it runs, so `zhuanhua --help` and the other commands stay quick.


def list_rows(args, settings: Settings) -> int:
    from zhuanhua.load import quarantine  # lazy: GX (see above)

    where = quarantine.HeldFilter(args.status, args.feed, args.night, args.rule)
    with connect(settings) as conn:
        rows = quarantine.list_rows(conn, where=where)
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    for row in rows:
        reasons = "; ".join(r["message"] for r in row["rules"])
        print(
            f"{row['id']:>6} {row['status']:<10} {row['feed']:<14} {row['file']}:{row['row']} "
            f"{row['key']}  {reasons}"
        )
    print(f"{len(rows)} row(s)", file=sys.stderr)
    return 0


def show(args, settings: Settings) -> int:
    from zhuanhua.load import quarantine  # lazy: GX (see above)

    with connect(settings) as conn:
        print(json.dumps(quarantine.show(conn, args.id), ensure_ascii=False, indent=2))
    return 0


def release(args, settings: Settings) -> int:
    from zhuanhua.load import quarantine  # lazy: GX (see above)

    with connect(settings) as conn:
        outcomes = quarantine.release(conn, args.id, settings, Actor.shell_user())
    for outcome in outcomes:
        if outcome.passed:
            print(f"{outcome.id}: released and loaded")
        else:
            reasons = "; ".join(f"{f.rule}: {f.message}" for f in outcome.failures)
            print(f"{outcome.id}: still held: {reasons}")
    return 0 if all(o.passed for o in outcomes) else 1


def waive(args, settings: Settings) -> int:
    from zhuanhua.load import quarantine  # lazy: GX (see above)

    with connect(settings) as conn:
        outcomes = quarantine.waive(conn, args.id, args.reason, settings, Actor.shell_user())
    for outcome in outcomes:
        print(f"{outcome.id}: " + ("released (it passes now)" if outcome.passed else "waived"))
    return 0


def held_files(args, settings: Settings) -> int:
    from zhuanhua.load import loader  # lazy: GX (see above)

    with connect(settings) as conn:
        found = loader.held_files(conn)
    for batch_id, feed, file_name, day, error, _ in found:
        print(f"{batch_id:>6} {feed:<14} {file_name} ({day})  {error}")
    print(f"{len(found)} file(s) held", file=sys.stderr)
    return 0


def release_file(args, settings: Settings) -> int:
    from zhuanhua.load import loader  # lazy: GX (see above)

    with connect(settings) as conn:
        outcome = loader.release_held_file(conn, args.batch_id, settings, Actor.shell_user())
    print(
        f"{outcome.file_name}: released and loaded: {outcome.rows_loaded} rows loaded, "
        f"{outcome.rows_quarantined} quarantined (zhuanhua quarantine list)"
    )
    return 0


def reject_file(args, settings: Settings) -> int:
    from zhuanhua.load import loader  # lazy: GX (see above)

    with connect(settings) as conn:
        loader.reject_held_file(conn, args.batch_id, args.reason, Actor.shell_user())
    print(f"batch {args.batch_id}: rejected; ask the sender for a corrected file")
    return 0


def list_decisions(args, settings: Settings) -> int:
    with connect(settings) as conn:
        found = recent(conn, held_id=args.id, batch_id=args.batch)
    for d in found:
        subject = f"row {d['held_id']}" if d["held_id"] else f"file {d['batch_id']}"
        print(
            f"{d['decided_at']:%Y-%m-%d %H:%M:%S} {d['decided_by']} ({d['via']}) {d['action']} "
            f"{subject} {d['file_name']}: {d['state_before']['status']} → "
            f"{d['state_after']['status']}" + (f"  “{d['reason']}”" if d["reason"] else "")
        )
    print(f"{len(found)} decision(s)", file=sys.stderr)
    return 0
