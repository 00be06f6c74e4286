"""The dbt exposures name what each dashboard and the provincial feed read, no more, no less."""

from __future__ import annotations

import re

import yaml

from zhuanhua.bi.bundle import load_spec
from zhuanhua.settings import DBT_PROJECT, PROJECT_ROOT

EXPOSURES = DBT_PROJECT / "models" / "marts" / "_marts__exposures.yml"
MART = re.compile(r"\bmarts\.(\w+)")
REF = re.compile(r"ref\('(\w+)'\)")
SOURCE = re.compile(r"source\('\w+', '(\w+)'\)")


def exposures() -> dict[str, dict]:
    found = yaml.safe_load(EXPOSURES.read_text(encoding="utf-8"))["exposures"]
    return {e["name"]: e for e in found}


def read_by(board: dict, datasets: dict) -> tuple[set[str], set[str]]:
    """The marts a dashboard's charts read, and the loader's tables (dbt sources)."""
    names: set[str] = set()
    loads: set[str] = set()
    for row in board["rows"]:
        for chart in row:
            entry = datasets[chart["dataset"]]
            if entry.get("schema", "marts") == "marts" and "table" in entry:
                names.add(entry["table"])
            elif "table" in entry:
                loads.add(entry["table"])
            names |= set(MART.findall(entry.get("sql", "")))
            if entry.get("county_names"):
                names.add("dim_division")
    return names, loads


def test_each_dashboard_exposure_depends_on_the_marts_its_charts_read():
    spec = load_spec()
    by_url = {e.get("url", "").rstrip("/").rsplit("/", 1)[-1]: e for e in exposures().values()}
    for slug, board in spec["dashboards"].items():
        exposure = by_url[slug]
        assert exposure["label"] == board["title"]
        refs = {name for d in exposure["depends_on"] for name in REF.findall(d)}
        sources = {name for d in exposure["depends_on"] for name in SOURCE.findall(d)}
        assert (refs, sources) == read_by(board, spec["datasets"]), slug


def test_the_provincial_feed_exposure_depends_on_the_marts_the_export_reads():
    code = " ".join(
        p.read_text(encoding="utf-8")
        for p in (PROJECT_ROOT / "plugins/zhuanhua/export").glob("*.py")
    )
    read = set(MART.findall(code))
    exposure = exposures()["provincial_statistics_feed"]
    assert {name for d in exposure["depends_on"] for name in REF.findall(d)} == read
