"""The :class:`Table`: a dataset's cells as strings, plus where they came from."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pandas as pd


@dataclass
class Table:
    """One dataset (a file, or one sheet of a workbook, or an in-memory DataFrame).

    ``chunks()`` yields DataFrames whose columns are exactly :attr:`columns`
    (headers as written in the file; nested JSON keys joined with ``.``) and whose
    values are strings as read (missing cells are ``None``/NA, never ``"nan"``);
    their index is the 0-based data-row number (the first row after the header
    row is 0; for JSON Lines the record's 0-based line number), continuing across
    chunks. Calling ``chunks()`` again reads the source again from the start.
    """

    source: str
    sheet: str | None
    format: str  # csv | tsv | xlsx | json | jsonl | parquet | dataframe
    encoding: str | None
    columns: list[str]
    header_row: int | None  # 0-based physical row of the header in the file (None if n/a)
    _chunks: Callable[[], Iterator[pd.DataFrame]] = field(repr=False)
    warnings: list[str] = field(default_factory=list)
    #: Approximate size in bytes (for progress reporting), or None.
    size_hint: int | None = None
    #: Parts that will not be examined (empty sheets, cells outside the header's columns,
    #: ignored JSON keys ...): dicts with ``what`` and ``why`` (and ``column`` where one
    #: applies); readers may append while streaming.
    not_examined: list[dict[str, str | None]] = field(default_factory=list)
    #: 0-based physical line (delimited text, JSON Lines) or sheet row (Excel) of data
    #: row 0, or None where rows do not map to lines.
    first_data_line: int | None = None
    #: True for a file found by walking a directory: a read error while streaming it is
    #: recorded as not examined instead of ending the whole scan.
    lenient: bool = False
    #: Delimited text only (else None): the field delimiter, the line terminator
    #: (``"\r\n"``, ``"\n"`` or ``"\r"``) and the quoting (``"all"`` when every field was
    #: quoted, ``"minimal"`` when only fields that need it) as read, so a writer can
    #: produce the same layout.
    delimiter: str | None = None
    line_terminator: str | None = None
    quoting: str | None = None

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Yield the data in row order as string DataFrames (see class docstring)."""
        return self._chunks()

    def to_frame(self) -> pd.DataFrame:
        """All rows in one DataFrame (small inputs only)."""
        parts = list(self.chunks())
        if not parts:
            return pd.DataFrame(columns=self.columns, dtype="str")
        return pd.concat(parts) if len(parts) > 1 else parts[0]
