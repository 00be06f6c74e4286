"""The provincial tables summed from record-level contributions (export/tables.py)."""

from decimal import Decimal as D

from zhuanhua.export.tables import BASE, TOTAL, Column, Contribution, TableSpec, compute

COUNT, AMOUNT = Column("件数", "count"), Column("金额（万元）", "amount")
GROWTH = Column("金额同比（%）", "growth", of="金额（万元）")
FIRMS = Column("企业数", "distinct")
SPEC = TableSpec(
    99,
    "测试",
    "项目",
    ("甲", "乙", TOTAL),
    (COUNT, AMOUNT, GROWTH, FIRMS),
    summed_rows=("甲", "乙"),
    blank=frozenset({("乙", "金额同比（%）")}),
)


def part(row, column, record, value, scope="current"):
    return Contribution("表99", row, column.header, record, value, scope)


def test_a_cell_is_the_exact_sum_rounded_once():
    """Three amounts of 0.005 publish as 0.02 (0.015 half up), not as 3 × 0.01."""
    parts = [part("甲", AMOUNT, f"r{i}", D("0.005")) for i in range(3)]
    table = compute(SPEC, parts)
    assert table.exact["甲", AMOUNT.header] == D("0.015")
    assert table.cell("甲", AMOUNT) == D("0.02")


def test_growth_comes_from_the_exact_sums_and_is_empty_without_a_base():
    parts = [
        part("甲", AMOUNT, "now", D("10.005")),
        part("甲", AMOUNT, "then", D("8"), BASE),
        part("乙", AMOUNT, "now2", D("5")),
    ]
    table = compute(SPEC, parts)
    assert table.cell("甲", GROWTH) == D("25.1")  # 25.0625 %, rounded to one decimal
    assert table.cell(TOTAL, GROWTH) is None  # no base rows summed into the total here
    assert table.cell("乙", GROWTH) is None  # a blank cell of the spec


def test_a_small_fall_publishes_as_zero_not_minus_zero():
    parts = [part("甲", AMOUNT, "now", D("9999.9")), part("甲", AMOUNT, "then", D("10000"), BASE)]
    cell = compute(SPEC, parts).cell("甲", GROWTH)  # -0.001 %
    assert cell == 0 and str(cell) == "0.0"


def test_distinct_counts_count_each_key_once_and_other_tables_are_ignored():
    parts = [
        part("甲", FIRMS, "l1", "firm-a"),
        part("甲", FIRMS, "l2", "firm-a"),
        part("甲", FIRMS, "l3", "firm-b"),
        Contribution("表1", "甲", COUNT.header, "x", D(1)),
    ]
    table = compute(SPEC, parts)
    assert table.cell("甲", FIRMS) == D(2)
    assert table.cell("甲", COUNT) == D(0)
    assert table.rows()[0][0] == "甲"


def test_table_4_lists_the_reporting_groups_in_the_order_of_domain_md_5():
    from zhuanhua.export.specs import table_specs

    [table_4] = [spec for spec in table_specs("510500") if spec.name == "表4"]
    assert table_4.rows == (
        *("机关法人", "其他事业法人", "科研机构", "高等院校", "医疗卫生机构"),
        *("社团法人", "企业法人", "自然人", "其他", TOTAL),
    )


def test_table_5_lists_exactly_the_period_counties_and_the_total():
    """provincial-feed.md: the city's county-level divisions and 合计, no other row; the
    counties are those valid in the period (成都: 郫县 until 2016, then 郫都区)."""
    from zhuanhua.export.specs import OUTSIDE_COUNTIES, table_specs

    def table_5(city, year=None):
        return next(spec for spec in table_specs(city, year) if spec.name == "表5")

    luzhou = table_5("510500", 2024)
    assert luzhou.rows == (
        "江阳区",
        "纳溪区",
        "龙马潭区",
        "泸县",
        "合江县",
        "叙永县",
        "古蔺县",
        TOTAL,
    )
    assert OUTSIDE_COUNTIES not in luzhou.rows and luzhou.unlisted == OUTSIDE_COUNTIES
    assert "郫县" in table_5("510100", 2015).rows and "郫都区" not in table_5("510100", 2015).rows
    assert "郫都区" in table_5("510100", 2024).rows and "新津区" in table_5("510100", 2024).rows
