"""Personal names and addresses: vectorised whole-cell checks, granularity, generalisation."""

from __future__ import annotations

import random
from importlib import resources

import faker
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.detect.addresses import (
    LEVELS,
    _address_granularity_scalar,
    _is_address_scalar,
    _normalize_address_scalar,
    address_granularity,
    generalise_address,
    is_address,
    normalize_addresses,
)
from privaudit.detect.names import (
    _NOT_NAMES,
    COMPOUND_SURNAMES,
    SURNAMES,
    TIBETAN_NAME_PARTS,
    _is_name_scalar,
    _normalize_name_scalar,
    is_masked_name,
    is_name,
    normalize_names,
)


@pytest.fixture(scope="module")
def fake() -> faker.Faker:
    f = faker.Faker("zh_CN")
    f.seed_instance(2024)
    return f


# --------------------------------------------------------------------------- surname data


@pytest.mark.parametrize("filename", ["surnames.txt", "compound_surnames.txt"])
def test_data_files(filename: str) -> None:
    text = resources.files("privaudit").joinpath("data", filename).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("#") and "Source" in text
    items = [line for line in lines if not line.startswith("#")]
    assert len(items) == len(set(items)) and all(item and item == item.strip() for item in items)
    width = 1 if filename == "surnames.txt" else 2
    assert all(len(item) == width for item in items)


def test_surname_sets() -> None:
    assert len(SURNAMES) >= 500
    assert set("王李张刘陈杨黄赵吴周肖付覃闫") <= SURNAMES
    assert {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯",
            "端木", "令狐"} <= COMPOUND_SURNAMES
    assert isinstance(SURNAMES, frozenset) and isinstance(COMPOUND_SURNAMES, frozenset)


def test_surnames_cover_fakers_list() -> None:
    from faker.providers.person.zh_CN import Provider

    singles = {s for s in Provider.last_names if len(s) == 1}
    compounds = {s for s in Provider.last_names if len(s) == 2}
    assert singles <= SURNAMES
    assert compounds <= COMPOUND_SURNAMES


# --------------------------------------------------------------------------- names


def test_faker_names_are_recognised(fake: faker.Faker) -> None:
    values = pd.Series([fake.name() for _ in range(2000)])
    share = is_name(values).mean()
    assert share >= 0.99, share


NAMES = ["王明", "李娜", "张秀英", "欧阳娜娜", "司马光", "上官婉儿", "诸葛亮", "阿依古丽·买买提", "麦麦提·艾力",
         "爱新觉罗•溥仪", "热依拉.吐尔逊", "扎西次仁", "卓玛", "王 明", "王\u3000明", " 李娜 ", "Zhang Wei", "Li Na",
         "李科"]
NOT_NAMES = ["王*明", "王**", "王*", "王某", "王某某", "*明", "王xx", "王先生", "李女士", "张总", "合计", "户主", "北京市",
             "朝阳区", "张", "王明明明", "欧阳锋锋锋", "1234", "", "   ", "张三123", "ZHANG WEI", "zhang wei", "中国人民",
             "幸福小区3栋", "不详"]


@pytest.mark.parametrize("value", NAMES)
def test_names(value: str) -> None:
    assert is_name(pd.Series([value])).tolist() == [True]


@pytest.mark.parametrize("value", NOT_NAMES)
def test_not_names(value: str) -> None:
    assert is_name(pd.Series([value])).tolist() == [False]


def test_hinted_names_accept_rarer_forms() -> None:
    values = pd.Series(["王一二三", "ZHANG WEI", "欧阳娜娜", "王*明", "合计"])
    assert is_name(values).tolist() == [False, False, True, False, False]
    assert is_name(values, hinted=True).tolist() == [True, True, True, False, False]


def test_latin_names_can_be_switched_off() -> None:
    assert is_name(pd.Series(["Zhang Wei", "王明"]), latin=False).tolist() == [False, True]


def test_is_name_handles_missing_and_index() -> None:
    values = pd.Series(["王明", None, np.nan, "李娜"], index=[7, 3, 9, 1], dtype=object)
    out = is_name(values)
    assert isinstance(out, np.ndarray) and out.dtype == bool
    assert out.tolist() == [True, False, False, True]
    assert is_name(pd.Series([], dtype="str")).shape == (0,)


@pytest.mark.parametrize("value", ["王*明", "王**", "王*", "王某", "王某某", "*明", "**明", "王xx", "王XX", "欧阳*", "王○明",
                                   "王＊明"])
def test_masked_names(value: str) -> None:
    assert is_masked_name(pd.Series([value])).tolist() == [True]


@pytest.mark.parametrize("value", ["王明", "***", "*", "138****5678", "110105********002X", "", "幸福小区", "Zhang Wei"])
def test_not_masked_names(value: str) -> None:
    assert is_masked_name(pd.Series([value])).tolist() == [False]


def test_masked_and_clear_names_are_disjoint(fake: faker.Faker) -> None:
    clear = pd.Series([fake.name() for _ in range(300)])
    masked = clear.str.slice(0, 1) + "*" + clear.str.slice(2)
    assert not is_masked_name(clear).any()
    assert is_masked_name(masked).all() and not is_name(masked).any()


# --------------------------------------------------------------------------- addresses

PRECISE = [
    "北京市朝阳区建国路88号SOHO现代城2号楼1单元1201室", "北京市海淀区中关村大街27号", "建国路88号", "建国路88",
    "张家村3组", "张家村三组", "李庄村12号", "幸福小区三栋二单元", "幸福小区3栋2单元501室", "阳光花园2-1-1201",
    "3号楼2单元501室", "河北省秀英市静安韦街p座 123456", "广东省深圳市南山区科技园南区T3栋", "ＸＸ路１２号",
    "上海市浦东新区世纪大道100号", "XX镇XX村五组18号", "幸福社区3号楼",
]
NOT_PRECISE = [
    "北京市朝阳区", "朝阳区建外街道", "平安", "幸福社区", "北京市", "河北省石家庄市", "3室2厅", "2023年3月5日",
    "第3号文件", "住院3天", "88号", "王明", "", "幸福小区", "长安街", "12345678",
    "小区" + "很长的备注" * 30 + "3栋",
]


@pytest.mark.parametrize("value", PRECISE)
def test_precise_addresses(value: str) -> None:
    assert is_address(pd.Series([value])).tolist() == [True]


@pytest.mark.parametrize("value", NOT_PRECISE)
def test_not_precise_addresses(value: str) -> None:
    assert is_address(pd.Series([value])).tolist() == [False]


def test_hinted_addresses_accept_a_lone_unit() -> None:
    values = pd.Series(["88号", "3组", "501室", "3号楼", "A座", "平安", "2023年", "北京市朝阳区"])
    assert not is_address(values).any()
    assert is_address(values, hinted=True).tolist() == [True, True, True, True, True, False, False, False]


def test_faker_addresses_are_precise(fake: faker.Faker) -> None:
    # Faker's addresses (省 + 市 + district + 路/街 + lettered 座 + postcode) name a street
    # and a block: they count as precise.
    values = pd.Series([fake.address() for _ in range(2000)])
    assert is_address(values).mean() >= 0.99
    assert (address_granularity(values) == "precise").mean() >= 0.99


def test_is_address_handles_missing() -> None:
    values = pd.Series([None, "建国路88号", np.nan], dtype=object)
    assert is_address(values).tolist() == [False, True, False]
    assert is_address(pd.Series([], dtype="str")).shape == (0,)


GRANULARITY = [
    ("北京市朝阳区建国路88号", "precise"),
    ("朝阳区建外街道", "street"),
    ("幸福社区", "street"),
    ("河北省石家庄市长安区建北街道", "street"),
    ("建国路", "street"),
    ("张家村", "street"),
    ("北京市朝阳区", "district"),
    ("昆山市", "district"),
    ("江苏省苏州市昆山市", "district"),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "district"),
    ("江苏省苏州市", "city"),
    ("北京市", "city"),
    ("湘西土家族苗族自治州", "city"),
    ("河北省", "province"),
    ("内蒙古自治区", "province"),
    ("广西", "province"),
    ("平安", None),
    ("幸福", None),
    ("幸福市场", None),
    ("", None),
]


@pytest.mark.parametrize(("value", "level"), GRANULARITY)
def test_address_granularity(value: str, level: str | None) -> None:
    out = address_granularity(pd.Series([value]))
    assert out.iloc[0] == level if level else out.iloc[0] is None


def test_address_granularity_keeps_index() -> None:
    values = pd.Series(["北京市", None, "建国路88号"], index=["a", "b", "c"], dtype=object)
    out = address_granularity(values)
    assert list(out.index) == ["a", "b", "c"]
    assert out.tolist() == ["city", None, "precise"]
    assert set(out.dropna()) <= set(LEVELS)


GENERALISE = [
    ("北京市朝阳区建国路88号SOHO现代城2号楼1单元1201室", "district", "北京市朝阳区"),
    ("北京市朝阳区建国路88号SOHO现代城2号楼1单元1201室", "city", "北京市"),
    ("北京市朝阳区建国路88号SOHO现代城2号楼1单元1201室", "province", "北京市"),
    ("河北省石家庄市长安区建北街道幸福小区3栋", "street", "河北省石家庄市长安区建北街道"),
    ("河北省石家庄市长安区建北街道幸福小区3栋", "district", "河北省石家庄市长安区"),
    ("河北省石家庄市长安区建北街道幸福小区3栋", "city", "河北省石家庄市"),
    ("河北省石家庄市长安区建北街道幸福小区3栋", "province", "河北省"),
    ("江苏省苏州市昆山市玉山镇人民路1号", "district", "江苏省苏州市昆山市"),
    ("江苏省苏州市昆山市玉山镇人民路1号", "street", "江苏省苏州市昆山市玉山镇"),
    ("新疆维吾尔自治区乌鲁木齐市天山区幸福路1号", "district", "新疆维吾尔自治区乌鲁木齐市天山区"),
    ("广西壮族自治区南宁市青秀区民族大道1号", "city", "广西壮族自治区南宁市"),
    ("内蒙古呼和浩特市新城区", "city", "内蒙古呼和浩特市"),
    ("朝阳区建外街道幸福社区3号", "street", "朝阳区建外街道"),
    ("上海市浦东新区世纪大道100号", "district", "上海市浦东新区"),
    ("济南市市中区经七路1号", "district", "济南市市中区"),
    ("河北省秀英市静安韦街p座 123456", "district", "河北省秀英市"),
    ("北京市 朝阳区 建国路８８号", "district", "北京市朝阳区"),
    ("建国路88号", "district", ""),
    ("北京市朝阳区建国路88号", "precise", "北京市朝阳区建国路88号"),
]


@pytest.mark.parametrize(("value", "level", "expected"), GENERALISE)
def test_generalise_address(value: str, level: str, expected: str) -> None:
    assert generalise_address(value, level) == expected


def test_generalise_faker_addresses_never_keep_the_street(fake: faker.Faker) -> None:
    for _ in range(200):
        value = fake.address()
        out = generalise_address(value, "district")
        assert value.replace(" ", "").startswith(out)
        assert not is_address(pd.Series([out])).any()
        assert "座" not in out


def test_generalise_rejects_unknown_level() -> None:
    assert generalise_address("北京市朝阳区", "county") == "北京市朝阳区"
    with pytest.raises(ValueError, match="unknown address level"):
        generalise_address("北京市朝阳区", "village")


# --------------------------------------------------------------------------- fast path = scalar reference
# The column checks normalise only the cells that need it, judge short Han cells with
# lookup tables and repetitive columns once per distinct value; each must equal the
# plain per-cell definition, on arbitrary text and on realistic cells.

#: Characters that matter to the rules, and characters NFKC or whitespace removal change.
_TRICKY = list("·•・.．‧∙⋅*×○xX某 ") + ["\u3000", "\xa0", "\t", "\n", "\x0b", "\u2002", "\u0301", "①", "²", "ｐ", "Ａ",
                                          "１", "㵘", "䶮", "𠇔", "\u4dc0", "\u4dbf", "\u9fff", "\ua000", "〇", "々",
                                          "İ", "\ufeff"]
_GIVEN = list("明华伟娜丽强秀英一") + ["某", "总", "哥", "姐", "生", "士", "老板", "娘", "先生", "女士", "老板娘", "\u4dc0",
                                        "㵘", "𠇔", "〇", "·", " ", "\u3000", "*"] + sorted(TIBETAN_NAME_PARTS)[:8]
_SURNAMES = ["王", "李", "张", "欧阳", "司马", "上官", "扎西", "卓玛", "合", "姓", "不", "户", "无", "空", "中"]
_SURNAMES += sorted(SURNAMES)[:20] + sorted(COMPOUND_SURNAMES)[:10]


def _name_cell() -> st.SearchStrategy[str]:
    pieces = st.sampled_from(_SURNAMES + _GIVEN + sorted(_NOT_NAMES) + _TRICKY)
    given_chars = st.lists(st.sampled_from(_GIVEN), max_size=3).map("".join)
    return st.one_of(
        st.builds(lambda s, g: s + g, st.sampled_from(_SURNAMES), given_chars),
        st.lists(pieces, max_size=5).map("".join),
        st.from_regex(r"[A-Z][a-z]{0,5}([ '\-][A-Z][a-z]{0,5}){1,2}|[A-Z]{1,5}( [A-Z]{1,5}){1,2}", fullmatch=True),
    )


_CELLS = st.one_of(st.none(), st.text(max_size=12), _name_cell())


def _series(values: list[str | None], dtype: str) -> pd.Series:
    return pd.Series(values, dtype=dtype)


def _repeated(values: list[str | None]) -> list[str | None]:
    """The values repeated into a column long and repetitive enough to be judged per distinct value."""
    return values * -(-10_000 // len(values))


@settings(max_examples=150, deadline=None)
@given(st.lists(_CELLS, max_size=25), st.booleans(), st.booleans(), st.sampled_from(["object", "str"]))
def test_is_name_equals_scalar_reference(values: list[str | None], latin: bool, hinted: bool, dtype: str) -> None:
    expected = [_is_name_scalar(v, latin, hinted) for v in values]
    assert is_name(_series(values, dtype), latin=latin, hinted=hinted).tolist() == expected
    if values:
        long = _repeated(values)
        assert is_name(_series(long, dtype), latin=latin, hinted=hinted).tolist() == expected * (len(long) // len(values))


@settings(max_examples=60, deadline=None)
@given(st.lists(_CELLS, max_size=25))
def test_normalize_names_equals_scalar_reference(values: list[str | None]) -> None:
    out = normalize_names(pd.Series(values, dtype=object)).tolist()
    assert [None if pd.isna(x) else x for x in out] == [None if v is None else _normalize_name_scalar(v) for v in values]


_ADDRESS_PARTS = [
    "北京市", "河北省", "石家庄市", "内蒙古自治区", "香港特别行政区", "朝阳区", "昆山市", "新城区", "建国路", "幸福小区",
    "张家村", "街道", "镇", "乡", "社区", "市场", "超市", "市民", "路", "街", "巷", "胡同", "号", "號", "栋", "单元", "室",
    "组", "第", "座", "期", "楼", "号楼", "1", "12", "88", "2-1-1201", "-", "三", "十二", "两", "ＸＸ", "１２", "A", "p",
    "T3", "平安", "广西", "盟", "自治州", "地区", "旗", "县", "很长的备注",
] + _TRICKY


def _address_cell() -> st.SearchStrategy[str]:
    parts = st.sampled_from(_ADDRESS_PARTS)
    short = st.lists(parts, max_size=10).map("".join)
    # Around the length limit (100 characters), with ASCII so that bytes and characters differ.
    filler = st.text(alphabet="号路1２A -幸福", min_size=80, max_size=110)
    return st.one_of(short, st.builds(lambda a, f, b: a + f + b, short, filler, short))


_ADDRESS_CELLS = st.one_of(st.none(), st.text(max_size=15), _address_cell())


@settings(max_examples=150, deadline=None)
@given(st.lists(_ADDRESS_CELLS, max_size=25), st.booleans(), st.sampled_from(["object", "str"]))
def test_is_address_equals_scalar_reference(values: list[str | None], hinted: bool, dtype: str) -> None:
    expected = [_is_address_scalar(v, hinted) for v in values]
    assert is_address(_series(values, dtype), hinted=hinted).tolist() == expected
    if values:
        long = _repeated(values)
        assert is_address(_series(long, dtype), hinted=hinted).tolist() == expected * (len(long) // len(values))


@settings(max_examples=150, deadline=None)
@given(st.lists(_ADDRESS_CELLS, max_size=25), st.sampled_from(["object", "str"]))
def test_address_granularity_equals_scalar_reference(values: list[str | None], dtype: str) -> None:
    expected = [_address_granularity_scalar(v) for v in values]
    assert address_granularity(_series(values, dtype)).tolist() == expected
    if values:
        long = _repeated(values)
        assert address_granularity(_series(long, dtype)).tolist() == expected * (len(long) // len(values))


@settings(max_examples=60, deadline=None)
@given(st.lists(_ADDRESS_CELLS, max_size=25))
def test_normalize_addresses_equals_scalar_reference(values: list[str | None]) -> None:
    out = normalize_addresses(pd.Series(values, dtype=object)).tolist()
    assert [None if pd.isna(x) else x for x in out] == [
        None if v is None else _normalize_address_scalar(v) for v in values
    ]


#: Short cells built from characters the rules care about (every combination up to four).
_GRID_FIRST = ["王", "李", "欧阳", "司马", "扎西", "卓玛", "合", "户", "不", "中", "某", "*", "\u4dc0", "㵘", "A"]
_GRID_NEXT = ["", "明", "某", "总", "哥", "先", "生", "女", "板", "娘", "计", "主", "西", "次", "仁", "\u4dc0", "𠇔", "·", " ",
              "Ｗ"]
_NAME_GRID = [f + a + b + c for f in _GRID_FIRST for a in _GRID_NEXT for b in _GRID_NEXT for c in ("", "明", "娘", "某")]


@pytest.mark.parametrize("hinted", [False, True])
def test_is_name_grid_equals_scalar_reference(hinted: bool) -> None:
    expected = [_is_name_scalar(cell, True, hinted) for cell in _NAME_GRID]
    assert is_name(pd.Series(_NAME_GRID), hinted=hinted).tolist() == expected


def _address_grid(count: int) -> list[str]:
    rng = random.Random(11)
    cells = ["".join(rng.choice(_ADDRESS_PARTS) for _ in range(rng.randrange(9))) for _ in range(count)]
    # around the length limit
    cells += ["建国路88号" + "".join(rng.choice("号路1２A -幸福") for _ in range(rng.randrange(88, 104))) for _ in range(500)]
    return cells


def test_addresses_grid_equals_scalar_reference() -> None:
    cells = _address_grid(12_000)
    for hinted in (False, True):
        assert is_address(pd.Series(cells), hinted=hinted).tolist() == [_is_address_scalar(c, hinted) for c in cells]
    assert address_granularity(pd.Series(cells)).tolist() == [_address_granularity_scalar(c) for c in cells]
