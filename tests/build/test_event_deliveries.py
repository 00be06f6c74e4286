"""Legal events as the patent service really writes them build the same chain: a line
repeated in its file, and a licence whose single licensor and licensee are bare objects."""

from __future__ import annotations

import json

from tests.support import worked_example as example
from tests.support.warehouse import deliver_load_and_build
from zhuanhua.dev.synth.files import jsonl_bytes
from zhuanhua.load.connection import connect

CHAIN = """select chain_origin, application_no, stated_by, transfer_kind, transfer_date
           from marts.fct_conversion_chain order by transfer_date"""
EXPECTED = [  # the worked example's three chains (tests/build/test_marts.py)
    ("patent", example.P1, "event+contract", "转让"),
    ("patent", example.P2, "event", "许可"),
    ("contract", None, "contract", "转让"),
]


def _as_the_service_writes(landing):
    example.deliver(landing)
    transfer, licence, lapse = example.EVENTS["patent_events_20240301.jsonl"]
    licence = licence | {"licensor": licence["licensor"][0], "licensee": licence["licensee"][0]}
    records = [transfer, transfer, licence, lapse]  # the transfer's line twice, as delivered
    (landing / "patents" / "patent_events_20240301.jsonl").write_bytes(jsonl_bytes(records))


def test_a_repeated_event_and_single_parties_as_objects_build_the_same_chain(settings, tmp_path):
    example_settings = deliver_load_and_build(
        settings, tmp_path / "landing", _as_the_service_writes, example.LAST_DATE
    )
    with connect(example_settings) as conn:
        loaded = conn.execute(
            "select rows_received, rows_loaded from raw.batch_ledger"
            " where file_name = 'patent_events_20240301.jsonl'"
        ).fetchone()
        chain = [row[:4] for row in conn.execute(CHAIN).fetchall()]
        licensee = conn.execute(
            "select licensee from checked.patent_events where event_code = 'EE01'"
        ).fetchone()[0]
    assert loaded == (4, 4)  # received and loaded: the repeat is a no-op, not a rejection
    assert chain == EXPECTED
    assert json.loads(json.dumps(licensee)) == [
        {"name": example.SOFTWARE[0], "uscc": example.SOFTWARE[1]}
    ]
