"""What each source feed delivers (`shared/spec/sources.md`): file names and columns.

This is the one place where a feed's Chinese headers meet the English column names used in
the raw layer, the checks and the dbt sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

# The warehouse's exact numbers (amounts in 万元, rates): numeric(20, 6), so a value must stay
# below 10^14 in magnitude; a larger one is a row failure, caught before COPY.
NUMERIC_DIGITS, NUMERIC_SCALE = 20, 6
NUMERIC_CEILING = Decimal(10) ** (NUMERIC_DIGITS - NUMERIC_SCALE)
MASK = "＊＊＊"  # a masked value: no length, no first character


class Kind(StrEnum):
    TEXT = "text"
    CODE = "code"  # identifiers and codes: full-width folded, upper-cased, no inner spaces
    DATE = "date"
    AMOUNT = "amount"  # 万元, Decimal
    DECIMAL = "decimal"  # other exact numbers (rates), Decimal
    PATENT_NO = "patent_no"  # any written form, stored canonical (domain.md §2)
    TIMESTAMP = "timestamp"  # ISO 8601 with offset
    JSON = "json"  # nested values of JSON Lines feeds (parties, lists), kept as JSON


@dataclass(frozen=True)
class Column:
    header: str  # as the source system writes it, after header normalisation
    name: str  # the warehouse's column name
    kind: Kind = Kind.TEXT
    required: bool = False
    # may name a person or carry an identity number (domain.md §12): shown in clear to the
    # data steward only, masked wherever anyone else reads a row as received
    personal: bool = False


@dataclass(frozen=True)
class Feed:
    name: str
    folder: str
    file_pattern: re.Pattern[str]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    format: str = "table"  # "table": CSV or XLSX with a header row; "jsonl": JSON Lines
    file_fields: tuple[str, ...] = ()  # columns taken from the file name (a bank's code)
    defaults: dict[str, str] = field(default_factory=dict)  # what an empty value means

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

    def file_path(self, day: date, extension: str | None = None, bank_code: str = "") -> str:
        """Where the feed's file for `day` lands, e.g. `loans/loans_LZB_20240815.csv`; without
        an extension, the forms it may take (`csv|xlsx`). Matches `file_pattern`."""
        extension = extension or ("jsonl" if self.format == "jsonl" else "csv|xlsx")
        bank = f"{bank_code}_" if "bank_code" in self.file_fields else ""
        return f"{self.folder}/{self.name}_{bank}{day:%Y%m%d}.{extension}"

    def fields_from_name(self, file_name: str) -> dict[str, str]:
        match = self.file_pattern.fullmatch(file_name)
        return {name: match.group(name).upper() for name in self.file_fields} if match else {}

    @property
    def delivered_headers(self) -> list[str]:
        """The headers as source systems write them: full-width parentheses （万元）."""
        return [c.header.replace("(", "（").replace(")", "）") for c in self.columns]

    @property
    def required_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.required]

    def masked(self, record: dict) -> dict:
        """A row as received (its headers as keys), with what may be personal masked: the
        personal columns, headers we do not know (they may be anything) and an unreadable
        line kept whole. For anyone but the data steward."""
        shown = {c.header for c in self.columns if not c.personal}
        return {
            header: value if header in shown or value in (None, "") else MASK
            for header, value in record.items()
        }

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


CONTRACTS = Feed(
    name="contracts",
    folder="contracts",
    file_pattern=re.compile(r"contracts_(?P<date>\d{8})\.(csv|xlsx)", re.IGNORECASE),
    key=("registration_no", "registration_status"),
    defaults={"buyer_country": "CN"},  # sources.md §1: empty means CN
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
        Column("卖方名称", "seller_name", Kind.TEXT, True, personal=True),
        Column("卖方统一社会信用代码", "seller_uscc", Kind.CODE, personal=True),
        Column("卖方性质", "seller_nature", Kind.CODE, True),
        Column("卖方行政区划", "seller_division", Kind.CODE, True),
        Column("买方名称", "buyer_name", Kind.TEXT, True, personal=True),
        Column("买方统一社会信用代码", "buyer_uscc", Kind.CODE, personal=True),
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

LOANS = Feed(
    name="loans",
    folder="loans",
    file_pattern=re.compile(
        r"loans_(?P<bank_code>[A-Za-z0-9]+)_(?P<date>\d{8})\.(csv|xlsx)", re.IGNORECASE
    ),
    key=("bank_code", "loan_no"),
    file_fields=("bank_code",),
    columns=(
        Column("贷款编号", "loan_no", Kind.CODE, True),
        Column("银行名称", "bank_name", Kind.TEXT, True),
        Column("贷款产品", "product", Kind.TEXT, True),
        Column("借款人类型", "borrower_type", Kind.TEXT, True),
        Column("借款人名称", "borrower_name", Kind.TEXT, True, personal=True),
        Column("借款人证件号码", "borrower_id_no", Kind.CODE, True, personal=True),
        Column("借款人行政区划", "borrower_division", Kind.CODE, True),
        Column("企业资质", "qualifications", Kind.TEXT),
        Column("放款日期", "disbursed_on", Kind.DATE, True),
        Column("到期日期", "matures_on", Kind.DATE, True),
        Column("贷款金额(万元)", "principal", Kind.AMOUNT, True),
        Column("年利率(%)", "annual_rate", Kind.DECIMAL, True),
        Column("担保方式", "guarantee", Kind.TEXT, True),
        Column("质押专利", "pledged_patents", Kind.TEXT),
        Column("贷款状态", "status", Kind.TEXT, True),
        Column("结清日期", "settled_on", Kind.DATE),
        Column("风险补偿申请金额(万元)", "compensation_claimed", Kind.AMOUNT),
    ),
)

PATENTS = Feed(
    name="patents",
    folder="patents",
    file_pattern=re.compile(r"patents_(?P<date>\d{8})\.jsonl", re.IGNORECASE),
    key=("application_no",),
    format="jsonl",
    columns=(
        Column("application_no", "application_no", Kind.PATENT_NO, True),
        Column("patent_type", "patent_type", Kind.TEXT, True),
        Column("title", "title", Kind.TEXT, True),
        Column("application_date", "application_date", Kind.DATE, True),
        Column("publication_no", "publication_no", Kind.CODE),
        Column("publication_date", "publication_date", Kind.DATE),
        Column("grant_no", "grant_no", Kind.CODE),
        Column("grant_date", "grant_date", Kind.DATE),
        Column("ipc_main", "ipc_main", Kind.TEXT),
        Column("applicants", "applicants", Kind.JSON, True, personal=True),
        Column("inventors", "inventors", Kind.JSON, personal=True),
        Column("legal_status", "legal_status", Kind.TEXT),
        Column("updated_at", "updated_at", Kind.TIMESTAMP, True),
    ),
)

PATENT_EVENTS = Feed(
    name="patent_events",
    folder="patents",
    file_pattern=re.compile(r"patent_events_(?P<date>\d{8})\.jsonl", re.IGNORECASE),
    key=("event_id",),
    format="jsonl",
    columns=(
        Column("event_id", "event_id", Kind.TEXT, True),
        Column("application_no", "application_no", Kind.PATENT_NO, True),
        Column("event_code", "event_code", Kind.CODE, True),
        Column("event_name", "event_name", Kind.TEXT),
        Column("effective_date", "effective_date", Kind.DATE, True),
        Column("gazette_date", "gazette_date", Kind.DATE),
        Column("before", "parties_before", Kind.JSON, personal=True),
        Column("after", "parties_after", Kind.JSON, personal=True),
        Column("licensor", "licensor", Kind.JSON, personal=True),
        Column("licensee", "licensee", Kind.JSON, personal=True),
        Column("licence_type", "licence_type", Kind.TEXT),
        Column("pledgor", "pledgor", Kind.JSON, personal=True),
        Column("pledgee", "pledgee", Kind.JSON, personal=True),
        Column("record_no", "record_no", Kind.CODE),
    ),
)

FEEDS: dict[str, Feed] = {feed.name: feed for feed in (CONTRACTS, LOANS, PATENTS, PATENT_EVENTS)}
# what people call each feed (dashboards, reports)
FEED_LABELS = {
    "contracts": "技术合同登记",
    "loans": "科技金融贷款",
    "patents": "专利著录",
    "patent_events": "专利法律事件",
}
