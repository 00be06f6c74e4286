"""Files that broken exports and careless senders really produce, one for each kind of harm
(issue: no delivery can stop the nightly load), with what the pipeline must make of each.

Each poison is delivered on a day of its own beside good files; `expected` says whether the
file ends rejected (and which limit or cause its error names) or loaded with a row held for
which rule. The same files are kept under tests/corpus/ as regression cases.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

from tests.support.contract_files import action
from tests.support.worked_example import P1, P2, UNIVERSITY, _patent
from zhuanhua.domain.feeds import CONTRACTS

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FIRST_DAY = date(2024, 6, 3)


@dataclass(frozen=True)
class Poison:
    feed: str
    kind: str  # what is wrong with it, for test ids
    extension: str
    data: bytes
    status: str  # rejected | loaded
    names: str  # what the error (rejected) or the held row's rule (loaded) must name


def contract_csv(rows: list[dict], headers: list[str] | None = None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    headers = headers or CONTRACTS.delivered_headers
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if row.get(h) is None else str(row.get(h)) for h in headers])
    return out.getvalue().encode("utf-8")


def good_rows(day: date, count: int = 3, **changes) -> list[dict]:
    """`count` good registrations of the day; the first one carries `changes`."""
    rows = [action(f"{day:%Y%m%d}{n:08d}", "登记", day) for n in range(count)]
    rows[0] |= changes
    return [{_delivered(k): v for k, v in row.items()} for row in rows]


def _delivered(header: str) -> str:
    return header.replace("(", "（").replace(")", "）")


def _sparse_xlsx() -> bytes:
    """Two cells, A1 and XFD1048576: 1.5 KB that spans the whole grid."""
    book = Workbook()
    sheet = book.active
    sheet["A1"] = "合同登记号"
    sheet["XFD1048576"] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _patent_line(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


def poisons() -> list[Poison]:
    good_patent = _patent(
        P2, "实用新型", "2022-05-01", UNIVERSITY, "510502", "C12G 3/02", "2024-06-03"
    )
    deep = '{"application_no": "' + P1 + '", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    nul_patent = _patent(P1, "发明", "2022-03-01", UNIVERSITY, "510504", "A61K", "2024-06-03")
    nul_patent["title"] = "含\u0000字符"
    wide = [*CONTRACTS.delivered_headers, *(f"列{i}" for i in range(300))]
    return [
        Poison(
            "contracts",
            "huge_cell",
            "csv",
            contract_csv(good_rows(FIRST_DAY, 项目名称="长" * 200_000)),
            "rejected",
            "ZHUANHUA_MAX_CELL_CHARS",
        ),
        Poison(
            "contracts",
            "sparse_xlsx",
            "xlsx",
            _sparse_xlsx(),
            "rejected",
            "ZHUANHUA_MAX_XLSX_CELLS",
        ),
        Poison(
            "contracts",
            "too_wide",
            "csv",
            contract_csv(good_rows(FIRST_DAY), wide),
            "rejected",
            "ZHUANHUA_MAX_COLUMNS",
        ),
        Poison(
            "contracts",
            "nul_in_text",
            "csv",
            contract_csv(good_rows(FIRST_DAY, 项目名称="白酒\x00工艺")),
            "loaded",
            "contracts.project_name_storable",
        ),
        Poison(
            "contracts",
            "amount_past_numeric",
            "csv",
            contract_csv(good_rows(FIRST_DAY, **{"合同成交额（万元）": Decimal(10) ** 14})),
            "loaded",
            "contracts.contract_amount_storable",
        ),
        Poison(
            "contracts",
            "not_a_workbook",
            "xlsx",
            b"PK\x03\x04" + b"\x00" * 64,
            "rejected",
            "not a readable XLSX workbook",
        ),
        Poison(
            "patents",
            "deep_json",
            "jsonl",
            f"{deep}\n{_patent_line(good_patent)}\n".encode(),
            "loaded",
            "patents.line_readable",
        ),
        Poison(
            "patents",
            "escaped_nul",
            "jsonl",
            f"{_patent_line(nul_patent)}\n{_patent_line(good_patent)}\n".encode(),
            "loaded",
            "patents.title_storable",
        ),
    ]


def deliver(landing: Path, feed: str) -> dict[str, Poison]:
    """Each poison of the feed as that feed's file of its own day, from FIRST_DAY on."""
    delivered = {}
    for n, poison in enumerate(p for p in poisons() if p.feed == feed):
        day = FIRST_DAY + timedelta(days=n)
        folder = "contracts" if feed == "contracts" else "patents"
        name = f"{feed}_{day:%Y%m%d}.{poison.extension}"
        (landing / folder).mkdir(parents=True, exist_ok=True)
        (landing / folder / name).write_bytes(poison.data)
        delivered[name] = poison
    return delivered


def write_corpus() -> None:
    """Write the poisons under tests/corpus/ (run once when a kind is added)."""
    for poison in poisons():
        folder = CORPUS / poison.feed
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{poison.kind}.{poison.extension}").write_bytes(poison.data)
