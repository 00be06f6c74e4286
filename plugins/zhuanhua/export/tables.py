"""The ten tables of the provincial feed, computed from record-level contributions.

Every record that counts adds its values to the cells of its row and of the total row, so a
cell is the exact sum over records, rounded once at the end (provincial-feed.md), and every
cell can name the records behind it: the change list between versions is built from that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CURRENT, BASE = "current", "base"  # the period, and the same period a year before
TOTAL = "合计"
CENT, TENTH = Decimal("0.01"), Decimal("0.1")


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # count | amount | distinct (count of distinct values) | growth
    of: str | None = None  # for growth: the column it compares with the base period


@dataclass(frozen=True)
class TableSpec:
    number: int
    title: str
    label_header: str
    rows: tuple[str, ...]
    columns: tuple[Column, ...]
    summed_rows: tuple[str, ...] = ()  # the rows whose sum is the total row (not 其中 rows)
    blank: frozenset[tuple[str, str]] = frozenset()  # (row, column) cells with no meaning
    # records the total counts but no row of the spec lists (表5: sellers outside the city's
    # counties): computed, reconciled and named in the manifest, never printed as a row
    unlisted: str | None = None

    @property
    def name(self) -> str:
        return f"表{self.number}"

    @property
    def sheet(self) -> str:
        return f"表{self.number} {self.title}"

    @property
    def has_total(self) -> bool:
        return TOTAL in self.rows


@dataclass(frozen=True)
class Contribution:
    """One record's part in one cell: 1 for a count, an exact amount, or a distinct key."""

    table: str
    row: str
    column: str
    record: str
    value: Decimal | str
    scope: str = CURRENT
    note: str = ""  # what the record is, for people reading a change list


@dataclass
class Table:
    spec: TableSpec
    exact: dict[tuple[str, str], Decimal | None]  # (row, column) → exact value

    def cell(self, row: str, column: Column) -> Decimal | None:
        """The published value: counts whole, amounts to 2 and growth to 1 decimal."""
        value = self.exact[row, column.header]
        if value is None:
            return None
        if column.kind in ("amount", "growth"):
            rounded = value.quantize(CENT if column.kind == "amount" else TENTH, ROUND_HALF_UP)
            return rounded.copy_abs() if rounded.is_zero() else rounded  # never "-0.0"
        return value

    def rows(self) -> list[list[str | Decimal | None]]:
        return [[row, *(self.cell(row, c) for c in self.spec.columns)] for row in self.spec.rows]


def compute(spec: TableSpec, contributions: list[Contribution]) -> Table:
    """Aggregate a table's contributions into its cells, growth from the exact sums."""
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    distinct: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for c in contributions:
        if c.table != spec.name:
            continue
        if isinstance(c.value, str):
            distinct[c.scope, c.row, c.column].add(c.value)
        else:
            sums[c.scope, c.row, c.column] += c.value
    exact: dict[tuple[str, str], Decimal | None] = {}
    for row in (*spec.rows, spec.unlisted) if spec.unlisted else spec.rows:
        for column in spec.columns:
            exact[row, column.header] = (
                None if (row, column.header) in spec.blank else _exact(column, row, sums, distinct)
            )
    return Table(spec, exact)


def _exact(column: Column, row: str, sums, distinct) -> Decimal | None:
    if column.kind == "distinct":
        return Decimal(len(distinct[CURRENT, row, column.header]))
    if column.kind == "growth":
        now, then = sums[CURRENT, row, column.of], sums[BASE, row, column.of]
        return None if not then else (now - then) / then * 100  # empty, not 0, without a base
    return sums[CURRENT, row, column.header]
