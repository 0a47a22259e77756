"""``privaudit scan`` in CI, end to end through the real command: configuration, exit codes,
coverage disclosure, GitHub annotations, and no raw value in any output format.

Most tests call :func:`privaudit.cli.main` in this process (same code path, no
interpreter start-up); the exit-code test runs ``python -m privaudit`` for real.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from _cli import run_cli as run
from _cli import run_process

from privaudit.ci.github import command, escape_data, escape_property

ROOT = Path(__file__).resolve().parent.parent

POLICY = """\
name: register-policy
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, CN_RESIDENT_ID, PHONE_NUMBER, ADDRESS, GENDER, ETHNICITY]
    free_text: {allow: [PERSON, PHONE_NUMBER, ADDRESS, CN_RESIDENT_ID]}
datasets:
  - match: "data/register*"
    purpose: register
    columns: ["姓名", "性别", "民族", "身份证号", "联系电话", "家庭住址", "备注"]
default_purpose: register
"""


def one_line_error(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("privaudit: error:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


@pytest.fixture
def repo(tmp_path: Path, register: pd.DataFrame) -> Path:
    """A git repository with a register its policy accepts (no religion column), configured."""
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    (root / "policies").mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "policies" / "register.yaml").write_text(POLICY, encoding="utf-8")
    register.drop(columns=["宗教信仰"]).to_csv(root / "data" / "register.csv", index=False, encoding="gb18030")
    (root / "privaudit.toml").write_text(
        'policy = "policies/register.yaml"\ninclude = ["data/**"]\nexclude = ["data/scratch"]\n', encoding="utf-8"
    )
    return root


# --- configuration ------------------------------------------------------------------------


def test_plain_scan_in_a_configured_repository(repo, register):
    sub = repo / "data"
    proc = run("scan", "--quiet", cwd=sub)  # from a subdirectory: the config is found upwards
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert "register.csv" in proc.stdout and "error PA" not in proc.stdout
    # a commit adds a religion column: PA001 fails it
    register.to_csv(repo / "data" / "register.csv", index=False, encoding="gb18030")
    proc = run("scan", "--quiet", "--format", "json", cwd=sub)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["policy"]["name"] == "register-policy" and report["exit_code"] == 1
    rules = {(v["rule"], v["column"]) for ds in report["datasets"] for v in ds["violations"]}
    assert ("PA001-purpose-entity", "宗教信仰") in rules
    columns = {c["name"]: c for c in report["datasets"][0]["columns"]}
    assert columns["身份证号"]["first_row"] == {"CN_RESIDENT_ID": 0}
    remarks = register["备注"].str.contains("电话")
    assert columns["备注"]["first_row"]["PHONE_NUMBER"] == int(remarks.idxmax())


def test_schema_drift_fails_naming_the_new_column(repo, register):
    drifted = register.drop(columns=["宗教信仰"]).assign(紧急联系电话=register["联系电话"].str[::-1].str[:0] + "13800138000")
    drifted.to_csv(repo / "data" / "register.csv", index=False, encoding="gb18030")
    proc = run("scan", "--quiet", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert "PA012-undeclared-column" in proc.stdout and "'紧急联系电话'" in proc.stdout
    assert "PA001" not in proc.stdout  # phones are allowed: only the undeclared column fails


def test_configured_format_fail_on_and_flag_override(repo):
    (repo / "privaudit.toml").write_text(
        'policy = "policies/register.yaml"\ninclude = ["data/**"]\nformat = "json"\nfail_on = "info"\n',
        encoding="utf-8",
    )
    (repo / "policies" / "register.yaml").write_text(
        POLICY + "rules:\n  PA012: {severity: info}\n", encoding="utf-8"
    )
    df = pd.read_csv(repo / "data" / "register.csv", encoding="gb18030", dtype=str)
    df.assign(备用电话=df["联系电话"]).to_csv(repo / "data" / "register.csv", index=False, encoding="gb18030")
    proc = run("scan", "--quiet", cwd=repo)
    assert proc.returncode == 1 and json.loads(proc.stdout)["summary"]["violations"] == {"info": 1}
    proc = run("scan", "--quiet", "--fail-on", "warning", "--format", "text", cwd=repo)
    assert proc.returncode == 0 and "info PA012-undeclared-column" in proc.stdout
    proc = run("scan", "--quiet", "--no-config", "data/register.csv", cwd=repo)  # no policy at all
    assert proc.returncode == 0 and "PA012" not in proc.stdout


def test_no_path_without_configuration_is_a_usage_error(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    line = one_line_error(run("scan", cwd=tmp_path))
    assert "no PATH given and no configuration found" in line


def test_malformed_configuration_is_exit_2_naming_file_and_key(repo):
    (repo / "privaudit.toml").write_text('policy = "policies/register.yaml"\nfail_onn = "error"\n', encoding="utf-8")
    line = one_line_error(run("scan", cwd=repo / "data"))
    assert "privaudit.toml:2" in line and "'fail_onn'" in line


def test_include_matching_nothing_is_exit_2(repo):
    (repo / "privaudit.toml").write_text('include = ["nowhere/*.csv"]\n', encoding="utf-8")
    assert "no file matches include" in one_line_error(run("scan", cwd=repo))


def test_excluded_file_named_explicitly_is_skipped_and_said(repo, register):
    scratch = repo / "data" / "scratch"
    scratch.mkdir()
    register.to_csv(scratch / "tmp.csv", index=False, encoding="utf-8")  # has religion: would fail
    proc = run("scan", "--quiet", "data/scratch/tmp.csv", "data/register.csv", cwd=repo)
    assert proc.returncode == 0, proc.stdout
    assert "excluded by privaudit.toml: data/scratch/tmp.csv" in proc.stdout
    proc = run("scan", "--quiet", cwd=repo)  # and a plain scan does not walk into it
    assert proc.returncode == 0 and "scratch" not in proc.stdout


# --- exit codes ---------------------------------------------------------------------------------


def test_exit_codes_0_1_2_as_a_real_process(tmp_path, register_csv):
    policy = tmp_path / "p.yaml"
    policy.write_text(POLICY, encoding="utf-8")
    assert run("scan", "-q", "--no-config", str(register_csv), cwd=tmp_path).returncode == 0
    proc = run_process("scan", "-q", "--no-config", str(register_csv), "--policy", str(policy), cwd=tmp_path)
    assert proc.returncode == 1 and "failed: 1 violation(s) at or above error" in proc.stdout  # religion
    assert "PA001-purpose-entity" in proc.stdout
    one_line_error(run_process("scan", "-q", "--no-config", str(tmp_path / "missing.csv"), cwd=tmp_path))


def test_more_exit_2_cases(tmp_path, register_csv):
    policy = tmp_path / "p.yaml"
    policy.write_text("name: broken\npurposes: 3\n", encoding="utf-8")
    one_line_error(run("scan", "-q", "--no-config", str(register_csv), "--policy", str(policy), cwd=tmp_path))
    one_line_error(run("scan", "-q", "--format", "xml", str(register_csv), cwd=tmp_path))
    one_line_error(run("scan", "-q", "--no-config", str(register_csv), "--fail-on", "fatal", cwd=tmp_path))


# --- coverage disclosure ------------------------------------------------------------------------------


@pytest.fixture
def mixed_dir(tmp_path: Path, register: pd.DataFrame) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    register.to_csv(data / "a_good.csv", index=False, encoding="utf-8")
    (data / "b_empty.csv").write_bytes(b"")
    (data / "c_ragged.csv").write_text("姓名,电话\n" + "王伟,1\n" * 30 + "李娜,2,3\n", encoding="utf-8")
    (data / "d_old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    wb = openpyxl.Workbook()
    wb.active.title = "名单"
    wb.active.append(["姓名", "性别"])
    for _ in range(60):  # the header's columns are fixed from the first 50 filled rows
        wb.active.append(["王伟", "男"])
    wb.active["D70"] = "无表头的格子"  # below them, outside the header's columns
    wb.create_sheet("空表")
    wb.save(data / "e_roster.xlsx")
    (data / "f_export.json").write_text(
        json.dumps({"operator": "张三", "data": [{"姓名": "王伟"}]}, ensure_ascii=False), encoding="utf-8"
    )
    (data / "g_archive.csv.gz").write_bytes(b"\x1f\x8b\x08\x00")
    (data / "notes.md").write_text("not data: not listed", encoding="utf-8")
    return data


def test_directory_scan_discloses_what_it_could_not_examine(mixed_dir, tmp_path):
    proc = run("scan", "-q", "--no-config", "--format", "json", str(mixed_dir), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr  # disclosed, not fatal
    report = json.loads(proc.stdout)
    items = {(Path(i["source"]).name, i["kind"]): i for i in report["not_examined"]}
    assert set(items) == {
        ("b_empty.csv", "file"), ("d_old.xls", "file"), ("c_ragged.csv", "rows"),
        ("e_roster.xlsx", "sheet"), ("e_roster.xlsx", "cells"), ("f_export.json", "keys"),
        ("g_archive.csv.gz", "file"),
    }
    assert "unsupported file type .gz" in items[("g_archive.csv.gz", "file")]["why"]
    assert "empty" in items[("b_empty.csv", "file")]["why"]
    assert "save as .xlsx" in items[("d_old.xls", "file")]["why"]
    assert items[("e_roster.xlsx", "sheet")]["sheet"] == "空表"
    assert "ragged" in items[("c_ragged.csv", "rows")]["why"]
    assert report["summary"]["not_examined"] == 7
    ragged = next(ds for ds in report["datasets"] if ds["source"].endswith("c_ragged.csv"))
    assert ragged["rows"] == 0 and ragged["not_examined"][0]["what"] == "data rows from row 0 on"
    text = run("scan", "-q", "--no-config", str(mixed_dir), cwd=tmp_path).stdout
    assert "b_empty.csv: not examined: file: empty file" in text
    assert "not examined: sheet '空表'" in text and "7 item(s) not examined" in text
    proc = run("scan", "-q", "--no-config", "--fail-on-incomplete", str(mixed_dir), cwd=tmp_path)
    assert proc.returncode == 1 and "failed: 7 item(s) not examined" in proc.stdout


def test_read_error_deep_in_a_found_file_keeps_the_rows_before_it(tmp_path):
    import privaudit

    data = tmp_path / "data"
    data.mkdir()
    rows = 150_000  # more than one 1 MiB block of the CSV reader before the ragged row
    (data / "big.csv").write_text("编号,备注\n" + "".join(f"{i},正常\n" for i in range(rows)) + "x,y,z\n", encoding="utf-8")
    result = privaudit.scan(str(data), chunk_rows=25_000, keep_findings=False)
    (ds,) = result.datasets
    assert 0 < ds.rows < rows and ds.rows % 25_000 == 0
    (item,) = result.all_not_examined()
    assert item["kind"] == "rows" and item["what"] == f"data rows from row {ds.rows} on"
    assert "line 150002" in item["why"] and "ragged" in item["why"]
    with pytest.raises(privaudit.InputError):  # named explicitly: an input error, as before
        privaudit.scan(str(data / "big.csv"), chunk_rows=25_000)


def test_unreadable_file_named_explicitly_is_exit_2(mixed_dir, tmp_path):
    line = one_line_error(run("scan", "-q", "--no-config", str(mixed_dir / "b_empty.csv"), cwd=tmp_path))
    assert "b_empty.csv" in line and "empty" in line
    one_line_error(run("scan", "-q", "--no-config", str(mixed_dir / "c_ragged.csv"), cwd=tmp_path))


def test_directory_where_nothing_can_be_read_is_exit_2(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.csv").write_bytes(b"")
    (data / "b.xlsx").write_bytes(b"not a workbook")
    line = one_line_error(run("scan", "-q", "--no-config", str(data), cwd=tmp_path))
    assert "nothing could be examined: 2 file(s)" in line


def test_github_annotations_for_not_examined(mixed_dir, tmp_path):
    proc = run("scan", "-q", "--no-config", "--format", "github", "--fail-on-incomplete", str(mixed_dir), cwd=tmp_path)
    assert proc.returncode == 1
    notes = [line for line in proc.stdout.splitlines() if "title=privaudit%3A not examined" in line]
    assert len(notes) == 7 and all(line.startswith("::error file=data/") for line in notes)


# --- GitHub workflow commands ------------------------------------------------------------------------


def test_github_escaping_rules():
    assert escape_data("50% a\r\nb") == "50%25 a%0D%0Ab"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert command("error", "m: 1, 2", file="d/a,b.csv", line=3, title="PA001 x:y") == (
        "::error file=d/a%2Cb.csv,line=3,title=PA001 x%3Ay::m: 1, 2"
    )
    assert command("notice", "plain") == "::notice::plain"


def test_github_format_escapes_awkward_column_names(tmp_path):
    path = tmp_path / "a,b.csv"
    path.write_text('姓名,"电话:1,2%\n备用"\n王伟,13912345678\n李娜,13812345678\n', encoding="utf-8")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "name: n\npurposes:\n  s:\n    legal_basis: consent\n    entities: [PERSON]\ndefault_purpose: s\n",
        encoding="utf-8",
    )
    proc = run("scan", "-q", "--no-config", "--format", "github", str(path), "--policy", str(policy), cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    (annotation,) = [line for line in lines if line.startswith("::error ")]
    props, _, message = annotation[len("::error ") :].partition("::")
    assert props == "file=a%2Cb.csv,line=3,title=PA001-purpose-entity 电话%3A1%2C2%25%0A备用"
    assert "电话:1,2%25\\n备用" in message  # the message quotes the name (repr), % escaped
    assert "\n" not in annotation and "13812345678" not in proc.stdout
    assert lines[-1].startswith("privaudit: 1 dataset(s)") and lines[-1].endswith("exit 1")


# --- no raw value in any output format --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_no_raw_value_in_any_format(fmt, tmp_path):
    proc = run(
        "scan", "examples/community_register.csv", "--policy", "policies/community-register.yaml",
        "--format", fmt, "-q", "--no-config", "--findings-out", str(tmp_path / "f.jsonl"), cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    frame = pd.read_csv(ROOT / "examples" / "community_register.csv", encoding="gb18030", header=1, dtype=str)
    raw = [v for c in ("身份证号", "联系电话") for v in frame[c].dropna()]
    assert len(raw) > 300
    outputs = proc.stdout + proc.stderr + (tmp_path / "f.jsonl").read_text(encoding="utf-8")
    leaked = [v for v in raw if v in outputs]
    assert leaked == []
    # remarks hold identifiers too: every 11-digit phone / 18-character ID found there stays hidden
    remarks = " ".join(frame["备注"].dropna())
    hidden = re.findall(r"1[3-9]\d{9}|\d{17}[\dX]", remarks)
    assert hidden and not [v for v in hidden if v in outputs]


def test_readme_draft_documents_exit_codes():
    from privaudit.ci import run as run_module

    doc = run_module.__doc__ or ""
    assert "0 — no violation" in doc and "1 — violations" in doc and "2 — usage" in doc
