"""sqlfluff over the dbt project with the dbt templater, as `make lint` runs it.

The dbt templater compiles the project through dbt, and dbt-postgres opens a connection to
compile: so the lint runs in the same environment as a build, against the configured
warehouse or the embedded server. A server this command had to start is stopped again.
"""

from __future__ import annotations

import os
import subprocess

from zhuanhua.build.dbt import dbt_env
from zhuanhua.load.embedded import EmbeddedServer
from zhuanhua.settings import Settings, venv_command


def run_sqlfluff(settings: Settings, args: list[str]) -> int:
    server = EmbeddedServer(settings.home)
    started = not settings.warehouse_url and not server.is_running()
    if started:
        server.start()
    try:
        done = subprocess.run(
            [venv_command("sqlfluff"), *args],
            cwd=settings.dbt_project_dir,
            env={**os.environ, **dbt_env(settings)},
            check=False,
        )
    finally:
        if started:
            server.stop()
    return done.returncode
