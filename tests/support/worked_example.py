"""The worked example: a handful of contracts, patents, events and loans, small enough that
every figure of the conversion chain and the aggregates is worked out by hand.

`docs/analyst-guide.md` shows its queries' results on this data, and the suite checks them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from zhuanhua.dev.synth.contracts import HEADERS as CONTRACT_HEADERS
from zhuanhua.dev.synth.files import jsonl_bytes, table_bytes
from zhuanhua.dev.synth.loans import HEADERS as LOAN_HEADERS
from zhuanhua.dev.synth.parties import uscc
from zhuanhua.domain.identifiers import patent_check_char, resident_id_check_char


def patent_no(body: str) -> str:
    return f"{body}.{patent_check_char(body)}"


UNIVERSITY = ("西南医科大学", uscc("西南医科大学", "022"))
INSTITUTE = ("四川省酿酒研究所", uscc("四川省酿酒研究所", "021"))
PHARMA = ("泸州恒康药业有限公司", uscc("泸州恒康药业有限公司", "150"))
DISTILLERY = ("泸州老窖股份有限公司", uscc("泸州老窖股份有限公司", "160"))
MATERIALS = ("泸县新材料有限公司", uscc("泸县新材料有限公司", "150"))
SOFTWARE = ("成都天府软件有限公司", uscc("成都天府软件有限公司", "150"))
P1, P2, P3 = patent_no("202210000001"), patent_no("202220000002"), patent_no("202310000003")
PERSON_SELLER = "张三"
PERSON_BORROWER = "王芳"
PERSON_ID = "51050219900101123" + resident_id_check_char("51050219900101123")
PERSONAL_DATA = (PERSON_SELLER, PERSON_BORROWER, PERSON_ID, "李四")


def _patent(number, kind, filed, owner, division, ipc, updated, grant=None):
    record = {
        "application_no": number,
        "patent_type": kind,
        "title": f"{ipc} 相关技术",
        "application_date": filed,
        "ipc_main": ipc,
        "applicants": [{"name": owner[0], "uscc": owner[1], "region_code": division}],
        "inventors": ["李四"],
        "updated_at": f"{updated}T09:00:00+08:00",
    }
    if grant:
        letter = {"发明": "B", "实用新型": "U"}[kind]
        record |= {"grant_no": f"CN1{number[5:12]}{letter}", "grant_date": grant}
    return record


def _contract(
    number,
    status,
    registered,
    signed,
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
):
    return dict(
        zip(
            CONTRACT_HEADERS,
            [
                number,
                status,
                registered,
                f"{subtype}项目",
                kind,
                subtype,
                signed,
                None,
                None,
                seller[0],
                seller[1],
                seller_nature,
                seller_division,
                buyer[0],
                buyer[1],
                buyer_nature,
                None,
                buyer_division,
                Decimal(amount),
                Decimal(technology),
                field,
                ip_type,
                patents,
                None,
                "否",
            ],
            strict=True,
        )
    )


def _loan(number, product, kind, name, id_no, status, principal):
    return dict(
        zip(
            LOAN_HEADERS,
            [
                number,
                "泸州银行股份有限公司",
                product,
                kind,
                name,
                id_no,
                "510504",
                None,
                date(2024, 6, 1),
                date(2025, 6, 1),
                Decimal(principal),
                Decimal("4.35"),
                "信用",
                None,
                status,
                None,
                None,
            ],
            strict=True,
        )
    )


CONTRACTS = {
    "contracts_20240310.csv": [
        _contract(
            "2024510500000101",
            "登记",
            date(2024, 3, 10),
            date(2024, 3, 1),
            "技术转让",
            "专利权转让",
            UNIVERSITY,
            "022",
            "510504",
            PHARMA,
            "150",
            "510504",
            "120",
            "100",
            "生物、医药和医疗器械",
            "专利",
            f"ZL{P1}",
        ),
        _contract(
            "2024510500000102",
            "登记",
            date(2024, 3, 10),
            date(2024, 3, 5),
            "技术开发",
            "委托开发",
            UNIVERSITY,
            "022",
            "510504",
            MATERIALS,
            "150",
            "510521",
            "50",
            "40",
            "新材料及其应用",
        ),
        _contract(
            "2024510500000103",
            "登记",
            date(2024, 3, 10),
            date(2024, 3, 8),
            "技术转让",
            "技术秘密转让",
            INSTITUTE,
            "021",
            "510502",
            DISTILLERY,
            "160",
            "510502",
            "80",
            "80",
            "农业",
            "技术秘密",
        ),
        _contract(
            "2024510500000104",
            "登记",
            date(2024, 3, 10),
            date(2024, 3, 9),
            "技术咨询",
            "技术咨询",
            (PERSON_SELLER, None),
            "400",
            "510503",
            SOFTWARE,
            "150",
            "510100",
            "10",
            "10",
            "电子信息",
        ),
    ],
    "contracts_20240420.csv": [
        _contract(
            "2024510500000102",
            "变更",
            date(2024, 4, 15),
            date(2024, 3, 5),
            "技术开发",
            "委托开发",
            UNIVERSITY,
            "022",
            "510504",
            MATERIALS,
            "150",
            "510521",
            "60",
            "45",
            "新材料及其应用",
        ),
        _contract(
            "2024510500000104",
            "注销",
            date(2024, 4, 20),
            date(2024, 3, 9),
            "技术咨询",
            "技术咨询",
            (PERSON_SELLER, None),
            "400",
            "510503",
            SOFTWARE,
            "150",
            "510100",
            "10",
            "10",
            "电子信息",
        ),
    ],
}
PATENTS = {
    "patents_20240104.jsonl": [
        _patent(P1, "发明", "2022-03-01", UNIVERSITY, "510504", "A61K 36/9068", "2024-01-04"),
    ],
    "patents_20240105.jsonl": [
        _patent(
            f"CN{P1}",
            "发明",
            "2022-03-01",
            UNIVERSITY,
            "510504",
            "A61K 36/9068",
            "2024-01-05",
            grant="2023-06-01",
        ),
        _patent(
            P2,
            "实用新型",
            "2022-05-01",
            INSTITUTE,
            "510502",
            "C12G 3/02",
            "2024-01-05",
            grant="2022-12-01",
        ),
        _patent(P3, "发明", "2023-02-01", PHARMA, "510504", "G06F 16/25", "2024-01-05"),
    ],
}
EVENTS = {
    "patent_events_20240301.jsonl": [
        {
            "event_id": f"TR01-{P1}-20240201",
            "application_no": P1,
            "event_code": "TR01",
            "effective_date": "2024-02-01",
            "before": [{"name": UNIVERSITY[0], "uscc": UNIVERSITY[1]}],
            "after": [{"name": "泸州恒康药业有限责任公司"}],
        },  # as typed: no code, 有限责任公司
        {
            "event_id": f"EE01-{P2}-20240210",
            "application_no": P2,
            "event_code": "EE01",
            "effective_date": "2024-02-10",
            "licensor": [{"name": INSTITUTE[0], "uscc": INSTITUTE[1]}],
            "licensee": [{"name": SOFTWARE[0], "uscc": SOFTWARE[1]}],
            "licence_type": "普通",
        },
        {
            "event_id": f"CF01-{P2}-20240301",
            "application_no": P2,
            "event_code": "CF01",
            "effective_date": "2024-03-01",
        },
    ],
    "patent_events_20240520.jsonl": [
        {
            "event_id": f"PE01-{P1}-20240501",
            "application_no": P1,
            "event_code": "PE01",
            "effective_date": "2024-05-01",
            "pledgor": [{"name": PHARMA[0], "uscc": PHARMA[1]}],
            "pledgee": [{"name": "泸州银行股份有限公司"}],
            "record_no": "Y2024510000001",
        },
    ],
}
LOANS = {
    "loans_LZB_20240601.csv": [
        _loan("LZB202400001", "科技信用贷", "企业", *PHARMA, "正常", "500"),
        _loan("LZB202400002", "人才贷", "个人", PERSON_BORROWER, PERSON_ID, "正常", "50"),
    ],
    "loans_LZB_20240602.csv": [
        _loan("LZB202400001", "科技信用贷", "企业", *PHARMA, "关注", "500"),
        _loan("LZB202400002", "人才贷", "个人", PERSON_BORROWER, PERSON_ID, "正常", "50"),
    ],
}
LAST_DATE = date(2024, 6, 2)


def deliver(landing: Path) -> None:
    """Write the example's files into a landing folder."""
    for folder, files in (("contracts", CONTRACTS), ("loans", LOANS)):
        (landing / folder).mkdir(parents=True, exist_ok=True)
        headers = CONTRACT_HEADERS if folder == "contracts" else LOAN_HEADERS
        for name, rows in files.items():
            _, data = table_bytes(headers, rows, variant=2)  # CSV, UTF-8 with BOM
            (landing / folder / name).write_bytes(data)
    (landing / "patents").mkdir(parents=True, exist_ok=True)
    for name, records in {**PATENTS, **EVENTS}.items():
        (landing / "patents" / name).write_bytes(jsonl_bytes(records))
