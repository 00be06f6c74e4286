"""Code tables, read from the dbt seed files so the checks and the models share one copy."""

from __future__ import annotations

import csv
from functools import cache

from zhuanhua.settings import SEEDS


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """All rows of seed `name` (without `.csv`), as read-only dicts."""
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def values(name: str, column: str) -> list[str]:
    """The distinct values of one column, in file order."""
    return list(dict.fromkeys(row[column] for row in table(name)))


def city_counties(city: str) -> dict[str, str]:
    """The city's county-level divisions, code → name (GB/T 2260; 市辖区 is no county)."""
    return {
        row["division_code"]: row["division_name"]
        for row in table("divisions")
        if row["parent_code"] == city
        and row["level"] == "county"
        and row["division_name"] != "市辖区"
    }


def division_name(code: str) -> str | None:
    return next(
        (row["division_name"] for row in table("divisions") if row["division_code"] == code), None
    )


def code_list(list_name: str) -> list[str]:
    """The codes of one small closed list in `code_lists.csv` (guarantees, loan statuses …)."""
    return [row["code"] for row in table("code_lists") if row["list_name"] == list_name]


@cache
def province_prefixes() -> frozenset[str]:
    """The first two digits of every province-level division (the start of a resident ID)."""
    return frozenset(
        row["division_code"][:2] for row in table("divisions") if row["level"] == "province"
    )
