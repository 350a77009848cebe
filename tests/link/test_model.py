"""The padanan model's SQL: which records become candidate pairs, and the NIK edit test."""

from __future__ import annotations

import logging
import random
from datetime import date

import duckdb
import polars as pl
import pytest
import sqlglot
from splink import DuckDBAPI, Linker

from sinergi.lake.engine import from_spark, spark_session, to_spark
from sinergi.pipeline.link import run as link_run
from sinergi.pipeline.link.model import _one_edit_apart, settings


def _edits(nik: str) -> list[str]:
    """Every NIK one edit from ``nik``: each substitution, transposition, insertion, deletion."""
    found = []
    for i in range(len(nik)):
        found.append(nik[:i] + str((int(nik[i]) + 1) % 10) + nik[i + 1 :])
        found.append(nik[:i] + nik[i + 1 :])
        found.append(nik[:i] + "7" + nik[i:])
        if i + 1 < len(nik):
            found.append(nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :])
    return found


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_the_cheap_tests_keep_every_pair_one_edit_apart_and_only_those(engine: str) -> None:
    draw = random.Random(7)
    niks = ["5205014501900001", "5205010101010001", "520501450190001", "52050145019000012"]
    niks += ["".join(draw.choice("0123456789") for _ in range(16)) for _ in range(40)]
    pairs = [(a, b) for a in niks for b in _edits(a)]
    # Two edits apart (two swaps among them), and pairs of unrelated NIKs.
    pairs += [(a, c) for a in niks[:10] for b in _edits(a)[::5] for c in _edits(b)[::7]]
    pairs += [(a, a[1] + a[0] + a[2:-2] + a[-1] + a[-2]) for a in niks]
    pairs += [(a, b) for a in niks for b in niks]
    connection = duckdb.connect()
    connection.execute("CREATE TABLE pairs (nik_l VARCHAR, nik_r VARCHAR)")
    connection.executemany("INSERT INTO pairs VALUES (?, ?)", pairs)
    expected = connection.sql(
        "SELECT nik_l, nik_r, damerau_levenshtein(nik_l, nik_r) <= 1 AS one_edit FROM pairs"
    ).pl()
    one_edit = _one_edit_apart(engine)
    if engine == "duckdb":
        found = connection.sql(f"SELECT nik_l, nik_r, {one_edit} AS one_edit FROM pairs").pl()
    else:
        frame = to_spark(spark_session(), expected.select("nik_l", "nik_r"))
        found = from_spark(frame.selectExpr("nik_l", "nik_r", f"{one_edit} AS one_edit"))
    assert found.equals(expected)
    assert expected["one_edit"].sum() > len(niks) * 40  # the one-edit pairs were there to be kept


def test_splink_reads_the_spark_test_with_its_bound_and_without_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Splink passes every level through sqlglot, which takes the bound for an insertion cost.
    with caplog.at_level(logging.WARNING):
        (written,) = sqlglot.transpile(_one_edit_apart("spark"), read="spark", write="spark")
    assert written.count("LEVENSHTEIN(nik_l, nik_r, 1)") == 1
    assert written.count("LEVENSHTEIN(nik_l, nik_r, 2)") == 1
    assert not [r for r in caplog.records if r.name.startswith("sqlglot")]


def test_namesakes_of_a_village_meet_when_a_year_is_mistyped_or_a_date_unknown() -> None:
    # Five records without NIK or KK: only the name sound and the place can pair them.
    births = {
        "A": date(1990, 5, 17),
        "B": date(1991, 5, 17),  # A's year mistyped
        "C": date(1985, 2, 3),  # another namesake of the village
        "D": None,  # date unknown
        "E": date(1990, 5, 17),  # A's namesake born the same year, next village
    }
    villages = {"E": "5205012002"}
    rows = [
        {
            "unique_id": index,
            "name_norm": "SITI AMINAH",
            "name_compact": "SITIAMINAH",
            "name_phonetic": "STAMN",
            "first_token": "SITI",
            "sex": "P",
            "birth_date": born,
            "birth_year": born.year if born else None,
            "birth_md": born.strftime("%m-%d") if born else None,
            "birth_dm": born.strftime("%d-%m") if born else None,
            "village": villages.get(label, "5205012001"),
            "district": "520501",
            "rt": "1",
            "rw": "2",
            "nik_has_birth": False,
        }
        for index, (label, born) in enumerate(births.items())
    ]
    empty = ("nik", "kk", "patronym", "mother_norm", "nik_area", "nik_date", "nik_serial", "nik15")
    variants = pl.DataFrame(rows).with_columns(pl.lit(None, pl.String).alias(c) for c in empty)
    api = DuckDBAPI()
    linker = Linker(api.register(variants.to_arrow()), settings("duckdb"))
    blocked = linker.inference.compute_blocked_pairs_for_predict().as_pandas_dataframe()
    labels = list(births)
    pairs = {labels[int(left)] + labels[int(right)] for left, right in
             zip(blocked["join_key_l"], blocked["join_key_r"], strict=True)}  # fmt: skip
    assert pairs == {"AB", "AD", "BD", "CD", "AE"}


def test_accepted_pairs_of_twins_niks_go_to_review_unless_their_names_agree() -> None:
    # given: five accepted pairs; the NIKs of the first three are those of twins, the
    # last is one NIK whose 16th digit Excel turned into a 0 (0001 -> 0000)
    agree, alike = link_run._NAME_AGREES, link_run._NAME_AGREES - 1
    other, excel = link_run._NIK_EXCEL - 1, link_run._NIK_EXCEL
    scored = pl.DataFrame(
        {
            "unique_id_l": [1, 3, 5, 7, 9],
            "unique_id_r": [2, 4, 6, 8, 10],
            "gamma_nik": [other, other, other, other, excel],
            "gamma_name": [alike, alike, agree, alike, alike],
            "status": ["diterima"] * 5,
        }
    )
    niks = pl.DataFrame(
        {
            "unique_id": list(range(1, 11)),
            "nik": [
                "5205012004160777", "5205012004160778",  # one serial apart
                "5205011509150777", "5205015509150777",  # a boy and a girl
                "5205012004160777", "5205012004160778",  # names agree
                "5205012004160777", "5205012004170777",  # a typo in the year
                "5205012004160001", "5205012004160000",  # truncated by Excel
            ],
        }
    )  # fmt: skip
    # when
    held = link_run._hold_back_twins(scored, niks)
    # then
    assert held["status"].to_list() == ["ditinjau", "ditinjau", "diterima", "diterima", "diterima"]


def test_records_whose_niks_and_birth_dates_say_two_persons_are_kept_apart() -> None:
    # given: a mother (1) and a daughter (2) of one name, whose NIKs differ in the birth
    # code with each row's birth date following its NIK, and a program row (3) with only
    # that name and their KK, accepted with both
    two_persons = link_run._NIK_TWO_PERSONS[1]
    edges = pl.DataFrame(
        {
            "unique_id_l": [1, 1, 2],
            "unique_id_r": [2, 3, 3],
            "match_probability": [0.01, 0.99, 0.98],
            "gamma_nik": [two_persons, -1, -1],
            "basis": ["model"] * 3,
            "status": ["ditolak", "diterima", "diterima"],
        }
    )
    clusters = pl.DataFrame({"variant_id": [1, 2, 3], "cluster_id": ["1", "1", "1"]})
    # when
    clusters, edges = link_run._keep_apart_by_evidence(clusters, edges)
    # then: the weaker link goes to review, the pair keeps its own status and basis
    cluster = dict(clusters.select("variant_id", "cluster_id").iter_rows())
    assert cluster[1] == cluster[3] != cluster[2]
    assert edges["status"].to_list() == ["ditolak", "diterima", "ditinjau"]
    assert edges["basis"].to_list() == ["model"] * 3
