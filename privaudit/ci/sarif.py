"""``privaudit scan --format sarif``: SARIF 2.1.0 for GitHub code scanning and other viewers.

One result per (file, sheet, column, rule) — see :mod:`privaudit.ci.groups` — with
the number of offending cells, the line of the first offending row as
``region.startLine``, the rule's PIPL article and remedy, and a
``partialFingerprints`` entry computed from the file path, sheet, column and rule
only (never from cell values or line contents), so an alert keeps its identity when
rows move and GitHub does not hash the data lines itself.  Rule metadata
(``tool.driver.rules``) lists every rule of :data:`privaudit.policy.RULES` with its
article, remedy and tags.  What could not be examined is reported as
``invocations[0].toolExecutionNotifications``.

Nothing in the log holds a raw personal value: messages are the audit's messages
(column names, entities, counts) and the column's masked sample.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from privaudit.ci.groups import ViolationGroup, group_violations, safe_label
from privaudit.model import ScanResult

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
#: privaudit severity -> SARIF level.
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "privaudit/v1"
_TAGS = ["privacy", "personal-information", "pipl"]


def rule_name(rule_id: str) -> str:
    """``PA001-purpose-entity`` → ``PurposeEntity`` (SARIF's identifier-like rule name)."""
    words = rule_id.split("-", 1)[1].split("-") if "-" in rule_id else [rule_id]
    return "".join(w[:1].upper() + w[1:] for w in words)


def rule_descriptors() -> list[dict[str, Any]]:
    """``tool.driver.rules``: every audit rule with its PIPL article, remedy and default level."""
    from privaudit.policy import RULES

    out = []
    for rule in RULES.values():
        title = rule.title[:1].upper() + rule.title[1:]
        out.append(
            {
                "id": rule.id,
                "name": rule_name(rule.id),
                "shortDescription": {"text": title},
                "fullDescription": {"text": f"{title} ({rule.article}). {rule.remedy}".strip()},
                "help": {
                    "text": f"{title}.\n\nRests on {rule.article}.\n\nRemedy: {rule.remedy}",
                    "markdown": f"**{title}.**\n\nRests on {rule.article}.\n\n**Remedy:** {rule.remedy}",
                },
                "defaultConfiguration": {"level": LEVELS.get(rule.severity, "error")},
                "properties": {
                    "pipl_article": rule.article,
                    "remedy": rule.remedy,
                    "tags": [*_TAGS, rule.id.split("-", 1)[0]],
                    "precision": "high",
                },
            }
        )
    return out


def artifact_location(source: str, root: str | os.PathLike[str] | None) -> dict[str, Any]:
    """``artifactLocation`` for ``source``: relative to ``root`` (``%SRCROOT%``) when inside it, else a file URI."""
    path = Path(source).resolve()
    if root is not None:
        try:
            rel = path.relative_to(Path(root).resolve())
            return {"uri": quote(rel.as_posix()), "uriBaseId": SRCROOT}
        except ValueError:
            pass
    return {"uri": path.as_uri()}


def fingerprint(location: dict[str, Any], sheet: str | None, column: str | None, rule: str) -> str:
    """A stable identity for a group: SHA-256 of path, sheet, column and rule (no values, no line)."""
    text = "\x00".join([location.get("uri", ""), sheet or "", column or "", rule])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _result(group: ViolationGroup, index: dict[str, int], root: Any) -> dict[str, Any]:
    location = artifact_location(group.source, root)
    digest = fingerprint(location, group.sheet, group.column, group.rule)
    column = safe_label(group.column)
    sheet = safe_label(group.sheet)
    text = group.message
    where = []
    if group.first_row is not None:
        where.append(f"first offending data row {group.first_row}")
        if group.sheet_row is not None:
            where.append(f"sheet row {group.sheet_row}")
        elif group.dataset.format in ("csv", "tsv", "jsonl"):
            where.append(f"line {group.line}")
    if where:
        text += f" ({', '.join(where)})"
    if group.sample and group.rule.split("-", 1)[0] in ("PA001", "PA002", "PA007", "PA008", "PA012"):
        text += f"; masked sample: {group.sample}"
    if group.remedy:
        text += f". Remedy: {group.remedy}"
    logical = []
    if column is not None:
        logical.append(
            {
                "name": column,
                "fullyQualifiedName": f"{sheet}/{column}" if sheet else column,
                "kind": "member",
            }
        )
    elif sheet is not None:
        logical.append({"name": sheet, "kind": "module"})
    loc: dict[str, Any] = {
        "physicalLocation": {"artifactLocation": location, "region": {"startLine": max(1, int(group.line))}}
    }
    if logical:
        loc["logicalLocations"] = logical
    properties: dict[str, Any] = {
        "count": group.count,
        "pipl_article": group.article,
        "remedy": group.remedy,
        "sheet": sheet,
        "column": column,
        "row": group.first_row,
    }
    if group.sheet_row is not None:
        properties["sheet_row"] = group.sheet_row
    if group.entities:
        properties["entities"] = group.entities
    purposes = sorted({p for v in group.violations if (p := getattr(v, "purpose", None))})
    if purposes:
        properties["purpose"] = purposes[0] if len(purposes) == 1 else purposes
    if group.sample:
        properties["sample"] = group.sample
    out: dict[str, Any] = {
        "ruleId": group.rule,
        "level": LEVELS.get(group.severity, "error"),
        "message": {"text": text},
        "locations": [loc],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{digest[:16]}:1",
            FINGERPRINT_KEY: digest,
        },
        "properties": properties,
    }
    if group.rule in index:
        out["ruleIndex"] = index[group.rule]
    return out


def _notification(item: dict[str, Any], root: Any, level: str) -> dict[str, Any]:
    what = safe_label(str(item.get("what") or "")) or ""
    sheet = safe_label(item.get("sheet"))
    column = safe_label(item.get("column"))
    where = " / ".join(x for x in (f"sheet '{sheet}'" if sheet and sheet not in what else None,
                                   f"column '{column}'" if column else None) if x)
    text = f"Not examined: {what}{f' ({where})' if where else ''}: {item.get('why', '')}"
    out: dict[str, Any] = {
        "level": level,
        "message": {"text": text},
        "descriptor": {"id": "not-examined"},
        "properties": {"kind": item.get("kind"), "sheet": sheet, "column": column},
    }
    source = item.get("source")
    if source:
        out["locations"] = [{"physicalLocation": {"artifactLocation": artifact_location(str(source), root)}}]
    return out


def sarif_report(
    result: ScanResult,
    *,
    root: str | os.PathLike[str] | None = None,
    policy: dict[str, str] | None = None,
    exit_code: int | None = None,
    fail_on_incomplete: bool = False,
    row_hint: Any = None,
    extra_notifications: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The SARIF 2.1.0 log of an audited scan (violations are read from each ``DatasetResult``).

    ``root`` is the directory result URIs are made relative to (``%SRCROOT%``: the
    repository or configuration root); ``policy`` its name and version;
    ``exit_code`` the command's exit code.  Not-examined items become notifications
    of level ``error`` with ``fail_on_incomplete``, else ``warning``.
    ``extra_notifications`` are added as they are (e.g. stale baseline entries).
    """
    from privaudit import __version__

    rules = rule_descriptors()
    index = {r["id"]: i for i, r in enumerate(rules)}
    groups = group_violations(result, row_hint=row_hint)
    level = "error" if fail_on_incomplete else "warning"
    notifications = [_notification(item, root, level) for item in result.all_not_examined()]
    notifications.extend(extra_notifications or [])
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if exit_code is not None:
        invocation["exitCode"] = int(exit_code)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "privaudit",
                "version": __version__,
                "semanticVersion": __version__ if re.fullmatch(r"\d+\.\d+\.\d+.*", __version__) else None,
                "rules": rules,
                "properties": {"tags": _TAGS},
            }
        },
        "invocations": [invocation],
        "results": [_result(g, index, root) for g in groups],
        "columnKind": "unicodeCodePoints",
        "properties": {
            "policy": policy,
            "datasets": len(result.datasets),
            "rows": sum(ds.rows for ds in result.datasets),
            "not_examined": len(notifications),
        },
    }
    if run["tool"]["driver"]["semanticVersion"] is None:
        del run["tool"]["driver"]["semanticVersion"]
    if root is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": Path(root).resolve().as_uri().rstrip("/") + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
