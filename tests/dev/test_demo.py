"""`zhuanhua demo` (what `make demo` runs), twice in a row: same summary, same counts."""

import re

from tests.support.cli import zhuanhua_cli


def test_demo_twice_gives_identical_counts(airflow_ready, warehouse, landing):
    runs = [zhuanhua_cli("demo", "--days", "2") for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    tables = [
        re.search(r"^feed .*?^marts built: [^\n]*", run.stdout, re.M | re.S).group(0)
        for run in runs
    ]
    assert tables[0] == tables[1]
    delivered = [p for p in landing.rglob("*_2024*") if p.is_file()]
    feeds = {}
    for line in tables[0].splitlines()[1:-1]:
        feed, *counts = line.split()
        feeds[feed] = dict(
            zip(
                ["files", "rejected", "received", "loaded", "quarantined"],
                map(int, counts),
                strict=True,
            )
        )
    assert set(feeds) == {"contracts", "loans", "patents", "patent_events"}
    assert sum(f["files"] for f in feeds.values()) == len(delivered)
    for counts in feeds.values():
        assert counts["received"] == counts["loaded"] + counts["quarantined"] > 0
    assert "marts.fct_technology_contract" in tables[0]
    ledger = warehouse.execute("select count(*) from raw.batch_ledger").fetchone()[0]
    assert ledger == len(delivered)  # the second run delivered the same bytes: no new versions
