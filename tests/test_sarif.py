"""``--format sarif``: schema-valid SARIF 2.1.0, one result per (file, sheet, column, rule), exact lines."""

from __future__ import annotations

import contextlib
import json
import subprocess
import textwrap
from pathlib import Path

import jsonschema
import openpyxl
import pandas as pd
import pytest
from _cli import run_cli, run_process
from conftest import make_register

from privaudit.ci.run import ScanSettings, execute, render
from privaudit.ci.sarif import FINGERPRINT_KEY, rule_name
from privaudit.policy import RULES

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
#: GitHub code scanning's upload limits.
MAX_RESULTS, MAX_BYTES = 25_000, 10 * 1024 * 1024

NARROW_POLICY = """\
name: narrow
purposes:
  survey:
    legal_basis: consent
    entities: [PERSON]
default_purpose: survey
"""


def validate(log: dict) -> None:
    validator_cls = jsonschema.validators.validator_for(SCHEMA)
    validator_cls(SCHEMA).validate(log)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return run_cli(*args, "--quiet", "--no-config", cwd=cwd)


def sarif_of(*args: str, cwd: Path, code: int = 1) -> dict:
    proc = run(*args, "--format", "sarif", cwd=cwd)
    assert proc.returncode == code, proc.stderr
    log = json.loads(proc.stdout)
    validate(log)
    return log


def policy_file(tmp_path: Path, body: str = NARROW_POLICY) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def groups_of(report: dict) -> set[tuple]:
    return {
        (ds["source"], ds["sheet"], v["column"], v["rule"]) for ds in report["datasets"] for v in ds["violations"]
    }


# --- the shipped example ----------------------------------------------------------------


def test_example_register_is_valid_sarif_with_rule_metadata():
    proc = run_process(
        "scan", "examples/community_register.csv", "--policy", "policies/community-register.yaml",
        "--format", "sarif", "--quiet", "--no-config", cwd=ROOT,
    )
    assert proc.returncode == 1, proc.stderr
    log = json.loads(proc.stdout)
    validate(log)
    assert log["version"] == "2.1.0"
    (run_,) = log["runs"]
    rules = run_["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    for r in rules:
        rule = RULES[r["id"]]
        assert r["name"] == rule_name(r["id"]) and r["shortDescription"]["text"]
        assert r["properties"]["pipl_article"] == rule.article and r["properties"]["remedy"] == rule.remedy
        assert "pipl" in r["properties"]["tags"]
        assert r["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning"}[rule.severity]
    assert RULES["PA012-undeclared-column"].article == "PIPL Art. 6"
    results = run_["results"]
    by_rule = {(r["ruleId"], r["properties"]["column"]): r for r in results}
    assert set(by_rule) == {
        ("PA001-purpose-entity", "宗教信仰"), ("PA001-purpose-entity", "健康状况"),
        ("PA007-free-text-identifier", "备注"), ("PA006-retention", "登记日期"),
    }
    remarks = by_rule[("PA007-free-text-identifier", "备注")]
    assert remarks["properties"]["count"] == sum(remarks["properties"]["entities"].values())
    assert {"PHONE_NUMBER", "CN_RESIDENT_ID"} <= set(remarks["properties"]["entities"])  # validated identifiers
    # title row on line 1, header on line 2: data row r sits on line r + 3
    assert remarks["locations"][0]["physicalLocation"]["region"]["startLine"] == remarks["properties"]["row"] + 3
    loc = remarks["locations"][0]["physicalLocation"]["artifactLocation"]
    assert loc == {"uri": "examples/community_register.csv", "uriBaseId": "%SRCROOT%"}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == ROOT.as_uri() + "/"
    retention = by_rule[("PA006-retention", "登记日期")]
    assert retention["locations"][0]["physicalLocation"]["region"]["startLine"] == 2  # no row: the header
    assert all(r["level"] == "error" and r["ruleIndex"] == list(RULES).index(r["ruleId"]) for r in results)
    assert run_["invocations"] == [{"executionSuccessful": True, "exitCode": 1}]


# --- a big register stays far below GitHub's limits ---------------------------------------------


def test_200k_row_register_gives_one_result_per_column_and_rule(tmp_path):
    base = make_register(1000, seed=11)
    big = pd.concat([base] * 200, ignore_index=True)
    path = tmp_path / "register_200k.csv"
    big.to_csv(path, index=False, encoding="utf-8")
    settings = ScanSettings(
        paths=[str(path)], policy=str(ROOT / "policies" / "community-register.yaml"),
        purpose="resident_register", format="sarif", progress=False,
    )
    with contextlib.ExitStack() as stack:
        outcome = execute(settings, stack)
        text = render(outcome)
        settings.format = "json"
        report = json.loads(render(outcome))
    assert outcome.result.datasets[0].rows == 200_000
    log = json.loads(text)
    validate(log)
    results = log["runs"][0]["results"]
    groups = groups_of(report)
    assert len(results) == len(groups) and len(groups) >= 3
    assert {(r["properties"]["column"], r["ruleId"]) for r in results} == {(g[2], g[3]) for g in groups}
    assert len(results) < MAX_RESULTS and len(text.encode("utf-8")) < MAX_BYTES
    ids = next(r for r in results if r["properties"]["column"] == "宗教信仰")
    assert ids["properties"]["count"] == 200_000


# --- lines ------------------------------------------------------------------------------------------


def test_csv_lines_count_title_rows_and_quoted_line_breaks(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "2025年问卷,,\n"
        "姓名,联系电话,备注\n"
        '王伟,,"第一行\n第二行"\n'  # data row 0 spans lines 3-4
        "\n"  # a blank line is data row 1 (line 5)
        "李娜,13912345678,\n",  # data row 2: line 6
        encoding="utf-8",
    )
    log = sarif_of("scan", str(path), "--policy", str(policy_file(tmp_path)), cwd=tmp_path)
    (result,) = [r for r in log["runs"][0]["results"] if r["properties"]["column"] == "联系电话"]
    assert result["ruleId"] == "PA001-purpose-entity" and result["properties"]["row"] == 2
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert "13912345678" not in json.dumps(log, ensure_ascii=False)


def test_jsonl_lines_and_excel_sheet_rows(tmp_path):
    jsonl = tmp_path / "tickets.jsonl"
    jsonl.write_text(
        '{"name": "王伟", "phone": null}\n\n{"name": "李娜", "phone": "13912345678"}\n', encoding="utf-8"
    )
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(["2025年名单"])
    ws.append(["姓名", "联系电话"])
    ws.append(["王伟", None])
    ws.append(["李娜", "13912345678"])
    wb.create_sheet("空表")
    xlsx = tmp_path / "roster.xlsx"
    wb.save(xlsx)
    log = sarif_of("scan", str(jsonl), str(xlsx), "--policy", str(policy_file(tmp_path)), cwd=tmp_path)
    results = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in log["runs"][0]["results"]}
    phone_jsonl = results["tickets.jsonl"]
    assert phone_jsonl["properties"]["row"] == 2
    assert phone_jsonl["locations"][0]["physicalLocation"]["region"]["startLine"] == 3
    phone_xlsx = results["roster.xlsx"]
    assert phone_xlsx["properties"]["sheet"] == "名单" and phone_xlsx["properties"]["sheet_row"] == 4
    assert phone_xlsx["locations"][0]["physicalLocation"]["region"]["startLine"] == 1  # no lines in a workbook
    assert phone_xlsx["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "名单/联系电话"
    (note,) = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning" and "空表" in note["message"]["text"]


# --- fingerprints --------------------------------------------------------------------------------


def test_fingerprints_survive_reordering_and_hold_no_values(tmp_path, register):
    policy = policy_file(tmp_path)
    path = tmp_path / "register.csv"
    register.to_csv(path, index=False, encoding="utf-8")
    first = sarif_of("scan", str(path), "--policy", str(policy), cwd=tmp_path)["runs"][0]["results"]
    register.sample(frac=1, random_state=5).to_csv(path, index=False, encoding="utf-8")
    second = sarif_of("scan", str(path), "--policy", str(policy), cwd=tmp_path)["runs"][0]["results"]

    def prints(results):
        return {(r["ruleId"], r["properties"]["column"]): r["partialFingerprints"] for r in results}

    assert prints(first) == prints(second)
    keys = [p[FINGERPRINT_KEY] for p in prints(first).values()]
    assert len(set(keys)) == len(keys)  # one identity per (column, rule)
    lines = {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in first}
    assert lines != {1}  # lines do point at rows, yet the fingerprints ignore them
    text = json.dumps(first + second, ensure_ascii=False)
    for value in list(register["身份证号"]) + list(register["联系电话"]):
        assert value not in text


# --- coverage -----------------------------------------------------------------------------------


def test_not_examined_files_become_notifications(tmp_path, register):
    data = tmp_path / "data"
    data.mkdir()
    register.to_csv(data / "good.csv", index=False, encoding="utf-8")
    (data / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (data / "legacy.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    log = sarif_of("scan", str(data), "--policy", str(policy_file(tmp_path)), cwd=tmp_path)
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    uris = sorted(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes)
    assert uris == ["data/broken.xlsx", "data/legacy.xls"]
    assert all(n["level"] == "warning" and n["descriptor"]["id"] == "not-examined" for n in notes)
    assert any("corrupt" in n["message"]["text"] for n in notes)
    assert any("save as .xlsx" in n["message"]["text"] for n in notes)
    log = sarif_of("scan", str(data), "--fail-on-incomplete", cwd=tmp_path)  # no policy: no violations
    assert log["runs"][0]["results"] == []
    assert {n["level"] for n in log["runs"][0]["invocations"][0]["toolExecutionNotifications"]} == {"error"}
    assert log["runs"][0]["invocations"][0]["exitCode"] == 1


@pytest.mark.parametrize("fmt", ["sarif", "github"])
def test_headerless_file_does_not_leak_values_through_column_names(tmp_path, fmt):
    path = tmp_path / "noheader.csv"
    path.write_text("王伟,110105194912310021,13912345678\n李娜,110105195001010023,13812345678\n", encoding="utf-8")
    proc = run("scan", str(path), "--policy", str(policy_file(tmp_path)), "--format", fmt, cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    for value in ("110105194912310021", "13912345678", "110105195001010023", "13812345678"):
        assert value not in proc.stdout
