"""Delimited text (.csv, .tsv, .txt): encoding, delimiter, header row, streamed reading.

The head of the file (1 MiB) is decoded to detect the encoding, sniff the delimiter
(``,`` ``\\t`` ``;`` ``|``) and find the header row below any title rows; the data is
then streamed with ``pyarrow.csv.open_csv`` (every column read as a string, never
type-inferred), regrouped into chunks of ``chunk_rows`` rows.

Row numbering: data row 0 is the record after the header.  Blank lines inside the
data are kept as all-missing rows, so row numbers match the rows a spreadsheet
shows; blank lines at the end of the file are dropped.  Error messages give
1-based physical line numbers.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from collections.abc import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from privaudit.io._shared import (
    SAMPLE_ROWS,
    arrow_frame,
    drop_trailing_empty_rows,
    fail,
    find_header_row,
    rechunk,
    unique_columns,
)
from privaudit.io.encoding import UTF8_SIG, check_text_bytes, decode_head, detect_encoding, read_head
from privaudit.io.table import Table

DELIMITERS = (",", "\t", ";", "|")
#: Bytes per block handed to the Arrow parser.
BLOCK_SIZE = 1 << 20


def _records(text: str, delimiter: str, limit: int) -> list[tuple[list[str], int, int]]:
    """Up to ``limit`` records as ``(cells, first_line, lines_consumed_after)`` (0-based lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True)
    out: list[tuple[list[str], int, int]] = []
    before = 0
    try:
        for cells in reader:
            out.append((cells, before, reader.line_num))
            before = reader.line_num
            if len(out) >= limit:
                break
    except csv.Error:
        pass
    return out


def _delimiter_counts(text: str, limit: int) -> list[Counter]:
    """Per record (quote-aware, delimiter-independent), how often each candidate occurs outside quotes."""
    records: list[Counter] = []
    current: Counter = Counter()
    quoted = False
    i, n = 0, len(text)
    candidates = set(DELIMITERS)
    while i < n and len(records) < limit:
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif quoted:
            nxt = text.find('"', i)
            i = n if nxt < 0 else nxt
            continue
        elif ch in candidates:
            current[ch] += 1
        elif ch in "\r\n":
            if ch == "\r" and text.startswith("\n", i + 1):
                i += 1
            records.append(current)
            current = Counter()
        i += 1
    if current and len(records) < limit:
        records.append(current)
    return records


def sniff_delimiter(text: str, preferred: str = ",") -> str:
    """The delimiter among ``, \\t ; |`` that splits the sample's records most consistently.

    Counts each candidate outside quoted fields, record by record (records are found
    by quote-aware line splitting, the same for every candidate); scores a candidate
    by how many records share its most common non-zero count, then by that count;
    ``preferred`` wins ties.  Falls back to ``preferred`` for a single-column file.
    """
    records = _delimiter_counts(text, SAMPLE_ROWS)
    best: tuple[int, int, int] | None = None
    choice = preferred
    order = (preferred, *(d for d in DELIMITERS if d != preferred))
    for rank, delim in enumerate(order):
        counts = [r[delim] for r in records if r[delim]]
        if not counts:
            continue
        count, agree = Counter(counts).most_common(1)[0]
        score = (agree, count, -rank)
        if best is None or score > best:
            best, choice = score, delim
    return choice


def line_terminator(text: str) -> str:
    """The line terminator of the first line of ``text``: ``"\r\n"``, ``"\r"`` or ``"\n"`` (the default)."""
    end = next((i for i, ch in enumerate(text) if ch in "\r\n"), None)
    if end is None or text[end] == "\n":
        return "\n"
    return "\r\n" if text.startswith("\n", end + 1) else "\r"


def quoting_style(text: str, delimiter: str, lines: int = 2) -> str:
    """``"all"`` when the first ``lines`` lines quote every field, else ``"minimal"``."""
    field = '"(?:[^"]|"")*"'
    whole = re.compile(f"^{field}(?:{re.escape(delimiter)}{field})*$")
    sample = [line for line in text.splitlines()[:lines] if line]
    return "all" if sample and all(whole.match(line) for line in sample) else "minimal"


def open_csv_table(path: str, source: str, chunk_rows: int) -> Table:
    """Inspect a delimited text file and return its lazily-read :class:`Table`."""
    size = os.path.getsize(path)
    head = read_head(path)
    check_text_bytes(head, source)
    encoding = detect_encoding(path, head, source, size)
    complete = len(head) >= size
    try:
        text = decode_head(head, encoding, complete)
    except UnicodeDecodeError:
        raise fail(source, "cannot decode text: not UTF-8 or GB18030") from None
    if not text.strip():
        raise fail(source, "empty file (no data)")

    ext = os.path.splitext(path)[1].lower()
    delimiter = sniff_delimiter(text, "\t" if ext == ".tsv" else ",")
    records = _records(text, delimiter, SAMPLE_ROWS)
    if not records:
        raise fail(source, "no header row found in the first 1 MiB")
    index = find_header_row([cells for cells, _, _ in records])
    header, header_line, data_line = records[index]
    names, warnings = unique_columns(header)
    if index:
        warnings.append(f"{index} row(s) above the header skipped (title rows)")

    read_options = pacsv.ReadOptions(
        encoding="utf8" if encoding == UTF8_SIG else encoding,
        skip_rows=data_line,
        column_names=names,
        use_threads=False,  # keeps physical line numbers available for error messages
        block_size=BLOCK_SIZE,
    )
    convert_options = pacsv.ConvertOptions(
        column_types={name: pa.string() for name in names},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    schema = pa.schema([(name, pa.string()) for name in names])

    def chunks() -> Iterator[pd.DataFrame]:
        ragged: list[tuple[int | None, int, int]] = []

        def on_invalid(row: pacsv.InvalidRow) -> str:
            ragged.append((row.number, row.expected_columns, row.actual_columns))
            return "error"

        parse_options = pacsv.ParseOptions(
            delimiter=delimiter,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        )
        parsed = [0]  # data rows parsed so far (whole blocks), for error messages

        def counted(reader: pacsv.CSVStreamingReader) -> Iterator[pa.RecordBatch]:
            for batch in reader:
                yield batch
                parsed[0] += batch.num_rows

        start = 0
        try:
            with pacsv.open_csv(
                path, read_options=read_options, parse_options=parse_options, convert_options=convert_options
            ) as reader:
                for table in rechunk(counted(reader), chunk_rows, schema):
                    if table.num_rows < chunk_rows:  # the last chunk: drop blank lines at the end
                        table = drop_trailing_empty_rows(table)
                        if not table.num_rows:
                            break
                    frame = arrow_frame(table, start)
                    start += table.num_rows
                    yield frame
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise _translate(exc, source, ragged, parsed[0], encoding) from None

    return Table(
        source=source,
        sheet=None,
        format="tsv" if delimiter == "\t" else "csv",
        encoding=encoding,
        columns=names,
        header_row=header_line,
        first_data_line=data_line,
        _chunks=chunks,
        warnings=warnings,
        size_hint=size,
        delimiter=delimiter,
        line_terminator=line_terminator(text),
        quoting=quoting_style("\n".join(text.splitlines()[header_line:header_line + 2]), delimiter),
    )


def _translate(exc: Exception, source: str, ragged: list, rows_done: int, encoding: str):
    """One readable line for an Arrow or codec error (Arrow's own messages quote cell text)."""
    if ragged:
        line, expected, actual = ragged[0]
        where = f"line {line}" if line is not None else f"after data row {rows_done}"
        kind = "more" if actual > expected else "fewer"
        return fail(
            source,
            f"{where}: {actual} fields, {kind} than the {expected} header columns "
            "(ragged CSV; quote fields that contain the delimiter)",
        )
    if isinstance(exc, UnicodeDecodeError) or "utf8" in str(exc).lower():
        return fail(
            source,
            f"cannot decode text after data row {rows_done}: not UTF-8 or GB18030 (read as {encoding})",
        )
    return fail(source, f"malformed delimited text after data row {rows_done}")
