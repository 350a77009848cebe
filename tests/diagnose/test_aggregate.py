"""Aggregate tables: desa counts, roll-ups, programs, pockets, complementarity, suppression."""

from __future__ import annotations

import dataclasses
from typing import Any

import polars as pl
import pytest

from sinergi.domain import wilayah
from sinergi.pipeline.diagnose.aggregate import (
    NONE_RECEIVED,
    TABLES,
    aggregates,
    count_columns,
    rate_numerators,
    suppress_small_counts,
)
from sinergi.pipeline.diagnose.rules import RuleSet, load_rule_set
from sinergi.pipeline.diagnose.status import STATUS_SCHEMA, Assessment

RULES = load_rule_set()
PROGRAMS = [p.id for p in RULES.programs]
DIMENSIONS = [f"d_{d.name}" for d in RULES.settings.dimensions]
LISTED = ("pip", "pkh", "sembako")

OO, KATUA, KEMPO = "52.05.01.2007", "52.05.01.2008", "52.05.02.2001"
DOMPU_DISTRICT, KEMPO_DISTRICT, REGENCY = "52.05.01", "52.05.02", "52.05"

FAMILY_SCHEMA: dict[str, Any] = {
    "hid": pl.String,
    "area_code": pl.String,
    "desil": pl.Int64,
    "extreme_poor": pl.Boolean,
    "multidim_poor": pl.Boolean,
    "deprivation_score": pl.Float64,
    **dict.fromkeys(DIMENSIONS, pl.Boolean),
    "unassisted": pl.Boolean,
    "n_ats": pl.UInt32,
    "elderly_alone": pl.Boolean,
    "head_female": pl.Boolean,
    "n_disabled": pl.UInt32,
    "n_severe_disability": pl.UInt32,
    "n_migrant": pl.UInt32,
    "missing_documents": pl.Boolean,
    "rtlh": pl.Boolean,
    "members_present": pl.UInt32,
    **{
        f"{kind}_{p}": pl.Boolean
        for p in PROGRAMS
        for kind in ("eligible", "receives", "exclusion", "inclusion", "unregistered", "double")
    },
}
_DEFAULTS: dict[str, Any] = {
    name: False if dtype == pl.Boolean else 0 for name, dtype in FAMILY_SCHEMA.items()
} | {"desil": 5, "deprivation_score": 0.0, "members_present": 1}


def family(hid: str, area: str, **values: Any) -> dict[str, Any]:
    """One family row: every column the aggregates read, defaults unless given."""
    unknown = set(values) - set(FAMILY_SCHEMA)
    assert not unknown, unknown
    return _DEFAULTS | {"hid": hid, "area_code": area} | values


def families_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FAMILY_SCHEMA, orient="row")


def persons_frame(rows: list[dict[str, Any]]) -> pl.DataFrame:
    person_programs = [p.id for p in RULES.programs if p.level == "person"]
    schema = {"pid": pl.String, "hid": pl.String} | dict.fromkeys(
        (f"eligible_{p}" for p in person_programs), pl.Boolean
    )
    defaults = {f"eligible_{p}": False for p in person_programs}
    return pl.DataFrame([defaults | row for row in rows], schema=schema, orient="row")


def status(
    program: str,
    hid: str,
    area: str,
    eligible: bool,
    received: bool,
    *,
    pid: str | None = None,
    double: bool = False,
) -> tuple[Any, ...]:
    kind = "served" if eligible and received else "exclusion" if eligible else "inclusion"
    level = "person" if pid else "family"
    return (program, level, hid, pid, area, eligible, received, kind, double)


def regency() -> Assessment:
    """Three desa: O'o and Katua in kecamatan Dompu, Kempo in kecamatan Kempo."""
    families = families_frame(
        [
            family(
                "a1",
                OO,
                desil=1,
                extreme_poor=True,
                multidim_poor=True,
                deprivation_score=0.5,
                d_food=True,
                d_water=True,
                members_present=4,
                n_ats=1,
                head_female=True,
                eligible_pkh=True,
                receives_pkh=True,
                eligible_sembako=True,
                receives_sembako=True,
                eligible_pip=True,
                receives_pip=True,
                eligible_beras=True,
            ),
            family(
                "a2",
                OO,
                desil=1,
                extreme_poor=True,
                multidim_poor=True,
                deprivation_score=0.4,
                d_food=True,
                members_present=3,
                unassisted=True,
                n_disabled=1,
                n_severe_disability=1,
                missing_documents=True,
                eligible_pkh=True,
                exclusion_pkh=True,
                eligible_sembako=True,
                exclusion_sembako=True,
                eligible_pip=True,
                exclusion_pip=True,
                eligible_beras=True,
            ),
            family(
                "a3",
                OO,
                desil=3,
                deprivation_score=0.1,
                members_present=2,
                elderly_alone=True,
                rtlh=True,
                receives_sembako=True,
                inclusion_sembako=True,
                double_sembako=True,
            ),
            family("a4", OO, desil=8, n_migrant=1),
            family(
                "b1",
                KATUA,
                desil=1,
                extreme_poor=True,
                multidim_poor=True,
                deprivation_score=0.6,
                d_water=True,
                members_present=5,
                n_ats=2,
                rtlh=True,
                eligible_pkh=True,
                receives_pkh=True,
            ),
            family("b2", KATUA, desil=6, members_present=2, n_disabled=2),
            family("b3", KATUA, desil=7),
            family(
                "c1",
                KEMPO,
                desil=2,
                unassisted=True,
                deprivation_score=0.2,
                members_present=3,
                receives_pip=True,
                inclusion_pip=True,
                eligible_beras=True,
            ),
            family("c2", KEMPO, desil=None, extreme_poor=None),
            family(
                "c3",
                KEMPO,
                desil=1,
                extreme_poor=True,
                unassisted=True,
                deprivation_score=0.3,
                members_present=2,
            ),
        ]
    )
    persons = persons_frame(
        [
            {"pid": "a1-1", "hid": "a1", "eligible_pip": True, "eligible_pbi": True},
            {"pid": "a1-2", "hid": "a1", "eligible_pip": True, "eligible_pbi": True},
            {"pid": "a2-1", "hid": "a2", "eligible_pip": True, "eligible_pbi": True},
            {"pid": "c1-1", "hid": "c1", "eligible_pbi": True},
            {"pid": "c1-2", "hid": "c1"},
        ]
    )
    statuses = pl.DataFrame(
        [
            status("pkh", "a1", OO, True, True),
            status("pkh", "a2", OO, True, False),
            status("pkh", "b1", KATUA, True, True),
            status("sembako", "a1", OO, True, True),
            status("sembako", "a2", OO, True, False),
            status("sembako", "a3", OO, False, True, double=True),
            status("pip", "a1", OO, True, True, pid="a1-1"),
            status("pip", "a1", OO, True, True, pid="a1-2"),
            status("pip", "a2", OO, True, False, pid="a2-1"),
            status("pip", "c1", KEMPO, False, True, pid="c1-1"),
        ],
        schema=STATUS_SCHEMA,
        orient="row",
    )
    return Assessment(families, persons, statuses, LISTED)


@pytest.fixture(scope="module")
def tables() -> dict[str, pl.DataFrame]:
    return aggregates(regency(), RULES)


def area(tables: dict[str, pl.DataFrame], code: str) -> dict[str, Any]:
    return tables["areas"].filter(pl.col("area_code") == code).row(0, named=True)


def test_fixture_codes_are_real_dompu_areas() -> None:
    for code in (OO, KATUA, KEMPO, DOMPU_DISTRICT, KEMPO_DISTRICT, REGENCY):
        assert wilayah.find(code) is not None, code


def test_every_table_is_returned(tables: dict[str, pl.DataFrame]) -> None:
    assert tuple(tables) == TABLES


def test_desa_counts(tables: dict[str, pl.DataFrame]) -> None:
    oo = area(tables, OO)
    assert oo["level"] == "desa"
    assert oo["area_name"] == "O'o"
    assert oo["parent_code"] == DOMPU_DISTRICT
    expected = {
        "families": 4,
        "persons": 10,
        "extreme_poor": 2,
        "extreme_poor_share": 0.5,
        "multidim_poor": 2,
        "d_food": 2,
        "d_water": 1,
        "d_housing": 0,
        "unassisted": 1,
        "ats_children": 1,
        "elderly_alone": 1,
        "female_head": 1,
        "disabled_families": 1,
        "severe_disability_families": 1,
        "migrant_families": 1,
        "missing_documents": 1,
        "rtlh": 1,
        "eligible_pkh": 2,
        "served_pkh": 1,
        "exclusion_pkh": 1,
        "inclusion_pkh": 0,
        "coverage_pkh": 0.5,
        "eligible_sembako": 2,
        "served_sembako": 1,
        "inclusion_sembako": 1,
        "double_sembako": 1,
        "eligible_pip": 2,
        "served_pip": 1,
        "exclusion_pip": 1,
    }
    assert {k: oo[k] for k in expected} == expected
    assert oo["deprivation_mean"] == pytest.approx(0.25)

    katua = area(tables, KATUA)
    assert (katua["families"], katua["persons"], katua["disabled_families"]) == (3, 8, 1)
    assert katua["coverage_pkh"] == 1.0
    assert katua["eligible_sembako"] == 0
    assert katua["coverage_sembako"] is None

    kempo = area(tables, KEMPO)
    # c2 has no desil: a family, but not extreme poor.
    assert (kempo["families"], kempo["extreme_poor"], kempo["unassisted"]) == (3, 1, 2)
    assert (kempo["inclusion_pip"], kempo["eligible_pip"], kempo["coverage_pip"]) == (1, 0, None)


def test_program_columns_cover_listed_programs_only(tables: dict[str, pl.DataFrame]) -> None:
    columns = tables["areas"].columns
    assert {f"coverage_{p}" for p in LISTED} <= set(columns)
    assert "eligible_beras" not in columns
    assert "served_rtlh" not in columns


def test_levels_and_parents(tables: dict[str, pl.DataFrame]) -> None:
    levels = dict(tables["areas"].select("area_code", "level").iter_rows())
    assert levels == {
        REGENCY: "kabupaten",
        DOMPU_DISTRICT: "kecamatan",
        KEMPO_DISTRICT: "kecamatan",
        OO: "desa",
        KATUA: "desa",
        KEMPO: "desa",
    }
    assert area(tables, KEMPO_DISTRICT)["parent_code"] == REGENCY
    assert area(tables, REGENCY)["parent_code"] == "52"
    assert area(tables, DOMPU_DISTRICT)["area_name"] == "Dompu"


@pytest.mark.parametrize(
    ("level", "parent_of"),
    [
        ("kecamatan", pl.col("area_code").str.slice(0, 8)),
        ("kabupaten", pl.col("area_code").str.slice(0, 5)),
    ],
)
def test_higher_levels_are_sums_of_their_desa(
    tables: dict[str, pl.DataFrame], level: str, parent_of: pl.Expr
) -> None:
    areas = tables["areas"]
    counts = count_columns("areas", areas)
    assert {"families", "d_food", "served_pip", "double_sembako"} <= set(counts)
    summed = (
        areas.filter(pl.col("level") == "desa")
        .group_by(parent_of.alias("area_code"))
        .agg(pl.col(counts).sum())
        .sort("area_code")
    )
    rolled = areas.filter(pl.col("level") == level).select("area_code", *counts).sort("area_code")
    assert rolled.height == summed.height > 0
    assert rolled.to_dicts() == summed.to_dicts()


def test_shares_are_recomputed_from_sums_not_averaged(tables: dict[str, pl.DataFrame]) -> None:
    district = area(tables, DOMPU_DISTRICT)
    # Desa shares 2/4 and 1/3 average to 0.4167; the kecamatan has 3 of 7.
    assert district["extreme_poor_share"] == pytest.approx(3 / 7)
    assert district["multidim_poor_share"] == pytest.approx(3 / 7)
    assert district["deprivation_mean"] == pytest.approx(1.6 / 7)
    assert district["coverage_pkh"] == pytest.approx(2 / 3)
    whole = area(tables, REGENCY)
    assert (whole["families"], whole["persons"], whole["extreme_poor"]) == (10, 24, 4)
    assert whole["extreme_poor_share"] == pytest.approx(0.4)
    assert whole["deprivation_mean"] == pytest.approx(0.21)


def test_programs_reconcile_with_statuses(tables: dict[str, pl.DataFrame]) -> None:
    programs = tables["programs"]
    assert programs["program"].to_list() == PROGRAMS
    statuses = regency().statuses
    for program in LISTED:
        row = programs.filter(pl.col("program") == program).row(0, named=True)
        own = statuses.filter(pl.col("program") == program)
        assert row["listed"] is True
        assert row["eligible"] == own["eligible"].sum()
        assert row["received"] == own["received"].sum()
        for kind in ("served", "exclusion", "inclusion"):
            assert row[kind] == (own["status"] == kind).sum(), (program, kind)
        assert row["double"] == own["double"].sum()

    pip = programs.filter(pl.col("program") == "pip").row(0, named=True)
    # Persons, not families: three eligible pupils in two families.
    assert (pip["unit"], pip["eligible"], pip["served"], pip["inclusion"]) == ("individu", 3, 2, 1)
    assert pip["coverage"] == pytest.approx(2 / 3)
    assert pip["inclusion_rate"] == pytest.approx(1 / 3)
    sembako = programs.filter(pl.col("program") == "sembako").row(0, named=True)
    assert (sembako["unit"], sembako["double"], sembako["inclusion_rate"]) == ("keluarga", 1, 0.5)


def test_unlisted_programs_have_eligibility_only(tables: dict[str, pl.DataFrame]) -> None:
    programs = tables["programs"]
    beras = programs.filter(pl.col("program") == "beras").row(0, named=True)
    assert (beras["listed"], beras["eligible"], beras["level"]) == (False, 3, "family")
    pbi = programs.filter(pl.col("program") == "pbi").row(0, named=True)
    assert (pbi["eligible"], pbi["unit"]) == (4, "individu")
    for row in (beras, pbi):
        for column in ("received", "served", "exclusion", "inclusion", "double", "coverage"):
            assert row[column] is None, column


def pocket_assessment(desa: dict[str, dict[str, int]]) -> Assessment:
    """Families per desa: ``extreme`` desil-1 families, ``assisted`` desil-3 families that
    receive something, ``unassisted`` desil-3 families that don't, ``rich`` desil-9."""
    rows = []
    for code, counts in desa.items():
        kinds = (
            ("extreme", {"desil": 1, "extreme_poor": True, "deprivation_score": 0.6}),
            ("assisted", {"desil": 3, "deprivation_score": 0.2}),
            ("unassisted", {"desil": 3, "unassisted": True, "deprivation_score": 0.2}),
            ("rich", {"desil": 9}),
        )
        for kind, values in kinds:
            rows += [family(f"{code}-{kind}-{i}", code, **values) for i in range(counts[kind])]
    return Assessment(families_frame(rows), persons_frame([]), regency().statuses.clear(), ())


def with_weights(**weights: float) -> RuleSet:
    settings = dataclasses.replace(RULES.settings, pocket_weights=weights)
    return dataclasses.replace(RULES, settings=settings)


def test_the_worst_desa_is_the_first_pocket() -> None:
    assessment = pocket_assessment(
        {
            OO: {"extreme": 1, "assisted": 2, "unassisted": 0, "rich": 7},
            KATUA: {"extreme": 6, "assisted": 0, "unassisted": 3, "rich": 1},
            KEMPO: {"extreme": 2, "assisted": 2, "unassisted": 1, "rich": 5},
        }
    )
    pockets = aggregates(assessment, RULES)["pockets"]
    assert pockets["area_code"].to_list() == [KATUA, KEMPO, OO]
    assert pockets["rank"].to_list() == [1, 2, 3]
    worst = pockets.row(0, named=True)
    assert worst["composite"] == pytest.approx(1.0)
    assert (worst["area_name"], worst["district_name"]) == ("Katua", "Dompu")
    assert worst["unserved_share"] == pytest.approx(1 / 3)
    assert pockets.row(2, named=True)["composite"] == pytest.approx(0.0)


def test_pocket_weights_change_the_order() -> None:
    # O'o has the most extreme poor, Kempo the most poor families left unserved.
    assessment = pocket_assessment(
        {
            OO: {"extreme": 5, "assisted": 4, "unassisted": 0, "rich": 1},
            KATUA: {"extreme": 2, "assisted": 2, "unassisted": 1, "rich": 5},
            KEMPO: {"extreme": 1, "assisted": 0, "unassisted": 4, "rich": 5},
        }
    )
    by_extreme = aggregates(assessment, with_weights(extreme_share=1.0))["pockets"]
    by_unserved = aggregates(assessment, with_weights(unserved_share=1.0))["pockets"]
    assert by_extreme["area_code"].to_list() == [OO, KATUA, KEMPO]
    assert by_unserved["area_code"].to_list() == [KEMPO, KATUA, OO]
    # Weights are scaled to sum to 1, so only their ratio matters.
    doubled = aggregates(assessment, with_weights(extreme_share=2.0))["pockets"]
    assert doubled["composite"].to_list() == by_extreme["composite"].to_list() == [1.0, 0.5, 0.0]


def test_pocket_percentiles_average_ties_and_rank_nulls_lowest() -> None:
    assessment = pocket_assessment(
        {
            OO: {"extreme": 1, "assisted": 1, "unassisted": 1, "rich": 1},
            KATUA: {"extreme": 2, "assisted": 0, "unassisted": 2, "rich": 0},
            # No family in desil 1-4, so no unserved_share.
            KEMPO: {"extreme": 0, "assisted": 0, "unassisted": 0, "rich": 4},
        }
    )
    extreme = aggregates(assessment, with_weights(extreme_share=1.0))["pockets"]
    assert dict(extreme.select("area_code", "composite").iter_rows()) == {
        KATUA: 1.0,
        OO: 0.5,
        KEMPO: 0.0,
    }
    unserved = aggregates(assessment, with_weights(unserved_share=1.0))["pockets"]
    shares = dict(unserved.select("area_code", "unserved_share").iter_rows())
    assert shares[KEMPO] is None
    assert shares[OO] == pytest.approx(1 / 3)
    assert dict(unserved.select("area_code", "composite").iter_rows()) == {
        KATUA: 1.0,
        OO: 0.5,
        KEMPO: 0.0,
    }
    tied = pocket_assessment(
        {
            OO: {"extreme": 1, "assisted": 0, "unassisted": 0, "rich": 1},
            KATUA: {"extreme": 2, "assisted": 0, "unassisted": 0, "rich": 2},
            KEMPO: {"extreme": 0, "assisted": 0, "unassisted": 0, "rich": 2},
        }
    )
    pockets = aggregates(tied, with_weights(extreme_share=1.0))["pockets"]
    assert dict(pockets.select("area_code", "composite").iter_rows()) == {
        OO: 0.75,
        KATUA: 0.75,
        KEMPO: 0.0,
    }
    assert dict(pockets.select("area_code", "rank").iter_rows()) == {OO: 1, KATUA: 1, KEMPO: 3}


def test_complementarity_of_extreme_poor_families(tables: dict[str, pl.DataFrame]) -> None:
    names = {p.id: p.name for p in RULES.programs}
    table = tables["complementarity"]
    assert table.rows() == [
        (NONE_RECEIVED, 2, 0.5),
        (" + ".join(names[p] for p in ("pip", "pkh", "sembako")), 1, 0.25),
        (names["pkh"], 1, 0.25),
    ]
    assert table["share"].sum() == pytest.approx(1.0)


def test_complementarity_keeps_the_none_row_at_zero() -> None:
    families = families_frame(
        [
            family("x", OO, desil=1, extreme_poor=True, receives_pkh=True),
            family("y", OO, desil=1, extreme_poor=False),
        ]
    )
    assessment = Assessment(families, persons_frame([]), regency().statuses.clear(), ("pkh",))
    table = aggregates(assessment, RULES)["complementarity"]
    assert dict(table.select("combination", "families").iter_rows()) == {
        RULES.program("pkh").name: 1,
        NONE_RECEIVED: 0,
    }


def test_complementarity_matrix(tables: dict[str, pl.DataFrame]) -> None:
    matrix = tables["complementarity_matrix"]
    assert matrix.columns == ["program", *LISTED]
    assert matrix["program"].to_list() == list(LISTED)
    values = matrix.drop("program").to_numpy()
    assert (values == values.T).all()
    assert values.diagonal().tolist() == [1, 2, 1]  # pip: a1; pkh: a1, b1; sembako: a1
    assert matrix.filter(pl.col("program") == "pkh")["sembako"].item() == 1
    assert count_columns("complementarity_matrix", matrix) == list(LISTED)


def test_suppression_hides_small_counts_and_their_rates() -> None:
    frame = pl.DataFrame(
        {
            "n": [0, 1, 4, 5, 12],
            "m": [3, 3, 3, 3, 3],
            "rate": [0.0, 0.1, 0.2, 0.3, 0.4],
            "other": [0.5] * 5,
        }
    )
    hidden = suppress_small_counts(frame, 5, ["n"], {"rate": "n"})
    assert hidden["n"].to_list() == [0, None, None, 5, 12]
    assert hidden["rate"].to_list() == [0.0, None, None, 0.3, 0.4]
    assert hidden["m"].to_list() == [3] * 5  # not named as a count
    assert hidden["other"].to_list() == [0.5] * 5
    assert hidden["n"].dtype == frame["n"].dtype
    assert suppress_small_counts(frame, 1, ["n", "m"], {"rate": "n"}).equals(frame)


def test_suppression_of_aggregate_tables(tables: dict[str, pl.DataFrame]) -> None:
    areas = tables["areas"]
    rates = rate_numerators("areas", areas)
    assert rates["coverage_pkh"] == "served_pkh"
    assert rates["extreme_poor_share"] == "extreme_poor"
    hidden = suppress_small_counts(areas, 3, count_columns("areas", areas), rates)
    oo = hidden.filter(pl.col("area_code") == OO).row(0, named=True)
    assert (oo["families"], oo["extreme_poor"], oo["extreme_poor_share"]) == (4, None, None)
    assert (oo["served_pkh"], oo["coverage_pkh"], oo["inclusion_pkh"]) == (None, None, 0)
    assert oo["area_name"] == "O'o"
    whole = hidden.filter(pl.col("area_code") == REGENCY).row(0, named=True)
    assert (whole["extreme_poor"], whole["extreme_poor_share"]) == (4, pytest.approx(0.4))

    programs = tables["programs"]
    assert rate_numerators("programs", programs) == {
        "coverage": "served",
        "inclusion_rate": "inclusion",
    }
    assert count_columns("pockets", tables["pockets"]) == ["families", "extreme_poor", "unassisted"]
    with pytest.raises(ValueError, match="no aggregate table"):
        count_columns("desa", areas)
