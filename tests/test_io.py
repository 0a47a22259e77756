"""Readers: every format, encodings, title rows, chunking, laziness and every input error."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from privaudit.errors import InputError
from privaudit.io import Table, read
from privaudit.io._shared import find_header_row

ID_OK = "11010519491231002X"
ID_DIGITS = "110105194912310021"
ROWS = [
    ["张三", ID_OK, "13800138000", "00123"],
    ["欧阳娜娜", ID_DIGITS, "+86 139-1234-5678", ""],
    ["李四", "130503670401001", "010-12345678", "7"],
]
HEADER = ["姓名", "身份证号", "联系电话", "编号"]


def frame(table: Table) -> pd.DataFrame:
    return table.to_frame()


def cells(table: Table) -> list[list[str | None]]:
    """Rows as lists with missing cells as None."""
    df = frame(table)
    return [[None if pd.isna(v) else v for v in row] for row in df.itertuples(index=False)]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def expect_input_error(path: Path, *fragments: str, lazy: bool = False) -> str:
    """Read ``path``; assert one-line InputError naming it, containing ``fragments``, file unchanged."""
    before = snapshot(path) if path.exists() else None
    with pytest.raises(InputError) as info:
        tables = read(path)
        if lazy:
            for table in tables:
                for _ in table.chunks():
                    pass
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message
    if before is not None:
        assert snapshot(path) == before
    return message


# --------------------------------------------------------------------------- CSV


def test_csv_utf8_keeps_every_cell_as_text(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *ROWS])
    (table,) = read(path)
    assert (table.source, table.sheet, table.format, table.encoding) == (str(path), None, "csv", "utf-8")
    assert table.columns == HEADER
    assert table.header_row == 0
    assert table.size_hint == path.stat().st_size
    df = frame(table)
    assert all(dtype == "str" for dtype in df.dtypes)
    assert list(df.index) == [0, 1, 2]
    assert cells(table) == [[None if v == "" else v for v in row] for row in ROWS]


def test_csv_source_is_the_path_as_given(tmp_path, monkeypatch):
    write_csv(tmp_path / "r.csv", [HEADER, *ROWS])
    monkeypatch.chdir(tmp_path)
    assert read("./r.csv")[0].source == "./r.csv"
    assert read(Path("r.csv"))[0].source == "r.csv"


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030")],
)
def test_csv_encodings(tmp_path, encoding, reported):
    rows = [HEADER, *ROWS, ["王𠀀" if encoding == "gb18030" else "王芳", "", "", "镕"]]
    path = write_csv(tmp_path / "r.csv", rows, encoding=encoding)
    (table,) = read(path)
    assert table.encoding == reported
    assert table.columns == HEADER  # no BOM left on the first name
    assert cells(table)[-1][0] == rows[-1][0]
    assert cells(table)[0] == ROWS[0]


def test_gb18030_after_a_long_ascii_prefix_is_not_taken_for_utf8(tmp_path):
    ascii_rows = [[f"p{i}", str(10**17 + i), "13800138000", "x"] for i in range(40_000)]  # > 1 MiB
    path = write_csv(
        tmp_path / "late.csv", [HEADER, *ascii_rows, ["赵六", ID_OK, "", ""]], encoding="gb18030"
    )
    assert path.stat().st_size > 1 << 20
    (table,) = read(path)
    assert table.encoding == "gb18030"
    assert cells(table)[-1][:2] == ["赵六", ID_OK]


@pytest.mark.parametrize(
    ("delimiter", "suffix", "fmt"),
    [(";", ".csv", "csv"), ("\t", ".tsv", "tsv"), ("|", ".txt", "csv"), ("\t", ".txt", "tsv")],
)
def test_csv_delimiter_sniffing(tmp_path, delimiter, suffix, fmt):
    rows = [HEADER, *ROWS, ["王五", "a,b", "c;d", "e|f"]]
    path = write_csv(tmp_path / f"r{suffix}", rows, delimiter=delimiter)
    (table,) = read(path)
    assert table.format == fmt
    assert table.columns == HEADER
    assert cells(table)[-1] == ["王五", "a,b", "c;d", "e|f"]


def test_csv_quoted_newlines_delimiters_and_quotes(tmp_path):
    rows = [HEADER, ["张三", "住址：北京市,朝阳区\n和平路1号", 'say "hi"', "a\r\nb"], ROWS[0]]
    path = write_csv(tmp_path / "q.csv", rows)
    assert cells(read(path)[0]) == [rows[1], rows[2]]


@pytest.mark.parametrize("padded", [True, False])
def test_csv_title_rows_above_the_header(tmp_path, padded):
    pad = [""] * 3 if padded else []
    title = ["XX社区居民信息登记表", *pad]
    unit = (
        ["填报单位：XX社区居委会", "", "日期：2024-01-01", ""]
        if padded
        else ["填报单位：XX社区居委会", "日期：2024-01-01"]
    )
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(title)
        writer.writerow(unit)
        writer.writerows([HEADER, *ROWS])
    (table,) = read(path)
    assert table.header_row == 2
    assert table.columns == HEADER
    assert cells(table)[0] == ROWS[0]
    assert list(frame(table).index) == [0, 1, 2]
    assert any("title" in w for w in table.warnings)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([["姓名", "身份证号", "电话"], ["张三", ID_OK, "13800138000"]], 0),
        ([["XX社区花名册"], ["姓名", "电话"], ["张三", "1"]], 1),
        (
            [
                [],
                [""],
                ["XX社区居民信息登记表", "", ""],
                ["填报单位：A社区", None, "日期：2024-01-01"],
                HEADER[:3],
            ],
            4,
        ),
        ([["姓名", "电话", ""], ["张三", "1", "x"]], 0),
        ([["制表日期：2024-01-01", "", ""], ["序号", "姓名", "电话"], ["1", "张三", "13800138000"]], 1),
    ],
    ids=["plain", "one-cell-title", "blank-title-and-unit-rows", "header-with-a-gap", "date-line"],
)
def test_find_header_row(rows, expected):
    assert find_header_row(rows) == expected


def test_csv_header_with_a_quoted_newline(tmp_path):
    header = ["姓名", "出生日期\n(年-月-日)", "身份证号"]
    path = write_csv(tmp_path / "h.csv", [["花名册"], header, ["张三", "1949-12-31", ID_OK]])
    (table,) = read(path)
    assert table.columns == header
    assert table.header_row == 1
    assert cells(table) == [["张三", "1949-12-31", ID_OK]]


def test_csv_duplicate_and_empty_headers_are_made_unique(tmp_path):
    path = write_csv(tmp_path / "d.csv", [["姓名", "姓名", "", "电话"], ["张三", "李四", "x", "1"]])
    (table,) = read(path)
    assert table.columns == ["姓名", "姓名.1", "列3", "电话"]
    assert len(table.warnings) == 2
    assert cells(table) == [["张三", "李四", "x", "1"]]


def test_csv_header_only_is_an_empty_table(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("姓名,身份证号\n", encoding="utf-8")
    (table,) = read(path)
    assert table.columns == ["姓名", "身份证号"]
    df = frame(table)
    assert len(df) == 0
    assert list(df.columns) == ["姓名", "身份证号"]


def test_csv_blank_line_inside_data_keeps_row_numbers(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("姓名,电话\n张三,1\n\n李四,2\n\n\n", encoding="utf-8")
    df = frame(read(path)[0])
    assert list(df.index) == [0, 1, 2]  # blank lines at the end are not rows
    assert df.loc[2, "姓名"] == "李四"
    assert df.loc[1].isna().all()


def test_csv_ragged_row_names_file_and_line_without_content(tmp_path):
    secret = "SECRET-CELL-VALUE"
    path = tmp_path / "rag.csv"
    path.write_text(f"a,b\n1,2\n3,4\n5,{secret},7\n", encoding="utf-8")
    message = expect_input_error(path, "line 4", "ragged", lazy=True)
    assert secret not in message


def test_csv_short_row_is_an_error_too(tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("a,b,c\n1,2,3\n4\n", encoding="utf-8")
    expect_input_error(path, "line 3", "fewer", lazy=True)


def test_csv_streams_lazily_a_late_error_comes_after_the_first_chunks(tmp_path):
    path = tmp_path / "big.csv"
    rows = [[f"n{i}", str(10**17 + i), str(13_800_000_000 + i)] for i in range(60_000)]
    write_csv(path, [["姓名", "身份证号", "电话"], *rows])
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("x,y,z,EXTRA\n")
    (table,) = read(path, chunk_rows=1_000)
    chunks = table.chunks()
    first = next(chunks)
    assert list(first.index) == list(range(1_000))
    assert first.iloc[0].tolist() == rows[0]
    with pytest.raises(InputError, match="line 60002"):
        for _ in chunks:
            pass


def test_csv_invalid_bytes_late_in_a_utf8_file(tmp_path):
    path = tmp_path / "late.csv"
    rows = [["张三", ID_OK] for _ in range(60_000)]  # > 1 MiB of valid UTF-8
    write_csv(path, [["姓名", "身份证号"], *rows])
    with open(path, "ab") as fh:
        fh.write(b"\xff\xfe\xfa,1\n")
    expect_input_error(path, "not UTF-8 or GB18030", lazy=True)


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.lists(
            st.text(alphabet="张三李ab09 ,;|\t\"'\n：X", min_size=1, max_size=12), min_size=3, max_size=3
        ),
        min_size=1,
        max_size=8,
    ),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]),
)
def test_csv_round_trip_of_arbitrary_quoted_text(tmp_path_factory, data, encoding):
    path = tmp_path_factory.mktemp("rt") / "rt.csv"
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [["姓名", "编号", "备注"], *data]
        )
    (table,) = read(path)
    assert table.columns == ["姓名", "编号", "备注"]
    assert cells(table) == data


# --------------------------------------------------------------------------- chunking


def _write_35(tmp_path: Path, kind: str) -> Path | pd.DataFrame:
    rows = [[f"name{i}", str(10**17 + i)] for i in range(35)]
    if kind == "csv":
        return write_csv(tmp_path / "c.csv", [["姓名", "编号"], *rows])
    if kind == "xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(["姓名", "编号"])
        for row in rows:
            wb.active.append(row)
        wb.save(tmp_path / "c.xlsx")
        return tmp_path / "c.xlsx"
    if kind == "json":
        (tmp_path / "c.json").write_text(
            json.dumps([{"姓名": a, "编号": b} for a, b in rows]), encoding="utf-8"
        )
        return tmp_path / "c.json"
    if kind == "jsonl":
        lines = [json.dumps({"姓名": a, "编号": b}) for a, b in rows]
        (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return tmp_path / "c.jsonl"
    if kind == "parquet":
        pq.write_table(
            pa.table({"姓名": [r[0] for r in rows], "编号": [r[1] for r in rows]}),
            tmp_path / "c.parquet",
            row_group_size=7,
        )
        return tmp_path / "c.parquet"
    return pd.DataFrame(rows, columns=["姓名", "编号"])


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json", "jsonl", "parquet", "dataframe"])
def test_chunks_of_ten_from_35_rows(tmp_path, kind):
    (table,) = read(_write_35(tmp_path, kind), chunk_rows=10)
    parts = list(table.chunks())
    assert [len(p) for p in parts] == [10, 10, 10, 5]
    assert list(pd.concat(parts).index) == list(range(35))
    assert all(list(p.columns) == ["姓名", "编号"] for p in parts)
    assert parts[3].iloc[-1].tolist() == ["name34", str(10**17 + 34)]
    again = list(table.chunks())  # chunks() reads the source again from the start
    assert pd.concat(again).equals(pd.concat(parts))


def test_chunk_rows_must_be_positive(tmp_path):
    path = write_csv(tmp_path / "r.csv", [HEADER, *ROWS])
    with pytest.raises(ValueError):
        read(path, chunk_rows=-1)


# --------------------------------------------------------------------------- Excel


def _register_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "居民"
    ws.append(["XX社区居民信息登记表"])
    ws.merge_cells("A1:H1")
    ws.append(["填报单位：XX社区", None, None, None, "日期：2024-01-01"])
    ws.append(["姓名", "身份证号", "联系电话", "编号", "出生日期", "登记时间", "低保", "补助"])
    ws.append(
        [
            "张三",
            ID_DIGITS,
            13800138000,
            "00123",
            dt.date(1949, 12, 31),
            dt.datetime(2024, 1, 2, 9, 30),
            True,
            3.5,
        ]
    )
    ws.append(
        [
            "李四",
            1.10105194912310e17,
            13912345678,
            7,
            dt.datetime(1950, 1, 1),
            dt.datetime(2024, 1, 3),
            False,
            120.0,
        ]
    )
    ws.append([None] * 8)
    ws.append(["王五", None, None, None, None, None, None, None])
    ws.append([None] * 8)  # trailing blank rows are not data
    wb.create_sheet("家庭成员").append(["户主", "关系"])
    wb["家庭成员"].append(["张三", "子"])
    wb.create_sheet("空表")
    wb.save(path)
    return path


def test_xlsx_title_rows_sheets_and_cell_text(tmp_path):
    path = _register_workbook(tmp_path / "reg.xlsx")
    tables = read(path)
    assert [t.sheet for t in tables] == ["居民", "家庭成员"]
    main, family = tables
    assert (main.source, main.format, main.encoding, main.header_row) == (str(path), "xlsx", None, 2)
    assert main.columns == ["姓名", "身份证号", "联系电话", "编号", "出生日期", "登记时间", "低保", "补助"]
    assert cells(main) == [
        ["张三", ID_DIGITS, "13800138000", "00123", "1949-12-31", "2024-01-02 09:30:00", "TRUE", "3.5"],
        ["李四", "1.1010519491231E+17", "13912345678", "7", "1950-01-01", "2024-01-03", "FALSE", "120"],
        [None] * 8,
        ["王五"] + [None] * 7,
    ]
    assert list(frame(main).index) == [0, 1, 2, 3]
    assert any("'空表'" in w and "not examined" in w for w in main.warnings)
    assert family.header_row == 0
    assert cells(family) == [["张三", "子"]]


def test_xlsx_table_away_from_a1_and_hidden_sheet(tmp_path):
    path = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B2"], ws["B3"], ws["C3"] = "登记表", "姓名", "电话"
    ws["B4"], ws["C4"], ws["E4"] = "张三", 13800138000, "备注文字"
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden.append(["身份证号"])
    hidden.append([ID_OK])
    wb.save(path)
    first, second = read(path)
    assert first.header_row == 2
    assert first.columns == ["姓名", "电话", "列4", "列5"]  # numbered by Excel column (D, E)
    assert cells(first) == [["张三", "13800138000", None, "备注文字"]]
    assert second.sheet == "隐藏"
    assert any("hidden" in w for w in second.warnings)
    assert cells(second) == [[ID_OK]]


def test_xlsx_source_never_modified(tmp_path):
    path = _register_workbook(tmp_path / "reg.xlsx")
    before = snapshot(path)
    for table in read(path):
        table.to_frame()
    assert snapshot(path) == before


def test_xlsx_with_only_empty_sheets_is_an_error(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    expect_input_error(path, "every sheet is empty")


# --------------------------------------------------------------------------- JSON


def test_json_records_flattened_with_numbers_as_written(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(
        '[{"name": "张三", "id": 110105194912310021, "amount": 1.50, "ok": true,'
        ' "requester": {"phone": "13800138000", "addr": {"city": "北京"}}, "tags": [1, "低保", 2.50]},'
        ' {"name": "李四", "id": null, "extra": "x"}]',
        encoding="utf-8",
    )
    (table,) = read(path)
    assert (table.format, table.encoding, table.header_row) == ("json", "utf-8", None)
    assert table.columns == [
        "name",
        "id",
        "amount",
        "ok",
        "requester.phone",
        "requester.addr.city",
        "tags",
        "extra",
    ]
    assert cells(table) == [
        ["张三", ID_DIGITS, "1.50", "true", "13800138000", "北京", '[1,"低保",2.50]', None],
        ["李四", None, None, None, None, None, None, "x"],
    ]


def test_json_object_holding_one_array_of_records(tmp_path):
    path = tmp_path / "api.json"
    path.write_text(
        json.dumps({"total": 1, "data": [{"姓名": "张三"}]}, ensure_ascii=False), encoding="gb18030"
    )
    (table,) = read(path)
    assert table.encoding == "gb18030"
    assert cells(table) == [["张三"]]
    assert any("'data'" in w for w in table.warnings)


def test_jsonl_rows_are_line_numbers_and_blank_lines_count(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text('{"a": 1, "b": {"c": "x"}}\n{"a": 2}\n\n{"d": "y"}\n', encoding="utf-8")
    (table,) = read(path)
    assert table.format == "jsonl"
    assert table.columns == ["a", "b.c", "d"]
    df = frame(table)
    assert list(df.index) == [0, 1, 3]
    assert cells(table) == [["1", "x", None], ["2", None, None], [None, None, "y"]]


def test_jsonl_malformed_line_reports_its_number(tmp_path):
    path = tmp_path / "bad.ndjson"
    path.write_text('{"a": 1}\n\n{"a": SECRET\n', encoding="utf-8")
    message = expect_input_error(path, "line 3", "invalid JSON")
    assert "SECRET" not in message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('[{"a": 1}, {"a": ', "line 1"),
        ('[{"a": 1}, "SECRET"]', "element 1"),
        ('"SECRET"', "array of objects"),
    ],
    ids=["truncated", "scalar-element", "scalar-document"],
)
def test_invalid_json(tmp_path, text, fragment):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    assert "SECRET" not in expect_input_error(path, fragment)


# --------------------------------------------------------------------------- Parquet


def test_parquet_columns_become_undamaged_text(tmp_path):
    path = tmp_path / "r.parquet"
    table = pa.table(
        {
            "id": pa.array([110105194912310021, None], pa.int64()),
            "float_id": pa.array([1.1010519491231e17, float("nan")]),
            "ratio": pa.array([0.25, 3.0]),
            "born": pa.array([dt.date(1949, 12, 31), dt.date(2020, 2, 29)]),
            "seen": pa.array([dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5)], pa.timestamp("us")),
            "ok": pa.array([True, False]),
            "requester": pa.array([{"phone": "13800138000", "age": 7}, None]),
            "tags": pa.array([["a", "b"], []]),
            "cat": pa.array(["男", "女"]).dictionary_encode(),
        }
    )
    pq.write_table(table, path)
    (t,) = read(path)
    assert (t.format, t.encoding, t.header_row) == ("parquet", None, None)
    assert t.columns == [
        "id",
        "float_id",
        "ratio",
        "born",
        "seen",
        "ok",
        "requester.phone",
        "requester.age",
        "tags",
        "cat",
    ]
    assert cells(t) == [
        [
            ID_DIGITS,
            "1.1010519491231E+17",
            "0.25",
            "1949-12-31",
            "2024-01-02",
            "true",
            "13800138000",
            "7",
            '["a","b"]',
            "男",
        ],
        [None, None, "3", "2020-02-29", "2024-01-02 03:04:05", "false", None, None, "[]", "女"],
    ]


def test_corrupt_parquet(tmp_path):
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"a": list(range(100))}), path)
    path.write_bytes(path.read_bytes()[:40])
    expect_input_error(path, "Parquet")


# --------------------------------------------------------------------------- DataFrame


def test_dataframe_values_converted_without_damage():
    df = pd.DataFrame(
        {
            "name": ["张三", None, "王五"],
            "id_int": [ID_DIGITS, ID_OK, "00123"],
            "n": np.array([1, 2, 3], dtype=np.int64),
            "float_id": [1.1010519491231e17, np.nan, 3.0],
            "x": [0.5, 1.25, np.nan],
            "when": pd.to_datetime(["2024-01-02", "2024-01-02 03:04:05", None], format="ISO8601"),
            "flag": [True, False, True],
            "mixed": [1, "a", 2.0],
            7: ["a", "b", "c"],
        },
        index=[10, 20, 30],
    )
    copy = df.copy()
    (table,) = read(df)
    assert (table.source, table.format, table.encoding, table.sheet) == (
        "<dataframe>",
        "dataframe",
        None,
        None,
    )
    assert table.columns == ["name", "id_int", "n", "float_id", "x", "when", "flag", "mixed", "7"]
    out = frame(table)
    assert list(out.index) == [0, 1, 2]
    assert all(dtype == "str" for dtype in out.dtypes)
    assert cells(table) == [
        ["张三", ID_DIGITS, "1", "1.1010519491231E+17", "0.5", "2024-01-02", "true", "1", "a"],
        [None, ID_OK, "2", None, "1.25", "2024-01-02 03:04:05", "false", "a", "b"],
        ["王五", "00123", "3", "3", None, None, "true", "2", "c"],
    ]
    pd.testing.assert_frame_equal(df, copy)


# --------------------------------------------------------------------------- paths


def test_directory_is_read_recursively_in_sorted_order(tmp_path):
    root = tmp_path / "data"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    write_csv(root / "b.csv", [HEADER, *ROWS])
    write_csv(root / "sub" / "a.CSV", [HEADER, *ROWS])
    write_csv(root / ".hidden" / "c.csv", [HEADER, *ROWS])
    write_csv(root / "~$lock.csv", [HEADER, *ROWS])
    (root / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    given = str(root) + os.sep
    tables = read(given)
    assert [t.source for t in tables] == [os.path.join(given, "b.csv"), os.path.join(given, "sub", "a.CSV")]
    assert any("old.xls" in w and "save as .xlsx" in w for w in tables[0].warnings)
    assert len(read([root / "b.csv", root / "sub" / "a.CSV"])) == 2


def test_directory_without_supported_files(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"x")
    with pytest.raises(InputError, match="no supported data files"):
        read(tmp_path)


def test_missing_path():
    with pytest.raises(InputError, match="no such file"):
        read("/nonexistent/register.csv")


def test_unsupported_input_type():
    with pytest.raises(TypeError):
        read(42)


@pytest.mark.parametrize(
    ("name", "content", "fragments"),
    [
        ("empty.csv", b"", ("empty",)),
        ("blank.csv", b"\n \n\n", ("empty",)),
        ("empty.json", b"", ("empty",)),
        ("bin.csv", b"a,b\n\x00\x01\x02\x03,1\n", ("binary",)),
        ("utf16.csv", "姓名,电话\n".encode("utf-16"), ("UTF-16",)),
        ("undecodable.csv", b"name,id\n\xff\xff\xff\x80,1\n", ("not UTF-8 or GB18030",)),
        ("notes.docx", b"PK\x03\x04", ("unsupported file type .docx",)),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("unsupported: .xls; save as .xlsx",)),
        ("ole.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, (".xls",)),
        ("text.xlsx", b"name,id\n1,2\n", ("not a valid .xlsx",)),
        ("text.parquet", b"name,id\n1,2\n", ("not a valid Parquet",)),
        ("empty.xlsx", b"", ("empty",)),
    ],
)
def test_input_errors(tmp_path, name, content, fragments):
    path = tmp_path / name
    path.write_bytes(content)
    expect_input_error(path, *fragments)


def test_truncated_xlsx(tmp_path):
    path = _register_workbook(tmp_path / "cut.xlsx")
    path.write_bytes(path.read_bytes()[:2000])
    expect_input_error(path, "not a valid .xlsx", lazy=True)
