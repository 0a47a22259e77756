"""IP addresses: ``IP_ADDRESS``.

IPv4 in dotted decimal without leading zeros; the first octet may not be 0
(``0.0.0.0``, "this network") or 255 (netmasks such as ``255.255.255.0`` and the
broadcast address are configuration, not a person's address).  IPv6 is checked by
:mod:`ipaddress` and needs at least two non-empty groups (``::`` and ``::1`` are
not reported)::

    >>> is_valid("192.168.1.10"), is_valid("256.1.1.1"), is_valid("01.2.3.4"), is_valid("255.255.255.0")
    (True, False, False, False)
    >>> is_valid("2001:db8::8a2e:370:7334"), is_valid("12:30:45")
    (True, False)

In free text a dotted quad that is part of a longer dotted number (``1.2.3.4.5``),
or follows a letter (``v1.2.3.4``) or a version word (版本, version), is not an address.
Three-part dates (``2024.01.02``) never match.
"""

from __future__ import annotations

import ipaddress
import re

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans
from privaudit.identifiers._common import Span

ENTITY = "IP_ADDRESS"

CONTEXT: tuple[str, ...] = ("IP", "IP地址", "ipv4", "ipv6", "登录IP", "来源IP", "host", "主机")
NEGATIVE_CONTEXT: tuple[str, ...] = ("版本", "版本号", "version", "ver", "固件", "firmware", "build")

_OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_FIRST = "(?:25[0-4]|2[0-4][0-9]|1[0-9]{2}|[1-9][0-9]?)"
PATTERN_V4 = f"{_FIRST}(?:\\.{_OCTET}){{3}}"
_D = c.DIGIT
_DOT = "[.\uff0e]"
PREFILTER = (
    f"{_D}{_DOT}{_D}{{1,3}}{_DOT}{_D}{{1,3}}{_DOT}{_D}"
    "|[0-9A-Fa-f]*[:\uff1a][0-9A-Fa-f]*[:\uff1a]"
)

_H = "[0-9A-Fa-f]{1,4}"


def _v6_pattern() -> str:
    """IPv6 without an embedded IPv4 and with at least two non-empty groups, as one RE2 regex:
    eight groups, or ``a`` groups + ``::`` + ``b`` groups with 2 ≤ a + b ≤ 7."""
    alts = [f"{_H}(?::{_H}){{7}}"]
    for a in range(8):
        for b in range(8 - a):
            if a + b < 2:
                continue
            left = f"{_H}(?::{_H}){{{a - 1}}}" if a else ""
            right = f"{_H}(?::{_H}){{{b - 1}}}" if b else ""
            alts.append(f"{left}::{right}")
    return "|".join(alts)


#: Pure-hex IPv6 forms (what :mod:`ipaddress` accepts, minus ``::``/``::1``-like ones).
PATTERN_V6 = _v6_pattern()
_V4 = re.compile(PATTERN_V4)
_V6_CHARS = re.compile(r"[0-9a-f:.]+")
_FIND = re.compile(
    f"(?P<v4>(?<![0-9A-Za-z.\uff0e\uff10-\uff19]){_D}{{1,3}}(?:{_DOT}{_D}{{1,3}}){{3}}(?![0-9A-Za-z\uff10-\uff19]|{_DOT}{_D}))"
    "|(?P<v6>(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9]{1,3}(?:\\.[0-9]{1,3}){3}|[0-9A-Fa-f]{0,4})(?![0-9A-Za-z:]))"
)
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)
_PATTERN = _spans.PyPattern(_FIND, PREFILTER, needed=".\uff0e:\uff1a")


def normalize(value: str) -> str:
    """NFKC, strip surrounding whitespace, lower-case (IPv6 hex)."""
    return c.nfkc(value).strip(c.ASCII_WHITESPACE).lower()


def _v6_ok(v: str) -> bool:
    if v.count(":") < 2 or not _V6_CHARS.fullmatch(v):
        return False
    try:
        ipaddress.IPv6Address(v)
    except ValueError:
        return False
    return sum(1 for g in v.split(":") if g) >= 2


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one IPv4 or IPv6 address (``hinted`` changes nothing)."""
    v = normalize(value)
    return bool(_V4.fullmatch(v)) or _v6_ok(v)


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"version": 4|6, "private": bool, "global": bool}`` or None."""
    if not is_valid(value):
        return None
    addr = ipaddress.ip_address(normalize(value))
    return {"version": addr.version, "private": addr.is_private, "global": addr.is_global, "normalized": str(addr)}


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    norm = pc.utf8_trim(arr, characters=c.ASCII_WHITESPACE)
    rows = np.flatnonzero(asc)
    out = c.regex_rows(norm, rows, f"^(?:{PATTERN_V4}|{PATTERN_V6})$")
    # IPv6 with an embedded IPv4 (``::ffff:1.2.3.4``): the scalar reference
    mixed = c.to_numpy_bool(pc.match_substring_regex(arr, ":.*[.]|[.].*:"))
    c.fill_scalar(out, arr, np.flatnonzero(asc & mixed & ~out), is_valid)
    notnull = c.to_numpy_bool(arr.is_valid())
    possible = "[.:" + c.nfkc_sources(".:") + "]"
    c.fill_scalar(out, arr, c.scalar_rows(arr, ~asc & notnull, c.HAN, possible), is_valid)
    return out


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every IP address in ``text`` (version numbers after 版本/version are skipped unless ``hinted``)."""
    return _spans.find_validated(_FIND, is_valid, _CTX, text, ENTITY, c.SCORE_PATTERN, hinted, veto=True)


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.validated(_PATTERN, validate, _CTX, values, c.SCORE_PATTERN, hinted, veto=True)
