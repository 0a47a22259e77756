"""PERSON and ADDRESS in free text: one case (or more) per pattern fixed for issue #3.

Each group has positive cases (exact spans) and negative ones (ordinary words, place
names and numbers that must not become names or addresses).
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from privaudit.detect.freetext import PREFILTER, find
from privaudit.detect.names import _is_name_scalar, is_name


def spans(text: str) -> list[tuple[str, str]]:
    return [(s.entity, text[s.start : s.end]) for s in find(text)]


def persons(text: str) -> list[str]:
    return [piece for entity, piece in spans(text) if entity == "PERSON"]


def addresses(text: str) -> list[str]:
    return [piece for entity, piece in spans(text) if entity == "ADDRESS"]


def passes_prefilter(text: str) -> bool:
    return bool(pc.match_substring_regex(pa.array([text], type=pa.string()), PREFILTER)[0].as_py())


# -- names after role nouns, verbs and counts ----------------------------------------------

_PERSON_CASES = [
    # role nouns ending in 人/户/员 … (recognised by rule, not listed)
    ("台胞证号码：51538116，持证人杨淑华。", ["杨淑华"]),
    ("快递单号SF123456，收件人尤军，13812345678。", ["尤军"]),
    ("个体户石建国，统一社会信用代码已登记。", ["石建国"]),
    ("楼栋长周明辉上门核实。", ["周明辉"]),
    ("调解员王佳答应周末前清理杂物。", ["王佳"]),  # 员 ends 调解员: no name 员王佳
    # verbs with a person as object, also with 了
    ("反映路灯不亮。转徐敏处理，工号12345678。", ["徐敏"]),
    ("经研究，表扬了王帅，已做好登记。", ["王帅"]),
    ("经调解，孟莹同意赔偿刘桂芳医药费3000元。", ["孟莹", "刘桂芳"]),
    ("某公司拖欠王芳等5人工资。", ["王芳"]),
    # a count after names
    ("张凯、姚玉兰、王杨三人参加志愿服务。", ["张凯", "姚玉兰", "王杨"]),
    ("张伟一家已搬走。", ["张伟"]),
    # a role before a title: 车主 + 任丽娟, not 车 + 主任
    ("车主任丽娟名下车辆两辆。", ["任丽娟"]),
    # a cue word ending right before the surname wins over a word across it (访华)
    ("走访华桂珍家，其子在外务工。", ["华桂珍"]),
    # surname characters that are also prepositions or function words
    ("向淑珍反映楼上漏水。", ["向淑珍"]),
    ("姓名：向淑珍\n住址：不详", ["向淑珍"]),
    ("路桂芳、刘旭夫妇均已退休。", ["路桂芳", "刘旭"]),
    ("转都冬梅处理，工号225。", ["都冬梅"]),
    # predicates after a name
    ("网格员陈明上门核实。", ["陈明"]),
    ("老人王秀英患高血压，独居。", ["王秀英"]),
    ("赵莉打电话询问进度。", ["赵莉"]),  # not 赵莉打
    ("邓晶正在办理低保。", ["邓晶"]),  # not 邓晶正
    ("据王芳本人陈述，其子在外地工作。", ["王芳"]),  # 陈述 is a word (jieba tags it as a name)
    ("王芳的车陕Y86012停在楼下。", ["王芳"]),  # 陕 starts a plate: no name 车陕
]


@pytest.mark.parametrize(("text", "expected"), _PERSON_CASES)
def test_names_with_context(text, expected):
    assert persons(text) == expected
    assert passes_prefilter(text)


_RARE_CASES = [
    ("户主张𠇔，老身份证号已换领。", ["张𠇔"]),  # Extension B, outside the BMP
    ("联系王䶮，手机13812345678。", ["王䶮"]),  # Extension A
    ("走访刘䴉家，身体尚可。", ["刘䴉"]),
    ("赵喆：13812345678；", ["赵喆"]),
    ("联系人：张𠇔 0512-6912345。", ["张𠇔"]),
]


@pytest.mark.parametrize(("text", "expected"), _RARE_CASES)
def test_names_with_rare_characters(text, expected):
    assert persons(text) == expected
    assert passes_prefilter(text)


_MINORITY_CASES = [
    ("网格员阿依古丽·托合提上门核实，户主不在家。", ["阿依古丽·托合提"]),
    ("转巴图·额尔敦处理，工号496。", ["巴图·额尔敦"]),
    ("快递单号SF1，收件人热依拉·阿不都，13812345678。", ["热依拉·阿不都"]),
    ("老人艾力·肉孜患高血压，独居。", ["艾力·肉孜"]),
    ("王佳、刘玉华、阿依古丽·托合提三人参加志愿服务。", ["王佳", "刘玉华", "阿依古丽·托合提"]),
    ("经研究，表扬了艾力·肉孜。", ["艾力·肉孜"]),
    ("帕提古丽·阿西木带孙子去医院。", ["帕提古丽·阿西木"]),
]


@pytest.mark.parametrize(("text", "expected"), _MINORITY_CASES)
def test_minority_names_cut_at_cue_words(text, expected):
    assert persons(text) == expected


_NOT_NAMES = [
    "带孙子去医院。",  # a relation, not 孙 + 子
    "提出廉租房申请。",
    "参观毛主席纪念堂开放日展览。",
    "电话无人接听。",
    "三人于2024年3月参加活动。",
    "向社区反映小区停车难问题。",
    "共走访12户，其中3户无人在家。",
    "以老人为主要服务对象。",
    "党员志愿者12人参加。",
    "或者明天再来。",
    "今天高温，提醒老人白天减少外出。",
    "空巢老人",  # a word before a title is no name
    "独居老人、空巢老人各3户。",
    "周边环境整治已完成，金额较大，需审核。",
]


@pytest.mark.parametrize("text", _NOT_NAMES)
def test_words_that_are_no_names(text):
    assert persons(text) == [], spans(text)


# -- address boundaries ---------------------------------------------------------------------

_ADDRESS_CASES = [
    # a single-character verb before the place name is cut, the subject with it
    ("王芳、李强夫妇住阳光小区1栋2单元1606室，子女在外地。", "阳光小区1栋2单元1606室"),
    ("车辆停在团结西路20弄72号104室楼下。", "团结西路20弄72号104室"),
    ("吴欢来电称石桥巷209号噪音扰民。", "石桥巷209号"),
    ("2024年11月5日在贵州省遵义市绥阳县团结街414号与他人发生纠纷。", "贵州省遵义市绥阳县团结街414号"),
    # a cue word that overlaps a region name is no cue (商丘市|民权县, 市民)
    ("已搬至河南省商丘市民权县成都街17号居住。", "河南省商丘市民权县成都街17号"),
    ("住江西省赣州市于都县长江镇石桥村6组112号。", "江西省赣州市于都县长江镇石桥村6组112号"),
    ("日上午来电称呼伦贝尔盟满洲里市兴华镇黄家庄3组5号漏水。", "呼伦贝尔盟满洲里市兴华镇黄家庄3组5号"),
    ("马鞍山市含山县孔街557号住户反映停水。", "马鞍山市含山县孔街557号"),
    ("已搬至那曲市班戈县迎宾巷38号居住。", "那曲市班戈县迎宾巷38号"),
    (
        "共同居住在市中区中山街道新华社区绿洲家园36号楼6单元1603。",
        "市中区中山街道新华社区绿洲家园36号楼6单元1603",
    ),
    # a room number without 室 after the second place name
    (
        "经营地址四川省成都市金堂县北辰巷402号明珠公寓29号楼6单元2106。",
        "四川省成都市金堂县北辰巷402号明珠公寓29号楼6单元2106",
    ),
    (
        "位于福建省龙岩市永定区光明街709号书香新村1号楼2单元301。",
        "福建省龙岩市永定区光明街709号书香新村1号楼2单元301",
    ),
    # 楼下 is downstairs, not a building
    ("车停在建设胡同141号楼下。", "建设胡同141号"),
    # towers, floors, group numbers, full-width digits
    ("居住在万达中心３４层２１０２室。", "万达中心３４层２１０２室"),
    ("搬至华夏中心A座2901室居住。", "华夏中心A座2901室"),
    ("住址：张家庄第三村民小组", "张家庄第三村民小组"),
    ("现居李家村三组。", "李家村三组"),
    ("位于涪城区团结街道翠湖社区春晖苑２７-３-１２０３。", "涪城区团结街道翠湖社区春晖苑２７-３-１２０３"),
    ("住在嘉和小区２号楼５０３。", "嘉和小区２号楼５０３"),
    # an estate name that is also a name: the address wins whole
    ("有房产一套，位于盛世家园35号楼4单元203。", "盛世家园35号楼4单元203"),
    ("于明珠家园南区9栋4单元2706室核查。", "明珠家园南区9栋4单元2706室"),
    ("于青年胡同126号走访。", "青年胡同126号"),
    # a role word is no cue when a shorter cue leaves the place name whole
    ("来电反映人民南街49号院11号楼6单元2304噪音扰民。", "人民南街49号院11号楼6单元2304"),
    ("在建设中路2弄27号1501室核查。", "建设中路2弄27号1501室"),
    ("现居中山西路299弄41号1903室。", "中山西路299弄41号1903室"),  # not 居中 + 山西路
    (
        "于成都市邛崃市成都街15号春晖花园10栋5单元3202室走访。",
        "成都市邛崃市成都街15号春晖花园10栋5单元3202室",
    ),
]


@pytest.mark.parametrize(("text", "expected"), _ADDRESS_CASES)
def test_address_boundaries(text, expected):
    assert addresses(text) == [expected]
    assert passes_prefilter(text)


def test_estate_name_is_no_person():
    assert spans("有房产一套，位于盛世家园35号楼4单元203。") == [("ADDRESS", "盛世家园35号楼4单元203")]


_NOT_ADDRESSES = [
    "幸福小区共有12栋楼，120户居民。",
    "幸福小区门口积水。",
    "张家港市来人参观学习。",
    "李家村村委会召开会议。",
    "第3网格共有120户居民。",
    "3号楼电梯故障，已报修。",
    "2号线地铁站附近施工。",
    "全村共5个村民小组，常住人口1200人。",
    "北京市朝阳区今年共发放补贴300户。",
    "平安社区组织志愿者开展巡逻。",
    "房屋共3层，面积约86平方米。",
    "建国路沿线道路施工。",
]


@pytest.mark.parametrize("text", _NOT_ADDRESSES)
def test_place_names_and_numbers_are_no_addresses(text):
    assert addresses(text) == [], spans(text)


# -- structured name columns: rare characters -------------------------------------------------


def test_name_column_accepts_extension_characters():
    values = ["张𠇔", "王䶮", "欧阳𠇔", "张𠇔𠇔", "𠇔张", "张*𠇔", "张𠇔先生", None]
    expected = [True, True, True, True, False, False, False, False]
    assert is_name(pd.Series(values)).tolist() == expected
    assert [_is_name_scalar(v) for v in values] == expected
    # the column path (deduplicated, Arrow) equals the scalar definition on a long column
    column = pd.Series(values[:-1] * 3000)
    assert is_name(column).tolist() == [_is_name_scalar(v) for v in column]
