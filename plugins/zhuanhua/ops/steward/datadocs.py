"""Which Data Docs page shows a file's validation, and the site's files served safely.

GX names a validation's page by suite and run time
(`validations/<feed>/__none__/<YYYYmmddTHHMMSS.ffffffZ>/landed_files-rows.html`); a file's
rows are checked while its load runs, so its page is the feed's validation whose run time
falls between the ledger's start and finish of that file's load.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from zhuanhua.check.results import BATCH_ID
from zhuanhua.check.suite import data_docs_index

SLACK = timedelta(seconds=2)  # the ledger's clock and GX's run time are read apart


def site_root(gx_state: Path) -> Path:
    return data_docs_index(gx_state).parent


def validation_page(gx_state: Path, feed: str, started: datetime, finished: datetime) -> str | None:
    """The page's path inside the site, or None when it is not (or no longer) rendered."""
    folder = site_root(gx_state) / "validations" / feed / "__none__"
    if not folder.is_dir():
        return None
    for run in sorted(folder.iterdir()):
        try:
            at = datetime.strptime(run.name, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        page = run / f"{BATCH_ID}.html"
        if started - SLACK <= at <= finished + SLACK and page.exists():
            return page.relative_to(site_root(gx_state)).as_posix()
    return None


def site_file(gx_state: Path, path: str) -> Path | None:
    """A file of the site by its path in the URL, never one outside it."""
    root = site_root(gx_state).resolve()
    target = (root / (path or "index.html")).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target
