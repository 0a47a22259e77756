"""Latitude/longitude pairs: ``GEO_COORDINATE``.

Two decimal numbers, latitude and longitude in either order, separated by a comma,
semicolon, slash, 、 or spaces::

    >>> is_valid("116.397128,39.916527"), is_valid("39.9165, 116.3971"), is_valid("12345.67, 1.5")
    (True, True, False)
    >>> is_valid("39.91, 116.39"), is_valid("39.91, 116.39", hinted=True)   # few decimals: hint needed
    (False, True)

or with hemisphere markers / labels, which make the pair specific at any precision::

    >>> is_valid("北纬39.9 东经116.4"), is_valid("39.9°N, 116.4°E"), is_valid("lat: -33.86, lng: 151.21")
    (True, True, True)

Without markers each number needs at least 3 decimal places (1 with a hint) so that
amounts and measurements do not match; ranges are checked (|lat| ≤ 90, |lng| ≤ 180);
``0.000,0.000`` (a placeholder) is not reported.  Mainland China is not required.
With a hint (a 纬度/经度 column) a single signed decimal within ±180 is accepted too;
:func:`validate_component` checks a latitude or longitude column strictly by axis.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans
from privaudit.identifiers._common import Span

ENTITY = "GEO_COORDINATE"

CONTEXT: tuple[str, ...] = (
    "经纬度",
    "坐标",
    "经度",
    "纬度",
    "定位",
    "位置",
    "GPS",
    "lat",
    "lng",
    "lon",
    "latitude",
    "longitude",
    "coordinate",
    "coordinates",
    "location",
    "JWD",
    "ZB",
)
NEGATIVE_CONTEXT: tuple[str, ...] = ("金额", "价格", "单价", "数量", "重量", "面积", "price", "amount")

MIN_DECIMALS = 3
PREFILTER = "[0-9\uff10-\uff19][.\uff0e][0-9\uff10-\uff19]"

#: The marker-free form; RE2-compatible (run by pyarrow in :func:`validate`).
PLAIN = (
    "(?P<a>[-+]?[0-9]{1,3})\\.(?P<af>[0-9]+)(?:[ ]*[,;/、][ ]*|[ ]+)(?P<b>[-+]?[0-9]{1,3})\\.(?P<bf>[0-9]+)"
)
#: With a hint (a 纬度/经度/lat/lng header) one signed decimal is a coordinate component.
SINGLE = "[-+]?[0-9]{1,3}\\.[0-9]+"
_SINGLE = re.compile(SINGLE)
_LAT = {"N": 1, "S": -1, "北纬": 1, "南纬": -1, "纬度": 0, "LAT": 0, "LATITUDE": 0}
_LNG = {"E": 1, "W": -1, "东经": 1, "西经": -1, "经度": 0, "LNG": 0, "LON": 0, "LONG": 0, "LONGITUDE": 0}
_PRE = "(北纬|南纬|东经|西经|纬度|经度|LATITUDE|LONGITUDE|LAT|LNG|LONG|LON|[NSEW])[ :=]*"
_NUM = "([-+]?)([0-9]{1,3})(?:\\.([0-9]+))?"
_SUF = "[ ]*(?:°|度)?(?:[ ]*([NSEW]))?"
_COMP = f"(?:{_PRE})?{_NUM}{_SUF}"
_PLAIN = re.compile(PLAIN)
_MARKED = re.compile(f"{_COMP}(?:[ ]*[,;/、][ ]*|[ ]*){_COMP}")
_ASCII_LETTER = "[A-Za-z]"

_D = c.DIGIT
_NUMF = f"[-+]?{_D}{{1,3}}[.\uff0e]{_D}+"
_PREF = "(?:北纬|南纬|东经|西经|纬度|经度|[Ll]atitude|[Ll]ongitude|[Ll]at|[Ll]ng|[Ll]ong|[Ll]on|[NSEWnsew])[ :\uff1a=]*"
_COMPF = f"(?:{_PREF})?{_NUMF}(?:[ ]*(?:°|度))?(?:[ ]*[NSEWnsew](?![A-Za-z]))?"
_SEPF = "(?:[ ]*[,，;；/、][ ]*|[ ]*)"
_FIND = re.compile(
    f"(?<![0-9A-Za-z.\uff0e\uff10-\uff19])(?:{_COMPF}{_SEPF}{_COMPF})(?![0-9\uff10-\uff19]|[.\uff0e][0-9\uff10-\uff19])"
)
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)
_PATTERN = _spans.PyPattern(_FIND, PREFILTER, needed=".\uff0e")


def normalize(value: str) -> str:
    """NFKC, strip surrounding whitespace, upper-case (hemisphere letters, labels)."""
    return c.nfkc(value).strip(c.ASCII_WHITESPACE).upper()


def _in_range(a: float, b: float) -> bool:
    return ((abs(a) <= 90 and abs(b) <= 180) or (abs(a) <= 180 and abs(b) <= 90)) and (a != 0 or b != 0)


def _parse(value: str, hinted: bool) -> tuple[float, float | None] | None:
    """(lat, lng) — or (first, second) for marker-free pairs; (x, None) for a hinted single
    component — of a valid value, else None."""
    v = normalize(value)
    if hinted and _SINGLE.fullmatch(v):
        x = float(v)
        return (x, None) if 0 < abs(x) <= 180 else None
    m = _PLAIN.fullmatch(v)
    if m is not None:
        need = 1 if hinted else MIN_DECIMALS
        if len(m.group("af")) < need or len(m.group("bf")) < need:
            return None
        a = float(m.group("a") + "." + m.group("af"))
        b = float(m.group("b") + "." + m.group("bf"))
        return (a, b) if _in_range(a, b) else None
    m = _MARKED.fullmatch(v)
    if m is None:
        return None
    comps = [m.groups()[i : i + 5] for i in (0, 5)]
    lat = lng = None
    for pre, sign, whole, frac, suf in comps:
        if (pre and suf) or not (pre or suf) or not frac:
            return None
        mark = pre or suf
        hemi = _LAT.get(mark, _LNG.get(mark))
        if hemi is None or (hemi != 0 and sign):
            return None
        x = float(f"{sign}{whole}.{frac}") * (hemi or 1)
        if mark in _LAT:
            if lat is not None:
                return None
            lat = x
        else:
            if lng is not None:
                return None
            lng = x
    if lat is None or lng is None or abs(lat) > 90 or abs(lng) > 180 or (lat == 0 and lng == 0):
        return None
    return lat, lng


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one coordinate pair (fewer decimals accepted if ``hinted``)."""
    return _parse(value, hinted) is not None


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"values": (first, second), "lat", "lng"}``: lat/lng are None when the order is ambiguous."""
    parsed = _parse(value, hinted)
    if parsed is None:
        return None
    a, b = parsed
    v = normalize(value)
    if b is None:
        return {"values": (a,), "lat": None, "lng": None}
    if _PLAIN.fullmatch(v):
        lat, lng = (a, b) if abs(a) <= 90 < abs(b) else (b, a) if abs(b) <= 90 < abs(a) else (None, None)
    else:
        lat, lng = a, b
    return {"values": (a, b), "lat": lat, "lng": lng}


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    norm = pc.utf8_trim(arr, characters=c.ASCII_WHITESPACE)
    plain = c.regex_rows(norm, np.flatnonzero(asc), f"^(?:{PLAIN})$")
    rows = np.flatnonzero(plain)
    if len(rows):
        parts = pc.extract_regex(norm.take(pa.array(rows)), f"^{PLAIN}$")
        need = 1 if hinted else MIN_DECIMALS

        def field(name: str) -> pa.Array:
            return parts.field(name)

        af, bf = field("af"), field("bf")
        ok = c.to_numpy_bool(pc.and_(pc.greater_equal(pc.utf8_length(af), need), pc.greater_equal(pc.utf8_length(bf), need)))
        a = pc.cast(pc.binary_join_element_wise(field("a"), af, pa.scalar(".", pa.large_string())), pa.float64()).to_numpy(zero_copy_only=False)
        b = pc.cast(pc.binary_join_element_wise(field("b"), bf, pa.scalar(".", pa.large_string())), pa.float64()).to_numpy(zero_copy_only=False)
        aa, bb = np.abs(a), np.abs(b)
        ok &= ((aa <= 90) & (bb <= 180)) | ((aa <= 180) & (bb <= 90))
        ok &= (a != 0) | (b != 0)
        out[rows] = ok
    if hinted:
        single = np.flatnonzero(c.regex_rows(norm, np.flatnonzero(asc), f"^(?:{SINGLE})$"))
        if len(single):
            x = np.abs(pc.cast(norm.take(pa.array(single)), pa.float64()).to_numpy(zero_copy_only=False))
            out[single] = (x > 0) & (x <= 180)
    # marked forms (letters) and non-ASCII rows: scalar
    lettered = c.regex_rows(arr, np.flatnonzero(asc & ~plain), _ASCII_LETTER)
    c.fill_scalar(out, arr, np.flatnonzero(lettered), lambda v: is_valid(v, hinted))
    notnull = c.to_numpy_bool(arr.is_valid())
    possible = "[." + c.nfkc_sources(".") + "]"
    c.fill_scalar(out, arr, c.scalar_rows(arr, ~asc & notnull, None, possible), lambda v: is_valid(v, hinted))
    return out


def validate_component(values: pd.Series, axis: str, min_decimals: int = 1) -> np.ndarray:
    """Vectorised check of a single ``"lat"`` or ``"lng"`` column: signed decimals in range."""
    limit = 90.0 if axis == "lat" else 180.0
    s = values if isinstance(values, pd.Series) else pd.Series(values)
    s = s.astype("str").str.strip()
    shape = s.str.fullmatch(f"[-+]?[0-9]{{1,3}}\\.[0-9]{{{min_decimals},}}").fillna(False).to_numpy(dtype=bool)
    num = pd.to_numeric(s.where(shape), errors="coerce").to_numpy(dtype=float)
    return shape & (np.abs(np.nan_to_num(num, nan=999.0)) <= limit)


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every coordinate pair in ``text``."""
    spans: list[Span] = []
    for m in _FIND.finditer(text):
        state = _CTX.state(text, m.start())
        if state < 0 and not hinted:
            continue
        hint = hinted or state > 0
        piece = m.group(0)
        if is_valid(piece, hint):
            score = c.SCORE_PATTERN if is_valid(piece, False) else c.SCORE_WEAK
            spans.append(Span(m.start(), m.end(), c.boosted(score, state > 0), ENTITY))
    return spans


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.strict_or_hinted(_PATTERN, validate, _CTX, values, hinted)
