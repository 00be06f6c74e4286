import pytest

from zhuanhua.config import ConfigError, load_settings

from .conftest import zhuanhua_cli


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


def test_the_cli_reports_configuration_errors_without_a_traceback():
    done = zhuanhua_cli("report", "--date", "2024-06-03", env={"ZHUANHUA_REGION": "51050"})
    assert done.returncode == 1
    assert done.stderr.startswith("zhuanhua: error: ZHUANHUA_REGION must be")


def test_a_bad_date_argument_is_a_usage_error():
    done = zhuanhua_cli("run", "--date", "2024-6-3x")
    assert done.returncode == 2 and "not a date in YYYY-MM-DD form" in done.stderr
