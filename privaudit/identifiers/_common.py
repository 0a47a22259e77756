"""Helpers shared by the identifier modules."""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


class Span(NamedTuple):
    """A finding inside a text: ``text[start:end]`` is the identifier as written."""

    start: int
    end: int
    score: float
    entity: str


def nfkc(value: str) -> str:
    """Full-width digits and letters to ASCII (length may change only for rare characters)."""
    return unicodedata.normalize("NFKC", value)


#: Characters that may separate digit groups inside an identifier as written.
SEPARATORS = " \u3000-\u2010\u2011\u2012\u2013\u2014\u2212\uff0d\u00b7\u30fb"
#: Regex class of a digit as written: ASCII or full-width.
DIGIT = "[0-9\uff10-\uff19]"
#: Body of the class of characters that may not touch a number or code: ASCII and
#: full-width digits and letters.
WORD = "0-9\uff10-\uff19A-Za-z\uff21-\uff3a\uff41-\uff5a"
#: Lookbehind/lookahead that keep a number from being found inside a longer one.
NO_DIGIT_BEFORE = f"(?<![{WORD}])"
NO_DIGIT_AFTER = f"(?![{WORD}])"


# ---------------------------------------------------------------------------
# Scores, context words and the scalar/vectorised plumbing shared by the modules.
# ---------------------------------------------------------------------------

#: Confidence of a checksum-validated identifier (resident ID, USCC, Luhn card).
SCORE_STRONG = 0.95
#: Confidence of a well-formed identifier without a checksum (mobile, e-mail, plate ...).
SCORE_PATTERN = 0.85
#: Confidence of a low-specificity form accepted only with a hint (15-digit ID, bare landline ...).
SCORE_WEAK = 0.6
#: Added when a context word precedes the finding (capped at 1.0).
CONTEXT_BOOST = 0.05
#: How many characters before a candidate a context word may end.
CONTEXT_WINDOW = 12

#: ASCII characters every module treats as separators/whitespace (the vectorised
#: path deletes exactly these from ASCII cells; the scalar path deletes them too).
ASCII_WHITESPACE = " \t\n\r\x0b\x0c"
#: Regex class of an ASCII or full-width Latin letter.
LETTER = "[A-Za-z\uff21-\uff3a\uff41-\uff5a]"
#: Regex class of a CJK unified ideograph.  NFKC leaves these unchanged, so one in a
#: raw value proves that a digits-and-letters identifier cannot be valid.
HAN = "[\u4e00-\u9fff]"


#: Between a context word and its candidate: a digit or a sentence end breaks the link.
_BARRIER = re.compile("[0-9\uff10-\uff19\u3002\uff1b;\uff01!\uff1f?\n]")


def boosted(score: float, context: bool) -> float:
    """``score`` plus :data:`CONTEXT_BOOST` when a context word supports the finding."""
    return min(1.0, round(score + (CONTEXT_BOOST if context else 0.0), 3))


class Context:
    """Context words before a candidate: positive ones hint the entity, negative ones veto it.

    ASCII words match case-insensitively and only as whole words (not inside a
    longer Latin word); Chinese words match anywhere.  The word nearest to the
    candidate decides; ``neutral`` words (another entity's) decide "no hint".
    """

    def __init__(
        self,
        positive: Iterable[str],
        negative: Iterable[str] = (),
        window: int = CONTEXT_WINDOW,
        neutral: Iterable[str] = (),
    ):
        self.positive = tuple(positive)
        self.negative = tuple(negative)
        #: Words of other entities: nearest to a candidate they decide "no hint" (state 0).
        self.neutral = tuple(w for w in neutral if w not in self.positive and w not in self.negative)
        self.window = window
        words = [(w, 1) for w in self.positive] + [(w, -1) for w in self.negative] + [(w, 0) for w in self.neutral]
        words.sort(key=lambda x: -len(x[0]))
        self._sign = {w.lower(): sign for w, sign in words}
        self._maxlen = max((len(w) for w, _ in words), default=0)
        parts = []
        for w, _ in words:
            esc = re.escape(w.lower())
            if w.isascii() and w[:1].isalpha():
                esc = rf"(?<![a-z]){esc}"
            if w.isascii() and w[-1:].isalpha():
                esc = rf"{esc}(?![a-z])"
            parts.append(esc)
        self._re = re.compile("|".join(parts), re.IGNORECASE) if parts else None
        self._memo: dict[str, int] = {}

    def state(self, text: str, start: int) -> int:
        """+1 if a positive word, -1 if a negative word, 0 if none ends within the window before ``start``.

        A word separated from the candidate by a digit (it labels another number) or by a
        sentence end (。；！？, newline) does not count.
        """
        if self._re is None:
            return 0
        lo = max(0, start - self.window - self._maxlen)
        # one character of look-back and look-ahead so the whole-word guards see their neighbours
        off = max(0, lo - 1)
        sub = text[off : start + 1]
        best_end, best = -1, 0
        pos = 0
        while True:
            m = self._re.search(sub, pos)
            if m is None:
                break
            end = m.end() + off
            if m.start() + off >= lo and start - self.window <= end <= start and end >= best_end:
                best_end, best = end, self._sign.get(m.group(0).lower(), 1)
            pos = m.start() + 1
        if best_end >= 0 and _BARRIER.search(text, best_end, start):
            return 0
        return best

    def window_start(self, start: np.ndarray) -> np.ndarray:
        """Where the text :meth:`state` reads for candidates at ``start`` begins (vectorised):
        the state is a function of ``text[window_start(start) : start + 1]`` alone."""
        return np.maximum(0, np.maximum(0, start - self.window - self._maxlen) - 1)

    def states(self, windows: list[str]) -> list[int]:
        """:meth:`state` for many candidates given their window texts
        (``text[window_start(start) : start + 1]``), each distinct window evaluated once (memoised)."""
        memo = self._memo
        out = []
        for w in windows:
            got = memo.get(w)
            if got is None:
                got = self.state(w, len(w) - 1)
                if len(memo) < 200_000:
                    memo[w] = got
            out.append(got)
        return out


# -- the vectorised plumbing -------------------------------------------------


def as_arrow(values) -> pa.LargeStringArray:
    """Any column-like (Series, list, ndarray, pyarrow array) as one ``large_string`` array.

    Missing values (None, NaN, NA) become nulls; other non-string values are ``str()``-ed.
    """
    if isinstance(values, pa.ChunkedArray):
        arr = values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    elif isinstance(values, pa.Array):
        arr = values
    else:
        arr = None
        if isinstance(values, pd.Series) and pd.api.types.is_string_dtype(values.dtype) and not (
            values.dtype == object
        ):
            try:
                arr = pa.array(values.array)
            except (TypeError, ValueError, pa.ArrowException):
                arr = None
            if isinstance(arr, pa.ChunkedArray):
                arr = arr.combine_chunks()
        if arr is None:
            obj = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
            if obj.ndim != 1:
                obj = obj.ravel()
            out = [
                v if isinstance(v, str) else (None if v is None or (not isinstance(v, (list, tuple, dict)) and pd.isna(v)) else str(v))
                for v in obj.tolist()
            ]
            arr = pa.array(out, type=pa.large_string())
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = arr.cast(pa.large_string())
    if pa.types.is_string(arr.type):
        arr = arr.cast(pa.large_string())
    return arr


def to_numpy_bool(arr: pa.Array) -> np.ndarray:
    """A pyarrow boolean array as a numpy bool array (nulls → False)."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


class Bytes:
    """A string array as raw UTF-8 bytes plus per-row start/end offsets (numpy).

    ``ok`` marks non-null rows.  :meth:`delete` removes a set of ASCII bytes from
    every row (a vectorised ``str.translate``), :meth:`matrix` returns the rows
    of one length as a fixed-width ``uint8`` matrix.
    """

    __slots__ = ("data", "starts", "ends", "ok")

    def __init__(self, arr: pa.LargeStringArray):
        n = len(arr)
        bufs = arr.buffers()
        offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + n + 1] if bufs[1] else np.zeros(n + 1, np.int64)
        self.data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None and bufs[2].size else np.zeros(0, np.uint8)
        self.starts = offsets[:-1].astype(np.int64, copy=True)
        self.ends = offsets[1:].astype(np.int64, copy=True)
        self.ok = ~to_numpy_bool(arr.is_null()) if arr.null_count else np.ones(n, dtype=bool)
        self.ends = np.where(self.ok, self.ends, self.starts)

    @property
    def lengths(self) -> np.ndarray:
        """Byte length of every row (0 for nulls)."""
        return self.ends - self.starts

    def delete(self, table: np.ndarray) -> Bytes:
        """A copy without the bytes whose ``table[byte]`` is True (table: bool[256])."""
        data = self.data
        marked = np.flatnonzero(table)
        if len(marked) == 0 or len(data) == 0:
            return self
        lo, hi = int(marked.min()), int(marked.max())
        # cheap exit for clean columns: no byte in the range of the marked ones
        if not ((data >= lo) & (data <= hi)).any():
            return self
        drop = np.zeros(len(data), dtype=bool)
        for a, b in _ranges(marked):
            drop |= (data >= a) & (data <= b) if a != b else data == a
        return self.delete_mask(drop)

    def delete_mask(self, drop: np.ndarray) -> Bytes:
        """A copy without the bytes at the positions where ``drop`` (bool, len(data)) is True."""
        pos = np.flatnonzero(drop)
        if len(pos) == 0:
            return self
        new = object.__new__(Bytes)
        new.data = self.data[~drop]
        # a row's offsets move left by the number of dropped bytes before them
        new.starts = self.starts - np.searchsorted(pos, self.starts)
        new.ends = self.ends - np.searchsorted(pos, self.ends)
        new.ok = self.ok
        return new

    def matrix(self, rows: np.ndarray, width: int) -> np.ndarray:
        """``uint8`` matrix (len(rows), width) of the bytes of ``rows`` (all of length ``width``)."""
        return self.matrix_at(self.starts[rows], width)

    def matrix_at(self, starts: np.ndarray, width: int) -> np.ndarray:
        """``uint8`` matrix of ``width`` bytes from each of ``starts`` (a view when they are evenly spaced)."""
        n = len(starts)
        if n == 0:
            return np.zeros((0, width), dtype=np.uint8)
        first = int(starts[0])
        if int(starts[-1]) - first == width * (n - 1) and (n < 3 or np.all(np.diff(starts) == width)):
            return self.data[first : first + width * n].reshape(n, width)
        windows = np.lib.stride_tricks.sliding_window_view(self.data, width)
        return windows[starts]

    def rows_containing(self, table: np.ndarray) -> np.ndarray:
        """Rows holding at least one byte marked in ``table`` (bool[256])."""
        pos = np.flatnonzero(table[self.data]) if len(self.data) else np.zeros(0, dtype=np.int64)
        return (np.searchsorted(pos, self.ends) - np.searchsorted(pos, self.starts)) > 0

    def byte_at(self, rows: np.ndarray, i: int) -> np.ndarray:
        """The ``i``-th byte (negative: from the end) of each of ``rows`` (rows must be long enough)."""
        return self.data[(self.starts[rows] + i) if i >= 0 else (self.ends[rows] + i)]


def _ranges(codes: np.ndarray) -> list[tuple[int, int]]:
    """Sorted ints as inclusive runs: [9,10,11,32] → [(9, 11), (32, 32)]."""
    out: list[tuple[int, int]] = []
    for v in codes.tolist():
        if out and out[-1][1] == v - 1:
            out[-1] = (out[-1][0], v)
        else:
            out.append((v, v))
    return out


_HI = np.uint64(0xF0F0F0F0F0F0F0F0)
_THIRTY = np.uint64(0x3030303030303030)
_SIX = np.uint64(0x0606060606060606)


def digit_rows(m: np.ndarray, stop: int | None = None) -> np.ndarray:
    """Rows of a byte matrix whose columns ``[0, stop)`` are all ASCII digits.

    Eight bytes at a time (SWAR): a byte is a digit iff its high nibble is 3 and adding
    6 keeps it so.
    """
    n, width = m.shape
    stop = width if stop is None else stop
    ok = np.ones(n, dtype=bool)
    if n == 0 or stop == 0:
        return ok
    m = np.ascontiguousarray(m)
    words = stop // 8
    for j in range(words):
        w = np.ndarray((n,), dtype="<u8", buffer=m, offset=8 * j, strides=(width,))
        ok &= ((w & _HI) == _THIRTY) & (((w + _SIX) & _HI) == _THIRTY)
    for i in range(8 * words, stop):
        ok &= (m[:, i] - np.uint8(48)) <= 9
    return ok


def weighted_digits(m: np.ndarray, weights: Sequence[int], first: int = 0) -> np.ndarray:
    """``sum(weights[i] * digit[first + i])`` per row of a byte matrix of ASCII digits (int64)."""
    acc = np.zeros(len(m), dtype=np.int64 if sum(weights) * 57 >= 2**31 else np.int32)
    typ = acc.dtype.type
    for i, w in enumerate(weights):
        if w:
            acc += m[:, first + i] * typ(w)
    return acc.astype(np.int64) - 48 * int(sum(weights))


def byte_table(chars: str) -> np.ndarray:
    """bool[256] marking the (ASCII) ``chars``."""
    t = np.zeros(256, dtype=bool)
    for c in chars:
        t[ord(c)] = True
    return t


def ascii_rows(arr: pa.Array) -> np.ndarray:
    """Rows that are non-null and pure ASCII."""
    return to_numpy_bool(pc.string_is_ascii(arr))


def scalar_rows(
    arr: pa.Array, rows: np.ndarray, impossible: str | None = None, possible: str | None = None
) -> np.ndarray:
    """Of ``rows`` (bool mask), the indices a scalar check must look at.

    ``impossible`` is an RE2 pattern whose presence in the raw text guarantees that the
    value is invalid whatever normalisation does (e.g. a Han character in a digit
    identifier); ``possible`` one whose absence does.
    """
    idx = np.flatnonzero(rows)
    if len(idx) == 0 or (impossible is None and possible is None):
        return idx
    sub = arr.take(pa.array(idx))
    keep = np.ones(len(idx), dtype=bool)
    if impossible is not None:
        keep &= ~to_numpy_bool(pc.match_substring_regex(sub, impossible))
    if possible is not None:
        keep &= to_numpy_bool(pc.match_substring_regex(sub, possible))
    return idx[keep]


def to_arrow(b: Bytes) -> pa.LargeStringArray:
    """The rows of a :class:`Bytes` as a pyarrow ``large_string`` array (nulls where not ``ok``)."""
    n = len(b.starts)
    if n == 0:
        return pa.array([], type=pa.large_string())
    order = np.argsort(b.starts, kind="stable")
    contiguous = np.array_equal(order, np.arange(n)) and np.array_equal(b.starts[1:], b.ends[:-1])
    if contiguous:
        offsets = np.concatenate([b.starts[:1], b.ends]).astype(np.int64)
        data = b.data
    else:
        lengths = b.lengths
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        idx = np.repeat(b.starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        data = b.data[idx]
    validity = None if b.ok.all() else pa.array(b.ok).buffers()[1]
    return pa.LargeStringArray.from_buffers(
        n, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data)), validity, n - int(b.ok.sum())
    )


def regex_rows(arr: pa.Array, rows: np.ndarray, pattern: str) -> np.ndarray:
    """``pattern`` (RE2, anchor it yourself) matched on the rows ``rows`` (indices) of ``arr``."""
    out = np.zeros(len(arr), dtype=bool)
    if len(rows):
        sub = arr.take(pa.array(rows)) if len(rows) != len(arr) else arr
        out[rows] = to_numpy_bool(pc.match_substring_regex(sub, pattern))
    return out


@functools.cache
def nfkc_sources(targets: str) -> str:
    """Characters outside ``targets`` whose NFKC form contains one of ``targets``.

    Used to build "possible" prefilters for scalar fallbacks that stay exact supersets.
    Only planes 0–1 and the CJK compatibility supplement have compatibility mappings.
    """
    want = set(targets)
    out = []
    for cp in itertools.chain(range(0x80, 0x20000), range(0x2F800, 0x2FA20)):
        ch = chr(cp)
        if ch in want or unicodedata.is_normalized("NFKC", ch):
            continue
        if want.intersection(unicodedata.normalize("NFKC", ch)):
            out.append(ch)
    return "".join(out)


def fill_scalar(out: np.ndarray, arr: pa.Array, idx: np.ndarray, check: Callable[[str], bool]) -> None:
    """``out[i] = check(arr[i])`` for the rows ``idx`` (the per-cell path for the few odd cells)."""
    if len(idx) == 0:
        return
    values = arr.take(pa.array(idx)).to_pylist()
    out[idx] = [v is not None and check(v) for v in values]


def translate_table(chars: str) -> dict[int, None]:
    """A ``str.translate`` table deleting ``chars``."""
    return {ord(c): None for c in chars}


def validate_by_regex(
    values,
    pattern: str,
    scalar: Callable[[str], bool],
    ascii_delete: str = " -" + ASCII_WHITESPACE,
    upper: bool = True,
    impossible: str | None = HAN,
    possible: str | None = None,
) -> np.ndarray:
    """Vectorised check for identifiers defined by one regex over the normalised value.

    ASCII rows: delete ``ascii_delete``, upper-case (if ``upper``) and full-match
    ``pattern`` (RE2 and Python ``re`` agree on the simple patterns used); other rows go
    through ``scalar`` unless ``impossible``/``possible`` rule them out.
    """
    arr = as_arrow(values)
    n = len(arr)
    out = np.zeros(n, dtype=bool)
    if n == 0:
        return out
    arr, asc = fold_fullwidth(arr, ascii_rows(arr))
    b = Bytes(arr).delete(byte_table(ascii_delete))
    norm = to_arrow(b)
    if upper:
        norm = pc.ascii_upper(norm)
    out = regex_rows(norm, np.flatnonzero(asc), f"^(?:{pattern})$")
    fill_scalar(out, arr, scalar_rows(arr, b.ok & ~asc, impossible, possible), scalar)
    return out


#: Rows made only of ASCII, full-width ASCII (U+FF01–U+FF5E) and the ideographic space:
#: NFKC maps each such character to one ASCII character and nothing composes.
_FOLDABLE = "^[\\x00-\\x7f\uff01-\uff5e\u3000]*$"


def fold_fullwidth(arr: pa.Array, asc: np.ndarray) -> tuple[pa.Array, np.ndarray]:
    """NFKC for the cheap common case, vectorised: full-width digits/letters/punctuation.

    Returns ``arr`` with every row made only of ASCII, full-width ASCII and U+3000
    replaced by its (ASCII) NFKC form, and the updated ASCII mask.  Other rows are
    unchanged (they stay non-ASCII and go to the scalar path).
    """
    cand = np.flatnonzero(~asc & ~to_numpy_bool(arr.is_null()))
    if len(cand) == 0:
        return arr, asc
    sub = arr.take(pa.array(cand))
    fold = to_numpy_bool(pc.match_substring_regex(sub, _FOLDABLE))
    if not fold.any():
        return arr, asc
    rows = cand[fold]
    b = Bytes(sub.filter(pa.array(fold)))
    data = b.data.copy()
    lead = np.flatnonzero((data == 0xEF) | (data == 0xE3))
    code = ((data[lead].astype(np.int64) & 0x0F) << 12) | ((data[lead + 1].astype(np.int64) & 0x3F) << 6) | (
        data[lead + 2].astype(np.int64) & 0x3F
    )
    data[lead] = np.where(code == 0x3000, 0x20, code - 0xFEE0).astype(np.uint8)
    cont = np.zeros(len(data), dtype=bool)
    cont[lead + 1] = True
    cont[lead + 2] = True
    b.data = data
    folded = to_arrow(b.delete_mask(cont))
    mask = np.zeros(len(arr), dtype=bool)
    mask[rows] = True
    out = pc.replace_with_mask(arr, pa.array(mask), folded)
    asc = asc.copy()
    asc[rows] = True
    return out, asc
