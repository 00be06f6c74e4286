"""Reconciliation before anything is written (export/reconcile.py): the checks that need no
warehouse are exercised here on hand-made tables; the end-to-end refusal on a real export is
in test_provincial.py."""

from decimal import Decimal as D

import pytest

from zhuanhua.errors import ExportRefused
from zhuanhua.export.periods import parse_period
from zhuanhua.export.reconcile import reconcile
from zhuanhua.export.tables import TOTAL, Column, Contribution, TableSpec, compute

COUNT = Column("合同数（项）", "count")
SPEC = TableSpec(
    4,
    "按卖方性质",
    "卖方性质",
    ("高等院校", "企业法人", TOTAL),
    (COUNT,),
    summed_rows=("高等院校", "企业法人"),
)


def contract(number: str, row: str) -> list[Contribution]:
    return [
        Contribution("表4", target, COUNT.header, f"合同 {number}", D(1)) for target in (row, TOTAL)
    ]


def test_a_record_in_no_row_of_its_table_stops_the_export_and_is_named():
    parts = contract("201", "高等院校") + contract("204", "自然人")  # a row the spec lacks
    tables = {"表4": compute(SPEC, parts)}
    with pytest.raises(ExportRefused) as refused:
        reconcile(None, tables, parts, parse_period("202403"), None)  # fails before the SQL
    message = str(refused.value)
    assert "the rows add up to 1, the total row is 2" in message
    assert "合同 204 → '自然人'" in message and "nothing was written" in message


def test_records_the_total_counts_but_no_row_lists_reconcile_through_the_unlisted_row():
    """表5: a seller outside the city's counties is in 合计 only; the rows plus the unlisted
    figure add up, so the export goes on (and the manifest names the unlisted figure)."""
    spec = TableSpec(
        5, "按区县", "区县", ("江阳区", TOTAL), (COUNT,), ("江阳区",), unlisted="市本级及市外"
    )
    parts = [
        Contribution("表5", target, COUNT.header, f"合同 {n}", D(1))
        for n, row in (("201", "江阳区"), ("202", "市本级及市外"))
        for target in (row, TOTAL)
    ]
    table = compute(spec, parts)
    assert [row[0] for row in table.rows()] == ["江阳区", TOTAL]
    assert table.exact[TOTAL, COUNT.header] == 2 and table.exact["市本级及市外", COUNT.header] == 1
    with pytest.raises(KeyError, match="表2"):  # past the rows-add-up check, to the next
        reconcile(None, {"表5": table}, parts, parse_period("202403"), None)
