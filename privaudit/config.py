"""Repository configuration: ``[tool.privaudit]`` in ``pyproject.toml`` or a ``privaudit.toml``.

Configure once, then plain ``privaudit scan`` (no PATH, no flags) checks the
repository in CI and in pre-commit::

    # privaudit.toml (top-level keys)      # or pyproject.toml, under [tool.privaudit]
    policy = "policies/community-register.yaml"
    include = ["data/**/*.csv", "data/**/*.xlsx"]
    exclude = ["data/scratch/**"]
    fail_on = "warning"
    fail_on_incomplete = true
    baseline = ".privaudit-baseline.json"

Discovery: from the current directory upwards, stopping at the git root (the first
directory holding ``.git``) or the filesystem root; in each directory a
``privaudit.toml`` wins over a ``pyproject.toml``, and a ``pyproject.toml`` without a
``[tool.privaudit]`` table is passed over.  Paths in the file (``policy``,
``baseline``, ``key_file``, ``include`` / ``exclude`` globs) are relative to the
directory of the file that holds them.  Command-line flags override the file.

Globs: ``*`` and ``?`` stay within one path component, ``**`` crosses components; a
glob without ``/`` matches a name at any depth (``*.csv``, ``node_modules``); a glob
with ``/`` is anchored at the configuration's directory (``data/**/*.csv``).  An
``exclude`` glob that matches a directory excludes everything below it.

A malformed file is a :class:`~privaudit.errors.PrivauditError`: one line naming the
file, the key and the problem (exit code 2 from the command line).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privaudit.errors import PrivauditError

CONFIG_FILE = "privaudit.toml"
PYPROJECT = "pyproject.toml"
SEVERITIES = ("info", "warning", "error")
FORMATS = ("text", "json", "sarif", "github")

#: Data files privaudit reads.
READABLE: tuple[str, ...] = (
    "*.csv", "*.tsv", "*.txt", "*.json", "*.jsonl", "*.ndjson", "*.parquet", "*.pq", "*.xlsx", "*.xlsm",
)
#: Data formats privaudit cannot read (yet): selected anyway so that they are listed as
#: not examined instead of being skipped silently — old and other spreadsheets,
#: statistics packages, databases, columnar files, compressed files and archives.
UNREADABLE_DATA: tuple[str, ...] = (
    "*.xls", "*.xlsb", "*.et", "*.ods", "*.numbers",
    "*.sav", "*.dta", "*.sas7bdat", "*.rds", "*.feather", "*.orc", "*.avro",
    "*.db", "*.sqlite", "*.sqlite3", "*.mdb", "*.accdb", "*.dbf",
    "*.gz", "*.bz2", "*.xz", "*.zst", "*.zip", "*.7z", "*.rar",
)
#: Files selected when ``include`` is not set.  In a code repository set ``include``
#: to the data folders.
DEFAULT_INCLUDE: tuple[str, ...] = READABLE + UNREADABLE_DATA
#: Never scanned unless named on the command line: tool and dependency folders, and
#: JSON files that are configuration, not data.  Hidden files and folders (``.git``,
#: ``.venv`` …) and Office lock files (``~$…``) are always skipped in directory walks.
DEFAULT_EXCLUDE: tuple[str, ...] = (
    "node_modules", "venv", "__pycache__", "site-packages", "*.egg-info",
    "package.json", "package-lock.json", "tsconfig*.json", "composer.json", "composer.lock",
)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, str) and value.strip():
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value):
        return list(value)
    return None


#: Known keys: (checker returning the value or None when malformed, what is expected).
KEYS: dict[str, tuple[Any, str]] = {
    "policy": (_str, "a path to a policy file (text)"),
    "purpose": (_str, "a purpose name (text)"),
    "include": (_str_list, "a list of globs"),
    "exclude": (_str_list, "a list of globs"),
    "fail_on": (lambda v: v if v in SEVERITIES else None, f"one of {', '.join(SEVERITIES)}"),
    "fail_on_incomplete": (lambda v: v if isinstance(v, bool) else None, "true or false"),
    "fail_on_stale": (lambda v: v if isinstance(v, bool) else None, "true or false"),
    "baseline": (_str, "a path to a baseline file (text)"),
    "format": (lambda v: v if v in FORMATS else None, f"one of {', '.join(FORMATS)}"),
    "key_file": (_str, "a path to a file holding the key (text)"),
}
_SECRET_HINT = re.compile(r"(^|_)(key|secret|password|token)$")


@dataclass
class Config:
    """A validated configuration; paths are absolute (resolved against :attr:`root`)."""

    path: Path  # the file it was read from
    root: Path  # the directory relative paths and globs are resolved against
    policy: str | None = None
    purpose: str | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()  # the file's own; DEFAULT_EXCLUDE always applies too
    fail_on: str | None = None
    fail_on_incomplete: bool | None = None
    fail_on_stale: bool | None = None
    baseline: str | None = None
    format: str | None = None
    key_file: str | None = None
    #: Keys present in the file (so flags can tell "set to the default" from "absent").
    keys: frozenset[str] = field(default_factory=frozenset)

    @property
    def label(self) -> str:
        """Where the settings come from, for messages: ``privaudit.toml`` or ``pyproject.toml [tool.privaudit]``."""
        return self.path.name + (" [tool.privaudit]" if self.path.name == PYPROJECT else "")


def _git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the current directory), or None."""
    here = Path(start or os.getcwd()).resolve()
    stop = _git_root(here)
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_FILE
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
        if directory == stop:
            break
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        # A pyproject.toml that cannot be parsed: only an error if it is meant for us.
        try:
            return "[tool.privaudit]" in pyproject.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return False
    return isinstance(data.get("tool"), dict) and "privaudit" in data["tool"]


def _line_of(text: str, key: str) -> int | None:
    match = re.search(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", text, flags=re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else None


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a ``privaudit.toml`` or the ``[tool.privaudit]`` table of a ``pyproject.toml``.

    Raises :class:`~privaudit.errors.PrivauditError` with one line (file, line where
    known, key, problem) for a file that cannot be read or parsed, an unknown key or a
    value of the wrong type.
    """
    path = Path(path).resolve()
    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PrivauditError(f"{shown}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PrivauditError(f"{shown}: cannot read configuration ({type(exc).__name__})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PrivauditError(f"{shown}: invalid TOML: {exc}") from None
    table_name = "[tool.privaudit]" if path.name == PYPROJECT else None
    if table_name:
        tool = data.get("tool")
        data = tool.get("privaudit") if isinstance(tool, dict) else None
        if data is None:
            raise PrivauditError(f"{shown}: no [tool.privaudit] table")
        if not isinstance(data, dict):
            raise PrivauditError(f"{shown}: tool.privaudit must be a table")
    where = f" in {table_name}" if table_name else ""

    def fail(key: str, message: str) -> PrivauditError:
        line = _line_of(text, key)
        return PrivauditError(f"{shown}{f':{line}' if line else ''}: {message}")

    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in KEYS:
            if _SECRET_HINT.search(key):
                raise fail(key, f"unknown key {key!r}{where}: never put a key in the configuration; "
                                "name the file that holds it with key_file")
            known = ", ".join(sorted(KEYS))
            raise fail(key, f"unknown key {key!r}{where} (known keys: {known})")
        check, expected = KEYS[key]
        checked = check(value)
        if checked is None:
            raise fail(key, f"{key} must be {expected}, got {_shown_value(value)}")
        values[key] = checked
    root = path.parent
    for key in ("policy", "baseline", "key_file"):
        if key in values:
            values[key] = str((root / values[key]).resolve()) if not os.path.isabs(values[key]) else values[key]
    for key in ("include", "exclude"):
        if key in values:
            values[key] = tuple(_normalise_glob(g) for g in values[key])
    return Config(path=path, root=root, keys=frozenset(values), **values)


def _shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value) if len(value) <= 40 else "a long text"
    if isinstance(value, list):
        return "an empty list" if not value else "a list with a non-text item"
    return type(value).__name__


def _normalise_glob(glob: str) -> str:
    glob = glob.strip().replace("\\", "/")
    while glob.startswith("./"):
        glob = glob[2:]
    return glob.rstrip("/") or "."


def discover_config(start: str | os.PathLike[str] | None = None) -> Config | None:
    """:func:`load_config` of :func:`find_config`, or None when no configuration applies."""
    path = find_config(start)
    return load_config(path) if path is not None else None


# --- selecting files ------------------------------------------------------------------


def _glob_regex(glob: str) -> re.Pattern[str]:
    from privaudit.policy.audit import _glob_regex as policy_glob  # one glob dialect for policies and config

    return policy_glob(glob)


def glob_matches(glob: str, relpath: str) -> bool:
    """Does ``relpath`` (``/``-separated, relative to the configuration root) match ``glob``?

    A glob without ``/`` matches any single component (a file or folder name at any
    depth); a glob with ``/`` matches the path from the root, or a folder above it.
    """
    rx = _glob_regex(glob)
    parts = relpath.split("/")
    if "/" not in glob:
        return any(rx.fullmatch(part) for part in parts)
    return any(rx.fullmatch("/".join(parts[:i])) for i in range(1, len(parts) + 1))


def _hidden(name: str) -> bool:
    return name.startswith((".", "~$"))


@dataclass
class FileSelection:
    """Files chosen by include / exclude globs: those to scan, and those excluded."""

    files: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


def select_files(
    directory: str | os.PathLike[str],
    include: tuple[str, ...] = DEFAULT_INCLUDE,
    exclude: tuple[str, ...] = (),
    root: str | os.PathLike[str] | None = None,
    skip: tuple[str, ...] = (),
) -> FileSelection:
    """Files under ``directory`` matching ``include`` and not ``exclude`` (+ the defaults), sorted.

    Globs are matched against paths relative to ``root`` (default: ``directory``).
    Hidden entries and Office lock files are never walked into; ``skip`` names
    absolute paths to leave out silently (the baseline file, the report being written).
    Paths are returned as ``os.path.join(directory, relative)`` like
    :func:`privaudit.io.read` gives them; ``excluded`` lists files that matched an
    ``include`` glob but also one of the given ``exclude`` globs (not the defaults, and
    not files inside excluded folders, which are not walked into).
    """
    directory = os.fspath(directory)
    base = Path(root if root is not None else directory).resolve()
    skip_set = {os.path.abspath(p) for p in skip}
    excludes = (*DEFAULT_EXCLUDE, *exclude)
    out = FileSelection()
    for current, dirs, names in os.walk(directory):
        rel_dir = _relative(Path(current).resolve(), base)
        kept_dirs = []
        for d in sorted(dirs):
            if _hidden(d):
                continue
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if any(glob_matches(g, rel) for g in excludes):
                continue
            kept_dirs.append(d)
        dirs[:] = kept_dirs
        for name in sorted(names):
            if _hidden(name):
                continue
            full = os.path.join(current, name)
            if os.path.abspath(full) in skip_set:
                continue
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not any(glob_matches(g, rel) for g in include) or any(glob_matches(g, rel) for g in DEFAULT_EXCLUDE):
                continue
            (out.excluded if any(glob_matches(g, rel) for g in exclude) else out.files).append(full)
    out.files.sort()
    out.excluded.sort()
    return out


def _relative(path: Path, base: Path) -> str:
    try:
        rel = path.relative_to(base).as_posix()
    except ValueError:  # outside the configuration root: match globs against the path's end
        rel = path.as_posix().lstrip("/")
    return "" if rel == "." else rel


def is_excluded(path: str | os.PathLike[str], config: Config | None) -> bool:
    """True if ``path`` (a file named explicitly, e.g. by pre-commit) matches an ``exclude`` glob of ``config``.

    Only the configuration's own globs count here: the built-in defaults never
    override a file named on the command line.
    """
    if config is None:
        return False
    rel = _relative(Path(path).resolve(), config.root)
    return any(glob_matches(g, rel) for g in config.exclude)
