"""Row rules per feed; each feed's module says which rules of the spec it enforces."""

from __future__ import annotations

from functools import cache

import pandas as pd

from zhuanhua.checks import Rule
from zhuanhua.rules import contracts, loans, patent_events, patents

_RULES = {"contracts": contracts.rules, "loans": loans.rules, "patents": patents.rules,
          "patent_events": patent_events.rules}


def derive(feed_name: str, typed: pd.DataFrame) -> None:
    """Add the helper columns a feed's rules compare with (a feed may have none)."""
    module = {"loans": loans, "patents": patents}.get(feed_name)
    if module is not None:
        module.derive(typed)


@cache
def rules_for(feed_name: str) -> tuple[Rule, ...]:
    """Rules compare with the row's own `business_date` column, so one list serves every file."""
    return tuple(_RULES[feed_name]())
