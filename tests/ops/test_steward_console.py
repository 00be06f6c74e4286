"""The steward console in a real Airflow API server and a real browser (Debian's Chromium,
outside hosts blocked): reached from Airflow's menu with Airflow's login, a held row found,
opened, waived with a reason, and the decision in the warehouse and the audit table under the
steward's name; a user without the steward role sees masked values and cannot decide."""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.support.airflow_server import api_server, passwords
from tests.support.browser import local_browser
from tests.support.contract_files import action, deliver
from tests.support.warehouse import empty_warehouse
from zhuanhua.domain.feeds import MASK
from zhuanhua.load.connection import connect
from zhuanhua.load.decisions import recent
from zhuanhua.ops.steps import build_data_docs, load_feed
from zhuanhua.ops.steward import datadocs

DAY = date(2024, 6, 3)
PERSON = "张三"  # a natural person selling a technology: personal data
RULE = "contracts.technology_field_known"
REASON = "技术领域已与登记机构电话核实"
CONSOLE = "/zhuanhua/steward"
# ZHUANHUA_SCREENSHOTS=docs/img keeps the pages the steward guide shows
SHOTS = os.environ.get("ZHUANHUA_SCREENSHOTS")


@pytest.fixture(scope="module")
def console(airflow_ready, tmp_path_factory):
    settings = airflow_ready
    landing = tmp_path_factory.mktemp("landing")
    rows = [action(f"20245105000002{n:02}", "登记", DAY) for n in range(6)]
    rows[0] |= {"技术领域": "不存在的领域", "卖方名称": PERSON}
    rows[1]["技术领域"] = "不存在的领域"
    rows[2]["卖方行政区划"] = "999999"  # held for another rule: the filter leaves it out
    deliver(landing, DAY, rows, 1)
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
    load_feed("contracts", DAY, dataclasses.replace(settings, landing=str(landing)))
    build_data_docs(settings)
    log = tmp_path_factory.mktemp("api") / "api-server.log"
    with api_server(settings, log) as address:
        yield address, passwords(settings)


def log_in(page, address: str, user: str, password: str) -> None:
    page.goto(f"{address}{CONSOLE}/")  # the console sends a stranger to Airflow's login
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{address}{CONSOLE}/**")


def held_id_of(settings, registration_no: str) -> int:
    with connect(settings) as conn:
        return conn.execute(
            "select id from quarantine.held_row where natural_key like %s", (registration_no + "%",)
        ).fetchone()[0]


def shot(page, name: str, tmp_path: Path) -> None:
    page.screenshot(path=tmp_path / f"{name}.png", full_page=True)
    if SHOTS:
        page.screenshot(path=Path(SHOTS) / f"steward-{name}.png", full_page=True)


def test_the_steward_finds_opens_and_waives_a_held_row(console, settings, tmp_path):
    address, logins = console
    target = held_id_of(settings, "2024510500000200")
    with local_browser() as browser:
        page = browser.page
        log_in(page, address, "steward", logins["steward"])
        browser.console_errors.clear()  # Airflow's UI asks for the user before the login

        # Airflow's own menu opens the console inside Airflow's UI
        page.goto(f"{address}/")
        page.get_by_role("button", name="浏览").click()
        page.get_by_role("menuitem", name="数据管理员控制台").click()
        page.wait_for_url(f"{address}/plugin/steward")
        inside = page.frame_locator("iframe")
        assert "隔离队列" in inside.locator("h1").inner_text()
        shot(page, "in-airflow", tmp_path)

        page.goto(f"{address}{CONSOLE}/")
        assert page.locator("table.rows tbody tr").count() == 3
        page.select_option("select[name=rule]", RULE)
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile(r".*rule=contracts\.technology_field_known.*"))
        assert page.locator("table.rows tbody tr").count() == 2
        shot(page, "queue", tmp_path)

        page.click(f"table.rows a[href$='/rows/{target}']")
        record = page.locator("table.record").inner_text()
        assert "卖方名称" in record and PERSON in record and "不存在的领域" in record
        assert RULE in page.locator("table.failures").inner_text()
        shot(page, "row", tmp_path)

        page.get_by_role("link", name="该批次的数据质量校验结果").click()
        page.wait_for_url(re.compile(r".*/data-docs/validations/contracts/.*\.html"))
        page.wait_for_load_state("networkidle")
        assert "contracts" in page.content()
        page.goto(f"{address}{CONSOLE}/data-docs/index.html")
        page.wait_for_selector(".bootstrap-table")  # the vendored scripts ran
        shot(page, "data-docs", tmp_path)

        page.goto(f"{address}{CONSOLE}/rows/{target}")
        page.fill("form[action$='/waive'] input[name=reason]", REASON)
        page.get_by_role("button", name="豁免并入库").click()
        assert "已处理 1 条" in page.locator("[role=status]").inner_text()
        assert "已豁免" in page.locator("h1").inner_text()
        page.goto(f"{address}{CONSOLE}/decisions")
        audit = page.locator("table.decisions").inner_text()
        assert "steward" in audit and REASON in audit
        shot(page, "decisions", tmp_path)
    assert browser.outside == []
    assert browser.console_errors == []

    with connect(settings) as conn:
        status, reason, batch_id, row_no = conn.execute(
            "select status, waiver_reason, batch_id, row_no from quarantine.held_row where id = %s",
            (target,),
        ).fetchone()
        assert (status, reason) == ("waived", REASON)
        assert conn.execute(
            "select count(*) from checked.contracts where batch_id = %s and row_no = %s",
            (batch_id, row_no),
        ).fetchone() == (1,)
        [decision] = recent(conn, held_id=target)
    assert (decision["decided_by"], decision["via"], decision["action"]) == (
        "steward",
        "console",
        "waive",
    )
    assert decision["state_before"]["rules"] == [RULE]
    assert decision["state_after"]["status"] == "waived"


def test_a_user_without_the_steward_role_sees_masked_values_and_cannot_decide(
    console, settings, tmp_path
):
    address, logins = console
    target = held_id_of(settings, "2024510500000201")
    with connect(settings) as conn:
        conn.execute(
            "update quarantine.held_row set record = record || %s where id = %s",
            (f'{{"卖方名称": "{PERSON}"}}', target),
        )
    with local_browser() as browser:
        page = browser.page
        log_in(page, address, "fenxi", logins["fenxi"])
        assert "只读" in page.locator(".who").inner_text()
        assert page.locator("form[action$='/bulk']").count() == 0
        page.goto(f"{address}{CONSOLE}/rows/{target}")
        assert PERSON not in page.content()
        assert MASK in page.locator("table.record").inner_text()
        assert page.locator("form").count() == 0  # no release, no waiver
        shot(page, "masked", tmp_path)
        page.goto(f"{address}{CONSOLE}/decisions")  # the steward's reason may name a person
        audit = page.locator("table.decisions").inner_text()
        assert "steward" in audit and REASON not in audit and MASK in audit
        refused = page.request.post(
            f"{address}{CONSOLE}/rows/{target}/waive",
            form={"reason": "我也想豁免"},
            headers={"Origin": address},
            max_redirects=0,
        )
        assert refused.status == 403
    assert browser.outside == []
    with connect(settings) as conn:
        assert conn.execute(
            "select status from quarantine.held_row where id = %s", (target,)
        ).fetchone() == ("held",)
        assert recent(conn, held_id=target) == []


def test_a_decision_posted_from_another_site_is_refused(console, settings):
    address, logins = console
    target = held_id_of(settings, "2024510500000202")
    with local_browser() as browser:
        page = browser.page
        log_in(page, address, "steward", logins["steward"])
        refused = page.request.post(
            f"{address}{CONSOLE}/rows/{target}/release",
            headers={"Origin": "http://elsewhere.example"},
            max_redirects=0,
        )
        assert refused.status == 403
        unscoped = page.request.post(
            f"{address}{CONSOLE}/bulk",
            form={"action": "release", "feed": "contracts"},
            headers={"Origin": address},
            max_redirects=0,
        )
        assert unscoped.status == 400  # a bulk action names the last row the page showed
        unknown = page.request.get(f"{address}{CONSOLE}/rows/999999")
        assert unknown.status == 404 and "999999" in unknown.text()
    with connect(settings) as conn:
        assert recent(conn, held_id=target) == []


def test_every_data_docs_page_served_names_no_other_host(console, settings):
    address, logins = console
    site = datadocs.site_root(settings.gx_state)
    kinds = ("index.html", "expectations/contracts.html", "validations/contracts/")
    pages = [
        next(p for p in site.rglob("*.html") if p.relative_to(site).as_posix().startswith(kind))
        for kind in kinds
    ]
    with local_browser() as browser:
        page = browser.page
        log_in(page, address, "fenxi", logins["fenxi"])
        vendored = set()
        for path in (p.relative_to(site).as_posix() for p in pages):
            served = page.request.get(f"{address}{CONSOLE}/data-docs/{path}")
            assert served.status == 200, path
            text = served.text()
            assert not re.search(r"""\s(?:src|href)=["'](?:https?:)?//""", text), path
            assert "dataContextId" not in text
            vendored |= set(re.findall(rf'"({CONSOLE}/static/vendor/[^"]+)"', text))
        styles = page.request.get(
            f"{address}{CONSOLE}/data-docs/static/styles/data_docs_default_styles.css"
        )
        assert styles.status == 200 and "url(" in styles.text()
        assert "amazonaws" not in styles.text()
        assert vendored
        for asset in vendored:
            assert page.request.get(f"{address}{asset}").status == 200, asset
