"""The export example: every source file of every day of 2024, a few of them with records, and
a 2023 base for year-on-year growth; small enough that each cell of the provincial tables is
worked out by hand (tests/test_export.py).

The feeds deliver a file every day even when it has no rows (a header only, or an empty
JSON Lines file). One day is missing on purpose: 2024-08-15 brought no patent file and no
loans file, so the third quarter and the year need a waiver.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from zhuanhua.dev.synth.contracts import HEADERS as CONTRACT_HEADERS
from zhuanhua.dev.synth.files import jsonl_bytes, table_bytes
from zhuanhua.dev.synth.loans import HEADERS as LOAN_HEADERS
from zhuanhua.dev.synth.parties import uscc

from .worked_example import (
    DISTILLERY,
    INSTITUTE,
    MATERIALS,
    PERSON_BORROWER,
    PERSON_ID,
    PERSON_SELLER,
    PHARMA,
    SOFTWARE,
    UNIVERSITY,
    _contract,
    _loan,
    _patent,
    patent_no,
)

HOSPITAL = ("泸州市人民医院", uscc("泸州市人民医院", "023"))
HK_BUYER = ("香港科技转化有限公司", None)
US_BUYER = ("Acme Robotics Inc.", None)
E1, E2, E3 = patent_no("202210000011"), patent_no("202320000012"), patent_no("202310000013")
MISSING_DAY = date(2024, 8, 15)


def contract(
    number,
    status,
    registered,
    kind,
    subtype,
    seller,
    seller_nature,
    seller_division,
    buyer,
    buyer_nature,
    buyer_division,
    amount,
    technology,
    field,
    ip_type=None,
    patents=None,
    country=None,
    signed=None,
):
    """A contract row; a 变更 or 注销 repeats the original's signing date (`signed`)."""
    row = _contract(
        number,
        status,
        registered,
        signed or registered - timedelta(days=3),
        kind,
        subtype,
        seller,
        seller_nature,
        seller_division,
        buyer,
        buyer_nature,
        buyer_division,
        amount,
        technology,
        field,
        ip_type,
        patents,
    )
    return row | {"买方国别": country}


def loan(number, product, borrower, kind, disbursed, principal, guarantee="信用", pledged=None):
    row = _loan(number, product, kind, borrower[0], borrower[1], "正常", principal)
    return row | {
        "放款日期": disbursed,
        "到期日期": disbursed + timedelta(days=365),
        "担保方式": guarantee,
        "质押专利": pledged,
    }


B24 = "2024510500000202"  # the contract whose late 变更 makes version 2 of 202403
CONTRACTS = {
    date(2023, 3, 8): [
        contract(
            "2023510500000101",
            "登记",
            date(2023, 3, 8),
            "技术开发",
            "委托开发",
            UNIVERSITY,
            "022",
            "510504",
            PHARMA,
            "150",
            "510504",
            "50",
            "40",
            "生物、医药和医疗器械",
        ),
    ],
    date(2023, 8, 8): [
        contract(
            "2023510500000102",
            "登记",
            date(2023, 8, 8),
            "技术服务",
            "技术服务",
            INSTITUTE,
            "021",
            "510502",
            DISTILLERY,
            "160",
            "510502",
            "25",
            "25",
            "农业",
        ),
    ],
    date(2024, 1, 10): [
        contract(
            "2024510500000201",
            "登记",
            date(2024, 1, 10),
            "技术开发",
            "委托开发",
            UNIVERSITY,
            "022",
            "510504",
            PHARMA,
            "150",
            "510504",
            "200",
            "150",
            "生物、医药和医疗器械",
        ),
    ],
    date(2024, 2, 14): [
        contract(
            "2024510500000207",
            "登记",
            date(2024, 2, 14),
            "技术转让",
            "技术秘密转让",
            INSTITUTE,
            "021",
            "510502",
            MATERIALS,
            "150",
            "510521",
            "40",
            "40",
            "农业",
            "技术秘密",
        ),
    ],
    date(2024, 3, 2): [
        contract(
            "2024510500000206",
            "登记",
            date(2024, 3, 2),
            "技术开发",
            "合作开发",
            PHARMA,
            "150",
            "510504",
            ("北京某科技有限公司", uscc("北京某科技有限公司", "150")),
            "150",
            "110105",
            "30",
            "25",
            "先进制造",
        ),
    ],
    date(2024, 3, 5): [
        contract(
            B24,
            "登记",
            date(2024, 3, 5),
            "技术转让",
            "专利权转让",
            UNIVERSITY,
            "022",
            "510504",
            DISTILLERY,
            "160",
            "510502",
            "10.005",
            "10.005",
            "生物、医药和医疗器械",
            "专利",
            f"ZL{E1}",
        ),
    ],
    date(2024, 3, 12): [  # a licence written the pre-2021 way: reported as 技术许可
        contract(
            "2024510500000203",
            "登记",
            date(2024, 3, 12),
            "技术转让",
            "专利实施许可",
            INSTITUTE,
            "021",
            "510502",
            SOFTWARE,
            "150",
            "510100",
            "20.005",
            "20.005",
            "农业",
            "专利",
            E2,
        ),
    ],
    date(2024, 3, 20): [
        contract(
            "2024510500000204",
            "登记",
            date(2024, 3, 20),
            "技术服务",
            "技术服务",
            (PERSON_SELLER, None),
            "400",
            "510503",
            US_BUYER,
            "300",
            None,
            "5",
            "5",
            "电子信息",
            country="US",
        ),
    ],
    date(2024, 3, 25): [
        contract(
            "2024510500000205",
            "登记",
            date(2024, 3, 25),
            "技术咨询",
            "技术咨询",
            MATERIALS,
            "150",
            "510521",
            HK_BUYER,
            "200",
            None,
            "8",
            "8",
            "新材料及其应用",
            country="HK",
        ),
    ],
    date(2024, 3, 28): [
        contract(
            "2024510500000206",
            "注销",
            date(2024, 3, 28),
            "技术开发",
            "合作开发",
            PHARMA,
            "150",
            "510504",
            ("北京某科技有限公司", uscc("北京某科技有限公司", "150")),
            "150",
            "110105",
            "30",
            "25",
            "先进制造",
            signed=date(2024, 2, 28),
        ),
    ],
    date(2024, 4, 10): [
        contract(
            "2024510500000205",
            "注销",
            date(2024, 4, 10),
            "技术咨询",
            "技术咨询",
            MATERIALS,
            "150",
            "510521",
            HK_BUYER,
            "200",
            None,
            "8",
            "8",
            "新材料及其应用",
            country="HK",
            signed=date(2024, 3, 22),
        ),
    ],
    date(2024, 5, 6): [
        contract(
            "2024510500000207",
            "变更",
            date(2024, 5, 6),
            "技术转让",
            "技术秘密转让",
            INSTITUTE,
            "021",
            "510502",
            MATERIALS,
            "150",
            "510521",
            "44",
            "42",
            "农业",
            "技术秘密",
            signed=date(2024, 2, 11),
        ),
    ],
    date(2024, 7, 1): [
        contract(
            "2024510500000208",
            "登记",
            date(2024, 7, 1),
            "技术开发",
            "委托开发",
            HOSPITAL,
            "023",
            "510502",
            PHARMA,
            "150",
            "510504",
            "60",
            "60",
            "生物、医药和医疗器械",
        ),
    ],
}
LATE_CHANGE_DAY = date(2024, 4, 2)  # its file is corrected after 202403 was exported once
LATE_CHANGE = contract(
    B24,
    "变更",
    LATE_CHANGE_DAY,
    "技术转让",
    "专利权转让",
    UNIVERSITY,
    "022",
    "510504",
    DISTILLERY,
    "160",
    "510502",
    "12",
    "11",
    "生物、医药和医疗器械",
    "专利",
    f"ZL{E1}",
    signed=date(2024, 3, 2),
)
PATENTS = {
    date(2024, 1, 25): [
        _patent(
            E1,
            "发明",
            "2022-03-01",
            UNIVERSITY,
            "510504",
            "A61K 36/9068",
            "2024-01-25",
            grant="2024-01-20",
        ),
        _patent(E3, "发明", "2023-02-01", PHARMA, "510504", "G06F 16/25", "2024-01-25"),
    ],
    date(2024, 3, 10): [
        _patent(
            E2,
            "实用新型",
            "2023-05-01",
            INSTITUTE,
            "510502",
            "C12G 3/02",
            "2024-03-10",
            grant="2024-03-08",
        ),
    ],
}
EVENTS = {
    date(2024, 3, 15): [
        {
            "event_id": f"TR01-{E1}-20240301",
            "application_no": E1,
            "event_code": "TR01",
            "effective_date": "2024-03-01",
            "before": [{"name": UNIVERSITY[0], "uscc": UNIVERSITY[1]}],
            "after": [{"name": DISTILLERY[0], "uscc": DISTILLERY[1]}],
        },
        {
            "event_id": f"EE01-{E2}-20240312",
            "application_no": E2,
            "event_code": "EE01",
            "effective_date": "2024-03-12",
            "licensor": [{"name": INSTITUTE[0], "uscc": INSTITUTE[1]}],
            "licensee": [{"name": SOFTWARE[0], "uscc": SOFTWARE[1]}],
            "licence_type": "普通",
        },
    ],
    date(2024, 3, 25): [
        {
            "event_id": f"PE01-{E3}-20240322",
            "application_no": E3,
            "event_code": "PE01",
            "effective_date": "2024-03-22",
            "pledgor": [{"name": PHARMA[0], "uscc": PHARMA[1]}],
            "pledgee": [{"name": "泸州银行股份有限公司"}],
            "record_no": "Y2024510000011",
        },
    ],
}
PERSON = (PERSON_BORROWER, PERSON_ID)
LOANS = [
    loan("LZB202400011", "科技信用贷", PHARMA, "企业", date(2024, 3, 8), "500"),
    loan("LZB202400012", "人才贷", PERSON, "个人", date(2024, 3, 15), "50"),
    loan("LZB202400014", "天府科创贷", PHARMA, "企业", date(2024, 3, 20), "200"),
    loan(
        "LZB202400013",
        "知识产权质押贷",
        DISTILLERY,
        "企业",
        date(2024, 6, 10),
        "300",
        guarantee="质押",
        pledged=E1,
    ),
]
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2024, 12, 31)


def days(first: date = FIRST_DAY, last: date = LAST_DAY):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def deliver(landing: Path, last: date = LAST_DAY) -> None:
    """Write the files of 2023's two registration days and of every day of 2024 (to `last`)."""
    for folder in ("contracts", "loans", "patents"):
        (landing / folder).mkdir(parents=True, exist_ok=True)
    for day in [date(2023, 3, 8), date(2023, 8, 8), *days(last=last)]:
        stamp = f"{day:%Y%m%d}"
        _, data = table_bytes(CONTRACT_HEADERS, CONTRACTS.get(day, []), variant=2)
        (landing / "contracts" / f"contracts_{stamp}.csv").write_bytes(data)
        if day.year < 2024 or day == MISSING_DAY:
            continue
        (landing / "patents" / f"patents_{stamp}.jsonl").write_bytes(
            jsonl_bytes(PATENTS.get(day, []))
        )
        (landing / "patents" / f"patent_events_{stamp}.jsonl").write_bytes(
            jsonl_bytes(EVENTS.get(day, []))
        )
        outstanding = [row for row in LOANS if row["放款日期"] <= day]
        _, data = table_bytes(LOAN_HEADERS, outstanding, variant=2)
        (landing / "loans" / f"loans_LZB_{stamp}.csv").write_bytes(data)


def deliver_late_change(landing: Path) -> None:
    """The registration office corrects its file of 2024-04-02: a 变更 it had left out."""
    _, data = table_bytes(CONTRACT_HEADERS, [LATE_CHANGE], variant=2)
    (landing / "contracts" / f"contracts_{LATE_CHANGE_DAY:%Y%m%d}.csv").write_bytes(data)
