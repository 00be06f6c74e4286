"""Alerts (ops/alerts.py): what to do by task and fault, and every channel tried."""

import dataclasses
import json

import psycopg

from tests.support.alert_inbox import AlertInbox, MailInbox
from zhuanhua.errors import LandingUnreachable
from zhuanhua.ops.alerts import Alert, action_for, alerts_file, send


def test_what_to_do_depends_on_the_task_and_on_whether_a_retry_could_help():
    day = "2024-06-03"
    assert "zhuanhua quarantine list" in action_for("load_contracts", ValueError("x"), day)
    assert "dbt model or test failed" in action_for("build_warehouse.fct_x_run", None, day)
    assert "landing area was unreachable" in action_for(
        "load_loans", LandingUnreachable("gone"), day
    )
    assert "warehouse database" in action_for(
        "close_loads", psycopg.OperationalError("closed"), day
    )
    assert f"business date {day}" in action_for("something_else", None, day)


def test_an_alert_is_kept_posted_and_survives_a_broken_mail_channel(
    settings, tmp_path, monkeypatch
):
    inbox = AlertInbox()
    monkeypatch.setenv("AIRFLOW_CONN_ZHUANHUA_ALERT_WEBHOOK", inbox.webhook_connection)
    monkeypatch.setenv("AIRFLOW_CONN_ZHUANHUA_ALERT_SMTP", "smtp://127.0.0.1:9")  # none there
    here = dataclasses.replace(settings, home=tmp_path, alert_email="steward@localhost")
    alert = Alert("late", "Zhuanhua: 1 feed file late", {"late": "loans"}, "Ask the bank.")
    try:
        send(alert, here)
    finally:
        inbox.close()
    kept = [json.loads(line) for line in alerts_file(here).read_text("utf-8").splitlines()]
    assert kept[0]["subject"] == alert.subject and "what to do: Ask the bank." in kept[0]["text"]
    assert inbox.received[0]["details"] == {"late": "loans"}


def test_alerts_go_out_through_airflows_smtp_and_apprise_notifiers(settings, tmp_path, monkeypatch):
    """Mail to the steward (SmtpNotifier), and a chat robot's message (AppriseNotifier; a
    DingTalk or WeCom robot is an Apprise URL such as dingtalk://TOKEN or wecombot://KEY)."""
    mail, robot = MailInbox(), AlertInbox()
    monkeypatch.setenv("AIRFLOW_CONN_ZHUANHUA_ALERT_SMTP", mail.connection)
    monkeypatch.setenv("AIRFLOW_CONN_ZHUANHUA_ALERT_APPRISE", robot.apprise_connection)
    here = dataclasses.replace(settings, home=tmp_path, alert_email="steward@localhost")
    alert = Alert("failure", "Zhuanhua: load_loans failed", {"file": "贷款.csv"}, "重新发送。")
    try:
        send(alert, here)
    finally:
        mail.close()
        robot.close()
    [message] = mail.messages
    assert message["Subject"] == alert.subject and message["To"] == "steward@localhost"
    assert "what to do: 重新发送。" in message.get_body().get_content()
    [posted] = robot.received
    assert posted["title"] == alert.subject and "贷款.csv" in posted["message"]
    assert posted["type"] == "failure"


def test_a_run_past_its_deadline_alerts_once_and_a_task_failure_is_left_to_its_task(
    settings, monkeypatch, tmp_path
):
    from zhuanhua.ops.alerts import on_run_failure

    monkeypatch.setenv("ZHUANHUA_HOME", str(tmp_path))
    here = dataclasses.replace(settings, home=tmp_path)
    on_run_failure({"reason": "task_failure", "params": {"business_date": "2024-06-03"}})
    assert not alerts_file(here).exists()
    on_run_failure({"reason": "timed_out", "params": {"business_date": "2024-06-03"}})
    [kept] = [json.loads(line) for line in alerts_file(here).read_text("utf-8").splitlines()]
    assert kept["details"]["reason"] == "timed_out"
    assert "2024-06-03" in kept["subject"] and "zhuanhua run --date 2024-06-03" in kept["action"]
