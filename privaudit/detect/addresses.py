"""Chinese addresses in a column: precise or coarse, vectorised; generalisation.

A *precise* address (entity ``ADDRESS``) names a place and a numbered unit in it:
a road and a door number (``建国路88号``), an estate and a building, unit or room
(``幸福小区3栋2单元501室``, ``花园2-1-1201``, ``静安路p座``), a village and a group
or number (``张家村三组``).  Chinese numerals and full-width digits count (NFKC is
applied first).  Bare administrative names (``北京市朝阳区``, ``朝阳区建外街道``,
``幸福社区``) are not precise; :func:`address_granularity` says how coarse they are.

Faker's ``zh_CN`` addresses (``河北省秀英市静安韦街p座 123456``) name a street and a
lettered block (``p座``): they count as precise.

Speed: the column checks run RE2 regexes (pyarrow) on the cells as they are and
normalise only the cells that NFKC or whitespace removal can change; a column that
repeats itself (one address per household member) is judged once per distinct
value.  :func:`_is_address_scalar` and :func:`_address_granularity_scalar` are the
plain per-cell definitions the vectorised code must equal.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.detect.names import (
    _RE2_SPACE,
    _buffers,
    _by_distinct,
    _column,
    _judged,
    _normalised,
    _scalar_nfkc,
)

__all__ = ["LEVELS", "is_address", "address_granularity", "generalise_address", "normalize_addresses"]

#: Granularity levels, coarse to fine.
LEVELS: tuple[str, ...] = ("province", "city", "district", "street", "precise")

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
#: A number as written in addresses: ASCII digits (after NFKC) or Chinese numerals.
_NUM = "(?:[0-9]+|[零〇一二三四五六七八九十百两]+)"
#: A lettered block or building code: A座, B2栋, T3栋, p座.
_CODE = "(?:[A-Za-z]{1,2}[0-9]{0,3})"
#: Units that a number makes precise.
_UNIT = "(?:号楼|号院|号|號|栋|棟|幢|座|单元|室|层|楼|组|队|弄|巷|排|户|期|区|社|门)"
_STRONG_UNIT = "(?:号楼|号院|号|號|栋|棟|幢|座|单元|室|层|户|组)"
#: Place words after which a number or lettered code names a unit.
_LOC = (
    "(?:路|街|巷|道|胡同|弄|里|大道|大街|村|屯|庄|寨|社区|组|镇|乡|小区|花园|苑|园|公寓|大厦|广场|新村|家园|城|"
    "大楼|中心|宿舍|院|府|庭|居|轩|阁|邸|墅|公馆|楼|栋|幢|座|单元|号|期|区|队|社|坊|湾|寓|舍|厦|场|山庄|嘎查)"
)
_ROAD = "(?:路|街|巷|大道|大街|胡同|弄|里)"

_PRECISE = re.compile(
    f"{_LOC}第?(?:{_NUM}|{_CODE}){_UNIT}"  # 建国路88号, 小区3栋, 村三组, 街p座
    f"|{_ROAD}[0-9]+$"  # 建国路88
    f"|{_LOC}[0-9]{{1,4}}(?:-[0-9]{{1,5}}){{1,3}}"  # 花园2-1-1201
)
_UNIT_COUNT = f"{_NUM}{_STRONG_UNIT}"
#: Longer cells are narrative, not an address field.
MAX_ADDRESS_LENGTH = 100

# Coarser levels, tested on text where 自治区/特别行政区 became 省 and 市场/超市 were removed.
_STREET = re.compile(
    "街道|镇|乡|苏木|社区|村|居委会|村委会|路|街|大道|巷|胡同|弄|小区|花园|苑|公寓|大厦|屯|嘎查|办事处|新村|家园"
)
_DISTRICT = re.compile(f"[{_HAN}](?:区|县|旗)")
_CITY = re.compile(f"[{_HAN}](?:市|自治州|地区|盟)")
_PROVINCES_SHORT = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)
_PROVINCE = re.compile(f"[{_HAN}]省|^(?:" + "|".join(_PROVINCES_SHORT) + ")")


def _normalise_full(arr: pa.Array) -> pa.Array:
    """NFKC, whitespace removed (nulls kept)."""
    return pc.replace_substring_regex(pc.utf8_normalize(arr, "NFKC"), r"\s+", "")


def _arrow_text(values: pd.Series) -> pa.Array:
    """The cells as a pyarrow string array after NFKC, whitespace removed (nulls kept)."""
    return _normalised(_column(values), _normalise_full)


def _np(arr: pa.Array) -> np.ndarray:
    """A pyarrow boolean array as a numpy bool array, nulls as False."""
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def normalize_addresses(values: pd.Series) -> pd.Series:
    """NFKC (full-width digits to ASCII) and all whitespace removed; NA stays NA."""
    s = pd.Series(values, copy=False)
    out = pd.Series(_arrow_text(s).to_pylist(), index=s.index, dtype="str") if len(s) else s.astype("str")
    return out


_LONE = f"^第?(?:{_NUM}|{_CODE}){_UNIT}"


def _short(text: pa.Array) -> np.ndarray:
    """Cells of at most :data:`MAX_ADDRESS_LENGTH` characters (nulls False)."""
    if len(text) == 0:
        return np.zeros(0, dtype=bool)
    offsets, _ = _buffers(text)
    short = np.diff(offsets) <= MAX_ADDRESS_LENGTH  # bytes bound characters
    long = ~short
    if long.any():
        short[long] = _np(pc.less_equal(pc.utf8_length(text.filter(pa.array(long))), MAX_ADDRESS_LENGTH))
    return short & text.is_valid().to_numpy(zero_copy_only=False)


def _precise(text: pa.Array, hinted: bool = False) -> np.ndarray:
    """Precise addresses among normalised cells; ``hinted`` also accepts a lone numbered unit.

    Every pattern ends in a Han unit or place word, so no separate "has a Han
    character" test is needed.
    """
    hit = _np(pc.match_substring_regex(text, _PRECISE.pattern + (f"|{_LONE}" if hinted else "")))
    rest = ~hit & text.is_valid().to_numpy(zero_copy_only=False)
    if rest.any():
        counts = pc.count_substring_regex(text.filter(pa.array(rest)), _UNIT_COUNT)
        hit[rest] = pc.fill_null(counts, 0).to_numpy(zero_copy_only=False) >= 2
    return hit & _short(text)


def is_address(values: pd.Series, hinted: bool = False) -> np.ndarray:
    """Bool array: is each cell a precise address (see module docstring)?  NA is False.

    ``hinted`` (an address header such as 门牌号 or 家庭住址) also accepts a lone
    numbered unit (``88号``, ``3组``, ``501室``, ``3号楼``), which says little by itself.

    >>> is_address(pd.Series(["北京市朝阳区建国路88号", "北京市朝阳区", "张家村三组", None])).tolist()
    [True, False, True, False]
    """
    if len(values) == 0:
        return np.zeros(0, dtype=bool)
    judge = functools.partial(_precise, hinted=hinted)
    return _by_distinct(_column(values), lambda arr: (_judged(arr, _normalise_full, judge),))[0]


@functools.cache
def _known_regions() -> dict[str, str]:
    """Known region names (current and historical) → coarsest level they were used at."""
    from privaudit.identifiers.regions import region_names

    rank = {lvl: i for i, lvl in enumerate(LEVELS)}
    known: dict[str, str] = {}
    for code, raw in region_names().items():
        level = "province" if code.endswith("0000") else "city" if code.endswith("00") else "district"
        for part in raw.split(","):
            name = re.sub(r"^\[[^\]]*\]", "", part).strip()
            if len(name) < 2 or "直辖" in name or name in ("市辖区", "郊区", "城区", "矿区"):
                continue
            if name not in known or rank[level] < rank[known[name]]:
                known[name] = level
    for short in _PROVINCES_SHORT:
        known.setdefault(short, "province")
    return known


@functools.cache
def _county_cities_pattern() -> str:
    """Regex alternation of county-level city names (昆山市): district level, not city."""
    names = sorted((n for n, lvl in _known_regions().items() if lvl == "district" and n.endswith("市")),
                   key=len, reverse=True)
    return "|".join(re.escape(n) for n in names) or "$^"


_COARSE_EDITS = "自治区|特别行政区|市场|超市|市民"
#: Coarse levels, fine to coarse, and what names them.
_COARSE_LEVELS: tuple[tuple[str, Callable[[], str]], ...] = (
    ("street", lambda: _STREET.pattern),
    ("district", lambda: f"{_DISTRICT.pattern}|{_county_cities_pattern()}"),
    ("city", lambda: _CITY.pattern),
    ("province", lambda: _PROVINCE.pattern),
)


def _granularity(text: pa.Array) -> np.ndarray:
    """Level of each normalised cell as an object array (None where no level)."""
    out = np.full(len(text), None, dtype=object)
    if len(text) == 0:
        return out
    precise = _precise(text)
    out[precise] = "precise"
    offsets, _ = _buffers(text)
    todo = ~precise & text.is_valid().to_numpy(zero_copy_only=False) & (np.diff(offsets) > 0)
    rows = np.flatnonzero(todo)
    if not rows.size:
        return out
    coarse = text.take(pa.array(rows))
    edit = _np(pc.match_substring_regex(coarse, _COARSE_EDITS))
    if edit.any():  # 自治区/特别行政区 name a province; 市场/超市/市民 are no 市
        edited = pc.replace_substring_regex(coarse.filter(pa.array(edit)), "自治区|特别行政区", "省")
        edited = pc.replace_substring_regex(edited, "市场|超市|市民", "")
        coarse = pc.replace_with_mask(coarse, pa.array(edit), edited)
    for level, pattern in _COARSE_LEVELS:
        hit = _np(pc.match_substring_regex(coarse, pattern()))
        out[rows[hit]] = level
        rows, coarse = rows[~hit], coarse.filter(pa.array(~hit))
        if not rows.size:
            break
    return out


def address_granularity(values: pd.Series) -> pd.Series:
    """Per cell: ``"precise"``, ``"street"``, ``"district"``, ``"city"``, ``"province"`` or None.

    The finest level the cell names: a numbered unit (precise), a 街道/镇/乡/社区/村 or
    road (street), a 区/县/旗 or county-level city (district), a 市/自治州/地区/盟
    (city), a 省/自治区 or province name (province).  Cells naming none (``平安``) are
    None.  Returns an object Series aligned with ``values``.
    """
    index = pd.Series(values, copy=False).index
    if len(index) == 0:
        return pd.Series([], index=index, dtype=object)
    level = _by_distinct(_column(values), lambda arr: (_judged(arr, _normalise_full, _granularity),))[0]
    return pd.Series(level, index=index, dtype=object)


# --------------------------------------------------------------------------- scalar reference


def _normalize_address_scalar(value: str) -> str:
    """:func:`normalize_addresses` for one cell."""
    return _RE2_SPACE.sub("", _scalar_nfkc(value))


def _is_precise_scalar(text: str, hinted: bool = False) -> bool:
    """The precise-address rule on one normalised cell (which holds no newline, so ``$`` is the end)."""
    if len(text) > MAX_ADDRESS_LENGTH:
        return False
    precise = bool(_PRECISE.search(text) or len(re.findall(_UNIT_COUNT, text)) >= 2) and bool(
        re.search(f"[{_HAN}]", text)
    )
    return precise or (hinted and re.match(_LONE, text) is not None)


def _is_address_scalar(value: str | None, hinted: bool = False) -> bool:
    """:func:`is_address` for one cell: the plain definition the vectorised code must equal."""
    if value is None or value != value:  # None / NaN
        return False
    return _is_precise_scalar(_normalize_address_scalar(str(value)), hinted)


def _address_granularity_scalar(value: str | None) -> str | None:
    """:func:`address_granularity` for one cell."""
    if value is None or value != value:
        return None
    text = _normalize_address_scalar(str(value))
    if _is_precise_scalar(text):
        return "precise"
    coarse = re.sub("市场|超市|市民", "", re.sub("自治区|特别行政区", "省", text))
    if _STREET.search(coarse):
        return "street"
    if _DISTRICT.search(coarse) or re.search(_county_cities_pattern(), coarse):
        return "district"
    if _CITY.search(coarse):
        return "city"
    if _PROVINCE.search(coarse):
        return "province"
    return None


# --------------------------------------------------------------------------- generalisation

_SUFFIX_LEVEL = [
    ("特别行政区", "province"), ("自治区", "province"), ("省", "province"),
    ("自治州", "city"), ("地区", "city"), ("盟", "city"), ("市", "city"),
    ("自治县", "district"), ("自治旗", "district"), ("县", "district"), ("旗", "district"), ("区", "district"),
    ("街道", "street"), ("镇", "street"), ("乡", "street"), ("苏木", "street"),
]
_COMPONENT = re.compile(
    f"[{_HAN}]{{1,8}}?(?:" + "|".join(sfx for sfx, _ in _SUFFIX_LEVEL) + ")"
)
#: Words ending in an admin suffix that are not admin units.
_NOT_ADMIN = re.compile("(?:小区|社区|园区|校区|景区|厂区|片区|营区|街区|市场|超市)$")
_MAX_NAME = 12


def _components(text: str) -> list[tuple[str, int]]:
    """Leading administrative components of ``text`` as (level, end offset), coarse to fine."""
    known = _known_regions()
    rank = {lvl: i for i, lvl in enumerate(LEVELS)}
    comps: list[tuple[str, int]] = []
    pos, last = 0, -1
    while pos < len(text):
        found: tuple[str, int] | None = None
        for size in range(min(_MAX_NAME, len(text) - pos), 1, -1):
            level = known.get(text[pos : pos + size])
            if level is not None:
                # A name used at several levels (北京市) counts at the next level down if needed.
                if rank[level] <= last:
                    level = LEVELS[min(last + 1, rank["district"])]
                found = (level, pos + size)
                break
        if found is None:
            m = _COMPONENT.match(text, pos)
            if m and not _NOT_ADMIN.search(m.group()):
                word = m.group()
                level = next(lvl for sfx, lvl in _SUFFIX_LEVEL if word.endswith(sfx))
                found = (level, m.end())
        if found is None or rank[found[0]] <= last:
            break
        comps.append(found)
        last, pos = rank[found[0]], found[1]
    return comps


def generalise_address(value: str, level: str) -> str:
    """Keep the administrative prefix of ``value`` down to ``level``; drop the rest.

    ``level`` is one of :data:`LEVELS` (``"county"`` is accepted for ``"district"``).
    The result is the NFKC, space-free prefix through the finest leading component
    at or above ``level`` (``"precise"`` returns the value unchanged); ``""`` when no
    administrative component is recognised.

    >>> generalise_address("北京市朝阳区建国路88号SOHO现代城2号楼1单元1201室", "district")
    '北京市朝阳区'
    >>> generalise_address("河北省石家庄市长安区建北街道幸福小区3栋", "city")
    '河北省石家庄市'
    """
    if level == "county":
        level = "district"
    if level not in LEVELS:
        raise ValueError(f"unknown address level {level!r}; expected one of {', '.join(LEVELS)}")
    if level == "precise":
        return value
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))
    target = LEVELS.index(level)
    end = 0
    for lvl, stop in _components(text):
        if LEVELS.index(lvl) <= target:
            end = stop
    return text[:end]
