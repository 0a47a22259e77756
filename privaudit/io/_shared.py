"""Helpers shared by the readers: errors, header detection, column names, string conversion.

Everything a reader hands out is text: these helpers turn Arrow arrays, floats and
dates into strings the same way for every format, and build the string DataFrames
(pandas ``"str"`` dtype, 0-based data-row index) that :meth:`Table.chunks` yields.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.errors import InputError

#: Leading rows examined when looking for the header row below title rows.
MAX_TITLE_ROWS = 10
#: Rows sampled to size the table and find the header.
SAMPLE_ROWS = 50
#: Leading blank rows tolerated above a table before a sheet counts as empty.
MAX_LEADING_BLANK = 1000

_NUMERIC_LIKE = re.compile(r"^[\s\d.,:/+\-]+$")
_TITLE_END = ("表", "单", "册", "表格", "汇总", "统计")


def fail(source: str, problem: str) -> InputError:
    """An :class:`InputError` in the ``source: problem`` form (never include cell values)."""
    return InputError(f"{source}: {problem}")


# --------------------------------------------------------------------------- headers


def _nonempty(cell: str | None) -> bool:
    return cell is not None and cell.strip() != ""


def _titleish(cell: str) -> bool:
    """A cell that reads like a title or a ``填报单位：…`` line rather than a column name."""
    text = cell.strip()
    return len(text) > 20 or "：" in text or ":" in text or text.endswith(_TITLE_END)


def _header_like(cell: str) -> bool:
    """A short non-numeric string, as column names are."""
    text = cell.strip()
    return len(text) <= 40 and not _NUMERIC_LIKE.match(text)


def find_header_row(rows: Sequence[Sequence[str | None]]) -> int:
    """Index (into ``rows``) of the header row, skipping title rows above it.

    Title rows are blank rows, rows with a single non-empty cell (a merged title
    such as ``XX社区居民信息登记表``), rows with two cells reading like
    ``填报单位：… / 日期：…``, and rows much narrower than the table.  The header is
    the first row, within :data:`MAX_TITLE_ROWS` + 1 rows of the first non-blank
    one, with at least half the table's width of non-empty cells, mostly short
    non-numeric strings.
    """
    counts = [sum(1 for c in row if _nonempty(c)) for row in rows]
    if not any(counts):
        return 0
    width = max(counts)
    need = max(1, math.ceil(width * 0.5))
    first_wide = None
    top = next(i for i, n in enumerate(counts) if n)  # leading blank rows are not title rows
    for i in range(top, min(len(rows), top + MAX_TITLE_ROWS + 1)):
        row, n = rows[i], counts[i]
        if n < need:
            continue
        cells = [c for c in row if _nonempty(c)]
        if n < width and (n == 1 or (n == 2 and any(_titleish(c) for c in cells))):
            continue
        if first_wide is None:
            first_wide = i
        if sum(_header_like(c) for c in cells) >= 0.5 * n:
            return i
    if first_wide is not None:
        return first_wide
    return top


def unique_columns(names: Sequence[str | None], first: int = 1) -> tuple[list[str], list[str]]:
    """Make header names usable: empty → ``列N``, duplicates → ``name.1``, ``name.2`` ….

    ``N`` is the column's 1-based position in the file (``first`` is the position of
    ``names[0]``, e.g. 2 for an Excel table starting in column B).  Names are
    otherwise kept exactly as written.  Returns ``(names, warnings)``.
    """
    reserved = {n for n in names if n is not None and n.strip()}
    used: set[str] = set()
    out: list[str] = []
    warnings: list[str] = []
    for i, name in enumerate(names, start=first - 1):
        if name is None or not name.strip():
            base = f"列{i + 1}"
            candidate = base if base not in reserved and base not in used else None
            note = f"column {i + 1} has no header; named '{{}}'"
        else:
            base = name
            candidate = base if base not in used else None
            note = f"duplicate header '{name}' in column {i + 1}; renamed '{{}}'"
        if candidate is None:
            k = 1
            while f"{base}.{k}" in used or f"{base}.{k}" in reserved:
                k += 1
            candidate = f"{base}.{k}"
        if candidate != name:
            warnings.append(note.format(candidate))
        used.add(candidate)
        out.append(candidate)
    return out, warnings


# --------------------------------------------------------------------------- scalars


def float_text(value: float) -> str | None:
    """A float as text: integral values as integer digits (``1.10105e17`` → ``'110105…000'``),
    others in Python's shortest round-trip form; NaN → None."""
    if math.isnan(value):
        return None
    if value.is_integer() and abs(value) >= DAMAGED_ABOVE and not math.isinf(value):
        return excel_scientific(value)
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value)


#: A number this large held as a float (every Excel number is one) has lost digits:
#: only 15 significant digits survive, so a 16–19 digit identifier is damaged.
DAMAGED_ABOVE = 1e15


def excel_scientific(value: float) -> str:
    """A large number the way Excel's General format shows it (``1.10105194912310E+17``
    → ``'1.1010519491231E+17'``), so the damage stays visible instead of passing for
    digits that were never in the source."""
    mantissa, exponent = f"{value:.14E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E+{int(exponent):02d}"


def iso_datetime(value) -> str:
    """``YYYY-MM-DD`` for midnight, ``YYYY-MM-DD HH:MM:SS[.ffffff]`` otherwise."""
    if value.hour == value.minute == value.second == value.microsecond == 0 and value.tzinfo is None:
        return value.date().isoformat()
    return value.isoformat(sep=" ")


def json_text(value) -> str:
    """Compact JSON text of a nested value (lists and objects kept as cells)."""
    return json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))


# --------------------------------------------------------------------------- arrow → text

_FRACTION_ZEROS = r"\.0+(Z?|[+-]\d\d:?\d\d)$"


def _float_array_text(arr: pa.Array) -> pa.Array:
    values = arr.to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
    valid = ~np.isnan(values)
    if arr.null_count:
        valid &= ~np.asarray(arr.is_null())
    finite = valid & np.isfinite(values)
    with np.errstate(invalid="ignore"):
        integral = finite & (values == np.trunc(values)) & (np.abs(values) < 1e21)
    small = integral & (np.abs(values) < 2.0**63)
    text = np.asarray(pc.cast(pa.array(np.where(valid, values, 0.0)), pa.string()), dtype=object)
    if small.any():
        text[small] = values[small].astype(np.int64).astype(str)
    big = integral & ~small
    for i in np.flatnonzero(big):
        text[i] = str(int(values[i]))
    for i in np.flatnonzero(integral & (np.abs(values) >= DAMAGED_ABOVE)):
        text[i] = excel_scientific(float(values[i]))
    return pa.array(text, type=pa.string(), mask=~valid)


def arrow_to_text(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Any Arrow column as a string column, values kept undamaged.

    Integers as digits; floats as :func:`float_text` (NaN → missing); dates ISO;
    timestamps ISO with a space, no zero fraction, date only at midnight; booleans
    ``true``/``false``; lists, maps and structs as JSON text.
    """
    if isinstance(arr, pa.ChunkedArray):
        return pa.chunked_array([arrow_to_text(c) for c in arr.chunks], type=pa.string())
    t = arr.type
    if pa.types.is_string(t):
        return arr
    if pa.types.is_large_string(t) or pa.types.is_string_view(t):
        return pc.cast(arr, pa.string())
    if pa.types.is_dictionary(t):
        return arrow_to_text(arr.dictionary_decode())
    if pa.types.is_null(t):
        return pa.nulls(len(arr), pa.string())
    if pa.types.is_floating(t):
        return _float_array_text(arr)
    if pa.types.is_timestamp(t):
        text = pc.replace_substring_regex(pc.cast(arr, pa.string()), _FRACTION_ZEROS, r"\1")
        if t.tz is None:
            text = pc.replace_substring_regex(text, r" 00:00:00$", "")
        return text
    if pa.types.is_time(t):
        return pc.replace_substring_regex(pc.cast(arr, pa.string()), _FRACTION_ZEROS, r"\1")
    if pa.types.is_integer(t) or pa.types.is_boolean(t) or pa.types.is_decimal(t) or pa.types.is_date(t):
        return pc.cast(arr, pa.string())
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        try:
            return pc.cast(pc.cast(arr, pa.binary()), pa.string())
        except pa.ArrowInvalid:
            return pa.array([None if v is None else v.hex() for v in arr.to_pylist()], pa.string())
    if pa.types.is_duration(t):
        return pa.array([None if v is None else str(v) for v in arr.to_pylist()], pa.string())
    # lists, maps, structs, unions …: JSON text per cell
    return pa.array([None if v is None else json_text(v) for v in arr.to_pylist()], pa.string())


def flatten_structs(table: pa.Table) -> pa.Table:
    """Flatten nested struct columns into ``parent.child`` columns (recursively)."""
    while any(pa.types.is_struct(f.type) for f in table.schema):
        table = table.flatten()
    return table


# --------------------------------------------------------------------------- frames


def arrow_frame(table: pa.Table, start: int) -> pd.DataFrame:
    """A string Arrow table as a pandas ``"str"`` DataFrame indexed from ``start``."""
    frame = table.to_pandas()
    for name, dtype in frame.dtypes.items():
        if dtype != "str":
            frame[name] = frame[name].astype("str")
    frame.index = pd.RangeIndex(start, start + table.num_rows)
    return frame


def rechunk(batches: Iterable[pa.RecordBatch], chunk_rows: int, schema: pa.Schema) -> Iterator[pa.Table]:
    """Regroup record batches into tables of exactly ``chunk_rows`` rows (the last may be shorter)."""
    pending: list[pa.RecordBatch] = []
    count = 0
    for batch in batches:
        if not batch.num_rows:
            continue
        pending.append(batch)
        count += batch.num_rows
        while count >= chunk_rows:
            table = pa.Table.from_batches(pending, schema=schema)
            yield table.slice(0, chunk_rows)
            rest = table.slice(chunk_rows)
            pending = rest.to_batches()
            count = rest.num_rows
    if count:
        yield pa.Table.from_batches(pending, schema=schema)


def drop_trailing_empty_rows(table: pa.Table) -> pa.Table:
    """``table`` without its trailing all-missing rows (blank lines at the end of a file)."""
    if not table.num_rows or not table.num_columns:
        return table
    filled = np.logical_or.reduce([np.asarray(col.is_valid()) for col in table.columns])
    keep = np.flatnonzero(filled)
    return table.slice(0, int(keep[-1]) + 1 if keep.size else 0)


def text_frame(columns: Sequence[str], data: dict[str, list], start: int, length: int) -> pd.DataFrame:
    """A ``"str"`` DataFrame from per-column lists of ``str | None``."""
    index = pd.RangeIndex(start, start + length)
    if not columns:
        return pd.DataFrame(index=index)
    return pd.DataFrame(
        {c: pd.array(data[c], dtype="str") for c in columns}, index=index, columns=list(columns)
    )
