"""privaudit — audit datasets for personal information (PIPL).

>>> import privaudit
>>> result = privaudit.scan("examples/community_register.csv")   # doctest: +SKIP
>>> result.findings.head()                                         # doctest: +SKIP
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, version

from privaudit.api import scan
from privaudit.errors import InputError, PolicyError, PrivauditError
from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy import audit, load_policy
from privaudit.transform.tiers import RiskError, TierResult, tiers

# ``privaudit.transform`` is the transform package, callable as
# :func:`privaudit.transform.tiers.transform` (``privaudit.transform(obj, policy, tier)``).
transform = sys.modules["privaudit.transform"]

try:
    __version__ = version("privaudit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "scan",
    "audit",
    "load_policy",
    "transform",
    "tiers",
    "TierResult",
    "RiskError",
    "ScanResult",
    "DatasetResult",
    "ColumnProfile",
    "PrivauditError",
    "InputError",
    "PolicyError",
    "__version__",
]
