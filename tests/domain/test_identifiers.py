import pytest

from zhuanhua.domain.identifiers import (
    USCC_ALPHABET,
    BadPatentNumber,
    canonical_patent_no,
    patent_check_char,
    patent_filing_year,
    patent_type_digit,
    resident_id_check_char,
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


def test_uscc_positions_3_to_8_are_a_division_code_of_digits():
    body = "9151A500MA6200001"  # letters where the registering division belongs
    assert set(body) <= set(USCC_ALPHABET)
    assert not uscc_is_valid(body + uscc_check_char(body))


def test_a_resident_id_must_start_with_a_real_province():
    for body, valid in (("99010519491231002", False), ("51050219900101123", True)):
        assert resident_id_is_valid(body + resident_id_check_char(body)) is valid


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


def test_an_8_digit_number_of_2000_to_2003_is_of_its_century():
    body = "00118657"  # filed in 2000: the year rule once read 1900 and quarantined it
    number = canonical_patent_no(f"{body}.{patent_check_char(body)}")
    assert patent_filing_year(number) == 2000
    assert patent_filing_year("95115608.X") == 1995
    assert patent_filing_year("202310397744.0") == 2023


@pytest.mark.parametrize(
    "body,message",
    [
        ("202350397744", "type digit 5 is unknown"),
        ("00418657", "type digit 4 is unknown"),
        ("04118657", "not to year 04"),
        ("199810397744", "from 2003 on"),
    ],
)
def test_a_number_outside_its_period_or_of_an_unknown_type_is_refused_saying_so(body, message):
    with pytest.raises(BadPatentNumber, match=message):
        canonical_patent_no(f"{body}.{patent_check_char(body)}")


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
