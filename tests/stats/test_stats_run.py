"""`sinergi stats` end to end on the small synthetic regency's survey."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.domain import wilayah
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.synth.build import SynthResult

LINES = "gk_52.05_2024-03_total,ext_usd190_00_2021-03"


@pytest.fixture(scope="module")
def surveyed(small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    home = DataHome.resolve(tmp_path_factory.mktemp("stats") / "home")
    import_files([small_regency.out / "sources" / "survey"], home=home, scope="52.05")
    return home


def test_stats_prints_json_with_both_bases_kept_apart(surveyed: DataHome) -> None:
    result = CliRunner().invoke(
        app, ["stats", "--home", str(surveyed.root), "--lines", LINES, "--json", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["lines"] == {
        "BPS_GK": ["gk_52.05_2024-03_total"],
        "USD_1.90_PPP2011": ["ext_usd190_00_2021-03"],
    }
    rows = pl.DataFrame(report["estimates"])
    regency = rows.filter(pl.col("level") == "kabupaten", pl.col("indicator") == "P0")
    assert regency.height == 2  # one figure per basis, never one mixed figure
    bps, extreme = (regency.filter(pl.col("basis") == b).row(0, named=True)
                    for b in ("BPS_GK", "USD_1.90_PPP2011"))  # fmt: skip
    assert extreme["value"] <= bps["value"]  # the extreme line is the lower one
    assert bps["ci_low"] <= bps["value"] <= bps["ci_high"]


def test_every_kecamatan_gets_a_model_based_estimate(surveyed: DataHome) -> None:
    result = CliRunner().invoke(
        app, ["stats", "--home", str(surveyed.root), "--lines", LINES, "--json", "--quiet"]
    )
    areas = pl.DataFrame(json.loads(result.stdout.strip().splitlines()[-1])["small_areas"])
    assert sorted(areas["district"]) == sorted(a.code for a in wilayah.children("52.05"))
    assert areas["model_based"].all()
    assert (areas["rmse"] > 0).all()


def test_stats_writes_its_run_and_prints_a_table_in_indonesian(surveyed: DataHome) -> None:
    result = CliRunner().invoke(app, ["stats", "--home", str(surveyed.root), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "Peta kemiskinan kecamatan" in result.stdout
    latest = (surveyed.root / "stats" / "LATEST").read_text().strip()
    folder = surveyed.root / "stats" / latest
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["regency"] == "52.05"
    assert set(manifest["lines"]) == {"BPS_GK", "USD_2.15_PPP2017"}  # the defaults
    assert (folder / "estimates.parquet").exists() and (folder / "small_areas.parquet").exists()


def test_no_survey_imported_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["stats", "--home", str(tmp_path), "--quiet"])
    assert result.exit_code == 1
    assert "sinergi import" in " ".join(result.stderr.split())


def test_two_lines_of_one_basis_are_refused(surveyed: DataHome) -> None:
    result = CliRunner().invoke(
        app,
        ["stats", "--home", str(surveyed.root), "--quiet",
         "--lines", "gk_52.05_2024-03_total,gk_00_2024-03_total"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "satu basis" in " ".join(result.stderr.split())
