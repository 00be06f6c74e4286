"""Ledger entries written directly, for tests of what is read back from the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime

DAY = date(2024, 6, 3)  # the business date the ledger tests use


def ledger(conn, feed: str, file_name: str, status: str, day: date = DAY, error=None) -> None:
    conn.execute(
        """insert into raw.batch_ledger (feed, file_name, file_url, size_bytes, sha256,
                                         business_date, status, error, started_at)
           values (%s, %s, %s, 1, md5(%s), %s, %s, %s, %s)""",
        (
            feed,
            file_name,
            f"file:///landing/{file_name}",
            f"{file_name}{status}{error}",  # another error: another version
            day,
            status,
            error,
            datetime.now(UTC),
        ),
    )
