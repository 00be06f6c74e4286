"""`zhuanhua demo` (what `make demo` runs), twice in a row: same summary, same counts."""

import re

from .conftest import zhuanhua_cli


def test_demo_twice_gives_identical_counts(airflow_ready, warehouse, landing):
    runs = [zhuanhua_cli("demo", "--days", "2") for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, run.stderr
    tables = [re.search(r"^feed .*?^marts built: [^\n]*", run.stdout, re.M | re.S).group(0)
              for run in runs]
    assert tables[0] == tables[1]
    contracts = next(line for line in tables[0].splitlines() if line.startswith("contracts"))
    files, rejected, received, loaded, quarantined = map(int, contracts.split()[1:])
    assert (files, rejected, received) == (2, 0, 80)
    assert received == loaded + quarantined
    assert "marts.fct_technology_contract" in tables[0]
    ledger = warehouse.execute("select count(*) from raw.batch_ledger").fetchone()[0]
    assert ledger == 2  # the second run delivered the same bytes: no new file versions
