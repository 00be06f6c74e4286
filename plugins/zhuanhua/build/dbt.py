"""Run dbt against the warehouse, with the connection taken from the settings."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from zhuanhua.errors import TransformError
from zhuanhua.load.connection import warehouse_url
from zhuanhua.settings import Settings, venv_command


def dbt_env(settings: Settings) -> dict[str, str]:
    """The variables `dbt_project/profiles.yml` reads, derived from the warehouse URL."""
    url = urlsplit(warehouse_url(settings))
    return {
        "ZHUANHUA_DB_HOST": url.hostname or "127.0.0.1",
        "ZHUANHUA_DB_PORT": str(url.port or 5432),
        "ZHUANHUA_DB_USER": unquote(url.username or ""),
        "ZHUANHUA_DB_PASSWORD": unquote(url.password or ""),
        "ZHUANHUA_DB_NAME": url.path.lstrip("/") or "warehouse",
        **dbt_project_env(settings),
    }


def dbt_project_env(settings: Settings) -> dict[str, str]:
    """What dbt needs besides the connection: the region, where its state goes, no telemetry."""
    state = settings.home / "dbt"
    return {
        "ZHUANHUA_REGION": settings.region,
        "DBT_TARGET_PATH": str(state / "target"),
        "DBT_LOG_PATH": str(state / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
    }


def run_dbt(settings: Settings, *args: str) -> str:
    """Run one dbt command; return its output, or raise with the failing part of it."""
    env = {**os.environ, **dbt_env(settings)}
    done = subprocess.run(
        [venv_command("dbt"), *args],
        env=env,
        cwd=settings.dbt_project_dir,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stdout.strip().splitlines()[-25:])
        raise TransformError(
            f"dbt {' '.join(args)} failed (exit {done.returncode}):\n{tail}{done.stderr.strip()}"
        )
    return done.stdout


def build(settings: Settings) -> str:
    """Seeds, models and tests in dependency order: one `dbt build`."""
    return run_dbt(settings, "build")


def docs_site(settings: Settings) -> Path:
    """The folder `make docs` serves: dbt's docs as one page."""
    return settings.home / "dbt_docs"


def generate_docs(settings: Settings) -> Path:
    """dbt's docs with the warehouse's catalogue, as one self-contained page (`--static`:
    manifest and catalogue inlined, so it needs no server of its own and nothing outside;
    dbt's page tracks usage only when the manifest says so, and DBT_SEND_ANONYMOUS_USAGE_STATS
    is false here). Returns the page."""
    # a target of its own: the build's manifest (Cosmos renders the DAG from it) is left alone
    target = settings.home / "dbt" / "docs_target"
    run_dbt(settings, "docs", "generate", "--static", "--target-path", str(target))
    site = docs_site(settings)
    site.mkdir(parents=True, exist_ok=True)
    page = site / "index.html"
    partial = site / "index.html.partial"
    for name in ("manifest.json", "catalog.json"):  # the page asks for them, though inlined
        shutil.copyfile(target / name, site / name)
    shutil.copyfile(target / "static_index.html", partial)
    os.replace(partial, page)
    return page


def manifest_path(settings: Settings) -> Path:
    """Where dbt's manifest of the project is written (by `manifest`)."""
    return settings.home / "dbt" / "target" / "manifest.json"


def manifest(settings: Settings) -> Path:
    """dbt's manifest of the project, parsed again when any project file is newer.

    Cosmos renders the warehouse DAG's dbt tasks from it; `dbt parse` needs no database.
    """
    path = manifest_path(settings)
    project = settings.dbt_project_dir
    sources = [f for folder in ("models", "seeds", "macros") for f in (project / folder).rglob("*")]
    newest = max(f.stat().st_mtime for f in [*sources, project / "dbt_project.yml"])
    if not path.exists() or path.stat().st_mtime < newest:
        run_dbt(settings, "parse")
    return path
