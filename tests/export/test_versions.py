"""Versions in the output folder and the change list between two of them (export/versions.py)."""

from decimal import Decimal as D

import pytest

from zhuanhua.errors import ExportRefused
from zhuanhua.export import files, versions
from zhuanhua.export.tables import TOTAL, Column, Contribution, TableSpec, compute

AMOUNT = Column("金额（万元）", "amount")
SPEC = TableSpec(99, "测试", "项目", ("甲", TOTAL), (AMOUNT,), summed_rows=("甲",))


def table_and_records(parts):
    table = compute(SPEC, parts)
    return {"表99": files.table_csv(table)}, files.records_csv(parts), {"表99": table}


def test_the_latest_version_is_the_highest_complete_one(tmp_path):
    for name in (
        "510500_202403_v1.json",
        "510500_202403_v3.json",
        "510500_2024Q1_v7.json",
        "510500_202403_v9.json.partial",
    ):
        (tmp_path / name).write_text("{}")
    latest = versions.latest(tmp_path, "510500_202403")
    assert latest.number == 3 and latest.stem == "510500_202403_v3"
    assert versions.latest(tmp_path, "510500_202404") is None


def test_the_change_list_names_the_record_behind_each_moved_cell():
    old = [
        Contribution("表99", row, AMOUNT.header, "合同 A", D("10"), note="登记")
        for row in ("甲", TOTAL)
    ]
    new = [
        *old,
        *(
            Contribution("表99", row, AMOUNT.header, "合同 B", D("2.5"), note="登记")
            for row in ("甲", TOTAL)
        ),
    ]
    old_tables, old_records, _ = table_and_records(old)
    new_tables, new_records, tables = table_and_records(new)
    changes = versions.change_list(old_tables, new_tables, old_records, new_records, tables)
    assert changes == [
        ["表99", "甲", AMOUNT.header, "10.00", "12.50", "合同 B", "新增", "登记"],
        ["表99", TOTAL, AMOUNT.header, "10.00", "12.50", "合同 B", "新增", "登记"],
    ]


def test_a_file_that_is_not_a_record_list_is_refused():
    with pytest.raises(ExportRefused, match="not a record list"):
        versions.records(files.csv_bytes(["a", "b"], [["1", "2"]]))
