"""Exports refuse marts older than the loads they would count (export/freshness.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.ledger import ledger
from zhuanhua.export.freshness import stale_marts
from zhuanhua.export.periods import parse_period


def build(conn, at: datetime, succeeded: bool = True, name: str = "b1") -> None:
    conn.execute(
        """insert into audit.warehouse_build (invocation_id, command, finished_at, succeeded)
           values (%s, 'build', %s, %s)""",
        (name, at, succeeded),
    )


def test_a_load_after_the_last_good_build_makes_the_marts_stale_until_the_next(warehouse):
    period = parse_period("202406")
    assert stale_marts(warehouse, period) is None  # nothing loaded, nothing to miss
    ledger(warehouse, "contracts", "contracts_20240603.csv", "loaded")
    assert "never been built, and contracts_20240603.csv was loaded" in stale_marts(
        warehouse, period
    )
    now = datetime.now(UTC)
    build(warehouse, now - timedelta(hours=1))
    build(warehouse, now + timedelta(hours=1), succeeded=False, name="b2")  # a failed build
    stale = stale_marts(warehouse, period)
    assert "last built at" in stale and "before contracts_20240603.csv was loaded" in stale
    build(warehouse, now + timedelta(hours=2), name="b3")
    assert stale_marts(warehouse, period) is None
    assert stale_marts(warehouse, parse_period("202407")) is None  # loads before it count not


def test_a_whole_dbt_build_records_itself_and_a_selected_one_does_not(built, settings):
    from zhuanhua.build import dbt

    before = built.execute("select count(*) from audit.warehouse_build").fetchone()[0]
    assert before >= 1  # the fixture's build
    dbt.run_dbt(settings, "build", "--select", "dim_date")
    after = built.execute("select count(*) from audit.warehouse_build").fetchone()[0]
    assert after == before
    assert built.execute("select bool_and(succeeded) from audit.warehouse_build").fetchone()[0]


def test_an_export_of_stale_marts_is_refused_naming_the_load_and_the_build(warehouse, settings):
    from zhuanhua.errors import ExportRefused
    from zhuanhua.export.provincial import export_period

    build(warehouse, datetime.now(UTC) - timedelta(days=1))
    ledger(warehouse, "contracts", "contracts_20240603.csv", "loaded")
    with pytest.raises(ExportRefused) as refused:
        export_period(settings, "202406")
    message = str(refused.value)
    assert message.startswith("202406: the marts were last built at")
    assert "before contracts_20240603.csv was loaded" in message
    assert "build the warehouse first" in message and "Nothing was written" in message
