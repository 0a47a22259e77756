"""Baselines, incremental scans of git changes and the pre-commit hook, on real git repositories."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import make_id, make_phone

import privaudit
from privaudit.ci.append_only import count_records
from privaudit.ci.baseline import load_baseline
from privaudit.ci.fingerprint_set import FingerprintSet
from privaudit.ci.git import changed_data
from privaudit.ci.values import ValueHasher
from privaudit.cli import main
from privaudit.errors import PrivauditError
from privaudit.keys import fingerprint

KEY = "5f" * 32
OTHER_KEY = "a7" * 32
REPO = Path(__file__).resolve().parents[1]
TITLE = "幸福社区居民信息登记表（测试）"
POLICY = """\
name: test-register
version: "1"
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, CN_RESIDENT_ID, PHONE_NUMBER, ADDRESS, GENDER, ETHNICITY]
default_purpose: register
datasets:
  - match: "**/register.csv"
    purpose: register
    columns: [姓名, 性别, 民族, 身份证号, 联系电话, 家庭住址, 宗教信仰, 备注]   # the declared schema
"""
QUIET = "独居老人，需定期走访"


# --- helpers -------------------------------------------------------------------------------------


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_rows(n: int, seed: int, remarks: bool = True) -> list[dict[str, str]]:
    """Register rows: every third remark quotes a relative's phone number (PA007), religion (PA001)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
        rows.append(
            {
                "姓名": rng.choice("王李张刘陈杨") + rng.choice("伟芳娜秀英敏静丽强磊"),
                "性别": rng.choice(["男", "女"]),
                "民族": rng.choice(["汉族", "回族"]),
                "身份证号": make_id(rng.choice(["110105", "310104"]), birth, rng.randrange(1000)),
                "联系电话": make_phone(rng),
                "家庭住址": f"北京市朝阳区幸福里小区{rng.randrange(1, 30)}栋{rng.randrange(1, 6)}单元{rng.randrange(101, 1800)}室",
                "宗教信仰": rng.choice(["无", "佛教", "无"]),
                "备注": f"其子电话{make_phone(rng)}，每周探望一次" if remarks and i % 3 == 0 else QUIET,
            }
        )
    return rows


def csv_bytes(rows: list[dict[str, str]], header: bool = True, encoding: str = "gb18030", newline: str = "\n") -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator=newline)
    if header:
        buf.write(TITLE + newline)
        writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode(encoding if header else encoding.replace("-sig", ""))


def clean_row(seed: int) -> dict[str, str]:
    row = make_rows(1, seed, remarks=False)[0]
    row["宗教信仰"] = "无"
    return row


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a policy; the register is written but not yet staged."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    for k, v in (("user.name", "t"), ("user.email", "t@example.cn"), ("commit.gpgsign", "false")):
        git(root, "config", k, v)
    (root / "policy.yaml").write_text(POLICY, encoding="utf-8")
    git(root, "add", "policy.yaml")
    git(root, "commit", "-qm", "policy")
    (root / "data").mkdir()
    (root / "data" / "register.csv").write_bytes(csv_bytes(make_rows(60, 1)))
    monkeypatch.chdir(root)
    monkeypatch.setenv("PRIVAUDIT_KEY", KEY)
    return root


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    """``privaudit ARGS`` in-process (the same code path as the command); (exit code, stdout + stderr)."""
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def scan_staged(capsys, *extra: str) -> tuple[int, str]:
    return run(capsys, "scan", "--staged", "--policy", "policy.yaml", "--baseline", ".privaudit-baseline.json", "-q", *extra)


@pytest.fixture
def baselined(repo: Path, capsys) -> Path:
    """The register committed together with a baseline accepting its violations."""
    git(repo, "add", "data/register.csv")
    code, out = run(capsys, "baseline", "create", "data", "--policy", "policy.yaml", "--reason", "legacy data", "-q")
    assert code == 0, out
    git(repo, "add", ".privaudit-baseline.json")
    git(repo, "commit", "-qm", "register and baseline")
    return repo


def append(path: Path, rows: list[dict[str, str]], **kwargs) -> None:
    with open(path, "ab") as fh:
        fh.write(csv_bytes(rows, header=False, **kwargs))


# --- the fingerprint set and the hasher -------------------------------------------------------------


def test_fingerprint_set_round_trip_and_false_match_odds():
    rng = np.random.default_rng(5)
    values = rng.integers(0, 2**63, size=5000, dtype=np.uint64) * np.uint64(2)
    fps = FingerprintSet.build(np.concatenate([values, values[:50]]))
    encoded = json.loads(json.dumps(fps.encode()))
    back = FingerprintSet.decode(encoded)
    assert encoded["n"] == 5000 and back.bits == fps.bits == 13 + 32
    assert np.array_equal(back.values, fps.values) and back.contains(values).all()
    strangers = rng.integers(0, 2**64 - 1, size=200_000, dtype=np.uint64) | np.uint64(1)  # odd: never in the set
    assert back.contains(strangers).sum() == 0  # expected 200,000 × 2**-32 ≈ 0.00005
    assert len(encoded["data"]) < 5000 * 8  # about 34 bits a value, base64 included
    assert FingerprintSet.decode(FingerprintSet.build(np.zeros(0, np.uint64)).encode()).contains(values).sum() == 0
    with pytest.raises(PrivauditError, match="damaged"):
        FingerprintSet.decode({**encoded, "n": 4999})


def test_value_fingerprints_are_keyed_hmac_and_normalised():
    key = bytes.fromhex(KEY)
    hasher = ValueHasher(key)
    from privaudit.keys import derive

    expected = int(fingerprint(derive(key, "baseline"), "value\x1f11010519491231002X", length=8), 16)
    assert int(hasher.fingerprint_values("CN_RESIDENT_ID", ["11010519491231002X"])[0]) == expected
    same_id = ["11010519491231002X", "110105 19491231 002x", "１１０１０５１９４９１２３１００２Ｘ"]
    assert len(set(hasher.fingerprint_values("CN_RESIDENT_ID", same_id).tolist())) == 1
    same_phone = ["13812345678", "+86 138-1234-5678", "138 1234 5678"]
    assert len(set(hasher.fingerprint_values("PHONE_NUMBER", same_phone).tolist())) == 1
    assert len(set(hasher.fingerprint_values("DATE_OF_BIRTH", ["1949-12-31", "1949年12月31日"]).tolist())) == 1
    assert len(set(hasher.fingerprint_values("RELIGION", [" 佛教", "佛教 ", "佛教"]).tolist())) == 1
    other = ValueHasher(bytes.fromhex(OTHER_KEY)).fingerprint_values("CN_RESIDENT_ID", ["11010519491231002X"])
    assert int(other[0]) != expected


def test_records_are_counted_outside_quotes_across_blocks():
    text = b'a,b\n1,"two\nlines"\n3,"say ""hi""\n"\n4,x\n'
    assert count_records(text, 0, True) == (4, 0)
    assert count_records(text, 0, False) == (6, 0)
    total, parity = 0, 0
    for i in range(0, len(text), 5):  # blocks split inside quoted fields
        n, parity = count_records(text[i : i + 5], parity, True)
        total += n
    assert (total, parity) == (4, 0)


# --- incremental scans ----------------------------------------------------------------------------


def _findings(obj) -> pd.DataFrame:
    f = privaudit.scan(obj).findings
    return f[["row", "column", "entity", "start", "end", "masked"]].astype({"column": str, "entity": str})


@pytest.mark.parametrize("encoding, newline", [("gb18030", "\n"), ("utf-8-sig", "\r\n")])
def test_appended_csv_rows_keep_their_row_numbers(repo: Path, encoding: str, newline: str):
    path = repo / "data" / "register.csv"
    rows = make_rows(30, 2)
    rows[4]["备注"] = '多行备注\n第二行 "引号" 其子电话13996253980'  # quoted, multi-line, doubled quotes
    path.write_bytes(csv_bytes(rows, encoding=encoding, newline=newline))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "register")
    more = make_rows(5, 3)
    more[2]["备注"] = "联系人,\n电话 13812345678"
    append(path, more, encoding=encoding, newline=newline)
    with changed_data(since="HEAD") as changes:
        assert [t.source for t in changes.tables] == changes.partial == [os.path.join("data", "register.csv")]
        tail = _findings(changes.tables)
    full = _findings(str(path))
    expected = full[full["row"] >= 30].reset_index(drop=True)
    assert len(expected) and set(tail["row"]) == set(range(30, 35))
    pd.testing.assert_frame_equal(tail.sort_values(["row", "column", "start"]).reset_index(drop=True),
                                  expected.sort_values(["row", "column", "start"]).reset_index(drop=True))


def test_appended_jsonl_lines_and_non_append_changes(repo: Path):
    log = repo / "data" / "tickets.jsonl"
    lines = [json.dumps({"id": i, "text": QUIET}, ensure_ascii=False) for i in range(10)]
    log.write_text("\n".join(lines) + "\n\n", encoding="utf-8")  # a blank line kept in the numbering
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "data")
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": 11, "text": "回电13812345678"}, ensure_ascii=False) + "\n")
    reg = repo / "data" / "register.csv"  # edited in place: not append-only
    reg.write_bytes(reg.read_bytes().replace("无".encode("gb18030"), "佛教".encode("gb18030"), 1))
    (repo / "data" / "new.csv").write_bytes(csv_bytes(make_rows(3, 9)))  # untracked: a change too
    (repo / "notes.txt").write_text("not data", encoding="utf-8")
    (repo / "data" / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # a format privaudit cannot open
    with changed_data(since="HEAD") as changes:
        sources = sorted(t.source for t in changes.tables)
        assert sources == sorted(os.path.join("data", n) for n in ("new.csv", "register.csv", "tickets.jsonl"))
        assert changes.partial == [os.path.join("data", "tickets.jsonl")]
        assert [(x["source"], x["what"]) for x in changes.not_examined] == [(os.path.join("data", "old.xls"), "file")]
        found = _findings([t for t in changes.tables if t.source.endswith("jsonl")])
    assert found["row"].tolist() == [11] and found["entity"].tolist() == ["PHONE_NUMBER"]
    git(repo, "rm", "-qf", "data/tickets.jsonl")
    with changed_data(staged=True) as changes:
        assert changes.tables == []  # deletions are ignored


def test_staged_scan_reads_the_index_not_the_working_tree(repo: Path):
    path = repo / "data" / "register.csv"
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "register")
    append(path, [clean_row(1)])
    git(repo, "add", ".")
    staged_size = path.stat().st_size
    bad = clean_row(2)
    bad["备注"] = "电话13812345678"
    append(path, [bad])  # not staged
    with changed_data(staged=True) as changes:
        assert changes.partial == [os.path.join("data", "register.csv")]
        found = _findings(changes.tables)
    assert 60 in set(found["row"]) and 61 not in set(found["row"])
    path.write_bytes(path.read_bytes()[:staged_size])  # working tree = index again: read from the file
    with changed_data(staged=True) as changes:
        assert 61 not in set(_findings(changes.tables)["row"]) and changes.partial
    same_size = "联系电话 13812345678".encode("gb18030")
    assert len(same_size) == len(QUIET.encode("gb18030"))
    path.write_bytes(path.read_bytes()[::-1].replace(QUIET.encode("gb18030")[::-1], same_size[::-1], 1)[::-1])
    assert path.stat().st_size == staged_size  # same size, other bytes: the hash sends us to git
    with changed_data(staged=True) as changes:
        found = _findings(changes.tables)
    in_remarks = (found["column"] == "备注") & (found["entity"] == "PHONE_NUMBER")
    assert changes.partial and 60 in set(found["row"]) and not in_remarks.any()
    worktree = _findings(str(path))
    assert ((worktree["column"] == "备注") & (worktree["row"] == 60)).any()  # the unstaged edit is real


# --- baselines through the command -------------------------------------------------------------------


def test_staged_register_breaking_its_policy_fails(repo: Path, capsys):
    git(repo, "add", "data/register.csv")
    code, out = run(capsys, "scan", "--staged", "--policy", "policy.yaml", "-q")
    assert code == 1
    assert "PA001-purpose-entity" in out and "PA007-free-text-identifier" in out
    assert "1 data file(s) staged for commit" in out


def test_baseline_accepts_survives_shuffling_and_holds_nothing_raw(baselined: Path, capsys):
    text = (baselined / ".privaudit-baseline.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["format"] == "privaudit-baseline" and doc["version"] == 1
    assert {(e["column"], e["rule"], e["entity"]) for e in doc["entries"]} == {
        ("宗教信仰", "PA001-purpose-entity", "RELIGION"),
        ("备注", "PA007-free-text-identifier", "PHONE_NUMBER"),
    }
    assert all(e["reason"] == "legacy data" and e["path"] == "data/register.csv" for e in doc["entries"])
    rows = make_rows(60, 1)
    for row in rows:
        for value in (row["身份证号"], row["联系电话"], row["备注"][4:15], row["宗教信仰"]):
            assert value not in text
    code, out = run(capsys, "scan", "data", "--policy", "policy.yaml", "--baseline", ".privaudit-baseline.json", "-q")
    assert code == 0 and "2 violation(s) accepted" in out, out
    shuffled = rows[:]
    random.Random(4).shuffle(shuffled)
    (baselined / "data" / "register.csv").write_bytes(csv_bytes(shuffled))
    git(baselined, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 0, out
    assert "scanned whole" in out and "2 violation(s) accepted, 0 with new values" in out


def test_appended_violation_fails_naming_only_its_row(baselined: Path, capsys):
    bad = clean_row(7)
    bad["备注"] = "新住户，电话19912345678"
    append(baselined / "data" / "register.csv", [clean_row(5), clean_row(6), bad, clean_row(8)])
    git(baselined, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 1, out
    assert "append-only change" in out and "from row 60" in out
    assert "1 value(s) not in the baseline, row(s) 62 (e.g. 199****5678)" in out
    assert "19912345678" not in out
    new = [line for line in out.splitlines() if line.startswith("  new:")]
    assert len(new) == 1 and "'备注' PA007-free-text-identifier PHONE_NUMBER" in new[0]  # only the remark is new
    code, out = run(capsys, "scan", "--since", "HEAD", "--policy", "policy.yaml",
                    "--baseline", ".privaudit-baseline.json", "-q", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["baseline"]["new"][0]["rows"] == [62] and report["changes"]["partial"]
    assert [v["rule"] for v in report["datasets"][0]["violations"]] == ["PA007-free-text-identifier"]


def test_appended_clean_rows_pass(baselined: Path, capsys):
    append(baselined / "data" / "register.csv", [clean_row(s) for s in range(10, 14)])
    git(baselined, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 0, out
    assert "append-only change" in out


def test_new_column_with_forbidden_entity_fails_despite_baseline(baselined: Path, capsys):
    rows = make_rows(60, 1)
    for i, row in enumerate(rows):
        row["银行卡号"] = "6222021234567890128" if i % 2 else "6222600260001072444"
    (baselined / "data" / "register.csv").write_bytes(csv_bytes(rows))
    git(baselined, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 1 and "'银行卡号'" in out and "BANK_CARD" in out, out


def test_undeclared_pii_column_fails_by_schema_drift(baselined: Path, capsys):
    """A new column holding an entity the purpose allows, but that the dataset never had (schema drift)."""
    rows = make_rows(60, 1)
    rng = random.Random(3)
    for row in rows:
        row["备用电话"] = make_phone(rng)
    (baselined / "data" / "register.csv").write_bytes(csv_bytes(rows))
    git(baselined, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 1 and "PA012-undeclared-column" in out and "'备用电话'" in out, out


def test_expired_entries_come_back_and_stale_entries_fail_on_request(baselined: Path, capsys):
    code, out = run(capsys, "baseline", "create", "data", "--policy", "policy.yaml", "-q",
                    "--expires", "2020-01-31", "-o", "expired.json")
    assert code == 0, out
    code, out = run(capsys, "scan", "data", "--policy", "policy.yaml", "--baseline", "expired.json", "-q")
    assert code == 1 and "expired on 2020-01-31" in out and "PA001-purpose-entity" in out
    rows = [{k: v for k, v in r.items() if k != "宗教信仰"} for r in make_rows(60, 1)]
    (baselined / "data" / "register.csv").write_bytes(csv_bytes(rows))
    args = ["scan", "data", "--policy", "policy.yaml", "--baseline", ".privaudit-baseline.json", "-q"]
    code, out = run(capsys, *args)
    assert code == 0 and "stale: data/register.csv '宗教信仰' PA001-purpose-entity RELIGION" in out, out
    code, out = run(capsys, *args, "--fail-on-stale")
    assert code == 1


def test_baseline_needs_the_same_key(baselined: Path, capsys, monkeypatch):
    monkeypatch.setenv("PRIVAUDIT_KEY", OTHER_KEY)
    code, out = run(capsys, "scan", "data", "--policy", "policy.yaml", "--baseline", ".privaudit-baseline.json")
    assert code == 2 and "another key" in out
    monkeypatch.delenv("PRIVAUDIT_KEY")
    code, out = run(capsys, "scan", "data", "--policy", "policy.yaml", "--baseline", ".privaudit-baseline.json")
    assert code == 2 and "PRIVAUDIT_KEY" in out
    doc = json.loads((baselined / ".privaudit-baseline.json").read_text(encoding="utf-8"))
    doc["entries"][0]["column"] = "姓名"  # hand-edited: the keyed id no longer matches
    (baselined / "edited.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PrivauditError, match="does not match"):
        load_baseline(baselined / "edited.json", bytes.fromhex(KEY))


# --- the pre-commit hook, through the real pre-commit ------------------------------------------------


def test_pre_commit_hook_blocks_then_permits(repo: Path):
    pre_commit = Path(sys.executable).with_name("pre-commit")
    if not pre_commit.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[dev]')")
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    local = {k: hook[k] for k in ("id", "name", "entry", "files", "pass_filenames") if k in hook}
    local.update(language="system", args=["--policy", "policy.yaml", "--baseline", ".privaudit-baseline.json", "-q"])
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}), encoding="utf-8"
    )
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
        "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home"),
        "PRIVAUDIT_KEY": KEY,
    }
    subprocess.run([str(pre_commit), "install"], cwd=repo, env=env, check=True, capture_output=True)
    # an empty baseline: nothing accepted yet
    empty = {"format": "privaudit-baseline", "version": 1, "algorithm": "sha256",
             "key_check": ValueHasher(bytes.fromhex(KEY)).key_check(), "entries": []}
    (repo / ".privaudit-baseline.json").write_text(json.dumps(empty), encoding="utf-8")
    git(repo, "add", ".")
    blocked = subprocess.run(["git", "commit", "-qm", "register"], cwd=repo, env=env, capture_output=True, text=True)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "PA007-free-text-identifier" in blocked.stdout + blocked.stderr
    assert git(repo, "log", "--oneline").count("\n") == 1  # the commit did not happen
    proc = subprocess.run(
        [shutil.which("privaudit", path=env["PATH"]) or "privaudit", "baseline", "create", "data",
         "--policy", "policy.yaml", "-q"],
        cwd=repo, env=env, capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    git(repo, "add", ".")
    allowed = subprocess.run(["git", "commit", "-qm", "register"], cwd=repo, env=env, capture_output=True, text=True)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert git(repo, "log", "--oneline").count("\n") == 2


def test_children_and_retention_are_baselined_by_content(repo: Path, capsys):
    """PA005 records the children's IDs, PA006 the dates past retention: new ones fail."""
    (repo / "policy.yaml").write_text(
        POLICY.replace("default_purpose: register", "    retention: {period: 5y, column: 登记日期}\ndefault_purpose: register")
        + "sensitive_categories:\n  minors_under_14:\n    signal: minors_under_14\n    requires: [special_rules]\n",
        encoding="utf-8",
    )
    today = dt.date.today()
    rows = make_rows(30, 11, remarks=False)
    for i, row in enumerate(rows):
        row["宗教信仰"] = ""
        row["登记日期"] = (today - dt.timedelta(days=400 * i)).isoformat()  # rows 5.. are older than 5 years
    rows[3]["身份证号"] = make_id("110105", today.replace(year=today.year - 6), 11)  # a child
    path = repo / "data" / "register.csv"
    path.write_bytes(csv_bytes(rows))
    git(repo, "add", ".")
    code, out = run(capsys, "scan", "--staged", "--policy", "policy.yaml", "-q")
    assert code == 1 and "PA005-minors" in out and "PA006-retention" in out, out
    assert run(capsys, "baseline", "create", "data", "--policy", "policy.yaml", "-q")[0] == 0
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "register")
    assert scan_staged(capsys)[0] == 0
    child = clean_row(40)
    child["身份证号"] = make_id("310104", today.replace(year=today.year - 3), 12)
    child["宗教信仰"], child["登记日期"] = "", today.isoformat()
    append(path, [child])
    git(repo, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 1 and "PA005-minors" in out and "row(s) 30 (e.g. 310104********" in out, out
    git(repo, "commit", "-qm", "child")  # accepted by the team: re-create the baseline below
    assert run(capsys, "baseline", "create", "data", "--policy", "policy.yaml", "-q")[0] == 0
    old = clean_row(41)
    old["宗教信仰"], old["登记日期"] = "", "2001-02-03"
    append(path, [old])
    git(repo, "add", ".")
    code, out = scan_staged(capsys)
    assert code == 1 and "PA006-retention" in out and "1 value(s) not in the baseline" in out, out


def test_since_a_branch_compares_with_the_merge_base(repo: Path):
    """``--since main`` on a branch: what the branch changed, not what main gained meanwhile."""
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "register")
    git(repo, "branch", "-M", "main")
    git(repo, "checkout", "-qb", "feature")
    append(repo / "data" / "register.csv", [clean_row(3)])
    git(repo, "commit", "-qam", "one more resident")
    git(repo, "checkout", "-q", "main")
    (repo / "data" / "other.csv").write_bytes(csv_bytes(make_rows(3, 5)))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "main moves on")
    git(repo, "checkout", "-q", "feature")
    with changed_data(since="main") as changes:
        assert [c.path for c in changes.changes] == ["data/register.csv"]
        assert changes.partial and "merge base" in changes.base
