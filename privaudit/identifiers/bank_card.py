"""Bank card and account numbers: ``BANK_CARD``.

Without a hint a value must be a card number: 16–19 digits passing the Luhn check,
issued by a card network (first digit 3–6, or ``95`` for older domestic cards)::

    >>> is_valid("6222 0212 3456 7890 128")
    True
    >>> is_valid("6222021234567890123")            # Luhn fails
    False
    >>> is_valid("6222021234567890123", hinted=True)   # 银行账号 column: trust the header
    True

With a hint (a 银行卡号/账号 header or a context word) any 12–25 digit account
number is accepted, Luhn or not.  An 18-digit number that is a valid resident ID
is never a card (the ID wins); without a hint neither is any 18-digit number shaped
like an ID (valid region and birth date, wrong check character).  :data:`NEGATIVE_CONTEXT` words (订单号, 流水号 …)
just before a number suppress an unhinted match in free text.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from privaudit.identifiers import _common as c
from privaudit.identifiers import _spans, cn_resident_id
from privaudit.identifiers._common import Span

ENTITY = "BANK_CARD"

CONTEXT: tuple[str, ...] = (
    "银行卡",
    "银行卡号",
    "银行账号",
    "银行帐号",
    "银行账户",
    "账号",
    "帐号",
    "账户",
    "帐户",
    "卡号",
    "开户行",
    "开户",
    "储蓄卡",
    "借记卡",
    "信用卡",
    "社保卡",
    "存折",
    "收款账号",
    "打款",
    "bank",
    "card no",
    "card number",
    "account",
    "iban",
    "YHKH",
    "YHZH",
    "KHH",
    "ZH",
)
NEGATIVE_CONTEXT: tuple[str, ...] = (
    "订单",
    "单号",
    "流水",
    "编号",
    "档案",
    "编码",
    "运单",
    "快递",
    "交易号",
    "序列号",
    "批次",
    "条码",
    "工单",
    "合同号",
    "发票",
    "order",
    "tracking",
    "serial",
)

#: Every candidate of :func:`find` has a run of at least 4 digits.
PREFILTER = "[0-9\uff10-\uff19]{4}"

MIN_CARD, MAX_CARD = 16, 19
MIN_ACCOUNT, MAX_ACCOUNT = 12, 25

_DELETE = c.translate_table(c.SEPARATORS + c.ASCII_WHITESPACE)
_ASCII_DELETE = c.byte_table(" -" + c.ASCII_WHITESPACE)
_DIGITS = re.compile(r"[0-9]+")
_DOUBLE = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9], dtype=np.int64)

_D = c.DIGIT
_S = "[ \u3000\\-\u2010-\u2014\u2212\uff0d]"
_PATTERN = _spans.SpanPattern(
    f"{_D}{{4}}(?:{_S}{_D}{{4}}){{2,4}}(?:{_S}{_D}{{1,4}})?|{_D}{{{MIN_ACCOUNT},{MAX_ACCOUNT}}}",
    before=c.WORD,
    after=c.WORD + "@\uff20",  # not an e-mail's local part
)
_FIND = _PATTERN.regex
_CTX = c.Context(CONTEXT, NEGATIVE_CONTEXT)


def luhn_ok(digits: str) -> bool:
    """The Luhn (mod 10) check over a string of ASCII digits."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += int(_DOUBLE[d]) if i % 2 else d
    return total % 10 == 0


def luhn_check_digit(body: str) -> str:
    """The digit that makes ``body + digit`` pass the Luhn check."""
    return str((10 - sum(int(_DOUBLE[ord(ch) - 48]) if i % 2 == 0 else ord(ch) - 48 for i, ch in enumerate(reversed(body))) % 10) % 10)


def normalize(value: str) -> str:
    """NFKC, drop spaces and dashes."""
    return c.nfkc(value).translate(_DELETE)


def _issuer_ok(v: str) -> bool:
    return v[0] in "3456" or v.startswith("95")


def is_valid(value: str, hinted: bool = False) -> bool:
    """True if ``value`` is a card number (any 12–25 digit account number if ``hinted``)."""
    v = normalize(value)
    if not _DIGITS.fullmatch(v):
        return False
    if len(v) == 18 and cn_resident_id.is_valid(v):
        return False
    if hinted and MIN_ACCOUNT <= len(v) <= MAX_ACCOUNT:
        return True
    if len(v) == 18 and cn_resident_id.id_shaped(v):
        return False
    return MIN_CARD <= len(v) <= MAX_CARD and _issuer_ok(v) and luhn_ok(v)


_NETWORKS = (
    ("62", "UnionPay"),
    ("81", "UnionPay"),
    ("4", "Visa"),
    ("34", "American Express"),
    ("37", "American Express"),
    ("35", "JCB"),
    ("36", "Diners Club"),
    ("30", "Diners Club"),
    ("38", "Diners Club"),
    ("60", "Discover"),
    ("64", "Discover"),
    ("65", "Discover"),
    ("95", "domestic (pre-UnionPay)"),
    ("2", "Mastercard"),
    ("5", "Mastercard"),
)


def info(value: str, hinted: bool = True) -> dict | None:
    """``{"length", "luhn", "network"}`` of a valid number, or None."""
    if not is_valid(value, hinted):
        return None
    v = normalize(value)
    network = next((name for prefix, name in _NETWORKS if v.startswith(prefix)), None)
    return {"length": len(v), "luhn": luhn_ok(v), "network": network, "normalized": v}


# -- vectorised -----------------------------------------------------------------------


def _luhn_rows(m: np.ndarray) -> np.ndarray:
    width = m.shape[1]
    total = np.zeros(len(m), dtype=np.int64)
    for i in range(width):
        d = (m[:, i] - np.uint8(48)).astype(np.int64)
        total += _DOUBLE[np.minimum(d, 9)] if (width - 1 - i) % 2 else d
    return total % 10 == 0


def validate(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Vectorised :func:`is_valid` over a column: a bool array (missing → False)."""
    arr = c.as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = c.fold_fullwidth(arr, c.ascii_rows(arr))
    b = c.Bytes(arr).delete(_ASCII_DELETE)
    length = b.lengths
    lo, hi = (MIN_ACCOUNT, MAX_ACCOUNT) if hinted else (MIN_CARD, MAX_CARD)
    for width in range(lo, hi + 1):
        rows = np.flatnonzero(asc & (length == width))
        if not len(rows):
            continue
        m = b.matrix(rows, width)
        ok = c.digit_rows(m)
        if not hinted:
            ok &= (m[:, 0] >= ord("3")) & (m[:, 0] <= ord("6")) | (m[:, 0] == ord("9")) & (m[:, 1] == ord("5"))
            ok &= _luhn_rows(m)
        if width == 18:
            ok &= ~(cn_resident_id._shape18(m)[0] if not hinted else cn_resident_id._check18(m)[0])
        out[rows] = ok
    c.fill_scalar(out, arr, c.scalar_rows(arr, b.ok & ~asc, c.HAN), lambda v: is_valid(v, hinted))
    return out


# -- free text -------------------------------------------------------------------------


def find(text: str, hinted: bool = False) -> list[Span]:
    """Card numbers in ``text``; account numbers too after a context word (or if ``hinted``)."""
    spans: list[Span] = []
    for m in _FIND.finditer(text):
        piece = m.group(0)
        state = _CTX.state(text, m.start())
        if not hinted and state < 0:
            continue
        hint = hinted or state > 0
        if is_valid(piece, False):
            spans.append(Span(m.start(), m.end(), c.boosted(c.SCORE_PATTERN, state > 0), ENTITY))
        elif hint and is_valid(piece, True):
            spans.append(Span(m.start(), m.end(), c.boosted(c.SCORE_WEAK, state > 0), ENTITY))
    return spans


def find_column(values, hinted: bool = False) -> _spans.Result:
    """:func:`find` over every cell of a column at once, vectorised.

    Returns ``(cells, starts, ends, scores)`` — positions of the cells in ``values``,
    character offsets within them, confidences — equal to concatenating
    ``find(cell, hinted)`` cell by cell (missing cells have no spans).
    """
    return _spans.strict_or_hinted(_PATTERN, validate, _CTX, values, hinted)
