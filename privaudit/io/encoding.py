"""Text encoding detection for delimited text and JSON: UTF-8, UTF-8 with BOM, GB18030.

Chinese government data arrives as UTF-8 (often with a BOM, as Excel writes it) or as
GBK/GB2312 — both decoded here as GB18030, their superset.  Detection is strict and
byte-based: a file is UTF-8 when its sample decodes as UTF-8, else GB18030 when it
decodes as GB18030, else it is refused.  The sample is the first
:data:`HEAD_BYTES` bytes, or — for a file whose head is pure ASCII — the first block
that holds a non-ASCII byte, so a GB18030 file with a long ASCII prefix is not taken
for UTF-8.  Bytes beyond the sample are checked while the file is read (an
undecodable byte later in the file raises :class:`InputError` from ``chunks()``).
"""

from __future__ import annotations

import codecs

from privaudit.io._shared import fail

#: Bytes read from the start of a file for detection and sniffing.
HEAD_BYTES = 1 << 20
_SCAN_BLOCK = 1 << 22

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
GB18030 = "gb18030"


def read_head(path: str, size: int = HEAD_BYTES) -> bytes:
    """The first ``size`` bytes of ``path`` (opened read-only)."""
    with open(path, "rb") as fh:
        return fh.read(size)


def check_text_bytes(head: bytes, source: str) -> None:
    """Refuse empty, UTF-16/32 and binary data (NUL bytes) with one readable line."""
    if not head:
        raise fail(source, "empty file (0 bytes)")
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise fail(source, "UTF-32 text is not supported; save as UTF-8")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise fail(source, "UTF-16 text is not supported; save as UTF-8")
    if head.startswith(b"PK\x03\x04"):
        raise fail(source, "a zip archive (an .xlsx workbook?), not text; use the right file extension")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise fail(source, "an old binary Office file (.xls?), not text; save as .xlsx or UTF-8 CSV")
    if b"\x00" in head:
        raise fail(source, "binary data (NUL bytes) in a text file; not a CSV/JSON file, or UTF-16 text")


def _whole_lines(block: bytes, complete: bool) -> bytes:
    """Cut ``block`` after its last newline unless it is the end of the file."""
    if complete:
        return block
    cut = block.rfind(b"\n")
    return block[: cut + 1] if cut >= 0 else block


def _decodes(block: bytes, encoding: str, complete: bool) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    try:
        decoder.decode(block, final=complete)
    except UnicodeDecodeError:
        return False
    return True


def _first_non_ascii_block(path: str, offset: int) -> tuple[bytes, bool] | None:
    """From ``offset`` on, the first block holding a non-ASCII byte (from its line start).

    Returns ``(sample, reaches_end_of_file)`` or None for an all-ASCII remainder.
    """
    with open(path, "rb") as fh:
        fh.seek(offset)
        while True:
            block = fh.read(_SCAN_BLOCK)
            if not block:
                return None
            if block.isascii():
                continue
            pos = _find_high(block)
            sample = block[block.rfind(b"\n", 0, pos) + 1 :]
            if len(block) - pos < HEAD_BYTES:
                sample += fh.read(HEAD_BYTES - (len(block) - pos))
            return sample, fh.read(1) == b""


def _find_high(block: bytes) -> int:
    """Position of the first byte >= 0x80 (bisection on ``isascii``, no Python byte loop)."""
    lo, hi = 0, len(block)
    while hi - lo > 64:
        mid = (lo + hi) // 2
        if block[lo:mid].isascii():
            lo = mid
        else:
            hi = mid
    return lo + next(i for i, b in enumerate(block[lo:hi]) if b >= 0x80)


def detect_encoding(path: str, head: bytes, source: str, file_size: int) -> str:
    """``"utf-8"``, ``"utf-8-sig"`` or ``"gb18030"`` for the file at ``path``.

    ``head`` is the file's first bytes (:func:`read_head`).  Raises :class:`InputError`
    when the sample decodes as neither UTF-8 nor GB18030.
    """
    if head.startswith(codecs.BOM_UTF8):
        if not _decodes(_whole_lines(head, len(head) >= file_size), UTF8, len(head) >= file_size):
            raise fail(source, "cannot decode text: starts with a UTF-8 BOM but is not valid UTF-8")
        return UTF8_SIG
    complete = len(head) >= file_size
    if head.isascii():
        if complete:
            return UTF8
        found = _first_non_ascii_block(path, len(head))
        if found is None:
            return UTF8
        sample, complete = found
    else:
        sample = head
    sample = _whole_lines(sample, complete)
    if _decodes(sample, UTF8, complete):
        return UTF8
    if _decodes(sample, GB18030, complete):
        return GB18030
    raise fail(source, "cannot decode text: not UTF-8 or GB18030")


def decode_head(head: bytes, encoding: str, complete: bool) -> str:
    """The decodable whole-line prefix of ``head`` as text (BOM removed)."""
    block = _whole_lines(head, complete)
    return codecs.getincrementaldecoder(encoding)("strict").decode(block, final=complete)
