"""Row rules of the patent legal-event feed (sources.md §4, domain.md §9)."""

from __future__ import annotations

from zhuanhua.check.rules.common import not_after, one_of, required, required_when
from zhuanhua.check.suite import Rule
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import PATENT_EVENTS as FEED


def rules() -> list[Rule]:
    return [
        *required(FEED),
        # an unknown code is loaded and reported, not rejected (sources.md §4)
        one_of(
            FEED,
            "event_code",
            codes.values("patent_event_codes", "event_code"),
            "a known legal-event code",
            severity="warn",
        ),
        not_after(
            FEED,
            "gazette_date",
            "effective_date",
            "gazette_date must not be before effective_date",
            "gazette_after_effect",
        ),
        one_of(FEED, "licence_type", codes.code_list("licence_type"), "独占, 排他 or 普通"),
        required_when(
            FEED,
            "parties_after",
            'event_code == "TR01"',
            "for a transfer (TR01): the parties after it",
        ),
        required_when(
            FEED,
            "licensee",
            'event_code in ["EE01", "EM01"]',
            "for a licence (EE01, EM01): the licensee",
        ),
        required_when(
            FEED,
            "pledgee",
            'event_code in ["PE01", "PM01"]',
            "for a pledge (PE01, PM01): the pledgee",
        ),
    ]
