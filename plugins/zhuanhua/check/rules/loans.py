"""Row rules of the tech-finance loan feed (sources.md §2, domain.md §8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import great_expectations.expectations as gxe
import pandas as pd

from zhuanhua.check.rules.common import (
    canonical_patent_lists,
    first_bad_item,
    flag_dated_divisions,
    known_division,
    list_items,
    no_bad_item,
    not_after,
    not_after_business_date,
    one_of,
    positive,
    required,
    required_when,
    unique_in_file,
    valid_resident_id,
    valid_uscc,
)
from zhuanhua.check.suite import Rule
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import LOANS as FEED
from zhuanhua.domain.identifiers import patent_no_is_valid


def rules() -> list[Rule]:
    return [
        *required(FEED),
        unique_in_file(FEED, ("bank_code", "loan_no")),
        one_of(FEED, "product", codes.values("loan_products", "product"), "a known loan product"),
        one_of(FEED, "borrower_type", codes.code_list("borrower_type"), "企业 or 个人"),
        one_of(FEED, "guarantee", codes.code_list("guarantee"), "信用, 保证, 抵押, 质押 or 组合"),
        one_of(FEED, "status", codes.code_list("loan_status"), "正常, 关注, 逾期, 不良 or 结清"),
        *known_division(FEED, "borrower_division", "disbursed_on"),
        valid_uscc(FEED, "borrower_id_no", condition='borrower_type == "企业"'),
        valid_resident_id(FEED, "borrower_id_no", condition='borrower_type == "个人"'),
        required_when(
            FEED,
            "pledged_patents",
            'guarantee == "质押" and product == "知识产权质押贷"',
            "for a patent pledge (质押 under 知识产权质押贷)",
        ),
        not_after_business_date(FEED, "disbursed_on"),
        Rule(
            "loans.matures_after_disbursement",
            "matures_on",
            "到期日期 must be after 放款日期",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="matures_on",
                column_B="disbursed_on",
                or_equal=False,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        positive(FEED, "principal"),
        Rule(
            "loans.annual_rate_in_range",
            "annual_rate",
            "年利率 must be above 0 and at most 24",
            gxe.ExpectColumnValuesToBeBetween(
                column="annual_rate", min_value=0, max_value=24, strict_min=True
            ),
        ),
        Rule(
            "loans.settled_on_required",
            "settled_on",
            "结清日期 is required for a 结清 loan",
            gxe.ExpectColumnValuesToNotBeNull(
                column="settled_on", row_condition='status == "结清"', condition_parser="pandas"
            ),
        ),
        not_after(
            FEED,
            "settled_on",
            "disbursed_on",
            "结清日期 must not be before 放款日期",
            "settled_after_disbursement",
        ),
        Rule(
            "loans.compensation_not_negative",
            "compensation_claimed",
            "风险补偿申请金额 must not be negative",
            gxe.ExpectColumnValuesToBeBetween(column="compensation_claimed", min_value=0),
        ),
        not_after(
            FEED,
            "principal",
            "compensation_claimed",
            "风险补偿申请金额 must not exceed 贷款金额",
            "compensation_within_principal",
        ),
        no_bad_item(
            FEED,
            "bad_pledged_patent",
            "pledged_patents",
            "质押专利 names a number that is not a valid patent application number",
            "pledged_patents_valid",
        ),
        no_bad_item(
            FEED,
            "unknown_qualification",
            "qualifications",
            "企业资质 names a qualification outside the five of sources.md §2",
            "qualifications_known",
        ),
        Rule(
            "loans.within_product_ceiling",
            "principal",
            "贷款金额 above the product's ceiling for its disbursement date: for review (warning; "
            "the enterprise's total per year is checked in the warehouse, fct_tech_loan)",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="product_ceiling",
                column_B="principal",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            "warn",
        ),
        Rule(
            "loans.individual_allowed_by_product",
            "product",
            "a loan to a person (个人) under a product not lent to individuals "
            "(loan_products.csv, domain.md §8): for review (warning)",
            gxe.ExpectColumnValuesToBeInSet(
                column="product_lends_to_individuals",
                value_set=[True],
                row_condition='borrower_type == "个人"',
                condition_parser="pandas",
            ),
            "warn",
        ),
        Rule(
            "loans.borrower_qualified_for_product",
            "qualifications",
            "企业资质 holds none of the qualifications the product is for (天府科创贷: "
            "科技型中小企业 or 高新技术企业, domain.md §8): for review (warning)",
            gxe.ExpectColumnValuesToBeInSet(column="qualified_for_product", value_set=[True]),
            "warn",
        ),
        Rule(
            "loans.term_within_a_year",
            "matures_on",
            "term beyond one year for 天府科创贷 (in principle ≤ 1 year): for review (warning)",
            gxe.ExpectColumnValuesToBeBetween(
                column="term_days",
                max_value=366,
                row_condition='product == "天府科创贷"',
                condition_parser="pandas",
            ),
            "warn",
        ),
    ]


def derive(typed: pd.DataFrame) -> None:
    """Helper columns: the product's ceiling on the disbursement date, the term in days,
    and the first bad item of the list-valued cells."""
    qualifications = set(codes.code_list("qualification"))
    typed["bad_pledged_patent"] = typed["pledged_patents"].map(
        lambda cell: first_bad_item(cell, patent_no_is_valid), na_action="ignore"
    )
    typed["pledged_patents"] = canonical_patent_lists(typed["pledged_patents"])
    typed["unknown_qualification"] = typed["qualifications"].map(
        lambda cell: first_bad_item(cell, qualifications.__contains__), na_action="ignore"
    )
    to_individuals = {
        row["product"]
        for row in codes.table("loan_products")
        if row["lends_to_individuals"] == "true"
    }
    typed["product_lends_to_individuals"] = typed["product"].map(
        lambda product: product in to_individuals, na_action="ignore"
    )
    required = {
        row["product"]: set(list_items(row["eligible_qualifications"]))
        for row in codes.table("loan_products")
    }
    typed["qualified_for_product"] = [
        None if not required.get(product) else bool(required[product] & set(list_items(held)))
        for product, held in zip(typed["product"], typed["qualifications"], strict=True)
    ]
    flag_dated_divisions(typed, "borrower_division", "disbursed_on")
    typed["product_ceiling"] = [
        _ceiling(product, disbursed) if product and disbursed else None
        for product, disbursed in zip(typed["product"], typed["disbursed_on"], strict=True)
    ]
    start = pd.to_datetime(typed["disbursed_on"], errors="coerce")
    end = pd.to_datetime(typed["matures_on"], errors="coerce")
    typed["term_days"] = (
        (end - start).dt.days.astype(object).where(start.notna() & end.notna(), None)
    )


def _ceiling(product: str, disbursed: str) -> Decimal | None:
    """domain.md §8: the ceiling in force on the day (天府科创贷: 1000, from 2025-05-01 2000)."""
    day = date.fromisoformat(disbursed)
    for row in codes.table("loan_products"):
        if row["product"] != product or not row["ceiling_wan"]:
            continue
        starts = date.fromisoformat(row["ceiling_from"]) if row["ceiling_from"] else date.min
        ends = date.fromisoformat(row["ceiling_to"]) if row["ceiling_to"] else date.max
        if starts <= day <= ends:
            return Decimal(row["ceiling_wan"])
    return None
