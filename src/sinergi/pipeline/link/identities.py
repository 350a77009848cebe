"""Stable person and family ids, best values per person, and families from KK and co-residence.

A ``pid`` (or ``hid``) survives re-runs: a new cluster takes the id that most of
its records had in the previous run; when a cluster splits, the larger part
keeps the id and the rest get new ones. A new id is derived from the cluster's
smallest record key, so a first run on the same data gives the same ids.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Iterable

import polars as pl

from sinergi.pipeline.link.records import IDENTITY_FIELDS

__all__ = ["SOURCE_PRIORITY", "assign_families", "assign_ids", "best_values", "component_of"]

# Which source's value a person shows when sources disagree: the newest full
# registry first, program lists last (they carry the fewest checked fields).
SOURCE_PRIORITY = {
    "dtsen": 0,
    "regsosek2022": 1,
    "p3ke_individu": 2,
    "p3ke_keluarga": 3,
    "dtks": 4,
}
_LAST = len(SOURCE_PRIORITY)
# The fields a person shows; the NIK is voted on separately (`best_values`).
_BEST = (*(f for f in IDENTITY_FIELDS if f != "nik"), "address", "relationship")


def component_of(edges: Iterable[tuple[Hashable, Hashable]]) -> Callable[[Hashable], Hashable]:
    """Union–find over ``edges``: the function that names each node's connected component.

    A node that is in no edge is its own component.

    >>> find = component_of([(1, 2), (2, 3), (7, 8)])
    >>> find(3) == find(1), find(7) == find(1), find(9)
    (True, False, 9)
    """
    parent: dict[Hashable, Hashable] = {}

    def find(node: Hashable) -> Hashable:
        root = node
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(node, node) != root:  # shorten the path for the next look-up
            parent[node], node = root, parent[node]
        return root

    for left, right in edges:
        a, b = find(left), find(right)
        if a != b:
            parent[a] = b
    return find


def assign_ids(
    membership: pl.DataFrame,
    previous: pl.DataFrame,
    *,
    prefix: str,
    key: str = "record_key",
    taken: set[str] | None = None,
) -> pl.DataFrame:
    """One id per ``cluster_id`` of ``membership`` (columns ``key``, ``cluster_id``).

    ``previous`` holds ``key`` and the id column (``pid`` or ``hid``) of the last run.
    ``taken`` holds ids already given (to other partitions of the same run); the
    ids given here are added to it.
    """
    id_column = "pid" if prefix == "P" else "hid"
    clusters = membership.group_by("cluster_id").agg(
        pl.len().alias("size"), pl.col(key).min().alias("first_key")
    )
    votes = pl.DataFrame(schema={"cluster_id": pl.String, id_column: pl.String, "votes": pl.UInt32})
    if not previous.is_empty():
        votes = (
            membership.join(previous.select(key, id_column), on=key, how="inner")
            .group_by("cluster_id", id_column)
            .agg(pl.len().alias("votes"))
        )
    # Larger clusters choose first, each its most-voted free id; on a tie the
    # cluster whose first record key sorts first keeps the id (a registry's key
    # sorts before a program list's, so the registry side of a split keeps it).
    candidates = (
        votes.join(clusters, on="cluster_id")
        .sort(["size", "votes", "first_key", id_column], descending=[True, True, False, False])
        .select("cluster_id", id_column)
    )
    chosen: dict[str, str] = {}
    taken = set() if taken is None else taken
    for cluster_id, old_id in candidates.iter_rows():
        if cluster_id not in chosen and old_id not in taken:
            chosen[cluster_id] = old_id
            taken.add(old_id)
    for cluster_id, first_key in (
        clusters.sort("first_key").select("cluster_id", "first_key").iter_rows()
    ):
        if cluster_id not in chosen:
            chosen[cluster_id] = _new_id(prefix, first_key, taken)
            taken.add(chosen[cluster_id])
    return pl.DataFrame(
        {"cluster_id": list(chosen), id_column: list(chosen.values())},
        schema={"cluster_id": pl.String, id_column: pl.String},
    )


def _new_id(prefix: str, seed: str, taken: set[str]) -> str:
    salt = 0
    while True:
        digest = hashlib.blake2b(f"{seed}#{salt}".encode(), digest_size=6).hexdigest().upper()
        candidate = f"{prefix}{digest}"
        if candidate not in taken:
            return candidate
        salt += 1


def _ranked(records: pl.DataFrame) -> pl.DataFrame:
    return records.with_columns(
        pl.col("source").replace_strict(SOURCE_PRIORITY, default=_LAST).alias("_priority")
    ).sort("pid", "_priority", "record_key")


def best_values(records: pl.DataFrame) -> pl.DataFrame:
    """One row per person: the value of each field from the most trusted source that has one.

    The NIK is the one most records agree on among NIKs import found valid;
    ``nik_count`` > 1 flags a person whose records carry different valid NIKs.
    """
    ranked = _ranked(records)
    nik_votes = (
        ranked.filter(pl.col("nik_valid").is_not_null())
        .group_by("pid", "nik_valid")
        .agg(pl.len().alias("n"), pl.col("_priority").min().alias("p"))
        .sort(["pid", "n", "p"], descending=[False, True, False])
        .group_by("pid", maintain_order=True)
        .agg(pl.col("nik_valid").first().alias("nik"), pl.len().alias("nik_count"))
    )
    persons = ranked.group_by("pid", maintain_order=True).agg(
        *[pl.col(c).drop_nulls().first() for c in _BEST],
        pl.col("source").unique().sort().alias("sources"),
        pl.len().alias("records"),
    )
    return (
        persons.join(nik_votes, on="pid", how="left")
        .with_columns(pl.col("nik_count").fill_null(0))
        .select("pid", "nik", "nik_count", pl.exclude("pid", "nik", "nik_count"))
        .sort("pid")
    )


def assign_families(
    records: pl.DataFrame,
    persons: pl.DataFrame,
    *,
    previous: pl.DataFrame | None,
    taken: set[str] | None = None,
) -> dict[str, pl.DataFrame]:
    """Families: persons joined by their KK and by the family their registry put them in.

    Each person takes one KK (the most common among their records, the most
    trusted source breaking ties) and one source family (``source`` +
    ``family_id`` of its most trusted record that has one). A person joins its
    source family, or its KK when it has none; a source family joins the KK
    most of its members carry, and the family most of its members belong to.
    A person with neither is a family of one.

    Returns ``families`` (``hid``, ``kk``, ``head_pid``, ``members``,
    ``area_code``) and ``membership`` (``pid``, ``hid``).
    """
    ranked = _ranked(records).with_columns(
        pl.when(pl.col("family_id").is_not_null())
        .then(pl.concat_str("source", pl.lit(":"), "family_id"))
        .alias("family_ref")
    )
    # Lists without a KK column must not outvote the registry that has one.
    kk = (
        ranked.filter(pl.col("kk").is_not_null())
        .with_columns(pl.len().over("pid", "kk").alias("_kk_n"))
        .sort(["pid", "_kk_n", "_priority"], descending=[False, True, False])
        .group_by("pid", maintain_order=True)
        .agg(pl.col("kk").first())
    )
    family_ref = (
        ranked.filter(pl.col("family_ref").is_not_null())
        .sort(["pid", "_priority"])
        .group_by("pid", maintain_order=True)
        .agg(pl.col("family_ref").first())
    )
    anchor = kk.join(family_ref, on="pid", how="full", coalesce=True).select(
        "pid", "kk", "family_ref"
    )
    # One anchor per person: its registry family, else its KK. A person wrongly merged
    # from two households carries one's KK and the other's family; joining on both would
    # glue the two households together. Registry families meet KKs through their members'
    # most common KK instead.
    family_kk = (
        anchor.filter(pl.col("family_ref").is_not_null(), pl.col("kk").is_not_null())
        .group_by("family_ref", "kk")
        .agg(pl.len().alias("n"))
        .sort(["family_ref", "n", "kk"], descending=[False, True, False])
        .group_by("family_ref", maintain_order=True)
        .agg(pl.col("kk").first())
    )
    # A family of another source (P3KE's) joins the family most of its members belong to,
    # so a member whose P3KE row found no match still lands in the right family.
    family_family = (
        ranked.filter(pl.col("family_ref").is_not_null())
        .select("pid", pl.col("family_ref").alias("other"))
        .unique()
        .join(anchor.select("pid", "family_ref"), on="pid")
        .group_by("other", "family_ref")
        .agg(pl.len().alias("n"))
        .sort(["other", "n", "family_ref"], descending=[False, True, False])
        .group_by("other", maintain_order=True)
        .agg(pl.col("family_ref").first())
        .filter(pl.col("other") != pl.col("family_ref"))
    )
    edges = (
        [
            (f"p:{pid}", f"f:{ref}" if ref else f"k:{kk}")
            for pid, kk, ref in anchor.iter_rows()
            if ref or kk
        ]
        + [(f"f:{ref}", f"k:{kk}") for ref, kk in family_kk.iter_rows()]
        + [(f"f:{other}", f"f:{ref}") for other, ref in family_family.iter_rows()]
    )
    find = component_of(edges)
    membership = persons.select("pid").with_columns(
        pl.col("pid")
        .map_elements(lambda pid: str(find(f"p:{pid}")), return_dtype=pl.String)
        .alias("cluster_id")
    )
    carried = previous.select("pid", "hid") if previous is not None else pl.DataFrame()
    hids = assign_ids(membership, carried, prefix="H", key="pid", taken=taken)
    membership = membership.join(hids, on="cluster_id").select("pid", "hid")
    people = persons.join(membership, on="pid").join(
        anchor.select("pid", "kk"), on="pid", how="left", suffix="_anchor"
    )
    families = (
        people.with_columns((pl.col("relationship") == "1").alias("_head"))
        .sort(["hid", "_head", "pid"], descending=[False, True, False])
        .group_by("hid", maintain_order=True)
        .agg(
            pl.col("kk_anchor").drop_nulls().mode().sort().first().alias("kk"),
            pl.col("pid").first().alias("head_pid"),
            pl.col("_head").any().alias("head_known"),
            pl.len().alias("members"),
            pl.col("area_code").drop_nulls().mode().sort().first().alias("area_code"),
        )
    )
    return {"families": families, "membership": membership}
