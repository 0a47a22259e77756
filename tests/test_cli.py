"""The ``privaudit`` command, run as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from privaudit.model import FINDING_COLUMNS


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "privaudit", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )


def test_scan_text_summary(register_csv, register):
    before = register_csv.read_bytes()
    proc = run("scan", str(register_csv), "--quiet")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "gb18030" in out and "身份证号" in out and "CN_RESIDENT_ID" in out
    assert "********" in out
    for value in register["身份证号"]:
        assert value not in out
    assert register_csv.read_bytes() == before


def test_json_report_and_findings_export(tmp_path, register_csv, register):
    report_path, findings_path = tmp_path / "report.json", tmp_path / "findings.jsonl"
    proc = run(
        "scan", str(register_csv), "--format", "json", "--output", str(report_path),
        "--findings-out", str(findings_path), "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["tool"]["name"] == "privaudit" and report["policy"] is None
    ds = report["datasets"][0]
    assert ds["source"] == str(register_csv) and ds["format"] == "csv" and ds["encoding"] == "gb18030"
    assert ds["rows"] == len(register)
    col = {c["name"]: c for c in ds["columns"]}["身份证号"]
    assert col["entities"] == ["CN_RESIDENT_ID"] and col["cells_with_findings"] == len(register)
    assert col["share"] == 1.0 and col["sample"].count("*") == 8
    lines = [json.loads(line) for line in findings_path.read_text(encoding="utf-8").splitlines()]
    assert lines and all(list(rec) == FINDING_COLUMNS for rec in lines)
    ids = [r for r in lines if r["column"] == "身份证号"]
    assert sorted(r["row"] for r in ids) == list(range(len(register)))
    assert all(r["sheet"] is None and r["start"] == 0 and r["end"] == 18 for r in ids)
    raw = findings_path.read_text(encoding="utf-8") + report_path.read_text(encoding="utf-8")
    for value in list(register["身份证号"]) + list(register["联系电话"]):
        assert value not in raw


@pytest.mark.parametrize(
    "name, content",
    [
        ("missing.csv", None),
        ("empty.csv", b""),
        ("binary.csv", b"\x00\x01\x02PK\x00\x00garbage\x00" * 20),
        ("data.docx", b"hello"),
        ("bad.xlsx", b"this is not a zip file"),
        ("bad.json", b"[{\"a\": 1,"),
        ("ragged.csv", b"a,b\n1,2\n3,4,5\n"),
        ("latin.csv", b"name\n" + bytes([0xFF, 0xFE, 0x80, 0x81, 0xFF]) * 3 + b"\n"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    out = tmp_path / "report.json"
    proc = run("scan", str(path), "--format", "json", "-o", str(out), "--quiet")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and proc.stderr.startswith("privaudit: error:")
    assert not out.exists()
    if content is not None:
        assert path.read_bytes() == content


def test_failure_in_a_later_file_leaves_no_partial_output(tmp_path, register_csv):
    out, findings = tmp_path / "r.json", tmp_path / "f.jsonl"
    proc = run("scan", str(register_csv), str(tmp_path / "nope.csv"), "-o", str(out), "--findings-out", str(findings))
    assert proc.returncode == 2
    assert not out.exists() and not findings.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_usage_error_exit_2():
    proc = run("scan")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
