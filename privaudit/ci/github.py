"""``privaudit scan --format github``: GitHub Actions workflow commands (annotations).

One ``::error`` / ``::warning`` / ``::notice`` line per (file, sheet, column, rule)
group (see :mod:`privaudit.ci.groups`), at the line of the first offending row,
titled with the rule id; one ``::warning`` (``::error`` with
``--fail-on-incomplete``) per thing not examined; a closing summary line.
Values are escaped as the Actions runner expects: ``%``, CR and LF in the message;
additionally ``:`` and ``,`` in properties (``file=``, ``title=``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from privaudit.ci.groups import group_violations, safe_label
from privaudit.model import ScanResult

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message (``%``, ``\\r``, ``\\n``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value (also ``:`` and ``,``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(kind: str, message: str, **properties: Any) -> str:
    """One workflow command line: ``::kind key=value,...::message`` (None properties left out)."""
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items() if v is not None)
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def workspace_path(source: str, root: str | os.PathLike[str] | None) -> str:
    """``source`` relative to ``root`` (the workspace / repository root) when inside it, else absolute."""
    path = Path(source).resolve()
    if root is not None:
        try:
            return path.relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def github_report(
    result: ScanResult,
    *,
    root: str | os.PathLike[str] | None = None,
    fail_on_incomplete: bool = False,
    exit_code: int | None = None,
    row_hint: Any = None,
    extra_lines: list[str] | None = None,
) -> str:
    """The annotations of an audited scan, one command per line, then a plain summary line."""
    lines: list[str] = []
    groups = group_violations(result, row_hint=row_hint)
    for g in groups:
        column = safe_label(g.column)
        where = f" [{safe_label(g.sheet)}]" if g.sheet else ""
        text = g.message
        if g.first_row is not None:
            text += f" (first at data row {g.first_row}" + (
                f", sheet row {g.sheet_row})" if g.sheet_row is not None else ")"
            )
        if g.remedy:
            text += f". Remedy: {g.remedy}"
        title = f"{g.rule}{where}" + (f" {column}" if column else "")
        lines.append(
            command(
                COMMANDS.get(g.severity, "error"),
                text,
                file=workspace_path(g.source, root),
                line=g.line,
                title=title,
            )
        )
    kind = "error" if fail_on_incomplete else "warning"
    items = result.all_not_examined()
    for item in items:
        what = safe_label(str(item.get("what") or "")) or ""
        extra = f" [{safe_label(item.get('sheet'))}]" if item.get("sheet") and str(item.get("sheet")) not in what else ""
        source = item.get("source")
        lines.append(
            command(
                kind,
                f"not examined: {what}{extra}: {item.get('why', '')}",
                file=workspace_path(str(source), root) if source else None,
                title="privaudit: not examined",
            )
        )
    lines.extend(extra_lines or [])
    n = len(groups)
    summary = (
        f"privaudit: {len(result.datasets)} dataset(s), {sum(ds.rows for ds in result.datasets):,} rows, "
        f"{n} violation group(s), {len(items)} item(s) not examined"
    )
    if exit_code is not None:
        summary += f", exit {exit_code}"
    lines.append(summary)
    return "\n".join(lines) + "\n"
