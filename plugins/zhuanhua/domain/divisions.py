"""Division codes of GB/T 2260 as a dated table: which code was valid in which years.

Codes are created, renamed and abolished every year (郫县 510124 became 郫都区 510117 in
2016), and a record keeps the code that was valid when it was made. So each code carries
the years it was valid, and a record's code is checked against the table as of its date.

Two sources read here: the full history python-stdnum ships (`stdnum/cn/loc.dat`, compiled
from the Ministry of Civil Affairs' lists; a code's periods written `[1983-2016]郫县`), and
one year's official list (code and name per line) that `zhuanhua codes update` merges in.
A change year counts in both periods, as in loc.dat: a record of 2016 may carry either code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from zhuanhua.errors import BadCodeList

COLUMNS = ("division_code", "division_name", "level", "parent_code", "valid_from", "valid_to")


@dataclass(frozen=True)
class Division:
    """One code over one unbroken stretch of years (a code reused after a gap has two)."""

    code: str
    name: str
    valid_from: int | None  # None: since before the lists begin
    valid_to: int | None  # None: still valid

    @property
    def level(self) -> str:
        if self.code.endswith("0000"):
            return "province"
        return "city" if self.code.endswith("00") else "county"

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_to is None or year <= self.valid_to
        )

    @property
    def years(self) -> str:
        return f"{self.valid_from or ''}–{self.valid_to or ''}"


def as_rows(divisions: Iterable[Division]) -> list[dict[str, str]]:
    """Seed rows, each with its parent: a county's city when that code exists, else its
    province (directly administered counties, 市辖区 of the municipalities)."""
    divisions = sorted(divisions, key=lambda d: (d.code, d.valid_from or 0))
    codes = {d.code for d in divisions}

    def parent(d: Division) -> str:
        if d.level == "province":
            return ""
        city = d.code[:4] + "00"
        return city if d.level == "county" and city in codes else d.code[:2] + "0000"

    return [
        {
            "division_code": d.code,
            "division_name": d.name,
            "level": d.level,
            "parent_code": parent(d),
            "valid_from": str(d.valid_from or ""),
            "valid_to": str(d.valid_to or ""),
        }
        for d in divisions
    ]


def from_rows(rows: Iterable[dict[str, str]]) -> list[Division]:
    return [
        Division(
            r["division_code"],
            r["division_name"],
            int(r["valid_from"]) if r["valid_from"] else None,
            int(r["valid_to"]) if r["valid_to"] else None,
        )
        for r in rows
    ]


_PROVINCE = re.compile(r'^(\d\d) province="[^"]*"$')
_CODE = re.compile(r'^\s+(\d{4}) county="([^"]*)"$')
_PERIOD = re.compile(r"^(?:\[(\d*)-(\d*)\])?(.+)$")


def parse_stdnum_history(text: str) -> list[Division]:
    """python-stdnum's `loc.dat`: a province line, then its codes' periods and names."""
    province, divisions = None, []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if match := _PROVINCE.match(line):
            province = match.group(1)
        elif (match := _CODE.match(line)) and province:
            divisions += _periods(province + match.group(1), match.group(2))
        else:
            raise BadCodeList(f"line {number}: not a province or a code line: {line!r}")
    return divisions


def _periods(code: str, spelled: str) -> list[Division]:
    """`[1983-1994]东矿区,[1995-]古冶区` → one Division per unbroken stretch, latest name."""
    stretches: list[Division] = []
    for part in spelled.split(","):
        start, end, name = _PERIOD.match(part).groups()
        period = Division(code, name, int(start) if start else None, int(end) if end else None)
        last = stretches[-1] if stretches else None
        if last and last.valid_to is not None and (period.valid_from or 0) <= last.valid_to + 1:
            stretches[-1] = replace(last, name=name, valid_to=period.valid_to)
        else:
            stretches.append(period)
    return stretches


_LISTED = re.compile(r"^\s*(\d{6})\s*[,，\t ]\s*(\S.*?)\s*$")


def parse_official_list(text: str) -> dict[str, str]:
    """One year's list as the Ministry publishes it (code and name per line, comma or space
    between; a header or blank lines are skipped); code → name."""
    listed: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LISTED.match(line.replace("\ufeff", ""))
        if match is None:
            if listed or re.search(r"\d{6}", line):
                raise BadCodeList(f"line {number}: not a six-digit code and a name: {line!r}")
            continue  # a header
        listed[match.group(1)] = match.group(2).strip('"')
    if not listed:
        raise BadCodeList("no codes in the file")
    return listed


def merge_year(current: list[Division], listed: dict[str, str], year: int) -> list[Division]:
    """The table after one year's official list: a code new in the list starts that year, a
    code still valid but missing from it ends that year (a record of that year may still
    carry it), a code the list keeps stays valid under the list's name."""
    latest = max((y for d in current for y in (d.valid_from, d.valid_to) if y), default=None)
    if latest is not None and year < latest:
        raise BadCodeList(
            f"a list of {year} is older than the table, which runs to {latest}: merging it "
            "would end codes created since (load the newer lists only)"
        )
    merged: list[Division] = []
    open_now = {d.code: d for d in current if d.valid_to is None}
    for division in current:
        if division.valid_to is not None or division.code not in open_now:
            merged.append(division)
        elif division.code not in listed:
            merged.append(replace(division, valid_to=year))
        else:  # kept, perhaps under a new name: the code stays valid, the latest name shows
            merged.append(replace(division, name=listed[division.code]))
    merged += [Division(c, n, year, None) for c, n in listed.items() if c not in open_now]
    return merged


def changes(before: list[Division], after: list[Division]) -> dict[str, list[str]]:
    """What a merge did, for the operator: created, renamed and abolished codes."""
    old = {d.code: d for d in before if d.valid_to is None}
    new = {d.code: d for d in after if d.valid_to is None}
    return {
        "created": sorted(f"{c} {new[c].name}" for c in new.keys() - old.keys()),
        "renamed": sorted(
            f"{c} {old[c].name} → {new[c].name}"
            for c in new.keys() & old.keys()
            if new[c].name != old[c].name
        ),
        "abolished": sorted(f"{c} {old[c].name}" for c in old.keys() - new.keys()),
    }
