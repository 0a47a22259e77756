"""Repository configuration: discovery, validation, globs, and flags over configuration."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import pytest

from privaudit.ci.run import ScanSettings
from privaudit.cli import build_parser
from privaudit.config import (
    DEFAULT_INCLUDE,
    Config,
    discover_config,
    find_config,
    glob_matches,
    is_excluded,
    load_config,
    select_files,
)
from privaudit.errors import PrivauditError


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)  # discovery only looks for the .git entry
    return root


# --- discovery -----------------------------------------------------------------------


def test_privaudit_toml_found_from_a_subdirectory(repo):
    cfg = write(repo / "privaudit.toml", 'policy = "policies/p.yaml"\n')
    sub = repo / "data" / "2025"
    sub.mkdir(parents=True)
    assert find_config(sub) == cfg.resolve()
    config = discover_config(sub)
    assert config is not None and config.root == repo.resolve()
    assert config.policy == str((repo / "policies" / "p.yaml").resolve())


def test_pyproject_tool_table_and_precedence(repo):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.privaudit]\nfail_on = "warning"\n')
    sub = repo / "pkg"
    write(sub / "pyproject.toml", '[project]\nname = "inner"\n')  # no [tool.privaudit]: passed over
    config = discover_config(sub)
    assert config is not None and config.path == (repo / "pyproject.toml").resolve()
    assert config.fail_on == "warning" and config.label == "pyproject.toml [tool.privaudit]"
    write(repo / "privaudit.toml", 'fail_on = "info"\n')  # privaudit.toml wins in the same directory
    assert discover_config(sub).fail_on == "info"


def test_discovery_stops_at_the_git_root(tmp_path):
    write(tmp_path / "privaudit.toml", 'fail_on = "info"\n')  # above the repository: not ours
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert find_config(repo) is None
    assert discover_config(repo) is None


def test_paths_are_relative_to_the_config_file(repo):
    cfg = write(
        repo / "conf" / "privaudit.toml",
        'policy = "../policies/p.yaml"\nbaseline = ".privaudit-baseline.json"\nkey_file = "/etc/privaudit.key"\n'
        'include = ["./data/**/*.csv", "extra/"]\nexclude = "scratch"\n',
    )
    config = load_config(cfg)
    assert config.policy == str((repo / "policies" / "p.yaml").resolve())
    assert config.baseline == str((repo / "conf" / ".privaudit-baseline.json").resolve())
    assert config.key_file == "/etc/privaudit.key"
    assert config.include == ("data/**/*.csv", "extra") and config.exclude == ("scratch",)
    assert config.keys == {"policy", "baseline", "key_file", "include", "exclude"}


def test_defaults_when_keys_are_absent(repo):
    config = load_config(write(repo / "privaudit.toml", ""))
    assert config.include == DEFAULT_INCLUDE and config.exclude == ()
    assert config.policy is None and config.fail_on is None and config.fail_on_incomplete is None


# --- malformed files: one line naming file, line and key -------------------------------------


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ('policy = "p.yaml"\nfail_onn = "error"\n', ("privaudit.toml:2", "unknown key 'fail_onn'", "known keys")),
        ('fail_on = "fatal"\n', ("privaudit.toml:1", "fail_on must be one of info, warning, error", "'fatal'")),
        ("fail_on_incomplete = 1\n", ("fail_on_incomplete must be true or false", "int")),
        ("include = [1, 2]\n", ("include must be a list of globs", "non-text")),
        ("include = []\n", ("include must be a list of globs", "empty list")),
        ('format = "xml"\n', ("format must be one of text, json, sarif, github",)),
        ('key = "0123456789abcdef"\n', ("unknown key 'key'", "never put a key in the configuration", "key_file")),
        ("policy = \n", ("privaudit.toml: invalid TOML",)),
        ("[nested]\nx = 1\n", ("unknown key 'nested'",)),
    ],
)
def test_malformed_config_is_one_readable_line(repo, text, fragments):
    cfg = write(repo / "privaudit.toml", text)
    with pytest.raises(PrivauditError) as info:
        load_config(cfg)
    message = str(info.value)
    assert "\n" not in message
    for fragment in fragments:
        assert fragment in message
    assert "0123456789abcdef" not in message  # a key put in the file is never echoed


def test_malformed_pyproject_table(repo):
    cfg = write(repo / "pyproject.toml", '[tool.privaudit]\npolicy = 3\n')
    with pytest.raises(PrivauditError, match=r"pyproject.toml:2: policy must be a path to a policy file"):
        load_config(cfg)
    write(repo / "pyproject.toml", '[tool]\nprivaudit = "x"\n')
    with pytest.raises(PrivauditError, match="tool.privaudit must be a table"):
        load_config(repo / "pyproject.toml")


# --- globs and file selection ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("glob", "path", "expected"),
    [
        ("*.csv", "a.csv", True),
        ("*.csv", "data/2025/a.csv", True),  # no slash: any depth
        ("data/*.csv", "data/a.csv", True),
        ("data/*.csv", "data/2025/a.csv", False),  # * stays within a folder
        ("data/**/*.csv", "data/2025/q1/a.csv", True),
        ("data/**/*.csv", "other/data/a.csv", False),  # a slash anchors at the root
        ("scratch", "data/scratch/a.csv", True),  # a folder name excludes what is below
        ("data/raw", "data/raw/x/a.csv", True),
        ("*.CSV", "a.csv", False),  # case-sensitive
    ],
)
def test_glob_matches(glob, path, expected):
    assert glob_matches(glob, path) is expected


def test_select_files_include_exclude_hidden_and_skip(repo):
    for rel in [
        "data/a.csv", "data/b.xlsx", "data/old.xls", "data/scratch/c.csv", "data/.hidden/d.csv",
        "data/~$lock.xlsx", "node_modules/pkg/e.csv", "package.json", "notes.md", "baseline.json",
    ]:
        write(repo / rel, "x")
    sel = select_files(repo, DEFAULT_INCLUDE, ("scratch",), root=repo, skip=(str(repo / "baseline.json"),))
    rel = sorted(os.path.relpath(f, repo) for f in sel.files)
    assert rel == ["data/a.csv", "data/b.xlsx", "data/old.xls"]  # .xls kept: reported as not examined
    assert sel.excluded == []  # excluded folders are not walked into
    sel = select_files(repo, ("data/*.csv",), ("a.csv",), root=repo)
    assert sel.files == [] and [os.path.relpath(f, repo) for f in sel.excluded] == ["data/a.csv"]


def test_explicit_files_obey_only_the_configured_exclude(repo):
    config = Config(path=repo / "privaudit.toml", root=repo.resolve(), exclude=("fixtures",))
    assert is_excluded(repo / "tests" / "fixtures" / "a.csv", config)
    assert not is_excluded(repo / "node_modules" / "a.csv", config)  # defaults never beat an explicit name
    assert not is_excluded(repo / "a.csv", None)


# --- flags over configuration ---------------------------------------------------------------


def settings_for(argv: list[str], cwd: Path, monkeypatch) -> ScanSettings:
    monkeypatch.chdir(cwd)
    args: argparse.Namespace = build_parser().parse_args(["scan", *argv])
    return ScanSettings.from_args(args)


def test_flags_override_configuration(repo, monkeypatch):
    write(
        repo / "privaudit.toml",
        'policy = "p.yaml"\npurpose = "a"\nfail_on = "warning"\nfail_on_incomplete = true\nformat = "json"\n'
        'baseline = "b.json"\nkey_file = "k.key"\nfail_on_stale = true\n',
    )
    sub = repo / "sub"
    sub.mkdir()
    s = settings_for([], sub, monkeypatch)
    assert (s.policy, s.purpose, s.fail_on, s.fail_on_incomplete, s.format) == (
        str(repo.resolve() / "p.yaml"), "a", "warning", True, "json",
    )
    assert s.baseline == str(repo.resolve() / "b.json") and s.key_file == str(repo.resolve() / "k.key")
    assert s.fail_on_stale and s.root == repo.resolve()
    s = settings_for(
        ["--policy", "q.yaml", "--purpose", "b", "--fail-on", "error", "--no-fail-on-incomplete",
         "--format", "sarif", "--baseline", "c.json", "--key-file", "other.key"],
        sub, monkeypatch,
    )
    assert (s.policy, s.purpose, s.fail_on, s.fail_on_incomplete, s.format) == ("q.yaml", "b", "error", False, "sarif")
    assert (s.baseline, s.key_file) == ("c.json", "other.key")
    s = settings_for(["--no-config"], sub, monkeypatch)
    assert s.config is None and s.policy is None and s.fail_on == "error" and s.format == "text"
    assert s.root == repo.resolve()  # the git root


def test_explicit_config_file(repo, monkeypatch, tmp_path):
    other = write(tmp_path / "elsewhere" / "ci.toml", 'fail_on = "info"\n')
    s = settings_for(["--config", str(other)], repo, monkeypatch)
    assert s.fail_on == "info" and s.config.root == other.parent.resolve()
