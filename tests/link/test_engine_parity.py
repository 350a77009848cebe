"""Spark (local mode) gives what DuckDB gives: the same snapshots, register, links and diagnosis.

Padanan ids may differ between engines only in name, so persons and families
are compared as partitions of the source records, and links as pairs of record
keys. The diagnosis of one register is compared table by table, row for row.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sinergi.lake.home import SNAPSHOT_DATA, DataHome
from sinergi.pipeline.diagnose.run import DiagnosisRun, diagnose
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link.run import LinkRun, link
from sinergi.synth.build import SynthResult

AS_OF = date(2026, 9, 30)


@pytest.fixture(scope="module")
def both(small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> list[LinkRun]:
    runs = []
    for engine in ("duckdb", "spark"):
        home = DataHome.resolve(tmp_path_factory.mktemp(engine) / "home")
        import_files([small_regency.out / "sources"], home=home, scope="52.05", engine=engine)
        runs.append(link(home, engine=engine))
    return runs


def _snapshots(home: DataHome) -> dict[str, tuple[dict[str, object], pl.DataFrame, pl.DataFrame]]:
    """Per import: its manifest (without the time), accepted rows and quarantined rows."""
    found = {}
    for manifest in home.manifests():
        folder = home.snapshot_dir(manifest["source"], manifest["period"], manifest["import_id"])
        accepted = pl.read_parquet(folder / SNAPSHOT_DATA)
        quarantined = pl.read_parquet(home.root / manifest["quarantine"])
        manifest.pop("imported_at")
        found[manifest["import_id"]] = (manifest, accepted, quarantined)
    return found


def test_both_engines_import_the_same_snapshots(both: list[LinkRun]) -> None:
    duck, spark = (_snapshots(DataHome.resolve(run.folder.parents[1])) for run in both)
    assert len(duck) > 5 and duck.keys() == spark.keys()
    assert sum(quarantined.height for _, _, quarantined in duck.values()) > 0
    for import_id, (manifest, accepted, quarantined) in duck.items():
        assert spark[import_id][0] == manifest
        assert_frame_equal(spark[import_id][1], accepted)
        assert_frame_equal(spark[import_id][2], quarantined)


def _partition(folder: Path, by: str) -> set[frozenset[str]]:
    """The source records grouped by ``by`` (``pid`` or ``hid``), without the ids themselves."""
    records = pl.read_parquet(folder / "records.parquet", columns=["record_key", by])
    groups = records.group_by(by).agg(pl.col("record_key"))["record_key"].to_list()
    return {frozenset(g) for g in groups}


def _links(folder: Path) -> pl.DataFrame:
    return pl.read_parquet(folder / "links.parquet").sort("record_key_l", "record_key_r")


def test_both_engines_find_the_same_persons_and_families(both: list[LinkRun]) -> None:
    duck, spark = both
    assert duck.counts == spark.counts
    assert _partition(duck.folder, "pid") == _partition(spark.folder, "pid")
    assert _partition(duck.folder, "hid") == _partition(spark.folder, "hid")


def test_both_engines_score_the_same_pairs_the_same_way(both: list[LinkRun]) -> None:
    duck, spark = (_links(run.folder) for run in both)
    keys = ["record_key_l", "record_key_r"]
    assert duck.select(keys).equals(spark.select(keys))
    # Every level of every comparison, the rule or model basis and the decision agree.
    levels = [c for c in duck.columns if c.startswith("gamma_")] + ["basis", "status"]
    assert duck.select(levels).equals(spark.select(levels))
    # EM's sums run in another order on Spark: the probabilities agree to rounding.
    difference = (duck["match_probability"] - spark["match_probability"]).abs().max()
    assert isinstance(difference, float) and difference < 1e-6


def test_the_run_says_which_engine_made_it(both: list[LinkRun]) -> None:
    engines = [json.loads((r.folder / "manifest.json").read_text())["engine"] for r in both]
    assert engines == ["duckdb", "spark"]


@pytest.fixture(scope="module")
def diagnosed(both: list[LinkRun]) -> list[DiagnosisRun]:
    """One register (DuckDB's) diagnosed by each engine."""
    home = DataHome.resolve(both[0].folder.parents[1])
    return [diagnose(home, as_of=AS_OF, engine=engine) for engine in ("duckdb", "spark")]


def test_both_engines_diagnose_alike_row_for_row(diagnosed: list[DiagnosisRun]) -> None:
    duck, spark = diagnosed
    assert duck.counts == spark.counts
    for name in duck.counts:
        # Means summed in another order may differ in the 17th digit; all else is exact.
        assert_frame_equal(
            duck.scan(name).collect(),
            spark.scan(name).collect(),
            check_exact=False,
            rel_tol=1e-12,
            abs_tol=1e-12,
        )
