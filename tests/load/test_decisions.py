"""Every steward decision is recorded with who, when, why and the state before and after, in
an append-only table: the CLI under the operating system's user, the pipeline as itself."""

from __future__ import annotations

import dataclasses
import getpass
from datetime import date

import psycopg
import pytest

from tests.support import poison
from tests.support.cli import zhuanhua_cli
from tests.support.contract_files import action, deliver
from tests.support.patent_records import EVENT
from zhuanhua.dev.synth.files import jsonl_bytes
from zhuanhua.errors import FilesHeld, UsageError
from zhuanhua.load import loader, quarantine
from zhuanhua.load.decisions import Actor, recent
from zhuanhua.ops.steps import load_feed

DAY = date(2024, 6, 3)
STEWARD = Actor("li.steward", "console")


def held_contracts(warehouse, landing, settings, bad: int) -> list[int]:
    """`bad` contracts held for an unknown technology field, beside two good ones."""
    rows = [action(f"20245105000001{n:02}", "登记", DAY) for n in range(bad + 2)]
    for row in rows[:bad]:
        row["技术领域"] = "不存在的领域"
    deliver(landing, DAY, rows, 1)
    load_feed("contracts", DAY, settings)
    return [i for (i,) in warehouse.execute("select id from quarantine.held_row order by id")]


def test_a_waiver_from_the_cli_records_the_shell_user_reason_and_states(
    warehouse, landing, landing_settings
):
    [held_id] = held_contracts(warehouse, landing, landing_settings, 1)
    done = zhuanhua_cli("quarantine", "waive", str(held_id), "--reason", "领域已电话核实")
    assert done.returncode == 0, done.stderr
    [decision] = recent(warehouse, held_id=held_id)
    assert (decision["decided_by"], decision["via"], decision["action"]) == (
        getpass.getuser(),
        "cli",
        "waive",
    )
    assert decision["reason"] == "领域已电话核实"
    assert decision["state_before"] == {
        "status": "held",
        "rules": ["contracts.technology_field_known"],
    }
    assert decision["state_after"]["status"] == "waived"
    listed = zhuanhua_cli("quarantine", "decisions", "--id", str(held_id))
    assert "waive" in listed.stdout and "领域已电话核实" in listed.stdout


def test_the_decision_table_refuses_changes(warehouse, landing, landing_settings):
    ids = held_contracts(warehouse, landing, landing_settings, 1)
    quarantine.release(warehouse, ids, landing_settings, STEWARD)
    for statement in (
        "update audit.steward_decision set decided_by = 'someone else'",
        "delete from audit.steward_decision",
        "truncate audit.steward_decision",
    ):
        with (
            pytest.raises(psycopg.errors.RaiseException, match="append-only"),
            warehouse.transaction(),
        ):
            warehouse.execute(statement)
    assert [d["decided_by"] for d in recent(warehouse)] == ["li.steward"]


def test_a_bulk_waiver_over_a_filter_decides_each_row_once(warehouse, landing, landing_settings):
    held_contracts(warehouse, landing, landing_settings, 3)
    rule = "contracts.technology_field_known"
    where = quarantine.HeldFilter(feed="contracts", night=DAY, rule=rule)
    ids = quarantine.matching_ids(warehouse, where)
    assert len(ids) == 3
    assert quarantine.counts(warehouse, where)["status"] == {"held": 3}
    with pytest.raises(UsageError, match="needs a reason"):
        quarantine.waive(warehouse, ids, "  ", landing_settings, STEWARD)
    assert quarantine.matching_ids(warehouse, where) == ids and recent(warehouse) == []
    shown = dataclasses.replace(where, up_to=ids[1])  # what the steward's page listed
    assert quarantine.matching_ids(warehouse, shown) == ids[:2]
    outcomes = quarantine.waive(warehouse, ids, "批量核实", landing_settings, STEWARD)
    assert [o.id for o in outcomes] == ids
    assert quarantine.matching_ids(warehouse, where) == []
    assert sorted(d["held_id"] for d in recent(warehouse)) == ids


def test_a_waiver_refused_for_one_row_changes_no_row_of_any_feed(
    warehouse, landing, landing_settings
):
    """All or nothing across feeds: the loans row is waivable, the contract (no project
    name) is not, so neither is loaded and nothing is recorded."""
    rows = [action("2024510500000150", "登记", DAY, 项目名称=None)]
    deliver(landing, DAY, rows, 1)
    load_feed("contracts", DAY, landing_settings)
    (landing / "patents").mkdir()  # the event's patent never arrives
    (landing / "patents" / "patent_events_20240603.jsonl").write_bytes(jsonl_bytes([EVENT]))
    load_feed("patent_events", DAY, landing_settings)
    ids = [i for (i,) in warehouse.execute("select id from quarantine.held_row order by id")]
    assert len(ids) == 2
    with pytest.raises(UsageError, match="cannot be waived"):
        quarantine.waive(warehouse, ids, "一并豁免", landing_settings, STEWARD)
    statuses = warehouse.execute("select distinct status from quarantine.held_row").fetchall()
    assert statuses == [("held",)] and recent(warehouse) == []
    assert warehouse.execute("select count(*) from checked.patent_events").fetchone() == (0,)


def test_a_release_that_still_fails_is_recorded_as_still_held(warehouse, landing, landing_settings):
    [held_id] = held_contracts(warehouse, landing, landing_settings, 1)
    [outcome] = quarantine.release(warehouse, [held_id], landing_settings, STEWARD)
    assert not outcome.passed
    [decision] = recent(warehouse, held_id=held_id)
    assert decision["action"] == "release"
    assert decision["state_before"]["status"] == decision["state_after"]["status"] == "held"


def test_held_files_released_and_rejected_are_recorded(warehouse, landing, landing_settings):
    strict = dataclasses.replace(landing_settings, hold_share=0.2)
    for day in (poison.FIRST_DAY, poison.FIRST_DAY.replace(day=poison.FIRST_DAY.day + 1)):
        rows = poison.good_rows(day, count=10)
        for row in rows[:5]:
            row["技术领域"] = "不存在的领域"
        (landing / "contracts").mkdir(exist_ok=True)
        path = landing / "contracts" / f"contracts_{day:%Y%m%d}.csv"
        path.write_bytes(poison.contract_csv(rows))
        with pytest.raises(FilesHeld):
            load_feed("contracts", day, strict)
    (first, *_), (second, *_) = loader.held_files(warehouse)
    loader.release_held_file(warehouse, first, strict, STEWARD)
    with pytest.raises(UsageError, match="needs a reason"):
        loader.reject_held_file(warehouse, second, "", STEWARD)
    loader.reject_held_file(warehouse, second, "请银行重报", STEWARD)
    status, error = warehouse.execute(
        "select status, error from raw.batch_ledger where batch_id = %s", (second,)
    ).fetchone()
    assert status == "rejected" and "li.steward" in error and "请银行重报" in error
    released, rejected = recent(warehouse, batch_id=first), recent(warehouse, batch_id=second)
    assert [d["action"] for d in released] == ["release_file"]
    assert released[0]["state_before"]["status"] == "held"
    assert released[0]["state_after"] == {
        "status": "loaded",
        "rows_received": 10,
        "rows_loaded": 5,
        "rows_quarantined": 5,
        "rows_warned": 0,
    }
    assert [(d["action"], d["reason"]) for d in rejected] == [("reject_file", "请银行重报")]


def test_the_pipeline_records_only_the_rows_it_releases(warehouse, landing, landing_settings):
    """The re-check after each load of rows held for a reference is a decision only when it
    frees one: an amendment waits for its registration, then is released by the pipeline."""
    number = "2024510500000160"
    deliver(landing, DAY, [action(number, "变更", DAY)], 1)
    load_feed("contracts", DAY, landing_settings)
    [held_id] = [i for (i,) in warehouse.execute("select id from quarantine.held_row")]
    assert quarantine.release_resolved(warehouse, "contracts", landing_settings) == []
    assert recent(warehouse, held_id=held_id) == []
    later = DAY.replace(day=DAY.day + 1)
    deliver(landing, later, [action(number, "登记", DAY.replace(day=DAY.day - 1))], 1)
    load_feed("contracts", later, landing_settings)
    [decision] = recent(warehouse, held_id=held_id)
    assert (decision["decided_by"], decision["via"], decision["action"]) == (
        "zhuanhua",
        "pipeline",
        "release",
    )
    assert decision["state_after"]["status"] == "released"
