"""Division codes as a dated table (domain/divisions.py): stdnum's history, a year's list."""

import pytest

from zhuanhua.domain import codes
from zhuanhua.domain.divisions import (
    Division,
    as_rows,
    changes,
    from_rows,
    merge_year,
    parse_official_list,
    parse_stdnum_history,
)
from zhuanhua.errors import BadCodeList

HISTORY = """# a comment
51 province="四川省"
  0000 county="四川省"
  0100 county="成都市"
  0117 county="[2016-]郫都区"
  0124 county="[1983-2016]郫县"
  0311 county="[1984-1995]郊区,[1996-]雁山区"
  1402 county="[1995-1997]枳城区,[2000-]东坡区"
"""


def test_stdnum_history_has_each_codes_years_and_latest_name():
    found = {(d.code, d.valid_from): d for d in parse_stdnum_history(HISTORY)}
    assert found[("510117", 2016)] == Division("510117", "郫都区", 2016, None)
    assert found[("510124", 1983)].valid_to == 2016
    assert found[("510311", 1984)] == Division("510311", "雁山区", 1984, None)  # renamed
    # a code reused after a gap is two stretches: not valid in between
    assert found[("511402", 1995)].valid_to == 1997 and found[("511402", 2000)].name == "东坡区"
    assert found[("510000", None)].level == "province" and found[("510100", None)].level == "city"


def test_rows_carry_the_parent_and_read_back_the_same():
    divisions = parse_stdnum_history(HISTORY)
    rows = as_rows(divisions)
    parents = {r["division_code"]: r["parent_code"] for r in rows}
    assert parents["510117"] == "510100" and parents["510100"] == "510000"
    assert parents["510311"] == "510000"  # no 510300 in this excerpt: the province
    assert sorted(from_rows(rows), key=repr) == sorted(divisions, key=repr)


def test_a_years_list_creates_renames_and_abolishes_in_that_year():
    table = [
        Division("510124", "郫县", 1983, None),
        Division("510132", "新津县", 1983, None),
        Division("513425", "会理县", None, None),
        Division("510000", "四川省", None, None),
    ]
    after_2016 = merge_year(
        table,
        parse_official_list(
            "行政区划代码,单位名称\n510000,四川省\n510117,郫都区\n510132,新津县\n513425,会理县\n"
        ),
        2016,
    )
    after_2020 = merge_year(
        after_2016,
        parse_official_list("510000 四川省\n510117 郫都区\n510132 新津区\n513425 会理县\n"),
        2020,
    )
    by_code = {d.code: d for d in after_2020}
    assert by_code["510124"] == Division("510124", "郫县", 1983, 2016)  # abolished in 2016
    assert by_code["510117"] == Division("510117", "郫都区", 2016, None)  # created in 2016
    assert by_code["510132"] == Division("510132", "新津区", 1983, None)  # renamed in 2020
    assert by_code["510124"].valid_in(2016) and not by_code["510124"].valid_in(2017)
    assert changes(after_2016, after_2020) == {
        "created": [],
        "renamed": ["510132 新津县 → 新津区"],
        "abolished": [],
    }
    # the same list again changes nothing
    assert (
        merge_year(after_2020, {d.code: d.name for d in after_2020 if d.valid_to is None}, 2021)
        == after_2020
    )


@pytest.mark.parametrize("text", ["", "510000 四川省\n51000 短\n", 'xx province="x"\n'])
def test_a_list_that_is_not_one_is_a_clear_error(text):
    with pytest.raises(BadCodeList, match=r"line|no codes"):
        parse_official_list(text) if "province" not in text else parse_stdnum_history(text)


def test_the_seed_knows_codes_created_since_2020_and_those_abolished():
    for created in ("510117", "510118", "510604", "510981", "511083", "511504", "513402"):
        assert codes.division_out_of_period(created, 2024) is None, created
    assert codes.division_out_of_period("510124", 2024) == "郫县 1983–2016"
    assert codes.division_out_of_period("510124", 2015) is None
    assert codes.division_name("510117") == "郫都区"
    assert "510117" in codes.city_counties("510100")
    assert "510124" in codes.city_counties("510100", 2015)
    assert "510124" not in codes.city_counties("510100")


def test_a_list_older_than_the_table_is_refused():
    """Merging 2023's list into a table that runs to 2025 would end the codes created since."""
    table = [Division("510117", "郫都区", 2016, None), Division("513402", "会理市", 2025, None)]
    with pytest.raises(BadCodeList, match="older than the table, which runs to 2025"):
        merge_year(table, {"510117": "郫都区"}, 2023)
