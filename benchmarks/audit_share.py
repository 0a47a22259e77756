"""Audit share of total time on the 1M-row register (build it first with scan_speed.py).

Usage: python benchmarks/audit_share.py
"""

import time

import privaudit

t0 = time.perf_counter()
result = privaudit.scan("benchmarks/.cache/register_1m.csv", keep_findings=False)
scan_s = time.perf_counter() - t0
t0 = time.perf_counter()
policy = privaudit.load_policy("policies/community-register.yaml")
violations = privaudit.audit(result, policy, purpose="resident_register")
audit_s = time.perf_counter() - t0
print(
    f"scan {scan_s:.2f}s, load+audit {audit_s * 1000:.1f} ms, "
    f"audit share {audit_s / (scan_s + audit_s):.3%}, violations {len(violations)}"
)
