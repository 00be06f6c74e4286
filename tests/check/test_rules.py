"""Every rule with a passing and a failing value, through real GX validations.

Each feed has a clean base row (typed, as the checks see it) that passes every rule, and
one case per rule that changes the base row so that rule, and only rules on that column,
fail. A rule without a case fails the suite, so new rules come with their test.
"""

import json
from decimal import Decimal as D

import pandas as pd
import pytest

from zhuanhua.check import suite as checks
from zhuanhua.check.rules import derive, rules_for
from zhuanhua.settings import DEFAULT_REGION, load_settings

GX_STATE = load_settings().gx_state  # the suite's own home (conftest)
USCC = "91350100M000100Y43"  # the example of GB 32100-2015
UNIVERSITY = "12510000MB0000000X"


def _id_passing_the_uscc_check() -> str:
    """A valid resident ID number that also passes the USCC check character."""
    from zhuanhua.domain.identifiers import resident_id_check_char, uscc_is_valid

    for serial in range(1000):
        body = f"51050419900101{serial:03d}"
        number = body + resident_id_check_char(body)
        if uscc_is_valid(number):
            return number
    raise AssertionError("none in 1000")


ID_AS_USCC = _id_passing_the_uscc_check()

BASE = {
    "contracts": {
        "registration_no": "2024510500000001",
        "registration_status": "登记",
        "registration_date": "2024-06-03",
        "project_name": "白酒固态发酵工艺",
        "contract_type": "技术转让",
        "contract_subtype": "专利权转让",
        "signing_date": "2024-05-20",
        "valid_from": "2024-05-20",
        "valid_to": "2025-05-20",
        "seller_name": "西南医科大学",
        "seller_uscc": USCC,
        "seller_nature": "022",
        "seller_division": "510504",
        "buyer_name": "泸县新材料有限公司",
        "buyer_uscc": USCC,
        "buyer_nature": "150",
        "buyer_country": "CN",
        "buyer_division": "510521",
        "contract_amount": D("100.00"),
        "technology_amount": D("80.00"),
        "technology_field": "新材料及其应用",
        "ip_type": "专利",
        "related_patents": "202310397744.0",
        "plan_level": "市级",
        "open_competition": "否",
    },
    "loans": {
        "bank_code": "PSBC",
        "loan_no": "PSBC20240000001",
        "bank_name": "中国邮政储蓄银行泸州分行",
        "product": "知识产权质押贷",
        "borrower_type": "企业",
        "borrower_name": "泸县新材料有限公司",
        "borrower_id_no": USCC,
        "borrower_division": "510521",
        "qualifications": "高新技术企业",
        "disbursed_on": "2024-06-01",
        "matures_on": "2025-06-01",
        "principal": D("500"),
        "annual_rate": D("3.85"),
        "guarantee": "质押",
        "pledged_patents": "202310397744.0",
        "status": "结清",
        "settled_on": "2024-06-03",
        "compensation_claimed": D("10"),
    },
    "patents": {
        "application_no": "202310397744.0",
        "patent_type": "发明",
        "title": "一种制备方法",
        "application_date": "2023-04-14",
        "publication_no": "CN116455754A",
        "publication_date": "2023-07-18",
        "grant_no": "CN116455754B",
        "grant_date": "2024-03-29",
        "ipc_main": "A61K 36/9068",
        "applicants": '[{"name":"西南医科大学"}]',
        "inventors": '["张某"]',
        "legal_status": "有效",
        "updated_at": "2024-04-02T09:15:00+08:00",
    },
    "patent_events": {
        "event_id": "EE01-202310397744.0-20240611",
        "application_no": "202310397744.0",
        "event_code": "EE01",
        "event_name": "专利实施许可合同备案的生效",
        "effective_date": "2024-06-11",
        "gazette_date": "2024-06-28",
        "parties_before": None,
        "parties_after": None,
        "licensor": '[{"name":"西南医科大学"}]',
        "licensee": '[{"name":"泸县新材料有限公司"}]',
        "licence_type": "独占",
        "pledgor": None,
        "pledgee": None,
        "record_no": "X2024510000001",
    },
}

CASES = {
    "contracts": {
        "registration_no_format": {"registration_no": "202451050000001"},
        "registration_status_known": {"registration_status": "撤销"},
        "contract_type_known": {"contract_type": "技术承包"},
        "subtype_belongs_to_type": {"contract_subtype": "委托开发"},
        "technology_field_known": {"technology_field": "人工智能"},
        "ip_type_known": {"ip_type": "商标"},
        "seller_nature_known": {"seller_nature": "999"},
        "buyer_nature_known": {"buyer_nature": "050"},
        "buyer_country_known": {"buyer_country": "ZZ", "buyer_division": None, "buyer_uscc": None},
        "seller_division_known": {"seller_division": "510599"},  # never a code
        "buyer_division_known": {"buyer_division": "51052X"},
        # 郫县 became 郫都区 510117 in 2016: its old code in a 2024 contract is out of date
        "seller_division_valid_on_date": {"seller_division": "510124"},
        "buyer_division_valid_on_date": {"buyer_division": "511521"},  # 宜宾县 until 2018
        "seller_uscc_required": {"seller_uscc": None},
        "buyer_uscc_required": {"buyer_uscc": None},
        "buyer_division_required": {"buyer_division": None},
        "ip_type_required": {"ip_type": None},
        "seller_uscc_valid_uscc": {"seller_uscc": "91350100M000100Y4Z"},
        "buyer_uscc_valid_uscc": {"buyer_uscc": "91350100M000100Y44"},
        # a person's ID in a code column, even one that passes the USCC check (1 in 31)
        "seller_uscc_not_an_identity_number": {"seller_uscc": ID_AS_USCC},
        "buyer_uscc_not_an_identity_number": {"buyer_uscc": "11010519491231002X"},
        "foreign_buyer": {"buyer_country": "HK", "buyer_division": None, "buyer_uscc": None},
        "seller_outside_city": {"seller_division": "510104"},
        "very_large_amount": {"contract_amount": D("10000"), "technology_amount": D("9000")},
        "top_percent_amount": {"contract_amount": D("600"), "top_percent_threshold": D("500")},
        "related_patents_valid": {"related_patents": "202310397744.0；CN 2023 1 0397744.1"},
        "contract_amount_positive": {"contract_amount": D("0")},
        "technology_amount_positive": {"technology_amount": D("-1")},
        "technology_amount_within_contract_amount": {"technology_amount": D("100.01")},
        "signed_before_registration": {"signing_date": "2024-06-04"},
        "registration_date_not_after_business_date": {
            "registration_date": "2024-06-04",
            "signing_date": "2024-06-01",
        },
        "validity_in_order": {"valid_to": "2024-05-19"},
        "plan_level_known": {"plan_level": "国际级"},
        "open_competition_known": {"open_competition": "Y"},
    },
    "loans": {
        "product_known": {"product": "科创快贷"},
        "borrower_type_known": {"borrower_type": "单位"},
        "guarantee_known": {"guarantee": "担保"},
        "status_known": {"status": "核销"},
        "borrower_division_known": {"borrower_division": "519999"},
        "borrower_division_valid_on_date": {"borrower_division": "513425"},  # 会理县 until 2021
        "borrower_id_no_valid_uscc": {"borrower_id_no": "91350100M000100Y4Z"},
        "borrower_id_no_valid_resident_id": {
            "borrower_type": "个人",
            "borrower_id_no": "110105194912310021",
        },
        "pledged_patents_required": {"pledged_patents": None},
        "disbursed_on_not_after_business_date": {"disbursed_on": "2024-06-04"},
        "matures_after_disbursement": {"matures_on": "2024-06-01"},
        "principal_positive": {"principal": D("0"), "compensation_claimed": None},
        "annual_rate_in_range": {"annual_rate": D("24.01")},
        "settled_on_required": {"settled_on": None},
        "settled_after_disbursement": {"settled_on": "2024-05-31"},
        "compensation_not_negative": {"compensation_claimed": D("-1")},
        "compensation_within_principal": {"compensation_claimed": D("500.01")},
        "individual_allowed_by_product": {
            "borrower_type": "个人",
            "borrower_id_no": "11010519491231002X",
        },  # 知识产权质押贷 is not lent to persons (人才贷 is)
        "within_product_ceiling": {
            "product": "天府科创贷",
            "principal": D("1000.01"),
            "guarantee": "信用",
            "pledged_patents": None,
        },
        "term_within_a_year": {
            "product": "天府科创贷",
            "matures_on": "2025-06-03",
            "guarantee": "信用",
            "pledged_patents": None,
        },
        "pledged_patents_valid": {"pledged_patents": "202310397744.0、2023ABC"},
        "qualifications_known": {"qualifications": "高新技术企业;独角兽企业"},
        "borrower_qualified_for_product": {"product": "天府科创贷", "qualifications": "瞪羚企业"},
    },
    "patents": {
        "patent_type_known": {"patent_type": "发明专利"},
        "grant_no_format": {"grant_no": "CN116455754A"},
        "publication_no_format": {"publication_no": "CN116455754B"},
        "granted_after_application": {"grant_date": "2023-04-13"},
        "application_year_matches_number": {"application_date": "2022-12-30"},
        "type_matches_number": {"patent_type": "实用新型"},
        "applicants_named": {"applicants": '[{"uscc": "12510000MB0000000X"}]'},
        "ipc_main_format": {"ipc_main": "A61K36"},
        "publication_only_for_inventions": {"patent_type": "实用新型", "grant_no": "CN116455754U"},
        "grant_kind_matches_type": {"grant_no": "CN116455754U"},  # a utility model's letter
        "bad_applicant_uscc": {
            "applicants": '[{"name": "西南医科大学", "uscc": "91350100M000100Y44"}]'
        },
    },
    "patent_events": {
        "event_code_known": {"event_code": "ZZ99"},
        "gazette_after_effect": {"gazette_date": "2024-06-10"},
        "licence_type_known": {"licence_type": "独家"},
        "parties_after_required": {"event_code": "TR01"},  # a licence row turned transfer
        "licensee_required": {"licensee": None},
        "pledgee_required": {"event_code": "PE01"},
        "parties_shaped": {"licensee": '"泸县新材料有限公司"'},  # a bare name, not a party
        "bad_party_uscc": {"licensor": f'{{"name": "某人", "uscc": "{ID_AS_USCC}"}}'},  # an ID
    },
}
# every required column: its case is the value missing
for _feed, _base in BASE.items():
    for _rule in rules_for(_feed, DEFAULT_REGION):
        _column = _rule.name.split(".", 1)[1].removesuffix("_required")
        if _rule.name.endswith("_required") and _rule.name.split(".", 1)[1] not in CASES[_feed]:
            CASES[_feed][_rule.name.split(".", 1)[1]] = {_column: None}


BATCH_RULES = {"duplicate_key", "conflicting_repeat"}  # tested on several rows below


@pytest.mark.parametrize("feed", list(BASE))
def test_every_rule_has_a_case(feed):
    names = {r.name.split(".", 1)[1] for r in rules_for(feed, DEFAULT_REGION)}
    assert names - BATCH_RULES == set(CASES[feed])


@pytest.mark.parametrize("feed", ["contracts", "loans", "patents"])
def test_a_key_twice_in_one_file_holds_both_rows_but_not_across_files(feed):
    frame = pd.DataFrame([BASE[feed]] * 3, dtype=object)
    frame["business_date"] = "2024-06-03"
    frame["file_name"] = ["a", "a", "b"]
    derive(feed, frame)
    found = checks.validate(feed, rules_for(feed, DEFAULT_REGION), frame, GX_STATE)
    duplicates = {p for p, fs in found.items() if f"{feed}.duplicate_key" in {f.rule for f in fs}}
    assert duplicates == {0, 1}


@pytest.mark.parametrize("feed", list(BASE))
def test_base_row_passes_and_each_case_fails_its_rule(feed):
    names = list(CASES[feed])
    rows = [BASE[feed]] + [{**BASE[feed], **CASES[feed][n]} for n in names]
    frame = pd.DataFrame(rows, dtype=object)
    frame["business_date"] = "2024-06-03"
    frame["file_name"] = [f"file{i}" for i in range(len(rows))]  # one row a file: no duplicates
    derive(feed, frame)
    for i, row in enumerate(rows):  # cases may set a helper column (as the warehouse would)
        for column in set(row) - set(BASE[feed]):
            frame.at[i, column] = row[column]
    found = checks.validate(feed, rules_for(feed, DEFAULT_REGION), frame, GX_STATE)
    assert found.get(0, []) == [], "the base row must pass every rule"
    for position, name in enumerate(names, start=1):
        failed = {f.rule for f in found.get(position, [])}
        assert f"{feed}.{name}" in failed, f"{name}: {failed}"


def test_warnings_are_not_rejections():
    rules = {r.name: r.severity for r in rules_for("contracts", DEFAULT_REGION)}
    assert rules["contracts.foreign_buyer"] == "warn"
    assert rules["contracts.very_large_amount"] == "warn"
    loans = {r.name: r.severity for r in rules_for("loans", DEFAULT_REGION)}
    for breach in (  # domain.md §8: the bank's record of what it lent is the truth
        "within_product_ceiling",
        "term_within_a_year",
        "individual_allowed_by_product",
        "borrower_qualified_for_product",
    ):
        assert loans[f"loans.{breach}"] == "warn", breach
    assert {
        r.severity
        for r in rules_for("patent_events", DEFAULT_REGION)
        if r.name == "patent_events.event_code_known"
    } == {"warn"}


def test_a_rule_whose_column_is_missing_is_an_error_not_a_pass():
    frame = pd.DataFrame([BASE["loans"]], dtype=object)
    frame["business_date"], frame["file_name"] = "2024-06-03", "a"  # no derived columns
    with pytest.raises(RuntimeError, match="product_ceiling"):
        checks.validate("loans", rules_for("loans", DEFAULT_REGION), frame, GX_STATE)


def test_patent_lists_are_stored_canonical_and_empty_cells_stay_empty():
    import pandas as pd

    from zhuanhua.check.rules.common import canonical_patent_lists

    cells = pd.Series(
        ["ZL202310397744.0、cn 2023 1 0397744.0；95115608.X", None, "2024ABC"], dtype=object
    )
    assert canonical_patent_lists(cells).tolist() == ["202310397744.0;95115608.X", None, "2024ABC"]


def test_a_patent_filed_in_2000_passes_the_year_rule():
    """An 8-digit number of 2000–2003 carries the year 20xx, not 19xx (ZC 0006-2003)."""
    from zhuanhua.domain.identifiers import patent_check_char

    body = "00118657"
    row = {**BASE["patents"], "application_no": f"{body}.{patent_check_char(body)}"}
    row |= {"application_date": "2000-05-11", "publication_no": None}
    row |= {"grant_no": None, "grant_date": None}
    frame = pd.DataFrame([row], dtype=object)
    frame["business_date"], frame["file_name"] = "2024-06-03", "a"
    derive("patents", frame)
    found = checks.validate("patents", rules_for("patents", DEFAULT_REGION), frame, GX_STATE)
    assert found.get(0, []) == []


def test_an_event_repeated_in_its_file_is_a_no_op_unless_its_content_differs():
    same, other = BASE["patent_events"], {**BASE["patent_events"], "record_no": "X2024510000002"}
    frame = pd.DataFrame([same, same, same, other], dtype=object)
    frame["business_date"] = "2024-06-03"
    frame["file_name"] = ["a", "a", "b", "b"]
    derive("patent_events", frame)
    rules = rules_for("patent_events", DEFAULT_REGION)
    found = checks.validate("patent_events", rules, frame, GX_STATE)
    conflicting = {
        p for p, fs in found.items() if "patent_events.conflicting_repeat" in {f.rule for f in fs}
    }
    assert conflicting == {2, 3}  # file a: an identical repeat passes; file b: both held


def test_a_single_party_written_as_one_object_is_a_list_of_one():
    row = {**BASE["patent_events"], "licensee": '{"name": "泸县新材料有限公司"}'}
    frame = pd.DataFrame([row], dtype=object)
    frame["business_date"], frame["file_name"] = "2024-06-03", "a"
    derive("patent_events", frame)
    assert json.loads(frame.at[0, "licensee"]) == [{"name": "泸县新材料有限公司"}]
    found = checks.validate(
        "patent_events", rules_for("patent_events", DEFAULT_REGION), frame, GX_STATE
    )
    assert found.get(0, []) == []


def test_helper_columns_of_a_file_without_rows():
    """A day's events file may be empty (the service delivers one every day)."""
    for feed in BASE:
        frame = pd.DataFrame(columns=[*BASE[feed], "business_date", "file_name"], dtype=object)
        derive(feed, frame)
        assert frame.empty


@pytest.mark.parametrize(
    ("division", "signed", "registered", "passes"),
    [
        ("510124", "2015-03-01", "2015-03-20", True),  # 郫县 while it existed
        ("510124", "2016-11-01", "2016-12-01", True),  # its last year: both codes hold
        ("510117", "2016-11-01", "2016-12-01", True),  # 郫都区 from its first year
        ("510117", "2015-03-01", "2015-03-20", False),  # before 郫都区 was created
        ("510124", "2017-12-20", "2018-01-05", False),  # after 郫县 was abolished
        ("511504", "2018-12-20", "2019-01-05", True),  # 叙州区 (2018-)
        (
            "510118",
            "2019-12-20",
            "2020-01-05",
            True,
        ),  # 新津区, signed under 新津县, registered after
        ("513402", "2024-05-20", "2024-06-03", True),  # 会理市 (2021-)
    ],
)
def test_a_division_code_is_checked_as_of_the_record_date(division, signed, registered, passes):
    row = {**BASE["contracts"], "seller_division": division}
    row |= {"signing_date": signed, "valid_from": signed, "registration_date": registered}
    row |= {"valid_to": "2030-01-01"}
    frame = pd.DataFrame([row], dtype=object)
    frame["business_date"], frame["file_name"] = registered, "a"
    derive("contracts", frame)
    found = checks.validate("contracts", rules_for("contracts", DEFAULT_REGION), frame, GX_STATE)
    failed = {f.rule for f in found.get(0, [])} & {
        "contracts.seller_division_known",
        "contracts.seller_division_valid_on_date",
    }
    assert failed == (set() if passes else {"contracts.seller_division_valid_on_date"})
