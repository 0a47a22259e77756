"""Write transformed views in their input's format — atomically, never over a source.

A :class:`View` is one transformed table (a file, or one sheet of a workbook) plus the
:class:`~privaudit.io.Table` it was read from.  :func:`write_views` writes the views of
one source file to one target file in the source's format:

* **CSV / TSV**: the encoding (UTF-8, UTF-8 with BOM, GB18030), delimiter, line
  terminator and quoting (minimal or all fields) recorded by the reader; header row then
  data rows (title rows above the header are not copied: they were never examined).
* **Excel**: one worksheet per input sheet, same names and order, header in row 1,
  every value written as a text cell (long digit strings stay digits; a value starting
  with ``=`` stays text, never a formula).
* **JSON / JSON Lines**: the source records are re-read and only the changed columns
  are patched back into their nested places (``requester.phone`` → ``{"requester":
  {"phone": …}}``), so untouched values keep their JSON types and number text;
  dropped columns are removed; JSON Lines keeps blank lines (row numbers stay).
* **Parquet**: untouched columns are copied from the source with their Arrow types
  (nested structs flattened to ``parent.child`` columns, as read); changed columns
  are strings.

Files are staged: written to a temporary file beside the target and renamed into
place only when every file of the run has been written (:class:`Staging`).  A target
that is a source file is always refused; an existing target is refused unless
``force``.  On any error, nothing of the run is left behind.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from privaudit.errors import InputError, PrivauditError
from privaudit.io.table import Table

#: Output formats by file extension.
FORMATS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".txt": "csv",
    ".xlsx": "xlsx", ".xlsm": "xlsx",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet",
}
_FAMILY = {"csv": "csv", "tsv": "csv", "xlsx": "xlsx", "json": "json", "jsonl": "jsonl", "parquet": "parquet"}


class OutputError(PrivauditError):
    """An output path that may not be written (a source file, an existing file …); exit 2."""


@dataclass
class View:
    """One transformed table ready to be written.

    ``frame`` holds the rows to write (index: the source's data-row numbers, in order;
    columns: the source's columns minus dropped ones).  ``changed`` names the columns an
    operator rewrote; every other column is written exactly as read.
    """

    table: Table
    frame: pd.DataFrame
    changed: frozenset[str] = field(default_factory=frozenset)


def format_of(path: str | os.PathLike[str]) -> str:
    """The output format for ``path`` by its extension (``csv``, ``xlsx``, ``json``, ``jsonl``, ``parquet``)."""
    ext = os.path.splitext(os.fspath(path))[1].lower()
    if ext not in FORMATS:
        raise OutputError(f"{os.fspath(path)}: unsupported output type {ext or '(no extension)'}; use {' '.join(FORMATS)}")
    return FORMATS[ext]


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """True if ``a`` and ``b`` name the same existing file (or the same resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return Path(a).resolve() == Path(b).resolve()


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --------------------------------------------------------------------------- staging


class Staging:
    """Write several files all-or-nothing.

    ``open(target)`` returns a binary handle on a temporary file in the target's
    directory (created if needed).  :meth:`commit` renames every temporary file onto its
    target; :meth:`abort` (or leaving the ``with`` block by an exception) deletes them and
    any directory this run created, so a failed run leaves nothing behind.
    """

    def __init__(self, *, sources: Iterable[str | os.PathLike[str]] = (), force: bool = False):
        self.sources = [os.fspath(s) for s in sources]
        self.force = force
        self._pending: list[tuple[str, Path]] = []
        self._created_dirs: list[Path] = []
        self._done: list[Path] = []
        self._sha256: dict[Path, str] = {}

    def check(self, target: str | os.PathLike[str]) -> Path:
        """Refuse a target that is a source, is staged twice, or exists (unless ``force``)."""
        path = Path(target)
        for src in self.sources:
            if os.path.exists(src) and same_file(src, path):
                raise OutputError(f"{path}: is an input file; privaudit never writes over its source")
        if any(same_file(t, path) if t.exists() else t.resolve() == path.resolve() for _, t in self._pending):
            raise OutputError(f"{path}: two outputs of this run would have the same name")
        if path.is_dir():
            raise OutputError(f"{path}: is a directory")
        if path.exists() and not self.force:
            raise OutputError(f"{path}: already exists (use --force to replace it)")
        return path

    def _mkdirs(self, directory: Path) -> None:
        missing = []
        d = directory
        while not d.exists():
            missing.append(d)
            if d.parent == d:
                break
            d = d.parent
        for d in reversed(missing):
            try:
                d.mkdir()
            except OSError as exc:
                raise OutputError(f"{d}: cannot create directory ({exc.strerror or type(exc).__name__})") from None
            self._created_dirs.append(d)

    @contextlib.contextmanager
    def open(self, target: str | os.PathLike[str]) -> Iterator[BinaryIO]:
        """A binary handle on a temporary file that becomes ``target`` on :meth:`commit`."""
        path = self.check(target)
        directory = path.parent if str(path.parent) else Path(".")
        self._mkdirs(directory)
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write ({exc.strerror or type(exc).__name__})") from None
        self._pending.append((tmp, path))
        with os.fdopen(fd, "wb") as handle:
            yield handle
        self._sha256[path] = file_sha256(tmp)

    def hashes(self) -> dict[Path, str]:
        """sha256 of every file written so far, by target path."""
        return dict(self._sha256)

    def commit(self) -> list[Path]:
        """Move every staged file into place; returns the targets."""
        try:
            for tmp, path in self._pending:
                os.replace(tmp, path)
                self._done.append(path)
        except OSError as exc:
            self.abort()
            raise OutputError(f"cannot move output into place ({exc.strerror or type(exc).__name__})") from None
        done, self._pending = [p for _, p in self._pending], []
        return done

    def abort(self) -> None:
        """Delete staged files, files this run already moved into place, and directories it created."""
        for tmp, _ in self._pending:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        for path in self._done:
            with contextlib.suppress(OSError):
                os.unlink(path)
        for d in reversed(self._created_dirs):
            with contextlib.suppress(OSError):
                d.rmdir()
        self._pending, self._done, self._created_dirs = [], [], []

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


# --------------------------------------------------------------------------- entry point


def write_views(views: Sequence[View], target: str | os.PathLike[str], staging: Staging) -> None:
    """Write the views of one source (several only for the sheets of a workbook) to ``target``.

    The format is the source's; for an in-memory DataFrame source it is chosen by
    ``target``'s extension.  Raises :class:`OutputError` when ``target``'s extension names
    another format than the source's.
    """
    if not views:
        raise ValueError("write_views needs at least one view")
    table = views[0].table
    wanted = format_of(target)
    fmt = wanted if table.format == "dataframe" else _FAMILY.get(table.format, table.format)
    if fmt != wanted:
        raise OutputError(
            f"{os.fspath(target)}: a {table.format} input is written as {table.format}; give the output a matching extension"
        )
    if len(views) > 1 and fmt != "xlsx":
        raise ValueError("only an Excel workbook holds several tables")
    with staging.open(target) as handle:
        if fmt == "csv":
            _write_csv(views[0], handle, target)
        elif fmt == "xlsx":
            _write_xlsx(views, handle)
        elif fmt == "json":
            _write_json(views[0], handle)
        elif fmt == "jsonl":
            _write_jsonl(views[0], handle)
        else:
            _write_parquet(views[0], handle)


def _cells(series: pd.Series) -> Any:
    """A column as Python objects with None for missing values."""
    return series.to_numpy(dtype=object, na_value=None)


# --------------------------------------------------------------------------- CSV


#: Rows encoded per block when writing delimited text.
CSV_BLOCK_ROWS = 200_000


def _large(text: str) -> pa.Scalar:
    return pa.scalar(text, pa.large_string())


def csv_rows(frame: pd.DataFrame, delimiter: str, terminator: str, quote_all: bool) -> bytes:
    """The rows of ``frame`` as UTF-8 delimited text, as Python's :mod:`csv` writer writes
    them (``QUOTE_MINIMAL`` or ``QUOTE_ALL``, ``"`` doubled, missing cells empty) — except
    that a field holding a carriage return is always quoted, so it reads back as one field —
    built column-wise with Arrow string kernels (only cells that need quotes are quoted)."""
    from privaudit.identifiers._common import as_arrow

    n = len(frame)
    if n == 0:
        return b""
    special = "[" + re.escape(delimiter + '"') + "\\r\\n]"
    fields = []
    for name in frame.columns:
        arr = pc.fill_null(as_arrow(frame[name]), "")
        needs = None if quote_all else pc.match_substring_regex(arr, special)
        if quote_all or pc.any(needs).as_py():
            quoted = pc.binary_join_element_wise(
                _large('"'), pc.replace_substring(arr, '"', '""'), _large('"'), _large("")
            )
            arr = quoted if quote_all else pc.if_else(needs, quoted, arr)
        fields.append(arr)
    if len(fields) == 1 and not quote_all:  # a lone empty field would make a blank line
        fields[0] = pc.if_else(pc.equal(fields[0], ""), _large('""'), fields[0])
    lines = fields[0] if len(fields) == 1 else pc.binary_join_element_wise(*fields, _large(delimiter))
    lines = pc.binary_join_element_wise(lines, _large(terminator), _large(""))
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset : lines.offset + n + 1]
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


def _write_csv(view: View, handle: BinaryIO, target: str | os.PathLike[str]) -> None:
    table = view.table
    delimiter = table.delimiter or ("\t" if os.fspath(target).lower().endswith(".tsv") else ",")
    terminator = table.line_terminator or "\n"
    quote_all = table.quoting == "all"
    encoding = table.encoding or "utf-8"
    header = io.StringIO()
    csv.writer(
        header, delimiter=delimiter, lineterminator=terminator,
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, quotechar='"', doublequote=True,
    ).writerow(list(view.frame.columns))
    handle.write(header.getvalue().encode(encoding))  # utf-8-sig: the BOM once, at the start
    utf8 = encoding in ("utf-8", "utf-8-sig")
    frame = view.frame
    for start in range(0, len(frame), CSV_BLOCK_ROWS):
        rows = csv_rows(frame.iloc[start : start + CSV_BLOCK_ROWS], delimiter, terminator, quote_all)
        handle.write(rows if utf8 else rows.decode("utf-8").encode(encoding))


# --------------------------------------------------------------------------- Excel


def _write_xlsx(views: Sequence[View], handle: BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for view in views:
        sheet = workbook.create_sheet(title=view.table.sheet or "Sheet1")

        def text_cell(value: Any, sheet=sheet) -> Any:
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value)
                cell.data_type = "s"  # text, never a formula
                return cell
            return value

        sheet.append([text_cell(c) for c in view.frame.columns])
        columns = [_cells(view.frame[c]) for c in view.frame.columns]
        for row in zip(*columns, strict=True):
            sheet.append([text_cell(v) for v in row])
    workbook.save(handle)


# --------------------------------------------------------------------------- JSON


def _dump(value: Any) -> str:
    """JSON text of ``value`` (numbers as written in the source, non-ASCII kept)."""
    from privaudit.io.json_reader import _Num

    if isinstance(value, _Num):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + _dump(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_dump(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _leaf_paths(record: dict, prefix: str = "", out: dict | None = None, path: tuple = ()) -> dict[str, tuple]:
    """Column name -> key path inside ``record``, the way the reader flattens it."""
    if out is None:
        out = {}
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            _leaf_paths(value, name + ".", out, (*path, key))
        elif value is None:
            out.setdefault(name, (*path, key))
        else:
            out[name] = (*path, key)
    return out


def _cell_text(value: Any) -> str | None:
    """A leaf value as the reader shows it (see :func:`privaudit.io.json_reader.flatten`)."""
    from privaudit.io.json_reader import _dump as reader_dump

    if value is None:
        return None
    if isinstance(value, list):
        return reader_dump(value)
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _patch(record: dict, row: dict[str, Any], changed: Iterable[str], dropped: Iterable[str]) -> dict:
    """``record`` with changed columns replaced by ``row``'s values and dropped columns removed."""
    paths = _leaf_paths(record)
    for name in dropped:
        if name in paths:
            _delete(record, paths[name])
    for name in changed:
        if name not in paths:
            continue
        *parents, key = paths[name]
        holder = record
        for p in parents:
            holder = holder[p]
        old = holder[key]
        new = row.get(name)
        if new == _cell_text(old):
            continue  # the operator left this cell alone: keep its JSON type
        if new is not None and isinstance(old, list):
            with contextlib.suppress(ValueError):
                parsed = json.loads(new)
                if isinstance(parsed, list):
                    new = parsed
        holder[key] = new
    return record


def _delete(record: dict, path: tuple) -> None:
    holders = [record]
    for p in path[:-1]:
        holders.append(holders[-1][p])
    del holders[-1][path[-1]]
    for depth in range(len(path) - 1, 0, -1):  # remove parents this emptied
        if holders[depth]:
            break
        del holders[depth - 1][path[depth - 1]]


def _rows(view: View) -> dict[int, dict[str, Any]]:
    frame = view.frame
    names = [c for c in frame.columns if c in view.changed]
    columns = [_cells(frame[c]) for c in names]
    return {int(i): dict(zip(names, vals, strict=True)) for i, *vals in zip(frame.index, *columns, strict=True)}


def unflatten(names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Column name -> key path: ``requester.phone`` → ``("requester", "phone")``; a name whose
    prefix is itself a column (``a`` and ``a.b``) stays flat."""
    taken = set(names)
    out = {}
    for name in names:
        parts = tuple(name.split("."))
        prefixes = {".".join(parts[:i]) for i in range(1, len(parts))}
        out[name] = (name,) if "" in parts or prefixes & taken else parts
    return out


def _frame_records(frame: pd.DataFrame) -> Iterator[dict]:
    """Nested records built from a frame's columns (for inputs that were not JSON)."""
    paths = unflatten(list(frame.columns))
    columns = [_cells(frame[c]) for c in frame.columns]
    for values in zip(*columns, strict=True):
        record: dict = {}
        for name, value in zip(frame.columns, values, strict=True):
            *parents, key = paths[name]
            holder = record
            for part in parents:
                holder = holder.setdefault(part, {})
            holder[key] = value
        yield record


def _write_json(view: View, handle: BinaryIO) -> None:
    from privaudit.io.json_reader import _load_records

    table = view.table
    if table.format != "json":
        text = "[\n" + ",\n".join(_dump(r) for r in _frame_records(view.frame)) + "\n]\n"
        handle.write(text.encode("utf-8"))
        return
    records, warnings = _load_records(table.source, table.source, table.encoding or "utf-8")
    single = any("single record" in w for w in warnings)
    dropped = [c for c in table.columns if c not in view.frame.columns]
    rows = _rows(view)
    out = [_patch(rec, rows[i], view.changed, dropped) for i, rec in enumerate(records) if i in rows]
    text = (_dump(out[0]) if single and out else "[\n" + ",\n".join(_dump(r) for r in out) + "\n]") + "\n"
    handle.write(text.encode(table.encoding or "utf-8"))


def _write_jsonl(view: View, handle: BinaryIO) -> None:
    from privaudit.io.json_reader import _loads

    table = view.table
    if table.format != "jsonl":
        for record in _frame_records(view.frame):
            handle.write((_dump(record) + "\n").encode("utf-8"))
        return
    encoding = table.encoding or "utf-8"
    out_encoding = "utf-8" if encoding == "utf-8-sig" else encoding
    if encoding == "utf-8-sig":
        handle.write(codecs.BOM_UTF8)
    dropped = [c for c in table.columns if c not in view.frame.columns]
    rows = _rows(view)
    with open(table.source, "rb") as src:
        for lineno, raw in enumerate(src):
            line = raw.decode(encoding)
            if not line.strip():
                handle.write(b"\n")  # blank lines kept: row numbers stay the same
                continue
            if lineno not in rows:
                continue  # a suppressed record
            record = _patch(_loads(line), rows[lineno], view.changed, dropped)
            handle.write((_dump(record) + "\n").encode(out_encoding))


# --------------------------------------------------------------------------- Parquet


def _write_parquet(view: View, handle: BinaryIO) -> None:
    from privaudit.io._shared import flatten_structs, unique_columns

    table, frame = view.table, view.frame
    source: pa.Table | None = None
    if table.format == "parquet":
        try:
            source = flatten_structs(pq.read_table(table.source))
        except (pa.ArrowException, OSError):
            raise InputError(f"{table.source}: cannot read the Parquet source again") from None
        names, _ = unique_columns(source.column_names)
        source = source.rename_columns(names)
        positions = pa.array(frame.index.to_numpy(dtype="int64"))
        if len(positions) != source.num_rows or not (frame.index == pd.RangeIndex(source.num_rows)).all():
            source = source.take(positions)
    arrays, names = [], []
    for name in frame.columns:
        if source is not None and name not in view.changed and name in source.column_names:
            arrays.append(source.column(name))
        else:
            arrays.append(pa.array(_cells(frame[name]), type=pa.string()))
        names.append(name)
    pq.write_table(pa.Table.from_arrays(arrays, names=names), handle)
