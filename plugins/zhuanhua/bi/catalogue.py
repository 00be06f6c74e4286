"""The marts as the dbt docs describe them: the one source of the dashboards' labels.

Every mart column's description ends in its Chinese label (`… . 产出年份`, checked by
`tests/bi/test_catalogue.py`): Superset shows the label as the column's name and the whole
description as its tooltip, so a column renamed or re-described in dbt is re-labelled at the
next set-up, with nothing copied by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from zhuanhua.settings import DBT_PROJECT

_CJK = re.compile(r"[\u4e00-\u9fff]")


@dataclass(frozen=True)
class Column:
    name: str
    data_type: str
    label: str
    description: str


@dataclass(frozen=True)
class Mart:
    name: str
    label: str
    description: str
    columns: dict[str, Column]


def label_of(description: str) -> str:
    """The Chinese label that ends a description (`English. 中文`), else the description."""
    last = description.strip().rsplit(". ", 1)[-1].strip()
    return last if _CJK.search(last) else description.strip()


def marts(project: Path = DBT_PROJECT) -> dict[str, Mart]:
    """Every mart model of the dbt project, by name, with its documented columns."""
    found: dict[str, Mart] = {}
    for path in sorted((project / "models" / "marts").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            description = " ".join(model.get("description", "").split())
            columns = {
                c["name"]: Column(
                    c["name"],
                    c.get("data_type", "text"),
                    label_of(" ".join(c.get("description", "").split())),
                    " ".join(c.get("description", "").split()),
                )
                for c in model.get("columns", [])
            }
            found[model["name"]] = Mart(model["name"], label_of(description), description, columns)
    return found
