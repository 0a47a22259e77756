"""``audit``: check a :class:`~privaudit.model.ScanResult` against a :class:`Policy`.

A pure function of the scan's column profiles and the policy: no data is read
again, so auditing costs microseconds per column whatever the row count.  Every
violation carries a stable rule id (see :data:`privaudit.policy.model.RULES`),
its severity, the PIPL article it rests on, the column, a count and a one-line
remedy — never a cell value.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any

from privaudit.entities import IDENTIFIER_ENTITIES
from privaudit.errors import PolicyError
from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy.model import (
    CONSENT_REQUIREMENTS,
    GRANULARITY,
    REQUIREMENTS,
    RULES,
    DatasetRule,
    Policy,
    PolicyException,
    Purpose,
    SensitiveCategory,
    rule_matches,
)

_PARTICIPLE = {
    "mask": "masked",
    "redact": "redacted",
    "drop": "dropped",
    "pseudonymise": "pseudonymised",
    "encrypt": "encrypted",
    "surrogate": "replaced by surrogates",
}


@dataclass
class Violation:
    """One policy violation in one dataset (never holds a cell value)."""

    rule: str
    severity: str
    article: str
    source: str
    sheet: str | None
    column: str | None
    count: int
    message: str
    remedy: str
    entity: str | None = None
    purpose: str | None = None
    category: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The report form: contract fields (rule, severity, article, column, message) plus extras."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "article": self.article,
            "column": self.column,
            "message": self.message,
            "count": self.count,
            "remedy": self.remedy,
            "entity": self.entity,
            "purpose": self.purpose,
        }


@dataclass
class AppliedException:
    """An exception that waived a violation."""

    exception: PolicyException
    violation: Violation

    def to_dict(self) -> dict[str, Any]:
        """Plain form for reports."""
        return {
            "exception": self.exception.id,
            "expires": self.exception.expires.isoformat(),
            "source": self.violation.source,
            "sheet": self.violation.sheet,
            "rule": self.violation.rule,
            "column": self.violation.column,
            "count": self.violation.count,
        }


@dataclass
class AuditResult:
    """Everything an audit produced."""

    violations: list[Violation] = field(default_factory=list)
    applied: list[AppliedException] = field(default_factory=list)
    expired: list[PolicyException] = field(default_factory=list)
    #: (source, sheet) -> the purpose the dataset was audited for (None: no purpose).
    purposes: dict[tuple[str, str | None], str | None] = field(default_factory=dict)


# --- matching helpers --------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            j = pattern.index("]", i + 1)
            body = pattern[i + 1 : j]
            negate = body.startswith("!")
            chars = (body[1:] if negate else body).replace("\\", "\\\\").replace("[", "\\[").replace("^", "\\^")
            out.append("[" + ("^" if negate else "") + chars + "]")
            i = j + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def path_matches(pattern: str, source: str) -> bool:
    """Does dataset path ``source`` match glob ``pattern``?

    ``*`` and ``?`` stay within one path component, ``**`` crosses components.  A
    relative pattern matches the end of the path (``examples/*.csv`` matches
    ``/srv/data/examples/a.csv``); an absolute one must match the absolute path.
    """
    pat = pattern.replace("\\", "/")
    path = source.replace("\\", "/")
    rx = _glob_regex(pat.removeprefix("./"))
    if pat.startswith("/"):
        return bool(rx.fullmatch(os.path.abspath(source).replace("\\", "/")))
    suffix = re.compile(r"(?:.*/)?" + rx.pattern)
    if suffix.fullmatch(path.removeprefix("./")):
        return True
    return bool(suffix.fullmatch(os.path.abspath(source).replace("\\", "/")))


def column_matches(patterns: tuple[str, ...], name: str) -> bool:
    """Does column ``name`` match one of the column globs (case-sensitive)?"""
    return any(fnmatch.fnmatchcase(name, p) for p in patterns)


def dataset_rule_for(policy: Policy, ds: DatasetResult) -> DatasetRule | None:
    """The first ``datasets:`` entry whose path (and sheet) glob matches ``ds``, or None."""
    for rule in policy.datasets:
        if path_matches(rule.match, ds.source) and (
            rule.sheet is None or fnmatch.fnmatchcase(ds.sheet or "", rule.sheet)
        ):
            return rule
    return None


def purpose_for(policy: Policy, ds: DatasetResult, explicit: str | None = None) -> Purpose | None:
    """The purpose a dataset is audited for: ``explicit``, then ``datasets:``, then ``default_purpose``."""
    if explicit is not None:
        return policy.purposes[explicit]
    for rule in policy.datasets:
        if path_matches(rule.match, ds.source) and (
            rule.sheet is None or fnmatch.fnmatchcase(ds.sheet or "", rule.sheet)
        ):
            return policy.purposes[rule.purpose]
    if policy.default_purpose:
        return policy.purposes[policy.default_purpose]
    return None


def _cells(col: ColumnProfile, entity: str) -> int:
    """Cells of ``col`` concerned by ``entity``."""
    return int(col.entity_cells.get(entity) or col.cells_with_findings or col.cells)


def _level(col: ColumnProfile, entity: str) -> str:
    """The column's granularity for ``entity`` (the finest level when the scan gives none)."""
    return col.granularity.get(entity) or GRANULARITY[entity][0]


def _finer(level: str, allowed: str, entity: str) -> bool:
    scale = GRANULARITY[entity]
    return scale.index(level) < scale.index(allowed)


def _is_free_text(col: ColumnProfile) -> bool:
    return col.kind == "free_text" or col.primary == "FREE_TEXT"


def _articles(base: str, missing: list[str]) -> str:
    nums = sorted({base, *(REQUIREMENTS[r] for r in missing)}, key=int)
    return "PIPL Art. " + ", ".join(nums)


def _missing(purpose: Purpose, category: SensitiveCategory) -> list[str]:
    """The category's requirements the purpose does not satisfy."""
    sg = purpose.safeguards.get(category.name)
    out = []
    for req in category.requires:
        if req in CONSENT_REQUIREMENTS and purpose.legal_basis != "consent":
            continue  # PIPL Art. 13 para. 2: no consent needed on another legal basis
        if sg is None or not sg.provides(req):
            out.append(req)
    return out


# --- the rules -----------------------------------------------------------------------------


class _DatasetAudit:
    def __init__(self, policy: Policy, ds: DatasetResult, purpose: Purpose | None, today: _dt.date):
        self.policy = policy
        self.ds = ds
        self.purpose = purpose
        self.today = today
        self.out: list[Violation] = []
        self.entry = dataset_rule_for(policy, ds)
        self.protect = dict(policy.protect)
        if purpose is not None:
            self.protect.update(purpose.protect)

    def add(self, rule: str, column: str | None, count: int, message: str, remedy: str, *,
            article: str | None = None, entity: str | None = None, category: str | None = None) -> None:
        spec = RULES[rule]
        self.out.append(
            Violation(
                rule=rule, severity=spec.severity, article=article or spec.article, source=self.ds.source,
                sheet=self.ds.sheet, column=column, count=int(count), message=message, remedy=remedy,
                entity=entity, purpose=self.purpose.name if self.purpose else None, category=category,
            )
        )

    def run(self) -> list[Violation]:
        p = self.purpose
        if p is None:
            self.add(
                "PA009-no-purpose", None, self.ds.rows,
                f"dataset matches no purpose of policy {self.policy.name!r}, so its collection cannot be checked",
                "Map it to a purpose under datasets: in the policy (or set default_purpose:), or pass --purpose.",
            )
        for col in self.ds.columns:
            self.declared_column(col)
            if _is_free_text(col):
                self.free_text(col)
                continue
            if p is not None and not self.purpose_column(col, p):
                continue
            self.protected(col)
            if p is not None:
                self.granularity(col, p)
                self.sensitive(col, p)
        if p is not None:
            self.minors(p)
            self.retention(p)
        return self.out

    def _sensitive_label(self, entity: str) -> str:
        cats = [c.name for c in self.policy.sensitive_categories.values() if entity in c.entities]
        return f" (sensitive: {', '.join(cats)})" if cats else ""

    # PA012
    def declared_column(self, col: ColumnProfile) -> None:
        """Schema drift: a column with personal information its ``datasets:`` entry does not declare."""
        entry = self.entry
        if entry is None or entry.columns is None or not col.entities:
            return
        if column_matches(entry.columns, col.name):
            return
        p = self.purpose
        if p is not None and p.columns is not None and not _is_free_text(col) and not column_matches(p.columns, col.name):
            return  # PA002 reports the column already
        self.add(
            "PA012-undeclared-column", col.name, col.cells_with_findings or col.cells,
            f"column {col.name!r} holds personal information ({', '.join(col.entities)}) but is not among "
            f"the columns declared for datasets matching {entry.match!r}",
            f"Drop column {col.name!r}, or add it to columns: of the datasets entry {entry.match!r} "
            "if the dataset is meant to hold it.",
        )

    # PA002 + PA001
    def purpose_column(self, col: ColumnProfile, p: Purpose) -> bool:
        """Check collection; return False when the column is already reported as a whole."""
        if not col.entities:
            return True
        if p.columns is not None and not column_matches(p.columns, col.name):
            self.add(
                "PA002-purpose-column", col.name, col.cells_with_findings or col.cells,
                f"column {col.name!r} holds personal information ({', '.join(col.entities)}) "
                f"but is not among the columns of purpose {p.name!r}",
                f"Drop column {col.name!r}, or declare it under purposes.{p.name}.columns if it is necessary.",
            )
            return False
        for entity in col.entities:
            if entity in p.entities or entity in self.protect:
                continue
            self.add(
                "PA001-purpose-entity", col.name, _cells(col, entity),
                f"column {col.name!r} holds {entity}{self._sensitive_label(entity)}, "
                f"which purpose {p.name!r} does not collect",
                f"Drop or redact {entity} in {col.name!r}, or add {entity} to purposes.{p.name}.entities "
                "if the purpose truly needs it.",
                entity=entity,
            )
        return True

    # PA008
    def protected(self, col: ColumnProfile) -> None:
        for entity in col.entities:
            op = self.protect.get(entity)
            if op is None or (self.purpose is not None and entity in self.purpose.entities):
                continue
            n = _cells(col, entity)
            if n <= 0:
                continue
            self.add(
                "PA008-unprotected-identifier", col.name, n,
                f"column {col.name!r} holds {n} raw {entity} value(s); the policy requires {entity} "
                f"{_PARTICIPLE.get(op, op)}",
                f"Apply '{op}' to {entity} in {col.name!r} (privaudit transform) before storing or sharing.",
                entity=entity,
            )

    # PA003
    def granularity(self, col: ColumnProfile, p: Purpose) -> None:
        for entity, allowed in p.granularity.items():
            if entity not in p.entities:
                continue
            if entity not in col.entities and entity not in col.granularity:
                continue
            level = _level(col, entity)
            if level not in GRANULARITY[entity] or not _finer(level, allowed, entity):
                continue
            self.add(
                "PA003-granularity", col.name, _cells(col, entity),
                f"column {col.name!r} holds {entity} at {level} level; purpose {p.name!r} allows {allowed} at most",
                f"Generalise {entity} in {col.name!r} to {allowed} level (privaudit transform) before storing or sharing.",
                entity=entity,
            )

    # PA004
    def sensitive(self, col: ColumnProfile, p: Purpose) -> None:
        for cat in self.policy.sensitive_categories.values():
            if cat.signal is not None:
                continue
            hits = []
            for entity in col.entities:
                if entity not in cat.entities or entity not in p.entities:
                    continue
                levels = cat.granularity.get(entity)
                if levels and entity in GRANULARITY and _level(col, entity) not in levels:
                    continue
                hits.append(entity)
            by_name = bool(cat.columns) and col.cells > 0 and column_matches(cat.columns, col.name)
            if not hits and not by_name:
                continue
            missing = _missing(p, cat)
            if not missing:
                continue
            count = max((_cells(col, e) for e in hits), default=col.cells)
            what = f"{cat.name} ({', '.join(hits)})" if hits else cat.name
            self.add(
                "PA004-sensitive-safeguards", col.name, count,
                f"column {col.name!r} holds sensitive information {what} but purpose {p.name!r} "
                f"declares no {', '.join(missing)} for it",
                f"Record {', '.join(missing)} under purposes.{p.name}.safeguards.{cat.name}, "
                f"or drop column {col.name!r}.",
                article=_articles("28", missing), entity=hits[0] if hits else None, category=cat.name,
            )

    # PA005
    def minors(self, p: Purpose) -> None:
        n = self.ds.minors_under_14
        if n <= 0:
            return
        for cat in self.policy.sensitive_categories.values():
            if cat.signal != "minors_under_14":
                continue
            missing = _missing(p, cat)
            if not missing:
                continue
            self.add(
                "PA005-minors", None, n,
                f"{n} record(s) of children under 14 (by resident-ID birth date) but purpose {p.name!r} "
                f"declares no {', '.join(missing)} for {cat.name}",
                f"Record {', '.join(missing)} under purposes.{p.name}.safeguards.{cat.name}, "
                "or remove the children's records.",
                article=_articles("31", missing), category=cat.name,
            )

    # PA006 + PA010
    def retention(self, p: Purpose) -> None:
        ret = p.retention
        if ret is None:
            return
        names = [c.name for c in self.ds.columns]
        column = next((n for pat in ret.columns for n in names if fnmatch.fnmatchcase(n, pat)), None)
        if column is None:
            self.add(
                "PA010-retention-unverifiable", None, self.ds.rows,
                f"none of the retention date columns ({', '.join(ret.columns)}) of purpose {p.name!r} is in the dataset",
                f"Name the dataset's date column under purposes.{p.name}.retention.column.",
            )
            return
        hist = self.ds.date_histograms.get(column)
        if not hist:
            self.add(
                "PA010-retention-unverifiable", column, self.ds.column(column).cells,
                f"retention column {column!r} holds no recognisable dates",
                f"Store dates in {column!r} as YYYY-MM-DD, or name another column under "
                f"purposes.{p.name}.retention.column.",
            )
            return
        cutoff = ret.period.cutoff(self.today).isoformat()
        n = sum(int(c) for d, c in hist.items() if d < cutoff)
        if n:
            self.add(
                "PA006-retention", column, n,
                f"{n} record(s) dated before {cutoff} in {column!r} exceed the retention period "
                f"of {ret.period.text} of purpose {p.name!r}",
                f"Delete or anonymise the records dated before {cutoff} (PIPL Art. 47).",
            )

    # PA007
    def free_text(self, col: ColumnProfile) -> None:
        allowed = self.policy.free_text_allow
        if self.purpose is not None and self.purpose.free_text_allow is not None:
            allowed = self.purpose.free_text_allow
        for entity in col.entities:
            if entity not in IDENTIFIER_ENTITIES or entity in allowed:
                continue
            self.add(
                "PA007-free-text-identifier", col.name, _cells(col, entity),
                f"free-text column {col.name!r} contains {entity} in {_cells(col, entity)} cell(s)",
                f"Redact {entity} inside {col.name!r} (privaudit transform) and keep identifiers in their own columns.",
                entity=entity,
            )


def _covers(ex: PolicyException, v: Violation, purpose: str | None) -> bool:
    return (
        rule_matches(ex.rule, v.rule)
        and (ex.dataset is None or path_matches(ex.dataset, v.source))
        and (ex.sheet is None or fnmatch.fnmatchcase(v.sheet or "", ex.sheet))
        and (ex.column is None or (v.column is not None and fnmatch.fnmatchcase(v.column, ex.column)))
        and (ex.entity is None or v.entity == ex.entity)
        and (ex.purpose is None or purpose == ex.purpose)
    )


def _today(scan: ScanResult, today: _dt.date | None) -> _dt.date:
    if today is not None:
        return today
    if scan.scanned_at:
        try:
            return _dt.date.fromisoformat(scan.scanned_at[:10])
        except ValueError:
            pass
    return _dt.date.today()


def run_audit(
    scan: ScanResult, policy: Policy, purpose: str | None = None, today: _dt.date | None = None
) -> AuditResult:
    """Audit every dataset of ``scan`` against ``policy``; see :func:`audit`.

    Returns an :class:`AuditResult` with the violations, the exceptions that
    waived violations (``applied``) and the exceptions that had expired.
    """
    if purpose is not None and purpose not in policy.purposes:
        defined = ", ".join(policy.purposes) or "none"
        raise PolicyError(f"purpose {purpose!r} is not defined in policy {policy.name!r} (defined: {defined})")
    today = _today(scan, today)
    result = AuditResult()
    active = [ex for ex in policy.exceptions if not ex.expired(today)]
    expired = [ex for ex in policy.exceptions if ex.expired(today)]
    expired_hits: dict[str, dict[int, int]] = {ex.id: {} for ex in expired}
    per_dataset: list[list[Violation]] = []
    for i, ds in enumerate(scan.datasets):
        p = purpose_for(policy, ds, purpose)
        pname = p.name if p else None
        result.purposes[(ds.source, ds.sheet)] = pname
        kept: list[Violation] = []
        for v in _DatasetAudit(policy, ds, p, today).run():
            setting = policy.rule_setting(v.rule)
            if not setting.enabled:
                continue
            if setting.severity:
                v.severity = setting.severity
            waiver = next((ex for ex in active if _covers(ex, v, pname)), None)
            if waiver is not None:
                result.applied.append(AppliedException(waiver, v))
                continue
            for ex in expired:
                if _covers(ex, v, pname):
                    expired_hits[ex.id][i] = expired_hits[ex.id].get(i, 0) + 1
            kept.append(v)
        per_dataset.append(kept)
    for ex in expired:
        hits = expired_hits[ex.id]
        if not hits:
            first = next(
                (
                    i for i, ds in enumerate(scan.datasets)
                    if (ex.dataset is None or path_matches(ex.dataset, ds.source))
                    and (ex.sheet is None or fnmatch.fnmatchcase(ds.sheet or "", ex.sheet))
                ),
                None,
            )
            if first is None:
                continue
            hits = {first: 0}
        result.expired.append(ex)
        rule_id = next((r for r in RULES if rule_matches(ex.rule, r)), ex.rule)
        for i, n in hits.items():
            ds = scan.datasets[i]
            plain_column = ex.column if ex.column and not any(c in ex.column for c in "*?[") else None
            per_dataset[i].append(
                Violation(
                    rule="PA011-exception-expired", severity=RULES["PA011-exception-expired"].severity,
                    article=RULES[rule_id].article if rule_id in RULES else RULES["PA011-exception-expired"].article,
                    source=ds.source, sheet=ds.sheet, column=plain_column, count=n,
                    message=f"exception {ex.id!r} ({ex.rule}) expired on {ex.expires.isoformat()} and no longer "
                    f"applies; {n} violation(s) it covered are reported again",
                    remedy="Renew the exception with a new approval and expires: date, or fix what it covered.",
                    entity=ex.entity, purpose=result.purposes.get((ds.source, ds.sheet)),
                )
            )
    for ds, kept in zip(scan.datasets, per_dataset, strict=True):
        ds.violations.extend(kept)
        result.violations.extend(kept)
    return result


def audit(
    scan: ScanResult, policy: Policy, purpose: str | None = None, today: _dt.date | None = None
) -> list[Violation]:
    """Audit ``scan`` against ``policy``; return the violations.

    ``purpose`` forces the purpose every dataset is audited for (otherwise the
    policy's ``datasets:`` globs, then ``default_purpose``).  ``today`` is the date
    retention and exception expiry are judged on (default: the scan date).
    The violations are also appended to each ``DatasetResult.violations``.
    Raises :class:`~privaudit.errors.PolicyError` for an unknown ``purpose``.
    """
    return run_audit(scan, policy, purpose, today).violations
