"""Who is truly eligible for each program, and who actually receives it, with amounts and dates.

Truth applies each program's rule to the *true* welfare and composition of a
household. Receipt is decided as agencies decide it: from the registries they
hold (the DTSEN desil from a proxy-means test, DTKS membership) and their quota,
so the targeting errors that the TKPK must find arise the way they do in the
field (PMT error, stale registries, limited coverage, some leakage), instead of
being painted on. The receipt chances below are adjustable starting points; the
manifest reports the inclusion and exclusion errors they produce, and
docs/calibration.md compares them with the literature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from sinergi.domain import reference
from sinergi.synth.config import Calibration
from sinergi.synth.frame import Frame
from sinergi.synth.population import Chunk, Columns

# Chance of receipt for families the agency's registry puts in its target group,
# for near-misses (next two desil), and for everyone else (leakage).
RECEIPT_CHANCE: dict[str, tuple[float, float, float]] = {
    "pkh": (0.72, 0.05, 0.005),
    "sembako": (0.65, 0.08, 0.01),
    "pbi": (0.85, 0.15, 0.03),
    "pip": (0.55, 0.08, 0.02),
    "blt_dd": (0.50, 0.05, 0.01),
    "rtlh": (0.04, 0.005, 0.001),
    "bpjs_tk": (0.15, 0.04, 0.01),
}
# Payments disbursed one to three months after their schedule, but never after the
# export's own date: a list exported on 30 September cannot hold an October payment.
LATE_PAYMENT = 0.06
SHORT_PAYMENT = 0.03  # payments below the entitled amount (a component missing)


@dataclass(frozen=True)
class Amounts:
    """Benefit amounts in rupiah, read from the reference program catalog."""

    pkh_component_per_year: dict[str, float]
    sembako_per_month: float
    pbi_premium_per_month: float
    pip_per_year: dict[str, float]
    blt_dd_per_month: float
    rtlh_per_house: float
    bpjs_tk_premium_per_month: float

    @classmethod
    def from_reference(cls) -> Amounts:
        """The amounts of the shipped program catalog (``data/reference/programs.csv``)."""

        def amount(program_id: str) -> float:
            return float(reference.program(program_id).benefit_amount)

        components = ("bumil", "anak_usia_dini", "sd", "smp", "sma", "lansia", "disabilitas_berat")
        return cls(
            pkh_component_per_year={c: amount(f"pkh_{c}") for c in components},
            sembako_per_month=amount("bpnt_sembako"),
            pbi_premium_per_month=amount("pbi_jkn"),
            pip_per_year={
                "SD": amount("pip_sd"),
                "SMP": amount("pip_smp"),
                "SMA": amount("pip_sma_smk"),
            },
            blt_dd_per_month=amount("blt_dana_desa"),
            rtlh_per_house=amount("rst_rutilahu"),
            bpjs_tk_premium_per_month=amount("bpjs_tk_bpu"),
        )


def household_needs(frame: Frame, chunk: Chunk) -> Columns:
    """Per household of the chunk: PKH components, RTLH condition and vulnerability flags."""
    people = chunk.people
    local = chunk.home_row
    n = len(chunk.households)

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(local[mask], minlength=n)

    present = people["presence"] == 1
    age = people["age"]
    components = {
        "bumil": count(people["pregnant"] & present),
        # A child is one component: a 6-year-old SD pupil counts under "sd" only.
        "anak_usia_dini": count((age <= 6) & present & (people["school_level"] != "SD")),
        "sd": count(people["school_level"] == "SD"),
        "smp": count(people["school_level"] == "SMP"),
        "sma": count(people["school_level"] == "SMA"),
        "lansia": count((age >= 60) & present),
        "disabilitas_berat": count((people["disability"] >= 4) & present),
    }
    homes = chunk.homes
    per_capita_floor = homes["floor_area"] / np.maximum(frame.size[chunk.households], 1)
    rtlh = (
        np.isin(homes["lantai"], (8, 7))
        | np.isin(homes["dinding"], (6, 4, 5))
        | np.isin(homes["atap"], (7, 6))
        | (homes["fasilitas_bab"] == 6)
        | (per_capita_floor < 7.2)
    )
    vulnerable = (
        frame.elderly_alone[chunk.households]
        | frame.head_female[chunk.households]
        | (count(people["chronic_illness"] | (people["disability"] >= 3)) > 0)
    )
    return {
        **{f"pkh_{name}": value for name, value in components.items()},
        "pkh_components": np.minimum(sum(components.values()), 4),
        "rtlh": rtlh,
        "owns_house": homes["status_rumah"] == 1,
        "vulnerable": vulnerable,
    }


def decide(
    frame: Frame,
    chunk: Chunk,
    needs: Columns,
    amounts: Amounts,
    calibration: Calibration,
    as_of: date,
    rng: np.random.Generator,
) -> tuple[Columns, Columns, dict[str, Columns]]:
    """Eligibility and receipt per household and per person, and the payment rows.

    Args:
        as_of: the date the lists are exported (the snapshot of the build); payments
            fall in its year and never after it.

    Returns:
        households: true eligibility (``eligible_*``) and receipt (``receives_*``).
        persons: the same for the person-level programs (PBI, PIP, BPJS-TK).
        payments: per program, one row per payment with ``person_row`` (index into
            the chunk's persons), ``amount``, ``paid_on`` and the truth of delay.
    """
    h = chunk.households
    people = chunk.people
    local = np.searchsorted(h, people["household"])
    desil_true, desil_admin = frame.desil_true[h], frame.desil_dtsen[h]
    in_dtks = frame.in_dtks[h]
    rural = ~frame.urban[h]
    extreme = frame.pce[h] < calibration.extreme_line
    poor = frame.pce[h] < calibration.poverty_line
    has_component = needs["pkh_components"] > 0

    def receive(program: str, target: np.ndarray, near: np.ndarray) -> np.ndarray:
        hit, close, other = RECEIPT_CHANCE[program]
        chance = np.where(target, hit, np.where(near, close, other))
        return rng.random(len(target)) < chance

    homes: Columns = {}
    homes["eligible_pkh"] = (desil_true <= 4) & has_component
    homes["receives_pkh"] = (
        receive(
            "pkh", in_dtks & (desil_admin <= 4) & has_component, (desil_admin <= 6) & has_component
        )
        & has_component
    )
    homes["eligible_sembako"] = desil_true <= 4
    homes["receives_sembako"] = receive("sembako", desil_admin <= 4, desil_admin <= 6) | (
        homes["receives_pkh"] & (rng.random(len(h)) < 0.95)
    )
    homes["eligible_blt_dd"] = rural & (extreme | (poor & needs["vulnerable"]))
    homes["receives_blt_dd"] = rural & receive(
        "blt_dd",
        ((desil_admin == 1) & ~homes["receives_pkh"]) | ((desil_admin <= 3) & needs["vulnerable"]),
        desil_admin <= 4,
    )
    homes["eligible_rtlh"] = (desil_true <= 4) & needs["rtlh"] & needs["owns_house"]
    homes["receives_rtlh"] = (
        receive("rtlh", (desil_admin <= 4) & needs["rtlh"] & needs["owns_house"], desil_admin <= 6)
        & needs["owns_house"]
    )
    pbi_family = receive("pbi", desil_admin <= 5, desil_admin <= 7)
    homes["receives_pbi"] = pbi_family
    homes["eligible_pbi"] = desil_true <= 4

    student = np.isin(people["school_level"], ("SD", "SMP", "SMA"))
    informal = people["informal_worker"] & (people["age"] >= 18) & (people["age"] <= 65)
    persons: Columns = {
        "eligible_pbi": homes["eligible_pbi"][local],
        "receives_pbi": pbi_family[local] & (people["presence"] == 1),
        "eligible_pip": student & (desil_true[local] <= 4),
        "receives_pip": student
        & receive(
            "pip",
            (homes["receives_pkh"] | (desil_admin <= 4))[local],
            (desil_admin <= 6)[local],
        ),
        "eligible_bpjs_tk": informal & (desil_true[local] <= 5),
        "receives_bpjs_tk": informal
        & receive("bpjs_tk", (desil_admin <= 5)[local], (desil_admin <= 7)[local]),
    }
    payments = _payments(chunk, needs, homes, persons, amounts, as_of, rng)
    return homes, persons, payments


def representative(chunk: Chunk) -> np.ndarray:
    """Person row that represents each household on family lists: the wife, else the head.

    PKH and Sembako cards are issued to the mother of the family (the *pengurus*);
    a household without one is represented by its head.
    """
    rows = chunk.head_row.copy()
    wives = np.flatnonzero(chunk.people["relationship"] == 2)
    rows[chunk.home_row[wives]] = wives
    return rows


def _payments(
    chunk: Chunk,
    needs: Columns,
    homes: Columns,
    persons: Columns,
    amounts: Amounts,
    as_of: date,
    rng: np.random.Generator,
) -> dict[str, Columns]:
    pengurus = representative(chunk)
    people = chunk.people

    pkh_per_year = sum(
        np.minimum(needs[f"pkh_{name}"], 4) * amount
        for name, amount in amounts.pkh_component_per_year.items()
    )
    # The four-component cap applies to the count, so scale the yearly benefit down.
    uncapped = sum(needs[f"pkh_{name}"] for name in amounts.pkh_component_per_year)
    pkh_per_year = pkh_per_year * np.minimum(1.0, 4 / np.maximum(uncapped, 1))
    pkh_stage_amount = np.round(pkh_per_year / 4, -3)

    # Family programs: PKH and Sembako pay the mother (pengurus) per stage, BLT-DD
    # monthly and RTLH once to the head.
    family_programs = (
        ("pkh", pengurus, pkh_stage_amount, (2, 5, 8)),
        ("sembako", pengurus, 2 * amounts.sembako_per_month, (2, 4, 6, 8)),
        ("blt_dd", chunk.head_row, amounts.blt_dd_per_month, (1, 2, 3)),
        ("rtlh", chunk.head_row, amounts.rtlh_per_house, (7,)),
    )
    result: dict[str, Columns] = {}
    for program, payee, amount, months in family_programs:
        families = np.flatnonzero(homes[f"receives_{program}"])
        per_family = np.broadcast_to(np.asarray(amount, dtype=float), len(chunk.households))
        result[program] = _schedule(
            rng, payee[families], families, per_family[families], as_of, months=months
        )
    # Person-level programs: PBI premiums and BPJS-TK contributions are paid by the
    # government on schedule; PIP is disbursed once a year per student, by level.
    flat_amount = {
        "pbi": amounts.pbi_premium_per_month,
        "bpjs_tk": amounts.bpjs_tk_premium_per_month,
    }
    for program, months, on_time in (
        ("pbi", (1,), True),
        ("pip", (5,), False),
        ("bpjs_tk", (3,), True),
    ):
        rows = np.flatnonzero(persons[f"receives_{program}"])
        if program == "pip":
            levels = people["school_level"][rows]
            amount = np.array([amounts.pip_per_year.get(level, 0.0) for level in levels])
        else:
            amount = np.full(len(rows), flat_amount[program])
        result[program] = _schedule(
            rng, rows, chunk.home_row[rows], amount, as_of, months=months, on_time=on_time
        )
    return result


def _schedule(
    rng: np.random.Generator,
    person_rows: np.ndarray,
    household_rows: np.ndarray,
    amount: np.ndarray,
    as_of: date,
    months: tuple[int, ...],
    on_time: bool = False,
) -> Columns:
    """One payment row per recipient and scheduled month, some late and some short.

    A late payment is paid by ``as_of`` at the latest, so no list holds a date after
    its own export date (the importer would flag it ``DATE_IN_FUTURE``). Capping
    draws nothing extra from ``rng``: the rest of the build is unchanged by it.
    """
    k = len(months)
    n = len(person_rows)
    stage = np.tile(np.arange(1, k + 1), n)
    due_month = np.tile(np.array(months), n)
    late_months = np.where(
        on_time, 0, (rng.random(n * k) < LATE_PAYMENT) * rng.integers(1, 4, n * k)
    )
    short = ~np.asarray(on_time) & (rng.random(n * k) < SHORT_PAYMENT)
    entitled = np.repeat(amount, k)
    paid = np.where(short, np.round(entitled * 0.75, -3), entitled)
    month = np.minimum(due_month + late_months, 12)
    day = rng.integers(1, 29, n * k)
    paid_on = np.array(
        [min(date(as_of.year, int(m), int(d)), as_of) for m, d in zip(month, day, strict=True)],
        dtype=object,
    )
    # Late means paid after its month; a capped payment may have caught up with it.
    late_months = np.where(
        np.array([d.month for d in paid_on], dtype=np.int64) > due_month, late_months, 0
    )
    return {
        "person_row": np.repeat(person_rows, k),
        "household_row": np.repeat(household_rows, k),
        "stage": stage,
        "entitled": entitled,
        "amount": paid,
        "due_month": due_month,
        "paid_on": paid_on,
        "late": late_months > 0,
        "short": short,
    }
