"""The landing area through one abstraction: a local folder or an object-store URL."""

from datetime import date

import fsspec
import pytest

from zhuanhua.dev.synth import generate
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.ops.steps import load_feed
from zhuanhua.read.landing import Landing


@pytest.fixture
def memory_landing():
    """fsspec's in-memory store stands in for S3: same API, addressed by URL."""
    url = "memory://zhuanhua-test/landing"
    yield url
    fsspec.filesystem("memory").rm("/zhuanhua-test", recursive=True)


def test_files_are_listed_by_feed_and_date_on_a_local_folder(tmp_path):
    generate(str(tmp_path), date(2024, 6, 3), 3, seed=31)
    landing = Landing(str(tmp_path))
    contracts = landing.files(FEEDS["contracts"], up_to=date(2024, 6, 4))
    assert [f.business_date for f in contracts] == [date(2024, 6, 3), date(2024, 6, 4)]
    events = landing.files(FEEDS["patent_events"])
    assert events and all(f.name.startswith("patent_events_") for f in events)
    assert all(f.name.startswith("patents_") for f in landing.files(FEEDS["patents"]))


def test_every_feed_loads_from_an_object_store_url(warehouse, landing_settings, memory_landing):
    import dataclasses

    generate(memory_landing, date(2024, 6, 3), 2, seed=32)
    settings = dataclasses.replace(landing_settings, landing=memory_landing)
    for feed in FEEDS:
        outcome = load_feed(feed, date(2024, 6, 4), settings)
        assert outcome["files"] and {f["status"] for f in outcome["files"]} == {"loaded"}
    urls = [u for (u,) in warehouse.execute("select file_url from raw.batch_ledger")]
    assert urls and all(u.startswith("memory://") for u in urls)
