"""Padanan of a province in partitions of whole regencies: each regency linked as if alone."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from sinergi.domain import wilayah
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link import run as link_run
from sinergi.pipeline.link.records import load_records, split_records

DOMPU = "52.05"
NTB = [a.code for a in wilayah.children("52") if a.level is wilayah.Level.REGENCY]


@pytest.fixture(scope="module")
def province(small_province: Path) -> Path:
    return small_province


@pytest.fixture(scope="module")
def province_home(province: Path, tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    home = DataHome(tmp_path_factory.mktemp("partitions-home"))
    import_files(sorted(province.glob("*/sources")), home=home, scope="52")
    return home


def _clusters(folder: Path, regency: str) -> set[frozenset[str]]:
    """The persons of one regency's records, as sets of record keys."""
    records = pl.read_parquet(folder / "records.parquet").filter(
        pl.col("file_name").str.contains(regency.replace(".", ""))
    )
    groups = records.group_by("pid").agg("record_key")["record_key"]
    return {frozenset(keys) for keys in groups.to_list()}


def test_every_record_lands_in_one_partition_with_its_regency(
    province_home: DataHome, tmp_path: Path
) -> None:
    records = load_records(province_home)
    partitions = split_records(province_home, tmp_path, target=records.height // 3)
    assert 3 <= len(partitions) <= 4
    split = [pl.read_parquet(files) for files in partitions]
    assert sum(part.height for part in split) == records.height
    keys = pl.concat([part.select("source", "content_digest") for part in split])
    assert keys.sort(pl.all()).equals(records.select(keys.columns).sort(pl.all()))
    regencies = [{path.stem.split("-")[1] for path in files} for files in partitions]
    assert sum(len(r) for r in regencies) == len(set().union(*regencies))  # disjoint
    assert {code.replace(".", "") for code in NTB} <= set().union(*regencies)
    everything = pl.concat(split, how="vertical")
    with_area = everything.filter(pl.col("area_code").is_not_null())["file_name"].unique()
    orphans = everything.filter(
        pl.col("area_code").is_null() & pl.col("file_name").is_in(with_area.implode())
    )
    assert orphans.height > 0  # the synthetic PIP and PKH lists leave some areas empty
    for part, codes in zip(split, regencies, strict=True):
        # A record without an area goes with its file, and these files carry their regency.
        names = part.filter(pl.col("area_code").is_null())["file_name"].unique()
        assert all(any(code in name for code in codes) for name in names if name in with_area)


def test_a_regency_is_linked_in_its_partition_as_if_it_were_alone(
    province: Path, province_home: DataHome, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(link_run, "PARTITION_RECORDS", 1)  # one regency per partition
    whole = link_run.link(province_home)
    manifest = json.loads((whole.folder / "manifest.json").read_text())
    ntb = {code.replace(".", "") for code in NTB}
    # One NTB regency per partition; a stray code from a NIK (5270) joins a neighbour.
    assert sorted(len(ntb & set(p["regencies"])) for p in manifest["partitions"]) == [1] * 10
    assert whole.counts["records"] == sum(p["records"] for p in manifest["partitions"])
    for table, column in (("persons", "pid"), ("families", "hid")):
        ids = pl.read_parquet(whole.folder / f"{table}.parquet")[column]
        assert ids.is_unique().all()
    records = pl.read_parquet(whole.folder / "records.parquet")
    regencies_per_variant = records.group_by("variant_id").agg(
        pl.col("village").str.slice(0, 4).drop_nulls().n_unique()
    )
    assert regencies_per_variant["village"].max() == 1  # variant ids never repeat across

    alone = DataHome(tmp_path / "dompu")
    import_files([province / DOMPU / "sources"], home=alone, scope=DOMPU)
    dompu = link_run.link(alone)
    assert _clusters(whole.folder, DOMPU) == _clusters(dompu.folder, DOMPU)


def test_pairs_scored_in_slices_are_the_pairs_scored_at_once(
    province: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = DataHome(tmp_path / "dompu")
    import_files([province / DOMPU / "sources"], home=home, scope=DOMPU)
    whole = link_run.link(home)
    monkeypatch.setattr(link_run, "PREDICT_SLICE_PAIRS", 200)  # several slices
    sliced = link_run.link(home)
    assert sliced.counts == whole.counts
    columns = ["record_key_l", "record_key_r", "match_probability", "basis", "status"]
    links = [
        pl.read_parquet(run.folder / "links.parquet", columns=columns) for run in (whole, sliced)
    ]
    assert_frame_equal(links[0], links[1], check_row_order=False)
    assert _clusters(sliced.folder, DOMPU) == _clusters(whole.folder, DOMPU)


def test_spark_links_a_province_in_partitions_as_duckdb_does(
    province_home: DataHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One Spark session serves every partition: each must start with a clean slate.
    monkeypatch.setattr(link_run, "PARTITION_RECORDS", load_records(province_home).height // 3)
    duck, spark = (link_run.link(province_home, engine=e) for e in ("duckdb", "spark"))
    manifest = json.loads((spark.folder / "manifest.json").read_text())
    assert len(manifest["partitions"]) >= 3
    assert spark.counts == duck.counts
    for regency in NTB:
        assert _clusters(spark.folder, regency) == _clusters(duck.folder, regency)
