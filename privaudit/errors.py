"""User-facing errors: one readable line, exit code 2, never a raw personal value."""

from __future__ import annotations


class PrivauditError(Exception):
    """An error caused by the user's input (file, policy, arguments).

    The CLI prints ``str(error)`` on one line and exits with :attr:`exit_code`.
    Messages must never contain a raw cell value.
    """

    exit_code: int = 2


class InputError(PrivauditError):
    """A dataset could not be read: missing, empty, binary, undecodable, malformed."""


class PolicyError(PrivauditError):
    """A policy file is malformed; the message carries ``file:line``."""
