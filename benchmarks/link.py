"""Padanan side by side: exact NIK join, recordlinkage ECM, plain Splink and Sinergi.

Every method links the same records (the current snapshots of one data folder)
and is scored the same way against the synthetic truth (pairwise precision,
recall and F1 over records, one per source and identity; see
`sinergi.pipeline.link.evaluate`). Each method runs in its own process so
that its peak memory is its own.

    python benchmarks/link.py --persons 250000          # the demo regency
    python benchmarks/link.py --work /tmp/bench-link --persons 50000

The synthetic regency and its import are kept in ``--work`` and reused.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link.evaluate import pair_scores, truth_units
from sinergi.pipeline.link.identities import component_of
from sinergi.pipeline.link.records import load_records, prepare_records
from sinergi.synth.build import synthesize
from sinergi.synth.config import SynthConfig, default_calibration
from sinergi.synth.programs import Amounts

METHODS = ("nik_join", "recordlinkage_ecm", "splink_name_dob", "sinergi")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, default=Path("/tmp/sinergi-bench-link"))
    parser.add_argument("--method", choices=METHODS, help="run one method (used internally)")
    args = parser.parse_args()
    work = args.work / f"dompu-{args.persons}-{args.seed}"
    if args.method:
        print(json.dumps(_run(args.method, work)))
        return
    _prepare(work, args.persons, args.seed)
    rows = []
    for method in METHODS:
        child = subprocess.run(
            [sys.executable, __file__, "--method", method, "--work", str(args.work),
             "--persons", str(args.persons), "--seed", str(args.seed)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows.append(json.loads(child.stdout.strip().splitlines()[-1]))
    print(f"Dompu 52.05, {args.persons:,} persons, seed {args.seed}; {rows[0]['units']:,} records")
    print(f"{'method':20} {'precision':>9} {'recall':>7} {'F1':>7} {'seconds':>8} {'peak MiB':>9}")
    for row in rows:
        print(
            f"{row['method']:20} {row['precision']:9.4f} {row['recall']:7.4f} {row['f1']:7.4f} "
            f"{row['seconds']:8.1f} {row['peak_mib']:9.0f}"
        )


def _prepare(work: Path, persons: int, seed: int) -> None:
    if not (work / "synth" / "truth").exists():
        config = SynthConfig(
            regency="52.05", persons=persons, seed=seed, out=work / "synth",
            calibration=default_calibration("52.05"),
        )  # fmt: skip
        synthesize(config, Amounts.from_reference(), force=True)
    home = DataHome(work / "home")
    if not (home.root / "snapshots").exists():
        import_files([work / "synth" / "sources"], home=home, scope="52.05")


def _run(method: str, work: Path) -> dict[str, object]:
    home = DataHome(work / "home")
    started = time.perf_counter()
    if method == "sinergi":
        from sinergi.pipeline.link.run import link

        run = link(home)
        records = pl.read_parquet(run.folder / "records.parquet").select(
            "file_name", "row", "source", "variant_id", pl.col("pid").alias("cluster")
        )
    else:
        prepared = prepare_records(load_records(home))
        clusters = {
            "nik_join": _nik_join,
            "recordlinkage_ecm": _recordlinkage,
            "splink_name_dob": _plain_splink,
        }[method](prepared.variants)
        records = prepared.records.select("file_name", "row", "source", "variant_id").join(
            clusters, on="variant_id"
        )
    seconds = time.perf_counter() - started
    units = truth_units(records, work / "synth" / "truth")
    scores = pair_scores(units["cluster"], units["truth"])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"method": method, "units": units.height, "seconds": seconds, "peak_mib": peak, **scores}


def _components(variants: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Connected components of ``pairs`` (``unique_id_l``, ``unique_id_r``) over all variants."""
    find = component_of(pairs.select("unique_id_l", "unique_id_r").iter_rows())
    ids = variants["unique_id"].to_list()
    return pl.DataFrame({"variant_id": ids, "cluster": [find(i) for i in ids]})


def _nik_join(variants: pl.DataFrame) -> pl.DataFrame:
    """The spreadsheet way: records with the same valid NIK are one person, the rest alone."""
    with_nik = variants.filter(pl.col("nik").is_not_null()).select("unique_id", "nik")
    pairs = with_nik.join(with_nik, on="nik", suffix="_r").filter(
        pl.col("unique_id") < pl.col("unique_id_r")
    )
    return _components(variants, pairs.rename({"unique_id": "unique_id_l"}))


def _candidate_pairs(variants: pl.DataFrame) -> pl.DataFrame:
    """The candidate pairs of Sinergi's blocking rules, without scoring them."""
    import duckdb

    from sinergi.pipeline.link.model import BLOCKING_RULES

    connection = duckdb.connect()
    connection.register("v", variants.to_arrow())  # every column any blocking rule may name
    selects = []
    for rule in BLOCKING_RULES:
        condition = rule.get_blocking_rule("duckdb").blocking_rule_sql
        selects.append(
            f"SELECT l.unique_id AS unique_id_l, r.unique_id AS unique_id_r FROM v l "
            f"JOIN v r ON {condition} AND l.unique_id < r.unique_id"
        )
    frame = pl.from_arrow(connection.sql(" UNION ".join(selects)).arrow())
    assert isinstance(frame, pl.DataFrame)
    return frame


def _recordlinkage(variants: pl.DataFrame) -> pl.DataFrame:
    """The recordlinkage toolkit: the same candidate pairs, plain comparisons, ECM classifier."""
    import pandas as pd
    import recordlinkage

    pairs = _candidate_pairs(variants)
    frame = variants.select(
        "unique_id", "nik", "name_norm", pl.col("birth_date").cast(pl.String), "sex", "village",
        "kk",
    ).to_pandas().set_index("unique_id")  # fmt: skip
    index = pd.MultiIndex.from_arrays(
        [pairs["unique_id_l"].to_numpy(), pairs["unique_id_r"].to_numpy()]
    )
    compare = recordlinkage.Compare()
    compare.exact("nik", "nik", label="nik")
    compare.string("name_norm", "name_norm", method="jarowinkler", threshold=0.9, label="name")
    compare.exact("birth_date", "birth_date", label="birth")
    compare.exact("sex", "sex", label="sex")
    compare.exact("village", "village", label="village")
    compare.exact("kk", "kk", label="kk")
    features = compare.compute(index, frame)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    found = pl.DataFrame(
        {
            "unique_id_l": matches.get_level_values(0).to_numpy(),
            "unique_id_r": matches.get_level_values(1).to_numpy(),
        }
    )
    return _components(variants, found)


def _plain_splink(variants: pl.DataFrame) -> pl.DataFrame:
    """Splink as a tutorial would use it: name and birth date, standard levels, p >= 0.9."""
    import logging

    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    connection = duckdb.connect()
    api = DuckDBAPI(connection)
    table = api.register(
        variants.select("unique_id", "name_norm", "birth_date", "village").to_arrow()
    )
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("name_norm", [0.92, 0.8]),
            cl.ExactMatch("birth_date"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("name_norm"),
            block_on("birth_date", "village"),
        ],
    )
    linker = Linker(table, settings, log_level=logging.ERROR)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("name_norm"))
    predicted = linker.inference.predict(threshold_match_probability=0.9)
    found = pl.from_arrow(
        predicted.as_duckdbpyrelation().select("unique_id_l", "unique_id_r").arrow()
    )
    assert isinstance(found, pl.DataFrame)
    return _components(variants, found)


if __name__ == "__main__":
    main()
