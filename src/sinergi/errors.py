"""The one exception hierarchy: every error a person can act on, in Bahasa Indonesia and English.

A `SinergiError` carries a stable `code` (for programs and reports), a message
for people in Bahasa Indonesia (`str(error)`) and the same message in English
for logs (`error.english`). Each layer has its own subclass so callers can
catch what they can handle.
"""

from __future__ import annotations


class SinergiError(Exception):
    """Base class of every error Sinergi raises on purpose.

    Args:
        pesan: the message for people, in Bahasa Indonesia: cause and remedy.
        english: the same message in English, for logs.
        code: a stable identifier such as ``NIK_WRONG_LENGTH``.

    Examples:
        >>> err = SinergiError("Kode wilayah kosong.", english="Empty area code.", code="E")
        >>> str(err), err.english, err.code
        ('Kode wilayah kosong.', 'Empty area code.', 'E')
    """

    def __init__(self, pesan: str, *, english: str, code: str) -> None:
        super().__init__(pesan)
        self.pesan = pesan
        self.english = english
        self.code = code


class DomainError(SinergiError):
    """A value breaks a domain rule (an area code, a NIK, a reference record)."""


class LakeError(SinergiError):
    """The data folder or a lake table is missing, unreadable or inconsistent."""


class PipelineError(SinergiError):
    """A pipeline stage cannot run with the inputs it was given."""


class SynthError(SinergiError):
    """The synthetic region generator was given parameters it cannot honour."""


class ReportError(SinergiError):
    """A document cannot be made: its template is broken or a converter is missing."""
