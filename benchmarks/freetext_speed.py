"""Free-text path alone on the 1M register's 备注 column: distinct cells, RE2 prefilter, find() on the passing cells; best of 3, CPU seconds.

Run: python benchmarks/freetext_speed.py [FILE]  (FILE defaults to benchmarks/.cache/register_1m.csv)
"""
import sys
import time

import pyarrow.compute as pc
import pyarrow.csv as pv

import privaudit.detect.freetext as f

tab = pv.read_csv(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.cache/register_1m.csv", convert_options=pv.ConvertOptions(include_columns=["备注"], column_types={"备注": "string"}))
arr = tab.column("备注").combine_chunks()
best = {}
for _rep in range(3):
    f._CACHE.clear()
    t0 = time.process_time()
    uniq = pc.unique(arr)
    t1 = time.process_time()
    hits = None
    for part in f.PREFILTER_PARTS:
        h = pc.match_substring_regex(uniq, part)
        hits = h if hits is None else pc.or_(hits, h)
    sel = uniq.filter(pc.fill_null(hits, False)).to_pylist()
    t2 = time.process_time()
    n = sum(len(f.find(t)) for t in sel)
    t3 = time.process_time()
    for k, v in (("unique", t1 - t0), ("prefilter", t2 - t1), ("find", t3 - t2), ("total", t3 - t0)):
        best[k] = min(best.get(k, 1e9), v)
print(f"{f.__file__}: {len(arr)} rows, {len(uniq)} distinct, {len(sel)} pass the prefilter, {n} spans; "
      + ", ".join(f"{k} {v:.3f}s" for k, v in best.items()) + f"; {len(arr) / best['total']:,.0f} rows/s")
