"""Apache Superset over the marts (`make bi`, docs/dashboards.md), run from its own venv.

Superset's pins clash with Airflow's, so it lives in `.venv-bi` (made by the Makefile from
`bi/requirements.lock`) and this module drives it as a program: its metadata (SQLite) and
secret key under `<ZHUANHUA_HOME>/superset`, the dashboards' bundle built from
`bi/dashboards.yaml` and the dbt docs and imported at each set-up, and a gunicorn server on
127.0.0.1. Each Superset user queries the warehouse as the login of the same name, which the
set-up makes in the warehouse's group roles, so county row security holds in every chart.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psycopg

from zhuanhua.bi.bundle import bundle_files, bundle_zip, load_spec
from zhuanhua.bi.catalogue import marts
from zhuanhua.errors import ConfigError
from zhuanhua.load.connection import warehouse_url
from zhuanhua.security.access import add_county, add_login, apply_roles
from zhuanhua.settings import PROJECT_ROOT, Settings

BI_VENV = Path(os.environ.get("ZHUANHUA_BI_VENV") or PROJECT_ROOT / ".venv-bi")
CONFIG = PROJECT_ROOT / "bi" / "superset_config.py"
PROVISION = PROJECT_ROOT / "bi" / "provision.py"
DEFAULT_PORT = 8088
START_TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class Login:
    """A Superset user and the warehouse login it queries as (the same name)."""

    username: str
    first_name: str
    superset_role: str  # Admin, or Reader (the marts' dashboards)
    warehouse_role: str  # a group role of docs/security.md
    county: str | None = None


# The demo's people: the bureau's operator and steward, an analyst, one county's analyst.
LOGINS = (
    Login("bureau", "科技局", "Admin", "steward"),
    Login("fenxi", "分析员", "Reader", "analyst"),
    Login("jiangyang", "江阳区", "Reader", "county_analyst", county="510502"),
)


def home(settings: Settings) -> Path:
    return settings.home / "superset"


def environment(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "SUPERSET_CONFIG_PATH": str(CONFIG),
        "ZHUANHUA_SUPERSET_HOME": str(home(settings)),
        "FLASK_APP": "superset.app:create_app()",
        "SUPERSET_LOAD_EXAMPLES": "no",
        "SCARF_ANALYTICS": "false",
    }


def passwords(settings: Settings) -> dict[str, str]:
    """Each demo login's Superset password: made once, kept readable by this user only."""
    path = home(settings) / "logins.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        made = {login.username: secrets.token_urlsafe(12) for login in LOGINS}
        path.write_text(json.dumps(made), encoding="utf-8")
        path.chmod(0o600)
        return made


def set_up(settings: Settings, conn: psycopg.Connection) -> None:
    """Superset's metadata up to date, the warehouse logins, users, and the dashboards."""
    _require_venv()
    folder = home(settings)
    folder.mkdir(parents=True, exist_ok=True)
    key = folder / "secret_key"
    if not key.exists():
        key.write_text(secrets.token_urlsafe(42), encoding="utf-8")
        key.chmod(0o600)
    apply_roles(conn)  # the steward's grants on the loader's schemas (data quality)
    for login in LOGINS:
        if login.county:
            add_county(conn, login.county, login.username, settings.region, None)
        else:
            add_login(conn, login.warehouse_role, login.username, None)
    _superset(settings, "db", "upgrade")
    _superset(settings, "init")
    bundle = folder / "dashboards.zip"
    uri = warehouse_url(settings).replace("postgresql://", "postgresql+psycopg2://", 1)
    bundle.write_bytes(bundle_zip(bundle_files(load_spec(), marts(), uri)))
    made = passwords(settings)
    request = {
        "users": [
            {
                "username": login.username,
                "first_name": login.first_name,
                "role": login.superset_role,
                "password": made[login.username],
            }
            for login in LOGINS
        ],
        "mart_schemas": ["marts"],
        "bundle": str(bundle),
        "owner": LOGINS[0].username,
    }
    _run(settings, [_bin("python"), str(PROVISION)], json.dumps(request), "provision")


def start(settings: Settings, port: int = DEFAULT_PORT) -> str:
    """Superset's web server in its own session; returns its URL once it answers."""
    if running(settings):
        return url(settings)
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise ConfigError(f"port {port} is taken; choose another with --port")
    log = (home(settings) / "superset.log").open("ab")
    command = [
        _bin("gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--timeout",
        "120",
        "superset.app:create_app()",
    ]
    process = subprocess.Popen(
        command,
        env=environment(settings),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=home(settings),
    )
    (home(settings) / "superset.json").write_text(json.dumps({"pid": process.pid, "port": port}))
    _wait_healthy(f"http://127.0.0.1:{port}", process)
    return url(settings)


def url(settings: Settings) -> str:
    return f"http://127.0.0.1:{_state(settings)['port']}"


def running(settings: Settings) -> bool:
    pid = _state(settings).get("pid")
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop(settings: Settings) -> bool:
    """End the server and its workers; False if none was running."""
    state = _state(settings)
    if not running(settings):
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 30
    while running(settings) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(state["pid"], os.WNOHANG)
        time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(state["pid"], signal.SIGKILL)
    (home(settings) / "superset.json").unlink(missing_ok=True)
    return True


def _state(settings: Settings) -> dict:
    try:
        return json.loads((home(settings) / "superset.json").read_text())
    except (FileNotFoundError, ValueError):
        return {}


def _wait_healthy(base: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"Superset stopped at start (exit {process.returncode})")
        with (
            contextlib.suppress(urllib.error.URLError, OSError),
            urllib.request.urlopen(f"{base}/health", timeout=2) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise ConfigError(f"Superset did not answer on {base} within {START_TIMEOUT_SECONDS} s")


def _require_venv() -> None:
    if not Path(_bin("superset")).exists():
        raise ConfigError(
            f"Superset's environment {BI_VENV} is missing: `make bi` makes it "
            "(from bi/requirements.lock)"
        )


def _bin(name: str) -> str:
    return str(BI_VENV / "bin" / name)


def _superset(settings: Settings, *args: str) -> None:
    _run(settings, [_bin("superset"), *args], None, f"superset {' '.join(args)}")


def _run(settings: Settings, command: list[str], stdin: str | None, what: str) -> None:
    log = home(settings) / "set-up.log"
    with log.open("a", encoding="utf-8") as out:
        done = subprocess.run(
            command,
            input=stdin,
            env=environment(settings),
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
        )
    if done.returncode != 0:
        print(log.read_text(encoding="utf-8")[-3000:], file=sys.stderr)
        raise ConfigError(f"Superset set-up failed at {what} (exit {done.returncode}); see {log}")
