"""Running the ``privaudit`` command in tests: in this process through ``main()``, or as a real process."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``privaudit ARGS`` in ``cwd`` through :func:`privaudit.cli.main`, output captured."""
    from privaudit.cli import main

    out, err = io.StringIO(), io.StringIO()
    here = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse usage errors
                code = exc.code
    finally:
        os.chdir(here)
    return subprocess.CompletedProcess(list(args), code, out.getvalue(), err.getvalue())


def run_process(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """``python -m privaudit ARGS`` as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "privaudit", *args], capture_output=True, text=True, cwd=cwd, timeout=300
    )
