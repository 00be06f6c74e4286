"""Tell the people responsible what failed or is late, and what to do about it.

Every alert is logged and appended to `$ZHUANHUA_HOME/logs/alerts.jsonl`; it also goes out
through Airflow's notifiers (HTTP webhook, SMTP mail, Apprise robots) whose connections are
defined (the *_CONN_ID constants below). A channel that fails is logged and never hides the
failure it was reporting.
"""

from __future__ import annotations

import html
import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from zhuanhua.audit.build_failures import dbt_test_names, failing_tests
from zhuanhua.build.dbt import manifest_path
from zhuanhua.errors import LandingUnreachable
from zhuanhua.load.connection import connect
from zhuanhua.ops.connections import with_warehouse_connection
from zhuanhua.ops.dates import business_date_in
from zhuanhua.ops.faults import is_transient
from zhuanhua.ops.warehouse_group import WAREHOUSE_GROUP
from zhuanhua.settings import Settings, load_settings

log = logging.getLogger(__name__)

# What to do, by the task that failed (first matching prefix wins).
ACTIONS = (
    (
        "load_",
        "A feed file could not be loaded whole. Read the error: a file held for too many "
        "bad rows is listed by `zhuanhua quarantine files` (its rows' reasons by `zhuanhua "
        "quarantine list` once loaded); ask the sender for a corrected file, or release it "
        "with `zhuanhua quarantine release-file BATCH_ID`, then `zhuanhua run --date {date}`.",
    ),
    (
        f"{WAREHOUSE_GROUP}.",
        "A dbt model or test failed. The task's log names the model and the "
        "failing test; fix the model or the data, then clear the task in "
        "Airflow (or `zhuanhua run --date {date}`).",
    ),
    (
        "export",
        "The provincial export stopped; its log says why (missing files or a failed "
        "reconciliation). See docs/operations.md, 'The provincial exports'.",
    ),
)
TRANSIENT_ACTION = (
    "The {what} was unreachable through every retry. Check that it is up, "
    "then clear the task in Airflow or run `zhuanhua run --date {date}`: "
    "re-running loads nothing twice."
)


@dataclass
class Alert:
    level: str  # failure | late
    subject: str
    details: dict[str, str] = field(default_factory=dict)
    action: str = ""
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())

    @property
    def text(self) -> str:
        lines = [self.subject, *(f"{k}: {v}" for k, v in self.details.items())]
        return "\n".join([*lines, f"what to do: {self.action}"] if self.action else lines)


def send(alert: Alert, settings: Settings) -> None:
    """Log the alert, keep it in the alerts file, and post it to the configured channels."""
    log.warning("ALERT %s", alert.text)
    _append(alert, alerts_file(settings))
    for conn_id, notifier in _notifiers(alert, settings):
        try:
            if _defined(conn_id):
                notifier().notify({})  # every field given: nothing to render from a context
        except Exception as error:  # a broken channel must not mask the alert
            log.error("alert channel %s failed: %s", conn_id, error)


def on_task_failure(context) -> None:
    """Airflow's on_failure_callback: what failed, for which business date, and what to do.

    Airflow calls it with the task's context only, so, like a DAG file, it is an entry point
    that reads the settings.
    """
    ti = context["ti"]
    error = context.get("exception")
    day = _business_date(context)
    details = {
        "dag": ti.dag_id,
        "task": ti.task_id,
        "business date": day,
        "run": context.get("run_id") or ti.run_id,
        "try": str(ti.try_number),
        "error": _first_line(error),
    }
    settings = load_settings()
    if ti.task_id.startswith(f"{WAREHOUSE_GROUP}."):
        details |= _failing_tests(settings)
    send(
        Alert(
            "failure",
            f"Zhuanhua: {ti.dag_id}.{ti.task_id} failed ({day})",
            details,
            action_for(ti.task_id, error, day),
        ),
        settings,
    )


def _failing_tests(settings: Settings) -> dict[str, str]:
    """The failed build's tests and their first rows, so the alert says what is wrong."""
    try:
        names = dbt_test_names(manifest_path(settings))
        with connect(with_warehouse_connection(settings)) as conn:
            failing = failing_tests(conn, names)
    except Exception as error:  # the alert goes out without them rather than not at all
        log.error("could not read the failing tests' rows: %s", error)
        return {}
    return {f"failing test {n}": t.text() for n, t in enumerate(failing, 1)}


RUN_ACTION = (
    "The run did not end in time: a task may hang on the landing area's mount, the database or "
    "a lock. Look at the run's running tasks in Airflow, then clear them or run `zhuanhua run "
    "--date {date}`: re-running loads nothing twice."
)


def on_run_failure(context) -> None:
    """The DAGs' on_failure_callback: a run that failed as a whole, past its deadline
    (`dagrun_timeout`). A run failed by a task's failure is already alerted by that task."""
    reason = str(context.get("reason") or "failed")
    if "task_failure" in reason:
        return
    run = context.get("dag_run")
    dag_id = getattr(run, "dag_id", None) or getattr(context.get("dag"), "dag_id", "?")
    day = _business_date(context)
    details = {
        "dag": dag_id,
        "run": str(getattr(run, "run_id", "")),
        "business date": day,
        "reason": reason,
    }
    send(
        Alert(
            "failure",
            f"Zhuanhua: {dag_id} run {reason} ({day})",
            details,
            RUN_ACTION.format(date=day),
        ),
        load_settings(),
    )


def action_for(task_id: str, error: BaseException | None, day: str) -> str:
    if error is not None and is_transient(error):
        what = (
            "landing area"
            if isinstance(error, LandingUnreachable)
            else "warehouse database or the network to it"
        )
        return TRANSIENT_ACTION.format(what=what, date=day)
    for prefix, action in ACTIONS:
        if task_id.startswith(prefix):
            return action.format(date=day)
    return f"Read the task's log, fix the cause, then clear the task (business date {day})."


def alerts_file(settings: Settings) -> Path:
    return settings.logs / "alerts.jsonl"


def _append(alert: Alert, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({**asdict(alert), "text": alert.text}, ensure_ascii=False) + "\n")


# The channels are Airflow notifiers, each on when its Airflow connection is defined (in the
# UI, a secrets backend or an AIRFLOW_CONN_* variable); docs/operations.md shows each one.
WEBHOOK_CONN_ID = "zhuanhua_alert_webhook"  # HTTP: the alert as a JSON POST to its host URL
SMTP_CONN_ID = "zhuanhua_alert_smtp"  # SMTP: mailed to ZHUANHUA_ALERT_EMAIL
APPRISE_CONN_ID = "zhuanhua_alert_apprise"  # Apprise: DingTalk or WeCom robots, and others


def _notifiers(alert: Alert, settings: Settings):
    """(connection id, notifier) of every channel, made only when its connection exists."""
    # lazy: the providers import Airflow, which the CLI's quick commands do not need
    from airflow.providers.apprise.notifications.apprise import AppriseNotifier
    from airflow.providers.http.notifications.http import HttpNotifier
    from airflow.providers.smtp.notifications.smtp import SmtpNotifier

    payload = {**asdict(alert), "text": alert.text}
    yield (
        WEBHOOK_CONN_ID,
        lambda: HttpNotifier(
            http_conn_id=WEBHOOK_CONN_ID,
            json=payload,
            headers={"Content-Type": "application/json; charset=utf-8"},
        ),
    )
    if settings.alert_email:
        yield (
            SMTP_CONN_ID,
            lambda: SmtpNotifier(
                smtp_conn_id=SMTP_CONN_ID,
                to=settings.alert_email,
                from_email=settings.alert_from,
                subject=alert.subject,
                html_content=f"<pre>{html.escape(alert.text)}</pre>",
            ),
        )
    yield (
        APPRISE_CONN_ID,
        lambda: AppriseNotifier(
            apprise_conn_id=APPRISE_CONN_ID,
            title=alert.subject,
            body=alert.text,
            notify_type="warning" if alert.level == "late" else "failure",
        ),
    )


def _defined(conn_id: str) -> bool:
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        BaseHook.get_connection(conn_id)
    except AirflowNotFoundException:
        return False
    return True


def _business_date(context) -> str:
    try:
        return business_date_in(context).isoformat()
    except (ValueError, TypeError, KeyError):
        return "unknown"


def _first_line(error: BaseException | None) -> str:
    text = str(error or "unknown error").strip()
    return text.splitlines()[0][:500] if text else type(error).__name__
