"""`bi/dashboards.yaml` as a Superset import bundle (its v1 format: a zip of YAML files).

The spec says what each chart shows in a few words; this module writes the forms Superset
stores (databases, datasets, charts, dashboards with their layout and native filters). A
dataset on a mart takes its columns, types, Chinese labels and descriptions from the dbt
docs (`catalogue`). Every object has a UUID derived from its name, so importing the bundle
again updates the same objects instead of adding copies.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from zhuanhua.bi.catalogue import Mart
from zhuanhua.domain.feeds import FEED_LABELS
from zhuanhua.errors import ConfigError
from zhuanhua.settings import PROJECT_ROOT

SPEC = PROJECT_ROOT / "bi" / "dashboards.yaml"
DATABASE_NAME = "转化数据仓库"
_NAMESPACE = uuid.UUID("6f1c0b1e-4d0a-4f55-9b7e-2a8c3e1d5a70")
_VERSION = "1.0.0"
_EXPORTED_AT = "2026-01-01T00:00:00+00:00"  # fixed: the same spec makes the same bundle
_TEMPORAL = ("date", "timestamp")
_ROW_HEIGHT = 50
# Superset's form data per kind of chart, before the spec's own fields
_VIZ = {
    "table": "table",
    "bar": "echarts_timeseries_bar",
    "pie": "pie",
    "funnel": "funnel",
    "big_number": "big_number_total",
}


def object_uuid(kind: str, name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


@dataclass(frozen=True)
class Dataset:
    key: str
    uuid: str
    columns: dict[str, str]  # name -> Superset type
    config: dict


def load_spec(path: Path = SPEC) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def bundle_files(spec: dict, marts: dict[str, Mart], sqlalchemy_uri: str) -> dict[str, dict]:
    """Every file of the bundle, by its path inside the zip, as the mapping it holds."""
    database_uuid = object_uuid("database", DATABASE_NAME)
    files = {
        "metadata.yaml": {
            "version": _VERSION,
            "type": "assets",
            "timestamp": "2026-01-01T00:00:00+00:00",
        },
        "databases/warehouse.yaml": _database(database_uuid, sqlalchemy_uri),
    }
    datasets = {
        key: _dataset(key, entry, marts, database_uuid) for key, entry in spec["datasets"].items()
    }
    for dataset in datasets.values():
        files[f"datasets/warehouse/{dataset.key}.yaml"] = dataset.config
    chart_id = 0
    titles: set[str] = set()  # a chart's UUID comes from its dashboard and title
    for key, board in spec["dashboards"].items():
        layout = []
        for row in board["rows"]:
            cells = []
            for chart in row:
                chart_id += 1
                dataset = _dataset_of(chart, datasets, key)
                chart_uuid = object_uuid("chart", f"{key}:{chart['title']}")
                if f"{key}:{chart['title']}" in titles:
                    raise ConfigError(f"bi/dashboards.yaml: {key}: two charts {chart['title']!r}")
                titles.add(f"{key}:{chart['title']}")
                files[f"charts/{key}_{chart_id}.yaml"] = _chart(chart, dataset, chart_uuid)
                cells.append((chart_id, chart, chart_uuid, dataset))
            layout.append(cells)
        files[f"dashboards/{key}.yaml"] = _dashboard(key, board, layout, datasets)
    return files


def bundle_zip(files: dict[str, dict]) -> bytes:
    """The files under one folder in a zip, as `superset import-dashboards` reads them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, content in sorted(files.items()):
            text = yaml.safe_dump(content, allow_unicode=True, sort_keys=False)
            # a fixed time stamp: the same spec makes the same bytes
            entry = zipfile.ZipInfo(f"zhuanhua_dashboards/{path}", date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(entry, text, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _database(database_uuid: str, sqlalchemy_uri: str) -> dict:
    return {
        "database_name": DATABASE_NAME,
        "sqlalchemy_uri": sqlalchemy_uri,
        "cache_timeout": None,
        "expose_in_sqllab": True,
        "allow_run_async": False,
        "allow_ctas": False,
        "allow_cvas": False,
        "allow_dml": False,
        "allow_csv_upload": False,
        # each query runs as the Superset user's own warehouse login: row security holds
        "impersonate_user": True,
        "extra": {"allows_virtual_table_explore": True},
        "uuid": database_uuid,
        "version": _VERSION,
    }


def _dataset(key: str, entry: dict, marts: dict[str, Mart], database_uuid: str) -> Dataset:
    if "sql" in entry:  # its schema says whose it is (readers get the marts' datasets)
        columns = [_column(name, *typed) for name, typed in entry["columns"].items()]
        table, schema, description = key, entry.get("schema", "marts"), None
    elif entry.get("schema", "marts") == "marts":
        mart = marts.get(entry["table"])
        if mart is None:
            raise ConfigError(f"bi/dashboards.yaml: dataset {key}: no mart {entry['table']!r}")
        columns = [
            _column(c.name, c.data_type, c.label, c.description) for c in mart.columns.values()
        ]
        table, schema, description = mart.name, "marts", mart.description
    else:
        columns = [_column(name, *typed) for name, typed in entry["columns"].items()]
        table, schema, description = entry["table"], entry["schema"], None
    labels = {c["column_name"]: c["verbose_name"] for c in columns}
    for code in entry.get("county_names", []):
        if code not in labels:
            raise ConfigError(f"bi/dashboards.yaml: dataset {key}: no column {code}")
        columns.append(_county_name(code, labels[code]))
    for code in entry.get("feed_names", []):
        columns.append(_feed_name(code))
    for name, (expression, data_type, label) in entry.get("calculated", {}).items():
        columns.append(_column(name, data_type, label) | {"expression": expression})
    dataset_uuid = object_uuid("dataset", key)
    config = {
        "table_name": table,
        "main_dttm_col": None,
        "description": description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "schema": schema,
        "sql": entry.get("sql"),
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "uuid": dataset_uuid,
        "metrics": [_metric(name, *metric) for name, metric in entry["metrics"].items()],
        "columns": columns,
        "version": _VERSION,
        "database_uuid": database_uuid,
    }
    return Dataset(key, dataset_uuid, {c["column_name"]: c["type"] for c in columns}, config)


def _column(name: str, data_type: str, label: str, description: str | None = None) -> dict:
    return {
        "column_name": name,
        "verbose_name": label,
        "description": description or label,
        "type": data_type.upper(),
        "is_dttm": data_type.lower().startswith(_TEMPORAL),
        "groupby": True,
        "filterable": True,
        "expression": None,
        "python_date_format": None,
        "extra": None,
    }


def _county_name(code_column: str, code_label: str) -> dict:
    """A county's name beside its code, from dim_division (its current name)."""
    column = _column(f"{code_column}_name", "text", f"{code_label}名称")
    column["expression"] = (
        "(select d.division_name from marts.dim_division as d"
        f" where d.division_code = {code_column} and d.is_current)"
    )
    return column


def _feed_name(column: str) -> dict:
    """A feed's Chinese name beside its code (domain.feeds.FEED_LABELS)."""
    cases = " ".join(f"when '{feed}' then '{label}'" for feed, label in FEED_LABELS.items())
    return _column(f"{column}_name", "text", "数据源") | {
        "expression": f"case {column} {cases} else {column} end"
    }


def _metric(name: str, expression: str, label: str, d3format: str | None = None) -> dict:
    return {
        "metric_name": name,
        "verbose_name": label,
        "metric_type": None,
        "expression": expression,
        "description": label,
        "d3format": d3format,
        "extra": None,
        "warning_text": None,
    }


def _dataset_of(chart: dict, datasets: dict[str, Dataset], board: str) -> Dataset:
    dataset = datasets.get(chart["dataset"])
    if dataset is None:
        raise ConfigError(
            f"bi/dashboards.yaml: {board} / {chart['title']}: no dataset {chart['dataset']!r}"
        )
    named = [*chart.get("groupby", []), *chart.get("columns", []), *filter(None, [chart.get("x")])]
    unknown = [c for c in named if c not in dataset.columns]
    if unknown:
        raise ConfigError(
            f"bi/dashboards.yaml: {board} / {chart['title']}: {dataset.key} has no column "
            + ", ".join(unknown)
        )
    metrics = {m["metric_name"] for m in dataset.config["metrics"]}
    missing = [
        m for m in [*chart.get("metrics", []), chart.get("metric")] if m and m not in metrics
    ]
    if missing:
        raise ConfigError(
            f"bi/dashboards.yaml: {board} / {chart['title']}: {dataset.key} has no metric "
            + ", ".join(missing)
        )
    return dataset


def chart_params(chart: dict, dataset: Dataset) -> dict:
    """Superset's form data of one chart of the spec."""
    viz = _VIZ[chart["viz"]]
    params: dict = {"viz_type": viz, "datasource": "1__table", "adhoc_filters": []}
    if chart.get("where"):
        params["adhoc_filters"].append(
            {
                "expressionType": "SQL",
                "clause": "WHERE",
                "sqlExpression": chart["where"],
                "filterOptionName": "spec_where",
            }
        )
    limit = chart.get("limit", 1000)
    if viz == "table" and "columns" in chart:
        params |= {"query_mode": "raw", "all_columns": chart["columns"], "row_limit": limit}
    elif viz == "table":
        params |= {
            "query_mode": "aggregate",
            "groupby": chart["groupby"],
            "metrics": chart["metrics"],
            "row_limit": limit,
            "order_desc": True,
            "server_page_length": 20,
            "show_cell_bars": False,
            "table_timestamp_format": "%Y-%m-%d",
        }
        if "limit" in chart:  # the top ones: ordered by the first metric
            params["timeseries_limit_metric"] = chart["metrics"][0]
    elif viz.startswith("echarts_timeseries"):
        x = chart["x"]
        temporal = dataset.columns[x].lower().startswith(_TEMPORAL)
        params |= {
            "x_axis": x,
            "time_grain_sqla": chart.get("grain", "P1M") if temporal else None,
            "metrics": chart["metrics"],
            "groupby": chart.get("groupby", []),
            "row_limit": 10_000,
            "x_axis_sort_asc": True,
            "show_legend": True,
            "rich_tooltip": True,
            "truncate_metric": True,
            "y_axis_format": "SMART_NUMBER",
        }
        if temporal:
            params["adhoc_filters"].append(
                {
                    "expressionType": "SIMPLE",
                    "clause": "WHERE",
                    "subject": x,
                    "operator": "TEMPORAL_RANGE",
                    "comparator": "No filter",
                }
            )
    elif viz in ("pie", "funnel"):
        params |= {
            "groupby": chart["groupby"],
            "metric": chart["metric"],
            "row_limit": 100,
            "show_labels": True,
            "label_type": "key_value_percent",
            "sort_by_metric": True,
        }
    else:  # big_number_total
        params |= {"metric": chart["metric"], "header_font_size": 0.4, "y_axis_format": ",.2f"}
    return params


def _chart(chart: dict, dataset: Dataset, chart_uuid: str) -> dict:
    params = chart_params(chart, dataset)
    return {
        "slice_name": chart["title"],
        "description": None,
        "certified_by": None,
        "certification_details": None,
        "viz_type": params["viz_type"],
        "params": params,
        "query_context": None,
        "cache_timeout": None,
        "uuid": chart_uuid,
        "version": _VERSION,
        "dataset_uuid": dataset.uuid,
    }


def _dashboard(key: str, board: dict, layout: list, datasets: dict[str, Dataset]) -> dict:
    position: dict = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": board["title"]}},
    }
    for number, cells in enumerate(layout, 1):
        row_id = f"ROW-{key}-{number}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": [],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        for chart_id, chart, chart_uuid, _ in cells:
            cell_id = f"CHART-{key}-{chart_id}"
            position[row_id]["children"].append(cell_id)
            position[cell_id] = {
                "type": "CHART",
                "id": cell_id,
                "children": [],
                "parents": ["ROOT_ID", "GRID_ID", row_id],
                "meta": {
                    "chartId": chart_id,
                    "width": chart.get("width", 6),
                    "height": _ROW_HEIGHT,
                    "uuid": chart_uuid,
                    "sliceName": chart["title"],
                },
            }
    charts = [(chart_id, dataset) for cells in layout for chart_id, _, _, dataset in cells]
    return {
        "dashboard_title": board["title"],
        "description": None,
        "css": "",
        "slug": key,
        "uuid": object_uuid("dashboard", key),
        "position": position,
        "metadata": {
            "color_scheme": "supersetColors",
            "cross_filters_enabled": False,
            "refresh_frequency": 0,
            "expanded_slices": {},
            "label_colors": {},
            "timed_refresh_immune_slices": [],
            "default_filters": "{}",
            "native_filter_configuration": [
                _native_filter(key, name, datasets[dataset], column, charts)
                for name, dataset, column in board.get("filters", [])
            ],
        },
        "version": _VERSION,
        "published": True,
    }


def _native_filter(key: str, name: str, dataset: Dataset, column: str, charts: list) -> dict:
    """A filter on one column; charts whose dataset lacks that column are out of its scope."""
    if column not in dataset.columns:
        raise ConfigError(f"bi/dashboards.yaml: {key} filter {name}: {dataset.key} has no {column}")
    return {
        "id": f"NATIVE_FILTER-{key}-{column}",
        "name": name,
        "filterType": "filter_select",
        "type": "NATIVE_FILTER",
        "targets": [{"datasetUuid": dataset.uuid, "column": {"name": column}}],
        "controlValues": {
            "multiSelect": True,
            "enableEmptyFilter": False,
            "defaultToFirstItem": False,
            "inverseSelection": False,
            "searchAllOptions": False,
        },
        "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
        "cascadeParentIds": [],
        "scope": {
            "rootPath": ["ROOT_ID"],
            "excluded": [chart_id for chart_id, other in charts if column not in other.columns],
        },
        "description": "",
    }
