import csv
import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from zhuanhua.feeds import CONTRACTS
from zhuanhua.readers import FileRejected, read_file

HEADERS = [c.header.replace("(", "（").replace(")", "）") for c in CONTRACTS.columns]
ROW = ["2024510500000001", "登记", "2024年06月03日", "一种白酒固态发酵工艺", "技术开发", "委托开发",
       "2024/05/20", "", "", "西南医科大学", "12510000MB1234567X", "022", "510504",
       "泸县新材料有限公司", "", "150", "", "510521", "1,200.50", "1,000", "新材料及其应用",
       "", "", "", "否"]


def csv_bytes(encoding: str, headers=HEADERS, rows=(ROW,)) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize("encoding,expected", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
])
def test_csv_in_each_encoding_reads_the_same_rows(encoding, expected):
    table = read_file(CONTRACTS, "contracts_20240603.csv", csv_bytes(encoding))
    assert table.encoding == expected
    assert table.columns[:3] == ["registration_no", "registration_status", "registration_date"]
    (number, values, extras), = table.rows
    assert number == 2 and values[0] == "2024510500000001" and values[9] == "西南医科大学"
    assert values[18] == "1,200.50"  # kept as received; typing happens after reading
    assert extras == {}


def test_bytes_that_are_neither_utf8_nor_gb18030_are_rejected_whole():
    with pytest.raises(FileRejected, match="encoding could not be decided"):
        read_file(CONTRACTS, "contracts_20240603.csv", b"\x81\x30\xff\xfe" * 50)


def test_gb18030_reading_that_names_no_expected_header_is_refused():
    latin1 = "Nom,Prénom,Société\r\nÉlève,Zoë,Ça\r\n".encode("latin-1")
    with pytest.raises(FileRejected, match="encoding could not be decided"):
        read_file(CONTRACTS, "contracts_20240603.csv", latin1)


def test_missing_required_column_rejects_the_file_and_names_it():
    headers = [h for h in HEADERS if h != "技术领域"]
    row = [v for h, v in zip(HEADERS, ROW, strict=True) if h != "技术领域"]
    with pytest.raises(FileRejected, match=r"missing required column.*技术领域"):
        read_file(CONTRACTS, "contracts_20240603.csv", csv_bytes("utf-8", headers, [row]))


def test_unknown_extra_column_is_kept_and_reported():
    table = read_file(CONTRACTS, "contracts_20240603.csv",
                      csv_bytes("utf-8", [*HEADERS, " 备注 "], [[*ROW, "加急"]]))
    assert table.extra_headers == ["备注"]
    assert table.rows[0][2] == {"备注": "加急"}


def test_blank_lines_are_not_rows():
    table = read_file(CONTRACTS, "contracts_20240603.csv",
                      csv_bytes("utf-8", rows=(ROW, [""] * len(ROW), ROW)))
    assert [n for n, _, _ in table.rows] == [2, 4]


def test_xlsx_with_date_cells_and_text():
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    cells = list(ROW)
    cells[2] = datetime(2024, 6, 3)
    cells[18] = 1200.5
    sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    table = read_file(CONTRACTS, "contracts_20240603.xlsx", out.getvalue())
    values = table.rows[0][1]
    assert table.encoding == "xlsx"
    assert values[2] == "2024-06-03" and values[6] == "2024/05/20" and values[18] == "1200.5"


def test_a_broken_workbook_is_rejected_whole():
    with pytest.raises(FileRejected, match="not a readable XLSX"):
        read_file(CONTRACTS, "contracts_20240603.xlsx", b"PK\x03\x04 not really a zip")
