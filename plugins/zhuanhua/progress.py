"""How a long job tells whoever started it how far it is: a callback, so the stages stay free of
terminals. The CLI draws it with rich (zhuanhua/cli/progress.py); tests record it."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(
        self, label: str, completed: int, total: int | None = None, detail: str = ""
    ) -> None:
        """`label` names one bar (a feed, a night's DAG run); `completed` of `total` so far."""
