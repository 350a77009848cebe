"""Person and family facts from hand-made register rows, on a fixed reference date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import polars as pl
import pytest

from sinergi.domain import wilayah
from sinergi.pipeline.diagnose.facts import (
    FAMILY_ATTRIBUTES,
    FAMILY_INPUTS,
    PERSON_ATTRIBUTES,
    PERSON_INPUTS,
    RECEIPT_COLUMNS,
    RECEIPT_INPUTS,
    RegisterInputs,
    base_facts,
)
from sinergi.pipeline.diagnose.fields import HOUSING_TEXT
from sinergi.pipeline.diagnose.rules import load_rule_set
from sinergi.pipeline.diagnose.status import list_codes

RULES = load_rule_set()
AS_OF = date(2026, 9, 30)
DESA = "52.05.01.2007"  # O'o, a desa
KELURAHAN = "52.05.01.1001"  # Bada, a kelurahan


def born(age: int) -> date:
    """A birth date that makes a person exactly ``age`` on :data:`AS_OF`."""
    return date(AS_OF.year - age, 1, 1)


def person(pid: str, hid: str = "H1", age: int = 30, **values: Any) -> dict[str, Any]:
    """A present adult member with a NIK and nothing special, unless told otherwise."""
    row = {
        "pid": pid,
        "hid": hid,
        "nik": f"nik-{pid}",
        "sex": "L",
        "birth_date": born(age),
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


def head(pid: str, hid: str = "H1", age: int = 40, **values: Any) -> dict[str, Any]:
    return person(pid, hid, age, relationship="1", **values)


def family(hid: str = "H1", **values: Any) -> dict[str, Any]:
    """A family with a KK in a desa, desil 5 and a sound house of 100 m², unless told."""
    row = {
        "hid": hid,
        "kk": f"kk-{hid}",
        "head_pid": None,
        "area_code": DESA,
        "desil": 5,
        **dict.fromkeys(HOUSING_TEXT, "1"),
        "floor_area": 100.0,
        "member_count": None,
        "stunting_risk": False,
    }
    assert set(values) <= set(row), set(values) - set(row)
    return row | values


def receipt(program: str, hid: str | None, pid: str | None = None, **values: Any) -> dict:
    row = {
        "pid": pid,
        "hid": hid,
        "area_code": DESA,
        "program": program,
        "period": "1",
        "component": None,
        "amount": 100_000.0,
        "paid_on": date(2026, 3, 1),
        "funding_source": None,
        "file_name": f"{program}.xlsx",
        "row": 1,
    }
    assert set(values) <= set(row), set(values) - set(row)
    return row | values


def register(
    persons: Iterable[dict[str, Any]],
    families: Iterable[dict[str, Any]],
    receipts: Iterable[dict[str, Any]] = (),
) -> RegisterInputs:
    """Frames as :class:`RegisterInputs` documents them; a family's head is its member '1'."""
    persons = list(persons)
    heads = {p["hid"]: p["pid"] for p in persons if p["relationship"] == "1"}
    families = [f | {"head_pid": f["head_pid"] or heads.get(f["hid"])} for f in families]
    return RegisterInputs(
        pl.DataFrame(persons, schema=PERSON_INPUTS, orient="row"),
        pl.DataFrame(families, schema=FAMILY_INPUTS, orient="row"),
        pl.DataFrame(list(receipts), schema=RECEIPT_INPUTS, orient="row"),
    )


def facts(
    persons: Iterable[dict[str, Any]],
    families: Iterable[dict[str, Any]],
    receipts: Iterable[dict[str, Any]] = (),
) -> tuple[pl.DataFrame, pl.DataFrame]:
    inputs = register(persons, families, receipts)
    return base_facts(inputs, RULES.settings, list_codes(RULES), AS_OF)


def of_person(persons: pl.DataFrame, column: str) -> dict[str, Any]:
    return dict(zip(persons["pid"], persons[column], strict=True))


def of_family(families: pl.DataFrame, column: str) -> dict[str, Any]:
    return dict(zip(families["hid"], families[column], strict=True))


def test_helpers_fill_every_column_base_facts_reads() -> None:
    assert set(PERSON_ATTRIBUTES) < set(PERSON_INPUTS)
    assert set(FAMILY_ATTRIBUTES) < set(FAMILY_INPUTS)
    assert set(RECEIPT_COLUMNS) < set(RECEIPT_INPUTS)


def test_age_turns_on_the_birthday() -> None:
    persons, _ = facts(
        [
            head("tomorrow", birth_date=date(2000, 10, 1)),
            person("today", birth_date=date(2000, 9, 30)),
            person("yesterday", birth_date=date(2000, 9, 29)),
            person("new_year_eve", birth_date=date(2000, 12, 31)),
            person("leap_day", birth_date=date(2000, 2, 29)),
        ],
        [family()],
    )

    assert of_person(persons, "age") == {
        "tomorrow": 25,
        "today": 26,
        "yesterday": 26,
        "new_year_eve": 25,
        "leap_day": 26,
    }


def test_out_of_school_counts_only_school_ages() -> None:
    assert RULES.settings.school_ages == (7, 18)
    persons, families = facts(
        [
            head("h"),
            *(person(f"a{age}", age=age, school_participation="3") for age in (6, 7, 18, 19)),
            person("never", age=10, school_participation="1"),
            person("pupil", age=10, school_participation="2"),
            person("away", age=10, school_participation="3", presence="3"),
        ],
        [family()],
    )

    flags = of_person(persons, "out_of_school")
    assert {pid for pid, flag in flags.items() if flag} == {"a7", "a18", "never"}
    assert of_family(families, "n_ats") == {"H1": 3}


def test_member_abroad_is_a_migrant_and_not_present() -> None:
    persons, families = facts(
        [head("h"), person("abroad", presence="4"), person("new", presence="5")],
        [family()],
    )

    assert of_person(persons, "migrant_worker") == {"h": False, "abroad": True, "new": False}
    assert of_family(families, "members_present") == {"H1": 2}
    assert of_family(families, "n_migrant") == {"H1": 1}
    assert of_family(families, "member_count") == {"H1": 2}


def test_elderly_from_sixty() -> None:
    _, families = facts(
        [
            head("h59", "H59", age=59),
            head("h60", "H60", age=60),
            person("p60", "H60", age=60),
            person("p60away", "H60", age=75, presence="4"),
        ],
        [family("H59"), family("H60")],
    )

    assert of_family(families, "n_elderly") == {"H59": 0, "H60": 2}


def test_elderly_alone_needs_a_one_member_family() -> None:
    _, families = facts(
        [
            head("alone", "A", age=70),
            head("couple", "C", age=70),
            person("spouse", "C", age=68, relationship="2"),
            head("young", "Y", age=59),
            head("listed_alone", "L", age=70),
        ],
        [family("A", member_count=1), family("C"), family("Y"), family("L", member_count=3)],
    )

    assert of_family(families, "elderly_alone") == {"A": True, "C": False, "Y": False, "L": False}


def test_informal_worker_by_working_age_and_occupation() -> None:
    assert RULES.settings.working_ages == (18, 65)
    persons, families = facts(
        [
            head("h", occupation="PNS/TNI/Polri"),
            *(person(f"a{age}", age=age, occupation="  petani/pekebun ") for age in (17, 18)),
            *(person(f"a{age}", age=age, occupation="NELAYAN") for age in (65, 66)),
            person("abroad", occupation="Nelayan", presence="4"),
        ],
        [family()],
    )

    flags = of_person(persons, "informal_worker")
    assert {pid for pid, flag in flags.items() if flag} == {"a18", "a65"}
    assert of_family(families, "n_informal") == {"H1": 2}


def test_school_level_follows_the_age_of_a_student() -> None:
    ages = (6, 12, 13, 15, 16, 18, 19)
    persons, families = facts(
        [
            head("h"),
            *(person(f"s{age}", age=age, school_participation="2") for age in ages),
            person("not_student", age=10, school_participation="3"),
        ],
        [family()],
    )

    assert of_person(persons, "school_level") == {
        "h": "",
        "s6": "SD",
        "s12": "SD",
        "s13": "SMP",
        "s15": "SMP",
        "s16": "SMA",
        "s18": "SMA",
        "s19": "",
        "not_student": "",
    }
    row = families.row(0, named=True)
    assert (row["n_sd"], row["n_smp"], row["n_sma"]) == (2, 2, 2)


def test_pkh_components_are_counted_and_capped_at_four() -> None:
    _, families = facts(
        [
            head("m", "BIG", age=30, sex="P", pregnant=True),
            person("baby", "BIG", age=1),
            person("toddler", "BIG", age=6),
            person("pupil", "BIG", age=9, school_participation="2"),
            person("grandma", "BIG", age=72),
            person("uncle", "BIG", age=40, disability_level=4),
            person("cousin", "BIG", age=40, disability_level=3),
            head("f", "ONE", age=35),
            person("teen", "ONE", age=14, school_participation="2"),
            person("sister", "ONE", age=33, sex="P", pregnant=True, presence="4"),
            head("g", "NONE", age=35),
        ],
        [family("BIG"), family("ONE"), family("NONE")],
    )

    counts = ("n_pregnant", "n_age_0_6", "n_sd", "n_elderly", "n_severe_disability")
    big = families.filter(pl.col("hid") == "BIG").row(0, named=True)
    assert [big[c] for c in counts] == [1, 2, 1, 1, 1]
    assert big["n_disabled"] == 2
    assert of_family(families, "pkh_components") == {"BIG": 4, "ONE": 1, "NONE": 0}


def test_student_who_died_or_moved_is_no_pkh_component() -> None:
    # Presence 2 = meninggal, 3 = pindah (Regsosek 404): like a pregnant member or a toddler
    # who no longer lives with the family, such a student is not a PKH component.
    _, families = facts(
        [
            head("h", "H1", age=40),
            person("died", "H1", age=10, school_participation="2", presence="2"),
            person("moved", "H1", age=14, school_participation="2", presence="3"),
        ],
        [family("H1")],
    )

    row = families.row(0, named=True)
    assert (row["n_sd"], row["n_smp"], row["pkh_components"]) == (0, 0, 0)


def test_housing_classes_from_regsosek_codes_and_p3ke_labels() -> None:
    regsosek = {
        "home_ownership": "2",
        "floor": "8",
        "wall": "4",
        "roof": "6",
        "drinking_water": "6",
        "lighting": "4",
        "cooking_fuel": "7",
        "toilet": "5",
        "sewage": "4",
    }
    p3ke = {
        "home_ownership": "  milik sendiri ",
        "floor": " tanah",
        "wall": "ANYAMAN BAMBU ",
        "roof": "jerami",
        "drinking_water": "Sungai",
        "lighting": "bukan listrik",
        "cooking_fuel": "kayu bakar",
        "toilet": "  Tidak Ada  ",
        "sewage": "lubang tanah",
    }
    _, families = facts(
        [head("r", "REG"), head("p", "P3KE"), head("s", "SOUND")],
        [family("REG", **regsosek), family("P3KE", **p3ke), family("SOUND")],
    )

    classes = [c for c in RULES.settings.housing if c != "owns_house"]
    rows = {row["hid"]: row for row in families.iter_rows(named=True)}
    assert {c: rows["REG"][c] for c in classes} == dict.fromkeys(classes, True)
    assert {c: rows["P3KE"][c] for c in classes} == dict.fromkeys(classes, True)
    assert {c: rows["SOUND"][c] for c in classes} == dict.fromkeys(classes, False)
    assert of_family(families, "owns_house") == {"REG": False, "P3KE": True, "SOUND": True}


def test_floor_area_per_capita_divides_by_member_count() -> None:
    _, families = facts(
        [
            head("a", "LISTED"),
            head("b", "COUNTED"),
            *(person(f"b{i}", "COUNTED") for i in range(2)),
            head("c", "NO_AREA"),
        ],
        [
            family("LISTED", floor_area=36.0, member_count=4),
            family("COUNTED", floor_area=36.0),
            family("NO_AREA", floor_area=None),
        ],
    )

    assert of_family(families, "floor_area_per_capita") == {
        "LISTED": 9.0,
        "COUNTED": 12.0,
        "NO_AREA": None,
    }


def test_missing_documents_without_kk_or_nik_of_a_present_member() -> None:
    _, families = facts(
        [
            head("a", "NO_KK"),
            head("b", "NO_NIK"),
            person("b1", "NO_NIK", nik=None),
            head("c", "AWAY_NO_NIK"),
            person("c1", "AWAY_NO_NIK", nik=None, presence="4"),
            head("d", "COMPLETE"),
        ],
        [family("NO_KK", kk=None), family("NO_NIK"), family("AWAY_NO_NIK"), family("COMPLETE")],
    )

    assert of_family(families, "has_kk") == {
        "NO_KK": False,
        "NO_NIK": True,
        "AWAY_NO_NIK": True,
        "COMPLETE": True,
    }
    assert of_family(families, "n_no_nik") == {
        "NO_KK": 0,
        "NO_NIK": 1,
        "AWAY_NO_NIK": 0,
        "COMPLETE": 0,
    }
    assert of_family(families, "missing_documents") == {
        "NO_KK": True,
        "NO_NIK": True,
        "AWAY_NO_NIK": False,
        "COMPLETE": False,
    }


def test_rural_in_a_desa_not_in_a_kelurahan() -> None:
    assert not wilayah.is_kelurahan(DESA)
    assert wilayah.is_kelurahan(KELURAHAN)
    assert KELURAHAN in {area.code for area in wilayah.villages_of("52.05")}
    _, families = facts(
        [head("d", "D"), head("k", "K")],
        [family("D", area_code=DESA), family("K", area_code=KELURAHAN)],
    )

    assert of_family(families, "rural") == {"D": True, "K": False}


def test_receipt_flags_per_program_including_list_aliases() -> None:
    persons, families = facts(
        [head("a", "A"), person("a1", "A"), head("b", "B"), head("c", "C")],
        [family("A"), family("B"), family("C")],
        [
            receipt("bpnt", "A", "a"),
            receipt("pkh", "B"),
            receipt("zakat", "C", "c"),
        ],
    )

    assert list_codes(RULES)["bpnt"] == "sembako"
    assert of_family(families, "receives_sembako") == {"A": True, "B": False, "C": False}
    assert of_family(families, "receives_pkh") == {"A": False, "B": True, "C": False}
    assert of_person(persons, "receives_sembako") == {
        "a": True,
        "a1": False,
        "b": False,
        "c": False,
    }
    assert of_person(persons, "receives_pkh") == dict.fromkeys(("a", "a1", "b", "c"), False)
    assert "receives_bpnt" not in families.columns
    assert "receives_zakat" not in families.columns


def test_head_facts_come_from_the_head_member() -> None:
    _, families = facts(
        [head("w", "W", age=52, sex="P"), person("w1", "W", age=20), head("m", "M", age=33)],
        [family("W"), family("M")],
    )

    assert of_family(families, "head_female") == {"W": True, "M": False}
    assert of_family(families, "head_age") == {"W": 52, "M": 33}


@pytest.mark.parametrize(("desil", "extreme"), [(1, True), (2, False), (None, None)])
def test_extreme_poor_is_desil_one(desil: int | None, extreme: bool | None) -> None:
    assert RULES.settings.extreme_desil_max == 1
    _, families = facts([head("h")], [family(desil=desil)])

    assert of_family(families, "extreme_poor") == {"H1": extreme}


def test_a_child_is_one_pkh_component_early_childhood_or_sd_not_both() -> None:
    _, families = facts(
        [
            head("m", "KIDS", age=32, sex="P"),
            person("pupil6", "KIDS", age=6, school_participation="2"),  # SD pupil at 6
            person("tk5", "KIDS", age=5, school_participation="2"),  # in TK/PAUD, not SD
            person("home6", "KIDS", age=6),  # not at school: early childhood
        ],
        [family("KIDS")],
    )

    row = families.row(0, named=True)
    assert (row["n_age_0_6"], row["n_sd"]) == (2, 1)  # three children, three components
    assert row["pkh_components"] == 3
