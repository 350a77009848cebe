"""Stable person ids across runs, and the values a person shows when sources disagree."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import polars as pl

from sinergi.lake.home import DataHome
from sinergi.pipeline.link import decisions
from sinergi.pipeline.link.identities import assign_families, assign_ids, best_values

KK_A = "5205011701100002"
KK_B = "5205011701100003"


def _membership(groups: dict[str, list[str]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(key, cluster) for cluster, keys in groups.items() for key in keys],
        schema={"record_key": pl.String, "cluster_id": pl.String},
        orient="row",
    )


def _ids(membership: pl.DataFrame, previous: pl.DataFrame) -> dict[str, str]:
    chosen = assign_ids(membership, previous, prefix="P")
    joined = membership.join(chosen, on="cluster_id")
    return dict(zip(joined["record_key"], joined["pid"], strict=True))


def test_a_first_run_gives_the_same_ids_for_the_same_records() -> None:
    groups = {"1": ["dtsen:a", "pkh:b"], "2": ["dtsen:c"]}
    first = _ids(_membership(groups), pl.DataFrame())
    again = _ids(_membership({"x": ["dtsen:c"], "y": ["pkh:b", "dtsen:a"]}), pl.DataFrame())
    assert first == again
    assert first["dtsen:a"] == first["pkh:b"] != first["dtsen:c"]
    assert all(pid.startswith("P") and len(pid) == 13 for pid in first.values())


def test_ids_follow_the_majority_of_records_when_clusters_split_or_merge() -> None:
    before = _ids(_membership({"1": ["a", "b", "c"], "2": ["d"]}), pl.DataFrame())
    previous = pl.DataFrame({"record_key": list(before), "pid": list(before.values())})
    # a, b stay together and keep the id; c leaves; d joins the big cluster.
    after = _ids(_membership({"9": ["a", "b", "d"], "8": ["c"]}), previous)
    assert after["a"] == after["b"] == after["d"] == before["a"]
    assert after["c"] not in (before["a"], before["d"])
    # An id is never given to two clusters.
    assert len(set(after.values())) == 2


def test_best_values_prefer_the_most_trusted_source_and_the_most_common_valid_nik() -> None:
    records = pl.DataFrame(
        {
            "record_key": ["pkh:1", "dtsen:1", "dtks:1", "sembako:1"],
            "pid": ["P1"] * 4,
            "source": ["pkh", "dtsen", "dtks", "sembako"],
            "nik_valid": ["5205010101800002", "5205010101800001", "5205010101800001", None],
            "kk": [None, "5205010101100001", None, None],
            "name": ["AHMAD", "Ahmad Fauzi", "Achmad Fauzi", "A. Fauzi"],
            "sex": [None, "L", "L", None],
            "birth_date": [None, date(1980, 1, 1), date(1980, 1, 1), None],
            "mother_name": [None, None, "Siti", None],
            "area_code": ["52.05.01.2001"] * 4,
            "rt": [None, "1", "1", None],
            "rw": [None, "2", "2", None],
            "address": [None] * 4,
            "relationship": [None, "1", "1", None],
        }
    )
    person = best_values(records).row(0, named=True)
    assert person["nik"] == "5205010101800001"
    assert person["nik_count"] == 2
    assert person["name"] == "Ahmad Fauzi"
    assert person["mother_name"] == "Siti"
    assert person["sources"] == ["dtks", "dtsen", "pkh", "sembako"]
    assert person["records"] == 4


def test_a_family_keeps_the_registry_kk_when_most_records_have_none() -> None:
    # P3KE files carry a family id but no KK column; DTSEN carries both.
    records = pl.DataFrame(
        {
            "record_key": ["dtsen:1", "p3ke_individu:1", "p3ke_keluarga:1", "dtsen:2"],
            "pid": ["P1", "P1", "P1", "P2"],
            "source": ["dtsen", "p3ke_individu", "p3ke_keluarga", "dtsen"],
            "kk": ["5205011701100002", None, None, None],
            "family_id": ["F9", "I5", "K5", "F9"],
        }
    )
    persons = pl.DataFrame(
        {
            "pid": ["P1", "P2"],
            "kk": [None, None],
            "relationship": ["1", "3"],
            "area_code": ["52.05.01.2001"] * 2,
        }
    )
    families = assign_families(records, persons, previous=None)["families"]
    assert families.height == 1
    assert families.row(0, named=True)["kk"] == "5205011701100002"
    assert families.row(0, named=True)["members"] == 2


def test_one_wrongly_merged_person_does_not_glue_two_households() -> None:
    # P9 holds one record of each household: its KK says household A, its DTSEN family B.
    records = pl.DataFrame(
        {
            "record_key": ["dtsen:a1", "dtsen:a2", "dtsen:b1", "dtsen:b2", "pkh:x", "dtsen:x"],
            "pid": ["PA1", "PA2", "PB1", "PB2", "P9", "P9"],
            "source": ["dtsen", "dtsen", "dtsen", "dtsen", "pkh", "dtsen"],
            "kk": [KK_A, KK_A, KK_B, KK_B, KK_A, None],
            "family_id": ["A", "A", "B", "B", None, "B"],
        }
    )
    persons = pl.DataFrame(
        {
            "pid": ["PA1", "PA2", "PB1", "PB2", "P9"],
            "kk": [None] * 5,
            "relationship": ["1", "2", "1", "2", "3"],
            "area_code": ["52.05.01.2001"] * 5,
        }
    )
    membership = assign_families(records, persons, previous=None)["membership"]
    family = dict(zip(membership["pid"], membership["hid"], strict=True))
    assert family["PA1"] == family["PA2"] != family["PB1"] == family["PB2"] == family["P9"]


def test_a_member_whose_p3ke_row_found_no_match_joins_the_dtsen_family() -> None:
    records = pl.DataFrame(
        {
            "record_key": ["dtsen:1", "p3ke:1", "dtsen:2", "p3ke:2", "p3ke:3"],
            "pid": ["P1", "P1", "P2", "P2", "P2bis"],
            "source": ["dtsen", "p3ke_individu", "dtsen", "p3ke_individu", "p3ke_individu"],
            "kk": [KK_A, None, KK_A, None, None],
            "family_id": ["D7", "K3", "D7", "K3", "K3"],
        }
    )
    persons = pl.DataFrame(
        {
            "pid": ["P1", "P2", "P2bis"],
            "kk": [None] * 3,
            "relationship": ["1", "3", "3"],
            "area_code": ["52.05.01.2001"] * 3,
        }
    )
    families = assign_families(records, persons, previous=None)["families"]
    assert families.height == 1
    assert families.row(0, named=True)["members"] == 3


def test_records_decided_apart_are_split_even_when_a_third_links_both() -> None:
    # given: 1-2 and 2-3 accepted, so 1, 2 and 3 are one cluster; a reviewer said 1 and 3 differ
    clusters = pl.DataFrame({"variant_id": [1, 2, 3, 4], "cluster_id": ["c", "c", "c", "d"]})
    edges = pl.DataFrame(
        {
            "unique_id_l": [1, 2, 1],
            "unique_id_r": [2, 3, 3],
            "match_probability": [0.999, 0.98, None],
            "basis": ["model", "model", "keputusan"],
            "status": ["diterima", "diterima", "ditolak"],
        }
    )
    # when
    split, held = decisions.keep_apart(clusters, edges)
    # then: the weaker link gives way and waits for a person
    of = dict(split.select("variant_id", "cluster_id").iter_rows())
    assert of[1] == of[2] != of[3] and of[4] == "d"
    assert held["status"].to_list() == ["diterima", "ditinjau", "ditolak"]


def test_clusters_without_a_clash_are_left_as_they_are() -> None:
    clusters = pl.DataFrame({"variant_id": [1, 2], "cluster_id": ["c", "c"]})
    edges = pl.DataFrame(
        {
            "unique_id_l": [1],
            "unique_id_r": [2],
            "match_probability": [0.99],
            "basis": ["model"],
            "status": ["diterima"],
        }
    )
    kept, same = decisions.keep_apart(clusters, edges)
    assert kept is clusters and same is edges


def test_decisions_taken_at_the_same_time_are_all_kept(tmp_path: Path) -> None:
    # given: eight reviewers, each storing five decisions one by one, all at once
    home = DataHome(tmp_path)

    def review(reviewer: int) -> None:
        for pair in range(5):
            decisions.record(home, f"a{reviewer}", f"b{pair}", "beda", user=f"r{reviewer}")

    # when
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(review, range(8)))
    # then
    assert decisions.load(home).height == 40
