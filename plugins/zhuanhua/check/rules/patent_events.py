"""Row rules of the patent legal-event feed (sources.md §4, domain.md §9)."""

from __future__ import annotations

import json

import great_expectations.expectations as gxe
import pandas as pd

from zhuanhua.check.rules.common import (
    first_bad_party_code,
    not_after,
    one_of,
    party_codes_valid,
    required,
    required_when,
)
from zhuanhua.check.suite import Rule
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import PATENT_EVENTS as FEED


def rules() -> list[Rule]:
    return [
        *required(FEED),
        # an unknown code is loaded and reported, not rejected (sources.md §4)
        one_of(
            FEED,
            "event_code",
            codes.values("patent_event_codes", "event_code"),
            "a known legal-event code",
            severity="warn",
        ),
        not_after(
            FEED,
            "gazette_date",
            "effective_date",
            "gazette_date must not be before effective_date",
            "gazette_after_effect",
        ),
        one_of(FEED, "licence_type", codes.code_list("licence_type"), "独占, 排他 or 普通"),
        required_when(
            FEED,
            "parties_after",
            'event_code == "TR01"',
            "for a transfer (TR01): the parties after it",
        ),
        required_when(
            FEED,
            "licensee",
            'event_code in ["EE01", "EM01"]',
            "for a licence (EE01, EM01): the licensee",
        ),
        required_when(
            FEED,
            "pledgee",
            'event_code in ["PE01", "PM01"]',
            "for a pledge (PE01, PM01): the pledgee",
        ),
        Rule(
            "patent_events.parties_shaped",
            "bad_party_field",
            "a party field (before, after, licensor, licensee, pledgor, pledgee) must be one "
            "party or a list of parties, each with a name",
            gxe.ExpectColumnValuesToBeNull(column="bad_party_field"),
        ),
        party_codes_valid(
            FEED, "bad_party_uscc", "before, after, licensor, licensee, pledgor, pledgee"
        ),
        Rule(
            "patent_events.conflicting_repeat",
            "event_id",
            "event_id appears more than once in the file with different content: which is "
            "right is for the sender to say (an identical repeat is a no-op)",
            gxe.ExpectColumnValuesToBeInSet(column="event_id_conflict", value_set=[False]),
        ),
    ]


PARTY_COLUMNS = ("parties_before", "parties_after", "licensor", "licensee", "pledgor", "pledgee")


def derive(typed: pd.DataFrame) -> None:
    """Party fields as lists (the service writes one party as a bare object or a one-element
    list, sources.md §4: both mean the same), the first field of another shape, and whether
    the row's event_id repeats in its file with other content."""
    bad: list[str | None] = [None] * len(typed)
    for column in PARTY_COLUMNS:
        header, cells = FEED.column(column).header, typed[column].tolist()
        for i, cell in enumerate(cells):
            if cell is None or pd.isna(cell):
                continue
            listed = _as_party_list(cell)
            if listed is None:
                bad[i] = bad[i] or header
            else:
                cells[i] = listed
        typed[column] = pd.Series(cells, index=typed.index, dtype=object)
    typed["bad_party_field"] = pd.Series(bad, index=typed.index, dtype=object)
    codes_per_field = [typed[c].map(first_bad_party_code) for c in PARTY_COLUMNS]
    typed["bad_party_uscc"] = pd.Series(
        [next((c for c in row if c), None) for row in zip(*codes_per_field, strict=True)],
        index=typed.index,
        dtype=object,
    )
    columns = typed[[c.name for c in FEED.columns]]
    content = pd.Series(  # one text per row, also for a file without rows
        ["|".join(map(str, row)) for row in columns.itertuples(index=False)],
        index=typed.index,
        dtype=object,
    )
    variants = content.groupby([typed["file_name"], typed["event_id"]]).transform("nunique")
    typed["event_id_conflict"] = (variants > 1).astype(object)


def _as_party_list(cell: str) -> str | None:
    """The parties as a JSON list; None when the cell is not one party or a list of them."""
    parties = json.loads(cell)
    if isinstance(parties, dict):
        parties = [parties]
    if not isinstance(parties, list) or not all(
        isinstance(p, dict) and str(p.get("name") or "").strip() for p in parties
    ):
        return None
    return json.dumps(parties, ensure_ascii=False)
