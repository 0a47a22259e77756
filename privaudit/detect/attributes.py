"""Attribute entities from a column's values: vocabularies, dates, ages, amounts.

:func:`attribute_from_values` matches a sample of a column's values (vectorised
``isin`` on normalised values, ``str.fullmatch`` for patterns) against the
vocabularies of the categorical attributes — GENDER, ETHNICITY (the 56 民族),
RELIGION, MARITAL_STATUS, POLITICAL_AFFILIATION, HEALTH, EDUCATION, PROPERTY,
FINANCIAL, FAMILY, OCCUPATION, CRIMINAL_RECORD.

Values alone never yield DATE_OF_BIRTH, AGE or a FINANCIAL amount: a date column
may be a visit date, an integer column a count.  Those need the header: pass the
header's entity as ``hint`` and the function measures the share of values fitting
it (dates, integers 0–120, amounts, and yes/no flags such as ``是``/``否`` for any
attribute header like ``是否低保户``).

Neutral values (``无``, ``其他``, ``不详`` ...) count towards a vocabulary's share, but
a column needs at least one informative value of the vocabulary to be classified:
a column of ``无`` says nothing.  Generic health words (``良好``, ``一般``, ``较差``)
are neutral too — they also describe conduct or housing.

:func:`parse_dates` and :func:`date_granularity` read the date forms of registers:
``1949-12-31``, ``1949/12/31``, ``1949.12.31``, ``19491231``, ``1949年12月31日``,
``1949-12``, ``1949.12``, ``1949年12月``, ``1949年``/``1949`` (year 1850–2100), with an
optional time (``1949-12-31 00:00:00``, as spreadsheets export dates).  The common
forms are read straight from the cells' bytes with numpy (a million cells in a small
fraction of a second); other cells are normalised and read by RE2 patterns once per
distinct value.  :func:`_parse_date_scalar` is the plain per-cell definition.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.detect.names import _RE2_SPACE, _buffers, _by_distinct, _column, _scalar_nfkc

__all__ = [
    "VOCABULARIES",
    "attribute_from_values",
    "vocabulary_share",
    "normalize_values",
    "parse_dates",
    "date_granularity",
    "date_share",
    "age_share",
    "amount_share",
]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ETHNIC_GROUPS: tuple[str, ...] = tuple(
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 "
    "景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 "
    "裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺".split()
)
assert len(ETHNIC_GROUPS) == 56

#: Values that fit any attribute column but identify none (counted, never sufficient).
NEUTRAL: frozenset[str] = _words(
    "无 其他 其它 不详 未知 暂无 不清楚 未填 未说明 空 - -- / \\ 无信息 n/a na none unknown other 0"
)

#: Informative values of each categorical attribute (normalised: NFKC, lower case, no spaces).
VOCABULARIES: dict[str, frozenset[str]] = {
    "GENDER": _words("男 女 男性 女性 m f male female 未说明的性别 未知的性别"),
    "ETHNICITY": frozenset(ETHNIC_GROUPS)
    | frozenset(g + "族" for g in ETHNIC_GROUPS)
    | _words("穿青人 未识别民族 入籍 外国血统 外国血统中国籍人士 han hanzu"),
    "RELIGION": _words(
        "佛教 道教 伊斯兰教 天主教 基督教 基督教新教 新教 东正教 藏传佛教 南传佛教 汉传佛教 喇嘛教 民间信仰 无宗教信仰 "
        "不信教 不信仰宗教 无宗教 信仰佛教 信仰基督教 buddhism buddhist christian christianity islam muslim "
        "catholic taoism atheist"
    ),
    "MARITAL_STATUS": _words(
        "未婚 已婚 初婚 再婚 复婚 离婚 丧偶 离异 有配偶 无配偶 分居 单身 已婚有配偶 未婚无配偶 离婚未再婚 丧偶未再婚 "
        "married single divorced widowed unmarried separated"
    ),
    "POLITICAL_AFFILIATION": _words(
        "中共党员 中国共产党党员 党员 中共预备党员 预备党员 共青团员 团员 中国共产主义青年团团员 群众 无党派人士 "
        "无党派民主人士 民主党派 民革会员 民盟盟员 民建会员 民进会员 农工党党员 致公党党员 九三学社社员 台盟盟员 民革 民盟 "
        "民建 民进 农工党 致公党 九三学社 台盟 少先队员"
    ),
    "HEALTH": _words(
        "健康 健康或良好 基本健康 不健康 患病 有病 慢性病 患有慢性病 长期慢性病 高血压 糖尿病 心脏病 冠心病 脑梗 脑梗塞 "
        "脑卒中 中风 偏瘫 瘫痪 癌症 肿瘤 恶性肿瘤 残疾 残疾人 重病 大病 重大疾病 重度残疾 精神病 严重精神障碍 精神障碍 "
        "精神分裂症 抑郁症 老年痴呆 失能 半失能 完全失能 部分失能 长期卧床 体弱多病 视力残疾 肢体残疾 精神残疾 智力残疾 "
        "听力残疾 言语残疾 多重残疾 尿毒症 白血病 艾滋病 结核病 乙肝 哮喘 慢阻肺 生活不能自理 生活不能自理或半自理 "
        "生活能自理 生活部分自理 healthy disabled"
    ),
    "EDUCATION": _words(
        "小学 初中 高中 中专 中技 技校 职高 职业高中 大专 专科 本科 大学本科 大学专科 大学 硕士 硕士研究生 博士 博士研究生 "
        "研究生 研究生及以上 文盲 半文盲 文盲或半文盲 学龄前 学龄前儿童 未上学 未上过学 不识字或识字很少 小学毕业 初中毕业 "
        "高中毕业 中专毕业 大专毕业 本科毕业 中等专科 中等专业学校 中等职业教育 高中及以上 本科及以上 大专及以上 "
        "小学及以下 初中及以下 扫盲班 大学专科和专科学校 大学本科及以上 博士后 在读 肄业 primary junior senior "
        "bachelor master doctor phd college"
    ),
    "PROPERTY": _words(
        "自有住房 自有 自有产权 自有房 自有房屋 自建房 自建 租赁 租住 租房 租赁住房 租赁私房 租赁公房 公租房 廉租房 借住 "
        "借住亲友房 商品房 房改房 宅基地 宅基地自建房 经济适用房 经适房 安置房 拆迁安置房 回迁房 集资房 单位宿舍 宿舍 "
        "单位住房 无房 自购 自购房 共有产权房 限价房 小产权房 祖屋 祖宅 保障性住房 棚户区 危房 私房 公房 寄住 借住房 "
        "owned rented rental mortgage"
    ),
    "FINANCIAL": _words(
        "低保户 低保 城市低保 农村低保 城镇低保 低保对象 非低保 特困 特困人员 特困供养 特困供养人员 五保户 五保 低收入 "
        "低收入家庭 低收入户 低保边缘户 低保边缘 建档立卡 建档立卡户 建档立卡贫困户 贫困户 脱贫户 已脱贫 监测户 "
        "边缘易致贫户 脱贫不稳定户 突发严重困难户 困难户 支出型贫困 临时救助 孤儿 事实无人抚养儿童 分散供养 集中供养 "
        "特困分散供养 特困集中供养"
    ),
    "FAMILY": _words(
        "户主 本人 配偶 妻 妻子 夫 丈夫 子 女 儿子 女儿 长子 次子 三子 四子 五子 长女 次女 三女 四女 五女 独生子 独生女 "
        "养子 养女 继子 继女 孙子 孙女 外孙 外孙子 外孙女 曾孙 曾孙子 曾孙女 父亲 母亲 父 母 公公 婆婆 岳父 岳母 祖父 "
        "祖母 外祖父 外祖母 兄 弟 姐 妹 哥哥 弟弟 姐姐 妹妹 兄弟姐妹 儿媳 媳妇 女婿 孙媳妇 孙女婿 侄子 侄女 外甥 外甥女 "
        "其他亲属 非亲属 伯父 伯母 叔父 叔叔 婶婶 舅舅 舅妈 姑姑 姑父 姨 姨妈 姨父 子女 之子 之女 之妻 之夫 之父 之母 "
        "head spouse wife husband son daughter father mother child grandson granddaughter"
    ),
    "OCCUPATION": _words(
        "务农 农民 个体 个体户 个体工商户 个体经营 退休 离退休 离休 退休人员 无业 失业 待业 无业人员 失业人员 学生 在校学生 "
        "公务员 教师 工人 职员 干部 军人 现役军人 医生 护士 司机 自由职业 自由职业者 农业 务工 外出务工 灵活就业 企业职工 "
        "职工 经商 商人 服务员 厨师 保安 家庭主妇 家务 自营 事业单位人员 专业技术人员 农林牧渔 退役军人 企业管理人员 "
        "办事人员 商业服务业人员 生产运输设备操作人员 农林牧渔水利业生产人员 国家机关党群组织企事业单位负责人 "
        "不便分类的其他从业人员 在家 打工 小学生 中学生 大学生 幼儿 学龄前儿童 student retired farmer worker teacher "
        "unemployed"
    ),
    "CRIMINAL_RECORD": _words(
        "刑满释放 刑满释放人员 社区矫正 社区矫正人员 社区矫正对象 吸毒人员 吸毒 戒毒人员 强制隔离戒毒 社区戒毒 社区康复 "
        "在押 服刑 服刑人员 缓刑 假释 暂予监外执行 监外执行 管制 前科 有前科 无前科 违法犯罪 安置帮教 安置帮教对象 "
        "帮教对象 涉毒人员 劳教释放 解除劳教 在逃 在逃人员 有犯罪记录 无犯罪记录 无违法犯罪记录"
    ),
}

#: Health words too generic to identify a health column on their own.
_GENERIC_HEALTH: frozenset[str] = _words("良好 一般 较差 差 好 较好 很好 正常 优 良")
#: Flags that fit any attribute header (是否低保户, 是否残疾, 有无前科 ...).
YES_NO: frozenset[str] = _words("是 否 有 无 y n yes no true false 1 0 √ × ✓ ✗ 对 错 t f")
_GENDER_CODES: frozenset[str] = _words("1 2 0 9")

#: Order used to break ties between equally good vocabularies.
_PRIORITY: tuple[str, ...] = (
    "GENDER", "ETHNICITY", "RELIGION", "MARITAL_STATUS", "POLITICAL_AFFILIATION", "EDUCATION", "HEALTH",
    "CRIMINAL_RECORD", "FINANCIAL", "PROPERTY", "FAMILY", "OCCUPATION",
)


def normalize_values(values: pd.Series) -> pd.Series:
    """NFKC, lower case, all whitespace removed; NA stays NA."""
    return _normalized(values)


def _clean(values: pd.Series) -> pd.Series:
    s = normalize_values(values)
    return s[s.notna() & (s != "")]


def _shares(s: pd.Series, entity: str) -> tuple[float, int]:
    """(share of cells in the vocabulary or neutral, number of informative cells)."""
    vocab = VOCABULARIES[entity]
    informative = s.isin(vocab)
    neutral = s.isin(NEUTRAL)
    if entity == "HEALTH":
        neutral = neutral | s.isin(_GENERIC_HEALTH)
        # Graded disabilities and disease mentions: 肢体残疾二级, 高血压病史.
        informative = informative | s.str.fullmatch(
            r"(?:视力|听力|言语|肢体|智力|精神|多重)?残疾?(?:人)?[一二三四1234]级|"
            r"(?:视力|听力|言语|肢体|智力|精神|多重)残疾.{0,4}|.{0,8}(?:病|癌|瘤|残疾|障碍|瘫痪?|失能|痴呆).{0,4}"
        ).fillna(False)
    if entity == "FAMILY":
        informative = informative | s.str.fullmatch(r"(?:之|的)?(?:长|次|三|四|五|六|小|大|二)?(?:子|女|孙子|孙女|儿子|女儿)").fillna(False)
    n = len(s)
    if not n:
        return 0.0, 0
    return float((informative | neutral).sum()) / n, int(informative.sum())


def vocabulary_share(values: pd.Series, entity: str) -> float:
    """Share of non-empty cells that fit ``entity``'s vocabulary (neutral values included).

    Accepts the categorical attributes of :data:`VOCABULARIES` plus DATE_OF_BIRTH,
    AGE (integers 0–120) and FINANCIAL amounts.  Returns 0.0 for other entities.
    """
    s = _clean(values)
    if s.empty:
        return 0.0
    if entity == "DATE_OF_BIRTH":
        return date_share(s, bare_year=True)
    if entity == "AGE":
        return age_share(s)
    if entity not in VOCABULARIES:
        return 0.0
    share, _ = _shares(s, entity)
    if entity == "FINANCIAL":
        share = max(share, amount_share(s))
    return share


def attribute_from_values(
    values: pd.Series, hint: str | None = None, min_share: float = 0.8
) -> tuple[str, float] | None:
    """The attribute entity a column's values indicate, with the share of cells that fit.

    ``values`` are a sample (up to a few thousand cells) of the column; missing and
    empty cells are ignored.  Without ``hint`` only the categorical vocabularies
    count: the best one with share ≥ ``min_share`` and at least one informative
    value wins (ties: :data:`_PRIORITY`).  With ``hint`` (the header's attribute
    entity) that entity is tried first and may also be supported by dates
    (DATE_OF_BIRTH), integers 0–120 (AGE), amounts (FINANCIAL), gender codes 1/2
    (GENDER) and yes/no flags (any attribute); if it falls short the values-only
    answer is returned.  None when nothing reaches ``min_share``.

    >>> attribute_from_values(pd.Series(["汉族", "汉", "回族", "壮族"]))
    ('ETHNICITY', 1.0)
    >>> attribute_from_values(pd.Series(["1949-12-31", "1950-01-02"])) is None
    True
    >>> attribute_from_values(pd.Series(["1949-12-31", "1950-01-02"]), hint="DATE_OF_BIRTH")
    ('DATE_OF_BIRTH', 1.0)
    """
    s = _clean(values)
    if s.empty:
        return None
    if hint is not None:
        share = _hinted_share(s, hint)
        if share >= min_share:
            return hint, round(share, 4)
    best: tuple[float, int, int, str] | None = None
    for rank, entity in enumerate(_PRIORITY):
        share, informative = _shares(s, entity)
        if informative == 0 or share < min_share:
            continue
        key = (share, informative, -rank, entity)
        if best is None or key > best:
            best = key
    return (best[3], round(best[0], 4)) if best else None


def _hinted_share(s: pd.Series, hint: str) -> float:
    if hint == "DATE_OF_BIRTH":
        return date_share(s, bare_year=True)
    if hint == "AGE":
        return age_share(s)
    flags = s.isin(YES_NO) | s.isin(NEUTRAL)
    share = float(flags.mean())
    if hint in VOCABULARIES:
        vocab_share, informative = _shares(s, hint)
        if informative:
            # Vocabulary values and yes/no flags may mix (是 / 否 / 低保户).
            share = max(share, float((flags | s.isin(VOCABULARIES[hint])).mean()), vocab_share)
    if hint == "GENDER":
        share = max(share, float((s.isin(_GENDER_CODES) | s.isin(VOCABULARIES["GENDER"])).mean()))
    if hint == "FINANCIAL":
        share = max(share, amount_share(s))
    return share


# --------------------------------------------------------------------------- numbers

_AGE_RE = r"(?:[0-9]{1,3})(?:\.0+)?(?:岁|周岁)?"
_AMOUNT_RE = (
    r"(?:[¥￥$]|rmb|cny)?-?[0-9]{1,3}(?:,[0-9]{3})*(?:\.[0-9]+)?(?:元|万元|万|千元|元/月|元/年)?"
    r"|(?:[¥￥$]|rmb|cny)?-?[0-9]+(?:\.[0-9]+)?(?:元|万元|万|千元|元/月|元/年)?"
    r"|[0-9]+(?:\.[0-9]+)?(?:元|万)?[-~至][0-9]+(?:\.[0-9]+)?(?:元|万元|万)?"
)


def age_share(values: pd.Series) -> float:
    """Share of non-empty cells that are an age: an integer 0–120, optionally ``岁``/``周岁``."""
    s = _clean(values)
    if s.empty:
        return 0.0
    fits = s.str.fullmatch(_AGE_RE).fillna(False)
    digits = pd.to_numeric(s.str.extract(r"^([0-9]{1,3})", expand=False), errors="coerce")
    return float((fits & (digits <= 120)).mean())


def amount_share(values: pd.Series) -> float:
    """Share of non-empty cells that are a money amount or range (``3000``, ``1,200.50元``, ``2000-3000``)."""
    s = _clean(values)
    if s.empty:
        return 0.0
    return float(s.str.fullmatch(_AMOUNT_RE).fillna(False).mean())


# --------------------------------------------------------------------------- dates

_TIME = r"(?:[ t]?[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DATE_SEP = (
    r"^(?P<y>[0-9]{4})\s*[-/.年]\s*(?P<m>[0-9]{1,2})"
    r"(?:\s*[-/.月]\s*(?P<d>[0-9]{1,2})\s*日?)?\s*月?" + _TIME + "$"
)
_DATE_COMPACT = r"^(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})" + _TIME + "$"
_DATE_YEAR = r"^(?P<y>[0-9]{4})年$"
_DATE_BARE_YEAR = r"^(?P<y>[0-9]{4})年?$"


def _arrow(s: pd.Series) -> pa.Array:
    return pa.array(s.to_numpy(dtype=object, na_value=None), type=pa.string())


def _normalized(values: pd.Series, lower: bool = True) -> pd.Series:
    """NFKC, optionally lower case, whitespace removed — with pyarrow kernels (RE2), NA kept."""
    s = pd.Series(values, copy=False)
    arr = pc.utf8_normalize(_arrow(s.astype("str")), "NFKC")
    if lower:
        arr = pc.utf8_lower(arr)
    arr = pc.replace_substring_regex(arr, r"\s+", "")
    return pd.Series(arr.to_numpy(zero_copy_only=False), index=s.index, dtype="str")


# Level codes of parsed cells (0: not a date).
_YEAR, _MONTH, _DAY = 1, 2, 3
_LEVEL_NAMES = np.array([None, "year", "month", "day"], dtype=object)

#: Common forms read straight from the cells' bytes, without regex or normalisation.
#: ``Y``/``M``/``D`` are digits of the year, month and day, ``h`` other digits, ``-`` one
#: of ``-/.``, ``T`` a space or ``t``/``T`` before a time; other characters stand for
#: themselves.  A cell of one of these forms reads exactly as the general patterns read
#: it (a time after the day is ignored); every other cell takes the general path.
_FAST_FORMS: tuple[tuple[str, int], ...] = (
    ("YYYY-MM-DD", _DAY), ("YYYY-M-DD", _DAY), ("YYYY-MM-D", _DAY), ("YYYY-M-D", _DAY), ("YYYYMMDD", _DAY),
    ("YYYY年MM月DD日", _DAY), ("YYYY年M月DD日", _DAY), ("YYYY年MM月D日", _DAY), ("YYYY年M月D日", _DAY),
    ("YYYY-MM-DDThh:hh:hh", _DAY), ("YYYY-MM-DDThh:hh", _DAY),
    ("YYYY-MM", _MONTH), ("YYYY-M", _MONTH), ("YYYY年MM月", _MONTH), ("YYYY年M月", _MONTH),
    ("YYYY年", _YEAR),
)
_BARE_YEAR_FORM = ("YYYY", _YEAR)


def _form_bytes(form: str) -> list[tuple[str, bytes]]:
    """Per byte of ``form``: (the part its digit belongs to — ``y``, ``m``, ``d`` or ``""``, allowed bytes)."""
    spec: list[tuple[str, bytes]] = []
    for ch in form:
        if ch in "YMDh":
            spec.append(("" if ch == "h" else ch.lower(), b"0123456789"))
        elif ch == "-":
            spec.append(("", b"-/."))
        elif ch == "T":
            spec.append(("", b" tT"))
        else:
            spec.extend(("", bytes([b])) for b in ch.encode())
    return spec


def _specs_by_width(forms: tuple[tuple[str, int], ...]) -> dict[int, list[tuple[list[tuple[str, bytes]], int]]]:
    by_width: dict[int, list[tuple[list[tuple[str, bytes]], int]]] = {}
    for form, code in forms:
        spec = _form_bytes(form)
        by_width.setdefault(len(spec), []).append((spec, code))
    return by_width


#: The fast forms by byte width, without and with bare years.
_FAST_SPECS = {False: _specs_by_width(_FAST_FORMS), True: _specs_by_width(_FAST_FORMS + (_BARE_YEAR_FORM,))}
_FIRST_YEAR, _LAST_YEAR = 1800, 2200


def _month_tables() -> tuple[np.ndarray, np.ndarray]:
    """Per (year, month) from 1800-01 to 2200-12: days from 1970-01-01 to its first day, its length."""
    months = np.arange((_FIRST_YEAR - 1970) * 12, (_LAST_YEAR + 1 - 1970) * 12).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    return first.astype(np.int64), length


_MONTH_FIRST_DAY, _MONTH_LENGTH = _month_tables()
_NS_PER_DAY = 86_400 * 10**9


def _valid_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, level: np.ndarray | int) -> np.ndarray:
    """datetime64[ns] of (year, month, day), NaT where no real date or the year is out of range.

    A lone year (``level`` code ``_YEAR``) must lie in 1850–2100, a year with a month
    in 1800–2200.
    """
    if isinstance(level, int):
        ok = (y >= 1850) & (y <= 2100) if level == _YEAR else (y >= _FIRST_YEAR) & (y <= _LAST_YEAR)
    else:
        ok = np.where(level == _YEAR, (y >= 1850) & (y <= 2100), (y >= _FIRST_YEAR) & (y <= _LAST_YEAR))
    ok &= (m >= 1) & (m <= 12) & (d >= 1)
    month = np.where(ok, (y - _FIRST_YEAR) * 12 + (m - 1), 0)
    ok &= d <= _MONTH_LENGTH[month]
    days = _MONTH_FIRST_DAY[month] + (d - 1)
    return np.where(ok, days * _NS_PER_DAY, np.iinfo(np.int64).min).view("datetime64[ns]")


def _number(digits: np.ndarray, positions: list[int], default: int) -> np.ndarray:
    """The decimal number spelt by the digit columns ``positions`` (``default`` when there are none)."""
    if not positions:
        return np.full(len(digits), default, dtype=np.int64)
    value = digits[:, positions[0]].astype(np.int64)
    for pos in positions[1:]:
        value = value * 10 + digits[:, pos]
    return value


def _parse_fast(arr: pa.Array, bare_year: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cells read by a fast form, their dates, their level codes) for the whole column."""
    n = len(arr)
    done = np.zeros(n, dtype=bool)
    dates = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    level = np.zeros(n, dtype=np.int8)
    if n == 0:
        return done, dates, level
    offsets, data = _buffers(arr)
    nbytes = np.diff(offsets)
    nbytes[~arr.is_valid().to_numpy(zero_copy_only=False)] = 0
    for width, specs in _FAST_SPECS[bare_year].items():
        rows = np.flatnonzero(nbytes == width)
        if not rows.size:
            continue
        matrix = np.lib.stride_tricks.sliding_window_view(data, width)[offsets[rows]]  # (rows, width) bytes
        digits = matrix - np.uint8(ord("0"))
        is_digit = digits <= 9
        left = np.ones(len(rows), dtype=bool)
        for spec, code in specs:
            ok = left.copy()
            for pos, (_, allowed) in enumerate(spec):
                if allowed == b"0123456789":
                    ok &= is_digit[:, pos]
                else:
                    ok &= np.logical_or.reduce([matrix[:, pos] == b for b in allowed])
            if not ok.any():
                continue
            left &= ~ok
            hit, own = (rows, digits) if ok.all() else (rows[ok], digits[ok])
            y, m, d = (_number(own, [pos for pos, (p, _) in enumerate(spec) if p == part], 1) for part in "ymd")
            found = _valid_dates(y, m, d, code)
            done[hit] = True
            dates[hit] = found
            level[hit] = np.where(np.isnat(found), 0, code)
    return done, dates, level


def _parse_general(arr: pa.Array, bare_year: bool) -> tuple[np.ndarray, np.ndarray]:
    """(dates, level codes) of any cells: normalised, then read by the RE2 patterns."""
    text = pc.replace_substring_regex(pc.utf8_lower(pc.utf8_normalize(arr, "NFKC")), r"\s+", "")
    n = len(text)
    parts = {name: np.full(n, np.nan) for name in "ymd"}
    # Every form starts with a four-digit year: test the rest only on those cells.
    candidate = pc.fill_null(pc.match_substring_regex(text, "^[0-9]{4}"), False).to_numpy(zero_copy_only=False)
    for pattern in (_DATE_SEP, _DATE_COMPACT, _DATE_BARE_YEAR if bare_year else _DATE_YEAR):
        todo = np.isnan(parts["y"]) & candidate
        if not todo.any():
            break
        found = pc.extract_regex(text.filter(pa.array(todo)), pattern)
        for i in range(found.type.num_fields):
            field = pc.struct_field(found, [i])
            field = pc.if_else(pc.equal(field, ""), pa.scalar(None, field.type), field)
            parts[found.type.field(i).name][todo] = pc.cast(field, pa.float64()).to_numpy(zero_copy_only=False)
    y, m, d = parts["y"], parts["m"], parts["d"]
    level = np.where(~np.isnan(d), _DAY, np.where(~np.isnan(m), _MONTH, _YEAR)).astype(np.int8)
    found_y = ~np.isnan(y)
    dates = _valid_dates(
        np.where(found_y, y, 0).astype(np.int64),
        np.where(np.isnan(m), 1, m).astype(np.int64),
        np.where(np.isnan(d), 1, d).astype(np.int64),
        level,
    )
    dates[~found_y] = np.datetime64("NaT")
    return dates, np.where(np.isnat(dates), 0, level).astype(np.int8)


def _parse(values: pd.Series, bare_year: bool = False) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    """(index, datetime64[ns] array with NaT, level codes) of ``values``.

    Cells of a common form (:data:`_FAST_FORMS`) are read from their bytes; the rest
    are normalised (NFKC, lower case, no whitespace) and read by the regex patterns,
    once per distinct value when they repeat.  :func:`_parse_date_scalar` is the plain
    per-cell definition both must equal.
    """
    index = pd.Series(values, copy=False).index
    arr = _column(values)
    done, dates, level = _parse_fast(arr, bare_year)
    rest = ~done & arr.is_valid().to_numpy(zero_copy_only=False)
    if rest.any():
        # A date column holds a few tens of thousands of distinct days at most: read each once.
        general = _by_distinct(arr.filter(pa.array(rest)), lambda sub: _parse_general(sub, bare_year), always=True)
        dates[rest], level[rest] = general
    return index, dates, level


def _scalar_lower(text: str) -> str:
    """Lower case with the Unicode tables of the Arrow kernels."""
    return pc.utf8_lower(pa.scalar(text, pa.string())).as_py()


def _parse_date_scalar(value: str | None, bare_year: bool = False) -> tuple[dt.date | None, str | None]:
    """(date, level) of one cell, or (None, None): the plain definition :func:`_parse` must equal."""
    if value is None or value != value:  # None / NaN
        return None, None
    text = _RE2_SPACE.sub("", _scalar_lower(_scalar_nfkc(str(value))))
    for pattern in (_DATE_SEP, _DATE_COMPACT, _DATE_BARE_YEAR if bare_year else _DATE_YEAR):
        # RE2's \s is ASCII whitespace only; the text holds no newline, so $ is the end.
        found = re.match(pattern.replace(r"\s", r"[\t\n\f\r ]"), text)
        if found:
            break
    else:
        return None, None
    parts = found.groupdict()
    year = int(parts["y"])
    if parts.get("m") is None:
        return (dt.date(year, 1, 1), "year") if 1850 <= year <= 2100 else (None, None)
    if not 1800 <= year <= 2200:
        return None, None
    try:
        day = dt.date(year, int(parts["m"]), int(parts["d"] or 1))
    except ValueError:
        return None, None
    return day, "day" if parts["d"] else "month"


def parse_dates(values: pd.Series, bare_year: bool = False) -> pd.Series:
    """Parse register date forms into a datetime64 Series aligned with ``values`` (NaT if not a date).

    Month-only dates become the first of the month, year-only dates (``1949年``)
    1 January.  A bare four-digit number (``1949``) is read as a year only with
    ``bare_year=True`` (under a birth-year header): otherwise amounts and counts
    would pass for years.

    >>> parse_dates(pd.Series(["1949-12-31", "1949年12月", "19491231", "abc"])).dt.strftime("%Y-%m-%d").tolist()
    ['1949-12-31', '1949-12-01', '1949-12-31', nan]
    """
    index, dates, _ = _parse(values, bare_year)
    return pd.Series(dates, index=index, dtype="datetime64[ns]")


def date_stats(values: pd.Series, bare_year: bool = False, min_share: float = 0.05) -> tuple[str | None, dict[str, int]]:
    """(:func:`date_granularity`, records per ISO date) of a date column in one pass.

    Distinct values are parsed once (a register's date column repeats a few thousand
    days over many rows) and the histogram is counted on the codes, so a million-row
    column costs one factorize.
    """
    codes, uniques = pd.factorize(pd.Series(values, copy=False), use_na_sentinel=True)
    if not len(uniques):
        return None, {}
    _, dates, level = _parse(pd.Series(uniques, dtype="str"), bare_year)
    weights = np.bincount(codes[codes >= 0], minlength=len(uniques))
    parsed = level > 0
    if not parsed.any():
        return None, {}
    counts = np.bincount(level[parsed], weights=weights[parsed], minlength=len(_LEVEL_NAMES))
    need = max(1, int(np.ceil(min_share * counts.sum())))
    granularity = None
    for code in (_DAY, _MONTH, _YEAR):
        if counts[code] >= need:
            granularity = str(_LEVEL_NAMES[code])
            break
    if granularity is None:
        granularity = str(_LEVEL_NAMES[int(np.argmax(counts))])
    ok = ~np.isnat(dates)
    days, inverse = np.unique(dates[ok].astype("datetime64[D]"), return_inverse=True)
    totals = np.bincount(inverse, weights=weights[ok], minlength=len(days)).astype(np.int64)
    names = np.datetime_as_string(days, unit="D").tolist()
    return granularity, dict(zip(names, totals.tolist(), strict=True))


def date_share(values: pd.Series, bare_year: bool = False) -> float:
    """Share of non-empty cells that parse as a date (see :func:`parse_dates`)."""
    s = _clean(values)
    if s.empty:
        return 0.0
    return float(parse_dates(s, bare_year).notna().mean())


def date_granularity(values: pd.Series, min_share: float = 0.05, bare_year: bool = False) -> str | None:
    """The finest date precision in the column: ``"day"``, ``"month"``, ``"year"`` or None.

    The finest level held by at least ``min_share`` of the parsed cells (at least one
    cell), so a few stray full dates in a year-month column still count; None when
    no cell parses.
    """
    _, _, level = _parse(values, bare_year)
    parsed = level[level > 0]
    if not parsed.size:
        return None
    counts = np.bincount(parsed, minlength=len(_LEVEL_NAMES))
    need = max(1, int(np.ceil(min_share * len(parsed))))
    for code in (_DAY, _MONTH, _YEAR):
        if counts[code] >= need:
            return str(_LEVEL_NAMES[code])
    return str(pd.Series(_LEVEL_NAMES[parsed]).value_counts().index[0])
