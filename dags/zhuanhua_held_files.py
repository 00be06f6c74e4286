"""The data steward's decision on files held whole, as Airflow human-in-the-loop tasks."""

from __future__ import annotations

from datetime import timedelta

from airflow.providers.standard.operators.hitl import HITLOperator
from airflow.sdk import Param, dag, task, task_group
from airflow.sdk.configuration import conf

from zhuanhua.ops import held_files
from zhuanhua.ops.connections import with_warehouse_connection
from zhuanhua.ops.dag_defaults import dag_arguments
from zhuanhua.settings import load_settings

settings = load_settings()
ANSWER_WITHIN = timedelta(days=7)


@dag(
    dag_id="zhuanhua_held_file_review",
    schedule="0 7 * * *",
    # a person answers when they can: the run's deadline is a week, not the night's hours
    **(dag_arguments(settings, "steward") | {"dagrun_timeout": ANSWER_WITHIN}),
    doc_md="""
### 转化: the steward decides on files held whole

Every morning at 07:00 Asia/Shanghai, after the night, each file the loads held whole (too
many bad rows) becomes one question in Airflow's **待响应的任务实例** (required actions):
**放行** re-checks it and loads it (bad rows to the quarantine), **退回** marks it rejected so
the sender corrects it; a reason is required. The answer is recorded in
`audit.steward_decision` under the Airflow user who gave it. The same decision can be taken in
the steward console (浏览 → 数据管理员控制台) or with `zhuanhua quarantine release-file` /
`reject-file`; a question about a file already decided there applies nothing.
""",
)
def held_file_review():
    @task(doc_md="The files held whole, one question each (none: nothing to ask).")
    def held() -> list[dict]:
        return held_files.questions(with_warehouse_connection(settings))

    @task(doc_md="Apply the answer as the console does, recorded under who gave it.")
    def apply(batch_id: int, answer: dict) -> str:
        return held_files.apply(batch_id, answer, with_warehouse_connection(settings))

    @task_group
    def one_file(subject: str, body: str, batch_id: int) -> None:
        """Each file's answer is applied as soon as it is given, whatever the others wait on."""
        answer = HITLOperator(
            task_id="decide",
            subject=subject,
            body=body,
            options=[held_files.RELEASE, held_files.REJECT],
            params={
                "reason": Param(
                    None,
                    type=["null", "string"],
                    minLength=2,
                    description="理由（退回时必填，记入审计表）",
                )
            },
            # only the steward's logins may answer (Airflow's own permission besides)
            assigned_users=held_files.stewards(
                conf.get("core", "simple_auth_manager_users", fallback=""), settings
            ),
            execution_timeout=None,  # bounded by the run's deadline (ANSWER_WITHIN)
            doc_md="The steward's answer: release or reject, with a reason.",
        )
        apply(batch_id, answer.output)

    one_file.expand_kwargs(held())


held_file_review()
