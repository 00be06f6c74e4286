"""Rows that refer to something the warehouse has not seen yet (`unknown_reference`).

A 变更 or 注销 needs its contract's 登记; a legal event needs its patent. Such a row is held
until the reference arrives, then released by the load that brings it. These checks are
set-based SQL against the checked layer, so they live here rather than in a GX suite.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import psycopg

from zhuanhua.check.suite import Failure


@dataclass(frozen=True)
class Reference:
    column: str
    target: str  # checked table whose rows satisfy the reference
    target_filter: str  # SQL condition on the target rows
    applies: str | None  # pandas query selecting the rows that need the reference
    message: str

    @property
    def rule(self) -> str:
        return "unknown_reference"


REFERENCES = {
    "contracts": Reference(
        "registration_no",
        "checked.contracts",
        "registration_status = '登记'",
        'registration_status in ["变更", "注销"]',
        "变更/注销 of a contract whose 登记 the warehouse has not received yet: held until it "
        "arrives",
    ),
    "patent_events": Reference(
        "application_no",
        "checked.patents",
        "true",
        None,
        "event for a patent the warehouse has not received yet: held until it arrives",
    ),
}
# a load of the key feed may resolve references held in the value feed
RESOLVES = {"contracts": "contracts", "patents": "patent_events"}


def unknown(
    conn: psycopg.Connection, feed: str, typed: pd.DataFrame, passing: pd.Series
) -> dict[int, Failure]:
    """Positions of rows whose reference is neither in the warehouse nor among passing rows."""
    reference = REFERENCES.get(feed)
    if reference is None or typed.empty:
        return {}
    needing = typed.query(reference.applies) if reference.applies else typed
    needing = needing[needing[reference.column].notna()]
    if needing.empty:
        return {}
    keys = sorted(set(needing[reference.column]))
    known = {
        k
        for (k,) in conn.execute(
            f"""select distinct {reference.column} from {reference.target}
            where {reference.target_filter} and {reference.column} = any(%s)""",
            (keys,),
        )
    }
    if reference.target == f"checked.{feed}":  # the same load may bring the reference
        targets = typed[passing]
        if reference.applies:
            targets = targets.drop(targets.query(reference.applies).index)
        known |= set(targets[reference.column].dropna())
    failure = Failure(f"{feed}.{reference.rule}", reference.column, reference.message)
    unknown_rows = needing.index[~needing[reference.column].isin(known)]
    return {int(position): failure for position in unknown_rows}
