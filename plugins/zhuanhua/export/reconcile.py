"""Checks before anything is written: the tables agree with each other and with the marts.

The tables are summed in Python from record-level rows; the checks here ask the database
for the same totals its own way (and, for contracts, the dbt mart of the technology market),
so an error in either path stops the export instead of reaching the province.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg

from zhuanhua.errors import ExportRefused
from zhuanhua.export.contributions import COUNTED_CONTRACTS, LOANS
from zhuanhua.export.periods import Period
from zhuanhua.export.specs import CHAIN_STAGES
from zhuanhua.export.tables import TOTAL, Contribution, Table

# the database's own sums over the rows the tables were summed from (one counting rule)
CONTRACTS_IN_MARTS = f"""
    select count(*), coalesce(sum(contract_amount), 0), coalesce(sum(technology_amount), 0)
    from ({COUNTED_CONTRACTS}) as counted
"""
# The monthly market mart counts a contract cancelled after its month's end; over a longer
# period those cancelled by the period's end come off.
MARKET_MART = """
    with market as (
        select coalesce(sum(contract_count), 0) as n, coalesce(sum(contract_amount), 0) as a,
               coalesce(sum(technology_amount), 0) as t
        from marts.fct_technology_market_monthly
        where registration_month between %(start)s and %(end)s
          and (%(county)s::text is null or seller_county_code = %(county)s)
    ), cancelled_later as (
        select count(*) as n, coalesce(sum(contract_amount), 0) as a,
               coalesce(sum(technology_amount), 0) as t
        from marts.fct_technology_contract
        where original_registration_date between %(start)s and %(end)s
          and cancelled_on > (registration_month + interval '1 month - 1 day')::date
          and cancelled_on <= %(end)s
          and (%(county)s::text is null or seller_county_code = %(county)s)
    )
    select market.n - cancelled_later.n, market.a - cancelled_later.a,
           market.t - cancelled_later.t
    from market, cancelled_later
"""
LOANS_IN_MARTS = f"""
    select count(*), coalesce(sum(principal), 0),
           count(distinct borrower_organization_key) filter (where borrower_type = '企业')
    from ({LOANS}) as disbursed
"""
TRANSFERS_IN_MARTS = """
    select count(*) filter (where chain_origin = 'patent'), count(*),
           coalesce(sum(transfer_amount), 0)
    from marts.fct_conversion_chain
    where transfer_date between %(start)s and %(end)s
      and (%(county)s::text is null or owner_county_code = %(county)s)
      and (cancelled_on is null or cancelled_on > %(end)s)
"""
CONTRACT_FIGURES = ("合同数（项）", "合同成交额（万元）", "技术交易额（万元）")


def reconcile(
    conn: psycopg.Connection,
    tables: dict[str, Table],
    contributions: list[Contribution],
    period: Period,
    county: str | None,
) -> list[str]:
    """Every check, in order; the first that fails stops the export. Returns what passed."""
    passed = []
    for table in tables.values():
        _rows_add_up(table, contributions)
    passed.append("every table's rows add up to its total row")
    for name in ("表2", "表3", "表4", "表5", "表6", "表7"):
        _same(
            f"{name} total row",
            _figures(tables[name], TOTAL, *_all(tables[name])),
            "表1",
            _figures(tables["表1"], TOTAL, *_all(tables["表1"])),
        )
    passed.append("tables 2–7: the total row equals table 1")
    params = {"start": period.start, "end": period.end, "county": county}
    table1 = _figures(tables["表1"], TOTAL, *CONTRACT_FIGURES)
    _same(
        "表1",
        table1,
        "fct_technology_contract",
        conn.execute(CONTRACTS_IN_MARTS, params).fetchone(),
    )
    _same(
        "表1", table1, "fct_technology_market_monthly", conn.execute(MARKET_MART, params).fetchone()
    )
    passed.append("table 1 equals the contracts and the market mart of the warehouse")
    _same(
        "表8 合计",
        _figures(tables["表8"], TOTAL, "笔数", "贷款金额（万元）", "企业数"),
        "fct_tech_loan",
        conn.execute(LOANS_IN_MARTS, params).fetchone(),
    )
    patent_transfers, transfers, amount = conn.execute(TRANSFERS_IN_MARTS, params).fetchone()
    nine = _figures(tables["表9"], TOTAL, "转让件数", "许可件数")
    _same("表9 合计 转让+许可", (sum(nine),), "fct_conversion_chain", (patent_transfers,))
    _same(
        "表10 转移",
        _figures(tables["表10"], CHAIN_STAGES[1], "件数", "金额（万元）"),
        "fct_conversion_chain",
        (transfers, amount),
    )
    passed.append("tables 8–10 equal the loans and the conversion chain of the warehouse")
    return passed


def _all(table: Table) -> list[str]:
    return [c.header for c in table.spec.columns]


def _figures(table: Table, row: str, *columns: str) -> tuple:
    return tuple(table.exact[row, column] for column in columns)


def _same(left: str, left_values: tuple, right: str, right_values: tuple) -> None:
    if tuple(map(_number, left_values)) != tuple(map(_number, right_values)):
        raise ExportRefused(
            f"reconciliation failed: {left} is {_show(left_values)}, "
            f"{right} gives {_show(right_values)}; nothing was written"
        )


def _number(value) -> Decimal | None:
    return None if value is None else Decimal(value).normalize()


def _show(values: tuple) -> str:
    return "(" + ", ".join("—" if v is None else str(_number(v)) for v in values) + ")"


def _rows_add_up(table: Table, contributions: list[Contribution]) -> None:
    spec = table.spec
    if not spec.summed_rows:
        return
    for column in spec.columns:
        if column.kind not in ("count", "amount"):
            continue
        summed = (*spec.summed_rows, spec.unlisted) if spec.unlisted else spec.summed_rows
        rows = sum(table.exact[row, column.header] or 0 for row in summed)
        total = table.exact[TOTAL, column.header]
        if rows != total:
            strays = sorted(
                {
                    f"{c.record} → {c.row!r}"
                    for c in contributions
                    if c.table == spec.name and c.row not in (*spec.rows, spec.unlisted)
                }
            )
            raise ExportRefused(
                f"reconciliation failed: {spec.sheet} {column.header}: the rows add up to "
                f"{_number(rows)}, the total row is {_number(total)}; records in no row of the "
                f"table: {', '.join(strays[:10]) or 'none'}; nothing was written"
            )
