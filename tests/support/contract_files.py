"""Hand-made contract registration actions, delivered as the registration system writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from zhuanhua.dev.synth.contracts import HEADERS
from zhuanhua.dev.synth.files import table_bytes
from zhuanhua.dev.synth.parties import uscc

BASE = dict(
    zip(
        HEADERS,
        [
            None,
            "登记",
            None,
            "白酒固态发酵工艺优化",
            "技术开发",
            "委托开发",
            date(2024, 5, 20),
            None,
            None,
            "西南医科大学",
            uscc("西南医科大学", "022"),
            "022",
            "510504",
            "泸县新材料有限公司",
            uscc("泸县新材料有限公司", "150"),
            "150",
            None,
            "510521",
            Decimal("100.00"),
            Decimal("80.00"),
            "新材料及其应用",
            None,
            None,
            None,
            "否",
        ],
        strict=True,
    )
)


def action(number: str, status: str, day: date, **changes) -> dict:
    """One registration action (登记, 变更, 注销): a valid contract unless `changes` say else."""
    return {**BASE, "合同登记号": number, "登记状态": status, "登记日期": day, **changes}


def deliver(landing, day: date, rows: list[dict], variant: int) -> None:
    kind, data = table_bytes(HEADERS, rows, variant)
    (landing / "contracts").mkdir(exist_ok=True)
    (landing / "contracts" / f"contracts_{day:%Y%m%d}.{kind}").write_bytes(data)
