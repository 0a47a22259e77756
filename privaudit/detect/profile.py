"""Column planning: decide, from the header and a sample of values, what a column holds.

The plan tells the scanner which identifier to validate whole-cell (fast,
vectorised), whether the column is free text (scanned span by span), and which
attribute entity the column carries.  Header and values are used together: a
header that says nothing (``字段3``) is classified from its values; a header that
says 身份证号 is trusted, and low-specificity forms (15-digit IDs, bare landlines)
are accepted there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from privaudit.detect import addresses, attributes, headers, names
from privaudit.identifiers import MODULES

#: A value-only classification needs at least this share of sample cells to validate.
VALUE_SHARE = 0.6
#: Free text: long and varied cells.
FREE_TEXT_MIN_MEDIAN_LEN = 12
FREE_TEXT_MIN_UNIQUE = 0.5


@dataclass
class ColumnPlan:
    """How the scanner treats one column."""

    name: str
    entity: str | None = None  # identifier validated whole-cell (incl. PERSON / ADDRESS)
    hinted: bool = False  # header supports ``entity``
    attribute: str | None = None  # attribute entity of the column
    free_text: bool = False
    date_like: bool = False
    header_entity: str | None = None  # what the header alone says

    @property
    def primary(self) -> str | None:
        """The column's class for reports: identifier, attribute, FREE_TEXT or None."""
        if self.free_text:
            return "FREE_TEXT"
        return self.entity or self.attribute

    @property
    def kind(self) -> str:
        """identifier | attribute | free_text | other."""
        if self.free_text:
            return "free_text"
        if self.entity:
            return "identifier"
        if self.attribute:
            return "attribute"
        return "other"


_IDENTIFIER_MODULES = {m.ENTITY: m for m in MODULES}


def value_validator(entity: str):
    """The vectorised whole-cell check for an identifier entity (incl. PERSON/ADDRESS)."""
    if entity == "PERSON":
        return lambda s, hinted=False: names.is_name(s, hinted=hinted)
    if entity == "ADDRESS":
        return lambda s, hinted=False: addresses.is_address(s, hinted=hinted)
    mod = _IDENTIFIER_MODULES.get(entity)
    return mod.validate if mod else None


def _looks_free_text(sample: pd.Series) -> bool:
    if sample.empty:
        return False
    lengths = sample.str.len()
    return bool(
        lengths.median() >= FREE_TEXT_MIN_MEDIAN_LEN
        and sample.nunique() / len(sample) >= FREE_TEXT_MIN_UNIQUE
        and sample.str.contains(r"[\u4e00-\u9fff]", regex=True).mean() >= 0.5
        and not addresses.is_address(sample).mean() >= VALUE_SHARE
    )


def _best_identifier(sample: pd.Series) -> tuple[str | None, float]:
    best, best_share = None, 0.0
    for entity in list(_IDENTIFIER_MODULES) + ["PERSON", "ADDRESS"]:
        share = float(np.mean(value_validator(entity)(sample, False))) if len(sample) else 0.0
        if share > best_share:
            best, best_share = entity, share
    return best, best_share


def plan_column(name: str, sample: pd.Series) -> ColumnPlan:
    """Plan one column from its header and a sample of its non-empty string values."""
    plan = ColumnPlan(name=name)
    hint = headers.header_entity(name)
    plan.header_entity = hint.entity if hint else None
    sample = sample.dropna().astype("str")
    sample = sample[sample.str.strip() != ""]

    if (hint and hint.free_text) or (hint is None and _looks_free_text(sample)):
        plan.free_text = True
        if hint is not None and hint.entity:  # a narrative header keeps its topic (病史 → HEALTH)
            plan.attribute = hint.entity
        return plan

    dates = attributes.parse_dates(sample) if len(sample) else pd.Series([], dtype="datetime64[ns]")
    plan.date_like = bool(len(sample) and dates.notna().mean() >= 0.9)

    if hint is not None and hint.entity in _IDENTIFIER_MODULES or hint is not None and hint.entity in (
        "PERSON",
        "ADDRESS",
    ):
        plan.entity, plan.hinted = hint.entity, True
        # A weak header contradicted by values: trust the values.
        if hint.strength == "weak" and len(sample):
            share = float(np.mean(value_validator(hint.entity)(sample, True)))
            if share < 0.2:
                best, best_share = _best_identifier(sample)
                if best and best_share >= VALUE_SHARE:
                    plan.entity, plan.hinted = best, False
                elif _looks_free_text(sample):
                    plan.entity, plan.hinted, plan.free_text = None, False, True
        return plan

    if hint is not None and hint.entity:  # attribute header
        plan.attribute = hint.entity
        return plan

    # No header information: values alone.
    best, best_share = _best_identifier(sample)
    if best and best_share >= VALUE_SHARE:
        plan.entity = best
        return plan
    found = attributes.attribute_from_values(sample) if len(sample) else None
    if found and found[1] >= 0.8:
        plan.attribute = found[0]
    elif plan.date_like and _looks_like_birth_dates(dates.dropna()):
        plan.attribute = "DATE_OF_BIRTH"
    return plan


def _looks_like_birth_dates(dates: pd.Series) -> bool:
    """Dates without a header read as birth dates when they spread over generations:
    a span of at least 30 years reaching back before 1980 (registration or event
    dates rarely do)."""
    if dates.empty:
        return False
    lo, hi = dates.min(), dates.max()
    return bool(lo.year < 1980 and (hi - lo).days >= 30 * 365)
