"""Scan speed and memory of privaudit on a 1,000,000-row register (and 4,000,000 on request).

The register CSV (UTF-8; 姓名, 性别, 身份证号, 联系电话, 家庭住址, 民族, 出生日期, 备注 —
~30 % of remarks carry a phone, an ID or an address) is built once, vectorised with numpy
from small pools (ID checksums computed with numpy), and cached in
``benchmarks/.cache/register_1m.csv`` (``register_4m.csv`` with ``--rows-4m``).

Each measurement runs in a fresh ``python -c`` subprocess, which reports its wall time
for ``privaudit.scan(path, progress=False)`` and its own peak RSS (``ru_maxrss``).
Then Presidio's ``BatchAnalyzerEngine`` with privaudit's recognizers
(``privaudit.presidio.analyzer_engine()``) runs on a 20,000-row slice, and privaudit's
rows/s is printed as a multiple of Presidio's.

CLI: ``python benchmarks/scan_speed.py [--rows-4m] [--skip-presidio] [--rebuild]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / ".cache"
COLUMNS = ["姓名", "性别", "身份证号", "联系电话", "家庭住址", "民族", "出生日期", "备注"]
SLICE_ROWS = 20_000
POOL = 3000


def _digits_matrix(values: np.ndarray, width: int) -> np.ndarray:
    """``(n, width)`` uint8 matrix of the decimal digits of non-negative int64 ``values``."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values[:, None] // powers) % 10).astype(np.uint8)


def _ascii_rows(matrix: np.ndarray) -> np.ndarray:
    """Rows of an ASCII-code uint8 matrix as a numpy array of Python strings."""
    n, width = matrix.shape
    return np.ascontiguousarray(matrix).view(f"S{width}").reshape(n).astype(str)


def build_chunk(rows: int, seed: int, g: corpus.Gen, pools: dict[str, np.ndarray]) -> pa.Table:
    """``rows`` register rows, vectorised; ``g`` supplies region codes and ``pools`` the text values."""
    rng = np.random.default_rng(seed)
    today = np.datetime64(g.today.isoformat(), "D")
    regions = np.array([int(c) for c in g.regions.id_codes], dtype=np.int64)
    birth = today - rng.integers(4, 95 * 365, rows).astype("timedelta64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    seq = rng.integers(1, 1000, rows, dtype=np.int64)
    body = (
        regions[rng.integers(0, len(regions), rows)] * 10**11
        + (years * 10000 + months * 100 + days) * 1000
        + seq
    )
    digits = _digits_matrix(body, 17)
    ids = _ascii_rows(np.concatenate([digits + 48, corpus.id_check_array(digits)[:, None]], axis=1))
    segments = np.array(corpus.ASSIGNED_SEGMENTS, dtype=np.int64)
    phones = (segments[rng.integers(0, len(segments), rows)] * 10**8 + rng.integers(0, 10**8, rows)).astype(
        str
    )
    gender = np.where(seq % 2 == 1, "男", "女")
    addresses = pools["address"][rng.integers(0, POOL, rows)]

    remarks = pools["sentence"][rng.integers(0, len(pools["sentence"]), rows)].astype(object)
    kind = rng.random(rows)
    pick = rng.integers(0, rows, rows)  # values of other rows, so remarks do not repeat the row's own
    has_phone, has_id, has_addr = kind < 0.12, (kind >= 0.12) & (kind < 0.22), (kind >= 0.22) & (kind < 0.30)
    remarks[has_phone] = "家属电话" + phones[pick[has_phone]].astype(object) + "，" + remarks[has_phone]
    remarks[has_id] = "其子身份证号" + ids[pick[has_id]].astype(object) + "，已核实。"
    remarks[has_addr] = (
        "已搬至" + pools["address"][rng.integers(0, POOL, int(has_addr.sum()))].astype(object) + "居住。"
    )
    return pa.table(
        {
            "姓名": pa.array(pools["name"][rng.integers(0, POOL, rows)]),
            "性别": pa.array(gender),
            "身份证号": pa.array(ids),
            "联系电话": pa.array(phones),
            "家庭住址": pa.array(addresses),
            "民族": pa.array(pools["ethnicity"][rng.integers(0, len(pools["ethnicity"]), rows)]),
            "出生日期": pa.array(np.datetime_as_string(birth, unit="D")),
            "备注": pa.array(remarks.astype(str)),
        }
    )


def build_register(path: Path, rows: int, seed: int = 7, chunk: int = 1_000_000) -> Path:
    """Write a ``rows``-row register CSV to ``path`` (in chunks of ``chunk`` rows)."""
    g = corpus.Gen(seed)
    pools = {
        "name": np.array([g.name() for _ in range(POOL)]),
        "address": np.array(
            [
                g.address(g.pick(["full", "road", "road", "village", "estate"]), levels=g.pick([2, 3]))
                for _ in range(POOL)
            ]
        ),
        "ethnicity": np.array(corpus.ETHNICITIES),
        "sentence": np.array(corpus.PLAIN_SENTENCES + [s for s in corpus.SHORT_REMARKS if s] + [""] * 6),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write((",".join(COLUMNS) + "\n").encode("utf-8"))
        for i, start in enumerate(range(0, rows, chunk)):
            n = min(chunk, rows - start)
            pacsv.write_csv(
                build_chunk(n, seed + i, g, pools),
                fh,
                pacsv.WriteOptions(include_header=False, quoting_style="none"),
            )
    tmp.replace(path)
    return path


def ensure_register(rows: int, name: str, rebuild: bool = False) -> Path:
    """The cached register with ``rows`` rows, built if missing."""
    path = CACHE / name
    if rebuild or not path.exists():
        t0 = time.perf_counter()
        build_register(path, rows)
        size = path.stat().st_size / 1e6
        print(
            f"built {path.relative_to(ROOT)}: {rows:,} rows, {size:,.0f} MB in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
    return path


CHILD_SCAN = """
import json, resource, sys, time, inspect
t0 = time.perf_counter()
import privaudit
t1 = time.perf_counter()
kwargs = {"progress": False}
counted = [0]
if sys.argv[2] == "report":  # what `privaudit scan FILE` does: every cell validated, profiles only
    kwargs.update(keep_findings=False)
elif sys.argv[2] == "stream":
    if "keep_findings" not in inspect.signature(privaudit.scan).parameters:
        print(json.dumps({"unsupported": True})); sys.exit(0)
    kwargs.update(keep_findings=False, on_findings=lambda f: counted.__setitem__(0, counted[0] + len(f)))
res = privaudit.scan(sys.argv[1], **kwargs)
t2 = time.perf_counter()
n = {"default": len(res.findings), "stream": counted[0]}.get(sys.argv[2])
print(json.dumps({"import_s": t1 - t0, "scan_s": t2 - t1, "rows": sum(d.rows for d in res.datasets),
                  "findings": n, "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

CHILD_PRESIDIO = """
import json, resource, sys, time
try:
    import privaudit.presidio as pp
except ImportError:
    print(json.dumps({"unavailable": True})); sys.exit(0)
import pandas as pd
from presidio_analyzer import BatchAnalyzerEngine
df = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)
engine = pp.analyzer_engine()
batch = BatchAnalyzerEngine(analyzer_engine=engine)
data = {c: df[c].tolist() for c in df.columns}
t0 = time.perf_counter()
n = 0
for item in batch.analyze_dict(data, language="zh"):
    n += sum(len(r) for r in item.recognizer_results)
t1 = time.perf_counter()
print(json.dumps({"scan_s": t1 - t0, "rows": len(df), "findings": n,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _child(code: str, *args: str, timeout: int = 3600) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["?"]
        return {"error": f"exit {proc.returncode}: {tail[0][:300]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure_scan(path: Path, mode: str = "default") -> dict:
    """Scan ``path`` in a fresh subprocess.

    ``mode``: ``report`` (profiles only, as ``privaudit scan FILE``), ``stream`` (findings
    streamed to a callback, as ``--findings-out``) or ``default`` (findings kept in memory).
    """
    return _child(CHILD_SCAN, str(path), mode)


def _line(label: str, m: dict) -> str:
    if "error" in m:
        return f"{label}: FAILED ({m['error']})"
    if m.get("unsupported"):
        return f"{label}: not supported by this privaudit"
    rate = m["rows"] / m["scan_s"] if m["scan_s"] else float("inf")
    return (
        f"{label} {m['rows']:,} rows: {m['scan_s']:.2f} s, {rate:,.0f} rows/s, "
        f"peak RSS {m['maxrss_kb'] / 1024:,.0f} MB"
        + (f" ({m['findings']:,} findings)" if m["findings"] is not None else "")
    )


def main(argv: list[str] | None = None) -> int:
    """CLI entry point."""
    ap = argparse.ArgumentParser(description="privaudit scan speed and memory")
    ap.add_argument(
        "--rows-4m", action="store_true", help="also measure a 4,000,000-row file (peak RSS ratio)"
    )
    ap.add_argument("--skip-presidio", action="store_true")
    ap.add_argument("--rebuild", action="store_true", help="rebuild the cached registers")
    args = ap.parse_args(argv)
    print("$ " + " ".join(["python"] + sys.argv))
    print(f"date {dt.date.today().isoformat()}, python {sys.version.split()[0]}")
    path_1m = ensure_register(1_000_000, "register_1m.csv", args.rebuild)
    size = path_1m.stat().st_size / 1e6
    labels = {
        "report": "scan, report only (privaudit scan FILE)",
        "stream": "scan, findings streamed (--findings-out)",
        "default": "scan, findings kept in memory (privaudit.scan)",
    }
    print(f"register: {path_1m.relative_to(ROOT)} ({size:,.0f} MB)")
    base = {}
    for mode, label in labels.items():
        base[mode] = measure_scan(path_1m, mode)
        print(_line(label, base[mode]), flush=True)

    if args.rows_4m:
        path_4m = ensure_register(4_000_000, "register_4m.csv", args.rebuild)
        for mode in ("report", "stream"):
            m4 = measure_scan(path_4m, mode)
            print(_line(labels[mode] + ", 4M rows", m4), flush=True)
            if "maxrss_kb" in m4 and "maxrss_kb" in base[mode]:
                print(f"  peak RSS 4M / 1M ({mode}): {m4['maxrss_kb'] / base[mode]['maxrss_kb']:.2f}x")

    if args.skip_presidio:
        return 0
    slice_path = CACHE / f"register_slice_{SLICE_ROWS // 1000}k.csv"
    if not slice_path.exists() or slice_path.stat().st_mtime < path_1m.stat().st_mtime:
        with open(path_1m, encoding="utf-8") as src, open(slice_path, "w", encoding="utf-8") as dst:
            for i, line in enumerate(src):
                if i > SLICE_ROWS:
                    break
                dst.write(line)
    ms = measure_scan(slice_path, "default")
    print(_line("scan slice", ms), flush=True)
    mp = _child(CHILD_PRESIDIO, str(slice_path))
    if mp.get("unavailable"):
        print("presidio comparison: privaudit.presidio not available")
        return 0
    print(_line("presidio BatchAnalyzerEngine slice", mp))
    m1 = base["default"]
    if "error" not in mp and "error" not in ms and "error" not in m1:
        p_rate = mp["rows"] / mp["scan_s"]
        print(
            f"privaudit vs presidio (both returning every finding): {ms['rows'] / ms['scan_s'] / p_rate:,.1f}x "
            f"on the same {SLICE_ROWS:,} rows; {m1['rows'] / m1['scan_s'] / p_rate:,.1f}x at 1M rows"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
