"""`zhuanhua codes update`: the dated division table, from stdnum's history or a year's list."""

import shutil
from pathlib import Path

import stdnum.cn

from tests.support.cli import zhuanhua_cli
from zhuanhua.settings import SEEDS

LOC_DAT = Path(stdnum.cn.__file__).parent / "loc.dat"


def test_the_committed_seed_is_stdnums_history_as_the_command_reads_it(tmp_path):
    seed = tmp_path / "divisions.csv"
    seed.write_text("division_code,division_name,level,parent_code,valid_from,valid_to\n")
    done = zhuanhua_cli("codes", "update", str(LOC_DAT), "--seed", str(seed))
    assert done.returncode == 0, done.stderr
    assert seed.read_text(encoding="utf-8") == (SEEDS / "divisions.csv").read_text(encoding="utf-8")


def test_a_years_official_list_is_merged_and_reported(tmp_path):
    seed = tmp_path / "divisions.csv"
    shutil.copy(SEEDS / "divisions.csv", seed)
    current = [
        line.split(",")[:2]
        for line in seed.read_text(encoding="utf-8").splitlines()[1:]
        if line.endswith(",")  # still valid
    ]
    listed = {code: name for code, name in current if code != "510525"}  # 古蔺县 abolished
    listed |= {"510526": "古蔺区", "510504": "龙马潭新区"}  # one created, one renamed
    year_list = tmp_path / "2027.txt"
    year_list.write_text(
        "行政区划代码\t单位名称\n" + "".join(f"{c}\t{n}\n" for c, n in listed.items()),
        encoding="utf-8",
    )
    done = zhuanhua_cli("codes", "update", str(year_list), "--year", "2027", "--seed", str(seed))
    assert done.returncode == 0, done.stderr
    assert "created: 1\n  510526 古蔺区" in done.stdout
    assert "renamed: 1\n  510504 龙马潭区 → 龙马潭新区" in done.stdout
    assert "abolished: 1\n  510525 古蔺县" in done.stdout
    rows = seed.read_text(encoding="utf-8").splitlines()
    assert "510525,古蔺县,county,510500,1985,2027" in rows
    assert "510526,古蔺区,county,510500,2027," in rows
    assert "510504,龙马潭新区,county,510500,1995," in rows


def test_a_file_that_is_no_code_list_fails_with_its_line_and_leaves_the_seed(tmp_path):
    seed = tmp_path / "divisions.csv"
    shutil.copy(SEEDS / "divisions.csv", seed)
    bad = tmp_path / "list.csv"
    bad.write_text("510000,四川省\n51050,泸州\n", encoding="utf-8")
    done = zhuanhua_cli("codes", "update", str(bad), "--year", "2027", "--seed", str(seed))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{bad}: line 2: not a six-digit code and a name" in done.stderr
    no_year = zhuanhua_cli("codes", "update", str(bad), "--seed", str(seed))
    assert no_year.returncode == 1 and "needs --year" in no_year.stderr
    assert seed.read_bytes() == (SEEDS / "divisions.csv").read_bytes()
