"""Airflow's API server started as `make airflow` starts it (the project's Airflow settings,
the steward console among its plugins), on a free local port, for browser tests."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from zhuanhua.ops.orchestrate import airflow_env, airflow_executable
from zhuanhua.settings import Settings


@contextlib.contextmanager
def api_server(settings: Settings, log: Path, timeout: float = 180) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"http://127.0.0.1:{port}"
    command = [airflow_executable(), "api-server", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env={**os.environ, **airflow_env(settings)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_healthy(address, process, log, timeout)
        yield address
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def passwords(settings: Settings) -> dict[str, str]:
    """The logins' passwords the simple auth manager generated at the server's start."""
    generated = settings.airflow_home / "simple_auth_manager_passwords.json.generated"
    return json.loads(generated.read_text())


def _wait_healthy(address: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API server ended: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{address}/api/v2/monitor/health", timeout=5):
                return
        except OSError:
            time.sleep(1)
    raise RuntimeError(f"the API server did not answer in {timeout} s: {log.read_text()[-3000:]}")
