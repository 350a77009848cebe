"""Status per program (served, exclusion, inclusion, double), deprivation and follow-up rows,
from hand-made register rows run through the shipped rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl

from sinergi.pipeline.diagnose.facts import (
    FAMILY_INPUTS,
    PERSON_INPUTS,
    RECEIPT_INPUTS,
    RegisterInputs,
    base_facts,
)
from sinergi.pipeline.diagnose.fields import HOUSING_TEXT
from sinergi.pipeline.diagnose.followup import BLOCKED, follow_up
from sinergi.pipeline.diagnose.rules import load_rule_set
from sinergi.pipeline.diagnose.status import Assessment, assess, list_codes

RULES = load_rule_set()
AS_OF = date(2026, 9, 30)
DESA = "52.05.01.2008"  # Katua, a desa
KELURAHAN = "52.05.01.1002"  # Bali, a kelurahan


def member(hid: str, pid: str, age: int = 35, **values: Any) -> dict[str, Any]:
    """A present member of ``hid`` with a NIK, aged ``age`` on :data:`AS_OF`."""
    row = {
        "pid": pid,
        "hid": hid,
        "nik": f"nik-{pid}",
        "sex": "L",
        "birth_date": date(AS_OF.year - age, 1, 1),
        "relationship": "4",
        "presence": "1",
        "school_participation": None,
        "education": None,
        "occupation": None,
        "disability": False,
        "disability_level": 1,
        "chronic_illness": "2",
        "pregnant": False,
    }
    assert set(values) <= set(row), set(values) - set(row)
    return row | values


def household(
    hid: str, desil: int | None, *members: dict[str, Any], **values: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A family headed by ``<hid>-head`` (35, male) with ``members``: a sound house of 100 m²
    in a desa, a KK, every member with a NIK, unless told otherwise."""
    head = member(hid, f"{hid}-head", relationship="1")
    row = {
        "hid": hid,
        "kk": f"kk-{hid}",
        "head_pid": head["pid"],
        "area_code": DESA,
        "desil": desil,
        **dict.fromkeys(HOUSING_TEXT, "1"),
        "floor_area": 100.0,
        "member_count": None,
        "stunting_risk": False,
    }
    assert set(values) <= set(row) | {"head"}, set(values) - set(row)
    head |= values.pop("head", {})
    return row | values, [head, *members]


def child(hid: str, age: int = 4, **values: Any) -> dict[str, Any]:
    return member(hid, f"{hid}-child", age, relationship="3", **values)


def received(program: str, hid: str | None, pid: str | None = None, **values: Any) -> dict:
    row = {
        "pid": pid,
        "hid": hid,
        "area_code": DESA,
        "program": program,
        "period": "Tahap 1 2026",
        "component": None,
        "amount": 100_000.0,
        "paid_on": date(2026, 3, 2),
        "funding_source": None,
        "file_name": f"{program}.xlsx",
        "row": 1,
    }
    assert set(values) <= set(row), set(values) - set(row)
    return row | values


def register(
    households: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]],
    receipts: Iterable[dict[str, Any]],
) -> RegisterInputs:
    households = list(households)
    return RegisterInputs(
        pl.DataFrame([p for _, ps in households for p in ps], schema=PERSON_INPUTS, orient="row"),
        pl.DataFrame([f for f, _ in households], schema=FAMILY_INPUTS, orient="row"),
        pl.DataFrame(list(receipts), schema=RECEIPT_INPUTS, orient="row"),
    )


def diagnose(
    households: Iterable[tuple[dict[str, Any], list[dict[str, Any]]]],
    receipts: Iterable[dict[str, Any]],
) -> Assessment:
    inputs = register(households, receipts)
    persons, families = base_facts(inputs, RULES.settings, list_codes(RULES), AS_OF)
    return assess(persons, families, inputs.receipts, RULES)


def statuses(assessment: Assessment, program: str, key: str = "hid") -> dict[str, str]:
    rows = assessment.statuses.filter(pl.col("program") == program)
    return dict(zip(rows[key], rows["status"], strict=True))


def of_family(assessment: Assessment, column: str) -> dict[str, Any]:
    families = assessment.families
    return dict(zip(families["hid"], families[column], strict=True))


def of_person(assessment: Assessment, column: str) -> dict[str, Any]:
    persons = assessment.persons
    return dict(zip(persons["pid"], persons[column], strict=True))


def test_family_program_served_exclusion_inclusion_or_nothing() -> None:
    assessment = diagnose(
        [
            household("SERVED", 3, child("SERVED")),
            household("EXCLUDED", 3, child("EXCLUDED")),
            household("INCLUDED", 7, child("INCLUDED")),
            household("NEITHER", 7, child("NEITHER")),
        ],
        [received("pkh", "SERVED"), received("pkh", "INCLUDED")],
    )

    assert statuses(assessment, "pkh") == {
        "SERVED": "served",
        "EXCLUDED": "exclusion",
        "INCLUDED": "inclusion",
    }
    rows = assessment.statuses.filter(pl.col("program") == "pkh").sort("hid")
    assert rows.select("eligible", "received").rows() == [
        (True, False),
        (False, True),
        (True, True),
    ]
    assert set(rows["level"]) == {"family"} and set(rows["area_code"]) == {DESA}
    assert of_family(assessment, "exclusion_pkh") == {
        "SERVED": False,
        "EXCLUDED": True,
        "INCLUDED": False,
        "NEITHER": False,
    }
    assert of_family(assessment, "inclusion_pkh")["INCLUDED"] is True


def test_desil_four_is_inside_and_five_outside() -> None:
    assessment = diagnose(
        [household("D4", 4, child("D4")), household("D5", 5, child("D5"))],
        [received("pkh", "D5")],
    )

    assert of_family(assessment, "eligible_pkh") == {"D4": True, "D5": False}
    assert of_family(assessment, "eligible_sembako") == {"D4": True, "D5": False}
    assert statuses(assessment, "pkh") == {"D4": "exclusion", "D5": "inclusion"}


def test_family_without_desil_is_never_eligible() -> None:
    assessment = diagnose(
        [
            household(
                "NO_DESIL",
                None,
                child("NO_DESIL", school_participation="2", age=10),
                member("NO_DESIL", "grandpa", 80, disability_level=4),
            )
        ],
        [received("sembako", "NO_DESIL")],
    )

    families = assessment.families
    eligible = [c for c in families.columns if c.startswith("eligible_")]
    assert len(eligible) == len(RULES.programs)
    assert families.select(eligible).row(0) == (False,) * len(eligible)
    persons = assessment.persons
    assert not persons.select(pl.any_horizontal(pl.col("^eligible_.*$")).any()).item()
    assert statuses(assessment, "sembako") == {"NO_DESIL": "inclusion"}


def test_person_program_pip_for_students_of_desil_one_to_four() -> None:
    pupil = {"age": 10, "school_participation": "2"}
    assessment = diagnose(
        [
            household("D4", 4, child("D4", **pupil)),
            household("D5", 5, child("D5", **pupil)),
            household("GOT", 3, child("GOT", **pupil)),
        ],
        [received("pip", "GOT", "GOT-child")],
    )

    eligible = of_person(assessment, "eligible_pip")
    assert {pid for pid, flag in eligible.items() if flag} == {"D4-child", "GOT-child"}
    assert statuses(assessment, "pip", "pid") == {
        "D4-child": "exclusion",
        "GOT-child": "served",
    }
    rows = assessment.statuses.filter(pl.col("program") == "pip")
    assert set(rows["level"]) == {"person"}
    assert dict(zip(rows["pid"], rows["hid"], strict=True))["D4-child"] == "D4"
    assert of_family(assessment, "eligible_pip") == {"D4": True, "D5": False, "GOT": True}
    assert of_family(assessment, "exclusion_pip") == {"D4": True, "D5": False, "GOT": False}


def test_same_family_twice_in_one_period_is_double() -> None:
    assessment = diagnose(
        [household("TWICE", 3), household("TWO_PERIODS", 3)],
        [
            received("sembako", "TWICE", period="Januari-Februari 2026"),
            received("bpnt", "TWICE", period="januari-februari", row=7),
            received("sembako", "TWO_PERIODS", period="Januari-Februari 2026"),
            received("sembako", "TWO_PERIODS", period="Maret-April 2026", row=2),
        ],
    )

    rows = assessment.statuses.filter(pl.col("program") == "sembako")
    assert dict(zip(rows["hid"], rows["double"], strict=True)) == {
        "TWICE": True,
        "TWO_PERIODS": False,
    }
    assert statuses(assessment, "sembako") == {"TWICE": "served", "TWO_PERIODS": "served"}
    assert rows.height == 2
    assert of_family(assessment, "double_sembako") == {"TWICE": True, "TWO_PERIODS": False}
    assert "bpnt" not in assessment.listed


def test_program_without_a_list_has_no_status() -> None:
    assessment = diagnose(
        [household("POOR", 2, child("POOR")), household("GOT", 3, child("GOT"))],
        [received("pkh", "GOT")],
    )

    assert assessment.listed == ("pkh",)
    assert set(assessment.statuses["program"]) == {"pkh"}
    assert of_family(assessment, "eligible_sembako") == {"POOR": True, "GOT": True}
    assert of_family(assessment, "exclusion_sembako") == {"POOR": False, "GOT": False}


def test_no_list_imported_gives_no_status_at_all() -> None:
    assessment = diagnose([household("POOR", 2, child("POOR"))], [])

    assert assessment.listed == ()
    assert assessment.statuses.height == 0
    assert of_family(assessment, "eligible_pkh") == {"POOR": True}
    assert of_family(assessment, "exclusion_pkh") == {"POOR": False}


def test_deprived_in_three_of_seven_dimensions_is_multidimensionally_poor() -> None:
    settings = RULES.settings
    assert len(settings.dimensions) == 7
    assert {d.weight for d in settings.dimensions} == {1.0}
    assert settings.cutoff == 0.33
    out_of_school = child("THREE", age=10, school_participation="3")
    assessment = diagnose(
        [
            household("THREE", 6, out_of_school, drinking_water="6", lighting="4"),
            household("TWO", 6, drinking_water="6", lighting="4"),
            household("NONE", 6),
        ],
        [received("pkh", "NONE")],
    )

    dimensions = [f"d_{d.name}" for d in settings.dimensions]
    rows = {row["hid"]: row for row in assessment.families.iter_rows(named=True)}
    deprived = {hid: {d for d in dimensions if row[d]} for hid, row in rows.items()}
    assert deprived == {
        "THREE": {"d_water", "d_information", "d_education"},
        "TWO": {"d_water", "d_information"},
        "NONE": set(),
    }
    assert of_family(assessment, "deprivation_score") == {
        "THREE": round(3 / 7, 4),
        "TWO": round(2 / 7, 4),
        "NONE": 0.0,
    }
    assert of_family(assessment, "multidim_poor") == {"THREE": True, "TWO": False, "NONE": False}


def test_pit_latrine_is_a_sanitation_deprivation_only_in_a_kelurahan() -> None:
    assessment = diagnose(
        [
            household("DESA", 6, sewage="4"),
            household("KOTA", 6, sewage="4", area_code=KELURAHAN),
        ],
        [received("pkh", "DESA")],
    )

    assert of_family(assessment, "rural") == {"DESA": True, "KOTA": False}
    assert of_family(assessment, "d_sanitation") == {"DESA": False, "KOTA": True}


def test_blt_dd_only_in_a_desa() -> None:
    assessment = diagnose(
        [
            household("EXTREME_DESA", 1),
            household("EXTREME_KOTA", 1, area_code=KELURAHAN),
            household("POOR_WOMAN", 2, head={"sex": "P"}),
            household("POOR_MAN", 2),
        ],
        [received("blt_dd", "EXTREME_KOTA")],
    )

    assert of_family(assessment, "eligible_blt_dd") == {
        "EXTREME_DESA": True,
        "EXTREME_KOTA": False,
        "POOR_WOMAN": True,
        "POOR_MAN": False,
    }
    assert statuses(assessment, "blt_dd") == {
        "EXTREME_DESA": "exclusion",
        "EXTREME_KOTA": "inclusion",
        "POOR_WOMAN": "exclusion",
    }


def test_unassisted_is_desil_one_to_four_without_any_bansos_or_jamsos() -> None:
    assessment = diagnose(
        [
            household("NOTHING", 3),
            household("SEMBAKO", 3),
            household("MEMBER_PBI", 3, member("MEMBER_PBI", "wife", relationship="2")),
            household("RICHER", 5),
            household("UNKNOWN", None),
        ],
        [received("sembako", "SEMBAKO"), received("pbi", None, "wife")],
    )

    assert of_family(assessment, "no_assistance") == {
        "NOTHING": True,
        "SEMBAKO": False,
        "MEMBER_PBI": False,
        "RICHER": True,
        "UNKNOWN": True,
    }
    assert of_family(assessment, "unassisted") == {
        "NOTHING": True,
        "SEMBAKO": False,
        "MEMBER_PBI": False,
        "RICHER": False,
        "UNKNOWN": False,
    }


def test_follow_up_names_program_opd_blocked_documents_and_flags() -> None:
    pkh = RULES.program("pkh")
    assessment = diagnose(
        [
            household("EXCLUDED", 3, child("EXCLUDED")),
            household("NO_KK", 3, child("NO_KK"), kk=None),
            household("SERVED", 3, child("SERVED")),
            household("INCLUDED", 7, child("INCLUDED"), kk=None),
            household("ATS", 6, child("ATS", age=10, school_participation="3")),
        ],
        [received("pkh", "SERVED"), received("pkh", "INCLUDED")],
    )

    rows = follow_up(assessment, RULES)

    programs = rows.filter(pl.col("kind").is_in(["exclusion", "inclusion", "double"]))
    assert programs.sort("hid").rows() == [
        ("EXCLUDED", DESA, "exclusion", f"Layak {pkh.name} tetapi belum menerima", "pkh", pkh.opd),
        (
            "INCLUDED",
            DESA,
            "inclusion",
            f"Menerima {pkh.name} tetapi tidak memenuhi syarat: verifikasi ulang",
            "pkh",
            pkh.opd,
        ),
        (
            "NO_KK",
            DESA,
            "exclusion",
            f"Layak {pkh.name} tetapi belum menerima{BLOCKED}",
            "pkh",
            pkh.opd,
        ),
    ]
    assert pkh.opd == "Dinas Sosial"
    ats = rows.filter(pl.col("kind") == "ats")
    assert ats.select("hid", "program", "opd").rows() == [("ATS", "pip", "Dinas Pendidikan")]
    assert set(rows.filter(pl.col("kind") == "dokumen")["hid"]) == {"NO_KK", "INCLUDED"}
    assert set(rows.filter(pl.col("kind") == "belum_dibantu")["hid"]) == {"EXCLUDED", "NO_KK"}
    assert rows["hid"].to_list() == sorted(rows["hid"].to_list())


def test_a_recipient_no_registry_holds_is_unregistered_not_an_inclusion_error() -> None:
    inputs = register(
        [household("LISTED_ONLY", None), household("IN_DTSEN", 7)],
        [received("sembako", "LISTED_ONLY"), received("sembako", "IN_DTSEN")],
    )
    families = inputs.families.with_columns(
        registered=pl.when(pl.col("hid") == "IN_DTSEN").then(True)
    )
    persons, facts = base_facts(
        RegisterInputs(inputs.persons, families, inputs.receipts),
        RULES.settings,
        list_codes(RULES),
        AS_OF,
    )
    assessment = assess(persons, facts, inputs.receipts, RULES)

    assert statuses(assessment, "sembako") == {
        "LISTED_ONLY": "unregistered",
        "IN_DTSEN": "inclusion",
    }
    assert of_family(assessment, "unregistered_sembako") == {
        "LISTED_ONLY": True,
        "IN_DTSEN": False,
    }
    rows = follow_up(assessment, RULES).filter(pl.col("kind") == "unregistered")
    assert rows["hid"].to_list() == ["LISTED_ONLY"]
    assert "tidak ditemukan di registri" in rows["reason"][0]
