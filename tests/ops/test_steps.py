"""What one DAG task does (ops/steps.py), against the real warehouse and landing folder."""

import os
from datetime import date, timedelta

from zhuanhua.dev.synth import generate
from zhuanhua.ops.steps import load_feed

DAY = date(2024, 6, 3)


def ledger(conn) -> list[tuple]:
    return conn.execute(
        "select file_name, sha256, status from raw.batch_ledger where feed = 'contracts' "
        "order by batch_id"
    ).fetchall()


def test_a_night_reads_only_the_files_it_has_not_received(landing_settings, landing, warehouse):
    """The night lists the landing area and reads only files whose name, size and store
    fingerprint (a folder's mtime) the ledger does not hold: the bytes of a file received
    before are not read again. Rewritten, the file is read and its new version recorded."""
    generate(str(landing), DAY, 2, seed=31, defect_rate=0.0)
    first = load_feed("contracts", DAY + timedelta(days=1), landing_settings)
    assert [f["status"] for f in first["files"]] == ["loaded", "loaded"]
    before = ledger(warehouse)

    old = sorted((landing / "contracts").iterdir())[0]
    kept = os.stat(old)
    old.write_bytes(b"\x00" * kept.st_size)  # other bytes, same size and mtime: never read
    os.utime(old, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    again = load_feed("contracts", DAY + timedelta(days=1), landing_settings)
    assert [f["status"] for f in again["files"]] == ["skipped", "skipped"]
    assert ledger(warehouse) == before

    os.utime(old, ns=(kept.st_atime_ns, kept.st_mtime_ns + 1_000_000_000))  # rewritten
    third = load_feed("contracts", DAY + timedelta(days=1), landing_settings)
    assert [f["status"] for f in third["files"]] == ["rejected", "skipped"]
    assert len(ledger(warehouse)) == len(before) + 1
