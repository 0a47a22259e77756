"""End-to-end scans of DataFrames and real files."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import privaudit
from privaudit.detect.scanner import find_spans
from privaudit.identifiers import module_for
from privaudit.model import FINDING_COLUMNS

EXPECTED_PRIMARY = {
    "姓名": "PERSON",
    "性别": "GENDER",
    "民族": "ETHNICITY",
    "身份证号": "CN_RESIDENT_ID",
    "联系电话": "PHONE_NUMBER",
    "家庭住址": "ADDRESS",
    "宗教信仰": "RELIGION",
    "备注": "FREE_TEXT",
}


def test_dataframe_scan_profiles_columns(register):
    result = privaudit.scan(register)
    ds = result.datasets[0]
    assert ds.source == "<dataframe>" and ds.rows == len(register)
    assert {c.name: c.primary for c in ds.columns} == EXPECTED_PRIMARY
    ids = ds.column("身份证号")
    assert ids.entities[0] == "CN_RESIDENT_ID"
    assert ids.cells_with_findings == len(register) and ids.share == 1.0
    assert re.fullmatch(r"\d{6}\*{8}\d{3}[\dX]", ids.sample)
    assert "RELIGION" in ds.column("宗教信仰").entities


def test_findings_have_contract_columns_and_exact_spans(register):
    result = privaudit.scan(register)
    f = result.findings
    assert list(f.columns) == FINDING_COLUMNS
    ids = f[(f["column"] == "身份证号") & (f["entity"] == "CN_RESIDENT_ID")]
    assert sorted(ids["row"]) == list(range(len(register)))
    assert (ids["start"] == 0).all() and (ids["end"] == 18).all()
    # phones inside free-text remarks: exact spans pointing at the number
    remarks = f[(f["column"] == "备注") & (f["entity"] == "PHONE_NUMBER")]
    expected_rows = [i for i, t in enumerate(register["备注"]) if "电话" in t]
    assert sorted(remarks["row"]) == expected_rows
    phone = module_for("PHONE_NUMBER")
    for rec in remarks.itertuples():
        text = register["备注"].iloc[rec.row]
        assert phone.is_valid(text[rec.start : rec.end])


def test_minors_counted_from_id_birth_dates(register):
    result = privaudit.scan(register)
    ds = result.datasets[0]
    assert ds.minors_under_14 == len(register) // 10  # every 10th person is five years old
    assert ds.minors_under_18 == len(register) // 10


def test_minors_depend_on_the_scan_date(register):
    later = dt.date.today().replace(year=dt.date.today().year + 20)
    assert privaudit.scan(register, today=later).datasets[0].minors_under_14 == 0


def test_gb18030_csv_gives_the_same_findings_as_the_frame(register, register_csv):
    from_frame = privaudit.scan(register).findings.drop(columns=["source"])
    from_file = privaudit.scan(str(register_csv))
    assert from_file.datasets[0].encoding == "gb18030"
    pd.testing.assert_frame_equal(
        from_frame.reset_index(drop=True), from_file.findings.drop(columns=["source"]).reset_index(drop=True)
    )


def test_directory_and_list_inputs(tmp_path, register):
    (tmp_path / "sub").mkdir()
    register.to_csv(tmp_path / "a.csv", index=False)
    register.head(5).to_json(tmp_path / "sub" / "b.jsonl", orient="records", lines=True, force_ascii=False)
    by_dir = privaudit.scan(str(tmp_path))
    assert sorted(d.source.replace(str(tmp_path), "") for d in by_dir.datasets) == ["/a.csv", "/sub/b.jsonl"]
    by_list = privaudit.scan([str(tmp_path / "a.csv"), str(tmp_path / "sub" / "b.jsonl")])
    assert [d.rows for d in by_list.datasets] == [len(register), 5]


def test_value_only_classification_when_header_says_nothing(register):
    anonymous = register.rename(columns={c: f"字段{i + 1}" for i, c in enumerate(register.columns)})
    ds = privaudit.scan(anonymous).datasets[0]
    got = {c.name: c.primary for c in ds.columns}
    assert got["字段4"] == "CN_RESIDENT_ID"
    assert got["字段5"] == "PHONE_NUMBER"
    assert got["字段1"] == "PERSON"
    assert got["字段6"] == "ADDRESS"
    assert got["字段3"] == "ETHNICITY"


def test_excel_damaged_ids_are_warned_not_found():
    frame = pd.DataFrame({"身份证号": ["1.10105E+17", "110105194912310000", "11010519491231002X"]})
    ds = privaudit.scan(frame).datasets[0]
    col = ds.column("身份证号")
    assert col.damaged_cells == 2
    assert col.cells_with_findings == 1
    assert any("damaged by Excel" in w for w in ds.warnings)


def test_masked_column_is_not_reported_as_raw_ids():
    frame = pd.DataFrame({"身份证号": ["110105********002X", "310104********1234"]})
    ds = privaudit.scan(frame).datasets[0]
    col = ds.column("身份证号")
    assert col.masked_cells == 2 and col.entities == []


def test_no_raw_value_in_reports(register):
    from privaudit.report import json_report, text_report

    result = privaudit.scan(register)
    rendered = json.dumps(json_report(result), ensure_ascii=False) + text_report(result)
    rendered += " ".join(result.findings["masked"])
    for value in list(register["身份证号"]) + list(register["联系电话"]):
        assert value not in rendered


_cells = st.text(
    alphabet=st.sampled_from(list("0123456789０１２３４５６７８９Xx+-. ()@:，。王李小区栋单元室号路村组北京市") + ["\u3000", "\n"]),
    max_size=60,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_cells, min_size=1, max_size=8))
def test_arbitrary_cells_never_crash_and_spans_point_at_text(cells):
    frame = pd.DataFrame({"备注": cells, "字段2": list(reversed(cells))})
    result = privaudit.scan(frame)
    for rec in result.findings.itertuples():
        text = frame[rec.column].iloc[rec.row]
        assert 0 <= rec.start < rec.end <= len(text)
        assert rec.masked != text[rec.start : rec.end] or len(text[rec.start : rec.end].strip()) < 2


@settings(max_examples=200, deadline=None)
@given(_cells)
def test_find_spans_do_not_overlap(text):
    spans = find_spans(text)
    for a, b in zip(spans, spans[1:], strict=False):
        assert a.end <= b.start


_REMARKS = st.lists(
    st.sampled_from(
        [
            "户主王建国，身份证11010519491231002X，现住幸福里小区3栋2单元501室，电话138 1234 5678",
            "其子电话+86 139-1234-5678", "邮箱 zhang.wei@163.com", "订单号 6222021234567890128",
            "独居老人", "李家村3组28号", "车牌京A12345", "IP 192.168.1.20", "",
        ]
    ).map(lambda t: t) | _cells,
    min_size=1,
    max_size=12,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_REMARKS)
def test_column_span_search_equals_cell_by_cell(cells):
    from privaudit.detect.scanner import find_spans_many

    got = find_spans_many(pd.Series(cells, dtype="str"))
    got_set = set() if got is None else {
        (int(r.pos), r.entity, int(r.start), int(r.end)) for r in got.itertuples()
    }
    want = {(i, s.entity, s.start, s.end) for i, text in enumerate(cells) for s in find_spans(text)}
    assert got_set == want


def test_headerless_dates_spanning_generations_are_birth_dates():
    frame = pd.DataFrame(
        {
            "字段1": ["1949-12-31", "1980-01-02", "2015-05-06"] * 10,  # birth dates
            "字段2": ["2024-01-01", "2023-05-06", "2022-01-01"] * 10,  # registration dates
        }
    )
    got = {c.name: c.primary for c in privaudit.scan(frame).datasets[0].columns}
    assert got == {"字段1": "DATE_OF_BIRTH", "字段2": None}


def test_age_bands_under_a_birth_date_header_count_as_year_granularity():
    """A generalised birth-date column (age bands) is not mistaken for day precision."""
    import privaudit

    frame = pd.DataFrame({"姓名": ["王建国", "李秀英", "张伟"], "出生日期": ["70-79", "80-89", "90+"]})
    col = privaudit.scan(frame).datasets[0].column("出生日期")
    assert col.granularity.get("DATE_OF_BIRTH") == "year"
    days = privaudit.scan(pd.DataFrame({"出生日期": ["1949-12-31", "1950-01-02", "1960-05-05"]})).datasets[0]
    assert days.column("出生日期").granularity.get("DATE_OF_BIRTH") == "day"
