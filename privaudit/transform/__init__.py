"""Transform: operators (mask, redact, drop, pseudonymise, encrypt, generalise, surrogate),
tiered views and re-identification risk.  See README "Transform".

``privaudit.transform`` is this package *and* the API call that builds one tier's view:
``privaudit.transform(obj, policy, tier, key_file=None, today=None)`` is
:func:`privaudit.transform.tiers.transform` (a callable package keeps both
``privaudit.transform(...)`` and ``import privaudit.transform.crypto`` working).
"""

from __future__ import annotations

import sys
import types
from typing import Any


class _CallablePackage(types.ModuleType):
    """The package, callable as :func:`privaudit.transform.tiers.transform`."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from privaudit.transform.tiers import transform

        return transform(*args, **kwargs)


sys.modules[__name__].__class__ = _CallablePackage
