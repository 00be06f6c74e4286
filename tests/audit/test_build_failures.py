"""The rows behind a failed build, as the alert shows them (audit/build_failures.py)."""

import json

from zhuanhua.audit.build_failures import dbt_test_names, failing_tests


def test_only_tests_with_rows_are_shown_by_full_name_and_names_are_masked(warehouse, tmp_path):
    warehouse.execute("create schema if not exists test_failures")
    warehouse.execute("create table test_failures.passed (value text)")
    warehouse.execute("create table test_failures.not_null_x_abc123 (seller_name text, n int)")
    warehouse.execute(
        "insert into test_failures.not_null_x_abc123 values ('王某', 1), ('李某', 2), "
        "('张某', 3), ('赵某', 4)"
    )
    manifest = tmp_path / "manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "nodes": {
                    "test.zhuanhua.long": {
                        "resource_type": "test",
                        "alias": "not_null_x_abc123",
                        "name": "not_null_fct_technology_contract_seller_name",
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    [failing] = failing_tests(warehouse, dbt_test_names(manifest))
    assert failing.test == "not_null_fct_technology_contract_seller_name"
    assert failing.rows == 4 and len(failing.sample) == 3
    assert "王某" not in failing.text() and "seller_name=***, n=1" in failing.text()
    assert dbt_test_names(tmp_path / "missing.json") == {}
