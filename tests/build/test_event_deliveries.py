"""Legal events as the patent service really writes them build the same chain: a line
repeated in its file, and a licence whose single licensor and licensee are bare objects."""

from __future__ import annotations

import json

from tests.support import worked_example as example
from tests.support.warehouse import deliver_load_and_build
from zhuanhua.dev.synth.files import jsonl_bytes
from zhuanhua.domain.identifiers import uscc_check_char
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


def _licensed_to_a_local_shop(landing):
    example.deliver(landing)
    transfer, licence, lapse = example.EVENTS["patent_events_20240301.jsonl"]
    licence = licence | {"licensee": [{"name": SHOP[0], "uscc": SHOP[1], "region_code": "510504"}]}
    records = [transfer, licence, lapse]
    (landing / "patents" / "patent_events_20240301.jsonl").write_bytes(jsonl_bytes(records))


SHOP_BODY = "92510504MA6A00001"  # 92: an individual business (个体工商户), GB 32100-2015
SHOP = ("龙马潭区某某五金店", SHOP_BODY + uscc_check_char(SHOP_BODY))


def test_an_individual_business_in_the_city_is_no_local_adoption(settings, tmp_path):
    """Only 91 (企业) of the market registrations is an enterprise: 92 个体工商户 and
    93 农民专业合作社 are not adopters, whatever their code's first character."""
    example_settings = deliver_load_and_build(
        settings, tmp_path / "landing", _licensed_to_a_local_shop, example.LAST_DATE
    )
    with connect(example_settings) as conn:
        adopted = conn.execute(
            "select is_adopted, stage_reached from marts.fct_conversion_chain"
            " where application_no = %s",
            (example.P2,),
        ).fetchone()
        shop = conn.execute(
            "select reporting_group, is_enterprise from marts.dim_organization where uscc = %s",
            (SHOP[1],),
        ).fetchone()
    assert shop == ("其他", False)
    assert adopted == (False, "转移")
