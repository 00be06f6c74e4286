"""The steward's decisions, recorded: who, when, through what, why, and the state before and
after, in the same transaction as the change they record (`audit.steward_decision`).

The table is append-only (a trigger refuses updates and deletes), so an auditor can tell who
let a row through long after. States hold status and rule names, never a row's values: the
audit is read by people who may not see persons in clear.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import dataclass

import psycopg
from psycopg.rows import dict_row


@dataclass(frozen=True)
class Actor:
    """Who decided, and through what: the console (an Airflow login), the CLI (the operating
    system's user), an Airflow approval task, or the pipeline's own automatic release."""

    name: str
    via: str  # console | cli | airflow | pipeline

    @classmethod
    def shell_user(cls) -> Actor:
        return cls(getpass.getuser(), "cli")


PIPELINE = Actor("zhuanhua", "pipeline")


@dataclass(frozen=True)
class Decision:
    batch_id: int
    before: dict
    after: dict
    held_id: int | None = None


def record(
    conn: psycopg.Connection,
    actor: Actor,
    action: str,
    reason: str | None,
    decisions: list[Decision],
) -> None:
    conn.cursor().executemany(
        """insert into audit.steward_decision (decided_by, via, action, reason, held_id,
             batch_id, state_before, state_after) values (%s, %s, %s, %s, %s, %s, %s, %s)""",
        [
            (
                actor.name,
                actor.via,
                action,
                reason,
                d.held_id,
                d.batch_id,
                json.dumps(d.before, ensure_ascii=False),
                json.dumps(d.after, ensure_ascii=False),
            )
            for d in decisions
        ],
    )


def recent(
    conn: psycopg.Connection,
    held_id: int | None = None,
    batch_id: int | None = None,
    limit: int = 200,
) -> list[dict]:
    """Decisions, newest first: on one held row, on one file (its rows included), or all."""
    return (
        conn.cursor(row_factory=dict_row)
        .execute(
            """select d.id, d.decided_at, d.decided_by, d.via, d.action, d.reason, d.held_id,
                      d.batch_id, l.feed, l.file_name, d.state_before, d.state_after
               from audit.steward_decision d join raw.batch_ledger l using (batch_id)
               where (%(held)s::bigint is null or d.held_id = %(held)s)
                 and (%(batch)s::bigint is null or d.batch_id = %(batch)s)
               order by d.id desc limit %(limit)s""",
            {"held": held_id, "batch": batch_id, "limit": limit},
        )
        .fetchall()
    )
