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
from sinergi.pipeline.link.identities import component_of

__all__ = ["evaluate", "pair_scores", "truth_records", "truth_units"]


def evaluate(run_folder: Path, truth_dir: Path) -> dict[str, Any]:
    """Precision, recall and F1 of a finished run against ``truth_dir/records.parquet``."""
    records = pl.read_parquet(run_folder / "records.parquet")
    units = truth_units(records.rename({"pid": "cluster"}), truth_dir)
    links = pl.read_parquet(run_folder / "links.parquet")
    variant = dict(records.select("record_key", "variant_id").iter_rows())
    reviewed = links.filter(pl.col("status").is_in(["diterima", "ditinjau"]))
    find = component_of(
        (variant[left], variant[right])
        for left, right in reviewed.select("record_key_l", "record_key_r").iter_rows()
    )
    with_review = units.with_columns(
        pl.col("variant_id").map_elements(find, return_dtype=pl.Int64).alias("cluster")
    )
    truth = records.select("record_key", "file_name", "row").join(
        _truth(truth_dir), on=["file_name", "row"]
    )
    return {
        "units": units.height,
        "records_matched_to_truth": truth.height,
        "auto": _scores(units),
        "with_review": _scores(with_review),
        "links": {
            status: _link_precision(links.filter(pl.col("status") == status), truth)
            for status in ("diterima", "ditinjau")
        },
    }


def truth_units(records: pl.DataFrame, truth_dir: Path) -> pl.DataFrame:
    """The scored units of ``records`` (with ``source``, ``variant_id``, ``cluster``, ``file_name``
    and ``row``): one per source and identity, with its cluster and true person."""
    return (
        records.join(_truth(truth_dir), on=["file_name", "row"])
        .group_by("source", "variant_id")
        .agg(pl.col("cluster").first().cast(pl.String), pl.col("truth").mode().first())
    )


def _truth(truth_dir: Path) -> pl.DataFrame:
    return truth_records(truth_dir).select("file_name", "row", pl.col("true_pid").alias("truth"))


def truth_records(truth_dir: Path) -> pl.DataFrame:
    """Every exported row of ``sinergi synth`` (``file_name``, ``row``) with its true person
    (``true_pid``) and household (``true_hid``)."""
    path = truth_dir / "records.parquet"
    if not path.exists():
        raise PipelineError(
            f"Berkas kebenaran {path} tidak ada; berikan folder `truth` hasil `sinergi synth`.",
            english=f"No truth file {path}; pass the truth folder of `sinergi synth`",
            code="TRUTH_MISSING",
        )
    return pl.read_parquet(path).select(
        pl.col("file").str.split("/").list.last().alias("file_name"),
        pl.col("row").cast(pl.Int64),
        pl.col("person_id").cast(pl.String).alias("true_pid"),
        pl.col("household_id").cast(pl.String).alias("true_hid"),
    )


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


def _scores(units: pl.DataFrame) -> dict[str, Any]:
    found, true = units["cluster"].n_unique(), units["truth"].n_unique()
    exact = (  # clusters holding all of one true person and nobody else
        units.group_by("cluster")
        .agg(pl.col("truth").n_unique().alias("kinds"), pl.len(), pl.col("truth").first())
        .filter(pl.col("kinds") == 1)
        .join(units.group_by("truth").len(), on=["truth", "len"])
        .height
    )
    return {
        "pairwise": pair_scores(units["cluster"], units["truth"]),
        "cluster": {
            "found": found,
            "true": true,
            "precision": round(exact / found, 6) if found else 1.0,
            "recall": round(exact / true, 6) if true else 1.0,
        },
    }


def _link_precision(links: pl.DataFrame, truth: pl.DataFrame) -> dict[str, Any]:
    truth = truth.select("record_key", "truth")
    judged = links.join(
        truth.rename({"record_key": "record_key_l", "truth": "t_l"}), on="record_key_l"
    ).join(truth.rename({"record_key": "record_key_r", "truth": "t_r"}), on="record_key_r")
    same = int((judged["t_l"] == judged["t_r"]).sum())
    return {
        "count": links.height,
        "precision": round(same / judged.height, 6) if judged.height else None,
    }
