"""Tier engine: operator choice per column, real transforms of real files, k-anonymity, manifests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from conftest import make_id, make_register

from privaudit.errors import PrivauditError
from privaudit.io import read
from privaudit.keys import generate_key
from privaudit.model import ColumnProfile
from privaudit.policy import load_policy
from privaudit.transform import tiers as engine
from privaudit.transform.tiers import RiskError, plan_column, tiers, transform, write_tiers

POLICY = """\
name: register-tiers
version: "7"
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, CN_RESIDENT_ID, PHONE_NUMBER, ADDRESS, GENDER, ETHNICITY, RELIGION]
tiers:
  public:
    entities:
      PERSON: drop
      CN_RESIDENT_ID: drop
      ADDRESS: {op: generalise, to: district}
    columns:
      备注: drop
      宗教信仰: drop
    default: drop
    quasi_identifiers: [GENDER, ETHNICITY, ADDRESS]
    k: 2
    suppress: true
  internal:
    entities:
      PERSON: pseudonymise
      CN_RESIDENT_ID: pseudonymise
      PHONE_NUMBER: {op: mask, keep_first: 3, keep_last: 4}
    columns:
      "宗教*": drop
  bare:
    description: names nothing; identifiers fall to the default
"""


@pytest.fixture
def policy_path(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "k.key"
    path.write_text(generate_key() + "\n", encoding="ascii")
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _raw_values(register: pd.DataFrame) -> list[str]:
    return [*register["身份证号"], *register["联系电话"], *register["姓名"]]


def _all_text(frame: pd.DataFrame) -> str:
    return "\n".join(frame.astype(object).fillna("").astype(str).agg("|".join, axis=1))


# --------------------------------------------------------------------------- operator choice


def test_operator_choice_column_then_glob_then_entity_then_default(policy_path):
    policy = load_policy(policy_path)
    internal, bare = policy.tiers["internal"], policy.tiers["bare"]
    person = ColumnProfile("户主姓名", ["PERSON"], "PERSON", "identifier")
    assert plan_column(internal, person, ["PERSON"]).spec.name == "pseudonymise"
    assert plan_column(internal, ColumnProfile("宗教信仰", ["RELIGION"], "RELIGION", "attribute"), []).spec.name == "drop"
    # an identifier the tier does not name: the default (redact), never kept raw
    plan = plan_column(bare, ColumnProfile("电话", ["PHONE_NUMBER"], "PHONE_NUMBER", "identifier"), ["PHONE_NUMBER"])
    assert (plan.spec.name, plan.why) == ("redact", "default")
    # an attribute the tier does not name is kept
    assert plan_column(bare, ColumnProfile("性别", ["GENDER"], "GENDER", "attribute"), []).spec.name == "keep"
    # free text: kept whole, identifiers inside rewritten with their entity's operator (or the default)
    remarks = ColumnProfile("备注", ["PERSON", "PHONE_NUMBER"], "FREE_TEXT", "free_text")
    plan = plan_column(internal, remarks, ["PERSON", "PHONE_NUMBER", "CN_RESIDENT_ID"])
    assert plan.spec.name == "keep"
    assert {e: s.name for e, s in plan.span_ops.items()} == {
        "PERSON": "pseudonymise", "PHONE_NUMBER": "mask", "CN_RESIDENT_ID": "pseudonymise",
    }
    assert plan.span_ops["PHONE_NUMBER"].params == {"keep_first": 3, "keep_last": 4}


# --------------------------------------------------------------------------- real transforms


def test_internal_view_of_a_gb18030_register(tmp_path, register_csv, register, policy_path, key_file):
    digest = _sha(register_csv)
    result = transform(register_csv, policy_path, "internal", key_file=key_file)
    frame = result.frame
    source = read(register_csv)[0].to_frame()
    assert list(frame.index) == list(source.index) and len(frame) == len(register)
    assert "宗教信仰" not in frame.columns
    assert frame["身份证号"].str.match(r"^PSN_[0-9a-f]{32}$").all()
    assert frame["姓名"].str.startswith("PSN_").all()
    for column in ("性别", "民族"):  # untouched: identical
        pd.testing.assert_series_equal(frame[column], source[column])
    text = _all_text(frame)
    for value in _raw_values(register):
        assert value not in text
    ds = result.manifest["datasets"][0]
    assert ds["rows_in"] == ds["rows_out"] == len(register) and ds["suppressed"] == 0
    assert ds["columns"]["身份证号"]["operator"] == "pseudonymise" and ds["dropped"] == ["宗教信仰"]
    assert result.manifest["key_id"] and len(result.manifest["key_id"]) == 16
    assert result.manifest["inputs"] == [{"path": str(register_csv), "sha256": digest}]
    assert _sha(register_csv) == digest
    # deterministic: a second run gives the same view
    again = transform(register_csv, policy_path, "internal", key_file=key_file)
    pd.testing.assert_frame_equal(again.frame, frame)


def test_same_person_same_token_across_files(tmp_path, policy_path, key_file):
    person = make_id("110105", dt.date(1949, 12, 31), 2)
    a = pd.DataFrame({"身份证号": [person, make_id("310104", dt.date(1980, 1, 2), 7)], "性别": ["男", "女"]})
    b = pd.DataFrame({"公民身份号码": [make_id("440305", dt.date(1990, 5, 6), 11), person]})
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False, encoding="gb18030")
    ta = transform(tmp_path / "a.csv", policy_path, "internal", key_file=key_file).frame
    tb = transform(tmp_path / "b.csv", policy_path, "internal", key_file=key_file).frame
    assert ta["身份证号"].iloc[0] == tb["公民身份号码"].iloc[1] != ta["身份证号"].iloc[1]


def test_unnamed_identifiers_never_pass_raw(register_csv, register, policy_path):
    frame = transform(register_csv, policy_path, "bare").frame  # no key needed: nothing keyed
    text = _all_text(frame)
    for value in [*register["联系电话"], *register["身份证号"]]:
        assert value not in text
    pd.testing.assert_series_equal(frame["性别"], read(register_csv)[0].to_frame()["性别"])


def test_missing_key_fails_before_any_work(register_csv, policy_path, monkeypatch):
    monkeypatch.delenv("PRIVAUDIT_KEY", raising=False)
    calls = []
    monkeypatch.setattr(engine, "prepare", lambda *a, **k: calls.append(1))
    with pytest.raises(PrivauditError, match="no key") as info:
        transform(register_csv, policy_path, "internal")
    assert info.value.exit_code == 2 and calls == []


def test_unknown_tier(register_csv, policy_path):
    with pytest.raises(PrivauditError, match=r"no tier 'secret' \(tiers: public, internal, bare\)"):
        transform(register_csv, policy_path, "secret")


def test_dataframe_input_returns_dataframe(policy_path, key_file):
    register = make_register(20)
    result = transform(register, policy_path, "internal", key_file=key_file)
    assert list(result.frames) == [("<dataframe>", None)]
    assert len(result.frame) == 20 and result.frame["身份证号"].str.startswith("PSN_").all()


# --------------------------------------------------------------------------- k-anonymity

RISK_POLICY = """\
name: risk
purposes:
  p: {legal_basis: consent, entities: [GENDER, DATE_OF_BIRTH, PERSON]}
tiers:
  release:
    entities:
      PERSON: drop
      DATE_OF_BIRTH: {op: generalise, to: year}
    quasi_identifiers: [性别, DATE_OF_BIRTH]
    k: 3
  release_suppressed:
    entities:
      PERSON: drop
      DATE_OF_BIRTH: {op: generalise, to: year}
    quasi_identifiers: [性别, DATE_OF_BIRTH]
    k: 3
    suppress: true
  raw_dates:
    entities: {PERSON: drop}
    quasi_identifiers: [性别, 出生日期]
    k: 2
  diverse:
    entities:
      PERSON: drop
      DATE_OF_BIRTH: {op: generalise, to: year}
    quasi_identifiers: [性别, DATE_OF_BIRTH]
    sensitive: [健康状况]
    k: 2
    l: 2
"""

#: Groups over (gender, birth year): (男, 1950) × 3, (女, 1960) × 3, (女, 1971) × 2 → k = 2.
PEOPLE = [
    ("王建国", "男", "1950-03-01", "高血压"), ("李强", "男", "1950-07-12", "健康"), ("张伟", "男", "1950-11-30", "糖尿病"),
    ("刘芳", "女", "1960-01-05", "健康"), ("陈静", "女", "1960-02-14", "冠心病"), ("杨丽", "女", "1960-09-09", "健康"),
    ("赵敏", "女", "1971-04-18", "健康"), ("吴娟", "女", "1971-08-23", "健康"),
]


@pytest.fixture
def people_csv(tmp_path: Path) -> Path:
    path = tmp_path / "people.csv"
    pd.DataFrame(PEOPLE, columns=["姓名", "性别", "出生日期", "健康状况"]).to_csv(path, index=False)
    return path


@pytest.fixture
def risk_policy(tmp_path: Path) -> Path:
    path = tmp_path / "risk.yaml"
    path.write_text(RISK_POLICY, encoding="utf-8")
    return path


def test_k_below_threshold_names_the_smallest_group_by_generalised_values(people_csv, risk_policy):
    with pytest.raises(RiskError) as info:
        transform(people_csv, risk_policy, "release")
    message = str(info.value)
    assert info.value.exit_code == 1
    assert "2-anonymous" in message and "k >= 3" in message
    assert "性别=女, 出生日期=1971" in message and ": 2" in message
    for name, _, born, _ in PEOPLE:
        assert name not in message and born not in message


def test_suppression_removes_small_groups_and_counts_them(people_csv, risk_policy):
    result = transform(people_csv, risk_policy, "release_suppressed")
    ds = result.manifest["datasets"][0]
    assert ds["suppressed"] == 2 and ds["rows_in"] == 8
    assert ds["risk"]["k"] >= 3 and ds["risk"]["k_required"] == 3
    assert ds["rows_out"] == 6 and ds["risk"]["k_before_suppression"] == 2
    frame = result.frame
    assert list(frame.index) == [0, 1, 2, 3, 4, 5]  # the others keep their order
    assert not (frame["出生日期"] == "1971").any()
    assert json.dumps(result.manifest, ensure_ascii=False).count("吴娟") == 0


def test_raw_quasi_identifier_values_are_masked_in_messages(people_csv, risk_policy):
    with pytest.raises(RiskError) as info:
        transform(people_csv, risk_policy, "raw_dates")
    message = str(info.value)
    assert "1-anonymous" in message
    for _, _, born, _ in PEOPLE:
        assert born not in message  # full birth dates are personal: shown masked


def test_l_diversity(people_csv, risk_policy):
    with pytest.raises(RiskError, match=r"1-diverse in 健康状况 over 性别, 出生日期; the policy requires l >= 2") as info:
        transform(people_csv, risk_policy, "diverse")
    for value in ("高血压", "糖尿病", "冠心病"):  # sensitive values are never shown
        assert value not in str(info.value)


# --------------------------------------------------------------------------- every tier at once


def test_tiers_scan_once_and_write_all_with_manifest(tmp_path, register_csv, register, policy_path, key_file, monkeypatch):
    digest = _sha(register_csv)
    calls = []
    real = engine.prepare
    monkeypatch.setattr(engine, "prepare", lambda *a, **k: calls.append(1) or real(*a, **k))
    results = tiers(register_csv, policy_path, key_file=key_file)
    assert calls == [1] and list(results) == ["public", "internal", "bare"]
    out = tmp_path / "views"
    manifest_path = write_tiers(results, out)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    assert list(manifest["tiers"]) == ["public", "internal", "bare"]
    for name, entry in manifest["tiers"].items():
        assert entry["policy"] == {"name": "register-tiers", "version": "7"}
        assert entry["inputs"] == [{"path": str(register_csv), "sha256": digest}]
        (output,) = entry["outputs"]
        assert output["path"] == f"{name}/register.csv"
        assert _sha(out / output["path"]) == output["sha256"]
        assert read(out / output["path"])[0].encoding == "gb18030"
    public = manifest["tiers"]["public"]["datasets"][0]
    assert public["risk"]["k"] >= 2 and public["rows_in"] == len(register)
    text = manifest_path.read_text(encoding="utf-8")
    for value in _raw_values(register):
        assert value not in text
    assert _sha(register_csv) == digest
    # all or nothing: a second run refuses the existing outputs and changes nothing
    before = {p: _sha(p) for p in out.rglob("*") if p.is_file()}
    with pytest.raises(PrivauditError, match="already exists"):
        write_tiers(results, out)
    assert {p: _sha(p) for p in out.rglob("*") if p.is_file()} == before


def test_risk_failure_in_one_tier_means_no_view_at_all(tmp_path, people_csv, risk_policy):
    with pytest.raises(RiskError):
        tiers(people_csv, risk_policy)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv", "risk.yaml"]


def test_workbook_sheets_stay_one_workbook(tmp_path, policy_path, key_file):
    register = make_register(30)
    path = tmp_path / "roster.xlsx"
    with pd.ExcelWriter(path) as writer:
        register.to_excel(writer, sheet_name="在册", index=False)
        register[["姓名", "备注"]].to_excel(writer, sheet_name="走访", index=False)
    result = transform(path, policy_path, "internal", key_file=key_file)
    assert sorted(result.frames) == [(str(path), "在册"), (str(path), "走访")]
    (written,) = result.write(tmp_path / "out.xlsx")
    back = read(written)
    assert [t.sheet for t in back] == ["在册", "走访"]
    assert back[1].to_frame()["姓名"].str.startswith("PSN_").all()


# --------------------------------------------------------------------------- audit after transform

ROOT = Path(__file__).resolve().parent.parent
#: examples/make_examples.py counts ages from this date.
REFERENCE_DATE = dt.date(2026, 11, 1)
AGE_BAND = r"^\d{1,3}-\d{1,3}$"


@pytest.mark.parametrize(
    ("example", "policy_file"),
    [
        ("community_register.csv", "community-register.yaml"),
        ("elderly_care_roster.xlsx", "elderly-care-roster.yaml"),
        ("open_data_release.csv", "open-data-release.yaml"),
    ],
)
def test_every_shipped_tier_passes_the_audit_of_its_purpose(tmp_path, example, policy_file, monkeypatch):
    import privaudit
    from privaudit.policy import audit

    monkeypatch.setenv("PRIVAUDIT_KEY", generate_key())
    source = ROOT / "examples" / example
    digest = _sha(source)
    policy = load_policy(ROOT / "policies" / policy_file)
    results = tiers(source, policy, today=REFERENCE_DATE)
    write_tiers(results, tmp_path / "views")
    assert _sha(source) == digest
    raw = read(source)
    for name, result in results.items():
        tier = policy.tiers[name]
        files = [str(tmp_path / "views" / o["path"]) for o in result.manifest["outputs"]]
        assert [Path(f).name for f in files] == [example]
        scanned = privaudit.scan(files, today=REFERENCE_DATE)
        # no purpose on the tier: the policy's datasets: mapping (the output keeps the file name)
        errors = [v for v in audit(scanned, policy, purpose=tier.purpose, today=REFERENCE_DATE) if v.severity == "error"]
        assert errors == [], (name, [v.message for v in errors])
        for table, view in zip(raw, result.views, strict=True):  # rows: same order, only suppressed ones missing
            frame = table.to_frame()
            assert view.frame.index.isin(frame.index).all() and view.frame.index.is_monotonic_increasing
            ds = next(d for d in result.manifest["datasets"] if d["sheet"] == table.sheet)
            assert len(view.frame) == len(frame) - ds["suppressed"]


def test_directory_input_written_at_the_same_relative_paths(tmp_path, policy_path, key_file):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    make_register(12).to_csv(src / "a.csv", index=False, encoding="utf-8-sig")
    make_register(8, seed=5).to_json(src / "sub" / "b.jsonl", orient="records", lines=True, force_ascii=False)
    result = transform(src, policy_path, "internal", key_file=key_file)
    written = result.write(tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == ["a.csv", "sub/b.jsonl"]
    assert read(tmp_path / "out" / "a.csv")[0].encoding == "utf-8-sig"
    back = read(tmp_path / "out" / "sub" / "b.jsonl")[0].to_frame()
    assert len(back) == 8 and back["身份证号"].str.startswith("PSN_").all()
