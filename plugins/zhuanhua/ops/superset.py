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
from urllib.parse import urlsplit

import psutil
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
# the login in the connection string: Superset uses it only where no user is (its own checks);
# every user's query runs as that user's login
SERVICE_LOGIN = "superset_service"
START_TIMEOUT_SECONDS = 180


@dataclass(frozen=True)
class Login:
    """A Superset user and the warehouse login it queries as (the same name)."""

    username: str
    first_name: str
    superset_role: str  # Admin, or Reader (the marts' dashboards)
    warehouse_role: str  # a group role of docs/security.md
    county: str | None = None


# The demo's people: the bureau's administrator, an analyst, one county's analyst. None is a
# steward: nothing in Superset reads persons in clear (the data-quality dashboard reads the
# loads' counts and rule names, which analysts may read).
LOGINS = (
    Login("bureau", "科技局", "Admin", "analyst"),
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
        made = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        made = {}
    if all(login.username in made for login in LOGINS):
        return made
    made = {
        login.username: made.get(login.username) or secrets.token_urlsafe(12) for login in LOGINS
    }
    _write_private(path, json.dumps(made))
    return made


def _write_private(path: Path, text: str) -> None:
    """Readable by this user only from the start (never a moment readable by others)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)


def set_up(settings: Settings, conn: psycopg.Connection) -> None:
    """Superset's metadata up to date, the warehouse logins, users, and the dashboards."""
    _require_venv()
    folder = home(settings)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    key = folder / "secret_key"
    if not key.exists():
        _write_private(key, secrets.token_urlsafe(42))
    apply_roles(conn)  # the analysts' grants on the loads' record (data quality)
    add_login(conn, "analyst", SERVICE_LOGIN, None)
    for login in LOGINS:
        if login.county:
            add_county(conn, login.county, login.username, settings.region, None)
        else:
            add_login(conn, login.warehouse_role, login.username, None)
    _superset(settings, "db", "upgrade")
    _superset(settings, "init")
    bundle = folder / "dashboards.zip"
    spec = load_spec()
    bundle.write_bytes(bundle_zip(bundle_files(spec, marts(), _service_uri(settings))))
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
        "dashboard_roles": {slug: board["roles"] for slug, board in spec["dashboards"].items()},
    }
    _run(settings, [_bin("python"), str(PROVISION)], json.dumps(request), "provision")


def _service_uri(settings: Settings) -> str:
    """The warehouse as Superset's SQLAlchemy URL, as the service login (no password kept)."""
    url = urlsplit(warehouse_url(settings))
    return f"postgresql+psycopg2://{SERVICE_LOGIN}@{url.hostname}:{url.port or 5432}{url.path}"


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
    try:
        _wait_healthy(f"http://127.0.0.1:{port}", process)
    except ConfigError:
        stop(settings)  # nothing half-started is left, nor a pid file that says it runs
        raise
    return url(settings)


def url(settings: Settings) -> str:
    return f"http://127.0.0.1:{_state(settings)['port']}"


def running(settings: Settings) -> bool:
    """Our gunicorn still runs: a pid file left by a reboot may name another process now."""
    pid = _state(settings).get("pid")
    if not pid:
        return False
    try:
        command = " ".join(psutil.Process(pid).cmdline())
    except psutil.Error:
        return False
    return "gunicorn" in command and "superset" in command


def stop(settings: Settings) -> bool:
    """End the server and its workers; False if none was running."""
    state = _state(settings)
    if not running(settings):
        (home(settings) / "superset.json").unlink(missing_ok=True)
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
