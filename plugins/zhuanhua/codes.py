"""Code tables, read from the dbt seed files so the checks and the models share one copy."""

from __future__ import annotations

import csv
from functools import cache

from zhuanhua.config import PROJECT_ROOT

SEEDS = PROJECT_ROOT / "dbt_project" / "seeds"


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """All rows of seed `name` (without `.csv`), as read-only dicts."""
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def values(name: str, column: str) -> list[str]:
    """The distinct values of one column, in file order."""
    return list(dict.fromkeys(row[column] for row in table(name)))



def code_list(list_name: str) -> list[str]:
    """The codes of one small closed list in `code_lists.csv` (guarantees, loan statuses …)."""
    return [row["code"] for row in table("code_lists") if row["list_name"] == list_name]
