"""CPU cost of identifier span search over a free-text column (the 备注 remarks).

Reads the first ``--rows`` rows (default 200,000) of ``benchmarks/.cache/register_1m.csv``,
keeps the distinct remarks (as the scanner does), and times, per identifier module,

* ``join``: the scanner's former path — cells selected by the module's ``PREFILTER``
  (RE2), joined with ``"\\x00" * 40`` and searched by ``find`` once;
* ``column``: ``find_column(cells, hinted)`` over the distinct remarks;

with ``time.process_time`` (CPU seconds of this process; the machine is shared).  Both
paths are checked to return the same spans.

CLI: ``python benchmarks/identifier_spans.py [--rows N] [--mode join|column|both] [--hinted]``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from privaudit.identifiers import MODULES  # noqa: E402

CSV = ROOT / "benchmarks" / ".cache" / "register_1m.csv"
_JOIN = "\x00" * 40


def remarks(rows: int) -> pa.Array:
    """The distinct non-null remarks among the first ``rows`` rows."""
    opts = pacsv.ReadOptions(block_size=1 << 24)
    conv = pacsv.ConvertOptions(include_columns=["备注"], column_types={"备注": pa.string()})
    reader = pacsv.open_csv(CSV, read_options=opts, convert_options=conv)
    chunks, n = [], 0
    for batch in reader:
        chunks.append(batch.column(0))
        n += len(batch)
        if n >= rows:
            break
    col = pa.concat_arrays(chunks)[:rows]
    return pc.unique(col.drop_null())


def by_join(mod, arr: pa.Array, hinted: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The former scanner path for one module: prefilter, join, one ``find``, map back."""
    sel = np.flatnonzero(pc.fill_null(pc.match_substring_regex(arr, mod.PREFILTER), False).to_numpy(zero_copy_only=False))
    cells = arr.take(pa.array(sel)).to_pylist()
    found = mod.find(_JOIN.join(cells), hinted)
    if not found:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e, np.zeros(0)
    lengths = np.fromiter((len(c) for c in cells), dtype=np.int64, count=len(cells))
    starts = np.concatenate(([0], np.cumsum(lengths[:-1] + len(_JOIN))))
    begin = np.array([f.start for f in found], dtype=np.int64)
    cell = np.searchsorted(starts, begin, side="right") - 1
    end = np.array([f.end for f in found], dtype=np.int64)
    return sel[cell], begin - starts[cell], end - starts[cell], np.array([f.score for f in found])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--mode", choices=["join", "column", "both"], default="both")
    ap.add_argument("--hinted", action="store_true")
    args = ap.parse_args()
    arr = remarks(args.rows)
    print(f"{len(arr):,} distinct remarks in the first {args.rows:,} rows")
    # warm the per-process caches (region tables, NFKC tables, character classes) on a
    # small unrelated sample, so that only per-column work is timed
    sample = pa.array(
        ["身份证11010519491231002X 电话13812345678 卡号6222021234567890128 a@b.cn 1.2.3.4 京A12345",
         "91110000600037341L E12345678 H12345678 116.397128,39.916527 0755-82345678转801"],
        type=pa.string(),
    )
    for mod in MODULES:
        mod.validate(sample)
        mod.find(sample[0].as_py())
        if args.mode != "join":
            mod.find_column(sample)
    totals = {"join": 0.0, "column": 0.0}
    modes = ["join", "column"] if args.mode == "both" else [args.mode]
    print(f"{'module':<18}" + "".join(f"{m:>10}" for m in modes) + "     spans")
    for mod in MODULES:
        results, line = {}, f"{mod.__name__.rsplit('.', 1)[1]:<18}"
        for mode in modes:
            t = time.process_time()
            if mode == "join":
                results[mode] = by_join(mod, arr, args.hinted)
            else:
                results[mode] = mod.find_column(arr, args.hinted)
            dt = time.process_time() - t
            totals[mode] += dt
            line += f"{dt:>10.3f}"
        first = next(iter(results.values()))
        line += f"{len(first[0]):>10,}"
        if len(results) == 2:
            a, b = results["join"], results["column"]
            same = all(np.array_equal(np.asarray(x), np.asarray(y)) for x, y in zip(a, b, strict=True))
            line += "  same" if same else "  DIFFERENT"
        print(line)
    print(f"{'total':<18}" + "".join(f"{totals[m]:>10.3f}" for m in modes))


if __name__ == "__main__":
    main()
