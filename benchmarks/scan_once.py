"""One in-process scan: wall time, CPU time, peak RSS.

Usage: python benchmarks/scan_once.py FILE
"""

import resource
import sys
import time

import privaudit

wall0, cpu0 = time.perf_counter(), time.process_time()
result = privaudit.scan(sys.argv[1], keep_findings=False)
wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
rows = sum(ds.rows for ds in result.datasets)
print(f"wall {wall:.2f}s cpu {cpu:.2f}s rss {rss_mb:.0f}MB rows {rows} ({rows / wall:,.0f} rows/s)")
