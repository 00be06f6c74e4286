"""Each role, logged in as, reads what it must and is refused what it must not."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from tests.support import worked_example as example
from tests.support.cli import zhuanhua_cli
from zhuanhua.load.connection import warehouse_url
from zhuanhua.security.access import add_county, add_login, apply_roles

LOGINS = {
    "ana": "analyst",
    "stew": "steward",
    "exp": "exporter",
    "lod": "loader",
    "tra": "transformer",
}


@pytest.fixture(scope="module")
def roles(built, settings):
    apply_roles(built)
    for login, role in LOGINS.items():
        add_login(built, role, login, None)
    add_county(built, "510503", "naxi", settings.region, None)
    return built


def login_url(settings, login: str) -> str:
    parts = urlsplit(warehouse_url(settings))
    netloc = f"{login}@{parts.hostname}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def login_as(settings, login: str) -> psycopg.Connection:
    return psycopg.connect(login_url(settings, login), autocommit=True)


def refused(conn: psycopg.Connection, statement: str) -> bool:
    try:
        conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


CLOSED_TO_READERS = [
    "select * from raw.batch_ledger",
    "select * from raw.contracts",
    "select * from checked.loans",
    "select * from quarantine.held_row",
    "select * from staging.stg_loans__loan_snapshots",
    "select * from private.person_hash_key",
    "select private.person_key('x')",
]


@pytest.mark.parametrize("login", ["ana", "exp", "naxi"])
def test_readers_read_marts_and_nothing_behind_them(roles, settings, login):
    with login_as(settings, login) as conn:
        assert (
            conn.execute("select count(*) from marts.fct_technology_market_monthly").fetchone()[0]
            > 0
        )
        for statement in CLOSED_TO_READERS:
            if login == "exp" and "batch_ledger" in statement:
                continue  # the exporter names the files behind a feed (no row content)
            assert refused(conn, statement), statement
        assert refused(conn, "delete from marts.fct_technology_contract")
        assert refused(conn, "create table marts.mine (x int)")


def test_the_exporter_login_exports_a_period(roles, settings, tmp_path):
    import dataclasses
    from datetime import date

    from zhuanhua.audit.completeness import Waiver
    from zhuanhua.export.provincial import export_period

    as_exporter = dataclasses.replace(settings, warehouse_url=login_url(settings, "exp"))
    month = Waiver(date(2024, 3, 1), date(2024, 3, 31), "the worked example has no daily files")
    result = export_period(as_exporter, "202403", out=tmp_path, waivers=(month,))
    assert result.status == "written"
    assert (tmp_path / "510500_202403_v1" / "表1.csv").read_text("utf-8-sig").splitlines()[
        1
    ] == "合计,4,,270.00,,235.00,"  # 101-104, 102 at its 变更's 60 / 45; 104's 注销 of
    # 04-20 is after March


def test_the_city_analyst_sees_every_contract(roles, settings):
    with login_as(settings, "ana") as conn:
        assert conn.execute("select count(*) from marts.fct_technology_contract").fetchone()[0] == 4


def test_a_county_analyst_sees_its_county_and_totals_match_the_city_table(roles, settings):
    with login_as(settings, "naxi") as conn:
        contracts = conn.execute("""select registration_no, seller_county_code
                                    from marts.fct_technology_contract""").fetchall()
        own = conn.execute("""select sum(contract_count), sum(technology_amount)
                              from marts.fct_technology_market_monthly""").fetchone()
        assert conn.execute("select count(*) from marts.fct_tech_loan").fetchone()[0] == 0
        assert refused(conn, "select * from marts.fct_tech_loan_snapshot")
        assert refused(conn, "select * from marts.dim_patent")
    assert contracts == [("2024510500000104", "510503")]
    with login_as(settings, "ana") as conn:
        city_row = conn.execute("""select sum(contract_count), sum(technology_amount)
                                   from marts.fct_technology_market_monthly
                                   where seller_county_code = '510503'""").fetchone()
    assert own == city_row


def test_a_county_analyst_sees_its_own_login_row_and_no_other(roles, settings):
    add_county(roles, "510504", "longma", settings.region, None)
    with login_as(settings, "naxi") as naxi:
        rows = naxi.execute("select login_name, county_code from access.county_login").fetchall()
    assert rows == [("naxi", "510503")]


def test_the_steward_reads_its_own_schema_and_analysts_do_not(roles, settings):
    with login_as(settings, "stew") as steward:
        steward.execute("select * from steward.steward_organization_conflicts").fetchall()
    with login_as(settings, "ana") as analyst:
        assert refused(analyst, "select * from steward.steward_organization_conflicts")


def test_only_the_steward_reads_persons_in_clear(roles, settings):
    with login_as(settings, "stew") as conn:
        names = conn.execute("select borrower_name from checked.loans").fetchall()
        assert (example.PERSON_BORROWER,) in names
        assert conn.execute("select count(*) from quarantine.held_row").fetchone() is not None
        assert refused(conn, "delete from raw.batch_ledger")


def test_loader_writes_landing_schemas_but_reads_no_mart(roles, settings):
    with login_as(settings, "lod") as conn:
        assert conn.execute("select count(*) from raw.batch_ledger").fetchone()[0] > 0
        assert refused(conn, "select * from marts.fct_technology_contract")
        assert refused(conn, "select private.person_key('x')")


def test_transformer_reads_checked_rows_and_hashes_persons(roles, settings):
    with login_as(settings, "tra") as conn:
        assert conn.execute("select count(*) from checked.contracts").fetchone()[0] == 6
        assert len(conn.execute("select private.person_key('x')").fetchone()[0]) == 64
        assert refused(conn, "select * from quarantine.held_row")
        assert refused(conn, "select * from private.person_hash_key")


def test_add_county_refuses_a_code_outside_the_city(roles):
    done = zhuanhua_cli("access", "add-county", "510100", "--login", "chengdu")
    assert done.returncode == 1
    assert "510100 is not a county-level division of 510500" in done.stderr


def test_rotating_the_key_rehashes_every_person(roles, settings):
    from zhuanhua.domain.personal import person_key

    key = bytes(range(32))
    done = zhuanhua_cli("access", "rotate-key", env={"ZHUANHUA_PERSON_KEY": key.hex()})
    assert done.returncode == 0, done.stderr
    seller = roles.execute("""select seller_person_key from marts.fct_technology_contract
                              where seller_nature = '400'""").fetchone()[0]
    assert seller == person_key(example.PERSON_SELLER, key)


def test_a_key_that_is_not_hex_is_a_clear_error(roles):
    done = zhuanhua_cli("access", "rotate-key", env={"ZHUANHUA_PERSON_KEY": "not-hex"})
    assert done.returncode == 1 and "ZHUANHUA_PERSON_KEY must be hexadecimal" in done.stderr


def test_validation_results_keep_no_personal_value(warehouse, landing, landing_settings):
    """A bad identity number is quarantined (steward only); GX's stored results name rows."""
    from zhuanhua.dev.synth.files import table_bytes
    from zhuanhua.dev.synth.loans import HEADERS
    from zhuanhua.ops.steps import load_feed

    bad_id = example.PERSON_ID[:-1] + ("0" if example.PERSON_ID[-1] != "0" else "1")
    row = example.LOANS["loans_LZB_20240601.csv"][1] | {"借款人证件号码": bad_id}
    (landing / "loans").mkdir()
    (landing / "loans" / "loans_LZB_20240603.csv").write_bytes(table_bytes(HEADERS, [row], 1)[1])
    load_feed("loans", example.LAST_DATE.replace(day=3), landing_settings)
    assert warehouse.execute("select count(*) from quarantine.held_row").fetchone()[0] == 1
    results = landing_settings.gx_state.rglob("*.json")
    stored = "".join(p.read_text(errors="ignore") for p in results)
    assert stored and bad_id not in stored and example.PERSON_BORROWER not in stored
