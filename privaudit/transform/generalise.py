"""The ``generalise`` operator: coarser values that still say something.

Per entity (``to:`` picks the level; the default is marked *):

========================  ===========================================================
entity                    result
========================  ===========================================================
``ADDRESS``               the administrative prefix down to ``province`` / ``city`` /
                          ``district``\\* / ``street`` (``北京市朝阳区``), as
                          :func:`privaudit.detect.addresses.generalise_address` gives it
``DATE_OF_BIRTH``         ``year``\\* (``1949``), ``month`` (``1949-12``), ``age_band``
                          (``70-79``, against ``TransformContext.today``; a number as
                          ``to`` — or ``band`` — is the band width, default 10)
``CN_RESIDENT_ID``        ``region_year``\\* (``北京市朝阳区 1949``), ``region`` or
                          ``year``: the region of the number's 6-digit code (its latest
                          name; ``level`` = ``province`` / ``city`` / ``district``\\*)
                          and the birth year
``GEO_COORDINATE``        the south-west corner of a grid cell: ``grid`` (or a number as
                          ``to``) in degrees, default 0.1; ``to: province`` / ``city`` /
                          ``district`` mean 1 / 0.1 / 0.01 degrees (``39.9,116.3``)
``AGE``                   bands of ``band`` years (or a number as ``to``), default 10:
                          ``30-39``
other identifiers         no coarser form exists: masked with the display defaults
                          of :mod:`privaudit.masking` (``138****5678``)
other attributes, none    unchanged (``GENDER``, ``ETHNICITY`` … are already coarse)
========================  ===========================================================

A value that cannot be read (an address without a recognisable administrative
prefix, an invalid ID number, a date that is no date) becomes :data:`UNKNOWN`
(``未知``) — never its raw self.

Everything is column-wise: distinct values are worked out once; addresses are
reduced first to the part that can name administrative units (normalised, up to the
first character that is not Han, at most 52 characters), so a million addresses
of a few thousand streets cost a few thousand scalar evaluations.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.errors import PrivauditError

__all__ = [
    "UNKNOWN",
    "generalise_values",
    "generalise_addresses",
    "generalise_dates",
    "generalise_resident_ids",
    "generalise_coordinates",
    "generalise_ages",
    "region_label",
]

#: What a value that cannot be generalised becomes.
UNKNOWN = "未知"

_HAN = "\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}"
#: Python's ``\\s`` (``str.isspace``), which :func:`generalise_address` removes, in RE2 syntax.
_PY_SPACE = (
    "[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{1f} \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}"
    "\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+"
)
#: Four administrative components (province, city, district, street) end within 4 × 13
#: characters of the start: a known region name has at most 12, a suffix-built one 8 + 5.
_ADMIN_SPAN = 52

_ADDRESS_LEVELS = ("province", "city", "district", "street")
_GRID_BY_LEVEL = {"province": 1.0, "city": 0.1, "district": 0.01}
_MUNICIPALITIES = ("11", "12", "31", "50")


def _param_error(entity: str | None, to: Any) -> PrivauditError:
    return PrivauditError(f"generalise: {to!r} is not a level for {entity or 'this column'}")


def _text(values: pd.Series) -> pa.Array:
    """The (non-missing) values as an Arrow string array."""
    from privaudit.detect.names import _column

    return _column(values)


def _as_arrow(result: np.ndarray | pa.Array) -> pa.Array:
    if isinstance(result, pa.Array):
        return result.cast(pa.string()) if result.type != pa.string() else result
    return pa.array(np.asarray(result, dtype=object), type=pa.string())


def _by_distinct(
    values: pd.Series, compute: Callable[[pd.Series], np.ndarray | pa.Array], dedupe: bool | None = True
) -> pa.Array:
    """``compute(distinct values as a Series)`` mapped back to every row, as an Arrow string
    array.  ``dedupe=None``: only when an evenly spaced sample of 2,048 cells repeats
    itself (at most 90 % distinct), as coordinates seldom do."""
    arr = _text(values)
    if dedupe is None and len(arr) > 4096:
        sample = arr.take(pa.array(np.linspace(0, len(arr) - 1, 2048).astype(np.int64)))
        dedupe = len(pc.unique(sample)) <= 0.9 * 2048
    if dedupe is False:
        return _as_arrow(compute(pd.Series(arr, dtype="str")))
    encoded = pc.dictionary_encode(arr)
    return _as_arrow(compute(pd.Series(encoded.dictionary, dtype="str"))).take(encoded.indices)


# --------------------------------------------------------------------------- addresses


def _han_prefix_lengths(arr: pa.Array) -> np.ndarray:
    """Per cell, the number of characters before its first character outside Han
    (U+3400–U+4DBF, U+4E00–U+9FFF), at most :data:`_ADMIN_SPAN` — read from the UTF-8
    bytes with numpy (Han characters take three bytes each)."""
    from privaudit.detect.names import _buffers

    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    offsets, data = _buffers(arr)
    lo, hi = int(offsets[0]), int(offsets[-1])
    b = data[lo:hi]
    nxt = np.empty_like(b)
    nxt[:-1], nxt[-1:] = b[1:], 0
    # a character starts at every byte that is not a continuation byte (80–BF)
    start = (b < 0x80) | (b >= 0xC0)
    han = ((b == 0xE3) & (nxt >= 0x90)) | ((b >= 0xE4) & (b <= 0xE9) & ~((b == 0xE4) & (nxt == 0xB7)))
    stops = np.append(np.flatnonzero(start & ~han) + lo, hi)  # hi: a stop after the last cell
    row_start, row_end = offsets[:-1], offsets[1:]
    first = np.minimum(stops[np.searchsorted(stops, row_start)], row_end)
    return np.minimum((first - row_start) // 3, _ADMIN_SPAN)


def _normalised_addresses(arr: pa.Array) -> pa.Array:
    """NFKC and Python whitespace removed, for the cells that need it (nulls as "")."""
    from privaudit.detect.names import _unclean

    arr = pc.fill_null(arr.cast(pa.string()) if arr.type != pa.string() else arr, "")
    unclean = _unclean(arr)
    if unclean.any():
        mask = pa.array(unclean)
        fixed = pc.replace_substring_regex(pc.utf8_normalize(arr.filter(mask), "NFKC"), _PY_SPACE, "")
        arr = pc.replace_with_mask(arr, mask, fixed.cast(arr.type))
    return arr


@functools.cache
def _admin_walker() -> Callable[[str, int], str]:
    """``prefix(key, target)``: :func:`~privaudit.detect.addresses.generalise_address` of a
    normalised key at level rank ``target``, walking the leading components exactly as
    :func:`privaudit.detect.addresses._components` does — the longest known region name
    of at most 12 characters (their lengths indexed by the first two characters, so only
    a few lengths are tried), else a Han word with an administrative suffix; a known name
    used at several levels counts one level below the previous component."""
    from privaudit.detect import addresses as a

    known = a._known_regions()
    rank_of = {lvl: i for i, lvl in enumerate(a.LEVELS)}
    known_rank = {name: rank_of[lvl] for name, lvl in known.items() if 2 <= len(name) <= a._MAX_NAME}
    sizes: dict[str, set[int]] = {}
    for name in known_rank:
        sizes.setdefault(name[:2], set()).add(len(name))
    by_head = {h: tuple(sorted(v, reverse=True)) for h, v in sizes.items()}
    component, not_admin = a._COMPONENT.match, a._NOT_ADMIN.search
    suffixes = tuple((sfx, rank_of[lvl]) for sfx, lvl in a._SUFFIX_LEVEL)
    district = rank_of["district"]

    def prefix(key: str, target: int) -> str:
        pos, last, end, n = 0, -1, 0, len(key)
        while pos < n:
            rank = -1
            for size in by_head.get(key[pos : pos + 2], ()):
                if pos + size <= n:
                    found = known_rank.get(key[pos : pos + size])
                    if found is not None:
                        rank, stop = (found if found > last else min(last + 1, district)), pos + size
                        break
            if rank < 0:
                m = component(key, pos)
                if m is None or not_admin(m.group()):
                    break
                word = m.group()
                rank, stop = next(r for sfx, r in suffixes if word.endswith(sfx)), m.end()
            if rank <= last:
                break
            last, pos = rank, stop
            if rank <= target:
                end = pos
        return key[:end]

    return prefix


def generalise_addresses(values: pd.Series, level: str = "district") -> np.ndarray:
    """:func:`~privaudit.detect.addresses.generalise_address` of every (non-missing)
    value, as an object array; ``""`` where no administrative component is recognised.

    Administrative components are Han characters only, so the result depends only on
    the normalised text up to its first non-Han character (at most 52 characters): that
    key is found column-wise (:func:`_han_prefix_lengths`), and each distinct key is
    walked component by component once (:func:`_admin_walker`).
    """
    level = "district" if level == "county" else level
    if level == "precise":
        return np.asarray(values.to_numpy(dtype=object), dtype=object)
    if level not in _ADDRESS_LEVELS:
        raise _param_error("ADDRESS", level)
    if len(values) == 0:
        return np.zeros(0, dtype=object)
    arr = _text(values)
    rows = None
    if len(arr) >= 10_000:  # registers repeat addresses (one per household member)
        encoded = pc.dictionary_encode(arr)
        if len(encoded.dictionary) <= 0.5 * len(arr):
            arr, rows = encoded.dictionary, encoded.indices.to_numpy(zero_copy_only=False)
    arr = _normalised_addresses(arr)
    lengths = _han_prefix_lengths(arr)
    target = _ADDRESS_LEVELS.index(level)
    prefix = _admin_walker()
    out = np.full(len(arr), "", dtype=object)
    # the keys (each cell's Han prefix) of one length at a time: a slice of one width
    for size in np.unique(lengths[lengths > 0]).tolist():
        at = np.flatnonzero(lengths == size)
        keys = pc.dictionary_encode(pc.utf8_slice_codeunits(arr.take(pa.array(at)), 0, size))
        table = np.array([prefix(k, target) for k in keys.dictionary.to_pylist()], dtype=object)
        out[at] = table[keys.indices.to_numpy(zero_copy_only=False)]
    return out if rows is None else out[rows]


# --------------------------------------------------------------------------- dates and ages


def _band(age: np.ndarray, width: int) -> np.ndarray:
    """``"30-39"`` labels of integer ages (width 1: the age itself)."""
    lo = (age // width) * width
    labels = {int(v): (f"{v}-{v + width - 1}" if width > 1 else str(v)) for v in np.unique(lo)}
    return pd.Series(lo).map(labels).to_numpy(dtype=object)


def _width(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 1 or value != int(value):
        raise PrivauditError(f"generalise: {what} must be a whole number of years (1 or more), not {value!r}")
    return int(value)


def generalise_dates(values: pd.Series, to: Any = "year", today: dt.date | None = None, band: Any = None) -> pa.Array:
    """Birth dates (any form :func:`privaudit.detect.attributes.parse_dates` reads, bare
    years included) to ``year`` (``1949``), ``month`` (``1949-12``; a year-only date stays
    a year) or an age band (``age_band`` or a width in years as ``to``) computed against
    ``today``; :data:`UNKNOWN` where no date is read or the date lies after ``today``.

    Ages of dates known to the month or year only count from the first of the month /
    1 July.
    """
    from privaudit.detect.attributes import _parse

    today = today or dt.date.today()
    if to == "age_band" or (isinstance(to, int | float) and not isinstance(to, bool)):
        width = _width(band if band is not None else (10 if to == "age_band" else to), "band")
        to = "age_band"
    elif to not in ("year", "month"):
        raise _param_error("DATE_OF_BIRTH", to)

    def compute(distinct: pd.Series) -> np.ndarray:
        _, dates, level = _parse(distinct, bare_year=True)
        ok = level > 0
        days = dates.astype("datetime64[D]")
        y = days.astype("datetime64[Y]").astype(np.int64) + 1970
        m = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
        d = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
        out = np.full(len(distinct), UNKNOWN, dtype=object)
        ok &= days <= np.datetime64(today.isoformat(), "D")
        if to == "year":
            out[ok] = y[ok].astype(str).astype(object)
        elif to == "month":
            month = np.char.add(np.char.add(y.astype(str), "-"), np.char.zfill(m.astype(str), 2))
            out[ok] = np.where(level[ok] >= 2, month[ok], y[ok].astype(str)).astype(object)
        else:
            m = np.where(level == 1, 7, m)
            d = np.where(level == 3, d, 1)
            age = today.year - y - ((today.month < m) | ((today.month == m) & (today.day < d)))
            ok &= age >= 0
            out[ok] = _band(age[ok], width)
        return out

    return _by_distinct(values, compute)


_AGE_RE = "^(?P<age>[0-9]{1,3})(?:\\.0+)?(?:岁|周岁)?$"


def generalise_ages(values: pd.Series, width: Any = 10) -> pa.Array:
    """Ages (``37``, ``37岁``, ``37.0``; full-width digits and spaces allowed) to bands of
    ``width`` years (``30-39``); :data:`UNKNOWN` for anything else or above 150."""
    width = _width(width, "band")

    def compute(distinct: pd.Series) -> np.ndarray:
        arr = pc.replace_substring_regex(pc.utf8_normalize(_text(distinct), "NFKC"), _PY_SPACE, "")
        found = pc.extract_regex(arr, _AGE_RE)
        digits = pc.struct_field(found, [0])
        age = pc.fill_null(pc.cast(pc.if_else(found.is_valid(), digits, "-1"), pa.int64()), -1).to_numpy(
            zero_copy_only=False
        )
        out = np.full(len(distinct), UNKNOWN, dtype=object)
        ok = (age >= 0) & (age <= 150)
        out[ok] = _band(age[ok], width)
        return out

    return _by_distinct(values, compute)


# --------------------------------------------------------------------------- resident IDs


def _latest(name: str | None) -> str:
    """``桥西区,[2020-]信都区`` → ``信都区`` (the name the code has now, or had last)."""
    if not name:
        return ""
    return re.sub(r"^\[[^\]]*\]", "", name.split(",")[-1]).strip()


def _placeholder(name: str) -> bool:
    return not name or "直辖" in name or name in ("市辖区", "县")


@functools.cache
def _region_labels(level: str) -> dict[str, str]:
    """6-digit region code → its name down to ``level`` (``北京市朝阳区``)."""
    from privaudit.identifiers.regions import region_names

    names = region_names()
    labels: dict[str, str] = {}
    for code, raw in names.items():
        province = _latest(names.get(code[:2] + "0000"))
        own = _latest(raw)
        if code.endswith("0000"):
            labels[code] = province
            continue
        if code.endswith("00"):  # a city-level code
            city = "" if _placeholder(own) else own
            labels[code] = province if level == "province" else province + city
            continue
        city = _latest(names.get(code[:4] + "00"))
        city = "" if _placeholder(city) else city
        if level == "province":
            labels[code] = province
        elif level == "city":
            labels[code] = province + (city or ("" if code[:2] in _MUNICIPALITIES else own))
        else:
            labels[code] = province + city + own
    return labels


def region_label(code: str, level: str = "district") -> str | None:
    """The name of a resident-ID region code (``110105`` → ``北京市朝阳区``) down to
    ``province`` / ``city`` / ``district``; foreigners' permanent residence IDs
    (``9`` + province + nationality) give their province; None for an unknown code."""
    if level not in ("province", "city", "district"):
        raise _param_error("CN_RESIDENT_ID", level)
    labels = _region_labels(level)
    if code in labels:
        return labels[code]
    if code[:1] == "9":
        return labels.get(code[1:3] + "0000")
    return None


def generalise_resident_ids(values: pd.Series, to: str = "region_year", level: str = "district") -> pa.Array:
    """Valid resident ID numbers to ``region_year`` (``北京市朝阳区 1949``), ``region`` or
    ``year``; :data:`UNKNOWN` for numbers that fail validation (15-digit legacy numbers
    are read as such)."""
    from privaudit import _arrow
    from privaudit.identifiers import cn_resident_id

    if to not in ("region_year", "region", "year"):
        raise _param_error("CN_RESIDENT_ID", to)
    if level not in ("province", "city", "district"):
        raise _param_error("CN_RESIDENT_ID", level)
    arr = _text(values).cast(pa.string())
    if len(arr) == 0:
        return pa.array([], type=pa.string())
    births = cn_resident_id.birth_dates(values, hinted=True)
    valid = births.notna().to_numpy()
    # the region code: the first six characters, once separators and full-width digits are gone
    odd = valid & ~_arrow.fullmatch(arr, "[0-9]{17}[0-9Xx]|[0-9]{15}")
    if odd.any():
        mask = pa.array(odd)
        fixed = pc.replace_substring_regex(pc.utf8_normalize(arr.filter(mask), "NFKC"), "[^0-9Xx]", "")
        arr = pc.replace_with_mask(arr, mask, fixed)
    codes = pc.dictionary_encode(pc.utf8_slice_codeunits(arr, 0, 6))
    labels = [region_label(c, level) if c else None for c in codes.dictionary.to_pylist()]
    region = pa.array([x or UNKNOWN for x in labels], type=pa.string()).take(codes.indices)
    year = pc.cast(pc.year(pa.array(births.to_numpy(), type=pa.timestamp("ns"), from_pandas=True)), pa.string())
    if to == "year":
        out = year
    elif to == "region":
        out = region
    else:
        out = pc.binary_join_element_wise(region, year, " ")
    return pc.if_else(pa.array(valid), out, pa.scalar(UNKNOWN, pa.string()))


# --------------------------------------------------------------------------- coordinates


def _grid(to: Any, grid: Any) -> float:
    size = grid if grid is not None else (_GRID_BY_LEVEL.get(to, to) if to is not None else 0.1)
    if isinstance(size, bool) or not isinstance(size, int | float) or not 0 < size <= 90:
        raise PrivauditError(f"generalise: grid must be a number of degrees above 0 and at most 90, not {size!r}")
    return float(size)


def _decimals(size: float) -> int:
    """Decimal places needed to write multiples of ``size`` (0.1 → 1, 0.25 → 2, 1 → 0)."""
    for places in range(0, 10):
        if abs(size * 10**places - round(size * 10**places)) < 1e-9:
            return places
    return 9


def _format_grid(x: np.ndarray, size: float, places: int) -> pa.Array:
    """The south-west grid corner of each value, written with ``places`` decimals (Arrow)."""
    units = np.round(np.floor(x / size + 1e-9) * size * 10**places).astype(np.int64)
    magnitude = np.abs(units)
    text = pc.cast(pa.array(magnitude // 10**places), pa.string())
    if places:
        frac = pc.utf8_lpad(pc.cast(pa.array(magnitude % 10**places), pa.string()), places, "0")
        text = pc.binary_join_element_wise(text, frac, ".")
    return pc.if_else(pa.array(units < 0), pc.binary_join_element_wise("-", text, ""), text)


_PAIR = (
    "^(?P<a>[-+]?[0-9]{1,3}(?:\\.[0-9]+)?)(?:[ ]*[,;/、，；][ ]*|[ ]+)(?P<b>[-+]?[0-9]{1,3}(?:\\.[0-9]+)?)$"
)
_ONE = "^[-+]?[0-9]{1,3}(?:\\.[0-9]+)?$"
_COMMA_PAIR = "^[-+]?[0-9]{1,3}(?:\\.[0-9]+)?[ ]*,[ ]*[-+]?[0-9]{1,3}(?:\\.[0-9]+)?$"


def generalise_coordinates(values: pd.Series, to: Any = None, grid: Any = None) -> pa.Array:
    """Coordinate pairs (``39.916527,116.397128``, ``北纬39.9 东经116.4`` …) or single
    latitude / longitude values to the south-west corner of their grid cell, written
    with as many decimals as the grid needs (``39.9,116.3`` for 0.1°); pairs keep their
    order, marked pairs become ``lat,lng``.  :data:`UNKNOWN` for anything else."""
    from privaudit import _arrow
    from privaudit.identifiers import geo_coordinate

    size = _grid(to, grid)
    places = _decimals(size)

    def floats(arr: pa.Array) -> np.ndarray:
        return pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False)

    def matching(arr: pa.Array, rows: np.ndarray, pattern: str) -> np.ndarray:
        """The subset of ``rows`` whose cell matches ``pattern``."""
        if not len(rows):
            return rows
        return rows[_arrow.to_bool(pc.match_substring_regex(arr.take(pa.array(rows)), pattern))]

    def compute(distinct: pd.Series) -> pa.Array:
        arr = pc.utf8_trim_whitespace(pc.utf8_normalize(_text(distinct).cast(pa.string()), "NFKC"))
        everything = np.arange(len(arr))
        # the usual "lat,lng" split on the comma; other separators through the regex
        comma = matching(arr, everything, _COMMA_PAIR)
        rest = np.setdiff1d(everything, comma, assume_unique=True)
        other = matching(arr, rest, _PAIR)
        rest = np.setdiff1d(rest, other, assume_unique=True)
        single = matching(arr, rest, _ONE)
        rest = np.setdiff1d(rest, single, assume_unique=True)
        rows, texts = [], []
        if len(comma):
            parts = pc.split_pattern(arr.take(pa.array(comma)), ",", max_splits=1)
            a = floats(pc.utf8_trim_whitespace(pc.list_element(parts, 0)))
            b = floats(pc.utf8_trim_whitespace(pc.list_element(parts, 1)))
            rows.append(comma), texts.append((a, b))
        if len(other):
            sel = pc.extract_regex(arr.take(pa.array(other)), _PAIR)
            rows.append(other), texts.append((floats(pc.struct_field(sel, [0])), floats(pc.struct_field(sel, [1]))))
        out = pa.nulls(len(arr), pa.string())
        for at, (a, b) in zip(rows, texts, strict=True):
            ok = ((np.abs(a) <= 90) & (np.abs(b) <= 180)) | ((np.abs(a) <= 180) & (np.abs(b) <= 90))
            text = pc.binary_join_element_wise(_format_grid(a[ok], size, places), _format_grid(b[ok], size, places), ",")
            mask = np.zeros(len(arr), dtype=bool)
            mask[at[ok]] = True
            out = pc.replace_with_mask(out, pa.array(mask), text)
        if len(single):
            x = floats(arr.take(pa.array(single)))
            ok = np.abs(x) <= 180
            mask = np.zeros(len(arr), dtype=bool)
            mask[single[ok]] = True
            out = pc.replace_with_mask(out, pa.array(mask), _format_grid(x[ok], size, places))
        if len(rest):  # marked forms (北纬 … 东经 …, 39.9°N): read one by one
            result = out.to_numpy(zero_copy_only=False).astype(object)
            for i in rest.tolist():
                info = geo_coordinate.info(distinct.iloc[i], hinted=True)
                if info and info["lat"] is not None and info["lng"] is not None:
                    lat, lng = _format_grid(np.array([info["lat"], info["lng"]]), size, places).to_pylist()
                    result[i] = f"{lat},{lng}"
            out = pa.array(result, type=pa.string())
        return pc.fill_null(out, UNKNOWN)

    return _by_distinct(values, compute, dedupe=None)


# --------------------------------------------------------------------------- dispatch


def generalise_values(
    values: pd.Series, entity: str | None, params: Mapping[str, Any], today: dt.date
) -> np.ndarray | pa.Array | None:
    """Generalised ``values`` (non-missing, stripped strings) as an object or Arrow string
    array of the same length, or None
    when the entity has no coarser form (the caller then decides: identifiers are
    masked, attributes kept)."""
    to = params.get("to")
    if entity == "ADDRESS":
        out = generalise_addresses(values, to or "district")
        if to != "precise":
            out[out == ""] = UNKNOWN
        return out
    if entity == "DATE_OF_BIRTH":
        return generalise_dates(values, to or "year", today, params.get("band"))
    if entity == "CN_RESIDENT_ID":
        return generalise_resident_ids(values, to or "region_year", params.get("level", "district"))
    if entity == "GEO_COORDINATE":
        return generalise_coordinates(values, to, params.get("grid"))
    if entity == "AGE":
        width = params.get("band")
        if width is None:
            width = 10 if to in (None, "band") else to
        return generalise_ages(values, width)
    return None
