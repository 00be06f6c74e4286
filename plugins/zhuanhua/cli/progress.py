"""Progress bars for the long commands (synth, bench, run, backfill, export), drawn with rich
on the terminal's error stream: nothing when it is not a terminal or with --quiet, so logs and
pipes get only the command's own lines."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from zhuanhua.progress import Progress


def add_quiet(command) -> None:
    command.add_argument("--quiet", action="store_true", help="no progress bars")


@contextmanager
def progress_bars(args) -> Iterator[Progress | None]:
    """A `Progress` callback drawing one bar per label, or None when nothing is to be drawn."""
    if getattr(args, "quiet", False) or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )
    from rich.progress import (
        Progress as Bars,
    )

    bars = Bars(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[detail]}", style="dim"),
        console=Console(stderr=True),
    )
    shown: dict[str, int] = {}

    def report(label: str, completed: int, total: int | None = None, detail: str = "") -> None:
        if label not in shown:
            shown[label] = bars.add_task(label, total=total, detail=detail)
        bars.update(shown[label], completed=completed, total=total, detail=detail)

    with bars:
        yield report
