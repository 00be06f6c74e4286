"""The dashboards' labels come from the marts' dbt docs, and every mart column has one."""

from __future__ import annotations

import re

from zhuanhua.bi.catalogue import label_of, marts

CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_mart_column_ends_its_description_with_a_chinese_label():
    found = marts()
    assert "fct_conversion_funnel_yearly" in found and "dim_division" in found
    unlabelled = [
        f"{mart.name}.{column.name}"
        for mart in found.values()
        for column in mart.columns.values()
        if not CJK.search(column.label) or column.label == column.description
    ]
    assert unlabelled == []


def test_the_label_is_the_last_sentence_when_it_is_chinese():
    assert label_of("Year of output. 产出年份") == "产出年份"
    assert label_of("Owner group: 高等院校, 科研机构, 企业, 其他. 权利人分组") == "权利人分组"
    assert label_of("No Chinese here. Still none") == "No Chinese here. Still none"


def test_a_mart_keeps_its_columns_types_and_descriptions():
    funnel = marts()["fct_conversion_funnel_yearly"]
    year = funnel.columns["output_year"]
    assert year.data_type == "integer"
    assert year.label == "产出年份"
    assert year.description.endswith("产出年份")
