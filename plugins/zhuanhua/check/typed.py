"""Type a file's rows by their columns' kinds; an unreadable value is a failure, not an error.

So is a value the warehouse cannot store (a NUL character, which PostgreSQL text refuses; a
number past numeric(20, 6); text past the cell limit): caught here, with its rule, rather than
failing the COPY of the whole file.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from zhuanhua.check.suite import Failure
from zhuanhua.domain import normalise
from zhuanhua.domain.feeds import NUMERIC_CEILING, Feed, Kind
from zhuanhua.settings import DEFAULT_LIMITS, Limits

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


def typed_frame(
    feed: Feed, raw: pd.DataFrame, limits: Limits = DEFAULT_LIMITS
) -> tuple[pd.DataFrame, dict[int, list[Failure]]]:
    """Values repeat a lot (dates, codes, types), so each distinct value is parsed once."""
    typed = pd.DataFrame(index=raw.index)
    failures: dict[int, list[Failure]] = {}
    for column in feed.columns:
        if column.name not in raw:
            typed[column.name] = None
            continue
        codes, parsed, bad = _parse_distinct(raw[column.name], PARSERS[column.kind], limits)
        values = pd.Series(parsed[codes], index=raw.index, dtype=object)
        typed[column.name] = values.where(values.notna(), None)
        if not bad:
            continue
        unusable = np.isin(codes, list(bad))
        for position, code in zip(raw.index[unusable], codes[unusable], strict=True):
            kind, message = bad[code]
            failures.setdefault(position, []).append(
                Failure(
                    f"{feed.name}.{column.name}_{kind}", column.name, f"{column.header}: {message}"
                )
            )
    for name, default in feed.defaults.items():  # after typing: a default is never a failure
        typed[name] = typed[name].where(typed[name].notna(), default)
    for name in ("business_date", "file_name", *feed.file_fields):  # carried through as is
        if name in raw:
            typed[name] = raw[name]
    return typed, failures


def _parse_distinct(
    column: pd.Series, parse, limits: Limits
) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[str, str]]]:
    """Each distinct value parsed once: the column's codes into them (-1 for a missing
    value), the parsed values (a missing value's last, None) and the unusable ones by code.
    Codes and an array, not a dict mapped over the column: building a Series from a dict of
    300,000 distinct patent numbers cost more than parsing them."""
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    parsed = np.empty(len(distinct) + 1, dtype=object)  # parsed[-1] stays None
    bad: dict[int, tuple[str, str]] = {}
    for code, value in enumerate(distinct):
        try:
            value_parsed = parse(value)
        except normalise.BadValue as exc:
            bad[code] = ("readable", str(exc))
            continue
        problem = unstorable(value, value_parsed, limits)
        if problem:
            bad[code] = ("storable", problem)
        else:
            parsed[code] = value_parsed
    return codes, parsed, bad


def unstorable(received: object, parsed: object, limits: Limits) -> str | None:
    """Why the warehouse could not store a value, if it could not."""
    text = str(received)
    if "\x00" in text or "\\u0000" in text:  # jsonb refuses the escaped form too
        return "contains a NUL character, which the warehouse cannot store"
    if len(text) > limits.cell_chars:
        return (
            f"is {len(text)} characters long, more than {limits.cell_chars} "
            "(ZHUANHUA_MAX_CELL_CHARS)"
        )
    if isinstance(parsed, Decimal) and abs(parsed) >= NUMERIC_CEILING:
        return f"{parsed} is out of range: the warehouse stores numbers below {NUMERIC_CEILING:,}"
    return None
