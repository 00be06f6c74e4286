"""Reporting periods of the provincial feed: `YYYYMM`, `YYYYQn`, `YYYY` (provincial-feed.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from zhuanhua.errors import UsageError

KINDS = ("monthly", "quarterly", "annual")


@dataclass(frozen=True)
class Period:
    key: str
    kind: str
    start: date
    end: date

    @property
    def label(self) -> str:
        """How a Chinese header names the period: 2024年3月, 2024年第1季度, 2024年."""
        if self.kind == "monthly":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarterly":
            return f"{self.start.year}年第{self.key[-1]}季度"
        return f"{self.start.year}年"

    def year_before(self) -> Period:
        """The same period a year earlier: the base of year-on-year growth."""
        year = int(self.key[:4]) - 1
        return parse_period(f"{year}{self.key[4:]}")

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


def parse_period(text: str) -> Period:
    """A period from its key; a key of any other form is a clear error."""
    match = re.fullmatch(r"(\d{4})(?:(\d{2})|Q([1-4]))?", text.strip().upper())
    if not match or (match.group(2) and not 1 <= int(match.group(2)) <= 12):
        raise UsageError(f"period {text!r}: write YYYYMM (202406), YYYYQn (2024Q2) or YYYY")
    year = int(match.group(1))
    if match.group(2):
        month = int(match.group(2))
        return Period(
            f"{year}{month:02d}", "monthly", date(year, month, 1), _month_end(year, month)
        )
    if match.group(3):
        quarter = int(match.group(3))
        return Period(
            f"{year}Q{quarter}",
            "quarterly",
            date(year, 3 * quarter - 2, 1),
            _month_end(year, 3 * quarter),
        )
    return Period(str(year), "annual", date(year, 1, 1), date(year, 12, 31))


def last_complete(kind: str, today: date) -> Period:
    """The latest period of a kind that ended before `today` (what a scheduled run exports)."""
    if kind == "monthly":
        last = today.replace(day=1) - timedelta(days=1)
        return parse_period(f"{last:%Y%m}")
    if kind == "quarterly":
        quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        last = quarter_start - timedelta(days=1)
        return parse_period(f"{last.year}Q{(last.month - 1) // 3 + 1}")
    if kind == "annual":
        return parse_period(str(today.year - 1))
    raise UsageError(f"unknown kind of period {kind!r}: one of {', '.join(KINDS)}")


def _month_end(year: int, month: int) -> date:
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)
