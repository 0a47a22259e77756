"""Travel permits: ``CN_TRAVEL_PERMIT``.

* 港澳居民来往内地通行证 (回乡证): ``H``/``M`` + 8 digits (+ 2-digit reissue counter);
* 往来港澳通行证: ``C`` + 8 digits, or ``C`` + a letter (not I/O) + 7 digits;
* 大陆居民往来台湾通行证: ``L`` + 8 digits;
* 台湾居民来往大陆通行证 (台胞证): 8 digits — accepted only with a hint.

    >>> is_valid("H12345678"), is_valid("M1234567801"), is_valid("CA1234567"), is_valid("L12345678")
    (True, True, True, True)
    >>> is_valid("12345678"), is_valid("12345678", hinted=True)
    (False, True)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans
from privaudit.identifiers._common import Span

ENTITY = "CN_TRAVEL_PERMIT"

CONTEXT: tuple[str, ...] = (
    "通行证",
    "回乡证",
    "台胞证",
    "港澳通行证",
    "往来港澳",
    "往来台湾",
    "来往内地",
    "来往大陆",
    "港澳居民",
    "台湾居民",
    "入台证",
    "permit",
    "TXZ",
    "HXZ",
    "TBZ",
)
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

PATTERN = "[HM][0-9]{8}(?:[0-9]{2})?|C[0-9]{8}|C[A-HJ-NP-Z][0-9]{7}|L[0-9]{8}"
PATTERN_HINTED = PATTERN + "|[0-9]{8}"
PREFILTER = (
    "[HMCLhmcl\uff28\uff2d\uff23\uff2c\uff48\uff4d\uff43\uff4c][A-Za-z\uff21-\uff3a\uff41-\uff5a]?[0-9\uff10-\uff19]{7}"
    "|[0-9\uff10-\uff19]{8}"
)

_KINDS = {"H": "回乡证", "M": "回乡证", "C": "往来港澳通行证", "L": "往来台湾通行证"}
_DELETE = c.translate_table(c.SEPARATORS + c.ASCII_WHITESPACE)
_RE = re.compile(PATTERN)
_RE_HINTED = re.compile(PATTERN_HINTED)
_PATTERN = _spans.SpanPattern(
    f"(?P<letter>[HMCLhmcl\uff28\uff2d\uff23\uff2c\uff48\uff4d\uff43\uff4c]{c.LETTER}?{c.DIGIT}{{7,10}})"
    + f"|(?P<digits>{c.DIGIT}{{8}})",
    before=c.WORD,
    after=c.WORD + "@\uff20",  # not an e-mail's local part
)
_FIND = _PATTERN.regex
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)


def normalize(value: str) -> str:
    """NFKC, drop separators, upper-case."""
    return c.nfkc(value).translate(_DELETE).upper()


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one permit number (8-digit 台胞证 numbers only if ``hinted``)."""
    return bool((_RE_HINTED if hinted else _RE).fullmatch(normalize(value)))


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"kind": 回乡证|往来港澳通行证|往来台湾通行证|台胞证}`` or None."""
    if not is_valid(value, hinted):
        return None
    v = normalize(value)
    return {"kind": _KINDS.get(v[0], "台胞证"), "normalized": v}


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    return c.validate_by_regex(values, PATTERN_HINTED if hinted else PATTERN, lambda v: is_valid(v, hinted))


def find(text: str, hinted: bool = False) -> list[Span]:
    """Permit numbers in ``text``; bare 8-digit 台胞证 numbers only after a context word or if ``hinted``."""
    spans: list[Span] = []
    for m in _FIND.finditer(text):
        state = _CTX.state(text, m.start())
        if state < 0 and not hinted:
            continue
        if m.group("letter") is not None:
            if is_valid(m.group(0)):
                spans.append(Span(m.start(), m.end(), c.boosted(c.SCORE_PATTERN, state > 0), ENTITY))
        elif (hinted or state > 0) and is_valid(m.group(0), hinted=True):
            spans.append(Span(m.start(), m.end(), c.boosted(c.SCORE_WEAK, state > 0), ENTITY))
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
    digits = c.to_numpy_bool(pc.match_substring_regex(cand.pieces, f"^{c.DIGIT}"))
    letter = _spans.valid(validate, cand, False, ~digits)
    bare = _spans.valid(validate, cand, True, digits)
    state = cand.states(_CTX, letter | bare)
    keep = (hinted | (state >= 0)) & (letter | (bare & (hinted | (state > 0))))
    scores = np.where(digits, _spans.score(c.SCORE_WEAK, state > 0), _spans.score(c.SCORE_PATTERN, state > 0))
    return _spans.result(cand, keep, scores)
