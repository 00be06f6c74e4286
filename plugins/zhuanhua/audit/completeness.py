"""Whether every source file of every business date in a range has been loaded: the
nightly report of late feeds, the freshness checks and the provincial exports ask it.

Each day brings one contracts file, one patents file, one patent-events file and one loans
file per bank. The banks are Settings.loan_banks (ZHUANHUA_LOAN_BANKS) when set, else every
bank that has delivered, each from its first business date on (a bank that stops delivering
is missed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import psycopg

from zhuanhua.domain.feeds import FEEDS
from zhuanhua.errors import UsageError

DAILY = ("contracts", "patents", "patent_events")  # one file a day; loans: one a bank


@dataclass(frozen=True)
class MissingFile:
    day: date
    file: str  # as the landing area would hold it
    reason: str  # not received | rejected: … | held: …
    feed: str = ""

    def __str__(self) -> str:
        return f"{self.day} {self.file} ({self.reason})"


@dataclass(frozen=True)
class Waiver:
    first: date
    last: date
    reason: str

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def as_json(self) -> dict:
        return {"from": self.first.isoformat(), "to": self.last.isoformat(), "reason": self.reason}


def parse_waiver(text: str, reason: str | None) -> Waiver:
    """`DATE` or `DATE..DATE` (ISO dates), which must come with a reason."""
    if not reason or not reason.strip():
        raise UsageError("--waive needs --reason TEXT: a waiver is recorded with its reason")
    first, _, last = text.partition("..")
    try:
        first_day = date.fromisoformat(first.strip())
        last_day = date.fromisoformat(last.strip()) if last else first_day
    except ValueError:
        raise UsageError(f"--waive {text!r}: write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD") from None
    if last_day < first_day:
        raise UsageError(f"--waive {text!r}: the range ends before it starts")
    return Waiver(first_day, last_day, reason.strip())


def missing_files(
    conn: psycopg.Connection, first: date, last: date, loan_banks: tuple[str, ...] = ()
) -> list[MissingFile]:
    """The files of the business dates from `first` to `last` that are not loaded, by day."""
    latest = _latest_versions(conn, first, last)
    banks = _expected_banks(conn, loan_banks)
    missing = []
    for day in (first + timedelta(days=n) for n in range((last - first).days + 1)):
        expected = [(feed, FEEDS[feed].file_path(day), None) for feed in DAILY]
        expected += [
            ("loans", FEEDS["loans"].file_path(day, bank_code=bank), bank)
            for bank, first in banks.items()
            if first <= day
        ]
        for feed, file, bank in expected:
            status, error = latest.get((feed, day, bank), ("not received", None))
            if status != "loaded":
                reason = status if status == "not received" else f"{status}: {error or ''}"
                missing.append(MissingFile(day, file, reason.rstrip(": "), feed))
    return missing


def _latest_versions(conn: psycopg.Connection, first: date, last: date) -> dict:
    """(feed, day, bank) → status and error of the latest version received."""
    rows = conn.execute(
        """select distinct on (feed, file_name) feed, file_name, business_date, status, error
           from raw.batch_ledger where business_date between %s and %s
           order by feed, file_name, batch_id desc""",
        (first, last),
    ).fetchall()
    latest: dict = {}
    for feed, file_name, day, status, error in rows:
        bank = FEEDS[feed].fields_from_name(file_name).get("bank_code")
        key = (feed, day, bank)
        if latest.get(key, ("",))[0] != "loaded":  # a .csv and an .xlsx: either one loaded
            latest[key] = (status, error)
    return latest


def _expected_banks(conn: psycopg.Connection, configured: tuple[str, ...]) -> dict[str, date]:
    rows = conn.execute(
        "select file_name, business_date from raw.batch_ledger "
        "where feed = 'loans' and business_date is not null"
    ).fetchall()
    first: dict[str, date] = {}
    for file_name, day in rows:
        bank = FEEDS["loans"].fields_from_name(file_name)["bank_code"]
        first[bank] = min(first.get(bank, day), day)
    if configured:
        return {bank: first.get(bank, date.min) for bank in configured}
    return first


def describe(missing: list[MissingFile], shown: int = 20) -> str:
    """The missing files, one per line, at most `shown` of them."""
    lines = [f"  {m}" for m in missing[:shown]]
    if len(missing) > shown:
        lines.append(f"  … and {len(missing) - shown} more")
    return "\n".join(lines)
