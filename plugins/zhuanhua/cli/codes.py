"""`zhuanhua codes update FILE`: a newer official division list into the dated code table.

The table is the dbt seed `divisions.csv`, read by the checks, the models and the exports
alike; the next build loads it. FILE is either python-stdnum's `loc.dat` (the whole history:
it replaces the table) or one year's list from the Ministry of Civil Affairs (merged:
created codes start, missing codes end, new names replace old ones).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from zhuanhua.domain import divisions
from zhuanhua.errors import BadCodeList, UsageError
from zhuanhua.settings import SEEDS, Settings


def add_commands(verbs) -> None:
    group = verbs.add_parser("codes", help="the code tables the checks and models share")
    actions = group.add_subparsers(required=True, metavar="ACTION")
    update = actions.add_parser("update", help="load a newer GB/T 2260 division list")
    update.add_argument("file", type=Path, help="loc.dat, or one year's list (code, name)")
    update.add_argument("--year", type=int, help="the year a one-year list is valid for")
    update.add_argument(
        "--seed",
        type=Path,
        default=SEEDS / "divisions.csv",
        help="the seed to rewrite (default: the dbt project's divisions.csv)",
    )
    update.set_defaults(handler=run_update)


def run_update(args, settings: Settings) -> int:
    del settings  # a file-to-file change: no warehouse needed
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadCodeList(f"{args.file}: cannot be read as UTF-8 text ({exc})") from exc
    before = divisions.from_rows(_read(args.seed))
    if 'province="' in text:
        after = _located(args.file, divisions.parse_stdnum_history, text)
    elif args.year is None:
        raise UsageError(f"{args.file}: a one-year list needs --year (the year it is valid for)")
    else:
        listed = _located(args.file, divisions.parse_official_list, text)
        after = divisions.merge_year(before, listed, args.year)
    _write(args.seed, divisions.as_rows(after))
    for change, items in divisions.changes(before, after).items():
        print(f"{change}: {len(items)}" + "".join(f"\n  {item}" for item in items[:50]))
    print(f"{args.seed}: {len(after)} rows; run the warehouse build to load them")
    return 0


def _located(path: Path, parse, text: str):
    try:
        return parse(text)
    except BadCodeList as exc:
        raise BadCodeList(f"{path}: {exc}") from exc


def _read(seed: Path) -> list[dict[str, str]]:
    with seed.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(seed: Path, rows: list[dict[str, str]]) -> None:
    """Written whole, then renamed: a failed write leaves the old table."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=divisions.COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    partial = seed.with_suffix(".csv.partial")
    partial.write_text(buffer.getvalue(), encoding="utf-8")
    partial.replace(seed)
