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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit import _arrow

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


def _keep_ends(text: str, first: int, last: int, char: str = MASK_CHAR) -> str:
    n = len(text)
    if n <= first + last:
        # Too short to keep both ends and still hide something: hide the middle half.
        first, last = n // 4, n // 4
    return text[:first] + char * (n - first - last) + (text[n - last :] if last else "")


def mask(entity: str | None, text: str, *, keep: tuple[int, int] | None = None, char: str = MASK_CHAR) -> str:
    """Mask one finding's text for display. Never returns the raw value for a value of length ≥ 2.

    ``keep=(first, last)`` overrides the entity's display default: that many characters
    are kept at the start and end of the whole text, whatever the entity.  ``char`` is
    the mask character.
    """
    text = text.strip()
    if not text:
        return text
    if keep is not None:
        return _keep_ends(text, keep[0], keep[1], char)
    if entity == "PERSON":
        if len(text) <= 2:
            return text[0] + char * (len(text) - 1)
        return text[0] + char * (len(text) - 2) + text[-1] if len(text) == 3 else text[0] + char * (len(text) - 1)
    if entity == "EMAIL_ADDRESS" and "@" in text:
        local, _, domain = text.rpartition("@")
        return (local[:1] + char * 3) + "@" + domain
    if entity == "ADDRESS":
        m = _ADMIN_PREFIX.match(text)
        head = m.group(1) if m else text[:2]
        return head + char * max(3, min(8, len(text) - len(head)))
    if entity == "IP_ADDRESS":
        head, sep, rest = text.partition("." if "." in text else ":")
        return head + sep + re.sub(r"[^.:\s]", lambda _: char, rest)
    if entity == "GEO_COORDINATE":
        # keep degrees and the first decimal (about 10 km), hide the rest
        return re.sub(r"(\d+\.\d)(\d+)", lambda m: m.group(1) + char * len(m.group(2)), text)
    first, last = KEEP.get(entity or "", (1, 1))
    return _keep_ends(text, first, last, char)


def mask_series(
    entity: str | None, texts: pd.Series, *, keep: tuple[int, int] | None = None, char: str = MASK_CHAR
) -> pd.Series:
    """Vectorised :func:`mask` for a Series of finding texts (already stripped).

    Registers repeat values (addresses of one building, common names): when they do,
    each distinct text is masked once.  ``keep`` and ``char`` as in :func:`mask`.
    """
    texts = texts.astype("str")
    # Names and addresses repeat (families, buildings) and cost most to mask; identifiers
    # rarely repeat: factorize them only when a sample shows repeats.
    if len(texts) >= 1024 and (entity in ("ADDRESS", "PERSON") or texts.iloc[:512].nunique() < 400):
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)
        if len(uniques) < 0.5 * len(texts) and (codes >= 0).all():
            masked = mask_series(entity, pd.Series(uniques, dtype="str"), keep=keep, char=char)
            return pd.Series(_arrow.arrow(masked).take(pa.array(codes)), index=texts.index, dtype="str")
    out = _mask_distinct(entity, texts, keep, char)
    empty = (texts.str.len() == 0).to_numpy()
    if empty.any():  # as mask(): nothing to hide
        out[empty] = ""
    return out


def _join_masked(texts: pd.Series, head, stars: np.ndarray, tail, char: str = MASK_CHAR) -> pd.Series:
    """``head + char * stars + tail`` per cell, in Arrow (head/tail: Arrow arrays or "")."""
    stars = np.clip(stars, 0, None).astype(np.int64)
    table = pa.array([char * k for k in range(int(stars.max(initial=0)) + 1)], type=pa.string())
    parts = [head, table.take(pa.array(stars)), tail]
    parts = [pa.array([p] * len(texts), type=pa.string()) if isinstance(p, str) else p for p in parts]
    joined = pc.binary_join_element_wise(*parts, "")
    return pd.Series(joined, index=texts.index, dtype="str")


def _mask_distinct(
    entity: str | None, texts: pd.Series, keep: tuple[int, int] | None = None, char: str = MASK_CHAR
) -> pd.Series:
    special = keep is None and entity in ("EMAIL_ADDRESS", "IP_ADDRESS", "GEO_COORDINATE")
    if special or len(texts) < 64:
        return texts.map(lambda t: mask(entity, t, keep=keep, char=char)).astype("str")
    arr = _arrow.arrow(texts)
    lengths = pc.fill_null(pc.utf8_length(arr), 0).to_numpy(zero_copy_only=False).astype(np.int64)
    if keep is None and entity == "PERSON":
        three = lengths == 3
        tail = pc.if_else(pa.array(three), pc.utf8_slice_codeunits(arr, -1), "")
        return _join_masked(texts, pc.utf8_slice_codeunits(arr, 0, 1), lengths - 1 - three, tail, char)
    if keep is None and entity == "ADDRESS":
        found = pc.extract_regex(arr, _ADMIN_PREFIX_RE.replace("^(", "^(?P<head>", 1))
        # no administrative head: the first two characters
        head = pc.if_else(found.is_valid(), pc.struct_field(found, "head"), pc.utf8_slice_codeunits(arr, 0, 2))
        head_len = pc.utf8_length(head).to_numpy(zero_copy_only=False)
        return _join_masked(texts, head, np.clip(lengths - head_len, 3, 8), "", char)
    first, last = keep if keep is not None else KEEP.get(entity or "", (1, 1))
    short = lengths <= first + last
    tail = pc.utf8_slice_codeunits(arr, -last) if last else ""
    out = _join_masked(texts, pc.utf8_slice_codeunits(arr, 0, first), lengths - first - last, tail, char)
    if short.any():
        out[short] = texts[short].map(lambda t: mask(entity, t, keep=keep, char=char))
    return out


#: Cells that already look masked (``138****5678``, ``王*明``), pseudonymised
#: (``PSN_`` + 16+ hex digits) or encrypted (``ENC1:a256gcm:…`` / ``ENC1:sm4gcm:…``, the
#: token forms of :mod:`privaudit.transform.crypto`).
MASKED_PATTERN = (
    r"\*{2,}|^[一-鿿]\*{1,3}[一-鿿]?$|^PSN_[0-9a-f]{16,}$|^ENC1:(?:a256gcm|sm4gcm):[A-Za-z0-9_-]{38,}$"
)
