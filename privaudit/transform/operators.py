"""Operators on whole columns (:func:`apply_column`) and on spans inside free text
(:func:`apply_spans`): ``mask``, ``redact``, ``drop``, ``pseudonymise``, ``encrypt``,
``generalise``, ``surrogate``, ``keep``.

Every operator works column-wise (distinct values once, Arrow string kernels, numpy)
and keeps the shape of the data: same index, same length and order, a string column
of the same dtype; missing cells stay missing and blank cells (empty or white space
only) stay as they are.  Values are stripped of surrounding white space before an
operator sees them (``encrypt`` excepted: it seals the cell exactly as it is, so
decryption gives it back).

========================  ================================================================
operator                  result (parameters)
========================  ================================================================
``keep``                  the values unchanged
``drop``                  :func:`apply_column` returns None (the caller removes the
                          column); inside text: as ``redact``
``redact``                ``text`` (default ``""``) instead of every non-blank cell / span
``mask``                  :func:`privaudit.masking.mask` display defaults per entity —
                          ID 6+4 ``110105********002X``, mobile 3+4 ``138****5678``,
                          name ``王*明`` / ``王*``, bank card 6+4, e-mail ``z***@163.com``;
                          ``keep_first`` / ``keep_last`` override them (the other side then
                          keeps the entity's default, 0 for names, e-mail and addresses),
                          ``char`` the mask character (``*``)
``pseudonymise``          keyed tokens ``PSN_<hex>`` (:func:`privaudit.transform.crypto.pseudonymise_series`;
                          ``algorithm`` sha256 | sm3, ``length`` bytes)
``encrypt``               ``ENC1:`` tokens (:func:`privaudit.transform.crypto.encrypt_series`;
                          ``algorithm`` aes-gcm | sm4)
``generalise``            :mod:`privaudit.transform.generalise` (``to``, ``grid``, ``band``,
                          ``level``); identifiers with no coarser form are masked
``surrogate``             :mod:`privaudit.transform.surrogate` (``locale``, ``birth``)
========================  ================================================================

The key (``pseudonymise``, ``encrypt``, ``surrogate``) comes from
:meth:`TransformContext.key`; it is loaded only when one of these runs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit.errors import PrivauditError
from privaudit.transform.spec import OperatorSpec, TransformContext

__all__ = ["PARAMS", "apply_column", "apply_spans", "transform_values"]

#: Parameters each operator accepts here: the policy's (``OPERATOR_PARAMS``) plus a few
#: for Python callers (``grid``, ``band``, ``level`` for generalise; ``birth`` for surrogate).
PARAMS: dict[str, tuple[str, ...]] = {
    "mask": ("keep_first", "keep_last", "char"),
    "redact": ("text",),
    "drop": ("text",),
    "pseudonymise": ("algorithm", "length"),
    "encrypt": ("algorithm",),
    "generalise": ("to", "grid", "band", "level"),
    "surrogate": ("locale", "birth"),
    "keep": (),
}


def _check(spec: OperatorSpec) -> None:
    if spec.name not in PARAMS:
        raise PrivauditError(f"unknown operator {spec.name!r} (choose: {', '.join(PARAMS)})")
    unknown = sorted(set(spec.params) - set(PARAMS[spec.name]))
    if unknown:
        takes = ", ".join(PARAMS[spec.name]) or "no parameters"
        raise PrivauditError(f"{spec.name} does not take {', '.join(unknown)} ({spec.name} takes: {takes})")


def _arrow(values: pd.Series) -> pa.Array:
    """The cells as one Arrow string array (nulls kept; other objects as ``str``)."""
    from privaudit.detect.names import _column

    arr = _column(values)
    return arr.cast(pa.string()) if arr.type != pa.string() else arr


def _to_numpy(arr: pa.Array | np.ndarray) -> np.ndarray:
    if isinstance(arr, np.ndarray):
        return arr.astype(object, copy=False)
    return arr.to_numpy(zero_copy_only=False).astype(object, copy=False)


def _to_arrow(new: pa.Array | np.ndarray | pd.Series) -> pa.Array:
    if isinstance(new, pd.Series):
        new = _arrow(new)
    if isinstance(new, pa.ChunkedArray):
        new = new.combine_chunks()
    if not isinstance(new, pa.Array):
        new = pa.array(np.asarray(new, dtype=object), type=pa.string())
    return new.cast(pa.string()) if new.type != pa.string() else new


# --------------------------------------------------------------------------- one operator


def _mask_keep(entity: str | None, params: Mapping[str, Any]) -> tuple[int, int] | None:
    from privaudit.masking import KEEP

    if "keep_first" not in params and "keep_last" not in params:
        return None
    default = KEEP.get(entity or "", (1, 1) if entity not in ("PERSON", "EMAIL_ADDRESS", "ADDRESS") else (0, 0))
    keep = (params.get("keep_first", default[0]), params.get("keep_last", default[1]))
    for n in keep:
        if isinstance(n, bool) or not isinstance(n, int) or n < 0:
            raise PrivauditError(f"mask: keep_first / keep_last must be whole numbers of characters (0 or more), not {n!r}")
    return keep


def _mask(values: pd.Series, entity: str | None, params: Mapping[str, Any]) -> pa.Array:
    from privaudit.masking import MASK_CHAR, mask_series

    char = params.get("char", MASK_CHAR)
    if not isinstance(char, str) or len(char) != 1:
        raise PrivauditError("mask: char must be a single character")
    return _to_arrow(mask_series(entity, values, keep=_mask_keep(entity, params), char=char))


def transform_values(
    values: pd.Series, entity: str | None, spec: OperatorSpec, ctx: TransformContext, raw: pd.Series | None = None
) -> pa.Array:
    """``spec`` applied to ``values`` — non-missing, non-blank, stripped strings — as an
    Arrow string array of the same length.  ``raw`` are the same cells unstripped (what
    ``encrypt`` seals); default ``values``.  Shared by :func:`apply_column` (cells) and
    :func:`apply_spans` (span texts)."""
    _check(spec)
    name, params = spec.name, spec.params
    values = values.reset_index(drop=True).astype("str")
    if name == "keep":
        return _to_arrow(values)
    if name in ("redact", "drop"):
        text = params.get("text", "")
        if not isinstance(text, str):
            raise PrivauditError("redact: text must be text")
        return pa.array(np.full(len(values), text, dtype=object), type=pa.string())
    if name == "mask":
        return _mask(values, entity, params)
    if name == "generalise":
        from privaudit.entities import IDENTIFIER_ENTITIES
        from privaudit.transform.generalise import generalise_values

        out = generalise_values(values, entity, params, ctx.today)
        if out is not None:
            return _to_arrow(out)
        # no coarser form: identifiers are masked, anything else passes as it is
        return _mask(values, entity, {}) if entity in IDENTIFIER_ENTITIES else _to_arrow(values)
    if name == "pseudonymise":
        from privaudit.transform.crypto import pseudonymise_series

        return _to_arrow(pseudonymise_series(
            values, ctx.key(), entity, algorithm=params.get("algorithm", "sha256"), length=params.get("length", 16)
        ))
    if name == "encrypt":
        from privaudit.transform.crypto import encrypt_series

        sealed = values if raw is None else raw.reset_index(drop=True).astype("str")
        return _to_arrow(encrypt_series(sealed, ctx.key(), algorithm=params.get("algorithm", "aes-gcm")))
    from privaudit.transform.surrogate import surrogate_values  # name == "surrogate"

    return _to_arrow(surrogate_values(values, entity, params, ctx.key(), ctx.today))


# --------------------------------------------------------------------------- columns


def _like(values: pd.Series, arr: pa.Array) -> pd.Series:
    """``arr`` as a Series shaped like ``values`` (index, name, string dtype)."""
    if isinstance(values.dtype, pd.StringDtype):
        return pd.Series(pd.array(arr, dtype=values.dtype), index=values.index, name=values.name)
    return pd.Series(_to_numpy(arr), index=values.index, name=values.name, dtype=object)


def apply_column(
    values: pd.Series, entity: str | None, spec: OperatorSpec, ctx: TransformContext
) -> pd.Series | None:
    """Apply the operator ``spec`` to a whole column holding ``entity`` (or None).

    Returns the new column — same index, length and order, a string dtype (the input's
    if it is one, else ``object``), missing cells missing and blank cells as they were —
    or None for ``drop`` (the caller removes the column).  ``keep`` returns ``values``
    itself.  Raises :class:`~privaudit.errors.PrivauditError` for an unknown operator or
    parameter, or a missing key.
    """
    _check(spec)
    if spec.name == "drop":
        return None
    if spec.name == "keep":
        return values
    arr = _arrow(values)
    stripped = pc.utf8_trim_whitespace(arr)
    present = pc.fill_null(pc.greater(pc.utf8_length(stripped), 0), False)
    if not pc.any(present).as_py():
        return _like(values, arr) if isinstance(values.dtype, pd.StringDtype) else values.copy()
    if spec.name == "redact" and isinstance(values.dtype, pd.StringDtype):
        text = spec.params.get("text", "")
        if not isinstance(text, str):
            raise PrivauditError("redact: text must be text")
        return _like(values, pc.if_else(present, pa.scalar(text, pa.string()), arr))
    mask = present.to_numpy(zero_copy_only=False)
    cells = pd.Series(stripped.filter(present), dtype="str")
    raw = pd.Series(arr.filter(present), dtype="str") if spec.name == "encrypt" else None
    new = transform_values(cells, entity, spec, ctx, raw)
    if isinstance(values.dtype, pd.StringDtype):
        return _like(values, pc.replace_with_mask(arr, present, new))
    out = values.to_numpy(dtype=object, copy=True)
    out[mask] = _to_numpy(new)
    return pd.Series(out, index=values.index, name=values.name, dtype=object)


# --------------------------------------------------------------------------- spans in free text


#: White space at either end of a span (Python's ``str.isspace`` characters, RE2 syntax).
_EDGE_SPACE = (
    "^[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{1f} \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+"
    "|[\\t\\n\\x{0b}\\x{0c}\\r\\x{1c}-\\x{1f} \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}]+$"
)


def _np_bool(arr: pa.Array) -> np.ndarray:
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False).astype(bool, copy=False)


def _resolve_overlaps(row: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Positions (into the given arrays) of the spans kept, ordered by row and start.

    Of overlapping spans the longest wins (an outer span over the ones inside it); among
    equally long ones the earlier, then the first given.  Deterministic for any input.
    """
    order = np.lexsort((np.arange(len(row)), -(end - start), start, row))
    r, s, e = row[order], start[order], end[order]
    same = np.r_[False, r[1:] == r[:-1]]
    # the furthest end of the earlier spans of the same row: rows ascend, so a running
    # maximum of row * big + end never carries over from an earlier row
    big = int(e.max(initial=0)) + 1
    running = np.maximum.accumulate(r * big + e)
    prev_end = np.zeros(len(r), dtype=np.int64)
    prev_end[1:] = np.where(same[1:], running[:-1] - r[1:] * big, 0)
    clash = same & (s < prev_end)
    if not clash.any():
        return order
    bad_rows = np.unique(r[clash])
    keep = ~np.isin(r, bad_rows)
    for bad in bad_rows.tolist():  # rare: greedy, longest first
        idx = np.flatnonzero(r == bad)
        chosen: list[tuple[int, int]] = []
        for i in sorted(idx.tolist(), key=lambda i: (-(e[i] - s[i]), s[i], order[i])):
            if all(e[i] <= a or s[i] >= b for a, b in chosen):
                chosen.append((int(s[i]), int(e[i])))
                keep[i] = True
    return order[keep]


def apply_spans(
    texts: pd.Series, spans: pd.DataFrame, ops: Mapping[str, OperatorSpec], ctx: TransformContext
) -> pd.Series:
    """Replace the spans of ``texts`` whose entity ``ops`` names by the operator's output.

    ``spans`` has columns ``row`` (position in ``texts``), ``start``, ``end`` (half-open
    character offsets into the cell, as in the scan findings) and ``entity``.  Each span
    text goes through :func:`transform_values` with its entity's operator (``drop`` and
    ``redact`` put ``text``, default ``""``; ``generalise`` of an ``ADDRESS`` the
    administrative prefix; ``keep`` leaves it).  Overlapping spans: the longest wins,
    the others are left to it.  Cells without a span come back identical; the result
    has the index, length and dtype of ``texts``.

    Raises :class:`~privaudit.errors.PrivauditError` for a span outside its cell.
    """
    for spec in ops.values():
        _check(spec)
    if len(spans) == 0 or len(texts) == 0:
        return texts.copy()
    entity = spans["entity"].astype(object).to_numpy()
    chosen = np.flatnonzero(pd.Series(entity).isin([e for e, op in ops.items() if op.name != "keep"]).to_numpy())
    if not len(chosen):
        return texts.copy()
    row = spans["row"].to_numpy()[chosen].astype(np.int64)
    start = spans["start"].to_numpy()[chosen].astype(np.int64)
    end = spans["end"].to_numpy()[chosen].astype(np.int64)
    entity = entity[chosen]
    if (row < 0).any() or (row >= len(texts)).any():
        raise PrivauditError("a span's row lies outside the column")
    lengths = pc.fill_null(pc.utf8_length(_arrow(texts)), -1).to_numpy(zero_copy_only=False)[row]
    if (start < 0).any() or (end <= start).any() or (end > lengths).any():
        raise PrivauditError("a span lies outside its cell (start/end must satisfy 0 <= start < end <= cell length)")
    kept = _resolve_overlaps(row, start, end)
    row, start, end, entity = row[kept], start[kept], end[kept], entity[kept]
    arr = _arrow(texts)

    # the text of each span (and the rest of its cell after it), its replacement
    taken = arr if len(row) == len(arr) and (row == np.arange(len(arr))).all() else arr.take(pa.array(row))
    tails = _grouped(taken, start, lambda a, v: pc.utf8_slice_codeunits(a, v))
    pieces = _grouped(tails, end - start, lambda a, v: pc.utf8_slice_codeunits(a, 0, v))
    replacement = pieces
    for ent in pd.unique(entity):
        at = np.flatnonzero(entity == ent)
        part = pieces.take(pa.array(at))
        stripped = pc.replace_substring_regex(part, _EDGE_SPACE, "")
        todo = _np_bool(pc.greater(pc.utf8_length(stripped), 0))
        if not todo.any():
            continue
        new = transform_values(pd.Series(stripped.filter(pa.array(todo)), dtype="str"), str(ent), ops[ent], ctx)
        padded = _np_bool(pc.not_equal(pc.utf8_length(part), pc.utf8_length(stripped)))[todo]
        if padded.any():  # white space at the ends of a span stays where it was
            values, originals = new.to_pylist(), part.filter(pa.array(todo)).to_pylist()
            for i in np.flatnonzero(padded).tolist():
                t, core = originals[i], originals[i].strip()
                lead = len(t) - len(t.lstrip())
                values[i] = t[:lead] + values[i] + t[lead + len(core) :]
            new = pa.array(values, type=pa.string())
        mask = np.zeros(len(pieces), dtype=bool)
        mask[at[todo]] = True
        replacement = pc.replace_with_mask(replacement, pa.array(mask), new)

    # cells with one span: prefix + replacement + suffix, column-wise; cells with more: one by one
    first = np.r_[True, row[1:] != row[:-1]]
    rows = row[first]
    count = np.diff(np.r_[np.flatnonzero(first), len(row)])
    one = np.repeat(count == 1, count)
    rebuilt = pa.nulls(len(rows), pa.string())
    if one.any():
        sel = pa.array(one)
        prefix = _grouped(taken.filter(sel), start[one], lambda a, v: pc.utf8_slice_codeunits(a, 0, v))
        suffix = _grouped(tails.filter(sel), (end - start)[one], lambda a, v: pc.utf8_slice_codeunits(a, v))
        joined = pc.binary_join_element_wise(prefix, replacement.filter(sel), suffix, "")
        rebuilt = pc.replace_with_mask(rebuilt, pa.array(count == 1), joined)
    if not one.all():
        many = np.flatnonzero(count > 1)
        cells = arr.take(pa.array(rows[many])).to_pylist()
        bounds = np.r_[0, np.cumsum(count)]
        several = replacement.filter(pa.array(~one)).to_pylist()
        k_of = np.flatnonzero(~one)  # positions of those spans in the kept arrays
        pos_of = {int(i): j for j, i in enumerate(k_of.tolist())}
        texts_many = []
        for k, text in zip(many.tolist(), cells, strict=True):
            parts, pos = [], 0
            for i in range(bounds[k], bounds[k + 1]):
                parts += [text[pos : start[i]], several[pos_of[i]]]
                pos = end[i]
            parts.append(text[pos:])
            texts_many.append("".join(parts))
        rebuilt = pc.replace_with_mask(rebuilt, pa.array(count > 1), pa.array(texts_many, type=pa.string()))

    if isinstance(texts.dtype, pd.StringDtype):
        mask = np.zeros(len(texts), dtype=bool)
        mask[rows] = True
        return _like(texts, pc.replace_with_mask(arr, pa.array(mask), rebuilt))
    out = texts.to_numpy(dtype=object, copy=True)
    out[rows] = rebuilt.to_numpy(zero_copy_only=False)
    return pd.Series(out, index=texts.index, name=texts.name, dtype=object)


def _grouped(arr: pa.Array, by: np.ndarray, slice_: Callable[[pa.Array, int], pa.Array]) -> pa.Array:
    """``slice_(cell i, by[i])`` for every cell, calling ``slice_`` once per distinct value
    of ``by`` (a few dozen for span offsets), not once per cell."""
    order = np.argsort(by, kind="stable")
    ordered = by[order]
    edges = np.r_[0, np.flatnonzero(ordered[1:] != ordered[:-1]) + 1, len(by)]
    if len(edges) == 2:
        return slice_(arr, int(ordered[0]))
    parts = [slice_(arr.take(pa.array(order[a:b])), int(ordered[a])) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    return pa.concat_arrays([p.cast(pa.string()) for p in parts]).take(pa.array(inverse))
