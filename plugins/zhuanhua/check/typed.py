"""Type a file's rows by their columns' kinds; an unreadable value is a failure, not an error."""

from __future__ import annotations

import pandas as pd

from zhuanhua.check.suite import Failure
from zhuanhua.domain import normalise
from zhuanhua.domain.feeds import Feed, Kind

PARSERS = {
    Kind.TEXT: normalise.text,
    Kind.CODE: normalise.code,
    Kind.DATE: normalise.date_iso,
    Kind.AMOUNT: normalise.amount,
    Kind.DECIMAL: normalise.amount,
    Kind.PATENT_NO: normalise.patent_no,
    Kind.TIMESTAMP: normalise.timestamp_iso,
    Kind.JSON: normalise.json_text,
}


def typed_frame(feed: Feed, raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, list[Failure]]]:
    """Values repeat a lot (dates, codes, types), so each distinct value is parsed once."""
    typed = pd.DataFrame(index=raw.index)
    failures: dict[int, list[Failure]] = {}
    for column in feed.columns:
        if column.name not in raw:
            typed[column.name] = None
            continue
        parse = PARSERS[column.kind]
        parsed, bad = {}, {}
        for value in raw[column.name].dropna().unique():
            try:
                parsed[value] = parse(value)
            except normalise.BadValue as exc:
                bad[value] = str(exc)
        values = raw[column.name].map(parsed).astype(object)
        typed[column.name] = values.where(values.notna(), None)
        for position in raw.index[raw[column.name].isin(bad.keys())]:
            failures.setdefault(position, []).append(
                Failure(
                    f"{feed.name}.{column.name}_readable",
                    column.name,
                    f"{column.header}: {bad[raw.at[position, column.name]]}",
                )
            )
    for name, default in feed.defaults.items():
        typed[name] = typed[name].where(typed[name].notna(), default)
    for name in ("business_date", "file_name", *feed.file_fields):  # carried through as is
        if name in raw:
            typed[name] = raw[name]
    return typed, failures
