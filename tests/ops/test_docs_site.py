"""`make docs`: dbt's docs of the built warehouse, one page served here, readable offline."""

from __future__ import annotations

import threading

import pytest

from tests.support.browser import local_browser
from zhuanhua.build.dbt import docs_site, generate_docs
from zhuanhua.ops.docs_site import server


@pytest.fixture(scope="module")
def docs(settings, built):
    generate_docs(settings)
    site = server(docs_site(settings), 0)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{site.server_port}"
    site.shutdown()
    site.server_close()


def test_the_docs_show_the_chinese_descriptions_and_end_at_the_exposures(docs, tmp_path):
    with local_browser() as browser:
        page = browser.page
        page.goto(f"{docs}/#!/model/model.zhuanhua.fct_conversion_funnel_yearly")
        page.wait_for_selector("text=产出年份", timeout=60_000)
        page.goto(f"{docs}/#!/exposure/exposure.zhuanhua.conversion_chain_dashboard")
        page.wait_for_selector("text=科技成果转化链", timeout=60_000)
        depends = page.locator("section:has-text('Depends On'), div:has-text('Depends On')").last
        assert "fct_conversion_funnel_yearly" in depends.inner_text()
        page.goto(f"{docs}/#!/exposure/exposure.zhuanhua.provincial_statistics_feed")
        page.wait_for_selector("text=省级科技统计报送", timeout=60_000)
        page.screenshot(path=tmp_path / "docs.png")
    assert browser.outside == []


def test_the_page_carries_no_usage_tracking(docs, settings):
    manifest = (docs_site(settings) / "manifest.json").read_text(encoding="utf-8")
    assert '"send_anonymous_usage_stats": false' in manifest
