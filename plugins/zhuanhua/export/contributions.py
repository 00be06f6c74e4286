"""What each record of the marts adds to the provincial tables (provincial-feed.md rules).

Read from the marts only: names and identity numbers never leave the warehouse, and a
record is named by its registration number, loan key, patent number or chain id.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg
from psycopg.rows import dict_row

from zhuanhua.domain.codes import city_counties
from zhuanhua.export.periods import Period
from zhuanhua.export.specs import CHAIN_STAGES, IP_PLEDGE, NO_IP, OUTSIDE_COUNTIES
from zhuanhua.export.tables import BASE, CURRENT, TOTAL, Contribution

ONE = Decimal(1)

# A contract counts in the period of its original registration with its latest amounts,
# unless its 注销 took effect on or before the period's last day.
COUNTED_CONTRACTS = """
    select registration_no, original_registration_date, reporting_type, technology_field,
           seller_group, seller_county_code, technology_flow, ip_type, contract_amount,
           technology_amount, last_amended_on, cancelled_on
    from marts.fct_technology_contract
    where original_registration_date between %(start)s and %(end)s
      and (cancelled_on is null or cancelled_on > %(end)s)
      and (%(county)s::text is null or seller_county_code = %(county)s)
    order by registration_no
"""
LOANS = """
    select loan_key, product, borrower_type, borrower_organization_key, disbursed_on,
           principal, is_ip_pledge
    from marts.fct_tech_loan
    where disbursed_on between %(start)s and %(end)s
      and (%(county)s::text is null or borrower_county_code = %(county)s)
    order by loan_key
"""
CHAINS = """
    select chain_id, chain_origin, application_no, registration_no,
           coalesce(owner_group, '其他') as owner_group, output_date, transfer_kind,
           transfer_date, coalesce(transfer_amount, 0) as transfer_amount, adoption_date,
           financing_date, cancelled_on
    from marts.fct_conversion_chain
    where (%(county)s::text is null or owner_county_code = %(county)s)
    order by chain_id
"""
# A patent pledged in the period: a PE01 registration, or a loan disbursed then pledging it.
PLEDGED_PATENTS = """
    with pledges as (
        select application_no, effective_date as pledged_on from marts.fct_patent_event
        where event_code = 'PE01' and effective_date between %(start)s and %(end)s
        union all
        select pledged.application_no, l.disbursed_on from marts.fct_tech_loan as l
        cross join lateral unnest(l.pledged_patent_nos) as pledged (application_no)
        where l.disbursed_on between %(start)s and %(end)s
    )
    select p.application_no, min(p.pledged_on) as pledged_on,
           coalesce(o.owner_group, '其他') as owner_group
    from pledges as p
    left join marts.dim_patent as d on d.application_no = p.application_no
    left join marts.dim_organization as o on o.organization_key = d.owner_organization_key
    where %(county)s::text is null or o.county_code = %(county)s
    group by p.application_no, o.owner_group
    order by p.application_no
"""
GRANTED_PATENTS = """
    select d.application_no, d.grant_date
    from marts.dim_patent as d
    left join marts.dim_organization as o on o.organization_key = d.owner_organization_key
    where d.grant_date between %(start)s and %(end)s
      and (%(county)s::text is null or o.county_code = %(county)s)
    order by d.application_no
"""
# The loans of the given chains' financing windows (fct_conversion_chain: the adopter's own, or
# pledging the patent), each once: two semi-joins a hash runs, never a chain × loan product.
FINANCING_LOANS = """
    with chains as (
        select adopter_organization_key, application_no, transfer_date, financing_window_ends_on
        from marts.fct_conversion_chain where chain_id = any(%(chains)s)
    ),
    loans as (
        select loan_key, principal, disbursed_on, borrower_organization_key, pledged_patent_nos
        from marts.fct_tech_loan where disbursed_on between %(start)s and %(end)s
    )
    select l.loan_key, l.principal, l.disbursed_on from loans as l
    where exists (
        select 1 from chains as c
        where c.adopter_organization_key = l.borrower_organization_key
          and l.disbursed_on between c.transfer_date and c.financing_window_ends_on)
    union
    select l.loan_key, l.principal, l.disbursed_on from loans as l
    cross join lateral unnest(l.pledged_patent_nos) as pledged (application_no)
    where exists (
        select 1 from chains as c
        where c.application_no = pledged.application_no
          and l.disbursed_on between c.transfer_date and c.financing_window_ends_on)
    order by loan_key
"""


def all_contributions(
    conn: psycopg.Connection, period: Period, city: str, county: str | None
) -> list[Contribution]:
    """Every record's part in every cell: the period's, and the base year's for growth."""
    counties = city_counties(city, period.end.year)  # 表5's rows: the period's counties
    found = contract_contributions(conn, period, county, counties, CURRENT)
    found += contract_contributions(conn, period.year_before(), county, counties, BASE)
    found += loan_contributions(conn, period, county)
    found += patent_contributions(conn, period, county)
    return found


def _query(conn: psycopg.Connection, sql: str, period: Period, county: str | None) -> list[dict]:
    params = {"start": period.start, "end": period.end, "county": county}
    with conn.cursor(row_factory=dict_row) as cursor:
        return cursor.execute(sql, params).fetchall()


def contract_contributions(
    conn: psycopg.Connection,
    period: Period,
    county: str | None,
    counties: dict[str, str],
    scope: str,
) -> list[Contribution]:
    found = []
    for c in _query(conn, COUNTED_CONTRACTS, period, county):
        rows = {
            "表1": TOTAL,
            "表2": c["reporting_type"],
            "表3": c["technology_field"],
            "表4": c["seller_group"],
            "表5": counties.get(c["seller_county_code"], OUTSIDE_COUNTIES),
            "表6": c["technology_flow"],
            "表7": c["ip_type"] or NO_IP,
        }
        values = {
            "合同数（项）": ONE,
            "合同成交额（万元）": c["contract_amount"],
            "技术交易额（万元）": c["technology_amount"],
        }
        record, note = f"合同 {c['registration_no']}", _contract_note(c)
        for table, row in rows.items():
            for target in {row, TOTAL}:
                found += [
                    Contribution(table, target, column, record, value, scope, note)
                    for column, value in values.items()
                ]
    return found


def _contract_note(c: dict) -> str:
    parts = [f"登记 {c['original_registration_date']}"]
    if c["last_amended_on"]:
        parts.append(f"最近变更 {c['last_amended_on']}")
    if c["cancelled_on"]:
        parts.append(f"注销 {c['cancelled_on']}")
    return "；".join(parts)


def loan_contributions(
    conn: psycopg.Connection, period: Period, county: str | None
) -> list[Contribution]:
    found = []
    for loan in _query(conn, LOANS, period, county):
        rows = [loan["product"], TOTAL] + ([IP_PLEDGE] if loan["is_ip_pledge"] else [])
        record, note = f"贷款 {loan['loan_key']}", f"放款 {loan['disbursed_on']}"
        for row in rows:
            found.append(Contribution("表8", row, "笔数", record, ONE, note=note))
            found.append(
                Contribution("表8", row, "贷款金额（万元）", record, loan["principal"], note=note)
            )
            if loan["borrower_type"] == "企业" and loan["borrower_organization_key"]:
                found.append(
                    Contribution(
                        "表8", row, "企业数", record, loan["borrower_organization_key"], note=note
                    )
                )
    return found


def patent_contributions(
    conn: psycopg.Connection, period: Period, county: str | None
) -> list[Contribution]:
    """Table 9 (transfers, licences, pledges by owner group) and table 10 (chain stages)."""
    found = []
    chains = _query(conn, CHAINS, period, county)
    for chain in chains:
        found += _chain_contributions(chain, period)
    for pledge in _query(conn, PLEDGED_PATENTS, period, county):
        record = f"专利 {pledge['application_no']}"
        note = f"质押 {pledge['pledged_on']}"
        found += [
            Contribution("表9", row, "质押件数", record, ONE, note=note)
            for row in (pledge["owner_group"], TOTAL)
        ]
    for patent in _query(conn, GRANTED_PATENTS, period, county):
        found.append(
            Contribution(
                "表10",
                CHAIN_STAGES[0],
                "件数",
                f"专利 {patent['application_no']}",
                ONE,
                note=f"授权 {patent['grant_date']}",
            )
        )
    found += _financing_amounts(conn, chains, period)
    return found


def _within(day, period: Period) -> bool:
    return day is not None and period.start <= day <= period.end


def _chain_contributions(chain: dict, period: Period) -> list[Contribution]:
    """A chain's stages in the period; none when its contract's 注销 took effect by the
    period's end (as table 1 counts the contract), so a later 注销 leaves the period alone."""
    if chain.get("cancelled_on") and chain["cancelled_on"] <= period.end:
        return []
    record = f"转化链 {chain['chain_id']}"
    subject = (
        f"专利 {chain['application_no']}"
        if chain["chain_origin"] == "patent"
        else f"合同 {chain['registration_no']}"
    )
    note = f"{subject} {chain['transfer_kind']} {chain['transfer_date']}"
    found = []
    if chain["chain_origin"] == "patent" and _within(chain["transfer_date"], period):
        column = "转让件数" if chain["transfer_kind"] == "转让" else "许可件数"
        found += [
            Contribution("表9", row, column, record, ONE, note=note)
            for row in (chain["owner_group"], TOTAL)
        ]
    if chain["chain_origin"] == "contract" and _within(chain["output_date"], period):
        found.append(Contribution("表10", CHAIN_STAGES[0], "件数", record, ONE, note=note))
    for stage, day in (
        (CHAIN_STAGES[1], chain["transfer_date"]),
        (CHAIN_STAGES[2], chain["adoption_date"]),
    ):
        if _within(day, period):
            found.append(Contribution("表10", stage, "件数", record, ONE, note=note))
            found.append(
                Contribution(
                    "表10", stage, "金额（万元）", record, chain["transfer_amount"], note=note
                )
            )
    if _within(chain["financing_date"], period):
        found.append(Contribution("表10", CHAIN_STAGES[3], "件数", record, ONE, note=note))
    return found


def _financing_amounts(
    conn: psycopg.Connection, chains: list[dict], period: Period
) -> list[Contribution]:
    """The loans, each once, disbursed in the period to chains financed in the period."""
    financed = [
        chain["chain_id"]
        for chain in chains
        if _within(chain["financing_date"], period)
        and not (chain["cancelled_on"] and chain["cancelled_on"] <= period.end)
    ]
    if not financed:
        return []
    loans = conn.execute(
        FINANCING_LOANS, {"chains": financed, "start": period.start, "end": period.end}
    ).fetchall()
    return [
        Contribution(
            "表10",
            CHAIN_STAGES[3],
            "金额（万元）",
            f"贷款 {key}",
            principal,
            note=f"放款 {disbursed_on}",
        )
        for key, principal, disbursed_on in loans
        if _within(disbursed_on, period)
    ]
