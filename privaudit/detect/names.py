"""Personal names in a column: vectorised whole-cell checks.

A cell is a plausible name when, after NFKC and removal of inner spaces
(registers pad two-character names: ``王  明``), it is

* a known surname (:data:`SURNAMES`, :data:`COMPOUND_SURNAMES`) followed by one or two
  Han characters (2–4 characters in all; rare characters of CJK Extension A and B–H count,
  as in ``王䶮`` or ``张𠇔``), not a title (``王先生``) and not masked;
* a Tibetan name made of one or two common name parts (``扎西``, ``次仁卓玛``);
* a minority or transliterated name whose parts are joined by ``·``/``•``/``.``
  (``阿依古丽·买买提``);
* optionally a Latin name in title case, two or three words (``Zhang Wei``).

Masked names (``王*明``, ``王**``, ``王某``, ``*明``) are not names:
:func:`is_masked_name` finds them.  The surname sets are exposed so a free-text
recognizer can reuse them (where surname + 1–2 characters alone matches ordinary
words too often, so it needs context).

Speed: a column of a million names takes a fraction of a second.  Only cells that
NFKC or whitespace removal can change are normalised; cells of two to four Han
characters (nearly all of a name column) are decoded from their UTF-8 bytes into
code points and judged with lookup tables; the few other cells go through RE2
regexes; a column that repeats itself is judged once per distinct value.
:func:`_is_name_scalar` is the plain per-cell definition the fast path must equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "SURNAMES",
    "COMPOUND_SURNAMES",
    "TIBETAN_NAME_PARTS",
    "is_name",
    "is_masked_name",
    "normalize_names",
]


def _load(filename: str) -> frozenset[str]:
    text = resources.files("privaudit").joinpath("data", filename).read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")
    )


#: Single-character surnames (百家姓 plus common modern ones; ~525).
SURNAMES: frozenset[str] = _load("surnames.txt")
#: Two-character surnames (欧阳, 司马, 上官, 诸葛 ...).
COMPOUND_SURNAMES: frozenset[str] = _load("compound_surnames.txt")
#: Common parts of Tibetan names, which carry no surname (扎西次仁, 卓玛).
TIBETAN_NAME_PARTS: frozenset[str] = frozenset(
    "扎西 次仁 才让 卓玛 格桑 索朗 索南 多吉 尼玛 达瓦 央金 拉姆 平措 旦增 丹增 边巴 普布 洛桑 德吉 巴桑 "
    "曲珍 白玛 益西 顿珠 贡布 措姆 央宗 次旦 罗布 强巴 仁青 群培 拉巴 米玛 嘎玛 琼达 卓嘎 朗杰 旺堆 "
    "格勒 泽仁 降措 桑珠 阿旺 嘉措 加措 吉布 斯朗 仁增 贡嘎 次珍 德庆 拉珍 旺姆 卓玛 央拉 巴珠".split()
)

#: Han characters: the basic block, Extension A and Extensions B–H (U+20000–3134F: 张𠇔).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
#: Characters that mask a name (after NFKC); 某 (王某) is handled on its own.
_MASK = "*xX×●○〇□■◯△"
_TITLES = "先生|女士|小姐|老师|师傅|同志|大爷|大妈|阿姨|叔叔|老板|经理|主任|书记|医生|护士|警官|律师|老板娘|太太"
_SHORT_TITLES = "总|哥|姐|嫂|婶|姨|妈|爸"
#: Cells that appear in name columns but are not names.
_NOT_NAMES = frozenset(
    "合计 小计 总计 共计 姓名 不详 未知 其他 其它 本人 暂无 无名 空 户主 配偶 子女 无 测试 示例".split()
)
_DOT = "·•・.．‧∙⋅"

_TIBETAN_RE = "(?:" + "|".join(sorted(TIBETAN_NAME_PARTS, key=len, reverse=True)) + "){1,2}"
_MINORITY_RE = f"[{_HAN}]{{1,12}}(?:[{_DOT}][{_HAN}]{{1,12}}){{1,3}}"
_LATIN_RE = r"[A-Z][a-z]{0,15}(?:[ \-'][A-Z][a-z]{1,15}){1,2}"
_LATIN_UPPER_RE = r"[A-Z]{1,16}(?:[ \-'][A-Z]{1,16}){1,2}"
_TITLE_RE = f".{{1,2}}(?:{_TITLES})|.(?:{_SHORT_TITLES})"
_ALL_HAN = f"[{_HAN}]{{2,4}}"


# --------------------------------------------------------------------------- column text
# Shared with the address and attribute modules: Arrow conversion, selective
# normalisation, per-distinct-value evaluation.


def _column(values: pd.Series) -> pa.Array:
    """The cells as one Arrow string array, rendered as ``astype("str")`` does (nulls kept)."""
    s = pd.Series(values, copy=False)
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        s = s.astype("str")
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        arr = pa.array(s.array)
    else:  # pragma: no cover - pandas without pyarrow-backed strings
        arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    return arr


def _buffers(arr: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, bytes) of a non-empty string array: cell ``i`` is ``bytes[offsets[i]:offsets[i+1]]``."""
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    _, offsets_buf, data_buf = arr.buffers()
    offsets = np.frombuffer(offsets_buf, dtype=width)[arr.offset : arr.offset + len(arr) + 1].astype(np.int64)
    data = np.frombuffer(data_buf, dtype=np.uint8) if data_buf is not None else np.zeros(0, dtype=np.uint8)
    return offsets, data


_BLOCK = 1 << 18


def _unclean(arr: pa.Array) -> np.ndarray:
    """Cells that NFKC or whitespace removal may change (a superset; nulls may be included).

    A cell is clean when every byte is printable ASCII (``!``–``~``, DEL), a UTF-8
    continuation byte, or the lead byte of a character in U+4000–U+9FFF (E4–E9): such
    characters have no compatibility mapping, do not compose, and are not whitespace.
    Everything else — controls, spaces, full-width forms, U+3000–U+3FFF, other scripts —
    marks the cell.
    """
    out = np.zeros(len(arr), dtype=bool)
    if len(arr) == 0:
        return out
    offsets, data = _buffers(arr)
    lo = int(offsets[0])
    view = data[lo : int(offsets[-1])]
    # Block-wise, so the temporaries stay in cache (several times faster on long columns).
    block = min(len(view), _BLOCK)
    tmp = np.empty(block, dtype=np.uint8)
    flags, more = np.empty(block, dtype=bool), np.empty(block, dtype=bool)
    for start in range(0, len(view), _BLOCK):
        chunk = view[start : start + _BLOCK]
        n = len(chunk)
        np.subtract(chunk, np.uint8(0xEA), out=tmp[:n])
        np.less_equal(tmp[:n], 0x36, out=flags[:n])  # lead bytes EA–FF, and bytes 00–20
        np.subtract(chunk, np.uint8(0xC0), out=tmp[:n])
        np.less_equal(tmp[:n], 0x23, out=more[:n])  # lead bytes C0–E3
        np.logical_or(flags[:n], more[:n], out=flags[:n])
        if flags[:n].any():
            pos = np.flatnonzero(flags[:n]) + (lo + start)
            out[np.searchsorted(offsets, pos, side="right") - 1] = True
    return out


def _normalised(arr: pa.Array, normalise: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``normalise`` applied to the cells that need it (:func:`_unclean`), the rest kept as they are."""
    mask = _unclean(arr)
    if not mask.any():
        return arr
    mask_arr = pa.array(mask)
    return pc.replace_with_mask(arr, mask_arr, normalise(arr.filter(mask_arr)).cast(arr.type))


def _judged(
    arr: pa.Array, normalise: Callable[[pa.Array], pa.Array], judge: Callable[[pa.Array], np.ndarray]
) -> np.ndarray:
    """``judge(normalise(arr))``, with ``normalise`` run only on the cells that need it (:func:`_unclean`).

    Clean cells are judged as they are (no copy of the column); the others are judged
    again once normalised.
    """
    result = judge(arr)
    mask = _unclean(arr)
    if mask.any():
        result[mask] = judge(normalise(arr.filter(pa.array(mask))))
    return result


#: Columns at least this long are checked for repetition.
_DEDUPE_MIN = 10_000
_DEDUPE_SAMPLE = 20_000


def _by_distinct(
    arr: pa.Array, compute: Callable[[pa.Array], tuple[np.ndarray, ...]], always: bool = False
) -> tuple[np.ndarray, ...]:
    """``compute(arr)`` (per-cell numpy arrays), evaluated once per distinct value when the column repeats.

    A column repeats itself when an evenly spaced sample holds at most half as many
    distinct values as cells (a gender or ethnicity column, a names column of a small
    town); the values are then dictionary-encoded and the results mapped back.
    ``always`` skips the sample test, for a ``compute`` that costs far more a cell than
    hashing does.
    """
    if len(arr) >= _DEDUPE_MIN and (always or _repeats(arr)):
        encoded = pc.dictionary_encode(arr)
        distinct = pa.concat_arrays([encoded.dictionary, pa.nulls(1, type=arr.type)])  # nulls map to the last
        index = pc.fill_null(encoded.indices, len(distinct) - 1).to_numpy(zero_copy_only=False)
        return tuple(result[index] for result in compute(distinct))
    return compute(arr)


def _repeats(arr: pa.Array) -> bool:
    """Does an evenly spaced sample of the column hold at most half as many distinct values as cells?"""
    positions = np.linspace(0, len(arr) - 1, min(len(arr), _DEDUPE_SAMPLE)).astype(np.int64)
    sample = arr.take(pa.array(positions))
    return pc.count_distinct(sample, mode="all").as_py() * 2 <= len(sample)


# --------------------------------------------------------------------------- names


def _normalise_names_full(arr: pa.Array) -> pa.Array:
    """NFKC and trimmed; inner whitespace dropped unless the cell has Latin letters (nulls kept)."""
    arr = pc.utf8_normalize(arr, "NFKC")
    latin = pc.fill_null(pc.match_substring_regex(arr, "[A-Za-z]"), False)
    return pc.if_else(latin, pc.utf8_trim_whitespace(arr), pc.replace_substring_regex(arr, r"\s+", ""))


def _arrow_names(values: pd.Series) -> pa.Array:
    """The normalised cells (see :func:`normalize_names`) as an Arrow array."""
    return _normalised(_column(values), _normalise_names_full)


def _np(arr: pa.Array) -> np.ndarray:
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def _full(arr: pa.Array, pattern: str) -> np.ndarray:
    return _np(pc.match_substring_regex(arr, f"^(?:{pattern})$"))


def _in(arr: pa.Array, values: frozenset[str]) -> np.ndarray:
    return _np(pc.is_in(arr, value_set=pa.array(sorted(values), type=arr.type)))


def normalize_names(values: pd.Series) -> pd.Series:
    """NFKC, strip, and drop inner spaces unless the cell has Latin letters (``王  明`` → ``王明``).

    NA stays NA.
    """
    s = pd.Series(values, copy=False)
    return pd.Series(_arrow_names(s).to_pylist(), index=s.index, dtype="str") if len(s) else s.astype("str")


# Code-point tables for cells of two to four Han characters.

_BMP = 0x10000


def _lut(chars: Iterable[str]) -> np.ndarray:
    table = np.zeros(_BMP, dtype=bool)
    table[[ord(c) for c in chars if ord(c) < _BMP]] = True
    return table


def _han_lut() -> np.ndarray:
    table = np.zeros(_BMP, dtype=bool)
    table[0x3400:0x4DC0] = True
    table[0x4E00:0xA000] = True
    return table


def _keys(codes: np.ndarray) -> np.ndarray:
    """One integer per row of a (rows, k ≤ 4) array of BMP code points."""
    key = np.zeros(len(codes), dtype=np.uint64)
    for j in range(codes.shape[1]):
        key |= codes[:, j].astype(np.uint64) << np.uint64(16 * j)
    return key


class _Words:
    """Words of one length, looked up on rows of code points (first character filters)."""

    def __init__(self, words: Iterable[str], length: int) -> None:
        chosen = [w for w in words if len(w) == length and all(ord(c) < _BMP for c in w)]
        self.first = _lut(w[0] for w in chosen)
        codes = np.array([[ord(c) for c in w] for w in chosen], dtype=np.uint32).reshape(len(chosen), length)
        self.keys = np.sort(_keys(codes))

    def contains(self, codes: np.ndarray) -> np.ndarray:
        hit = self.first[codes[:, 0]]
        rows = np.flatnonzero(hit)
        if rows.size:
            keys = _keys(codes[rows])
            pos = np.searchsorted(self.keys, keys).clip(max=len(self.keys) - 1)
            hit[rows] = self.keys[pos] == keys
        return hit


_HAN_LUT = _han_lut()
_SURNAME_LUT = _lut(SURNAMES)
_MOU = ord("某")
_COMPOUND_WORDS = _Words(COMPOUND_SURNAMES, 2)
_TIBETAN_WORDS = _Words(TIBETAN_NAME_PARTS, 2)
_TITLE_WORDS = {n: _Words(_TITLES.split("|"), n) for n in {len(t) for t in _TITLES.split("|")}}
_SHORT_TITLE_LUT = _lut(_SHORT_TITLES.split("|"))
_NOT_NAME_WORDS = {n: _Words(_NOT_NAMES, n) for n in (2, 3, 4)}
assert all(len(part) == 2 for part in TIBETAN_NAME_PARTS) and all(len(t) == 1 for t in _SHORT_TITLES.split("|"))


def _char_words(data: np.ndarray) -> np.ndarray:
    """For every byte of ``data``, the little-endian 32-bit word starting there (a strided view)."""
    padded = np.zeros(len(data) + 3, dtype=np.uint8)
    padded[: len(data)] = data
    return np.ndarray(shape=(len(data),), dtype="<u4", buffer=padded, strides=(1,))


def _han_cells(text: pa.Array) -> list[tuple[np.ndarray, np.ndarray]]:
    """For k = 2, 3, 4: (mask of the cells of exactly k Han characters, their code points, (cells, k))."""
    offsets, data = _buffers(text)
    nbytes = np.diff(offsets)
    valid = text.is_valid().to_numpy(zero_copy_only=False)
    words = _char_words(data)
    found = []
    for k in (2, 3, 4):
        rows = np.flatnonzero((nbytes == 3 * k) & valid)
        starts = offsets[rows]
        han = np.ones(len(rows), dtype=bool)
        codes = np.empty((len(rows), k), dtype=np.uint32)
        for j in range(k):
            word = words[starts + 3 * j]
            han &= (word & 0xF0) == 0xE0  # a three-byte character starts here
            code = ((word & 0x0F) << 12) | ((word >> 2) & 0xFC0) | ((word >> 16) & 0x3F)
            han &= _HAN_LUT[code]
            codes[:, j] = code
        mask = np.zeros(len(text), dtype=bool)
        mask[rows[han]] = True
        found.append((mask, codes[han]))
    return found


def _han_name_rules(codes: np.ndarray, hinted: bool) -> np.ndarray:
    """The name rules on cells of k = 2–4 Han characters, given as a (cells, k) code-point array."""
    k = codes.shape[1]
    max_single = 4 if hinted else 3
    name = _SURNAME_LUT[codes[:, 0]] if k <= max_single else np.zeros(len(codes), dtype=bool)
    if k >= 3:
        name |= _COMPOUND_WORDS.contains(codes[:, :2])
    for j in range(k):
        name &= codes[:, j] != _MOU
    # _TITLE_RE: one or two characters before a title, or one before a short title.
    for size, words in _TITLE_WORDS.items():
        if 1 <= k - size <= 2:
            name &= ~words.contains(codes[:, k - size :])
    if k == 2:
        name &= ~_SHORT_TITLE_LUT[codes[:, 1]]
    name &= ~_NOT_NAME_WORDS[k].contains(codes)
    if k in (2, 4):
        tibetan = _TIBETAN_WORDS.contains(codes[:, :2])
        if k == 4:
            tibetan &= _TIBETAN_WORDS.contains(codes[:, 2:])
        name |= tibetan
    return name


def _is_name_regex(text: pa.Array, latin: bool, hinted: bool) -> np.ndarray:
    """The name rules with RE2 regexes on normalised cells (any cell; used for the uncommon ones)."""
    length = pc.fill_null(pc.utf8_length(text), 0).to_numpy(zero_copy_only=False)
    first = _in(pc.utf8_slice_codeunits(text, 0, 1), SURNAMES)
    first2 = _in(pc.utf8_slice_codeunits(text, 0, 2), COMPOUND_SURNAMES)
    max_single = 4 if hinted else 3
    han_name = _full(text, _ALL_HAN) & ((first & (length <= max_single)) | (first2 & (length >= 3)))
    han_name = han_name & ~_np(pc.match_substring(text, "某"))
    han_name = han_name & ~_full(text, _TITLE_RE) & ~_in(text, _NOT_NAMES)
    result = han_name | _full(text, _TIBETAN_RE) | _full(text, _MINORITY_RE)
    if latin:
        result = result | _full(text, _LATIN_RE)
        if hinted:
            result = result | _full(text, _LATIN_UPPER_RE)
    return result & (length > 0)


def _judge_names(text: pa.Array, latin: bool, hinted: bool) -> np.ndarray:
    """The name rules on normalised cells: lookup tables for short Han cells, regexes for the rest."""
    result = np.zeros(len(text), dtype=bool)
    rest = text.is_valid().to_numpy(zero_copy_only=False)
    for mask, codes in _han_cells(text):
        result[mask] = _han_name_rules(codes, hinted)
        rest &= ~mask
    if rest.any():
        rest_arr = pa.array(rest)
        result[rest] = _is_name_regex(text.filter(rest_arr), latin, hinted)
    return result


def _is_name_arrow(arr: pa.Array, latin: bool, hinted: bool) -> tuple[np.ndarray]:
    return (_judged(arr, _normalise_names_full, lambda text: _judge_names(text, latin, hinted)),)


def is_name(values: pd.Series, latin: bool = True, hinted: bool = False) -> np.ndarray:
    """Bool array: is each cell a plausible personal name (see module docstring)?

    ``hinted`` (a name header such as 姓名) also accepts rarer forms: a single
    surname with three given characters (``王一二三``) and upper-case Latin names
    (``ZHANG WEI``, as on passports).  Missing and empty cells are False.

    >>> is_name(pd.Series(["欧阳娜娜", "王*明", "阿依古丽·买买提", "北京市", None])).tolist()
    [True, False, True, False, False]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    return _by_distinct(_column(values), lambda arr: _is_name_arrow(arr, latin, hinted))[0]


_MASKED_RE = (
    f"(?:[{_HAN}]{{1,2}}[{_MASK}]{{1,3}}[{_HAN}]{{0,2}}|[{_MASK}]{{1,3}}[{_HAN}]{{1,2}}"
    f"|[{_HAN}]{{1,2}}某{{1,2}}|[{_HAN}]{{1,2}}[{_MASK}]{{1,3}})"
)


def is_masked_name(values: pd.Series) -> np.ndarray:
    """Bool array: does each cell look like a masked name (``王*明``, ``王**``, ``王某``, ``*明``)?

    At least one Han character stays visible and one to three mask characters
    (``*``, ``x``, ``×``, ``○``, ``某`` ...) replace the rest.

    >>> is_masked_name(pd.Series(["王*明", "王**", "王某", "*明", "王明", "***"])).tolist()
    [True, True, True, True, False, False]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    return _full(_arrow_names(values), _MASKED_RE)


# --------------------------------------------------------------------------- scalar reference


def _scalar_nfkc(text: str) -> str:
    """NFKC with the Unicode tables of the Arrow kernels (Python's may be older)."""
    return pc.utf8_normalize(pa.scalar(text, pa.string()), "NFKC").as_py()


#: RE2's ``\\s``: the whitespace the vectorised code removes.
_RE2_SPACE = re.compile(r"[\t\n\f\r ]+")


def _normalize_name_scalar(value: str) -> str:
    """:func:`normalize_names` for one cell."""
    text = _scalar_nfkc(value)
    if re.search("[A-Za-z]", text):
        return pc.utf8_trim_whitespace(pa.scalar(text, pa.string())).as_py()
    return _RE2_SPACE.sub("", text)


def _is_name_scalar(value: str | None, latin: bool = True, hinted: bool = False) -> bool:
    """:func:`is_name` for one cell: the plain definition the vectorised code must equal."""
    if value is None or value != value:  # None / NaN
        return False
    text = _normalize_name_scalar(str(value))
    if not text:
        return False
    if (
        re.fullmatch(_ALL_HAN, text)
        and (
            (text[0] in SURNAMES and len(text) <= (4 if hinted else 3))
            or (text[:2] in COMPOUND_SURNAMES and len(text) >= 3)
        )
        and "某" not in text
        and not re.fullmatch(_TITLE_RE, text)
        and text not in _NOT_NAMES
    ):
        return True
    if re.fullmatch(_TIBETAN_RE, text) or re.fullmatch(_MINORITY_RE, text):
        return True
    return latin and bool(re.fullmatch(_LATIN_RE, text) or (hinted and re.fullmatch(_LATIN_UPPER_RE, text)))
