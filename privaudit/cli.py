"""The ``privaudit`` command.

Exit codes: 0 — no violation at or above the failing severity (transform: written); 1 — violations
(scan: also anything not examined with ``--fail-on-incomplete``, stale baseline entries with
``--fail-on-stale``; transform / tiers: a tier's view is below its k / l, nothing written);
2 — usage, configuration or input error (one readable line on stderr, no traceback);
3 — internal error (a bug: please report it; set ``PRIVAUDIT_DEBUG=1`` for the traceback).
"""

from __future__ import annotations

import argparse
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
    scan.add_argument(
        "paths", nargs="*", metavar="PATH",
        help="files or directories (recursive); none: the files the configuration's include globs select",
    )
    scan.add_argument(
        "--format", choices=("text", "json", "sarif", "github"), default=None,
        help="report format: text, json, sarif (SARIF 2.1.0), github (Actions annotations); default: text",
    )
    scan.add_argument("-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout")
    scan.add_argument("--findings-out", metavar="FILE", help="write every finding as JSON Lines to FILE")
    scan.add_argument("--policy", metavar="FILE", help="audit against this YAML policy")
    scan.add_argument("--purpose", metavar="NAME", help="the policy purpose the datasets serve")
    scan.add_argument(
        "--fail-on",
        choices=SEVERITIES,
        default=None,
        help="lowest violation severity that makes the exit code 1 (default: error)",
    )
    scan.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    scan.add_argument("--chunk-rows", type=int, default=None, help=argparse.SUPPRESS)
    from privaudit.ci.run import add_scan_arguments
    from privaudit.ci.session import add_baseline_parser, add_scan_options

    add_scan_arguments(scan)  # --fail-on-incomplete, --config, --no-config

    add_scan_options(scan)
    add_baseline_parser(sub, _Parser)

    policy = sub.add_parser("policy", help="work with policy files")
    policy_sub = policy.add_subparsers(dest="policy_command", metavar="SUBCOMMAND", parser_class=_Parser)
    check = policy_sub.add_parser("check", help="validate a policy file (errors with file:line)")
    check.add_argument("file", metavar="FILE")

    from privaudit.transform.commands import add_parsers as add_transform_parsers

    add_transform_parsers(sub, _Parser)  # transform, tiers, decrypt, key generate
    return parser


def _cmd_scan(args: argparse.Namespace) -> int:
    """``privaudit scan``: settings, inputs, scan, audit, baseline and report live in :mod:`privaudit.ci.run`."""
    from privaudit.ci.run import scan_command

    return scan_command(args)


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
        if args.command == "baseline":
            from privaudit.ci.run import configured_baseline_command

            return configured_baseline_command(args)
        from privaudit.transform.commands import run as run_transform_command

        code = run_transform_command(args)
        if code is not None:
            return code
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
