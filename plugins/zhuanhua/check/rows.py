"""Check typed rows as one frame: the feed's rules, then its references.

The loader checks new files with it and the quarantine re-checks held rows with it, so a
row gets the same verdict however it comes back.
"""

from __future__ import annotations

import pandas as pd
import psycopg

from zhuanhua.check.references import unknown as unknown_references
from zhuanhua.check.rules import derive, rules_for
from zhuanhua.check.suite import Failure, validate
from zhuanhua.domain.feeds import Feed
from zhuanhua.settings import Settings


def check_rows(
    conn: psycopg.Connection,
    feed: Feed,
    typed: pd.DataFrame,
    failures: dict[int, list[Failure]],
    settings: Settings,
) -> None:
    """The feed's rules, then its references, added to the failures found while typing."""
    derive(feed.name, typed, conn)
    for position, more in validate(
        feed.name, rules_for(feed.name, settings.region), typed, settings.gx_state
    ).items():
        if any(f.column == "line" for f in failures.get(position, [])):
            continue  # a line that could not be read has that one reason
        unreadable = {f.column for f in failures.get(position, [])}
        failures.setdefault(position, []).extend(
            f for f in more if f.column not in unreadable
        )  # one reason per bad value
    rejected = {p for p, fs in failures.items() if any(f.severity == "reject" for f in fs)}
    passing = pd.Series([p not in rejected for p in range(len(typed))], index=typed.index)
    for position, failure in unknown_references(conn, feed.name, typed, passing).items():
        failures.setdefault(position, []).append(failure)


def with_file_columns(
    frame: pd.DataFrame, feed: Feed, files: list[str], dates: list
) -> pd.DataFrame:
    """Each row's file name, business date and fields from the name (a loan's bank)."""
    frame["business_date"] = [d.isoformat() for d in dates]
    frame["file_name"] = files
    for name in feed.file_fields:
        frame[name] = [feed.fields_from_name(f)[name] for f in files]
    return frame
