"""Value normalisation shared by every feed: the delivery rules of `sources.md`.

Each function takes the text as received and returns the canonical text, None for
"no value", or raises `BadValue` with a message a data steward can act on.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

NULL_TOKENS = frozenset({"", "\\N", "NULL", "null", "-", "—", "－"})
_PARENS = str.maketrans({"（": "(", "）": ")", "\u3000": " "})
_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
)
_AMOUNT = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


class BadValue(ValueError):
    """A value that cannot be read as its column's kind."""


def header(text: str) -> str:
    """Headers match after trimming and folding full-width parentheses and spaces."""
    return re.sub(r"\s+", "", str(text).translate(_PARENS))


def text(value: object) -> str | None:
    """Trim, fold full-width letters and digits (NFKC keeps CJK as it is), map null tokens."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKC", str(value)).strip()
    return None if folded in NULL_TOKENS else folded


def code(value: object) -> str | None:
    """Identifiers: like text, upper-cased and without inner spaces."""
    folded = text(value)
    return None if folded is None else re.sub(r"\s+", "", folded).upper()


def date_iso(value: object) -> str | None:
    """One of the five written date forms (or an Excel date cell) as YYYY-MM-DD."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    folded = text(value)
    if folded is None:
        return None
    for form in _DATE_FORMS:
        match = form.fullmatch(folded)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                break
    raise BadValue(f"not a date in an accepted form: {folded!r}")


def amount(value: object) -> Decimal | None:
    """A decimal amount; thousands separators allowed; never via float."""
    if isinstance(value, float):
        value = repr(value)  # an XLSX number cell: its shortest exact decimal spelling
    folded = text(value)
    if folded is None:
        return None
    if not _AMOUNT.fullmatch(folded):
        raise BadValue(f"not a decimal amount: {folded!r}")
    try:
        return Decimal(folded.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise BadValue(f"not a decimal amount: {folded!r}") from exc
