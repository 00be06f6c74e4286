"""The fast path finds exactly the rows GX's own pandas engine finds, for every rule.

Each feed's frame mixes the clean base row and every rule's failing case of test_rules.py:
rows with up to three cases at once, random missing values, values moved from other rows
(so pairs no longer fit), each rule's edge values (bounds themselves, equal pairs), and
repeated rows (compound keys). GX runs every rule with result format COMPLETE; the fast
path must give the same set of failing row ids for each, or the rule cannot use it.
"""

import random
from decimal import Decimal as D

import great_expectations.expectations as gxe
import pandas as pd
import pytest

from tests.check.test_rules import BASE, CASES, GX_STATE
from zhuanhua.check import engine
from zhuanhua.check import suite as checks
from zhuanhua.check.rules import derive, rules_for
from zhuanhua.settings import DEFAULT_REGION

ROWS = 400


def _frame(feed: str, rng: random.Random) -> pd.DataFrame:
    base, cases = BASE[feed], list(CASES[feed].values())
    rows = [base, *({**base, **case} for case in cases)]
    while len(rows) < ROWS:
        row = dict(base)
        for case in rng.sample(cases, rng.randint(0, 3)):
            row |= case
        rows.append(row)
    rows += rng.sample(rows, 20)  # repeats: duplicate keys within a file
    frame = pd.DataFrame(rows, dtype=object)
    frame["business_date"] = [rng.choice(["2024-06-03", "2016-01-01"]) for _ in rows]
    frame["file_name"] = [rng.choice(["a", "b"]) for _ in rows]
    derive(feed, frame)
    for i, row in enumerate(rows):  # a case may set a helper column (as the warehouse would)
        for column in set(row) - set(base):
            frame.at[i, column] = row[column]
    return _disturb(frame, feed, rng)


def _disturb(frame: pd.DataFrame, feed: str, rng: random.Random) -> pd.DataFrame:
    columns = [c for c in frame.columns if c != "file_name"]
    for _ in range(ROWS // 4):  # a missing value, or another row's value, anywhere
        row, column = rng.randrange(len(frame)), rng.choice(columns)
        other = rng.randrange(len(frame))
        frame.at[row, column] = None if rng.random() < 0.5 else frame.at[other, column]
    for rule in rules_for(feed, DEFAULT_REGION):
        kwargs = rule.expectation.configuration.kwargs
        for row in rng.sample(range(len(frame)), 8):
            if "min_value" in kwargs or "max_value" in kwargs:  # the bounds themselves
                bound = kwargs.get("min_value", kwargs.get("max_value"))
                frame.at[row, kwargs["column"]] = D(str(bound)) if row % 2 else int(bound)
            elif "column_A" in kwargs:  # the pair equal, or one side missing
                value = frame.at[row, kwargs["column_B"]] if row % 3 else None
                frame.at[row, kwargs["column_A"]] = value
    return frame


@pytest.mark.parametrize("feed", list(BASE))
def test_the_fast_path_fails_the_same_rows_as_gx_for_every_rule(feed):
    rules = rules_for(feed, DEFAULT_REGION)
    assert [r.name for r in rules if not engine.covers(r.expectation)] == []
    definition = checks._definition(feed, rules, GX_STATE)
    for seed in range(2):
        frame = _frame(feed, random.Random(f"{feed}:{seed}")).reset_index(drop=True)
        by_gx = checks._run_by_gx(feed, list(rules), frame, definition)
        failing = 0
        for rule in rules:
            expected = by_gx[rule.name]
            assert not expected.exception_info.get("raised_exception"), rule.name
            fast, _, _ = engine.unexpected_rows(rule.expectation, frame)
            gx_rows = set(expected.result["unexpected_index_list"] or [])
            assert set(fast.tolist()) == gx_rows, rule.name
            failing += bool(gx_rows)
        assert failing >= len(rules) - 2  # the frame makes (nearly) every rule fail somewhere


def test_a_kind_the_fast_path_does_not_cover_runs_through_gx():
    lengths = gxe.ExpectColumnValueLengthsToBeBetween(column="code", min_value=2)
    assert not engine.covers(lengths)
    rules = (
        checks.Rule("demo.code_long", "code", "code too short", lengths),
        checks.Rule(
            "demo.code_known",
            "code",
            "code not known",
            gxe.ExpectColumnValuesToBeInSet(column="code", value_set=["AA", "B"]),
        ),
    )
    found = checks.validate("demo_mixed", rules, pd.DataFrame({"code": ["AA", "B", "C"]}), GX_STATE)
    assert {p: [f.rule for f in fs] for p, fs in found.items()} == {
        1: ["demo.code_long"],
        2: ["demo.code_long", "demo.code_known"],
    }
