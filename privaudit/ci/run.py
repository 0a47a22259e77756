"""One ``privaudit scan`` run: settings (flags over configuration), inputs, scan, audit, report, exit code.

The command line stays thin: :func:`scan_command` is all of ``privaudit scan``.
Other code (pre-commit hooks, the GitHub Action, tests) can drive the same steps::

    settings = ScanSettings(paths=["data/"], policy="policies/x.yaml", format="sarif")
    with contextlib.ExitStack() as stack:
        outcome = execute(settings, stack)
        text = render(outcome)
    outcome.exit_code

Exit codes (:data:`EXIT_OK` …): 0 — no violation at or above ``fail_on`` (and,
with ``fail_on_incomplete``, everything examined; with ``fail_on_stale``, no stale
or expired baseline entry); 1 — violations (or incomplete / stale as above);
2 — usage, configuration or input error; 3 — internal error.

Coverage: a file named on the command line that cannot be read is an input error
(exit 2).  Files found by walking a directory or by the configuration's ``include``
globs are scanned leniently: one that cannot be read is listed as not examined
(with why) and the scan goes on — the report says so, and ``fail_on_incomplete``
makes it fail.  If nothing at all could be examined, that is an input error.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privaudit.config import (
    FORMATS,
    SEVERITIES,
    Config,
    discover_config,
    glob_matches,
    is_excluded,
    load_config,
    select_files,
)
from privaudit.errors import InputError, PrivauditError
from privaudit.model import ScanResult

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


@dataclass
class ScanSettings:
    """Everything one scan run needs, after command-line flags were laid over the configuration."""

    paths: list[str] = field(default_factory=list)
    config: Config | None = None
    policy: str | None = None
    purpose: str | None = None
    format: str = "text"
    output: str | None = None
    findings_out: str | None = None
    fail_on: str = "error"
    fail_on_incomplete: bool = False
    fail_on_stale: bool = False
    baseline: str | None = None
    key_file: str | None = None
    since: str | None = None
    staged: bool = False
    progress: bool = False
    chunk_rows: int | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> ScanSettings:
        """Merge the parsed ``privaudit scan`` flags over the configuration (flags win)."""
        config: Config | None = None
        if getattr(args, "config", None):
            config = load_config(args.config)
        elif not getattr(args, "no_config", False):
            config = discover_config()

        def pick(flag: Any, key: str, default: Any = None) -> Any:
            if flag is not None:
                return flag
            value = getattr(config, key, None) if config is not None else None
            return default if value is None else value

        return cls(
            paths=list(getattr(args, "paths", None) or []),
            config=config,
            policy=pick(getattr(args, "policy", None), "policy"),
            purpose=pick(getattr(args, "purpose", None), "purpose"),
            format=pick(getattr(args, "format", None), "format", "text"),
            output=getattr(args, "output", None),
            findings_out=getattr(args, "findings_out", None),
            fail_on=pick(getattr(args, "fail_on", None), "fail_on", "error"),
            fail_on_incomplete=bool(pick(getattr(args, "fail_on_incomplete", None), "fail_on_incomplete", False)),
            fail_on_stale=bool(getattr(args, "fail_on_stale", False) or (config and config.fail_on_stale)),
            baseline=pick(getattr(args, "baseline", None), "baseline"),
            key_file=pick(getattr(args, "key_file", None), "key_file"),
            since=getattr(args, "since", None),
            staged=bool(getattr(args, "staged", False)),
            progress=not getattr(args, "quiet", False),
            chunk_rows=getattr(args, "chunk_rows", None),
        )

    @property
    def root(self) -> Path:
        """The directory report paths are relative to: the configuration's, else the git root, else here."""
        if self.config is not None:
            return self.config.root
        here = Path.cwd().resolve()
        return next((d for d in (here, *here.parents) if (d / ".git").exists()), here)

    def skip(self) -> tuple[str, ...]:
        """Files never scanned by a directory walk: the baseline and the run's own outputs."""
        return tuple(os.path.abspath(p) for p in (self.baseline, self.output, self.findings_out) if p)

    def keep(self, path: str) -> bool:
        """For ``--since`` / ``--staged``: does repository path ``path`` pass the include / exclude globs?"""
        config = self.config
        if config is None:
            return True
        from privaudit.ci.git import repo_root

        full = Path(repo_root(os.getcwd())) / path
        try:
            rel = full.resolve().relative_to(config.root).as_posix()
        except ValueError:
            rel = full.resolve().as_posix().lstrip("/")
        return any(glob_matches(g, rel) for g in config.include) and not is_excluded(full, config)


@dataclass
class Inputs:
    """What one run scans: files named explicitly (strict), and files found (lenient)."""

    items: list[Any] = field(default_factory=list)  # paths (explicit) and opened Tables (found), in order
    not_examined: list[dict[str, str | None]] = field(default_factory=list)
    #: Files named on the command line that the configuration's ``exclude`` skips.
    excluded: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Nothing to scan."""
        return not self.items


def select_inputs(settings: ScanSettings) -> Inputs:
    """Resolve PATHs (or, without any, the configuration's include globs) into inputs.

    A directory is walked for the ``include`` globs minus ``exclude`` (the
    configuration's, or the default data formats); an explicitly named file is
    scanned unless the configuration's ``exclude`` matches it (pre-commit passes file
    names).  Raises :class:`PrivauditError` for no PATH without configuration.
    """
    from privaudit.config import DEFAULT_INCLUDE
    from privaudit.io.readers import DEFAULT_CHUNK_ROWS, SUPPORTED_EXTENSIONS, open_found

    config = settings.config
    chunk_rows = settings.chunk_rows or DEFAULT_CHUNK_ROWS
    include = config.include if config is not None else DEFAULT_INCLUDE
    exclude = config.exclude if config is not None else ()
    out = Inputs()

    def found(directory: str, root: Path) -> list[str]:
        selection = select_files(directory, include, exclude, root=root, skip=settings.skip())
        return [os.path.normpath(f) for f in selection.files]

    if not settings.paths:
        if config is None:
            raise PrivauditError(
                "scan: no PATH given and no configuration found (privaudit.toml, or [tool.privaudit] "
                "in pyproject.toml, from here up to the git root)"
            )
        files = found(os.path.relpath(config.root), config.root)
        if not files:
            raise PrivauditError(
                f"{os.path.relpath(config.path)}: no file matches include ({', '.join(config.include)})"
            )
        for path in files:
            out.items.extend(open_found(path, chunk_rows, out.not_examined))
        return out
    for path in settings.paths:
        if os.path.isdir(path):
            files = found(path, config.root if config is not None else Path(path).resolve())
            if not files:
                raise InputError(
                    f"{path}: no data files in directory; looked for {' '.join(SUPPORTED_EXTENSIONS)}"
                    + (f" matching include ({', '.join(include)})" if config is not None else "")
                )
            for file in files:
                out.items.extend(open_found(file, chunk_rows, out.not_examined))
        elif config is not None and is_excluded(path, config):
            out.excluded.append(path)
        else:
            out.items.append(path)
    return out


@dataclass
class ScanOutcome:
    """What a run produced; :attr:`exit_code` decides the command's exit status."""

    settings: ScanSettings
    result: ScanResult
    policy: Any = None  # privaudit.policy.Policy
    violations: list[Any] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    ci: Any = None  # privaudit.ci.session.CiScan

    @property
    def policy_info(self) -> dict[str, str] | None:
        """``{"name", "version"}`` of the policy, or None."""
        if self.policy is None:
            return None
        return {"name": self.policy.name, "version": str(self.policy.version)}

    @property
    def failing(self) -> list[Any]:
        """Violations at or above ``fail_on``."""
        threshold = SEVERITIES.index(self.settings.fail_on)
        return [v for v in self.violations if SEVERITIES.index(getattr(v, "severity", "error")) >= threshold]

    @property
    def not_examined(self) -> list[dict[str, str | None]]:
        """Everything the run could not examine."""
        return self.result.all_not_examined()

    @property
    def stale(self) -> bool:
        """True when ``fail_on_stale`` is set and baseline entries are stale or expired."""
        return bool(self.ci is not None and self.ci.failed(self.settings.fail_on_stale))

    @property
    def exit_code(self) -> int:
        """1 for failing violations, for anything not examined with ``fail_on_incomplete``, for stale baselines; else 0."""
        incomplete = self.settings.fail_on_incomplete and bool(self.not_examined)
        return EXIT_VIOLATIONS if self.failing or incomplete or self.stale else EXIT_OK

    def status_lines(self) -> list[str]:
        """Why the run fails, one line per reason (empty when it passes)."""
        lines = []
        if self.failing:
            lines.append(f"failed: {len(self.failing)} violation(s) at or above {self.settings.fail_on}")
        if self.settings.fail_on_incomplete and self.not_examined:
            lines.append(f"failed: {len(self.not_examined)} item(s) not examined (fail on incomplete)")
        if self.stale:
            lines.append("failed: stale or expired baseline entries (fail on stale)")
        return lines


def execute(settings: ScanSettings, stack: contextlib.ExitStack) -> ScanOutcome:
    """Scan, audit and compare with the baseline; ``stack`` owns the findings export and git copies."""
    from privaudit import report
    from privaudit.api import scan
    from privaudit.ci.session import CiScan

    if settings.format not in FORMATS:
        raise PrivauditError(f"--format must be one of {', '.join(FORMATS)}")
    if settings.baseline and not settings.policy:
        raise PrivauditError("--baseline needs --policy: a baseline accepts policy violations")
    if settings.output and os.path.abspath(settings.output) in {os.path.abspath(p) for p in settings.paths}:
        raise PrivauditError("--output must not overwrite an input file")
    policy = None
    if settings.policy:
        from privaudit.policy import load_policy

        policy = load_policy(settings.policy)

    incremental = bool(settings.since or settings.staged)
    inputs = Inputs() if incremental else select_inputs(settings)
    ci = stack.enter_context(
        CiScan.open(
            settings.paths, since=settings.since, staged=settings.staged, baseline=settings.baseline,
            key_file=settings.key_file, chunk_rows=settings.chunk_rows,
            keep=settings.keep if settings.config is not None else None,
        )
    )
    findings_handle = None
    if settings.findings_out:
        findings_handle = stack.enter_context(report.AtomicWriter(settings.findings_out))

    def on_findings(frame):
        report.write_findings_jsonl(frame, findings_handle)

    items = ci.inputs() if incremental else inputs.items
    if not incremental and inputs.empty:
        if inputs.not_examined:
            first = inputs.not_examined[0]
            raise InputError(
                f"nothing could be examined: {len(inputs.not_examined)} file(s) unreadable "
                f"(first: {first.get('source')}: {first.get('why')})"
            )
        items = []
    result = scan(
        items,
        progress=settings.progress,
        keep_findings=False,
        chunk_rows=settings.chunk_rows,
        **ci.scan_kwargs(on_findings if findings_handle is not None else None),
    )
    # changed files (--since/--staged) that could not be examined come first, then found files
    result.not_examined[:0] = [*(ci.not_examined if incremental else []), *inputs.not_examined]
    violations: list[Any] = []
    if policy is not None:
        from privaudit.policy import audit

        violations = audit(result, policy, purpose=settings.purpose)
        if ci.after_audit(result, policy) is not None:
            violations = ci.outcome.violations
    return ScanOutcome(
        settings=settings, result=result, policy=policy, violations=violations,
        excluded=inputs.excluded, ci=ci,
    )


def _row_hint(outcome: ScanOutcome):
    """Point a violation with new values (against a baseline) at its first new row."""
    ci_outcome = getattr(outcome.ci, "outcome", None) if outcome.ci is not None else None
    if ci_outcome is None:
        return None
    rows = {id(n.violation): min(n.rows) for n in ci_outcome.new if n.rows}
    return (lambda ds, v: rows.get(id(v))) if rows else None


def render(outcome: ScanOutcome) -> str:
    """The report in the run's format (text, json, sarif, github)."""
    from privaudit import report

    settings, result, ci = outcome.settings, outcome.result, outcome.ci
    code = outcome.exit_code
    excluded_by = settings.config.label if settings.config is not None else "configuration"
    if settings.format == "json":
        data = report.json_report(result, outcome.policy_info)
        if ci is not None:
            data |= ci.report_dict()
        data["excluded"] = list(outcome.excluded)
        data["exit_code"] = code
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if settings.format == "sarif":
        from privaudit.ci.sarif import sarif_report

        log = sarif_report(
            result, root=settings.root, policy=outcome.policy_info, exit_code=code,
            fail_on_incomplete=settings.fail_on_incomplete, row_hint=_row_hint(outcome),
        )
        return json.dumps(log, ensure_ascii=False, indent=1) + "\n"
    if settings.format == "github":
        from privaudit.ci.github import github_report

        extra = list(ci.text_lines()) if ci is not None else []
        extra += [f"excluded by {excluded_by}: {p}" for p in outcome.excluded]
        return github_report(
            result, root=settings.root, fail_on_incomplete=settings.fail_on_incomplete, exit_code=code,
            row_hint=_row_hint(outcome), extra_lines=extra,
        )
    lines = list(ci.text_lines()) if ci is not None else []
    lines += [f"excluded by {excluded_by}: {p}" for p in outcome.excluded]
    lines += outcome.status_lines()
    return report.text_report(result) + "".join(line + "\n" for line in lines)


def scan_command(args: argparse.Namespace) -> int:
    """``privaudit scan``: run, write the report (atomically with ``--output``), return the exit code."""
    from privaudit import report

    settings = ScanSettings.from_args(args)
    with contextlib.ExitStack() as stack:
        outcome = execute(settings, stack)
        text = render(outcome)
        if settings.output:
            with report.AtomicWriter(settings.output) as out:
                out.write(text)
        else:
            sys.stdout.write(text)
    return outcome.exit_code


def configured_baseline_command(args: argparse.Namespace) -> int:
    """``privaudit baseline create`` with the configuration's policy, purpose, key file, baseline path and files."""
    from privaudit.ci.session import baseline_command

    config = discover_config()
    if config is None:
        return baseline_command(args)
    if not getattr(args, "key_file", None):
        args.key_file = config.key_file
    if not getattr(args, "purpose", None):
        args.purpose = config.purpose
    if not getattr(args, "paths", None):
        settings = ScanSettings(config=config, baseline=config.baseline, output=getattr(args, "output", None))
        root = os.path.relpath(config.root)
        selection = select_files(root, config.include, config.exclude, root=config.root, skip=settings.skip())
        args.paths = [os.path.normpath(f) for f in selection.files]
    return baseline_command(args, policy_path=config.policy, baseline_path=config.baseline)


def add_scan_arguments(scan: argparse.ArgumentParser) -> None:
    """Add ``--fail-on-incomplete``, ``--config`` and ``--no-config`` to the ``scan`` parser."""
    scan.add_argument(
        "--fail-on-incomplete",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="exit 1 when anything could not be examined (a file, sheet, cells or rows); "
        "--no-fail-on-incomplete overrides the configuration",
    )
    scan.add_argument(
        "--config", metavar="FILE",
        help="read settings from this privaudit.toml / pyproject.toml (default: found from here up to the git root)",
    )
    scan.add_argument("--no-config", action="store_true", help="ignore privaudit.toml / [tool.privaudit]")
