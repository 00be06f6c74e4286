"""The package's stages import downward only (pyproject's [tool.importlinter]), and a module
that imports upward breaks `make lint`."""

import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(package_parent: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(package_parent), "PATH": "/usr/bin"},
        check=False,
    )


def test_the_package_keeps_its_import_contracts():
    done = lint_imports(PROJECT / "plugins")
    assert done.returncode == 0, done.stdout
    assert "broken" in done.stdout and "0 broken" in done.stdout


def test_an_upward_import_breaks_the_contract(tmp_path):
    copy = tmp_path / "plugins"
    shutil.copytree(
        PROJECT / "plugins" / "zhuanhua",
        copy / "zhuanhua",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    feeds = copy / "zhuanhua" / "domain" / "feeds.py"
    feeds.write_text(
        feeds.read_text("utf-8") + "\nfrom zhuanhua.load import loader  # upward\n", "utf-8"
    )
    done = lint_imports(copy)
    assert done.returncode != 0
    assert "Stages import downward only BROKEN" in done.stdout
    assert "zhuanhua.domain.feeds -> zhuanhua.load.loader" in done.stdout


def test_every_module_of_the_package_imports():
    """A module no test reaches (the bench) still imports: a moved name fails here."""
    import importlib
    import pkgutil

    import zhuanhua

    for module in pkgutil.walk_packages(zhuanhua.__path__, "zhuanhua."):
        if not module.name.endswith("__main__"):  # that one runs the CLI
            importlib.import_module(module.name)
