"""Tiered views: one policy tier applied to scanned datasets, with a re-identification check.

:func:`transform` builds the view of one tier, :func:`tiers` the views of every tier of a
policy from a single scan.  Per table (a file, or one sheet of a workbook):

1. the scan (:func:`privaudit.scan`) tells each column's class (``ColumnProfile.primary``)
   and where the identifiers sit inside free-text cells;
2. each column gets one operator — the tier's ``columns:`` entry (exact name, then the
   first matching glob), else its ``entities:`` entry for the column's class, else the
   tier's ``default`` for identifier columns (``redact`` unless the policy says
   otherwise) and ``keep`` for attribute and other columns.  Free-text columns, and
   columns kept whole that still hold identifiers found cell by cell, get the operators
   of the identifiers found inside their cells (:func:`~privaudit.transform.operators.apply_spans`);
3. after the transform, if the tier has ``k`` / ``l``, the released quasi-identifier
   columns are checked (:func:`~privaudit.transform.risk.assess`): below ``k`` the tier
   fails with :class:`RiskError` (exit 1) naming the smallest groups by their released
   values — or, with ``suppress: true``, the records of those groups are suppressed and
   counted in the manifest.

Nothing is written here; :meth:`TierResult.write` and :func:`write_tiers` do that
(:mod:`privaudit.transform.writer`).  No raw value of a personal-information column ever
appears in a manifest or message.
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from privaudit.entities import ALL_ENTITIES, ATTRIBUTE_ENTITIES, IDENTIFIER_ENTITIES
from privaudit.errors import InputError, PolicyError, PrivauditError
from privaudit.io.table import Table
from privaudit.masking import mask
from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy.model import Policy, Tier
from privaudit.transform.spec import OperatorSpec, TransformContext
from privaudit.transform.writer import Staging, View, file_sha256, write_views

#: Operators that need the secret key.
KEYED_OPERATORS = frozenset({"pseudonymise", "encrypt", "surrogate"})
#: Groups named in a risk failure / the manifest.
SMALLEST_GROUPS = 5
#: Label whose keyed fingerprint identifies the key used, without revealing it.
KEY_ID_LABEL = "privaudit/v1/key-id"
_KEEP = OperatorSpec("keep")
_FREE_TEXT = "FREE_TEXT"


class RiskError(PrivauditError):
    """A tier's view does not meet its ``k`` / ``l`` threshold (a policy failure: exit 1).

    The message names the smallest groups by their released (generalised) values only.
    """

    exit_code = 1


# --------------------------------------------------------------------------- results


@dataclass
class TierResult:
    """The view of one tier: per table the transformed DataFrame, plus a manifest.

    ``views`` are in scan order (files, then sheets); ``frames`` maps ``(source, sheet)``
    to each view's DataFrame; ``frame`` is the DataFrame when there is only one table.
    ``manifest`` is plain JSON-ready data: rows in/out, suppressed rows, the operator of
    every column, k / l figures, input checksums — never a raw value.
    """

    tier: str
    views: list[View]
    manifest: dict[str, Any]
    _relpaths: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def frames(self) -> dict[tuple[str, str | None], pd.DataFrame]:
        """``{(source, sheet): DataFrame}`` for every table."""
        return {(v.table.source, v.table.sheet): v.frame for v in self.views}

    @property
    def frame(self) -> pd.DataFrame:
        """The only table's DataFrame (ValueError when the input had several tables)."""
        if len(self.views) != 1:
            raise ValueError(f"{len(self.views)} tables; use .frames")
        return self.views[0].frame

    def write(
        self, out: str | os.PathLike[str], *, force: bool = False, staging: Staging | None = None
    ) -> list[Path]:
        """Write the view in the input's format (atomically; never over a source).

        For a single input file ``out`` is the output file (a workbook's sheets go into
        one workbook; an existing directory gets the input's file name); for several
        input files it is a directory, each file written at its path relative to the
        input.  Returns the files written; their sha256 are added to :attr:`manifest`
        (``outputs``).  With ``staging`` the files are only staged: the caller commits.
        """
        single = len(_sources(self.views, keep_memory=True)) == 1
        out = Path(out)
        if single and out.is_dir():
            out = out / _single_name(self)
        own = staging is None
        stage = Staging(sources=_sources(self.views), force=force) if own else staging
        stage.sources.extend(_sources(self.views))
        try:
            targets = _plan_targets(self, out, single_file=single)
            for target, views in targets.items():
                write_views(views, target, stage)
            hashes = stage.hashes()
            if own:
                stage.commit()
        except BaseException:
            if own:
                stage.abort()
            raise
        self.manifest["outputs"] = [{"path": str(p), "sha256": hashes[p]} for p in targets]
        return list(targets)


def _sources(views: Sequence[View], keep_memory: bool = False) -> list[str]:
    out = dict.fromkeys(v.table.source for v in views if keep_memory or v.table.format != "dataframe")
    return list(out)


def _plan_targets(result: TierResult, out: Path, single_file: bool) -> dict[Path, list[View]]:
    grouped: dict[str, list[View]] = {}
    for view in result.views:
        grouped.setdefault(view.table.source, []).append(view)
    if single_file:
        return {out: next(iter(grouped.values()))}
    return {out / result._relpaths.get(src, os.path.basename(src)): views for src, views in grouped.items()}


# --------------------------------------------------------------------------- preparing


@dataclass
class _Prepared:
    """One scan, reused by every tier: tables, their data, profiles and span findings."""

    tables: list[Table]
    frames: list[pd.DataFrame]
    datasets: list[DatasetResult]
    spans: list[pd.DataFrame]  # per table: column, row, start, end, entity (identifiers only)
    inputs: dict[str, str]  # source -> sha256 of the file
    relpaths: dict[str, str]
    scan_seconds: float = 0.0


_SPAN_COLUMNS = ["column", "row", "start", "end", "entity"]


def _compact(findings: pd.DataFrame) -> pd.DataFrame:
    """A chunk's identifier findings, small: labels as categories, offsets as int32."""
    part = findings.loc[findings["entity"].isin(IDENTIFIER_ENTITIES)]
    return pd.DataFrame(
        {
            "column": part["column"].astype("category"),
            "row": part["row"].to_numpy(dtype="int64"),
            "start": part["start"].to_numpy(dtype="int32"),
            "end": part["end"].to_numpy(dtype="int32"),
            "entity": part["entity"].astype("category"),
        }
    )


def _spans(parts: list[pd.DataFrame], dataset: DatasetResult) -> pd.DataFrame:
    """One table's spans, without those of a column's own class: a column is rewritten
    (or kept) whole for its class, so only the other identifiers inside its cells — and
    everything inside free text — need their spans."""
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("row", "start", "end") else "object") for c in _SPAN_COLUMNS})
    column = union_categoricals([p["column"] for p in parts])
    entity = union_categoricals([p["entity"] for p in parts])
    primary = {c.name: c.primary for c in dataset.columns}
    primary_by_code = np.array([primary.get(c) for c in column.categories], dtype=object)
    entity_by_code = np.asarray(entity.categories, dtype=object)
    keep = entity_by_code[entity.codes] != primary_by_code[column.codes]
    return pd.DataFrame(
        {
            "column": pd.Categorical(column)[keep],
            "row": np.concatenate([p["row"].to_numpy() for p in parts])[keep],
            "start": np.concatenate([p["start"].to_numpy() for p in parts])[keep],
            "end": np.concatenate([p["end"].to_numpy() for p in parts])[keep],
            "entity": pd.Categorical(entity)[keep],
        }
    )


def prepare(obj: Any, *, today: _dt.date | None = None, chunk_rows: int | None = None) -> _Prepared:
    """Scan ``obj`` once, keeping its data, column profiles and identifier spans for the tiers."""
    import time

    from privaudit.api import scan

    tables: list[Table] = []
    kept_chunks: dict[int, list[pd.DataFrame]] = {}
    kept_spans: dict[int, list[pd.DataFrame]] = {}

    def on_table(table: Table) -> None:
        tables.append(table)
        kept_chunks[id(table)] = []
        kept_spans[id(table)] = []

    def on_chunk(table: Table, chunk: pd.DataFrame, _attributes: Mapping[str, str | None]) -> None:
        kept_chunks[id(table)].append(chunk)

    def on_findings(frame: pd.DataFrame) -> None:
        if len(frame):  # findings arrive while their table is scanned: the last one opened
            kept_spans[id(tables[-1])].append(_compact(frame))

    started = time.perf_counter()
    result: ScanResult = scan(
        obj, keep_findings=False, on_findings=on_findings, on_table=on_table, on_chunk=on_chunk,
        today=today, chunk_rows=chunk_rows,
    )
    scan_seconds = time.perf_counter() - started
    _check_complete(result, tables)
    frames, spans = [], []
    for table, dataset in zip(tables, result.datasets, strict=True):
        parts = kept_chunks.pop(id(table))
        if not parts:
            frames.append(pd.DataFrame({c: pd.Series(dtype="str") for c in table.columns}))
        else:
            frames.append(pd.concat(parts) if len(parts) > 1 else parts[0])
        spans.append(_spans(kept_spans.pop(id(table)), dataset))
    inputs = {}
    for table in tables:
        if table.format != "dataframe" and table.source not in inputs:
            inputs[table.source] = file_sha256(table.source)
    return _Prepared(
        tables=tables, frames=frames, datasets=list(result.datasets), spans=spans, inputs=inputs,
        relpaths=_relpaths(obj, tables), scan_seconds=scan_seconds,
    )


def _check_complete(result: ScanResult, tables: Sequence[Table]) -> None:
    """A view must hold every row: refuse inputs that could not be read completely."""
    for item in getattr(result, "not_examined", None) or []:
        where = item.get("source") or item.get("what") or "an input"
        raise InputError(f"{where}: cannot be transformed ({item.get('why', 'not readable')})")
    for table in tables:
        for item in table.not_examined:
            if item.get("kind") == "rows":
                raise InputError(
                    f"{table.source}: cannot be transformed: {item.get('what')} could not be read ({item.get('why')})"
                )


def _relpaths(obj: Any, tables: Sequence[Table]) -> dict[str, str]:
    """Output path of each source relative to an output directory."""
    roots = [os.fspath(o) for o in (obj if isinstance(obj, list | tuple) else [obj]) if isinstance(o, str | os.PathLike)]
    out: dict[str, str] = {}
    for table in tables:
        if table.format == "dataframe":
            continue
        rel = os.path.basename(table.source)
        for root in roots:
            if os.path.isdir(root):
                candidate = os.path.relpath(table.source, root)
                if not candidate.startswith(".."):
                    rel = candidate
                    break
        out[table.source] = rel
    return out


# --------------------------------------------------------------------------- column plan


@dataclass
class _Plan:
    """What happens to one column."""

    spec: OperatorSpec  # the column-level operator (keep = the column is not rewritten whole)
    entity: str | None  # the column's class passed to the operator
    why: str  # "column" | "entity" | "default" | "none"
    span_ops: dict[str, OperatorSpec] = field(default_factory=dict)  # identifier -> operator inside cells


def _column_spec(tier: Tier, name: str) -> OperatorSpec | None:
    if name in tier.column_specs:
        return tier.column_specs[name]
    for pattern, spec in tier.column_specs.items():
        if fnmatch.fnmatchcase(name, pattern):
            return spec
    return None


def _entity_spec(tier: Tier, entity: str) -> tuple[OperatorSpec, str]:
    if entity in tier.entity_specs:
        return tier.entity_specs[entity], "entity"
    if entity in IDENTIFIER_ENTITIES:
        return tier.default, "default"
    return _KEEP, "unlisted"


#: ``generalise`` ``to:`` levels that name one entity: what a column the scan gives no
#: class (``所在区县`` holding district names) is generalised as.
_GENERALISED_AS = {
    "province": "ADDRESS", "city": "ADDRESS", "district": "ADDRESS", "street": "ADDRESS",
    "year": "DATE_OF_BIRTH", "month": "DATE_OF_BIRTH", "age_band": "DATE_OF_BIRTH",
    "region_year": "CN_RESIDENT_ID", "region": "CN_RESIDENT_ID", "grid": "GEO_COORDINATE", "band": "AGE",
}


def _generalised_as(spec: OperatorSpec) -> str | None:
    to = spec.params.get("to")
    return _GENERALISED_AS.get(to) if isinstance(to, str) else None


def plan_column(tier: Tier, profile: ColumnProfile, found: Iterable[str]) -> _Plan:
    """The operator for one column and, for cells kept whole, for the identifiers inside them.

    ``found`` lists the identifier entities found cell by cell in the column.
    """
    primary = profile.primary
    entity = primary if primary in ALL_ENTITIES else None
    explicit = _column_spec(tier, profile.name)
    if explicit is not None:
        if entity is None and explicit.name == "generalise":
            entity = _generalised_as(explicit)
        return _Plan(explicit, entity, "column")
    if entity is not None:
        spec, why = _entity_spec(tier, entity)
    else:
        spec, why = _KEEP, "unlisted"
    plan = _Plan(spec, entity, why)
    if spec.name == "keep":
        for ent in found:
            op, _ = _entity_spec(tier, ent)
            if ent != entity and op.name != "keep":
                plan.span_ops[ent] = op
    return plan


def _needs_key(tier: Tier) -> bool:
    specs = [*tier.entity_specs.values(), *tier.column_specs.values(), tier.default]
    return any(s.name in KEYED_OPERATORS for s in specs)


# --------------------------------------------------------------------------- one table


def _resolve(names: Sequence[str], frame: pd.DataFrame, profiles: Mapping[str, ColumnProfile]) -> list[str]:
    """Quasi-identifier / sensitive names (columns, globs, entities) as released columns."""
    out: dict[str, None] = {}
    for name in names:
        if name in frame.columns:
            out[name] = None
        elif name in ALL_ENTITIES:
            out.update(dict.fromkeys(c for c in frame.columns if c in profiles and profiles[c].primary == name))
        else:
            out.update(dict.fromkeys(c for c in frame.columns if fnmatch.fnmatchcase(c, name)))
    return list(out)


def _shown(value: Any, column: str, plans: Mapping[str, _Plan], profiles: Mapping[str, ColumnProfile]) -> str:
    """A released quasi-identifier value safe to print: generalised / transformed values and
    coarse attributes as they are; anything a reader could single a person out by, masked."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "(empty)"
    text = str(value)
    plan, profile = plans.get(column), profiles.get(column)
    entity = profile.primary if profile is not None else None
    if plan is not None and plan.spec.name != "keep":
        return text
    if entity is None:
        return text
    coarse = profile.granularity.get(entity) if profile is not None else None
    if entity in ATTRIBUTE_ENTITIES and entity != "DATE_OF_BIRTH":
        return text
    if entity == "DATE_OF_BIRTH" and coarse == "year":
        return text
    if entity in ("ADDRESS", "GEO_COORDINATE") and coarse in ("district", "city", "province"):
        return text
    return mask(entity if entity in IDENTIFIER_ENTITIES else "", text)


def _risk_dict(
    report: Any, tier: Tier, plans: Mapping[str, _Plan], profiles: Mapping[str, ColumnProfile]
) -> dict[str, Any]:
    """A :class:`~privaudit.transform.risk.RiskReport` for the manifest, values shown safely."""
    groups = [
        {"values": {c: _shown(v, c, plans, profiles) for c, v in g["values"].items()}, "records": int(g["size"])}
        for g in report.smallest_groups[:SMALLEST_GROUPS]
    ]
    l_values = {s: int(v) for s, v in report.l.items()}
    return {
        "quasi_identifiers": list(report.quasi_identifiers),
        "sensitive": list(l_values),
        "k": int(report.k),
        "k_required": tier.k,
        "l": min(l_values.values()) if l_values else None,
        "l_by_attribute": l_values,
        "l_required": tier.l,
        "groups": int(report.groups),
        "smallest_groups": groups,
    }


def _describe_groups(risk: Mapping[str, Any]) -> str:
    parts = []
    for g in risk["smallest_groups"]:
        values = ", ".join(f"{c}={v}" for c, v in g["values"].items())
        parts.append(f"({values}): {g['records']}")
    return "; ".join(parts)


def _transform_table(
    table: Table, frame: pd.DataFrame, dataset: DatasetResult, spans: pd.DataFrame,
    tier: Tier, ctx: TransformContext,
) -> tuple[View, dict[str, Any]]:
    from privaudit.transform.operators import apply_column, apply_spans

    profiles = {c.name: c for c in dataset.columns}
    found_by_column: dict[str, list[str]] = {}
    span_groups: dict[str, pd.DataFrame] = {}
    if len(spans):
        for column, part in spans.groupby("column", observed=True, sort=False):
            span_groups[str(column)] = part
            found_by_column[str(column)] = [str(e) for e in part["entity"].unique()]
    out: dict[str, pd.Series] = {}
    changed: set[str] = set()
    plans: dict[str, _Plan] = {}
    columns_manifest: dict[str, Any] = {}
    for name in frame.columns:
        profile = profiles.get(name) or ColumnProfile(name)
        plan = plan_column(tier, profile, found_by_column.get(name, ()))
        plans[name] = plan
        values = frame[name]
        entry: dict[str, Any] = {
            "class": profile.primary,
            "operator": plan.spec.name,
            "params": _public_params(plan.spec),
            "by": plan.why,
        }
        if plan.spec.name != "keep":
            result = apply_column(values, plan.entity, plan.spec, ctx)
            if result is None:
                entry["dropped"] = True
                columns_manifest[name] = entry
                continue
            out[name] = result
            changed.add(name)
        elif plan.span_ops:
            part = span_groups[name]
            part = part[part["entity"].astype(object).isin(plan.span_ops)]
            if len(part):
                spans_at = pd.DataFrame(
                    {
                        "row": frame.index.get_indexer(part["row"]),  # positions (JSON Lines rows are line numbers)
                        "start": part["start"].to_numpy(),
                        "end": part["end"].to_numpy(),
                        "entity": part["entity"].astype(object).to_numpy(),
                    }
                )
                out[name] = apply_spans(values, spans_at, plan.span_ops, ctx)
                changed.add(name)
                counts = part["entity"].astype(object).value_counts()
                entry["spans"] = {
                    e: {"operator": op.name, "params": _public_params(op), "findings": int(counts.get(e, 0))}
                    for e, op in plan.span_ops.items()
                }
            else:
                out[name] = values
        else:
            out[name] = values
        columns_manifest[name] = entry
    view_frame = pd.DataFrame(out, index=frame.index, columns=list(out))
    manifest: dict[str, Any] = {
        "source": table.source,
        "sheet": table.sheet,
        "format": table.format,
        "encoding": table.encoding,
        "rows_in": int(len(frame)),
        "rows_out": int(len(frame)),
        "suppressed": 0,
        "columns": columns_manifest,
        "dropped": [c for c in frame.columns if c not in out],
        "notes": [w for w in table.warnings if "title rows" in w]
        + [f"not copied: {item['what']} ({item.get('why')})" for item in table.not_examined if item.get("what")],
    }
    view_frame, risk, suppressed = _check_risk(table, view_frame, tier, plans, profiles)
    if risk is not None:
        manifest["risk"] = risk
    manifest["suppressed"] = suppressed
    manifest["rows_out"] = int(len(view_frame))
    return View(table=table, frame=view_frame, changed=frozenset(changed)), manifest


def _check_risk(
    table: Table, frame: pd.DataFrame, tier: Tier, plans: Mapping[str, _Plan],
    profiles: Mapping[str, ColumnProfile],
) -> tuple[pd.DataFrame, dict[str, Any] | None, int]:
    """k / l of the released frame; suppression if the tier allows it.

    Returns ``(frame, risk for the manifest or None, suppressed rows)``; raises
    :class:`RiskError` when the tier's thresholds are not met.
    """
    if not tier.quasi_identifiers or (tier.k is None and tier.l is None):
        return frame, None, 0
    from privaudit.transform.risk import assess, suppress

    qis = _resolve(tier.quasi_identifiers, frame, profiles)
    sensitive = [c for c in _resolve(tier.sensitive, frame, profiles) if c not in qis]
    report = assess(frame, qis, sensitive, smallest=SMALLEST_GROUPS)
    risk = _risk_dict(report, tier, plans, profiles)
    where = table.source + (f" [{table.sheet}]" if table.sheet else "")
    suppressed = 0
    if tier.k is not None and report.k < tier.k and tier.suppress and len(frame):
        before = risk
        frame, mask = suppress(frame, qis, tier.k)
        suppressed = int(np.asarray(mask).sum())
        report = assess(frame, qis, sensitive, smallest=SMALLEST_GROUPS)
        risk = _risk_dict(report, tier, plans, profiles)
        risk["k_before_suppression"] = before["k"]
    if tier.k is not None and report.k < tier.k and (report.rows or not suppressed):
        raise RiskError(
            f"{where}: tier {tier.name!r} is {report.k}-anonymous over {', '.join(qis) or 'no column'}; the policy "
            f"requires k >= {tier.k}; smallest groups {_describe_groups(risk)} "
            f"(generalise further, or set suppress: true)"
        )
    if tier.l is not None and risk["l"] is not None and risk["l"] < tier.l:
        worst = min(risk["l_by_attribute"], key=risk["l_by_attribute"].get)
        raise RiskError(
            f"{where}: tier {tier.name!r} is {risk['l']}-diverse in {worst} over {', '.join(qis)}; "
            f"the policy requires l >= {tier.l} (generalise the quasi-identifiers further)"
        )
    return frame, risk, suppressed


def _public_params(spec: OperatorSpec) -> dict[str, Any]:
    return {k: v for k, v in dict(spec.params).items() if isinstance(v, str | int | float | bool) or v is None}


# --------------------------------------------------------------------------- API


def _policy(policy: Policy | str | os.PathLike[str]) -> Policy:
    if isinstance(policy, Policy):
        return policy
    from privaudit.policy import load_policy

    return load_policy(policy)


def _tier(policy: Policy, name: str) -> Tier:
    if name not in policy.tiers:
        known = ", ".join(policy.tiers) or "none"
        raise PolicyError(f"{policy.source or policy.name}: no tier {name!r} (tiers: {known})")
    return policy.tiers[name]


def _context(key_file: str | os.PathLike[str] | None, today: _dt.date | None, needs_key: bool) -> TransformContext:
    ctx = TransformContext(key_file=os.fspath(key_file) if key_file is not None else None, today=today or _dt.date.today())
    if needs_key:
        ctx.key()  # fail before any work when the key is missing
    return ctx


def _key_id(ctx: TransformContext) -> str | None:
    return None if ctx._key is None else fingerprint_key_id(ctx._key)


def _run_tier(prepared: _Prepared, policy: Policy, tier: Tier, ctx: TransformContext) -> TierResult:
    from privaudit import __version__

    views, datasets = [], []
    for table, frame, dataset, spans in zip(
        prepared.tables, prepared.frames, prepared.datasets, prepared.spans, strict=True
    ):
        view, manifest = _transform_table(table, frame, dataset, spans, tier, ctx)
        views.append(view)
        datasets.append(manifest)
    manifest = {
        "tool": {"name": "privaudit", "version": __version__},
        "policy": {"name": policy.name, "version": str(policy.version)},
        "tier": tier.name,
        "description": tier.description,
        "purpose": tier.purpose,
        "algorithms": {"pseudonymise": tier.algorithm, "encrypt": tier.encryption},
        "key_id": _key_id(ctx) if _needs_key(tier) else None,
        "inputs": [{"path": src, "sha256": sha} for src, sha in prepared.inputs.items()],
        "datasets": datasets,
    }
    return TierResult(tier=tier.name, views=views, manifest=manifest, _relpaths=dict(prepared.relpaths))


def transform(
    obj: Any,
    policy: Policy | str | os.PathLike[str],
    tier: str,
    *,
    key_file: str | os.PathLike[str] | None = None,
    today: _dt.date | None = None,
) -> TierResult:
    """The view of ``tier`` of ``policy`` for ``obj`` (a path, a directory, a list of paths, or a DataFrame).

    Returns a :class:`TierResult` (``.frame`` / ``.frames``, ``.manifest``, ``.write(out)``).
    The key for pseudonymise / encrypt / surrogate comes from ``key_file`` or the
    ``PRIVAUDIT_KEY`` environment variable.  Raises :class:`RiskError` (exit 1) when the
    view does not meet the tier's ``k`` / ``l``; :class:`~privaudit.errors.PrivauditError`
    (exit 2) for unreadable input, a missing key or an unknown tier.
    """
    policy = _policy(policy)
    chosen = _tier(policy, tier)
    ctx = _context(key_file, today, _needs_key(chosen))
    prepared = prepare(obj, today=today)
    return _run_tier(prepared, policy, chosen, ctx)


def tiers(
    obj: Any,
    policy: Policy | str | os.PathLike[str],
    *,
    key_file: str | os.PathLike[str] | None = None,
    today: _dt.date | None = None,
    names: Sequence[str] | None = None,
    prepared: _Prepared | None = None,
) -> dict[str, TierResult]:
    """The views of every tier of ``policy`` (or of ``names``), from one scan of ``obj``.

    All tiers are computed before anything is returned, so a :class:`RiskError` in any
    tier means no view at all (and :func:`write_tiers` writes nothing).
    """
    policy = _policy(policy)
    chosen = [_tier(policy, n) for n in (names if names is not None else list(policy.tiers))]
    if not chosen:
        raise PolicyError(f"{policy.source or policy.name}: the policy defines no tiers")
    ctx = _context(key_file, today, any(_needs_key(t) for t in chosen))
    if prepared is None:
        prepared = prepare(obj, today=today)
    results: dict[str, TierResult] = {}
    for t in chosen:
        tier_ctx = TransformContext(key_file=ctx.key_file, key_env=ctx.key_env, today=ctx.today, _key=ctx._key)
        results[t.name] = _run_tier(prepared, policy, t, tier_ctx)
    return results


def write_tiers(results: Mapping[str, TierResult], out_dir: str | os.PathLike[str], *, force: bool = False) -> Path:
    """Write every tier's view under ``out_dir/<tier>/`` and ``out_dir/manifest.json``; all or nothing.

    Returns the manifest's path.  The manifest holds, per tier, the output files with
    their sha256, rows in/out, suppressed rows, operators per column, k / l, the input
    checksums, the privaudit version, the policy and a key id (a keyed fingerprint of a
    fixed label: which key was used, never the key).
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise PrivauditError(f"{out}: not a directory")
    sources = {s for r in results.values() for s in _sources(r.views)}
    manifest_path = out / "manifest.json"
    with Staging(sources=sources, force=force) as staging:
        for name, result in results.items():
            single = len(_sources(result.views, keep_memory=True)) == 1
            target = out / name / _single_name(result) if single else out / name
            result.write(target, force=force, staging=staging)
            for entry in result.manifest["outputs"]:
                entry["path"] = os.path.relpath(entry["path"], out)
        document = {"tiers": {name: r.manifest for name, r in results.items()}}
        with staging.open(manifest_path) as handle:
            handle.write((json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return manifest_path


def _single_name(result: TierResult) -> str:
    src = result.views[0].table.source
    if result.views[0].table.format == "dataframe":
        return "view.csv"
    return os.path.basename(src)


# --------------------------------------------------------------------------- decrypt


def decrypt(
    obj: Any, *, key_file: str | os.PathLike[str] | None = None, columns: Sequence[str] | None = None
) -> TierResult:
    """Decrypt every ``ENC1:`` token (whole cells and tokens inside free text) of ``obj``.

    ``columns`` limits it to those columns (default: all).  Returns a :class:`TierResult`
    named ``"decrypt"`` (``.frame`` / ``.frames``, ``.write(out)``); its manifest counts the
    decrypted cells per table.  A wrong key or an altered token raises
    :class:`~privaudit.errors.PrivauditError` (exit 2) naming the cell position only.
    """
    from privaudit import __version__
    from privaudit.io import read
    from privaudit.keys import load_key
    from privaudit.transform.crypto import decrypt_text

    key = load_key(key_file)
    tables = read(obj)
    if columns:
        known = {c for t in tables for c in t.columns}
        missing = [c for c in columns if c not in known]
        if missing:
            raise PrivauditError(f"--columns: no column {missing[0]!r} in the input")
    views, datasets = [], []
    for table in tables:
        frame = table.to_frame()
        out: dict[str, pd.Series] = {}
        changed: set[str] = set()
        cells = 0
        for name in frame.columns:
            values = frame[name]
            if columns and name not in columns:
                out[name] = values
                continue
            new = decrypt_text(values, key)
            differs = int((values.fillna("") != new.fillna("")).sum())
            if differs:
                changed.add(name)
                cells += differs
            out[name] = new
        views.append(View(table=table, frame=pd.DataFrame(out, index=frame.index), changed=frozenset(changed)))
        datasets.append(
            {"source": table.source, "sheet": table.sheet, "rows_in": int(len(frame)), "rows_out": int(len(frame)),
             "decrypted_cells": cells, "columns": sorted(changed)}
        )
    manifest = {
        "tool": {"name": "privaudit", "version": __version__},
        "key_id": fingerprint_key_id(key),
        "datasets": datasets,
    }
    return TierResult(tier="decrypt", views=views, manifest=manifest, _relpaths=_relpaths(obj, tables))


def fingerprint_key_id(key: bytes) -> str:
    """Which key was used, shown without revealing it: 8 bytes of HMAC(key, a fixed label), hex."""
    from privaudit.keys import fingerprint

    return fingerprint(key, KEY_ID_LABEL, length=8)
