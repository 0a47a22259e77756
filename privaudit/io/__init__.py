"""Readers: every supported input becomes one or more :class:`Table` objects.

Encoding detection (UTF-8, UTF-8 with BOM, GB18030/GBK), delimiter sniffing, Excel
title rows and sheets, JSON flattening and chunked reading of big files live here
and nowhere else.  Readers never write anything and never modify the source.

Public API:

``read(obj, chunk_rows=...) -> list[Table]``
    ``obj`` is a path (file or directory, recursive), a list of paths, or a pandas
    DataFrame. Raises :class:`privaudit.errors.InputError` with one readable line
    for a missing path, empty file, binary file, undecodable text, ragged CSV,
    corrupt xlsx or unsupported extension.
"""

from __future__ import annotations

from privaudit.io.table import Table

__all__ = ["Table", "read"]


def read(obj, chunk_rows: int | None = None) -> list[Table]:  # noqa: D103 - documented above
    from privaudit.io.readers import read as _read

    return _read(obj) if chunk_rows is None else _read(obj, chunk_rows=chunk_rows)
