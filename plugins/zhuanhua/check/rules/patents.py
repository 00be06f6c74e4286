"""Row rules of the patent bibliographic feed (sources.md §3, domain.md §2)."""

from __future__ import annotations

import json

import great_expectations.expectations as gxe
import pandas as pd

from zhuanhua.check.rules.common import (
    first_bad_party_code,
    matches,
    not_after,
    one_of,
    party_codes_valid,
    required,
    unique_in_file,
)
from zhuanhua.check.suite import Rule
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import PATENTS as FEED
from zhuanhua.domain.identifiers import (
    GRANT_KINDS,
    PATENT_TYPE_DIGITS,
    patent_filing_year,
    patent_type_digit,
)

# an IPC symbol (WIPO): section, class, subclass, then main group / subgroup
IPC_SYMBOL = r"^[A-H]\d{2}[A-Z] ?\d{1,4}/\d{2,6}$"


def rules() -> list[Rule]:
    return [
        *required(FEED),
        unique_in_file(FEED, ("application_no", "updated_at")),
        one_of(FEED, "patent_type", codes.code_list("patent_type"), "发明, 实用新型 or 外观设计"),
        matches(
            FEED,
            "grant_no",
            r"^CN\d{7,9}[BUS]$",
            "grant_no must be CN + 7–9 digits + B, U or S",
            "grant_no_format",
        ),
        matches(
            FEED,
            "publication_no",
            r"^CN\d{7,9}A$",
            "publication_no must be CN + 7–9 digits + A",
            "publication_no_format",
        ),
        not_after(
            FEED,
            "grant_date",
            "application_date",
            "application_date must not be after grant_date",
            "granted_after_application",
        ),
        Rule(
            "patents.application_year_matches_number",
            "application_date",
            "the year of application_date differs from the year in application_no",
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="number_year",
                column_B="application_year",
                ignore_row_if="either_value_is_missing",
            ),
        ),
        Rule(
            "patents.applicants_named",
            "applicants",
            "applicants must be a list of at least one party, each with a name",
            gxe.ExpectColumnValuesToBeInSet(column="applicants_named", value_set=[True]),
        ),
        matches(
            FEED,
            "ipc_main",
            IPC_SYMBOL,
            "ipc_main must be an IPC symbol such as A61K 36/9068",
            "ipc_main_format",
        ),
        Rule(
            "patents.publication_only_for_inventions",
            "publication_no",
            "publication_no / publication_date are for inventions only (sources.md §3)",
            gxe.ExpectColumnValuesToBeNull(
                column="publication_no",
                row_condition='patent_type != "发明"',
                condition_parser="pandas",
            ),
        ),
        Rule(
            "patents.grant_kind_matches_type",
            "grant_no",
            "the kind letter of grant_no (B invention, U utility model, S design) disagrees "
            "with patent_type",
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="grant_type",
                column_B="patent_type",
                ignore_row_if="either_value_is_missing",
            ),
        ),
        party_codes_valid(FEED, "bad_applicant_uscc", "applicants"),
        Rule(
            "patents.type_matches_number",
            "patent_type",
            "patent_type disagrees with the type digit of application_no",
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="number_type",
                column_B="patent_type",
                ignore_row_if="either_value_is_missing",
            ),
        ),
    ]


def derive(typed: pd.DataFrame) -> None:
    """Helper columns the rules compare with: what the number says of year and type."""
    numbers = typed["application_no"]
    typed["number_year"] = numbers.map(lambda n: str(patent_filing_year(n)), na_action="ignore")
    typed["application_year"] = typed["application_date"].str[:4]
    typed["applicants_named"] = typed["applicants"].map(_all_named, na_action="ignore")
    typed["number_type"] = numbers.map(
        lambda n: PATENT_TYPE_DIGITS.get(patent_type_digit(n)), na_action="ignore"
    )
    typed["grant_type"] = typed["grant_no"].map(
        lambda g: GRANT_KINDS.get(g[-1:]), na_action="ignore"
    )
    typed["bad_applicant_uscc"] = typed["applicants"].map(first_bad_party_code)


def _all_named(applicants: str) -> bool:
    parties = json.loads(applicants)
    return (
        isinstance(parties, list)
        and bool(parties)
        and all(isinstance(p, dict) and str(p.get("name") or "").strip() for p in parties)
    )
