"""A demo RAT for a regency: the example OPD catalog, signed off, revised, half realised.

`seed_demo_plan` builds what a secretariat would have by mid-year: version 1 of
the plan from the shipped example matrix (``opd_programs.csv``, a synthetic Dompu
catalog) locked, version 2 opened to raise one line's budget, semester I
realisation for every line and semester II for every other line. Everything is
deterministic: the same call gives the same plan.
"""

from __future__ import annotations

import logging
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from sinergi.domain import wilayah
from sinergi.domain.reference import OpdProgram, opd_programs
from sinergi.web.plans.actions import new_draft, seal
from sinergi.web.plans.models import Opd, Plan, PlanVersion, ProgramLine, Realisation

log = logging.getLogger(__name__)

CATALOG_YEAR = 2025  # the year of the shipped example matrix
EXAMPLE_REGENCY = "Kabupaten Dompu"
SHORT_NAMES = {
    "Bappeda": "Bappeda",
    "Dinas Sosial": "Dinsos",
    "Dinas Pendidikan": "Disdik",
    "Dinas Kesehatan": "Dinkes",
    "Dinas PUPR": "PUPR",
    "Dinas Perkim": "Perkim",
    "DPMD": "DPMD",
    "Disnaker": "Disnaker",
    "Dinas Koperasi UMKM": "Diskop UMKM",
    "Dinas Ketahanan Pangan": "DKP",
    "Disdukcapil": "Disdukcapil",
}
# The diagnosis's program rule each example line serves (by its sub-activity code).
RULES = {
    "1.06.05.2.02": "pbi",
    "1.04.02.2.01": "rtlh",
    "1.04.02.2.02": "rtlh",
    "2.13.03.2.01": "blt_dd",
    "2.07.05.2.01": "bpjs_tk",
    "2.09.03.2.01": "beras",
}
REVISED_CODE = "1.06.05.2.03"  # version 2 raises this line's budget and target
REVISION = "APBD Perubahan: tambahan kuota bantuan langsung tunai daerah sebanyak 150 keluarga."


def seed_demo_plan(regency: str, year: int) -> Plan:
    """The regency's demo plan for ``year``; an existing plan is returned untouched."""
    existing = Plan.objects.filter(area_code=regency, year=year).first()
    if existing is not None:
        return existing
    catalog = opd_programs(CATALOG_YEAR)
    with transaction.atomic():
        plan = Plan.objects.create(area_code=regency, year=year)
        first = PlanVersion.objects.create(plan=plan, number=1)
        for item in catalog:
            _line(first, item, regency)
        seal(first, None)
        second = new_draft(first, REVISION, None)
        revised = second.lines.get(code=REVISED_CODE)
        revised.budget += Decimal(150 * 300_000 * 6)
        revised.target_beneficiaries = (revised.target_beneficiaries or 0) + 150
        revised.save()
        _realise(plan, list(second.lines.order_by("pk")))
    log.info("demo plan %s %s: %s lines", regency, year, len(catalog))
    return plan


def _line(version: PlanVersion, item: OpdProgram, regency: str) -> ProgramLine:
    opd, _ = Opd.objects.get_or_create(
        area_code=regency, name=item.opd, defaults={"short_name": SHORT_NAMES.get(item.opd, "")}
    )
    here = wilayah.find(regency)
    location = item.location.replace(EXAMPLE_REGENCY, here.label if here else regency)
    return ProgramLine.objects.create(
        version=version,
        opd=opd,
        code=item.program_code,
        program=item.program,
        kegiatan=item.kegiatan,
        sub_kegiatan=item.sub_kegiatan,
        strategy_inpres=item.strategy_inpres_8_2025,
        strategy_perpres=item.strategy_perpres_15_2010,
        activity_type=item.activity_type,
        budget=item.budget_idr,
        funding_source=item.funding_source,
        assistance_nature=item.assistance_nature or "",
        assistance_type=item.assistance_type or "",
        benefit_amount=item.benefit_amount,
        duration=item.duration or "",
        location=location,
        location_code=_district(item.location, regency),
        target_beneficiaries=item.target_beneficiaries,
        target_unit=item.target_unit or "",
        eligibility_rule=RULES.get(item.program_code, ""),
    )


def _district(location: str, regency: str) -> str:
    """The code of a location that names one kecamatan (``Kec. Pekat``); else empty."""
    if not location.startswith("Kec. ") or "," in location:
        return ""
    try:
        return wilayah.lookup_name(location, within=regency, level=wilayah.Level.DISTRICT).code
    except wilayah.WilayahError:
        return ""  # the example spells some names its own way; the text stays


def _realise(plan: Plan, lines: list[ProgramLine]) -> None:
    """Semester I for every line, semester II for every other one, in fixed shares."""
    for number, line in enumerate(lines):
        shares = [Decimal("0.30") + Decimal("0.05") * (number % 5)]
        if number % 2 == 0:
            shares.append(Decimal("0.35"))
        for semester, part in enumerate(shares, start=1):
            Realisation.objects.create(
                plan=plan,
                line_key=line.key,
                semester=semester,
                budget=(line.budget * part).quantize(Decimal(1), rounding=ROUND_HALF_UP),
                reached=int(
                    (Decimal(line.target_beneficiaries or 0) * part).to_integral_value(
                        rounding=ROUND_HALF_UP
                    )
                ),
                note="data demo",
            )
