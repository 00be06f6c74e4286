"""`bi/dashboards.yaml` as Superset's import bundle: labels from dbt, filters in scope, stable."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
import yaml

from zhuanhua.bi.bundle import bundle_files, bundle_zip, load_spec
from zhuanhua.bi.catalogue import marts
from zhuanhua.errors import ConfigError

URI = "postgresql+psycopg2://zhuanhua@127.0.0.1:5432/warehouse"


@pytest.fixture(scope="module")
def files() -> dict[str, dict]:
    return bundle_files(load_spec(), marts(), URI)


def test_four_dashboards_with_chinese_titles(files):
    titles = {f["dashboard_title"] for path, f in files.items() if path.startswith("dashboards/")}
    assert titles == {"科技成果转化链", "技术市场", "科技金融", "数据质量"}


def test_mart_datasets_take_labels_and_descriptions_from_the_dbt_docs(files):
    documented = marts()["fct_conversion_funnel_yearly"].columns
    dataset = files["datasets/warehouse/funnel.yaml"]
    columns = {c["column_name"]: c for c in dataset["columns"]}
    for name, column in documented.items():
        assert columns[name]["verbose_name"] == column.label
        assert columns[name]["description"] == column.description
    county = documented["owner_county_code"].label
    assert columns["owner_county_code_name"]["verbose_name"] == f"{county}名称"


def test_the_database_is_queried_as_each_user(files):
    database = files["databases/warehouse.yaml"]
    assert database["impersonate_user"] is True
    assert database["sqlalchemy_uri"] == URI


def test_a_filter_leaves_out_the_charts_whose_dataset_lacks_its_column(files):
    board = files["dashboards/market.yaml"]
    chart_ids = {
        c["meta"]["sliceName"]: c["meta"]["chartId"]
        for c in board["position"].values()
        if isinstance(c, dict) and c.get("type") == "CHART"
    }
    by_name = {f["name"]: f for f in board["metadata"]["native_filter_configuration"]}
    # the year is a column of the monthly market only, not of the contracts' dataset
    assert sorted(by_name["登记年份"]["scope"]["excluded"]) == sorted(
        [chart_ids["卖方排名（前 20）"], chart_ids["揭榜挂帅与计划级别"]]
    )
    # both datasets have the seller's county name: every chart is in that filter's scope
    assert by_name["区县"]["scope"]["excluded"] == []


def test_amounts_are_in_wan_yuan_with_two_decimals(files):
    for path, content in files.items():
        if path.startswith("datasets/"):
            for metric in content["metrics"]:
                if "万元" in metric["verbose_name"]:
                    assert metric["d3format"] == ",.2f", metric["metric_name"]


def test_the_same_spec_makes_the_same_bundle_under_one_folder():
    first = bundle_zip(bundle_files(load_spec(), marts(), URI))
    assert first == bundle_zip(bundle_files(load_spec(), marts(), URI))
    names = zipfile.ZipFile(io.BytesIO(first)).namelist()
    assert all(name.startswith("zhuanhua_dashboards/") for name in names)
    metadata = yaml.safe_load(
        zipfile.ZipFile(io.BytesIO(first)).read("zhuanhua_dashboards/metadata.yaml")
    )
    assert metadata["type"] == "assets"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["datasets"]["funnel"].update(table="fct_nowhere"), "no mart 'fct_nowhere'"),
        (
            lambda s: s["dashboards"]["conversion"]["rows"][0][1].update(groupby=["nowhere"]),
            "funnel has no column nowhere",
        ),
        (
            lambda s: s["dashboards"]["conversion"]["rows"][0][1].update(metrics=["nothing"]),
            "funnel has no metric nothing",
        ),
    ],
)
def test_a_spec_naming_what_does_not_exist_is_refused_with_where(change, message):
    spec = copy.deepcopy(load_spec())
    change(spec)
    with pytest.raises(ConfigError, match=message):
        bundle_files(spec, marts(), URI)
