"""The REST API of progress: an area's scorecard and its program coverage (aggregates only).

The same reads and rules as the pages (``scorecard``, ``coverage``): the area's
aggregates need a see scope covering it (403 otherwise), an unknown code is 404.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from sinergi.web import places
from sinergi.web.progress import coverage, scorecard, views
from sinergi.web.progress.actuals import Actual
from sinergi.web.progress.targets import Bound

router = Router(tags=["progress"])


class Angka(Schema):
    """One observed figure: a published rate, a survey estimate or a diagnosis count."""

    period: str
    value: float | None
    basis: str | None
    source: str
    origin: str
    low: float | None
    high: float | None


class TargetOut(Schema):
    id: int | None
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
    origin: str


class BarisSkor(Schema):
    indicator: str
    name: str
    unit: str
    kind: str
    baseline_value: float | None
    baseline_year: int | None
    baseline_from: str | None
    baseline_set_aside: Angka | None
    actual: Angka | None
    target: TargetOut | None
    targets: list[TargetOut]
    gap: float | None
    path: float | None
    light: str
    light_label: str
    state: str
    state_label: str
    basis: str | None
    left_out: list[Angka]


class KartuSkor(Schema):
    area_code: str
    area_name: str
    as_of: date
    rows: list[BarisSkor]


class Sel(Schema):
    """One program in one area, in families; null where unknown (no imported list)."""

    program: str
    listed: int | None
    eligible: int | None
    served: int | None
    coverage: float | None
    exclusion: int | None
    inclusion: int | None


class WilayahCakupan(Schema):
    area_code: str
    area_name: str
    programs: list[Sel]


class ProgramInfo(Schema):
    program: str
    name: str
    listed: bool


class Kombinasi(Schema):
    programs: list[str]
    names: str
    received: int
    families: int


class Kelompok(Schema):
    group: str
    label: str
    families: int
    received: dict[str, int]
    combinations: list[Kombinasi]


class Cakupan(Schema):
    area_code: str
    area_name: str
    run: str
    rows_level: str
    programs: list[ProgramInfo]
    total: WilayahCakupan
    rows: list[WilayahCakupan]
    complementarity: list[Kelompok]


@router.get("/{area}/kartu-skor", response=KartuSkor, summary="Kartu skor capaian satu wilayah")
def scorecard_of(request: HttpRequest, area: str) -> dict[str, Any]:
    """Per indicator: baseline, latest actual, main target, gap, path and traffic light."""
    code = views.readable(request.user, area)
    today = timezone.localdate()
    return {
        "area_code": code,
        "area_name": places.place(code)["name"],
        "as_of": today,
        "rows": [_row(row) for row in scorecard.rows(code, today, charts=False)],
    }


@router.get("/{area}/cakupan", response=Cakupan, summary="Cakupan program terhadap kebutuhan")
def coverage_of(request: HttpRequest, area: str) -> dict[str, Any]:
    """Per program and area one level down: listed, eligible, served, coverage, errors; and
    how many listed programs eligible and extreme-poor families receive together."""
    code = views.readable(request.user, area)
    try:
        found = coverage.coverage(code)
    except coverage.NotDiagnosed:
        raise Http404(_("Wilayah ini belum punya hasil diagnosis.")) from None
    return {
        "area_code": found.area,
        "area_name": found.name,
        "run": found.run,
        "rows_level": found.rows_level,
        "programs": [
            {"program": p.code, "name": p.name, "listed": p.listed} for p in found.programs
        ],
        "total": _place(found.total),
        "rows": [_place(place) for place in found.rows],
        "complementarity": [
            {
                "group": g.code,
                "label": g.label,
                "families": g.families,
                "received": dict(g.buckets),
                "combinations": [
                    {
                        "programs": list(c.programs),
                        "names": c.names,
                        "received": c.received,
                        "families": c.families,
                    }
                    for c in g.combinations
                ],
            }
            for g in found.groups
        ],
    }


def _row(row: scorecard.Row) -> dict[str, Any]:
    entry = row.indicator
    return {
        "indicator": entry.code,
        "name": entry.name,
        "unit": entry.unit,
        "kind": entry.kind,
        "baseline_value": _finite(row.baseline_value),
        "baseline_year": row.baseline_year,
        "baseline_from": row.baseline_from,
        "baseline_set_aside": _actual(row.baseline_set_aside) if row.baseline_set_aside else None,
        "actual": _actual(row.actual) if row.actual else None,
        "target": _target(row.target) if row.target else None,
        "targets": [_target(b) for b in row.bounds],
        "gap": _finite(row.judgement.gap),
        "path": _finite(row.judgement.path),
        "light": row.judgement.light.value,
        "light_label": row.light_label,
        "state": row.judgement.state.value,
        "state_label": row.state_label,
        "basis": row.series.basis,
        "left_out": [_actual(a) for a in row.series.left_out],
    }


def _actual(actual: Actual) -> dict[str, Any]:
    return {
        "period": actual.period,
        "value": _finite(actual.value),
        "basis": actual.basis,
        "source": actual.source,
        "origin": actual.origin,
        "low": _finite(actual.low),
        "high": _finite(actual.high),
    }


def _target(bound: Bound) -> dict[str, Any]:
    return {
        "id": bound.record_id,
        "indicator": bound.indicator,
        "area_code": bound.area_code,
        "year": bound.year,
        "comparator": bound.comparator,
        "value": bound.value,
        "unit": bound.unit,
        "baseline_value": bound.baseline_value,
        "baseline_year": bound.baseline_year,
        "source": bound.source,
        "grade": bound.grade,
        "origin": bound.origin,
    }


def _place(place: coverage.Place) -> dict[str, Any]:
    return {
        "area_code": place.code,
        "area_name": place.name,
        "programs": [
            {
                "program": code,
                "listed": cell.listed,
                "eligible": cell.eligible,
                "served": cell.served,
                "coverage": _finite(cell.coverage),
                "exclusion": cell.exclusion,
                "inclusion": cell.inclusion,
            }
            for code, cell in place.cells.items()
        ],
    }


def _finite(value: float | None) -> float | None:
    """NaN and infinities have no JSON form: they come out as null."""
    return value if value is not None and math.isfinite(value) else None
