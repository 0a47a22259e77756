"""The ``privaudit`` command.

Exit codes: 0 — no violation at or above the failing severity; 1 — violations;
2 — usage or input error (one readable line on stderr, no traceback);
3 — internal error (a bug: please report it; set ``PRIVAUDIT_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence

from privaudit.errors import PrivauditError

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
SEVERITIES = ("info", "warning", "error")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.print_usage(sys.stderr)
        print(f"privaudit: error: {message}", file=sys.stderr)
        sys.exit(EXIT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    from privaudit import __version__

    parser = _Parser(prog="privaudit", description="Audit datasets for personal information (PIPL).")
    parser.add_argument("--version", action="version", version=f"privaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    scan = sub.add_parser("scan", help="find personal information in datasets (and audit them with --policy)")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (recursive)")
    scan.add_argument("--format", choices=("text", "json"), default="text", help="report format (default: text)")
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument("--findings-out", metavar="FILE", help="write every finding as JSON Lines to FILE")
    scan.add_argument("--policy", metavar="FILE", help="audit against this YAML policy")
    scan.add_argument("--purpose", metavar="NAME", help="the policy purpose the datasets serve")
    scan.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default="error",
        help="lowest violation severity that makes the exit code 1 (default: error)",
    )
    scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    scan.add_argument("--chunk-rows", type=int, default=None, help=argparse.SUPPRESS)

    policy = sub.add_parser("policy", help="work with policy files")
    policy_sub = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=_Parser)
    check = policy_sub.add_parser("check", help="validate a policy file (errors with file:line)")
    check.add_argument("file", metavar="FILE")
    return parser


def _cmd_scan(args: argparse.Namespace) -> int:
    from privaudit import report
    from privaudit.api import scan

    if args.output and os.path.abspath(args.output) in {os.path.abspath(p) for p in args.paths}:
        raise PrivauditError("--output must not overwrite an input file")
    policy = None
    if args.policy:
        from privaudit.policy import load_policy

        policy = load_policy(args.policy)

    with contextlib.ExitStack() as stack:
        findings_handle = None
        if args.findings_out:
            findings_handle = stack.enter_context(report.AtomicWriter(args.findings_out))

        def on_findings(frame):
            report.write_findings_jsonl(frame, findings_handle)

        result = scan(
            args.paths if len(args.paths) > 1 else args.paths[0],
            progress=not args.quiet,
            keep_findings=False,
            on_findings=on_findings if findings_handle is not None else None,
            chunk_rows=args.chunk_rows,
        )
        policy_info = None
        violations: list = []
        if policy is not None:
            from privaudit.policy import audit

            violations = audit(result, policy, purpose=args.purpose)
            policy_info = {"name": policy.name, "version": str(policy.version)}

        if args.format == "json":
            text = json.dumps(report.json_report(result, policy_info), ensure_ascii=False, indent=2) + "\n"
        else:
            text = report.text_report(result)
        if args.output:
            with report.AtomicWriter(args.output) as out:
                out.write(text)
        else:
            sys.stdout.write(text)

    threshold = SEVERITIES.index(args.fail_on)
    failing = [v for v in violations if SEVERITIES.index(getattr(v, "severity", "error")) >= threshold]
    return EXIT_VIOLATIONS if failing else EXIT_OK


def _cmd_policy_check(args: argparse.Namespace) -> int:
    from privaudit.policy import check_policy

    errors = check_policy(args.file)
    for err in errors:
        print(err, file=sys.stderr)
    if errors:
        return EXIT_ERROR
    print(f"{args.file}: ok")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``privaudit`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "scan":
            return _cmd_scan(args)
        if args.command == "policy" and getattr(args, "policy_command", None) == "check":
            return _cmd_policy_check(args)
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    except PrivauditError as exc:
        print(f"privaudit: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("privaudit: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: never print values, only the type
        if os.environ.get("PRIVAUDIT_DEBUG"):
            raise
        print(
            f"privaudit: internal error ({type(exc).__name__}); set PRIVAUDIT_DEBUG=1 for details",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
