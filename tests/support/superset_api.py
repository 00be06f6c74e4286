"""Superset's REST API as a dashboard's charts use it: a chart's data as its user sees it."""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass

from tests.support.json_api import JsonApi


@dataclass
class SupersetApi(JsonApi):
    prefix = "/api/v1"

    def chart(self, title: str) -> dict:
        """The chart of that title, with its form data (params) parsed."""
        query = urllib.parse.quote(
            f"(filters:!((col:slice_name,opr:eq,value:'{title}')),columns:!(id))"
        )
        found = self.call("GET", f"/chart/?q={query}")["result"]
        assert len(found) == 1, f"{len(found)} charts titled {title!r}"
        chart = self.call("GET", f"/chart/{found[0]['id']}")["result"]
        return chart | {"form_data": json.loads(chart["params"])}

    def chart_rows(self, title: str) -> list[dict]:
        """What the chart queries (its groups, columns, metrics and filters), run as the user."""
        chart = self.chart(title)
        form = chart["form_data"]
        dataset_id = int(form["datasource"].split("__")[0])
        columns = form.get("groupby") or form.get("all_columns") or []
        if form.get("x_axis"):
            columns = [form["x_axis"], *columns]
        metrics = form.get("metrics") or ([form["metric"]] if form.get("metric") else [])
        where = [f["sqlExpression"] for f in form["adhoc_filters"] if f["expressionType"] == "SQL"]
        query = {
            "columns": columns,
            "metrics": metrics,
            "row_limit": 10_000,
            "filters": [],
            "extras": {"where": " and ".join(f"({w})" for w in where)},
        }
        body = {
            "datasource": {"id": dataset_id, "type": "table"},
            "force": True,
            "queries": [query],
            "result_format": "json",
            "result_type": "full",
        }
        return self.call("POST", "/chart/data", body)["result"][0]["data"]

    def _login(self) -> str:
        body = {"username": self.username, "password": self.password, "provider": "db"}
        return self._post_for_token("/api/v1/security/login", body | {"refresh": False})
