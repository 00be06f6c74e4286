import json
import time
from datetime import date

from zhuanhua.dev.synth import generate


def test_same_seed_same_bytes_in_every_delivery_format(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    generate(str(first), date(2024, 6, 3), 3, seed=5, defect_rate=0.1)
    time.sleep(1.1)  # zip and document timestamps must not leak the wall clock
    generate(str(second), date(2024, 6, 3), 3, seed=5, defect_rate=0.1)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert [p.suffix for p in files if p.parent.name == "contracts"] == [".xlsx", ".csv", ".csv"]
    for path in files:
        assert (first / path).read_bytes() == (second / path).read_bytes(), path


def test_ground_truth_names_file_row_and_rule(tmp_path):
    counts = generate(str(tmp_path), date(2024, 6, 3), 2, seed=6, defect_rate=0.2)
    lines = (tmp_path / "ground_truth.jsonl").read_text().splitlines()
    truth = [json.loads(line) for line in lines]
    assert len(truth) == counts["defects"] > 0
    for t in truth:
        assert set(t) == {"file", "row", "rule"}
        assert t["row"] >= (1 if t["file"].endswith(".jsonl") else 2)  # tables have a header
        assert t["rule"].split(".")[0] in {"contracts", "loans", "patents", "patent_events"}
