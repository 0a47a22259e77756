"""Re-identification risk: k-anonymity, l-diversity, suppression (privaudit.transform.risk)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.errors import PrivauditError
from privaudit.transform.risk import RiskReport, assess, k_anonymity, l_diversity, suppress

QIS = ["性别", "出生年", "区县"]


def _table(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*QIS, "宗教信仰"])


#: Three classes of sizes 3, 3 and 1; religion diversity 2, 1 and 1.
CRAFTED = _table(
    [
        ("男", "1950", "朝阳区", "佛教"),
        ("女", "1960", "海淀区", "无"),
        ("男", "1950", "朝阳区", "无"),
        ("女", "1960", "海淀区", "无"),
        ("男", "1950", "朝阳区", "无"),
        ("女", "1960", "海淀区", "无"),
        ("女", "1980", "东城区", "基督教"),
    ]
)


def test_k_of_a_crafted_table():
    report = k_anonymity(CRAFTED, QIS)
    assert isinstance(report, RiskReport)
    assert (report.k, report.groups, report.rows) == (1, 3, 7)
    assert report.smallest_groups[0] == {
        "values": {"性别": "女", "出生年": "1980", "区县": "东城区"},
        "size": 1,
    }
    # then the two classes of 3, in order of first appearance
    assert [g["size"] for g in report.smallest_groups] == [1, 3, 3]
    assert report.smallest_groups[1]["values"]["性别"] == "男"
    assert report.quasi_identifiers == tuple(QIS)


def test_k_equals_three_and_all_equal_rows():
    assert k_anonymity(CRAFTED.iloc[:6], QIS).k == 3
    same = _table([("女", "1970", "朝阳区", "无")] * 9)
    report = k_anonymity(same, QIS)
    assert (report.k, report.groups) == (9, 1)
    assert k_anonymity(CRAFTED, ["性别"]).k == 3  # 男 ×3, 女 ×4
    assert k_anonymity(CRAFTED, []).k == 7  # no quasi-identifier: one class


def test_smallest_limits_the_listed_groups():
    assert len(k_anonymity(CRAFTED, QIS, smallest=2).smallest_groups) == 2
    assert k_anonymity(CRAFTED, QIS, smallest=0).smallest_groups == []


def test_missing_values_are_a_value_of_their_own():
    frame = pd.DataFrame(
        {"性别": ["男", None, np.nan, "男", pd.NA], "出生年": ["1950", "1950", "1950", "1950", "1950"]},
        dtype=object,
    )
    report = k_anonymity(frame, ["性别", "出生年"])
    assert (report.k, report.groups) == (2, 2)
    missing = [g for g in report.smallest_groups if g["values"]["性别"] is None]
    assert missing and missing[0]["size"] == 3
    assert json.dumps(report.to_dict(), ensure_ascii=False)


def test_l_diversity():
    assert l_diversity(CRAFTED, QIS, ["宗教信仰"]) == {"宗教信仰": 1}
    assert l_diversity(CRAFTED.iloc[[0, 2, 4]], QIS, ["宗教信仰"]) == {"宗教信仰": 2}
    frame = CRAFTED.assign(健康状况=["良好", "高血压", "糖尿病", "良好", "良好", "良好", None])
    report = assess(frame, QIS, ["宗教信仰", "健康状况"])
    assert report.l == {"宗教信仰": 1, "健康状况": 1}
    assert assess(frame.iloc[:6], QIS, ["健康状况"]).l == {"健康状况": 2}
    assert report.k == 1 and report.to_dict()["l"] == {"宗教信仰": 1, "健康状况": 1}


def test_empty_frame_is_defined():
    empty = CRAFTED.iloc[:0]
    report = assess(empty, QIS, ["宗教信仰"])
    assert (report.k, report.groups, report.rows, report.smallest_groups) == (0, 0, 0, [])
    assert report.l == {"宗教信仰": 0}
    assert l_diversity(empty, QIS, ["宗教信仰"]) == {"宗教信仰": 0}
    rest, mask = suppress(empty, QIS, 5)
    assert rest.empty and mask.empty


def test_missing_columns_are_named():
    with pytest.raises(PrivauditError, match="quasi-identifier column '年龄' is not in the data"):
        k_anonymity(CRAFTED, ["性别", "年龄"])
    with pytest.raises(PrivauditError, match="sensitive column '健康状况'"):
        assess(CRAFTED, QIS, ["健康状况"])
    with pytest.raises(PrivauditError, match="'年龄'"):
        suppress(CRAFTED, ["年龄"], 2)
    doubled = pd.concat([CRAFTED, CRAFTED[["性别"]]], axis=1)
    with pytest.raises(PrivauditError, match="appears 2 times"):
        k_anonymity(doubled, ["性别"])


def test_suppress_reaches_k_and_keeps_order_and_index():
    frame = CRAFTED.set_index(pd.Index([70, 60, 50, 40, 30, 20, 10]))
    rest, mask = suppress(frame, QIS, 3)
    assert mask.tolist() == [False] * 6 + [True] and mask.index.equals(frame.index)
    assert rest.index.tolist() == [70, 60, 50, 40, 30, 20]
    assert rest.equals(frame.iloc[:6])
    assert k_anonymity(rest, QIS).k == 3
    rest4, mask4 = suppress(frame, QIS, 4)
    assert rest4.empty and mask4.all()
    rest1, mask1 = suppress(frame, QIS, 1)
    assert rest1.equals(frame) and not mask1.any()
    with pytest.raises(PrivauditError, match="whole number"):
        suppress(frame, QIS, 2.5)


def _naive_k(frame: pd.DataFrame, qis: list[str]) -> int:
    return int(frame.groupby(qis, dropna=False).size().min()) if len(frame) else 0


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["男", "女", None]),
            st.sampled_from(["1950", "1960", "1970", None]),
            st.sampled_from(["朝阳区", "海淀区"]),
            st.sampled_from(["无", "佛教", None]),
        ),
        max_size=40,
    ),
    k=st.integers(1, 6),
)
def test_suppression_property(rows, k):
    frame = pd.DataFrame(rows, columns=[*QIS, "宗教信仰"], dtype=object)
    report = k_anonymity(frame, QIS)
    assert report.k == _naive_k(frame, QIS)
    assert report.groups == (frame.groupby(QIS, dropna=False).ngroups if len(frame) else 0)
    rest, mask = suppress(frame, QIS, k)
    assert len(rest) + int(mask.sum()) == len(frame)
    assert rest.empty or k_anonymity(rest, QIS).k >= k
    assert rest.index.tolist() == frame.index[~mask.to_numpy()].tolist()
    if len(frame):
        sizes = frame.groupby(QIS, dropna=False)[QIS[0]].transform("size")
        assert mask.tolist() == (sizes < k).tolist()
        distinct = frame.groupby(QIS, dropna=False)["宗教信仰"].agg(lambda s: s.nunique(dropna=False)).min()
        assert l_diversity(frame, QIS, ["宗教信仰"]) == {"宗教信仰": int(distinct)}


def test_numeric_and_categorical_columns():
    frame = pd.DataFrame(
        {
            "出生年": pd.Series([1950, 1950, 1960, None], dtype="Int64"),
            "区县": pd.Categorical(["朝阳区", "朝阳区", "海淀区", "海淀区"]),
        }
    )
    report = k_anonymity(frame, ["出生年", "区县"])
    assert (report.k, report.groups) == (1, 3)
    values = [g["values"]["出生年"] for g in report.smallest_groups]
    assert set(values) == {1960, None, 1950} and all(not isinstance(v, np.generic) for v in values)
    json.dumps(report.to_dict(), ensure_ascii=False)


def test_many_quasi_identifiers_with_many_values():
    """The combined group key is compressed before it could overflow 64 bits."""
    rng = np.random.default_rng(3)
    columns = [f"q{i}" for i in range(8)]
    frame = pd.DataFrame({c: rng.integers(0, 400, 3000).astype(str) for c in columns})
    frame = pd.concat([frame, frame.iloc[:50]], ignore_index=True)  # 50 classes of 2
    report = k_anonymity(frame, columns)
    assert report.k == _naive_k(frame, columns) == 1
    assert report.groups == frame.groupby(columns).ngroups
    rest, _ = suppress(frame, columns, 2)
    assert len(rest) == 100 and k_anonymity(rest, columns).k == 2
