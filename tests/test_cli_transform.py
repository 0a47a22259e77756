"""``privaudit transform / tiers / decrypt / key generate`` run as real subprocesses."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from privaudit.cli import main
from privaudit.io import read

ROOT = Path(__file__).resolve().parent.parent

POLICY = """\
name: cli-tiers
version: "3"
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, CN_RESIDENT_ID, PHONE_NUMBER, ADDRESS, GENDER, ETHNICITY, RELIGION]
tiers:
  internal:
    entities:
      PERSON: pseudonymise
      CN_RESIDENT_ID: pseudonymise
      PHONE_NUMBER: mask
      ADDRESS: {op: generalise, to: district}
    columns: {宗教信仰: drop}
  authorised:
    entities:
      CN_RESIDENT_ID: encrypt
      PHONE_NUMBER: {op: encrypt, algorithm: sm4}
    default: keep
  strict:
    entities: {PERSON: drop, CN_RESIDENT_ID: drop, PHONE_NUMBER: drop, ADDRESS: drop}
    columns: {备注: drop}
    quasi_identifiers: [GENDER, ETHNICITY, 宗教信仰]
    k: 1000
"""


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def run(*args: str) -> Done:
    """The command in this process (``privaudit.cli.main``), without PRIVAUDIT_KEY."""
    out, err = io.StringIO(), io.StringIO()
    saved = os.environ.pop("PRIVAUDIT_KEY", None)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        if saved is not None:
            os.environ["PRIVAUDIT_KEY"] = saved
    return Done(code, out.getvalue(), err.getvalue())


def run_process(*args: str) -> subprocess.CompletedProcess:
    """The real ``privaudit`` command in a subprocess, without PRIVAUDIT_KEY."""
    env = {k: v for k, v in os.environ.items() if k != "PRIVAUDIT_KEY"}
    return subprocess.run(
        [sys.executable, "-m", "privaudit", *args], capture_output=True, text=True, timeout=300, env=env, cwd=ROOT
    )


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "secret.key"
    proc = run("key", "generate", str(path))
    assert proc.returncode == 0, proc.stderr
    return path


def _raw(register: pd.DataFrame) -> list[str]:
    return [*register["身份证号"], *register["联系电话"], *register["姓名"]]


def test_key_generate_mode_0600_and_never_overwrites(tmp_path, key):
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    text = key.read_text(encoding="ascii").strip()
    assert len(text) == 64 and int(text, 16) >= 0
    proc = run("key", "generate", str(key))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "already exists" in proc.stderr
    assert key.read_text(encoding="ascii").strip() == text


def test_transform_writes_the_view_and_leaves_the_source(tmp_path, register_csv, register, policy, key):
    digest = _sha(register_csv)
    out = tmp_path / "out" / "internal.csv"
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "internal", "-o", str(out),
               "--key-file", str(key), "--manifest", str(tmp_path / "m.json"))
    assert proc.returncode == 0, proc.stderr
    assert _sha(register_csv) == digest
    view, source = read(out)[0].to_frame(), read(register_csv)[0].to_frame()
    assert list(view.index) == list(source.index)
    for column in ("性别", "民族"):
        pd.testing.assert_series_equal(view[column], source[column])
    assert "宗教信仰" not in view.columns and view["身份证号"].str.startswith("PSN_").all()
    everything = out.read_bytes().decode("gb18030") + proc.stderr + (tmp_path / "m.json").read_text(encoding="utf-8")
    for value in _raw(register):
        assert value not in everything
    manifest = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert manifest["outputs"][0]["sha256"] == _sha(out) and manifest["inputs"][0]["sha256"] == digest


def test_missing_key_exit_2_one_line_nothing_written(tmp_path, register_csv, policy):
    out = tmp_path / "v.csv"
    proc = run_process("transform", str(register_csv), "--policy", str(policy), "--tier", "internal", "-o", str(out))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "no key" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "internal", "-o", str(out),
               "--key-file", str(tmp_path / "nope.key"))
    assert proc.returncode == 2 and "not found" in proc.stderr and not out.exists()


def test_risk_failure_exit_1_nothing_written_no_raw_value(tmp_path, register_csv, register, policy):
    out = tmp_path / "v.csv"
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "strict", "-o", str(out))
    assert proc.returncode == 1, proc.stderr
    assert "k >= 1000" in proc.stderr and "smallest groups" in proc.stderr
    assert proc.stderr.count("\n") == 1
    for value in _raw(register):
        assert value not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.yaml", "register.csv"]


def test_refuses_to_write_over_the_source_and_existing_files(tmp_path, register_csv, policy, key):
    digest = _sha(register_csv)
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "internal", "-o", str(register_csv),
               "--key-file", str(key), "--force")
    assert proc.returncode == 2 and "is an input file" in proc.stderr
    assert _sha(register_csv) == digest
    existing = tmp_path / "exists.csv"
    existing.write_text("keep me", encoding="utf-8")
    args = ("transform", str(register_csv), "--policy", str(policy), "--tier", "internal", "-o", str(existing),
            "--key-file", str(key))
    proc = run(*args)
    assert proc.returncode == 2 and "already exists" in proc.stderr
    assert existing.read_text(encoding="utf-8") == "keep me"
    assert run(*args, "--force").returncode == 0 and read(existing)[0].to_frame()["身份证号"].str.startswith("PSN_").all()


def test_tiers_writes_every_view_and_is_deterministic(tmp_path, register_csv, policy, key):
    shipped = tmp_path / "two.yaml"  # the strict tier would fail: keep internal + authorised
    shipped.write_text(POLICY.split("  strict:")[0], encoding="utf-8")
    outs = []
    for run_dir in ("a", "b"):
        out = tmp_path / run_dir
        proc = run("tiers", str(register_csv), "--policy", str(shipped), "-o", str(out), "--key-file", str(key))
        assert proc.returncode == 0, proc.stderr
        outs.append(out)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        assert set(manifest["tiers"]) == {"internal", "authorised"}
        assert (out / "internal" / "register.csv").exists() and (out / "authorised" / "register.csv").exists()
    # pseudonyms are deterministic; encryption uses a fresh nonce per cell
    assert _sha(outs[0] / "internal" / "register.csv") == _sha(outs[1] / "internal" / "register.csv")
    assert _sha(outs[0] / "authorised" / "register.csv") != _sha(outs[1] / "authorised" / "register.csv")
    proc = run("tiers", str(register_csv), "--policy", str(shipped), "-o", str(outs[0]), "--key-file", str(key))
    assert proc.returncode == 2 and "already exists" in proc.stderr


def test_tiers_risk_failure_writes_nothing(tmp_path, register_csv, policy, key):
    out = tmp_path / "views"
    proc = run("tiers", str(register_csv), "--policy", str(policy), "-o", str(out), "--key-file", str(key))
    assert proc.returncode == 1 and not out.exists()


def test_decrypt_round_trip(tmp_path, register_csv, register, policy, key):
    enc = tmp_path / "authorised.csv"
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "authorised", "-o", str(enc),
               "--key-file", str(key))
    assert proc.returncode == 0, proc.stderr
    encrypted = read(enc)[0].to_frame()
    assert encrypted["身份证号"].str.startswith("ENC1:a256gcm:").all()
    assert encrypted["联系电话"].str.startswith("ENC1:sm4gcm:").all()
    plain = tmp_path / "plain.csv"
    proc = run("decrypt", str(enc), "-o", str(plain), "--key-file", str(key))
    assert proc.returncode == 0, proc.stderr
    pd.testing.assert_frame_equal(read(plain)[0].to_frame(), read(register_csv)[0].to_frame())
    # only some columns
    partial = tmp_path / "partial.csv"
    assert run("decrypt", str(enc), "-o", str(partial), "--key-file", str(key), "--columns", "身份证号").returncode == 0
    back = read(partial)[0].to_frame()
    assert back["身份证号"].tolist() == register["身份证号"].tolist()
    assert back["联系电话"].str.startswith("ENC1:").all()
    # the wrong key: exit 2, nothing written, no value
    other = tmp_path / "other.key"
    assert run("key", "generate", str(other)).returncode == 0
    proc = run("decrypt", str(enc), "-o", str(tmp_path / "x.csv"), "--key-file", str(other))
    assert proc.returncode == 2 and "cannot decrypt" in proc.stderr and not (tmp_path / "x.csv").exists()


def test_usage_errors_exit_2(tmp_path, register_csv, policy):
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "nope", "-o", str(tmp_path / "v.csv"))
    assert proc.returncode == 2 and "no tier 'nope'" in proc.stderr
    proc = run("transform", str(tmp_path / "missing.csv"), "--policy", str(policy), "--tier", "internal", "-o", "v.csv")
    assert proc.returncode == 2 and "no such file" in proc.stderr
    proc = run("transform", str(register_csv), "--policy", str(policy), "--tier", "strict", "-o", str(tmp_path / "v.xlsx"))
    assert proc.returncode == 2 and "a csv input is written as csv" in proc.stderr
    proc = run("key")
    assert proc.returncode == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["policy.yaml", "register.csv"]
