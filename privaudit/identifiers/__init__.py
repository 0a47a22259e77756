"""Validated identifiers: one module per identifier, the same small API everywhere.

Every module ``privaudit/identifiers/<name>.py`` offers:

``ENTITY: str``
    The entity name from the vocabulary (``CN_RESIDENT_ID``, ``PHONE_NUMBER`` ...).
``normalize(value: str) -> str``
    NFKC (full-width to ASCII), drop inner separators (spaces, ``-``, ``·``, ``.``
    where the format allows), upper-case letters where the format is case-insensitive,
    strip a country prefix (``+86``) for phones.
``is_valid(value: str, hinted: bool = False) -> bool``
    The readable scalar reference: is the *whole* value (after ``normalize``) one
    valid identifier?  ``hinted`` is True when a column header or context word
    supports the entity; low-specificity forms (15-digit IDs, bare landlines,
    bank account numbers failing Luhn ...) are accepted only then.
``validate(values: pandas.Series, hinted: bool = False) -> numpy.ndarray``
    The fast vectorised form: a bool array equal to
    ``[is_valid(v, hinted) for v in values]`` (missing values are False).
``find(text: str, hinted: bool = False) -> list[Span]``
    Every valid occurrence inside free text, as spans into the original ``text``
    (before normalisation). Context words near a candidate count as a hint.
``find_column(values, hinted: bool = False) -> (cells, starts, ends, scores)``
    The fast vectorised form of ``find`` over a whole column (pyarrow string array,
    pandas Series, list; nulls allowed): four numpy arrays (int64 cell positions in
    ``values``, int64 character offsets within the cell, float64 scores), ordered by
    cell then start, equal to concatenating ``find(cell, hinted)`` cell by cell.  The
    engine is in :mod:`privaudit.identifiers._spans`; work shared by the modules on one
    column (decoding, character classes) is cached for the last few Arrow columns, so
    call the modules one after another on the *same* array object.
``info(value: str) -> dict | None`` (where meaningful)
    Details of a valid value, e.g. region, birth date and sex of a resident ID.

Pure functions, no I/O.  :data:`MODULES` lists them in matching priority order.
"""

from __future__ import annotations

from privaudit.identifiers._common import Span

__all__ = ["Span", "MODULES", "module_for"]

MODULES: list = []


def _load() -> None:
    import importlib

    for name in (
        "cn_resident_id",
        "cn_uscc",
        "bank_card",
        "cn_phone",
        "email",
        "ip_address",
        "cn_passport",
        "cn_travel_permit",
        "cn_license_plate",
        "geo_coordinate",
    ):
        try:
            MODULES.append(importlib.import_module(f"privaudit.identifiers.{name}"))
        except ModuleNotFoundError as exc:  # pragma: no cover - during development only
            if exc.name != f"privaudit.identifiers.{name}":
                raise


_load()


def module_for(entity: str):
    """Return the identifier module whose ``ENTITY`` is ``entity`` (KeyError if none)."""
    for mod in MODULES:
        if mod.ENTITY == entity:
            return mod
    raise KeyError(entity)
