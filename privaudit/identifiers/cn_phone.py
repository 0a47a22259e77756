"""Mainland China phone numbers: ``PHONE_NUMBER``.

Mobiles: 11 digits in an assigned segment (130–139, 145–149, 150–153, 155–159, 162,
165–167, 170–178, 180–189, 190–193, 195–199), with an optional ``+86``/``0086``/``86``
prefix and ``3-4-4`` separators.  Landlines: ``0`` + area code (``10``, ``2x`` or
three digits ``[3-9]xx``) + 7–8 digits not starting with 0/1, optionally an
extension (``转``/``分机``/``ext``/``x``/``#``, or ``-`` after a number with area code)::

    >>> is_valid("138 1234 5678"), is_valid("+86 138-1234-5678"), is_valid("15412345678")
    (True, True, False)
    >>> is_valid("010-62345678"), is_valid("(0755)2234567转801"), is_valid("010-12345678")
    (True, True, False)
    >>> is_valid("01062345678"), is_valid("01062345678", hinted=True)   # bare landline
    (False, True)
    >>> normalize("+86 (10) 6234 5678"), normalize("0755 82345678-8001")
    ('010-62345678', '0755-82345678#8001')

A landline whose area code is set off by a separator or brackets (or that carries
``+86``) is specific enough on its own; the same digits run together, and bare
7–8 digit local numbers, are accepted only with a hint.  :func:`normalize` returns a
canonical form that keeps that distinction (``010-12345678`` vs ``01012345678``).
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

ENTITY = "PHONE_NUMBER"

CONTEXT: tuple[str, ...] = (
    "电话",
    "手机",
    "手机号",
    "手机号码",
    "电话号码",
    "联系电话",
    "联系方式",
    "联系人电话",
    "联系人",
    "签收人",
    "来电",
    "移动电话",
    "固定电话",
    "办公电话",
    "家庭电话",
    "住宅电话",
    "座机",
    "固话",
    "传真",
    "致电",
    "拨打",
    "tel",
    "phone",
    "mobile",
    "cell",
    "fax",
    "LXDH",
    "SJHM",
    "SJH",
    "DHHM",
    "LXFS",
    "GDDH",
)
#: Words before a number that make it something else (suppress unhinted matches).
NEGATIVE_CONTEXT: tuple[str, ...] = ("订单", "单号", "流水", "编号", "工号", "学号", "QQ", "账号", "卡号")

#: Every candidate of :func:`find` has a run of at least 4 digits.
PREFILTER = "[0-9\uff10-\uff19]{4}"

#: Assigned mobile segments (first three digits).
MOBILE_SEGMENTS: frozenset[str] = frozenset(
    [f"13{i}" for i in range(10)]
    + [f"14{i}" for i in range(5, 10)]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + ["162", "165", "166", "167"]
    + [f"17{i}" for i in range(9)]
    + [f"18{i}" for i in range(10)]
    + ["190", "191", "192", "193", "195", "196", "197", "198", "199"]
)

_SEG_TABLE = np.zeros(1000, dtype=bool)
_SEG_TABLE[[int(s) for s in MOBILE_SEGMENTS]] = True

#: Separators inside a number (after NFKC): whitespace, dashes, dots used as bullets.
_SEPS = c.SEPARATORS + c.ASCII_WHITESPACE
_SEPS_CLASS = "[" + "".join("\\" + ch if ch in "-\\]^" else ch for ch in _SEPS) + "]"
_DELETE = c.translate_table(_SEPS + "()")
_ASCII_DELETE = c.byte_table(" -()" + c.ASCII_WHITESPACE)

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0(?:(?:10|2[0-9])[2-9][0-9]{7}|[3-9][0-9]{2}[2-9][0-9]{6,7})")
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")
_DIGITS = re.compile(r"[0-9]+")
#: A written area code: ``(010)`` or ``010-`` / ``0755 `` at the start.  The same pattern
#: runs through RE2 (pyarrow) in :func:`validate`, so it is kept RE2-compatible.
_STRUCT_SRC = f"^{_SEPS_CLASS}*(?:\\(0(?:10|2[0-9]|[3-9][0-9]{{2}})\\)|0(?:10|2[0-9]|[3-9][0-9]{{2}}){_SEPS_CLASS})"
_STRUCT = re.compile(_STRUCT_SRC)
_EXT = re.compile(
    f"(?P<main>.*?){_SEPS_CLASS}*(?:(?P<mark>转|分机|ext\\.?|x|#)|-){_SEPS_CLASS}*(?P<ext>[0-9]{{1,6}}){_SEPS_CLASS}*",
    re.IGNORECASE | re.DOTALL,
)
#: A Han character other than 转/分/机 means the value cannot be a phone number.
_IMPOSSIBLE = "[\u4e00-\u5205\u5207-\u6739\u673b-\u8f6b\u8f6d-\u9fff]"
#: ASCII bytes that may start an extension (the scalar path looks at such rows).
_EXT_BYTES = c.byte_table("-#xX")

_D = c.DIGIT
_S = "[ \u3000\\-\u2010-\u2014\u2212\uff0d]"
_CC = "(?:(?:[+\uff0b]|00|\uff10\uff10)(?:86|\uff18\uff16))"
_EXTRE = f"(?:{_S}*(?:转|分机|[Ee][Xx][Tt]\\.?|[Xx]|#|-){_S}*{_D}{{1,6}})?"
_PATTERN = _spans.SpanPattern(
    f"(?P<mobile>(?:(?:{_CC}|86|\uff18\uff16){_S}?)?[1\uff11][3-9\uff13-\uff19]{_D}{_S}?{_D}{{4}}{_S}?{_D}{{4}})"
    + f"|(?P<cc>{_CC}{_S}?(?:[(\uff08]0?{_D}{{2,3}}[)\uff09]|0?{_D}{{2,3}}){_S}?{_D}{{3,4}}{_S}?{_D}{{4}}{_EXTRE})"
    + f"|(?P<land>(?:[(\uff08][0\uff10]{_D}{{2,3}}[)\uff09]{_S}?|[0\uff10]{_D}{{2,3}}{_S}){_D}{{3,4}}{_S}?{_D}{{4}}{_EXTRE})"
    + f"|(?P<bare>[0\uff10]{_D}{{9,11}}{_EXTRE})"
    + f"|(?P<local>[2-9\uff12-\uff19]{_D}{{2,3}}{_S}?{_D}{{4}}{_EXTRE})",
    before=c.WORD,
    after=c.WORD + "@\uff20",  # not an e-mail's local part
)
_FIND = _PATTERN.regex
#: Other entities' words: nearest to a number they cancel a phone hint (not a veto).
OTHER_CONTEXT: tuple[str, ...] = (
    "证号",
    "证件",
    "身份证",
    "通行证",
    "台胞证",
    "回乡证",
    "护照",
    "邮箱",
    "邮编",
    "邮政编码",
    "编码",
    "代码",
    "车牌",
    "金额",
    "价格",
    "日期",
)
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT, neutral=OTHER_CONTEXT)


def _number(t: str) -> tuple[str, str, bool] | None:
    """Parse one number without extension: (kind, digits, structured) or None."""
    u = t.translate(_DELETE)
    cc = plus = False
    if u.startswith("+86"):
        rest, cc, plus = u[3:], True, True
    elif u.startswith("0086"):
        rest, cc, plus = u[4:], True, True
    elif u.startswith("86") and len(u) == 13 and u[2] == "1":
        rest, cc = u[2:], True
    else:
        rest = u
    # "+86 10 1234 5678": the trunk 0 of the area code is dropped after the country code
    if plus and rest and rest[0] != "0" and not (len(rest) > 1 and rest[0] == "1" and rest[1] in "3456789"):
        rest = "0" + rest
    if not _DIGITS.fullmatch(rest):
        return None
    if _MOBILE.fullmatch(rest):
        return ("mobile", rest, True) if rest[:3] in MOBILE_SEGMENTS else None
    if _LANDLINE.fullmatch(rest):
        return "landline", rest, cc or bool(_STRUCT.match(t))
    if not cc and _LOCAL.fullmatch(rest):
        return "local", rest, False
    return None


def _parse(value: str) -> tuple[str, str, bool, str] | None:
    """(kind, digits, structured, extension) of a phone number, or None."""
    s = c.nfkc(value)
    whole = _number(s)
    if whole is not None:
        return (*whole, "")
    m = _EXT.fullmatch(s)
    if m is None:
        return None
    main = _number(m.group("main"))
    if main is None or main[0] == "mobile":
        return None
    if m.group("mark") is None and main[0] != "landline":
        return None  # a dash extension needs an area code
    return (*main, m.group("ext"))


def _ok(parsed: tuple[str, str, bool, str] | None, hinted: bool) -> bool:
    if parsed is None:
        return False
    kind, _, structured, _ = parsed
    if kind == "mobile":
        return True
    if kind == "landline":
        return structured or hinted
    return hinted


def _canonical(parsed: tuple[str, str, bool, str]) -> str:
    kind, digits, structured, ext = parsed
    if kind == "landline" and structured:
        area = 3 if digits[1] in "12" else 4
        digits = digits[:area] + "-" + digits[area:]
    return digits + ("#" + ext if ext else "")


def normalize(value: str) -> str:
    """Canonical form: mobile ``13812345678``; landline ``010-12345678`` (area code written
    apart) or ``01012345678`` (run together); extension as ``#801``; ``+86`` dropped.
    Values that are no phone number come back NFKC'd without separators."""
    parsed = _parse(value)
    if parsed is None:
        return c.nfkc(value).translate(_DELETE)
    return _canonical(parsed)


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is one phone number (bare landlines and local numbers only if ``hinted``)."""
    return _ok(_parse(value), hinted)


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"kind": mobile|landline|local, "segment"|"area_code": ..., "extension": ...}`` or None."""
    parsed = _parse(value)
    if not _ok(parsed, hinted):
        return None
    assert parsed is not None
    kind, digits, _, ext = parsed
    out: dict = {"kind": kind, "normalized": _canonical(parsed), "extension": ext or None}
    if kind == "mobile":
        out["segment"] = digits[:3]
    elif kind == "landline":
        out["area_code"] = digits[: 3 if digits[1] in "12" else 4]
    return out


# -- vectorised -----------------------------------------------------------------------


def _landline_rows(m: np.ndarray, zero: bool) -> np.ndarray:
    """Rows of a digit matrix that are landlines; ``zero``: the leading 0 is implied."""
    o = 0 if zero else 1  # column of the digit after the trunk 0
    width = m.shape[1] + (1 if zero else 0)
    ok = c.digit_rows(m)
    if not zero:
        ok &= m[:, 0] == ord("0")
    a1 = m[:, o]
    two = ((a1 == ord("1")) & (m[:, o + 1] == ord("0"))) | (a1 == ord("2"))
    three = (a1 >= ord("3")) & (a1 <= ord("9"))
    if width == 11:
        ok &= (two & (m[:, o + 2] >= ord("2"))) | (three & (m[:, o + 3] >= ord("2")))
    elif width == 12:
        ok &= three & (m[:, o + 3] >= ord("2"))
    else:
        ok[:] = False
    return ok


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    raw = c.Bytes(arr)
    b = raw.delete(_ASCII_DELETE)
    length = b.lengths
    rows = np.flatnonzero(asc & (length >= 7) & (length <= 15))
    # country prefixes: +86 / 0086 / 86 + 11-digit mobile
    b0 = b.data[np.minimum(b.starts[rows], len(b.data) - 1)] if len(b.data) else np.zeros(len(rows), np.uint8)

    def at(i: int) -> np.ndarray:
        return b.data[b.starts[rows] + i]

    L = length[rows]
    cc3 = (b0 == ord("+")) & (at(1) == ord("8")) & (at(2) == ord("6"))
    cc4 = (b0 == ord("0")) & (at(1) == ord("0")) & (at(2) == ord("8")) & (at(3) == ord("6"))
    cc2 = (L == 13) & (b0 == ord("8")) & (at(1) == ord("6")) & (at(2) == ord("1"))
    shift = np.where(cc3, 3, np.where(cc4, 4, np.where(cc2, 2, 0)))
    cc = shift > 0
    rstart = b.starts[rows] + shift
    rlen = L - shift
    r0 = b.data[np.minimum(rstart, len(b.data) - 1)]
    r1 = b.data[np.minimum(rstart + 1, len(b.data) - 1)]
    zero = (cc3 | cc4) & (rlen > 0) & (r0 != ord("0")) & ~((rlen > 1) & (r0 == ord("1")) & (r1 >= ord("3")) & (r1 <= ord("9")))
    land = np.zeros(len(rows), dtype=bool)
    for width in range(7, 13):
        for z in (False, True):
            sel = np.flatnonzero((rlen == width) & (zero == z))
            if not len(sel):
                continue
            m = b.matrix_at(rstart[sel], width)
            first = m[:, 0]
            if width == 11 and not z:
                one = np.flatnonzero(first == ord("1"))
                if len(one):
                    m1 = m[one]
                    seg = (m1[:, 1].astype(np.int64) - 48) * 10 + (m1[:, 2].astype(np.int64) - 48) + 100
                    out[rows[sel[one]]] = c.digit_rows(m1) & _SEG_TABLE[np.clip(seg, 0, 999)]
            if width + z in (11, 12):
                cand = np.flatnonzero(first == ord("0")) if not z else np.arange(len(sel))
                if len(cand):
                    land[sel[cand]] = _landline_rows(m[cand], z)
            if width in (7, 8) and not z and hinted:
                loc = c.digit_rows(m) & (first >= ord("2")) & ~cc[sel]
                out[rows[sel]] |= loc
    # landlines: written area code (or +86) needed unless hinted
    if hinted:
        out[rows[land]] = True
    else:
        out[rows[land & cc]] = True
        todo = rows[land & ~cc]
        if len(todo):
            sub = arr.take(pa.array(todo))
            out[todo] = c.to_numpy_bool(pc.match_substring_regex(sub, _STRUCT_SRC))
    # extensions and everything non-ASCII: the scalar reference, on the few rows that need it
    rest = b.ok & asc & ~out
    if rest.any():
        rest &= raw.rows_containing(_EXT_BYTES)
    odd = np.concatenate([np.flatnonzero(rest), c.scalar_rows(arr, b.ok & ~asc, _IMPOSSIBLE)])
    c.fill_scalar(out, arr, odd, lambda v: is_valid(v, hinted))
    return out


# -- free text -------------------------------------------------------------------------


def find(text: str, hinted: bool = False) -> list[Span]:
    """Every phone number in ``text`` (span includes ``+86`` and an extension)."""
    spans: list[Span] = []
    for m in _FIND.finditer(text):
        piece = m.group(0)
        state = _CTX.state(text, m.start())
        hint = hinted or state > 0
        if not hinted and state < 0:
            continue
        parsed = _parse(piece)
        if not _ok(parsed, hint):
            continue
        assert parsed is not None
        weak = parsed[0] == "local" or (parsed[0] == "landline" and not parsed[2])
        score = c.SCORE_WEAK if weak else c.SCORE_PATTERN
        spans.append(Span(m.start(), m.end(), c.boosted(score, state > 0), ENTITY))
    return spans


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.strict_or_hinted(_PATTERN, validate, _CTX, values, hinted)
