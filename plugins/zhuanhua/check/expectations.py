"""Custom Great Expectations for Chinese identifiers, vectorised over a pandas column.

Importing this module registers them with GX; `checks` imports it before any suite is
built or read back from the project.
"""

from __future__ import annotations

from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

from zhuanhua.check.engine import each_value_once
from zhuanhua.domain.identifiers import resident_id_is_valid, uscc_is_valid


def _valid_by(check):
    def condition(cls, column, **kwargs):
        return each_value_once(column, check)

    return condition


class ColumnValuesValidUscc(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_uscc"
    _pandas = column_condition_partial(engine=PandasExecutionEngine)(_valid_by(uscc_is_valid))


class ColumnValuesValidResidentId(ColumnMapMetricProvider):
    condition_metric_name = "column_values.valid_resident_id"
    _pandas = column_condition_partial(engine=PandasExecutionEngine)(
        _valid_by(resident_id_is_valid)
    )


class ExpectColumnValuesToBeValidUscc(ColumnMapExpectation):
    """Unified social credit codes (GB 32100-2015) with a correct check character."""

    map_metric = "column_values.valid_uscc"
    success_keys = ("mostly",)


class ExpectColumnValuesToBeValidResidentId(ColumnMapExpectation):
    """Resident identity numbers (GB 11643-1999): a real birth date and the MOD 11-2 check."""

    map_metric = "column_values.valid_resident_id"
    success_keys = ("mostly",)
