"""Row rules of the technology-contract feed (sources.md §1, domain.md §4–§6)."""

from __future__ import annotations

import great_expectations.expectations as gxe
import pandas as pd
import psycopg

from zhuanhua.check.rules.common import (
    canonical_patent_lists,
    first_bad_item,
    flag_dated_divisions,
    flag_identity_numbers,
    known_division,
    matches,
    no_bad_item,
    not_after,
    not_after_business_date,
    not_an_identity_number,
    one_of,
    positive,
    required,
    required_when,
    unique_in_file,
    valid_uscc,
)
from zhuanhua.check.suite import Rule
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import CONTRACTS as FEED
from zhuanhua.domain.identifiers import patent_no_is_valid

# a party's code is the one valid when the contract was signed or when it was registered
CONTRACT_DATES = ("signing_date", "registration_date")


def rules(region: str) -> list[Rule]:
    city = region[:4]  # every division code of the city starts with these digits
    natures = codes.values("party_natures", "nature_code")
    subtypes = [(r["contract_type"], r["contract_subtype"]) for r in codes.table("contract_types")]
    return [
        *required(FEED),
        unique_in_file(FEED, ("registration_no", "registration_status")),
        matches(
            FEED,
            "registration_no",
            r"^\d{16}$",
            "合同登记号 must be 16 digits",
            "registration_no_format",
        ),
        one_of(
            FEED,
            "registration_status",
            codes.code_list("registration_status"),
            "登记, 变更 or 注销",
        ),
        one_of(
            FEED,
            "contract_type",
            codes.values("contract_types", "contract_type"),
            "one of the five contract types",
        ),
        Rule(
            "contracts.subtype_belongs_to_type",
            "contract_subtype",
            "合同子类 does not belong to 合同类型",
            gxe.ExpectColumnPairValuesToBeInSet(
                column_A="contract_type",
                column_B="contract_subtype",
                value_pairs_set=subtypes,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        one_of(
            FEED,
            "technology_field",
            codes.values("technology_fields", "technology_field"),
            "one of the 11 technology fields",
        ),
        one_of(FEED, "ip_type", codes.values("ip_types", "ip_type"), "a known IP type"),
        one_of(FEED, "seller_nature", natures, "a code of the party-nature table"),
        one_of(FEED, "buyer_nature", natures, "a code of the party-nature table"),
        one_of(
            FEED,
            "buyer_country",
            codes.values("countries", "country_code"),
            "an ISO 3166-1 alpha-2 country or region code",
        ),
        *known_division(FEED, "seller_division", *CONTRACT_DATES),
        *known_division(FEED, "buyer_division", *CONTRACT_DATES),
        required_when(
            FEED,
            "seller_uscc",
            'seller_nature != "400"',
            "unless the seller is a natural person (400)",
        ),
        required_when(
            FEED,
            "buyer_uscc",
            'buyer_country == "CN" and buyer_nature != "400"',
            "for a buyer in China that is not a natural person",
        ),
        required_when(FEED, "buyer_division", 'buyer_country == "CN"', "for a buyer in China"),
        required_when(
            FEED,
            "ip_type",
            'contract_type in ["技术转让", "技术许可"]',
            "for 技术转让 and 技术许可",
        ),
        valid_uscc(FEED, "seller_uscc"),
        valid_uscc(FEED, "buyer_uscc"),
        not_an_identity_number(FEED, "seller_uscc"),
        not_an_identity_number(FEED, "buyer_uscc"),
        Rule(
            "contracts.foreign_buyer",
            "buyer_country",
            "the buyer is outside mainland China: check the flow (warning)",
            gxe.ExpectColumnValuesToBeInSet(column="buyer_country", value_set=["CN"]),
            "warn",
        ),
        Rule(
            "contracts.seller_outside_city",
            "seller_division",
            "the seller is outside the city, yet registered here (warning)",
            gxe.ExpectColumnValuesToMatchRegex(column="seller_division", regex=f"^{city}"),
            "warn",
        ),
        no_bad_item(
            FEED,
            "bad_related_patent",
            "related_patents",
            "关联专利 names a number that is not a valid patent application number",
            "related_patents_valid",
        ),
        Rule(
            "contracts.top_percent_amount",
            "contract_amount",
            "合同成交额 in the top 1 % of registered contracts: for review (warning)",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="top_percent_threshold",
                column_B="contract_amount",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
            "warn",
        ),
        Rule(
            "contracts.very_large_amount",
            "contract_amount",
            "合同成交额 of 1 亿元 or more: confirm with the registration office (warning)",
            gxe.ExpectColumnValuesToBeBetween(
                column="contract_amount", max_value=10_000, strict_max=True
            ),
            "warn",
        ),
        positive(FEED, "contract_amount"),
        positive(FEED, "technology_amount"),
        not_after(
            FEED,
            "contract_amount",
            "technology_amount",
            "技术交易额 must not exceed 合同成交额",
            "technology_amount_within_contract_amount",
        ),
        not_after(
            FEED,
            "registration_date",
            "signing_date",
            "签订日期 must not be after 登记日期",
            "signed_before_registration",
        ),
        not_after_business_date(FEED, "registration_date"),
        not_after(
            FEED,
            "valid_to",
            "valid_from",
            "有效期起 must not be after 有效期止",
            "validity_in_order",
        ),
        one_of(
            FEED, "plan_level", codes.code_list("plan_level"), "国家级, 省级, 市级, 县级 or 其他"
        ),
        one_of(FEED, "open_competition", codes.code_list("yes_no"), "是 or 否"),
    ]


TOP_PERCENT_MIN_HISTORY = 100  # fewer registered contracts say nothing of a top 1 %


def derive(typed: pd.DataFrame, conn: psycopg.Connection | None) -> None:
    """The amount above which a contract is in the top 1 % of those already registered."""
    threshold = None
    if conn is not None:
        count, threshold = conn.execute(
            """select count(*), percentile_disc(0.99) within group (order by contract_amount)
               from checked.contracts where registration_status = '登记'"""
        ).fetchone()
        threshold = threshold if count >= TOP_PERCENT_MIN_HISTORY else None
    typed["top_percent_threshold"] = threshold
    flag_identity_numbers(typed, "seller_uscc", "buyer_uscc")
    flag_dated_divisions(typed, "seller_division", *CONTRACT_DATES)
    flag_dated_divisions(typed, "buyer_division", *CONTRACT_DATES)
    typed["bad_related_patent"] = typed["related_patents"].map(
        lambda cell: first_bad_item(cell, patent_no_is_valid), na_action="ignore"
    )
    typed["related_patents"] = canonical_patent_lists(typed["related_patents"])
