"""The warehouse as an Airflow connection (ops/connections.py), read through PostgresHook."""

import dataclasses
import json
from pathlib import Path
from urllib.parse import urlsplit

from zhuanhua.load.connection import connect, warehouse_url
from zhuanhua.ops.connections import dbt_profile_mapping, with_warehouse_connection


def test_the_connection_in_either_of_airflows_forms_reaches_the_warehouse_with_its_extras(
    settings, monkeypatch
):
    real = urlsplit(warehouse_url(settings))
    named = dataclasses.replace(settings, warehouse_url=None, warehouse_conn_id="wh_test")
    monkeypatch.setenv(
        "AIRFLOW_CONN_WH_TEST",
        f"postgres://{real.username}@{real.hostname}:{real.port}/warehouse"
        "?sslmode=disable&application_name=zhuanhua-test&cursor=dictcursor",
    )
    from_uri = with_warehouse_connection(named)
    assert "cursor" not in from_uri.warehouse_url  # the hook's own extras are not libpq's
    with connect(from_uri) as conn:
        assert conn.execute("show application_name").fetchone() == ("zhuanhua-test",)
        assert conn.execute("select current_database()").fetchone() == ("warehouse",)
    monkeypatch.setenv(
        "AIRFLOW_CONN_WH_TEST",
        json.dumps(
            {
                "conn_type": "postgres",
                "login": real.username,
                "host": real.hostname,
                "port": real.port,
                "schema": "warehouse",
                "extra": {"application_name": "zhuanhua-json"},
            }
        ),
    )
    with connect(with_warehouse_connection(named)) as conn:
        assert conn.execute("show application_name").fetchone() == ("zhuanhua-json",)


def test_a_development_url_wins_and_dbt_then_uses_profiles_yml(settings):
    both = dataclasses.replace(
        settings, warehouse_url="postgresql://dev@db/w", warehouse_conn_id="x"
    )
    assert with_warehouse_connection(both) is both
    assert dbt_profile_mapping(both) is None
    named = dataclasses.replace(settings, warehouse_url=None, warehouse_conn_id="wh_test")
    mapping = dbt_profile_mapping(named)
    assert mapping.conn_id == "wh_test" and mapping.profile_args["schema"] == "marts"


def test_an_object_store_landing_area_is_read_with_its_airflow_connection(
    landing_settings, warehouse, monkeypatch
):
    """An S3-compatible store (moto's server here; MinIO at a bureau) whose keys are only in
    the Airflow connection: the night's files load through it."""
    import boto3
    from moto.server import ThreadedMotoServer

    from tests.support import worked_example
    from zhuanhua.ops.steps import load_feed

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
        keys = {"aws_access_key_id": "landing-key", "aws_secret_access_key": "landing-secret"}
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **keys)
        s3.create_bucket(Bucket="feeds")
        local = landing_settings.landing
        worked_example.deliver(Path(local))
        for path in Path(local).rglob("*"):
            if path.is_file():
                s3.put_object(
                    Bucket="feeds", Key=f"luzhou/{path.relative_to(local)}", Body=path.read_bytes()
                )
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            monkeypatch.delenv(name, raising=False)  # the connection is the only way in
        monkeypatch.setenv(
            "AIRFLOW_CONN_LANDING_STORE",
            json.dumps(
                {
                    "conn_type": "aws",
                    "login": keys["aws_access_key_id"],
                    "password": keys["aws_secret_access_key"],
                    "extra": {"endpoint_url": endpoint, "region_name": "us-east-1"},
                }
            ),
        )
        store = dataclasses.replace(
            landing_settings, landing="s3://feeds/luzhou", landing_conn_id="landing_store"
        )
        outcome = load_feed("contracts", worked_example.LAST_DATE, store)
    finally:
        server.stop()
    statuses = {f["file_name"]: f["status"] for f in outcome["files"]}
    assert statuses == dict.fromkeys(worked_example.CONTRACTS, "loaded")
    urls = warehouse.execute("select distinct file_url from raw.batch_ledger").fetchall()
    assert all(url.startswith("s3://feeds/luzhou/contracts/") for (url,) in urls)


def test_the_url_keeps_spaces_ipv6_hosts_and_flags_as_libpq_reads_them():
    from types import SimpleNamespace

    from psycopg.conninfo import conninfo_to_dict

    from zhuanhua.ops.connections import libpq_url

    connection = SimpleNamespace(
        login="wh",
        password="p@ss word",
        host="::1",
        port=5433,
        schema="warehouse",
        extra_dejson={"options": "-c search_path=raw", "keepalives": True, "iam": True},
    )
    parsed = conninfo_to_dict(libpq_url(connection))
    assert parsed == {
        "user": "wh",
        "password": "p@ss word",
        "host": "::1",
        "port": "5433",
        "dbname": "warehouse",
        "options": "-c search_path=raw",
        "keepalives": "1",
    }
