"""Where each feed's file for a day lands: the path the generator writes, the export expects."""

from datetime import date

import pytest

from zhuanhua.domain.feeds import FEEDS


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_a_days_file_path_matches_the_feeds_own_pattern(feed):
    spec = FEEDS[feed]
    day = date(2024, 8, 15)
    for extension in ("jsonl",) if spec.format == "jsonl" else ("csv", "xlsx"):
        path = spec.file_path(day, extension, bank_code="LZB")
        folder, name = path.split("/")
        assert folder == spec.folder
        assert spec.business_date(name) == day
    assert spec.file_path(day).endswith("jsonl" if spec.format == "jsonl" else ".csv|xlsx")
