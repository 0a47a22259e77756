"""JSON (.json) and JSON Lines (.jsonl, .ndjson).

* ``.json``: an array of objects (row = index in the array).  A top-level object
  holding exactly one array of objects (at any depth through objects, e.g.
  ``{"total": 2, "data": [...]}``) is read as that array, with a warning naming the
  key; any other top-level object is read as a single record.
* ``.jsonl`` / ``.ndjson``: one object per line; row = the 0-based line number
  (blank lines are skipped but still counted).

Records are flattened: nested objects become ``parent.child`` columns; lists are
kept as their JSON text in one cell.  Numbers keep the text they have in the file
(``110105194912310021`` and ``1.50`` are not turned into floats); ``true``/``false``
stay as written; ``null`` is missing.  Columns appear in first-seen order.
Text is UTF-8 (with or without BOM) or GB18030, detected like CSV.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator

import pandas as pd

from privaudit.io._shared import fail, text_frame
from privaudit.io.encoding import check_text_bytes, detect_encoding, read_head
from privaudit.io.table import Table


class _Num(str):
    """A JSON number, kept as the text written in the file."""

    __slots__ = ()


def _loads(text: str):
    return json.loads(text, parse_int=_Num, parse_float=_Num, parse_constant=_Num)


def _dump(value) -> str:
    """Compact JSON text of ``value`` with numbers as written."""
    if isinstance(value, _Num):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v) for v in value) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + _dump(v) for k, v in value.items()) + "}"


def flatten(record: dict, prefix: str = "", out: dict | None = None) -> dict[str, str | None]:
    """A record as ``{column: text}``: nested keys joined with ``.``, lists as JSON text."""
    if out is None:
        out = {}
    for key, value in record.items():
        name = prefix + key
        if isinstance(value, dict):
            flatten(value, name + ".", out)
        elif isinstance(value, list):
            out[name] = _dump(value)
        elif value is None:
            out.setdefault(name, None)
        elif value is True or value is False:
            out[name] = "true" if value else "false"
        else:
            out[name] = str(value)
    return out


def _check_head(path: str, source: str) -> tuple[str, int]:
    size = os.path.getsize(path)
    head = read_head(path)
    check_text_bytes(head, source)
    if not head.strip():
        raise fail(source, "empty file (no data)")
    return detect_encoding(path, head, source, size), size


def _frame(names: list[str], records: list[dict], index: list[int] | int) -> pd.DataFrame:
    data = {name: [r.get(name) for r in records] for name in names}
    if isinstance(index, int):
        return text_frame(names, data, index, len(records))
    frame = text_frame(names, data, 0, len(records))
    frame.index = pd.Index(index, dtype="int64")
    return frame


# --------------------------------------------------------------------------- .json


def _find_records(doc, path: str = "") -> list[tuple[str, list]]:
    """Arrays of objects reachable from ``doc`` through objects only."""
    found: list[tuple[str, list]] = []
    for key, value in doc.items():
        here = f"{path}.{key}" if path else key
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            found.append((here, value))
        elif isinstance(value, dict):
            found.extend(_find_records(value, here))
    return found


def _load_records(path: str, source: str, encoding: str) -> tuple[list, list[str]]:
    """The records of a .json file and the reader's warnings."""
    records, warnings, _ = _load_document(path, source, encoding)
    return records, warnings


def _load_document(path: str, source: str, encoding: str) -> tuple[list, list[str], list[dict]]:
    """The records, the warnings and what is not examined (content outside the records)."""
    with open(path, "rb") as fh:
        raw = fh.read()
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        raise fail(source, f"cannot decode text: not UTF-8 or GB18030 (read as {encoding})") from None
    try:
        doc = _loads(text)
    except json.JSONDecodeError as exc:
        raise fail(source, f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise fail(source, "invalid JSON: nested too deeply") from None
    warnings: list[str] = []
    not_examined: list[dict] = []
    if isinstance(doc, dict):
        found = _find_records(doc)
        if len(found) == 1:
            key, doc_records = found[0]
            warnings.append(f"records read from the array under key '{key}'; other top-level keys ignored")
            others = [k for k in doc if k != key.split(".", 1)[0]]
            if others or "." in key:
                not_examined.append(
                    {"sheet": None, "column": None, "kind": "keys",
                     "what": f"JSON content outside the array under '{key}'",
                     "why": "only the array of records is read"}
                )
            doc = doc_records
        else:
            doc = [doc]
            warnings.append("top-level JSON object read as a single record")
    if not isinstance(doc, list):
        raise fail(source, "expected a JSON array of objects")
    for i, item in enumerate(doc):
        if not isinstance(item, dict):
            raise fail(source, f"element {i} of the array is not an object (expected an array of records)")
    return doc, warnings, not_examined


def open_json_table(path: str, source: str, chunk_rows: int) -> Table:
    """Parse a JSON document (to learn its columns) and return its lazily-read :class:`Table`.

    The document is parsed again by every ``chunks()`` call rather than kept in memory.
    """
    encoding, size = _check_head(path, source)
    records, warnings, not_examined = _load_document(path, source, encoding)
    names: dict[str, None] = {}
    for record in records:
        names.update(dict.fromkeys(flatten(record)))
    columns = list(names)
    del records

    def chunks() -> Iterator[pd.DataFrame]:
        items, _ = _load_records(path, source, encoding)
        for start in range(0, len(items), chunk_rows):
            yield _frame(columns, [flatten(r) for r in items[start : start + chunk_rows]], start)

    return Table(
        source=source,
        sheet=None,
        format="json",
        encoding=encoding,
        columns=columns,
        header_row=None,
        _chunks=chunks,
        warnings=warnings,
        size_hint=size,
        not_examined=not_examined,
    )


# --------------------------------------------------------------------------- .jsonl


def _lines(path: str, source: str, encoding: str) -> Iterable[tuple[int, dict]]:
    """``(0-based line number, flattened record)`` for every non-blank line."""
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh):
            try:
                line = raw.decode(encoding)
            except UnicodeDecodeError:
                raise fail(
                    source,
                    f"line {lineno + 1}: cannot decode text: not UTF-8 or GB18030 (read as {encoding})",
                ) from None
            if not line.strip():
                continue
            try:
                obj = _loads(line)
            except json.JSONDecodeError as exc:
                raise fail(
                    source, f"line {lineno + 1}: invalid JSON ({exc.msg}, column {exc.colno})"
                ) from None
            except RecursionError:
                raise fail(source, f"line {lineno + 1}: invalid JSON (nested too deeply)") from None
            if not isinstance(obj, dict):
                raise fail(source, f"line {lineno + 1}: not a JSON object")
            yield lineno, flatten(obj)


def open_jsonl_table(path: str, source: str, chunk_rows: int) -> Table:
    """Scan a JSON Lines file once for its columns and return its lazily-read :class:`Table`."""
    encoding, size = _check_head(path, source)
    names: dict[str, None] = {}
    for _, record in _lines(path, source, encoding):
        names.update(dict.fromkeys(record))
    columns = list(names)

    def chunks() -> Iterator[pd.DataFrame]:
        numbers: list[int] = []
        records: list[dict] = []
        for lineno, record in _lines(path, source, encoding):
            numbers.append(lineno)
            records.append(record)
            if len(records) >= chunk_rows:
                yield _frame(columns, records, numbers)
                numbers, records = [], []
        if records:
            yield _frame(columns, records, numbers)

    return Table(
        source=source,
        sheet=None,
        format="jsonl",
        encoding=encoding,
        columns=columns,
        header_row=None,
        _chunks=chunks,
        warnings=[],
        size_hint=size,
        first_data_line=0,
    )
