"""Violations aggregated per (file, sheet, column, rule), located at their first offending row.

The CI formats (SARIF, GitHub annotations) report one result per group, so a
million-row file gives as many results as it has offending (column, rule) pairs — a
few dozen — never one per cell.  Each group points at the line of its first
offending row:

* delimited text (CSV/TSV): the physical line of that record (title and header
  lines counted; quoted values spanning lines are followed exactly);
* JSON Lines: the record's line;
* Excel: no line in a binary file — the location is line 1 of the workbook, and the
  sheet row is given as ``sheet_row`` (``properties`` / logical location);
* JSON arrays and Parquet: line 1, with the 0-based record index as ``row``.

Column-level findings without a row (retention dates, rules about the dataset as a
whole) point at the header line (CSV, Excel) or line 1.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from privaudit.model import DatasetResult, ScanResult

_SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
#: Rules whose column (if any) has no offending *row* to point at.
_NO_ROW_RULES = ("PA006", "PA009", "PA010", "PA011")
#: Formats whose data rows sit on text lines.
_LINE_FORMATS = ("csv", "tsv", "jsonl")
_BLOCK = 1 << 24  # bytes read at a time when following quoted line breaks
_DIGIT_RUN = re.compile(r"[0-9０-９][0-9０-９ \-]{5,}[0-9０-９Xx]")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")


def safe_label(text: str | None) -> str | None:
    """A column or sheet name fit for a report: digit runs of 7+ and e-mail addresses masked.

    Headers are normally names such as 身份证号, but a file without a header row makes
    its first record the header — then the "column names" are personal values.
    """
    if text is None:
        return None
    from privaudit.masking import mask

    text = _DIGIT_RUN.sub(lambda m: m.group() if _DATE.fullmatch(m.group()) else mask(None, m.group(), keep=(2, 2)), text)
    return _EMAIL.sub(lambda m: mask("EMAIL_ADDRESS", m.group()), text)


def _v(v: Any, name: str, default: Any = None) -> Any:
    if hasattr(v, name):
        return getattr(v, name)
    return v.get(name, default) if isinstance(v, dict) else default


@dataclass
class ViolationGroup:
    """The violations of one rule on one column (or on the dataset as a whole) of one dataset."""

    dataset: DatasetResult
    column: str | None
    rule: str
    violations: list[Any] = field(default_factory=list)
    #: 0-based data row of the first offending cell, when known.
    first_row: int | None = None
    #: 1-based line of ``first_row`` (or of the header / line 1), see the module doc.
    line: int = 1

    @property
    def source(self) -> str:
        """The file, as given to the scan."""
        return self.dataset.source

    @property
    def sheet(self) -> str | None:
        """The Excel sheet, or None."""
        return self.dataset.sheet

    @property
    def severity(self) -> str:
        """The highest severity among the group's violations."""
        return max((_v(v, "severity", "error") for v in self.violations), key=lambda s: _SEVERITY_RANK.get(s, 2))

    @property
    def count(self) -> int:
        """Cells (or records) concerned, summed over the group's violations (one per entity)."""
        return int(sum(int(_v(v, "count", 0) or 0) for v in self.violations))

    @property
    def entities(self) -> dict[str, int]:
        """Per entity named by a violation, its count."""
        out: dict[str, int] = {}
        for v in self.violations:
            entity = _v(v, "entity")
            if entity:
                out[entity] = out.get(entity, 0) + int(_v(v, "count", 0) or 0)
        return out

    @property
    def article(self) -> str:
        """The PIPL article(s) the group's violations rest on."""
        seen: list[str] = []
        for v in self.violations:
            a = _v(v, "article", "")
            if a and a not in seen:
                seen.append(a)
        return "; ".join(seen)

    @property
    def message(self) -> str:
        """The violations' messages, their common start said once (never a cell value)."""
        seen: list[str] = []
        for v in self.violations:
            m = str(_v(v, "message", ""))
            if m and m not in seen:
                seen.append(m)
        return self._safe(_join_messages(seen))

    @property
    def remedy(self) -> str:
        """The violations' remedy; the rule's generic one when they differ (one per entity)."""
        remedies = {str(_v(v, "remedy")) for v in self.violations if _v(v, "remedy")}
        if len(remedies) > 1:
            from privaudit.policy import RULES

            rule = RULES.get(self.rule)
            if rule is not None and rule.remedy:
                return rule.remedy
        return self._safe(min(remedies, default=""))

    def _safe(self, text: str) -> str:
        for name in (self.column, self.sheet):
            if name:
                safe = safe_label(name)
                if safe != name:
                    text = text.replace(name, safe or "")
        return text

    @property
    def sample(self) -> str | None:
        """The column's masked sample (never raw), if the scan kept one."""
        if self.column is None:
            return None
        try:
            return self.dataset.column(self.column).sample
        except KeyError:
            return None

    @property
    def sheet_row(self) -> int | None:
        """For Excel: the 1-based sheet row of the first offending row."""
        if self.dataset.format != "xlsx" or self.first_row is None or self.dataset.first_data_line is None:
            return None
        return self.dataset.first_data_line + self.first_row


def _join_messages(messages: list[str]) -> str:
    """``a holds X in 3 cells`` + ``a holds Y in 2 cells`` → ``a holds X in 3 cells, Y in 2 cells``."""
    if len(messages) <= 1:
        return messages[0] if messages else ""
    prefix = os.path.commonprefix(messages)
    cut = prefix.rfind(" ") + 1  # whole words only
    if cut <= 0:
        return "; ".join(messages)
    return messages[0][:cut] + ", ".join(m[cut:] for m in messages)


def group_violations(result: ScanResult, row_hint: Any = None) -> list[ViolationGroup]:
    """The violations of every dataset in ``result`` grouped per (dataset, column, rule), located.

    ``row_hint(dataset, violation)`` may return the row to point at instead of the
    column's first offending row (a baseline points at the first *new* value).
    Groups keep the order of the violations.
    """
    lines = LineLocator()
    groups: list[ViolationGroup] = []
    for ds in result.datasets:
        by_key: dict[tuple[str | None, str], ViolationGroup] = {}
        for v in ds.violations:
            key = (_v(v, "column"), str(_v(v, "rule", "")))
            group = by_key.get(key)
            if group is None:
                group = by_key[key] = ViolationGroup(dataset=ds, column=key[0], rule=key[1])
                groups.append(group)
            group.violations.append(v)
            row = row_hint(ds, v) if row_hint is not None else None
            if row is None:
                row = first_offending_row(ds, v)
            if row is not None and (group.first_row is None or row < group.first_row):
                group.first_row = row
        for group in by_key.values():
            group.line = lines.line(ds, group.first_row)
    return groups


def first_offending_row(ds: DatasetResult, v: Any) -> int | None:
    """The 0-based data row of the first cell violation ``v`` is about, or None."""
    column = _v(v, "column")
    rule = str(_v(v, "rule", ""))
    if column is None or rule.startswith(_NO_ROW_RULES):
        return None
    try:
        col = ds.column(column)
    except KeyError:
        return None
    entity = _v(v, "entity")
    if entity and entity in col.first_row:
        return col.first_row[entity]
    return min(col.first_row.values(), default=None)


class LineLocator:
    """Maps data rows to file lines (see the module doc), reading a file only when it quotes line breaks."""

    def __init__(self) -> None:
        self._record_lines: dict[str, np.ndarray | None] = {}

    def line(self, ds: DatasetResult, row: int | None) -> int:
        """The 1-based line to point at for data row ``row`` of ``ds`` (``None``: the header)."""
        if ds.format not in _LINE_FORMATS:
            return 1
        if row is None or ds.first_data_line is None:
            return ds.header_line or 1
        if ds.format == "jsonl":
            return ds.first_data_line + row
        starts = self._starts(ds)
        if starts is None:
            return ds.first_data_line + row
        # starts: 1-based first line of each record from the first data row on
        return int(starts[row]) if row < len(starts) else ds.first_data_line + row

    def _starts(self, ds: DatasetResult) -> np.ndarray | None:
        """Start lines of the data records when the file has quoted line breaks, else None."""
        if ds.source in self._record_lines:
            return self._record_lines[ds.source]
        starts = None
        try:
            starts = _record_start_lines(ds.source, ds.first_data_line or 1)
        except OSError:
            starts = None
        self._record_lines[ds.source] = starts
        return starts


def _record_start_lines(path: str, first_data_line: int) -> np.ndarray | None:
    """1-based start line of every record from line ``first_data_line`` on, or None if no quote occurs.

    A record ends at a line break outside double quotes (a doubled ``""`` toggles
    twice, so parity decides).  ``"`` and line-break bytes never occur inside
    multi-byte UTF-8 or GB18030 characters, so bytes suffice.
    """
    if not os.path.isfile(path):
        return None
    newlines: list[np.ndarray] = []
    quotes: list[np.ndarray] = []
    carriage: list[np.ndarray] = []
    offset = 0
    any_quote = False
    with open(path, "rb") as fh:
        while True:
            block = fh.read(_BLOCK)
            if not block:
                break
            arr = np.frombuffer(block, dtype=np.uint8)
            if b'"' in block:
                any_quote = True
                quotes.append(np.flatnonzero(arr == 34) + offset)
            newlines.append(np.flatnonzero(arr == 10) + offset)
            if b"\r" in block:
                carriage.append(np.flatnonzero(arr == 13) + offset)
            offset += len(block)
    if not any_quote:
        return None
    nl = np.concatenate(newlines) if newlines else np.empty(0, dtype=np.int64)
    if not len(nl) and carriage:  # old Mac line ends
        nl = np.concatenate(carriage)
    q = np.concatenate(quotes)
    outside = (np.searchsorted(q, nl) % 2) == 0  # line breaks outside quotes end records
    physical_line = np.arange(1, len(nl) + 1)[outside]  # the line each record-ending break ends
    starts = physical_line + 1
    return starts[starts >= first_data_line]
