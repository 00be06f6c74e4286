"""A workbook's first sheet measured in its XML before it is read (read/xlsx.py)."""

import io

import pytest
from openpyxl import Workbook

from tests.support import poison
from zhuanhua.errors import FileRejected
from zhuanhua.read.xlsx import check_xlsx_size, column_number
from zhuanhua.settings import Limits


def workbook(*cells: str) -> bytes:
    book = Workbook()
    for cell in cells:
        book.active[cell] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_two_cells_at_the_grids_corners_are_refused_before_the_reader_allocates():
    data = poison.poisons()[1].data
    assert len(data) < 10_000
    with pytest.raises(FileRejected, match=r"1048576 rows × 16384 columns, more than 10000000"):
        check_xlsx_size(data, Limits())


def test_an_ordinary_sheet_passes_and_the_limits_are_its_own():
    check_xlsx_size(workbook("A1", "Y200"), Limits())
    with pytest.raises(FileRejected, match="200 rows × 25 columns, more than 1000 cells"):
        check_xlsx_size(workbook("A1", "Y200"), Limits(xlsx_cells=1000))
    with pytest.raises(FileRejected, match="spans 30 columns, more than 26"):
        check_xlsx_size(workbook("A1", "AD2"), Limits(columns=26))


def test_column_letters_count_as_excel_counts_them():
    assert [column_number(c) for c in ("A", "Z", "AA", "XFD")] == [1, 26, 27, 16384]
