"""What ``--since`` / ``--staged`` and ``--baseline`` add to one scan run.

The scan command (wherever its orchestration lives) makes one :class:`CiScan` and
calls it at three points::

    with CiScan.open(paths, since=..., staged=..., baseline=..., key_file=...) as ci:
        result = privaudit.scan(ci.inputs(), **ci.scan_kwargs(findings_sink), ...)
        violations = privaudit.audit(result, policy)
        outcome = ci.after_audit(result, policy)     # rewrites ds.violations, may be None
        ... report; exit 1 if ci.failed(violations_at_threshold, fail_on_stale) ...

:func:`create_baseline_file` is ``privaudit baseline create``.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from privaudit.ci.baseline import (
    DEFAULT_FILE,
    Baseline,
    BaselineOutcome,
    BaselineScan,
    apply_baseline,
    create_baseline,
    load_baseline,
    scan_hooks,
)
from privaudit.ci.git import ChangedData, changed_data, repo_root
from privaudit.ci.values import ValueHasher
from privaudit.errors import PrivauditError
from privaudit.keys import load_key

FindingsSink = Callable[[pd.DataFrame], None]


@dataclass
class CiScan:
    """The incremental and baseline parts of one scan run (see the module doc)."""

    paths: list[str]
    changes: ChangedData | None = None
    baseline: Baseline | None = None
    hooks: BaselineScan | None = None
    outcome: BaselineOutcome | None = None
    notes: list[str] = field(default_factory=list)

    @classmethod
    def open(
        cls,
        paths: Sequence[str] = (),
        *,
        since: str | None = None,
        staged: bool = False,
        baseline: str | os.PathLike[str] | None = None,
        key_file: str | os.PathLike[str] | None = None,
        chunk_rows: int | None = None,
        keep: Callable[[str], bool] | None = None,
        today: _dt.date | None = None,
    ) -> CiScan:
        """Prepare a run: list the git changes (``since`` / ``staged``) and load the baseline."""
        if since is not None and staged:
            raise PrivauditError("--since and --staged cannot be combined")
        ci = cls(paths=list(paths))
        if baseline is not None:
            ci.baseline = load_baseline(baseline, load_key(key_file))
            assert ci.baseline.hasher is not None
            ci.hooks = BaselineScan(ci.baseline.hasher, baseline=ci.baseline, today=today)
        if since is not None or staged:
            kwargs: dict[str, Any] = {"chunk_rows": chunk_rows} if chunk_rows else {}
            ci.changes = changed_data(since=since, staged=staged, paths=ci.paths, keep=keep, **kwargs)
            what = "staged for commit" if staged else f"changed since {since}"
            ci.notes.append(f"{len(ci.changes.changes)} data file(s) {what}")
            ci.notes.extend(ci.changes.notes)
        return ci

    def __enter__(self) -> CiScan:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Remove temporary files (copies of staged content)."""
        if self.changes is not None:
            self.changes.close()

    def inputs(self) -> Any:
        """What to hand to :func:`privaudit.scan`: the changed tables, or the paths."""
        if self.changes is not None:
            return list(self.changes.tables)
        return self.paths if len(self.paths) != 1 else self.paths[0]

    @property
    def not_examined(self) -> list[dict[str, str | None]]:
        """Changed files that could not be examined (merge into ``ScanResult.not_examined``)."""
        return list(self.changes.not_examined) if self.changes is not None else []

    @property
    def partial_sources(self) -> list[str]:
        """Sources scanned from their first added row only."""
        return list(self.changes.partial) if self.changes is not None else []

    def scan_kwargs(self, on_findings: FindingsSink | None = None) -> dict[str, Any]:
        """Keyword arguments for :func:`privaudit.scan` (hooks chained with ``on_findings``)."""
        if self.hooks is None:
            return {"on_findings": on_findings} if on_findings is not None else {}
        return scan_hooks(self.hooks, then=on_findings)

    def after_audit(self, result: Any, policy: Any = None) -> BaselineOutcome | None:
        """Sort the audited violations against the baseline (rewrites each ``ds.violations``)."""
        if self.baseline is None or self.hooks is None:
            return None
        self.outcome = apply_baseline(
            self.baseline, self.hooks, result, policy=policy, partial_sources=self.partial_sources
        )
        return self.outcome

    def failed(self, fail_on_stale: bool = False) -> bool:
        """True when ``--fail-on-stale`` is set and entries are stale or expired."""
        return bool(fail_on_stale and self.outcome is not None and self.outcome.stale_or_expired)

    def report_dict(self) -> dict[str, Any]:
        """Extra top-level fields of the JSON report: ``baseline`` and ``changes``."""
        out: dict[str, Any] = {}
        if self.outcome is not None:
            out["baseline"] = self.outcome.to_dict()
        if self.changes is not None:
            out["changes"] = {
                "base": self.changes.base,
                "files": [c.path for c in self.changes.changes],
                "partial": self.partial_sources,
            }
        return out

    def text_lines(self) -> list[str]:
        """Extra lines for the terminal report."""
        lines = list(self.notes)
        if self.outcome is not None:
            lines.extend(self.outcome.text_lines())
        return lines


def default_baseline_path() -> str:
    """``.privaudit-baseline.json`` at the top of the repository (or the current directory)."""
    return os.path.join(repo_root(), DEFAULT_FILE)


def create_baseline_file(
    paths: Sequence[str],
    *,
    policy: Any,
    output: str | os.PathLike[str],
    purpose: str | None = None,
    reason: str | None = None,
    expires: _dt.date | None = None,
    key_file: str | os.PathLike[str] | None = None,
    algorithm: str = "sha256",
    progress: bool = False,
    chunk_rows: int | None = None,
    today: _dt.date | None = None,
) -> Baseline:
    """Scan and audit ``paths`` against ``policy`` and write a baseline of every violation to ``output``.

    Reasons and expiry dates of an existing baseline at ``output`` carry over to the
    entries of the same groups (when it was made with the same key).
    """
    from privaudit.api import scan
    from privaudit.policy import audit

    if not paths:
        raise PrivauditError("baseline create: give the PATH(s) to scan")
    hasher = ValueHasher(load_key(key_file), algorithm)
    previous = None
    if os.path.exists(output):
        try:
            previous = load_baseline(output, hasher)
        except PrivauditError:
            previous = None  # made with another key or damaged: start afresh
    hooks = BaselineScan(hasher, today=today)
    kwargs: dict[str, Any] = {"chunk_rows": chunk_rows} if chunk_rows else {}
    result = scan(
        list(paths) if len(paths) != 1 else paths[0],
        progress=progress,
        keep_findings=False,
        today=today,
        **scan_hooks(hooks),
        **kwargs,
    )
    audit(result, policy, purpose=purpose, today=today)
    baseline = create_baseline(
        result, hooks, policy=policy, reason=reason, expires=expires, previous=previous, today=today
    )
    baseline.path = str(output)
    baseline.save(output)
    return baseline


# --- command line -------------------------------------------------------------------------------


def add_scan_options(scan: Any) -> None:
    """Add ``--since``, ``--staged``, ``--baseline``, ``--fail-on-stale`` and ``--key-file`` to ``scan``."""
    group = scan.add_argument_group("CI: changes and baselines")
    which = group.add_mutually_exclusive_group()
    which.add_argument(
        "--since", metavar="REF",
        help="scan only data files changed since git REF (and untracked ones); appended rows only where possible",
    )
    which.add_argument(
        "--staged", action="store_true",
        help="scan only the data files staged for commit, as staged (for pre-commit hooks)",
    )
    group.add_argument("--baseline", metavar="FILE", help="accept the violations recorded in this baseline file")
    group.add_argument(
        "--fail-on-stale", action="store_true", help="exit 1 when baseline entries are stale or expired"
    )
    group.add_argument(
        "--key-file", metavar="FILE", help="secret key for baseline fingerprints (default: $PRIVAUDIT_KEY)"
    )


def add_baseline_parser(sub: Any, parser_class: type) -> None:
    """Add ``privaudit baseline create`` to the command's subparsers."""
    baseline = sub.add_parser("baseline", help="accept today's violations (content-keyed, survives edits)")
    baseline_sub = baseline.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND", parser_class=parser_class)
    create = baseline_sub.add_parser("create", help="record every current violation in a baseline file")
    create.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (recursive)")
    create.add_argument("--policy", metavar="FILE", help="the YAML policy to audit against")
    create.add_argument("--purpose", metavar="NAME", help="the policy purpose the datasets serve")
    create.add_argument(
        "-o", "--output", metavar="FILE", help=f"baseline file to write (default: {DEFAULT_FILE} at the repository top)"
    )
    create.add_argument("--reason", metavar="TEXT", help="why these violations are accepted (stored per entry)")
    create.add_argument("--expires", metavar="YYYY-MM-DD", help="date after which the entries stop applying")
    create.add_argument("--key-file", metavar="FILE", help="secret key file (default: $PRIVAUDIT_KEY)")
    create.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    create.add_argument("--chunk-rows", type=int, default=None, help=argparse.SUPPRESS)


def baseline_command(args: Any, policy_path: str | None = None, baseline_path: str | None = None) -> int:
    """Run ``privaudit baseline create``; ``policy_path`` / ``baseline_path`` are configured defaults."""
    import sys

    from privaudit.ci.baseline import parse_date
    from privaudit.policy import load_policy

    if getattr(args, "baseline_command", None) != "create":
        raise PrivauditError("baseline: give a subcommand (create)")
    policy_file = args.policy or policy_path
    if not policy_file:
        raise PrivauditError("baseline create: --policy is required (violations are judged against a policy)")
    policy = load_policy(policy_file)
    output = args.output or baseline_path or default_baseline_path()
    expires = parse_date(args.expires, "--expires") if args.expires else None
    baseline = create_baseline_file(
        args.paths,
        policy=policy,
        output=output,
        purpose=args.purpose,
        reason=args.reason,
        expires=expires,
        key_file=args.key_file,
        progress=not args.quiet,
        chunk_rows=args.chunk_rows,
    )
    values = sum(len(e.values) for e in baseline.entries)
    print(f"{output}: {len(baseline.entries)} violation group(s), {values:,} offending value(s) recorded", file=sys.stderr)
    return 0
