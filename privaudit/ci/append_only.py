"""Append-only changes: scan only the rows added to a CSV/TSV or JSON Lines file.

A change is *append-only* when the old version (a git blob) is a byte prefix of the
new content and ends with a newline.  That is checked without reading the old
blob at all: git names a blob by the hash of ``"blob <size>\\0" + content``, so the
new content's first ``size`` bytes are hashed as a blob and compared with the old
blob's id.  The same pass counts the prefix's records (newlines outside double
quotes for CSV, all newlines for JSON Lines), which gives the real row number of
the first added row.  Only the added bytes are then parsed — for CSV behind a copy
of the header (and any title rows above it), so the header is read as in the full
file.  A file in the working tree is memory-mapped: the hash runs on a thread over
the mapping while numpy counts newlines, and nothing is copied.

Anything else (an edited or reordered row, a last line without a newline, lone
``\\r`` line ends, a header that reads differently) is not append-only, and the
caller scans the whole file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import mmap
import os
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import numpy as np
import pandas as pd

from privaudit.errors import InputError
from privaudit.io.table import Table

#: Leading bytes kept to find the header (what the CSV reader inspects, too).
HEAD_BYTES = 1 << 20
_BLOCK = 8 << 20
_NL, _QUOTE = 10, 34


@dataclass
class Prefix:
    """What one pass over the old content's bytes (as found in the new content) gave."""

    head: bytes  # the first HEAD_BYTES bytes of the prefix (or fewer)
    records: int  # newlines ending a record (outside quotes when quote-aware)
    size: int


class BackgroundHash:
    """A hashlib object updated on its own thread (hashlib releases the GIL on big updates),
    so hashing overlaps with reading and counting; at most one block waits."""

    def __init__(self, name: str, header: bytes = b""):
        self._hash = hashlib.new(name, header)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="privaudit-hash")
        self._pending: Future | None = None

    def update(self, data) -> None:
        """Queue ``data`` (bytes or a buffer) after the previous block is done."""
        if self._pending is not None:
            self._pending.result()
        self._pending = self._pool.submit(self._hash.update, data)

    def hexdigest(self) -> str:
        """The digest of everything queued; the thread is released."""
        if self._pending is not None:
            self._pending.result()
            self._pending = None
        self._pool.shutdown()
        return self._hash.hexdigest()


def _count(arr: np.ndarray, parity: int, quote_aware: bool, has_quote: bool) -> tuple[int, int]:
    if not quote_aware or (parity == 0 and not has_quote):
        return int(np.count_nonzero(arr == _NL)), parity
    quotes = np.cumsum(arr == _QUOTE, dtype=np.int64)
    newlines = np.flatnonzero(arr == _NL)
    ending = int(((quotes[newlines] + parity) % 2 == 0).sum())
    return ending, int((parity + int(quotes[-1])) % 2) if len(arr) else parity


def count_records(block: bytes, parity: int, quote_aware: bool) -> tuple[int, int]:
    """Record-ending newlines in ``block`` and the quote parity after it.

    ``parity`` is 1 when the block starts inside a quoted field.  RFC 4180 quotes
    (``""`` inside a quoted field) keep the parity right: a newline ends a record
    exactly when an even number of quotes precedes it.
    """
    return _count(np.frombuffer(block, dtype=np.uint8), parity, quote_aware, b'"' in block)


class NewContent(Protocol):
    """The new version of a changed file, read once from the front."""

    def prefix(self, old_size: int, old_oid: str, hash_name: str, quote_aware: bool) -> Prefix | None:
        """Check that the first ``old_size`` bytes are blob ``old_oid``; summarise them."""

    def write_rest(self, path: str, lead: bytes = b"") -> int:
        """Write ``lead`` and the bytes after the prefix to ``path``; return how many followed ``lead``."""

    def verified(self) -> bool:
        """True unless the content had to be the staged blob and is not."""


class StreamContent:
    """New content streamed (``git cat-file blob``)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def prefix(self, old_size: int, old_oid: str, hash_name: str, quote_aware: bool) -> Prefix | None:
        """See :class:`NewContent`."""
        blob = BackgroundHash(hash_name, f"blob {old_size}\0".encode("ascii"))
        head = bytearray()
        records = parity = done = 0
        last = b""
        while done < old_size:
            block = self.stream.read(min(_BLOCK, old_size - done))
            if not block:
                blob.hexdigest()
                return None  # the new content is shorter
            blob.update(block)
            if len(head) < HEAD_BYTES:
                head += block[: HEAD_BYTES - len(head)]
            n, parity = count_records(block, parity, quote_aware)
            records += n
            done += len(block)
            last = block[-1:]
        if blob.hexdigest() != old_oid or (old_size and last != b"\n") or parity:
            return None
        return Prefix(head=bytes(head), records=records, size=old_size)

    def write_rest(self, path: str, lead: bytes = b"") -> int:
        """See :class:`NewContent`."""
        copied = 0
        with open(path, "wb") as out:
            out.write(lead)
            while block := self.stream.read(_BLOCK):
                out.write(block)
                copied += len(block)
        return copied

    def verified(self) -> bool:
        """See :class:`NewContent`."""
        return True


class MappedFile:
    """New content in a file, memory-mapped.  With ``expect_oid`` (the staged blob the file
    stands in for) the whole file is hashed too, and :meth:`verified` compares."""

    def __init__(self, path: str, hash_name: str, expect_oid: str | None = None):
        self._file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.size = os.fstat(self._file.fileno()).st_size
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if self.size else None
        self._view = memoryview(self._map) if self._map is not None else memoryview(b"")
        self.expect_oid = expect_oid
        self._whole: BackgroundHash | None = None
        if expect_oid is not None:
            self._whole = BackgroundHash(hash_name, f"blob {self.size}\0".encode("ascii"))
            self._whole.update(self._view)
        self._prefix_size = 0

    def prefix(self, old_size: int, old_oid: str, hash_name: str, quote_aware: bool) -> Prefix | None:
        """See :class:`NewContent`."""
        if old_size > self.size or (old_size and self._view[old_size - 1] != _NL):
            return None
        blob = BackgroundHash(hash_name, f"blob {old_size}\0".encode("ascii"))
        blob.update(self._view[:old_size])
        data = np.frombuffer(self._view, dtype=np.uint8, count=old_size)
        records = parity = 0
        for start in range(0, old_size, _BLOCK):
            stop = min(old_size, start + _BLOCK)
            has_quote = quote_aware and self._map is not None and self._map.find(b'"', start, stop) >= 0
            n, parity = _count(data[start:stop], parity, quote_aware, has_quote)
            records += n
        del data
        if blob.hexdigest() != old_oid or parity:
            return None
        self._prefix_size = old_size
        return Prefix(head=bytes(self._view[: min(HEAD_BYTES, old_size)]), records=records, size=old_size)

    def write_rest(self, path: str, lead: bytes = b"") -> int:
        """See :class:`NewContent`."""
        with open(path, "wb") as out:
            out.write(lead)
            out.write(self._view[self._prefix_size :])
        return self.size - self._prefix_size

    def verified(self) -> bool:
        """See :class:`NewContent`."""
        return self._whole is None or self._whole.hexdigest() == self.expect_oid

    def close(self) -> None:
        """Release the mapping and the file."""
        if self._whole is not None:
            self._whole.hexdigest()
        try:
            self._view.release()
            if self._map is not None:
                self._map.close()
        except BufferError:  # a slice still referenced somewhere: the mapping goes with it
            pass
        self._file.close()


def header_end(head: bytes, header_line: int) -> int | None:
    """Byte offset just after the CSV record that starts on physical line ``header_line``."""
    if head.count(b"\r") != head.count(b"\r\n"):
        return None  # lone CR line ends: physical lines cannot be counted by newlines
    start = 0
    for _ in range(header_line):
        start = head.find(b"\n", start) + 1
        if start == 0:
            return None
    parity = 0
    pos = start
    while True:
        nl = head.find(b"\n", pos)
        if nl < 0:
            return None
        parity = (parity + head.count(b'"', pos, nl)) % 2
        if parity == 0:
            return nl + 1
        pos = nl + 1


def shifted(table: Table, offset: int, note: str) -> Table:
    """``table`` with every data-row number moved by ``offset`` and ``note`` added to its warnings."""

    def chunks() -> Iterator[pd.DataFrame]:
        for frame in table.chunks():
            frame.index = frame.index + offset
            yield frame

    # lenient, as files found by a directory walk: a malformed added row is listed as not examined
    return dataclasses.replace(table, _chunks=chunks, warnings=[*table.warnings, note], lenient=True)


def csv_tail_table(
    prefix: Prefix, content: NewContent, source: str, workdir: str, chunk_rows: int, note: str
) -> Table | None:
    """The rows after ``prefix`` as a CSV :class:`Table` numbered as in the whole file (None: not possible).

    ``note`` is added to the table's warnings (``{row}``: the first added row).
    """
    from privaudit.io.csv_reader import open_csv_table

    ext = os.path.splitext(source)[1].lower() or ".csv"
    head = prefix.head[: prefix.head.rfind(b"\n") + 1]
    if not head:
        return None
    head_path = os.path.join(workdir, "head" + ext)
    with open(head_path, "wb") as fh:
        fh.write(head)
    try:
        whole = open_csv_table(head_path, source, chunk_rows)
    except InputError:
        return None
    end = header_end(head, whole.header_row or 0)
    if end is None:
        return None
    before, parity = count_records(head[:end], 0, True)
    if parity:
        return None
    tail_path = os.path.join(workdir, "tail" + ext)
    if not content.write_rest(tail_path, head[:end]):
        return None
    tail = open_csv_table(tail_path, source, chunk_rows)
    if tail.columns != whole.columns or tail.encoding != whole.encoding or tail.header_row != whole.header_row:
        return None
    return shifted(tail, prefix.records - before, note.format(row=prefix.records - before))


def jsonl_tail_table(
    prefix: Prefix, content: NewContent, source: str, workdir: str, chunk_rows: int, note: str
) -> Table | None:
    """The lines after ``prefix`` as a JSON Lines :class:`Table` numbered as in the whole file."""
    from privaudit.io.json_reader import open_jsonl_table

    tail_path = os.path.join(workdir, "tail" + (os.path.splitext(source)[1].lower() or ".jsonl"))
    if not content.write_rest(tail_path):
        return None
    with open(tail_path, "rb") as fh:
        if not fh.read(HEAD_BYTES).strip():
            return None  # only blank lines were added
    return shifted(open_jsonl_table(tail_path, source, chunk_rows), prefix.records, note.format(row=prefix.records))
