"""Check characters of Chinese identifiers (`domain.md` §2, §3)."""

from __future__ import annotations

import operator
from datetime import date
from functools import lru_cache

from zhuanhua.domain import codes
from zhuanhua.errors import BadPatentNumber

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """GB 32100-2015: (31 - Σ value·3^(i-1) mod 31) mod 31, as a character of the alphabet."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


@lru_cache(maxsize=1 << 16)  # a night's codes repeat (the same parties file again and again)
def uscc_is_valid(code: str) -> bool:
    """GB 32100-2015: the alphabet, a division code (digits) in positions 3–8, the check."""
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    if not code[2:8].isdigit():
        return False
    return uscc_check_char(code[:17]) == code[17]


def resident_id_check_char(first17: str) -> str:
    """GB 11643-1999, ISO 7064 MOD 11-2."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


@lru_cache(maxsize=1 << 16)
def resident_id_is_valid(number: str) -> bool:
    """Check character, a real province and birth date; the division part may be younger than
    its holder (codes created after a birth are issued all the same), so it is not aged."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if number[:2] not in codes.province_prefixes():
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= date.today():
        return False
    return resident_id_check_char(number[:17]) == number[17]


_PATENT_WEIGHTS = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5]
PATENT_TYPE_DIGITS = {"1": "发明", "2": "实用新型", "3": "外观设计", "8": "发明", "9": "实用新型"}
# the kind letter that ends a grant number (sources.md §3)
GRANT_KINDS = {"B": "发明", "U": "实用新型", "S": "外观设计"}


def patent_check_char(body: str) -> str:
    """ZC 0006-2003: weights 2..9,2..5 over the digits, sum mod 11, 10 written X."""
    total = sum(map(operator.mul, map(int, body), _PATENT_WEIGHTS))  # each patent: mapped
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def canonical_patent_no(written: str) -> str:
    """Any written form (CN/ZL prefix, spaces, no dot, lower-case x) as `202310397744.0`.

    Raises BadPatentNumber when the form is unknown or the check character is wrong.
    """
    text = "".join(written.split()).upper()
    text = text.removeprefix("CN").removeprefix("ZL")
    if "." in text:
        body, _, check = text.partition(".")
    elif len(text) in (13, 9):
        body, check = text[:-1], text[-1]
    else:
        body, check = text, ""
    if not body.isdigit() or len(body) not in (12, 8) or len(check) > 1:
        raise BadPatentNumber(f"not a patent application number: {written!r}")
    _check_period(body, written)
    if len(body) == 8 and not check:
        if not "85" <= body[:2] <= "88":  # only 1985–1988 filings carry no check character
            raise BadPatentNumber(f"application number without check character: {written!r}")
        return body
    if patent_check_char(body) != check:
        raise BadPatentNumber(
            f"check character of {written!r} is {check!r}, expected {patent_check_char(body)!r}"
        )
    return f"{body}.{check}"


def _check_period(body: str, written: str) -> None:
    """The number's form must be the one of its filing year, and its type digit known:
    8 digits for 1985 to 2003 (two-digit year 85–99, 00–03), 12 digits since 2003-10-01."""
    if len(body) == 8 and not ("85" <= body[:2] <= "99" or "00" <= body[:2] <= "03"):
        raise BadPatentNumber(
            f"{written!r}: 8-digit numbers were given to filings of 1985–2003, "
            f"not to year {body[:2]}"
        )
    if len(body) == 12 and int(body[:4]) < 2003:
        raise BadPatentNumber(f"{written!r}: 12-digit numbers were given from 2003 on")
    digit = patent_type_digit(body)
    if digit not in PATENT_TYPE_DIGITS:
        raise BadPatentNumber(
            f"{written!r}: type digit {digit} is unknown (1 发明, 2 实用新型, 3 外观设计, "
            "8 PCT 发明, 9 PCT 实用新型)"
        )


def patent_type_digit(canonical: str) -> str:
    """The type digit: position 5 of a 12-digit number, position 3 of an 8-digit one."""
    return canonical[4] if len(canonical.split(".")[0]) == 12 else canonical[2]


def patent_filing_year(canonical: str) -> int:
    """The filing year the number carries: 4 digits, or 2 for 1985–1999 and 2000–2003."""
    body = canonical.split(".")[0]
    if len(body) == 12:
        return int(body[:4])
    two = int(body[:2])
    return 1900 + two if two >= 85 else 2000 + two


def patent_no_is_valid(written: str) -> bool:
    try:
        canonical_patent_no(written)
    except BadPatentNumber:
        return False
    return True
