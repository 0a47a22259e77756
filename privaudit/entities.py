"""The entity vocabulary (see ``shared/contracts.md``): names users write policies against."""

from __future__ import annotations

#: Identifier entities: found per cell, with a character span.
IDENTIFIER_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "CN_RESIDENT_ID",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "ADDRESS",
    "BANK_CARD",
    "CN_PASSPORT",
    "CN_TRAVEL_PERMIT",
    "CN_LICENSE_PLATE",
    "CN_USCC",
    "IP_ADDRESS",
    "GEO_COORDINATE",
)

#: Attribute entities: found per column, from header and values together.
ATTRIBUTE_ENTITIES: tuple[str, ...] = (
    "GENDER",
    "DATE_OF_BIRTH",
    "AGE",
    "ETHNICITY",
    "RELIGION",
    "HEALTH",
    "MARITAL_STATUS",
    "POLITICAL_AFFILIATION",
    "PROPERTY",
    "FINANCIAL",
    "CRIMINAL_RECORD",
    "BIOMETRIC",
    "EDUCATION",
    "OCCUPATION",
    "FAMILY",
)

ALL_ENTITIES: tuple[str, ...] = IDENTIFIER_ENTITIES + ATTRIBUTE_ENTITIES


def is_entity(name: str) -> bool:
    """Return True if ``name`` is in the vocabulary."""
    return name in ALL_ENTITIES
