"""Keyed pseudonyms and reversible authenticated encryption of column values.

**Pseudonyms** (:func:`pseudonymise_series`) are ``PSN_`` + hex of
``HMAC(derive(key, "pseudonym", algorithm), entity + "\\x1f" + normalised value)``
cut to ``length`` bytes (16 → 32 hex digits), with HMAC-SHA256 (default) or HMAC-SM3:

* the value is normalised with its entity's rules first (:func:`normalise`), so the
  same person gets the same token in every dataset and department sharing the key:
  ``11010519491231002x`` = ``110105 19491231 002X`` = full-width digits; a valid
  15-digit legacy ID = its 18-digit form; ``+86 138-1234-5678`` = ``13812345678``;
  names and addresses without whitespace, NFKC, names case-folded and their middle
  dots unified (``阿依古丽•买买提`` = ``阿依古丽·买买提``);
* the entity is a namespace inside the HMAC input: the same string as a
  ``PHONE_NUMBER`` and as a ``BANK_CARD`` gives two unrelated tokens, so tokens of
  one kind cannot be matched against tokens of another.  Everyone who joins must
  therefore pseudonymise a column under the same entity (``entity=None`` is a
  namespace of its own: NFKC and surrounding whitespace only), with the same key,
  algorithm and length;
* without the key a token reveals nothing: no unkeyed hash is ever made (an
  unkeyed hash of an ID number is reversed by enumerating the valid numbers).

**Encryption** (:func:`encrypt_series` / :func:`decrypt_series` /
:func:`decrypt_text`) makes tokens ``ENC1:<alg>:<base64url(nonce | ciphertext | tag)>``
(unpadded base64url; a fresh random 96-bit nonce per cell; the ``ENC1:<alg>:``
header is authenticated as associated data):

* ``a256gcm`` — AES-256-GCM under ``derive(key, "encrypt")`` (HMAC-SHA256);
* ``sm4gcm`` — SM4-GCM (GB/T 32907 block cipher in GCM, as in RFC 8998) under the
  first 16 bytes of ``derive(key, "encrypt/sm4", "sm3")``, so an SM4 tier uses only
  the national algorithms SM3 and SM4.

Decryption reads the algorithm from each token; a wrong key or an altered token
raises :class:`~privaudit.errors.PrivauditError` naming the cell position, never
a value.  Random nonces bound the use of one key to about 2**32 encrypted cells
(NIST SP 800-38D): rotate the key before that.

Missing cells (None, NaN, NA) and empty strings are returned unchanged by every
function here; everything else is taken as text (``str()``).
"""

from __future__ import annotations

import binascii
import hmac
import os
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from privaudit import _arrow
from privaudit.errors import PrivauditError
from privaudit.identifiers import MODULES, cn_resident_id
from privaudit.identifiers import _common as c
from privaudit.keys import PrefixedHmac, check_algorithm, derive
from privaudit.transform import _gcm

__all__ = [
    "ENCRYPTED_TOKEN",
    "ENCRYPTION_ALGORITHMS",
    "PSEUDONYM_PREFIX",
    "PSEUDONYM_TOKEN",
    "decrypt",
    "decrypt_series",
    "decrypt_text",
    "encrypt",
    "encrypt_series",
    "normalise",
    "pseudonymise",
    "pseudonymise_series",
]

PSEUDONYM_PREFIX = "PSN_"
#: A pseudonym token (Python ``re`` and RE2 syntax).
PSEUDONYM_TOKEN = r"PSN_[0-9a-f]{16,64}"
#: Token bytes allowed for pseudonyms: 8 (16 hex digits) up to a whole digest.
MIN_LENGTH, MAX_LENGTH = 8, 32

TOKEN_VERSION = "ENC1"
#: User-facing algorithm name -> the id written into tokens.
ENCRYPTION_ALGORITHMS: dict[str, str] = {"aes-gcm": "a256gcm", "sm4": "sm4gcm"}
_ALIASES = {
    "aes": "aes-gcm",
    "aesgcm": "aes-gcm",
    "aes256gcm": "aes-gcm",
    "a256gcm": "aes-gcm",
    "sm4gcm": "sm4",
}
#: An encrypted token (Python ``re`` and RE2 syntax); group 1 the algorithm id, group 2 the payload.
ENCRYPTED_TOKEN = r"ENC1:(a256gcm|sm4gcm):([A-Za-z0-9_-]{38,})"
_TOKEN_RE = re.compile(ENCRYPTED_TOKEN)
_NONCE, _TAG = 12, 16

# --- normalisation before hashing ---------------------------------------------

_MODULES = {m.ENTITY: m for m in MODULES}
_HAN = "\u4e00-\u9fff"
#: Per entity, values matching this pattern (fully; Python ``re`` and RE2 alike) are
#: already what :func:`normalise` returns, so only the others go through Python.
CANONICAL: dict[str | None, str] = {
    "CN_RESIDENT_ID": r"[0-9]{17}[0-9X]",
    "PHONE_NUMBER": r"1[3-9][0-9]{9}",
    "BANK_CARD": r"[0-9]+",
    "CN_PASSPORT": r"[0-9A-Z]+",
    "CN_TRAVEL_PERMIT": r"[0-9A-Z]+",
    "CN_USCC": r"[0-9A-Z]+",
    "EMAIL_ADDRESS": r"[a-z0-9._%+\-]+@[a-z0-9.\-]+",
    "PERSON": f"[{_HAN}]+(?:\u00b7[{_HAN}]+)*",
    "ADDRESS": f"[{_HAN}0-9A-Za-z#()\\-]+",
    None: f"[{_HAN}0-9A-Za-z]+",
}
_WHITESPACE = re.compile(r"\s+")
_DOTS = str.maketrans(dict.fromkeys(".\u2022\u2027\u2219\u22c5\u30fb\uff65", "\u00b7"))


def _nfkc_no_space(value: str) -> str:
    return _WHITESPACE.sub("", c.nfkc(value))


def _person(value: str) -> str:
    return _nfkc_no_space(value).translate(_DOTS).casefold()


def _resident_id(value: str) -> str:
    v = cn_resident_id.normalize(value)
    if len(v) == 15 and v.isdigit() and cn_resident_id.is_valid(v, hinted=True):
        return cn_resident_id.upgrade15(v)
    return v


def _generic(value: str) -> str:
    return c.nfkc(value).strip()


def _normaliser(entity: str | None) -> Callable[[str], str]:
    if entity == "CN_RESIDENT_ID":
        return _resident_id
    if entity == "PERSON":
        return _person
    if entity == "ADDRESS":
        return _nfkc_no_space
    mod = _MODULES.get(entity or "")
    return mod.normalize if mod is not None else _generic


def normalise(value: str, entity: str | None = None) -> str:
    """The form of ``value`` that is hashed for a pseudonym of ``entity``.

    >>> normalise("１１０１０５ 19491231 002x", "CN_RESIDENT_ID")
    '11010519491231002X'
    >>> normalise("+86 138-1234-5678", "PHONE_NUMBER")
    '13812345678'
    >>> normalise(" 阿依古丽 • 买买提 ", "PERSON")
    '阿依古丽·买买提'
    """
    return _normaliser(entity)(value)


def _normalised_bytes(uniques: pa.Array, entity: str | None) -> tuple[list[bytes | None], np.ndarray]:
    """UTF-8 of each value normalised (nulls stay None), and which are missing or
    normalise to nothing; canonical values skip Python."""
    out: list[bytes | None] = uniques.cast(pa.large_binary()).to_pylist()
    blank = _blank(uniques)
    if entity in CANONICAL:
        pattern: str | None = CANONICAL[entity]
    else:  # an identifier module's own normaliser has no fast path here
        pattern = None if entity in _MODULES else CANONICAL[None]
    if pattern is None:
        done = np.zeros(len(out), dtype=bool)
    else:
        done = _arrow.to_bool(pc.match_substring_regex(uniques, f"^(?:{pattern})$"))
    normalise_one = _normaliser(entity)
    for i in np.flatnonzero(~done & ~blank).tolist():
        normalised = normalise_one(out[i].decode("utf-8")).encode("utf-8")
        out[i] = normalised
        blank[i] = not normalised
    return out, blank


_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
#: byte -> its two hex digits, as one native uint16 (first digit in the low byte)
_HEX_PAIRS = (
    _HEX[np.arange(256) >> 4].astype(np.uint16) | (_HEX[np.arange(256) & 15].astype(np.uint16) << 8)
).astype("<u2")


def _token_array(digests: bytes, count: int, length: int) -> pa.Array:
    """``PSN_`` + hex of each ``length``-byte digest, built as one Arrow buffer."""
    raw = np.frombuffer(digests, dtype=np.uint8).reshape(count, length)
    width = len(PSEUDONYM_PREFIX) + 2 * length
    buf = np.empty((count, width), dtype=np.uint8)
    buf[:, : len(PSEUDONYM_PREFIX)] = np.frombuffer(PSEUDONYM_PREFIX.encode(), dtype=np.uint8)
    buf[:, len(PSEUDONYM_PREFIX) :] = _HEX_PAIRS[raw].view(np.uint8)
    offsets = np.arange(0, (count + 1) * width, width, dtype=np.int64)
    return pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(buf))


def _check_length(length: int) -> int:
    if not isinstance(length, int | np.integer) or not MIN_LENGTH <= int(length) <= MAX_LENGTH:
        raise PrivauditError(f"pseudonym length must be {MIN_LENGTH}–{MAX_LENGTH} bytes, not {length!r}")
    return int(length)


def _namespace(entity: str | None) -> bytes:
    return (entity or "").encode("utf-8") + b"\x1f"


def pseudonymise(
    value: str, key: bytes, entity: str | None = None, *, algorithm: str = "sha256", length: int = 16
) -> str:
    """The pseudonym of one value: the readable reference for :func:`pseudonymise_series`
    (which gives the same tokens).  An empty value, or one that normalises to nothing,
    comes back unchanged."""
    algorithm, length = check_algorithm(algorithm), _check_length(length)
    text = normalise(str(value), entity)
    if not text:
        return value
    sub = derive(key, "pseudonym", algorithm)
    digest = hmac.digest(sub, _namespace(entity) + text.encode("utf-8"), algorithm)
    return PSEUDONYM_PREFIX + digest[:length].hex()


def _distinct(arr: pa.Array) -> tuple[pa.Array, pa.Array | None]:
    """(values to hash, indices mapping rows to them or None for one-to-one).

    Registers repeat some columns (names, villages) but hardly any IDs or phones: the
    column is dictionary-encoded only when a sample shows repeats."""
    sample = arr.slice(0, 2048)
    if len(arr) > 4096 and len(pc.unique(sample)) > 0.9 * len(sample):
        return arr, None
    encoded = pc.dictionary_encode(arr)
    return encoded.dictionary, encoded.indices


def pseudonymise_series(
    values: pd.Series,
    key: bytes,
    entity: str | None = None,
    *,
    algorithm: str = "sha256",
    length: int = 16,
) -> pd.Series:
    """Keyed pseudonyms ``PSN_<hex>`` of a column (see the module doc).

    ``entity`` (``CN_RESIDENT_ID``, ``PHONE_NUMBER``, ``PERSON`` …) picks the
    normalisation and the HMAC namespace; ``algorithm`` is ``sha256`` or ``sm3``;
    ``length`` the token bytes (8–32; hex doubles it).  Each distinct value is hashed
    once.  Missing and empty cells — and cells that normalise to nothing, like ``-``
    under an ID entity — are kept as they are.  Same index, name and (string) dtype.
    """
    algorithm, length = check_algorithm(algorithm), _check_length(length)
    arr = c.as_arrow(values)
    hashed, indices = _distinct(arr)
    messages, blank = _normalised_bytes(hashed, entity)
    hmac_ = PrefixedHmac(derive(key, "pseudonym", algorithm), algorithm, _namespace(entity))
    tokens = _token_array(hmac_.many(messages, length), len(messages), length)
    if indices is not None:
        tokens = tokens.take(indices)
        # missing cells have null indices: point them at one extra "blank" entry
        blank = np.append(blank, True)[indices.fill_null(len(messages)).to_numpy(zero_copy_only=False)]
    return _like(values, tokens, keep=blank)


def _like(values: pd.Series, new: pa.Array, keep: np.ndarray) -> pd.Series:
    """``new`` as a Series shaped like ``values``, the original cells where ``keep``."""
    if isinstance(values.dtype, pd.StringDtype):
        if keep.any():
            new = pc.if_else(pa.array(keep), c.as_arrow(values), new)
        out = pd.array(new.cast(pa.string()), dtype=values.dtype)
        return pd.Series(out, index=values.index, name=values.name)
    obj = new.to_numpy(zero_copy_only=False).astype(object)
    if keep.any():
        obj[keep] = values.to_numpy(dtype=object)[keep]
    return pd.Series(obj, index=values.index, name=values.name, dtype=object)


# --- encryption -----------------------------------------------------------------------


def _algorithm(name: str) -> str:
    key = str(name).lower().replace("_", "-")
    key = _ALIASES.get(key.replace("-", ""), key)
    if key not in ENCRYPTION_ALGORITHMS:
        raise PrivauditError(
            f"unknown encryption algorithm {str(name)!r} (choose: {', '.join(ENCRYPTION_ALGORITHMS)})"
        )
    return key


class _Aead:
    """AES-256-GCM or SM4-GCM under the sub-key of ``key`` for token algorithm ``alg_id``.

    Columns go through :class:`~privaudit.transform._gcm.BatchGcm` (the same GCM,
    column-wise); single embedded tokens through ``cryptography``'s own GCM."""

    def __init__(self, key: bytes, alg_id: str):
        self.header = f"{TOKEN_VERSION}:{alg_id}:"
        self.aad = self.header.encode("ascii")
        if alg_id == "a256gcm":
            self._block: algorithms.AES | algorithms.SM4 = algorithms.AES(derive(key, "encrypt"))
        else:
            self._block = algorithms.SM4(derive(key, "encrypt/sm4", "sm3")[:16])
        try:
            ecb = Cipher(self._block, modes.ECB()).encryptor()
            Cipher(self._block, modes.GCM(bytes(_NONCE))).encryptor()
        except UnsupportedAlgorithm:  # pragma: no cover - depends on the OpenSSL build
            raise PrivauditError(f"this cryptography/OpenSSL build cannot do {alg_id}; use aes-gcm") from None
        self._batch = _gcm.BatchGcm(ecb.update, self.aad)
        self._prefix = np.frombuffer(self.aad, dtype=np.uint8)

    def seal_rows(self, plain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tokens (ASCII rows) of equal-length plaintexts (uint8 rows), fresh random nonces."""
        n = len(plain)
        nonces = np.frombuffer(os.urandom(_NONCE * n), dtype=np.uint8).reshape(n, _NONCE)
        cipher, tags = self._batch.seal(nonces, plain)
        chars = _gcm.b64_rows(np.concatenate([nonces, cipher, tags], axis=1))
        prefix = np.broadcast_to(self._prefix, (n, len(self._prefix)))
        return np.concatenate([prefix, chars], axis=1), np.ones(n, dtype=bool)

    def open_rows(self, chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Plaintext rows of equal-length base64url payload rows, and which verified."""
        payload, ok = _gcm.unb64_rows(chars)
        if payload.shape[1] < _NONCE + _TAG:
            return np.zeros((len(chars), 0), dtype=np.uint8), np.zeros(len(chars), dtype=bool)
        nonces, cipher, tags = payload[:, :_NONCE], payload[:, _NONCE:-_TAG], payload[:, -_TAG:]
        plain, verified = self._batch.open(nonces, cipher, tags)
        return plain, ok & verified

    def open_one(self, payload: bytes) -> bytes:
        """The plaintext of one ``nonce | ciphertext | tag`` (raises InvalidTag)."""
        if len(payload) < _NONCE + _TAG:
            raise InvalidTag
        nonce, body = payload[:_NONCE], payload[_NONCE:]
        dec = Cipher(self._block, modes.GCM(nonce, body[-_TAG:])).decryptor()
        dec.authenticate_additional_data(self.aad)
        return dec.update(body[:-_TAG]) + dec.finalize()


def _rows_array(rows: np.ndarray) -> pa.Array:
    """Equal-length byte rows (uint8 (n, width)) as an Arrow binary array, no copy per row."""
    n, width = rows.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int64) if width else np.zeros(n + 1, np.int64)
    data = np.ascontiguousarray(rows).reshape(-1)
    buffers = [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    return pa.LargeBinaryArray.from_buffers(pa.large_binary(), n, buffers)


#: Plaintext bytes sealed or opened per numpy batch.
_CHUNK_BYTES = 1 << 24


def _by_length(
    data: pa.Array, fn: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]
) -> tuple[pa.Array, np.ndarray]:
    """Apply ``fn`` to the values of ``data`` (binary, no nulls) in groups of equal byte
    length, as uint8 matrices.  ``fn`` returns (output rows, ok per row).  Returns the
    outputs as a binary array in the order of ``data``, and the sorted positions where
    ``fn`` said not ok."""
    n = len(data)
    if not n:
        return pa.array([], type=pa.large_binary()), np.zeros(0, dtype=np.int64)
    lengths = pc.binary_length(data).to_numpy(zero_copy_only=False).astype(np.int64)
    order = np.argsort(lengths, kind="stable")
    ordered = data.take(pa.array(order))
    offsets = np.frombuffer(ordered.buffers()[1], dtype=np.int64)[ordered.offset : ordered.offset + n + 1]
    flat = np.frombuffer(ordered.buffers()[2] or b"", dtype=np.uint8)
    sorted_lengths = lengths[order]
    cuts = (np.flatnonzero(np.diff(sorted_lengths)) + 1).tolist()
    pieces, bad = [], []
    for start, stop in zip([0, *cuts], [*cuts, n], strict=True):
        width = int(sorted_lengths[start])
        step = max(1, _CHUNK_BYTES // max(width, 1))  # bounded memory for long texts
        for a in range(start, stop, step):
            b = min(a + step, stop)
            out, ok = fn(flat[offsets[a] : offsets[b]].reshape(b - a, width))
            pieces.append(_rows_array(out))
            if not ok.all():
                bad.append(order[a:b][~ok])
    result = pa.concat_arrays(pieces).take(pa.array(np.argsort(order)))
    return result, np.sort(np.concatenate(bad)) if bad else np.zeros(0, dtype=np.int64)


def _unb64(text: bytes | str) -> bytes:
    """Bytes of unpadded base64url ``text`` (binascii.Error if it is not canonical base64url)."""
    chars = np.frombuffer(text.encode("ascii") if isinstance(text, str) else text, dtype=np.uint8)
    rows, ok = _gcm.unb64_rows(chars.reshape(1, -1))
    if not ok[0]:
        raise binascii.Error("not base64url")
    return rows[0].tobytes()


def _scatter(items: pa.Array, positions: np.ndarray, size: int) -> pa.Array:
    """An array of ``size`` rows holding ``items`` at ``positions`` and nulls elsewhere."""
    slot = np.full(size, -1, dtype=np.int64)
    slot[positions] = np.arange(len(positions))
    return items.take(pa.array(slot, mask=slot < 0))


def _blank(arr: pa.Array) -> np.ndarray:
    """Missing or empty cells."""
    return _arrow.to_bool(arr.is_null()) | _arrow.to_bool(pc.equal(pc.utf8_length(arr), 0))


def encrypt_series(values: pd.Series, key: bytes, *, algorithm: str = "aes-gcm") -> pd.Series:
    """Every non-empty cell as an ``ENC1:`` token (AES-256-GCM or SM4-GCM, a random nonce
    per cell, so equal values give unequal tokens); missing and empty cells unchanged.
    :func:`decrypt_series` reverses it given the same key."""
    aead = _Aead(key, ENCRYPTION_ALGORITHMS[_algorithm(algorithm)])
    arr = c.as_arrow(values)
    blank = _blank(arr)
    sealed, _ = _by_length(arr.filter(pa.array(~blank)).cast(pa.large_binary()), aead.seal_rows)
    tokens = _scatter(sealed, np.flatnonzero(~blank), len(arr))
    return _like(values, tokens.cast(pa.large_string()), keep=blank)


def encrypt(value: str, key: bytes, *, algorithm: str = "aes-gcm") -> str:
    """One value as an ``ENC1:`` token (a fresh random nonce each call)."""
    return str(encrypt_series(pd.Series([str(value)], dtype=object), key, algorithm=algorithm).iloc[0])


def _fail(position: int) -> PrivauditError:
    return PrivauditError(
        f"cannot decrypt the token in cell {position} (0-based): wrong key, or the token was altered or cut"
    )


def decrypt_series(values: pd.Series, key: bytes, *, strict: bool = True) -> pd.Series:
    """The plain text of a column of ``ENC1:`` tokens (the algorithm is read from each).

    Missing and empty cells stay as they are.  A cell that is not a token is an error
    when ``strict`` (the default), else it passes through unchanged.  A wrong key or an
    altered token raises :class:`~privaudit.errors.PrivauditError` (no value in it).
    """
    arr = c.as_arrow(values)
    blank = _blank(arr)
    is_token = _arrow.to_bool(pc.match_substring_regex(arr, f"^{ENCRYPTED_TOKEN}$"))
    other = ~blank & ~is_token
    if strict and other.any():
        first = int(np.flatnonzero(other)[0])
        raise PrivauditError(
            f"{int(other.sum())} cell(s) hold no ENC1 token (first: cell {first}, 0-based); "
            "use decrypt_text for free text"
        )
    parts, where = [], []
    for alg_id in ENCRYPTION_ALGORITHMS.values():
        header = f"{TOKEN_VERSION}:{alg_id}:"
        mine = is_token & _arrow.to_bool(pc.starts_with(arr, header))
        if not mine.any():
            continue
        positions = np.flatnonzero(mine)
        payloads = pc.utf8_slice_codeunits(arr.filter(pa.array(mine)), len(header)).cast(pa.large_binary())
        plain, bad = _by_length(payloads, _Aead(key, alg_id).open_rows)
        if len(bad):
            raise _fail(int(positions[bad[0]]))
        parts.append(plain)
        where.append(positions)
    if not parts:
        return values.copy()
    plain = _scatter(pa.concat_arrays(parts), np.concatenate(where), len(arr))
    try:
        text = plain.cast(pa.large_string())
    except pa.ArrowInvalid:  # pragma: no cover - only a forged token under the right key
        raise PrivauditError("a decrypted token is not UTF-8 text") from None
    return _like(values, text, keep=~is_token)


def decrypt(token: str, key: bytes) -> str:
    """The text of one ``ENC1:`` token (readable error on a wrong key or an altered token)."""
    return str(decrypt_series(pd.Series([token], dtype=object), key).iloc[0])


class _Openers:
    """The AEADs of one key, made on first use per algorithm id."""

    def __init__(self, key: bytes):
        self.key = key
        self._by_id: dict[str, _Aead] = {}

    def __getitem__(self, alg_id: str) -> _Aead:
        aead = self._by_id.get(alg_id)
        if aead is None:
            aead = self._by_id[alg_id] = _Aead(self.key, alg_id)
        return aead

    def open(self, alg_id: str, payload_text: str) -> str:
        """One token's text with ``cryptography``'s GCM (InvalidTag / binascii.Error)."""
        return self[alg_id].open_one(_unb64(payload_text)).decode("utf-8")


def _open_embedded(openers: _Openers, alg_id: str, payload: str) -> str:
    """Decrypt an embedded token whose greedy match may have swallowed base64url-like
    characters written right after it: shorter payloads are tried until the tag
    verifies (a wrong boundary passes the 128-bit tag with probability 2**-128)."""
    min_chars = _gcm.b64_width(_NONCE + _TAG)
    for end in range(len(payload), min_chars - 1, -1):
        if end % 4 == 1:
            continue  # no base64 text has this length
        try:
            return openers.open(alg_id, payload[:end]) + payload[end:]
        except (InvalidTag, binascii.Error):
            continue
    raise InvalidTag


def decrypt_text(texts: pd.Series, key: bytes) -> pd.Series:
    """Decrypt every ``ENC1:`` token inside free text (operators may encrypt spans in
    remark cells); the text around the tokens, and cells without tokens, are unchanged.
    A token that does not verify raises :class:`~privaudit.errors.PrivauditError`.

    All tokens of the column are opened together, column-wise; a token written right
    before base64url-like characters (``…Jw_x``) is retried alone with shorter lengths.
    """
    arr = c.as_arrow(texts)
    has = _arrow.to_bool(pc.match_substring_regex(arr, ENCRYPTED_TOKEN))
    if not has.any():
        return texts.copy()
    positions = np.flatnonzero(has)
    cells = arr.filter(pa.array(has)).to_pylist()
    found = [(i, m) for i, cell in enumerate(cells) for m in _TOKEN_RE.finditer(cell)]
    openers = _Openers(key)
    plain: list[str | None] = [None] * len(found)
    for alg_id in ENCRYPTION_ALGORITHMS.values():
        mine = [k for k, (_, m) in enumerate(found) if m.group(1) == alg_id]
        if not mine:
            continue
        payloads = pa.array([found[k][1].group(2) for k in mine], type=pa.large_binary())
        opened, bad = _by_length(payloads, openers[alg_id].open_rows)
        if len(bad):  # their "plaintexts" are garbage: blank them before decoding
            failed = np.zeros(len(opened), dtype=bool)
            failed[bad] = True
            opened = pc.if_else(pa.array(failed), pa.scalar(b"", pa.large_binary()), opened)
        try:
            texts_ = opened.cast(pa.large_string()).to_pylist()
        except pa.ArrowInvalid:  # pragma: no cover - only a forged token under the right key
            raise PrivauditError("a decrypted token is not UTF-8 text") from None
        for k, text in zip(mine, texts_, strict=True):
            plain[k] = text
        for b in bad.tolist():  # over-long match, or really a bad token
            cell, match = found[mine[b]]
            try:
                plain[mine[b]] = _open_embedded(openers, alg_id, match.group(2))
            except InvalidTag:
                raise _fail(int(positions[cell])) from None
    out: list[str] = []
    k = 0
    for i, cell in enumerate(cells):
        pieces, at = [], 0
        while k < len(found) and found[k][0] == i:
            match = found[k][1]
            pieces += [cell[at : match.start()], plain[k]]
            at = match.end()
            k += 1
        pieces.append(cell[at:])
        out.append("".join(pieces))
    decrypted = _scatter(pa.array(out, type=pa.large_string()), positions, len(arr))
    return _like(texts, decrypted, keep=~has)
