"""GCM (NIST SP 800-38D) over a whole column of messages at once, and base64url rows.

``cryptography`` seals one message per call — about 1 µs for AES-GCM and 10 µs for
SM4-GCM, whose ``Cipher`` objects are set up per nonce (15 s for a million IDs).
This module runs the *same* standard mode column-wise on messages of equal length:
one ECB call of the library's block cipher makes the keystream of every counter
block, GHASH runs in numpy over all messages at once (GF(2^128) multiplication by
H through 16 byte tables).  The output is bit-for-bit what
``Cipher(algorithm, GCM(nonce))`` produces, which the tests check against
``cryptography`` for AES and SM4.  96-bit nonces, 128-bit tags, one fixed AAD per
instance.  Timing side channels of table lookups do not matter here: cells are
sealed and opened offline, in batch, by the key holder.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

NONCE = 12
TAG = 16
_R = 0xE1 << 120


def _tables(h: bytes) -> np.ndarray:
    """Per byte position b and byte value v: (v placed at byte b) · H, as 16 big-endian
    bytes held in two uint64 (the XOR of such rows is the product's bytes)."""
    powers = []  # H · x^i, i = 0 … 127 (GCM's reflected bit order: the MSB is x^0)
    p = int.from_bytes(h, "big")
    for _ in range(128):
        powers.append(p)
        p = (p >> 1) ^ _R if p & 1 else p >> 1
    table = [[0] * 256 for _ in range(16)]
    for b in range(16):
        row = table[b]
        for v in range(1, 256):
            low = v & -v
            row[v] = row[v ^ low] ^ powers[8 * b + 8 - low.bit_length()]
    raw = b"".join(x.to_bytes(16, "big") for row in table for x in row)
    return np.frombuffer(raw, dtype=np.uint64).reshape(16, 256, 2)


#: From this many messages on, GHASH uses 16-bit tables (8 MB, built in ~40 ms).
_WIDE_FROM = 20_000


class BatchGcm:
    """GCM under one block-cipher key and one AAD, for many messages of one length.

    ``ecb`` encrypts a buffer of whole 16-byte blocks independently (the ``update`` of
    an ECB encryptor of the library)."""

    def __init__(self, ecb: Callable[[bytes], bytes], aad: bytes = b""):
        self._ecb = ecb
        self._aad_bits = 8 * len(aad)
        self._byte_tables = _tables(ecb(bytes(16)))
        self._wide: np.ndarray | None = None
        y = np.zeros((1, 16), dtype=np.uint8)
        padded = np.frombuffer(aad + bytes(-len(aad) % 16), dtype=np.uint8).reshape(-1, 16)
        for block in padded:
            y = self._mul(y ^ block)
        self._aad_y = y[0]

    def _mul(self, z: np.ndarray) -> np.ndarray:
        """Rows of ``z`` (uint8 (n, 16), big-endian field elements) times H."""
        n = len(z)
        z = np.ascontiguousarray(z)
        out = np.zeros((n, 2), dtype=np.uint64)
        if n >= _WIDE_FROM:
            if self._wide is None:
                t = self._byte_tables
                self._wide = np.stack(
                    [(t[2 * j][:, None, :] ^ t[2 * j + 1][None, :, :]).reshape(65536, 2) for j in range(8)]
                )
            index = z.view(">u2").astype(np.intp)
            for j in range(8):
                out ^= np.take(self._wide[j], index[:, j], axis=0)
        else:
            index = z.astype(np.intp)
            for b in range(16):
                out ^= np.take(self._byte_tables[b], index[:, b], axis=0)
        return out.view(np.uint8).reshape(n, 16)

    def _keystream(self, nonces: np.ndarray, length: int) -> tuple[np.ndarray, np.ndarray]:
        """E(J0) (n, 16) and the counter-mode keystream (n, length) of each nonce."""
        n, nblocks = len(nonces), -(-length // 16)
        blocks = np.zeros((n, 1 + nblocks, 16), dtype=np.uint8)
        blocks[:, :, :NONCE] = nonces[:, None, :]
        # J0 = nonce || 1; the data blocks count on from 2
        blocks[:, :, NONCE:] = np.arange(1, nblocks + 2, dtype=">u4").view(np.uint8).reshape(1 + nblocks, 4)
        out = np.frombuffer(self._ecb(blocks.tobytes()), dtype=np.uint8).reshape(n, 1 + nblocks, 16)
        return out[:, 0], out[:, 1:].reshape(n, 16 * nblocks)[:, :length]

    def _ghash(self, cipher: np.ndarray) -> np.ndarray:
        """GHASH(AAD, C) (n, 16) of ciphertexts (n, length)."""
        n, length = cipher.shape
        nblocks = -(-length // 16)
        padded = np.zeros((n, 16 * nblocks), dtype=np.uint8)
        padded[:, :length] = cipher
        y = np.broadcast_to(self._aad_y, (n, 16))
        for k in range(nblocks):
            y = self._mul(y ^ padded[:, 16 * k : 16 * (k + 1)])
        lengths = self._aad_bits.to_bytes(8, "big") + (8 * length).to_bytes(8, "big")
        return self._mul(y ^ np.frombuffer(lengths, dtype=np.uint8))

    def seal(self, nonces: np.ndarray, plain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Encrypt the rows of ``plain`` (uint8 (n, length)), each under its row of
        ``nonces`` (uint8 (n, 12)): (ciphertexts (n, length), tags (n, 16))."""
        j0, stream = self._keystream(nonces, plain.shape[1])
        cipher = plain ^ stream
        return cipher, self._ghash(cipher) ^ j0

    def open(self, nonces: np.ndarray, cipher: np.ndarray, tags: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Decrypt rows: (plaintexts (n, length), bool per row: its tag verified).
        Plaintexts of rows that fail are garbage."""
        j0, stream = self._keystream(nonces, cipher.shape[1])
        ok = ((self._ghash(cipher) ^ j0) == tags).all(axis=1)
        return cipher ^ stream, ok


# --- unpadded base64url of byte rows ---------------------------------------------------

_ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8)
_SEXTET = np.full(256, 255, dtype=np.uint8)
_SEXTET[_ALPHABET] = np.arange(64, dtype=np.uint8)
# 12 bits <-> two characters, as one native uint16 (first character in the low byte)
_FIRST, _SECOND = _ALPHABET[np.arange(4096) >> 6], _ALPHABET[np.arange(4096) & 63]
_PAIR = (_FIRST.astype(np.uint16) | (_SECOND.astype(np.uint16) << 8)).astype("<u2")
_TWELVE = np.full(65536, 0xFFFF, dtype=np.uint16)
_TWELVE[_PAIR] = np.arange(4096, dtype=np.uint16)


def b64_width(size: int) -> int:
    """Characters of the unpadded base64url form of ``size`` bytes."""
    return -(-4 * size // 3)


def b64_rows(rows: np.ndarray) -> np.ndarray:
    """Unpadded base64url of each row of ``rows`` (uint8 (n, size)) as ASCII (n, width)."""
    n, size = rows.shape
    groups = -(-size // 3)
    padded = np.zeros((n, 3 * groups), dtype=np.uint8)
    padded[:, :size] = rows
    g = padded.reshape(n, groups, 3).astype(np.uint16)
    out = np.empty((n, groups, 2), dtype="<u2")
    out[:, :, 0] = _PAIR[(g[:, :, 0] << 4) | (g[:, :, 1] >> 4)]
    out[:, :, 1] = _PAIR[((g[:, :, 1] & 15) << 8) | g[:, :, 2]]
    return out.view(np.uint8).reshape(n, 4 * groups)[:, : b64_width(size)]


def unb64_rows(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`b64_rows`: (bytes (n, size), bool per row: canonical base64url)."""
    n, width = chars.shape
    size = 3 * width // 4
    groups = -(-width // 4)
    padded = np.full((n, 4 * groups), ord("A"), dtype=np.uint8)
    padded[:, :width] = chars
    twelve = _TWELVE[padded.view("<u2")].reshape(n, groups, 2)
    ok = np.full(n, b64_width(size) == width) & (twelve != 0xFFFF).all(axis=(1, 2))
    if width % 4:  # the unused low bits of the last character must be zero
        ok &= (_SEXTET[chars[:, width - 1]] & (15 if width % 4 == 2 else 3)) == 0
    hi, lo = twelve[:, :, 0], twelve[:, :, 1]
    out = np.empty((n, groups, 3), dtype=np.uint8)
    out[:, :, 0] = hi >> 4
    out[:, :, 1] = ((hi & 15) << 4) | (lo >> 8)
    out[:, :, 2] = lo & 255
    return out.reshape(n, 3 * groups)[:, :size], ok
