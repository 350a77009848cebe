"""Which targets hold for an area: the secretariat's own over the shipped ones, nearest area first.

Two origins, one shape (:class:`Bound`):

* *rujukan*: the shipped reference targets (``sinergi.domain.reference.targets``,
  ``targets.csv``), area ``00`` meaning Indonesia;
* *sekretariat*: the current versions of :class:`~sinergi.web.progress.models.Target`.

Resolution, per indicator:

1. Walk the area's chain, the area itself first: ``52.05.01`` → ``52.05`` → ``52`` →
   ``00``. The first area with any target wins, with all its targets: a regency's
   targets override the province's, which override the nation's. A *count*
   indicator does not walk: a count target holds only for its own area.
2. Within that area, a secretariat target of a year replaces every reference bound
   of the same year.
3. Only bounds pointing the way of progress count (``le``/``lt`` where lower is
   better): the lower end of a range ("P0 6,5-7,5%") is shown in the reference
   list but never judged.

The scorecard judges the *main* target (:func:`main`): the first one due this year
or later, else the last one (past due).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sinergi.domain import reference
from sinergi.web.progress.indicators import Indicator
from sinergi.web.progress.models import Target

ORIGIN_REFERENCE = "rujukan"
ORIGIN_SECRETARIAT = "sekretariat"


@dataclass(frozen=True)
class Bound:
    """One target bound, whichever its origin."""

    indicator: str
    area_code: str
    year: int
    comparator: str
    value: float
    unit: str
    baseline_value: float | None
    baseline_year: int | None
    source: str
    grade: str
    note: str
    origin: str
    record_id: int | None = None
    created_by: str | None = None
    created: datetime | None = None

    @classmethod
    def of_record(cls, target: Target) -> Bound:
        return cls(
            indicator=target.indicator,
            area_code=target.area_code,
            year=target.year,
            comparator=target.comparator,
            value=float(target.value),
            unit=target.unit,
            baseline_value=None if target.baseline_value is None else float(target.baseline_value),
            baseline_year=target.baseline_year,
            source=target.source,
            grade=target.grade,
            note=target.note,
            origin=ORIGIN_SECRETARIAT,
            record_id=target.pk,
            created_by=target.created_by_name,
            created=target.created,
        )

    @classmethod
    def of_reference(cls, target: reference.Target) -> Bound:
        return cls(
            indicator=target.indicator,
            area_code=target.area_code,
            year=target.year,
            comparator=target.comparator,
            value=target.value,
            unit=target.unit,
            baseline_value=target.baseline_value,
            baseline_year=target.baseline_year,
            source=target.source,
            grade=target.grade,
            note=target.note or "",
            origin=ORIGIN_REFERENCE,
        )


def chain(entry: Indicator, area: str) -> tuple[str, ...]:
    """The areas whose targets may hold for ``area``, nearest first."""
    return reference.area_fallback_chain(area) if entry.is_rate else (area,)


def holding(entry: Indicator, area: str, own: Iterable[Target] | None = None) -> list[Bound]:
    """The bounds that hold for ``area`` (rule 1-3 of this module), by year.

    Args:
        own: the current secretariat targets of the chain's areas, when the caller
            has read them already (one query for every indicator of a page).
    """
    codes = chain(entry, area)
    records = list(own) if own is not None else list(current_records(codes))
    for code in codes:
        mine = [
            Bound.of_record(t) for t in records if t.indicator == entry.code and t.area_code == code
        ]
        replaced = {b.year for b in mine}
        shipped = [
            Bound.of_reference(t)
            for t in reference.targets(indicator=entry.code, area_code=code)
            if t.year not in replaced
        ]
        found = [b for b in (*mine, *shipped) if b.comparator in entry.upper_bounds]
        if found:
            return sorted(found, key=lambda b: (b.year, b.origin))
    return []


def main(bounds: list[Bound], today_year: int) -> Bound | None:
    """The target the light is judged on: the first due this year or later, else the last.

    Examples:
        >>> b = [Bound("p", "52.05", y, "le", 1.0, "percent", None, None, "s", "S", "", "rujukan")
        ...      for y in (2024, 2026, 2029)]
        >>> main(b, 2025).year, main(b, 2030).year, main([], 2025)
        (2026, 2029, None)
    """
    upcoming = [b for b in bounds if b.year >= today_year]
    if upcoming:
        return upcoming[0]
    return bounds[-1] if bounds else None


def current_records(codes: Iterable[str]) -> list[Target]:
    return list(Target.objects.current().of_areas(list(codes)))


def reference_of(area: str) -> list[Bound]:
    """The shipped bounds of the area's chain, every comparator, for the reference list."""
    return [
        Bound.of_reference(t)
        for code in reference.area_fallback_chain(area)
        for t in reference.targets(area_code=code)
    ]
