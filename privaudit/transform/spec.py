"""The shared vocabulary of the transform stage: an operator with its parameters and the
context (key, algorithm, date) operators run in."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OperatorSpec:
    """One operator and its parameters, e.g. ``OperatorSpec("mask", {"keep_first": 3, "keep_last": 4})``.

    ``name`` is one of :data:`privaudit.policy.model.OPERATORS`.  Parameters per operator:

    * mask: ``keep_first``, ``keep_last`` (ints; default per entity, see privaudit.masking.KEEP),
      ``char`` (default ``*``)
    * redact: ``text`` (replacement, default ``""``)
    * pseudonymise: ``algorithm`` (``sha256`` | ``sm3``), ``length`` (token bytes)
    * encrypt: ``algorithm`` (``aes-gcm`` | ``sm4``)
    * generalise: ``to`` (``province`` | ``city`` | ``district`` | ``street`` for addresses;
      ``year`` | ``month`` | ``age_band`` for dates; ``region_year`` for IDs; a grid size in
      degrees for coordinates; ``band`` width for ages)
    * surrogate: ``locale`` (default ``zh_CN``)
    """

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class TransformContext:
    """What operators need besides the values: the secret key (loaded lazily, only when an
    operator needs one), the date ages are computed against."""

    key_file: str | None = None
    key_env: str = "PRIVAUDIT_KEY"
    today: dt.date = field(default_factory=dt.date.today)
    _key: bytes | None = field(default=None, repr=False)

    def key(self) -> bytes:
        """The secret key (raises a readable error if none is configured)."""
        if self._key is None:
            from privaudit.keys import load_key

            self._key = load_key(self.key_file, env=self.key_env)
        return self._key
