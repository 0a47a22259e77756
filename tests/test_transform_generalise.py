"""generalise: the column-wise forms equal their scalar definitions."""

from __future__ import annotations

import datetime as dt
import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.detect.addresses import generalise_address
from privaudit.detect.attributes import parse_dates
from privaudit.identifiers import cn_resident_id
from privaudit.transform.generalise import (
    UNKNOWN,
    generalise_addresses,
    generalise_coordinates,
    generalise_dates,
    generalise_resident_ids,
    region_label,
)

LEVELS = ["province", "city", "district", "street"]
PIECES = [
    "北京市", "朝阳区", "河北省", "石家庄市", "长安区", "建北街道", "幸福小区", "3栋", "2单元", "501室", "广西壮族自治区",
    "南宁市", "青秀区", "新疆维吾尔自治区", "伊犁哈萨克自治州", "伊宁市", "昆山市", "张家村", "三组", "东风镇", "乡",
    "香港特别行政区", "特别行政区", "市场", "小区", "苏木", "嘎查", "内蒙古", "呼伦贝尔盟", "新巴尔虎左旗", "建国路88号",
    "１２号", " ", "\u3000", "\u2028", "-", "A座", "上海", "上海市", "浦东新区", "路", "区", "县", "镇",
]
ADDRESS_TEXT = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.text(alphabet=st.sampled_from("北京市朝阳区省县镇街道路号栋 　１2a·自治"), max_size=25),
    st.text(max_size=20),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(ADDRESS_TEXT, min_size=1, max_size=30), st.sampled_from(LEVELS))
def test_addresses_equal_the_scalar_generalisation(values, level):
    got = generalise_addresses(pd.Series(values, dtype="str"), level).tolist()
    assert got == [generalise_address(v, level) for v in values]


def test_addresses_on_a_long_repetitive_column_equal_the_scalar_generalisation():
    rng = random.Random(5)
    distinct = ["".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 8))) for _ in range(400)]
    values = [rng.choice(distinct) for _ in range(12_000)]  # repeats: the dictionary path
    for level in LEVELS:
        got = generalise_addresses(pd.Series(values, dtype="str"), level)
        reference = {v: generalise_address(v, level) for v in distinct}
        assert got.tolist() == [reference[v] for v in values]


DATE_TEXT = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(lambda d: d.isoformat()),
    st.dates(dt.date(1900, 1, 1), dt.date(2030, 12, 31)).map(lambda d: f"{d.year}年{d.month}月"),
    st.integers(1850, 2100).map(str),
    st.text(max_size=10),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(DATE_TEXT, min_size=1, max_size=20), st.sampled_from(["year", "month", "age_band", 5]))
def test_dates_follow_parse_dates(values, to):
    today = dt.date(2026, 11, 23)
    got = generalise_dates(pd.Series(values, dtype="str"), to, today).to_pylist()
    parsed = parse_dates(pd.Series(values, dtype="str"), bare_year=True)
    for result, date in zip(got, parsed, strict=True):
        if pd.isna(date) or date.date() > today:
            assert result == UNKNOWN
        elif to == "year":
            assert result == str(date.year)
        elif to == "month":
            assert result in (str(date.year), f"{date.year}-{date.month:02d}")
        else:
            lo, hi = (int(x) for x in result.split("-"))
            width = 10 if to == "age_band" else to
            assert hi - lo == width - 1 and lo % width == 0
            age = today.year - date.year
            assert lo <= age <= hi + 1 and lo >= age - 1 - width


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["110105", "130503", "440305", "429004", "654002", "810000"]),
                          st.dates(dt.date(1920, 1, 1), dt.date(2024, 12, 31)), st.integers(0, 999)),
                min_size=1, max_size=15))
def test_resident_ids_give_region_and_birth_year(parts):
    ids = []
    for region, birth, seq in parts:
        body = f"{region}{birth:%Y%m%d}{seq:03d}"
        ids.append(body + cn_resident_id.check_char(body))
    got = generalise_resident_ids(pd.Series(ids, dtype="str"), "region_year").to_pylist()
    for value, result in zip(ids, got, strict=True):
        info = cn_resident_id.info(value)
        assert result == f"{region_label(value[:6])} {info['birth_date'].year}"
        assert value not in result


def test_region_labels():
    assert region_label("110105") == "北京市朝阳区"
    assert region_label("110105", "city") == "北京市" and region_label("110105", "province") == "北京市"
    assert region_label("130503") == "河北省邢台市信都区"  # the code's latest name
    assert region_label("429004") == "湖北省仙桃市" and region_label("429004", "city") == "湖北省仙桃市"
    assert region_label("654002", "city") == "新疆维吾尔自治区伊犁哈萨克自治州"
    assert region_label("810000") == "香港特别行政区"
    assert region_label("999999") is None


@pytest.mark.parametrize(
    ("value", "grid", "expected"),
    [
        ("39.916527,116.397128", 0.1, "39.9,116.3"),
        ("39.999999,116.0", 0.1, "39.9,116.0"),
        ("-0.05,-0.05", 0.1, "-0.1,-0.1"),
        ("0.05,0.05", 0.1, "0.0,0.0"),
        ("39.916527 116.397128", 1, "39,116"),
        ("39.916527、116.397128", 0.25, "39.75,116.25"),
        ("39.9°N, 116.4°E", 0.1, "39.9,116.4"),
        ("lat: -33.86, lng: 151.21", 0.1, "-33.9,151.2"),
        ("116.397128", 0.01, "116.39"),
        ("12345.6,1", 0.1, UNKNOWN),
    ],
)
def test_coordinates_snap_to_the_grid_corner(value, grid, expected):
    assert generalise_coordinates(pd.Series([value], dtype="str"), grid=grid).to_pylist() == [expected]
