"""Superset over the worked example's marts: set up from a fresh folder, started as a server,
read in a real browser with outside hosts blocked, and its charts' data equal to SQL.

The server runs from `.venv-bi` (made by `make test`), so this is the set-up `make bi` does.
"""

from __future__ import annotations

import socket
import urllib.request
from datetime import UTC, datetime

import pytest

from tests.support import worked_example
from tests.support.browser import local_browser
from tests.support.superset_api import SupersetApi
from tests.support.warehouse import deliver_load_and_build
from zhuanhua.bi.bundle import load_spec
from zhuanhua.domain.feeds import FEED_LABELS
from zhuanhua.load.connection import connect
from zhuanhua.ops import superset
from zhuanhua.ops.steps import close_loads

COUNTY = next(login for login in superset.LOGINS if login.county)
ANALYST = next(u for u in superset.LOGINS if u.superset_role == "Reader" and not u.county)
BUREAU = superset.LOGINS[0]


@pytest.fixture(scope="module")
def server(settings, tmp_path_factory):
    landing = tmp_path_factory.mktemp("landing")
    example = deliver_load_and_build(
        settings, landing, worked_example.deliver, worked_example.LAST_DATE
    )
    close_loads(worked_example.LAST_DATE, "superset-test", datetime.now(UTC), example)
    with connect(settings) as conn:
        superset.set_up(settings, conn)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = superset.start(settings, port)
    yield address
    superset.stop(settings)


def api(server: str, settings, login: superset.Login) -> SupersetApi:
    return SupersetApi(server, login.username, superset.passwords(settings)[login.username])


def sql(settings, query: str, *args) -> list[tuple]:
    with connect(settings) as conn:
        return conn.execute(query, args).fetchall()


def test_every_dashboard_renders_every_chart_with_nothing_from_outside(server, settings, tmp_path):
    boards = load_spec()["dashboards"]
    with local_browser() as browser:
        page = browser.page
        _log_in(page, server, BUREAU.username, superset.passwords(settings)[BUREAU.username])
        for slug, board in boards.items():
            page.goto(f"{server}/superset/dashboard/{slug}/")
            expected = sum(len(row) for row in board["rows"])
            page.wait_for_function(_ALL_CHARTS_DONE, arg=expected, timeout=120_000)
            holders = ".dashboard-component-chart-holder"
            errors = page.locator(f"{holders} [role=alert]").all_inner_texts()
            assert errors == [], f"{slug}: {errors}"
            drawn = page.locator(f"{holders}:has(canvas, table, .big_number_total)").count()
            assert drawn >= expected - 2, f"{slug}: {drawn} of {expected} charts drew data"
            assert not [e for e in browser.console_errors if "Content Security Policy" not in e]
            assert board["title"] in page.locator(".dashboard-header-container").inner_text()
            page.screenshot(path=tmp_path / f"{slug}.png", full_page=True)
    assert browser.outside == []


def test_the_pages_allow_this_host_only(server):
    with urllib.request.urlopen(f"{server}/login/") as answer:
        policy = answer.headers["Content-Security-Policy"]
    assert "img-src 'self' blob: data:" in policy
    assert "http" not in policy, policy  # no telemetry pixel, tiles or fonts from elsewhere


def test_the_funnel_chart_equals_the_funnel_mart(server, settings):
    rows = api(server, settings, BUREAU).chart_rows("各年转化情况")
    expected = sql(
        settings,
        """select output_year, sum(result_count), sum(transferred_count), sum(adopted_count),
                  sum(financed_count)
           from marts.fct_conversion_funnel_yearly group by output_year order by output_year""",
    )
    assert expected, "the worked example has a funnel"
    got = [
        (r["output_year"], r["results"], r["transferred"], r["adopted"], r["financed"])
        for r in sorted(rows, key=lambda r: r["output_year"])
    ]
    assert got == [tuple(int(v) for v in row) for row in expected]


def test_the_market_and_loan_charts_equal_their_marts(server, settings):
    bureau = api(server, settings, BUREAU)
    by_type = {r["reporting_type"]: r["contract_amount"] for r in bureau.chart_rows("按合同类型")}
    expected = sql(
        settings,
        """select reporting_type, sum(contract_amount) from marts.fct_technology_market_monthly
           group by reporting_type""",
    )
    assert by_type == pytest.approx({k: float(v) for k, v in expected})
    by_bank = {r["bank_name"]: (r["loans"], r["principal"]) for r in bureau.chart_rows("按银行")}
    expected = sql(
        settings, "select bank_name, count(*), sum(principal) from marts.fct_tech_loan group by 1"
    )
    assert expected
    assert by_bank == {bank: (n, pytest.approx(float(amount))) for bank, n, amount in expected}


def test_the_quality_chart_equals_the_nights_record(server, settings):
    rows = [
        r
        for r in api(server, settings, BUREAU).chart_rows("每晚各数据源行数")
        if str(r["business_date"]).startswith(str(worked_example.LAST_DATE))
        or r["business_date"] == _epoch_ms(worked_example.LAST_DATE)
    ]
    expected = sql(
        settings,
        """select feed, rows_received, rows_loaded, rows_quarantined
           from audit.nightly_feed_summary where business_date = %s""",
        worked_example.LAST_DATE,
    )
    assert {r["feed_name"]: (r["received"], r["loaded"], r["quarantined"]) for r in rows} == {
        FEED_LABELS[feed]: (received, loaded, quarantined)
        for feed, received, loaded, quarantined in expected
    }


def test_a_county_login_sees_its_county_only_in_every_chart(server, settings):
    counties = sql(
        settings,
        """select distinct owner_county_code from marts.fct_conversion_funnel_yearly
           where owner_county_code is not null""",
    )
    assert len(counties) > 1, "the example spans counties, so the test can tell them apart"
    county = api(server, settings, COUNTY)
    by_county = county.chart_rows("按区县")
    names = {r["owner_county_code_name"] for r in by_county}
    own_name = sql(
        settings,
        "select division_name from marts.dim_division where division_code = %s and is_current",
        COUNTY.county,
    )[0][0]
    assert names == {own_name}, "the county login sees its own county, and nothing else"
    results = sql(
        settings,
        """select coalesce(sum(result_count), 0) from marts.fct_conversion_funnel_yearly
           where owner_county_code = %s""",
        COUNTY.county,
    )[0][0]
    assert results > 0 and sum(r["results"] for r in by_county) == results
    contracts = county.chart_rows("按卖方分组与区县")
    assert {r["seller_county_code_name"] for r in contracts} == {own_name}
    # the city's analyst, through the same chart, sees every county
    everyone = api(server, settings, ANALYST).chart_rows("按区县")
    assert len({r["owner_county_code_name"] for r in everyone}) == len(counties)


@pytest.mark.parametrize("login", [COUNTY, ANALYST], ids=lambda login: login.username)
def test_a_reader_has_no_data_quality_dashboard(server, settings, login):
    reader = api(server, settings, login)
    boards = {b["slug"] for b in reader.call("GET", "/dashboard/?q=(page_size:100)")["result"]}
    assert boards == {"conversion", "market", "finance"}
    for title in ("每晚各数据源行数", "最常未通过的规则"):
        with pytest.raises(AssertionError, match="0 charts"):
            reader.chart(title)


def _epoch_ms(day) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


_ALL_CHARTS_DONE = """expected => {
  const holders = [...document.querySelectorAll('.dashboard-component-chart-holder')];
  return holders.length === expected && holders.every(h =>
    !h.querySelector('[data-test=loading-indicator]') &&
    (h.querySelector('canvas, table, .big_number_total, [role=alert]') ||
     h.innerText.includes('没有数据')));
}"""


def _log_in(page, server: str, username: str, password: str) -> None:
    page.goto(f"{server}/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("[type=submit]")
    page.wait_for_url("**/superset/welcome/**", timeout=60_000)
