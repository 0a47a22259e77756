"""Attribute vocabularies, dates, ages and amounts from column values."""

from __future__ import annotations

import datetime as dt
import random

import faker
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.detect.attributes import (
    ETHNIC_GROUPS,
    VOCABULARIES,
    _parse_date_scalar,
    age_share,
    amount_share,
    attribute_from_values,
    date_granularity,
    date_share,
    parse_dates,
    vocabulary_share,
)
from privaudit.entities import ATTRIBUTE_ENTITIES

SAMPLES = {
    "GENDER": ["男", "女", "女", "男性", "女性", "M", "f"],
    "ETHNICITY": ["汉族", "汉", "回族", "满族", "壮", "蒙古族", "维吾尔族", "土家族"],
    "RELIGION": ["佛教", "道教", "伊斯兰教", "天主教", "基督教", "无", "无宗教信仰", "其他"],
    "MARITAL_STATUS": ["未婚", "已婚", "初婚", "再婚", "复婚", "离婚", "丧偶", "离异"],
    "POLITICAL_AFFILIATION": ["中共党员", "中共预备党员", "共青团员", "群众", "民盟盟员", "九三学社社员", "无党派人士"],
    "HEALTH": ["健康", "良好", "一般", "较差", "慢性病", "高血压", "糖尿病", "残疾", "重病", "视力残疾", "肢体残疾二级",
               "精神残疾", "智力残疾", "听力残疾", "言语残疾"],
    "EDUCATION": ["小学", "初中", "高中", "中专", "大专", "本科", "硕士", "博士", "研究生", "文盲", "半文盲"],
    "PROPERTY": ["自有住房", "自有产权", "租赁", "租住", "公租房", "廉租房", "借住", "商品房", "房改房", "宅基地"],
    "FINANCIAL": ["低保户", "特困", "五保户", "低收入", "建档立卡", "非低保"],
    "FAMILY": ["户主", "配偶", "妻", "夫", "子", "女", "长子", "次女", "孙子", "父亲", "母亲", "儿媳"],
    "OCCUPATION": ["务农", "个体", "退休", "无业", "学生", "公务员", "教师", "工人"],
    "CRIMINAL_RECORD": ["刑满释放人员", "社区矫正人员", "吸毒人员", "刑满释放"],
}


@pytest.mark.parametrize(("entity", "values"), sorted(SAMPLES.items()))
def test_vocabularies(entity: str, values: list[str]) -> None:
    assert attribute_from_values(pd.Series(values * 3)) == (entity, 1.0)


def test_vocabulary_entities_are_attributes() -> None:
    assert set(VOCABULARIES) <= set(ATTRIBUTE_ENTITIES)


def test_all_56_ethnic_groups_with_and_without_zu() -> None:
    assert len(set(ETHNIC_GROUPS)) == 56
    with_zu = pd.Series([g + "族" for g in ETHNIC_GROUPS])
    bare = pd.Series(list(ETHNIC_GROUPS))
    assert attribute_from_values(with_zu) == ("ETHNICITY", 1.0)
    assert attribute_from_values(bare) == ("ETHNICITY", 1.0)


def test_values_are_normalised() -> None:
    values = pd.Series([" 汉族 ", "回\u3000族", "ＭＡＬＥ", "Female"])
    assert vocabulary_share(values.iloc[:2], "ETHNICITY") == 1.0
    assert attribute_from_values(values.iloc[2:]) == ("GENDER", 1.0)


def test_gender_and_family_are_told_apart() -> None:
    assert attribute_from_values(pd.Series(["男", "女"] * 50))[0] == "GENDER"
    assert attribute_from_values(pd.Series(["户主", "妻", "子", "女", "女"] * 20))[0] == "FAMILY"


def test_neutral_values_alone_say_nothing() -> None:
    assert attribute_from_values(pd.Series(["无"] * 100)) is None
    assert attribute_from_values(pd.Series(["其他", "不详", "无"] * 30)) is None


def test_mostly_none_with_one_religion_is_religion() -> None:
    values = pd.Series(["无"] * 95 + ["佛教"] * 5)
    assert attribute_from_values(values) == ("RELIGION", 1.0)


def test_generic_health_words_alone_are_not_health() -> None:
    assert attribute_from_values(pd.Series(["良好", "一般", "较差"] * 20)) is None
    assert attribute_from_values(pd.Series(["健康", "良好", "一般"] * 20)) == ("HEALTH", 1.0)


def test_below_threshold_is_none_and_min_share_applies() -> None:
    values = pd.Series(["汉族"] * 7 + ["苹果", "香蕉", "橘子"])
    assert attribute_from_values(values) is None
    assert attribute_from_values(values, min_share=0.7) == ("ETHNICITY", 0.7)


def test_missing_and_empty_cells_are_ignored() -> None:
    values = pd.Series(["汉族", None, "", "  ", np.nan, "回族"], dtype=object)
    assert attribute_from_values(values) == ("ETHNICITY", 1.0)
    assert attribute_from_values(pd.Series([None, ""], dtype=object)) is None
    assert attribute_from_values(pd.Series([], dtype="str")) is None


def test_free_text_and_names_are_no_attribute() -> None:
    names = pd.Series(["王伟", "李娜", "张秀英", "刘洋"] * 10)
    remarks = pd.Series(["独居老人，需定期走访", "其子每周探望一次"] * 10)
    assert attribute_from_values(names) is None
    assert attribute_from_values(remarks) is None


# --------------------------------------------------------------------------- header-driven


def test_dates_need_a_header() -> None:
    dates = pd.Series(["1949-12-31", "1950/1/2", "19491231", "1949年12月31日"])
    assert attribute_from_values(dates) is None
    assert attribute_from_values(dates, hint="DATE_OF_BIRTH") == ("DATE_OF_BIRTH", 1.0)


def test_ages_need_a_header() -> None:
    ages = pd.Series(["35", "40岁", "102", "0", "7周岁"])
    assert attribute_from_values(ages) is None
    assert attribute_from_values(ages, hint="AGE") == ("AGE", 1.0)
    assert age_share(pd.Series(["35", "121", "abc", "1200"])) == 0.25


def test_amounts_need_a_header() -> None:
    amounts = pd.Series(["3000", "1,200.50元", "2000-3000", "¥800", "1.5万"])
    assert attribute_from_values(amounts) is None
    assert attribute_from_values(amounts, hint="FINANCIAL") == ("FINANCIAL", 1.0)
    assert amount_share(pd.Series(["3000", "三千", "abc", "12元"])) == 0.5


@pytest.mark.parametrize("hint", ["FINANCIAL", "HEALTH", "CRIMINAL_RECORD", "PROPERTY"])
def test_yes_no_flags_with_a_header(hint: str) -> None:
    flags = pd.Series(["是", "否", "否", "否", "有", "无"])
    assert attribute_from_values(flags) is None
    assert attribute_from_values(flags, hint=hint) == (hint, 1.0)


def test_flags_mixed_with_vocabulary() -> None:
    values = pd.Series(["否"] * 8 + ["低保户", "特困"])
    assert attribute_from_values(values, hint="FINANCIAL") == ("FINANCIAL", 1.0)


def test_gender_codes_with_a_header() -> None:
    codes = pd.Series(["1", "2", "2", "1", "男"])
    assert attribute_from_values(codes) is None
    assert attribute_from_values(codes, hint="GENDER") == ("GENDER", 1.0)


def test_unfitting_hint_falls_back_to_values() -> None:
    values = pd.Series(["汉族", "回族", "满族"])
    assert attribute_from_values(values, hint="DATE_OF_BIRTH") == ("ETHNICITY", 1.0)
    assert attribute_from_values(pd.Series(["abc", "def"]), hint="AGE") is None


def test_vocabulary_share() -> None:
    values = pd.Series(["汉族", "回族", "苹果", "无"])
    assert vocabulary_share(values, "ETHNICITY") == 0.75
    assert vocabulary_share(values, "NOT_AN_ENTITY") == 0.0
    assert vocabulary_share(pd.Series(["1949-12-31", "x"]), "DATE_OF_BIRTH") == 0.5
    assert vocabulary_share(pd.Series(["35", "x"]), "AGE") == 0.5


# --------------------------------------------------------------------------- dates

DATE_FORMS = [
    ("1949-12-31", "1949-12-31", "day"),
    ("1949/12/31", "1949-12-31", "day"),
    ("1949.12.31", "1949-12-31", "day"),
    ("19491231", "1949-12-31", "day"),
    ("1949年12月31日", "1949-12-31", "day"),
    ("1949-1-5", "1949-01-05", "day"),
    ("1949-12-31 00:00:00", "1949-12-31", "day"),
    ("1949-12-31T08:30", "1949-12-31", "day"),
    ("２０２０－０１－０５", "2020-01-05", "day"),
    ("1949.12", "1949-12-01", "month"),
    ("1949-12", "1949-12-01", "month"),
    ("1949/12", "1949-12-01", "month"),
    ("1949年12月", "1949-12-01", "month"),
    ("1949年", "1949-01-01", "year"),
]


@pytest.mark.parametrize(("text", "iso", "level"), DATE_FORMS)
def test_parse_date_forms(text: str, iso: str, level: str) -> None:
    parsed = parse_dates(pd.Series([text]))
    assert parsed.iloc[0] == pd.Timestamp(iso)
    assert date_granularity(pd.Series([text])) == level


@pytest.mark.parametrize(
    "text", ["2023-02-30", "1949-13-01", "abc", "", "1949", "20231", "13800138000", "3000.50", "0000-00-00", "12/31/1949"]
)
def test_not_dates(text: str) -> None:
    assert pd.isna(parse_dates(pd.Series([text])).iloc[0])


def test_bare_year_only_when_asked() -> None:
    years = pd.Series(["1949", "1950", "3000"])
    assert parse_dates(years).isna().all()
    parsed = parse_dates(years, bare_year=True)
    assert parsed.iloc[0] == pd.Timestamp("1949-01-01") and pd.isna(parsed.iloc[2])
    assert date_granularity(years, bare_year=True) == "year"
    assert attribute_from_values(years[:2], hint="DATE_OF_BIRTH") == ("DATE_OF_BIRTH", 1.0)


def test_parse_dates_keeps_index_and_missing() -> None:
    values = pd.Series(["1949-12-31", None, "x"], index=[10, 20, 30], dtype=object)
    parsed = parse_dates(values)
    assert list(parsed.index) == [10, 20, 30]
    assert str(parsed.dtype).startswith("datetime64")
    assert parsed.iloc[0] == pd.Timestamp("1949-12-31") and parsed.iloc[1:].isna().all()


def test_date_granularity_finest_level_present() -> None:
    assert date_granularity(pd.Series(["1949-12", "1950-01", "1951-02"])) == "month"
    assert date_granularity(pd.Series(["1949-12-31"] + ["1950-01"] * 9)) == "day"
    # A stray full date among many months is below the default 5 % share.
    assert date_granularity(pd.Series(["1949-12-31"] + ["1950-01"] * 99)) == "month"
    assert date_granularity(pd.Series(["x", "y"])) is None
    assert date_granularity(pd.Series([], dtype="str")) is None


def test_faker_birth_dates() -> None:
    fake = faker.Faker("zh_CN")
    fake.seed_instance(11)
    births = pd.Series([fake.date_of_birth(minimum_age=0, maximum_age=100).isoformat() for _ in range(500)])
    assert attribute_from_values(births, hint="DATE_OF_BIRTH") == ("DATE_OF_BIRTH", 1.0)
    assert date_share(births) == 1.0
    assert date_granularity(births) == "day"
    as_chinese = births.str.replace(r"^(\d{4})-(\d{2})-(\d{2})$", r"\1年\2月\3日", regex=True)
    assert (parse_dates(as_chinese) == parse_dates(births)).all()


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_forms_round_trip(day: dt.date) -> None:
    forms = [
        day.isoformat(),
        f"{day.year}/{day.month}/{day.day}",
        day.strftime("%Y%m%d"),
        f"{day.year}年{day.month}月{day.day}日",
        day.strftime("%Y.%m.%d"),
    ]
    parsed = parse_dates(pd.Series(forms))
    assert (parsed == pd.Timestamp(day)).all()
    month = parse_dates(pd.Series([day.strftime("%Y-%m"), f"{day.year}年{day.month}月"]))
    assert (month == pd.Timestamp(day.replace(day=1))).all()


# --------------------------------------------------------------------------- fast path = scalar reference
# Common forms are read from the cells' bytes, the rest by the regex patterns, once per
# distinct value when a column repeats: both must equal the plain per-cell definition.


@st.composite
def _date_like(draw: st.DrawFn) -> str:
    year = draw(st.one_of(
        st.integers(1700, 2300).map(str),
        st.sampled_from(["1799", "1800", "1849", "1850", "2100", "2101", "2200", "2201", "0000", "9999", "19", "20231",
                         "１９４９"]),
    ))
    month = draw(st.sampled_from(["", "1", "01", "2", "02", "9", "12", "13", "0", "00", "２"]))
    day = draw(st.sampled_from(["", "1", "01", "5", "28", "29", "30", "31", "32", "0"]))
    sep1 = draw(st.sampled_from(["-", "/", ".", "年", "", " ", "－", " - "]))
    sep2 = draw(st.sampled_from(["-", "/", ".", "月", "", " "]))
    tail = draw(st.sampled_from(["", "", "日", "月", " 00:00:00", "T08:30", "t8:30:00.5", " 10:00", "Z", " ", "号"]))
    text = year + (sep1 + month if month else draw(st.sampled_from(["", "年"]))) + (sep2 + day if day else "") + tail
    return text.upper() if draw(st.booleans()) else text


_YEARS = st.one_of(
    st.integers(1700, 2300),
    st.sampled_from([1799, 1800, 1849, 1850, 2100, 2101, 2200, 2201, 0, 19, 9999]),
)
#: Renderings of (year, month, day): the fast forms and their near misses.
_TEMPLATES = [
    "{Y}-{M}-{D}", "{Y}/{M}/{D}", "{Y}.{M}.{D}", "{Y}-{m}-{d}", "{Y}/{m}/{D}", "{Y}.{M}-{d}", "{Y}{M}{D}",
    "{Y}年{M}月{D}日", "{Y}年{m}月{d}日", "{Y}年{m}月{D}日", "{Y}-{M}", "{Y}/{m}", "{Y}年{M}月", "{Y}年{m}月", "{Y}年",
    "{Y}", "{Y}-{M}-{D} {h}:{M}:{D}", "{Y}-{M}-{D}T{h}:{M}", "{Y}/{M}/{D}t{h}:{M}:{D}", "{Y}-{M}-{D} {h}:{M}",
    "{Y}-{M}-{D}:{h}:{M}", "{Y}-{M}-{D}日", "{Y}年{M}", "{Y}-{M}月", "{Y}{M}", "{Y}{M}{D}{h}",
]


def _render(template: str, year: int, month: int, day: int, hour: int) -> str:
    return template.format(Y=f"{year:04d}", M=f"{month:02d}", m=str(month), D=f"{day:02d}", d=str(day), h=str(hour))


_FAST_DATE = st.builds(_render, st.sampled_from(_TEMPLATES), _YEARS, st.integers(0, 13), st.integers(0, 32),
                       st.integers(0, 99))


@st.composite
def _perturbed(draw: st.DrawFn) -> str:
    """A rendered date with one character replaced, inserted or deleted."""
    text = draw(_FAST_DATE)
    pos = draw(st.integers(0, len(text)))
    char = draw(st.sampled_from(list("0123456789-/.:年月日号 tT１Z\u3000")))
    op = draw(st.sampled_from(["replace", "insert", "delete"]))
    if op == "insert":
        return text[:pos] + char + text[pos:]
    return text[:pos] + (char if op == "replace" else "") + text[pos + 1 :]


_DATE_CELLS = st.one_of(st.none(), st.text(max_size=12), _date_like(), _FAST_DATE, _perturbed())


@st.composite
def _date_column(draw: st.DrawFn) -> list[str | None]:
    """Cells of mostly one form, as a date column holds them."""
    template = draw(st.sampled_from(_TEMPLATES))
    days = draw(st.lists(st.tuples(_YEARS, st.integers(0, 13), st.integers(0, 32), st.integers(0, 99)), max_size=20))
    column: list[str | None] = [_render(template, *day) for day in days]
    return column + draw(st.lists(_DATE_CELLS, max_size=3))


def _date_granularity_reference(values: list[str | None], min_share: float, bare_year: bool) -> str | None:
    levels = [level for _, level in (_parse_date_scalar(v, bare_year) for v in values) if level]
    if not levels:
        return None
    need = max(1, int(np.ceil(min_share * len(levels))))
    for level in ("day", "month", "year"):
        if levels.count(level) >= need:
            return level
    return str(pd.Series(levels, dtype=object).value_counts().index[0])


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(_DATE_CELLS, max_size=25), _date_column()), st.booleans(), st.sampled_from(["object", "str"]))
def test_parse_dates_equals_scalar_reference(values: list[str | None], bare_year: bool, dtype: str) -> None:
    expected = [_parse_date_scalar(v, bare_year)[0] for v in values]
    expected_ts = [pd.Timestamp(d) if d else pd.NaT for d in expected]
    parsed = parse_dates(pd.Series(values, dtype=dtype), bare_year=bare_year)
    assert str(parsed.dtype) == "datetime64[ns]"
    assert parsed.tolist() == expected_ts
    if values:
        reps = -(-10_000 // len(values))  # long and repetitive: read once per distinct value
        assert parse_dates(pd.Series(values * reps, dtype=dtype), bare_year=bare_year).tolist() == expected_ts * reps


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.lists(_DATE_CELLS, max_size=25), _date_column()), st.sampled_from([0.05, 0.3, 0.5, 0.9]),
       st.booleans())
def test_date_granularity_equals_scalar_reference(values: list[str | None], min_share: float, bare_year: bool) -> None:
    expected = _date_granularity_reference(values, min_share, bare_year)
    assert date_granularity(pd.Series(values, dtype=object), min_share=min_share, bare_year=bare_year) == expected


#: Every template with boundary years, all months 0–13 and boundary days, plus near misses.
_GRID_YEARS = (0, 19, 1799, 1800, 1849, 1850, 2000, 2024, 2100, 2101, 2200, 2201)
_DATE_GRID = [
    _render(template, year, month, day, (year + month + day) % 30)
    for template in _TEMPLATES
    for year in _GRID_YEARS
    for month in range(14)
    for day in (0, 1, 10, 28, 29, 30, 31, 32)
]


def _near_misses(cells: list[str], count: int) -> list[str]:
    rng = random.Random(7)
    out = []
    for _ in range(count):
        text = rng.choice(cells)
        pos = rng.randrange(len(text) + 1)
        char = rng.choice("0123456789-/.:年月日号 tT１Z\u3000")
        out.append(text[:pos] + char + text[pos + rng.randrange(2) :])
    return out


@pytest.mark.parametrize("bare_year", [False, True])
def test_parse_dates_grid_equals_scalar_reference(bare_year: bool) -> None:
    cells = _DATE_GRID + _near_misses(_DATE_GRID, 8000)
    reference = [_parse_date_scalar(cell, bare_year) for cell in cells]
    expected = [pd.Timestamp(day) if day else pd.NaT for day, _ in reference]
    assert parse_dates(pd.Series(cells), bare_year=bare_year).tolist() == expected
    per_template = len(_DATE_GRID) // len(_TEMPLATES)
    for i in range(len(_TEMPLATES)):  # one column per form
        column = cells[i * per_template : (i + 1) * per_template]
        assert date_granularity(pd.Series(column), bare_year=bare_year) == _date_granularity_reference(
            column, 0.05, bare_year
        )


_DATE_FORMS = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.isoformat()),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(lambda d: f"{d.year}年{d.month}月"),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.strftime("%Y%m%d")),
    st.integers(1800, 2200).map(str),
    st.text(max_size=6),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_DATE_FORMS, max_size=40), st.booleans())
def test_date_stats_equals_granularity_and_histogram(values, bare_year):
    """date_stats (one pass over distinct values) == date_granularity + parse_dates histogram."""
    from privaudit.detect.attributes import date_stats, parse_dates

    series = pd.Series(values, dtype="str")
    granularity, histogram = date_stats(series, bare_year=bare_year)
    parsed = parse_dates(series, bare_year=bare_year).dropna()
    assert granularity == date_granularity(series, bare_year=bare_year)
    assert histogram == parsed.dt.strftime("%Y-%m-%d").value_counts().to_dict()
