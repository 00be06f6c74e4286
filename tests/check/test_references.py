"""Rows that refer to what the warehouse has not seen yet (check/references.py)."""

import pandas as pd

from zhuanhua.check.references import unknown


def contracts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["registration_no", "registration_status"], dtype=object)


def test_an_amendment_whose_registration_is_nowhere_is_an_unknown_reference(warehouse):
    typed = contracts(("1", "变更"), ("2", "登记"), ("2", "注销"), ("3", "登记"))
    passing = pd.Series([True, True, True, False])
    found = unknown(warehouse, "contracts", typed, passing)
    assert list(found) == [0]  # 2's 登记 is in the same load; a new 登记 needs nothing
    assert found[0].rule == "contracts.unknown_reference"


def test_a_registration_that_fails_its_checks_does_not_satisfy_its_amendment(warehouse):
    typed = contracts(("3", "登记"), ("3", "变更"))
    found = unknown(warehouse, "contracts", typed, pd.Series([False, True]))
    assert list(found) == [1]


def test_an_event_needs_its_patent_and_other_feeds_need_nothing(warehouse):
    events = pd.DataFrame({"application_no": ["202310397744.0", None]}, dtype=object)
    found = unknown(warehouse, "patent_events", events, pd.Series([True, True]))
    assert list(found) == [0] and "held until it arrives" in found[0].message
    assert unknown(warehouse, "loans", events, pd.Series([True, True])) == {}
