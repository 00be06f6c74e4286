"""The code tables, read from the dbt seeds (domain/codes.py)."""

from zhuanhua.domain import codes


def test_the_city_counties_are_its_county_level_divisions_without_the_urban_placeholder():
    counties = codes.city_counties("510500")
    assert counties["510502"] == "江阳区" and counties["510504"] == "龙马潭区"
    assert all(code.startswith("5105") for code in counties)
    assert "市辖区" not in counties.values() and "510500" not in counties


def test_a_closed_list_keeps_its_order_and_a_division_has_its_name():
    assert codes.code_list("registration_status") == ["登记", "变更", "注销"]
    assert codes.division_name("510500") == "泸州市"
    assert codes.division_name("999999") is None
