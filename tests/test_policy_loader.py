"""Policy loading: safe YAML, extends, merging, and one precise error per mistake."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from privaudit.cli import main
from privaudit.errors import PolicyError
from privaudit.policy import BUILTIN_DIR, check_policy, load_policy

BASE = """\
name: t
sensitive_categories:
  health:
    entities: [HEALTH]
    requires: [necessity]
purposes:
  care:
    legal_basis: consent
    entities: [PERSON, HEALTH, ADDRESS]
"""

TIER = BASE + "tiers:\n  public:\n"
ITEM = "  - id: EX-1\n    rule: PA001\n    reason: pilot\n    approved_by: DPO\n"
EXC = BASE + "exceptions:\n" + ITEM

#: (case id, policy text, line of the error, message)
MALFORMED = [
    ("unclosed-bracket", BASE + "    columns: [姓名, 住址\n", 10,
     "YAML syntax error: expected ',' or ']', but got '<stream end>' (while parsing a flow sequence started on line 10)"),
    ("tab-indent", BASE + "\tgranularity: {}\n", 10, "YAML syntax error: a tab character; indent with spaces, not tabs"),
    ("duplicate-key", BASE + "    legal_basis: contract\n", 10, "duplicate key 'legal_basis' (first written on line 8)"),
    ("empty-file", "", 1, "policy is empty"),
    ("two-documents", BASE + "---\nname: u\n", 10,
     "a policy file holds one YAML document; remove the extra '---' and what follows"),
    ("top-level-list", "- name: t\n", 1, "a policy must be a mapping of keys (name:, purposes: ...)"),
    ("unknown-top-key", BASE + "purpose: care\n", 10, "unknown key 'purpose' in the policy (did you mean 'purposes'?)"),
    ("missing-name", BASE.replace("name: t\n", "version: 1\n"), 1, "the policy is missing required key 'name'"),
    ("name-is-list", BASE.replace("name: t", "name: [t]"), 1, "name must be text, got a list"),
    ("unknown-entity", BASE.replace("ADDRESS]", "CN_RESIDENTID]"), 9,
     "purpose 'care' entities: unknown entity 'CN_RESIDENTID' (did you mean 'CN_RESIDENT_ID'?)"),
    ("lowercase-entity", BASE.replace("[PERSON,", "[person,"), 9,
     "purpose 'care' entities: unknown entity 'person' (did you mean 'PERSON'?)"),
    ("entities-not-list", BASE.replace("[PERSON, HEALTH, ADDRESS]", "PERSON"), 9,
     "purpose 'care' entities must be a list, got text"),
    ("bad-legal-basis", BASE.replace("legal_basis: consent", "legal_basis: consnet"), 8,
     "purpose 'care' legal_basis 'consnet' is not one of: consent, contract, hr_management, statutory_duty, "
     "emergency, news_reporting, disclosed_information, other_law (did you mean 'consent'?)"),
    ("missing-legal-basis", BASE.replace("    legal_basis: consent\n", ""), 7,
     "purpose 'care' is missing required key 'legal_basis'"),
    ("bad-granularity-level", BASE + "    granularity:\n      ADDRESS: town\n", 11,
     "purpose 'care' granularity of ADDRESS 'town' is not one of: precise, street, district, city, province"),
    ("granularity-not-collected", BASE + "    granularity:\n      DATE_OF_BIRTH: year\n", 11,
     "purpose 'care': granularity is set for DATE_OF_BIRTH, which the purpose does not collect (add it to entities:)"),
    ("granularity-no-scale", BASE + "    granularity:\n      PHONE_NUMBER: district\n", 11,
     "purpose 'care' granularity: no granularity scale for 'PHONE_NUMBER'; only ADDRESS, GEO_COORDINATE, DATE_OF_BIRTH"),
    ("unknown-operator", BASE + "    protect:\n      CN_RESIDENT_ID: hash\n", 11,
     "purpose 'care' protect: unknown operator 'hash' for CN_RESIDENT_ID; use one of: mask, redact, drop, "
     "pseudonymise, encrypt, surrogate"),
    ("protect-generalise", BASE + "    protect:\n      CN_RESIDENT_ID: generalise\n", 11,
     "purpose 'care' protect: use granularity: to require CN_RESIDENT_ID generalised, not protect:"),
    ("protect-attribute", BASE + "    protect:\n      AGE: mask\n", 11,
     "purpose 'care' protect: AGE is an attribute entity; protect applies to identifier entities "
     "(leave the attribute out of entities:, or limit it with granularity:)"),
    ("raw-and-protected", BASE + "    protect:\n      PERSON: pseudonymise\n", 9,
     "purpose 'care': PERSON is both in entities (kept raw) and in protect (must be transformed); list it in one of them"),
    ("period-no-unit", BASE + "    retention:\n      period: 3\n      column: 登记日期\n", 11,
     "purpose 'care' retention period must be text like 3y or 18 months (with a unit), got a number"),
    ("period-unknown-unit", BASE + "    retention:\n      period: 3 decades\n      column: 登记日期\n", 11,
     "purpose 'care' retention period '3 decades' is not a period like 3y, 18 months, 90d or P3Y"),
    ("retention-no-column", BASE + "    retention:\n      period: 3y\n", 10,
     "purpose 'care' retention is missing required key 'column'"),
    ("safeguards-unknown-category", BASE + "    safeguards:\n      medical_health:\n        necessity: needed\n", 11,
     "purpose 'care' safeguards: unknown sensitive category 'medical_health' (did you mean 'health'?)"),
    ("safeguard-wrong-type", BASE + "    safeguards:\n      health:\n        separate_consent: 'yes please'\n", 12,
     "purpose 'care' safeguards for 'health' separate_consent must be true or false, got text"),
    ("safeguard-unknown-key", BASE + "    safeguards:\n      health:\n        consent: true\n", 12,
     "unknown key 'consent' in purpose 'care' safeguards for 'health' (did you mean 'written_consent'?)"),
    ("safeguard-empty-text", BASE + "    safeguards:\n      health:\n        necessity: ''\n", 12,
     "purpose 'care' safeguards for 'health' necessity must not be empty"),
    ("unknown-requirement", BASE.replace("requires: [necessity]", "requires: [necessity, dpo_signoff]"), 5,
     "sensitive category 'health' requires: unknown safeguard 'dpo_signoff'; use one of: necessity, separate_consent, "
     "written_consent, guardian_consent, special_rules, impact_assessment"),
    ("category-matches-nothing", BASE.replace("    entities: [HEALTH]\n", "    label: x\n"), 3,
     "sensitive category 'health' matches nothing: give entities:, columns: or signal:"),
    ("exception-no-reason", EXC.replace("    reason: pilot\n", "") + "    expires: 2026-01-01\n", 11,
     "exception 'EX-1' is missing required key 'reason'"),
    ("exception-bad-date", EXC + "    expires: next year\n", 15, "exception 'EX-1' expires must be a date like 2026-06-30, got text"),
    ("exception-impossible-date", EXC + "    expires: 2026-13-01\n", 15, "bad value: month must be in 1..12"),
    ("exception-unknown-rule", EXC.replace("PA001", "PA999") + "    expires: 2026-01-01\n", 12,
     "exception 'EX-1': unknown rule 'PA999' (rules are PA001 to PA012; see policies/README.md)"),
    ("exception-expires-before-approval", EXC + "    approved_on: 2026-02-01\n    expires: 2026-01-01\n", 16,
     "exception 'EX-1' expires (2026-01-01) before it was approved (2026-02-01)"),
    ("exception-duplicate-id", EXC + "    expires: 2026-01-01\n" + ITEM + "    expires: 2026-01-01\n", 16,
     "duplicate exception id 'EX-1' (first on line 11)"),
    ("dataset-unknown-purpose", BASE + "datasets:\n  - match: '*.csv'\n    purpose: caer\n", 12,
     "datasets entry names purpose 'caer', which this policy does not define (did you mean 'care'?)"),
    ("dataset-two-purposes",
     BASE + "  survey:\n    legal_basis: consent\n    entities: [AGE]\n"
     "datasets:\n  - match: '*.csv'\n    purpose: care\n  - match: '*.csv'\n    purpose: survey\n", 16,
     "datasets entry '*.csv' is mapped to purpose 'care' on line 14 and to 'survey' here"),
    ("default-purpose-unknown", BASE + "default_purpose: nursing\n", 10,
     "default_purpose 'nursing' is not a purpose of this policy"),
    ("extends-missing", "name: t\nextends: no-such-policy\n", 2,
     "cannot find policy 'no-such-policy' to extend (looked next to this file and in the shipped policies)"),
    ("python-tag", BASE + "description: !!python/object/apply:os.system ['echo pwned']\n", 10,
     "tag !!python/object/apply:os.system is not allowed in a policy"),
    ("tier-unknown-operator", BASE + "tiers:\n  public:\n    entities:\n      PERSON: blur\n", 13,
     "tier 'public' entities: unknown operator 'blur' for PERSON; use one of: mask, redact, drop, pseudonymise, "
     "encrypt, generalise, surrogate, keep"),
    ("tier-mask-unknown-parameter", TIER + "    entities:\n      PERSON: {op: mask, keep_frist: 1}\n", 13,
     "tier 'public' entities: PERSON: mask does not take 'keep_frist' (did you mean 'keep_first'?) "
     "(mask takes: keep_first, keep_last, char)"),
    ("tier-mask-negative-count", TIER + "    entities:\n      PHONE_NUMBER: {op: mask, keep_last: -4}\n", 13,
     "tier 'public' entities: PHONE_NUMBER: mask keep_last must be a whole number of characters (0 or more), got -4"),
    ("tier-mask-char-too-long", TIER + "    columns:\n      电话:\n        op: mask\n        char: '**'\n", 15,
     "tier 'public' columns: 电话: mask char must be a single character, got '**'"),
    ("tier-generalise-unknown-level", TIER + "    entities:\n      ADDRESS: {op: generalise, to: county}\n", 13,
     "tier 'public' entities: ADDRESS: generalise to 'county' is not one of: province, city, district, street "
     "(did you mean 'city'?)"),
    ("tier-generalise-no-scale", TIER + "    entities:\n      PERSON: generalise\n", 13,
     "tier 'public' entities: PERSON: generalise has no levels for PERSON; it applies to ADDRESS, GEO_COORDINATE, "
     "DATE_OF_BIRTH, CN_RESIDENT_ID, AGE"),
    ("tier-operator-mapping-without-op", TIER + "    entities:\n      CN_RESIDENT_ID: {keep_first: 6}\n", 13,
     "tier 'public' entities: CN_RESIDENT_ID is missing required key 'op' (the operator: mask, redact, drop, "
     "pseudonymise, encrypt, generalise, surrogate, keep)"),
    ("tier-operator-list", TIER + "    columns:\n      备注: [redact]\n", 13,
     "tier 'public' columns: 备注: the operator must be a name or a mapping with op:, got a list"),
    ("tier-pseudonym-algorithm", TIER + "    algorithm: md5\n", 12,
     "tier 'public' algorithm 'md5' is not one of: sha256, sm3"),
    ("tier-encrypt-algorithm", TIER + "    default: {op: encrypt, algorithm: sm3}\n", 12,
     "tier 'public' default: encrypt algorithm 'sm3' is not one of: aes-gcm, sm4 (did you mean 'sm4'?)"),
    ("tier-default-unknown-operator", TIER + "    default: hide\n", 12,
     "tier 'public' default: unknown operator 'hide'; use one of: mask, redact, drop, pseudonymise, encrypt, "
     "generalise, surrogate, keep"),
    ("tier-k-without-quasi-identifiers", TIER + "    k: 5\n", 12,
     "tier 'public': k needs quasi_identifiers: (the columns or entities a record could be singled out by)"),
    ("tier-k-too-small", TIER + "    quasi_identifiers: [性别, DATE_OF_BIRTH]\n    k: 1\n", 13,
     "tier 'public' k must be at least 2, got 1"),
    ("tier-l-without-sensitive", TIER + "    quasi_identifiers: [性别]\n    k: 5\n    l: 2\n", 14,
     "tier 'public': l needs sensitive: (the columns whose values must vary within each group)"),
    ("tier-suppress-without-k", TIER + "    suppress: true\n", 12,
     "tier 'public': suppress needs k (records of groups smaller than k are suppressed)"),
    ("tier-unknown-purpose", TIER + "    purpose: cary\n", 12, "tier 'public': unknown purpose 'cary' (did you mean 'care'?)"),
    ("rule-bad-severity", BASE + "rules:\n  PA007-free-text-identifier:\n    severity: critical\n", 12,
     "rules 'PA007-free-text-identifier' severity 'critical' is not one of: info, warning, error"),
    ("purposes-not-mapping", "name: t\npurposes: [a, b]\n", 2, "purposes must be a mapping, got a list"),
    ("free-text-allows-uncollected", BASE + "    free_text:\n      allow: [PERSON, PHONE_NUMBER]\n", 11,
     "purpose 'care': free_text allows PHONE_NUMBER, which the purpose does not collect (add it to entities:)"),
    ("yes-is-not-a-reason", BASE + "    safeguards:\n      health:\n        necessity: yes\n", 12,
     "purpose 'care' safeguards for 'health' necessity must be text, got true (yes/no)"),
    ("category-granularity-not-its-entity",
     BASE.replace("    requires: [necessity]\n", "    requires: [necessity]\n    granularity:\n      ADDRESS: [precise]\n"), 7,
     "sensitive category 'health' granularity is set for ADDRESS, which is not among its entities"),
    ("rule-unknown", BASE + "rules:\n  PA077:\n    enabled: false\n", 11,
     "rules: unknown rule 'PA077' (rules are PA001 to PA012; see policies/README.md)"),
]


def _write(tmp_path: Path, text: str, name: str = "policy.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_enough_distinct_cases():
    assert len({case[0] for case in MALFORMED}) == len(MALFORMED) >= 20
    assert len({case[3] for case in MALFORMED}) == len(MALFORMED)


@pytest.mark.parametrize(("text", "line", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_malformed_policy_reports_file_line_message(tmp_path, text, line, message):
    path = _write(tmp_path, text)
    expected = f"{path}:{line}: {message}"
    assert check_policy(path) == [expected]
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert str(info.value) == expected


@pytest.mark.parametrize(("text", "line", "message"), [c[1:] for c in MALFORMED], ids=[c[0] for c in MALFORMED])
def test_policy_check_cli_exit_2_without_traceback(tmp_path, capsys, text, line, message):
    path = _write(tmp_path, text)
    assert main(["policy", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}: {message}" in err
    assert "Traceback" not in err


def test_scan_with_bad_policy_exits_2(tmp_path, capsys):
    path = _write(tmp_path, BASE.replace("legal_basis: consent", "legal_basis: consnet"))
    data = _write(tmp_path, "姓名\n张三\n", "d.csv")
    assert main(["scan", str(data), "--policy", str(path), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:8: purpose 'care' legal_basis 'consnet'" in err and "Traceback" not in err


def test_valid_policy_check_cli_ok(tmp_path, capsys):
    path = _write(tmp_path, BASE)
    assert main(["policy", "check", str(path)]) == 0
    assert capsys.readouterr().err == ""


def test_all_errors_are_reported_in_line_order(tmp_path):
    text = BASE.replace("consent", "consnet").replace("ADDRESS]", "ADRESS]") + "purpose: x\n"
    path = _write(tmp_path, text)
    errors = check_policy(path)
    assert [e[len(str(path)) + 1 :].split(":", 1)[0] for e in errors] == ["8", "9", "10"]


def test_not_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("name: t\ndescription: 社区\n".encode("gbk"))
    assert check_policy(path) == [f"{path}:2: not UTF-8 text (save the policy as UTF-8)"]


def test_missing_file_and_directory(tmp_path):
    assert check_policy(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}:0: no such file"]
    assert check_policy(tmp_path) == [f"{tmp_path}:0: is a directory, not a policy file"]


def test_python_tags_never_execute(tmp_path):
    marker = tmp_path / "MARKER"
    path = _write(tmp_path, f"name: !!python/object/apply:os.system ['touch {marker}']\n")
    assert len(check_policy(path)) == 1
    assert not marker.exists()


def test_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    path = _write(tmp_path, "name: t\ndescription:\n  " + "\n  ".join(lines) + "\n")
    errors = check_policy(path)
    assert len(errors) == 1 and "alias bomb" in errors[0]


def test_merge_keys_and_anchors(tmp_path):
    text = """\
    name: t
    extends: pipl-baseline
    purposes:
      a: &common
        legal_basis: consent
        entities: [PERSON]
      b:
        <<: *common
        entities: [PHONE_NUMBER]
    """
    policy = load_policy(_write(tmp_path, textwrap.dedent(text)))
    assert policy.purposes["b"].legal_basis == "consent"
    assert policy.purposes["b"].entities == frozenset({"PHONE_NUMBER"})


# --- extends ---------------------------------------------------------------------------------------


def test_extends_builtin_by_name_and_names_are_not_inherited(tmp_path):
    policy = load_policy(_write(tmp_path, "name: mine\nextends: gb35273-2020\n"))
    assert policy.name == "mine" and policy.version == "" and policy.description == ""
    assert "identity_documents" in policy.sensitive_categories
    assert "minors_under_14" in policy.sensitive_categories
    assert [Path(f).name for f in policy.files] == ["policy.yaml", "gb35273-2020.yaml", "pipl-baseline.yaml"]


def test_sibling_file_wins_over_builtin_and_builtin_prefix(tmp_path):
    _write(tmp_path, "name: pipl-baseline\nsensitive_categories:\n  only_mine:\n    entities: [AGE]\n", "pipl-baseline.yaml")
    mine = load_policy(_write(tmp_path, "name: a\nextends: pipl-baseline\n"))
    assert list(mine.sensitive_categories) == ["only_mine"]
    shipped = load_policy(_write(tmp_path, "name: b\nextends: builtin:pipl-baseline\n", "b.yaml"))
    assert "medical_health" in shipped.sensitive_categories


def test_merge_semantics(tmp_path):
    (tmp_path / "sub").mkdir()
    _write(
        tmp_path,
        textwrap.dedent(
            """\
            name: parent
            extends: builtin:tc260-2024
            purposes:
              p:
                legal_basis: consent
                entities: [PERSON, PHONE_NUMBER]
                granularity: {}
            """
        ),
        "sub/parent.yaml",
    )
    child = textwrap.dedent(
        """\
        name: child
        extends: sub/parent.yaml
        sensitive_categories:
          whereabouts:
            granularity: null        # back to every granularity
          criminal_record: null      # removed
          household:
            entities: [FAMILY]
            requires: [necessity]
        purposes:
          p:
            entities: [PERSON]       # lists are replaced
        """
    )
    policy = load_policy(_write(tmp_path, child))
    cats = policy.sensitive_categories
    assert "criminal_record" not in cats and "household" in cats
    assert cats["whereabouts"].granularity == {} and cats["whereabouts"].entities == ("GEO_COORDINATE",)
    assert policy.purposes["p"].entities == frozenset({"PERSON"})
    assert policy.purposes["p"].legal_basis == "consent"


def test_error_in_parent_points_at_parent(tmp_path):
    parent = _write(tmp_path, "name: parent\npurposes:\n  p:\n    legal_basis: maybe\n    entities: []\n", "parent.yaml")
    child = _write(tmp_path, "name: child\nextends: parent\n")
    assert check_policy(child) == [
        f"{_rel(parent)}:4: purpose 'p' legal_basis 'maybe' is not one of: consent, contract, hr_management, "
        "statutory_duty, emergency, news_reporting, disclosed_information, other_law"
    ]


def _rel(path: Path) -> str:
    import os

    rel = os.path.relpath(path)
    return str(path) if rel.startswith("..") else rel


def test_extends_cycle(tmp_path):
    _write(tmp_path, "name: a\nextends: b\n", "a.yaml")
    _write(tmp_path, "name: b\nextends: [pipl-baseline, a]\n", "b.yaml")
    errors = check_policy(tmp_path / "a.yaml")
    assert errors == [f"{_rel(tmp_path / 'b.yaml')}:2: extends cycle: a.yaml -> b.yaml -> a.yaml"]


def test_tiers_are_parsed(tmp_path):
    text = BASE + "tiers:\n  public:\n    entities: {PERSON: drop, ADDRESS: generalise}\n    columns: {备注: redact}\n"
    policy = load_policy(_write(tmp_path, text))
    tier = policy.tiers["public"]
    assert tier.entities == {"PERSON": "drop", "ADDRESS": "generalise"} and tier.columns == {"备注": "redact"}


def test_tier_operator_mappings_and_risk_keys_are_parsed(tmp_path):
    text = TIER + (
        "    purpose: care\n"
        "    algorithm: sm3\n"
        "    encryption: sm4\n"
        "    entities:\n"
        "      PHONE_NUMBER: {op: mask, keep_first: 3, keep_last: 4, char: '#'}\n"
        "      ADDRESS: {op: generalise, to: district}\n"
        "      CN_RESIDENT_ID: pseudonymise\n"
        "    columns:\n"
        "      '备注*': encrypt\n"
        "    default: keep\n"
        "    quasi_identifiers: [性别, DATE_OF_BIRTH]\n"
        "    sensitive: [HEALTH]\n"
        "    k: 5\n"
        "    l: 2\n"
        "    suppress: true\n"
    )
    tier = load_policy(_write(tmp_path, text)).tiers["public"]
    assert tier.entities == {"PHONE_NUMBER": "mask", "ADDRESS": "generalise", "CN_RESIDENT_ID": "pseudonymise"}
    assert tier.entity_specs["PHONE_NUMBER"].params == {"keep_first": 3, "keep_last": 4, "char": "#"}
    assert tier.entity_specs["ADDRESS"].params == {"to": "district"}
    # the tier-wide algorithms are filled in where an operator does not name its own
    assert tier.entity_specs["CN_RESIDENT_ID"].params == {"algorithm": "sm3"}
    assert tier.column_specs["备注*"].name == "encrypt" and tier.column_specs["备注*"].params == {"algorithm": "sm4"}
    assert tier.default.name == "keep" and tier.purpose == "care"
    assert tier.quasi_identifiers == ("性别", "DATE_OF_BIRTH") and tier.sensitive == ("HEALTH",)
    assert (tier.k, tier.l, tier.suppress) == (5, 2, True)


def test_tier_defaults_are_safe(tmp_path):
    tier = load_policy(_write(tmp_path, TIER + "    entities: {PERSON: drop}\n")).tiers["public"]
    assert tier.default.name == "redact"  # an identifier the tier does not name never passes raw
    assert (tier.k, tier.l, tier.suppress, tier.algorithm, tier.encryption) == (None, None, False, "sha256", "aes-gcm")


def test_builtin_dir_ships_the_baseline_and_profiles():
    names = sorted(p.stem for p in BUILTIN_DIR.glob("*.yaml"))
    assert names == ["gb35273-2020", "gb45574-2025", "pipl-baseline", "tc260-2024"]


def test_broken_parent_reports_the_cause_not_its_consequences(tmp_path):
    parent = _write(tmp_path, "name: parent\nsensitive_categories:\n  health: {entities: [HEALTH]\n", "parent.yaml")
    child = _write(
        tmp_path,
        "name: child\nextends: parent\npurposes:\n  p:\n    legal_basis: consent\n    entities: [HEALTH]\n"
        "    safeguards:\n      health: {necessity: x}\n",
    )
    errors = check_policy(child)
    assert len(errors) == 1 and errors[0].startswith(f"{_rel(parent)}:3: YAML syntax error")
    with pytest.raises(PolicyError, match="YAML syntax error"):
        load_policy(child)
