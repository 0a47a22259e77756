"""Secret keys and keyed fingerprints.

privaudit never hashes a personal value without a key: an unkeyed hash of an ID
number or a phone number is reversed by enumerating the (small) space of valid
values.  Every pseudonym, baseline fingerprint and encryption key is derived from
one secret the user holds outside the policy and outside every output:

* the environment variable ``PRIVAUDIT_KEY``, or
* a key file (``--key-file``; ``privaudit key generate FILE`` writes one).

A key is at least 32 bytes, written as hex (64+ characters) or base64.  Separate
sub-keys are derived per use (``derive(key, "pseudonym")``, ``derive(key, "baseline")``
…), so a token from one use cannot be compared with another.

Algorithms: ``"sha256"`` (HMAC-SHA256, default) and ``"sm3"`` (HMAC-SM3, GB/T 32905,
for systems bound to the national commercial cryptography algorithms).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from privaudit.errors import PrivauditError

ENV_VAR = "PRIVAUDIT_KEY"
MIN_KEY_BYTES = 32
ALGORITHMS: tuple[str, ...] = ("sha256", "sm3")


class KeyError_(PrivauditError):  # noqa: N801 - not the builtin KeyError
    """The key is missing or malformed (exit 2)."""


def check_algorithm(algorithm: str) -> str:
    """The canonical name (``"sha256"`` | ``"sm3"``) of an HMAC algorithm spelled ``SHA-256``,
    ``hmac-sm3``, ``HMAC_SHA256`` …; a readable error for anything else."""
    name = str(algorithm).lower().replace("-", "").replace("_", "").replace("hmac", "")
    if name not in ALGORITHMS:
        raise PrivauditError(f"unknown key algorithm {str(algorithm)!r} (choose: {', '.join(ALGORITHMS)})")
    if name == "sm3" and "sm3" not in hashlib.algorithms_available:  # pragma: no cover - OpenSSL build
        raise PrivauditError("this Python's OpenSSL has no SM3; use algorithm sha256")
    return name


_check_algorithm = check_algorithm


def parse_key(text: str, origin: str) -> bytes:
    """Decode key text (hex or base64, whitespace ignored); ``origin`` names where it came from."""
    compact = "".join(text.split())
    if not compact:
        raise KeyError_(f"{origin} is empty")
    raw: bytes | None = None
    if len(compact) % 2 == 0 and all(c in "0123456789abcdefABCDEF" for c in compact):
        raw = bytes.fromhex(compact)
    else:
        # standard or URL-safe alphabet, padding optional
        padded = compact.rstrip("=") + "=" * (-len(compact.rstrip("=")) % 4)
        altchars = b"-_" if ("-" in compact or "_" in compact) else None
        try:
            raw = base64.b64decode(padded, altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            raw = None
    if raw is None:
        raise KeyError_(f"{origin} is neither hex nor base64")
    if len(raw) < MIN_KEY_BYTES:
        raise KeyError_(f"{origin} holds {len(raw)} bytes; a key needs at least {MIN_KEY_BYTES}")
    return raw


def load_key(key_file: str | os.PathLike[str] | None = None, *, env: str = ENV_VAR) -> bytes:
    """The user's secret key: from ``key_file`` if given, else from the environment variable ``env``.

    Raises a readable :class:`~privaudit.errors.PrivauditError` (exit 2) when neither is
    available or the key is malformed.  The key itself never appears in a message.
    """
    if key_file is not None:
        path = Path(key_file)
        try:
            text = path.read_bytes().decode("utf-8-sig")  # a BOM from Windows editors is harmless
        except FileNotFoundError:
            raise KeyError_(f"key file {str(path)!r} not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise KeyError_(f"key file {str(path)!r} cannot be read ({type(exc).__name__})") from None
        return parse_key(text, f"key file {str(path)!r}")
    value = os.environ.get(env)
    if value is None:
        raise KeyError_(f"no key: set the environment variable {env} or pass --key-file (privaudit key generate FILE makes one)")
    return parse_key(value, f"environment variable {env}")


def generate_key() -> str:
    """A new random 256-bit key as 64 hex characters."""
    return secrets.token_hex(MIN_KEY_BYTES)


def derive(key: bytes, label: str, algorithm: str = "sha256") -> bytes:
    """A sub-key for one use (``"pseudonym"``, ``"baseline"``, ``"encrypt"`` …) of ``key``."""
    algorithm = _check_algorithm(algorithm)
    return hmac.digest(key, b"privaudit/v1/" + label.encode("utf-8"), algorithm)


def fingerprint(key: bytes, value: str, algorithm: str = "sha256", length: int = 16) -> str:
    """Keyed fingerprint of ``value``: the first ``length`` bytes of HMAC(key, value), as hex."""
    algorithm = _check_algorithm(algorithm)
    return hmac.digest(key, value.encode("utf-8"), algorithm)[:length].hex()


def fingerprint_series(key: bytes, values: pd.Series, algorithm: str = "sha256", length: int = 16) -> pd.Series:
    """Vectorised :func:`fingerprint` (each distinct value is hashed once); missing values stay missing."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    digests = PrefixedHmac(key, algorithm).many((str(v).encode("utf-8") for v in uniques), length)
    table = [digests[i : i + length].hex() for i in range(0, len(digests), length)]
    # code -1 (missing) indexes the trailing None
    mapped = np.array([*table, None], dtype=object)[codes]
    return pd.Series(mapped, index=values.index, dtype="object")


class PrefixedHmac:
    """HMAC (RFC 2104) of ``prefix + message`` for many messages under one key.

    The inner and outer pad states are hashed once, so each message costs two
    hash-state copies: the same function as ``hmac.digest(key, prefix + message,
    algorithm)``, several times faster per message than the one-shot call.
    """

    def __init__(self, key: bytes, algorithm: str = "sha256", prefix: bytes = b""):
        algorithm = check_algorithm(algorithm)
        block_size = hashlib.new(algorithm).block_size
        if len(key) > block_size:
            key = hashlib.new(algorithm, key).digest()
        block = key.ljust(block_size, b"\0")
        self._inner = hashlib.new(algorithm, bytes(b ^ 0x36 for b in block) + prefix)
        self._outer = hashlib.new(algorithm, bytes(b ^ 0x5C for b in block))

    def many(self, messages: Iterable[bytes | None], length: int) -> bytes:
        """The first ``length`` bytes of each message's HMAC, concatenated (None: zero bytes)."""
        inner, outer = self._inner.copy, self._outer.copy
        out = bytearray()
        blank = bytes(length)
        for message in messages:
            if message is None:
                out += blank
                continue
            i = inner()
            i.update(message)
            o = outer()
            o.update(i.digest())
            out += o.digest()[:length]
        return bytes(out)
