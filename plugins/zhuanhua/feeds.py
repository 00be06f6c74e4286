"""What each source feed delivers (`shared/spec/sources.md`): file names and columns.

This is the one place where a feed's Chinese headers meet the English column names used in
the raw layer, the checks and the dbt sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # identifiers and codes: full-width folded, upper-cased, no inner spaces
    DATE = "date"
    AMOUNT = "amount"  # 万元, Decimal


@dataclass(frozen=True)
class Column:
    header: str  # as the source system writes it, after header normalisation
    name: str  # the warehouse's column name
    kind: Kind = Kind.TEXT
    required: bool = False


@dataclass(frozen=True)
class Feed:
    name: str
    folder: str
    file_pattern: re.Pattern[str]
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    def business_date(self, file_name: str) -> date | None:
        """The business date a file covers, from its name; None when the name is not ours."""
        match = self.file_pattern.fullmatch(file_name)
        if not match:
            return None
        digits = match.group("date")
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
        except ValueError:
            return None

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


CONTRACTS = Feed(
    name="contracts",
    folder="contracts",
    file_pattern=re.compile(r"contracts_(?P<date>\d{8})\.(csv|xlsx)", re.IGNORECASE),
    key=("registration_no", "registration_status"),
    columns=(
        Column("合同登记号", "registration_no", Kind.CODE, True),
        Column("登记状态", "registration_status", Kind.TEXT, True),
        Column("登记日期", "registration_date", Kind.DATE, True),
        Column("项目名称", "project_name", Kind.TEXT, True),
        Column("合同类型", "contract_type", Kind.TEXT, True),
        Column("合同子类", "contract_subtype", Kind.TEXT, True),
        Column("签订日期", "signing_date", Kind.DATE, True),
        Column("有效期起", "valid_from", Kind.DATE),
        Column("有效期止", "valid_to", Kind.DATE),
        Column("卖方名称", "seller_name", Kind.TEXT, True),
        Column("卖方统一社会信用代码", "seller_uscc", Kind.CODE),
        Column("卖方性质", "seller_nature", Kind.CODE, True),
        Column("卖方行政区划", "seller_division", Kind.CODE, True),
        Column("买方名称", "buyer_name", Kind.TEXT, True),
        Column("买方统一社会信用代码", "buyer_uscc", Kind.CODE),
        Column("买方性质", "buyer_nature", Kind.CODE, True),
        Column("买方国别", "buyer_country", Kind.CODE),
        Column("买方行政区划", "buyer_division", Kind.CODE),
        Column("合同成交额(万元)", "contract_amount", Kind.AMOUNT, True),
        Column("技术交易额(万元)", "technology_amount", Kind.AMOUNT, True),
        Column("技术领域", "technology_field", Kind.TEXT, True),
        Column("知识产权类型", "ip_type", Kind.TEXT),
        Column("关联专利", "related_patents", Kind.TEXT),
        Column("计划类别", "plan_level", Kind.TEXT),
        Column("揭榜挂帅", "open_competition", Kind.TEXT),
    ),
)

FEEDS: dict[str, Feed] = {feed.name: feed for feed in (CONTRACTS,)}
