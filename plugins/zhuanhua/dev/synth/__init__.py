"""Realistic source files in the delivery formats of `sources.md`, for demos, tests and benches.

Deterministic for a seed: the same arguments write the same bytes. Defects are injected at
a given rate and listed in `ground_truth.jsonl` (file, row, rule), so tests can check that
the checks catch exactly what was broken. Files are written a day at a time, so memory
stays bounded whatever the scale.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from zhuanhua.dev.synth import contracts, loans, patents
from zhuanhua.dev.synth.files import jsonl_bytes, table_bytes
from zhuanhua.domain.feeds import FEEDS
from zhuanhua.progress import Progress
from zhuanhua.read.landing import Landing

# rows a year: a city, a province, the whole country (about 1 M contracts, 5 M patents)
SCALES = {
    "city": {"contracts": 5_000, "patents": 15_000, "patent_events": 3_000, "loans": 1_500},
    "province": {"contracts": 60_000, "patents": 300_000, "patent_events": 60_000, "loans": 30_000},
    "national": {
        "contracts": 1_000_000,
        "patents": 5_000_000,
        "patent_events": 1_000_000,
        "loans": 500_000,
    },
}


def generate(
    out: str,
    start: date,
    days: int,
    seed: int = 1,
    scale: str = "city",
    defect_rate: float = 0.02,
    on_progress: Progress | None = None,
) -> dict[str, int]:
    """Write `days` business days of all four feeds into landing area `out`; return counts."""
    per_day = {feed: max(1, round(n / 365)) for feed, n in SCALES[scale].items()}
    rng = {feed: random.Random(f"{seed}:{feed}") for feed in ("patents", "contracts", "loans")}
    pool = patents.PatentPool()
    patent_gen = patents.PatentGenerator(
        rng["patents"], per_day["patents"], per_day["patent_events"], defect_rate, pool
    )
    contract_gen = contracts.ContractGenerator(
        rng["contracts"], per_day["contracts"], defect_rate, pool
    )
    loan_gen = loans.LoanGenerator(
        rng["loans"], loans.new_per_day(SCALES[scale]["loans"]), defect_rate, pool
    )
    landing = Landing(out)
    counts = {"files": 0, "rows": 0, "defects": 0}
    truth: list[str] = []

    def deliver(path: str, data: bytes, defects: list[str | None], rules: dict) -> None:
        landing.write(path, data)
        name = path.rsplit("/", 1)[1]
        first = 1 if path.endswith(".jsonl") else 2  # JSON Lines have no header row
        counts["files"] += 1
        counts["rows"] += len(defects)
        for i, defect in enumerate(defects):
            if defect:
                truth.append(
                    json.dumps(
                        {"file": name, "row": first + i, "rule": rules[defect]}, ensure_ascii=False
                    )
                )
        counts["defects"] = len(truth)

    for offset in range(days):
        day = start + timedelta(days=offset)
        if on_progress:
            on_progress("synth: days", offset, days, _written(counts))
        records, defects = patent_gen.records_for(day)
        deliver(
            FEEDS["patents"].file_path(day),
            jsonl_bytes(records),
            defects,
            patents.DEFECTS["patents"],
        )
        # a day without events still brings its (empty) file: exports need every day's files
        events, defects = patent_gen.events_for(day)
        deliver(
            FEEDS["patent_events"].file_path(day),
            jsonl_bytes(events),
            defects,
            patents.DEFECTS["patent_events"],
        )
        rows, defects = contract_gen.rows_for(day)
        kind, data = table_bytes(contracts.HEADERS, rows, offset)
        deliver(FEEDS["contracts"].file_path(day, kind), data, defects, contracts.DEFECTS)
        for i, (bank, (rows, defects)) in enumerate(sorted(loan_gen.snapshots_for(day).items())):
            kind, data = table_bytes(loans.HEADERS, rows, offset + i + 1)
            deliver(FEEDS["loans"].file_path(day, kind, bank), data, defects, loans.DEFECTS)
    landing.write("ground_truth.jsonl", "".join(line + "\n" for line in truth).encode("utf-8"))
    if on_progress:
        on_progress("synth: days", days, days, _written(counts))
    return counts


def _written(counts: dict[str, int]) -> str:
    return f"{counts['files']:,} files, {counts['rows']:,} rows"
