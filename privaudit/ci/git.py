"""Only what changed: the data files a commit (or a branch) touches, as tables to scan.

``--since REF``
    files that differ between the merge base of ``REF`` and ``HEAD`` and the working
    tree (``git diff $(git merge-base REF HEAD)``), plus untracked files that are not
    ignored (new files not yet added are changes too).  For a branch or a pull request
    (``--since origin/main``) that is what the branch changed, not what ``main`` gained
    meanwhile; for an ancestor of ``HEAD`` (``--since HEAD~3``) it is ``REF`` itself;
``--staged``
    files whose staged content differs from ``HEAD`` (``git diff --cached``); their
    content is read from the index — what the commit will hold — not from the
    working tree.

Deleted files are ignored.  Only data files are considered (``.csv .tsv .xlsx .xlsm
.json .jsonl .ndjson .parquet .pq``; ``.txt`` is left out, being mostly prose in a
repository, unless the configuration's ``include`` globs select it); a changed
spreadsheet privaudit cannot open (``.xls`` …) or an unreadable file is listed as
not examined, never skipped silently.  A CSV/TSV or JSON Lines file whose old version is a byte prefix of the
new one is scanned from its first added row (:mod:`privaudit.ci.append_only`), with
row numbers as in the whole file; any other change scans the whole file.

On an append-only scan, checks over the whole dataset — counts of children (PA005),
retention (PA006) — see only the added rows, and a baseline cannot tell that an
entry of that file went stale.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from privaudit.ci.append_only import (
    MappedFile,
    NewContent,
    StreamContent,
    csv_tail_table,
    jsonl_tail_table,
)
from privaudit.errors import InputError
from privaudit.io.readers import _ADVICE, DEFAULT_CHUNK_ROWS, SUPPORTED_EXTENSIONS, open_found
from privaudit.io.table import Table

#: Extensions of the files ``--since`` / ``--staged`` consider.
DATA_EXTENSIONS: tuple[str, ...] = tuple(e for e in SUPPORTED_EXTENSIONS if e != ".txt")
#: Spreadsheet formats privaudit cannot open: a changed one is listed as not examined, never skipped.
UNREADABLE_EXTENSIONS: tuple[str, ...] = tuple(_ADVICE)
#: Extensions scanned from the first added row when the change only appends.
APPEND_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}
_REGULAR_MODES = {"100644", "100755"}
_NULL_OID = {"0" * 40, "0" * 64}


def git(args: Sequence[str], cwd: str | None = None, stdin: bytes | None = None) -> bytes:
    """Run git; its stdout, or an :class:`InputError` with git's first error line."""
    try:
        proc = subprocess.run(
            ["git", "-c", "core.quotepath=off", *args], cwd=cwd, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError:
        raise InputError("git is not installed (needed for --since / --staged)") from None
    if proc.returncode != 0:
        lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {args[0]}: {lines[0] if lines else 'failed'}")
    return proc.stdout


def repo_root(start: str | None = None) -> str:
    """The top directory of the git work tree containing ``start`` (default: the current
    directory), or that directory itself outside git."""
    start = os.path.abspath(start or os.getcwd())
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=start, capture_output=True, check=False
        )
    except FileNotFoundError:
        return start
    text = out.stdout.decode("utf-8", "replace").strip()
    return os.path.abspath(text) if out.returncode == 0 and text else start


def repo_path(source: str, root: str) -> str:
    """``source`` (a path as given) relative to ``root``, with ``/`` separators."""
    return os.path.relpath(os.path.abspath(source), root).replace(os.sep, "/")


@dataclass
class Change:
    """One changed file, as git reports it."""

    path: str  # relative to the repository root
    status: str  # A, M, R, C, T (git diff) or ? (untracked)
    old_oid: str | None = None
    old_mode: str | None = None
    new_oid: str | None = None  # the staged blob (--staged)
    new_mode: str | None = None


@dataclass
class ChangedData:
    """The tables to scan for a change set; remove its temporary files with :meth:`close`.

    ``partial`` lists the sources scanned from their first added row only; ``notes``
    says per file what was done (full or append-only scan).
    """

    base: str
    tables: list[Table] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    #: Changed files that could not be examined (unreadable, a format privaudit cannot
    #: open), as ``{"source", "sheet", "column", "kind", "what", "why"}``.
    not_examined: list[dict[str, str | None]] = field(default_factory=list)
    _tmp: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    def close(self) -> None:
        """Delete the temporary copies of staged content."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ChangedData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _parse_raw(out: bytes) -> list[Change]:
    """``git diff --raw -z`` records."""
    fields = out.split(b"\0")
    changes: list[Change] = []
    i = 0
    while i < len(fields) and fields[i]:
        meta = fields[i].decode("ascii").lstrip(":").split()
        old_mode, new_mode, old_oid, new_oid, status = meta[:5]
        status = status[0]
        if status in "RC":
            path = fields[i + 2].decode("utf-8", "surrogateescape")
            i += 3
        else:
            path = fields[i + 1].decode("utf-8", "surrogateescape")
            i += 2
        changes.append(
            Change(
                path=path,
                status=status,
                old_oid=None if old_oid in _NULL_OID else old_oid,
                old_mode=old_mode,
                new_oid=None if new_oid in _NULL_OID else new_oid,
                new_mode=new_mode,
            )
        )
    return changes


def _sizes(oids: list[str], cwd: str) -> dict[str, int]:
    if not oids:
        return {}
    out = git(["cat-file", "--batch-check=%(objectname) %(objectsize)"], cwd, ("\n".join(oids) + "\n").encode())
    sizes = {}
    for line in out.decode("ascii").splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            sizes[parts[0]] = int(parts[1])
    return sizes


def list_changes(
    *, since: str | None = None, staged: bool = False, paths: Sequence[str] = (), cwd: str | None = None
) -> tuple[str, list[Change]]:
    """The changed files (deleted ones left out) and the base they are compared with."""
    cwd = os.path.abspath(cwd or os.getcwd())
    spec = ["--", *paths] if paths else []
    diff = ["diff", "--raw", "-z", "--no-abbrev", "-M", "--no-relative", "--diff-filter=d", "--no-ext-diff"]
    if staged == (since is not None):
        raise ValueError("give exactly one of since= and staged=True")
    if staged:
        return "the last commit", _parse_raw(git([*diff, "--cached", *spec], cwd))
    changes = _parse_raw(git([*diff, str(since), *spec], cwd))
    untracked = git(["ls-files", "-z", "--others", "--exclude-standard", "--full-name", *spec], cwd)
    changes.extend(Change(path=p.decode("utf-8", "surrogateescape"), status="?") for p in untracked.split(b"\0") if p)
    return str(since), changes


def changed_data(
    *,
    since: str | None = None,
    staged: bool = False,
    paths: Sequence[str] = (),
    cwd: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    keep: Callable[[str], bool] | None = None,
    incremental: bool = True,
) -> ChangedData:
    """The tables to scan for the data files changed ``since`` a ref, or ``staged`` for commit.

    ``paths`` restrict the search (git pathspecs, relative to ``cwd``); ``keep`` filters
    repository-relative paths further (e.g. the configuration's include/exclude globs).
    Table sources are paths relative to ``cwd``.  With ``incremental=False`` append-only
    files are scanned whole too.  Raises :class:`InputError` outside a git work tree or
    for an unknown ref.
    """
    cwd = os.path.abspath(cwd or os.getcwd())
    try:
        git(["rev-parse", "--is-inside-work-tree"], cwd)
    except InputError:
        raise InputError(f"{'--staged' if staged else '--since'}: not inside a git work tree") from None
    label = "the last commit"
    if since is not None:
        try:
            commit = git(["rev-parse", "--verify", "-q", f"{since}^{{commit}}"], cwd).decode().strip()
        except InputError:
            raise InputError(f"--since: unknown git revision {since!r}") from None
        label = since
        try:
            merge_base = git(["merge-base", commit, "HEAD"], cwd).decode().strip()
        except InputError:
            merge_base = commit  # no common history (or no HEAD): compare with REF itself
        if merge_base != commit:
            label = f"{since} (merge base {merge_base[:12]})"
        since = merge_base
    root = repo_root(cwd)
    hash_name = git(["rev-parse", "--show-object-format"], cwd).decode().strip() or "sha1"
    _, changes = list_changes(since=since, staged=staged, paths=paths, cwd=cwd)
    result = ChangedData(base=label)
    wanted = []
    for ch in changes:
        ext = os.path.splitext(ch.path)[1].lower()
        data = ext in DATA_EXTENSIONS or ext in UNREADABLE_EXTENSIONS
        if keep is not None:  # the configuration's include / exclude globs decide (.txt too)
            data = (ext in SUPPORTED_EXTENSIONS or ext in UNREADABLE_EXTENSIONS) and keep(ch.path)
        if not data:
            continue
        if any(part.startswith((".", "~$")) for part in ch.path.split("/")):
            continue  # hidden files (the baseline itself, tool folders) and Office lock files, as in directory scans
        if ch.status != "?" and ch.new_mode not in _REGULAR_MODES:
            continue  # symlinks, submodules
        wanted.append(ch)
    result.changes = wanted
    if not wanted:
        return result
    result._tmp = tempfile.TemporaryDirectory(prefix="privaudit-git-")
    sizes = _sizes(sorted({c.old_oid for c in wanted if c.old_oid} | {c.new_oid for c in wanted if c.new_oid}), cwd)
    for n, ch in enumerate(wanted):
        workdir = os.path.join(result._tmp.name, str(n))
        os.mkdir(workdir)
        source = os.path.relpath(os.path.join(root, ch.path), cwd)
        table = None
        if incremental and ch.old_oid and ch.old_mode in _REGULAR_MODES and ch.status in "MR":
            ext = os.path.splitext(ch.path)[1].lower()
            if ext in APPEND_EXTENSIONS:
                table = _append_table(ch, root, cwd, source, workdir, sizes, hash_name, label, chunk_rows, staged)
        if table is not None:
            result.tables.append(table)
            result.partial.append(source)
            result.notes.append(f"{source}: append-only change, added rows scanned")
            continue
        tables = _whole_tables(ch, root, cwd, source, workdir, staged, chunk_rows, result.not_examined)
        result.tables.extend(tables)
        result.notes.append(f"{source}: scanned whole" if tables else f"{source}: not examined")
    return result


def _worktree_matches(ch: Change, root: str, sizes: dict[str, int]) -> bool:
    path = os.path.join(root, ch.path)
    return ch.new_oid in sizes and os.path.isfile(path) and os.path.getsize(path) == sizes[ch.new_oid]


@contextlib.contextmanager
def _new_content(
    ch: Change, root: str, cwd: str, staged: bool, hash_name: str, use_worktree: bool
) -> Iterator[NewContent]:
    """The new content: the working-tree file (for ``--staged``, proven equal to the staged
    blob by its hash), or the staged blob streamed from git."""
    if not staged or use_worktree:
        content = MappedFile(os.path.join(root, ch.path), hash_name, expect_oid=ch.new_oid if staged else None)
        try:
            yield content
        finally:
            content.close()
        return
    proc = subprocess.Popen(["git", "cat-file", "blob", str(ch.new_oid)], cwd=cwd, stdout=subprocess.PIPE)
    try:
        assert proc.stdout is not None
        yield StreamContent(proc.stdout)
    finally:
        if proc.stdout is not None:
            proc.stdout.close()
        proc.wait()


def _append_table(
    ch: Change, root: str, cwd: str, source: str, workdir: str, sizes: dict[str, int], hash_name: str,
    base: str, chunk_rows: int, staged: bool,
) -> Table | None:
    old_size = sizes.get(str(ch.old_oid))
    if old_size is None or (staged and ch.new_oid not in sizes):
        return None
    if staged and sizes[ch.new_oid] <= old_size:
        return None
    kind = APPEND_EXTENSIONS[os.path.splitext(ch.path)[1].lower()]
    note = (
        f"incremental scan: only the rows appended since {base} were scanned (from row {{row}}); "
        "whole-dataset checks (children, retention) cover those rows only"
    )
    # --staged: the working-tree file is read when it has the staged size (and proven equal by
    # its hash); otherwise, or if it differs, the staged blob is streamed from git.
    attempts = [True, False] if staged and _worktree_matches(ch, root, sizes) else [False]
    for use_worktree in attempts:
        with _new_content(ch, root, cwd, staged, hash_name, use_worktree) as content:
            prefix = content.prefix(old_size, str(ch.old_oid), hash_name, quote_aware=kind == "csv")
            build = csv_tail_table if kind == "csv" else jsonl_tail_table
            table = build(prefix, content, source, workdir, chunk_rows, note) if prefix is not None else None
            if not content.verified():
                continue  # the working tree is not what is staged: ask git
            return table
    return None


def _whole_tables(
    ch: Change, root: str, cwd: str, source: str, workdir: str, staged: bool, chunk_rows: int,
    not_examined: list[dict[str, str | None]],
) -> list[Table]:
    """The file's tables, opened leniently: an unreadable file is listed in ``not_examined``."""
    if not staged:
        return open_found(os.path.join(root, ch.path), chunk_rows, not_examined, source=source)
    path = os.path.join(workdir, "staged" + os.path.splitext(ch.path)[1].lower())
    with open(path, "wb") as out:
        proc = subprocess.run(["git", "cat-file", "blob", str(ch.new_oid)], cwd=cwd, stdout=out, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise InputError(f"{source}: cannot read the staged content from git")
    return open_found(path, chunk_rows, not_examined, source=source)
