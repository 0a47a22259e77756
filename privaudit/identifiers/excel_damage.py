"""Identifiers destroyed by Excel: numbers that were once an ID, phone or card number.

Excel stores numbers as float64 (15 significant digits) and shows long ones in
scientific notation, so a register saved through Excel carries cells like

* ``1.10105E+17`` / ``1.3812345678E10`` — scientific notation of an 11–19 digit number;
* ``13812345678.0`` / ``110105194912310000.0`` — the float form after a round trip;
* ``110105194912310000`` — 16–19 digits whose digits after the 15th significant one are
  all zeros (the tail was lost);
* ``452101197610244992`` — the exact digits of the float64 nearest to a 15-digit
  rounding (``452101197610244000``), as readers print a float cell.

Such cells can no longer be validated.  :func:`is_damaged` flags them (vectorised),
:func:`damage_kind` names the kind for a warning.  A value that is a valid resident ID
is never damaged (an ID may legitimately end in zeros); :func:`suspect_ids` lists the
valid IDs that *look* damaged (about 1 in 11 damaged IDs passes the check by chance)::

    >>> damage_kind("1.10105E+17"), damage_kind("13812345678.0"), damage_kind("110105194912310000")
    ('scientific_notation', 'float', 'trailing_zeros')
    >>> damage_kind("452101197610244992"), damage_kind("11010519491231002X") is None
    ('float_digits', True)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from privaudit.identifiers import _common as c
from privaudit.identifiers import cn_resident_id

#: Human-readable text per kind (no values).
KINDS = {
    "scientific_notation": "scientific notation (e.g. 1.10105E+17)",
    "float": "float form with a decimal part (e.g. ….0)",
    "trailing_zeros": "zeros after the 15th significant digit",
    "float_digits": "the digits of a float64 rounded to 15 significant digits",
}

_WS = "[ \\t\\n\\r\\x0b\\x0c]*"
PATTERNS = {
    "scientific_notation": f"^{_WS}[1-9](?:\\.[0-9]{{1,14}})?[Ee]\\+?1[0-8]{_WS}$",
    "float": f"^{_WS}[1-9][0-9]{{10,18}}\\.0+{_WS}$",
    "trailing_zeros": f"^{_WS}[1-9][0-9]{{14}}0{{1,4}}{_WS}$",
    "float_digits": f"^{_WS}[1-9][0-9]{{15,18}}{_WS}$",
}
_COMPILED = {k: re.compile(p) for k, p in PATTERNS.items()}
_WS_CHARS = " \t\n\r\x0b\x0c"


def float_rounded(digits: str) -> bool:
    """True if the integer ``digits`` (16–19 digits) is exactly the float64 nearest to its
    rounding to 15 significant digits — what a float cell holding a longer number becomes."""
    v = int(digits)
    scale = 10 ** (len(digits) - 15)
    q = (v + scale // 2) // scale
    return int(float(q * scale)) == v


def damage_kind(value: str) -> str | None:
    """``scientific_notation``, ``float``, ``trailing_zeros`` or ``float_digits`` for a damaged cell, else None."""
    if not isinstance(value, str):
        return None
    for kind, rx in _COMPILED.items():
        if rx.search(value):
            if kind == "float_digits" and not float_rounded(value.strip(_WS_CHARS)):
                continue
            if kind in ("trailing_zeros", "float_digits") and cn_resident_id.is_valid(value):
                return None
            return kind
    return None


def is_damaged(values: pd.Series) -> np.ndarray:
    """Vectorised ``damage_kind(v) is not None`` over a column (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    rows = np.flatnonzero(c.ascii_rows(arr))
    for kind, pattern in PATTERNS.items():
        hit = c.regex_rows(arr, rows, pattern)
        if kind == "float_digits" and hit.any():
            idx = np.flatnonzero(hit & ~out)
            vals = arr.take(pa.array(idx)).to_pylist()
            hit[:] = False
            hit[idx] = [float_rounded(v.strip(_WS_CHARS)) for v in vals]
        if kind in ("trailing_zeros", "float_digits") and hit.any():
            idx = np.flatnonzero(hit)
            hit[idx] &= ~cn_resident_id.validate(arr.take(pa.array(idx)))
        out |= hit
    return out


def suspect_ids(values: pd.Series) -> np.ndarray:
    """Valid 18-digit IDs that look like Excel damage: ending in ``000``, or float digits.

    A truncated ID keeps 15 digits; when what is left happens to pass the check (about
    1 in 11) it validates.  Genuine IDs look like that rarely (about 1 in 1,000), so in a
    column that also holds damaged cells these are most likely damaged too.  The caller
    decides; nothing here changes :func:`is_damaged`.
    """
    arr = c.as_arrow(values)
    out = np.zeros(len(arr), dtype=bool)
    rows = np.flatnonzero(c.ascii_rows(arr))
    cand = c.regex_rows(arr, rows, f"^{_WS}[1-9][0-9]{{17}}{_WS}$")
    idx = np.flatnonzero(cand)
    if len(idx):
        vals = arr.take(pa.array(idx)).to_pylist()
        shaped = np.array([v.strip(_WS_CHARS).endswith("000") or float_rounded(v.strip(_WS_CHARS)) for v in vals])
        idx = idx[shaped]
        if len(idx):
            out[idx] = cn_resident_id.validate(arr.take(pa.array(idx)))
    return out
