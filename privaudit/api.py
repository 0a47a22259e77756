"""The Python API: :func:`scan` (and, with a policy, :func:`privaudit.audit`)."""

from __future__ import annotations

import datetime as _dt
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from privaudit.detect.scanner import FindingsSink, TableScanner, warm_up
from privaudit.errors import InputError
from privaudit.io import Table
from privaudit.io import read as read_tables
from privaudit.model import FINDING_COLUMNS, ScanResult

ScanInput = str | Path | pd.DataFrame | list | tuple


def _empty_findings() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="str" if c in ("source", "sheet", "column", "entity", "masked") else "int64") for c in FINDING_COLUMNS}).astype({"score": "float64"})


def scan(
    obj: ScanInput,
    *,
    progress: bool = False,
    keep_findings: bool = True,
    on_findings: FindingsSink | None = None,
    today: _dt.date | None = None,
    chunk_rows: int | None = None,
    on_table: Callable[[Table], None] | None = None,
    on_chunk: Callable[[Table, pd.DataFrame, dict[str, str | None]], None] | None = None,
) -> ScanResult:
    """Scan datasets for personal information.

    ``obj`` is a path (file or directory, scanned recursively), a list of paths,
    or a pandas DataFrame.  Returns a :class:`~privaudit.model.ScanResult` with a
    :class:`~privaudit.model.DatasetResult` per file or sheet (column profiles,
    warnings, counts of minors) and ``findings``: one row per finding, columns as
    in ``shared/contracts.md`` (source, sheet, row, column, entity, start, end,
    score, masked).

    For very large inputs pass ``keep_findings=False`` (findings are then not
    collected in memory) and stream them to ``on_findings``, a callable that
    receives each chunk's findings as a DataFrame.  ``today`` fixes the date the
    ages of minors are computed against (default: today).

    ``obj`` may also hold :class:`~privaudit.io.Table` objects (e.g. the changed rows
    of a git change, :mod:`privaudit.ci.git`).  ``on_table(table)`` is called before a
    table is scanned; ``on_chunk(table, chunk, attributes)`` after each chunk is scanned
    (its findings already handed to ``on_findings``), with the chunk's cells and each
    column's attribute entity (``RELIGION`` …, None for other columns) — what a
    baseline needs to fingerprint offending values (:mod:`privaudit.ci.baseline`).

    Coverage: files found by walking a directory that cannot be read (corrupt, empty,
    a spreadsheet format privaudit cannot open) are not fatal — they are listed in
    ``ScanResult.not_examined`` with the reason, and a read error deep inside such a
    file keeps the rows scanned so far and lists the rest in the dataset's
    ``not_examined``.  Empty sheets, cells outside the header's columns and JSON
    content outside the records are listed there too.

    Raises :class:`privaudit.errors.InputError` for unreadable input named
    explicitly (a file path, not a directory).
    """
    today = today or _dt.date.today()
    warming = threading.Thread(target=warm_up, name="privaudit-warm-up", daemon=True)
    warming.start()  # overlaps with opening the inputs and reading the first chunk
    not_examined: list[dict[str, str | None]] = []
    tables = read_tables(obj, chunk_rows=chunk_rows, not_examined=not_examined)
    kept: list[pd.DataFrame] = []

    def sink(frame: pd.DataFrame) -> None:
        if keep_findings:  # repeated labels as categories: a fraction of the memory
            kept.append(frame.astype({c: "category" for c in ("source", "sheet", "column", "entity")}))
        if on_findings is not None:
            on_findings(frame)

    bar = _progress_bar(tables) if progress else None
    datasets = []
    try:
        for table in tables:
            if on_table is not None:
                on_table(table)
            scanner = TableScanner(
                table,
                today,
                sink if keep_findings or on_findings is not None else None,
                progress=bar.update if bar is not None else None,
            )
            if bar is not None:
                bar.set_postfix_str(table.source + (f" [{table.sheet}]" if table.sheet else ""), refresh=False)
            try:
                for chunk in _prefetch(table.chunks()):
                    warming.join()
                    scanner.scan_chunk(chunk)
                    if on_chunk is not None:
                        on_chunk(table, chunk, {n: st.plan.attribute for n, st in scanner.columns.items()})
            except InputError as exc:
                if not table.lenient:
                    raise
                table.not_examined.append(
                    {"kind": "rows", "what": f"data rows from row {scanner.result.rows} on",
                     "why": str(exc).removeprefix(f"{table.source}: ")}
                )
            if not scanner.columns:  # header-only table: profile the empty columns
                scanner.scan_chunk(pd.DataFrame({c: pd.Series(dtype="str") for c in table.columns}))
            datasets.append(scanner.finish())
    finally:
        if bar is not None:
            bar.close()
    findings = _concat_findings(kept) if kept else _empty_findings()
    return ScanResult(
        datasets=datasets, findings=findings, scanned_at=today.isoformat(), not_examined=not_examined
    )


def _prefetch(chunks: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    """Read the next chunk on a background thread while the current one is scanned.

    Readers spend most of their time in Arrow, which releases the GIL, so reading
    and scanning overlap on two cores.  Errors are re-raised in the caller.
    """
    box: queue.Queue = queue.Queue(maxsize=1)
    done = object()
    stop = threading.Event()

    def work() -> None:
        try:
            for chunk in chunks:
                while not stop.is_set():
                    try:
                        box.put(chunk, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            box.put(done)
        except BaseException as exc:  # handed to the consumer
            box.put(exc)

    thread = threading.Thread(target=work, name="privaudit-reader", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if item is done:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)


def _concat_findings(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate per-chunk findings, keeping the label columns categorical."""
    from pandas.api.types import union_categoricals

    out = {}
    for col in ("source", "sheet", "column", "entity"):
        out[col] = pd.Series(union_categoricals([f[col] for f in frames], ignore_order=True))
    for col in ("row", "start", "end"):
        out[col] = pd.Series(np.concatenate([f[col].to_numpy(dtype="int64") for f in frames]))
    out["score"] = pd.Series(np.concatenate([f["score"].to_numpy(dtype="float64") for f in frames]))
    out["masked"] = pd.concat([f["masked"] for f in frames], ignore_index=True).astype("str")
    return pd.DataFrame(out)[FINDING_COLUMNS]


def _progress_bar(tables: list[Table]):
    """A tqdm bar on stderr that appears only for scans taking more than a second."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(
        total=None,
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        desc="scanning",
        leave=False,
        delay=1.0,
        bar_format="{desc}: {n:,.0f} rows [{elapsed}, {rate_fmt}] {postfix}",
    )
