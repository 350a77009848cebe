"""The REST API of the plans: a regency's RAT of a year, and recording a line's realisation.

The same rules, forms and reads as the pages (``actions``, ``forms``, ``reads``);
every refusal is a declared status with a ``detail`` in Bahasa Indonesia.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeAlias

from django.http import HttpRequest
from ninja import P, PathEx, Router, Schema, Status
from pydantic import Field

from sinergi.web.plans import actions, reads
from sinergi.web.plans.models import PlanVersion, Realisation, who
from sinergi.web.refusals import answer

router = Router(tags=["rencana"])

REGENCY_CODE = r"^[0-9]{2}\.[0-9]{2}$"
Regency: TypeAlias = PathEx[
    str, P(pattern=REGENCY_CODE, description="Kode kabupaten/kota bertitik.", examples=["52.05"])
]


class Problem(Schema):
    detail: str


class Invalid(Schema):
    """What is wrong, as one sentence and per field."""

    detail: str
    fields: dict[str, list[str]] | None = None


RUPIAH_MAX = 999_999_999_999_999
# Whole rupiah as a number, or rupiah with up to two decimals as text ("1500000.50").
Rupiah: TypeAlias = (
    Annotated[int, Field(ge=0, le=RUPIAH_MAX)]
    | Annotated[str, Field(pattern=r"^[0-9]{1,15}(\.[0-9]{1,2})?$")]
)


class RealisasiIn(Schema):
    semester: Literal[1, 2]
    budget: Rupiah = Field(description="Anggaran terealisasi, rupiah.", examples=[720000000])
    reached: int = Field(
        ge=0, le=2_000_000_000, description="Penerima manfaat yang baru terjangkau semester ini."
    )
    note: str = Field("", max_length=1000, pattern=r"^[^\x00]*$")


class RealisasiOut(Schema):
    id: int
    line_key: str
    semester: int
    budget: Decimal
    reached: int
    note: str
    recorded_by: str
    recorded_at: datetime


class BarisOut(Schema):
    key: str
    opd: str
    code: str
    program: str
    kegiatan: str
    sub_kegiatan: str
    strategy_inpres: str
    strategy_perpres: str | None
    activity_type: str
    budget: Decimal
    funding_source: str
    assistance_nature: str
    assistance_type: str
    benefit_amount: Decimal | None
    duration: str
    location: str
    location_code: str | None
    target_beneficiaries: int | None
    target_unit: str
    eligibility_rule: str | None
    realised_s1: Decimal | None = Field(description="Realisasi anggaran semester I (terbaru).")
    realised_s2: Decimal | None
    reached_s1: int | None
    reached_s2: int | None


class RencanaOut(Schema):
    area_code: str
    year: int
    version: int
    status: Literal["draft", "locked"]
    reason: str
    created_by: str
    created: datetime
    locked_by: str | None
    locked_at: datetime | None
    budget: Decimal
    realised: Decimal
    lines: list[BarisOut]


ERRORS = {403: Problem, 404: Problem}


@router.get(
    "/{area}/{year}",
    response={200: RencanaOut, **ERRORS},
    summary="Rencana aksi tahunan (versi terkini) dengan realisasinya",
)
def plan(request: HttpRequest, area: Regency, year: int) -> Status[Any]:
    """Status versi terkini dan semua baris programnya, dengan realisasi terbaru per semester."""

    def read() -> dict[str, Any]:
        code = actions.regency_code(area)
        actions.require_read(request.user, code)
        found = actions.find_plan(code, actions.plan_year(year))
        version = found.current
        found_rows = reads.rows(version)
        total = reads.overall(found_rows)
        return {
            **_version(version),
            "area_code": code,
            "year": found.year,
            "budget": total.budget,
            "realised": total.realised,
            "lines": [_line(row) for row in found_rows],
        }

    return answer(200, read)


@router.post(
    "/{area}/{year}/baris/{key}/realisasi",
    response={201: RealisasiOut, 400: Problem, 422: Invalid, **ERRORS},
    summary="Catat realisasi satu baris program per semester",
)
def record(
    request: HttpRequest, area: Regency, year: int, key: str, payload: RealisasiIn
) -> Status[Any]:
    """Petugas OPD untuk baris OPD-nya sendiri, sekretariat untuk semua OPD; juga pada versi
    yang sudah dikunci. Catatan tidak pernah diubah: catatan terbaru per semester yang dihitung.
    """

    def write() -> dict[str, Any]:
        code = actions.regency_code(area)
        actions.require_read(request.user, code)
        found = actions.find_plan(code, actions.plan_year(year))
        data = payload.model_dump(mode="json")
        return _realisation(actions.record_realisation(request.user, found, key, data))

    return answer(201, write)


def _version(version: PlanVersion) -> dict[str, Any]:
    return {
        "version": version.number,
        "status": version.status,
        "reason": version.reason,
        "created_by": who(version.created_by),
        "created": version.created,
        "locked_by": who(version.locked_by) if version.locked else None,
        "locked_at": version.locked_at,
    }


def _line(row: reads.Row) -> dict[str, Any]:
    line = row.line
    return {
        **{name: reads.shown(line, name) for name in reads.COMPARED},
        "key": str(line.key),
        "budget": line.budget,
        "benefit_amount": line.benefit_amount,
        "target_beneficiaries": line.target_beneficiaries,
        "strategy_perpres": line.strategy_perpres or None,
        "location_code": line.location_code or None,
        "eligibility_rule": line.eligibility_rule or None,
        "realised_s1": row.s1.budget if row.s1 else None,
        "realised_s2": row.s2.budget if row.s2 else None,
        "reached_s1": row.s1.reached if row.s1 else None,
        "reached_s2": row.s2.reached if row.s2 else None,
    }


def _realisation(entry: Realisation) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "line_key": str(entry.line_key),
        "semester": entry.semester,
        "budget": entry.budget,
        "reached": entry.reached,
        "note": entry.note,
        "recorded_by": who(entry.recorded_by),
        "recorded_at": entry.recorded_at,
    }
