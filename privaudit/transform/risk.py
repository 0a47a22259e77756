"""Re-identification risk of a released table: k-anonymity and distinct l-diversity.

Rows that agree on every quasi-identifier (gender, birth year, district, ethnicity …)
form an *equivalence class*; a person is hidden among the other members of theirs.

* **k** is the size of the smallest class: every row is indistinguishable from at
  least k − 1 others on the quasi-identifiers.
* **l** (distinct l-diversity), per sensitive attribute, is the smallest number of
  distinct values that attribute takes inside one class: with l = 1 some class
  reveals the sensitive value of everyone in it, whatever k is.

Missing values count as a value of their own (a blank district is one more
district), in quasi-identifiers and sensitive attributes alike.  An empty table has
k = 0, no classes and l = 0 for every sensitive attribute: there is nothing to
measure, and a release that suppressed every row should not pass a k ≥ 2 check
unnoticed.  With no quasi-identifier at all, every row is in one class (k = rows).

These functions compare values exactly as given: pass the **generalised** columns a
tier releases (birth year, district, age band), never raw ones — the report lists the
smallest classes by their values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from privaudit.errors import PrivauditError

__all__ = ["RiskReport", "assess", "k_anonymity", "l_diversity", "suppress"]


@dataclass
class RiskReport:
    """Re-identification risk of a table over its quasi-identifiers.

    ``k``: size of the smallest equivalence class (0 for an empty table); ``groups``:
    number of classes; ``rows``: rows measured; ``smallest_groups``: the smallest
    classes, smallest first, each ``{"values": {qi: generalised value}, "size": n}``
    (missing values as None); ``l``: per sensitive attribute, the fewest distinct
    values inside one class.
    """

    k: int
    groups: int
    rows: int
    smallest_groups: list[dict[str, Any]]
    l: dict[str, int] = field(default_factory=dict)  # noqa: E741 - the standard name
    quasi_identifiers: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Plain data for a manifest or JSON report."""
        return {
            "quasi_identifiers": list(self.quasi_identifiers),
            "k": self.k,
            "groups": self.groups,
            "rows": self.rows,
            "l": dict(self.l),
            "smallest_groups": [
                {"values": dict(g["values"]), "size": g["size"]} for g in self.smallest_groups
            ],
        }


def _columns(frame: pd.DataFrame, names: Sequence[str], what: str) -> list[str]:
    if isinstance(names, str):
        names = [names]
    names = list(names)
    for name in names:
        hits = int((frame.columns == name).sum())
        if hits == 0:
            shown = ", ".join(repr(str(c)) for c in list(frame.columns)[:12])
            more = " …" if len(frame.columns) > 12 else ""
            raise PrivauditError(f"{what} column {str(name)!r} is not in the data (columns: {shown}{more})")
        if hits > 1:
            raise PrivauditError(f"{what} column {str(name)!r} appears {hits} times in the data")
    return names


def _codes(column: pd.Series) -> tuple[np.ndarray, int]:
    """Integer codes of a column's values, missing values as one more value."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    missing = codes < 0
    if missing.any():
        codes = np.where(missing, len(uniques), codes)
    return codes.astype(np.int64), len(uniques) + int(missing.any())


def _class_ids(frame: pd.DataFrame, qis: list[str]) -> tuple[np.ndarray, int]:
    """Equivalence class of every row (0 … groups − 1, by first appearance) and the count."""
    n = len(frame)
    key = np.zeros(n, dtype=np.int64)
    span = 1
    for name in qis:
        codes, count = _codes(frame[name])
        if span * count >= 2**62:  # compress before the mixed-radix key could overflow
            key, _ = _codes(pd.Series(key))
            span = int(key.max()) + 1 if n else 1
        key = key * count + codes
        span *= max(count, 1)
    ids, uniques = pd.factorize(key)
    return ids.astype(np.int64), len(uniques)


def _plain(value: Any) -> Any:
    """A cell value as plain JSON-friendly data (missing as None)."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def _distinct_per_class(ids: np.ndarray, groups: int, column: pd.Series) -> np.ndarray:
    """Number of distinct values of ``column`` inside each class."""
    codes, count = _codes(column)
    pairs = np.unique(ids * max(count, 1) + codes)
    return np.bincount(pairs // max(count, 1), minlength=groups)


def assess(
    frame: pd.DataFrame,
    quasi_identifiers: Sequence[str],
    sensitive: Sequence[str] = (),
    *,
    smallest: int = 5,
) -> RiskReport:
    """k-anonymity over ``quasi_identifiers`` and distinct l-diversity of each
    ``sensitive`` column, with the ``smallest`` smallest classes by their values.

    Pass the generalised columns a tier releases, not raw ones (see the module doc).
    A column that is not in ``frame`` raises a readable
    :class:`~privaudit.errors.PrivauditError` naming it.
    """
    qis = _columns(frame, quasi_identifiers, "quasi-identifier")
    sens = _columns(frame, sensitive, "sensitive")
    rows = len(frame)
    if not rows:
        return RiskReport(0, 0, 0, [], {s: 0 for s in sens}, tuple(qis))
    ids, groups = _class_ids(frame, qis)
    sizes = np.bincount(ids, minlength=groups)
    first_row = np.full(groups, rows, dtype=np.int64)
    np.minimum.at(first_row, ids, np.arange(rows, dtype=np.int64))
    shown = np.lexsort((first_row, sizes))[: max(int(smallest), 0)]  # by size, then first appearance
    listed = [
        {
            "values": {q: _plain(frame[q].iloc[int(first_row[g])]) for q in qis},
            "size": int(sizes[g]),
        }
        for g in shown
    ]
    l_values = {s: int(_distinct_per_class(ids, groups, frame[s]).min()) for s in sens}
    return RiskReport(int(sizes.min()), int(groups), rows, listed, l_values, tuple(qis))


def k_anonymity(frame: pd.DataFrame, quasi_identifiers: Sequence[str], *, smallest: int = 5) -> RiskReport:
    """k-anonymity of ``frame`` over ``quasi_identifiers`` (:func:`assess` without
    sensitive attributes).  Pass generalised values, not raw ones."""
    return assess(frame, quasi_identifiers, (), smallest=smallest)


def l_diversity(
    frame: pd.DataFrame, quasi_identifiers: Sequence[str], sensitive: Sequence[str]
) -> dict[str, int]:
    """Distinct l-diversity: per sensitive column, the fewest distinct values it takes
    inside one equivalence class of ``quasi_identifiers`` (0 for an empty frame)."""
    qis = _columns(frame, quasi_identifiers, "quasi-identifier")
    sens = _columns(frame, sensitive, "sensitive")
    if not len(frame):
        return {s: 0 for s in sens}
    ids, groups = _class_ids(frame, qis)
    return {s: int(_distinct_per_class(ids, groups, frame[s]).min()) for s in sens}


def suppress(frame: pd.DataFrame, quasi_identifiers: Sequence[str], k: int) -> tuple[pd.DataFrame, pd.Series]:
    """Drop the rows of equivalence classes smaller than ``k``.

    Returns the remaining rows (original order and index kept) and a boolean Series
    aligned with ``frame`` that is True for every suppressed row.  Afterwards every
    class of the remaining rows has at least ``k`` rows (or none remain).
    """
    qis = _columns(frame, quasi_identifiers, "quasi-identifier")
    if not isinstance(k, int | np.integer) or isinstance(k, bool):
        raise PrivauditError(f"k must be a whole number, not {k!r}")
    if not len(frame):
        return frame.copy(), pd.Series(np.zeros(0, dtype=bool), index=frame.index, name="suppressed")
    ids, groups = _class_ids(frame, qis)
    small = np.bincount(ids, minlength=groups)[ids] < int(k)
    return frame[~small].copy(), pd.Series(small, index=frame.index, name="suppressed")
