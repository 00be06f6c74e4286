"""Typing a file's rows by their columns' kinds (check/typed.py)."""

from decimal import Decimal

import pandas as pd

from zhuanhua.check.typed import typed_frame
from zhuanhua.domain.feeds import CONTRACTS, LOANS
from zhuanhua.settings import Limits


def raw(feed, **columns) -> pd.DataFrame:
    frame = pd.DataFrame({c.name: [None] * 2 for c in feed.columns}, dtype=object)
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_values_are_typed_and_an_unreadable_one_is_a_row_failure_naming_its_header():
    typed, failures = typed_frame(
        CONTRACTS,
        raw(
            CONTRACTS,
            registration_date=["2024/6/3", "2024-13-01"],
            contract_amount=["1,234.50", "十万"],
            seller_division=["５１０５０４", None],
        ),
    )
    assert list(typed["registration_date"]) == ["2024-06-03", None]
    assert typed.at[0, "contract_amount"] == Decimal("1234.50")
    assert typed.at[0, "seller_division"] == "510504"
    assert 0 not in failures
    rules = {f.rule: f.message for f in failures[1]}
    assert set(rules) == {
        "contracts.registration_date_readable",
        "contracts.contract_amount_readable",
    }
    assert rules["contracts.contract_amount_readable"].startswith("合同成交额(万元): ")


def test_an_empty_buyer_country_means_china():
    typed, _ = typed_frame(CONTRACTS, raw(CONTRACTS, buyer_country=[None, "us"]))
    assert list(typed["buyer_country"]) == ["CN", "US"]


def test_file_columns_are_carried_through_as_they_are():
    frame = raw(LOANS)
    frame["business_date"], frame["file_name"] = "2024-06-03", "loans_LZB_20240603.csv"
    frame["bank_code"] = "LZB"
    typed, _ = typed_frame(LOANS, frame)
    assert list(typed["bank_code"]) == ["LZB", "LZB"]
    assert list(typed["file_name"]) == ["loans_LZB_20240603.csv"] * 2


def test_values_the_warehouse_cannot_store_are_row_failures_with_their_rule():
    typed, failures = typed_frame(
        CONTRACTS,
        raw(
            CONTRACTS,
            project_name=["白酒\x00工艺", "长" * 40],
            contract_amount=["100000000000000", "99999999999999.5"],
        ),
        Limits(cell_chars=30),
    )
    rules = {p: {f.rule: f.message for f in fs} for p, fs in failures.items()}
    assert "NUL character" in rules[0]["contracts.project_name_storable"]
    assert "out of range" in rules[0]["contracts.contract_amount_storable"]
    assert "40 characters long, more than 30" in rules[1]["contracts.project_name_storable"]
    assert typed.at[1, "contract_amount"] == Decimal("99999999999999.5")  # just below: stored
    assert typed.at[0, "project_name"] is None
