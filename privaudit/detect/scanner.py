"""The scanner: tables in, column profiles and per-cell findings out.

Work is column-wise.  For each column the plan (:mod:`privaudit.detect.profile`)
names an entity to validate whole-cell with the vectorised validators; every
other non-empty cell passes a cheap RE2 prefilter (pyarrow) and only the cells
that could hold an identifier go through the span finders, so every cell is
examined but Python touches few of them.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from privaudit import _arrow
from privaudit.detect import addresses, attributes, freetext
from privaudit.detect.profile import ColumnPlan, plan_column, value_validator
from privaudit.identifiers import MODULES, Span, cn_resident_id, excel_damage
from privaudit.io import Table
from privaudit.masking import MASKED_PATTERN, mask, mask_series
from privaudit.model import FINDING_COLUMNS, ColumnProfile, DatasetResult

SAMPLE_CELLS = 2000
#: Overlapping spans: the earlier entity in this order wins (then the longer span).
PRIORITY = [m.ENTITY for m in MODULES] + ["ADDRESS", "PERSON"]
_PRIORITY_RANK = {e: i for i, e in enumerate(PRIORITY)}
_PREFILTER = "|".join(f"(?:{m.PREFILTER})" for m in MODULES)
_SCORE_WHOLE = 0.95
#: Cells starting or ending with white space as ``str.strip`` sees it (RE2's ``\s`` is ASCII only).
_WS = r"[\s\x0b\x1c-\x1f\x85\p{Z}]"
_PADDED = f"^{_WS}|{_WS}$"
#: A generalised birth date: an age band such as ``70-79``, ``70～79岁`` or ``80+``.
_AGE_BAND = r"\s*[0-9]{1,3}\s*(?:[-–~～至]\s*[0-9]{1,3}|\+|以上)\s*岁?\s*"

FindingsSink = Callable[[pd.DataFrame], None]
#: Columns of chunks at least this long are scanned on a small thread pool: the
#: Arrow kernels release the GIL, so two cores work at once.
PARALLEL_MIN_ROWS = 20_000


@functools.cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1)), thread_name_prefix="privaudit")


_WARM_UP_TEXT = (
    "户主王建国，身份证11010519491231002X，现住幸福里小区3栋2单元501室，电话138 1234 5678，"
    "邮箱wang@example.cn，车牌京A12345，卡号6222021234567890128，坐标116.397128,39.916527"
)


@functools.cache
def warm_up() -> None:
    """Build the finders' lazy tables (dictionaries, regex programs) once.

    :func:`privaudit.scan` calls it on a background thread while the first chunk
    is read, so the first chunk's scan does not pay for it.
    """
    find_spans_many(pd.Series([_WARM_UP_TEXT], dtype="str"))


def resolve_overlaps(spans: Iterable[Span]) -> list[Span]:
    """Keep non-overlapping spans: by priority of entity, then by length; sorted by start."""
    ordered = sorted(spans, key=lambda s: (_PRIORITY_RANK.get(s.entity, 99), -(s.end - s.start), s.start))
    kept: list[Span] = []
    for span in ordered:
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def find_spans(text: str, hinted_entity: str | None = None, free_text: bool = True) -> list[Span]:
    """Every identifier span in one cell's text (the scalar reference path)."""
    spans: list[Span] = []
    for mod in MODULES:
        spans.extend(mod.find(text, hinted=mod.ENTITY == hinted_entity))
    if free_text:
        spans.extend(freetext.find(text))
    return resolve_overlaps(spans)


def find_spans_many(
    texts: pd.Series,
    hinted_entity: str | None = None,
    free_text: bool = True,
    free_text_hits: np.ndarray | None = None,
) -> pd.DataFrame | None:
    """:func:`find_spans` over many cells at once.

    Returns a DataFrame (pos, entity, start, end, score) — ``pos`` is the position
    of the cell in ``texts`` — or None if nothing is found.  Repeated texts (common
    in registers: 独居, 低保户 …) are searched once; identifiers are found by each
    module's vectorised ``find_column``, names and addresses cell by cell where
    the free-text prefilter lets them through.  Equal to calling
    :func:`find_spans` on every cell (a property test checks it).

    ``free_text_hits`` (aligned with ``texts``), when the caller already ran the
    free-text prefilter, saves running it again.
    """
    codes, uniques = pd.factorize(texts.astype("str"), use_na_sentinel=True)
    if len(uniques) < 0.9 * len(texts):
        unique_hits = None
        if free_text_hits is not None:
            unique_hits = np.zeros(len(uniques), dtype=bool)
            valid = codes >= 0
            unique_hits[codes[valid]] = free_text_hits[valid]
        spans = _find_spans_distinct(pd.Series(uniques, dtype="str"), hinted_entity, free_text, unique_hits)
        if spans is None:
            return None
        where = pd.DataFrame({"u": codes, "pos": np.arange(len(codes))})
        spans = spans.rename(columns={"pos": "u"}).merge(where[where["u"] >= 0], on="u").drop(columns="u")
        return (
            spans[["pos", "entity", "start", "end", "score"]]
            .sort_values(["pos", "start"], kind="stable")
            .reset_index(drop=True)
        )
    return _find_spans_distinct(texts, hinted_entity, free_text, free_text_hits)


def _find_spans_distinct(
    texts: pd.Series, hinted_entity: str | None, free_text: bool, free_text_hits: np.ndarray | None = None
) -> pd.DataFrame | None:
    arr = _arrow.arrow(texts)
    frames: list[pd.DataFrame] = []
    # Identifiers: each module's vectorised find_column over the whole array (the same
    # Arrow object for every module, so its decoding is shared).
    for mod in MODULES:
        cells, starts, ends, scores = mod.find_column(arr, hinted=mod.ENTITY == hinted_entity)
        if len(cells):
            frames.append(
                pd.DataFrame({"pos": cells, "entity": mod.ENTITY, "start": starts, "end": ends, "score": scores})
            )
    # Names and addresses: cell by cell, only where the prefilter lets them through.
    if free_text:
        hits = _arrow.search(arr, freetext.PREFILTER) if free_text_hits is None else free_text_hits
        sel = np.flatnonzero(hits)
        if len(sel):
            values = arr.take(sel).to_pylist()
            rows = [
                (int(p), f.entity, f.start, f.end, float(f.score))
                for p, text in zip(sel, values, strict=True)
                for f in freetext.find(text)
            ]
            if rows:
                frames.append(pd.DataFrame(rows, columns=["pos", "entity", "start", "end", "score"]))
    if not frames:
        return None
    spans = pd.concat(frames, ignore_index=True).sort_values(["pos", "start", "end"], kind="stable")
    # Overlaps are rare: resolve them only in the cells that have any.
    pos = spans["pos"].to_numpy()
    same = pos[1:] == pos[:-1]
    overlap = same & (spans["start"].to_numpy()[1:] < spans["end"].to_numpy()[:-1])
    if overlap.any():
        bad_cells = np.unique(pos[1:][overlap])
        bad = np.isin(pos, bad_cells)
        fixed = []
        for p, group in spans[bad].groupby("pos", sort=False):
            kept = resolve_overlaps(Span(int(r.start), int(r.end), r.score, r.entity) for r in group.itertuples())
            fixed.extend((p, k.entity, k.start, k.end, k.score) for k in kept)
        spans = pd.concat(
            [spans[~bad], pd.DataFrame(fixed, columns=["pos", "entity", "start", "end", "score"])],
            ignore_index=True,
        ).sort_values(["pos", "start"], kind="stable")
    return spans.reset_index(drop=True)


#: Granularity levels, finest first (addresses and coordinates; then dates).
_LEVELS = ["precise", "street", "district", "city", "province", "day", "month", "year"]


def geo_granularity(pairs: pd.Series) -> set[str]:
    """Levels of coordinate findings by decimals: ≥4 precise, 3 street, 2 district, ≤1 city."""
    decimals = pairs.str.extractall(r"[.．]([0-9０-９]+)")[0].str.len().groupby(level=0).min()
    levels = pd.cut(decimals, [-1, 1, 2, 3, 99], labels=["city", "district", "street", "precise"])
    return {str(x) for x in levels.dropna().unique()}


@dataclass
class _ColumnState:
    plan: ColumnPlan
    profile: ColumnProfile
    entity_cells: Counter = field(default_factory=Counter)
    dates: Counter = field(default_factory=Counter)
    granularity: dict = field(default_factory=lambda: defaultdict(set))


def _as_str(series: pd.Series) -> pd.Series:
    if series.dtype != "str":
        series = series.astype("str")
    return series


def _sample(series: pd.Series) -> pd.Series:
    s = series.dropna()
    s = s[s.str.len() > 0]
    if len(s) > SAMPLE_CELLS:
        s = s.iloc[np.linspace(0, len(s) - 1, SAMPLE_CELLS).astype(int)]
    return s


def _prefilter(values: pd.Series, free_text: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Cells that could hold an identifier (or, in free text, a name or address), and
    (free text only) the cells that could hold a name or address."""
    arr = _arrow.arrow(values)
    hit = _arrow.search(arr, _PREFILTER)
    if not free_text:
        return hit, None
    text_hit = _arrow.search(arr, freetext.PREFILTER)
    return hit | text_hit, text_hit


def _minor_cutoffs(today: _dt.date) -> tuple[np.datetime64, np.datetime64]:
    def years_before(n: int) -> np.datetime64:
        try:
            d = today.replace(year=today.year - n)
        except ValueError:  # 29 February
            d = today.replace(year=today.year - n, day=28)
        return np.datetime64(d, "ns")

    return years_before(14), years_before(18)


class TableScanner:
    """Scans one :class:`Table` chunk by chunk into a :class:`DatasetResult`."""

    def __init__(
        self,
        table: Table,
        today: _dt.date,
        sink: FindingsSink | None = None,
        progress: Callable[[float], None] | None = None,
    ):
        self.table = table
        self.progress = progress
        self.today = today
        self.sink = sink
        self.result = DatasetResult(
            source=table.source, sheet=table.sheet, format=table.format, encoding=table.encoding
        )
        self.result.warnings.extend(table.warnings)
        self.columns: dict[str, _ColumnState] = {}
        self._cut14, self._cut18 = _minor_cutoffs(today)
        self._minor14: list[np.ndarray] = []
        self._minor18: list[np.ndarray] = []

    # -- planning -------------------------------------------------------------
    def _plan(self, chunk: pd.DataFrame) -> None:
        for name in chunk.columns:
            plan = plan_column(str(name), _sample(_as_str(chunk[name])))
            profile = ColumnProfile(name=str(name), primary=plan.primary, kind=plan.kind)
            self.columns[str(name)] = _ColumnState(plan=plan, profile=profile)

    # -- per chunk -------------------------------------------------------------
    def scan_chunk(self, chunk: pd.DataFrame) -> None:
        """Scan one chunk (index = data-row numbers)."""
        if not self.columns:
            self._plan(chunk)
        self.result.rows += len(chunk)
        jobs = [(self.columns[str(name)], _as_str(chunk[name])) for name in chunk.columns]
        # Longest first: free-text columns cost several times a structured column, and
        # starting them first keeps both cores busy until the chunk is done.
        order = sorted(range(len(jobs)), key=lambda i: not jobs[i][0].plan.free_text)
        jobs = [jobs[i] for i in order]
        share = len(chunk) / max(1, len(jobs))

        def run(job):
            found = self._scan_column(*job)
            if self.progress is not None:
                self.progress(share)
            return found

        if len(chunk) >= PARALLEL_MIN_ROWS and len(jobs) > 1:
            found_all = list(_pool().map(run, jobs))
        else:
            found_all = [run(job) for job in jobs]
        by_column = [None] * len(jobs)
        for i, found in zip(order, found_all, strict=True):
            by_column[i] = found
        parts = [f for f in by_column if f is not None and len(f)]
        if self.sink is not None and parts:
            frame = pd.concat(parts, ignore_index=True)
            frame.insert(0, "sheet", self.table.sheet)
            frame.insert(0, "source", self.table.source)
            self.sink(frame[FINDING_COLUMNS])

    def _scan_column(self, state: _ColumnState, s: pd.Series) -> pd.DataFrame | None:
        plan, prof = state.plan, state.profile
        lengths = s.str.len().fillna(0).to_numpy()
        nonempty = lengths > 0
        n_nonempty = int(nonempty.sum())
        if not n_nonempty:
            return None
        prof.cells += n_nonempty
        rows = s.index.to_numpy()
        frames: list[pd.DataFrame] = []
        has_finding = np.zeros(len(s), dtype=bool)

        rest = nonempty.copy()
        if plan.entity:
            valid = np.asarray(value_validator(plan.entity)(s, plan.hinted), dtype=bool) & nonempty
            if valid.any():
                if self.sink is not None:
                    frames.append(self._whole_cell_findings(plan.entity, s[valid], rows[valid]))
                if prof.sample is None:
                    prof.sample = mask(plan.entity, str(s[valid].iloc[0]))
                has_finding |= valid
                state.entity_cells[plan.entity] += int(valid.sum())
                prof.first_row.setdefault(plan.entity, int(rows[valid].min()))
                if plan.entity == "CN_RESIDENT_ID":
                    self._count_minors(s[valid], rows[valid])
                if plan.entity == "ADDRESS":
                    state.granularity["ADDRESS"].add("precise")
                if plan.entity == "GEO_COORDINATE":
                    state.granularity["GEO_COORDINATE"].update(geo_granularity(s[valid]))
            rest = nonempty & ~valid
            if plan.entity == "ADDRESS" and rest.any():
                levels = addresses.address_granularity(s[rest]).dropna().unique()
                state.granularity["ADDRESS"].update(str(x) for x in levels)

        if plan.attribute:
            has_finding |= nonempty
            state.entity_cells[plan.attribute] += n_nonempty
            prof.first_row.setdefault(plan.attribute, int(rows[nonempty].min()))
            if plan.attribute == "DATE_OF_BIRTH":
                g, _ = attributes.date_stats(s[nonempty], bare_year=True)
                if g is None and _arrow.fullmatch(s[nonempty], _AGE_BAND).all():
                    g = "year"  # age bands (70-79) are coarser than a birth year: the coarsest level
                if g:
                    state.granularity["DATE_OF_BIRTH"].add(g)
            rest = np.zeros(len(s), dtype=bool) if plan.date_like else rest

        if plan.date_like:
            _, histogram = attributes.date_stats(s[nonempty])
            state.dates.update(histogram)

        if rest.any():  # masked values never validate, so only the rest can be masked
            ridx = np.flatnonzero(rest)
            masked_idx = ridx[_arrow.search(s.iloc[ridx], MASKED_PATTERN)]
            prof.masked_cells += len(masked_idx)
            rest[masked_idx] = False

        if rest.any():
            idx = np.flatnonzero(rest)
            hit, text_hit = _prefilter(s.iloc[idx], plan.free_text)
            candidates = idx[hit]
            if len(candidates):
                spans_frame = self._span_findings(
                    state, s, rows, candidates, None if text_hit is None else text_hit[hit]
                )
                if spans_frame is not None:
                    if self.sink is not None:
                        frames.append(spans_frame)
                    hit_rows = np.isin(rows, spans_frame["row"].to_numpy())
                    has_finding |= hit_rows
            damaged = rest & ~has_finding
            if damaged.any():
                dmg = excel_damage.is_damaged(s[damaged])
                n_damaged = int(np.asarray(dmg).sum())
                if n_damaged:
                    prof.damaged_cells += n_damaged

        prof.cells_with_findings += int((has_finding & nonempty).sum())
        if not frames:
            return None
        out = pd.concat(frames, ignore_index=True)
        out.insert(0, "column", prof.name)
        return out

    def _whole_cell_findings(self, entity: str, s: pd.Series, rows: np.ndarray) -> pd.DataFrame:
        size = _arrow.lengths(s)
        padded = _arrow.search(s, _PADDED)
        start = np.zeros(len(s), dtype=np.int64)
        end = size.astype(np.int64)
        stripped = s
        if padded.any():  # rare: cells with surrounding white space
            stripped = s.str.strip()
            start = (size - s.str.lstrip().str.len().to_numpy()).astype(np.int64)
            end = start + stripped.str.len().to_numpy()
        return pd.DataFrame(
            {
                "row": rows,
                "entity": entity,
                "start": start,
                "end": end,
                "score": _SCORE_WHOLE,
                "masked": mask_series(entity, stripped).array,
            }
        )

    def _span_findings(
        self,
        state: _ColumnState,
        s: pd.Series,
        rows: np.ndarray,
        idx: np.ndarray,
        free_text_hits: np.ndarray | None = None,
    ) -> pd.DataFrame | None:
        plan = state.plan
        spans = find_spans_many(s.iloc[idx], plan.entity, plan.free_text, free_text_hits)
        if spans is None:
            return None
        pos = spans["pos"].to_numpy()
        texts = s.iloc[idx].to_numpy(dtype=object)[pos]
        pieces = pd.Series(
            [t[a:b] for t, a, b in zip(texts, spans["start"].tolist(), spans["end"].tolist(), strict=True)],
            dtype="str",
        )
        masked = pd.Series("", index=spans.index, dtype="str")
        if self.sink is not None:
            for entity, group in spans.groupby("entity", sort=False).groups.items():
                masked.loc[group] = mask_series(str(entity), pieces.loc[group].str.strip()).to_numpy()
        if state.profile.sample is None:
            state.profile.sample = mask(str(spans["entity"].iloc[0]), pieces.iloc[0])
            masked.iloc[0] = state.profile.sample
        out_rows = rows[idx][pos]
        geo = (spans["entity"] == "GEO_COORDINATE").to_numpy()
        if geo.any():
            state.granularity["GEO_COORDINATE"].update(geo_granularity(pieces[geo]))
        ids = (spans["entity"] == "CN_RESIDENT_ID").to_numpy()
        if ids.any():
            self._count_minors(pieces[ids], out_rows[ids])
        per_cell = pd.DataFrame({"pos": pos, "entity": spans["entity"].to_numpy()}).drop_duplicates()
        for entity, n in per_cell["entity"].value_counts().items():
            state.entity_cells[str(entity)] += int(n)
        first = pd.Series(out_rows).groupby(spans["entity"].to_numpy(), sort=False).min()
        for entity, row in first.items():
            state.profile.first_row.setdefault(str(entity), int(row))
        return pd.DataFrame(
            {
                "row": out_rows,
                "entity": spans["entity"].to_numpy(),
                "start": spans["start"].to_numpy(),
                "end": spans["end"].to_numpy(),
                "score": spans["score"].to_numpy().round(3),
                "masked": masked.array,
            }
        )

    # -- minors ----------------------------------------------------------------
    def _count_minors(self, ids: pd.Series, rows: np.ndarray) -> None:
        births = cn_resident_id.birth_dates(ids).to_numpy(dtype="datetime64[ns]")
        ok = ~np.isnat(births)
        self._minor14.append(rows[ok & (births > self._cut14)])
        self._minor18.append(rows[ok & (births > self._cut18)])

    # -- finish -----------------------------------------------------------------
    def finish(self) -> DatasetResult:
        """Close the profiles and return the dataset result."""
        res = self.result
        for name, state in self.columns.items():
            prof, plan = state.profile, state.plan
            found = [e for e, _ in state.entity_cells.most_common()]
            if plan.primary and plan.primary != "FREE_TEXT" and plan.primary not in found and prof.cells:
                # Header says PII but nothing validated: keep the class, warn.
                if plan.entity:
                    prof.warnings.append(
                        f"header suggests {plan.entity} but no cell validated as one"
                    )
            prof.entities = found
            prof.entity_cells = dict(state.entity_cells)
            for key, levels in state.granularity.items():
                if levels:
                    prof.granularity[key] = min(levels, key=lambda g: _LEVELS.index(g) if g in _LEVELS else 99)
            if plan.entity in ("CN_RESIDENT_ID", "PHONE_NUMBER", "BANK_CARD") and prof.cells:
                invalid = prof.cells - state.entity_cells.get(plan.entity, 0) - prof.masked_cells
                if invalid > prof.damaged_cells and invalid > 0:
                    prof.warnings.append(
                        f"{invalid - prof.damaged_cells} of {prof.cells} cells are not valid {plan.entity} values"
                    )
            if prof.damaged_cells:
                prof.warnings.append(
                    f"{prof.damaged_cells} cells look damaged by Excel (scientific notation, float form "
                    "or zeros after 15 significant digits); they can no longer be validated — "
                    "re-export the source with the column formatted as text"
                )
            if state.dates:
                res.date_histograms[name] = dict(sorted(state.dates.items()))
            res.columns.append(prof)
        if self._minor14:
            res.minors_under_14 = int(np.unique(np.concatenate(self._minor14)).size)
        if self._minor18:
            res.minors_under_18 = int(np.unique(np.concatenate(self._minor18)).size)
        for prof in res.columns:
            for w in prof.warnings:
                res.warnings.append(f"column {prof.name!r}: {w}")
        table = self.table
        res.warnings.extend([w for w in table.warnings if w not in res.warnings])  # added while streaming
        for item in table.not_examined:
            res.not_examined.append({"source": table.source, "sheet": table.sheet, "column": None, **item})
        if table.first_data_line is not None:
            res.first_data_line = table.first_data_line + 1
            res.header_line = table.header_row + 1 if table.header_row is not None else None
        return res
