"""A one-row append to the 1,000,000-row register, checked with ``--since`` / ``--staged``, next to a full scan.

Copies ``benchmarks/.cache/register_1m.csv`` (built by ``python benchmarks/scan_speed.py``)
into a temporary git repository, commits it, appends one row whose remark holds a
bank card number (a PA007 violation under the policy below), and times, as real
``privaudit`` commands (median of ``--repeat`` runs, wall clock):

* ``privaudit scan --since HEAD`` (working tree against the last commit);
* ``privaudit scan --staged`` after ``git add`` (working tree = index: the file is
  read and proven equal to the staged blob by hashing);
* ``privaudit scan --staged`` with an extra unstaged row in the working tree (the
  staged content is streamed from ``git cat-file``);
* ``privaudit scan FILE`` (the full scan);
* ``privaudit --version`` (interpreter start and imports, paid by every command).

It also times the incremental work in-process (``changed_data`` + scan of the
added row, after a warm-up), which is what ``--since`` adds to the start-up cost.

Usage: ``python benchmarks/incremental.py [--repeat 3] [--keep DIR]``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTER = ROOT / "benchmarks" / ".cache" / "register_1m.csv"
POLICY = """\
name: benchmark-register
version: "1"
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, GENDER, CN_RESIDENT_ID, PHONE_NUMBER, ADDRESS, ETHNICITY, DATE_OF_BIRTH]
default_purpose: register
free_text: {allow: [PERSON, ADDRESS, PHONE_NUMBER, CN_RESIDENT_ID]}
"""
ROW = "张伟,男,110105194912310021,13800000000,北京市朝阳区幸福里小区3栋2单元501室,汉族,1949-12-31,{remark}\n"


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def timed(cmd: list[str], repo: Path, repeat: int) -> tuple[float, int, str]:
    """Median wall time of ``cmd`` over ``repeat`` runs, its exit code and last output line."""
    times, code, last = [], 0, ""
    privaudit = shutil.which("privaudit", path=str(Path(sys.executable).parent)) or "privaudit"
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([privaudit, *cmd], cwd=repo, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        code = proc.returncode
        lines = [x for x in (proc.stdout + proc.stderr).splitlines() if x.strip()]
        last = next((x for x in lines if "error PA" in x), lines[-1] if lines else "")
    return statistics.median(times), code, last.strip()


def in_process(repo: Path, warm: Path, repeat: int) -> float:
    """Median time of ``changed_data(since="HEAD")`` plus the scan of what it returns (warm process)."""
    code = f"""
import os, time, statistics
os.chdir({str(repo)!r})
import privaudit
from privaudit.ci.git import changed_data
privaudit.scan({str(warm)!r})
times = []
for _ in range({repeat}):
    t = time.perf_counter()
    with changed_data(since="HEAD") as ch:
        result = privaudit.scan(ch.tables)
    times.append(time.perf_counter() - t)
    assert ch.partial and sum(ds.rows for ds in result.datasets) == 1
print(statistics.median(times))
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="build the repository in DIR and keep it")
    args = parser.parse_args()
    if not REGISTER.exists():
        sys.exit(f"{REGISTER} is missing: run python benchmarks/scan_speed.py first")
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="privaudit-incremental-"))
    repo = base / "repo"
    try:
        repo.mkdir(parents=True)
        git(repo, "init", "-q")
        for k, v in (("user.name", "bench"), ("user.email", "bench@example.cn"), ("commit.gpgsign", "false")):
            git(repo, "config", k, v)
        (repo / "data").mkdir()
        target = repo / "data" / "register.csv"
        shutil.copyfile(REGISTER, target)
        (repo / "policy.yaml").write_text(POLICY, encoding="utf-8")
        t = time.perf_counter()
        git(repo, "add", ".")
        git(repo, "commit", "-qm", "register")
        print(f"repository: {target.stat().st_size / 1e6:.0f} MB register committed in {time.perf_counter() - t:.1f}s")
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(ROW.format(remark="新住户，工资卡6222021234567890128"))
        scan = ["scan", "--policy", "policy.yaml", "-q"]
        rows = []
        t_since = timed([*scan, "--since", "HEAD", "data/register.csv"], repo, args.repeat)
        rows.append(("scan --since HEAD (1 appended row)", *t_since))
        git(repo, "add", "data/register.csv")
        t_staged = timed([*scan, "--staged"], repo, args.repeat)
        rows.append(("scan --staged (working tree = index)", *t_staged))
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(ROW.format(remark=""))  # unstaged: the index must be read from git
        t_blob = timed([*scan, "--staged"], repo, args.repeat)
        rows.append(("scan --staged (staged blob from git)", *t_blob))
        t_full = timed([*scan, "data/register.csv"], repo, max(1, min(args.repeat, 2)))
        rows.append(("scan data/register.csv (full)", *t_full))
        t_start = timed(["--version"], repo, args.repeat)
        rows.append(("privaudit --version (start-up)", *t_start))
        width = max(len(r[0]) for r in rows)
        for name, seconds, code, last in rows:
            print(f"{name:<{width}}  {seconds:6.2f}s  exit {code}  {last[:100]}")
        with open(target, "rb+") as fh:  # back to one appended row for the in-process check
            fh.truncate(target.stat().st_size - len(ROW.format(remark="").encode("utf-8")))
        warm = base / "warm.csv"  # outside the repository: a first scan builds the finders' tables
        with open(REGISTER, encoding="utf-8") as src:
            warm.write_text("".join(next(src) for _ in range(3)), encoding="utf-8")
        ms = in_process(repo, warm, args.repeat) * 1000
        print(f"in-process: changed_data(since='HEAD') + scan of the added row: {ms:.0f} ms")
        print(f"full scan / --since: {t_full[0] / t_since[0]:.1f}x")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
