"""Unit tests of every audit rule, on ScanResults built by hand (exact and fast)."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from privaudit.errors import PolicyError
from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy import RULES, audit, load_policy, path_matches, run_audit
from privaudit.policy.model import Period

TODAY = dt.date(2025, 6, 30)
TODAY_ISO = TODAY.isoformat()


def make_policy(tmp_path: Path, body: str, name: str = "p.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_policy(path)


def col(name, entities=(), kind=None, cells=100, found=None, entity_cells=None, masked=0, granularity=None):
    entities = list(entities)
    if kind is None:
        kind = "identifier" if entities and entities[0] in ("PERSON", "CN_RESIDENT_ID", "PHONE_NUMBER", "ADDRESS",
                                                            "BANK_CARD", "GEO_COORDINATE") else "attribute"
    return ColumnProfile(
        name=name,
        entities=entities,
        primary="FREE_TEXT" if kind == "free_text" else (entities[0] if entities else None),
        kind=kind,
        cells=cells,
        cells_with_findings=cells if found is None else found,
        entity_cells=dict(entity_cells or {e: (cells if found is None else found) for e in entities}),
        masked_cells=masked,
        granularity=dict(granularity or {}),
    )


def dataset(*columns, source="data/register.csv", sheet=None, rows=100, minors=0, hist=None):
    return DatasetResult(
        source=source, sheet=sheet, format="csv", encoding="utf-8", rows=rows, columns=list(columns),
        minors_under_14=minors, date_histograms=dict(hist or {}),
    )


def scan_of(*datasets, scanned_at=TODAY_ISO):
    return ScanResult(datasets=list(datasets), findings=pd.DataFrame(), scanned_at=scanned_at)


def triples(violations):
    return [(v.rule, v.column, v.count) for v in violations]


BASE = """\
name: unit
extends: {profile}
purposes:
  care:
    legal_basis: {basis}
    entities: [PERSON, PHONE_NUMBER, ADDRESS, GENDER, DATE_OF_BIRTH, HEALTH]
{extra}
default_purpose: care
"""


def base_policy(tmp_path, extra="", profile="pipl-baseline", basis="consent", tail=""):
    extra = textwrap.indent(textwrap.dedent(extra), "    ")
    return make_policy(tmp_path, BASE.format(profile=profile, basis=basis, extra=extra) + textwrap.dedent(tail))


FULL_HEALTH = """\
safeguards:
  medical_health:
    separate_consent: true
    necessity: care level depends on it
    impact_assessment: PIA-1
"""


# --- PA001 / PA002 ---------------------------------------------------------------------


def test_entity_outside_purpose_is_pa001_with_sensitive_label(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    ds = dataset(col("姓名", ["PERSON"]), col("宗教信仰", ["RELIGION"], cells=40), col("身份证号", ["CN_RESIDENT_ID"], found=97))
    out = audit(scan_of(ds), policy)
    assert triples(out) == [("PA001-purpose-entity", "宗教信仰", 40), ("PA001-purpose-entity", "身份证号", 97)]
    assert out[0].entity == "RELIGION" and "religious_belief" in out[0].message
    assert out[0].article == "PIPL Art. 6" and out[0].severity == "error"
    assert "purposes.care.entities" in out[0].remedy


def test_stray_entity_counts_its_own_cells(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    address = col("住址", ["ADDRESS", "CN_RESIDENT_ID"], entity_cells={"ADDRESS": 100, "CN_RESIDENT_ID": 2})
    out = audit(scan_of(dataset(address)), policy)
    assert triples(out) == [("PA001-purpose-entity", "住址", 2)]


def test_declared_columns_pa002(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + 'columns: ["姓名", "联系*"]\n')
    ds = dataset(col("姓名", ["PERSON"]), col("联系电话", ["PHONE_NUMBER"], found=90), col("手机2", ["PHONE_NUMBER"], found=5),
                 col("序号", [], kind="other"))
    out = audit(scan_of(ds), policy)
    assert triples(out) == [("PA002-purpose-column", "手机2", 5)]


# --- PA003 ---------------------------------------------------------------------------------


def test_granularity_finer_than_allowed(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + "granularity: {ADDRESS: district, DATE_OF_BIRTH: year}\n")
    ds = dataset(
        col("住址", ["ADDRESS"], found=80, granularity={"ADDRESS": "precise"}),
        col("所在区", [], kind="identifier", found=0, granularity={"ADDRESS": "district"}),
        col("城市", [], kind="identifier", found=0, granularity={"ADDRESS": "city"}),
        col("出生日期", ["DATE_OF_BIRTH"], granularity={"DATE_OF_BIRTH": "month"}),
        col("生日", ["DATE_OF_BIRTH"], cells=7),  # no rating: treated as the finest level
    )
    out = audit(scan_of(ds), policy)
    assert triples(out) == [
        ("PA003-granularity", "住址", 80),
        ("PA003-granularity", "出生日期", 100),
        ("PA003-granularity", "生日", 7),
    ]
    assert "district" in out[0].message and "precise" in out[0].message


def test_granularity_at_the_limit_passes(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + "granularity: {DATE_OF_BIRTH: year}\n")
    ds = dataset(col("出生年份", ["DATE_OF_BIRTH"], granularity={"DATE_OF_BIRTH": "year"}))
    assert audit(scan_of(ds), policy) == []


# --- PA004 --------------------------------------------------------------------------------------


def test_sensitive_without_safeguards(tmp_path):
    policy = base_policy(tmp_path, "safeguards:\n  medical_health:\n    necessity: needed\n")
    out = audit(scan_of(dataset(col("健康状况", ["HEALTH"], cells=60))), policy)
    assert triples(out) == [("PA004-sensitive-safeguards", "健康状况", 60)]
    v = out[0]
    assert v.category == "medical_health"
    assert "separate_consent, impact_assessment" in v.message
    assert v.article == "PIPL Art. 28, 29, 55"


def test_sensitive_with_safeguards_passes(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    assert audit(scan_of(dataset(col("健康状况", ["HEALTH"]))), policy) == []


def test_consent_safeguards_waived_on_statutory_basis(tmp_path):
    policy = base_policy(
        tmp_path, "safeguards:\n  medical_health:\n    necessity: x\n", basis="statutory_duty"
    )
    out = audit(scan_of(dataset(col("健康状况", ["HEALTH"]))), policy)
    assert [v.message.split("declares no ")[1] for v in out] == ["impact_assessment for it"]


def test_sensitive_by_column_name(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    out = audit(scan_of(dataset(col("残疾证号", [], kind="other", found=0, cells=12))), policy)
    assert triples(out) == [("PA004-sensitive-safeguards", "残疾证号", 12)]
    assert out[0].category == "specific_identity" and out[0].entity is None


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        ("gb35273-2020", ["identity_documents", "whereabouts", "whereabouts", "marital_history", "property"]),
        ("tc260-2024", ["whereabouts"]),
        ("gb45574-2025", ["whereabouts"]),
        ("pipl-baseline", ["whereabouts", "whereabouts"]),
    ],
)
def test_rulebook_profiles_differ(tmp_path, profile, expected):
    body = f"""\
    name: rb
    extends: {profile}
    purposes:
      r:
        legal_basis: statutory_duty
        entities: [CN_RESIDENT_ID, GEO_COORDINATE, MARITAL_STATUS, PROPERTY]
    default_purpose: r
    """
    policy = make_policy(tmp_path, body)
    ds = dataset(
        col("身份证号", ["CN_RESIDENT_ID"]),
        col("精确坐标", ["GEO_COORDINATE"], granularity={"GEO_COORDINATE": "precise"}),
        col("粗略坐标", ["GEO_COORDINATE"], granularity={"GEO_COORDINATE": "district"}),
        col("婚姻状况", ["MARITAL_STATUS"]),
        col("房产情况", ["PROPERTY"]),
    )
    out = audit(scan_of(ds), policy)
    assert [v.category for v in out] == expected
    assert {v.rule for v in out} == {"PA004-sensitive-safeguards"}


# --- PA005 ---------------------------------------------------------------------------------------


def test_minors_without_guardian_consent(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    out = audit(scan_of(dataset(col("姓名", ["PERSON"]), minors=3)), policy)
    assert triples(out) == [("PA005-minors", None, 3)]
    assert "guardian_consent" in out[0].message and out[0].article == "PIPL Art. 31, 55"


def test_minors_with_safeguards_or_none_pass(tmp_path):
    extra = FULL_HEALTH + (
        "  minors_under_14:\n    guardian_consent: true\n    special_rules: rules-v1\n    impact_assessment: PIA-2\n"
    )
    policy = base_policy(tmp_path, extra)
    assert audit(scan_of(dataset(col("姓名", ["PERSON"]), minors=3)), policy) == []
    policy = base_policy(tmp_path, FULL_HEALTH)
    assert audit(scan_of(dataset(col("姓名", ["PERSON"]), minors=0)), policy) == []


def test_minors_on_statutory_basis_still_need_special_rules(tmp_path):
    policy = base_policy(tmp_path, "safeguards:\n  minors_under_14:\n    impact_assessment: PIA\n", basis="statutory_duty")
    out = audit(scan_of(dataset(minors=2)), policy)
    assert triples(out) == [("PA005-minors", None, 2)]
    assert out[0].message.endswith("declares no special_rules for minors_under_14")


# --- PA006 / PA010 ------------------------------------------------------------------------------


def test_retention(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + "retention: {period: 3y, column: [更新日期, 登记日期]}\n")
    hist = {"2020-01-01": 5, "2022-06-29": 2, "2022-06-30": 4, "2025-01-01": 10}
    ds = dataset(col("登记日期", [], kind="other", found=0, cells=21), hist={"登记日期": hist})
    out = audit(scan_of(ds), policy, today=TODAY)
    assert triples(out) == [("PA006-retention", "登记日期", 7)]
    assert "2022-06-30" in out[0].message and out[0].article == "PIPL Art. 19"
    # the scan date is the default "today"
    ds2 = dataset(col("登记日期", [], kind="other", found=0), hist={"登记日期": hist})
    assert triples(audit(scan_of(ds2, scanned_at="2026-01-01"), policy)) == [("PA006-retention", "登记日期", 11)]


def test_retention_unverifiable(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + "retention: {period: 18 months, column: 登记日期}\n")
    missing = dataset(col("姓名", ["PERSON"]), rows=50)
    no_dates = dataset(col("登记日期", [], kind="other", found=0, cells=30), source="b.csv")
    out = audit(scan_of(missing, no_dates), policy)
    assert triples(out) == [("PA010-retention-unverifiable", None, 50), ("PA010-retention-unverifiable", "登记日期", 30)]
    assert {v.severity for v in out} == {"warning"}


@pytest.mark.parametrize(
    ("text", "today", "cutoff"),
    [
        ("1y", dt.date(2024, 2, 29), dt.date(2023, 2, 28)),
        ("1 month", dt.date(2025, 3, 31), dt.date(2025, 2, 28)),
        ("18 months", dt.date(2025, 6, 30), dt.date(2023, 12, 30)),
        ("90d", dt.date(2025, 6, 30), dt.date(2025, 4, 1)),
        ("2 weeks", dt.date(2025, 6, 30), dt.date(2025, 6, 16)),
        ("3年", dt.date(2025, 6, 30), dt.date(2022, 6, 30)),
        ("6个月", dt.date(2025, 6, 30), dt.date(2024, 12, 30)),
        ("P1Y6M", dt.date(2025, 6, 30), dt.date(2023, 12, 30)),
    ],
)
def test_period_cutoff(text, today, cutoff):
    from privaudit.policy import parse_period

    period = parse_period(text)
    assert isinstance(period, Period)
    assert period.cutoff(today) == cutoff


@pytest.mark.parametrize("text", ["3", "3 decades", "y", "0d", "P", "-1y"])
def test_bad_periods(text):
    from privaudit.policy import parse_period

    assert parse_period(text) is None


# --- PA007 ------------------------------------------------------------------------------------------


def test_identifiers_in_free_text(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    remark = col("备注", ["CN_RESIDENT_ID", "PHONE_NUMBER", "HEALTH"], kind="free_text", cells=200, found=9,
                 entity_cells={"CN_RESIDENT_ID": 4, "PHONE_NUMBER": 6})
    out = audit(scan_of(dataset(remark)), policy)
    assert triples(out) == [("PA007-free-text-identifier", "备注", 4), ("PA007-free-text-identifier", "备注", 6)]
    assert [v.entity for v in out] == ["CN_RESIDENT_ID", "PHONE_NUMBER"]


def test_free_text_allow_list_purpose_overrides_policy(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + "free_text: {allow: [PHONE_NUMBER]}\n")
    remark = col("备注", ["CN_RESIDENT_ID", "PHONE_NUMBER"], kind="free_text", entity_cells={"CN_RESIDENT_ID": 1, "PHONE_NUMBER": 6})
    assert triples(audit(scan_of(dataset(remark)), policy)) == [("PA007-free-text-identifier", "备注", 1)]


# --- PA008 ------------------------------------------------------------------------------------------


def test_raw_identifier_where_pseudonymised_required(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH + "protect: {CN_RESIDENT_ID: pseudonymise}\n")
    partly = col("身份证号", ["CN_RESIDENT_ID"], cells=100, found=3, masked=97)
    out = audit(scan_of(dataset(partly)), policy)
    assert triples(out) == [("PA008-unprotected-identifier", "身份证号", 3)]
    assert "pseudonymised" in out[0].message and out[0].article == "PIPL Art. 51"
    # a fully transformed column lists no identifier: it passes
    done = col("身份证号", [], kind="identifier", cells=100, found=0, masked=100)
    assert audit(scan_of(dataset(done)), policy) == []


def test_policy_wide_protect_applies_without_purpose(tmp_path):
    body = """\
    name: wide
    extends: pipl-baseline
    protect: {BANK_CARD: mask}
    purposes:
      p:
        legal_basis: contract
        entities: [PERSON]
    """
    policy = make_policy(tmp_path, body)
    ds = dataset(col("银行卡号", ["BANK_CARD"], found=8), col("姓名", ["PERSON"]), rows=8)
    out = audit(scan_of(ds), policy)
    assert triples(out) == [("PA009-no-purpose", None, 8), ("PA008-unprotected-identifier", "银行卡号", 8)]


# --- PA009 and purpose selection -------------------------------------------------------------------------


def test_purpose_selection(tmp_path):
    body = """\
    name: sel
    extends: pipl-baseline
    purposes:
      a: {legal_basis: consent, entities: [PERSON]}
      b: {legal_basis: consent, entities: [PHONE_NUMBER]}
    datasets:
      - {match: "exports/*.csv", purpose: a}
      - {match: "**/book.xlsx", sheet: "2025*", purpose: b}
    """
    policy = make_policy(tmp_path, body)
    name_col, phone_col = col("姓名", ["PERSON"]), col("电话", ["PHONE_NUMBER"])
    r = run_audit(
        scan_of(
            dataset(name_col, source="/srv/exports/x.csv"),
            dataset(phone_col, source="book.xlsx", sheet="2025年"),
            dataset(phone_col, source="book.xlsx", sheet="2024年", rows=3),
        ),
        policy,
    )
    assert list(r.purposes.values()) == ["a", "b", None]
    assert triples(r.violations) == [("PA009-no-purpose", None, 3)]
    # an explicit purpose overrides the mapping
    out = audit(scan_of(dataset(name_col, source="/srv/exports/x.csv")), policy, purpose="b")
    assert triples(out) == [("PA001-purpose-entity", "姓名", 100)]
    with pytest.raises(PolicyError, match="purpose 'zz' is not defined"):
        audit(scan_of(dataset(name_col)), policy, purpose="zz")


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("*.csv", "data/a.csv", True),
        ("*.csv", "a.csv", True),
        ("data/*.csv", "/srv/data/a.csv", True),
        ("data/*.csv", "data/sub/a.csv", False),
        ("data/**/*.csv", "data/sub/deep/a.csv", True),
        ("data/**/*.csv", "data/a.csv", True),
        ("**/community_register*", "examples/community_register.csv", True),
        ("register.csv", "old_register.csv", False),
        ("*.csv", "a.csv.bak", False),
        ("reg[0-9].csv", "reg7.csv", True),
    ],
)
def test_path_matches(pattern, path, expected):
    assert path_matches(pattern, path) is expected


# --- exceptions ----------------------------------------------------------------------------------------------


EXCEPTIONS = """\
exceptions:
  - id: EX-ACTIVE
    rule: PA007
    column: 备注
    entity: PHONE_NUMBER
    reason: legacy remarks
    approved_by: DPO
    expires: 2025-06-30
  - id: EX-OLD
    rule: PA001-purpose-entity
    dataset: "**/register.csv"
    reason: pilot
    approved_by: DPO
    approved_on: 2024-01-01
    expires: 2025-01-31
"""


def test_exceptions_apply_and_expire(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH, tail=EXCEPTIONS)
    remark = col("备注", ["CN_RESIDENT_ID", "PHONE_NUMBER"], kind="free_text", entity_cells={"CN_RESIDENT_ID": 2, "PHONE_NUMBER": 5})
    ds = dataset(remark, col("宗教信仰", ["RELIGION"], cells=40))
    r = run_audit(scan_of(ds), policy, today=TODAY)
    assert triples(r.violations) == [
        ("PA007-free-text-identifier", "备注", 2),
        ("PA001-purpose-entity", "宗教信仰", 40),
        ("PA011-exception-expired", None, 1),
    ]
    assert [(a.exception.id, a.violation.rule, a.violation.count) for a in r.applied] == [
        ("EX-ACTIVE", "PA007-free-text-identifier", 5)
    ]
    assert [e.id for e in r.expired] == ["EX-OLD"]
    expired = r.violations[-1]
    assert expired.severity == "warning" and "2025-01-31" in expired.message and expired.article == "PIPL Art. 6"
    # the day after its expiry the active one stops applying too
    r2 = run_audit(scan_of(dataset(remark)), policy, today=TODAY + dt.timedelta(days=1))
    assert triples(r2.violations) == [
        ("PA007-free-text-identifier", "备注", 2),
        ("PA007-free-text-identifier", "备注", 5),
        ("PA011-exception-expired", "备注", 1),
        ("PA011-exception-expired", None, 0),
    ]
    assert r2.applied == []


def test_expired_exception_for_other_dataset_is_not_reported(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH, tail=EXCEPTIONS)
    r = run_audit(scan_of(dataset(col("姓名", ["PERSON"]), source="other.csv")), policy, today=TODAY)
    assert r.violations == [] and r.expired == []


# --- rule settings, bookkeeping ------------------------------------------------------------------------------


def test_rule_settings(tmp_path):
    tail = "rules:\n  PA007: {severity: warning}\n  PA001-purpose-entity: {enabled: false}\n"
    policy = base_policy(tmp_path, FULL_HEALTH, tail=tail)
    remark = col("备注", ["PHONE_NUMBER"], kind="free_text", found=2)
    out = audit(scan_of(dataset(remark, col("宗教信仰", ["RELIGION"]))), policy)
    assert [(v.rule, v.severity) for v in out] == [("PA007-free-text-identifier", "warning")]


def test_violations_are_appended_to_datasets_and_serialise(tmp_path):
    policy = base_policy(tmp_path, FULL_HEALTH)
    a = dataset(col("宗教信仰", ["RELIGION"]), source="a.csv")
    b = dataset(col("姓名", ["PERSON"]), source="b.csv")
    out = audit(scan_of(a, b), policy)
    assert a.violations == out and b.violations == []
    d = out[0].to_dict()
    assert list(d) == ["rule", "severity", "article", "column", "message", "count", "remedy", "entity", "purpose"]
    assert d["rule"] in RULES and "\n" not in d["message"] and "\n" not in d["remedy"]


def test_every_rule_is_documented():
    readme = (Path(__file__).resolve().parent.parent / "policies" / "README.md").read_text(encoding="utf-8")
    for rule_id, rule in RULES.items():
        assert f"`{rule_id}`" in readme
        assert rule.severity in ("error", "warning", "info") and rule.article.startswith("PIPL Art. ")
