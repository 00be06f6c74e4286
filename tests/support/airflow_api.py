"""Airflow's REST API (v2) as an operator uses it: a token from the login, then JSON calls."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tests.support.json_api import JsonApi


@dataclass
class AirflowApi(JsonApi):
    prefix = "/api/v2"

    def _login(self) -> str:
        return self._post_for_token(
            "/auth/token", {"username": self.username, "password": self.password}
        )

    def unpause(self, dag_id: str) -> None:
        self.call("PATCH", f"/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str, conf: dict, logical_date: str | None = None) -> str:
        body = {"conf": conf, "logical_date": logical_date}
        return self.call("POST", f"/dags/{dag_id}/dagRuns", body)["dag_run_id"]

    def runs(self, dag_id: str) -> list[dict]:
        return self.call("GET", f"/dags/{dag_id}/dagRuns?order_by=run_after&limit=100")["dag_runs"]

    def run(self, dag_id: str, run_id: str) -> dict:
        return self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}")

    def task_instances(self, dag_id: str, run_id: str) -> list[dict]:
        found = self.call("GET", f"/dags/{dag_id}/dagRuns/{run_id}/taskInstances?limit=1000")
        return found["task_instances"]

    def wait_for_run(self, dag_id: str, seconds: float, run_id: str | None = None) -> dict:
        """The run (or the DAG's first run) once it has ended."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            runs = [self.run(dag_id, run_id)] if run_id else self.runs(dag_id)
            if runs and runs[0]["state"] in ("success", "failed"):
                return runs[0]
            time.sleep(2)
        raise TimeoutError(f"{dag_id} {run_id or ''} did not end within {seconds:.0f} s")
