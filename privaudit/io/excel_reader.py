"""Excel workbooks (.xlsx, .xlsm) through openpyxl in read-only mode.

Every non-empty worksheet becomes a :class:`Table` (hidden sheets too, with a
warning); fully empty sheets are skipped and named in a warning on the workbook's
first table.  The header row is found below title rows and merged title cells.
Cells are read as text the way Excel stored them (see :func:`cell_text`): a
resident ID that Excel turned into the number ``1.10105194912310E+17`` comes back as
``'110105194912310000'`` — damaged, but visibly so.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence

import openpyxl
import pandas as pd

from privaudit.io._shared import (
    DAMAGED_ABOVE,
    MAX_LEADING_BLANK,
    SAMPLE_ROWS,
    excel_scientific,
    fail,
    find_header_row,
    float_text,
    iso_datetime,
    text_frame,
    unique_columns,
)
from privaudit.io.table import Table

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def cell_text(value) -> str | None:
    """An Excel cell value as text.

    Strings as-is (empty → None); ints as digits; integral floats as integer digits,
    other floats in shortest round-trip form; dates ``YYYY-MM-DD`` (with
    ``HH:MM:SS`` only when the time is not midnight); booleans ``TRUE``/``FALSE``.
    """
    if value is None:
        return None
    kind = type(value)
    if kind is str:
        return value or None
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is int:
        # Excel holds every number as a double: 16+ digits there were damaged on entry.
        return excel_scientific(float(value)) if abs(value) >= DAMAGED_ABOVE else str(value)
    if kind is float:
        return float_text(value)
    if isinstance(value, dt.datetime):
        return iso_datetime(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _open(path: str, source: str):
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if not magic:
        raise fail(source, "empty file (0 bytes)")
    if magic.startswith(_OLE_MAGIC):
        raise fail(source, "old binary Excel format (.xls) or a password-protected workbook; save as .xlsx")
    if not magic.startswith(_ZIP_MAGIC):
        raise fail(source, "not a valid .xlsx workbook (not a zip archive)")
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except Exception:  # zipfile, XML and openpyxl errors all mean the same thing here
        raise fail(source, "not a valid .xlsx workbook (corrupt or truncated)") from None


def _row_text(row: Sequence) -> list[str | None]:
    return [v if type(v) is str and v else cell_text(v) for v in row]


def _bounds(row: Sequence[str | None]) -> tuple[int, int] | None:
    idx = [i for i, v in enumerate(row) if v is not None and v.strip()]
    return (idx[0], idx[-1] + 1) if idx else None


def open_excel_tables(path: str, source: str, chunk_rows: int) -> list[Table]:
    """One lazily-read :class:`Table` per non-empty worksheet of the workbook at ``path``."""
    size = os.path.getsize(path)
    workbook = _open(path, source)
    tables: list[Table] = []
    empty: list[str] = []
    try:
        for sheet in workbook.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # stored dimensions are often wrong; read every row
            sample: list[list[str | None]] = []
            filled = 0
            for row in sheet.iter_rows(values_only=True):
                sample.append(_row_text(row))
                filled += any(v is not None for v in sample[-1])
                if filled >= SAMPLE_ROWS or (not filled and len(sample) >= MAX_LEADING_BLANK):
                    break
            spans = [b for b in map(_bounds, sample) if b]
            if not spans:
                empty.append(sheet.title)
                continue
            header_index = find_header_row(sample)
            spans = [b for b in map(_bounds, sample[header_index:]) if b]
            lo, hi = min(b[0] for b in spans), max(b[1] for b in spans)
            header = sample[header_index][lo:hi]
            names, warnings = unique_columns(header + [None] * (hi - lo - len(header)), first=lo + 1)
            if header_index:
                warnings.insert(0, f"{header_index} row(s) above the header skipped (title rows)")
            if sheet.sheet_state != "visible":
                warnings.insert(0, f"sheet '{sheet.title}' is {sheet.sheet_state}")
            not_examined: list[dict[str, str | None]] = []
            tables.append(
                Table(
                    source=source,
                    sheet=sheet.title,
                    format="xlsx",
                    encoding=None,
                    columns=names,
                    header_row=header_index,
                    first_data_line=header_index + 1,
                    _chunks=_sheet_reader(
                        path, source, sheet.title, header_index, lo, names, chunk_rows, warnings, not_examined
                    ),
                    warnings=warnings,
                    not_examined=not_examined,
                    size_hint=size,
                )
            )
    except MemoryError:
        raise
    except Exception:  # a worksheet's XML is broken
        raise fail(source, "not a valid .xlsx workbook (corrupt or truncated)") from None
    finally:
        workbook.close()
    if not tables:
        raise fail(source, "no data: every sheet is empty")
    for title in empty:
        tables[0].warnings.append(f"sheet '{title}' is empty: not examined")
        tables[0].not_examined.append(
            {"sheet": title, "column": None, "kind": "sheet", "what": f"sheet '{title}'",
             "why": f"empty: no filled cell in its first {MAX_LEADING_BLANK} rows (rows below are not read)"}
        )
    return tables


def _sheet_reader(
    path: str,
    source: str,
    title: str,
    header_index: int,
    lo: int,
    names: list[str],
    chunk_rows: int,
    warnings: list[str],
    not_examined: list[dict[str, str | None]] | None = None,
):
    width = len(names)
    hi = lo + width

    def chunks() -> Iterator[pd.DataFrame]:
        workbook = _open(path, source)
        rows: list[list[str | None]] = []
        start = 0
        blank = 0
        outside = 0
        try:
            sheet = workbook[title]
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            try:
                for raw in sheet.iter_rows(min_row=header_index + 2, values_only=True):
                    cells = _row_text(raw[lo:hi])
                    if len(raw) > hi or lo:
                        outside += sum(1 for v in (*raw[:lo], *raw[hi:]) if v is not None and v != "")
                    if not any(v is not None for v in cells):
                        blank += 1  # kept only if a non-empty row follows (row numbers stay physical)
                        continue
                    if blank:
                        rows.extend([None] * width for _ in range(blank))
                        blank = 0
                    cells.extend([None] * (width - len(cells)))
                    rows.append(cells)
                    while len(rows) >= chunk_rows:
                        yield _frame(names, rows[:chunk_rows], start)
                        start += chunk_rows
                        rows = rows[chunk_rows:]
            except MemoryError:
                raise
            except Exception:
                raise fail(
                    source, f"sheet '{title}': corrupt worksheet data after data row {start}"
                ) from None
            if rows:
                yield _frame(names, rows, start)
            if outside:
                note = f"{outside} non-empty cell(s) outside the header's columns were not examined"
                if note not in warnings:
                    warnings.append(note)
                if not_examined is not None and not any(i.get("kind") == "cells" for i in not_examined):
                    not_examined.append(
                        {"sheet": title, "column": None, "kind": "cells",
                         "what": f"{outside} non-empty cell(s) left or right of the header's columns",
                         "why": "cells without a column header are not read"}
                    )
        finally:
            workbook.close()

    return chunks


def _frame(names: list[str], rows: list[list[str | None]], start: int) -> pd.DataFrame:
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return text_frame(names, {n: list(col) for n, col in zip(names, columns, strict=True)}, start, len(rows))
