"""Reviewers' decisions on pairs of records (same person or not), kept across padanan runs.

A decision names two records by their stable ``record_key``, so it survives
re-imports and re-runs; the latest decision on a pair wins. A run applies them
before clustering: "sama" makes the pair a link, "beda" removes it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from sinergi.errors import PipelineError
from sinergi.lake.home import DataHome, write_atomically

__all__ = ["DECISIONS", "apply", "load", "record"]

DECISIONS = ("sama", "beda")
_SCHEMA = {
    "record_key_l": pl.String,
    "record_key_r": pl.String,
    "decision": pl.String,
    "user": pl.String,
    "decided_at": pl.String,
    "note": pl.String,
}


def _path(home: DataHome) -> Path:
    return home.root / "linked" / "decisions.parquet"


def load(home: DataHome) -> pl.DataFrame:
    """Every pair's latest decision (an empty table when nobody has decided yet)."""
    path = _path(home)
    if not path.exists():
        return pl.DataFrame(schema=_SCHEMA)
    return pl.read_parquet(path).unique(["record_key_l", "record_key_r"], keep="last")


def record(
    home: DataHome, key_a: str, key_b: str, decision: str, *, user: str, note: str = ""
) -> None:
    """Store that two records are the same person (``sama``) or not (``beda``)."""
    if decision not in DECISIONS:
        raise PipelineError(
            f"Keputusan '{decision}' tidak dikenal; pilih 'sama' atau 'beda'.",
            english=f"Unknown decision {decision!r}; use 'sama' or 'beda'",
            code="DECISION_UNKNOWN",
        )
    if key_a == key_b:
        raise PipelineError(
            "Sebuah catatan tidak bisa dipasangkan dengan dirinya sendiri.",
            english="A record cannot be paired with itself",
            code="DECISION_SAME_RECORD",
        )
    left, right = sorted((key_a, key_b))
    row = pl.DataFrame(
        {
            "record_key_l": [left],
            "record_key_r": [right],
            "decision": [decision],
            "user": [user],
            "decided_at": [datetime.now(UTC).isoformat(timespec="seconds")],
            "note": [note],
        },
        schema=_SCHEMA,
    )
    path = _path(home)
    existing = pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=_SCHEMA)
    with write_atomically(path) as partial:
        pl.concat([existing, row]).write_parquet(partial)


def apply(scored: pl.DataFrame, decided: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """The scored pairs with every decision applied (pairs a reviewer joined are added)."""
    if decided.is_empty():
        return scored
    variant = records.select("record_key", "variant_id")
    pairs = (
        decided.join(
            variant.rename({"record_key": "record_key_l", "variant_id": "a"}), on="record_key_l"
        )
        .join(variant.rename({"record_key": "record_key_r", "variant_id": "b"}), on="record_key_r")
        .filter(pl.col("a") != pl.col("b"))
        .select(
            pl.min_horizontal("a", "b").alias("unique_id_l"),
            pl.max_horizontal("a", "b").alias("unique_id_r"),
            pl.when(pl.col("decision") == "sama")
            .then(pl.lit("diterima"))
            .otherwise(pl.lit("ditolak"))
            .alias("decided"),
        )
        .unique(["unique_id_l", "unique_id_r"], keep="last")
    )
    merged = scored.join(pairs, on=["unique_id_l", "unique_id_r"], how="full", coalesce=True)
    return merged.with_columns(
        status=pl.coalesce("decided", "status"),
        basis=pl.when(pl.col("decided").is_not_null())
        .then(pl.lit("keputusan"))
        .otherwise(pl.col("basis")),
    ).drop("decided")
