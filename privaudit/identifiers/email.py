"""E-mail addresses: ``EMAIL_ADDRESS``.

A practical check without any network access: an ASCII local part (dot-separated
atoms of ``A-Za-z0-9_%+-``, at most 64 characters), ``@``, a domain of at least two
labels and a top-level domain of at least two letters (or a punycode ``xn--`` one)::

    >>> is_valid("zhang.san@example.com"), is_valid("ＺＳ＠ｑｑ．ｃｏｍ"), is_valid("a..b@x.cn"), is_valid("a@b.c")
    (True, True, False, False)
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans
from privaudit.identifiers._common import Span

ENTITY = "EMAIL_ADDRESS"

CONTEXT: tuple[str, ...] = ("邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "mail", "DZYX", "YX")
NEGATIVE_CONTEXT: tuple[str, ...] = ()

_ATOM = "[A-Za-z0-9_%+-]+"
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = "(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})"
PATTERN = f"{_ATOM}(?:\\.{_ATOM})*@(?:{_LABEL}\\.)+{_TLD}"
PREFILTER = "[@\uff20\ufe6b]"
MAX_LOCAL, MAX_TOTAL = 64, 254

_RE = re.compile(PATTERN)
_FIND = re.compile(
    f"(?<![A-Za-z0-9._%+-]){_ATOM}(?:\\.{_ATOM})*[@\uff20](?:{_LABEL}\\.)+{_TLD}(?![A-Za-z0-9-]|\\.[A-Za-z0-9])"
)
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)
_PATTERN = _spans.PyPattern(_FIND, PREFILTER, needed="@\uff20\ufe6b")


def normalize(value: str) -> str:
    """NFKC, strip surrounding whitespace, lower-case."""
    return c.nfkc(value).strip(c.ASCII_WHITESPACE).lower()


def _lengths_ok(v: str) -> bool:
    return len(v) <= MAX_TOTAL and v.index("@") <= MAX_LOCAL


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one e-mail address (``hinted`` changes nothing)."""
    v = normalize(value)
    return bool(_RE.fullmatch(v)) and _lengths_ok(v)


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"local", "domain"}`` of a valid address, or None."""
    if not is_valid(value):
        return None
    local, _, domain = normalize(value).rpartition("@")
    return {"local": local, "domain": domain, "normalized": f"{local}@{domain}"}


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    rows = np.flatnonzero(asc)
    norm = pc.utf8_trim(arr, characters=c.ASCII_WHITESPACE)
    out = c.regex_rows(norm, rows, f"^(?:{PATTERN})$")
    if out.any():
        at = pc.find_substring(norm, "@").to_numpy(zero_copy_only=False)
        size = pc.binary_length(norm).to_numpy(zero_copy_only=False)
        out &= (at <= MAX_LOCAL) & (size <= MAX_TOTAL)
    possible = "[@" + c.nfkc_sources("@") + "]"
    c.fill_scalar(out, arr, c.scalar_rows(arr, ~asc & c.to_numpy_bool(arr.is_valid()), None, possible), is_valid)
    return out


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every e-mail address in ``text``."""
    return _spans.find_validated(_FIND, is_valid, _CTX, text, ENTITY, c.SCORE_PATTERN, hinted, veto=False)


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.validated(_PATTERN, validate, _CTX, values, c.SCORE_PATTERN, hinted, veto=False)
