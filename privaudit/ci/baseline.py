"""Baselines: violations accepted today, keyed by content so they survive edits.

``privaudit baseline create`` scans and audits the datasets and records every
violation as an entry:

* the group — ``(path relative to the repository root, sheet, column, rule, entity)``
  — as a keyed id (and in clear, for review: none of these is personal data);
* the offending values — the normalised texts of the findings (an ID number, a
  phone number in a remark), the cells of an attribute column (religion …), the
  IDs of children under 14 (PA005), the dates past retention (PA006) — as a
  :class:`~privaudit.ci.fingerprint_set.FingerprintSet` of keyed fingerprints;
* an optional reason and expiry date.

Nothing raw and nothing unkeyed is stored: fingerprints are HMACs under
``derive(key, "baseline")`` of the user's secret key (:mod:`privaudit.keys`).

``privaudit scan --baseline FILE`` then sorts each violation:

accepted
    its group is in the baseline (not expired) and all its offending values are
    recorded — reported as baselined, not failing;
new
    its group is in the baseline but some offending values are not: reported as a
    violation that names the rows of the new values (with masked samples);
not baselined
    its group is not in the baseline, or the entry has expired: reported as is.

Entries that match no violation of a fully scanned file are *stale*; entries past
their ``expires`` date are *expired* (reported, and their violations count again).
Positions play no part: reordering rows or appending clean rows changes nothing.

File format (JSON, keys sorted, entries sorted, two-space indent, so a diff of a
re-created baseline is reviewable)::

    {"format": "privaudit-baseline", "version": 1, "algorithm": "sha256",
     "key_check": "<6-byte keyed tag of the key>", "precision": 32,
     "created": "2026-11-23", "tool": {"name": "privaudit", "version": "…"},
     "entries": [{"id": "<16-byte keyed group id>", "path": "data/register.csv",
                  "sheet": null, "column": "备注", "rule": "PA007-free-text-identifier",
                  "entity": "PHONE_NUMBER", "count": 14, "reason": null, "expires": null,
                  "values": {"n": 14, "bits": 36, "data": "<base64>"}}]}
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from privaudit.ci.fingerprint_set import PRECISION, FingerprintSet, sorted_unique
from privaudit.ci.git import repo_path, repo_root
from privaudit.ci.values import MINORS, StreamKey, ValueHasher, chunk_streams
from privaudit.entities import IDENTIFIER_ENTITIES
from privaudit.errors import PrivauditError
from privaudit.io import Table
from privaudit.model import DatasetResult, ScanResult

FORMAT = "privaudit-baseline"
VERSION = 1
#: Where ``baseline create`` writes and ``scan`` looks when no path is configured.
DEFAULT_FILE = ".privaudit-baseline.json"
#: Rows of new values named per violation (the count is always complete).
ROWS_SHOWN = 20
SAMPLES_SHOWN = 3

GroupKey = tuple[str, str | None, str | None, str, str | None]  # path, sheet, column, rule, entity


# --- which values make up a violation --------------------------------------------------------


def _is_rule(rule: str, number: str) -> bool:
    return rule == number or rule.startswith(number + "-")


def stream_selector(rule: str, column: str | None, entity: str | None) -> Callable[[StreamKey], bool]:
    """Which value streams (:mod:`privaudit.ci.values`) hold the offending values of a violation.

    PA005 (children under 14): the minors' resident IDs; a violation without a column:
    none; an identifier entity: its findings in the column; an attribute entity: the
    column's cells; no entity (the whole column): all of the column's findings and cells.
    PA006 (retention) is judged from the dates instead (see :func:`retention_dates`).
    """
    if _is_rule(rule, "PA005"):
        return lambda key: key == MINORS
    if column is None or _is_rule(rule, "PA006"):
        return lambda key: False
    if entity in IDENTIFIER_ENTITIES:
        return lambda key: key == ("finding", column, entity)
    if entity is not None:
        return lambda key: key == ("cells", column)
    return lambda key: len(key) > 1 and key[1] == column


def retention_dates(ds: DatasetResult, violation: Any, policy: Any, today: _dt.date) -> dict[str, int] | None:
    """For a PA006 violation: records per ISO date older than the retention cutoff (None if unknown)."""
    if policy is None or violation.column is None or violation.purpose not in getattr(policy, "purposes", {}):
        return None
    retention = policy.purposes[violation.purpose].retention
    if retention is None:
        return None
    cutoff = retention.period.cutoff(today).isoformat()
    return {d: int(n) for d, n in ds.date_histograms.get(violation.column, {}).items() if d < cutoff}


# --- the file ---------------------------------------------------------------------------------


@dataclass
class Entry:
    """One accepted violation group and its offending values."""

    path: str
    sheet: str | None
    column: str | None
    rule: str
    entity: str | None
    values: FingerprintSet
    count: int = 0
    reason: str | None = None
    expires: _dt.date | None = None
    id: str = ""

    @property
    def key(self) -> GroupKey:
        """(path, sheet, column, rule, entity)."""
        return (self.path, self.sheet, self.column, self.rule, self.entity)

    def expired(self, today: _dt.date) -> bool:
        """True once ``expires`` is in the past."""
        return self.expires is not None and self.expires < today

    def label(self) -> str:
        """``path [sheet] column rule entity`` for messages (no values)."""
        where = self.path + (f" [{self.sheet}]" if self.sheet else "")
        what = " ".join(x for x in (repr(self.column) if self.column else None, self.rule, self.entity) if x)
        return f"{where} {what}"

    def to_dict(self) -> dict[str, Any]:
        """The entry's JSON form."""
        return {
            "id": self.id,
            "path": self.path,
            "sheet": self.sheet,
            "column": self.column,
            "rule": self.rule,
            "entity": self.entity,
            "count": self.count,
            "reason": self.reason,
            "expires": self.expires.isoformat() if self.expires else None,
            "values": self.values.encode(),
        }


@dataclass
class Baseline:
    """A baseline file: entries plus the key check and algorithm they were made with."""

    entries: list[Entry]
    algorithm: str = "sha256"
    key_check: str = ""
    precision: int = PRECISION
    created: str = ""
    path: str | None = None
    #: The hasher of the key the file was checked with (set by :func:`load_baseline`).
    hasher: ValueHasher | None = field(default=None, repr=False, compare=False)

    def by_key(self) -> dict[GroupKey, Entry]:
        """Entries by group key."""
        return {e.key: e for e in self.entries}

    def to_dict(self) -> dict[str, Any]:
        """The file's JSON object."""
        from privaudit import __version__

        entries = sorted(self.entries, key=lambda e: tuple("" if x is None else x for x in e.key))
        return {
            "format": FORMAT,
            "version": VERSION,
            "algorithm": self.algorithm,
            "key_check": self.key_check,
            "precision": self.precision,
            "created": self.created,
            "tool": {"name": "privaudit", "version": __version__},
            "entries": [e.to_dict() for e in entries],
        }

    def dumps(self) -> str:
        """Stable JSON text (sorted keys and entries; same input, same bytes apart from ``created``)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the file atomically."""
        from privaudit.report import AtomicWriter

        with AtomicWriter(path) as out:
            out.write(self.dumps())


def parse_date(text: str, what: str) -> _dt.date:
    """An ISO date (``YYYY-MM-DD``) or a readable :class:`PrivauditError`."""
    try:
        return _dt.date.fromisoformat(str(text))
    except ValueError:
        raise PrivauditError(f"{what}: {text!r} is not a date (YYYY-MM-DD)") from None


def load_baseline(path: str | os.PathLike[str], key: bytes | ValueHasher) -> Baseline:
    """Read a baseline file and check it against ``key`` (the user's secret key, or a hasher).

    The fingerprint algorithm is the file's; ``Baseline.hasher`` is set to a hasher
    for it.

    Raises :class:`PrivauditError` (exit 2) for a missing or damaged file, a file made
    with another key, or an entry whose id does not match its clear fields (edited
    by hand).
    """
    name = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PrivauditError(f"baseline {name!r} not found (privaudit baseline create makes one)") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PrivauditError(f"baseline {name!r} cannot be read ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise PrivauditError(f"baseline {name!r} is not a privaudit baseline file")
    if doc.get("version") != VERSION:
        raise PrivauditError(f"baseline {name!r} has version {doc.get('version')!r}; this privaudit reads {VERSION}")
    algorithm = str(doc.get("algorithm", "sha256"))
    if isinstance(key, ValueHasher):
        hasher = key
        if algorithm != hasher.algorithm:
            raise PrivauditError(f"baseline {name!r} uses algorithm {algorithm!r}, not {hasher.algorithm!r}")
    else:
        hasher = ValueHasher(key, algorithm)
    if doc.get("key_check") != hasher.key_check():
        raise PrivauditError(
            f"baseline {name!r} was made with another key (set the same PRIVAUDIT_KEY or --key-file)"
        )
    entries: list[Entry] = []
    for i, raw in enumerate(doc.get("entries") or []):
        where = f"baseline {name!r} entry {i + 1}"
        try:
            entry = Entry(
                path=str(raw["path"]),
                sheet=raw.get("sheet"),
                column=raw.get("column"),
                rule=str(raw["rule"]),
                entity=raw.get("entity"),
                values=FingerprintSet.decode(raw.get("values") or {"n": 0, "bits": 0, "data": ""}, where),
                count=int(raw.get("count") or 0),
                reason=raw.get("reason"),
                expires=parse_date(raw["expires"], f"{where} expires") if raw.get("expires") else None,
                id=str(raw.get("id", "")),
            )
        except (KeyError, TypeError, ValueError):
            raise PrivauditError(f"{where}: missing or malformed fields") from None
        if entry.id != hasher.group_id(*entry.key):
            raise PrivauditError(
                f"{where} ({entry.label()}): its id does not match its fields (edited by hand?); "
                "re-create the baseline"
            )
        entries.append(entry)
    return Baseline(
        entries=entries,
        algorithm=algorithm,
        key_check=doc["key_check"],
        precision=int(doc.get("precision", PRECISION)),
        created=str(doc.get("created", "")),
        path=name,
        hasher=hasher,
    )


# --- collecting values during a scan ----------------------------------------------------------


@dataclass
class _NewValues:
    count: int = 0
    rows: list[int] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)

    def add(self, rows: np.ndarray, masked: np.ndarray | None) -> None:
        self.count += len(rows)
        room = ROWS_SHOWN - len(self.rows)
        if room > 0:
            self.rows.extend(int(r) for r in rows[:room])
        room = SAMPLES_SHOWN - len(self.samples)
        if masked is not None and room > 0:
            self.samples.extend(str(m) for m in masked[:room] if isinstance(m, str) and m)


class BaselineScan:
    """Scan hooks that gather the offending values a baseline needs.

    Without ``baseline`` (``baseline create``) every value stream is collected as
    fingerprint sets; with one (``scan --baseline``) only the streams of entries for
    the tables being scanned, each checked against its entry on the fly, so nothing
    but counts, a few row numbers and masked samples of *new* values is kept.

    Pass :meth:`on_table`, :meth:`on_chunk` and :meth:`findings_sink` to
    :func:`privaudit.scan`::

        baseline = load_baseline(".privaudit-baseline.json", load_key())
        hooks = BaselineScan(baseline.hasher, baseline=baseline)
        result = privaudit.scan(paths, keep_findings=False, **scan_hooks(hooks))
        audit(result, policy)
        outcome = apply_baseline(baseline, hooks, result, policy=policy)
    """

    def __init__(
        self,
        hasher: ValueHasher,
        *,
        baseline: Baseline | None = None,
        root: str | None = None,
        today: _dt.date | None = None,
        precision: int = PRECISION,
    ):
        self.hasher = hasher
        self.precision = precision
        self.baseline = baseline
        self.root = root if root is not None else repo_root()
        self.today = today or _dt.date.today()
        self._pending: list[pd.DataFrame] = []
        self._entries: list[tuple[Entry, Callable[[StreamKey], bool]]] = []
        #: (source, sheet) -> stream key -> sorted unique fingerprints per chunk (create mode)
        self.collected: dict[tuple[str, str | None], dict[StreamKey, list[np.ndarray]]] = defaultdict(
            lambda: defaultdict(list)
        )
        #: entry id -> new values seen (check mode)
        self.new_values: dict[str, _NewValues] = defaultdict(_NewValues)

    def path_of(self, source: str) -> str:
        """The repository-relative path a baseline records for ``source``."""
        return repo_path(source, self.root)

    def on_table(self, table: Table) -> None:
        """Start a table (called by the scan before its first chunk)."""
        self._pending = []
        if self.baseline is None:
            return
        path = self.path_of(table.source)
        self._entries = [
            (e, stream_selector(e.rule, e.column, e.entity))
            for e in self.baseline.entries
            if e.path == path and e.sheet == table.sheet and not e.expired(self.today)
        ]

    def findings_sink(self, then: Callable[[pd.DataFrame], None] | None = None) -> Callable[[pd.DataFrame], None]:
        """A findings callback for :func:`privaudit.scan` that also feeds ``then``."""

        def sink(frame: pd.DataFrame) -> None:
            self._pending.append(frame)
            if then is not None:
                then(frame)

        return sink

    def _wanted(self, key: StreamKey) -> bool:
        if self.baseline is None:
            return True
        return any(select(key) for _, select in self._entries)

    def on_chunk(self, table: Table, chunk: pd.DataFrame, attributes: dict[str, str | None]) -> None:
        """Take one scanned chunk (its findings arrived through :meth:`findings_sink`)."""
        findings = self._pending[0] if len(self._pending) == 1 else (
            pd.concat(self._pending, ignore_index=True) if self._pending else None
        )
        self._pending = []
        if self.baseline is not None and not self._entries:
            return
        streams = chunk_streams(self.hasher, chunk, findings, attributes, self.today, self._wanted)
        if self.baseline is None:
            store = self.collected[(table.source, table.sheet)]
            for s in streams:
                store[s.key].append(sorted_unique(s.fingerprints))
            return
        for entry, select in self._entries:
            for s in streams:
                if not select(s.key):
                    continue
                new = np.flatnonzero(~entry.values.contains(s.fingerprints))
                if len(new):
                    shown = new[:SAMPLES_SHOWN]
                    masked = np.asarray(s.masked[shown], dtype=object) if s.masked is not None else None
                    self.new_values[entry.id].add(s.rows[new], masked)

    def values_of(self, ds: DatasetResult, select: Callable[[StreamKey], bool]) -> np.ndarray:
        """All collected fingerprints of ``ds`` in the streams ``select`` accepts (create mode)."""
        store = self.collected.get((ds.source, ds.sheet), {})
        parts = [a for key, arrays in store.items() if select(key) for a in arrays]
        return sorted_unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)


def scan_hooks(hooks: BaselineScan, then: Callable[[pd.DataFrame], None] | None = None) -> dict[str, Any]:
    """Keyword arguments for :func:`privaudit.scan` that feed ``hooks`` (and ``then``)."""
    return {"on_table": hooks.on_table, "on_chunk": hooks.on_chunk, "on_findings": hooks.findings_sink(then)}


# --- create -----------------------------------------------------------------------------------


def _violations(result: ScanResult) -> Iterable[tuple[DatasetResult, Any]]:
    for ds in result.datasets:
        for v in ds.violations:
            yield ds, v


def _scan_date(result: ScanResult, today: _dt.date | None) -> _dt.date:
    if today is not None:
        return today
    try:
        return _dt.date.fromisoformat(result.scanned_at[:10])
    except ValueError:
        return _dt.date.today()


def create_baseline(
    result: ScanResult,
    hooks: BaselineScan,
    *,
    policy: Any = None,
    reason: str | None = None,
    expires: _dt.date | None = None,
    previous: Baseline | None = None,
    today: _dt.date | None = None,
) -> Baseline:
    """A baseline accepting every violation attached to ``result``'s datasets.

    ``hooks`` must have collected the scan (create mode).  Reasons and expiry dates
    of ``previous`` entries with the same group carry over unless ``reason`` /
    ``expires`` are given.
    """
    if hooks.baseline is not None:
        raise ValueError("create_baseline needs hooks made without a baseline")
    today = _scan_date(result, today)
    before = previous.by_key() if previous is not None else {}
    groups: dict[GroupKey, tuple[int, list[np.ndarray]]] = {}
    for ds, v in _violations(result):
        key: GroupKey = (hooks.path_of(ds.source), ds.sheet, v.column, v.rule, v.entity)
        if _is_rule(v.rule, "PA006"):
            dates = retention_dates(ds, v, policy, today) or {}
            values = hooks.hasher.fingerprint_values(None, sorted(dates))
        else:
            values = hooks.values_of(ds, stream_selector(v.rule, v.column, v.entity))
        count, parts = groups.get(key, (0, []))
        groups[key] = (count + int(v.count), [*parts, values])
    entries = []
    for key, (count, parts) in groups.items():
        old = before.get(key)
        entries.append(
            Entry(
                *key,
                values=FingerprintSet.build(np.concatenate(parts), hooks.precision),
                count=count,
                reason=reason if reason is not None else (old.reason if old else None),
                expires=expires if expires is not None else (old.expires if old else None),
                id=hooks.hasher.group_id(*key),
            )
        )
    return Baseline(
        entries=entries,
        algorithm=hooks.hasher.algorithm,
        key_check=hooks.hasher.key_check(),
        precision=hooks.precision,
        created=today.isoformat(),
    )



# --- check ------------------------------------------------------------------------------------


@dataclass
class NewViolation:
    """A baselined group with offending values the baseline does not hold."""

    entry: Entry
    violation: Any  # the replacement violation (count = new values)
    rows: list[int]
    samples: list[str]
    count: int


@dataclass
class BaselineOutcome:
    """How the violations of a scan compare with a baseline."""

    file: str
    violations: list[Any] = field(default_factory=list)  # what is still reported
    accepted: list[tuple[Entry, Any]] = field(default_factory=list)
    new: list[NewViolation] = field(default_factory=list)
    stale: list[Entry] = field(default_factory=list)
    expired: list[Entry] = field(default_factory=list)

    @property
    def stale_or_expired(self) -> bool:
        """True if ``--fail-on-stale`` fails the run."""
        return bool(self.stale or self.expired)

    def to_dict(self) -> dict[str, Any]:
        """The ``baseline`` object of the JSON report."""

        def entry(e: Entry) -> dict[str, Any]:
            return {
                "path": e.path, "sheet": e.sheet, "column": e.column, "rule": e.rule, "entity": e.entity,
                "reason": e.reason, "expires": e.expires.isoformat() if e.expires else None,
            }

        return {
            "file": self.file,
            "accepted": [{**entry(e), "count": int(v.count)} for e, v in self.accepted],
            "new": [
                {**entry(n.entry), "count": n.count, "rows": n.rows, "samples": n.samples} for n in self.new
            ],
            "stale": [entry(e) for e in self.stale],
            "expired": [entry(e) for e in self.expired],
        }

    def text_lines(self) -> list[str]:
        """Lines for the terminal report."""
        lines = [
            f"baseline {self.file}: {len(self.accepted)} violation(s) accepted, {len(self.new)} with new values, "
            f"{len(self.stale)} stale entr{'y' if len(self.stale) == 1 else 'ies'}, {len(self.expired)} expired"
        ]
        for n in self.new:
            lines.append(f"  new: {n.entry.label()}: {n.count} value(s) not in the baseline, {_rows_text(n)}")
        for e in self.expired:
            lines.append(
                f"  expired: {e.label()} expired on {e.expires.isoformat() if e.expires else '?'}; "
                "its violations are reported again"
            )
        for e in self.stale:
            lines.append(f"  stale: {e.label()} matches no violation any more; re-create the baseline")
        return lines


def _rows_text(n: NewViolation) -> str:
    if not n.rows:
        return "rows not known (judged from per-date counts)"
    shown = ", ".join(str(r) for r in n.rows)
    more = f" and {n.count - len(n.rows)} more" if n.count > len(n.rows) else ""
    sample = f" (e.g. {', '.join(n.samples)})" if n.samples else ""
    return f"row(s) {shown}{more}{sample}"


def apply_baseline(
    baseline: Baseline,
    hooks: BaselineScan,
    result: ScanResult,
    *,
    policy: Any = None,
    today: _dt.date | None = None,
    partial_sources: Iterable[str] = (),
) -> BaselineOutcome:
    """Compare the violations attached to ``result`` with ``baseline``; see the module doc.

    Each dataset's ``violations`` list is rewritten in place: accepted violations are
    removed, violations with new values are replaced by one counting only the new
    values and naming their rows.  ``partial_sources`` are sources scanned only in part
    (appended rows): their unmatched entries are not called stale.
    """
    today = _scan_date(result, today)
    by_key = baseline.by_key()
    matched: set[str] = set()
    outcome = BaselineOutcome(file=baseline.path or DEFAULT_FILE)
    expired_seen: set[str] = set()
    for ds in result.datasets:
        kept = []
        for v in ds.violations:
            key: GroupKey = (hooks.path_of(ds.source), ds.sheet, v.column, v.rule, v.entity)
            entry = by_key.get(key)
            if entry is None:
                kept.append(v)
                continue
            matched.add(entry.id)
            if entry.expired(today):
                if entry.id not in expired_seen:
                    expired_seen.add(entry.id)
                    outcome.expired.append(entry)
                kept.append(v)
                continue
            new = _new_values(entry, hooks, ds, v, policy, today)
            if new.count == 0:
                outcome.accepted.append((entry, v))
                continue
            replacement = dataclasses.replace(
                v,
                count=new.count,
                message=f"{v.message}; {new.count} value(s) not in baseline {outcome.file}: "
                + _rows_text(NewViolation(entry, v, new.rows, new.samples, new.count)),
            )
            outcome.new.append(NewViolation(entry, replacement, new.rows, new.samples, new.count))
            kept.append(replacement)
        ds.violations[:] = kept
        outcome.violations.extend(kept)
    partial = {hooks.path_of(s) for s in partial_sources}
    scanned = {hooks.path_of(ds.source) for ds in result.datasets} - partial
    for entry in baseline.entries:
        if entry.id in matched:
            continue
        if entry.expired(today):
            outcome.expired.append(entry)
        elif entry.path in scanned:
            outcome.stale.append(entry)
    return outcome


def _new_values(entry: Entry, hooks: BaselineScan, ds: DatasetResult, v: Any, policy: Any, today: _dt.date) -> _NewValues:
    if not _is_rule(v.rule, "PA006"):
        return hooks.new_values.get(entry.id, _NewValues())
    dates = retention_dates(ds, v, policy, today) or {}
    ordered = sorted(dates)
    known = entry.values.contains(hooks.hasher.fingerprint_values(None, ordered))
    return _NewValues(count=sum(dates[d] for d, ok in zip(ordered, known, strict=True) if not ok))
