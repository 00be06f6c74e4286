"""What the fast path found, written as GX validation results: the same record, in the same
store, as GX's own run writes, so the Data Docs show every night as before.

Row positions only, never values: a failing value may be personal data (an ID number with a
bad check character), and validation results are stored outside the steward's schemas.
The stored record keeps the counts and the first 20 failing rows (GX's SUMMARY shape): every
failing row is in quarantine with its rules already, and serialising a hundred thousand row
ids through GX's store costs more than the checks themselves.
"""

from __future__ import annotations

import datetime

import numpy as np

_FULL_LISTS = {"unexpected_index_list", "unexpected_list"}
PARTIAL = 20  # GX's partial_unexpected_index_list length
BATCH_ID = "landed_files-rows"  # the data source and asset of every validation (suite.py)


def expectation_result(
    expectation, configuration, positions: np.ndarray, domain: int, missing: int
):
    """One expectation's result as GX's COMPLETE result format writes it for a map kind."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

    ids = np.sort(np.asarray(positions, dtype=np.int64)).tolist()
    count = len(ids)
    nonmissing = domain - missing
    result = {
        "element_count": domain,
        "unexpected_count": count,
        "unexpected_index_list": ids,
        "partial_unexpected_index_list": ids[:PARTIAL],
    }
    if expectation.expectation_type.endswith("_be_null"):
        result["unexpected_percent"] = _percent(count, domain)
    else:
        result |= {
            "missing_count": missing,
            "missing_percent": _percent(missing, domain),
            "unexpected_percent": _percent(count, nonmissing),
            "unexpected_percent_total": _percent(count, domain),
            "unexpected_percent_nonmissing": _percent(count, nonmissing),
        }
    mostly = getattr(expectation, "mostly", None)
    checked = domain if expectation.expectation_type.endswith("_be_null") else nonmissing
    return ExpectationValidationResult(
        success=_mostly_success(checked, count, 1 if mostly is None else mostly),
        expectation_config=configuration,
        result=result,
        exception_info={
            "raised_exception": False,
            "exception_message": None,
            "exception_traceback": None,
        },
    )


def error_result(configuration, error: Exception):
    """An expectation that could not be evaluated, recorded as GX records one."""
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )

    return ExpectationValidationResult(
        success=False,
        expectation_config=configuration,
        result={},
        exception_info={
            "raised_exception": True,
            "exception_message": f"{type(error).__name__}: {error}",
            "exception_traceback": None,
        },
    )


def _mostly_success(checked: int, unexpected: int, mostly: float) -> bool:
    """GX's own test (`_mostly_success`): the share of checked rows that pass, against mostly."""
    if checked == 0:
        return True
    return (checked - unexpected) / checked >= mostly


def _percent(part: int, whole: int) -> float | None:
    return 100.0 * part / whole if whole else None


def store(context, definition, results: list, engine: str) -> None:
    """Store the suite's results for the Data Docs, as `ValidationDefinition.run` does."""
    from great_expectations import __version__ as gx_version
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
        ExpectationValidationResult,
    )
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )
    from great_expectations.validator.validator import calc_validation_statistics

    results = [
        ExpectationValidationResult(
            success=r.success,
            expectation_config=r.expectation_config,
            result={k: v for k, v in r.result.items() if k not in _FULL_LISTS},
            exception_info=r.exception_info,
        )
        for r in results
    ]
    now = datetime.datetime.now(datetime.UTC)
    run_id = RunIdentifier(run_time=now)
    statistics = calc_validation_statistics(results)
    suite_id = ExpectationSuiteIdentifier(name=definition.suite.name)
    suite_result = ExpectationSuiteValidationResult(
        results=results,
        success=statistics.success,
        suite_name=definition.suite.name,
        statistics={
            "evaluated_expectations": statistics.evaluated_expectations,
            "successful_expectations": statistics.successful_expectations,
            "unsuccessful_expectations": statistics.unsuccessful_expectations,
            "success_percent": statistics.success_percent,
        },
        meta={
            "great_expectations_version": gx_version,
            "active_batch_definition": {
                "datasource_name": "landed_files",
                "data_connector_name": "fluent",
                "data_asset_name": "rows",
                "batch_identifiers": {"dataframe": "<DATAFRAME>"},
            },
            "batch_spec": {"batch_data": "PandasDataFrame"},
            "batch_markers": {"ge_load_time": now.strftime("%Y%m%dT%H%M%S.%fZ")},
            "batch_parameters": {"dataframe": "<DATAFRAME>"},
            "validation_id": definition.id,
            "checkpoint_id": None,
            "run_id": run_id,
            "validation_time": now,
            "engine": engine,  # which engine computed the rows: see check/engine.py
        },
        batch_id=BATCH_ID,
    )
    context.validation_results_store.store_validation_results(
        suite_validation_result=suite_result,
        suite_validation_result_identifier=ValidationResultIdentifier(
            batch_identifier=BATCH_ID, expectation_suite_identifier=suite_id, run_id=run_id
        ),
        expectation_suite_identifier=suite_id,
    )
