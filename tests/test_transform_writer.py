"""The view writer: each format written like its input, untouched columns identical, atomic, never over a source."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from privaudit.io import read
from privaudit.transform.writer import OutputError, Staging, View, write_views


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _changed_view(table, changes: dict[str, str | None]) -> View:
    """The table's data with some columns rewritten (value) or dropped (None)."""
    frame = table.to_frame()
    for column, value in changes.items():
        if value is None:
            frame = frame.drop(columns=[column])
        else:
            frame[column] = frame[column].where(frame[column].isna(), value)
    return View(table=table, frame=frame, changed=frozenset(c for c, v in changes.items() if v is not None))


def _write(views: list[View], target: Path, *sources: Path, force: bool = False) -> None:
    with Staging(sources=sources, force=force) as staging:
        write_views(views, target, staging)


def _assert_round_trip(source: Path, target: Path, views: list[View]) -> None:
    """Re-read with privaudit's reader: same rows in the same order, untouched columns equal."""
    before, after = read(source), read(target)
    assert [t.sheet for t in after] == [t.sheet for t in before]
    for t_in, t_out, view in zip(before, after, views, strict=True):
        a, b = t_in.to_frame(), t_out.to_frame()
        assert list(b.columns) == list(view.frame.columns)
        assert list(b.index) == list(a.index)
        for column in b.columns:
            if column in view.changed:
                assert b[column].tolist() == view.frame[column].tolist(), column
            else:
                pd.testing.assert_series_equal(b[column], a[column], check_names=True)


CSV_CASES = [
    # (name, encoding, text as written) — title row, quoted field with a comma and a newline, empty cells
    ("gb18030-title-row.csv", "gb18030",
     "XX社区居民信息登记表（2025年度）,,,\r\n姓名,身份证号,联系电话,备注\r\n"
     '王建国,11010519491231002X,13812345678,"住3栋,2单元\n独居"\r\n李娜,,13912345678,\r\n'),
    ("bom.csv", "utf-8-sig", "姓名,电话,备注\n张三,13812345678, 前后空格 \n李四,,\n"),
    ("tab.tsv", "utf-8", "姓名\t电话\t备注\n张三\t13812345678\t有\t\n李四\t13912345678\t\n".replace("有\t\n", "有\n")),
    ("semicolon-all-quoted.csv", "utf-8",
     '"姓名";"电话";"备注"\r\n"张三";"13812345678";"a;b"\r\n"李四";"13912345678";"say ""hi"""\r\n'),
]


@pytest.mark.parametrize(("name", "encoding", "text"), CSV_CASES, ids=[c[0] for c in CSV_CASES])
def test_csv_keeps_encoding_delimiter_terminator_and_quoting(tmp_path, name, encoding, text):
    source = tmp_path / name
    source.write_bytes(text.encode(encoding))
    digest = _sha(source)
    table = read(source)[0]
    phone = next(c for c in table.columns if "电话" in c)
    view = _changed_view(table, {phone: "138****5678"})
    target = tmp_path / "out" / name
    _write([view], target, source)
    _assert_round_trip(source, target, [view])
    out_table = read(target)[0]
    assert (out_table.encoding, out_table.delimiter, out_table.line_terminator, out_table.quoting) == (
        table.encoding, table.delimiter, table.line_terminator, table.quoting
    )
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    assert _sha(source) == digest
    if "title" in name:  # title rows above the header are not copied (never examined)
        assert "登记表" not in raw.decode(encoding)


def test_csv_dropped_column_is_gone_and_others_identical(tmp_path, register_csv):
    table = read(register_csv)[0]
    view = _changed_view(table, {"身份证号": None, "姓名": "X"})
    target = tmp_path / "v.csv"
    _write([view], target, register_csv)
    _assert_round_trip(register_csv, target, [view])
    assert "身份证号" not in read(target)[0].columns


def test_xlsx_one_sheet_per_input_sheet_values_as_text(tmp_path):
    source = tmp_path / "roster.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "在册老人"
    ws.append(["XX街道居家养老服务花名册"])
    ws.append(["姓名", "身份证号", "补贴", "公式样"])
    ws.append(["王建国", "11010519491231002X", 300, "=SUM(A1)"])
    ws["D3"].data_type = "s"  # a text cell that reads like a formula
    ws.append(["李娜", "110105194912310021", 150.5, None])
    ws2 = wb.create_sheet("走访记录")
    ws2.append(["日期", "记录"])
    ws2.append(["2025-01-02", "电话13812345678"])
    wb.save(source)
    digest = _sha(source)
    tables = read(source)
    views = [_changed_view(tables[0], {"身份证号": "PSN_0123456789abcdef"}), _changed_view(tables[1], {"记录": "电话***"})]
    target = tmp_path / "out.xlsx"
    _write(views, target, source)
    _assert_round_trip(source, target, views)
    out = openpyxl.load_workbook(target)
    assert out.sheetnames == ["在册老人", "走访记录"]
    assert out["在册老人"]["D2"].value == "=SUM(A1)" and out["在册老人"]["D2"].data_type == "s"  # text, not a formula
    assert out["在册老人"]["C2"].data_type == "s"  # values as text
    assert _sha(source) == digest


def test_json_nested_keys_patched_back_types_kept(tmp_path):
    source = tmp_path / "tickets.json"
    records = [
        {"id": 1, "amount": 1.50, "ok": True, "requester": {"name": "王建国", "phone": "13812345678"}, "tags": ["a", "b"]},
        {"id": 2, "amount": None, "ok": False, "requester": {"name": "李娜"}, "tags": []},
    ]
    source.write_text(json.dumps(records, ensure_ascii=False).replace("1.5,", "1.50,"), encoding="utf-8")
    table = read(source)[0]
    view = _changed_view(table, {"requester.phone": "138****5678", "requester.name": None})
    target = tmp_path / "out.json"
    _write([view], target, source)
    _assert_round_trip(source, target, [view])
    text = target.read_text(encoding="utf-8")
    out = json.loads(text)
    assert out[0]["id"] == 1 and out[0]["ok"] is True and out[0]["tags"] == ["a", "b"]
    assert out[0]["requester"] == {"phone": "138****5678"}
    assert "requester" not in out[1]  # its only key was dropped: the emptied parent goes too
    assert "1.50" in text  # number text as written
    assert "王建国" not in text


def test_jsonl_keeps_blank_lines_and_row_numbers(tmp_path):
    source = tmp_path / "t.jsonl"
    lines = [
        json.dumps({"n": 1, "who": {"phone": "13812345678"}, "text": "无"}, ensure_ascii=False),
        "",
        json.dumps({"n": 2, "who": {"phone": "13912345678"}, "text": "有"}, ensure_ascii=False),
    ]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = read(source)[0]
    view = _changed_view(table, {"who.phone": "PSN_ffffffffffffffff"})
    target = tmp_path / "out.jsonl"
    _write([view], target, source)
    _assert_round_trip(source, target, [view])
    assert list(read(target)[0].to_frame().index) == [0, 2]


def test_parquet_untouched_columns_keep_their_types(tmp_path):
    source = tmp_path / "t.parquet"
    table = pa.table(
        {
            "id": pa.array([1, 2, 3], pa.int64()),
            "when": pa.array(pd.to_datetime(["2025-01-01", "2025-01-02 10:00", None], format="ISO8601")),
            "who": pa.array([{"name": "王建国", "phone": "13812345678"}, {"name": "李娜", "phone": None}, None]),
        }
    )
    pq.write_table(table, source)
    t = read(source)[0]
    view = _changed_view(t, {"who.phone": "138****5678", "who.name": None})
    target = tmp_path / "out.parquet"
    _write([view], target, source)
    _assert_round_trip(source, target, [view])
    schema = pq.read_schema(target)
    assert schema.field("id").type == pa.int64() and pa.types.is_timestamp(schema.field("when").type)
    assert schema.field("who.phone").type == pa.string() and "who.name" not in schema.names


def test_never_over_the_source_even_with_force(tmp_path, register_csv):
    digest = _sha(register_csv)
    view = _changed_view(read(register_csv)[0], {"姓名": "X"})
    with pytest.raises(OutputError, match="is an input file"):
        _write([view], register_csv, register_csv, force=True)
    assert _sha(register_csv) == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.csv"]


def test_existing_output_refused_unless_force(tmp_path, register_csv):
    view = _changed_view(read(register_csv)[0], {"姓名": "X"})
    target = tmp_path / "v.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="already exists"):
        _write([view], target, register_csv)
    assert target.read_text(encoding="utf-8") == "old"
    _write([view], target, register_csv, force=True)
    assert read(target)[0].to_frame()["姓名"].eq("X").all()


def test_all_or_nothing_when_a_later_output_fails(tmp_path, register_csv):
    view = _changed_view(read(register_csv)[0], {"姓名": "X"})
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="a csv input is written as csv"):
        with Staging(sources=[register_csv]) as staging:
            write_views([view], out / "a" / "first.csv", staging)
            write_views([view], out / "second.xlsx", staging)  # wrong format: fails after the first file
    assert not out.exists()  # no partial file, no directory left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["register.csv"]


def test_dataframe_source_written_by_target_extension(tmp_path):
    frame = pd.DataFrame({"姓名": ["王建国", None], "电话": ["13812345678", "13912345678"]})
    table = read(frame)[0]
    view = _changed_view(table, {"电话": "***"})
    for name in ("v.csv", "v.xlsx", "v.jsonl", "v.parquet"):
        _write([view], tmp_path / name)
        back = read(tmp_path / name)[0].to_frame()
        assert back["电话"].tolist() == ["***", "***"] and back["姓名"].tolist()[0] == "王建国"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
@pytest.mark.parametrize("quote_all", [False, True])
def test_column_wise_csv_rows_equal_python_csv_writer(delimiter, terminator, quote_all):
    import csv
    import io

    from privaudit.transform.writer import csv_rows

    frame = pd.DataFrame(
        {"a": ["x", None, 'q"uote', "comma,", "nl\nx", " sp ", "", "semi;colon"],
         "b": ["1", "2", "3", None, "crlf\r\nx", "|", "é中", "tab\tx"]},
        dtype="str",
    )
    expected = io.StringIO()
    csv.writer(
        expected, delimiter=delimiter, lineterminator=terminator,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    ).writerows(frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None))
    assert csv_rows(frame, delimiter, terminator, quote_all) == expected.getvalue().encode("utf-8")
    # a slice (the writer works block by block) gives its own rows only
    assert csv_rows(frame.iloc[:3], delimiter, terminator, quote_all) + csv_rows(
        frame.iloc[3:], delimiter, terminator, quote_all
    ) == expected.getvalue().encode("utf-8")
    assert csv_rows(frame[["a"]].iloc[5:7], delimiter, terminator, quote_all) == (
        f'" sp "{terminator}""{terminator}' if quote_all else f' sp {terminator}""{terminator}'
    ).encode("utf-8")


def test_lone_empty_field_is_quoted_not_a_blank_line(tmp_path):
    frame = pd.DataFrame({"备注": ["有", None, ""]})
    view = View(table=read(frame)[0], frame=read(frame)[0].to_frame(), changed=frozenset())
    _write([view], tmp_path / "one.csv")
    # three records, as Python's csv writer writes them (a blank line would be no record)
    assert (tmp_path / "one.csv").read_text(encoding="utf-8") == '备注\n有\n""\n""\n'
