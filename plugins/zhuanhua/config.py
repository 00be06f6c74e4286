"""Settings from the environment, with project-local defaults so a fresh clone just works."""

from __future__ import annotations

import os
import re
import shutil
import sys
from dataclasses import dataclass
from datetime import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_REGION = "510500"
TIMEZONE = "Asia/Shanghai"  # the bureau's day: business dates and the nightly schedule
NIGHTLY_RUN = time(2, 0)  # the night's run starts then, for the day before


def venv_command(name: str) -> str:
    """A console script installed beside this Python (dbt, airflow), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


class ConfigError(ValueError):
    """A setting has a value the pipeline cannot work with."""


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: str
    region: str
    warehouse_url: str | None  # None: use the embedded server
    hold_share: float = 0.2  # a file with more bad rows than this share is held whole
    person_key: bytes | None = None  # key of the personal-data hash; None: the warehouse's own

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def dbt_project_dir(self) -> Path:
        return PROJECT_ROOT / "dbt_project"

    @property
    def dags_folder(self) -> Path:
        return PROJECT_ROOT / "dags"


def load_settings() -> Settings:
    """Read ZHUANHUA_* variables; defaults live under the project's `.zhuanhua/` folder."""
    home = Path(os.environ.get("ZHUANHUA_HOME") or PROJECT_ROOT / ".zhuanhua").resolve()
    landing = os.environ.get("ZHUANHUA_LANDING") or str(home / "landing")
    region = os.environ.get("ZHUANHUA_REGION") or DEFAULT_REGION
    if not re.fullmatch(r"\d{6}", region):
        raise ConfigError(f"ZHUANHUA_REGION must be a 6-digit division code, got {region!r}")
    try:
        hold_share = float(os.environ.get("ZHUANHUA_HOLD_SHARE") or 0.2)
    except ValueError:
        raise ConfigError("ZHUANHUA_HOLD_SHARE must be a number between 0 and 1") from None
    if not 0 < hold_share <= 1:
        raise ConfigError("ZHUANHUA_HOLD_SHARE must be a number between 0 and 1")
    try:
        person_key = bytes.fromhex(os.environ.get("ZHUANHUA_PERSON_KEY") or "") or None
    except ValueError:
        raise ConfigError("ZHUANHUA_PERSON_KEY must be hexadecimal (32 bytes or more)") from None
    if person_key is not None and len(person_key) < 32:
        raise ConfigError("ZHUANHUA_PERSON_KEY must be 32 bytes (64 hex digits) or more")
    return Settings(
        home=home,
        landing=landing,
        region=region,
        warehouse_url=os.environ.get("ZHUANHUA_WAREHOUSE_URL") or _airflow_connection_url(),
        hold_share=hold_share,
        person_key=person_key,
    )


def _airflow_connection_url() -> str | None:
    """The Airflow connection `zhuanhua_warehouse` given the way Airflow reads connections
    from the environment (AIRFLOW_CONN_ZHUANHUA_WAREHOUSE, a URI or JSON), so a deployment
    can keep one definition for Airflow's hooks and for the project."""
    value = os.environ.get("AIRFLOW_CONN_ZHUANHUA_WAREHOUSE", "").strip()
    if not value:
        return None
    if value.startswith("{"):
        import json
        from urllib.parse import quote

        c = json.loads(value)
        login = quote(c.get("login") or "", safe="")
        secret = f":{quote(c['password'], safe='')}" if c.get("password") else ""
        credentials = f"{login}{secret}@" if login else ""
        return (f"postgresql://{credentials}{c.get('host') or '127.0.0.1'}:"
                f"{c.get('port') or 5432}/{c.get('schema') or 'warehouse'}")
    return re.sub(r"^postgres(ql)?://", "postgresql://", value)
