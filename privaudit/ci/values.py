"""Offending values as keyed fingerprints: what a baseline records instead of raw values.

A scan hands out, per chunk, the cells (attribute columns) and finding spans
(identifiers) that can make up a violation.  This module turns them into
*streams* of keyed 64-bit fingerprints with their row numbers:

``("finding", column, entity)``
    the text of every ``entity`` finding in ``column`` (an ID number inside a remark);
``("cells", column)``
    every non-empty cell of an attribute column (religion, health …);
``("minors",)``
    resident-ID findings of children under 14 (by birth date on the scan date).

Values are normalised first, so that reformatting the same value does not make a
new one: identifiers with their module's ``normalize`` (full-width digits, spaces,
dashes, ``+86``, case), dates of birth to ISO dates, everything else NFKC with
whitespace trimmed and collapsed.  The fingerprint is HMAC (SHA-256 or SM3) under
``derive(key, "baseline")``, truncated to 8 bytes: without the key nobody can test
a guessed ID number against a baseline file.
"""

from __future__ import annotations

import datetime as _dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from privaudit import _arrow
from privaudit.identifiers import MODULES, cn_resident_id
from privaudit.keys import PrefixedHmac, derive, fingerprint

StreamKey = tuple
MINORS: StreamKey = ("minors",)

_MODULES = {m.ENTITY: m for m in MODULES}
#: Per identifier: values matching this RE2 pattern are already what ``normalize`` returns.
_CANONICAL = {
    "CN_RESIDENT_ID": r"^[0-9A-Z]+$",
    "BANK_CARD": r"^[0-9]+$",
    "CN_PASSPORT": r"^[0-9A-Z]+$",
    "CN_TRAVEL_PERMIT": r"^[0-9A-Z]+$",
    "CN_USCC": r"^[0-9A-Z]+$",
    "CN_LICENSE_PLATE": r"^[\x{4e00}-\x{9fff}0-9A-Z]+$",
    "PHONE_NUMBER": r"^1[3-9][0-9]{9}$",
    "EMAIL_ADDRESS": r"^[a-z0-9._%+\-]+@[a-z0-9.\-]+$",
    "IP_ADDRESS": r"^[0-9a-f.:]+$",
}


def _generic(arr: pa.Array) -> pa.Array:
    """NFKC, surrounding whitespace trimmed, inner runs of whitespace as one space."""
    out = pc.utf8_trim_whitespace(pc.utf8_normalize(arr, "NFKC"))
    return pc.replace_substring_regex(out, r"\s+", " ")


def normalize_distinct(entity: str | None, values: Sequence[str] | pa.Array) -> list[str]:
    """Normalise distinct values of ``entity`` (see module doc); same order, same length."""
    if not len(values):
        return []
    arr = values if isinstance(values, pa.Array) else pa.array(list(values), type=pa.string())
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    mod = _MODULES.get(entity or "")
    if mod is not None:
        out = arr.to_pylist()
        pattern = _CANONICAL.get(entity or "")
        done = _arrow.to_bool(pc.match_substring_regex(arr, pattern)) if pattern else np.zeros(len(out), bool)
        for i in np.flatnonzero(~done):
            out[i] = mod.normalize(out[i])
        return out
    out = _generic(arr).to_pylist()
    if entity == "DATE_OF_BIRTH":
        dates = _parse_dates(pd.Series(out, dtype="str"))
        iso = dates.dt.strftime("%Y-%m-%d")
        out = [d if isinstance(d, str) else v for d, v in zip(iso.tolist(), out, strict=True)]
    return out


def _parse_dates(values: pd.Series) -> pd.Series:
    from privaudit.detect.attributes import parse_dates

    return parse_dates(values, bare_year=True).reindex(values.index)


class ValueHasher:
    """Keyed fingerprints for baselines, under the sub-key ``derive(key, "baseline")``.

    Value fingerprints are ``HMAC(sub_key, "value\\x1f" + normalised value)`` cut to
    8 bytes (as uint64); group ids ``HMAC(sub_key, "group\\x1f" + JSON of the parts)``
    cut to 16 bytes (hex).  HMAC is computed with precomputed pad states, which is
    the same function as :func:`privaudit.keys.fingerprint`, about twice as fast.
    """

    def __init__(self, key: bytes, algorithm: str = "sha256"):
        self.algorithm = algorithm
        self._sub = derive(key, "baseline", algorithm)
        self._hmac = PrefixedHmac(self._sub, algorithm, b"value\x1f")

    def values(self, texts: Sequence[str]) -> np.ndarray:
        """Fingerprints (uint64) of already normalised ``texts``."""
        digests = self._hmac.many((text.encode("utf-8") for text in texts), 8)
        return np.frombuffer(digests, dtype=">u8").astype(np.uint64)

    def group_id(self, *parts: str | None) -> str:
        """The keyed id of a baseline group (path, sheet, column, rule, entity)."""
        text = "group\x1f" + json.dumps(list(parts), ensure_ascii=False)
        return fingerprint(self._sub, text, self.algorithm, 16)

    def key_check(self) -> str:
        """A short keyed tag that tells whether a baseline was made with the same key."""
        return fingerprint(self._sub, "key-check", self.algorithm, 6)

    def fingerprint_values(self, entity: str | None, values: Sequence[str] | pa.Array) -> np.ndarray:
        """Normalise and fingerprint ``values`` (each distinct value is hashed once)."""
        arr = values if isinstance(values, pa.Array) else pa.array(list(values), type=pa.string())
        if not len(arr):
            return np.zeros(0, dtype=np.uint64)
        encoded = pc.dictionary_encode(arr)
        hashed = self.values(normalize_distinct(entity, encoded.dictionary))
        return hashed[encoded.indices.to_numpy(zero_copy_only=False)]


@dataclass
class Stream:
    """Offending values of one kind in one chunk: fingerprints, rows and display forms."""

    key: StreamKey
    fingerprints: np.ndarray  # uint64
    rows: np.ndarray  # int64 data-row numbers
    masked: Any = None  # masked display text per value (array-like), None where nothing may be shown


def _minor_cutoff(today: _dt.date) -> np.datetime64:
    try:
        day = today.replace(year=today.year - 14)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - 14, day=28)
    return np.datetime64(day, "ns")


def _pieces(cells: pa.Array, starts: np.ndarray, ends: np.ndarray) -> pa.Array:
    """The finding texts: whole cells where the span covers the cell (identifier columns), else slices."""
    lengths = pc.utf8_length(cells).to_numpy(zero_copy_only=False)
    whole = (starts == 0) & (ends == lengths)
    if whole.all():
        return cells
    texts = cells.to_pylist()
    for i in np.flatnonzero(~whole):
        texts[i] = texts[i][starts[i] : ends[i]]
    return pa.array(texts, type=pa.string())


def chunk_streams(
    hasher: ValueHasher,
    chunk: pd.DataFrame,
    findings: pd.DataFrame | None,
    attributes: dict[str, str | None],
    today: _dt.date,
    wanted: Callable[[StreamKey], bool],
) -> list[Stream]:
    """The streams ``wanted`` from one scanned chunk.

    ``findings`` are the chunk's findings (contract columns), ``attributes`` maps each
    column to its attribute entity (None for others).  Only the streams ``wanted``
    accepts are computed.
    """
    out: list[Stream] = []
    want_minors = wanted(MINORS)
    columns: dict[str, pa.Array] = {}

    def column_array(name: str) -> pa.Array:
        if name not in columns:
            columns[name] = _arrow.arrow(chunk[name])
        return columns[name]

    if findings is not None and len(findings):
        col_codes, col_names = pd.factorize(findings["column"])
        ent_codes, ent_names = pd.factorize(findings["entity"])
        pair = col_codes.astype(np.int64) * len(ent_names) + ent_codes
        all_rows = starts = ends = None
        for p in pd.unique(pair):
            column, entity = str(col_names[p // len(ent_names)]), str(ent_names[p % len(ent_names)])
            key = ("finding", column, entity)
            minors = want_minors and entity == "CN_RESIDENT_ID"
            if not (wanted(key) or minors) or column not in chunk.columns:
                continue
            if all_rows is None:
                all_rows = findings["row"].to_numpy(dtype=np.int64)
                starts = findings["start"].to_numpy(dtype=np.int64)
                ends = findings["end"].to_numpy(dtype=np.int64)
            sel = np.flatnonzero(pair == p)
            rows = all_rows[sel]
            cells = column_array(column).take(pa.array(chunk.index.get_indexer(rows)))
            pieces = _pieces(cells, starts[sel], ends[sel])
            encoded = pc.dictionary_encode(pieces)
            codes = encoded.indices.to_numpy(zero_copy_only=False)
            normal = normalize_distinct(entity, encoded.dictionary)
            fps = hasher.values(normal)[codes]
            masked = findings["masked"].array[sel]
            if wanted(key):
                out.append(Stream(key, fps, rows, masked))
            if minors:
                births = cn_resident_id.birth_dates(pd.Series(normal, dtype="str")).to_numpy()
                young = (births > _minor_cutoff(today))[codes]
                if young.any():
                    out.append(Stream(MINORS, fps[young], rows[young], masked[young]))
    for column, attribute in attributes.items():
        key = ("cells", column)
        if attribute is None or column not in chunk.columns or not wanted(key):
            continue
        arr = column_array(column)
        filled = _arrow.to_bool(pc.not_equal(pc.utf8_trim_whitespace(arr), ""))
        if not filled.any():
            continue
        fps = hasher.fingerprint_values(attribute, arr.filter(pa.array(filled)))
        out.append(Stream(key, fps, chunk.index.to_numpy(dtype=np.int64)[filled], None))
    return out
