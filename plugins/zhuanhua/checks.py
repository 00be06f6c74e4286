"""Row rules run as Great Expectations validations, one validation per file version.

A rule is an expectation plus a name, a severity and a message for the data steward. Rows a
`reject` rule fails go to quarantine; rows a `warn` rule fails load with the warning.
The suites are built here from the rules and the seed code tables, and saved into the GX
project in `expectations/` on every run, so the project always shows what ran.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Literal

import pandas as pd

from zhuanhua.config import PROJECT_ROOT

Severity = Literal["reject", "warn"]
GX_PROJECT = PROJECT_ROOT / "expectations"


@dataclass(frozen=True)
class Rule:
    name: str
    column: str
    message: str
    expectation: object  # a great_expectations Expectation
    severity: Severity = "reject"


@dataclass(frozen=True)
class Failure:
    rule: str
    column: str
    message: str
    severity: Severity = "reject"

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "column": self.column, "message": self.message,
                "severity": self.severity}


def validate(suite_name: str, rules: list[Rule], frame: pd.DataFrame) -> dict[int, list[Failure]]:
    """Failures by row position in `frame`, from one GX validation of all rules."""
    if frame.empty:
        return {}
    import great_expectations as gx

    context = _context()
    suite = gx.ExpectationSuite(name=suite_name)
    for rule in rules:
        rule.expectation.meta = {"rule": rule.name}
        suite.add_expectation(rule.expectation)
    suite = context.suites.add_or_update(suite)
    definition = context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=_batch_definition(context), suite=suite)
    )
    result = definition.run(
        batch_parameters={"dataframe": frame.reset_index(drop=True)},
        result_format={"result_format": "COMPLETE"},
    )
    by_name = {rule.name: rule for rule in rules}
    failures: dict[int, list[Failure]] = defaultdict(list)
    for outcome in result.results:
        rule = by_name[outcome.expectation_config.meta["rule"]]
        if outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"rule {rule.name} could not be evaluated: "
                f"{outcome.exception_info.get('exception_message')}"
            )
        for position in outcome.result.get("unexpected_index_list") or []:
            failures[int(position)].append(
                Failure(rule.name, rule.column, rule.message, rule.severity)
            )
    return dict(failures)


@cache
def _context():
    import great_expectations as gx

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    return gx.get_context(mode="file", project_root_dir=str(GX_PROJECT))


def _batch_definition(context):
    """The dataframe batch every validation uses; created once, then read from the project."""
    try:
        source = context.data_sources.get("landed_files")
    except KeyError:
        source = context.data_sources.add_pandas("landed_files")
    try:
        asset = source.get_asset("rows")
    except LookupError:
        asset = source.add_dataframe_asset("rows")
    try:
        return asset.get_batch_definition("whole_file")
    except KeyError:
        return asset.add_batch_definition_whole_dataframe("whole_file")
