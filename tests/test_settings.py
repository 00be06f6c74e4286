import pytest

from zhuanhua.errors import ConfigError
from zhuanhua.settings import load_settings


def test_defaults_are_project_local_and_luzhou(monkeypatch, tmp_path):
    for name in ("ZHUANHUA_LANDING", "ZHUANHUA_REGION", "ZHUANHUA_WAREHOUSE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZHUANHUA_HOME", str(tmp_path))
    settings = load_settings()
    assert settings.region == "510500"
    assert settings.landing == str(tmp_path / "landing")
    assert settings.warehouse_url is None


def test_a_region_that_is_not_a_division_code_is_refused(monkeypatch):
    monkeypatch.setenv("ZHUANHUA_REGION", "泸州")
    with pytest.raises(ConfigError, match="6-digit division code"):
        load_settings()


def test_the_warehouse_may_come_from_an_airflow_connection(monkeypatch, settings):
    """AIRFLOW_CONN_ZHUANHUA_WAREHOUSE in either of Airflow's forms; the project's own
    variable wins when both are set. The URL is the suite's real server: it connects."""
    from urllib.parse import urlsplit

    from zhuanhua.load.connection import connect, warehouse_url

    real = urlsplit(warehouse_url(settings))
    monkeypatch.delenv("ZHUANHUA_WAREHOUSE_URL", raising=False)
    monkeypatch.setenv(
        "AIRFLOW_CONN_ZHUANHUA_WAREHOUSE",
        f"postgres://{real.username}@{real.hostname}:{real.port}/warehouse",
    )
    from_uri = load_settings()
    assert from_uri.warehouse_url.startswith("postgresql://")
    with connect(from_uri) as conn:
        assert conn.execute("select current_database()").fetchone() == ("warehouse",)
    monkeypatch.setenv(
        "AIRFLOW_CONN_ZHUANHUA_WAREHOUSE",
        (
            f'{{"conn_type": "postgres", "login": "{real.username}", "host": "{real.hostname}", '
            f'"port": {real.port}, "schema": "warehouse"}}'
        ),
    )
    assert load_settings().warehouse_url == from_uri.warehouse_url
    monkeypatch.setenv("ZHUANHUA_WAREHOUSE_URL", "postgresql://other@db:5432/warehouse")
    assert load_settings().warehouse_url == "postgresql://other@db:5432/warehouse"
