"""The ``transform``, ``tiers``, ``decrypt`` and ``key generate`` commands (wired into :mod:`privaudit.cli`).

Exit codes: 0 written; 1 a tier's view does not meet its ``k`` / ``l`` (nothing written);
2 usage, input, policy, key or output error (one line, nothing written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from privaudit.errors import PrivauditError

EXIT_OK = 0


def add_parsers(sub: Any, parser_class: type[argparse.ArgumentParser]) -> None:
    """Add the transform commands to the ``privaudit`` sub-command parser ``sub``."""
    tr = sub.add_parser("transform", help="write one tier's view of a dataset (mask, pseudonymise, generalise …)")
    tr.add_argument("input", metavar="INPUT", help="a data file or a directory")
    tr.add_argument("--policy", required=True, metavar="FILE", help="the YAML policy that defines the tier")
    tr.add_argument("--tier", required=True, metavar="NAME", help="the tier to apply (policy tiers:)")
    tr.add_argument("-o", "--output", required=True, metavar="OUT",
                    help="output file in the input's format (a directory for a directory input)")
    tr.add_argument("--manifest", metavar="FILE", help="also write the view's manifest (JSON) to FILE")
    _common(tr)

    ti = sub.add_parser("tiers", help="write every tier's view of a dataset plus manifest.json")
    ti.add_argument("input", metavar="INPUT", help="a data file or a directory")
    ti.add_argument("--policy", required=True, metavar="FILE", help="the YAML policy that defines the tiers")
    ti.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory: DIR/<tier>/… and DIR/manifest.json")
    ti.add_argument("--tier", action="append", metavar="NAME", dest="tiers", help="only this tier (repeatable)")
    _common(ti)

    de = sub.add_parser("decrypt", help="decrypt the ENC1 tokens of an encrypted view (needs the key)")
    de.add_argument("input", metavar="INPUT", help="a data file or a directory")
    de.add_argument("-o", "--output", required=True, metavar="OUT", help="output file (a directory for a directory input)")
    de.add_argument("--columns", nargs="+", metavar="COLUMN", help="only these columns (default: every column)")
    _common(de)

    key = sub.add_parser("key", help="secret keys for pseudonyms and encryption")
    key_sub = key.add_subparsers(dest="key_command", metavar="SUBCOMMAND", parser_class=parser_class)
    gen = key_sub.add_parser("generate", help="write a new random 256-bit key to FILE (mode 0600; never overwrites)")
    gen.add_argument("file", metavar="FILE")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--key-file", metavar="FILE", help="secret key file (default: the PRIVAUDIT_KEY environment variable)")
    p.add_argument("--force", action="store_true", help="replace existing output files (never an input file)")
    p.add_argument("-q", "--quiet", action="store_true", help="no summary on stderr")


def run(args: argparse.Namespace) -> int | None:
    """Run a transform command; None if ``args`` names none of them."""
    if args.command == "transform":
        return _transform(args)
    if args.command == "tiers":
        return _tiers(args)
    if args.command == "decrypt":
        return _decrypt(args)
    if args.command == "key":
        if getattr(args, "key_command", None) == "generate":
            return _key_generate(args)
        raise PrivauditError("key: give a subcommand (privaudit key generate FILE)")
    return None


def _check_input(path: str, output: str | None = None, force: bool = False) -> None:
    """Fail before any work: a missing input, an output over the input, an existing output,
    an output whose extension names another format than the input's."""
    if not os.path.exists(path):
        raise PrivauditError(f"{path}: no such file or directory")
    if output is None or not os.path.isfile(path):
        return
    from privaudit.transform.writer import FORMATS, format_of, same_file

    if os.path.exists(output) and same_file(path, output):
        raise PrivauditError(f"{output}: is an input file; privaudit never writes over its source")
    if os.path.isdir(output):
        return
    if os.path.exists(output) and not force:
        raise PrivauditError(f"{output}: already exists (use --force to replace it)")
    source = FORMATS.get(os.path.splitext(path)[1].lower())
    if source is not None and format_of(output) != source:
        raise PrivauditError(f"{output}: a {source} input is written as {source}; give the output a matching extension")


def _say(args: argparse.Namespace, text: str) -> None:
    if not getattr(args, "quiet", False):
        print(text, file=sys.stderr)


def _summary(manifest: dict[str, Any]) -> list[str]:
    lines = []
    for ds in manifest["datasets"]:
        where = ds["source"] + (f" [{ds['sheet']}]" if ds["sheet"] else "")
        ops: dict[str, int] = {}
        for col in ds["columns"].values():
            if col["operator"] != "keep" or "spans" in col:
                name = "spans" if "spans" in col else col["operator"]
                ops[name] = ops.get(name, 0) + 1
        risk = ds.get("risk")
        k = f", k={risk['k']}" if risk and risk.get("k") is not None else ""
        sup = f", {ds['suppressed']} suppressed" if ds["suppressed"] else ""
        done = ", ".join(f"{n} {op}" for op, n in sorted(ops.items())) or "nothing changed"
        lines.append(f"  {where}: {ds['rows_in']} → {ds['rows_out']} rows{sup}{k}; columns: {done}")
    return lines


def _transform(args: argparse.Namespace) -> int:
    from privaudit.transform.tiers import transform
    from privaudit.transform.writer import Staging

    _check_input(args.input, args.output, args.force)
    result = transform(args.input, args.policy, args.tier, key_file=args.key_file)
    with Staging(sources=[args.input], force=args.force) as staging:
        paths = result.write(args.output, force=args.force, staging=staging)
        if args.manifest:  # staged with the view: both or neither
            with staging.open(args.manifest) as fh:
                fh.write((json.dumps(result.manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    _say(args, f"tier {args.tier!r}: wrote {', '.join(map(str, paths))}")
    for line in _summary(result.manifest):
        _say(args, line)
    return EXIT_OK


def _tiers(args: argparse.Namespace) -> int:
    from privaudit.transform.tiers import tiers, write_tiers

    _check_input(args.input)
    results = tiers(args.input, args.policy, key_file=args.key_file, names=args.tiers)
    manifest = write_tiers(results, args.output, force=args.force)
    _say(args, f"wrote {len(results)} tier(s) and {manifest}")
    for name, result in results.items():
        _say(args, f" {name}:")
        for line in _summary(result.manifest):
            _say(args, line)
    return EXIT_OK


def _decrypt(args: argparse.Namespace) -> int:
    from privaudit.transform.tiers import decrypt

    _check_input(args.input, args.output, args.force)
    result = decrypt(args.input, key_file=args.key_file, columns=args.columns)
    paths = result.write(args.output, force=args.force)
    cells = sum(ds["decrypted_cells"] for ds in result.manifest["datasets"])
    _say(args, f"decrypted {cells} cell(s); wrote {', '.join(map(str, paths))}")
    return EXIT_OK


def _key_generate(args: argparse.Namespace) -> int:
    from privaudit.keys import generate_key

    path = args.file
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise PrivauditError(f"{path}: already exists; a key file is never overwritten") from None
    except OSError as exc:
        raise PrivauditError(f"{path}: cannot create ({exc.strerror or type(exc).__name__})") from None
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(generate_key() + "\n")
        os.chmod(path, 0o600)
    except BaseException:
        os.unlink(path)
        raise
    _say(args, f"wrote a new key to {path} (mode 0600); keep it outside the data and the policy")
    return EXIT_OK
