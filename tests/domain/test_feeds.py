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


def test_a_row_is_masked_for_anyone_but_the_steward():
    from zhuanhua.domain.feeds import LOANS, MASK, PATENTS

    record = {
        "贷款编号": "L1",
        "借款人名称": "王芳",
        "借款人证件号码": "510502199001011234",
        "借款人类型": "个人",
        "结清日期": None,
        "客户经理": "赵六",  # a header we do not know may name anyone
    }
    assert LOANS.masked(record) == {
        "贷款编号": "L1",
        "借款人名称": MASK,
        "借款人证件号码": MASK,
        "借款人类型": "个人",
        "结清日期": None,
        "客户经理": MASK,
    }
    assert PATENTS.masked({"line": '{"inventors": ["李四"]'}) == {"line": MASK}
    assert PATENTS.masked({"inventors": ["李四"], "title": "一种方法"}) == {
        "inventors": MASK,
        "title": "一种方法",
    }
