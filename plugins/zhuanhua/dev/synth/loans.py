"""Daily loan snapshots per bank: new loans, status changes, settlements, month-end books."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from zhuanhua.dev.synth.parties import (
    BANKS,
    LOCAL_ENTERPRISES,
    person_name,
    resident_id,
    uscc,
    with_wrong_check_char,
)
from zhuanhua.dev.synth.patents import PatentPool, written_form
from zhuanhua.domain.feeds import LOANS

HEADERS = LOANS.delivered_headers
PRODUCTS = {
    "天府科创贷": 35,
    "酒城科信贷": 20,
    "科技信用贷": 20,
    "人才贷": 8,
    "知识产权质押贷": 12,
    "其他": 5,
}
QUALIFICATIONS = ["科技型中小企业", "高新技术企业", "瞪羚企业", "专精特新企业", "创新型领军企业"]
# daily chances of moving on from each status; otherwise a loan runs to its maturity
NEXT_STATUS = {
    "正常": [("关注", 0.004), ("结清", 0.001)],
    "关注": [("正常", 0.05), ("逾期", 0.02)],
    "逾期": [("不良", 0.03), ("结清", 0.03)],
    "不良": [],
}
DEFECTS = {
    "principal_not_positive": "loans.principal_positive",
    "rate_out_of_range": "loans.annual_rate_in_range",
    "unknown_product": "loans.product_known",
    "settled_without_date": "loans.settled_on_required",
    "matures_before_disbursement": "loans.matures_after_disbursement",
    "bad_enterprise_uscc": "loans.borrower_id_no_valid_uscc",
    "bad_person_id": "loans.borrower_id_no_valid_resident_id",
    "unknown_division": "loans.borrower_division_known",
}


def new_per_day(snapshot_rows_a_year: int) -> int:
    """New loans a day that yield about that many snapshot rows in a year.

    A loan runs about 400 days to maturity: it is reported when new, on each status change,
    and in the whole book at every month end, so the book holds some 400 days of new loans
    and each month end reports all of them.
    """
    return max(1, round(snapshot_rows_a_year / (365 * 1.2 + 12 * 400)))


@dataclass
class LoanGenerator:
    rng: random.Random
    new_per_day: int
    defect_rate: float
    pool: PatentPool
    book: dict[str, dict[str, dict]] = field(default_factory=lambda: {b: {} for b in BANKS})
    serial: int = 0

    def snapshots_for(self, day: date) -> dict[str, tuple[list[dict], list[str | None]]]:
        """Per bank, every bank every night: the loans that are new or changed today (the
        whole book at month end), none on a quiet day."""
        month_end = (day + timedelta(days=1)).day == 1
        out = {}
        for bank, loans in self.book.items():
            reported = [self._advance(loan, day) for loan in list(loans.values())]
            reported = [r for r in reported if r is not None]
            for _ in range(self.rng.randint(0, 2 * self.new_per_day // len(self.book) + 1)):
                loan = self._new_loan(bank, day)
                loans[loan["贷款编号"]] = loan
                reported.append(loan)
            if month_end:
                reported = list(loans.values())
            for loan in [x for x in loans.values() if x["贷款状态"] == "结清"]:
                del loans[loan["贷款编号"]]  # reported once settled, then gone
            rows, defects = [], []
            for loan in reported:
                defect = None
                if self.rng.random() < self.defect_rate:
                    defect = self.rng.choice([d for d in sorted(DEFECTS) if _applies(loan, d)])
                rows.append(_inject(dict(loan), defect) if defect else dict(loan))
                defects.append(defect)
            out[bank] = (rows, defects)  # a quiet day still brings the bank's (empty) file
        return out

    def _advance(self, loan: dict, day: date) -> dict | None:
        """Move a loan's status on; return it when it changed (that is when banks report)."""
        status, roll = loan["贷款状态"], self.rng.random()
        for candidate, chance in NEXT_STATUS[status]:
            if roll < chance:
                status = candidate
                break
            roll -= chance
        if loan["到期日期"] <= day and status != "不良":
            status = "结清"
        if status == loan["贷款状态"]:
            return None
        loan["贷款状态"] = status
        if status == "结清":
            loan["结清日期"] = day
        return loan

    def _new_loan(self, bank: str, day: date) -> dict:
        rng = self.rng
        self.serial += 1
        product = rng.choices(list(PRODUCTS), weights=list(PRODUCTS.values()))[0]
        person = product == "人才贷" and rng.random() < 0.6
        name, nature, division = rng.choice(LOCAL_ENTERPRISES)
        pledge = product == "知识产权质押贷" and (patent := self.pool.pick(rng)) is not None
        principal = Decimal(str(round(min(rng.lognormvariate(5.0, 0.9), 3000), 2)))
        disbursed = day - timedelta(days=rng.randint(0, 3))
        return {
            "贷款编号": f"{bank}{day.year}{self.serial:07d}",
            "银行名称": BANKS[bank],
            "贷款产品": product,
            "借款人类型": "个人" if person else "企业",
            "借款人名称": person_name(rng) if person else name,
            "借款人证件号码": resident_id(rng, division) if person else uscc(name, nature),
            "借款人行政区划": division,
            "企业资质": None
            if person
            else ";".join(sorted(rng.sample(QUALIFICATIONS, rng.randint(0, 2)))) or None,
            "放款日期": disbursed,
            "到期日期": disbursed + timedelta(days=rng.choice([180, 365, 365, 730])),
            "贷款金额（万元）": principal,
            "年利率（%）": Decimal(rng.randint(320, 650)) / 100,
            "担保方式": "质押" if pledge else rng.choice(["信用", "信用", "保证", "抵押", "组合"]),
            "质押专利": written_form(patent["application_no"], rng) if pledge else None,
            "贷款状态": "正常",
            "结清日期": None,
            "风险补偿申请金额（万元）": None,
        }


def _applies(loan: dict, defect: str) -> bool:
    person = loan["借款人类型"] == "个人"
    return not (
        (defect == "bad_enterprise_uscc" and person) or (defect == "bad_person_id" and not person)
    )


def _inject(row: dict, defect: str) -> dict:
    if defect == "principal_not_positive":
        row["贷款金额（万元）"] = Decimal("0")
    elif defect == "rate_out_of_range":
        row["年利率（%）"] = Decimal("36.5")
    elif defect == "unknown_product":
        row["贷款产品"] = "科创快贷"
    elif defect == "settled_without_date":
        row["贷款状态"], row["结清日期"] = "结清", None
    elif defect == "matures_before_disbursement":
        row["到期日期"] = row["放款日期"] - timedelta(days=1)
    elif defect == "unknown_division":
        row["借款人行政区划"] = "519999"
    elif defect in ("bad_enterprise_uscc", "bad_person_id"):
        row["借款人证件号码"] = with_wrong_check_char(row["借款人证件号码"])
    return row
