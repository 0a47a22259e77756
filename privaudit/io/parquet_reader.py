"""Parquet (.parquet, .pq) through ``pyarrow.parquet``, streamed batch by batch.

Nested structs are flattened into ``parent.child`` columns; every column is turned
into text without damage (integers as digits, never scientific notation; integral
floats as integer digits; dates and timestamps ISO; lists and maps as JSON text —
see :func:`privaudit.io._shared.arrow_to_text`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from privaudit.io._shared import arrow_frame, arrow_to_text, fail, flatten_structs, rechunk, unique_columns
from privaudit.io.table import Table

_MAGIC = b"PAR1"


def _open(path: str, source: str) -> pq.ParquetFile:
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if not magic:
        raise fail(source, "empty file (0 bytes)")
    if magic != _MAGIC:
        raise fail(source, "not a valid Parquet file")
    try:
        return pq.ParquetFile(path)
    except (pa.ArrowException, OSError, ValueError):
        raise fail(source, "not a valid Parquet file (corrupt or truncated)") from None


def _text_table(batch: pa.Table | pa.RecordBatch, names: list[str]) -> pa.Table:
    table = flatten_structs(pa.Table.from_batches([batch]) if isinstance(batch, pa.RecordBatch) else batch)
    return pa.Table.from_arrays([arrow_to_text(col) for col in table.columns], names=names)


def open_parquet_table(path: str, source: str, chunk_rows: int) -> Table:
    """Read a Parquet file's schema and return its lazily-read :class:`Table`."""
    size = os.path.getsize(path)
    parquet = _open(path, source)
    try:
        schema = parquet.schema_arrow
    finally:
        parquet.close()
    flat = flatten_structs(schema.empty_table())
    names, warnings = unique_columns(flat.column_names)
    text_schema = pa.schema([(name, pa.string()) for name in names])

    def chunks() -> Iterator[pd.DataFrame]:
        handle = _open(path, source)
        start = 0
        try:
            batches = (_text_table(b, names) for b in handle.iter_batches(batch_size=chunk_rows))
            for table in rechunk((b for t in batches for b in t.to_batches()), chunk_rows, text_schema):
                frame = arrow_frame(table, start)
                start += table.num_rows
                yield frame
        except (pa.ArrowException, OSError) as exc:
            if isinstance(exc, pa.ArrowNotImplementedError):
                raise fail(source, f"unsupported Parquet data after data row {start}") from None
            raise fail(source, f"corrupt Parquet data after data row {start}") from None
        finally:
            handle.close()

    return Table(
        source=source,
        sheet=None,
        format="parquet",
        encoding=None,
        columns=names,
        header_row=None,
        _chunks=chunks,
        warnings=warnings,
        size_hint=size,
    )
