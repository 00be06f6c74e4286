"""Row rules of the patent bibliographic feed (sources.md §3, domain.md §2)."""

from __future__ import annotations

from zhuanhua import codes
from zhuanhua.checks import Rule
from zhuanhua.feeds import PATENTS as FEED
from zhuanhua.rules.common import matches, not_after, one_of, required


def rules() -> list[Rule]:
    return [
        *required(FEED),
        one_of(FEED, "patent_type", codes.code_list("patent_type"), "发明, 实用新型 or 外观设计"),
        matches(FEED, "grant_no", r"^CN\d{7,9}[BUS]$",
                "grant_no must be CN + 7–9 digits + B, U or S", "grant_no_format"),
        matches(FEED, "publication_no", r"^CN\d{7,9}A$",
                "publication_no must be CN + 7–9 digits + A", "publication_no_format"),
        not_after(FEED, "grant_date", "application_date",
                  "application_date must not be after grant_date", "granted_after_application"),
    ]
