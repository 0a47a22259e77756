"""Resident identity card numbers (GB 11643-1999): ``CN_RESIDENT_ID``.

18 characters: a 6-digit region code, the birth date ``YYYYMMDD``, a 3-digit
sequence (odd = male) and a check character::

    >>> is_valid("11010519491231002X")
    True
    >>> is_valid("110105 19491231 002x")      # separators, lower-case x
    True
    >>> is_valid("130503670401001")            # 15-digit legacy form needs a hint
    False
    >>> is_valid("130503670401001", hinted=True)
    True
    >>> info("11010519491231002X")["sex"]
    'female'

The region code may be any code that *ever* existed (GB/T 2260, current and
withdrawn, e.g. 110103), or 810000/820000/830000 (residence permits of Hong Kong,
Macau and Taiwan residents).  A leading ``9`` marks the foreigners' permanent
residence ID card (2023 format): ``9`` + the issuing province (2 digits) + a
3-digit nationality code; those are accepted when the province exists, since
checksum and date must hold as well.  The date must exist, lie in 1900 or
later and not in the future.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans, regions
from privaudit.identifiers._common import Span

ENTITY = "CN_RESIDENT_ID"

#: Words that, shortly before a number, say it is an ID number (headers included).
CONTEXT: tuple[str, ...] = (
    "身份证",
    "身份证号",
    "身份证号码",
    "公民身份号码",
    "身份号码",
    "居民身份证",
    "证件号",
    "证件号码",
    "证件",
    "身份证件",
    "居住证",
    "永久居留",
    "SFZH",
    "SFZHM",
    "ZJHM",
    "SFZ",
    "id card",
    "idcard",
    "id no",
    "id number",
    "identity",
)
#: No word vetoes a checksum-, date- and region-validated number.
NEGATIVE_CONTEXT: tuple[str, ...] = ()

#: Cells that could hold a candidate for :func:`find` (≤ 4 separators in 18 digits
#: leave a run of at least 4 digits).
PREFILTER = "[0-9\uff10-\uff19]{4}"

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

_DELETE = c.translate_table(c.SEPARATORS + c.ASCII_WHITESPACE)
_ASCII_DELETE = c.byte_table(" -" + c.ASCII_WHITESPACE)
_MAX_SEPARATORS = 4

_D = c.DIGIT
_SEP = "[ \u3000\\-\u2010-\u2014\u2212\uff0d]"
_PATTERN = _spans.SpanPattern(
    f"(?P<l18>{_D}(?:{_SEP}?{_D}){{16}}{_SEP}?[0-9\uff10-\uff19Xx\uff38\uff58])|(?P<l15>{_D}(?:{_SEP}?{_D}){{14}})",
    before=c.WORD,
    after=c.WORD + "@\uff20",  # not an e-mail's local part
)
_FIND = _PATTERN.regex
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)
_RE18 = re.compile(r"[0-9]{17}[0-9X]")
_RE15 = re.compile(r"[0-9]{15}")
_W = np.array(WEIGHTS, dtype=np.int64)
_CHECK_BYTES = np.frombuffer(CHECK_CHARS.encode(), dtype=np.uint8)
_MDAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)

_KIND_BY_PREFIX = {"81": "hk_permit", "82": "macau_permit", "83": "taiwan_permit"}


@functools.cache
def _region_tables() -> tuple[np.ndarray, np.ndarray]:
    """bool[1_000_000] lookups: valid 6-digit prefixes of 18-digit and of 15-digit numbers."""
    t18 = np.zeros(1_000_000, dtype=bool)
    t15 = np.zeros(1_000_000, dtype=bool)
    for code in regions.region_names():
        t18[int(code)] = True
        if code[:2] not in ("71", "81", "82", "83"):
            t15[int(code)] = True
    for p in regions.PERMIT_PREFIXES:
        t18[int(p + "0000")] = True
    for code in regions.region_names():
        if code.endswith("0000") and code[0] in "123456":
            base = 900_000 + int(code[:2]) * 1000
            t18[base : base + 1000] = True
    return t18, t15


def _foreigner_province(code: str) -> bool:
    return code[0] == "9" and code[1] in "123456" and code[1:3] + "0000" in regions.region_names()


def _region_ok(code: str, legacy: bool = False) -> bool:
    if legacy:
        return code[:2] not in ("71", "81", "82", "83") and code in regions.region_names()
    return regions.is_region(code) or _foreigner_province(code)


def check_char(body: str) -> str:
    """The check character for the first 17 digits of an 18-digit number."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def upgrade15(value: str) -> str:
    """The 18-digit form of a 15-digit legacy number (insert ``19``, compute the check)."""
    v = normalize(value)
    body = v[:6] + "19" + v[6:15]
    return body + check_char(body)


def normalize(value: str) -> str:
    """NFKC, drop separators and whitespace, upper-case (``x`` → ``X``)."""
    return c.nfkc(value).translate(_DELETE).upper()


def _date(text: str) -> _dt.date | None:
    try:
        d = _dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None
    if d.year < 1900 or d > _dt.date.today():
        return None
    return d


def id_shaped(value: str) -> bool:
    """True if ``value`` looks like an 18-digit ID (region and date valid) whatever its check character.

    Such numbers are never reported as bank cards without a hint: an ID with a typo in
    its check character, or an archive code built like one, is not a card number.
    """
    v = normalize(value)
    return bool(len(v) == 18 and _RE18.fullmatch(v) and _region_ok(v[:6]) and _date(v[6:14]) is not None)


def _valid18(v: str) -> bool:
    return bool(
        _RE18.fullmatch(v) and _region_ok(v[:6]) and _date(v[6:14]) is not None and check_char(v[:17]) == v[17]
    )


def _valid15(v: str) -> bool:
    return bool(_RE15.fullmatch(v) and _region_ok(v[:6], legacy=True) and _date("19" + v[6:12]) is not None)


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one valid resident ID number (15-digit legacy form only if ``hinted``)."""
    v = normalize(value)
    if len(v) == 18:
        return _valid18(v)
    if len(v) == 15 and hinted:
        return _valid15(v)
    return False


# -- vectorised -----------------------------------------------------------------------


def _check_dates(year: np.ndarray, month: np.ndarray, day: np.ndarray, today: int) -> np.ndarray:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    mok = (month >= 1) & (month <= 12)
    mdays = _MDAYS[np.where(mok, month, 0)] + ((month == 2) & leap)
    return mok & (day >= 1) & (day <= mdays) & (year >= 1900) & (year * 10000 + month * 100 + day <= today)


def _today_int() -> int:
    t = _dt.date.today()
    return t.year * 10000 + t.month * 100 + t.day


def _shape18(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """18-byte rows shaped like an ID (digits, region, date; check not verified) and their dates."""
    t18, _ = _region_tables()
    ok = c.digit_rows(m, 17)
    last = m[:, 17]
    ok &= ((last >= ord("0")) & (last <= ord("9"))) | (last == ord("X")) | (last == ord("x"))
    region = np.where(ok, c.weighted_digits(m, (100000, 10000, 1000, 100, 10, 1)), 0)
    ok &= t18[region]
    year = c.weighted_digits(m, (1000, 100, 10, 1), 6)
    month = c.weighted_digits(m, (10, 1), 10)
    day = c.weighted_digits(m, (10, 1), 12)
    ok &= _check_dates(year, month, day, _today_int())
    return ok, year * 10000 + month * 100 + day


def _check18(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validity of 18-byte rows (upper or lower ``x``) and their birth dates as YYYYMMDD ints."""
    ok, dates = _shape18(m)
    last = m[:, 17]
    last = np.where(last == ord("x"), np.uint8(ord("X")), last)
    ok &= _CHECK_BYTES[np.where(ok, c.weighted_digits(m, WEIGHTS), 0) % 11] == last
    return ok, dates


def _check15(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validity of 15-byte legacy rows and their birth dates as YYYYMMDD ints."""
    _, t15 = _region_tables()
    ok = c.digit_rows(m)
    region = np.where(ok, c.weighted_digits(m, (100000, 10000, 1000, 100, 10, 1)), 0)
    ok &= t15[region]
    year = 1900 + c.weighted_digits(m, (10, 1), 6)
    month = c.weighted_digits(m, (10, 1), 8)
    day = c.weighted_digits(m, (10, 1), 10)
    ok &= _check_dates(year, month, day, _today_int())
    return ok, year * 10000 + month * 100 + day


def _scalar_birth(value: str, hinted: bool) -> int:
    if not is_valid(value, hinted):
        return 0
    v = normalize(value)
    return int(v[6:14]) if len(v) == 18 else int("19" + v[6:12])


def _vectorised(values, hinted: bool) -> tuple[np.ndarray, np.ndarray]:
    """(valid, birth YYYYMMDD or 0) for every row."""
    arr = c.as_arrow(values)
    n = len(arr)
    valid = np.zeros(n, dtype=bool)
    birth = np.zeros(n, dtype=np.int64)
    if n == 0:
        return valid, birth
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    b = c.Bytes(arr).delete(_ASCII_DELETE)
    lengths = b.lengths
    for width, check, wanted in ((18, _check18, True), (15, _check15, hinted)):
        if not wanted:
            continue
        rows = np.flatnonzero(asc & (lengths == width))
        if len(rows):
            ok, dates = check(b.matrix(rows, width))
            valid[rows] = ok
            birth[rows] = np.where(ok, dates, 0)
    odd = c.scalar_rows(arr, b.ok & ~asc, c.HAN)
    if len(odd):
        vals = arr.take(pa.array(odd)).to_pylist()
        births = np.array([_scalar_birth(v, hinted) for v in vals], dtype=np.int64)
        valid[odd] = births > 0
        birth[odd] = births
    return valid, birth


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    return _vectorised(values, hinted)[0]


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm), vectorised."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def birth_dates(values: pd.Series, hinted: bool = True) -> pd.Series:
    """Birth date of every valid ID in ``values`` (``datetime64[ns]``, NaT where invalid).

    15-digit legacy numbers are read too unless ``hinted=False`` (the values are
    usually already known to be IDs when this is called).  The index of ``values``
    is kept when it is a Series.
    """
    valid, birth = _vectorised(values, hinted)
    days = _days_from_civil(birth // 10000, birth // 100 % 100, birth % 100)
    dates = np.where(valid, days, 0).astype("datetime64[D]").astype("datetime64[ns]")
    dates[~valid] = np.datetime64("NaT")
    index = values.index if isinstance(values, pd.Series) else None
    return pd.Series(dates, index=index, dtype="datetime64[ns]")


# -- details ---------------------------------------------------------------------------


def age_on(birth: _dt.date, on: _dt.date | None = None) -> int:
    """Completed years between ``birth`` and ``on`` (default today)."""
    on = on or _dt.date.today()
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _clean_name(name: str | None) -> str | None:
    """``桥西区,[2020-]信都区`` → ``桥西区/信都区`` (every name the code had)."""
    if not name:
        return name
    parts = [re.sub(r"^\[[^\]]*\]", "", p).strip() for p in name.split(",")]
    return "/".join(dict.fromkeys(p for p in parts if p))


def info(value: str, hinted: bool = True) -> dict | None:
    """Details of a valid number: region, province, birth date, sex, age, kind; None if invalid.

    ``kind`` is ``resident`` / ``legacy15`` / ``hk_permit`` / ``macau_permit`` /
    ``taiwan_permit`` / ``foreigner``.  15-digit numbers are read unless ``hinted=False``.
    """
    if not is_valid(value, hinted):
        return None
    v = normalize(value)
    legacy = len(v) == 15
    code = v[:6]
    birth = _date(("19" + v[6:12]) if legacy else v[6:14])
    seq = int(v[12:15] if legacy else v[14:17])
    if legacy:
        kind = "legacy15"
    elif code[0] == "9" and not regions.is_region(code):
        kind = "foreigner"
    else:
        kind = _KIND_BY_PREFIX.get(code[:2], "resident")
    names = regions.region_names()
    if kind == "foreigner":
        region_code = code[1:3] + "0000"
        region_name = names.get(region_code)
        province = region_name
    else:
        region_code = code
        region_name = _clean_name(names.get(code)) or regions.province_of(code)
        province = regions.province_of(code)
    assert birth is not None
    return {
        "kind": kind,
        "region_code": region_code,
        "region_name": region_name,
        "province": province,
        "birth_date": birth,
        "sex": "male" if seq % 2 else "female",
        "age": age_on(birth),
        "normalized": v if not legacy else upgrade15(v),
    }


# -- free text -------------------------------------------------------------------------


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every valid ID number in ``text``; a context word before a 15-digit number counts as a hint."""
    spans: list[Span] = []
    for m in _FIND.finditer(text):
        piece = m.group(0)
        if sum(1 for ch in piece if not ch.isalnum()) > (_MAX_SEPARATORS if m.group("l18") else 3):
            continue
        ctx = _CTX.state(text, m.start()) > 0
        if m.group("l18") is not None:
            if is_valid(piece):
                spans.append(Span(m.start(), m.end(), c.boosted(c.SCORE_STRONG, ctx), ENTITY))
        elif (hinted or ctx) and is_valid(piece, hinted=True):
            spans.append(Span(m.start(), m.end(), c.boosted(c.SCORE_WEAK, ctx), ENTITY))
    return spans


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    cand = _PATTERN.column(_spans.text_column(values))
    if not len(cand):
        return _spans.empty_result()
    # the characters that are not alphanumeric (``find`` counts them) are the separators
    size = pc.utf8_length(cand.pieces).to_numpy(zero_copy_only=False)
    seps = np.zeros(len(cand), dtype=np.int64)
    some = np.flatnonzero(~c.to_numpy_bool(pc.utf8_is_alnum(cand.pieces)))
    if len(some):
        bare = pc.replace_substring_regex(cand.pieces.take(pa.array(some)), _SEP, "")
        seps[some] = size[some] - pc.utf8_length(bare).to_numpy(zero_copy_only=False)
    l18 = size - seps == 18
    ok = seps <= np.where(l18, _MAX_SEPARATORS, 3)
    v18 = _spans.valid(validate, cand, False, ok & l18)
    v15 = _spans.valid(validate, cand, True, ok & ~l18)
    ctx = cand.states(_CTX, v18 | v15) > 0
    keep = v18 | (v15 & (hinted | ctx))
    scores = np.where(l18, _spans.score(c.SCORE_STRONG, ctx), _spans.score(c.SCORE_WEAK, ctx))
    return _spans.result(cand, keep, scores)
