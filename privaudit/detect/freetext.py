"""Names and addresses inside free text: ``PERSON`` and ``ADDRESS`` spans.

Remark columns (备注, 情况说明, 走访记录 ...) carry names and addresses in running
text: ``户主王建国，现住幸福里小区3栋2单元501室``.  This module finds them with
rules and small dictionaries — no model, no download, a few microseconds a cell.

PERSON
    A surname (:data:`privaudit.detect.names.SURNAMES`, compound surnames first)
    plus one or two Han characters, accepted only with context: a role or
    relation before it (户主, 联系人, 妻子 …; any noun of three or more characters
    ending in 人/员/者/户/主/长/警: 持证人, 个体户), a verb of giving before it
    (赔偿, 拖欠), a title, verb or count after it (先生, 反映, 上门, 家中, 两人 …)
    or punctuation around it; a verb whose object is a person (转, 通知, 表扬了)
    or a preposition is weaker evidence.  The word lists beyond the core ones are in
    ``data/freetext_person_cues.txt``.  The context also decides between a 2- and
    a 3-character reading (``王建国反映`` → 王建国, ``王芳家中`` → 王芳, ``赵莉打电话``
    → 赵莉) and a name never swallows the next cue.  Ordinary words that begin
    with a surname character (白天, 方便, 陈述 — ``data/freetext_common_words.txt``)
    need strong context.  Given names may hold rare characters of CJK Extension A
    and B–H (王䶮, 张𠇔).  Minority names with ``·`` (``阿依古丽·买买提``) and
    Tibetan names (``扎西次仁``) are found too.

ADDRESS
    Optional administrative names (省/市/区/县/街道/镇/乡/社区/村 …), a street,
    estate or village name (路/街/巷/弄, 小区/花园/苑/公寓/大厦, 村/庄/屯) and at
    least one numbered unit (号, 栋/幢/座, 单元, 室, 组, 弄, ``3-2-501``; Arabic
    or Chinese numerals, full-width digits; 层 in towers; a bare room number after
    栋/单元/号楼).  A place name alone (``北京市``, ``平安``) is not an address.  The
    span runs from the first administrative or estate character to the last unit;
    cue words before it (现住, 家住, 居住在 …, and one-character verbs such as 住/在/称
    when a real place name follows: 夫妇住|阳光小区) are not part of it, unless
    the cut would split a known region name (商丘市民权县, 于都县, 呼和浩特市).

:data:`PREFILTER` is an RE2 pattern (for ``pyarrow.compute.match_substring_regex``)
that matches every cell in which :func:`find` can find something, so the scanner
sends only those cells through Python (:data:`PREFILTER_PARTS` are its parts: run one
by one they cost RE2 less on varied text).  :func:`find` caches its results by the
text with digits ignored, so repeated remark shapes (``家属电话<number>，低保户``) cost
a look-up.

>>> [(s.entity, "户主王建国，现住幸福里小区3栋2单元501室"[s.start:s.end]) for s in find("户主王建国，现住幸福里小区3栋2单元501室")]
[('PERSON', '王建国'), ('ADDRESS', '幸福里小区3栋2单元501室')]
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from importlib import resources
from itertools import chain

from privaudit.detect.names import COMPOUND_SURNAMES, SURNAMES, TIBETAN_NAME_PARTS
from privaudit.identifiers import Span

__all__ = [
    "PREFILTER",
    "PREFILTER_PARTS",
    "find",
    "find_persons",
    "find_addresses",
    "PERSON_CONTEXT",
    "ADDRESS_CONTEXT",
]

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

#: Han characters: the basic block, Extension A (U+3400–4DBF) and Extensions B–H
#: (U+20000–3134F, outside the BMP: 张𠇔).
_HAN_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0003134f"
_HAN = f"[{_HAN_RANGES}]"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0003134f"


def _is_rare_han(ch: str) -> bool:
    """A Han character outside the basic block (Extension A, B …): in running text such
    characters are almost only written in given names (王䶮, 张𠇔)."""
    return "\u3400" <= ch <= "\u4dbf" or "\U00020000" <= ch <= "\U0003134f"


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


def _person_cues(kind: str) -> frozenset[str]:
    """Words of one kind (role, verb, after) from ``data/freetext_person_cues.txt``."""
    return frozenset(
        w for w, k in (line.split("\t") for line in _read_data("freetext_person_cues.txt")) if k == kind
    )


#: Roles and relations before a name: 户主王建国, 联系人：李娜, 其子张伟.
_STRONG_PREFIX = (
    _person_cues("role")
    | _person_cues("give")
    | frozenset(
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
)
#: Weaker words before a name: prepositions, verbs with a person as object, time words.
_WEAK_PREFIX = _person_cues("verb") | frozenset(
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
_STRONG_SUFFIX = (
    _TITLES
    | _person_cues("after")
    | frozenset(
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
)
#: Weaker words after a name.
_WEAK_SUFFIX = frozenset(
    """的 家 在 于 和 与 及 、 是 为 等 也 还 又 都 就 有 无 不 未 已 现 来 去 到 带 男 女 年 岁 今 因 将
    把 被 让 请 向 对 住 同 从 所 并 则 以 前 后 等 户 时""".split()
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
#: Role words among the address cues (反映人, 申请人): a person's name, not a place, follows them.
_ROLE_CUES = frozenset(w for w in _STRONG_PREFIX if len(w) >= 2)

_SEPARATORS = "：: \u3000"

_FUNCTION_TAGS: dict[str, str] = dict(
    line.split("\t", 1) for line in _read_data("freetext_function_words.txt")
)
#: Two-character verbs, adverbs, prepositions … (word boundaries around names and addresses).
_FUNCTION = frozenset(_FUNCTION_TAGS)
_VERBS = frozenset(w for w, tag in _FUNCTION_TAGS.items() if tag.startswith("v"))
#: Common words beginning or ending with a surname character (白天, 方便, 了解 …).
_COMMON = frozenset(w for line in _read_data("freetext_common_words.txt") for w in line.split()) | frozenset(
    "张开 文明 王者 金额 方便 高兴 白天 周末 黄色 安全 平安 幸福 和平 于是 常常 时常 时间 明天 空巢 空挂".split()
)
_GIVEN = (
    frozenset("".join("".join(line.split()) for line in _read_data("freetext_given_chars.txt")))
    - _NEVER_GIVEN
)
#: Role and relation words that begin with a surname character are no names (带孙子去医院).
_COMMON = _COMMON | frozenset(
    w for w in _STRONG_PREFIX | _TITLES if w[0] in SURNAMES or w[:2] in COMPOUND_SURNAMES
)


def _given_ok(chars: str) -> bool:
    """Are all ``chars`` plausible given-name characters (listed, or rare Han characters)?"""
    return _GIVEN.issuperset(chars) or all(c in _GIVEN or _is_rare_han(c) for c in chars)


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

# Hot-path views of the word sets (the functions below inline the _Words look-ups).
_BOUND_WORDS, _BOUND_BY_LAST = _BOUND_W.words, _BOUND_W._by_last
_STRONG_PRE_WORDS, _STRONG_PRE_BY_LAST = _STRONG_PRE.words, _STRONG_PRE._by_last
_WEAK_PRE_WORDS, _WEAK_PRE_BY_LAST = _WEAK_PRE.words, _WEAK_PRE._by_last
_STRONG_SUF_WORDS, _STRONG_SUF_BY_FIRST = _STRONG_SUF.words, _STRONG_SUF._by_first
_WEAK_SUF_WORDS, _WEAK_SUF_BY_FIRST = _WEAK_SUF.words, _WEAK_SUF._by_first
_TITLE_WORDS, _TITLE_BY_FIRST = _TITLE_W.words, _TITLE_W._by_first


def _left_strength(text: str, s: int) -> float:
    """Evidence before a candidate name starting at ``s`` (``L_*``).

    L_ROLE: 户主王建国; L_CUE: 与王芳, 今天王芳; L_EDGE: start or punctuation; L_WORD:
    受理王桂芝; L_BOUND: the character at ``s`` ends a cue word or a common word
    (来访人员 → 员, 现居 → 居, 了解 → 解), so no name starts there.
    """
    if s == 0:
        return L_EDGE
    prev = text[s - 1]
    if not (
        "\u4e00" <= prev <= "\u9fff" or "\u3400" <= prev <= "\u4dbf" or "\U00020000" <= prev <= "\U0003134f"
    ):
        j = s
        while j > 0 and text[j - 1] in _SEPARATORS:
            j -= 1
        if 0 < j < s and _STRONG_PRE.ending_at(text, j):
            return L_ROLE
        return L_CUE if prev in _WEAK_PREFIX else L_EDGE  # 、
    lengths = _BOUND_BY_LAST.get(text[s])
    if lengths:  # a cue word (2+ characters) ends at s: 来访人员, 现居
        for k in lengths:
            if k <= s + 1 and text[s + 1 - k : s + 1] in _BOUND_WORDS:
                # 车主任丽娟: a role word (车主) ending right before s beats a title (主任) over s
                if text[s + 1 - k : s + 1] in _TITLE_WORDS and _STRONG_PRE.ending_at(text, s, 2):
                    break
                return L_BOUND
    lengths = _STRONG_PRE_BY_LAST.get(prev)
    if lengths:
        for k in lengths:
            if k <= s and text[s - k : s] in _STRONG_PRE_WORDS:
                return L_ROLE
    if prev in "为是系" and s > 1:
        lengths = _STRONG_PRE_BY_LAST.get(text[s - 2])
        if lengths:
            for k in lengths:
                if k <= s - 1 and text[s - 1 - k : s - 1] in _STRONG_PRE_WORDS:
                    return L_ROLE
    lengths = _WEAK_PRE_BY_LAST.get(prev)
    weak = 0
    if lengths:
        for k in lengths:
            if k <= s and text[s - k : s] in _WEAK_PRE_WORDS:
                weak = k
                break
    # 访华 is a word, but after 走访 the 华 starts a name (走访华桂珍家): a cue word of two or
    # more characters ending at s wins over a common word across s
    if weak < 2 and text[s - 1 : s + 1] in _COMMON and text[s : s + 2] not in _COMPOUNDS:
        return L_BOUND  # 人家, 主管, 长官: the suffix character starts a word here
    if prev in _AGENT_SUFFIXES and _agent_noun_before(text, s):
        return L_ROLE
    if text[s] in _AGENT_SUFFIXES and _agent_noun_before(text, s + 1):
        return L_BOUND  # 调解员: 员 ends a role noun, it starts no name
    if weak:
        return L_CUE
    if prev == "了" and _WEAK_PRE.ending_at(text, s - 1, 2):  # 表扬了王帅, 走访了王芳
        return L_CUE
    if text[s - 2 : s] in _FUNCTION:
        return L_WORD
    return L_NONE


#: Characters that end nouns of agents, roles and households: 持证人, 快递员, 经营者,
#: 个体户, 楼栋长.  A noun of three or more characters ending in one is a role before a
#: name (收件人尤军); the two-character ones are listed (户主, 民警, 患者 …).
_AGENT_SUFFIXES = frozenset("人员者户主长警")
#: Characters before an agent suffix that make no role noun: numbers and determiners
#: (三人, 每户, 他人, 该户).
_NOT_AGENT_HEAD = frozenset("一二三四五六七八九十百千万两几多每各该此这那本全某其他她你我个众有无没别等")
#: Words ending in an agent suffix that are no role (为主, 增长, 或者, 报警, 惊人 …).
_NOT_AGENT_NOUNS = frozenset(
    """为主 自主 民主 做主 作主 天主 成长 增长 延长 擅长 生长 专长 特长 见长 很长 较长 太长 过长 最长 漫长
    冗长 修长 细长 狭长 悠长 绵长 助长 拉长 加长 丢人 惊人 吓人 感人 动人 迷人 害人 骗人 杀人 伤人 打人
    骂人 找人 为人 做人 待人 用人 成人 坑人 气人 烦人 累人 喜人 怡人 宜人 逼人 超人 真人 个人 某人
    门户 窗户 落户 开户 账户 入户 过户 立户 分户 销户 拆户 挨户 逐户 千户 万户 或者 再者 前者 后者 两者
    三者 二者 报警 预警 告警 示警 接警 出警 动员 复员 减员 裁员 满员 超员""".split()
)


def _agent_noun_before(text: str, s: int) -> bool:
    """Does a role noun of three or more characters ending in an agent suffix (持证人,
    个体户) end right before ``s``?  The character at ``s - 1`` is the suffix."""
    if s < 3:
        return False
    head, first = text[s - 2], text[s - 3]
    return (
        "\u4e00" <= head <= "\u9fff"
        and "\u4e00" <= first <= "\u9fff"
        and head not in _NOT_AGENT_HEAD
        and first not in _NOT_AGENT_HEAD
        and text[s - 2 : s] not in _NOT_AGENT_NOUNS
    )


def _right_strength(text: str, e: int) -> float:
    """Evidence after a candidate ending at ``e`` (``R_*``): 先生 R_TITLE, 反映/家中
    R_STRONG, 的/在 R_CUE, end or punctuation R_EDGE, 陪护 R_WORD."""
    if e >= len(text):
        return R_EDGE
    c = text[e]
    lengths = _STRONG_SUF_BY_FIRST.get(c)
    if lengths:
        for k in lengths:
            word = text[e : e + k]
            if word in _STRONG_SUF_WORDS:
                return R_TITLE if word in _TITLE_WORDS else R_STRONG
    if not ("\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\U00020000" <= c <= "\U0003134f"):
        return R_EDGE
    if c in _COUNT_WORDS and (text[e + 1 : e + 2] in ("人", "家") or text[e + 1 : e + 3] == "口人"):
        return R_STRONG  # 王芳、李强两人, 张伟一家, 李明三口人
    lengths = _WEAK_SUF_BY_FIRST.get(c)
    if lengths:
        for k in lengths:
            if text[e : e + k] in _WEAK_SUF_WORDS:
                return R_CUE
    if text[e : e + 2] in _FUNCTION:
        return R_WORD
    return R_NONE


#: Province abbreviations that start a licence plate (陕Y86012).
_PLATE_PROVINCES = frozenset("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
#: A count of people after names: 王芳、李强两人, 张伟一家, 李明三口人.
_COUNT_WORDS = frozenset("一二两三四五六七八九十几")


def _title_at(text: str, g: int) -> bool:
    """Does a title (先生, 女士 …) start at ``g``?"""
    lengths = _TITLE_BY_FIRST.get(text[g])
    if lengths:
        for k in lengths:
            if text[g : g + k] in _TITLE_WORDS:
                return True
    return False


def _weak_suffix_at(text: str, e: int) -> bool:
    lengths = _WEAK_SUF_BY_FIRST.get(text[e])
    if lengths:
        for k in lengths:
            if text[e : e + k] in _WEAK_SUF_WORDS:
                return True
    return False


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
    if (
        c1 in _NEVER_GIVEN
        or not (
            "\u4e00" <= c1 <= "\u9fff" or "\u3400" <= c1 <= "\u4dbf" or "\U00020000" <= c1 <= "\U0003134f"
        )
        or _title_at(text, g)
    ):
        return None
    if g + 1 < size:
        third = text[g + 1]
        ok2 = (
            third not in _NEVER_GIVEN
            and ("\u4e00" <= third <= "\u9fff" or _is_rare_han(third))
            and not _title_at(text, g + 1)
        )
    else:
        ok2 = False
    r1 = _right_strength(text, g + 1)
    if ok2:
        r2 = _right_strength(text, g + 2)
        given3 = third in _GIVEN or _is_rare_han(third)
        if r1 and r2:
            n = 2 if given3 and (r2 > r1 or r2 == r1 and not _weak_suffix_at(text, g + 1)) else 1
        elif r2:
            n = 2
        elif r1:
            n = 1
        else:
            n = 2 if given3 else 1
        right = r2 if n == 2 else r1
    else:
        n, right = 1, r1
    e = g + n
    if text[e - 1] in _PLATE_PROVINCES and "A" <= text[e : e + 1] <= "Z":
        return None  # 的车陕Y86012: 陕 starts a licence plate
    cand = text[s:e]
    common_word = cand in _COMMON
    if left == L_ROLE:  # a role word before: 户主王建国
        if right >= R_STRONG:
            return Span(s, e, SCORE_STRONG, PERSON)
        if common_word or right <= R_WORD and k == 1 and n == 2 and cand[:2] in _COMMON:
            return None  # 主席纪念堂: a word, not a name
        if right > R_NONE:
            return Span(s, e, SCORE_STRONG, PERSON)
        if right == R_NONE and not common_word and _given_ok(cand[k:]):
            return Span(s, e, SCORE_WEAK, PERSON)
        return None
    if common_word:
        return None
    # 方便群 / 高兴地: the first two characters are a word and the third is no name character
    if k == 1 and n == 2 and cand[:2] in _COMMON and (right < R_STRONG or cand[2] not in _GIVEN):
        return None
    if right == R_TITLE:  # a title after: 王建国先生
        return Span(s, e, SCORE_STRONG, PERSON)
    given = _given_ok(cand[k:])
    if (
        k == 1
        and cand[0] in _TEXT_SURNAMES_NEED_ROLE
        and (right < R_STRONG or text[s - 1 : s].isdigit())
        # 路桂芳、, 转都冬梅处理: a full three-character name with cues on both sides
        and not (n == 2 and given and left >= L_EDGE and right >= R_WORD and not text[s - 1 : s].isdigit())
    ):
        return None
    if right == R_STRONG:
        if left > L_NONE:
            return Span(s, e, SCORE_STRONG, PERSON)
        if given:
            return Span(s, e, SCORE_MEDIUM, PERSON)
        return None
    if not given:
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


def _py_class(chars) -> str:
    return "".join(re.escape(c) for c in sorted(chars))


def _py_alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


#: A Han character that may be a given-name character (not in ``_NEVER_GIVEN``).
_GIVEN_OK = (
    f"[^\\x00-\\u33ff\\u4dc0-\\u4dff\\ua000-\\U0001ffff\\U00031350-\\U0010ffff{_py_class(_NEVER_GIVEN)}]"
)
#: Candidate name starts: a surname character followed by a possible first given-name
#: character (the single-surname reading), or the first character of a compound surname
#: whose second character is no given-name character (淳于, 闻人).  Every position at
#: which ``_judge_at`` can return a span is one (it checks the rest).  One character is
#: consumed, so overlapping candidates are all reported.
_ODD_COMPOUNDS = [c for c in _COMPOUNDS if c[1] in _NEVER_GIVEN or not _is_han(c[1])]
_CANDIDATE_RE = re.compile(
    f"[{_py_class(_CANDIDATE_CHARS)}](?={_GIVEN_OK})"
    + "".join(f"|{re.escape(c[0])}(?={re.escape(c[1])})" for c in sorted(_ODD_COMPOUNDS))
)
_DOTS = "·•・．‧∙⋅."
#: A dot between two Han characters (the pattern starts with the dot, so it is found fast).
_DOT_RE = re.compile(f"[{re.escape(_DOTS)}](?<={_HAN}[{re.escape(_DOTS)}])(?={_HAN})")
_MINORITY_RE = re.compile(f"{_HAN}{{1,10}}(?:[{re.escape(_DOTS)}]{_HAN}{{1,10}}){{1,3}}")
_TIBETAN_FIRST = frozenset(w[0] for w in TIBETAN_NAME_PARTS)
_TIBETAN_FIRST_RE = re.compile("[" + "".join(sorted(_TIBETAN_FIRST)) + "]")
_TIBETAN_PART = "(?:" + "|".join(sorted(TIBETAN_NAME_PARTS, key=lambda w: (-len(w), w))) + ")"
#: One or two Tibetan name parts (``X(?:X)?``, not ``X{1,2}``: the regex engine then
#: knows the possible first characters and skips ahead fast).
_TIBETAN_RE = re.compile(f"{_TIBETAN_PART}{_TIBETAN_PART}?")
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
        cue = bool(k and j - k >= s) or (j - 2 >= s and text[j - 2 : j] in _FUNCTION)
        if not cue and j - 3 >= s:
            if text[j - 1] in _AGENT_SUFFIXES:
                cue = _agent_noun_before(text, j)  # 收件人
            elif text[j - 1] == "了":
                cue = bool(_WEAK_PRE.ending_at(text, j - 1, 2, s))  # 表扬了
        if cue:
            cut = j
    return cut


def _minority_part_ends(text: str, j: int) -> bool:
    """Does a word that ends a transliterated name part start at ``j`` (吐尔逊|来电)?"""
    if _MINORITY_END.starting_at(text, j):
        return True
    if text[j] in _TRANSLITERATION:
        return False
    return (
        text[j : j + 2] in _FUNCTION
        or text[j] in _WEAK_PREFIX  # 带孙子, 转张丹
        or (text[j] in _COUNT_WORDS and text[j + 1 : j + 2] in ("人", "家"))  # 三人
    )


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
        cut = next((j for j in range(lo + 2, hi) if _minority_part_ends(text, j)), None)
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
        if s < taken_until:
            continue
        left = _left_strength(text, s)
        if left < L_EDGE:
            # without evidence on the left a name needs a strong cue right after it
            # (a weak one after a verb): a cheap look at the next characters first
            if left < 0:
                continue
            need = _STRONG_FIRST if left == L_NONE else _CUE_FIRST
            if need.isdisjoint(text[s + 2 : s + 5]):
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
            elif (
                left < L_ROLE
                and (s == 0 or not _is_han(text[s - 1]))
                and _right_strength(text, span.end) < R_TITLE
                # 向淑珍反映: no surname follows 向, so 向 is no preposition here
                and not (
                    text[s + 1] not in _CANDIDATE_CHARS
                    and span.end - s == 3
                    and _given_ok(text[s + 1 : span.end])
                )
            ):
                chosen = None  # 由高洁代为: 由 is a cue word here, not a surname
        if chosen is None:
            continue
        spans.append(chosen)
        taken_until = chosen.end
    return _drop_overlaps(spans) if len(spans) > 1 else spans


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
    "中心|大楼|商厦|写字楼|商城|科技园|产业园|工业园|"
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
_DIGIT = "[0-9\\uff10-\\uff19]"
#: Units that make an address precise.
#: 楼 followed by one of these is a place word (楼下 downstairs), not a unit.
_LOCATIVE = "(?![下上前后里内外道顶梯口])"
_STRONG_UNIT = (
    f"(?:第?{_NUM}(?:号楼{_LOCATIVE}|号院|号|栋|幢|座|单元|室|层|村民小组|小组|组|弄)"
    f"|{_LETTER}{{1,2}}[0-9]{{0,3}}(?:栋|幢|座|区|单元)"
    f"|{_DIGIT}{{1,4}}{_DASH}{_DIGIT}{{1,4}}(?:{_DASH}{_DIGIT}{{1,5}})?(?:室|号)?)"
)
#: Further units, accepted after a strong one; a bare number only right after 栋/单元/号楼 ….
_OTHER_UNIT = (
    f"(?:第?{_NUM}(?:楼{_LOCATIVE}|队|社|排|期|户|房|号房)|(?:[0-9]{{1,2}}|[一二三四五六七八九十]{{1,2}})门(?![前口外内])"
    f"|附{_NUM}号|之{_NUM})"
)
_BARE = "[0-9\\uff10-\\uff19]{1,4}[A-Za-z]?(?![0-9\\uff10-\\uff19])"
_UNITS_RE = re.compile(
    f"(?:{_STRONG_UNIT})(?:{_STRONG_UNIT}|{_OTHER_UNIT})*"
    f"(?:(?<=[栋幢座元楼号层门]){_BARE})?"
    f"(?:{_HAN}{{1,6}}?(?:{_ESTATE}|{_ROAD})(?:{_STRONG_UNIT})(?:{_STRONG_UNIT}|{_OTHER_UNIT})*"
    f"(?:(?<=[栋幢座元楼号层门]){_BARE})?)?"
)
#: A numbered unit (3栋, 十二组, B座) or 3-2: where an address may end.  Written to start
#: with one character class, so that the regex engine skips ahead fast.
_QUICK_UNIT_RE = re.compile(
    f"[0-9\\uff10-\\uff19{_NUMERALS}A-Za-z\\uff21-\\uff3a\\uff41-\\uff5a]"
    f"(?:[号栋幢座室组弄层]|单元|小组|村民小组|(?<={_DIGIT}){_DASH}{_DIGIT})"
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
        _REGION_HEADS.update(name[:2] for name in names)
        _REGION_PAIRS.update(name[i : i + 2] for name in names for i in range(len(name) - 1))
        _REGION_NAMES = frozenset(names)
    return _REGION_NAMES


#: The first two characters of every region name, and every two characters in one
#: (cheap tests before the look-ups).
_REGION_HEADS: set[str] = set()
_REGION_PAIRS: set[str] = set()


_ADDR_CUE_WORDS, _ADDR_CUE_BY_LAST = _ADDR_CUE_W.words, _ADDR_CUE_W._by_last
#: A character that ends an address cue word (住, 在, 址 …).
_CUE_LAST_RE = re.compile(f"[{_py_class(_ADDR_CUE_BY_LAST)}]")
_SUFFIX_WORDS, _SUFFIX_BY_LAST = _SUFFIX_W.words, _SUFFIX_W._by_last
#: Everything up to the last non-Han character (the Han run before a unit starts after it).
_LAST_NON_HAN_RE = re.compile(f"(?s:.*)[^{_HAN_RANGES}]")


#: Verbs and prepositions of one character after which an address starts (夫妇住|阳光小区,
#: 停在|团结路).  They count only where a strict place name follows (于家村 stays whole).
_SINGLE_CUES = frozenset("住在于到至往称说")
#: The longest region name looked up (积石山保安族东乡族撒拉族自治县 has 15 characters).
_MAX_REGION_NAME = 16


def _region_at(text: str, j: int) -> bool:
    """Does a known region name (3+ characters: 那曲市, 市中区) start at ``j``?"""
    regions = _REGION_NAMES or _region_names()
    if text[j : j + 2] not in _REGION_HEADS:
        return False
    return any(text[j : j + size] in regions for size in range(3, min(_MAX_REGION_NAME, len(text) - j) + 1))


_ADMIN_END_RE = re.compile("[省市县区旗州盟]")


def _cuts_region(text: str, j: int) -> bool:
    """Does a known region name run across position ``j`` (a cut at ``j`` would split it:
    商丘市民|权县, 于|都县, 称呼|和浩特市, 积石山保安|族东乡族撒拉族自治县)?"""
    regions = _REGION_NAMES or _region_names()
    if j < 1 or text[j - 1 : j + 1] not in _REGION_PAIRS:
        return False
    ends = [m.end() for m in _ADMIN_END_RE.finditer(text, j, j + _MAX_REGION_NAME)]
    if not ends:
        return False
    heads = _REGION_HEADS
    for i in range(max(0, j - _MAX_REGION_NAME + 1), j):
        if text[i : i + 2] not in heads:
            continue
        for e in ends:
            if 3 <= e - i <= _MAX_REGION_NAME and text[i:e] in regions:
                return True
    return False


def _first_segment_ok(text: str, j: int, end: int, strict: bool = False) -> bool:
    """Does a real place name start at ``j`` (not 小区 alone, not 该村, not 个小区)?

    The first place word after ``j`` decides; a name too short for it (翠 + 苑) lets a
    later one decide (翠苑 + 大厦).  ``strict`` (after cutting a cue) asks for a name of
    two characters before a street, estate or village word (于家村 stays whole).
    """
    if j >= end:
        return False
    if text[j] in _GENERIC_NAME_CHARS:
        return _region_at(text, j)  # 那曲市, not 那个小区
    for x in range(j + 1, min(end, j + 16) + 1):
        lengths = _SUFFIX_BY_LAST.get(text[x - 1])
        if lengths is None:
            if not ("\u4e00" <= text[x - 1] <= "\u9fff" or _is_rare_han(text[x - 1])):
                return False  # the place name ends at a digit or punctuation
            continue
        # the longest place word ending at x that starts at or after j
        k = 0
        for n in lengths:
            if n <= x - j and text[x - n : x] in _SUFFIX_WORDS:
                k = n
                break
        if not k:
            continue
        suffix = text[x - k : x]
        name = x - k - j
        if name == 0:
            if suffix in _NOT_AT_START:
                # 市朝阳区, 里小区: a place word cannot open a name (but 市中区 is a district)
                return _region_at(text, j)
            continue  # 城关镇, 新城县: the next place word decides
        if text[j:x] in (_REGION_NAMES or _region_names()):
            return True
        kind = _SUFFIX_KIND[suffix]
        if name >= (2 if kind == "estate" or strict and kind != "admin" else 1):
            return True
    return False


def _trim_start(text: str, s: int, named_end: int) -> int | None:
    """The real start of an address whose place names run from ``s`` (cue words cut), or None.

    The last position after a cue word or a verb where a strict place name starts wins
    (反映人民街 → 人民街, not 民街); failing that, the last one after a cue word where
    any place name starts.  Verbs count only before the first administrative character.
    """
    admin = _ADMIN_CHAR_RE.search(text, s, named_end)
    verbs_until = admin.start() + 2 if admin is not None else named_end
    best = -1
    cues: list[int] = []
    # after the verbs' reach only a cue word can end at j: look where cue words can end
    far = [m.end() for m in _CUE_LAST_RE.finditer(text, max(verbs_until, s + 1), named_end - 1)]
    for j in chain(reversed(far), range(min(verbs_until, named_end - 1), s + 1, -1)):
        cue = False
        size = 0
        lengths = _ADDR_CUE_BY_LAST.get(text[j - 1])
        if lengths:  # a cue word of two or more characters (现住, 居住在 …) ends at j
            for k in lengths:
                if 2 <= k <= j and text[j - k : j] in _ADDR_CUE_WORDS:
                    # 商丘市民权县: 市民 is no cue when a region name starts inside it
                    cue = not _cuts_region(text, j)
                    size = k
                    break
        if not cue and text[j - 1] in _SINGLE_CUES and j - 1 > s:
            # 夫妇住|阳光小区, 停在|团结路 (a strict name must follow), not 于|都县
            cue = not _cuts_region(text, j)
        if cue:
            cues.append(j)
        elif j > verbs_until or text[j - 2 : j] not in _VERBS or _cuts_region(text, j):
            continue  # no verb, or one that a region name overlaps (称呼|和浩特市, 为重|庆市)
        elif _ADDR_CUE_W.ending_at(text, j - 1, 2):
            continue  # 现居|中山西路, not 现|居中|山西路: the verb overlaps a cue word
        elif text[j - 2] in _SINGLE_CUES and _first_segment_ok(text, j - 1, named_end, True):
            j -= 1  # 在建|设中路: the preposition 在, then 建设中路
        if _first_segment_ok(text, j, named_end, True):
            best = j
            # 反映|人民南街, not 反映人|民南街: a role word (反映人, which a person's name
            # would follow) that extends a cue by the place name's first character gives it back
            if (
                size >= 3
                and text[j - size : j] in _ROLE_CUES
                and text[j - size : j - 1] in _ADDR_CUE_WORDS
                and _first_segment_ok(text, j - 1, named_end, True)
            ):
                best = j - 1
            break
    if best < 0:
        best = next((j for j in cues if _first_segment_ok(text, j, named_end)), -1)
    # a place name is known to start at best (strict implies plain) unless best is s
    known = best
    if best < 0:
        best = s
    # a known region name inside the first segment starts the address (…走访北京市 → 北京市)
    for x in range(best + 1, min(named_end, best + 16) + 1):
        if text[x - 1] not in _SUFFIX_BY_LAST or not _SUFFIX_W.ending_at(text, x):
            continue
        if x - best <= 3:
            break
        regions = _REGION_NAMES or _region_names()
        for k in range(x - best, 2, -1):  # the longest first: 马鞍山市, not 鞍山市
            if text[x - k : x] in regions:
                best = x - k
                break
        break
    return _strip_cue_chars(text, best, named_end, s, best == known)


def _strip_cue_chars(
    text: str, best: int, named_end: int, s: int | None = None, known_ok: bool = False
) -> int | None:
    """Cut one cue character (在幸福里 → 幸福里) if a strict place name follows it; None
    if no place name starts at the result.  ``known_ok``: one is known to start at
    ``best`` (saves the check; a strict place name implies a plain one)."""
    cut = s is not None and best > s
    if (
        best < named_end
        and text[best] in (_AFTER_CUE_CHARS if cut else _ADDRESS_CUE_CHARS)
        and _first_segment_ok(text, best + 1, named_end, True)
        and not _cuts_region(text, best + 1)  # 于都县 keeps its 于
    ):
        return best + 1
    if not known_ok and not _first_segment_ok(text, best, named_end):
        return None
    return best


def find_addresses(text: str) -> list[Span]:
    """ADDRESS spans in ``text``: place names plus at least one numbered unit."""
    spans: list[Span] = []
    pos = floor = 0
    failed = -1  # the last unit start that led nowhere (with the current floor)
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
        # a place word must end right before the unit, after the last address
        if u <= floor or u == failed or not _LAST_SUFFIX_W.ending_at(text, u):
            continue
        failed = u
        um = _UNITS_RE.match(text, u)
        if um is None:
            continue
        # the place names: the Han run before the unit (at most _MAX_ADDRESS_NAME characters)
        r = max(floor, u - _MAX_ADDRESS_NAME)
        non_han = _LAST_NON_HAN_RE.match(text, r, u)
        start = _trim_start(text, r if non_han is None else non_han.end(), u)
        if start is None:
            continue
        full = _ADMIN_CHAR_RE.search(text, start, u) is not None
        spans.append(Span(start, um.end(), SCORE_ADDRESS_FULL if full else SCORE_ADDRESS, ADDRESS))
        pos = floor = um.end()
        failed = -1


# ---------------------------------------------------------------------------------------
# Both
# ---------------------------------------------------------------------------------------

#: Results of :func:`find` by text with every ASCII digit read as ``0`` (UTF-8 bytes):
#: no rule tells one digit from another, so ``家属电话13800000000，低保户`` and
#: ``家属电话13912345678，低保户`` share one entry.  Cleared when full.
_CACHE: dict[bytes, tuple[Span, ...]] = {}
_CACHE_SIZE = 1 << 15
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")


def find(text: str) -> list[Span]:
    """PERSON and ADDRESS spans in ``text``, non-overlapping, sorted by start.

    Offsets index the original ``text``.  An address wins over a name it overlaps
    (``李家村3组`` is a village, not 李家), but a name at the start of an address
    ends there (``房东王芳将幸福里小区3栋…`` → 王芳 + 幸福里小区3栋…).

    Results are cached by the text's shape (digits ignored: remarks such as
    ``家属电话<number>，低保户`` repeat with new numbers), so repeated shapes cost
    a dictionary look-up.
    """
    if not text or not isinstance(text, str):
        return _find(text)
    key = text.encode("utf-8", "surrogatepass").translate(_DIGITS_AS_ZERO)
    found = _CACHE.get(key)
    if found is None:
        found = tuple(_find(text))
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[key] = found
    return list(found)


def _find(text: str) -> list[Span]:
    """:func:`find` without the cache."""
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
                    # 房东王芳将幸福里小区…: the address starts after the name, if a real
                    # place name is left (not 盛世|家园, 于青|年胡同: the name was part of it)
                    start = _strip_cue_chars(text, p.end, a.end)
                    if (
                        start is not None
                        and not _SUFFIX_W.starting_at(text, start)  # 明珠|家园: the name named the estate
                        and not _cuts_region(text, start)  # 于成|都市: the name took a region's head
                        and _first_segment_ok(text, start, a.end, True)
                    ):
                        a = a._replace(start=start)
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
    elif not addresses:
        return persons
    elif not persons:
        return addresses
    return sorted(addresses + persons)


def _head(text: str, a: Span, p: Span) -> bool:
    """Is name ``p`` inside the leading place-name part of address ``a`` (no unit before it)?"""
    return not _QUICK_UNIT_RE.search(text, a.start, p.start) and _first_segment_ok(text, p.end, a.end)


# ---------------------------------------------------------------------------------------
# Prefilter (RE2: no lookarounds, no backreferences)
# ---------------------------------------------------------------------------------------


def _re2_alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=lambda w: (-len(w), w)))


def _re2_class(chars) -> str:
    return "".join(re.escape(c) if ord(c) < 0x80 else f"\\x{{{ord(c):x}}}" for c in sorted(chars))


def _re2_han_except(chars) -> str:
    """An RE2 class: one Han character not in ``chars``."""
    return (
        f"[^\\x00-\\x{{33ff}}\\x{{4dc0}}-\\x{{4dff}}\\x{{a000}}-\\x{{1ffff}}\\x{{31350}}-\\x{{10ffff}}"
        f"{_re2_class(chars)}]"
    )


#: Surname characters also common as the first character of ordinary words before a
#: cue (家属电话, 家中): the prefilter leaves out surname + character where the two form a
#: common word.  Only 家: every further character's exclusion list enlarges the RE2
#: program, and a larger program makes RE2 fall back from its DFA on varied text
#: (four times slower with all of ``_TEXT_SURNAMES_NEED_ROLE``).
_PREFILTER_COMMON_WORD_SURNAMES = "家"


def _prefilter_parts() -> tuple[str, ...]:
    """RE2 patterns, one for each way :func:`find` can accept a span (see ``_judge``).

    Each part is a necessary condition of some ways to a span, and every way is
    covered, so together they match every cell with a span and few others:

    * a role or cue word, then a surname (户主王…, 与王…): the only ways to a
      name without a cue after it;
    * a surname, one or two possible given-name characters (not 的, 电 …) and a cue
      (反映, 先生, 电话, 的 …), not where the surname and one character form a common
      word (家属电话);
    * punctuation or the start, a surname (not 年, 时 …), one or two given-name
      characters, punctuation or the end (，王芳，);
    * ``·`` names; Tibetan names;
    * a place word directly followed by a numbered unit (小区3栋, 村5组, 大厦B座).

    Three parts that slide over Han text (the first three) are what RE2's DFA affords
    in one pattern: a fourth (weak cues apart from strong ones) made it fall back to
    its slow path on varied text.
    """
    han_ranges = "\\x{3400}-\\x{4dbf}\\x{4e00}-\\x{9fff}\\x{20000}-\\x{3134f}"
    han = f"[{han_ranges}]"
    nonhan = f"[^{han_ranges}]"
    rare = "\\x{3400}-\\x{4dbf}\\x{20000}-\\x{3134f}"  # rare characters count as given-name ones
    ok = _re2_han_except(_NEVER_GIVEN)  # a possible given-name character
    singles = f"[{_re2_class(_SINGLES)}]"
    compounds = f"(?:{_re2_alternation(_COMPOUNDS)})"
    surname = f"(?:{singles}|{compounds})"
    # a single surname + one possible given-name character that is no common word
    special = sorted(set(_PREFILTER_COMMON_WORD_SURNAMES) & _SINGLES)
    one_given = [
        c + _re2_han_except(_NEVER_GIVEN | {w[1] for w in _COMMON if len(w) == 2 and w[0] == c})
        for c in special
    ]
    one_given.append(f"[{_re2_class(_SINGLES - set(special))}]{ok}")
    given = f"[{_re2_class(_GIVEN)}{rare}]"
    name_like = (
        f"(?:(?:[{_re2_class(_SINGLES - _TEXT_SURNAMES_NEED_ROLE)}]|{compounds}){given}{{1,2}}"
        f"|[{_re2_class(_TEXT_SURNAMES_NEED_ROLE)}]{given}{{2}})"
    )
    prefix = _re2_alternation(_STRONG_PREFIX | _WEAK_PREFIX)
    agent = f"{_re2_han_except(_NOT_AGENT_HEAD)}[{_re2_class(_AGENT_SUFFIXES)}]"  # 持证人, 个体户 (not 无人)
    count = f"[{_re2_class(_COUNT_WORDS)}](?:人|家|口人)"  # 两人, 一家
    cue = _re2_alternation(_STRONG_SUFFIX | _WEAK_SUFFIX) + "|" + count
    place = _re2_alternation(
        w for w, kind in _SUFFIX_KIND.items() if kind != "admin" or w in ("社区", "街道", "镇", "乡")
    )
    num = f"(?:[0-9\\x{{ff10}}-\\x{{ff19}}]{{1,5}}|[{_NUMERALS}]{{1,4}})"
    letter = "[A-Za-z\\x{ff21}-\\x{ff3a}\\x{ff41}-\\x{ff5a}]"
    dash = "[-\\x{ff0d}\\x{2014}]"
    unit = (
        f"(?:第?{num}(?:号|栋|幢|座|单元|室|层|小组|组|弄|村民小组)"
        f"|{letter}{{1,2}}[0-9]{{0,3}}(?:栋|幢|座|区|单元)"
        f"|[0-9\\x{{ff10}}-\\x{{ff19}}]{{1,4}}{dash}[0-9\\x{{ff10}}-\\x{{ff19}}])"
    )
    return (
        f"(?:{prefix}|{agent})了?[{_SEPARATORS}为是系]*{surname}",  # 户主王…, 与王…, 收件人王…, 表扬了王…
        f"(?:{singles}{ok}{ok}|{'|'.join(one_given)}|{compounds}{ok}{ok}?)(?:{cue})",  # 王建国反映, 王芳的
        f"(?:^|{nonhan}){name_like}(?:$|{nonhan})",  # ，王芳，
        f"{han}[{_DOTS}]{han}",  # 阿依古丽·买买提
        _re2_alternation(TIBETAN_NAME_PARTS),
        f"(?:{place}){unit}",  # 小区3栋, 村5组, 大厦B座
    )


#: The parts of :data:`PREFILTER`: a cell passes if any part matches.  Run one by one
#: (a DFA each) they cost RE2 less on varied text than the joined pattern.
PREFILTER_PARTS: tuple[str, ...] = _prefilter_parts()
#: RE2 pattern matching every cell in which :func:`find` can find a span.
PREFILTER: str = "|".join(f"(?:{p})" for p in PREFILTER_PARTS)
