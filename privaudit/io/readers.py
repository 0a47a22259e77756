"""``read()``: paths, directories and DataFrames into :class:`Table` objects.

Format by extension (case-insensitive):

========================  ========================================================
``.csv .tsv .txt``        delimited text (:mod:`privaudit.io.csv_reader`)
``.xlsx .xlsm``           Excel workbook, one table per sheet (:mod:`~privaudit.io.excel_reader`)
``.json``                 JSON array of records (:mod:`~privaudit.io.json_reader`)
``.jsonl .ndjson``        JSON Lines (:mod:`~privaudit.io.json_reader`)
``.parquet .pq``          Parquet (:mod:`~privaudit.io.parquet_reader`)
========================  ========================================================

Nothing is written and no source is modified: files are opened read-only.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa

from privaudit.errors import InputError
from privaudit.io._shared import arrow_to_text, float_text, iso_datetime, json_text, unique_columns
from privaudit.io.csv_reader import open_csv_table
from privaudit.io.excel_reader import open_excel_tables
from privaudit.io.json_reader import open_json_table, open_jsonl_table
from privaudit.io.parquet_reader import open_parquet_table
from privaudit.io.table import Table

__all__ = ["DEFAULT_CHUNK_ROWS", "SUPPORTED_EXTENSIONS", "open_found", "read", "read_dataframe", "read_file"]

DEFAULT_CHUNK_ROWS = 250_000


def _one(opener: Callable[[str, str, int], Table]) -> Callable[[str, str, int], list[Table]]:
    return lambda path, source, chunk_rows: [opener(path, source, chunk_rows)]


_READERS: dict[str, Callable[[str, str, int], list[Table]]] = {
    ".csv": _one(open_csv_table),
    ".tsv": _one(open_csv_table),
    ".txt": _one(open_csv_table),
    ".xlsx": open_excel_tables,
    ".xlsm": open_excel_tables,
    ".json": _one(open_json_table),
    ".jsonl": _one(open_jsonl_table),
    ".ndjson": _one(open_jsonl_table),
    ".parquet": _one(open_parquet_table),
    ".pq": _one(open_parquet_table),
}
#: File extensions :func:`read` understands.
SUPPORTED_EXTENSIONS: tuple[str, ...] = tuple(_READERS)

#: Data formats people will try, with what to do instead.
_ADVICE = {
    ".xls": "unsupported: .xls; save as .xlsx",
    ".xlsb": "unsupported: .xlsb; save as .xlsx",
    ".et": "unsupported: WPS .et; save as .xlsx",
    ".ods": "unsupported: .ods; save as .xlsx",
    ".numbers": "unsupported: .numbers; export as .xlsx or .csv",
}


def read(
    obj, chunk_rows: int = DEFAULT_CHUNK_ROWS, *, not_examined: list[dict[str, str | None]] | None = None
) -> list[Table]:
    """Every table in ``obj``, ready to be read lazily in chunks of ``chunk_rows`` rows.

    ``obj`` is a path (``str`` or ``os.PathLike``) to a file or a directory (searched
    recursively for supported files, in sorted order, skipping hidden entries and
    Office lock files ``~$…``), a list or tuple of such paths (or DataFrames), or a
    pandas DataFrame.  An Excel workbook gives one table per non-empty sheet.

    ``Table.source`` is the path as given (for files found under a directory,
    ``os.path.join(directory_as_given, relative_path)``).

    Raises :class:`~privaudit.errors.InputError` (one line, no cell contents) for a
    missing path, a directory without supported files, an unsupported extension,
    and a file that is empty, binary, undecodable or malformed.  Errors found only
    while streaming (a ragged row deep in a big CSV) are raised by ``chunks()``.

    With a list as ``not_examined``, directory walks are lenient: a file found in a
    directory that cannot be opened is recorded there (see :func:`open_found`) and the
    walk goes on, and so are spreadsheets in formats privaudit cannot read (``.xls``
    …); the tables found get ``lenient=True``.  Files named explicitly still raise.
    """
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int | np.integer) or chunk_rows < 1:
        raise ValueError(f"chunk_rows must be a positive integer, got {chunk_rows!r}")
    chunk_rows = int(chunk_rows)
    if isinstance(obj, pd.DataFrame):
        return [read_dataframe(obj, chunk_rows)]
    if isinstance(obj, Table):  # already opened (e.g. the added rows of a git change)
        return [obj]
    if isinstance(obj, str | os.PathLike):
        return _read_path(os.fspath(obj), chunk_rows, not_examined)
    if isinstance(obj, list | tuple):
        tables: list[Table] = []
        for item in obj:
            tables.extend(read(item, chunk_rows, not_examined=not_examined))
        return tables
    raise TypeError(f"read() takes a path, a list of paths or a pandas DataFrame, not {type(obj).__name__}")


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


def _read_path(given: str, chunk_rows: int, not_examined: list[dict[str, str | None]] | None = None) -> list[Table]:
    if not os.path.exists(given):
        raise InputError(f"{given}: no such file or directory")
    if not os.path.isdir(given):
        return read_file(given, chunk_rows=chunk_rows)
    found: list[str] = []
    skipped: list[str] = []
    for root, dirs, files in os.walk(given):
        dirs[:] = [d for d in dirs if not _hidden(d)]
        for name in files:
            if _hidden(name):
                continue
            ext = os.path.splitext(name)[1].lower()
            rel = os.path.relpath(os.path.join(root, name), given)
            if ext in _READERS:
                found.append(rel)
            elif ext in _ADVICE:
                skipped.append(rel)
    if not found:
        what = f" ({len(skipped)} unsupported spreadsheet(s), e.g. {sorted(skipped)[0]})" if skipped else ""
        raise InputError(
            f"{given}: no supported data files in directory{what}; looked for {' '.join(SUPPORTED_EXTENSIONS)}"
        )
    tables: list[Table] = []
    if not_examined is not None:  # lenient: record what cannot be read, go on
        for rel in sorted(found + skipped):
            tables.extend(open_found(os.path.join(given, rel), chunk_rows, not_examined))
        return tables
    for rel in sorted(found):
        tables.extend(read_file(os.path.join(given, rel), chunk_rows=chunk_rows))
    if skipped:
        for rel in sorted(skipped):
            ext = os.path.splitext(rel)[1].lower()
            tables[0].warnings.append(f"{os.path.join(given, rel)}: not examined ({_ADVICE[ext]})")
    return tables


def open_found(
    path: str, chunk_rows: int, not_examined: list[dict[str, str | None]], source: str | None = None
) -> list[Table]:
    """The tables of a file found by a directory walk or a glob, opened leniently.

    A file that cannot be opened (unsupported type, empty, corrupt ...) gives no table:
    it is appended to ``not_examined`` as ``{"source", "sheet": None, "column": None,
    "kind": "file", "what": "file", "why"}`` instead of raising.  The tables returned
    have ``lenient=True`` (a read error while streaming them is recorded, not raised).
    """
    source = path if source is None else source
    try:
        tables = read_file(path, source, chunk_rows=chunk_rows)
    except InputError as exc:
        why = str(exc).removeprefix(f"{source}: ")
        not_examined.append(
            {"source": source, "sheet": None, "column": None, "kind": "file", "what": "file", "why": why}
        )
        return []
    for table in tables:
        table.lenient = True
    return tables


def read_file(path: str, source: str | None = None, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> list[Table]:
    """The tables of one file, chosen by its extension; ``source`` defaults to ``path``."""
    source = path if source is None else source
    ext = os.path.splitext(path)[1].lower()
    if ext in _ADVICE:
        raise InputError(f"{source}: {_ADVICE[ext]}")
    if ext not in _READERS:
        shown = ext or "(no extension)"
        raise InputError(
            f"{source}: unsupported file type {shown}; supported: {' '.join(SUPPORTED_EXTENSIONS)}"
        )
    if not os.path.isfile(path):
        raise InputError(f"{source}: not a regular file")
    try:
        return _READERS[ext](path, source, chunk_rows)
    except PermissionError:
        raise InputError(f"{source}: permission denied") from None
    except IsADirectoryError:
        raise InputError(f"{source}: is a directory") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot read ({exc.strerror or type(exc).__name__})") from None


# --------------------------------------------------------------------------- DataFrames


def _object_text(value) -> str | None:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        return float_text(float(value))
    if isinstance(value, pd.Timestamp):
        return iso_datetime(value.to_pydatetime())
    if hasattr(value, "isoformat") and hasattr(value, "hour") and hasattr(value, "year"):
        return iso_datetime(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, list | tuple | dict):
        return json_text(value)
    if isinstance(value, np.ndarray):
        return json_text(value.tolist())
    return str(value)


def _series_text(series: pd.Series) -> pd.Series:
    """A DataFrame column as a ``"str"`` Series without damaging its values."""
    dtype = series.dtype
    if dtype == "str":
        return series
    if isinstance(dtype, pd.StringDtype):
        return series.astype("str")
    if dtype.kind != "O" and not isinstance(dtype, pd.CategoricalDtype | pd.PeriodDtype | pd.IntervalDtype):
        try:
            arr = pa.array(series, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError):
            arr = None
        if arr is not None:
            text = arrow_to_text(arr).to_pandas()
            return text.astype("str").set_axis(series.index)
    values = series.astype(object).to_numpy()
    if pd.api.types.infer_dtype(values, skipna=True) == "string":
        return series.astype("str")
    return pd.Series(pd.array([_object_text(v) for v in values], dtype="str"), index=series.index)


def _column_name(name) -> str:
    if isinstance(name, tuple):
        return ".".join(str(part) for part in name if str(part) != "")
    return name if isinstance(name, str) else str(name)


def read_dataframe(frame: pd.DataFrame, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> Table:
    """A :class:`Table` over an in-memory DataFrame (source ``"<dataframe>"``).

    Columns are converted chunk by chunk to strings: text as-is; integers as
    digits; floats as integer digits when integral (``3.0`` → ``'3'``), else their
    shortest form, NaN → missing; datetimes ISO (date only at midnight); booleans
    ``true``/``false``; anything else ``str(value)``.  Rows are numbered 0.. by
    position (the DataFrame's own index is ignored); the frame is not modified.
    """
    names, warnings = unique_columns([_column_name(c) for c in frame.columns])
    size = int(frame.memory_usage(index=False, deep=False).sum()) if len(frame.columns) else 0

    def chunks() -> Iterator[pd.DataFrame]:
        for start in range(0, len(frame), chunk_rows):
            part = frame.iloc[start : start + chunk_rows]
            index = pd.RangeIndex(start, start + len(part))
            data = {}
            for pos, name in enumerate(names):
                column = _series_text(part.iloc[:, pos])
                data[name] = column.set_axis(index)
            yield pd.DataFrame(data, index=index, columns=names)

    return Table(
        source="<dataframe>",
        sheet=None,
        format="dataframe",
        encoding=None,
        columns=names,
        header_row=None,
        _chunks=chunks,
        warnings=warnings,
        size_hint=size,
    )
