"""Long commands draw progress on a terminal, and nothing on a pipe or with --quiet."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.support.cli import zhuanhua_cli

SYNTH = ["synth", "--start", "2024-06-03", "--days", "3"]


def on_a_terminal(*args: str) -> tuple[int, str]:
    """The command with a pseudo-terminal for its output, as an operator's shell gives it."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("zhuanhua")), *args],
        stdout=follower,
        stderr=follower,
        env={**os.environ, "COLUMNS": "160", "TERM": "xterm"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the follower closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(), b"".join(chunks).decode("utf-8", "replace")


def test_synth_shows_days_files_and_rows_on_a_terminal(tmp_path):
    code, shown = on_a_terminal(*SYNTH, str(tmp_path / "a"))
    assert code == 0, shown
    assert "synth: days" in shown and "3/3" in shown
    written = next(line for line in shown.splitlines() if "wrote " in line)
    files = written.split("wrote ")[1].split()[0]
    assert f"{files} files" in shown.replace(written, "")  # the bar's detail agrees


def test_nothing_is_drawn_on_a_pipe_or_with_quiet(tmp_path):
    piped = zhuanhua_cli(*SYNTH, str(tmp_path / "b"))
    assert piped.returncode == 0 and piped.stderr == ""
    assert piped.stdout.startswith("wrote ")
    code, shown = on_a_terminal(*SYNTH, str(tmp_path / "c"), "--quiet")
    assert code == 0 and "synth: days" not in shown and "wrote " in shown
