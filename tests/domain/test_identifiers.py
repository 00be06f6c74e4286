import pytest

from zhuanhua.domain.identifiers import (
    BadPatentNumber,
    canonical_patent_no,
    patent_type_digit,
    resident_id_is_valid,
    uscc_check_char,
    uscc_is_valid,
)


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


@pytest.mark.parametrize(
    "written,canonical",
    [
        ("97101765.4", "97101765.4"),
        ("95115608.X", "95115608.X"),
        ("202510031099.X", "202510031099.X"),
        ("2005301387738", "200530138773.8"),
        ("202310397744.0", "202310397744.0"),
        ("CN202310397744.0", "202310397744.0"),
        ("ZL202310397744.0", "202310397744.0"),
        ("2023103977440", "202310397744.0"),
        ("CN 2023 1 0397744.0", "202310397744.0"),
        ("202510031099.x", "202510031099.X"),
        ("86100001", "86100001"),  # filed 1985–1988: no check character
    ],
)
def test_patent_numbers_in_every_written_form(written, canonical):
    assert canonical_patent_no(written) == canonical


@pytest.mark.parametrize(
    "written", ["202310397744.1", "95115608.1", "96100001", "2023ABC", "20231039774", ""]
)
def test_wrong_patent_numbers_are_refused(written):
    with pytest.raises(BadPatentNumber):
        canonical_patent_no(written)


def test_type_digit_of_old_and_new_numbers():
    assert patent_type_digit("202310397744.0") == "1"
    assert patent_type_digit("95115608.X") == "1"
    assert patent_type_digit("202420031676.6") == "2"


def test_a_resident_number_whose_division_is_younger_than_its_holder_is_accepted():
    body = "51050419750612003"  # 龙马潭区 (510504, created 1995), holder born 1975
    from zhuanhua.domain.identifiers import resident_id_check_char

    assert resident_id_is_valid(body + resident_id_check_char(body))


def test_a_resident_number_with_an_impossible_birth_date_is_refused():
    from zhuanhua.domain.identifiers import resident_id_check_char

    body = "51050419751332003"
    assert not resident_id_is_valid(body + resident_id_check_char(body))
