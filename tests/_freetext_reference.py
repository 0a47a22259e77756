# Frozen reference for tests/test_freetext.py: privaudit/detect/freetext.py as it was before
# the speed work (cached, candidate-driven find, selective PREFILTER).  The tests check that
# the new module gives exactly these results.  Do not edit; not part of the package.
"""Names and addresses inside free text: ``PERSON`` and ``ADDRESS`` spans.

Remark columns (备注, 情况说明, 走访记录 ...) carry names and addresses in running
text: ``户主王建国，现住幸福里小区3栋2单元501室``.  This module finds them with
rules and small dictionaries — no model, no download, a few microseconds a cell.

PERSON
    A surname (:data:`privaudit.detect.names.SURNAMES`, compound surnames first)
    plus one or two Han characters, accepted only with context: a role or
    relation before it (户主, 联系人, 妻子 …), a title or verb after it (先生,
    反映, 来电, 家中 …) or punctuation around it.  The context also decides
    between a 2- and a 3-character reading (``王建国反映`` → 王建国, ``王芳家中`` →
    王芳) and a name never swallows the next cue.  Ordinary words that begin
    with a surname character (白天, 方便, 高兴 — ``data/freetext_common_words.txt``)
    need strong context.  Minority names with ``·`` (``阿依古丽·买买提``) and
    Tibetan names (``扎西次仁``) are found too.

ADDRESS
    Optional administrative names (省/市/区/县/街道/镇/乡/社区/村 …), a street,
    estate or village name (路/街/巷/弄, 小区/花园/苑/公寓/大厦, 村/庄/屯) and at
    least one numbered unit (号, 栋/幢/座, 单元, 室, 组, 弄, ``3-2-501``; Arabic
    or Chinese numerals).  A place name alone (``北京市``, ``平安``) is not an
    address.  The span runs from the first administrative or estate character to
    the last unit; cue words before it (现住, 家住, 居住在 …) are not part of it.

:data:`PREFILTER` is an RE2 pattern (for ``pyarrow.compute.match_substring_regex``)
that matches every cell in which :func:`find` can find something, so the scanner
sends only those cells through Python.

>>> [(s.entity, "户主王建国，现住幸福里小区3栋2单元501室"[s.start:s.end]) for s in find("户主王建国，现住幸福里小区3栋2单元501室")]
[('PERSON', '王建国'), ('ADDRESS', '幸福里小区3栋2单元501室')]
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from importlib import resources

from privaudit.detect.names import COMPOUND_SURNAMES, SURNAMES, TIBETAN_NAME_PARTS
from privaudit.identifiers import Span

__all__ = ["PREFILTER", "find", "find_persons", "find_addresses", "PERSON_CONTEXT", "ADDRESS_CONTEXT"]

PERSON = "PERSON"
ADDRESS = "ADDRESS"

#: Scores: strong context on one side and some on the other / weaker evidence.
SCORE_STRONG = 0.85
SCORE_MEDIUM = 0.7
SCORE_WEAK = 0.6
SCORE_ADDRESS_FULL = 0.9
SCORE_ADDRESS = 0.85

#: Context words for the Presidio recognizers (Presidio's context enhancer).
PERSON_CONTEXT: tuple[str, ...] = (
    "姓名", "户主", "联系人", "申请人", "反映人", "居民", "村民", "业主", "租户", "家属",
    "先生", "女士", "本人", "配偶", "监护人", "负责人",
)  # fmt: skip
ADDRESS_CONTEXT: tuple[str, ...] = (
    "住址", "地址", "现住", "家住", "居住", "住在", "户籍地", "现居", "位于", "门牌",
)  # fmt: skip

_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff"
_HAN = f"[{_HAN_RANGES}]"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _read_data(filename: str) -> list[str]:
    text = resources.files("privaudit").joinpath("data", filename).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


class _Words:
    """A word set with fast "which word ends here / starts here" look-ups by character."""

    __slots__ = ("words", "_by_last", "_by_first")

    def __init__(self, words):
        self.words = frozenset(words)
        by_last: dict[str, set[int]] = defaultdict(set)
        by_first: dict[str, set[int]] = defaultdict(set)
        for w in self.words:
            by_last[w[-1]].add(len(w))
            by_first[w[0]].add(len(w))
        self._by_last = {c: tuple(sorted(v, reverse=True)) for c, v in by_last.items()}
        self._by_first = {c: tuple(sorted(v, reverse=True)) for c, v in by_first.items()}

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def ending_at(self, text: str, end: int, shortest: int = 1, start: int = 0) -> int:
        """Length of the longest word that ends at ``end`` and starts at or after ``start`` (0 if none)."""
        if end <= start:
            return 0
        lengths = self._by_last.get(text[end - 1])
        if lengths:
            for k in lengths:
                if shortest <= k <= end - start and text[end - k : end] in self.words:
                    return k
        return 0

    def starting_at(self, text: str, start: int) -> int:
        """Length of the longest word that starts at ``start`` (0 if none)."""
        if start >= len(text):
            return 0
        lengths = self._by_first.get(text[start])
        if lengths:
            for k in lengths:
                if text[start : start + k] in self.words:
                    return k
        return 0


# ---------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------

#: Compound surnames that are also ordinary words are left out in free text.
_COMPOUND_NOT_IN_TEXT = frozenset(
    "第五 百里 东门 西门 南门 东郭 有琴 长孙 乐正 公西 子车 司空 段干 归海 微生".split()
)
_COMPOUNDS = frozenset(COMPOUND_SURNAMES) - _COMPOUND_NOT_IN_TEXT
_SINGLES = frozenset(s for s in SURNAMES if len(s) == 1)
#: Surname characters that are also time, measure or function words: in free text they
#: start a name only after a role word (户主来福 …), never after mere punctuation.
_TEXT_SURNAMES_NEED_ROLE = frozenset("年时元位楼区路和都来后经由向代家原") & _SINGLES

#: Roles and relations before a name: 户主王建国, 联系人：李娜, 其子张伟.
_STRONG_PREFIX = frozenset(
    """户主 业主 租户 租客 房东 房主 住户 居民 村民 市民 群众 联系人 紧急联系人 申请人 反映人 来访人
    来电人 求助人 投诉人 举报人 当事人 监护人 代理人 委托人 受托人 经办人 办理人 签收人 填报人 登记人
    负责人 责任人 承租人 出租人 网格员 楼长 组长 队长 村长 书记 主任 委员 民警 社工 志愿者 医生 护士
    老师 学生 患者 病人 老人 孤寡老人 独居老人 空巢老人 家属 亲属 儿子 女儿 长子 次子 长女 次女 三子
    孙子 孙女 外孙 外孙女 儿媳 媳妇 女婿 妻子 丈夫 老伴 配偶 父亲 母亲 哥哥 弟弟 姐姐 妹妹 兄长 其子
    其女 其妻 其夫 其父 其母 之子 之女 之妻 之夫 侄子 侄女 姓名 名字 名叫 叫做 本人 成员 家庭成员 户内成员
    对象 服务对象 走访对象 帮扶对象 救助对象 低保户 五保户 困难户 残疾人 退役军人 党员 员工 职工 司机
    保姆 护工 户籍人口 流动人口 人员 男子 女子 男孩 女孩 老汉 老太 租住人 住户人 购房人 借款人 户主为
    户主是 户主系 学员 幼儿 儿童 孩子 小孩 村医 医师 厂长 经理 老板 店主 车主 户代表 代表 见证人 证明人""".split()
)
#: Weaker words before a name: prepositions, visit verbs, time words.
_WEAK_PREFIX = frozenset(
    """与 和 跟 同 及 以及 、 由 经 据 向 对 给 为 帮 帮助 协助 陪同 联系 通知 告知 走访 入户走访 看望 慰问
    探望 询问 约谈 劝导 帮扶 找到 找 让 请 叫 派 安排 见到 遇到 陪 替 将 把 被 接到 接待 核实 致电
    今天 今日 昨天 昨日 近日 日前 上午 下午 晚上 当天 当日 目前 随后 日 号 月 年 时 后 并 且 即 现 另
    是 其中 包括 如 其 有 的 接 受理 帮忙 协调 转告 转交 交给 交由 委托 电联 联系上 通知到 组 室 栋 幢 座""".split()
)
#: Titles after a name: 王建国先生.  A candidate's given name never starts with one.
_TITLES = frozenset(
    """先生 女士 小姐 同志 老人 老先生 老太太 老太 大爷 大妈 大娘 大婶 阿姨 叔叔 奶奶 爷爷 婆婆 师傅
    大姐 大哥 老师 医生 书记 主任 老板 经理 护士 警官 律师 总 哥 姐 嫂 婶 姨 老汉""".split()
)
#: Strong words after a name: titles, reporting verbs, relations.
_STRONG_SUFFIX = _TITLES | frozenset(
    """反映 来电 来访 来所 来到 到访 致电 表示 称 诉称 自称 报称 声称 说 讲 咨询 投诉 举报 求助 要求
    申请 提出 希望 请求 同意 签字 签名 确认 办理 领取 参加 患有 身患 独居 去世 病故 死亡 因病 现住
    现居 家住 居住 住在 住址 户籍 系 今年 现年 出生 身份证 电话 手机 联系电话 联系方式 等人 及其 夫妇
    夫妻 一家 全家 家中 家里 家属 女儿 儿子 妻子 丈夫 父亲 母亲 老伴 之子 之女 之妻 之夫 之父 之母
    的女儿 的儿子 的妻子 的丈夫 的父亲 的母亲 的家属 本人 户主 反应 告知 介绍 答复 认为 情况 名下
    无业 务工 外出 打工 在家 长期 一直 目前 已于 于今日 经常 多次 曾 未婚 已婚 离异 丧偶 （户主） (户主)
    代为 代替 代办 代领 核实 联系 沟通 协商 商量 见面 谈话 交流 签订 签署 缴纳 缴费 报名 登记 申报 上报
    报告 报警 就医 住院 出院 入院 就诊 看病 治疗 康复 上学 就读 退休 下岗 失业 就业 工作 上班 出租 出售
    购买 购房 租房 租住 搬入 搬离 搬走 迁入 迁出 不在 在外 外地 回家 回来 离开 出门 走访 入户 陪同 负责
    居住证 户口 名下 所有 承租 租赁 借款 收到 拨打 电话联系 联系方式 手机号 微信 一人 一起 二人 两人
    夫妇俩 母子 父子 母女 父女 兄弟 姐妹 夫妻俩 等人 等户 家人 家庭 老两口""".split()
)
#: Weaker words after a name.
_WEAK_SUFFIX = frozenset(
    """的 家 在 于 和 与 及 、 是 为 等 也 还 又 都 就 有 无 不 未 已 现 来 去 到 带 男 女 年 岁 今 因 将
    把 被 让 请 向 对 住 同 从 所 并 则 以 前 后 等 户""".split()
)
#: Characters never part of a given name (function words, units, cue characters).
_NEVER_GIVEN = frozenset(
    "的了么吗呢吧啊哦嗯着过们这那哪谁什怎没很都也就被把让给对从往在于与或而但却并且若因所以此该每各某第号"
    "年月日时分元次个名人户间栋室楼层区县市省村组街路巷弄镇乡岁男女说称讲问答是有无不未已及等将向去到住"
    "电话码证份氏您你我他她它啥"
)
#: Multi-character cue words before an address (removed from its start).
_ADDRESS_CUES = frozenset(
    w
    for w in """住在 现住 现居 居住 居住在 居住于 家住 住址 地址 住址为 地址为 住址是 地址是 户籍 户籍地 籍贯 位于
    来自 搬到 搬至 搬入 搬进 迁至 迁入 迁往 落户 租住 暂住 借住 寄住 前往 来到 送到 送至 到达 回到 入户
    上门 走访 走访了 看望 慰问 探望 门牌 详细 地点 目前 今天 今日 昨天 昨日 上午 下午 晚上 近日 日前 这个
    那个 我们 他们 所在 所住 附近 周边 一带 门口 楼下 楼上 对面 旁边 隔壁 同住 合住 一起 共同 一直 长期
    家中 原住 原籍 老家 娘家 婆家 通讯地址 联系地址 收货地址 经常居住地 常住 户口 户口所在地 所在地 居住地
    住所 住处 反映 表示 投诉 举报 咨询 出租给 出租 购买 购置 位置 是在 就在 也在 都在 均在 仍在 还在 住的""".split()
) | frozenset(w for w in _STRONG_PREFIX if len(w) >= 2)
#: Single characters stripped from an address start while a real name remains (在幸福里 → 幸福里).

_SEPARATORS = "：: \u3000"

_FUNCTION_TAGS: dict[str, str] = dict(
    line.split("\t", 1) for line in _read_data("freetext_function_words.txt")
)
#: Two-character verbs, adverbs, prepositions … (word boundaries around names and addresses).
_FUNCTION = frozenset(_FUNCTION_TAGS)
_VERBS = frozenset(w for w, tag in _FUNCTION_TAGS.items() if tag.startswith("v"))
#: Common words beginning or ending with a surname character (白天, 方便, 了解 …).
_COMMON = frozenset(w for line in _read_data("freetext_common_words.txt") for w in line.split()) | frozenset(
    "张开 文明 王者 金额 方便 高兴 白天 周末 黄色 安全 平安 幸福 和平 于是 常常 时常 时间 明天".split()
)
_GIVEN = (
    frozenset("".join("".join(line.split()) for line in _read_data("freetext_given_chars.txt")))
    - _NEVER_GIVEN
)

_STRONG_PRE = _Words(_STRONG_PREFIX)
_WEAK_PRE = _Words(_WEAK_PREFIX)
_STRONG_SUF = _Words(_STRONG_SUFFIX)
_WEAK_SUF = _Words(_WEAK_SUFFIX)
_TITLE_W = _Words(_TITLES)
_ADDR_CUE_W = _Words(_ADDRESS_CUES)
_BOUND_W = _Words(w for w in _STRONG_PREFIX | _ADDRESS_CUES if len(w) >= 2)


# ---------------------------------------------------------------------------------------
# PERSON
# ---------------------------------------------------------------------------------------


# Evidence levels.  Left of a name: a role word, a listed cue word, the start of the
# text or punctuation, a verb/adverb from the word list, nothing, or "the surname
# character belongs to the word before".  Right of it: a title, a strong cue, a weak
# cue, the end or punctuation, a verb/adverb, nothing.
L_ROLE, L_CUE, L_EDGE, L_WORD, L_NONE, L_BOUND = 2.0, 1.5, 1.0, 0.5, 0.0, -1.0
R_TITLE, R_STRONG, R_CUE, R_EDGE, R_WORD, R_NONE = 3.0, 2.0, 1.5, 1.0, 0.5, 0.0


def _left_strength(text: str, s: int) -> float:
    """Evidence before a candidate name starting at ``s`` (``L_*``).

    L_ROLE: 户主王建国; L_CUE: 与王芳, 今天王芳; L_EDGE: start or punctuation; L_WORD:
    受理王桂芝; L_BOUND: the character at ``s`` ends a cue word or a common word
    (来访人员 → 员, 现居 → 居, 了解 → 解), so no name starts there.
    """
    if s == 0:
        return L_EDGE
    prev = text[s - 1]
    if not _is_han(prev):
        j = s
        while j > 0 and text[j - 1] in _SEPARATORS:
            j -= 1
        if 0 < j < s and _STRONG_PRE.ending_at(text, j):
            return L_ROLE
        return L_CUE if prev in _WEAK_PREFIX else L_EDGE  # 、
    if _BOUND_W.ending_at(text, s + 1, 2):
        return L_BOUND
    if _STRONG_PRE.ending_at(text, s) or prev in "为是系" and _STRONG_PRE.ending_at(text, s - 1):
        return L_ROLE
    if text[s - 1 : s + 1] in _COMMON and text[s : s + 2] not in _COMPOUNDS:
        return L_BOUND
    if _WEAK_PRE.ending_at(text, s):
        return L_CUE
    if text[s - 2 : s] in _FUNCTION:
        return L_WORD
    return L_NONE


def _right_strength(text: str, e: int) -> float:
    """Evidence after a candidate ending at ``e`` (``R_*``): 先生 R_TITLE, 反映/家中
    R_STRONG, 的/在 R_CUE, end or punctuation R_EDGE, 陪护 R_WORD."""
    k = _STRONG_SUF.starting_at(text, e)
    if k:
        return R_TITLE if text[e : e + k] in _TITLE_W else R_STRONG
    if e >= len(text) or not _is_han(text[e]):
        return R_EDGE
    if _WEAK_SUF.starting_at(text, e):
        return R_CUE
    if text[e : e + 2] in _FUNCTION:
        return R_WORD
    return R_NONE


def _judge(text: str, s: int, k: int, left: float) -> Span | None:
    """The best PERSON reading starting at ``s`` with a surname of ``k`` characters, or None.

    ``left`` is :func:`_left_strength` at ``s``.
    """
    if left < 0:
        return None
    g = s + k
    size = len(text)
    if g >= size:
        return None
    c1 = text[g]
    if c1 in _NEVER_GIVEN or not _is_han(c1) or _TITLE_W.starting_at(text, g):
        return None
    ok2 = (
        g + 1 < size
        and text[g + 1] not in _NEVER_GIVEN
        and _is_han(text[g + 1])
        and not _TITLE_W.starting_at(text, g + 1)
    )
    r1 = _right_strength(text, g + 1)
    if ok2:
        r2 = _right_strength(text, g + 2)
        third = text[g + 1]
        if r1 and r2:
            n = (
                2
                if third in _GIVEN and (r2 > r1 or r2 == r1 and not _WEAK_SUF.starting_at(text, g + 1))
                else 1
            )
        elif r2:
            n = 2
        elif r1:
            n = 1
        else:
            n = 2 if third in _GIVEN else 1
        right = r2 if n == 2 else r1
    else:
        n, right = 1, r1
    e = g + n
    cand = text[s:e]
    common_word = cand in _COMMON
    if left == L_ROLE:  # a role word before: 户主王建国
        if right >= R_STRONG or right > R_NONE and not common_word:
            return Span(s, e, SCORE_STRONG, PERSON)
        if right == R_NONE and not common_word and all(ch in _GIVEN for ch in cand[k:]):
            return Span(s, e, SCORE_WEAK, PERSON)
        return None
    if left < 0 or common_word:
        return None
    # 方便群 / 高兴地: the first two characters are a word and the third is no name character
    if k == 1 and n == 2 and cand[:2] in _COMMON and (right < R_STRONG or cand[2] not in _GIVEN):
        return None
    if right == R_TITLE:  # a title after: 王建国先生
        return Span(s, e, SCORE_STRONG, PERSON)
    if k == 1 and cand[0] in _TEXT_SURNAMES_NEED_ROLE and (right < R_STRONG or text[s - 1 : s].isdigit()):
        return None
    if right == R_STRONG:
        if left > L_NONE:
            return Span(s, e, SCORE_STRONG, PERSON)
        if all(ch in _GIVEN for ch in cand[k:]):
            return Span(s, e, SCORE_MEDIUM, PERSON)
        return None
    if not all(ch in _GIVEN for ch in cand[k:]):
        return None
    # weak on both sides: a listed cue on one side (与王芳的, 受理王芳的) or punctuation on both
    if left == L_CUE and right > R_NONE or right == R_CUE and left > L_NONE or left == right == L_EDGE:
        return Span(s, e, SCORE_WEAK, PERSON)
    return None


def _judge_at(text: str, s: int, left: float) -> Span | None:
    if text[s : s + 2] in _COMPOUNDS:
        span = _judge(text, s, 2, left)
        if span is not None:
            return span
    if text[s] in _SINGLES:
        return _judge(text, s, 1, left)
    return None


#: Surname characters that are more often a preposition before a name (经王建国同意).
_PREPOSITION_SURNAMES = frozenset("经由向和同及与跟给对为把将被让请叫接据派帮陪替找")
_STRONG_FIRST = frozenset(w[0] for w in _STRONG_SUFFIX)
_CUE_FIRST = _STRONG_FIRST | frozenset(w[0] for w in _WEAK_SUFFIX)
_CANDIDATE_CHARS = frozenset(_SINGLES | {c[0] for c in _COMPOUNDS})
_CANDIDATE_RE = re.compile("[" + "".join(sorted(_CANDIDATE_CHARS)) + "]")
_DOTS = "·•・．‧∙⋅."
_DOT_RE = re.compile(f"{_HAN}[{re.escape(_DOTS)}]{_HAN}")
_MINORITY_RE = re.compile(f"{_HAN}{{1,10}}(?:[{re.escape(_DOTS)}]{_HAN}{{1,10}}){{1,3}}")
_TIBETAN_FIRST = frozenset(w[0] for w in TIBETAN_NAME_PARTS)
_TIBETAN_FIRST_RE = re.compile("[" + "".join(sorted(_TIBETAN_FIRST)) + "]")
_TIBETAN_RE = re.compile("(?:" + "|".join(sorted(TIBETAN_NAME_PARTS, key=lambda w: (-len(w), w))) + "){1,2}")
#: Words that end a transliterated name part (吐尔逊来电 → 吐尔逊).
_MINORITY_END = _Words(
    _STRONG_SUFFIX
    | frozenset(
        "的 将 把 被 于 在 和 与 是 为 等 及 家 现 已 今 因 向 对 从 到 说 称 住 也 还 来 去 户".split()
    )
)
#: Words before the first part of a ``·`` name (房东, 今天上午 …).
_MINORITY_START = _Words(
    _STRONG_PREFIX | _WEAK_PREFIX | frozenset("反映 表示 来电 走访 看望 慰问 探望 联系 系 是 为".split())
)
#: Characters common in transliterated (Uyghur, Kazakh …) names: no word starts on them.
_TRANSLITERATION = frozenset(
    "买提阿依古丽娜尔艾力吐逊热拉合迪布都不克木罕尼沙汗江巴哈斯坦别扎马库班努孜麦曼苏莱伊玛乌甫吾吉亚帕夏"
)


def _minority_start(text: str, s: int, end: int) -> int:
    """Skip cue words (房东, 村民, 今天上午 …) before the first part of a ``·`` name."""
    cut = s
    for j in range(s + 1, end - 1):
        k = _MINORITY_START.ending_at(text, j)
        if k and j - k >= s or j - 2 >= s and text[j - 2 : j] in _FUNCTION:
            cut = j
    return cut


def _minority(text: str, m: re.Match) -> list[Span]:
    """``·``-joined names inside one run of Han text and dots (cue words cut off both ends)."""
    s0, e0 = m.start(), m.end()
    dots = [i for i in range(s0, e0) if text[i] in _DOTS]
    parts = list(zip([s0] + [d + 1 for d in dots], [*dots, e0], strict=True))
    found: list[tuple[int, int]] = []
    start: int | None = _minority_start(text, *parts[0])
    last = len(parts) - 1
    for i in range(1, len(parts)):
        lo, hi = parts[i]
        cut = next(
            (
                j
                for j in range(lo + 2, hi)
                if _MINORITY_END.starting_at(text, j)
                or text[j : j + 2] in _FUNCTION
                and text[j] not in _TRANSLITERATION
            ),
            None,
        )
        if cut is not None:
            cut = min(cut, hi)
        if cut is None and i < last:
            continue  # the name goes on past the next dot
        if start is not None:
            found.append((start, hi if cut is None else cut))
        # 阿依古丽·买买提的儿子买买提·吐尔逊: another name may start in the rest of this part
        start = _minority_start(text, cut, hi) if cut is not None and i < last else None
    spans = []
    for a, b in found:
        piece = text[a:b]
        if "." in piece and not re.fullmatch(f"{_HAN}{{2,10}}(?:\\.{_HAN}{{2,10}}){{1,3}}", piece):
            continue
        if text[a] in _DOTS or text[b - 1] in _DOTS:
            continue
        spans.append(Span(a, b, SCORE_STRONG, PERSON))
    return spans


def _tibetan(text: str) -> list[Span]:
    spans = []
    for m in _TIBETAN_RE.finditer(text):
        if _left_strength(text, m.start()) > L_NONE and _right_strength(text, m.end()) > R_NONE:
            spans.append(Span(m.start(), m.end(), SCORE_STRONG, PERSON))
    return spans


def find_persons(text: str) -> list[Span]:
    """PERSON spans in ``text`` (names need context; see the module docstring)."""
    spans: list[Span] = []
    if _DOT_RE.search(text):
        for m in _MINORITY_RE.finditer(text):
            spans.extend(_minority(text, m))
    if _TIBETAN_FIRST_RE.search(text):
        spans.extend(_tibetan(text))
    fixed = sorted(spans)
    n = len(text)
    taken_until = -1
    for m in _CANDIDATE_RE.finditer(text):
        s = m.start()
        if s < taken_until or s >= n - 1:
            continue
        if not _is_han(text[s + 1]):
            continue
        left = _left_strength(text, s)
        if left < L_EDGE:
            # without evidence on the left a name needs a strong cue right after it
            # (a weak one after a verb): a cheap look at the next characters first
            if left < 0:
                continue
            need = _STRONG_FIRST if left == L_NONE else _CUE_FIRST
            if not any(c in need for c in text[s + 2 : s + 5]):
                continue
        span = _judge_at(text, s, left)
        if span is None or fixed and _overlaps(fixed, span):
            continue
        # 经尹宁同意: when the surname character is more often a preposition, the
        # reading one character later wins if its left evidence is as good.
        chosen: Span | None = span
        if text[s] in _PREPOSITION_SURNAMES and s + 1 < n - 1:
            later = None
            if text[s + 1] in _CANDIDATE_CHARS:
                later_left = _left_strength(text, s + 1)
                later = _judge_at(text, s + 1, later_left)
            if later is not None and later.end >= span.end - 1:
                if later_left >= left:
                    chosen = later
            elif (s == 0 or not _is_han(text[s - 1])) and _right_strength(text, span.end) < R_TITLE:
                chosen = None  # 由高洁代为: 由 is a cue word here, not a surname
        if chosen is None:
            continue
        spans.append(chosen)
        taken_until = chosen.end
    return _drop_overlaps(spans)


def _overlaps(sorted_spans: list[Span], span: Span) -> bool:
    """Does ``span`` overlap one of ``sorted_spans`` (sorted, non-overlapping)?"""
    i = bisect.bisect_left(sorted_spans, (span.end,))
    return i > 0 and sorted_spans[i - 1].end > span.start


def _drop_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for sp in sorted(spans, key=lambda x: (x.start, -(x.end - x.start))):
        if kept and sp.start < kept[-1].end:
            continue
        kept.append(sp)
    return kept


# ---------------------------------------------------------------------------------------
# ADDRESS
# ---------------------------------------------------------------------------------------

_NUMERALS = "一二三四五六七八九十百零〇"
_NUM = f"(?:[0-9\\uff10-\\uff19]{{1,5}}|[{_NUMERALS}]{{1,4}})"
_ADMIN = (
    "特别行政区|自治区|自治州|自治县|自治旗|街道办事处|街道办|街道|社区居委会|居委会|村民委员会|村委会|"
    "经济技术开发区|开发区|高新区|新区|工业园区|管委会|省|市|州|地区|盟|区|县|旗|镇|乡|社区"
)
_ROAD = (
    "大道|大街|胡同|一条|二条|三条|四条|五条|六条|七条|八条|九条|十条|东段|西段|南段|北段|中段|路|街|巷|里|道"
)
_ESTATE = (
    "小区|花园|家园|公寓|大厦|新村|新城|广场|庭院|公馆|山庄|名苑|花苑|雅苑|雅居|佳苑|庄园|别墅|宿舍|"
    "大院|家属院|家属楼|园区|东区|西区|南区|北区|中区|一期|二期|三期|四期|五期|六期|七期|八期|九期|十期|"
    "苑|园|府|城|湾|居|阁|邸|坊|庭|楼"
)
_VILLAGE = "嘎查|村|庄|屯|寨|堡"
_SUFFIX_KIND = {
    w: kind
    for kind, alt in (("village", _VILLAGE), ("road", _ROAD), ("admin", _ADMIN), ("estate", _ESTATE))
    for w in alt.split("|")
}
_SUFFIX_W = _Words(_SUFFIX_KIND)
#: Place words that may directly precede the first numbered unit (not 市/区/县 …).
_LAST_SUFFIX_W = _Words(
    w for w, kind in _SUFFIX_KIND.items() if kind != "admin" or w in ("社区", "街道", "镇", "乡")
)
_NOT_AT_START = frozenset("省 市 县 区 州 里 路 街 巷 弄 道 旗 盟 乡 镇 小区 社区 街道".split())
_ADMIN_CHAR_RE = re.compile("[省市县区州旗盟镇乡]")
_LETTER = "[A-Za-z\\uff21-\\uff3a\\uff41-\\uff5a]"
_DASH = "[-－—]"
#: Units that make an address precise.
_STRONG_UNIT = (
    f"(?:第?{_NUM}(?:号楼|号院|号|栋|幢|座|单元|室|村民小组|小组|组|弄)"
    f"|{_LETTER}{{1,2}}[0-9]{{0,3}}(?:栋|幢|座|区|单元)"
    f"|[0-9]{{1,4}}{_DASH}[0-9]{{1,4}}(?:{_DASH}[0-9]{{1,5}})?(?:室|号)?)"
)
#: Further units, accepted after a strong one; a bare number only right after 栋/单元/号楼 ….
_OTHER_UNIT = (
    f"(?:第?{_NUM}(?:层|楼|队|社|排|期|户|房|号房)|(?:[0-9]{{1,2}}|[一二三四五六七八九十]{{1,2}})门(?![前口外内])"
    f"|附{_NUM}号|之{_NUM})"
)
_BARE = "[0-9]{1,4}[A-Za-z]?(?![0-9])"
_UNITS_RE = re.compile(
    f"(?:{_STRONG_UNIT})(?:{_STRONG_UNIT}|{_OTHER_UNIT})*"
    f"(?:(?<=[栋幢座元楼号层门]){_BARE})?"
    f"(?:{_HAN}{{1,6}}?(?:{_ESTATE}|{_ROAD})(?:{_STRONG_UNIT})(?:{_STRONG_UNIT}|{_OTHER_UNIT})*)?"
)
_QUICK_UNIT_RE = re.compile(
    f"(?:[0-9\\uff10-\\uff19{_NUMERALS}]|{_LETTER})(?:号|栋|幢|座|单元|室|组|弄)|[0-9]{_DASH}[0-9]"
)
_UNIT_HEAD = frozenset(
    "0123456789\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19" + _NUMERALS + "-－—第"
)
_MAX_ADDRESS_NAME = 40
#: After a cue word only these characters are cut too (原住|回龙观 keeps 回; 住|在幸福里 cuts 在).
_AFTER_CUE_CHARS = frozenset("在于到至往的是为住将把")
#: Characters cut from an address start while a real name remains (在幸福里 → 幸福里).
_ADDRESS_CUE_CHARS = frozenset("住在于到至往是的了从其该本此把将对由给称说与及或均都也还就已曾为")
_GENERIC_NAME_CHARS = frozenset("该本此其这那某各每全我你他她")
_REGION_NAMES: frozenset[str] | None = None


def _region_names() -> frozenset[str]:
    """Names of provinces, cities and counties, current and historical (3+ characters)."""
    global _REGION_NAMES
    if _REGION_NAMES is None:
        from privaudit.identifiers import regions

        names = set()
        for raw in regions.region_names().values():
            for part in raw.split(","):
                name = re.sub(r"^\[[^\]]*\]", "", part).strip()
                if len(name) >= 3:
                    names.add(name)
        _REGION_NAMES = frozenset(names)
    return _REGION_NAMES


def _first_segment_ok(text: str, j: int, end: int, strict: bool = False) -> bool:
    """Does a real place name start at ``j`` (not 小区 alone, not 该村, not 个小区)?

    The first place word after ``j`` decides; a name too short for it (翠 + 苑) lets a
    later one decide (翠苑 + 大厦).  ``strict`` (after cutting a cue) asks for a name of
    two characters before a street, estate or village word (于家村 stays whole).
    """
    if j >= end or text[j] in _GENERIC_NAME_CHARS:
        return False
    regions = _region_names()
    for x in range(j + 1, min(end, j + 16) + 1):
        k = _SUFFIX_W.ending_at(text, x, 1, j)
        if not k:
            continue
        suffix = text[x - k : x]
        name = x - k - j
        if name == 0:
            if suffix in _NOT_AT_START:
                return False  # 市朝阳区, 里小区: a place word cannot open a name
            continue  # 城关镇, 新城县: the next place word decides
        if text[j:x] in regions:
            return True
        kind = _SUFFIX_KIND[suffix]
        if name >= (2 if kind == "estate" or strict and kind != "admin" else 1):
            return True
    return False


def _trim_start(text: str, s: int, named_end: int) -> int | None:
    """The real start of an address whose place names run from ``s`` (cue words cut), or None."""
    best, best_strict = s, -1
    for j in range(s + 2, named_end):
        cue = _ADDR_CUE_W.ending_at(text, j, 2) > 0
        if not cue and not (text[j - 2 : j] in _VERBS and not _ADMIN_CHAR_RE.search(text, s, j - 2)):
            continue
        if cue and _first_segment_ok(text, j, named_end):
            best = j
        if _first_segment_ok(text, j, named_end, True):
            best_strict = j
    if best_strict >= 0:  # 反映人民街 → 人民街, not 民街
        best = best_strict
    # a known region name inside the first segment starts the address (…走访北京市 → 北京市)
    for x in range(best + 1, min(named_end, best + 16) + 1):
        if _SUFFIX_W.ending_at(text, x):
            if x - best <= 3:
                break
            regions = _region_names()
            for k in range(x - best - 1, 2, -1):
                if text[x - k : x] in regions:
                    best = x - k
                    break
            break
    return _strip_cue_chars(text, best, named_end, s)


def _strip_cue_chars(text: str, best: int, named_end: int, s: int | None = None) -> int | None:
    cut = s is not None and best > s
    if (
        best < named_end
        and text[best] in (_AFTER_CUE_CHARS if cut else _ADDRESS_CUE_CHARS)
        and _first_segment_ok(text, best + 1, named_end, True)
    ):
        best += 1
    if not _first_segment_ok(text, best, named_end):
        return None
    return best


def find_addresses(text: str) -> list[Span]:
    """ADDRESS spans in ``text``: place names plus at least one numbered unit."""
    spans: list[Span] = []
    pos = floor = 0
    while True:
        m = _QUICK_UNIT_RE.search(text, pos)
        if m is None:
            return spans
        pos = m.start() + 1
        # the unit token starts at its first digit/numeral/letter (十二栋, B座, 30-4-1582)
        u = m.start()
        while u > 0 and (text[u - 1] in _UNIT_HEAD or "A" <= text[u - 1].upper() <= "Z"):
            u -= 1
        if text[u : u + 1] in "-－—":
            u += 1
        r = u
        while r > floor and u - r < _MAX_ADDRESS_NAME and _is_han(text[r - 1]):
            r -= 1
        if r == u or not _LAST_SUFFIX_W.ending_at(text, u):
            continue
        um = _UNITS_RE.match(text, u)
        if um is None:
            continue
        start = _trim_start(text, r, u)
        if start is None:
            continue
        full = _ADMIN_CHAR_RE.search(text, start, u) is not None
        spans.append(Span(start, um.end(), SCORE_ADDRESS_FULL if full else SCORE_ADDRESS, ADDRESS))
        pos = floor = um.end()


# ---------------------------------------------------------------------------------------
# Both
# ---------------------------------------------------------------------------------------


def find(text: str) -> list[Span]:
    """PERSON and ADDRESS spans in ``text``, non-overlapping, sorted by start.

    Offsets index the original ``text``.  An address wins over a name it overlaps
    (``李家村3组`` is a village, not 李家), but a name at the start of an address
    ends there (``房东王芳将幸福里小区3栋…`` → 王芳 + 幸福里小区3栋…).
    """
    if not text:
        return []
    addresses = find_addresses(text)
    persons = find_persons(text)
    if addresses and persons:
        # both lists are sorted and free of overlaps within themselves
        ends = [p.end for p in persons]
        fixed: list[Span] = []
        for a in addresses:
            i = bisect.bisect_right(ends, a.start)
            while i < len(persons) and persons[i].start < a.end:
                p = persons[i]
                if p.end < a.end and (p.start <= a.start or _head(text, a, p)):
                    start = _strip_cue_chars(text, p.end, a.end)
                    a = a._replace(start=start) if start is not None else a
                i += 1
            fixed.append(a)
        addresses = fixed
        starts = [a.start for a in addresses]
        kept = []
        for p in persons:
            i = bisect.bisect_left(starts, p.end)  # addresses starting before p ends
            if i == 0 or addresses[i - 1].end <= p.start:
                kept.append(p)
        persons = kept
    return sorted(addresses + persons)


def _head(text: str, a: Span, p: Span) -> bool:
    """Is name ``p`` inside the leading place-name part of address ``a`` (no unit before it)?"""
    return not _QUICK_UNIT_RE.search(text, a.start, p.start) and _first_segment_ok(text, p.end, a.end)


# ---------------------------------------------------------------------------------------
# Prefilter (RE2: no lookarounds, no backreferences)
# ---------------------------------------------------------------------------------------


def _re2_alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _build_prefilter() -> str:
    """An RE2 pattern for every way :func:`find` can accept a span (see ``_judge``)."""
    han = "[\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]"
    nonhan = "[^\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}]"
    surname = f"(?:[{''.join(sorted(_SINGLES))}]|{_re2_alternation(_COMPOUNDS)})"
    given = f"[{''.join(sorted(_GIVEN))}]"
    prefix = _re2_alternation(_STRONG_PREFIX | _WEAK_PREFIX)
    suffix = _re2_alternation(_STRONG_SUFFIX | _WEAK_SUFFIX)
    parts = [
        f"(?:{prefix})[{_SEPARATORS}为是系]*{surname}",  # 户主王…, 与王…
        f"{surname}{han}{{1,2}}(?:{suffix})",  # 王建国反映, 王芳的
        f"(?:^|{nonhan}){surname}{given}{{1,2}}(?:$|{nonhan})",  # ，王芳，
        f"{han}[{_DOTS}]{han}",  # 阿依古丽·买买提
        _re2_alternation(TIBETAN_NAME_PARTS),
        "(?:[0-9\\x{ff10}-\\x{ff19}" + _NUMERALS + "]|[A-Za-z\\x{ff21}-\\x{ff3a}\\x{ff41}-\\x{ff5a}])"
        "(?:号|栋|幢|座|单元|室|组|弄)",  # 3栋, B座
        "[0-9][-－—][0-9]",  # 3-2-501
    ]
    return "|".join(f"(?:{p})" for p in parts)


#: RE2 pattern matching every cell in which :func:`find` can find a span.
PREFILTER: str = _build_prefilter()
