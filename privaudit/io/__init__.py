"""Readers: every supported input becomes one or more :class:`Table` objects.

Encoding detection (UTF-8, UTF-8 with BOM, GB18030/GBK), delimiter sniffing, Excel
title rows and sheets, JSON flattening and chunked reading of big files live here
and nowhere else.  Readers never write anything and never modify the source.

Public API:

``read(obj, chunk_rows=...) -> list[Table]``
    ``obj`` is a path (file or directory, recursive), a list of paths, or a pandas
    DataFrame. Raises :class:`privaudit.errors.InputError` with one readable line
    for a missing path, empty file, binary file, undecodable text, ragged CSV,
    corrupt xlsx or unsupported extension.  With a list as ``not_examined``, files
    found in a directory that cannot be read are recorded there instead (see
    :func:`privaudit.io.readers.read`).
"""

from __future__ import annotations

from privaudit.io.table import Table

__all__ = ["Table", "read"]


def read(obj, chunk_rows: int | None = None, *, not_examined: list | None = None) -> list[Table]:  # noqa: D103
    from privaudit.io.readers import read as _read

    if chunk_rows is None:
        return _read(obj, not_examined=not_examined)
    return _read(obj, chunk_rows=chunk_rows, not_examined=not_examined)
