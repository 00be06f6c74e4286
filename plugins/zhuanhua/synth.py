"""Realistic source files in the delivery formats of `sources.md`, for demos, tests and benches.

Deterministic for a seed. Defects are injected at a given rate and listed in a ground-truth
file (`ground_truth.jsonl`: file, row, rule), so tests can check that the checks catch
exactly what was broken.
"""

from __future__ import annotations

import csv
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from zhuanhua import codes
from zhuanhua.feeds import CONTRACTS
from zhuanhua.identifiers import USCC_ALPHABET, uscc_check_char
from zhuanhua.landing import Landing

SCALES = {"city": 40, "province": 2_000, "national": 4_000}  # contract rows per day

# (name, nature code, division) of sellers registering in the city.
LOCAL_SELLERS = [
    ("西南医科大学", "022", "510504"),
    ("四川警察学院", "022", "510502"),
    ("四川化工职业技术学院", "022", "510504"),
    ("泸州职业技术学院", "022", "510504"),
    ("泸州市农业科学研究院", "021", "510502"),
    ("四川省酿酒研究所", "021", "510502"),
    ("西南医科大学附属医院", "023", "510504"),
    ("泸州老窖股份有限公司", "160", "510502"),
    ("泸州北方化学工业有限公司", "150", "510503"),
    ("四川泸天化股份有限公司", "160", "510503"),
    ("泸州市长江机械有限公司", "170", "510521"),
    ("合江县荔枝科技有限公司", "170", "510522"),
    ("古蔺郎酒科技有限公司", "150", "510525"),
    ("叙永县竹业技术服务中心", "020", "510524"),
    ("泸州高新区智能装备有限公司", "170", "510504"),
    ("泸州市生态环境监测站", "020", "510502"),
]
BUYERS = [
    ("泸州市龙马潭区制药有限公司", "170", "CN", "510504"),
    ("泸县新材料有限公司", "150", "CN", "510521"),
    ("成都天府软件有限公司", "150", "CN", "510100"),
    ("宜宾五粮液技术有限公司", "160", "CN", "511500"),
    ("绵阳长虹电子科技有限公司", "160", "CN", "510700"),
    ("德阳东方装备有限公司", "110", "CN", "510600"),
    ("重庆两江智造有限公司", "150", "CN", "500000"),
    ("贵州茅台技术开发有限公司", "160", "CN", "520000"),
    ("上海浦江生物医药有限公司", "310", "CN", "310000"),
    ("广东粤海新能源有限公司", "150", "CN", "440000"),
    ("香港大昌科技有限公司", "900", "HK", None),
    ("Pacific Bio Labs Inc.", "900", "US", None),
    ("泸州市江阳区人民政府", "012", "CN", "510502"),
]
TYPE_WEIGHTS = {"技术服务": 48, "技术开发": 27, "技术咨询": 14, "技术转让": 6, "技术许可": 5}
FIELD_WEIGHTS = [14, 18, 2, 6, 16, 12, 9, 10, 1, 7, 5]
DEFECTS = {  # name: the rule that must catch it
    "technology_amount_exceeds": "contract.technology_amount_within_contract_amount",
    "bad_signing_date": "contract.signing_date_readable",
    "unknown_contract_type": "contract.contract_type_known",
    "subtype_mismatch": "contract.subtype_belongs_to_type",
    "missing_seller_name": "contract.seller_name_required",
    "bad_registration_no": "contract.registration_no_format",
}


@dataclass
class Generator:
    seed: int
    rows_per_day: int
    defect_rate: float
    rng: random.Random = field(init=False)
    registered: list[dict] = field(default_factory=list)
    serial: int = 0
    amended_on: dict[date, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def contracts_for(self, day: date) -> tuple[list[dict], list[str | None]]:
        """One day's registration actions and, per row, the defect injected (or None)."""
        rows, defects = [], []
        for _ in range(self.rows_per_day):
            roll = self.rng.random()
            if roll < 0.06 and self.registered:
                rows.append(self._amendment(day))
            elif roll < 0.08 and self.registered:
                rows.append(self._cancellation(day))
            else:
                rows.append(self._registration(day))
            defect = None
            if self.rng.random() < self.defect_rate:
                defect = self.rng.choice(sorted(DEFECTS))
                _inject(rows[-1], defect)
            defects.append(defect)
        return rows, defects

    def _registration(self, day: date) -> dict:
        rng = self.rng
        self.serial += 1
        ctype = rng.choices(list(TYPE_WEIGHTS), weights=list(TYPE_WEIGHTS.values()))[0]
        subtypes = [r["contract_subtype"] for r in codes.table("contract_types")
                    if r["contract_type"] == ctype and r["is_legacy"] == "false"]
        seller, nature, seller_div = rng.choice(LOCAL_SELLERS)
        buyer, buyer_nature, country, buyer_div = rng.choice(BUYERS)
        amount = _long_tail_amount(rng)
        signed = day - timedelta(days=rng.randint(3, 60))
        fields = codes.values("technology_fields", "technology_field")
        row = {
            "合同登记号": f"{day.year}5105{rng.randint(0, 9)}{self.serial:07d}",
            "登记状态": "登记",
            "登记日期": day,
            "项目名称": f"{rng.choice(['一种', '基于', '面向'])}{rng.choice(_TOPICS)}的{ctype}项目",
            "合同类型": ctype,
            "合同子类": rng.choice(subtypes),
            "签订日期": signed,
            "有效期起": signed,
            "有效期止": signed + timedelta(days=rng.choice([180, 365, 730])),
            "卖方名称": seller,
            "卖方统一社会信用代码": _uscc(seller, nature),
            "卖方性质": nature,
            "卖方行政区划": seller_div,
            "买方名称": buyer,
            "买方统一社会信用代码": _uscc(buyer, buyer_nature) if country == "CN" else None,
            "买方性质": buyer_nature,
            "买方国别": None if country == "CN" and rng.random() < 0.7 else country,
            "买方行政区划": buyer_div,
            "合同成交额（万元）": amount,
            "技术交易额（万元）": (amount * Decimal(rng.choice([100, 100, 95, 80, 60])) / 100
                              ).quantize(Decimal("0.01")),
            "技术领域": rng.choices(fields, weights=FIELD_WEIGHTS)[0],
            "知识产权类型": rng.choice(["专利", "技术秘密", "计算机软件著作权"])
            if ctype in ("技术转让", "技术许可") else rng.choice([None, "未涉及知识产权"]),
            "关联专利": None,
            "计划类别": rng.choice([None, None, None, "市级", "省级"]),
            "揭榜挂帅": rng.choice([None, "否", "否", "是"]),
        }
        self.registered.append(dict(row))  # a clean copy: defects go into this row only
        return row

    def _amendment(self, day: date) -> dict:
        row = dict(self.rng.choice(self.registered))
        if row["登记日期"] >= day or row["合同登记号"] in self.amended_on.get(day, ()):
            return self._registration(day)  # one action per contract and day
        self.amended_on.setdefault(day, set()).add(row["合同登记号"])
        row.update({"登记状态": "变更", "登记日期": max(day, row["登记日期"])})
        raised = (row["合同成交额（万元）"] * Decimal("1.1")).quantize(Decimal("0.01"))
        row["合同成交额（万元）"] = raised
        return row

    def _cancellation(self, day: date) -> dict:
        original = self.rng.choice(self.registered)
        if original["登记日期"] >= day or original["合同登记号"] in self.amended_on.get(day, ()):
            return self._registration(day)
        self.registered.remove(original)
        return {**original, "登记状态": "注销", "登记日期": max(day, original["登记日期"])}


_TOPICS = ["白酒固态发酵", "中药配方颗粒", "智能巡检机器人", "高分子复合材料", "锂电池回收",
           "荔枝保鲜", "页岩气压裂", "医疗影像识别", "竹纤维改性", "污水深度处理"]


def _long_tail_amount(rng: random.Random) -> Decimal:
    """Lognormal contract amounts in 万元: median ≈ 20, a few in the thousands."""
    value = rng.lognormvariate(3.0, 1.4)
    return Decimal(str(round(min(max(value, 0.5), 50_000), 2)))


def _uscc(name: str, nature: str) -> str:
    """A valid, stable code for an organisation name (the first chars follow the body kind)."""
    prefix = "12" if nature.startswith("02") else "11" if nature.startswith("01") else "91"
    digest = random.Random(name).choices(USCC_ALPHABET, k=9)
    body = f"{prefix}510500{''.join(digest)}"
    return body + uscc_check_char(body)


def _inject(row: dict, defect: str) -> None:
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


def write_contracts_file(rows: list[dict], day: date, variant: int) -> tuple[str, bytes]:
    """Rotate through the delivery formats so every form is exercised."""
    stamp = day.strftime("%Y%m%d")
    if variant % 3 == 0:
        return f"contracts_{stamp}.xlsx", _xlsx(rows)
    encoding = "gb18030" if variant % 3 == 1 else "utf-8-sig"
    return f"contracts_{stamp}.csv", _csv(rows, encoding, day_style=variant % 2)


def _csv(rows: list[dict], encoding: str, day_style: int) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(h if i % 5 else f" {h} " for i, h in enumerate(_headers()))
    for row in rows:
        writer.writerow(_csv_cell(row[h], day_style) for h in _headers())
    return out.getvalue().encode(encoding)


def _csv_cell(value: object, day_style: int) -> str:
    if value is None:
        return "" if day_style else "\\N"
    if isinstance(value, date):
        return value.strftime("%Y/%m/%d" if day_style else "%Y年%m月%d日")
    if isinstance(value, Decimal) and value >= 1000:
        return f"{value:,.2f}"
    return str(value)


def _xlsx(rows: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(_headers())
    for row in rows:
        sheet.append([_xlsx_cell(row[h]) for h in _headers()])
    out = io.BytesIO()
    book.save(out)
    return _reproducible(out.getvalue())


def _reproducible(data: bytes) -> bytes:
    """openpyxl stamps the zip entries and docProps with the wall clock; pin both, so that the
    same seed gives the same bytes (a changed byte would be a correction to the loader)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*",
                                 rb"\g<1>2024-01-01T00:00:00Z", content)
            stable = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            stable.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(stable, content)
    return out.getvalue()


def _xlsx_cell(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, Decimal):
        return str(value)  # amounts as text cells keep every digit exact
    return value


def _headers() -> list[str]:
    return [c.header.replace("(", "（").replace(")", "）") for c in CONTRACTS.columns]


def generate(out: str, start: date, days: int, seed: int = 1, scale: str = "city",
             defect_rate: float = 0.02) -> dict[str, int]:
    """Write `days` business days of files into landing area `out`; return counts."""
    landing = Landing(out)
    generator = Generator(seed, SCALES[scale], defect_rate)
    truth, files, rows_written = [], 0, 0
    for offset in range(days):
        day = start + timedelta(days=offset)
        rows, defects = generator.contracts_for(day)
        name, data = write_contracts_file(rows, day, offset)
        landing.write(f"contracts/{name}", data)
        files += 1
        rows_written += len(rows)
        truth += [{"file": name, "row": i + 2, "rule": DEFECTS[d]}
                  for i, d in enumerate(defects) if d]
    landing.write("ground_truth.jsonl", "".join(
        json.dumps(t, ensure_ascii=False) + "\n" for t in truth).encode("utf-8"))
    return {"files": files, "rows": rows_written, "defects": len(truth)}
