import csv
import io
import json
from datetime import datetime

import pytest
from openpyxl import Workbook

from zhuanhua.domain.feeds import CONTRACTS, LOANS, PATENTS
from zhuanhua.errors import FileRejected
from zhuanhua.read.readers import json_depth, read_file
from zhuanhua.settings import Limits

HEADERS = CONTRACTS.delivered_headers
ROW = [
    "2024510500000001",
    "登记",
    "2024年06月03日",
    "一种白酒固态发酵工艺",
    "技术开发",
    "委托开发",
    "2024/05/20",
    "",
    "",
    "西南医科大学",
    "12510000MB1234567X",
    "022",
    "510504",
    "泸县新材料有限公司",
    "",
    "150",
    "",
    "510521",
    "1,200.50",
    "1,000",
    "新材料及其应用",
    "",
    "",
    "",
    "否",
]


def csv_bytes(encoding: str, headers=HEADERS, rows=(ROW,)) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode(encoding)


@pytest.mark.parametrize(
    "encoding,expected",
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
    ],
)
def test_csv_in_each_encoding_reads_the_same_rows(encoding, expected):
    table = read_file(CONTRACTS, "contracts_20240603.csv", csv_bytes(encoding))
    assert table.encoding == expected
    assert table.columns[:3] == ["registration_no", "registration_status", "registration_date"]
    ((number, values, extras),) = table.rows
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
    table = read_file(
        CONTRACTS,
        "contracts_20240603.csv",
        csv_bytes("utf-8", [*HEADERS, " 备注 "], [[*ROW, "加急"]]),
    )
    assert table.extra_headers == ["备注"]
    assert table.rows[0][2] == {"备注": "加急"}


def test_blank_lines_are_not_rows():
    table = read_file(
        CONTRACTS, "contracts_20240603.csv", csv_bytes("utf-8", rows=(ROW, [""] * len(ROW), ROW))
    )
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


LOAN_HEADERS = LOANS.delivered_headers
LOAN = [
    "PSBC20240000001",
    "中国邮政储蓄银行泸州分行",
    "天府科创贷",
    "企业",
    "泸县新材料有限公司",
    "91510521MA0000000X",
    "510521",
    "高新技术企业;瞪羚企业",
    "2024-06-01",
    "2025-06-01",
    "1,500.00",
    "3.85",
    "信用",
    "",
    "正常",
    "",
    "",
]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8-sig"])
def test_loan_csv_reads_in_each_encoding(encoding):
    table = read_file(LOANS, "loans_PSBC_20240603.csv", csv_bytes(encoding, LOAN_HEADERS, [LOAN]))
    assert table.rows[0][1][:3] == ["PSBC20240000001", "中国邮政储蓄银行泸州分行", "天府科创贷"]


def test_loan_xlsx_with_date_cells():
    book = Workbook()
    book.active.append(LOAN_HEADERS)
    book.active.append([datetime(2024, 6, 1) if v == "2024-06-01" else v for v in LOAN])
    out = io.BytesIO()
    book.save(out)
    table = read_file(LOANS, "loans_ABC_20240603.xlsx", out.getvalue())
    assert table.rows[0][1][8] == "2024-06-01"
    assert LOANS.fields_from_name("loans_abc_20240603.xlsx") == {"bank_code": "ABC"}


def test_json_lines_keep_bad_lines_as_bad_rows_not_a_bad_file():
    data = (
        "\n".join(
            [
                '{"application_no": "CN202310397744.0", "title": "一种方法", "applicants": '
                '[{"name": "西南医科大学"}], "note": "extra"}',
                "",
                '{"application_no": "2023',
                "[1, 2]",
            ]
        ).encode("utf-8")
        + b"\n\xff\xfe{}\n"
    )
    table = read_file(PATENTS, "patents_20240603.jsonl", data)
    assert [number for number, _, _ in table.rows] == [1, 3, 4, 5]
    assert table.rows[0][1][0] == "CN202310397744.0"
    assert table.rows[0][1][9] == '[{"name":"西南医科大学"}]'  # nested values as JSON text
    assert table.extra_headers == ["note"]
    assert set(table.broken) == {1, 2, 3}
    assert "not valid JSON" in table.broken[1] and "not an object" in table.broken[2]
    assert table.broken[3] == "the line is not UTF-8"
    assert table.lines[1] == '{"application_no": "2023'  # kept as received


# What one JSON parser accepts and the other refuses, or might read differently: duplicate
# keys, huge integers, floats at the edges, NaN, a lone surrogate, escapes, trailing data.
JSON_EDGES = [
    '{"title": 1, "title": 2}',
    '{"title": 123456789012345678901234567890, "ipc_main": -9223372036854775809}',
    '{"title": 1e400, "ipc_main": 0.1e-400, "applicants": -0.0}',
    '{"title": 1.10, "ipc_main": 1E5, "applicants": [1.5e16, 0.1]}',
    '{"title": NaN, "ipc_main": Infinity}',
    '{"title": "\\ud800", "ipc_main": "\\u00e9\\n\\""}',
    '{"title": "a"} x',
    '{"title": "\x01"}',
    '{"title": {"nested": [true, false, null]}, "zz": {}}',
    '{"applicants": [{"name": "甲", "share": 0.5}], "title": 1e16, "zz": [1e-7]}',
    '{"applicants": [{"name": "\\ud83d\\ude00\\u0001\\t\\u2028/"}], "zz": [2, true]}',
    '{"inventors": ["罗洋", 12345678901234567890123], "zz": {"k": [null, "\\\\"]}}',
]


@pytest.mark.parametrize("line", JSON_EDGES)
def test_json_lines_read_as_the_standard_library_reads_them(line):
    """The fast parser never changes a value or a verdict: each line reads as json.loads
    reads it (the same cells, or a bad row with json's own message)."""
    table = read_file(PATENTS, "patents_20240603.jsonl", line.encode("utf-8", "surrogatepass"))
    try:
        record = json.loads(line)
    except ValueError as exc:
        assert table.broken == {0: f"the line is not valid JSON ({exc.msg} at column {exc.colno})"}
        return
    assert table.broken == {}
    compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    cells = {c.name: record.get(c.header) for c in PATENTS.columns}
    expected = [v if v is None or isinstance(v, str) else compact(v) for v in cells.values()]
    assert table.rows[0][1] == expected
    extras = {k: v if isinstance(v, str) else compact(v) for k, v in record.items()}
    assert table.rows[0][2] == {k: v for k, v in extras.items() if k == "zz"}


SMALL = Limits(line_bytes=200, json_depth=4, columns=30, cell_chars=50)


def test_a_json_line_past_a_limit_is_a_bad_row_named_with_its_limit_not_a_crash():
    deep = '{"application_no": "x", "applicants": ' + "[" * 50 + "]" * 50 + "}"
    long = json.dumps({"title": "长" * 300}, ensure_ascii=False)
    table = read_file(PATENTS, "patents_20240603.jsonl", f"{deep}\n{long}\n{{}}\n".encode(), SMALL)
    assert table.broken == {
        0: "the line nests deeper than 4 levels (ZHUANHUA_MAX_JSON_DEPTH)",
        1: f"the line is {len(long.encode())} bytes, longer than 200 (ZHUANHUA_MAX_LINE_BYTES)",
    }
    assert len(table.rows) == 3  # the empty object is a row; its checks decide


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert json_depth('{"a": "[[[[[[", "b": [{"c": "\\"]]]"}]}') == 3


def test_a_csv_cell_past_the_limit_rejects_the_file_with_its_line():
    rows = [HEADERS, ROW, [*ROW[:3], "长" * 60, *ROW[4:]]]
    data = "\r\n".join(",".join(r) for r in rows).encode()
    with pytest.raises(FileRejected, match=r"line 3: .*at most 50 characters: ZHUANHUA_MAX_CELL"):
        read_file(CONTRACTS, "contracts_20240603.csv", data, SMALL)


def test_a_header_wider_than_the_limit_rejects_the_file():
    data = ",".join([*HEADERS, *(f"c{i}" for i in range(10))]).encode()
    with pytest.raises(FileRejected, match="line 1 has 35 cells, more than 30"):
        read_file(CONTRACTS, "contracts_20240603.csv", data, SMALL)
