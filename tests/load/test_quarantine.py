"""The steward's quarantine end to end: references, release, waive, files held whole."""

import dataclasses
import json
from datetime import date

import pytest

from tests.support.cli import zhuanhua_cli
from tests.support.contract_files import action
from tests.support.patent_records import EVENT, PATENT
from zhuanhua.dev.synth import generate
from zhuanhua.dev.synth.contracts import HEADERS
from zhuanhua.dev.synth.files import jsonl_bytes, table_bytes
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.errors import FilesHeld
from zhuanhua.ops.steps import load_feed


def write(landing, path: str, data: bytes) -> None:
    target = landing / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def held(conn, feed: str) -> list[tuple]:
    return conn.execute(
        "select status, failures from quarantine.held_row where feed = %s order by id", (feed,)
    ).fetchall()


def test_an_event_before_its_patent_is_released_by_the_load_that_brings_the_patent(
    warehouse, landing, landing_settings
):
    write(landing, "patents/patent_events_20240603.jsonl", jsonl_bytes([EVENT]))
    load_feed("patent_events", date(2024, 6, 3), landing_settings)
    ((status, failures),) = held(warehouse, "patent_events")
    assert status == "held"
    assert [f["rule"] for f in failures] == ["patent_events.unknown_reference"]

    write(landing, "patents/patents_20240604.jsonl", jsonl_bytes([PATENT]))
    load_feed("patents", date(2024, 6, 4), landing_settings)
    assert [s for s, _ in held(warehouse, "patent_events")] == ["released"]
    assert warehouse.execute(
        "select event_id, application_no from checked.patent_events"
    ).fetchall() == [(EVENT["event_id"], "202310397744.0")]
    assert warehouse.execute(
        "select rows_received, rows_loaded, rows_quarantined from raw.batch_ledger "
        "where feed = 'patent_events'"
    ).fetchone() == (1, 1, 0)


def test_an_amendment_before_its_registration_waits_for_it(warehouse, landing, landing_settings):
    number = "2024510500000009"
    kind, data = table_bytes(HEADERS, [action(number, "变更", date(2024, 6, 3))], 1)
    write(landing, f"contracts/contracts_20240603.{kind}", data)
    load_feed("contracts", date(2024, 6, 3), landing_settings)
    assert [s for s, _ in held(warehouse, "contracts")] == ["held"]
    kind, data = table_bytes(HEADERS, [action(number, "登记", date(2024, 6, 2))], 1)
    write(landing, f"contracts/contracts_20240604.{kind}", data)
    load_feed("contracts", date(2024, 6, 4), landing_settings)
    assert [s for s, _ in held(warehouse, "contracts")] == ["released"], held(
        warehouse, "contracts"
    )
    statuses = warehouse.execute(
        "select registration_status from checked.contracts order by registration_status"
    ).fetchall()
    assert statuses == [("变更",), ("登记",)]


def test_release_keeps_a_failing_row_held_and_waive_loads_it_with_its_reason(
    warehouse, landing, landing_settings
):
    generate(str(landing), date(2024, 6, 3), 1, seed=41, defect_rate=0.15)
    load_feed("contracts", date(2024, 6, 3), landing_settings)
    listed = zhuanhua_cli("quarantine", "list", "--feed", "contracts", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert rows and all(
        {"id", "feed", "file", "row", "key", "status", "rules"} <= set(r) for r in rows
    )
    assert all({"rule", "column", "message"} <= set(rule) for r in rows for rule in r["rules"])
    target = rows[0]

    again = zhuanhua_cli("quarantine", "release", str(target["id"]))
    assert again.returncode == 1 and "still held" in again.stdout
    waived = zhuanhua_cli(
        "quarantine",
        "waive",
        str(target["id"]),
        "--reason",
        "confirmed by phone with the registration office",
    )
    assert waived.returncode == 0, waived.stderr
    shown_cli = zhuanhua_cli("quarantine", "show", str(target["id"]))
    assert shown_cli.returncode == 0, shown_cli.stderr
    shown = json.loads(shown_cli.stdout)
    assert shown["status"] == "waived"
    assert shown["waiver_reason"] == "confirmed by phone with the registration office"
    assert warehouse.execute(
        "select count(*) from checked.contracts where batch_id = %s and row_no = %s",
        (target["batch_id"], target["row"]),
    ).fetchone() == (1,)
    received, loaded, quarantined = warehouse.execute(
        "select rows_received, rows_loaded, rows_quarantined from raw.batch_ledger "
        "where batch_id = %s",
        (target["batch_id"],),
    ).fetchone()
    assert received == loaded + quarantined and quarantined == len(rows) - 1
    twice = zhuanhua_cli("quarantine", "waive", str(target["id"]), "--reason", "again")
    assert twice.returncode == 1 and "not held" in twice.stderr


def test_a_file_with_too_many_bad_rows_is_held_whole_and_fails_the_load(
    warehouse, landing, landing_settings
):
    generate(str(landing), date(2024, 6, 3), 1, seed=42, defect_rate=0.6)
    strict = dataclasses.replace(landing_settings, hold_share=0.2)
    with pytest.raises(FilesHeld, match=r"contracts_20240603\.xlsx: held whole: \d+ of \d+ rows"):
        load_feed("contracts", date(2024, 6, 3), strict)
    status, received, loaded, held_rows, error = warehouse.execute(
        "select status, rows_received, rows_loaded, rows_held, error from raw.batch_ledger"
    ).fetchone()
    assert (status, loaded, held_rows) == ("held", 0, received)
    assert "Ask the sender for a corrected file" in error
    assert warehouse.execute("select count(*) from checked.contracts").fetchone() == (0,)
    assert warehouse.execute("select count(*) from raw.contracts").fetchone() == (received,)


def test_every_feed_has_its_held_rows_listed(warehouse, landing, landing_settings):
    generate(str(landing), date(2024, 6, 3), 2, seed=43, defect_rate=0.08)
    for feed in FEEDS:
        load_feed(feed, date(2024, 6, 4), landing_settings)
    listed = zhuanhua_cli("quarantine", "list", "--status", "held", "--json")
    feeds = {json.loads(line)["feed"] for line in listed.stdout.splitlines()}
    assert feeds <= set(FEEDS) and "contracts" in feeds


def test_a_row_missing_a_required_value_cannot_be_waived(warehouse, landing, landing_settings):
    """Loading it would put NULL where the marts' contracts need a value (issue: a waived row
    failed every nightly build); the steward is told why and what to do."""
    rows = [action("2024510500000091", "登记", date(2024, 6, 3), 项目名称=None)]
    (landing / "contracts").mkdir()
    kind, data = table_bytes(HEADERS, rows, 1)
    (landing / "contracts" / f"contracts_20240603.{kind}").write_bytes(data)
    load_feed("contracts", date(2024, 6, 3), landing_settings)
    [(held_id,)] = warehouse.execute("select id from quarantine.held_row").fetchall()
    done = zhuanhua_cli("quarantine", "waive", str(held_id), "--reason", "accepted by phone")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"row {held_id} cannot be waived: contracts.project_name_required" in done.stderr
    assert "ask the sender for a corrected file" in done.stderr
    status = warehouse.execute("select status from quarantine.held_row").fetchone()[0]
    assert status == "held"
    assert warehouse.execute("select count(*) from checked.contracts").fetchone()[0] == 0
