"""The technology-contract feed: typing its rows and the rules a row must pass."""

from __future__ import annotations

from datetime import date

import great_expectations.expectations as gxe
import pandas as pd

from zhuanhua import codes, normalise
from zhuanhua.checks import Failure, Rule
from zhuanhua.feeds import CONTRACTS, Kind

PARSERS = {Kind.TEXT: normalise.text, Kind.CODE: normalise.code,
           Kind.DATE: normalise.date_iso, Kind.AMOUNT: normalise.amount}


def typed_frame(raw: pd.DataFrame) -> tuple[pd.DataFrame, dict[int, list[Failure]]]:
    """Normalise every column by its kind; unreadable values become failures, not errors.

    Values repeat a lot (dates, codes, types), so each distinct value is parsed once.
    """
    typed = pd.DataFrame(index=raw.index)
    failures: dict[int, list[Failure]] = {}
    for column in CONTRACTS.columns:
        if column.name not in raw:
            typed[column.name] = None
            continue
        parse = PARSERS[column.kind]
        parsed, bad = {}, {}
        for value in raw[column.name].dropna().unique():
            try:
                parsed[value] = parse(value)
            except normalise.BadValue as exc:
                bad[value] = str(exc)
        typed[column.name] = raw[column.name].map(parsed).astype(object)
        typed.loc[typed[column.name].isna(), column.name] = None
        for position in raw.index[raw[column.name].isin(bad.keys())]:
            message = bad[raw.at[position, column.name]]
            failures.setdefault(position, []).append(
                Failure(f"contract.{column.name}_readable", column.name, message)
            )
    typed["buyer_country"] = typed["buyer_country"].fillna("CN")  # empty means CN
    return typed, failures


def rules(business_date: date) -> list[Rule]:
    """Every row rule of sources.md §1 that this feed's checks enforce.

    Date-order rules compare ISO strings, which order like the dates; the frame carries
    the file's business date in a `business_date` column for the last of them.
    """
    subtypes = [(r["contract_type"], r["contract_subtype"]) for r in codes.table("contract_types")]
    found = []
    for column in CONTRACTS.columns:
        if column.required:
            found.append(Rule(
                f"contract.{column.name}_required", column.name,
                f"{column.header} is required",
                gxe.ExpectColumnValuesToNotBeNull(column=column.name),
            ))
    found += [
        Rule("contract.registration_no_format", "registration_no",
             "合同登记号 must be 16 digits",
             gxe.ExpectColumnValuesToMatchRegex(column="registration_no", regex=r"^\d{16}$")),
        Rule("contract.registration_status_known", "registration_status",
             "登记状态 must be 登记, 变更 or 注销",
             gxe.ExpectColumnValuesToBeInSet(
                 column="registration_status",
                 value_set=codes.values("registration_statuses", "registration_status"))),
        Rule("contract.contract_type_known", "contract_type",
             "合同类型 is not one of the five contract types",
             gxe.ExpectColumnValuesToBeInSet(
                 column="contract_type",
                 value_set=codes.values("contract_types", "contract_type"))),
        Rule("contract.subtype_belongs_to_type", "contract_subtype",
             "合同子类 does not belong to 合同类型",
             gxe.ExpectColumnPairValuesToBeInSet(
                 column_A="contract_type", column_B="contract_subtype",
                 value_pairs_set=subtypes, ignore_row_if="either_value_is_missing")),
        Rule("contract.technology_field_known", "technology_field",
             "技术领域 is not one of the 11 technology fields",
             gxe.ExpectColumnValuesToBeInSet(
                 column="technology_field",
                 value_set=codes.values("technology_fields", "technology_field"))),
        Rule("contract.ip_type_known", "ip_type", "知识产权类型 is not a known IP type",
             gxe.ExpectColumnValuesToBeInSet(
                 column="ip_type", value_set=codes.values("ip_types", "ip_type"))),
        *[_nature_rule(side) for side in ("seller", "buyer")],
        *[_division_format_rule(side) for side in ("seller", "buyer")],
        Rule("contract.seller_uscc_required", "seller_uscc",
             "卖方统一社会信用代码 is required unless the seller is a natural person (400)",
             gxe.ExpectColumnValuesToNotBeNull(
                 column="seller_uscc", row_condition='seller_nature != "400"',
                 condition_parser="pandas")),
        Rule("contract.buyer_division_required", "buyer_division",
             "买方行政区划 is required for a buyer in China",
             gxe.ExpectColumnValuesToNotBeNull(
                 column="buyer_division", row_condition='buyer_country == "CN"',
                 condition_parser="pandas")),
        *[_positive_rule(name) for name in ("contract_amount", "technology_amount")],
        Rule("contract.technology_amount_within_contract_amount", "technology_amount",
             "技术交易额 must not exceed 合同成交额",
             gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                 column_A="contract_amount", column_B="technology_amount", or_equal=True,
                 ignore_row_if="either_value_is_missing")),
        Rule("contract.signed_before_registration", "signing_date",
             "签订日期 must not be after 登记日期",
             gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                 column_A="registration_date", column_B="signing_date", or_equal=True,
                 ignore_row_if="either_value_is_missing")),
        Rule("contract.registration_not_after_business_date", "registration_date",
             f"登记日期 must not be after the file's business date {business_date}",
             gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                 column_A="business_date", column_B="registration_date", or_equal=True,
                 ignore_row_if="either_value_is_missing")),
        Rule("contract.validity_in_order", "valid_to", "有效期起 must not be after 有效期止",
             gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                 column_A="valid_to", column_B="valid_from", or_equal=True,
                 ignore_row_if="either_value_is_missing")),
    ]
    return found


def _nature_rule(side: str) -> Rule:
    header = "卖方性质" if side == "seller" else "买方性质"
    return Rule(f"contract.{side}_nature_known", f"{side}_nature",
                f"{header} is not a code of the party-nature table",
                gxe.ExpectColumnValuesToBeInSet(
                    column=f"{side}_nature",
                    value_set=codes.values("party_natures", "nature_code")))


def _division_format_rule(side: str) -> Rule:
    header = "卖方行政区划" if side == "seller" else "买方行政区划"
    return Rule(f"contract.{side}_division_format", f"{side}_division",
                f"{header} must be a 6-digit division code",
                gxe.ExpectColumnValuesToMatchRegex(column=f"{side}_division", regex=r"^\d{6}$"))


def _positive_rule(name: str) -> Rule:
    header = CONTRACTS.column(name).header
    return Rule(f"contract.{name}_positive", name, f"{header} must be greater than 0",
                gxe.ExpectColumnValuesToBeBetween(column=name, min_value=0, strict_min=True))

