"""Rule shapes that every feed uses: required values, closed lists, orders, bounds."""

from __future__ import annotations

import json
import re

import great_expectations.expectations as gxe
import pandas as pd

from zhuanhua.check.expectations import (
    ExpectColumnValuesToBeValidResidentId,
    ExpectColumnValuesToBeValidUscc,
)
from zhuanhua.check.suite import Rule, Severity
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import Feed
from zhuanhua.domain.identifiers import canonical_patent_no, resident_id_is_valid, uscc_is_valid
from zhuanhua.errors import BadPatentNumber


def required(feed: Feed) -> list[Rule]:
    return [
        Rule(
            f"{feed.name}.{c.name}_required",
            c.name,
            f"{c.header} is required",
            gxe.ExpectColumnValuesToNotBeNull(column=c.name),
        )
        for c in feed.columns
        if c.required
    ]


def one_of(
    feed: Feed, column: str, values: list[str], what: str, severity: Severity = "reject"
) -> Rule:
    header = feed.column(column).header
    return Rule(
        f"{feed.name}.{column}_known",
        column,
        f"{header} is not {what}",
        gxe.ExpectColumnValuesToBeInSet(column=column, value_set=values),
        severity,
    )


def not_after(feed: Feed, later: str, earlier: str, message: str, name: str) -> Rule:
    """`earlier` ≤ `later`; ISO date strings order like the dates they spell."""
    return Rule(
        f"{feed.name}.{name}",
        earlier,
        message,
        gxe.ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=later, column_B=earlier, or_equal=True, ignore_row_if="either_value_is_missing"
        ),
    )


def not_after_business_date(feed: Feed, column: str) -> Rule:
    header = feed.column(column).header
    return not_after(
        feed,
        "business_date",
        column,
        f"{header} must not be after the file's business date",
        f"{column}_not_after_business_date",
    )


def positive(feed: Feed, column: str) -> Rule:
    header = feed.column(column).header
    return Rule(
        f"{feed.name}.{column}_positive",
        column,
        f"{header} must be greater than 0",
        gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, strict_min=True),
    )


def matches(feed: Feed, column: str, regex: str, message: str, name: str) -> Rule:
    return Rule(
        f"{feed.name}.{name}",
        column,
        message,
        gxe.ExpectColumnValuesToMatchRegex(column=column, regex=regex),
    )


def required_when(feed: Feed, column: str, condition: str, when: str) -> Rule:
    """`column` must have a value in the rows where the pandas `condition` holds."""
    header = feed.column(column).header
    return Rule(
        f"{feed.name}.{column}_required",
        column,
        f"{header} is required {when}",
        gxe.ExpectColumnValuesToNotBeNull(
            column=column, row_condition=condition, condition_parser="pandas"
        ),
    )


def valid_uscc(feed: Feed, column: str, condition: str | None = None) -> Rule:
    header = feed.column(column).header
    kwargs = {"row_condition": condition, "condition_parser": "pandas"} if condition else {}
    return Rule(
        f"{feed.name}.{column}_valid_uscc",
        column,
        f"{header} is not a valid unified social credit code (check character)",
        ExpectColumnValuesToBeValidUscc(column=column, **kwargs),
    )


def not_an_identity_number(feed: Feed, column: str) -> Rule:
    """A person's identity number typed into a code column: its own rejection, so it never
    passes as a code (one in 31 passes the USCC check) and reaches a table in clear."""
    header = feed.column(column).header
    return Rule(
        f"{feed.name}.{column}_not_an_identity_number",
        column,
        f"{header} holds a resident identity number, not an organisation's code (personal data)",
        gxe.ExpectColumnValuesToBeInSet(column=f"{column}_is_identity_number", value_set=[False]),
    )


def flag_identity_numbers(typed: pd.DataFrame, *columns: str) -> None:
    """The helper columns of `not_an_identity_number`: does the cell read as a resident ID?"""
    for column in columns:
        typed[f"{column}_is_identity_number"] = typed[column].map(
            resident_id_is_valid, na_action="ignore"
        )


def party_codes_valid(feed: Feed, column: str, fields: str) -> Rule:
    """The `uscc` of every party in a JSON party field (`fields`: their headers) is a valid
    USCC and no person's identity number (domain.md §3, as for the contracts' code columns);
    the helper column `column` holds the first bad one (see `first_bad_party_code`)."""
    return Rule(
        f"{feed.name}.{column}",
        column,
        f"a party's uscc in {fields} is not a valid unified social credit code (check "
        "character), or is a resident identity number",
        gxe.ExpectColumnValuesToBeNull(column=column),
    )


def first_bad_party_code(parties: str | None) -> str | None:
    """The first `uscc` of a JSON list of parties that fails the USCC check or reads as a
    resident ID: masked (it may be a person's number), so a helper column keeps nothing."""
    if not isinstance(parties, str):
        return None
    try:
        listed = json.loads(parties)
    except ValueError:
        return None  # a field that is no JSON is another rule's failure
    for party in listed if isinstance(listed, list) else [listed]:
        code = str(party.get("uscc") or "").strip() if isinstance(party, dict) else ""
        if code and (not uscc_is_valid(code) or resident_id_is_valid(code)):
            return f"{code[:2]}…"
    return None


def valid_resident_id(feed: Feed, column: str, condition: str) -> Rule:
    header = feed.column(column).header
    return Rule(
        f"{feed.name}.{column}_valid_resident_id",
        column,
        f"{header} is not a valid resident identity number",
        ExpectColumnValuesToBeValidResidentId(
            column=column, row_condition=condition, condition_parser="pandas"
        ),
    )


def unique_in_file(feed: Feed, columns: tuple[str, ...]) -> Rule:
    """A batch rule: a key twice in one file makes both rows ambiguous, so both are held."""
    headers = " + ".join(feed.column(c).header for c in columns if c not in feed.file_fields)
    return Rule(
        f"{feed.name}.duplicate_key",
        columns[-1],
        f"{headers} appears more than once in the file",
        gxe.ExpectCompoundColumnsToBeUnique(column_list=["file_name", *columns]),
    )


def known_division(feed: Feed, column: str, *dates: str) -> list[Rule]:
    """A real GB/T 2260 code, of anywhere in China (counterparties are not only local), and
    one valid when the record was made: in the year of any of `dates`. Both compare helper
    columns (`flag_dated_divisions`): a value set of 6,000 codes inside the expectation made
    Great Expectations spend three quarters of a contracts file's checks on these two rules."""
    header = feed.column(column).header
    when = " or ".join(feed.column(d).header for d in dates)
    return [
        Rule(
            f"{feed.name}.{column}_known",
            column,
            f"{header} is not a division code of GB/T 2260",
            gxe.ExpectColumnValuesToBeInSet(column=f"{column}_is_known", value_set=[True]),
        ),
        Rule(
            f"{feed.name}.{column}_valid_on_date",
            column,
            f"{header} was not a valid division code in the year of {when} "
            "(codes are created and abolished: divisions.csv has each code's years)",
            gxe.ExpectColumnValuesToBeNull(column=f"{column}_out_of_period"),
        ),
    ]


def flag_dated_divisions(typed: pd.DataFrame, column: str, *dates: str) -> None:
    """`<column>_is_known`: is the code in the dated table at all (None when empty);
    `<column>_out_of_period`: for a known code valid in none of the years of `dates` (ISO
    date texts), the years it was valid; else None."""
    stretches = codes.division_stretches()
    typed[f"{column}_is_known"] = pd.Series(
        [code in stretches if isinstance(code, str) else None for code in typed[column]],
        index=typed.index,
        dtype=object,
    )
    years = [[_year(cell) for cell in typed[d]] for d in dates]  # not .map: NaN makes floats
    flags = []
    for code, *row_years in zip(typed[column], *years, strict=True):
        known = [y for y in row_years if y is not None]
        reasons = [codes.division_out_of_period(code, y) for y in known] if known else []
        flags.append(reasons[0] if reasons and all(reasons) else None)
    typed[f"{column}_out_of_period"] = pd.Series(flags, index=typed.index, dtype=object)


def _year(text) -> int | None:
    return int(text[:4]) if isinstance(text, str) and text[:4].isdigit() else None


LIST_SEPARATORS = r"[;；,、]"


def list_items(cell: str | None) -> list[str]:
    """The items of a cell listing them (`;` `；` `,` `、`), trimmed, empty ones left out."""
    if not isinstance(cell, str):
        return []
    return [item.strip() for item in re.split(LIST_SEPARATORS, cell) if item.strip()]


def first_bad_item(cell: str | None, is_good) -> str | None:
    """For a cell listing items: the first item that is not good, if any."""
    return next((item for item in list_items(cell) if not is_good(item)), None)


def canonical_patent_list(cell: str | None) -> str | None:
    """A list of patent numbers as the warehouse stores it: canonical forms joined by `;`.

    A cell with a bad item stays as written: its row is quarantined by `no_bad_item`.
    """
    if cell is None:
        return None
    try:
        numbers = [
            canonical_patent_no(i.strip()) for i in re.split(LIST_SEPARATORS, cell) if i.strip()
        ]
    except BadPatentNumber:
        return cell
    return ";".join(dict.fromkeys(numbers)) or None


def canonical_patent_lists(cells: pd.Series) -> pd.Series:
    """`canonical_patent_list` of each cell; empty cells stay None (not NaN, which COPY
    would write as the text 'nan')."""
    return pd.Series(
        [canonical_patent_list(c) if isinstance(c, str) else None for c in cells],
        index=cells.index,
        dtype=object,
    )


def no_bad_item(
    feed: Feed, helper: str, column: str, message: str, name: str, severity: Severity = "reject"
) -> Rule:
    """The helper column holds a list cell's first bad item; it must be empty."""
    return Rule(
        f"{feed.name}.{name}",
        column,
        message,
        gxe.ExpectColumnValuesToBeNull(column=helper),
        severity,
    )
