"""The row-level work of an expectation, done in one vectorised pass over the frame.

Great Expectations' own pandas engine resolves a graph of metrics per expectation, copies
the frame for each row condition, re-serialises the suite's configuration thousands of times
and walks pair-in-set expectations row by row: at a province-scale night that is most of
the load. The expectations stay GX's objects (declared in the suites, stored in the
project, their results stored and rendered as GX's), and this module reads their settings
and computes the same set of failing rows as GX's pandas engine does, step for step:
the row condition through `DataFrame.query`, the missing values GX ignores, then the same
comparison. `tests/check/test_engine.py` proves the equality for every rule of every
suite; a kind, or a setting, not listed here is left to GX (`covers` says no).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd

# The settings each kind may have for the fast path to apply; anything else goes to GX.
_COMMON = {"column", "row_condition", "condition_parser", "mostly", "batch_id"}
_PAIR = {"column_A", "column_B", "ignore_row_if", "row_condition", "condition_parser", "mostly"}
_SETTINGS: dict[str, set[str]] = {
    "expect_column_values_to_not_be_null": _COMMON,
    "expect_column_values_to_be_null": _COMMON,
    "expect_column_values_to_be_in_set": _COMMON | {"value_set"},
    "expect_column_values_to_match_regex": _COMMON | {"regex"},
    "expect_column_values_to_be_between": _COMMON
    | {"min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_values_to_be_valid_uscc": _COMMON,
    "expect_column_values_to_be_valid_resident_id": _COMMON,
    "expect_column_pair_values_a_to_be_greater_than_b": _PAIR | {"or_equal", "batch_id"},
    "expect_column_pair_values_to_be_equal": _PAIR | {"batch_id"},
    "expect_column_pair_values_to_be_in_set": _PAIR | {"value_pairs_set", "batch_id"},
    "expect_compound_columns_to_be_unique": {
        "column_list",
        "ignore_row_if",
        "row_condition",
        "condition_parser",
        "mostly",
        "batch_id",
    },
}
_NULLS_COUNT = {"expect_column_values_to_not_be_null", "expect_column_values_to_be_null"}


def covers(expectation) -> bool:
    """Whether the fast path computes this expectation exactly as GX's pandas engine."""
    kind = expectation.expectation_type
    kwargs = expectation.configuration.kwargs
    if kind not in _SETTINGS or set(kwargs) - _SETTINGS[kind]:
        return False
    if any(isinstance(v, dict) for k, v in kwargs.items() if k != "row_condition"):
        return False  # a suite parameter ($PARAMETER): GX resolves it
    if "value_set" in kwargs and kwargs["value_set"] is None:
        return False  # GX passes every row; leave that to GX
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    if low is not None and high is not None and low > high:
        return False  # GX raises: the rule errors rather than failing every row
    if getattr(expectation, "ignore_row_if", None) not in (None, *_HOW_MISSING, *_NEVER_IGNORE):
        return False
    return kwargs.get("row_condition") is None or _query(kwargs) is not None


def _query(kwargs: dict) -> str | None:
    """The row condition as the `DataFrame.query` string GX's pandas engine passes; None for
    a condition of another kind. GX 1.x keeps a pandas string as a pass-through condition."""
    condition = kwargs.get("row_condition")
    if isinstance(condition, dict) and condition.get("type") == "pass_through":
        return condition.get("pass_through_filter")
    if hasattr(condition, "pass_through_filter"):
        return condition.pass_through_filter
    if isinstance(condition, str) and kwargs.get("condition_parser") == "pandas":
        return condition
    return None


class Batch:
    """The frame one validation checks, with each column's missing values found once: a
    suite asks about the same column many times (a province night: 43 rules, 20 columns)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self._missing: dict[str, np.ndarray] = {}

    def missing(self, column: str) -> np.ndarray:
        if column not in self._missing:
            self._missing[column] = self.frame[column].isna().to_numpy()
        return self._missing[column]


def unexpected_rows(
    expectation, batch: Batch | pd.DataFrame, kwargs: dict | None = None
) -> tuple[np.ndarray, int, int]:
    """(failing row positions, rows in the expectation's domain, of which missing):
    positions index the frame, which must have a 0..n-1 index (as GX's batch has).
    `kwargs`: the expectation's configuration's, when the caller has them already."""
    batch = batch if isinstance(batch, Batch) else Batch(batch)
    frame, kind = batch.frame, expectation.expectation_type
    kwargs = expectation.configuration.kwargs if kwargs is None else kwargs
    columns = [kwargs["column"]] if "column" in kwargs else _columns(kwargs)
    data = frame[columns]  # only the columns the expectation reads: no copy of the whole frame
    conditioned = bool(kwargs.get("row_condition"))
    if conditioned:  # DataFrame.query is this eval, then this .loc
        data = data.loc[frame.eval(_query(kwargs), parser="pandas")]
    if "column" in kwargs:
        column = data[kwargs["column"]]
        missing = batch.missing(kwargs["column"])
        if conditioned:  # the index is the row positions (0..n-1)
            missing = missing[data.index.to_numpy()]
        if kind in _NULLS_COUNT:
            bad = missing if kind.endswith("not_be_null") else ~missing
            return data.index.to_numpy()[bad], len(data), int(missing.sum())
        present = column[~missing]
        ok = _COLUMN_CONDITIONS[kind](present, kwargs)
        return present.index.to_numpy()[~np.asarray(ok, dtype=bool)], len(data), int(missing.sum())
    how = _HOW_MISSING.get(expectation.ignore_row_if)
    domain = data
    if how:  # DataFrame.dropna(how=…, subset=columns), from the masks found once
        masks = [batch.missing(c) for c in columns]
        if conditioned:
            masks = [m[data.index.to_numpy()] for m in masks]
        gone = (np.logical_or if how == "any" else np.logical_and).reduce(masks)
        domain = data[~gone]
    if "column_list" in kwargs:
        duplicated = domain.duplicated(keep=False).to_numpy()
        return domain.index.to_numpy()[duplicated], len(data), len(data) - len(domain)
    a, b = columns
    ok = _PAIR_CONDITIONS[kind](domain[a], domain[b], kwargs)
    bad = ~np.asarray(ok, dtype=bool)
    return domain.index.to_numpy()[bad], len(data), len(data) - len(domain)


_NEVER_IGNORE = ("neither", "never")
_HOW_MISSING = {  # ignore_row_if → DataFrame.dropna(how=…), as GX's get_domain_records
    "both_values_are_missing": "all",
    "either_value_is_missing": "any",
    "all_values_are_missing": "all",
    "any_value_is_missing": "any",
}


def _columns(kwargs: dict) -> list[str]:
    if "column_list" in kwargs:
        return list(dict.fromkeys(kwargs["column_list"]))
    return [kwargs["column_A"], kwargs["column_B"]]


def _between(column: pd.Series, kwargs: dict) -> pd.Series:
    low, high = (_exact(column, kwargs.get(k)) for k in ("min_value", "max_value"))
    ok = pd.Series(True, index=column.index)
    if low is not None:
        ok &= (column > low) if kwargs.get("strict_min") else (column >= low)
    if high is not None:
        ok &= (column < high) if kwargs.get("strict_max") else (column <= high)
    return ok


def _exact(column: pd.Series, bound):
    """A float bound as the exact Decimal it is, for a column of Python objects (amounts are
    Decimal): Python compares int, float and Decimal exactly, so the verdicts are the same,
    and Decimal against Decimal is four times faster than Decimal against float."""
    if column.dtype == object and type(bound) is float and math.isfinite(bound):
        return Decimal(bound)
    return bound


def each_value_once(column: pd.Series, check: Callable[[str], bool]) -> pd.Series:
    """Each distinct value checked once (codes repeat a lot within a file); a missing value
    passes. The custom expectations' GX metric is this function too."""
    verdicts = {value: check(value) for value in column.dropna().unique()}
    return column.map(verdicts).astype(bool)


def _pairs_in_set(a: pd.Series, b: pd.Series, kwargs: dict) -> np.ndarray:
    """GX walks the rows and asks `(a, b) in set`, a missing value read as None; the same
    question, asked once per distinct pair."""
    allowed = {(x, y) for x, y in kwargs["value_pairs_set"]}
    a, b = (c.astype(object).where(c.notna(), None) for c in (a, b))  # NaN, NA → None
    pairs = list(zip(a, b, strict=True))
    verdicts = {pair: pair in allowed for pair in set(pairs)}
    return np.fromiter((verdicts[p] for p in pairs), dtype=bool, count=len(pairs))


def _identifier_checks():
    from zhuanhua.domain.identifiers import resident_id_is_valid, uscc_is_valid

    return {
        "expect_column_values_to_be_valid_uscc": lambda c, k: each_value_once(c, uscc_is_valid),
        "expect_column_values_to_be_valid_resident_id": lambda c, k: each_value_once(
            c, resident_id_is_valid
        ),
    }


_COLUMN_CONDITIONS: dict[str, Callable[[pd.Series, dict], object]] = {
    "expect_column_values_to_be_in_set": lambda c, k: c.isin(k["value_set"]),
    "expect_column_values_to_match_regex": lambda c, k: c.astype(str).str.contains(k["regex"]),
    "expect_column_values_to_be_between": _between,
    **_identifier_checks(),
}
_PAIR_CONDITIONS: dict[str, Callable[[pd.Series, pd.Series, dict], object]] = {
    "expect_column_pair_values_a_to_be_greater_than_b": lambda a, b, k: (
        a >= b if k.get("or_equal") else a > b
    ),
    "expect_column_pair_values_to_be_equal": lambda a, b, k: a == b,
    "expect_column_pair_values_to_be_in_set": _pairs_in_set,
}
