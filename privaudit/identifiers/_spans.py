"""Span search over a whole column of free-text cells: the engine behind ``find_column``.

Every module's ``find(text, hinted)`` (the readable scalar reference) runs one Python
regex over one text, then validates each match and looks for context words before it.
``find_column(values, hinted)`` returns the same spans for many cells at once:

1. **Candidates.**  A :class:`SpanPattern` is ``(?<![before])(?:body)(?![after])`` with
   single-character look-arounds.  Positions where a match can start (the first
   character is in the body's first-character set, the one before is not in
   ``before``) are found with numpy over the code points of all cells; each such
   position gets an *island* — the text from there to the farthest a match can reach
   plus one character (a ``\\x00`` sentinel stands for the end of the cell) — and one
   RE2 pass (pyarrow, a DFA: ``^(?:body)[^after]`` replaced by nothing) tells the
   length of the match at every island.  RE2 and Python agree on the matched text:
   both pick the leftmost-first match, the body has no look-arounds, and the lookahead
   becomes one consumed character.  Matches that start inside an earlier match are
   dropped, as ``finditer`` would.  Patterns RE2 cannot run (inner look-arounds) use
   :class:`PyPattern`: the module's prefilter picks the cells, Python's ``finditer``
   runs once over them joined with ``\\x00``.
2. **Validation** of all candidate texts at once with the module's vectorised
   ``validate`` (equal to ``is_valid``).
3. **Context** (:meth:`Candidates.states`): the state of a context word before a
   candidate depends only on the text of its window, so every distinct window is
   evaluated once with :meth:`Context.state`.

The shared work on a column (UTF-8 to code points, character classes) is cached for
the last few columns, so the modules searching one column one after another pay it once.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.identifiers import _common as c

try:  # Python ≥ 3.11
    from re import _constants as _sre_c
    from re import _parser as _sre_p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

#: Code points (all of Unicode).
_NCP = 0x110000
#: Islands of patterns without a bounded width stop after this many characters; a
#: capped island whose text could continue a match is searched in Python instead.
_CAP = 64
_EMPTY_I = np.zeros(0, dtype=np.int64)


# -- regex structure ------------------------------------------------------------------------


def _class_ranges(items) -> list[tuple[int, int]]:
    """Code point ranges of a parsed ``[...]``.  Negated classes and categories (``\\d``,
    ``\\w`` mean other things to Python and RE2) are refused."""
    out = []
    for op, av in items:
        if op is _sre_c.LITERAL:
            out.append((av, av))
        elif op is _sre_c.RANGE:
            out.append(av)
        else:
            raise ValueError(f"unsupported class item in a span pattern: {op}")
    return out


_FLAGS = _sre_c.SRE_FLAG_IGNORECASE | _sre_c.SRE_FLAG_DOTALL | _sre_c.SRE_FLAG_MULTILINE | _sre_c.SRE_FLAG_VERBOSE


def _walk(items) -> tuple[list, bool, list]:
    """(ranges of the possible first characters, whether it can match the empty string,
    ranges of all characters it can consume) of a parsed pattern."""
    firsts: list = []
    alpha: list = []
    nullable = True
    for op, av in items:
        if op is _sre_c.LITERAL:
            f, n, a = [(av, av)], False, [(av, av)]
        elif op is _sre_c.IN:
            f = a = _class_ranges(av)
            n = False
        elif op is _sre_c.BRANCH:
            f, n, a = [], False, []
            for alt in av[1]:
                bf, bn, ba = _walk(alt)
                f, a, n = f + bf, a + ba, n or bn
        elif op is _sre_c.SUBPATTERN:
            if av[1] & _FLAGS:
                raise ValueError("flags inside a span pattern body")
            f, n, a = _walk(av[3])
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
            f, n, a = _walk(av[2])
            n = n or av[0] == 0
        else:  # look-arounds, anchors, back references, ``.``: not in a body
            raise ValueError(f"unsupported construct in a span pattern body: {op}")
        if nullable:
            firsts += f
            nullable = n
        alpha += a
    return firsts, nullable, alpha


#: Bounds of :func:`_stretch` ("impossible" and "unbounded").
_NONE, _MANY = -(10**9), 10**9


def _stretch(items, inside: Callable[[list], int]) -> tuple[int, int]:
    """Longest prefix made of characters of a set S in a match of ``items``.

    Returns ``(full, lead)``: the longest match made only of S characters (``_NONE`` if
    none; 0 if the empty match), and the longest S prefix of a match that also holds
    another character (``_NONE`` if none).  ``inside(ranges)`` says whether a class lies
    inside S (1), outside (−1) or across (0).
    """
    full, lead = 0, _NONE
    for op, av in items:
        if op in (_sre_c.LITERAL, _sre_c.IN):
            side = inside([(av, av)] if op is _sre_c.LITERAL else _class_ranges(av))
            f, x = (1, _NONE) if side > 0 else (_NONE, 0) if side < 0 else (1, 0)
        elif op is _sre_c.BRANCH:
            parts = [_stretch(alt, inside) for alt in av[1]]
            f, x = max(p[0] for p in parts), max(p[1] for p in parts)
        elif op is _sre_c.SUBPATTERN:
            f, x = _stretch(av[3], inside)
        elif op in (_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT):
            lo, hi, sub = av
            sf, sx = _stretch(sub, inside)
            unbounded = hi >= _sre_c.MAXREPEAT
            if sf == _NONE:
                f = 0 if lo == 0 else _NONE
            else:
                f = _MANY if unbounded and sf > 0 else min(_MANY, hi * sf)
            if sx == _NONE:
                x = _NONE
            elif sf <= 0:
                x = sx
            else:
                x = _MANY if unbounded else min(_MANY, (hi - 1) * sf + sx)
        else:
            raise ValueError(f"unsupported construct in a span pattern body: {op}")
        if full != _NONE and x != _NONE:
            lead = max(lead, min(_MANY, full + x))
        full = _NONE if full == _NONE or f == _NONE else min(_MANY, full + f)
    return full, lead


def _inside(ranges: tuple[tuple[int, int], ...]) -> Callable[[list], int]:
    """``inside`` for :func:`_stretch`: where a class lies relative to ``ranges``."""

    def inside(cls: list) -> int:
        contained = all(any(lo <= a and b <= hi for lo, hi in ranges) for a, b in cls)
        if contained:
            return 1
        touches = any(a <= hi and lo <= b for a, b in cls for lo, hi in ranges)
        return 0 if touches else -1

    return inside


def _norm(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Sorted, merged ranges."""
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def _class_ranges_of(cls: str) -> tuple[tuple[int, int], ...]:
    """Ranges of the characters of a class body (``"0-9A-Z"``; empty string: none)."""
    if not cls:
        return ()
    parsed = _sre_p.parse(f"[{cls}]")
    if len(parsed) != 1 or parsed[0][0] is not _sre_c.IN:
        raise ValueError(f"not a plain character class: [{cls}]")
    return _norm(_class_ranges(parsed[0][1]))


# -- the shared per-column state ----------------------------------------------------------------


#: Bits of :data:`_Atoms` ``flags``: a character that may start a match of some pattern
#: (union of the first-character sets), that every pattern's lookbehind rejects
#: (intersection), that some pattern's body may consume (union of the alphabets), that
#: every pattern's lookahead rejects (intersection), that a :class:`PyPattern` match needs
#: (union).  Bits 6–7: UTF-8 length − 1.
_FIRST, _BEFORE, _ALPHA, _AFTER, _DIGIT, _NEEDED = 1, 2, 4, 8, 16, 32
_ROLE_BITS = {
    "first": _FIRST, "before": _BEFORE, "alpha": _ALPHA, "after": _AFTER, "digit": _DIGIT, "needed": _NEEDED
}
#: The digits (ASCII and full-width) whose runs bound where a match may start.
_DIGITS = ((ord("0"), ord("9")), (0xFF10, 0xFF19))


class _Atoms:
    """A partition of the code points by the character sets the span patterns use.

    ``code[cp]`` is a small integer (the atom) and ``member[set_id]`` a bool table over
    atoms; ``flags[cp]`` holds the role bits (:data:`_FIRST` ...).  Built from the sets
    registered so far; ``version`` counts the registrations.
    """

    _lock = threading.Lock()
    _sets: list[tuple[tuple[int, int], ...]] = []
    _roles: list[tuple[str, int]] = []
    _registrations = 0
    _built: tuple | None = None

    @classmethod
    def register(cls, ranges: tuple[tuple[int, int], ...], role: str | None = None) -> int:
        """The id of a character set; ``role`` (first/before/alpha/after) feeds the flags."""
        with cls._lock:
            if ranges in cls._sets:
                i = cls._sets.index(ranges)
            else:
                cls._sets.append(ranges)
                i = len(cls._sets) - 1
            if role is not None:
                cls._roles.append((role, i))
            cls._registrations += 1
            cls._built = None
            return i

    @classmethod
    def get(cls) -> tuple[int, np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """(version, code [0x110000] uint8/uint16, member bool[n_sets, n_atoms],
        flags uint8[0x110000], role masks over atoms)."""
        built = cls._built
        if built is not None:
            return built
        with cls._lock:
            if cls._built is None:
                # signatures change only at range bounds: compute them per segment
                bounds = sorted({0, _NCP} | {b for rs in cls._sets for lo, hi in rs for b in (lo, hi + 1)})
                seg = {b: i for i, b in enumerate(bounds)}
                sig = [0] * (len(bounds) - 1)
                for i, ranges in enumerate(cls._sets):
                    for lo, hi in ranges:
                        for k in range(seg[lo], seg[hi + 1]):
                            sig[k] |= 1 << i
                atoms = {v: k for k, v in enumerate(dict.fromkeys(sorted(sig)))}
                seg_atom = np.array([atoms[v] for v in sig], dtype=np.int64)
                code = np.repeat(seg_atom, np.diff(np.array(bounds, dtype=np.int64)))
                code = code.astype(np.uint8 if len(atoms) <= 256 else np.uint16)
                member = np.array(
                    [[(v >> i) & 1 == 1 for v in atoms] for i in range(len(cls._sets))], dtype=bool
                ).reshape(len(cls._sets), len(atoms))
                roles = {
                    "first": np.zeros(len(atoms), dtype=bool),
                    "before": np.ones(len(atoms), dtype=bool),
                    "alpha": np.zeros(len(atoms), dtype=bool),
                    "after": np.ones(len(atoms), dtype=bool),
                    "needed": np.zeros(len(atoms), dtype=bool),
                    "digit": member[cls._sets.index(_DIGITS)],
                }
                for role, i in cls._roles:
                    if role in ("first", "alpha", "needed"):
                        roles[role] |= member[i]
                    else:
                        roles[role] &= member[i]
                atom_flags = np.zeros(len(atoms), dtype=np.uint8)
                for role, mask in roles.items():
                    atom_flags[mask] |= _ROLE_BITS[role]
                flags = atom_flags[code]
                flags[0x80:] |= 1 << 6
                flags[0x800:] += 1 << 6
                flags[0x10000:] += 1 << 6
                cls._built = (cls._registrations, code, member, flags, roles)
            return cls._built


_Atoms.register(_DIGITS)


class TextColumn:
    """Cells of a string column joined by ``\\x00`` (and one after the last), as UTF-8 bytes,
    code points, character flags and byte offsets.  Build with :func:`text_column`."""

    __slots__ = ("arr", "n", "data", "cb", "cp", "flags", "version", "code", "member", "roles", "cell_start", "cell_len", "_memo")

    def __init__(self, arr: pa.Array):
        arr = c.as_arrow(arr)
        if arr.null_count:
            arr = pc.fill_null(arr, "")
        self.arr = arr
        self.n = n = len(arr)
        offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + n + 1] if n else np.zeros(1, np.int64)
        raw = arr.buffers()[2]
        base = int(offsets[0])
        size = int(offsets[-1]) - base
        src = np.frombuffer(raw, dtype=np.uint8)[base : base + size] if raw is not None and size else np.zeros(0, np.uint8)
        # one \x00 after every cell
        keep = np.ones(size + n, dtype=bool)
        keep[offsets[1:] - base + np.arange(n)] = False
        data = np.zeros(size + n, dtype=np.uint8)
        data[keep] = src
        self.data = data
        self.cp = cp = np.frombuffer(str(memoryview(data), "utf-8").encode("utf-32-le"), dtype=np.uint32)
        self.version, self.code, self.member, table, self.roles = _Atoms.get()
        self.flags = table.take(cp)
        # byte offset of every character (and of the end): the UTF-8 lead bytes
        lead = np.empty(len(data) + 1, dtype=bool)
        np.not_equal(data & 0xC0, 0x80, out=lead[:-1])
        lead[-1] = True
        cb = np.flatnonzero(lead)
        self.cb = cb.astype(np.int32) if len(data) < 2**31 else cb
        clen = pc.utf8_length(arr).to_numpy(zero_copy_only=False).astype(np.int64)
        self.cell_len = clen
        starts = np.zeros(n, dtype=np.int64)
        if n:
            np.cumsum(clen[:-1] + 1, out=starts[1:])
        self.cell_start = starts
        self._memo: dict = {}

    def cells_of(self, pos: np.ndarray) -> np.ndarray:
        """The cell of each absolute character position."""
        return np.searchsorted(self.cell_start, pos, side="right") - 1

    def gather(self, starts: np.ndarray, ends: np.ndarray) -> pa.LargeStringArray:
        """The texts ``[starts, ends)`` (absolute character positions) as one string array."""
        bs, be = self.cb[starts], self.cb[ends]
        lengths = be - bs
        offsets = np.zeros(len(starts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        total = int(offsets[-1])
        if total:
            # byte index of every output byte: +1 within a text, a jump at each text's start
            step = np.ones(total, dtype=np.int64)
            nonempty = lengths > 0
            first = offsets[:-1][nonempty]
            jump = bs[nonempty]
            step[first[1:]] = jump[1:] - (be[nonempty][:-1] - 1)
            step[0] = jump[0]
            data = self.data[np.cumsum(step, out=step)]
        else:
            data = np.zeros(0, dtype=np.uint8)
        return pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets), pa.py_buffer(data))

    def view(self, starts: np.ndarray, ends: np.ndarray) -> pa.LargeStringArray:
        """Zero-copy texts ``[starts, ends)`` for sorted, non-overlapping ranges: an array
        of ``2 * len(starts)`` strings, the gap before each range then the range (odd rows)."""
        if len(starts) > 1 and (starts[1:] < ends[:-1]).any():
            raise ValueError("overlapping ranges")
        offsets = np.empty(2 * len(starts) + 1, dtype=np.int64)
        offsets[0] = 0
        offsets[1::2] = self.cb[starts]
        offsets[2::2] = self.cb[ends]
        return pa.LargeStringArray.from_buffers(2 * len(starts), pa.py_buffer(offsets), pa.py_buffer(self.data))

    def texts(self, starts: np.ndarray, ends: np.ndarray) -> pa.LargeStringArray:
        """The texts ``[starts, ends)`` (absolute character positions) as one string array."""
        if not len(starts):
            return pa.array([], type=pa.large_string())
        if len(starts) > 1 and (starts[1:] < ends[:-1]).any():
            return self.gather(starts, ends)
        return self.view(starts, ends).take(pa.array(np.arange(1, 2 * len(starts), 2)))

    def prefiltered(self, pattern: str) -> np.ndarray:
        """Cells (indices) where the RE2 ``pattern`` matches.  The cells holding a character
        some :class:`PyPattern` needs are found first (flags), all registered prefilters run
        together over them in one pass, and the results are cached."""
        key = ("prefilter", pattern)
        if key not in self._memo:
            union = self._memo.get("prefilter-union")
            if union is None:
                union = np.unique(self.cells_of(np.flatnonzero((self.flags & _NEEDED) != 0)))
                if len(union):
                    sub = self.arr.take(pa.array(union))
                    union = union[c.to_numpy_bool(pc.match_substring_regex(sub, PyPattern.union()))]
                self._memo["prefilter-union"] = union
            if len(union):
                sub = self.arr.take(pa.array(union))
                self._memo[key] = union[c.to_numpy_bool(pc.match_substring_regex(sub, pattern))]
            else:
                self._memo[key] = union
        return self._memo[key]

    def starts(self) -> StartInfo:
        """Positions where some :class:`SpanPattern` could start a match (a superset: a first
        character of some pattern, not after a character all lookbehinds reject), with
        what the patterns need to know about them."""
        got = self._memo.get("starts")
        if got is None:
            f = self.flags
            ok = (f & _FIRST) != 0
            ok[1:] &= (f[:-1] & _BEFORE) == 0
            pos = np.flatnonzero(ok)
            # where runs end: the flag bits that are on at i and off at i + 1, all bits at once
            # (the \x00 after the last cell has no flags, so every run ends)
            turn = f[:-1] & ~f[1:]
            where = np.flatnonzero((turn & (_ALPHA | _AFTER | _DIGIT)) != 0)
            turn, here = turn[where], f[pos]

            def run_end(bit: int) -> np.ndarray:
                ends = where[(turn & bit) != 0] + 1
                if not len(ends):
                    return pos.copy()
                nxt = ends[np.minimum(np.searchsorted(ends, pos, side="right"), len(ends) - 1)]
                return np.where((here & bit) != 0, nxt, pos)

            cp = self.cp
            self.cp = None  # only needed here: free it while the column stays cached
            got = StartInfo(
                pos,
                self.cells_of(pos),
                run_end(_ALPHA),
                run_end(_AFTER),
                run_end(_DIGIT),
                self.code[cp[pos]],
                self.code[cp[pos - 1]],
            )
            self._memo["starts"] = got
        return got


class StartInfo(NamedTuple):
    """Possible match starts of a column (absolute positions) and facts about each."""

    pos: np.ndarray
    cell: np.ndarray
    #: end of the run of :data:`_ALPHA` characters / of :data:`_AFTER` characters at ``pos``
    run_end: np.ndarray
    word_end: np.ndarray
    #: end of the run of digits at ``pos`` (``pos`` if it is no digit)
    digit_end: np.ndarray
    #: atom of the character at ``pos`` and of the one before
    atom: np.ndarray
    prev_atom: np.ndarray


_CACHE: OrderedDict = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 4


def _cache_key(values) -> tuple | None:
    arr = values
    if hasattr(values, "array") and hasattr(values, "dtype"):  # pandas Series
        try:
            arr = pa.array(values.array) if str(values.dtype) in ("str", "string") else None
        except (TypeError, ValueError, pa.ArrowException):
            arr = None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.chunk(0) if arr.num_chunks == 1 else None
    if not isinstance(arr, pa.Array) or not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return (arr, tuple(b.address if b is not None else 0 for b in arr.buffers()), arr.offset, len(arr), str(arr.type))


def text_column(values) -> TextColumn:
    """The :class:`TextColumn` of ``values`` (cached for the last few Arrow-backed columns).

    The cache is keyed by the addresses of the Arrow buffers and holds the array itself,
    so no other array can reuse those addresses while its entry exists.
    """
    key = _cache_key(values)
    version = _Atoms.get()[0]
    if key is None:
        return TextColumn(values)
    ident = key[1:]
    with _CACHE_LOCK:
        hit = _CACHE.get(ident)
        if hit is not None and hit[1].version == version:
            _CACHE.move_to_end(ident)
            return hit[1]
    col = TextColumn(key[0])
    with _CACHE_LOCK:
        _CACHE[ident] = (key[0], col)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return col


# -- candidates -----------------------------------------------------------------------------------


class Candidates:
    """Pattern matches over a column: cell, start and end (characters, within the cell),
    and the matched texts (``pieces``); ``len()`` is their number."""

    __slots__ = ("cell", "start", "end", "pieces", "source")

    def __init__(self, cell: np.ndarray, start: np.ndarray, end: np.ndarray, pieces: pa.Array, source: object):
        self.cell, self.start, self.end, self.pieces = cell, start, end, pieces
        #: where the windows for context words come from: a TextColumn, or (text, offset
        #: of each cell in it)
        self.source = source

    def __len__(self) -> int:
        return len(self.cell)

    def states(self, ctx: c.Context, rows: np.ndarray | None = None) -> np.ndarray:
        """:meth:`Context.state` (−1/0/+1, int8) of the candidates ``rows`` (bool mask;
        default all); 0 elsewhere."""
        n = len(self.cell)
        out = np.zeros(n, dtype=np.int8)
        idx = np.arange(n) if rows is None else np.flatnonzero(rows)
        if not len(idx) or ctx._re is None:
            return out
        rel = self.start[idx]
        off = ctx.window_start(rel)
        if isinstance(self.source, TextColumn):
            base = self.source.cell_start[self.cell[idx]]
            keys = self.source.texts(base + off, base + rel + 1)
        else:
            text, starts = self.source
            base = starts[self.cell[idx]]
            keys = pa.array(
                [text[a:b] for a, b in zip((base + off).tolist(), (base + rel + 1).tolist(), strict=True)],
                type=pa.large_string(),
            )
        enc = pc.dictionary_encode(keys)
        words = enc.dictionary.to_pylist()
        out[idx] = np.asarray(ctx.states(words), dtype=np.int8)[enc.indices.to_numpy(zero_copy_only=False)]
        return out


def _empty(source=None) -> Candidates:
    return Candidates(_EMPTY_I, _EMPTY_I, _EMPTY_I, pa.array([], type=pa.large_string()), source)


def _drop_overlaps(start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Mask of the matches ``finditer`` would return: in start order, each must begin at or
    after the end of the last one kept (absolute positions, so cells never interfere)."""
    keep = np.ones(len(start), dtype=bool)
    if len(start) < 2:
        return keep
    reach = np.maximum.accumulate(end)
    if not (start[1:] < reach[:-1]).any():
        return keep
    last = -1
    for i, (s, e) in enumerate(zip(start.tolist(), end.tolist(), strict=True)):
        if s < last:
            keep[i] = False
        else:
            last = e
    return keep


class SpanPattern:
    """``(?<![before])(?:body)(?![after])``: a Python regex for ``find`` and an RE2 search
    over whole columns for ``find_column`` (equal results).

    ``before``/``after`` are character-class bodies (``"0-9A-Za-z"``); ``body`` may use
    literals, classes, groups (named ones too), alternation and repetition — no
    look-arounds, anchors, ``.`` or flags, so that RE2 and Python read it alike.
    """

    registry: list[SpanPattern] = []

    def __init__(self, body: str, before: str, after: str):
        self.body, self.before, self.after = body, before, after
        parsed = _sre_p.parse(body)
        if parsed.state.flags & _FLAGS:
            raise ValueError("flags in a span pattern body")
        firsts, nullable, alpha = _walk(parsed)
        #: the scalar reference, used by ``find``
        self.regex = re.compile(f"(?<![{before}])(?:{body})(?![{after}])")
        lo, hi = parsed.getwidth()
        if nullable or lo == 0:
            raise ValueError("a span pattern body must not match the empty string")
        self.max_width = hi if hi <= _CAP else None
        if any(lo == 0 for lo, _ in _norm(alpha) + _class_ranges_of(before) + _class_ranges_of(after)):
            raise ValueError("NUL separates the cells of a column: no span pattern may use it")
        self.before_id = _Atoms.register(_class_ranges_of(before), "before")
        self.after_id = _Atoms.register(_class_ranges_of(after), "after")
        _Atoms.register(_norm(firsts), "first")
        _Atoms.register(_norm(alpha), "alpha")
        # top-level alternatives: each with its first characters, alphabet and widths
        alts = parsed[0][1][1] if len(parsed) == 1 and parsed[0][0] is _sre_c.BRANCH else [parsed]
        digits = _inside(_DIGITS)
        after_set = _class_ranges_of(after)
        digits_stop = all(any(lo <= a and b <= hi for lo, hi in after_set) for a, b in _DIGITS)
        self.branches = []
        for alt in alts:
            f, _, a = _walk(alt)
            blo, bhi = alt.getwidth()
            # the lookahead rejects digits, so a match covers the whole run of digits it
            # starts with: that run can be no longer than the branch's longest digit prefix
            dmax = max(_stretch(list(alt), digits)) if digits_stop else _MANY
            self.branches.append((_Atoms.register(_norm(f)), _Atoms.register(_norm(a)), blo, bhi, dmax))
        self.re2 = f"^(?:{body})[^{after}]"
        SpanPattern.registry.append(self)

    def finditer(self, text: str):
        """``regex.finditer(text)``."""
        return self.regex.finditer(text)

    def _closed_branches(self, col: TextColumn) -> list[bool]:
        """Per branch: does it consume only characters every lookahead rejects (the
        :data:`_AFTER` set)?  Then its match, if any, is the whole run of such characters."""
        return [not (col.member[alpha_id] & ~col.roles["after"]).any() for _, alpha_id, _, _, _ in self.branches]

    def _closed(self, col: TextColumn) -> bool:
        return all(self._closed_branches(col))

    def _starts(self, col: TextColumn) -> np.ndarray:
        """Indices into :meth:`TextColumn.starts` where a match may start."""
        info = col.starts()
        if not len(info.pos):
            return np.zeros(0, dtype=np.int64)
        member = col.member
        length = info.run_end - info.pos
        ok = np.zeros(len(info.pos), dtype=bool)
        digits = info.digit_end - info.pos
        for (first_id, _, lo, hi, dmax), closed in zip(self.branches, self._closed_branches(col), strict=True):
            sel = member[first_id][info.atom] & (length >= lo)
            if dmax < _MANY:
                sel &= digits <= dmax
            if closed:
                wlen = info.word_end - info.pos
                sel &= (wlen >= lo) & (wlen <= hi)
            ok |= sel
        ok &= ~member[self.before_id][info.prev_atom]
        return np.flatnonzero(ok)

    def column(self, col: TextColumn) -> Candidates:
        """Every match in every cell of ``col`` (cells in order, matches by start)."""
        if col.version != _Atoms.get()[0]:  # a pattern was created after the column was read
            col = TextColumn(col.arr)
        sel = self._starts(col)
        if not len(sel):
            return _empty(col)
        info = col.starts()
        pos, cell = info.pos[sel], info.cell[sel]
        # the island: from the start to the farthest a match reaches, plus one character
        closed = self._closed(col)
        capped = np.zeros(0, dtype=np.int64)
        if closed:  # a match is the whole word run: only whether there is one is unknown
            iend = info.word_end[sel] + 1
        else:
            width = self.max_width if self.max_width is not None else _CAP
            run_end = info.run_end[sel]
            iend = np.minimum(pos + width, run_end) + 1
            if self.max_width is None:
                capped = np.flatnonzero(pos + width < run_end)
        mlen = np.full(len(pos), -1, dtype=np.int64)
        # islands that do not overlap an earlier one are searched in place (no copy)
        flat = np.ones(len(pos), dtype=bool)
        flat[1:] = pos[1:] >= np.maximum.accumulate(iend)[:-1]
        for rows, in_place in ((np.flatnonzero(flat), True), (np.flatnonzero(~flat), False)):
            if not len(rows):
                continue
            p, e = pos[rows], iend[rows]
            islands = col.view(p, e) if in_place else col.gather(p, e)
            if closed:
                hit = c.to_numpy_bool(pc.match_substring_regex(islands, self.re2))
                mlen[rows] = np.where(hit[1::2] if in_place else hit, e - p - 1, -1)
                continue
            rest = pc.utf8_length(pc.replace_substring_regex(islands, self.re2, "")).to_numpy(zero_copy_only=False)
            if in_place:
                rest = rest[1::2]
            # what is left after the match and the lookahead character
            mlen[rows] = (e - p) - rest.astype(np.int64) - 1
        for i in capped.tolist():  # island cut short: Python decides
            m = self.regex.match(col.arr[int(cell[i])].as_py(), int(pos[i] - col.cell_start[cell[i]]))
            mlen[i] = m.end() - m.start() if m else -1
        hit = mlen > 0
        start, end, cell = pos[hit], pos[hit] + mlen[hit], cell[hit]
        keep = _drop_overlaps(start, end)
        start, end, cell = start[keep], end[keep], cell[keep]
        base = col.cell_start[cell]
        return Candidates(cell, start - base, end - base, col.texts(start, end), col)


class PyPattern:
    """A span regex Python must run (look-arounds inside): over the cells ``prefilter``
    (RE2) selects, joined with ``\\x00`` (which no pattern may match).  Every match holds
    one of the characters ``needed`` and matches ``prefilter``."""

    _prefilters: list[str] = []

    def __init__(self, regex: re.Pattern, prefilter: str, needed: str):
        self.regex, self.prefilter = regex, prefilter
        _Atoms.register(_norm([(ord(ch), ord(ch)) for ch in needed]), "needed")
        if prefilter not in PyPattern._prefilters:
            PyPattern._prefilters.append(prefilter)
        if regex.search("\x00"):
            raise ValueError("pattern matches the separator")

    @classmethod
    def union(cls) -> str:
        """All registered prefilters as one RE2 pattern."""
        return "|".join(f"(?:{p})" for p in cls._prefilters) or "(?!)"

    def finditer(self, text: str):
        """``regex.finditer(text)``."""
        return self.regex.finditer(text)

    def column(self, col: TextColumn) -> Candidates:
        """Every match in every cell of ``col``."""
        sel = col.prefiltered(self.prefilter)
        if not len(sel):
            return _empty(col)
        cells = col.arr.take(pa.array(sel)).to_pylist()
        text = "\x00".join(cells)
        lengths = np.fromiter((len(t) + 1 for t in cells), dtype=np.int64, count=len(cells))
        starts = np.zeros(len(cells), dtype=np.int64)
        np.cumsum(lengths[:-1], out=starts[1:])
        spans = [m.span() for m in self.regex.finditer(text)]
        if not spans:
            return _empty(col)
        flat = np.array(spans, dtype=np.int64).reshape(-1, 2)
        local = np.searchsorted(starts, flat[:, 0], side="right") - 1
        pieces = pa.array([text[a:b] for a, b in spans], type=pa.large_string())
        base = starts[local]
        where = np.zeros(col.n, dtype=np.int64)  # offset of each selected cell in ``text``
        where[sel] = starts
        return Candidates(sel[local], flat[:, 0] - base, flat[:, 1] - base, pieces, (text, where))


# -- results ------------------------------------------------------------------------------------

Result = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def result(cand: Candidates, keep: np.ndarray, scores: np.ndarray) -> Result:
    """``(cells, starts, ends, scores)`` of the kept candidates."""
    return (
        cand.cell[keep].astype(np.int64, copy=False),
        cand.start[keep].astype(np.int64, copy=False),
        cand.end[keep].astype(np.int64, copy=False),
        np.asarray(scores, dtype=np.float64)[keep],
    )


def score(base: float, context: np.ndarray) -> np.ndarray:
    """:func:`boosted` vectorised: ``base`` where ``context`` is False, boosted where True."""
    return np.where(context, c.boosted(base, True), c.boosted(base, False))


def valid(validate: Callable, cand: Candidates, hinted: bool, rows: np.ndarray | None = None) -> np.ndarray:
    """``validate(pieces, hinted)`` on the candidates ``rows`` (bool mask; default all)."""
    out = np.zeros(len(cand), dtype=bool)
    idx = np.arange(len(cand)) if rows is None else np.flatnonzero(rows)
    if len(idx):
        sub = cand.pieces if len(idx) == len(cand) else cand.pieces.take(pa.array(idx))
        out[idx] = validate(sub, hinted)
    return out


def empty_result() -> Result:
    """No spans."""
    return _EMPTY_I, _EMPTY_I, _EMPTY_I, np.zeros(0, dtype=np.float64)


def strict_or_hinted(pattern, validate, ctx, values, hinted: bool) -> Result:
    """``find_column`` for modules whose ``find`` keeps a candidate that validates
    strictly (score ``SCORE_PATTERN``) or, with a hint from the column or a context
    word, loosely (score ``SCORE_WEAK``); a negative context word vetoes unhinted ones."""
    cand = pattern.column(text_column(values))
    if not len(cand):
        return empty_result()
    strict = valid(validate, cand, False)
    if hinted:
        loose = strict | valid(validate, cand, True, ~strict)
        state = cand.states(ctx, loose)
    else:  # the hinted check matters only where a context word hints
        state = cand.states(ctx)
        loose = strict | valid(validate, cand, True, ~strict & (state > 0))
    keep = (hinted | (state >= 0)) & (strict | (loose & (hinted | (state > 0))))
    scores = np.where(strict, score(c.SCORE_PATTERN, state > 0), score(c.SCORE_WEAK, state > 0))
    return result(cand, keep, scores)


def find_validated(
    regex: re.Pattern, is_valid: Callable, ctx, text: str, entity: str, base: float, hinted: bool, veto: bool
) -> list[c.Span]:
    """The scalar ``find`` of modules whose matches count when they validate: a context
    word raises the score; with ``veto`` a negative context word drops unhinted matches."""
    spans: list[c.Span] = []
    for m in regex.finditer(text):
        if not is_valid(m.group(0)):
            continue
        state = ctx.state(text, m.start())
        if veto and state < 0 and not hinted:
            continue
        spans.append(c.Span(m.start(), m.end(), c.boosted(base, state > 0), entity))
    return spans


def validated(pattern, validate: Callable, ctx, values, base: float, hinted: bool, veto: bool) -> Result:
    """The vectorised ``find_column`` equal to :func:`find_validated` cell by cell."""
    cand = pattern.column(text_column(values))
    if not len(cand):
        return empty_result()
    ok = valid(validate, cand, False)
    state = cand.states(ctx, ok)
    keep = ok & (hinted | (state >= 0)) if veto else ok
    return result(cand, keep, score(base, state > 0))
