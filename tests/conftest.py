"""The suite runs against a throwaway PostgreSQL started here, and a real Airflow set up on it.

Airflow reads its configuration when first imported, so the server is started and the
environment set in `pytest_configure`, before any test module is collected. This file holds
fixtures only; helpers the modules share are in `tests/support/`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from tests.support import worked_example
from tests.support.warehouse import deliver_load_and_build, empty_warehouse
from zhuanhua.load.connection import connect
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.settings import Settings, load_settings

_HOME = Path(tempfile.mkdtemp(prefix="zhuanhua-test-"))


def pytest_configure(config: pytest.Config) -> None:
    os.environ["ZHUANHUA_HOME"] = str(_HOME)
    os.environ["ZHUANHUA_LANDING"] = str(_HOME / "landing")
    os.environ.pop("ZHUANHUA_REGION", None)
    os.environ.pop("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", None)
    if not os.environ.get("ZHUANHUA_TEST_WAREHOUSE_URL"):
        os.environ.pop("ZHUANHUA_WAREHOUSE_URL", None)
        EmbeddedServer(_HOME).start()
    else:  # a server of the caller's, e.g. in the compose stack
        os.environ["ZHUANHUA_WAREHOUSE_URL"] = os.environ["ZHUANHUA_TEST_WAREHOUSE_URL"]
    from zhuanhua.ops.orchestrate import airflow_env  # after the environment above is set

    os.environ.update(airflow_env(load_settings()))


def pytest_unconfigure(config: pytest.Config) -> None:
    if "airflow.settings" in sys.modules:  # close Airflow's pool before its server goes
        sys.modules["airflow.settings"].dispose_orm()
    EmbeddedServer(_HOME).stop()
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def settings() -> Settings:
    return load_settings()


@pytest.fixture(scope="session")
def airflow_ready(settings: Settings) -> Settings:
    from zhuanhua.ops.orchestrate import prepare_airflow

    prepare_airflow(settings)
    return settings


@pytest.fixture
def warehouse(settings: Settings):
    """An empty warehouse (every layer dropped and the loader's schema recreated)."""
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
        yield conn


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh landing folder, set as ZHUANHUA_LANDING for the test."""
    folder = tmp_path / "landing"
    folder.mkdir()
    monkeypatch.setenv("ZHUANHUA_LANDING", str(folder))
    return folder


@pytest.fixture
def landing_settings(settings: Settings, landing: Path) -> Settings:
    """The settings with the test's own landing folder.

    Tests of row checks inject many defects into small files, so no file is held whole
    here (share 1.0); the test of held files sets the share it tests.
    """
    return dataclasses.replace(settings, landing=str(landing), hold_share=1.0)


@pytest.fixture(scope="module")
def built(settings: Settings, tmp_path_factory: pytest.TempPathFactory):
    """The worked example (tests/support/worked_example.py) loaded and built once per module."""
    landing = tmp_path_factory.mktemp("landing")
    deliver_load_and_build(settings, landing, worked_example.deliver, worked_example.LAST_DATE)
    with connect(settings) as conn:
        yield conn
