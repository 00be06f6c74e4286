"""Technology-contract registration actions: 登记, later 变更 and 注销, in national proportions."""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from zhuanhua.dev.synth.parties import (
    BUYERS,
    LOCAL_ORGANISATIONS,
    person_name,
    uscc,
    with_wrong_check_char,
)
from zhuanhua.dev.synth.patents import PatentPool, written_form
from zhuanhua.domain import codes
from zhuanhua.domain.feeds import CONTRACTS

HEADERS = CONTRACTS.delivered_headers
TYPE_WEIGHTS = {"技术服务": 48, "技术开发": 27, "技术咨询": 14, "技术转让": 6, "技术许可": 5}
FIELD_WEIGHTS = [14, 18, 2, 6, 16, 12, 9, 10, 1, 7, 5]
TOPICS = [
    "白酒固态发酵",
    "中药配方颗粒",
    "智能巡检机器人",
    "高分子复合材料",
    "锂电池回收",
    "荔枝保鲜",
    "页岩气压裂",
    "医疗影像识别",
    "竹纤维改性",
    "污水深度处理",
]
PATENT_SEPARATORS = [";", "；", ",", "、"]
DEFECTS = {
    "technology_amount_exceeds": "contracts.technology_amount_within_contract_amount",
    "bad_signing_date": "contracts.signing_date_readable",
    "unknown_contract_type": "contracts.contract_type_known",
    "subtype_mismatch": "contracts.subtype_belongs_to_type",
    "missing_seller_name": "contracts.seller_name_required",
    "bad_registration_no": "contracts.registration_no_format",
    "bad_seller_uscc": "contracts.seller_uscc_valid_uscc",
    "unknown_seller_division": "contracts.seller_division_known",
}


@dataclass
class ContractGenerator:
    rng: random.Random
    rows_per_day: int
    defect_rate: float
    pool: PatentPool
    serial: int = 0
    registered: deque = field(default_factory=lambda: deque(maxlen=5_000))
    touched: dict[date, set[str]] = field(default_factory=dict)

    def rows_for(self, day: date) -> tuple[list[dict], list[str | None]]:
        """One day's registration actions and, per row, the defect injected (or None)."""
        rows, defects = [], []
        touched = self.touched.setdefault(day, set())
        self.touched = {day: touched}  # bounded memory: only today's matter
        for _ in range(self.rows_per_day):
            roll = self.rng.random()
            earlier = (
                self.registered[self.rng.randrange(len(self.registered))]
                if self.registered
                else None
            )
            usable = earlier and earlier["登记日期"] < day and earlier["合同登记号"] not in touched
            if usable and roll < 0.06:
                row = self._amendment(earlier, day)
            elif usable and roll < 0.08:
                row = {**earlier, "登记状态": "注销", "登记日期": day}
                self.registered.remove(earlier)
            else:
                row = self._registration(day)
            touched.add(row["合同登记号"])
            defect = None
            if self.rng.random() < self.defect_rate:
                defect = self.rng.choice([d for d in sorted(DEFECTS) if _applies(row, d)])
                row = _inject(dict(row), defect)
            rows.append(row)
            defects.append(defect)
        return rows, defects

    def _registration(self, day: date) -> dict:
        rng = self.rng
        self.serial += 1
        ctype = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        subtypes = [
            r["contract_subtype"]
            for r in codes.table("contract_types")
            if r["contract_type"] == ctype and r["is_legacy"] == "false"
        ]
        seller, nature, seller_div = rng.choice(LOCAL_ORGANISATIONS)
        if rng.random() < 0.03:
            seller, nature = person_name(rng), "400"  # a natural person sells know-how
        buyer, buyer_nature, country, buyer_div = rng.choice(BUYERS)
        amount = _long_tail_amount(rng)
        signed = day - timedelta(days=rng.randint(3, 60))
        ip_type = (
            rng.choice(["专利", "专利", "技术秘密", "计算机软件著作权"])
            if ctype in ("技术转让", "技术许可")
            else rng.choice([None, "未涉及知识产权"])
        )
        row = {
            "合同登记号": f"{day.year}5105{rng.randint(0, 9)}{self.serial % 10_000_000:07d}",
            "登记状态": "登记",
            "登记日期": day,
            "项目名称": f"{rng.choice(['一种', '基于', '面向'])}{rng.choice(TOPICS)}的{ctype}项目",
            "合同类型": ctype,
            "合同子类": rng.choice(subtypes),
            "签订日期": signed,
            "有效期起": signed,
            "有效期止": signed + timedelta(days=rng.choice([180, 365, 730])),
            "卖方名称": seller,
            "卖方统一社会信用代码": None if nature == "400" else uscc(seller, nature),
            "卖方性质": nature,
            "卖方行政区划": seller_div,
            "买方名称": buyer,
            "买方统一社会信用代码": uscc(buyer, buyer_nature) if country == "CN" else None,
            "买方性质": buyer_nature,
            "买方国别": None if country == "CN" and rng.random() < 0.7 else country,
            "买方行政区划": buyer_div,
            "合同成交额（万元）": amount,
            "技术交易额（万元）": (
                amount * Decimal(rng.choice([100, 100, 95, 80, 60])) / 100
            ).quantize(Decimal("0.01")),
            "技术领域": rng.choices(
                codes.values("technology_fields", "technology_field"), weights=FIELD_WEIGHTS
            )[0],
            "知识产权类型": ip_type,
            "关联专利": self._related_patents() if ip_type == "专利" else None,
            "计划类别": rng.choice([None, None, None, "市级", "省级"]),
            "揭榜挂帅": rng.choice([None, "否", "否", "是"]),
        }
        self.registered.append(row)
        return row

    def _related_patents(self) -> str | None:
        picked = {
            p["application_no"]
            for _ in range(self.rng.randint(1, 2))
            if (p := self.pool.pick(self.rng))
        }
        if not picked:
            return None
        separator = self.rng.choice(PATENT_SEPARATORS)
        return separator.join(written_form(n, self.rng) for n in sorted(picked))

    def _amendment(self, earlier: dict, day: date) -> dict:
        raised = (earlier["合同成交额（万元）"] * Decimal("1.1")).quantize(Decimal("0.01"))
        return {**earlier, "登记状态": "变更", "登记日期": day, "合同成交额（万元）": raised}


def _long_tail_amount(rng: random.Random) -> Decimal:
    """Lognormal contract amounts in 万元: median ≈ 20, a few in the thousands."""
    value = rng.lognormvariate(3.0, 1.4)
    return Decimal(str(round(min(max(value, 0.5), 50_000), 2)))


def _applies(row: dict, defect: str) -> bool:
    return defect != "bad_seller_uscc" or row["卖方统一社会信用代码"] is not None


def _inject(row: dict, defect: str) -> dict:
    if defect == "technology_amount_exceeds":
        row["技术交易额（万元）"] = row["合同成交额（万元）"] + Decimal("10")
    elif defect == "bad_signing_date":
        row["签订日期"] = "2024-13-45"
    elif defect == "unknown_contract_type":
        row["合同类型"] = "技术承包"
    elif defect == "subtype_mismatch":
        row["合同子类"] = "技术培训" if row["合同类型"] != "技术服务" else "委托开发"
    elif defect == "missing_seller_name":
        row["卖方名称"] = "NULL"
    elif defect == "bad_registration_no":
        row["合同登记号"] = row["合同登记号"][:-1]
    elif defect == "unknown_seller_division":
        row["卖方行政区划"] = "510599"  # never a code (510523 纳溪县 ended in 1995)
    elif defect == "bad_seller_uscc":
        row["卖方统一社会信用代码"] = with_wrong_check_char(row["卖方统一社会信用代码"])
    return row
