"""Administrative region codes (GB/T 2260), current and historical.

The data comes from python-stdnum's ``cn/loc.dat`` (a dependency), which lists
every code that ever existed, including withdrawn ones such as 110103 (崇文区).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

import numpy as np

#: Codes that are not in GB/T 2260 but prefix valid IDs: residence permits for
#: Hong Kong (81), Macau (82) and Taiwan (83) residents.
PERMIT_PREFIXES = ("81", "82", "83")

_LINE = re.compile(r'^(\s*)(\d{2}|\d{4})\s+(?:province|county)="(?:\[[^\]]*\])?([^"]*)"')


@functools.cache
def region_names() -> dict[str, str]:
    """Map every 6-digit region code to its name (province codes map to the province)."""
    text = resources.files("stdnum").joinpath("cn/loc.dat").read_text(encoding="utf-8")
    names: dict[str, str] = {}
    province = ""
    for line in text.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        indent, code, name = m.groups()
        if not indent:
            province = code
            names[code + "0000"] = name
        else:
            names[province + code] = name
    return names


@functools.cache
def region_code_array() -> np.ndarray:
    """Sorted int array of every valid 6-digit region code (for vectorised ``isin``)."""
    return np.array(sorted(int(c) for c in region_names()), dtype=np.int64)


def is_region(code: str) -> bool:
    """True if ``code`` (6 digits) ever was a region code, or is an 81/82/83 permit prefix."""
    return code in region_names() or code[:2] in PERMIT_PREFIXES and code[2:] == "0000"


def province_of(code: str) -> str | None:
    """Name of the province of a region code, or None."""
    return region_names().get(code[:2] + "0000")
