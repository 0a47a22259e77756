"""privaudit — audit datasets for personal information (PIPL).

>>> import privaudit
>>> result = privaudit.scan("examples/community_register.csv")   # doctest: +SKIP
>>> result.findings.head()                                         # doctest: +SKIP
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from privaudit.api import scan
from privaudit.errors import InputError, PolicyError, PrivauditError
from privaudit.model import ColumnProfile, DatasetResult, ScanResult
from privaudit.policy import audit, load_policy

try:
    __version__ = version("privaudit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "scan",
    "audit",
    "load_policy",
    "ScanResult",
    "DatasetResult",
    "ColumnProfile",
    "PrivauditError",
    "InputError",
    "PolicyError",
    "__version__",
]
