"""Plain result records passed between stages: scan → audit → report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

#: Columns of the findings DataFrame / JSON Lines export (shared/contracts.md).
FINDING_COLUMNS = ["source", "sheet", "row", "column", "entity", "start", "end", "score", "masked"]


@dataclass
class ColumnProfile:
    """What one column holds.

    ``entities`` lists every entity found in the column (identifier and attribute
    entities alike); ``primary`` is the column's class (the entity the column is
    *for*, e.g. ``CN_RESIDENT_ID`` for 身份证号), ``"FREE_TEXT"`` for remark
    columns, or None when the column holds no personal information.
    """

    name: str
    entities: list[str] = field(default_factory=list)
    primary: str | None = None
    kind: str = "other"  # identifier | attribute | free_text | other
    cells: int = 0  # non-empty cells
    cells_with_findings: int = 0
    sample: str | None = None  # masked sample of a finding, never raw
    warnings: list[str] = field(default_factory=list)
    #: Per entity: number of cells with at least one finding of that entity.
    entity_cells: dict[str, int] = field(default_factory=dict)
    #: Cells that look already masked (``138****5678``) or pseudonymised (tokens).
    masked_cells: int = 0
    #: Precision of the column where meaningful, e.g. ``{"ADDRESS": "precise"}``,
    #: ``{"ADDRESS": "district"}``, ``{"DATE_OF_BIRTH": "day"|"month"|"year"}``.
    granularity: dict[str, str] = field(default_factory=dict)
    #: Damaged-by-Excel cells (``1.10105E+17`` ...), counted.
    damaged_cells: int = 0
    #: Per entity: the lowest data row (0-based, as in findings) where it was found —
    #: where a report points for the column's first offending cell.
    first_row: dict[str, int] = field(default_factory=dict)

    @property
    def share(self) -> float:
        """Share of non-empty cells with at least one finding."""
        return round(self.cells_with_findings / self.cells, 3) if self.cells else 0.0


@dataclass
class DatasetResult:
    """The scan of one table (file or sheet)."""

    source: str
    sheet: str | None
    format: str
    encoding: str | None
    rows: int = 0
    columns: list[ColumnProfile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Records whose validated resident-ID birth date makes the person younger than 14 / 18
    #: on the scan date (a record counts once, whichever ID column carries it).
    minors_under_14: int = 0
    minors_under_18: int = 0
    #: Per date-like column: counts of records per calendar date (ISO strings) — what
    #: retention rules need, without any identifying value.
    date_histograms: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Things that could not be examined (sheet skipped, cells outside the header's columns,
    #: rows after a read error ...): dicts with ``source``, ``sheet``, ``column`` (or None),
    #: ``what`` (what was not examined) and ``why``.
    not_examined: list[dict[str, str | None]] = field(default_factory=list)
    violations: list[Any] = field(default_factory=list)
    #: 1-based line (CSV, JSON Lines) or sheet row (Excel) of the header row and of data
    #: row 0; None where rows do not map to lines (JSON, Parquet, DataFrames).  Data row
    #: ``r`` sits on line ``first_data_line + r`` unless a quoted value spans lines.
    header_line: int | None = None
    first_data_line: int | None = None

    def column(self, name: str) -> ColumnProfile:
        """The profile of column ``name`` (KeyError if absent)."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)


@dataclass
class ScanResult:
    """Everything a scan found: per-dataset column profiles and per-cell findings."""

    datasets: list[DatasetResult]
    findings: pd.DataFrame  # columns: FINDING_COLUMNS
    scanned_at: str = ""  # ISO date the minors' ages were computed against
    #: Inputs that gave no dataset at all (a file found in a directory that could not be
    #: read, a spreadsheet format privaudit cannot open ...), same keys as
    #: :attr:`DatasetResult.not_examined`.
    not_examined: list[dict[str, str | None]] = field(default_factory=list)

    def all_not_examined(self) -> list[dict[str, str | None]]:
        """Everything not examined: whole inputs first, then parts of datasets."""
        return [*self.not_examined, *(item for ds in self.datasets for item in ds.not_examined)]

    def dataset(self, source: str, sheet: str | None = None) -> DatasetResult:
        """The dataset with this source (and sheet)."""
        for ds in self.datasets:
            if ds.source == source and (sheet is None or ds.sheet == sheet):
                return ds
        raise KeyError(source)
