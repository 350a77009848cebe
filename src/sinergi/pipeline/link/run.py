"""Run padanan: train the model on the current snapshots, link, cluster and write the register.

One run reads every person-level record of the current snapshots
(`records.py`), trains the Fellegi–Sunter model by EM (`model.py`), scores the
candidate pairs, accepts links by rule and by probability, applies the
reviewers' decisions, and writes ``linked/<run_id>/``: records, persons,
families, links, the review queue and the manifest with the trained weights.
``linked/LATEST`` names the finished run; a run that fails leaves nothing.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import jellyfish
import pandas as pd  # Spark's vectorised functions take and give pandas Series
import polars as pl
from splink import DuckDBAPI, Linker, block_on
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.database_api import DatabaseAPI
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from sinergi import __version__
from sinergi.errors import PipelineError
from sinergi.lake.engine import Engine, from_spark, spark_session, to_spark
from sinergi.lake.home import DataHome, current_user, latest_run_folder, write_run
from sinergi.pipeline.link import decisions as review_decisions
from sinergi.pipeline.link.identities import assign_families, assign_ids, best_values
from sinergi.pipeline.link.model import (
    OPTIONAL_COMPARISONS,
    TRAINING_BLOCKS,
    floor_m,
    gamma,
    settings,
    siblings_niks,
)
from sinergi.pipeline.link.records import prepare_records, split_records
from sinergi.pipeline.stages import Stage, StageTimer

__all__ = ["ACCEPT", "REVIEW", "STAGES", "LinkRun", "latest_run", "link"]

log = logging.getLogger(__name__)

# A model link at or above this probability is accepted without review. It was 0.97; since
# the birth dates behind two NIKs count as evidence and records that evidence says are two
# persons are kept apart in clustering (`_keep_apart_by_evidence`), the links accepted
# between 0.95 and 0.97 (94% of them right on their own, mostly a name and a KK with no NIK
# or birth date beside them) no longer glue two persons' clusters together: on the demo
# regency recall rose from 0.981 to 0.985 with precision still 0.997.
ACCEPT = 0.95
REVIEW = 0.5  # between REVIEW and ACCEPT a pair goes to the review queue
DUCKDB_MEMORY = os.environ.get("SINERGI_DUCKDB_MEMORY", "2GB")
# u is estimated on every pair of this many variants (about two million pairs).
U_SAMPLE_ROWS = 2000
# A partition of padanan holds whole regencies up to about this many records.
PARTITION_RECORDS = int(os.environ.get("SINERGI_PADANAN_PARTITION", "2000000"))
# The blocked pairs (their ids, found once) are scored in slices of about this many, so
# that DuckDB never compares a large regency's pairs all at once (it ran out of its
# memory on 6 million variants' pairs). Splink's own chunks (a hash of the records on
# each side) join the whole table again for every chunk: 577,000 variants took 10 s
# in one chunk and 45 s in 5 x 5.
PREDICT_SLICE_PAIRS = int(os.environ.get("SINERGI_PADANAN_SLICE", "5000000"))
# EM learns from the pairs of whole kecamatan, drawn at random, holding about this many
# variants; a larger partition adds pairs, not knowledge (each kecamatan's pairs are
# alike), and training on all of a 2-million-record partition took a minute.
TRAINING_VARIANTS = int(os.environ.get("SINERGI_PADANAN_TRAINING", "300000"))
# A regency with fewer records (a stray code) is linked with its neighbour in code order.
PARTITION_FLOOR = 500
# Below this many distinct identities there are too few pairs to estimate anything.
MIN_VARIANTS = 100
_MODEL = settings()
_NIK_SAME = gamma(_MODEL, "nik", "sama")
_NAME_ELSE = gamma(_MODEL, "name", "lainnya")
_NAME_SOUNDS_SAME = gamma(_MODEL, "name", "bunyi sama")
_NAME_AGREES = gamma(_MODEL, "name", "sama tanpa spasi")
_NIK_EXCEL = gamma(_MODEL, "nik", "15 digit pertama sama (terpotong Excel)")
_NIK_TWO_PERSONS = [
    gamma(_MODEL, "nik", label)
    for label in (
        "beda satu digit di kode tanggal lahir, tanggal lahir ikut beda",
        "lainnya, tanggal lahir ikut beda",
    )
]

STAGES = (
    "Membaca data",
    "Melatih model",
    "Membandingkan pasangan",
    "Mengelompokkan",
    "Menulis hasil",
)


@dataclass
class LinkRun:
    """A finished padanan run and what it wrote.

    Attributes:
        run_id: the folder name under ``linked/``.
        folder: ``<home>/linked/<run_id>``.
        counts: records, variants, persons, families, pairs scored (candidate
            pairs with a match probability of 1% or more), links accepted and
            pairs for review.
        seconds: wall-clock seconds per stage.
    """

    run_id: str
    folder: Path
    counts: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def link(
    home: DataHome,
    *,
    user: str | None = None,
    stage: Stage | None = None,
    engine: Engine = "duckdb",
) -> LinkRun:
    """Link every current record of ``home`` into persons and families and write the run.

    ``engine`` runs the model's training, scoring and clustering on DuckDB in this
    process or on Spark (``sinergi.lake.engine``); both reach the same register.
    A province is linked in partitions of whole regencies (`split_records`), each
    with its own model, so memory follows the largest partition.
    """
    timer = StageTimer(stage, "padanan")
    decided = review_decisions.load(home)
    taken: set[str] = set()  # person and family ids given so far, unique across partitions
    with tempfile.TemporaryDirectory(prefix=".padanan-", dir=home.root) as scratch:
        with timer("Membaca data"):
            partitions = split_records(
                home, Path(scratch), target=PARTITION_RECORDS, floor=PARTITION_FLOOR
            )
        parts: list[_Partition] = []
        for index, files in enumerate(partitions):
            # Variant ids run on from the partition before, so they are unique in the run.
            first = sum(p.counts["variants"] for p in parts)
            folder = Path(scratch) / str(index)
            parts.append(_link_partition(home, files, folder, first, decided, taken, timer, engine))
        counts = {name: sum(p.counts[name] for p in parts) for name in parts[0].counts}
        run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        with timer("Menulis hasil"):
            tables = {name: _concat([p.folder / f"{name}.parquet" for p in parts])
                      for name in _TABLES}  # fmt: skip
            tables["review"] = tables["review"].sort("match_probability", descending=True)
            largest = max(parts, key=lambda p: p.counts["records"])
            folder = write_run(
                home,
                "linked",
                run_id,
                tables,
                {
                    "run_id": run_id,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "user": user or current_user(),
                    "sinergi_version": __version__,
                    "engine": engine,
                    "thresholds": {"accept": ACCEPT, "review": REVIEW},
                    "counts": counts,
                    "inputs": sorted({i for p in parts for i in p.inputs}),
                    "decisions_applied": decided.height,
                    # The review page explains a pair's weights with this one.
                    "model": largest.model,
                    "partitions": [
                        {"regencies": p.regencies, "records": p.counts["records"]} for p in parts
                    ],
                    "seconds": timer.seconds,
                },
            )
    return LinkRun(run_id, folder, counts, timer.seconds)


_TABLES = ("records", "persons", "families", "links", "review")


@dataclass
class _Partition:
    """What one partition's linkage wrote to its scratch ``folder``."""

    folder: Path
    regencies: list[str]
    counts: dict[str, int]
    inputs: list[str]
    model: dict[str, Any]


def _link_partition(
    home: DataHome,
    files: list[Path],
    folder: Path,
    first_variant: int,
    decided: pl.DataFrame,
    taken: set[str],
    timer: StageTimer,
    engine: Engine,
) -> _Partition:
    """Link the records in ``files`` and write their tables to ``folder``; the variant ids
    written start at ``first_variant``."""
    with timer("Membaca data"):
        prepared = prepare_records(pl.read_parquet(files))
    regencies = sorted({path.stem.split("-")[1] for path in files} - {""})
    if prepared.variants.height < MIN_VARIANTS:
        where = f"{home.root}" + (f" (kabupaten/kota {', '.join(regencies)})" if regencies else "")
        raise PipelineError(
            f"Padanan butuh sedikitnya {MIN_VARIANTS} identitas berbeda untuk melatih "
            f"modelnya; data di {where} baru punya {prepared.variants.height}. "
            "Impor lebih banyak registri atau daftar penerima lebih dulu.",
            english=f"Padanan needs at least {MIN_VARIANTS} distinct identities to train; "
            f"found {prepared.variants.height} in {regencies}",
            code="TOO_FEW_RECORDS",
        )
    # A partition is large: its records wait on disk while the engine scores the variants.
    folder.mkdir()
    waiting = folder / "prepared.parquet"
    prepared.records.write_parquet(waiting, compression="lz4")
    keys, variants = prepared.records.select("record_key", "variant_id"), prepared.variants
    del prepared
    scored = _score(variants, keys, decided, timer, engine, folder / "spill")
    del keys, variants
    gc.collect()  # Splink's objects hold the engine's tables in reference cycles
    records = pl.read_parquet(waiting)
    waiting.unlink()
    with timer("Mengelompokkan"):
        records = _assign(home, records, scored.clusters, taken)
        persons = best_values(records)
        previous = _previous(home, "persons", persons.select("pid"), on="pid")
        families = assign_families(records, persons, previous=previous, taken=taken)
    links = scored.links
    counts = {
        "records": records.height,
        "variants": scored.variants,
        "persons": persons.height,
        "families": families["families"].height,
        "pairs_scored": scored.pairs,
        "links_accepted": int((links["status"] == "diterima").sum()),
        "pairs_for_review": int((links["status"] == "ditinjau").sum()),
    }
    membership = families["membership"]
    tables = {
        "records": records.join(membership, on="pid", how="left").with_columns(
            pl.col("variant_id") + first_variant
        ),
        "persons": persons.join(membership, on="pid", how="left"),
        "families": families["families"],
        "links": links,
        "review": _review_queue(links, records),
    }
    for name, table in tables.items():
        table.write_parquet(folder / f"{name}.parquet")
    inputs = records["import_id"].unique().to_list()
    return _Partition(folder, regencies, counts, inputs, scored.model)


@dataclass
class _Scored:
    """What scoring a partition leaves: its clusters, links, model and sizes."""

    clusters: pl.DataFrame
    links: pl.DataFrame
    model: dict[str, Any]
    variants: int
    pairs: int


def _score(
    variants: pl.DataFrame,
    keys: pl.DataFrame,
    decided: pl.DataFrame,
    timer: StageTimer,
    engine: Engine,
    spill: Path,
) -> _Scored:
    """Train, score, classify and cluster ``variants``; ``keys`` maps records to them."""
    with timer("Melatih model"):
        linker, api = _trained_linker(variants, engine, spill)
    with timer("Membandingkan pasangan"):
        pairs = _predict(linker, api, engine)
        edges = _classify(pairs, decided, keys, variants.select("unique_id", "nik"))
    with timer("Mengelompokkan"):
        clusters, edges = _keep_apart_by_evidence(_cluster(api, variants, edges), edges)
    model = json.loads(json.dumps(linker.misc.save_model_to_json(), default=str))
    links = _links_table(edges, keys)
    return _Scored(clusters, links, model, variants.height, pairs.height)


def _concat(paths: list[Path]) -> pl.LazyFrame:
    # A partition's model may lack a comparison whose field it never fills (no gamma column),
    # and a column all empty in one partition is typed Null there.
    return pl.concat([pl.scan_parquet(path) for path in paths], how="diagonal_relaxed")


def latest_run(home: DataHome) -> Path | None:
    """The folder of the latest finished run, if any."""
    return latest_run_folder(home, "linked")


def _api(engine: Engine, spill: Path) -> DatabaseAPI[Any]:
    if engine == "spark":
        from splink import SparkAPI

        session = spark_session()
        api = SparkAPI(spark_session=session)
        # Splink's Scala Jaro-Winkler differs from DuckDB's in the third decimal; jellyfish
        # gives DuckDB's values exactly, so both engines put a pair in the same level.
        session.udf.register("jaro_winkler", _jaro_winkler_udf())
        return api
    connection = duckdb.connect()
    # Splink 5 writes `x -> ...` lambdas in some comparisons; DuckDB 2.0 wants them allowed.
    connection.execute("SET lambda_syntax='ENABLE_SINGLE_ARROW'")
    # DuckDB would otherwise keep up to 80% of the machine; past this it spills to disk.
    connection.execute(f"SET memory_limit='{DUCKDB_MEMORY}'")
    # Spilled blocks go to the run's scratch folder, not to a .tmp/ wherever the command runs.
    connection.execute(f"SET temp_directory='{spill}'")
    connection.execute("SET preserve_insertion_order=false")
    return DuckDBAPI(connection)


def _jaro_winkler_udf() -> Any:
    from pyspark.sql.functions import pandas_udf

    @pandas_udf("double")  # type: ignore[call-overload]
    def jaro_winkler(left: pd.Series, right: pd.Series) -> pd.Series:
        return pd.Series(
            [
                jellyfish.jaro_winkler_similarity(a, b)
                if isinstance(a, str) and isinstance(b, str)
                else None
                for a, b in zip(left, right, strict=True)
            ],
            dtype="float64",
        )

    return jaro_winkler


def _trained_linker(
    variants: pl.DataFrame, engine: Engine, spill: Path
) -> tuple[Linker, DatabaseAPI[Any]]:
    api = _api(engine, spill)
    # A comparison needs at least two variants that fill its column to be trained.
    empty = tuple(c for c in OPTIONAL_COMPARISONS if variants[c].drop_nulls().n_unique() < 2)
    # u from every pair of a sample drawn here, not by the engine: engines sample (hash)
    # differently, and both must reach the same model.
    sample = variants.sample(min(U_SAMPLE_ROWS, variants.height), seed=1)
    # Tables named by Splink: one Spark session serves every partition of a province,
    # and Splink may replace its own names, never a name given to it.
    u_linker = Linker(
        api.register(_table(sample, engine)),
        settings(engine, without=empty),
        log_level=logging.ERROR,
    )
    # One chunk and no early stop: Splink would otherwise pick chunks by the engine's hash.
    u_linker.training.estimate_u_using_random_sampling(
        max_pairs=float(U_SAMPLE_ROWS) ** 2, min_count_per_level=None, num_chunks=1
    )
    table = api.register(_table(variants, engine))
    linker = Linker(table, u_linker.misc.save_model_to_json(), log_level=logging.ERROR)
    # The prior comes from pairs sharing a NIK (an exact NIK join finds about 70%
    # of true pairs); with no such pair the settings' default stays.
    if variants["nik"].drop_nulls().is_duplicated().any():
        linker.training.estimate_probability_two_random_records_match([block_on("nik")], recall=0.7)
    # The prior above needs the whole table; EM only pairs like those it will score.
    training = _training_sample(variants)
    if training.height < variants.height:
        table_for_em = api.register(_table(training, engine))
        linker = Linker(table_for_em, linker.misc.save_model_to_json(), log_level=logging.ERROR)
    for rule in TRAINING_BLOCKS:
        try:
            # Every blocked pair, unsampled, for the same reason as u above.
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except EMTrainingException as error:  # too few pairs: starting m-values stay
            log.warning("padanan: EM block skipped (%s)", error)
    return Linker(table, floor_m(linker.misc.save_model_to_json()), log_level=logging.ERROR), api


def _training_sample(variants: pl.DataFrame) -> pl.DataFrame:
    """The variants of whole kecamatan, drawn with a fixed seed until about
    `TRAINING_VARIANTS`; all of them in a smaller partition.

    Whole kecamatan keep their pairs (most blocking rules stay inside one), and
    Sinergi draws them, not the engine, so both engines train on the same pairs.
    """
    if variants.height <= TRAINING_VARIANTS:
        return variants
    sizes = (
        variants.drop_nulls("district")
        .group_by("district")
        .len()
        .sort("district")
        .sample(fraction=1.0, shuffle=True, seed=1)
    )
    # Kecamatan are taken until they hold `TRAINING_VARIANTS` (the last one crosses it).
    drawn = sizes.filter((pl.col("len").cum_sum() - pl.col("len")) < TRAINING_VARIANTS)
    return variants.filter(pl.col("district").is_in(drawn["district"].implode()))


def _predict(linker: Linker, api: DatabaseAPI[Any], engine: Engine) -> pl.DataFrame:
    """The scored pairs: ids, weight, probability and the level of each comparison."""
    if engine == "spark":  # Spark spreads the pairs over its executors itself
        return _scored(linker.inference.predict(threshold_match_probability=0.01))
    connection = api.duckdb_con
    blocked = linker.inference.compute_blocked_pairs_for_predict()
    pairs = connection.sql(f"SELECT count(*) FROM {blocked.physical_name}").fetchall()[0][0]
    slices = max(1, -(-pairs // PREDICT_SLICE_PAIRS))
    scored = []
    for index in range(slices):
        connection.execute(
            f"CREATE OR REPLACE TABLE pair_slice AS SELECT * FROM {blocked.physical_name} "
            f"WHERE hash(join_key_l) % {slices} = {index}"
        )
        linker.table_management.register_blocked_pairs_for_predict(
            api.table_to_splink_dataframe("pair_slice", "pair_slice")
        )
        predicted = linker.inference.predict(threshold_match_probability=0.01)
        scored.append(_scored(predicted))
        predicted.drop_table_from_database_and_remove_from_cache()
    connection.execute("DROP TABLE pair_slice")
    blocked.drop_table_from_database_and_remove_from_cache()
    # The same order however many slices there were.
    return pl.concat(scored).sort("unique_id_l", "unique_id_r")


def _scored(predicted: SplinkDataFrame) -> pl.DataFrame:
    names = [c.unquote().name for c in predicted.columns]
    wanted = [n for n in names if n.startswith(("gamma_", "unique_id", "match_"))]
    return _polars(predicted, wanted).with_columns(pl.col("^gamma_.*$").cast(pl.Int8))


def _table(frame: pl.DataFrame, engine: Engine) -> Any:
    return to_spark(spark_session(), frame) if engine == "spark" else frame.to_arrow()


def _polars(table: SplinkDataFrame, columns: list[str]) -> pl.DataFrame:
    """A Splink result table as a Polars frame, from either engine."""
    if table.db_api.sql_dialect.sql_dialect_str == "spark":
        return from_spark(table.as_spark_dataframe().select(*columns))
    frame = pl.from_arrow(table.as_duckdbpyrelation().select(*columns).arrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _classify(
    pairs: pl.DataFrame, decided: pl.DataFrame, records: pl.DataFrame, niks: pl.DataFrame
) -> pl.DataFrame:
    """Every scored pair with its status: accepted by rule or model, for review, or below both.

    A pair whose names disagree is never accepted without a person: a NIK typed
    for the wrong person looks exactly like that. Nor is a pair whose NIKs are
    those of siblings born the same day (``niks``: each variant's NIK) unless
    their names agree: twins share a KK, an address and a birth date, and their
    names are often alike.
    """
    probability = pl.col("match_probability")
    names_disagree = pl.col("gamma_name") == _NAME_ELSE
    by_rule = (pl.col("gamma_nik") == _NIK_SAME) & (pl.col("gamma_name") >= _NAME_SOUNDS_SAME)
    scored = pairs.select(
        "unique_id_l",
        "unique_id_r",
        "match_weight",
        "match_probability",
        *[c for c in pairs.columns if c.startswith("gamma_")],
        pl.when(by_rule).then(pl.lit("aturan")).otherwise(pl.lit("model")).alias("basis"),
        pl.when(by_rule | ((probability >= ACCEPT) & ~names_disagree))
        .then(pl.lit("diterima"))
        .when(probability >= REVIEW)
        .then(pl.lit("ditinjau"))
        .otherwise(pl.lit("ditolak"))
        .alias("status"),
    )
    scored = _hold_back_twins(scored, niks)
    return review_decisions.apply(scored, decided, records)


def _hold_back_twins(scored: pl.DataFrame, niks: pl.DataFrame) -> pl.DataFrame:
    """Accepted pairs with twins' NIKs and names that do not agree go to review instead.

    Not a pair at the Excel level (the same first 15 digits, a 0 for the 16th): Excel turns
    serial 0001 into 0000, and twins get consecutive serials (0001, 0002), never one that
    ends in 0 beside the other; with a name misspelt on one side, 209 such pairs of one
    person went to review on the synthetic regency of 50,000 persons.
    """
    suspect = (
        scored.filter(
            (pl.col("status") == "diterima")
            & (pl.col("gamma_name") < _NAME_AGREES)
            & (pl.col("gamma_nik") != _NIK_EXCEL)
        )
        .select("unique_id_l", "unique_id_r")
        .join(niks.rename({"unique_id": "unique_id_l", "nik": "nik_l"}), on="unique_id_l")
        .join(niks.rename({"unique_id": "unique_id_r", "nik": "nik_r"}), on="unique_id_r")
        .filter(siblings_niks(pl.col("nik_l"), pl.col("nik_r")))
        .select("unique_id_l", "unique_id_r", twins=pl.lit(True))
    )
    if suspect.is_empty():
        return scored
    return (
        scored.join(suspect, on=["unique_id_l", "unique_id_r"], how="left")
        .with_columns(
            status=pl.when(pl.col("twins")).then(pl.lit("ditinjau")).otherwise(pl.col("status"))
        )
        .drop("twins")
    )


def _keep_apart_by_evidence(
    clusters: pl.DataFrame, edges: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Split clusters that hold records decided apart by a reviewer or by their NIKs.

    Two records whose NIKs differ in the birth code while each row's birth date and
    sex follow its own NIK are two persons born on different days (a mother and a
    daughter of one name, two namesakes of one village): two fields typed apart agree
    on it. A record with only a name and a KK or village (a program list) can link to
    both, and clustering would make one person of the three; such a pair, unless the
    model accepted it, is kept apart like a reviewer's "beda" (`decisions.keep_apart`:
    the cluster is joined again strongest link first, and a link that would join the
    two goes to review). On the demo regency a third of the wrong pairs went.
    """
    two_persons = (
        pl.col("gamma_nik").is_in(_NIK_TWO_PERSONS)
        & (pl.col("status") != "diterima")
        & (pl.col("basis") != "keputusan")
    )
    marked = edges.with_columns(
        _basis=pl.col("basis"),
        _status=pl.col("status"),
        _apart=two_persons,
    ).with_columns(
        basis=pl.when("_apart").then(pl.lit("keputusan")).otherwise(pl.col("basis")),
        status=pl.when("_apart").then(pl.lit("ditolak")).otherwise(pl.col("status")),
    )
    clusters, marked = review_decisions.keep_apart(clusters, marked)
    edges = marked.with_columns(
        basis=pl.when("_apart").then(pl.col("_basis")).otherwise(pl.col("basis")),
        status=pl.when("_apart").then(pl.col("_status")).otherwise(pl.col("status")),
    ).drop("_basis", "_status", "_apart")
    return clusters, edges


def _cluster(api: DatabaseAPI[Any], variants: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    accepted = edges.filter(pl.col("status") == "diterima").select("unique_id_l", "unique_id_r")
    nodes = variants.select("unique_id")
    clustered = cluster_pairwise_predictions_at_threshold(
        nodes.to_arrow(), accepted.to_arrow(), api, "unique_id"
    )
    return _polars(clustered, ["unique_id", "cluster_id"]).select(
        pl.col("unique_id").alias("variant_id"), pl.col("cluster_id").cast(pl.String)
    )


def _assign(
    home: DataHome, records: pl.DataFrame, clusters: pl.DataFrame, taken: set[str]
) -> pl.DataFrame:
    records = records.join(clusters, on="variant_id", how="left")
    pids = assign_ids(
        records.select("record_key", "cluster_id"),
        _carried_pids(home, records),
        prefix="P",
        taken=taken,
    )
    return records.join(pids, on="cluster_id", how="left").drop("cluster_id")


def _carried_pids(home: DataHome, records: pl.DataFrame) -> pl.DataFrame:
    """``record_key`` and the ``pid`` the last run gave it, for the records it knew.

    A record it did not know (a registry row whose name or address was corrected)
    takes the pid of its valid NIK, where the last run gave that NIK one person.
    """
    folder = latest_run(home)
    if folder is None:
        return pl.DataFrame()
    last = pl.scan_parquet(folder / "records.parquet").select("record_key", "nik_valid", "pid")
    known = last.join(records.lazy().select("record_key"), on="record_key", how="semi")
    by_nik = (
        last.filter(pl.col("nik_valid").is_not_null())
        .group_by("nik_valid")
        .agg(pl.col("pid").unique())
        .filter(pl.col("pid").list.len() == 1)
        .select("nik_valid", pl.col("pid").list.first())
    )
    new = (
        records.lazy()
        .select("record_key", "nik_valid")
        .join(known, on="record_key", how="anti")
        .join(by_nik, on="nik_valid")
    )
    return pl.concat([known.select("record_key", "pid"), new.select("record_key", "pid")]).collect()


def _previous(home: DataHome, table: str, keys: pl.DataFrame, *, on: str) -> pl.DataFrame | None:
    """The rows of the latest run's ``table`` whose ``on`` is among ``keys``."""
    folder = latest_run(home)
    if folder is None:
        return None
    wanted = pl.scan_parquet(folder / f"{table}.parquet").join(keys.lazy(), on=on, how="semi")
    return wanted.collect()


def _links_table(edges: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """Links between records (one record stands for each variant) with weight and status."""
    first = records.group_by("variant_id").agg(pl.col("record_key").min())
    kept = edges.filter((pl.col("status") != "ditolak") | (pl.col("basis") == "keputusan"))
    for side in ("l", "r"):
        kept = kept.join(
            first.rename({"variant_id": f"unique_id_{side}", "record_key": f"record_key_{side}"}),
            on=f"unique_id_{side}",
            how="left",
        )
    return kept.drop("unique_id_l", "unique_id_r").select(
        "record_key_l", "record_key_r", pl.exclude("record_key_l", "record_key_r")
    )


def _review_queue(links: pl.DataFrame, records: pl.DataFrame) -> pl.DataFrame:
    """The pairs a person must decide, with what each side says, most certain first."""
    shown = ("pid", "source", "nik", "kk", "name", "sex", "birth_date", "village", "address")
    queue = links.filter(pl.col("status") == "ditinjau")
    for side in ("l", "r"):
        queue = queue.join(
            records.select("record_key", *shown).rename(
                {c: f"{c}_{side}" for c in ("record_key", *shown)}
            ),
            on=f"record_key_{side}",
            how="left",
        )
    return queue.sort("match_probability", descending=True)
