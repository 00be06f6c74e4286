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
