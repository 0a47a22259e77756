"""Unified social credit codes (GB 32100-2015): ``CN_USCC``.

18 characters from ``0-9A-HJ-NP-RTUWXY`` (no I, O, S, V, Z): registration
department (``1``–``9``, ``A``, ``N`` village collectives, ``Y`` others), organisation
category (``1``–``5`` or ``9``), the 6-digit region code of the registering authority
(any code that ever existed, or ``100000``), the 9-character organisation code, and a
check character::

    >>> is_valid("91110000600037341L"), is_valid("91110000600037341l")
    (True, True)
    >>> is_valid("91110000600037341M")
    False
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans, regions
from privaudit.identifiers._common import Span

ENTITY = "CN_USCC"

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
FIRST_CHARS = "123456789ANY"
#: Organisation categories used by the registration departments (GB 32100 table 2).
CATEGORIES = "123459"

CONTEXT: tuple[str, ...] = (
    "统一社会信用代码",
    "社会信用代码",
    "信用代码",
    "营业执照",
    "执照号",
    "纳税人识别号",
    "税号",
    "组织机构代码",
    "USCC",
    "TYSHXYDM",
    "credit code",
)
NEGATIVE_CONTEXT: tuple[str, ...] = ()

#: Characters 3–8 are the region code: every candidate holds 6 digits in a row.
PREFILTER = "[0-9\uff10-\uff19]{6}"

_DELETE = c.translate_table(c.SEPARATORS + c.ASCII_WHITESPACE)
_ASCII_DELETE = c.byte_table(" -" + c.ASCII_WHITESPACE)
_SHAPE = re.compile(f"[{FIRST_CHARS}][{CATEGORIES}][0-9]{{6}}[{ALPHABET}]{{10}}")
_VALUE = np.full(256, -1, dtype=np.int64)
for _i, _ch in enumerate(ALPHABET):
    _VALUE[ord(_ch)] = _i
    _VALUE[ord(_ch.lower())] = _i
_FIRST = np.zeros(256, dtype=bool)
for _ch in FIRST_CHARS:
    _FIRST[ord(_ch)] = _FIRST[ord(_ch.lower())] = True
_CATEGORY = np.zeros(256, dtype=bool)
_CATEGORY[[ord(ch) for ch in CATEGORIES]] = True
#: The registering authority's code: a region code that ever existed, or 100000 (national).
NATIONAL = "100000"


def _region_table() -> np.ndarray:
    t = np.zeros(1_000_000, dtype=bool)
    t[[int(code) for code in regions.region_names()]] = True
    t[int(NATIONAL)] = True
    return t


_REGION = _region_table()
_CHECK_BYTES = np.frombuffer(ALPHABET.encode(), dtype=np.uint8)

_A = "[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
_PATTERN = _spans.SpanPattern(f"{_A}{{18}}", before=c.WORD, after=c.WORD)
_FIND = _PATTERN.regex
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)


def check_char(body: str) -> str:
    """The check character for the first 17 characters (upper case)."""
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(body, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def normalize(value: str) -> str:
    """NFKC, drop separators, upper-case."""
    return c.nfkc(value).translate(_DELETE).upper()


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one valid unified social credit code (``hinted`` changes nothing)."""
    v = normalize(value)
    return (
        bool(_SHAPE.fullmatch(v))
        and (v[2:8] in regions.region_names() or v[2:8] == NATIONAL)
        and check_char(v[:17]) == v[17]
    )


_DEPARTMENTS = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "工商",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}


def info(value: str, hinted: bool = True) -> dict | None:
    """Department, category, region and organisation code of a valid code, or None."""
    if not is_valid(value):
        return None
    v = normalize(value)
    names = regions.region_names()
    return {
        "department": v[0],
        "department_name": _DEPARTMENTS.get(v[0]),
        "category": v[1],
        "region_code": v[2:8],
        "region_name": names.get(v[2:8]),
        "province": regions.province_of(v[2:8]),
        "organization_code": v[8:17],
        "normalized": v,
    }


# -- vectorised -----------------------------------------------------------------------


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    b = c.Bytes(arr).delete(_ASCII_DELETE)
    rows = np.flatnonzero(asc & (b.lengths == 18))
    if len(rows):
        m = b.matrix(rows, 18)
        # cheap checks first (department, category, region), the alphabet and check on the rest
        ok = _FIRST[m[:, 0]] & _CATEGORY[m[:, 1]] & c.digit_rows(m[:, 2:8])
        ok &= _REGION[np.where(ok, c.weighted_digits(m, (100000, 10000, 1000, 100, 10, 1), 2), 0)]
        rest = np.flatnonzero(ok)
        if len(rest):
            vals = _VALUE[m[rest]]
            total = vals[:, :17] @ np.array(WEIGHTS, dtype=np.int64)
            ok[rest] = (vals >= 0).all(axis=1) & (vals[:, 17] == (31 - total % 31) % 31)
        out[rows] = ok
    c.fill_scalar(out, arr, c.scalar_rows(arr, b.ok & ~asc, c.HAN), is_valid)
    return out


# -- free text -------------------------------------------------------------------------


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every valid code in ``text``."""
    return _spans.find_validated(_FIND, is_valid, _CTX, text, ENTITY, c.SCORE_STRONG, hinted, veto=False)


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.validated(_PATTERN, validate, _CTX, values, c.SCORE_STRONG, hinted, veto=False)
