"""What one conversion chain adds to tables 9 and 10 (export/contributions.py): each stage in
the period its own date falls in, and the record named by the chain, never by a party."""

from datetime import date
from decimal import Decimal as D

from zhuanhua.export.contributions import _chain_contributions
from zhuanhua.export.periods import parse_period
from zhuanhua.export.specs import CHAIN_STAGES
from zhuanhua.export.tables import TOTAL

CHAIN = {
    "chain_id": "event:E1:org-1",
    "chain_origin": "patent",
    "application_no": "202310397744.0",
    "registration_no": None,
    "transfer_kind": "许可",
    "transfer_date": date(2024, 3, 10),
    "owner_group": "高等院校",
    "output_date": date(2023, 11, 2),
    "adoption_date": date(2024, 3, 10),
    "transfer_amount": D("12.5"),
    "financing_date": date(2024, 4, 2),
}


def cells(parts):
    return {(p.table, p.row, p.column): p.value for p in parts}


def test_each_stage_counts_in_the_period_of_its_own_date():
    march = cells(_chain_contributions(CHAIN, parse_period("202403")))
    assert march == {
        ("表9", "高等院校", "许可件数"): 1,
        ("表9", TOTAL, "许可件数"): 1,
        ("表10", CHAIN_STAGES[1], "件数"): 1,
        ("表10", CHAIN_STAGES[1], "金额（万元）"): D("12.5"),
        ("表10", CHAIN_STAGES[2], "件数"): 1,
        ("表10", CHAIN_STAGES[2], "金额（万元）"): D("12.5"),
    }
    april = cells(_chain_contributions(CHAIN, parse_period("202404")))
    assert april == {("表10", CHAIN_STAGES[3], "件数"): 1}


def test_a_contract_chain_counts_its_output_in_table_10_only_and_names_the_chain():
    chain = {
        **CHAIN,
        "chain_origin": "contract",
        "registration_no": "2024510500000201",
        "output_date": date(2024, 3, 10),
    }
    parts = _chain_contributions(chain, parse_period("2024Q1"))
    assert {p.table for p in parts} == {"表10"}
    assert ("表10", CHAIN_STAGES[0], "件数") in cells(parts)
    assert {p.record for p in parts} == {"转化链 event:E1:org-1"}
    assert all(p.note.startswith("合同 2024510500000201 许可") for p in parts)


def test_a_cancelled_contract_transfer_leaves_only_the_periods_after_its_cancellation():
    """A 注销 in 2025 must not rewrite 2024: the transfer counts in 2024 (and in a v2 of 2024
    exported after the 注销), as table 1 counts the contract, and from 2025 on it is gone."""
    cancelled = {**CHAIN, "chain_origin": "contract", "registration_no": "2024510500000301"}
    cancelled |= {"cancelled_on": date(2025, 2, 1)}
    year_2024 = cells(_chain_contributions(cancelled, parse_period("2024")))
    assert year_2024[("表10", CHAIN_STAGES[1], "件数")] == 1
    assert _chain_contributions(cancelled, parse_period("2025")) == []
    in_march = {**cancelled, "cancelled_on": date(2024, 3, 20)}  # cancelled within the month
    assert _chain_contributions(in_march, parse_period("202403")) == []
