"""Row rules run as Great Expectations validations, one validation per chunk of a load's rows.

A rule is an expectation plus a name, a severity and a message for the data steward. Rows a
`reject` rule fails go to quarantine; rows a `warn` rule fails load with the warning.
The suites are built here from the rules and the seed code tables, and saved into the GX
project in `expectations/` on every run, so the project always shows what ran.
"""

from __future__ import annotations

import copy
import gc
import json
import logging
import os
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from zhuanhua.settings import GX_PROJECT

if TYPE_CHECKING:  # frames arrive from the caller; importing pandas here costs every CLI start
    import pandas as pd

Severity = Literal["reject", "warn"]
SECONDS_VALIDATING: Counter[str] = Counter()  # per suite, for `make bench`


@dataclass(frozen=True, eq=False)  # compared and cached by identity: rules are built once
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
        return {
            "rule": self.rule,
            "column": self.column,
            "message": self.message,
            "severity": self.severity,
        }


def validate(
    suite_name: str, rules: tuple[Rule, ...], frame: pd.DataFrame, gx_state: Path
) -> dict[int, list[Failure]]:
    """Failures by row position in `frame`, from one validation of all rules; results
    are stored under `gx_state` (Settings.gx_state) as GX validation results.

    Each expectation the fast path covers (check/engine.py) is computed there; any other runs
    through GX's own pandas engine. Either way the stored result is one GX suite result.
    """
    if frame.empty:
        return {}
    missing = {c for rule in rules for c in _columns(rule)} - set(frame.columns)
    if missing:  # GX would pass such a rule silently
        raise RuntimeError(f"the {suite_name} rules need columns the rows lack: {sorted(missing)}")
    # lazy, as every GX import here: GX takes about 6 s to import (see _context)
    from great_expectations.exceptions.resource_freshness import ResourceFreshnessAggregateError

    started = time.perf_counter()
    frame = frame.reset_index(drop=True)
    try:
        outcomes = _run(suite_name, rules, frame, gx_state)
    except ResourceFreshnessAggregateError:  # another process saved the suite since we cached it
        _definition.cache_clear()
        outcomes = _run(suite_name, rules, frame, gx_state)
    SECONDS_VALIDATING[suite_name] += time.perf_counter() - started
    by_name = {rule.name: rule for rule in rules}
    failures: dict[int, list[Failure]] = defaultdict(list)
    with _collector_paused():
        _collect(outcomes, by_name, failures)
    return dict(failures)


@contextmanager
def _collector_paused():
    """Tens of thousands of new lists set off full garbage collections that walk GX's whole
    heap: half a validation's time on a night with many failing rows. Nothing built here
    makes a reference cycle."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _collect(outcomes: list, by_name: dict[str, Rule], failures: dict[int, list[Failure]]):
    for outcome in outcomes:
        rule = by_name[outcome.expectation_config.meta["rule"]]
        if outcome.exception_info.get("raised_exception"):
            raise RuntimeError(
                f"rule {rule.name} could not be evaluated: "
                f"{outcome.exception_info.get('exception_message')}"
            )
        failure = Failure(rule.name, rule.column, rule.message, rule.severity)  # immutable
        for position in outcome.result.get("unexpected_index_list") or []:
            failures[int(position)].append(failure)


def _columns(rule: Rule) -> list[str]:
    kwargs = rule.expectation.configuration.kwargs
    named = [kwargs.get(k) for k in ("column", "column_A", "column_B")]
    return [c for c in named if c] + list(kwargs.get("column_list") or [])


def _run(suite_name: str, rules: tuple[Rule, ...], frame: pd.DataFrame, gx_state: Path) -> list:
    """Every rule's GX expectation result, in the suite's order, stored as one suite result."""
    from zhuanhua.check import engine, results  # lazy: pandas, see TYPE_CHECKING above

    definition = _definition(suite_name, rules, gx_state)
    # the expectations as the project stores them, as GX itself would run them
    stored = stored_expectations(suite_name, rules, gx_state)
    fast = {r.name for r in rules if engine.covers(stored[r.name])}
    by_gx = _run_by_gx(suite_name, [r for r in rules if r.name not in fast], frame, definition)
    batch, outcomes = engine.Batch(frame), []
    for rule in rules:
        expectation = stored[rule.name]
        if rule.name not in fast:
            outcomes.append(by_gx[rule.name])
            continue
        configuration = expectation.configuration  # built anew on every read: read once
        try:
            found = engine.unexpected_rows(expectation, batch, configuration.kwargs)
        except Exception as exc:  # as GX records a metric's error: the rule is not evaluated
            outcomes.append(results.error_result(configuration, exc))
            continue
        outcomes.append(results.expectation_result(expectation, configuration, *found))
    kind = "vectorised (zhuanhua.check.engine)" if not by_gx else "vectorised and GX pandas"
    results.store(_context(gx_state), definition, outcomes, kind)
    return outcomes


def stored_expectations(suite_name: str, rules: tuple[Rule, ...], gx_state: Path) -> dict:
    """Each rule's expectation as the GX project stores it (what both engines run), by name."""
    definition = _definition(suite_name, rules, gx_state)
    return {e.meta["rule"]: e for e in definition.suite.expectations}


def validate_by_gx(
    suite_name: str, rules: tuple[Rule, ...], frame: pd.DataFrame, gx_state: Path
) -> dict:
    """Every rule through GX's own pandas engine (COMPLETE), nothing stored: the peer the
    fast path is measured against (`make bench`) and proven equal to (its parity test)."""
    definition = _definition(suite_name, rules, gx_state)
    return _run_by_gx(suite_name, list(rules), frame.reset_index(drop=True), definition)


def _run_by_gx(suite_name: str, rules: list[Rule], frame: pd.DataFrame, definition) -> dict:
    """The rules the fast path does not cover, through GX's own validator on the same batch."""
    if not rules:
        return {}
    import great_expectations as gx
    from great_expectations.validator.v1_validator import Validator

    subset = gx.ExpectationSuite(
        name=suite_name,
        expectations=[
            copy.copy(e)
            for e in definition.suite.expectations
            if e.meta["rule"] in {r.name for r in rules}
        ],
    )
    validator = Validator(
        batch_definition=definition.batch_definition,
        batch_parameters={"dataframe": frame},
        # row positions only: the values may be personal data (an ID number with a bad check
        # character), and validation results are stored outside the steward's schemas
        result_format={"result_format": "COMPLETE", "exclude_unexpected_values": True},
    )
    result = validator.validate_expectation_suite(subset)
    return {outcome.expectation_config.meta["rule"]: outcome for outcome in result.results}


@cache
def _definition(suite_name: str, rules: tuple[Rule, ...], gx_state: Path):
    """The suite in the GX project and its validation definition, once per process.

    The stored suite is reused when it already says what the rules say, so processes that
    start one after another (Airflow tasks, the CLI) do not invalidate each other's copy.
    """
    import great_expectations as gx  # lazy: see _context

    context = _context(gx_state)
    expectations = [
        rule.expectation.copy(update={"id": None, "meta": {"rule": rule.name}}) for rule in rules
    ]
    try:
        suite = context.suites.get(suite_name)
    except Exception:  # GX raises its own DataContextError kinds for a missing suite
        suite = None
    if suite is None or _configurations(suite.expectations) != _configurations(expectations):
        # built whole, then saved once: adding one by one rewrites the stored suite every time
        suite = context.suites.add_or_update(
            gx.ExpectationSuite(name=suite_name, expectations=expectations)
        )
    try:
        definition = context.validation_definitions.get(suite_name)
        if definition.suite.id == suite.id:
            return definition
    except Exception:  # not stored yet
        pass
    return context.validation_definitions.add_or_update(
        gx.ValidationDefinition(name=suite_name, data=_batch_definition(context), suite=suite)
    )


def _configurations(expectations: list) -> list[str]:
    return [
        json.dumps(
            {k: v for k, v in e.configuration.to_json_dict().items() if k != "id"},
            sort_keys=True,
            ensure_ascii=False,
        )
        for e in expectations
    ]


@cache
def _context(gx_state: Path):
    """The file-mode GX project; its stores point at `$ZHUANHUA_GX_STATE`, which
    great_expectations.yml reads, so results and Data Docs stay out of the repository.

    GX is imported here, not at the top: it takes seconds, and the CLI's quick commands and
    the DAG files' parse never need it.
    """
    import great_expectations as gx

    os.environ["ZHUANHUA_GX_STATE"] = str(gx_state)  # GX's own config reads it; we never do
    import zhuanhua.check.expectations  # noqa: F401  (registers the custom expectations)

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


KEEP_RESULTS = 40  # per suite: the Data Docs show recent nights, and render in seconds


def data_docs_index(gx_state: Path) -> Path:
    return gx_state / "data_docs" / "local_site" / "index.html"


def build_data_docs(gx_state: Path) -> str:
    """Render the GX Data Docs of the recent validations; return the index page."""
    context = _context(gx_state)
    for suite in (gx_state / "validations").glob("*"):
        results = sorted(suite.rglob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in results[:-KEEP_RESULTS]:
            old.unlink()
    context.build_data_docs()
    return str(data_docs_index(gx_state))
