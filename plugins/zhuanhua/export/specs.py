"""The tables' rows and columns (provincial-feed.md), with row lists from the code tables."""

from __future__ import annotations

from dataclasses import replace

from zhuanhua.domain import codes
from zhuanhua.export.tables import TOTAL, Column, TableSpec

CONTRACT_COLUMNS = (
    Column("合同数（项）", "count"),
    Column("合同数同比（%）", "growth", of="合同数（项）"),
    Column("合同成交额（万元）", "amount"),
    Column("合同成交额同比（%）", "growth", of="合同成交额（万元）"),
    Column("技术交易额（万元）", "amount"),
    Column("技术交易额同比（%）", "growth", of="技术交易额（万元）"),
)
OUTSIDE_COUNTIES = "市本级及市外"  # sellers no county of the city covers: in 表5's 合计 only
NO_IP = "未涉及知识产权"  # a contract that names no IP type (optional outside 转让/许可)
IP_PLEDGE = "其中：知识产权质押"
CHAIN_STAGES = ("产出（授权）", "转移", "本地落地", "获得融资")


def _ordered(seed: str, column: str) -> tuple[str, ...]:
    rows = sorted(codes.table(seed), key=lambda row: int(row["report_order"]))
    return tuple(dict.fromkeys(row[column] for row in rows))


def _contract_table(
    number: int, title: str, label: str, rows: tuple[str, ...], unlisted: str | None = None
) -> TableSpec:
    spec = TableSpec(number, title, label, (*rows, TOTAL), CONTRACT_COLUMNS, rows)
    return replace(spec, unlisted=unlisted)


def table_specs(city: str, year: int | None = None) -> tuple[TableSpec, ...]:
    """The ten tables in the spec's order, each row listed even when it is zero; 表5 lists
    the city's county-level divisions valid in the period's `year`, and nothing else."""
    # one row a name: in a change year a renamed county can hold two codes for one name
    counties = tuple(dict.fromkeys(codes.city_counties(city, year).values()))
    products = tuple(codes.values("loan_products", "product"))
    owner_groups = tuple(codes.code_list("owner_group"))
    return (
        TableSpec(1, "总体情况", "项目", (TOTAL,), CONTRACT_COLUMNS),
        _contract_table(
            2, "按合同类型", "合同类型", tuple(codes.values("contract_types", "contract_type"))
        ),
        _contract_table(
            3, "按技术领域", "技术领域", _ordered("technology_fields", "technology_field")
        ),
        _contract_table(
            4, "按卖方性质", "卖方性质", _ordered("reporting_groups", "reporting_group")
        ),
        _contract_table(5, "按区县", "区县", counties, unlisted=OUTSIDE_COUNTIES),
        _contract_table(6, "技术流向", "技术流向", _ordered("technology_flows", "technology_flow")),
        _contract_table(7, "知识产权", "知识产权类型", _ordered("ip_types", "ip_type")),
        TableSpec(
            8,
            "科技金融",
            "贷款产品",
            (*products, IP_PLEDGE, TOTAL),
            (
                Column("笔数", "count"),
                Column("贷款金额（万元）", "amount"),
                Column("企业数", "distinct"),
            ),
            products,
        ),
        TableSpec(
            9,
            "专利转化",
            "权利人类型",
            (*owner_groups, TOTAL),
            (Column("转让件数", "count"), Column("许可件数", "count"), Column("质押件数", "count")),
            owner_groups,
        ),
        TableSpec(
            10,
            "转化链",
            "转化环节",
            CHAIN_STAGES,
            (Column("件数", "count"), Column("金额（万元）", "amount")),
            blank=frozenset({(CHAIN_STAGES[0], "金额（万元）")}),
        ),  # a grant has no amount
    )
