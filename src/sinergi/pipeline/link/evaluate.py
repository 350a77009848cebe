"""Measure a padanan run against the truth of a synthetic regency (``sinergi synth``).

The unit is a record as a source holds it: one per source and distinct identity
(a person paid twelve times by one program counts once for that program), so
repeated payment rows do not inflate the figures. Pairwise precision and
recall count pairs of units put in one person; cluster precision is the share
of persons found that are exactly a true person, cluster recall the share of
true persons found exactly. Two readings: the links accepted automatically,
and the links if a reviewer accepted every pair of the review queue.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from sinergi.errors import PipelineError

__all__ = ["evaluate", "pair_scores"]


def evaluate(run_folder: Path, truth_dir: Path) -> dict[str, Any]:
    """Precision, recall and F1 of a finished run against ``truth_dir/records.parquet``."""
    truth_path = truth_dir / "records.parquet"
    if not truth_path.exists():
        raise PipelineError(
            f"Berkas kebenaran {truth_path} tidak ada; "
            "berikan folder `truth` hasil `sinergi synth`.",
            english=f"No truth file {truth_path}; pass the truth folder of `sinergi synth`",
            code="TRUTH_MISSING",
        )
    truth = pl.read_parquet(truth_path).select(
        pl.col("file").str.split("/").list.last().alias("file_name"),
        pl.col("row").cast(pl.Int64),
        pl.col("person_id").cast(pl.String).alias("truth"),
    )
    everything = pl.read_parquet(run_folder / "records.parquet")
    records = everything.join(truth, on=["file_name", "row"], how="inner")
    units = records.group_by("source", "variant_id").agg(
        pl.col("pid").first(), pl.col("truth").mode().first()
    )
    links = pl.read_parquet(run_folder / "links.parquet")
    key_unit = records.select("record_key", "variant_id", "truth")
    with_review = _recluster(
        units,
        links.filter(pl.col("status").is_in(["diterima", "ditinjau"])),
        everything.select("record_key", "variant_id"),
    )
    return {
        "units": units.height,
        "records_matched_to_truth": records.height,
        "auto": _scores(units, "pid"),
        "with_review": _scores(with_review, "cluster"),
        "links": {
            status: _link_precision(links.filter(pl.col("status") == status), key_unit)
            for status in ("diterima", "ditinjau")
        },
    }


def pair_scores(predicted: pl.Series, truth: pl.Series) -> dict[str, float]:
    """Pairwise precision, recall and F1 of a clustering, counted without listing pairs.

    >>> pair_scores(pl.Series([1, 1, 2]), pl.Series(["a", "a", "a"]))
    {'precision': 1.0, 'recall': 0.333333, 'f1': 0.5}
    """
    frame = pl.DataFrame({"p": predicted, "t": truth})

    def pairs(*by: str) -> int:
        sizes = frame.group_by(*by).len()["len"].cast(pl.Int64)
        return int((sizes * (sizes - 1) // 2).sum())

    together, found, real = pairs("p", "t"), pairs("p"), pairs("t")
    precision = together / found if found else 1.0
    recall = together / real if real else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 6), "recall": round(recall, 6), "f1": round(f1, 6)}


def _scores(units: pl.DataFrame, cluster: str) -> dict[str, Any]:
    members = units.group_by(cluster).agg(pl.col("truth").sort().alias("m"))
    true_sets = units.group_by("truth").agg(pl.col("truth").sort().alias("m"))
    exact = (
        units.group_by(cluster)
        .agg(
            pl.col("truth").n_unique().alias("kinds"), pl.len().alias("n"), pl.col("truth").first()
        )
        .filter(pl.col("kinds") == 1)
        .join(units.group_by("truth").len(), on="truth")
        .filter(pl.col("n") == pl.col("len"))
        .height
    )
    return {
        "pairwise": pair_scores(units[cluster], units["truth"]),
        "cluster": {
            "found": members.height,
            "true": true_sets.height,
            "precision": round(exact / members.height, 6) if members.height else 1.0,
            "recall": round(exact / true_sets.height, 6) if true_sets.height else 1.0,
        },
    }


def _recluster(units: pl.DataFrame, links: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    """The units clustered as if every given link were accepted (union–find on variants)."""
    variant = dict(keys.iter_rows())
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        while parent.get(node, node) != node:
            parent[node] = parent.get(parent[node], parent[node])
            node = parent[node]
        return node

    for left, right in links.select("record_key_l", "record_key_r").iter_rows():
        a, b = find(variant[left]), find(variant[right])
        if a != b:
            parent[max(a, b)] = min(a, b)
    return units.with_columns(
        pl.col("variant_id").map_elements(find, return_dtype=pl.Int64).alias("cluster")
    )


def _link_precision(links: pl.DataFrame, key_unit: pl.DataFrame) -> dict[str, Any]:
    truth = key_unit.select("record_key", "truth")
    judged = links.join(
        truth.rename({"record_key": "record_key_l", "truth": "t_l"}), on="record_key_l"
    ).join(truth.rename({"record_key": "record_key_r", "truth": "t_r"}), on="record_key_r")
    same = int((judged["t_l"] == judged["t_r"]).sum())
    return {
        "count": links.height,
        "precision": round(same / judged.height, 6) if judged.height else None,
    }
