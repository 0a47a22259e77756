"""Personal names in a column: vectorised whole-cell checks.

A cell is a plausible name when, after NFKC and removal of inner spaces
(registers pad two-character names: ``王  明``), it is

* a known surname (:data:`SURNAMES`, :data:`COMPOUND_SURNAMES`) followed by one or two
  Han characters (2–4 characters in all), not a title (``王先生``) and not masked;
* a Tibetan name made of one or two common name parts (``扎西``, ``次仁卓玛``);
* a minority or transliterated name whose parts are joined by ``·``/``•``/``.``
  (``阿依古丽·买买提``);
* optionally a Latin name in title case, two or three words (``Zhang Wei``).

Masked names (``王*明``, ``王**``, ``王某``, ``*明``) are not names:
:func:`is_masked_name` finds them.  The surname sets are exposed so a free-text
recognizer can reuse them (where surname + 1–2 characters alone matches ordinary
words too often, so it needs context).
"""

from __future__ import annotations

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

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
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


def _arrow_names(values: pd.Series) -> pa.Array:
    """NFKC and trimmed; inner whitespace dropped unless the cell has Latin letters (nulls kept)."""
    s = pd.Series(values, copy=False)
    if not isinstance(s.array, pd.arrays.ArrowStringArray):
        s = s.astype("str")
    if isinstance(s.array, pd.arrays.ArrowStringArray):
        arr = pa.array(s.array)
    else:  # pragma: no cover - pandas without pyarrow-backed strings
        arr = pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.large_string())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    arr = pc.utf8_normalize(arr, "NFKC")
    latin = pc.fill_null(pc.match_substring_regex(arr, "[A-Za-z]"), False)
    return pc.if_else(latin, pc.utf8_trim_whitespace(arr), pc.replace_substring_regex(arr, r"\s+", ""))


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
    text = _arrow_names(values)
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
