"""Fast column primitives on Arrow string arrays (RE2 regexes, digit matrices).

pandas falls back to Python's ``re`` for many patterns (``\\d``, ``\\u`` escapes),
which costs microseconds a cell; these helpers call pyarrow's RE2 kernels
directly and turn fixed-width digit strings into numpy matrices, so validators
cost tens of nanoseconds a cell.  RE2 syntax: no lookarounds, no backreferences;
write ``\\x{4e00}`` for a code point.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def arrow(values: pd.Series | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The values as one Arrow string array (zero-copy for pandas' pyarrow-backed strings)."""
    if isinstance(values, pd.Series):
        arr = values.array
        try:
            values = pa.array(arr, type=pa.string()) if arr.dtype != "str" else pa.array(arr)
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            values = pa.array(values.astype("str").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    if values.type == pa.large_string():
        values = values.cast(pa.string())
    return values


def to_bool(result: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """An Arrow boolean result as a numpy bool array, nulls as False."""
    return pc.fill_null(result, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def search(values, pattern: str) -> np.ndarray:
    """Cells where the RE2 ``pattern`` matches somewhere (nulls False)."""
    return to_bool(pc.match_substring_regex(arrow(values), pattern))


def fullmatch(values, pattern: str) -> np.ndarray:
    """Cells that match the RE2 ``pattern`` as a whole (nulls False)."""
    return to_bool(pc.match_substring_regex(arrow(values), f"^(?:{pattern})$"))


def lengths(values) -> np.ndarray:
    """Length of each cell in characters (nulls 0)."""
    return pc.fill_null(pc.utf8_length(arrow(values)), 0).to_numpy(zero_copy_only=False)


def needs_nfkc(values) -> np.ndarray:
    """Cells holding full-width or other compatibility characters that NFKC changes."""
    return search(values, r"[\x{ff01}-\x{ff5e}\x{3000}]")


def nfkc(values) -> pa.Array:
    """NFKC-normalise only the cells that need it (full-width digits and letters)."""
    arr = arrow(values)
    mask = needs_nfkc(arr)
    if not mask.any():
        return arr
    normalised = pc.utf8_normalize(arr.filter(pa.array(mask)), "NFKC")
    out = arr.to_numpy(zero_copy_only=False).copy()
    out[mask] = normalised.to_numpy(zero_copy_only=False)
    return pa.array(out, type=pa.string())


def byte_matrix(values, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Cells whose UTF-8 form is exactly ``width`` bytes, as an ``(n, width)`` uint8 matrix.

    Returns ``(matrix, selected)`` where ``selected`` is the bool mask of the cells
    that had that width (rows of ``matrix`` follow them in order).
    """
    arr = arrow(values)
    nbytes = pc.fill_null(pc.binary_length(arr), -1).to_numpy(zero_copy_only=False)
    selected = nbytes == width
    if not selected.any():
        return np.zeros((0, width), dtype=np.uint8), selected
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int32)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)
    starts = offsets[:-1][selected]
    matrix = data[starts[:, None] + np.arange(width)[None, :]]
    return matrix, selected
