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
from zhuanhua.check import engine, results
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
    columns = list(frame.columns)
    for _ in range(ROWS // 4):  # a missing value, or another row's value, anywhere
        row, column = rng.randrange(len(frame)), rng.choice(columns)
        other = rng.randrange(len(frame))
        frame.at[row, column] = None if rng.random() < 0.5 else frame.at[other, column]
    for rule in rules_for(feed, DEFAULT_REGION):
        kwargs = rule.expectation.configuration.kwargs
        for row in rng.sample(range(len(frame)), 12):
            if "min_value" in kwargs or "max_value" in kwargs:  # the bounds themselves
                bounds = [kwargs[k] for k in ("min_value", "max_value") if k in kwargs]
                bound = rng.choice(bounds)
                frame.at[row, kwargs["column"]] = D(str(bound)) if row % 2 else int(bound)
            elif "column_A" in kwargs:  # the pair equal, or either side missing, or both
                a, b = kwargs["column_A"], kwargs["column_B"]
                choice = row % 4
                if choice == 0:
                    frame.at[row, a] = frame.at[row, b]
                for side in {0: (), 1: (a,), 2: (b,), 3: (a, b)}[choice]:
                    frame.at[row, side] = None
    return frame


@pytest.mark.parametrize("feed", list(BASE))
def test_the_fast_path_fails_the_same_rows_as_gx_for_every_rule(feed):
    rules = rules_for(feed, DEFAULT_REGION)
    assert [r.name for r in rules if not engine.covers(r.expectation)] == []
    frames = [_frame(feed, random.Random(f"{feed}:{seed}")) for seed in range(2)]
    failing = _assert_parity(feed, rules, frames)
    assert failing == {r.name for r in rules}  # the frames make every rule fail somewhere


def _assert_parity(suite_name: str, rules, frames) -> set[str]:
    """The fast path's failing rows, success and counts equal GX's for each rule and frame;
    returns the rules that failed some row."""
    stored = checks.stored_expectations(suite_name, rules, GX_STATE)
    failing = set()
    for frame in frames:
        frame = frame.reset_index(drop=True)
        by_gx = checks.validate_by_gx(suite_name, rules, frame, GX_STATE)
        for rule in rules:
            expected, expectation = by_gx[rule.name], stored[rule.name]
            assert not expected.exception_info.get("raised_exception"), rule.name
            assert engine.covers(expectation), rule.name
            found = engine.unexpected_rows(expectation, frame)
            fast = results.expectation_result(expectation, expectation.configuration, *found)
            gx_rows = set(expected.result["unexpected_index_list"] or [])
            assert set(fast.result["unexpected_index_list"]) == gx_rows, rule.name
            assert fast.success == expected.success, rule.name
            for count in ("element_count", "unexpected_count", "missing_count"):
                assert fast.result.get(count) == expected.result.get(count), (rule.name, count)
            if gx_rows:
                failing.add(rule.name)
    return failing


def test_settings_no_rule_uses_yet_agree_with_gx_too():
    """Missing-value policies, pairs with a missing member, bounds both ways, `mostly`."""
    rng = random.Random(3)
    frame = pd.DataFrame(
        {
            "a": [rng.choice(["x", "y", None]) for _ in range(300)],
            "b": [rng.choice(["x", "z", None, float("nan")]) for _ in range(300)],
            "n": [
                rng.choice([D("0"), D("0.1"), D("5"), D("10"), D("10.5"), None]) for _ in range(300)
            ],
            "f": [rng.choice([0.0, 5.0, 10.0, float("nan")]) for _ in range(300)],
            "k": [rng.choice(["p", "q", None]) for _ in range(300)],
        }
    )
    pair = {"column_A": "a", "column_B": "b"}
    expectations = [
        gxe.ExpectColumnPairValuesToBeEqual(**pair),
        gxe.ExpectColumnPairValuesToBeEqual(**pair, ignore_row_if="neither"),
        gxe.ExpectColumnPairValuesToBeInSet(
            **pair, value_pairs_set=[("x", "x"), ("y", None), (None, "z")]
        ),
        gxe.ExpectColumnPairValuesToBeInSet(
            **pair, value_pairs_set=[("x", None)], ignore_row_if="neither"
        ),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "k"]),
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["a", "k"], ignore_row_if="never"),
        gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0, max_value=10, strict_min=True),
        gxe.ExpectColumnValuesToBeBetween(column="f", min_value=0, max_value=10, strict_max=True),
        # float bounds on Decimals: D("0.1") is below the float 0.1, D("10.5") equals 10.5
        gxe.ExpectColumnValuesToBeBetween(column="n", min_value=0.1, max_value=10.5),
        gxe.ExpectColumnValuesToBeBetween(
            column="n", min_value=0.1, max_value=10.5, strict_max=True
        ),
        gxe.ExpectColumnPairValuesToBeEqual(**pair, row_condition='k == "p"'),
        gxe.ExpectColumnValuesToBeInSet(column="k", value_set=["p"], mostly=0.5),
        gxe.ExpectColumnValuesToBeInSet(column="k", value_set=["p"], mostly=0.2),
        gxe.ExpectColumnValuesToNotBeNull(column="a", mostly=0.6),
        gxe.ExpectColumnValuesToMatchRegex(column="a", regex="^x", row_condition='k == "p"'),
    ]
    rules = tuple(
        checks.Rule(f"settings.rule_{i}", "a", "demo", e) for i, e in enumerate(expectations)
    )
    assert _assert_parity("demo_settings", rules, [frame, frame.iloc[::7]])


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
