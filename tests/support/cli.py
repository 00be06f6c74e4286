"""The installed command line, run as an operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def zhuanhua_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("zhuanhua")
    return subprocess.run(
        [str(exe), *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
