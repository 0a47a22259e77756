"""Rendering results: terminal text, the JSON report, the findings JSON Lines export.

Nothing rendered here holds a raw personal value: column samples and findings
are masked by the scanner before they get here.
"""

from __future__ import annotations

import json
import os
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from privaudit.model import FINDING_COLUMNS, DatasetResult, ScanResult


def _tool() -> dict[str, str]:
    from privaudit import __version__

    return {"name": "privaudit", "version": __version__}


def column_dict(col) -> dict[str, Any]:
    """A column profile as the JSON report's ``columns[]`` entry (contract fields first)."""
    return {
        "name": col.name,
        "entities": list(col.entities),
        "cells_with_findings": col.cells_with_findings,
        "share": col.share,
        "sample": col.sample,
        "primary": col.primary,
        "kind": col.kind,
        "cells": col.cells,
        "entity_cells": dict(col.entity_cells),
        "masked_cells": col.masked_cells,
        "damaged_cells": col.damaged_cells,
        "granularity": dict(col.granularity),
        "warnings": list(col.warnings),
        "first_row": dict(col.first_row),
    }


def _violation_dict(v: Any) -> dict[str, Any]:
    return v.to_dict() if hasattr(v, "to_dict") else dict(v)


def dataset_dict(ds: DatasetResult) -> dict[str, Any]:
    """A dataset as the JSON report's ``datasets[]`` entry."""
    return {
        "source": ds.source,
        "sheet": ds.sheet,
        "format": ds.format,
        "encoding": ds.encoding,
        "rows": ds.rows,
        "columns": [column_dict(c) for c in ds.columns],
        "violations": [_violation_dict(v) for v in ds.violations],
        "warnings": list(ds.warnings),
        "minors_under_14": ds.minors_under_14,
        "minors_under_18": ds.minors_under_18,
        "not_examined": list(ds.not_examined),
    }


def summary_dict(result: ScanResult) -> dict[str, Any]:
    """Totals across datasets."""
    cells_by_entity: Counter = Counter()
    severities: Counter = Counter()
    for ds in result.datasets:
        for col in ds.columns:
            cells_by_entity.update(col.entity_cells)
        severities.update(_violation_dict(v).get("severity", "error") for v in ds.violations)
    return {
        "datasets": len(result.datasets),
        "rows": sum(ds.rows for ds in result.datasets),
        "columns_with_personal_information": sum(
            1 for ds in result.datasets for c in ds.columns if c.entities
        ),
        "cells_by_entity": dict(sorted(cells_by_entity.items())),
        "minors_under_14": sum(ds.minors_under_14 for ds in result.datasets),
        "minors_under_18": sum(ds.minors_under_18 for ds in result.datasets),
        "warnings": sum(len(ds.warnings) for ds in result.datasets),
        "violations": dict(severities),
        "scanned_at": result.scanned_at,
        "not_examined": len(result.all_not_examined()),
    }


def json_report(result: ScanResult, policy: dict[str, str] | None = None) -> dict[str, Any]:
    """The JSON report object of ``shared/contracts.md``.

    Beyond the contract: ``not_examined`` lists everything the scan could not examine
    (whole files found in a directory, sheets, cells, rows), each with ``source``,
    ``sheet``, ``column``, ``kind``, ``what`` and ``why``; ``datasets[].not_examined``
    holds each dataset's own items and ``summary.not_examined`` their count.
    """
    return {
        "tool": _tool(),
        "policy": policy,
        "datasets": [dataset_dict(ds) for ds in result.datasets],
        "not_examined": [dict(item) for item in result.all_not_examined()],
        "summary": summary_dict(result),
    }


# -- terminal text ------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _cut(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            break
        out += ch
    return out + "…"


def text_report(result: ScanResult) -> str:
    """A human summary: per dataset, per column, entities, share, masked sample, warnings."""
    lines: list[str] = []
    for ds in result.datasets:
        where = ds.source + (f" [{ds.sheet}]" if ds.sheet else "")
        meta = " · ".join(x for x in (ds.format, ds.encoding, f"{ds.rows:,} rows") if x)
        lines.append(f"{where}  ({meta})")
        header = ["column", "class", "entities", "share", "sample"]
        rows = []
        for col in ds.columns:
            rows.append(
                [
                    _cut(col.name, 24),
                    col.primary or "-",
                    _cut(", ".join(col.entities) or "-", 44),
                    f"{col.share:.0%}" if col.entities else "",
                    col.sample or "",
                ]
            )
        widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
        lines.append("  " + "  ".join(_pad(h, w) for h, w in zip(header, widths, strict=True)).rstrip())
        for r in rows:
            lines.append("  " + "  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip())
        if ds.minors_under_14 or ds.minors_under_18:
            lines.append(
                f"  minors (from resident-ID birth dates): {ds.minors_under_14} under 14, "
                f"{ds.minors_under_18} under 18"
            )
        for w in ds.warnings:
            lines.append(f"  warning: {w}")
        for item in ds.not_examined:
            lines.append(f"  not examined: {_not_examined_text(item, ds.sheet)}")
        for v in ds.violations:
            d = _violation_dict(v)
            lines.append(f"  {d.get('severity', 'error')} {d.get('rule', '')} ({d.get('article', '')}): {d.get('message', '')}")
        lines.append("")
    for item in result.not_examined:
        lines.append(f"{item.get('source', '')}: not examined: {_not_examined_text(item, None)}")
    if result.not_examined:
        lines.append("")
    s = summary_dict(result)
    lines.append(
        f"{s['datasets']} dataset(s), {s['rows']:,} rows, "
        f"{s['columns_with_personal_information']} column(s) with personal information"
        + (f", {s['not_examined']} item(s) not examined" if s["not_examined"] else "")
    )
    return "\n".join(lines) + "\n"


def _not_examined_text(item: dict[str, Any], sheet: str | None) -> str:
    """``what [sheet]: why`` for one not-examined item (the sheet only when it is not the dataset's)."""
    what = str(item.get("what") or item.get("kind") or "")
    other = item.get("sheet")
    if other and other != sheet and str(other) not in what:
        what += f" [{other}]"
    return f"{what}: {item.get('why', '')}"


# -- files -------------------------------------------------------------------------------


class AtomicWriter:
    """Write a text file atomically: a temporary file beside the target, renamed on success.

    On an exception nothing is left behind, so a failed run leaves no half-written output.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._tmp: str | None = None
        self.handle: TextIO | None = None

    def __enter__(self) -> TextIO:
        directory = self.path.parent if str(self.path.parent) else Path(".")
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=directory)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        return self.handle

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.handle is not None and self._tmp is not None
        self.handle.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            os.unlink(self._tmp)


def write_findings_jsonl(frame: pd.DataFrame, handle: TextIO) -> None:
    """Append findings (contract columns) to an open JSON Lines file."""
    frame = frame[FINDING_COLUMNS]
    sheet = frame["sheet"].astype(object).where(frame["sheet"].notna(), None)
    frame = frame.assign(sheet=sheet)
    for rec in frame.itertuples(index=False, name=None):
        handle.write(
            json.dumps(
                {
                    "source": rec[0],
                    "sheet": rec[1],
                    "row": int(rec[2]),
                    "column": rec[3],
                    "entity": rec[4],
                    "start": int(rec[5]),
                    "end": int(rec[6]),
                    "score": float(rec[7]),
                    "masked": rec[8],
                },
                ensure_ascii=False,
            )
            + "\n"
        )
