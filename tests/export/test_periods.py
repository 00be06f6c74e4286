"""Period keys of the provincial feed and the period a scheduled run exports."""

from datetime import date

import pytest

from zhuanhua.export.periods import last_complete, parse_period


@pytest.mark.parametrize(
    ("key", "kind", "start", "end", "label"),
    [
        ("202402", "monthly", date(2024, 2, 1), date(2024, 2, 29), "2024年2月"),
        ("2024q4", "quarterly", date(2024, 10, 1), date(2024, 12, 31), "2024年第4季度"),
        ("2023", "annual", date(2023, 1, 1), date(2023, 12, 31), "2023年"),
    ],
)
def test_periods_parse_to_their_days(key, kind, start, end, label):
    period = parse_period(key)
    assert (period.kind, period.start, period.end, period.label) == (kind, start, end, label)
    assert period.year_before().start == start.replace(year=start.year - 1)


@pytest.mark.parametrize("key", ["202413", "2024Q5", "24", "2024-06", ""])
def test_a_malformed_period_is_a_clear_error(key):
    with pytest.raises(ValueError, match="YYYYMM"):
        parse_period(key)


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        ("monthly", date(2024, 7, 5), "202406"),
        ("monthly", date(2024, 1, 5), "202312"),
        ("quarterly", date(2024, 7, 10), "2024Q2"),
        ("quarterly", date(2024, 1, 10), "2023Q4"),
        ("annual", date(2025, 1, 20), "2024"),
    ],
)
def test_a_scheduled_run_exports_the_last_period_ended(kind, today, expected):
    assert last_complete(kind, today).key == expected
