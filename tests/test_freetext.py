"""PERSON and ADDRESS spans in free text (privaudit.detect.freetext).

Three kinds of checks: hand-written cells with exact spans, two independently
written template corpora (Faker zh_CN names, generated addresses, distractors)
scored per entity against the ≥ 0.95 precision/recall target, and properties
(offsets, prefilter superset, no crash on any text) over generated text.  The
patterns fixed for issue #3 are in ``test_freetext_patterns.py``.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.detect import freetext
from privaudit.detect.freetext import PREFILTER, find


def spans(text: str) -> list[tuple[str, str]]:
    return [(s.entity, text[s.start : s.end]) for s in find(text)]


# -- hand-written cells -------------------------------------------------------------------


_NAME_CASES = [
    (
        "户主王建国，身份证11010519491231002X，现住幸福里小区3栋2单元501室，电话138 1234 5678",
        [("PERSON", "王建国"), ("ADDRESS", "幸福里小区3栋2单元501室")],
    ),
    ("王建国反映楼道灯坏了", [("PERSON", "王建国")]),  # the name does not swallow 反
    ("联系人：李娜，电话13812345678", [("PERSON", "李娜")]),
    ("户主王芳家中有三口人", [("PERSON", "王芳")]),  # 2 characters: 家中 is a cue
    ("户主王建国家中有三口人", [("PERSON", "王建国")]),
    ("户主王芳的女儿李丽来电", [("PERSON", "王芳"), ("PERSON", "李丽")]),
    ("村民张伟说家里漏水", [("PERSON", "张伟")]),
    ("欧阳娜娜反映小区停水", [("PERSON", "欧阳娜娜")]),
    ("司马光先生来电咨询", [("PERSON", "司马光")]),
    ("阿依古丽·买买提反映低保问题", [("PERSON", "阿依古丽·买买提")]),
    ("村民买买提·吐尔逊来电", [("PERSON", "买买提·吐尔逊")]),
    (
        "阿依古丽·买买提的儿子买买提·吐尔逊在外打工",
        [("PERSON", "阿依古丽·买买提"), ("PERSON", "买买提·吐尔逊")],
    ),
    ("户主扎西次仁反映", [("PERSON", "扎西次仁")]),
    ("王伟、李秀英夫妇均已退休", [("PERSON", "王伟"), ("PERSON", "李秀英")]),
    ("走访独居老人赵桂兰，身体状况良好", [("PERSON", "赵桂兰")]),
    ("经王建国同意，入户核实", [("PERSON", "王建国")]),  # 经 is not part of the name
    ("张建华（户主）家中有三口人", [("PERSON", "张建华")]),
    ("来访人员蔡晶称其房屋漏水", [("PERSON", "蔡晶")]),  # 员 is not a surname here
    ("网格员陈明走访幸福小区3-2-501", [("PERSON", "陈明"), ("ADDRESS", "幸福小区3-2-501")]),
    ("王桂芳女士反映家中老人无人照顾", [("PERSON", "王桂芳")]),
    ("王宁奶奶因病住院，其女王霞陪护", [("PERSON", "王宁"), ("PERSON", "王霞")]),
    ("受理王桂芝的诉求，已转办", [("PERSON", "王桂芝")]),
]


@pytest.mark.parametrize(("text", "expected"), _NAME_CASES)
def test_names_in_context(text, expected):
    assert spans(text) == expected


_ADDRESS_CASES = [
        ("家住北京市朝阳区建外街道幸福社区幸福里小区3栋2单元501室", "北京市朝阳区建外街道幸福社区幸福里小区3栋2单元501室"),
        ("住李家村3组28号", "李家村3组28号"),
        ("广东省深圳市南山区粤海街道高新社区科技园小区三栋二单元1201室", "广东省深圳市南山区粤海街道高新社区科技园小区三栋二单元1201室"),
        ("家住人民路123号", "人民路123号"),
        ("现住中山北路5号院3号楼2单元501", "中山北路5号院3号楼2单元501"),
        ("该户住在阳光花园东区5栋1203室", "阳光花园东区5栋1203室"),
        ("居住在于家村五组", "于家村五组"),  # 于 is cut only while a real name remains
        ("反映人民街306号院6号楼2单元229门前积水", "人民街306号院6号楼2单元229"),
        ("原住回龙观北区20号楼5门380的住户已搬走", "回龙观北区20号楼5门380"),
        ("已于3月搬离南锣鼓巷59号", "南锣鼓巷59号"),
        ("现居香港特别行政区辽阳市门头沟县和平街道西苑社区碧水湾公寓18号楼五单元2301室",
         "香港特别行政区辽阳市门头沟县和平街道西苑社区碧水湾公寓18号楼五单元2301室"),
        ("在西藏自治区太原市安居县青山镇小河村8组25号居住", "西藏自治区太原市安居县青山镇小河村8组25号"),
        ("住金地二期38栋2082，户主马桂珍", "金地二期38栋2082"),
        ("徐汇区淮海中路606弄25号426室", "徐汇区淮海中路606弄25号426室"),
        ("来电反映翠苑大厦27-6-1960漏水", "翠苑大厦27-6-1960"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), _ADDRESS_CASES)
def test_address_shapes(text, expected):
    found = [piece for entity, piece in spans(text) if entity == "ADDRESS"]
    assert found == [expected]


def test_name_before_address_ends_it():
    text = "房东周娟将柳树村十组54号出租给邹丽娟"
    assert spans(text) == [("PERSON", "周娟"), ("ADDRESS", "柳树村十组54号"), ("PERSON", "邹丽娟")]


_NO_SPAN_CASES = [
    "今天白天家中无人，方便的时候再来",
    "北京市是首都，平安幸福",
    "周末金额高兴黄色张开",
    "王者荣耀玩得太多",
    "2023年3月5日走访了3户，情况正常",
    "社区组织3次活动，到医院3楼",
    "小区3栋楼道灯坏了",  # no estate name
    "这个小区3栋有人反映",
    "3号楼电梯故障，已通知维修",
    "北京市朝阳区平安幸福社区开展活动",
    "高兴地表示感谢",
    "石油价格上涨，群众关注",
    "家中无人，下次再访",
    "江苏省南京市鼓楼区",
    "第2组第3次会议在村委会召开",
    "共发放补贴3.5万元，涉及28户",
    "张家口市今年降雨偏多",
    "方便面和矿泉水已送到",
    "白天外出，晚上回家",
    "金额合计3580元，已发放",
]


@pytest.mark.parametrize("text", _NO_SPAN_CASES)
def test_distractors_have_no_spans(text):
    assert find(text) == []


def test_offsets_index_the_original_text():
    text = "  备注：户主 王建国，住幸福里小区３栋２单元５０１室"
    found = find(text)
    assert [(s.entity, text[s.start : s.end]) for s in found] == [
        ("PERSON", "王建国"),
        ("ADDRESS", "幸福里小区３栋２单元５０１室"),
    ]
    assert all(0 <= s.start < s.end <= len(text) and 0 < s.score <= 1 for s in found)


def test_empty_and_non_chinese_text():
    assert find("") == []
    assert find("N/A") == []
    assert find("Zhang Wei, 12 Main Street") == []


# -- template corpora: precision and recall ------------------------------------------------

_MINORITY = [
    "阿依古丽·买买提",
    "买买提·吐尔逊",
    "努尔艾力·艾买提",
    "古丽娜尔·阿不都",
    "热依拉·艾合买提",
    "艾力·库尔班",
]
_COMPOUNDS = ["欧阳", "司马", "诸葛", "上官", "东方", "慕容", "司徒", "夏侯", "皇甫", "令狐"]
_COMPOUND_GIVEN = ["娜娜", "光", "明", "文华", "静", "建国", "小红", "伟"]
_ESTATES = [
    "幸福里",
    "阳光",
    "翠苑",
    "金色家园",
    "绿地",
    "万科城市",
    "和平里",
    "建设",
    "锦绣",
    "碧水湾",
    "东湖",
    "新华",
    "龙湖",
]
_ESTATE_SUFFIXES = ["小区", "花园", "家园", "公寓", "苑", "新村", "大厦"]
_ROADS = [
    "人民",
    "中山北",
    "解放",
    "建设",
    "长江",
    "黄河",
    "胜利",
    "朝阳",
    "文化",
    "幸福",
    "和平",
    "友谊",
    "滨江",
]
_VILLAGES = ["李家", "王庄", "张家", "柳树", "石桥", "前进", "红星", "大王", "河东", "杨柳"]
_CN = "一二三四五六七八九十"


def _num(r: random.Random, lo: int, hi: int) -> str:
    n = r.randint(lo, hi)
    return _CN[n - 1] if n <= 10 and r.random() < 0.3 else str(n)


def _address_a(r: random.Random, f: Faker) -> str:
    kind = r.randrange(6)
    district = f.district() + r.choice(["区", "县"])
    estate = r.choice(_ESTATES) + r.choice(_ESTATE_SUFFIXES)
    unit = (
        f"{_num(r, 1, 30)}{r.choice(['栋', '幢', '号楼'])}{_num(r, 1, 6)}单元{r.randint(1, 30)}{r.randint(1, 4):02d}"
        + r.choice(["室", "室", ""])
    )
    if kind == 0:
        street = r.choice(["建外", "和平", "新华", "城关", "东风", "南湖"]) + "街道"
        community = r.choice(["幸福", "阳光", "友谊", "花园", "东城", "西苑"]) + "社区"
        return f.province() + f.city() + district + street + community + estate + unit
    if kind == 1:
        return estate + unit
    if kind == 2:
        town = r.choice(["城关", "新集", "河口", "马庄"]) + "镇"
        return (
            r.choice(["", town, district + town])
            + r.choice(_VILLAGES)
            + f"村{_num(r, 1, 12)}组{r.randint(1, 99)}号"
        )
    if kind == 3:
        return (
            r.choice(["", f.city() + district])
            + r.choice(_ROADS)
            + r.choice(["路", "大街", "街"])
            + f"{r.randint(1, 999)}号"
            + r.choice(["", f"院{r.randint(1, 9)}号楼{r.randint(1, 6)}单元{r.randint(101, 1802)}"])
        )
    if kind == 4:
        return estate + f"{r.randint(1, 30)}-{r.randint(1, 6)}-{r.randint(101, 2402)}"
    return f.city() + district + estate + f"{r.choice('ABCDE')}座{r.randint(101, 2402)}室"


def _address_b(r: random.Random, f: Faker) -> str:
    kind = r.randrange(7)
    if kind == 0:
        return (
            f"{f.province()}{f.city()}{r.choice(['平安', '永安', '安居'])}县{r.choice(['青山', '白马', '桃花'])}镇"
            f"{r.choice(['大柳树', '小河', '西沟'])}村{r.randint(1, 9)}组{r.randint(1, 120)}号"
        )
    if kind == 1:
        return f"{f.city()}{r.choice(['徐汇', '黄浦', '静安'])}区{r.choice(['康定', '淮海中', '武康'])}路{r.randint(1, 999)}弄{r.randint(1, 60)}号{r.randint(101, 602)}室"
    if kind == 2:
        return f"{r.choice(['南锣鼓巷', '帽儿胡同', '西四北三条', '菊儿胡同'])}{r.randint(1, 99)}号"
    if kind == 3:
        return f"{r.choice(['天通苑', '回龙观', '望京', '北苑家园'])}{r.choice(['东', '西', '北'])}区{r.randint(1, 30)}号楼{r.randint(1, 6)}门{r.randint(101, 1802)}"
    if kind == 4:
        return f"{r.choice(['国贸', '万达', '金茂', '世贸'])}大厦{r.randint(1000, 3999)}室"
    if kind == 5:
        return f"{r.choice(['碧桂园', '恒大绿洲', '保利', '金地'])}{r.choice(['二', '三', '五'])}期{r.randint(1, 40)}栋{r.randint(101, 3302)}"
    return f"{r.choice(['东风', '红旗', '光明'])}街道{r.choice(['友好', '团结', '长青'])}社区{r.choice(['职工', '教师', '粮食局'])}宿舍{r.randint(1, 12)}栋{r.randint(1, 4)}单元{r.randint(1, 7)}0{r.randint(1, 4)}"


_TEMPLATES_A = [
    "户主{p}，身份证{id}，现住{a}，电话{ph}",
    "{p}反映楼道灯不亮，已联系物业",
    "{p}来电反映{a}漏水",
    "联系人：{p}，电话{ph}",
    "走访独居老人{p}，身体状况良好",
    "{p}先生来电咨询低保政策",
    "{p}女士反映家中老人无人照顾",
    "居民{p}称其子{q}长期在外务工",
    "户主{p}的妻子{q}患有高血压",
    "经{p}同意，入户核实",
    "{p}（户主）家中有三口人",
    "{p}、{q}夫妇均已退休，住{a}",
    "申请人{p}，家住{a}",
    "网格员{q}走访{p}家，了解情况",
    "{p}家住{a}，联系电话{ph}",
    "村民{p}反映{a}门前道路积水",
    "{p}表示愿意配合",
    "租户{p}于2023年3月搬入{a}",
    "业主{p}投诉楼上噪音",
    "{p}称身份证{id}丢失，需补办",
    "现住址：{a}；户主：{p}",
    "{p}，男，1965年生，身份证号{id}",
    "反映人{p}，地址{a}",
    "与{p}电话联系，其表示已搬离",
    "{p}老人独居，子女在外地",
    "由{p}代为领取补贴",
    "紧急联系人{q}（{p}之女），电话{ph}",
    "{p}于2022年5月去世，户口已注销",
    "低保户{p}现居{a}",
    "{p}的儿子{q}在外打工",
    "今天上午{p}来社区办理居住证",
    "{p}大爷家住{a}",
    "负责人：{p}",
    "房东{p}将{a}出租给{q}",
    "{a}住户{p}反映停水",
]
_TEMPLATES_B = [
    "{p}同志反映社区路灯不亮",
    "{p}师傅来电，称{a}下水道堵塞",
    "{p}阿姨今年78岁，独自居住",
    "{p}奶奶因病住院，其女{q}陪护",
    "入户走访{p}，了解家庭情况",
    "慰问困难群众{p}，送去米面油",
    "帮扶对象：{p}；住址：{a}",
    "看望{p}老人，身体尚可",
    "据{p}介绍，家中有两个孩子",
    "{p}患有糖尿病，需长期服药",
    "儿子{p}、儿媳{q}在外地工作",
    "{p}系{q}之子，在{a}居住",
    "{p}，电话{ph}，住{a}",
    "来访人员{p}称其房屋漏水",
    "{p}已于3月搬离{a}",
    "{p}在{a}经营小卖部",
    "原住{a}的{p}已搬走",
    "{p}户，3口人，住{a}",
    "{p}现年72岁，身份证{id}",
    "接{p}来电，反映噪音扰民",
    "{a}，户主{p}，家庭人口4人",
    "与{p}、{q}两户签订协议",
    "{p}：{ph}",
    "{p}的母亲{q}于今年去世",
    "地址：{a}\u3000联系人：{p}",
    "{p}老人住{a}，子女不在身边",
    "受理{p}的诉求，已转办",
    "{p}要求补办低保证明",
]
_DISTRACTORS = [
    "今天白天家中无人，方便时再来",
    "2023年3月5日走访，共3户，情况正常",
    "北京市朝阳区平安幸福社区开展活动",
    "社区组织居民参加周末义诊，金额200元",
    "已核实，情况属实",
    "黄色预警，注意防汛",
    "高兴地表示感谢",
    "张开双臂欢迎",
    "第3次走访，老人身体好转",
    "共5人，其中3人在外务工",
    "于2021年6月迁入本市",
    "申请材料已于12月3日提交",
    "常年在外，联系不上",
    "向社区反映小区停车难问题",
    "高血压、糖尿病，长期服药",
    "小区3号楼电梯故障已报修",
    "上海市浦东新区",
    "经济困难，申请临时救助",
    "明天上午十点开会",
    "北京市2023年第3号文件精神已传达",
    "平安街道办事处组织防汛演练",
    "乘坐2号线地铁可到达",
    "遇紧急情况请拨打110报警",
    "第2组第3次会议在村委会召开",
    "周一至周五上午9点办公",
    "林业局发放树苗300株",
    "万元以上大额支出需审批",
    "何时办结请电话告知",
    "石油价格上涨，群众关注",
    "常委会第5次会议纪要",
    "2024年1月1日起执行新标准",
    "党员志愿者12人参加",
]


def _resident_id(r: random.Random) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = r.choice(["110105", "320102", "440305", "510104"]) + (
        f"{r.randint(1940, 2015)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}{r.randint(0, 999):03d}"
    )
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _name(r: random.Random, f: Faker) -> str:
    x = r.random()
    if x < 0.08:
        return r.choice(_MINORITY)
    if x < 0.15:
        return r.choice(_COMPOUNDS) + r.choice(_COMPOUND_GIVEN)
    return f.last_name() + f.first_name()


def labelled_corpus(n: int, seed: int, templates, address) -> list[tuple[str, set[tuple[int, int, str]]]]:
    """``n`` remarks with gold PERSON/ADDRESS spans (20 % distractors without any)."""
    r = random.Random(seed)
    f = Faker("zh_CN")
    f.seed_instance(seed)
    out = []
    for _ in range(n):
        if r.random() < 0.2:
            out.append((r.choice(_DISTRACTORS), set()))
            continue
        values = {
            "p": _name(r, f),
            "q": _name(r, f),
            "a": address(r, f),
            "id": _resident_id(r),
            "ph": f"1{r.choice('3589')}{r.randint(0, 9)}{r.randint(10**7, 10**8 - 1)}",
        }
        text, gold, pos = "", set(), 0
        template = r.choice(templates)
        for m in re.finditer(r"\{(\w+)\}", template):
            text += template[pos : m.start()]
            value = values[m.group(1)]
            entity = {"p": "PERSON", "q": "PERSON", "a": "ADDRESS"}.get(m.group(1))
            if entity:
                gold.add((len(text), len(text) + len(value), entity))
            text += value
            pos = m.end()
        out.append((text + template[pos:], gold))
    return out


def precision_recall(corpus) -> dict[str, tuple[float, float]]:
    tp: dict[str, int] = {"PERSON": 0, "ADDRESS": 0}
    fp = dict.fromkeys(tp, 0)
    fn = dict.fromkeys(tp, 0)
    for text, gold in corpus:
        pred = {(s.start, s.end, s.entity) for s in find(text)}
        for _, _, e in pred & gold:
            tp[e] += 1
        for _, _, e in pred - gold:
            fp[e] += 1
        for _, _, e in gold - pred:
            fn[e] += 1
    return {e: (tp[e] / max(1, tp[e] + fp[e]), tp[e] / max(1, tp[e] + fn[e])) for e in tp}


@pytest.mark.parametrize(
    ("templates", "address", "seed"),
    [(_TEMPLATES_A, _address_a, 7), (_TEMPLATES_B, _address_b, 11)],
    ids=["corpus-a", "corpus-b"],
)
def test_precision_and_recall_on_template_corpora(templates, address, seed):
    scores = precision_recall(labelled_corpus(1500, seed, templates, address))
    for entity, (p, r) in scores.items():
        assert p >= 0.95 and r >= 0.95, (entity, p, r)


# -- the prefilter ------------------------------------------------------------------------------


def _prefilter_hits(texts: list[str]) -> list[bool]:
    return pc.match_substring_regex(pa.array(texts, type=pa.string()), PREFILTER).to_pylist()


def test_prefilter_is_a_superset_of_find():
    texts = [t for t, _ in labelled_corpus(800, 5, _TEMPLATES_A + _TEMPLATES_B, _address_a)]
    texts += [t for t, _ in labelled_corpus(400, 6, _TEMPLATES_B, _address_b)]
    hits = _prefilter_hits(texts)
    missed = [t for t, hit in zip(texts, hits, strict=True) if find(t) and not hit]
    assert missed == []


def test_prefilter_skips_plain_remarks():
    plain = [
        "无",
        "正常",
        "已核实，情况属实",
        "身体状况良好，无特殊情况",
        "已发放慰问品",
        "材料齐全",
        "电话无人接听",
    ]
    assert _prefilter_hits(plain) == [False] * len(plain)


_PIECES = st.sampled_from(
    ["户主", "王", "建国", "欧阳", "娜娜", "反映", "先生", "，", "·", "买买提", "幸福里", "小区", "3栋", "2单元",
     "501室", "李家村", "3组", "28号", "的", "家中", "与", "经", "同意", " ", "2023年", "平安", "方便", "白天",
     "北京市", "朝阳区", "路", "12号", "吐尔逊", "：", "和", "扎西", "次仁", "-", "5"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=14).map("".join))
def test_find_properties_on_generated_text(text):
    found = find(text)
    assert found == sorted(found)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start  # non-overlapping
    for s in found:
        assert 0 <= s.start < s.end <= len(text)
        assert s.entity in ("PERSON", "ADDRESS")
        assert text[s.start : s.end].strip() == text[s.start : s.end]
    if found:
        assert _prefilter_hits([text]) == [True]


def test_person_and_address_api_split():
    text = "户主王建国，现住幸福里小区3栋2单元501室"
    assert [text[s.start : s.end] for s in freetext.find_persons(text)] == ["王建国"]
    assert [text[s.start : s.end] for s in freetext.find_addresses(text)] == ["幸福里小区3栋2单元501室"]


# -- the prefilter on the benchmark register, the cache, generated text --------------------------

_REGISTER = Path(__file__).resolve().parent.parent / "benchmarks" / ".cache" / "register_1m.csv"


def _register_remarks(path: Path = _REGISTER) -> list[str]:
    """Distinct remarks (备注) of the first 50,000 rows of the benchmark register.

    When the register has not been generated (``benchmarks/.cache`` is not in the
    repository), a corpus from this file's templates, with remark shapes like the
    register's (家属电话…, 已搬至…居住), stands in for it.
    """
    if path.exists():
        remarks = pd.read_csv(path, dtype=str, nrows=50_000, usecols=["备注"])["备注"].dropna()
        return list(dict.fromkeys(remarks.tolist()))
    r = random.Random(23)
    f = Faker("zh_CN")
    f.seed_instance(23)
    texts = [t for t, _ in labelled_corpus(1500, 19, _TEMPLATES_A + _TEMPLATES_B, _address_a)]
    texts += [t for t, _ in labelled_corpus(1500, 29, _TEMPLATES_B, _address_b)]
    tails = ["低保户", "空巢老人", "对社区服务表示满意。", "", "反映路灯不亮，已转物业处理。", "独居"]
    for _ in range(1000):
        phone = f"1{r.choice('3589')}{r.randint(10**8, 10**9 - 1)}"
        texts.append(f"家属电话{phone}，{r.choice(tails)}")
        texts.append(f"已搬至{r.choice([_address_a, _address_b])(r, f)}居住。")
        texts.append(f"其子身份证号{_resident_id(r)}，已核实。")
    return list(dict.fromkeys(texts))


def _missed_by_prefilter(texts: list[str]) -> list[str]:
    hits = _prefilter_hits(texts)
    return [t for t, hit in zip(texts, hits, strict=True) if not hit and freetext._find(t)]


@pytest.mark.parametrize("absent", [False, True], ids=["register", "stand-in"])
def test_prefilter_passes_every_remark_with_a_span(absent, tmp_path):
    texts = _register_remarks(tmp_path / "absent.csv") if absent else _register_remarks()
    assert len(texts) > 5000
    assert _missed_by_prefilter(texts) == []
    moved = [t for t in texts if t.startswith("已搬至") and t.endswith("居住。")]
    found = [t for t in moved if [s.entity for s in find(t)] == ["ADDRESS"]]
    assert len(found) >= 0.95 * len(moved)


def test_cached_results_equal_uncached_ones():
    texts = [t for t, _ in labelled_corpus(1500, 7, _TEMPLATES_A, _address_a)]
    texts += [t for t, _ in labelled_corpus(1500, 11, _TEMPLATES_B, _address_b)]
    texts += [t for t, _ in _NAME_CASES] + [t for t, _ in _ADDRESS_CASES] + _NO_SPAN_CASES + _DISTRACTORS
    for text in texts + texts:  # the second round is served by the cache
        assert find(text) == freetext._find(text), text
    assert _missed_by_prefilter(texts) == []


def test_cache_ignores_digits_only():
    """Texts that differ in digits share a cache entry; their spans are still right."""
    texts = [
        "住幸福里小区3栋2单元501室，电话13812345678",
        "住幸福里小区9栋8单元777室，电话19900000000",
        "住幸福里小区12栋2单元501室，电话13812345678",  # another length: another entry
        "家属电话18322466936，户主王芳",
        "家属电话13900000000，户主王芳",
    ]
    for text in texts:
        assert find(text) == freetext._find(text) != []
    assert find("家属电话13900000000，空巢老人") == []  # 空巢 is a word, not a name
    first = find(texts[0])
    first.clear()  # callers get their own list
    assert find(texts[0]) == freetext._find(texts[0])


_CUES = sorted(
    freetext._STRONG_PREFIX | freetext._WEAK_PREFIX | freetext._STRONG_SUFFIX | freetext._WEAK_SUFFIX
) + sorted(freetext._ADDRESS_CUES)
_NAME_PIECES = [
    "王", "李", "张", "家", "于", "经", "由", "和", "时", "年", "方", "白", "高", "欧阳", "司马", "淳于", "闻人",
    "建国", "芳", "伟", "秀英", "桂兰", "娜娜", "属", "中", "天", "便", "兴", "阿依古丽", "买买提", "吐尔逊",
    "扎西", "次仁", "卓玛", "·", ".", "家属", "白天", "方便", "时间", "空巢", "老人", "𠇔", "䶮", "喆", "路",
    "都", "向", "人", "员", "户", "主任", "两人", "三", "了",
]  # fmt: skip
_PLACE_PIECES = [
    "北京市", "朝阳区", "建外街道", "幸福社区", "幸福里", "小区", "花园", "大厦", "人民", "路", "大街", "胡同",
    "李家村", "王庄", "村", "组", "3", "12", "501", "３", "十二", "五", "栋", "幢", "座", "单元", "室", "号",
    "号楼", "号院", "弄", "门", "层", "附3号", "之一", "B", "b", "-", "－", "—", "第", "一期", "东区", "县", "镇",
    "中心", "楼下", "村民小组", "马鞍山市", "于都县", "那曲市", "市民",
]  # fmt: skip
_FILLERS = [
    "，",
    "。",
    "、",
    "：",
    ":",
    " ",
    "\u3000",
    "（户主）",
    "\n",
    "的",
    "了",
    "在",
    "住",
    "称",
    "2023年",
    "138",
    "X",
]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_NAME_PIECES),
            st.sampled_from(_PLACE_PIECES),
            st.sampled_from(_FILLERS),
            st.sampled_from(_CUES),
        ),
        max_size=16,
    ).map("".join)
)
def test_spans_point_at_their_text_and_pass_the_prefilter(text):
    found = find(text)
    assert found == freetext._find(text) == sorted(found)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end <= b.start  # non-overlapping
    for s in found:
        piece = text[s.start : s.end]
        assert 0 <= s.start < s.end <= len(text) and piece and piece.strip() == piece
        assert s.entity in ("PERSON", "ADDRESS") and 0 < s.score <= 1
        if s.entity == "ADDRESS":
            assert re.search("[0-9０-９一二三四五六七八九十百零〇A-Za-zＡ-Ｚａ-ｚ]", piece)
    if found:
        assert _prefilter_hits([text]) == [True]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes(text):
    found = find(text)
    assert all(0 <= s.start < s.end <= len(text) for s in found)
    assert freetext.find_persons(text) is not None and freetext.find_addresses(text) is not None


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("王李张路向家人员户主了在住号栋室组村小区·，。0123456789") + ["𠇔", "䶮", "\U0002a6d6"]
        ),
        max_size=30,
    )
)
def test_arbitrary_han_text_never_crashes_and_passes_the_prefilter(text):
    found = find(text)
    assert all(0 <= s.start < s.end <= len(text) for s in found)
    if found:
        assert _prefilter_hits([text]) == [True]


# -- a more selective prefilter -------------------------------------------------------------------


def test_prefilter_skips_remarks_without_names_or_addresses():
    """Phone numbers and IDs alone, and 家属 (a common word, not 家 + a given name), do not pass."""
    plain = [
        "家属电话18322466936，低保户",
        "家属电话13800001111，",
        "其子身份证号440513195507247090，已核实。",
        "家属电话17402945439，建议增加健身器材。",
    ]
    assert _prefilter_hits(plain) == [False] * len(plain)
    with_spans = ["已搬至武汉市江汉区健康乡朝阳村12组113号居住。", "户主王建国，电话13812345678"]
    assert _prefilter_hits(with_spans) == [True, True]


def test_prefilter_parts_select_the_same_cells():
    texts = [t for t, _ in labelled_corpus(600, 31, _TEMPLATES_A + _TEMPLATES_B, _address_b)]
    texts += _NO_SPAN_CASES + _DISTRACTORS + ["家属电话18322466936，低保户"]
    arr = pa.array(texts, type=pa.string())
    joined = pc.match_substring_regex(arr, PREFILTER).to_pylist()
    by_parts = [False] * len(texts)
    for part in freetext.PREFILTER_PARTS:
        hits = pc.match_substring_regex(arr, part).to_pylist()
        by_parts = [a or b for a, b in zip(by_parts, hits, strict=True)]
    assert by_parts == joined
    assert 0 < sum(joined) < len(texts)
