"""Rules run as one Great Expectations validation (check/suite.py)."""

from pathlib import Path

import great_expectations.expectations as gxe
import pandas as pd

from zhuanhua.check.suite import Failure, Rule, build_data_docs, validate

RULES = (
    Rule(
        "demo.amount_positive",
        "amount",
        "amount must be greater than 0",
        gxe.ExpectColumnValuesToBeBetween(column="amount", min_value=0, strict_min=True),
    ),
    Rule(
        "demo.code_known",
        "code",
        "code is not known (warning)",
        gxe.ExpectColumnValuesToBeInSet(column="code", value_set=["A", "B"]),
        "warn",
    ),
)


def test_failures_come_back_by_row_position_with_their_rule_and_severity(settings):
    frame = pd.DataFrame(
        {"amount": [1, 0, 5, -2], "code": ["A", "A", "Z", "B"]}, index=[10, 11, 12, 13]
    )  # positions, not the frame's own index
    found = validate("demo_suite", RULES, frame, settings.gx_state)
    assert found == {
        1: [Failure("demo.amount_positive", "amount", "amount must be greater than 0")],
        2: [Failure("demo.code_known", "code", "code is not known (warning)", "warn")],
        3: [Failure("demo.amount_positive", "amount", "amount must be greater than 0")],
    }
    assert found[2][0].as_dict()["severity"] == "warn"
    assert validate("demo_suite", RULES, frame.iloc[:0], settings.gx_state) == {}


def test_the_data_docs_show_the_validations_run(settings):
    validate("demo_suite", RULES, pd.DataFrame({"amount": [1], "code": ["A"]}), settings.gx_state)
    index = build_data_docs(settings.gx_state)
    assert index.startswith(str(settings.gx_state))
    assert "demo_suite" in Path(index).read_text(encoding="utf-8")
