"""The shipped policies: valid, in sync with the package copies, and exact against examples/."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from privaudit.entities import IDENTIFIER_ENTITIES
from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy import BUILTIN_DIR, audit, check_policy, load_policy, run_audit
from privaudit.policy.audit import purpose_for

ROOT = Path(__file__).resolve().parent.parent
POLICIES = ROOT / "policies"
EXAMPLES = ROOT / "examples"
#: examples/make_examples.py counts ages from this date; scanning "on" it keeps results fixed.
REFERENCE_DATE = dt.date(2026, 11, 1)

SHIPPED = sorted(p.name for p in POLICIES.glob("*.yaml"))


def test_all_expected_policies_are_shipped():
    assert SHIPPED == [
        "community-register.yaml",
        "elderly-care-roster.yaml",
        "garbage-sorting-survey.yaml",
        "gb35273-2020.yaml",
        "gb45574-2025.yaml",
        "open-data-release.yaml",
        "pipl-baseline.yaml",
        "tc260-2024.yaml",
    ]


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_policy_is_valid_and_commented_in_both_languages(name):
    path = POLICIES / name
    assert check_policy(path) == []
    text = path.read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in comments), "needs Chinese comments"
    assert any(word in comments for word in ("the ", "The ")), "needs English comments"


@pytest.mark.parametrize("path", sorted(BUILTIN_DIR.glob("*.yaml")), ids=lambda p: p.name)
def test_package_copies_match_policies_dir(path):
    assert (POLICIES / path.name).read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    ("policy", "source", "sheet", "purpose"),
    [
        ("community-register.yaml", "examples/community_register.csv", None, "resident_register"),
        ("community-register.yaml", "examples/service_requests.jsonl", None, "hotline_tickets"),
        ("elderly-care-roster.yaml", "examples/elderly_care_roster.xlsx", "在册老人", "elderly_care_service"),
        ("elderly-care-roster.yaml", "examples/elderly_care_roster.xlsx", "走访记录", "care_visit_log"),
        ("garbage-sorting-survey.yaml", "/data/garbage_sorting_survey.csv", None, "garbage_sorting_survey"),
        ("open-data-release.yaml", "examples/open_data_release.csv", None, "open_data_release"),
        ("open-data-release.yaml", "anything_else.csv", None, "open_data_release"),
    ],
)
def test_examples_map_to_their_purpose(policy, source, sheet, purpose):
    ds = DatasetResult(source=source, sheet=sheet, format="csv", encoding=None)
    assert purpose_for(load_policy(POLICIES / policy), ds).name == purpose


def test_survey_rejects_religion_health_and_ids_without_a_scan():
    policy = load_policy(POLICIES / "garbage-sorting-survey.yaml")
    cols = [
        ColumnProfile("年龄段", ["AGE"], "AGE", "attribute", 10, 10, entity_cells={"AGE": 10}),
        ColumnProfile("宗教信仰", ["RELIGION"], "RELIGION", "attribute", 10, 10, entity_cells={"RELIGION": 10}),
        ColumnProfile("身体状况", ["HEALTH"], "HEALTH", "attribute", 9, 9, entity_cells={"HEALTH": 9}),
        ColumnProfile("身份证", ["CN_RESIDENT_ID"], "CN_RESIDENT_ID", "identifier", 8, 7, entity_cells={"CN_RESIDENT_ID": 7}),
    ]
    cols.append(ColumnProfile("填写日期", [], None, "other", 10, 0))
    ds = DatasetResult("garbage_sorting_survey.csv", None, "csv", "utf-8", rows=10, columns=cols,
                       date_histograms={"填写日期": {"2024-05-01": 4, "2025-05-01": 6}})
    out = audit(ScanResult([ds], pd.DataFrame(), "2025-06-01"), policy)
    assert [(v.rule, v.column, v.count) for v in out] == [
        ("PA001-purpose-entity", "宗教信仰", 10),
        ("PA001-purpose-entity", "身体状况", 9),
        ("PA001-purpose-entity", "身份证", 7),
        ("PA006-retention", "填写日期", 4),
    ]


# --- end to end: privaudit.scan on examples/ ------------------------------------------------------------


def _scan(path: Path):
    import privaudit

    return privaudit.scan(path, today=REFERENCE_DATE)


def _nonempty(series: pd.Series) -> int:
    return int(series.fillna("").astype(str).str.strip().ne("").sum())


def _free_text_expected(scan, ds, column: str, allowed: set[str]) -> list[tuple[str, str, int]]:
    """PA007 per identifier entity, counted from the findings (rows with that entity in the column)."""
    f = scan.findings
    f = f[(f["source"] == ds.source) & (f["sheet"].astype(object).fillna("") == (ds.sheet or "")) & (f["column"] == column)]
    out = []
    for entity in ds.column(column).entities:
        if entity in IDENTIFIER_ENTITIES and entity not in allowed:
            out.append(("PA007-free-text-identifier", column, int(f.loc[f["entity"] == entity, "row"].nunique())))
    return out


def _triples(violations):
    return [(v.rule, v.column, v.count) for v in violations]


def test_garbage_sorting_survey_end_to_end():
    path = EXAMPLES / "garbage_sorting_survey.csv"
    truth = pd.read_csv(path, dtype=str, encoding="utf-8")
    policy = load_policy(POLICIES / "garbage-sorting-survey.yaml")
    out = audit(_scan(path), policy)
    cutoff = "2025-11-01"  # 1 year before the reference date
    assert _triples(out) == [
        ("PA001-purpose-entity", "姓名", _nonempty(truth["姓名"])),
        ("PA001-purpose-entity", "身份证号", _nonempty(truth["身份证号"])),
        ("PA001-purpose-entity", "手机号", _nonempty(truth["手机号"])),
        ("PA001-purpose-entity", "宗教信仰", _nonempty(truth["宗教信仰"])),
        ("PA006-retention", "填写日期", int((truth["填写日期"] < cutoff).sum())),
    ]
    assert [v.entity for v in out[:4]] == ["PERSON", "CN_RESIDENT_ID", "PHONE_NUMBER", "RELIGION"]


def test_community_register_end_to_end():
    path = EXAMPLES / "community_register.csv"
    truth = pd.read_csv(path, dtype=str, encoding="gb18030", skiprows=1)
    policy = load_policy(POLICIES / "community-register.yaml")
    scan = _scan(path)
    ds = scan.datasets[0]
    out = audit(scan, policy)
    expected = [
        ("PA001-purpose-entity", "宗教信仰", _nonempty(truth["宗教信仰"])),
        ("PA001-purpose-entity", "健康状况", _nonempty(truth["健康状况"])),
        *_free_text_expected(scan, ds, "备注", set()),
        ("PA006-retention", "登记日期", int((truth["登记日期"] < "2021-11-01").sum())),
    ]
    assert _triples(out) == expected
    assert any(v.rule == "PA007-free-text-identifier" for v in out)
    assert ds.minors_under_14 > 0  # children are registered: safeguards declared, so no PA005


def test_service_requests_end_to_end():
    path = EXAMPLES / "service_requests.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    policy = load_policy(POLICIES / "community-register.yaml")
    scan = _scan(path)
    out = audit(scan, policy)
    expected = [
        *_free_text_expected(scan, scan.datasets[0], "诉求内容", {"PERSON", "PHONE_NUMBER", "ADDRESS"}),
        ("PA008-unprotected-identifier", "requester.id_number", sum("id_number" in r["requester"] for r in records)),
    ]
    assert sorted(_triples(out)) == sorted(expected)
    assert len(expected) >= 2


def test_elderly_care_roster_end_to_end():
    from openpyxl import load_workbook

    path = EXAMPLES / "elderly_care_roster.xlsx"
    wb = load_workbook(path, read_only=True)
    ids = [row[4] for row in wb["在册老人"].iter_rows(min_row=3, values_only=True) if row[0] is not None]
    raw_ids = sum(isinstance(v, str) for v in ids)
    policy = load_policy(POLICIES / "elderly-care-roster.yaml")
    scan = _scan(path)
    r = run_audit(scan, policy)
    roster = next(ds for ds in scan.datasets if ds.sheet == "在册老人")
    visits = next(ds for ds in scan.datasets if ds.sheet == "走访记录")
    assert r.purposes[(roster.source, "在册老人")] == "elderly_care_service"
    assert r.purposes[(visits.source, "走访记录")] == "care_visit_log"
    assert raw_ids == len(ids) - 2  # two IDs were destroyed by Excel: damage, not raw IDs
    assert _triples(roster.violations) == [
        ("PA003-granularity", "出生日期", len(ids)),
        ("PA008-unprotected-identifier", "身份证号", raw_ids),
        *_free_text_expected(scan, roster, "备注", set()),
    ]
    assert _triples(visits.violations) == _free_text_expected(scan, visits, "走访记录", {"PERSON", "ADDRESS"})
    assert visits.violations, "the visit notes carry phones and ID numbers"


def test_open_data_release_passes():
    path = EXAMPLES / "open_data_release.csv"
    policy = load_policy(POLICIES / "open-data-release.yaml")
    assert _triples(audit(_scan(path), policy)) == []


def test_transformed_roster_passes(tmp_path):
    """The roster with IDs pseudonymised, birth dates cut to the year and remarks cleared passes."""
    from openpyxl import load_workbook

    wb = load_workbook(EXAMPLES / "elderly_care_roster.xlsx", read_only=True)
    rows = list(wb["在册老人"].iter_rows(min_row=2, values_only=True))
    frame = pd.DataFrame([r for r in rows[1:] if r[0] is not None], columns=rows[0])
    frame["身份证号"] = [f"PSN_{i:032x}" for i in range(len(frame))]
    frame["出生日期"] = [str(d.year) for d in frame["出生日期"]]
    frame["备注"] = ""
    out = tmp_path / "elderly_care_roster_clean.csv"
    frame.to_csv(out, index=False, encoding="utf-8")
    policy = load_policy(POLICIES / "elderly-care-roster.yaml")
    assert _triples(audit(_scan(out), policy)) == []
