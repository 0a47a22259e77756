"""Display masking: how a finding is shown in reports, exports and error messages.

Defaults follow common Chinese industry habit (no national standard fixes the
digits): resident ID first 6 + last 4 (``110105********002X``), mobile 3 + 4
(``138****5678``), bank card 6 + 4, name first character (``王*明`` / ``王*``),
e-mail first character of the local part (``z***@163.com``).  Both a scalar form
(:func:`mask`) and a vectorised form over a pandas Series (:func:`mask_series`)
are offered; they agree.
"""

from __future__ import annotations

import re

import pandas as pd

MASK_CHAR = "*"

#: entity -> (keep first, keep last); applied to the text without surrounding spaces.
KEEP: dict[str, tuple[int, int]] = {
    "CN_RESIDENT_ID": (6, 4),
    "PHONE_NUMBER": (3, 4),
    "BANK_CARD": (6, 4),
    "CN_USCC": (4, 2),
    "CN_PASSPORT": (1, 2),
    "CN_TRAVEL_PERMIT": (1, 2),
    "CN_LICENSE_PLATE": (2, 1),
    "IP_ADDRESS": (0, 0),
    "GEO_COORDINATE": (0, 0),
}

#: The administrative head of an address kept visible (up to the last 省/市/区/县 in the
#: first 13 characters; 小区/社区/园区 are not districts).  Valid in Python ``re`` and RE2.
_ADMIN_PREFIX_RE = r"^(.{0,12}(?:省|自治区|市|自治州|地区|盟|县|旗|[^小社园]区))"
_ADMIN_PREFIX = re.compile(_ADMIN_PREFIX_RE)


def _keep_ends(text: str, first: int, last: int) -> str:
    n = len(text)
    if n <= first + last:
        # Too short to keep both ends and still hide something: hide the middle half.
        first, last = n // 4, n // 4
    return text[:first] + MASK_CHAR * (n - first - last) + (text[n - last :] if last else "")


def mask(entity: str, text: str) -> str:
    """Mask one finding's text for display. Never returns the raw value for a value of length ≥ 2."""
    text = text.strip()
    if not text:
        return text
    if entity == "PERSON":
        if len(text) <= 2:
            return text[0] + MASK_CHAR * (len(text) - 1)
        return text[0] + MASK_CHAR * (len(text) - 2) + text[-1] if len(text) == 3 else text[0] + MASK_CHAR * (len(text) - 1)
    if entity == "EMAIL_ADDRESS" and "@" in text:
        local, _, domain = text.rpartition("@")
        return (local[:1] + MASK_CHAR * 3) + "@" + domain
    if entity == "ADDRESS":
        m = _ADMIN_PREFIX.match(text)
        head = m.group(1) if m else text[:2]
        return head + MASK_CHAR * max(3, min(8, len(text) - len(head)))
    if entity == "IP_ADDRESS":
        head, sep, rest = text.partition("." if "." in text else ":")
        return head + sep + re.sub(r"[^.:\s]", MASK_CHAR, rest)
    if entity == "GEO_COORDINATE":
        # keep degrees and the first decimal (about 10 km), hide the rest
        return re.sub(r"(\d+\.\d)(\d+)", lambda m: m.group(1) + MASK_CHAR * len(m.group(2)), text)
    first, last = KEEP.get(entity, (1, 1))
    return _keep_ends(text, first, last)


def _stars(counts: pd.Series) -> pd.Series:
    counts = counts.clip(lower=0).astype("int64")
    return counts.map({int(k): MASK_CHAR * int(k) for k in counts.unique()}).astype("str")


def mask_series(entity: str, texts: pd.Series) -> pd.Series:
    """Vectorised :func:`mask` for a Series of finding texts (already stripped)."""
    texts = texts.astype("str")
    if entity in ("EMAIL_ADDRESS", "IP_ADDRESS", "GEO_COORDINATE") or len(texts) < 64:
        return texts.map(lambda t: mask(entity, t)).astype("str")
    lengths = texts.str.len()
    if entity == "PERSON":
        three = lengths == 3
        out = texts.str.slice(0, 1) + _stars(lengths - 1 - three.astype(int))
        out[three] = out[three] + texts[three].str.slice(-1)
        return out
    if entity == "ADDRESS":
        head = texts.str.extract(_ADMIN_PREFIX_RE, expand=False)
        head = head.where(head.notna(), texts.str.slice(0, 2)).astype("str")
        return head + _stars((lengths - head.str.len()).clip(lower=3, upper=8))
    first, last = KEEP.get(entity, (1, 1))
    short = lengths <= first + last
    tail = texts.str.slice(-last) if last else ""
    out = texts.str.slice(0, first) + _stars(lengths - first - last) + tail
    if short.any():
        out[short] = texts[short].map(lambda t: mask(entity, t))
    return out

#: Cells that already look masked (``138****5678``, ``王*明``) or pseudonymised
#: (``PSN_`` + 16+ hex digits, the token form of :mod:`privaudit.transform`).
MASKED_PATTERN = r"\*{2,}|^[一-鿿]\*{1,3}[一-鿿]?$|^PSN_[0-9a-f]{16,}$"
