"""Tier speed on the 1,000,000-row benchmark register: one shared scan, then every tier.

Usage: python benchmarks/transform_speed.py [FILE] [--write]

FILE defaults to ``benchmarks/.cache/register_1m.csv`` (built by
``python benchmarks/scan_speed.py --skip-presidio``; columns 姓名 性别 身份证号 联系电话
家庭住址 民族 出生日期 备注).  Prints the shared scan time (read + detect, done once
for all tiers), then per tier the transform time and rows/s (target: 200,000 rows/s per
tier, excluding the scan), and with ``--write`` the time to write each view as CSV.
A throwaway key is generated for the run; nothing is kept.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE / ".cache" / "register_1m.csv"

#: The tiers measured: what a community register's three audiences see.
POLICY = """\
name: benchmark-register
version: "1"
purposes:
  register:
    legal_basis: statutory_duty
    entities: [PERSON, CN_RESIDENT_ID, PHONE_NUMBER, ADDRESS, GENDER, ETHNICITY, DATE_OF_BIRTH]
tiers:
  public:            # open data: no identifier, age bands, district, k >= 5 (small groups suppressed)
    entities:
      PERSON: drop
      CN_RESIDENT_ID: drop
      PHONE_NUMBER: drop
      ADDRESS: {op: generalise, to: district}
      DATE_OF_BIRTH: {op: generalise, to: age_band}
    columns: {备注: drop}
    quasi_identifiers: [GENDER, ETHNICITY, DATE_OF_BIRTH, ADDRESS]
    k: 5
    suppress: true
  internal:          # district data bureau: keyed pseudonyms (joinable), masked phones, street level
    entities:
      PERSON: pseudonymise
      CN_RESIDENT_ID: pseudonymise
      PHONE_NUMBER: mask
      ADDRESS: mask
      DATE_OF_BIRTH: {op: generalise, to: month}
    columns:
      家庭住址: {op: generalise, to: street}
  authorised:        # grid workers: names and addresses, IDs encrypted (re-identifiable with the key)
    entities:
      CN_RESIDENT_ID: encrypt
      PHONE_NUMBER: {op: mask, keep_first: 3, keep_last: 4}
    default: keep
"""


def main(argv: list[str]) -> int:
    write = "--write" in argv
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else DEFAULT
    if not path.exists():
        print(f"{path} missing: run  python benchmarks/scan_speed.py --skip-presidio  first", file=sys.stderr)
        return 2

    from privaudit.keys import generate_key
    from privaudit.policy import load_policy
    from privaudit.transform.tiers import prepare, tiers

    os.environ["PRIVAUDIT_KEY"] = generate_key()
    with tempfile.TemporaryDirectory() as tmp:
        policy_path = Path(tmp) / "benchmark.yaml"
        policy_path.write_text(POLICY, encoding="utf-8")
        policy = load_policy(policy_path)

        t0, c0 = time.perf_counter(), time.process_time()
        prepared = prepare(str(path))
        scan_s, scan_cpu = time.perf_counter() - t0, time.process_time() - c0
        rows = sum(len(f) for f in prepared.frames)
        print(f"{path.name}: {rows:,} rows")
        print(f"shared scan (read + detect, once for all tiers): {scan_s:.2f} s wall ({scan_cpu:.2f} s CPU, "
              f"{rows / scan_s:,.0f} rows/s)")

        for name in policy.tiers:
            t0, c0 = time.perf_counter(), time.process_time()
            result = tiers(path, policy, names=[name], prepared=prepared)[name]
            secs, cpu = time.perf_counter() - t0, time.process_time() - c0
            ds = result.manifest["datasets"][0]
            risk = ds.get("risk") or {}
            extra = f", k={risk.get('k')}, {ds['suppressed']:,} suppressed" if risk else ""
            line = f"tier {name:<10} transform {secs:6.2f} s wall ({cpu:.2f} s CPU)  {rows / secs:>10,.0f} rows/s{extra}"
            if write:
                t0 = time.perf_counter()
                result.write(Path(tmp) / name / path.name)
                line += f"; write {time.perf_counter() - t0:.2f} s"
            print(line)
            del result
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
