"""The first contract fact, built by a real `dbt build` from hand-made registration actions."""

from datetime import date
from decimal import Decimal

from tests.support.contract_files import action, deliver
from zhuanhua.build import dbt
from zhuanhua.ops.steps import load_feed


def test_fact_resolves_amendments_cancellations_legacy_licences_and_persons(
    warehouse, landing, landing_settings
):
    a, b, c = "2024510500000001", "2024510500000002", "2024510500000003"
    deliver(
        landing,
        date(2024, 6, 3),
        [
            action(a, "登记", date(2024, 6, 3)),
            action(
                b,
                "登记",
                date(2024, 6, 3),
                合同类型="技术转让",
                合同子类="专利实施许可",
                知识产权类型="专利",
                买方国别="HK",
                买方行政区划=None,
                买方统一社会信用代码=None,
            ),
            action(
                c,
                "登记",
                date(2024, 6, 3),
                卖方名称="张三",
                卖方性质="400",
                卖方统一社会信用代码=None,
                买方行政区划="510100",
            ),
        ],
        variant=0,
    )
    deliver(
        landing,
        date(2024, 6, 4),
        [
            action(a, "变更", date(2024, 6, 4), **{"合同成交额（万元）": Decimal("150.00")}),
        ],
        variant=1,
    )
    deliver(
        landing,
        date(2024, 6, 5),
        [
            action(
                a,
                "变更",
                date(2024, 6, 5),
                **{"合同成交额（万元）": Decimal("120.00"), "技术交易额（万元）": Decimal("90.00")},
            ),
            action(
                b,
                "注销",
                date(2024, 6, 5),
                合同类型="技术转让",
                合同子类="专利实施许可",
                知识产权类型="专利",
                买方国别="HK",
                买方行政区划=None,
                买方统一社会信用代码=None,
            ),
        ],
        variant=2,
    )
    load_feed("contracts", date(2024, 6, 5), landing_settings)
    dbt.build(landing_settings)

    rows = warehouse.execute(
        """select registration_no, original_registration_date, reporting_type, contract_amount,
                  technology_amount, amendment_count, cancelled_on, technology_flow,
                  seller_name, seller_group, seller_county_code, is_output, is_absorbed
           from marts.fct_technology_contract order by registration_no"""
    ).fetchall()
    assert rows == [
        (
            a,
            date(2024, 6, 3),
            "技术开发",
            Decimal("120.00"),
            Decimal("90.00"),
            2,
            None,
            "本市",
            "西南医科大学",
            "高等院校",
            "510504",
            True,
            True,
        ),
        (
            b,
            date(2024, 6, 3),
            "技术许可",
            Decimal("100.00"),
            Decimal("80.00"),
            0,
            date(2024, 6, 5),
            "港澳台",
            "西南医科大学",
            "高等院校",
            "510504",
            True,
            False,
        ),
        (
            c,
            date(2024, 6, 3),
            "技术开发",
            Decimal("100.00"),
            Decimal("80.00"),
            0,
            None,
            "省内其他市州",
            None,
            "自然人",
            "510504",
            True,
            False,
        ),
    ]


def test_marts_carry_their_descriptions_as_postgres_comments(warehouse, landing, landing_settings):
    dbt.build(landing_settings)
    table_comment, column_comment = warehouse.execute(
        """select obj_description('marts.fct_technology_contract'::regclass),
                  col_description('marts.fct_technology_contract'::regclass, 1)"""
    ).fetchone()
    assert "技术合同事实表" in table_comment
    assert column_comment == "Registration number (16 digits). 合同登记号"
