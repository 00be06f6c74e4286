"""`zhuanhua airflow …`: any `airflow` command with the project's Airflow configuration."""

from __future__ import annotations

import argparse
import os

from zhuanhua.ops.orchestrate import airflow_env, airflow_executable
from zhuanhua.settings import Settings


def add_commands(verbs) -> None:
    airflow = verbs.add_parser("airflow", help="run an `airflow` command in the project's setup")
    airflow.add_argument("airflow_args", nargs=argparse.REMAINDER)
    airflow.set_defaults(handler=run_airflow)


def run_airflow(args, settings: Settings) -> int:
    os.environ.update(airflow_env(settings))
    # `airflow standalone` starts its components as `airflow …` found on PATH
    bin_dir = os.path.dirname(airflow_executable())
    os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    os.execv(airflow_executable(), ["airflow", *args.airflow_args])
