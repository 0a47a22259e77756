"""Policies: say what a dataset may hold, and audit scans against it (PIPL).

Public API::

    load_policy(path) -> Policy            # PolicyError("<file>:<line>: <message>") on the first error
    check_policy(path) -> list[str]        # every error, "<file>:<line>: <message>"; [] = valid
    audit(scan, policy, purpose=None, today=None) -> list[Violation]
    run_audit(scan, policy, purpose=None, today=None) -> AuditResult   # + applied / expired exceptions

The YAML format and every rule are documented in ``policies/README.md``; the
rule catalogue is :data:`RULES`.  Policies are read with a safe loader only.
"""

from __future__ import annotations

from privaudit.policy.audit import AppliedException, AuditResult, Violation, audit, path_matches, run_audit
from privaudit.policy.loader import BUILTIN_DIR, check_policy, load_policy, parse_period
from privaudit.policy.model import RULES, Policy, PolicyException, Purpose, Rule, SensitiveCategory

__all__ = [
    "AppliedException",
    "AuditResult",
    "BUILTIN_DIR",
    "Policy",
    "PolicyException",
    "Purpose",
    "RULES",
    "Rule",
    "SensitiveCategory",
    "Violation",
    "audit",
    "check_policy",
    "load_policy",
    "parse_period",
    "path_matches",
    "run_audit",
]
