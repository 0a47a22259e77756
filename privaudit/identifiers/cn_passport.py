"""PRC passport numbers: ``CN_PASSPORT``.

``E`` + 8 digits, ``E`` + a letter (not I/O) + 7 digits (e-passports since 2012 and
their successors), or the older ``G`` + 8 digits.  There is no check digit, so in free
text the number must stand alone (no letter or digit next to it)::

    >>> is_valid("E12345678"), is_valid("eA1234567"), is_valid("G12345678"), is_valid("EI1234567")
    (True, True, True, False)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans
from privaudit.identifiers._common import Span

ENTITY = "CN_PASSPORT"

CONTEXT: tuple[str, ...] = ("护照", "护照号", "护照号码", "passport", "HZHM", "HZH", "HZ")
#: Product and document codes look like passport numbers: these words veto an unhinted match.
NEGATIVE_CONTEXT: tuple[str, ...] = (
    "订单",
    "单号",
    "编号",
    "型号",
    "货号",
    "款号",
    "批号",
    "序列号",
    "SKU",
    "order",
    "model",
    "serial",
)

PATTERN = "E[0-9]{8}|E[A-HJ-NP-Z][0-9]{7}|G[0-9]{8}"
PREFILTER = "[EeGg\uff25\uff45\uff27\uff47][A-Za-z\uff21-\uff3a\uff41-\uff5a]?[0-9\uff10-\uff19]{7}"

_DELETE = c.translate_table(c.SEPARATORS + c.ASCII_WHITESPACE)
_RE = re.compile(PATTERN)
_PATTERN = _spans.SpanPattern(
    f"[EeGg\uff25\uff45\uff27\uff47]{c.LETTER}?{c.DIGIT}{{7,8}}",
    before=c.WORD,
    after=c.WORD + "@\uff20",  # not an e-mail's local part
)
_FIND = _PATTERN.regex
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)


def normalize(value: str) -> str:
    """NFKC, drop separators, upper-case."""
    return c.nfkc(value).translate(_DELETE).upper()


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one passport number (``hinted`` changes nothing)."""
    return bool(_RE.fullmatch(normalize(value)))


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"series": "E"|"EA"...|"G", "normalized": ...}`` or None."""
    if not is_valid(value):
        return None
    v = normalize(value)
    return {"series": v[:2] if v[1].isalpha() else v[0], "electronic": v[0] == "E", "normalized": v}


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    return c.validate_by_regex(values, PATTERN, is_valid)


def find(text: str, hinted: bool = False) -> list[Span]:
    """Passport numbers standing alone in ``text`` (negative context words veto unhinted ones)."""
    return _spans.find_validated(_FIND, is_valid, _CTX, text, ENTITY, c.SCORE_PATTERN, hinted, veto=True)


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.validated(_PATTERN, validate, _CTX, values, c.SCORE_PATTERN, hinted, veto=True)
