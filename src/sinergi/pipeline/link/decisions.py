"""Reviewers' decisions on pairs of records (same person or not), kept across padanan runs.

A decision names two records by their stable ``record_key``, so it survives
re-imports and re-runs; the latest decision on a pair wins. A run applies them
before clustering: "sama" makes the pair a link, "beda" removes it; after
clustering, two records decided apart that met through others are split again.
"""

from __future__ import annotations

import fcntl
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import python_calamine

from sinergi.errors import PipelineError
from sinergi.lake.home import DataHome, write_atomically

__all__ = [
    "DECISIONS",
    "DECISION_COLUMN",
    "KEY_COLUMNS",
    "NOTE_COLUMN",
    "apply",
    "keep_apart",
    "load",
    "read_workbook",
    "record",
    "record_many",
]

DECISIONS = ("sama", "beda")
# The columns of the review workbook a person fills (`reports.review_workbook`).
KEY_COLUMNS = ("Kunci A", "Kunci B")
DECISION_COLUMN = "Keputusan"
NOTE_COLUMN = "Catatan"
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
    return pl.read_parquet(path).unique(
        ["record_key_l", "record_key_r"], keep="last", maintain_order=True
    )


def record(
    home: DataHome, key_a: str, key_b: str, decision: str, *, user: str, note: str = ""
) -> None:
    """Store that two records are the same person (``sama``) or not (``beda``)."""
    record_many(home, [(key_a, key_b, decision, note)], user=user)


def record_many(home: DataHome, rows: list[tuple[str, str, str, str]], *, user: str) -> int:
    """Store several decisions ``(key_a, key_b, decision, note)`` at once, or none of them."""
    for key_a, key_b, decision, _ in rows:
        _check(key_a, key_b, decision)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    new = pl.DataFrame(
        [(*sorted((a, b)), decision, user, now, note) for a, b, decision, note in rows],
        schema=_SCHEMA,
        orient="row",
    )
    path = _path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Reviewers decide at the same time on the site: without the lock two of them
    # read the same table and the later write drops the other's decisions.
    with (path.parent / "decisions.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        existing = pl.read_parquet(path) if path.exists() else pl.DataFrame(schema=_SCHEMA)
        with write_atomically(path) as partial:
            pl.concat([existing, new]).write_parquet(partial)
    return new.height


def _check(key_a: str, key_b: str, decision: str) -> None:
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


def read_workbook(path: Path, known_keys: set[str]) -> list[tuple[str, str, str, str]]:
    """The decisions filled in a review workbook (``sinergi review --export``), checked.

    Rows with an empty decision are skipped. Every problem is reported with its
    row and column, and then nothing is read at all.
    """
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        rows = book.get_sheet_by_name("Tinjauan").to_python()
    except Exception as error:  # calamine raises its own types for every kind of bad file
        raise PipelineError(
            f"Berkas tinjauan {path} tidak bisa dibaca ({error}). "
            "Pakai berkas hasil `sinergi review --export` dengan lembar 'Tinjauan'.",
            english=f"Cannot read review workbook {path}: {error}",
            code="REVIEW_UNREADABLE",
        ) from error
    header = [str(cell).strip() for cell in rows[0]] if rows else []
    wanted = (*KEY_COLUMNS, DECISION_COLUMN, NOTE_COLUMN)
    missing = [name for name in wanted if name not in header]
    if missing:
        raise PipelineError(
            f"Berkas tinjauan {path.name}: kolom {', '.join(missing)} tidak ada di baris 1.",
            english=f"Review workbook {path.name} lacks columns {missing}",
            code="REVIEW_COLUMNS_MISSING",
        )
    at = {name: header.index(name) for name in wanted}
    found, problems = [], []
    for number, row in enumerate(rows[1:], start=2):
        decision = str(row[at[DECISION_COLUMN]]).strip().lower()
        if not decision:
            continue
        key_a, key_b = (str(row[at[k]]).strip() for k in KEY_COLUMNS)
        if decision not in DECISIONS:
            problems.append(
                f"baris {number}, kolom {DECISION_COLUMN}: '{decision}' bukan 'sama' atau 'beda'"
            )
        for column, key in zip(KEY_COLUMNS, (key_a, key_b), strict=True):
            if key not in known_keys:
                problems.append(
                    f"baris {number}, kolom {column}: kunci '{key}' tidak ada di hasil padanan"
                )
        found.append((key_a, key_b, decision, str(row[at[NOTE_COLUMN]]).strip()))
    if problems:
        shown = "; ".join(problems[:10]) + (" ..." if len(problems) > 10 else "")
        raise PipelineError(
            f"Berkas tinjauan {path.name} tidak dipakai ({len(problems)} masalah): {shown}.",
            english=f"Review workbook {path.name} rejected: {len(problems)} problems",
            code="REVIEW_INVALID",
        )
    return found


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


def keep_apart(clusters: pl.DataFrame, edges: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split every cluster that holds two variants a reviewer decided are two persons.

    Clustering joins whatever accepted links connect, so two records decided
    apart can still meet through a third. Such a cluster is joined again link by
    link, strongest first (reviewers' "sama", then rules, then probability),
    leaving out each link that would bring two of them together; the links left
    out go to review. ``clusters`` has ``variant_id`` and ``cluster_id``; ``edges``
    is the classified pairs.
    """
    apart = edges.filter((pl.col("basis") == "keputusan") & (pl.col("status") == "ditolak"))
    of = clusters.select("variant_id", "cluster_id")
    clashes = (
        apart.select("unique_id_l", "unique_id_r")
        .join(of.rename({"variant_id": "unique_id_l"}), on="unique_id_l")
        .join(of.rename({"variant_id": "unique_id_r", "cluster_id": "other"}), on="unique_id_r")
        .filter(pl.col("cluster_id") == pl.col("other"))
    )
    if clashes.is_empty():
        return clusters, edges
    torn = of.filter(pl.col("cluster_id").is_in(clashes["cluster_id"].implode()))
    members = torn["variant_id"].implode()
    links = edges.filter(
        (pl.col("status") == "diterima") & pl.col("unique_id_l").is_in(members)
    ).sort(
        pl.col("basis") != "keputusan",
        pl.col("basis") != "aturan",
        pl.col("match_probability"),
        "unique_id_l",
        "unique_id_r",
        descending=[False, False, True, False, False],
        nulls_last=True,
    )
    root = {v: v for v in torn["variant_id"]}
    group = {v: {v} for v in root}
    never: dict[int, set[int]] = {}
    for a, b in clashes.select("unique_id_l", "unique_id_r").iter_rows():
        never.setdefault(a, set()).add(b)
        never.setdefault(b, set()).add(a)
    left_out = []
    for a, b in links.select("unique_id_l", "unique_id_r").iter_rows():
        ra, rb = root[a], root[b]
        if ra == rb:
            continue
        if any(other in group[rb] for v in group[ra] for other in never.get(v, ())):
            left_out.append((a, b))
            continue
        if len(group[ra]) < len(group[rb]):
            ra, rb = rb, ra
        for v in group.pop(rb):
            root[v] = ra
            group[ra].add(v)
    split = torn.with_columns(
        pl.concat_str(
            "cluster_id",
            pl.lit("~"),
            pl.col("variant_id").replace_strict(root).cast(pl.String),
        )
    )
    clusters = clusters.update(split, on="variant_id")
    held = pl.DataFrame(
        left_out,
        schema={
            "unique_id_l": edges["unique_id_l"].dtype,
            "unique_id_r": edges["unique_id_r"].dtype,
        },
        orient="row",
    ).with_columns(held=pl.lit(True))
    edges = (
        edges.join(held, on=["unique_id_l", "unique_id_r"], how="left")
        .with_columns(
            status=pl.when(pl.col("held")).then(pl.lit("ditinjau")).otherwise(pl.col("status"))
        )
        .drop("held")
    )
    return clusters, edges
