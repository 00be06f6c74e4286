"""Value normalisation shared by every feed: the delivery rules of `sources.md`.

Each function takes the text as received and returns the canonical text, None for
"no value", or raises `BadValue` with a message a data steward can act on.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from zhuanhua.domain.identifiers import canonical_patent_no
from zhuanhua.errors import BadPatentNumber, BadValue

NULL_TOKENS = frozenset({"", "\\N", "NULL", "null", "-", "—", "－"})
_DATE_FORMS = (
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})"),
    re.compile(r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日"),
)
_AMOUNT = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")


def header(text: str) -> str:
    """Headers match after NFKC folding (full-width （）％ and spaces) and without spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


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


def patent_no(value: object) -> str | None:
    """A patent application number in canonical form (domain.md §2)."""
    folded = text(value)
    if folded is None:
        return None
    try:
        return canonical_patent_no(folded)
    except BadPatentNumber as exc:
        raise BadValue(str(exc)) from None


def timestamp_iso(value: object) -> str | None:
    """An ISO 8601 timestamp that carries its UTC offset."""
    folded = text(value)
    if folded is None:
        return None
    try:
        moment = datetime.fromisoformat(folded)
    except ValueError:
        raise BadValue(f"not an ISO 8601 timestamp: {folded!r}") from None
    if moment.tzinfo is None:
        raise BadValue(f"timestamp without UTC offset: {folded!r}")
    return moment.isoformat()


def json_text(value: object) -> str | None:
    """Nested JSON (parties, name lists) arrives serialised by the reader; check it parses."""
    if value is None:
        return None
    try:
        json.loads(str(value))
    except ValueError:
        raise BadValue(f"not JSON: {str(value)[:60]!r}") from None
    return str(value)
