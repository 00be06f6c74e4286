"""`zhuanhua`: the operator's command line, one module per command group.

The CLI is the front door to every stage, the developer tools included, so it sits above
them all. An expected failure (`ZhuanhuaError`, or a database that cannot be reached) is
printed as one line and exits 1; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import sys

import psycopg

from zhuanhua.cli import airflow, bi, codes, dev, export, nights, quarantine, warehouse
from zhuanhua.errors import ZhuanhuaError
from zhuanhua.ops.connections import with_warehouse_connection
from zhuanhua.settings import load_settings

GROUPS = (warehouse, nights, quarantine, export, codes, dev, airflow, bi)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.handler(args, with_warehouse_connection(load_settings())) or 0
    except (ZhuanhuaError, psycopg.OperationalError) as exc:
        print(f"zhuanhua: error: {str(exc).strip()}", file=sys.stderr)
        return 1


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="zhuanhua", description=__doc__.splitlines()[0])
    verbs = root.add_subparsers(required=True, metavar="COMMAND")
    for group in GROUPS:
        group.add_commands(verbs)
    return root
