"""Continuous-integration support: baselines, incremental scans of git changes, reports for CI."""
