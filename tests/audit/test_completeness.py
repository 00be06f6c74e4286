"""Which files of a date range are not loaded (audit/completeness.py), from the ledger."""

from datetime import date

import pytest

from tests.support.ledger import DAY, ledger
from zhuanhua.audit.completeness import describe, missing_files, parse_waiver
from zhuanhua.errors import UsageError


def test_every_daily_file_and_each_banks_file_is_expected(warehouse):
    ledger(warehouse, "contracts", "contracts_20240603.csv", "loaded")
    ledger(warehouse, "patents", "patents_20240603.jsonl", "held", error="too many bad rows")
    ledger(warehouse, "loans", "loans_LZB_20240603.xlsx", "loaded")
    missing = missing_files(warehouse, DAY, DAY)
    assert [(m.feed, m.file, m.reason) for m in missing] == [
        ("patents", "patents/patents_20240603.jsonl", "held: too many bad rows"),
        ("patent_events", "patents/patent_events_20240603.jsonl", "not received"),
    ]
    configured = missing_files(warehouse, DAY, DAY, loan_banks=("LZB", "ZGYH"))
    assert "loans/loans_ZGYH_20240603.csv|xlsx" in [m.file for m in configured]
    assert "… and 1 more" in describe(configured, shown=2)


def test_a_rejected_csv_counts_as_delivered_when_its_xlsx_loaded(warehouse):
    ledger(warehouse, "contracts", "contracts_20240603.csv", "rejected", error="not UTF-8")
    ledger(warehouse, "contracts", "contracts_20240603.xlsx", "loaded")
    assert "contracts" not in {m.feed for m in missing_files(warehouse, DAY, DAY)}


def test_a_waiver_needs_a_reason_and_a_real_range():
    waiver = parse_waiver("2024-08-15..2024-08-16", "bank outage")
    assert waiver.covers(date(2024, 8, 16)) and not waiver.covers(date(2024, 8, 17))
    with pytest.raises(UsageError, match="--reason"):
        parse_waiver("2024-08-15", None)
    with pytest.raises(UsageError, match="ends before"):
        parse_waiver("2024-08-16..2024-08-15", "x")
    with pytest.raises(UsageError, match="YYYY-MM-DD"):
        parse_waiver("15/08/2024", "x")
