"""The nightly summary (audit/report.py): counts from the ledger, late files, the text."""

from datetime import UTC, date, datetime

from tests.support.ledger import DAY, ledger
from zhuanhua.audit import report


def test_a_night_is_recorded_from_the_ledger_and_re_recording_changes_nothing(warehouse):
    ledger(warehouse, "contracts", "contracts_20240603.csv", "loaded")
    warehouse.execute(
        "update raw.batch_ledger set rows_received = 10, rows_loaded = 8, rows_quarantined = 2"
    )
    started = datetime.now(UTC)
    first = report.record(warehouse, DAY, "run-1", started)
    again = report.record(warehouse, DAY, "run-2", started)
    strip = [
        {k: v for k, v in r.items() if k not in ("run_id", "recorded_at", "duration_seconds")}
        for r in first
    ]
    assert strip == [
        {k: v for k, v in r.items() if k not in ("run_id", "recorded_at", "duration_seconds")}
        for r in again
    ]
    contracts = next(r for r in first if r["feed"] == "contracts")
    assert (
        contracts["files"],
        contracts["rows_received"],
        contracts["rows_loaded"],
        contracts["rows_quarantined"],
    ) == (1, 10, 8, 2)
    patents = next(r for r in first if r["feed"] == "patents")
    assert patents["late_files"] == ["patents/patents_20240603.jsonl (not received)"]


def test_a_late_file_is_caught_up_by_the_night_it_arrives(warehouse):
    report.record(warehouse, DAY, "run-1", datetime.now(UTC))
    for feed, name in (
        ("contracts", "contracts_20240603.csv"),
        ("patents", "patents_20240603.jsonl"),
        ("patent_events", "patent_events_20240603.jsonl"),
    ):
        ledger(warehouse, feed, name, "loaded")
    report.record(warehouse, date(2024, 6, 4), "run-2", datetime.now(UTC))
    patents = next(r for r in report.fetch(warehouse, DAY) if r["feed"] == "patents")
    assert patents["missing_files"] == [] and patents["caught_up_on"] == "2024-06-04"
    assert "caught up on the night of 2024-06-04" in report.as_text(DAY, [patents])


def test_the_text_names_each_feed_and_links_the_data_docs(tmp_path):
    docs = tmp_path / "index.html"
    docs.write_text("<html></html>")
    row = {
        "feed": "loans",
        "files": 2,
        "files_rejected": 1,
        "rows_received": 5,
        "rows_loaded": 4,
        "rows_quarantined": 1,
        "rows_warned": 0,
        "duration_seconds": 1.5,
        "late_files": [],
        "missing_files": [],
        "caught_up_on": None,
    }
    text = report.as_text(DAY, [row], None, docs)
    assert text.splitlines()[0] == f"Night of {DAY}"
    assert "loans" in text and docs.as_uri() in text
    assert docs.as_uri() not in report.as_text(DAY, [row], None, tmp_path / "absent.html")
