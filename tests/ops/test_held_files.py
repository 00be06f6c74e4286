"""Who may answer the morning's questions about held files, and what an answer does."""

from __future__ import annotations

import dataclasses

import pytest

from tests.support import poison
from zhuanhua.errors import FilesHeld
from zhuanhua.load import loader
from zhuanhua.load.decisions import recent
from zhuanhua.ops import held_files
from zhuanhua.ops.orchestrate import AIRFLOW_USERS
from zhuanhua.ops.steps import load_feed


def test_only_logins_with_a_steward_role_are_assigned(settings):
    assert held_files.stewards(AIRFLOW_USERS, settings) == [
        {"id": "admin", "name": "admin"},
        {"id": "steward", "name": "steward"},
    ]
    only_op = dataclasses.replace(settings, steward_roles=("op",))
    assert held_files.stewards("a:admin, b:OP ,c:user", only_op) == [{"id": "b", "name": "b"}]
    assert held_files.stewards("", settings) is None  # another auth manager: Airflow decides


def answer(option: str, reason: str | None) -> dict:
    return {
        "chosen_options": [option],
        "params_input": {"reason": reason},
        "responded_by_user": {"id": "steward", "name": "steward"},
    }


def test_an_answer_is_applied_once_and_a_rejection_needs_a_reason(
    warehouse, landing, landing_settings
):
    strict = dataclasses.replace(landing_settings, hold_share=0.2)
    rows = poison.good_rows(poison.FIRST_DAY, count=10)
    for row in rows[:5]:
        row["技术领域"] = "不存在的领域"
    (landing / "contracts").mkdir()
    name = f"contracts_{poison.FIRST_DAY:%Y%m%d}.csv"
    (landing / "contracts" / name).write_bytes(poison.contract_csv(rows))
    with pytest.raises(FilesHeld):
        load_feed("contracts", poison.FIRST_DAY, strict)
    [question] = held_files.questions(strict)
    assert name in question["subject"] and "contracts" in question["body"]
    batch_id = question["batch_id"]

    skipped = held_files.apply(batch_id, answer(held_files.REJECT, None), strict)
    assert skipped.startswith("not applied") and loader.held_files(warehouse)
    done = held_files.apply(batch_id, answer(held_files.REJECT, "请重报"), strict)
    assert done == "rejected by steward: 请重报"
    again = held_files.apply(batch_id, answer(held_files.RELEASE, "迟到的回答"), strict)
    assert again.startswith("already decided")
    assert [(d["decided_by"], d["via"], d["action"]) for d in recent(warehouse)] == [
        ("steward", "airflow", "reject_file")
    ]
    assert held_files.questions(strict) == []
