"""The marts, built by a real `dbt build` from the worked example's files, equal the figures
worked out by hand; no person's name or identity number reaches them."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.support import worked_example as example
from tests.support.warehouse import empty_warehouse, load_all_feeds
from zhuanhua.build import dbt
from zhuanhua.load.connection import connect
from zhuanhua.settings import PROJECT_ROOT


def query(conn, sql: str) -> list[tuple]:
    return conn.execute(sql).fetchall()


def test_every_file_loaded_whole(built):
    assert query(
        built,
        """select feed, sum(rows_received), sum(rows_loaded)
                           from raw.batch_ledger group by feed order by feed""",
    ) == [("contracts", 6, 6), ("loans", 4, 4), ("patent_events", 4, 4), ("patents", 4, 4)]


def test_conversion_chain_equals_the_hand_worked_chains(built):
    rows = query(
        built,
        """
        select chain_origin, application_no, registration_no is not null, stated_by,
               transfer_kind, transfer_date, transfer_amount, is_adopted, financing_date,
               financed_amount, loan_count, pledge_count, days_output_to_transfer,
               days_transfer_to_financing, stage_reached, owner_group, owner_county_code
        from marts.fct_conversion_chain order by transfer_date""",
    )
    assert rows == [
        # TR01 of 2024-02-01 and the contract signed 2024-03-01 are one transfer; the
        # adopter pledged the patent on 2024-05-01 and drew 500 万元 on 2024-06-01
        (
            "patent",
            example.P1,
            True,
            "event+contract",
            "转让",
            date(2024, 2, 1),
            Decimal("120"),
            True,
            date(2024, 5, 1),
            Decimal("500"),
            1,
            1,
            245,
            90,
            "融资",
            "高等院校",
            "510504",
        ),
        # licensed to a Chengdu company: transferred, not adopted in the city
        (
            "patent",
            example.P2,
            False,
            "event",
            "许可",
            date(2024, 2, 10),
            None,
            False,
            None,
            Decimal("0"),
            0,
            0,
            436,
            None,
            "转移",
            "科研机构",
            "510502",
        ),
        # know-how without a patent: the contract is its own output
        (
            "contract",
            None,
            True,
            "contract",
            "转让",
            date(2024, 3, 8),
            Decimal("80"),
            True,
            None,
            Decimal("0"),
            0,
            0,
            0,
            None,
            "落地",
            "科研机构",
            "510502",
        ),
    ]


def test_conversion_funnel_equals_hand_counts(built):
    rows = query(
        built,
        """
        select output_year, owner_county_code, owner_group, technology_field, result_count,
               granted_patent_count, transferred_count, adopted_count, financed_count,
               transfer_amount, financed_amount, avg_days_to_first_transfer
        from marts.fct_conversion_funnel_yearly order by output_year, owner_group""",
    )
    assert rows == [
        (
            2022,
            "510502",
            "科研机构",
            "农业",
            1,
            1,
            1,
            0,
            0,
            Decimal("0"),
            Decimal("0"),
            Decimal("436.0"),
        ),
        (
            2023,
            "510504",
            "高等院校",
            "生物、医药和医疗器械",
            1,
            1,
            1,
            1,
            1,
            Decimal("120"),
            Decimal("500"),
            Decimal("245.0"),
        ),
        (
            2024,
            "510502",
            "科研机构",
            "农业",
            1,
            0,
            1,
            1,
            0,
            Decimal("80"),
            Decimal("0"),
            Decimal("0.0"),
        ),
    ]


def test_technology_market_counts_the_latest_amounts_and_a_later_cancellation(built):
    rows = query(
        built,
        """
        select month_key, reporting_type, technology_field, seller_county_code, seller_group,
               technology_flow, contract_count, contract_amount, technology_amount
        from marts.fct_technology_market_monthly order by technology_amount desc""",
    )
    assert rows == [
        (
            "202403",
            "技术转让",
            "生物、医药和医疗器械",
            "510504",
            "高等院校",
            "本市",
            1,
            Decimal("120"),
            Decimal("100"),
        ),
        (
            "202403",
            "技术转让",
            "农业",
            "510502",
            "科研机构",
            "本市",
            1,
            Decimal("80"),
            Decimal("80"),
        ),
        (
            "202403",
            "技术开发",
            "新材料及其应用",
            "510504",
            "高等院校",
            "本市",
            1,
            Decimal("60"),
            Decimal("45"),
        ),
        # cancelled on 2024-04-20, after March ended: March still counts it
        (
            "202403",
            "技术咨询",
            "电子信息",
            "510503",
            "自然人",
            "省内其他市州",
            1,
            Decimal("10"),
            Decimal("10"),
        ),
    ]


def test_patent_status_comes_from_events_and_the_latest_record(built):
    assert query(
        built,
        """select application_no, legal_status, status_since, grant_date,
                                  technology_field, transfer_count, licence_count, pledge_count
                           from marts.dim_patent order by application_no""",
    ) == [
        (example.P1, "有效", date(2023, 6, 1), date(2023, 6, 1), "生物、医药和医疗器械", 1, 0, 1),
        (example.P2, "失效", date(2024, 3, 1), date(2022, 12, 1), "农业", 0, 1, 0),
        (example.P3, "审中", date(2023, 2, 1), None, "电子信息", 0, 0, 0),
    ]


def test_organisation_written_without_code_is_the_coded_one(built):
    key, variants, name_only = built.execute(
        """select organization_key, name_variants, has_name_only_mentions
           from marts.dim_organization where organization_key = %s""",
        (example.PHARMA[1],),
    ).fetchone()
    assert (key, variants, name_only) == (example.PHARMA[1], 1, True)
    assert query(built, "select count(*) from steward.steward_organization_conflicts") == [(0,)]


def test_contract_changes_and_loan_status_history(built):
    assert query(
        built,
        """select registration_no, action, contract_amount_change
                           from marts.fct_contract_change order by change_id""",
    ) == [("2024510500000102", "变更", Decimal("10")), ("2024510500000104", "注销", Decimal("0"))]
    assert query(
        built,
        """select status, status_from, status_to, is_current
                           from marts.fct_tech_loan_status_history
                           where loan_key = 'LZB:LZB202400001' order by status_sequence""",
    ) == [
        ("正常", date(2024, 6, 1), date(2024, 6, 1), False),
        ("关注", date(2024, 6, 2), None, True),
    ]


def test_persons_appear_by_keyed_hash_only(built):
    seller_key, expected = built.execute(
        """select seller_person_key, private.person_key(%s)
           from marts.fct_technology_contract where seller_nature = '400'""",
        (example.PERSON_SELLER,),
    ).fetchone()
    assert seller_key == expected and len(seller_key) == 64
    for schema in ("staging", "intermediate", "marts", "steward"):  # all that dbt builds
        tables = [
            r[0]
            for r in query(
                built,
                f"""select table_name from information_schema.tables
                                                where table_schema = '{schema}'""",
            )
        ]
        for table in tables:
            text = built.execute(
                f"select coalesce(string_agg(t::text, ' '), '') from {schema}.{table} as t"
            ).fetchone()[0]
            for personal in example.PERSONAL_DATA:
                assert personal not in text, f"{personal} in {schema}.{table}"


def test_marts_describe_every_column_in_postgres(built):
    undocumented = query(
        built,
        """
        select c.table_name || '.' || c.column_name
        from information_schema.columns as c
        join pg_class as t on t.relname = c.table_name
        join pg_namespace as n on n.oid = t.relnamespace and n.nspname = c.table_schema
        where c.table_schema = 'marts'
          and col_description(t.oid, c.ordinal_position) is null""",
    )
    assert undocumented == []
    assert query(
        built,
        """select count(*) from pg_class as t
                           join pg_namespace as n on n.oid = t.relnamespace
                           where n.nspname = 'marts' and t.relkind = 'r'
                             and obj_description(t.oid) !~ '[一-龥]'""",
    ) == [(0,)]


def test_dbt_docs_generate_describes_the_marts(built, settings):
    import json

    dbt.run_dbt(settings, "docs", "generate")
    catalog = json.loads((settings.home / "dbt" / "target" / "catalog.json").read_text())
    chain = catalog["nodes"]["model.zhuanhua.fct_conversion_chain"]
    assert "科技成果转化链" in chain["metadata"]["comment"]
    assert chain["columns"]["stage_reached"]["comment"].endswith("到达阶段")


GUIDE = PROJECT_ROOT / "docs" / "analyst-guide.md"


def guide_questions() -> list[tuple[str, str, list[list[str]]]]:
    """Each question of the analyst guide: its title, its SQL, and the table it shows."""
    found = re.findall(
        r"^### (\d+\. [^\n]+)\n.*?```sql\n(.+?)```\n\n((?:\|[^\n]*\|\n)+)",
        GUIDE.read_text(encoding="utf-8"),
        flags=re.M | re.S,
    )
    return [
        (
            title,
            sql,
            [
                [c.strip() for c in line.strip().strip("|").split("|")]
                for line in table.splitlines()
                if not line.startswith("|---")
            ],
        )
        for title, sql, table in found
    ]


def as_cell(value) -> str:
    if value is None:
        return ""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def test_the_guide_answers_ten_questions():
    assert [title.split(".")[0] for title, _, _ in guide_questions()] == [
        str(n) for n in range(1, 11)
    ]


@pytest.mark.parametrize(
    ("title", "sql", "table"),
    guide_questions(),
    ids=lambda v: v.split(".")[0] if isinstance(v, str) else None,
)
def test_analyst_guide_query_returns_what_the_guide_shows(built, title, sql, table):
    cursor = built.execute(sql)
    shown = [[d.name for d in cursor.description]]
    shown += [[as_cell(v) for v in row] for row in cursor.fetchall()]
    assert shown == table, title


MARTS_CONTENT = """select table_name from information_schema.tables
                   where table_schema = 'marts' order by table_name"""


def marts_content(conn) -> dict[str, str]:
    """Each mart's rows, as one digest per table (order-independent)."""
    return {
        table: conn.execute(
            "select count(*) || ':' || "
            "coalesce(md5(string_agg(t::text, '|' order by t::text)), '')"
            f" from marts.{table} as t"
        ).fetchone()[0]
        for (table,) in conn.execute(MARTS_CONTENT).fetchall()
    }


def test_incremental_build_after_late_and_corrected_files_equals_a_full_refresh(settings, tmp_path):
    """Generator data over two nights: the second brings a late file and a correction."""
    from zhuanhua.dev.synth import generate

    landing = tmp_path / "landing"
    generate(str(landing), date(2024, 1, 1), days=30, scale="city")
    late = sorted((landing / "loans").glob("loans_*_20240110.csv"))[0]
    held_back = late.read_bytes()
    late.unlink()
    night = dataclasses.replace(settings, landing=str(landing), hold_share=1.0)
    with connect(settings) as conn:
        empty_warehouse(conn, settings)
        load_all_feeds(night, date(2024, 1, 20))
        dbt.build(night)
        late.write_bytes(held_back)
        corrected = landing / "patents" / "patent_events_20240115.jsonl"
        lines = corrected.read_bytes().splitlines(True)
        dropped = next(i for i, line in enumerate(lines) if line.startswith(b'{"'))
        corrected.write_bytes(b"".join(lines[:dropped] + lines[dropped + 1 :]))  # one event less
        load_all_feeds(night, date(2024, 1, 30))
        dbt.build(night)
        incremental = marts_content(conn)
        dbt.run_dbt(night, "build", "--full-refresh")
        assert marts_content(conn) == incremental
        assert (
            conn.execute(
                "select count(*) from raw.batch_ledger where status = 'superseded'"
            ).fetchone()[0]
            == 1
        )


SKEW = 1500  # transfers to one adopter, and loans it draws: 2 M pairs if anything pairs them
CHAIN_MODELS = ("fct_conversion_chain", "fct_conversion_funnel_yearly")


def _copies(conn, table: str, key: str, template: str, changes: dict[str, str]) -> str:
    """An insert of SKEW copies of one row of `table` (its `key` = template), with `changes`
    (SQL over i = 1…SKEW) in place of some columns."""
    columns = [
        c
        for (c,) in conn.execute(
            """select column_name from information_schema.columns
               where table_schema = 'intermediate' and table_name = %s order by ordinal_position""",
            (table,),
        ).fetchall()
    ]
    values = ", ".join(changes.get(c, f"t.{c}") for c in columns)
    return (
        f"insert into intermediate.{table} select {values} from intermediate.{table} as t "
        f"cross join generate_series(1, {SKEW}) as i where t.{key} = '{template}'"
    )


def _largest_plan_node(conn, settings, model: str) -> int:
    """The most rows any step of the model's plan produced (rows × loops)."""
    compiled = next((settings.home / "dbt" / "target" / "compiled").rglob(f"{model}.sql"))
    conn.execute("set enable_nestloop = off")  # as the models run (dbt_project.yml pre-hook)
    [(plan,)] = conn.execute(
        "explain (analyze, format json) " + compiled.read_text(encoding="utf-8")
    ).fetchall()
    conn.execute("reset enable_nestloop")

    def walk(node):
        yield node["Actual Rows"] * node["Actual Loops"]
        for child in node.get("Plans", []):
            yield from walk(child)

    return max(walk(plan[0]["Plan"]))


def test_the_chain_stays_linear_for_an_adopter_with_thousands_of_transfers_and_loans(
    built, settings
):
    transfer, loan = built.execute(
        """select c.chain_id, l.loan_key
           from marts.fct_conversion_chain as c
           join intermediate.int_loans_resolved_to_current as l
             on l.borrower_uscc = c.adopter_organization_key
           where c.is_adopted and c.cancelled_on is null limit 1"""
    ).fetchone()
    try:
        with built.transaction():
            built.execute(
                _copies(
                    built,
                    "int_transfers_deduplicated",
                    "transfer_id",
                    transfer,
                    {
                        "transfer_id": "'skew:' || i",
                        "transfer_date": "date '2020-01-01' + i",
                    },
                )
            )
            built.execute(
                _copies(
                    built,
                    "int_loans_resolved_to_current",
                    "loan_key",
                    loan,
                    {
                        "loan_key": "'skew:' || i",
                        "disbursed_on": "date '2020-01-01' + 2 * i",
                        "principal": "i",
                        "pledged_patent_nos": "'{}'",
                    },
                )
            )
        dbt.run_dbt(settings, "run", "--select", *CHAIN_MODELS)
        for model in CHAIN_MODELS:
            assert _largest_plan_node(built, settings, model) < 10 * SKEW, model
        # the sums equal the pairs counted by hand, for a few chains across the range
        for day in (1, 200, 400):  # windows that end before the example's own loans
            [(amount, count, first)] = built.execute(
                """select financed_amount, loan_count, financing_date
                   from marts.fct_conversion_chain where chain_id = %s""",
                (f"skew:{day}",),
            ).fetchall()
            inside = [i for i in range(1, SKEW + 1) if day <= 2 * i <= day + 730]
            assert (amount, count) == (sum(inside), len(inside))
            assert first == date(2020, 1, 1) + timedelta(2 * inside[0])
    finally:
        with built.transaction():
            for table, key in (
                ("int_transfers_deduplicated", "transfer_id"),
                ("int_loans_resolved_to_current", "loan_key"),
            ):
                built.execute(f"delete from intermediate.{table} where {key} like 'skew:%'")
        dbt.run_dbt(settings, "run", "--select", *CHAIN_MODELS)
