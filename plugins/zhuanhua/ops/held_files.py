"""The steward's decision on files held whole, asked through Airflow's human-in-the-loop
operators: each held file becomes a question in Airflow's "required actions", answered by
release or reject with a reason; the answer is applied as the console and the CLI apply it,
and recorded under the Airflow user who answered."""

from __future__ import annotations

import logging

from zhuanhua.errors import NotHeld
from zhuanhua.load.connection import connect
from zhuanhua.load.decisions import Actor
from zhuanhua.settings import Settings

log = logging.getLogger(__name__)
RELEASE, REJECT = "放行（重新检查后入库）", "退回（请报送方更正后重报）"


def questions(settings: Settings) -> list[dict]:
    """One question per file held whole: the HITL operator's subject and body."""
    from zhuanhua.load.loader import held_files  # lazy: GX, at run time only

    with connect(settings) as conn:
        found = held_files(conn)
    return [
        {
            "subject": f"整份暂扣文件 {name}（批次 {batch_id}）：放行还是退回？",
            "body": (
                f"**{feed}** · 业务日期 {day}\n\n{error}\n\n"
                f"逐行查看：数据管理员控制台 `/zhuanhua/steward/ledger/{batch_id}`"
            ),
            "batch_id": batch_id,
        }
        for batch_id, feed, name, day, error, _ in found
    ]


def stewards(users: str, settings: Settings) -> list[dict] | None:
    """The logins with a steward's role, as the HITL operator's `assigned_users`, from the
    simple auth manager's `name:role,…` list; None (Airflow's own permission alone) when the
    users live in another auth manager."""
    logins = [entry.split(":", 1) for entry in users.split(",") if ":" in entry]
    assigned = [
        {"id": name.strip(), "name": name.strip()}
        for name, role in logins
        if role.strip().lower() in settings.steward_roles
    ]
    return assigned or None


def apply(batch_id: int, answer: dict, settings: Settings) -> str:
    """Apply the steward's answer (the HITL operator's result) to the held file. A rejection
    without a reason applies nothing: the file stays held and is asked again next morning."""
    from zhuanhua.load import loader  # lazy: GX, at run time only

    who = answer["responded_by_user"]
    actor = Actor(who.get("name") or who["id"], "airflow")
    reason = ((answer.get("params_input") or {}).get("reason") or "").strip()
    with connect(settings) as conn:
        try:
            if answer["chosen_options"] == [RELEASE]:
                outcome = loader.release_held_file(conn, batch_id, settings, actor, reason)
                return f"released by {actor.name}: {outcome.rows_loaded} rows loaded"
            if not reason:
                log.warning("batch %s: a rejection needs a reason; asked again", batch_id)
                return "not applied: a rejection needs a reason (asked again next morning)"
            loader.reject_held_file(conn, batch_id, reason, actor)
            return f"rejected by {actor.name}: {reason}"
        except NotHeld as already:  # decided meanwhile in the console or the CLI
            log.warning("batch %s: %s", batch_id, already)
            return f"already decided: {already}"
