"""Row rules per feed; each feed's module says which rules of the spec it enforces."""

from __future__ import annotations

from functools import cache

from zhuanhua.checks import Rule
from zhuanhua.rules import contracts, loans, patent_events, patents

_RULES = {"contracts": contracts.rules, "loans": loans.rules, "patents": patents.rules,
          "patent_events": patent_events.rules}


@cache
def rules_for(feed_name: str) -> tuple[Rule, ...]:
    """Rules compare with the row's own `business_date` column, so one list serves every file."""
    return tuple(_RULES[feed_name]())
