"""The warehouse as an Airflow connection (ops/connections.py), read through PostgresHook."""

import dataclasses
import json
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
