"""PA012-undeclared-column: a column with personal information its dataset entry does not declare."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd

from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy import RULES, audit, check_policy, load_policy

TODAY = dt.date(2025, 6, 30)

POLICY = """\
name: drift
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, PHONE_NUMBER, CN_RESIDENT_ID]
  survey:
    legal_basis: consent
    entities: [PERSON, PHONE_NUMBER]
    columns: ["姓名", "电话"]
datasets:
  - match: "**/register*"
    purpose: register
    columns: ["姓名", "联系电话", "身份证*"]
  - match: "**/survey*"
    purpose: survey
    columns: ["姓名"]
  - match: "**/open*"
    purpose: register
"""


def policy(tmp_path: Path, body: str = POLICY):
    path = tmp_path / "p.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_policy(path)


def column(name: str, *entities: str, kind: str = "identifier", cells: int = 10) -> ColumnProfile:
    return ColumnProfile(
        name=name, entities=list(entities), primary=entities[0] if entities else None, kind=kind,
        cells=cells, cells_with_findings=cells if entities else 0, entity_cells={e: cells for e in entities},
    )


def scan_of(source: str, *columns: ColumnProfile) -> ScanResult:
    ds = DatasetResult(source=source, sheet=None, format="csv", encoding="utf-8", rows=10, columns=list(columns))
    return ScanResult(datasets=[ds], findings=pd.DataFrame(), scanned_at=TODAY.isoformat())


def rules_of(violations) -> list[tuple[str, str | None]]:
    return [(v.rule, v.column) for v in violations]


def test_new_column_with_allowed_entity_fails_naming_it(tmp_path):
    p = policy(tmp_path)
    scan = scan_of(
        "data/register.csv",
        column("姓名", "PERSON"), column("联系电话", "PHONE_NUMBER"), column("身份证号", "CN_RESIDENT_ID"),
        column("紧急联系电话", "PHONE_NUMBER"),  # allowed entity, undeclared column
        column("序号"),  # no personal information: need not be declared
    )
    violations = audit(scan, p, today=TODAY)
    assert rules_of(violations) == [("PA012-undeclared-column", "紧急联系电话")]
    (v,) = violations
    assert v.severity == "error" and v.article == "PIPL Art. 6" and v.count == 10
    assert "'紧急联系电话'" in v.message and "**/register*" in v.message
    assert "columns:" in v.remedy and v.purpose == "register"


def test_undeclared_free_text_and_attribute_columns_count_too(tmp_path):
    p = policy(tmp_path)
    scan = scan_of(
        "data/register.csv",
        column("姓名", "PERSON"),
        column("说明", "PHONE_NUMBER", kind="free_text"),
        column("民族", "ETHNICITY", kind="attribute"),
    )
    got = rules_of(audit(scan, p, today=TODAY))
    assert ("PA012-undeclared-column", "说明") in got and ("PA012-undeclared-column", "民族") in got
    assert ("PA001-purpose-entity", "民族") in got  # an entity the purpose does not collect is still PA001


def test_no_declared_schema_means_no_pa012(tmp_path):
    p = policy(tmp_path)
    scan = scan_of("data/open_data.csv", column("姓名", "PERSON"), column("备用电话", "PHONE_NUMBER"))
    assert audit(scan, p, today=TODAY) == []


def test_pa002_is_not_repeated_as_pa012(tmp_path):
    p = policy(tmp_path)
    scan = scan_of("data/survey.csv", column("姓名", "PERSON"), column("电话", "PHONE_NUMBER"),
                   column("手机", "PHONE_NUMBER"))
    got = rules_of(audit(scan, p, today=TODAY))
    # 电话: declared by the purpose but not by the dataset -> PA012; 手机: declared by neither -> PA002 only
    assert sorted(got) == [("PA002-purpose-column", "手机"), ("PA012-undeclared-column", "电话")]


def test_dataset_schema_applies_with_a_forced_purpose_and_can_be_switched_off(tmp_path):
    p = policy(tmp_path)
    scan = scan_of("data/register.csv", column("姓名", "PERSON"), column("备用电话", "PHONE_NUMBER"))
    assert rules_of(audit(scan, p, purpose="register", today=TODAY)) == [("PA012-undeclared-column", "备用电话")]
    off = policy(tmp_path, POLICY + "rules:\n  PA012: {enabled: false}\n")
    assert audit(scan_of("data/register.csv", column("备用电话", "PHONE_NUMBER")), off, today=TODAY) == []


def test_loader_validates_dataset_columns(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(POLICY.replace('columns: ["姓名"]\n', "columns: 姓名\n"), encoding="utf-8")
    (error,) = check_policy(bad)
    assert error.startswith(f"{bad}:16:") and "datasets columns must be a list" in error
    assert "PA012-undeclared-column" in RULES and RULES["PA012-undeclared-column"].remedy
