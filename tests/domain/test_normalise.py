from datetime import date, datetime
from decimal import Decimal

import pytest

from zhuanhua.domain import normalise


@pytest.mark.parametrize(
    "written",
    [
        "2024-06-03",
        "2024/06/03",
        "2024.06.03",
        "20240603",
        "2024年06月03日",
        "2024年6月3日",
        " ２０２４-０６-０３ ",
    ],
)
def test_every_accepted_date_form_reads_as_iso(written):
    assert normalise.date_iso(written) == "2024-06-03"


def test_excel_date_cells_read_as_iso():
    assert normalise.date_iso(datetime(2024, 6, 3, 0, 0)) == "2024-06-03"
    assert normalise.date_iso(date(2024, 6, 3)) == "2024-06-03"


@pytest.mark.parametrize("written", ["03/06/2024", "2024-13-01", "2024-02-30", "June 3", "2024-6"])
def test_other_dates_are_bad_values(written):
    with pytest.raises(normalise.BadValue, match="not a date"):
        normalise.date_iso(written)


@pytest.mark.parametrize("token", ["", "  ", "\\N", "NULL", "null", "-", "—", None])
def test_null_tokens_mean_no_value(token):
    assert normalise.text(token) is None
    assert normalise.date_iso(token) is None
    assert normalise.amount(token) is None


def test_amounts_are_exact_decimals_with_separators():
    assert normalise.amount("1,200.50") == Decimal("1200.50")
    assert normalise.amount("１２.５") == Decimal("12.5")
    assert normalise.amount(0.1) == Decimal("0.1")  # an XLSX number cell, not 0.1000000000000000055
    with pytest.raises(normalise.BadValue):
        normalise.amount("12,00.5")
    with pytest.raises(normalise.BadValue):
        normalise.amount("十万")


def test_full_width_codes_fold_to_ascii():
    assert normalise.code(" ９１５１０５ ００ＭＡ ") == "91510500MA"


def test_a_full_width_percent_sign_in_a_header_is_folded():
    assert normalise.header("年利率（％）") == "年利率(%)"


def test_headers_match_with_full_width_parentheses_and_spaces():
    assert normalise.header(" 合同成交额（万元） ") == "合同成交额(万元)"


def test_a_timestamp_without_its_utc_offset_is_refused():
    """sources.md §3: updated_at is ISO 8601 with an offset; without one its instant is
    unknown, so which record is later could not be told."""
    import pytest

    from zhuanhua.domain.normalise import timestamp_iso
    from zhuanhua.errors import BadValue

    assert timestamp_iso("2024-04-02T09:15:00+08:00") == "2024-04-02T09:15:00+08:00"
    with pytest.raises(BadValue, match="without UTC offset"):
        timestamp_iso("2024-04-02T09:15:00")
