import pytest

from zhuanhua.identifiers import resident_id_is_valid, uscc_check_char, uscc_is_valid


def test_uscc_example_of_gb_32100():
    assert uscc_is_valid("91350100M000100Y43")
    assert not uscc_is_valid("91350100M000100Y4Z")


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100I43", ""])
def test_uscc_of_wrong_length_or_alphabet_is_invalid(code):
    assert not uscc_is_valid(code)


def test_uscc_check_char_completes_any_body():
    body = "12510000MB0000000"
    assert uscc_is_valid(body + uscc_check_char(body))


def test_resident_id_check_character():
    assert resident_id_is_valid("11010519491231002X")
    assert not resident_id_is_valid("110105194912310021")
