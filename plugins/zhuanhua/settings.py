"""Every `ZHUANHUA_*` setting, read from the environment in one place and passed down.

Entry points (the CLI, the DAG files, Airflow's callbacks, the test suite) call
`load_settings()` once; every other module takes a `Settings` argument. Project-local
defaults make a fresh clone work with no variable set.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path

from zhuanhua.errors import ConfigError

# The project's files (dbt project, DAGs, expectations): beside the package in a checkout; an
# image that installs the package sets ZHUANHUA_PROJECT to where it copied them.
PROJECT_ROOT = Path(os.environ.get("ZHUANHUA_PROJECT") or Path(__file__).resolve().parents[2])
DBT_PROJECT = PROJECT_ROOT / "dbt_project"
SEEDS = DBT_PROJECT / "seeds"  # the code tables: read by the checks, the models and exports
GX_PROJECT = PROJECT_ROOT / "expectations"
DAGS_FOLDER = PROJECT_ROOT / "dags"
DEFAULT_REGION = "510500"  # 泸州
TIMEZONE = "Asia/Shanghai"  # the bureau's day: business dates and the nightly schedule
NIGHTLY_RUN = time(2, 0)  # the night's run starts then, for the day before


def venv_command(name: str) -> str:
    """A console script installed beside this Python (dbt, airflow), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


@dataclass(frozen=True)
class Limits:
    """How much of a delivered file the pipeline reads, checked before it allocates: a file
    past a limit is rejected (a JSON line past one is a bad row), with the limit named.

    The defaults are an order of magnitude above anything the feeds deliver at national
    scale (a day's patents file is about 20 MB, rows have at most 25 columns, records nest
    three deep) and far below what exhausts a 24 GB machine.
    """

    file_bytes: int = 256 * 1024**2  # ZHUANHUA_MAX_FILE_BYTES: the file is held in memory
    columns: int = 256  # ZHUANHUA_MAX_COLUMNS: in a header or a row
    cell_chars: int = 32_768  # ZHUANHUA_MAX_CELL_CHARS: a CSV field; any typed text value
    line_bytes: int = 1024**2  # ZHUANHUA_MAX_LINE_BYTES: one JSON line
    json_depth: int = 32  # ZHUANHUA_MAX_JSON_DEPTH: nesting of one JSON line
    xlsx_cells: int = 10_000_000  # ZHUANHUA_MAX_XLSX_CELLS: rows × columns of the first sheet


DEFAULT_LIMITS = Limits()
LIMIT_VARIABLES = {
    "file_bytes": "ZHUANHUA_MAX_FILE_BYTES",
    "columns": "ZHUANHUA_MAX_COLUMNS",
    "cell_chars": "ZHUANHUA_MAX_CELL_CHARS",
    "line_bytes": "ZHUANHUA_MAX_LINE_BYTES",
    "json_depth": "ZHUANHUA_MAX_JSON_DEPTH",
    "xlsx_cells": "ZHUANHUA_MAX_XLSX_CELLS",
}


@dataclass(frozen=True)
class Settings:
    home: Path
    landing: str
    region: str
    warehouse_url: str | None  # None: the Airflow connection below, else the embedded server
    # An Airflow connection id (UI, secrets backend or AIRFLOW_CONN_*): read where Airflow
    # runs (zhuanhua.ops.connections), so its TLS options and rotation apply
    warehouse_conn_id: str | None = None
    landing_conn_id: str | None = None  # an object store's Airflow connection (s3://… landing)
    hold_share: float = 0.2  # a file with more bad rows than this share is held whole
    person_key: bytes | None = None  # key of the personal-data hash; None: the warehouse's own
    loan_banks: tuple[str, ...] = ()  # banks whose daily file is due; (): every bank seen
    retries: int = 3  # retries of a transient fault
    retry_delay_seconds: float = 60.0  # the first pause; it doubles
    task_timeout_minutes: float = 120.0  # a task running longer is failed and alerted
    run_deadline_hours: float = 6.0  # a night's run not done by then is failed and alerted
    alert_email: str | None = None  # recipients of the SMTP channel (ops/alerts.py)
    alert_from: str = "zhuanhua@localhost"
    # Airflow's metadata database when it is not the `airflow` database beside the warehouse
    # (AIRFLOW__DATABASE__SQL_ALCHEMY_CONN, Airflow's own variable)
    airflow_metadata_url: str | None = None
    limits: Limits = DEFAULT_LIMITS
    # Airflow roles of the data steward (ZHUANHUA_STEWARD_ROLES): users with one of them see
    # held rows in clear and decide on them in the steward console; anyone else who may use
    # Airflow's UI sees the queue masked. Simple auth manager's roles are viewer, user, op,
    # admin; with another auth manager, name the role made for stewards.
    steward_roles: tuple[str, ...] = ("op", "admin")

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def dbt_project_dir(self) -> Path:
        return DBT_PROJECT

    @property
    def dags_folder(self) -> Path:
        return DAGS_FOLDER

    @property
    def gx_state(self) -> Path:
        """Where validation results and Data Docs go: local state, not the project folder."""
        return self.home / "gx"

    @property
    def logs(self) -> Path:
        return self.home / "logs"

    @property
    def city_prefix(self) -> str:
        """The first four digits every division code of the city starts with."""
        return self.region[:4]


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the ZHUANHUA_* variables; defaults live under the project's `.zhuanhua/` folder."""
    env = os.environ if environ is None else environ
    home = Path(env.get("ZHUANHUA_HOME") or PROJECT_ROOT / ".zhuanhua").resolve()
    region = env.get("ZHUANHUA_REGION") or DEFAULT_REGION
    if not re.fullmatch(r"\d{6}", region):
        raise ConfigError(f"ZHUANHUA_REGION must be a 6-digit division code, got {region!r}")
    return Settings(
        home=home,
        landing=env.get("ZHUANHUA_LANDING") or str(home / "landing"),
        region=region,
        warehouse_url=env.get("ZHUANHUA_WAREHOUSE_URL") or None,
        warehouse_conn_id=env.get("ZHUANHUA_WAREHOUSE_CONN_ID") or None,
        landing_conn_id=env.get("ZHUANHUA_LANDING_CONN_ID") or None,
        hold_share=_hold_share(env.get("ZHUANHUA_HOLD_SHARE")),
        person_key=_person_key(env.get("ZHUANHUA_PERSON_KEY")),
        loan_banks=tuple(
            b.strip().upper() for b in env.get("ZHUANHUA_LOAN_BANKS", "").split(",") if b.strip()
        ),
        retries=_number("ZHUANHUA_RETRIES", env.get("ZHUANHUA_RETRIES"), 3, int),
        retry_delay_seconds=_number(
            "ZHUANHUA_RETRY_DELAY_SECONDS", env.get("ZHUANHUA_RETRY_DELAY_SECONDS"), 60.0, float
        ),
        task_timeout_minutes=_number(
            "ZHUANHUA_TASK_TIMEOUT_MINUTES", env.get("ZHUANHUA_TASK_TIMEOUT_MINUTES"), 120.0, float
        ),
        run_deadline_hours=_number(
            "ZHUANHUA_RUN_DEADLINE_HOURS", env.get("ZHUANHUA_RUN_DEADLINE_HOURS"), 6.0, float
        ),
        alert_email=env.get("ZHUANHUA_ALERT_EMAIL") or None,
        alert_from=env.get("ZHUANHUA_ALERT_FROM") or "zhuanhua@localhost",
        airflow_metadata_url=env.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN") or None,
        limits=_limits(env),
        steward_roles=tuple(
            r.strip().lower()
            for r in (env.get("ZHUANHUA_STEWARD_ROLES") or "op,admin").split(",")
            if r.strip()
        ),
    )


def _limits(env: Mapping[str, str]) -> Limits:
    return Limits(
        **{
            field: _positive(variable, env.get(variable), getattr(DEFAULT_LIMITS, field))
            for field, variable in LIMIT_VARIABLES.items()
        }
    )


def _positive(name: str, text: str | None, default: int) -> int:
    value = _number(name, text, default, int)
    if value < 1:
        raise ConfigError(f"{name} must be a whole number above 0, got {text!r}")
    return value


def _hold_share(text: str | None) -> float:
    share = _number("ZHUANHUA_HOLD_SHARE", text, 0.2, float)
    if not 0 < share <= 1:
        raise ConfigError("ZHUANHUA_HOLD_SHARE must be a number between 0 and 1")
    return share


def _number(name: str, text: str | None, default, kind):
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ConfigError(f"{name} must be a {kind.__name__} number, got {text!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {text!r}")
    return value


def _person_key(text: str | None) -> bytes | None:
    try:
        key = bytes.fromhex(text or "") or None
    except ValueError:
        raise ConfigError("ZHUANHUA_PERSON_KEY must be hexadecimal (32 bytes or more)") from None
    if key is not None and len(key) < 32:
        raise ConfigError("ZHUANHUA_PERSON_KEY must be 32 bytes (64 hex digits) or more")
    return key
