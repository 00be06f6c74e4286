"""Code tables, read from the dbt seed files so the checks and the models share one copy."""

from __future__ import annotations

import csv
from functools import cache

from zhuanhua.domain.divisions import Division, from_rows
from zhuanhua.settings import SEEDS


@cache
def table(name: str) -> tuple[dict[str, str], ...]:
    """All rows of seed `name` (without `.csv`), as read-only dicts."""
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def values(name: str, column: str) -> list[str]:
    """The distinct values of one column, in file order."""
    return list(dict.fromkeys(row[column] for row in table(name)))


def city_counties(city: str, year: int | None = None) -> dict[str, str]:
    """The city's county-level divisions valid in `year` (default: today's), code → name
    (GB/T 2260; 市辖区 is no county)."""
    return {
        d.code: d.name
        for d in division_history()
        if d.code[:4] == city[:4]
        and d.level == "county"
        and d.name != "市辖区"
        and (d.valid_to is None if year is None else d.valid_in(year))
    }


@cache
def division_history() -> tuple[Division, ...]:
    """Every code over every stretch of years it was valid (divisions.csv)."""
    return tuple(from_rows(table("divisions")))


@cache
def division_stretches() -> dict[str, tuple[Division, ...]]:
    found: dict[str, list[Division]] = {}
    for division in division_history():
        found.setdefault(division.code, []).append(division)
    return {code: tuple(stretches) for code, stretches in found.items()}


def division_name(code: str) -> str | None:
    """The code's latest name."""
    stretches = division_stretches().get(code)
    return stretches[-1].name if stretches else None


def division_out_of_period(code: str, year: int) -> str | None:
    """For a known code not valid in `year`: the years it was, as a reason; else None."""
    stretches = division_stretches().get(code)
    if not stretches or any(d.valid_in(year) for d in stretches):
        return None
    return "、".join(f"{d.name} {d.years}" for d in stretches)


def code_list(list_name: str) -> list[str]:
    """The codes of one small closed list in `code_lists.csv` (guarantees, loan statuses …)."""
    return [row["code"] for row in table("code_lists") if row["list_name"] == list_name]


@cache
def province_prefixes() -> frozenset[str]:
    """The first two digits of every province-level division (the start of a resident ID)."""
    return frozenset(
        row["division_code"][:2] for row in table("divisions") if row["level"] == "province"
    )
