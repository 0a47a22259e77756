"""Vehicle licence plates (GA 36): ``CN_LICENSE_PLATE``.

A province abbreviation, the issuing authority's letter (no I/O), then

* 5 characters from ``A-HJ-NP-Z0-9`` with at most two letters (``京A12345``, ``粤B·AB123``);
* new-energy small cars: ``[DABCE|FGHJK]`` + one letter or digit + 4 digits (``京AD12345``);
* new-energy large vehicles: 5 digits + ``[DABCE|FGHJK]`` (``粤B12345D``);
* 4 letters/digits + a suffix 警 学 挂 港 澳 领 试 超 (``粤Z1234港``, ``京A1234警``).

A separator (``·``, ``•``, space, ``-``) may follow the first or second character::

    >>> is_valid("京A·12345"), is_valid("粤b d12345"), is_valid("京AI2345"), is_valid("沪AABCDE")
    (True, True, False, False)
"""

from __future__ import annotations

import functools
import re
import string

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans, regions
from privaudit.identifiers._common import Span

ENTITY = "CN_LICENSE_PLATE"

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SUFFIXES = "警学挂港澳领试超"
#: Province abbreviation → the region code of the province.
PROVINCE_CODES = dict(
    zip(
        PROVINCES,
        "11 12 31 50 13 41 53 21 23 43 34 37 65 32 33 36 42 45 62 14 15 61 22 35 52 44 63 54 51 64 46".split(),
        strict=True,
    )
)

CONTEXT: tuple[str, ...] = (
    "车牌",
    "车牌号",
    "车牌号码",
    "号牌",
    "号牌号码",
    "牌照",
    "车辆",
    "机动车",
    "plate",
    "license plate",
    "CPH",
    "CPHM",
    "HPHM",
)
NEGATIVE_CONTEXT: tuple[str, ...] = ()

_L = "A-HJ-NP-Z"
_NE = "DABCEFGHJK"
PATTERN = (
    f"[{PROVINCES}][{_L}]"
    f"(?:[{_L}0-9]{{5}}|[{_NE}][{_L}0-9][0-9]{{4}}|[0-9]{{5}}[{_NE}]|[{_L}0-9]{{4}}[{SUFFIXES}])"
)
#: A province abbreviation followed by a letter (full-width letters included).
PREFILTER = f"[{PROVINCES}][\\-·•・ \u3000]?[A-Za-z\uff21-\uff3a\uff41-\uff5a]"

_SEP_CHARS = " \u3000-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d\u00b7\u30fb\u2022" + c.ASCII_WHITESPACE
_DELETE = c.translate_table(_SEP_CHARS)
_RE = re.compile(PATTERN)
_REGULAR = re.compile(f"[{PROVINCES}][{_L}][{_L}0-9]{{5}}")
#: Characters whose rows the vectorised path handles (NFKC and upper() leave them alone
#: apart from ASCII case): ASCII, CJK unified ideographs, middle dots.
_STABLE = "^[\\x00-\\x7f\u4e00-\u9fff\u00b7\u30fb\u2022]*$"
_SEP_RE2 = "[\\- \\t\\n\\r\\x0b\\x0c\u00b7\u30fb\u2022]"

_A = f"[{_L}{_L.lower()}0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]"
_S = "[ \u3000\\-·•・]"
_PATTERN = _spans.SpanPattern(
    f"[{PROVINCES}]{_S}?{c.LETTER}{_S}?(?:{_A}{{4}}[{SUFFIXES}]|{_A}{{5,6}})", before=c.WORD, after=c.WORD
)
_FIND = _PATTERN.regex
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)


def normalize(value: str) -> str:
    """NFKC, drop separators (``·``, ``•``, spaces, dashes), upper-case."""
    return c.nfkc(value).translate(_DELETE).upper()


def _letters_ok(v: str) -> bool:
    """A 5-character regular serial has at most two letters."""
    return not _REGULAR.fullmatch(v) or sum(ch.isalpha() for ch in v[2:]) <= 2


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one licence plate (``hinted`` changes nothing)."""
    v = normalize(value)
    return bool(_RE.fullmatch(v)) and _letters_ok(v)


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"province", "province_name", "new_energy", "suffix"}`` or None."""
    if not is_valid(value):
        return None
    v = normalize(value)
    code = PROVINCE_CODES[v[0]]
    return {
        "province": v[0],
        "province_name": regions.region_names().get(code + "0000"),
        "authority": v[1],
        "new_energy": len(v) == 8,
        "suffix": v[-1] if v[-1] in SUFFIXES else None,
        "normalized": v,
    }


@functools.cache
def _possible() -> str:
    """RE2: a province character, deletable separators, then a letter — before NFKC.

    Every value that normalises to a plate contains this (each class includes the
    characters NFKC maps onto its members), so rows without it skip the scalar check.
    """
    letters = string.ascii_letters

    def cls(chars: str) -> str:
        return "[" + "".join("\\" + ch if ch in "\\]^-[" else ch for ch in dict.fromkeys(chars)) + "]"

    prov = cls(PROVINCES + c.nfkc_sources(PROVINCES))
    seps = cls(_SEP_CHARS + c.nfkc_sources(_SEP_CHARS))
    letter = cls(letters + c.nfkc_sources(letters))
    return f"{prov}{seps}*{letter}"


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    stable = c.to_numpy_bool(pc.match_substring_regex(arr, _STABLE))
    rows = np.flatnonzero(stable)
    if len(rows):
        sub = arr.take(pa.array(rows)) if len(rows) != n else arr
        norm = pc.ascii_upper(pc.replace_substring_regex(sub, _SEP_RE2, ""))
        ok = c.to_numpy_bool(pc.match_substring_regex(norm, f"^(?:{PATTERN})$"))
        # regular 5-character serials (9 bytes: province + letter + 5): at most two letters
        b = c.Bytes(norm)
        regular = np.flatnonzero(ok & (b.lengths == 9))
        if len(regular):
            letters = (b.matrix(regular, 9)[:, 4:] >= ord("A")).sum(axis=1)
            ok[regular] &= letters <= 2
        out[rows] = ok
    c.fill_scalar(out, arr, c.scalar_rows(arr, ~stable & c.to_numpy_bool(arr.is_valid()), None, _possible()), is_valid)
    return out


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every licence plate in ``text``."""
    return _spans.find_validated(_FIND, is_valid, _CTX, text, ENTITY, c.SCORE_PATTERN, hinted, veto=False)


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.validated(_PATTERN, validate, _CTX, values, c.SCORE_PATTERN, hinted, veto=False)
