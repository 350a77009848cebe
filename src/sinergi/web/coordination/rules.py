"""The coordination rules: when a follow-up is overdue and whether an area met its rakor minimum.

Plain functions over dates and status codes: no database, no clock. The
caller passes ``today`` (or the day of a meeting), so a rule gives the same
answer for the same facts whenever it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sinergi.web.coordination.models import FollowUpStatus, MeetingStatus


@dataclass(frozen=True)
class Requirement:
    """A number a regulation asks for, with where it comes from (reference data is data)."""

    name: str
    value: int
    unit: str
    period: str
    basis: str


MINIMUM_RAKOR = Requirement(
    name="rapat koordinasi TKPK",
    value=3,
    unit="rapat",
    period="tahun kalender",
    basis="Permendagri 53/2020",
)


def is_overdue(status: str, due: date, today: date) -> bool:
    """Whether a follow-up is past its due date and not done.

    Due today is not overdue yet; a follow-up done (selesai) is never overdue,
    however late it was done.

    Examples:
        >>> is_overdue("proses", date(2026, 3, 31), today=date(2026, 4, 1))
        True
        >>> is_overdue("belum", date(2026, 4, 1), today=date(2026, 4, 1))
        False
        >>> is_overdue("selesai", date(2026, 1, 1), today=date(2026, 4, 1))
        False
    """
    return status != FollowUpStatus.SELESAI and due < today


def status_before(history: Iterable[tuple[date, str]], day: date) -> str | None:
    """The status a follow-up had when ``day`` began: the last one recorded before it.

    ``history`` holds ``(day recorded, status)`` pairs in the order they were
    recorded; None when nothing was recorded before ``day`` (it did not exist yet).

    Examples:
        >>> steps = [(date(2026, 2, 10), "belum"), (date(2026, 5, 2), "selesai")]
        >>> status_before(steps, date(2026, 5, 2)), status_before(steps, date(2026, 5, 3))
        ('belum', 'selesai')
        >>> status_before(steps, date(2026, 2, 10)) is None
        True
    """
    found = None
    for recorded, status in history:
        if recorded < day:
            found = status
    return found


@dataclass(frozen=True)
class Compliance:
    """How many rakor an area held in a calendar year, against the minimum."""

    area_code: str
    name: str
    year: int
    held: int
    planned: int
    cancelled: int
    minimum: int = MINIMUM_RAKOR.value

    @property
    def met(self) -> bool:
        return self.held >= self.minimum

    @property
    def missing(self) -> int:
        """How many more rakor the area must hold this year to meet the minimum."""
        return max(self.minimum - self.held, 0)


def compliance(
    area_code: str, name: str, meetings: Iterable[tuple[date, str]], year: int
) -> Compliance:
    """Count an area's rakor of ``year`` by status; only those held (terlaksana) count.

    A meeting belongs to the calendar year of its date: one on 31 December counts
    for that year, one on 1 January for the next. Planned and cancelled meetings
    are counted apart and never towards the minimum.

    Args:
        meetings: ``(date, status)`` of the area's meetings, of any year.

    Examples:
        >>> meetings = [
        ...     (date(2025, 12, 31), "terlaksana"),
        ...     (date(2026, 1, 1), "terlaksana"),
        ...     (date(2026, 6, 1), "batal"),
        ...     (date(2026, 10, 1), "direncanakan"),
        ... ]
        >>> result = compliance("52.05", "Kab. Dompu", meetings, 2026)
        >>> result.held, result.planned, result.cancelled, result.met, result.missing
        (1, 1, 1, False, 2)
    """
    counts = dict.fromkeys(MeetingStatus, 0)
    for day, status in meetings:
        if day.year == year:
            counts[MeetingStatus(status)] += 1
    return Compliance(
        area_code=area_code,
        name=name,
        year=year,
        held=counts[MeetingStatus.TERLAKSANA],
        planned=counts[MeetingStatus.DIRENCANAKAN],
        cancelled=counts[MeetingStatus.BATAL],
    )
