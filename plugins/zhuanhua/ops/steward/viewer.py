"""Who is looking: an Airflow user, and whether one of their roles is the steward's.

Only the steward sees persons in clear and may decide; anyone else Airflow lets in sees the
queue with personal values masked, rule messages on personal columns left out, and no actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhuanhua.domain.feeds import FEEDS, MASK
from zhuanhua.load.decisions import Actor
from zhuanhua.settings import Settings


@dataclass(frozen=True)
class Viewer:
    name: str
    roles: frozenset[str]
    steward: bool

    @property
    def actor(self) -> Actor:
        return Actor(self.name, "console")


def viewer_of(user, settings: Settings) -> Viewer:
    """Simple auth manager's users carry one role; FAB's a list of role objects."""
    roles = {str(user.role).lower()} if getattr(user, "role", None) else set()
    roles |= {str(getattr(r, "name", r)).lower() for r in getattr(user, "roles", None) or []}
    return Viewer(user.get_name(), frozenset(roles), bool(roles & set(settings.steward_roles)))


def shown_row(row: dict, viewer: Viewer) -> dict:
    """A held row as this viewer may see it, its fields in the feed's order (the warehouse
    keeps the record as JSON, which orders keys its own way)."""
    feed = FEEDS[row["feed"]]
    order = {c.header: n for n, c in enumerate(feed.columns)}
    record = dict(sorted(row["record"].items(), key=lambda item: order.get(item[0], len(order))))
    if viewer.steward:
        return {**row, "record": record}
    personal = {c.name for c in feed.columns if c.personal}
    return {
        **row,
        "record": feed.masked(record),
        "waiver_reason": row.get("waiver_reason") and MASK,
        "rules": [
            {**r, "message": MASK} if _names_personal(r["column"], personal) else r
            for r in row["rules"]
        ],
    }


def _names_personal(column: str, personal: set[str]) -> bool:
    """A rule's column may be several (`a,b`) or the whole line, which may hold anything."""
    names = {c.strip() for c in str(column).split(",")}
    return bool(names & personal) or "line" in names


def shown_decisions(decisions: list[dict], viewer: Viewer) -> list[dict]:
    """A reason is the steward's free text, which may name a person: the steward's alone."""
    if viewer.steward:
        return decisions
    return [{**d, "reason": d["reason"] and MASK} for d in decisions]
