"""Row rules per feed; each feed's module says which rules of the spec it enforces."""

from __future__ import annotations

from functools import cache

import pandas as pd
import psycopg

from zhuanhua.check.rules import contracts, loans, patent_events, patents
from zhuanhua.check.suite import Rule


def derive(feed_name: str, typed: pd.DataFrame, conn: psycopg.Connection | None = None) -> None:
    """Add the helper columns a feed's rules compare with (a feed may have none).

    Some come from the warehouse (the top 1 % of contract amounts): without a connection
    they are left empty, and their rules pass.
    """
    if feed_name == "contracts":
        contracts.derive(typed, conn)
    elif feed_name in ("loans", "patents", "patent_events"):
        {"loans": loans, "patents": patents, "patent_events": patent_events}[feed_name].derive(
            typed
        )


@cache
def rules_for(feed_name: str, region: str) -> tuple[Rule, ...]:
    """Rules compare with the row's own `business_date` column, so one list serves every file;
    the deployment's city (`region`) decides which sellers are local."""
    if feed_name == "contracts":
        return tuple(contracts.rules(region))
    return tuple(
        {"loans": loans.rules, "patents": patents.rules, "patent_events": patent_events.rules}[
            feed_name
        ]()
    )
