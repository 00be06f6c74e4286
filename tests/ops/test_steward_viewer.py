"""Who may see persons in clear and decide: the steward's roles, read from Airflow's user."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

from zhuanhua.domain.feeds import MASK
from zhuanhua.ops.steward.viewer import shown_row, viewer_of


def user(name: str, role: str | None = None, roles: tuple = ()):
    """Airflow's simple auth manager user carries `role`; FAB's carries `roles`."""
    return SimpleNamespace(get_name=lambda: name, role=role, roles=list(roles))


def test_the_steward_roles_come_from_the_settings(settings):
    assert viewer_of(user("steward", "OP"), settings).steward
    assert viewer_of(user("admin", "ADMIN"), settings).steward
    assert not viewer_of(user("fenxi", "VIEWER"), settings).steward
    fab = user("li", roles=(SimpleNamespace(name="Steward"),))
    assert not viewer_of(fab, settings).steward
    assert viewer_of(fab, dataclasses.replace(settings, steward_roles=("steward",))).steward


ROW = {
    "feed": "loans",
    "record": {"借款人证件号码": "510502199001011234", "贷款编号": "L1", "借款人名称": "王芳"},
    "rules": [
        {"rule": "loans.borrower_id_no_valid", "column": "borrower_id_no", "message": "bad 5105"},
        {"rule": "loans.principal_positive", "column": "principal", "message": "must be > 0"},
    ],
}


def test_a_row_is_shown_in_the_feeds_order_and_masked_for_others(settings):
    steward = shown_row(ROW, viewer_of(user("steward", "op"), settings))
    assert list(steward["record"]) == ["贷款编号", "借款人名称", "借款人证件号码"]
    assert steward["record"]["借款人名称"] == "王芳"
    other = shown_row(ROW, viewer_of(user("fenxi", "viewer"), settings))
    assert other["record"] == {"贷款编号": "L1", "借款人名称": MASK, "借款人证件号码": MASK}
    assert [r["message"] for r in other["rules"]] == [MASK, "must be > 0"]
