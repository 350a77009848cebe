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


@pytest.fixture(scope="module")
def two_rounds(
    small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DataHome, str, str]:
    """The 2024 survey, and a 2023 round where every household spent 35% less."""
    home = DataHome.resolve(tmp_path_factory.mktemp("rounds") / "home")
    (survey,) = (small_regency.out / "sources" / "survey").glob("*.csv")
    poorer = pl.read_csv(survey, infer_schema=False).with_columns(
        pl.col("pengeluaran_kapita_sebulan").cast(pl.Float64).mul(0.65).round(0).cast(pl.Int64)
    )
    earlier = tmp_path_factory.mktemp("round2023") / "susenas_2023_03_rumah_tangga.csv"
    poorer.write_csv(earlier)
    (before,) = import_files([earlier], home=home, scope="52.05", period="2023-03")
    (now,) = import_files([survey], home=home, scope="52.05")
    assert before.manifest and now.manifest
    return home, before.manifest["import_id"], now.manifest["import_id"]


def test_change_since_the_earlier_round_uses_each_rounds_own_line(
    two_rounds: tuple[DataHome, str, str],
) -> None:
    home, before, _ = two_rounds
    result = CliRunner().invoke(app, ["stats", "--home", str(home.root), "--json", "--quiet"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["compared_with"]["import_id"] == before
    changes = pl.DataFrame(report["changes"])
    p0 = changes.filter(
        pl.col("level") == "kabupaten", pl.col("indicator") == "P0", pl.col("basis") == "BPS_GK"
    ).row(0, named=True)
    assert p0["period_before"] == "2023-03" and p0["period"] > "2023-03"
    # Each round on its own year's GK: 2023's, and the latest one for the later survey.
    assert (p0["lines_before"], p0["lines"]) == ("gk_52.05_2023-03_total", "gk_52.05_2024-03_total")
    assert p0["change"] == pytest.approx(p0["value"] - p0["value_before"])
    # 35% less spending in 2023 made far more people poor: a real, significant fall since.
    assert p0["change"] < 0 and p0["ci_high"] < 0 and p0["significant"]
    history = pl.DataFrame(report["history"]).filter(
        pl.col("indicator") == "P0", pl.col("basis") == "BPS_GK"
    )
    assert history.sort("period")["period"].to_list() == ["2023-03", p0["period"]]


def test_rounds_are_independent_so_their_variances_add(
    two_rounds: tuple[DataHome, str, str],
) -> None:
    home, _, _ = two_rounds
    result = CliRunner().invoke(app, ["stats", "--home", str(home.root), "--json", "--quiet"])
    report = json.loads(result.stdout.strip().splitlines()[-1])
    history = {
        (row["period"], row["indicator"]): row
        for row in report["history"]
        if row["basis"] == "BPS_GK"
    }
    for row in report["changes"]:
        if row["level"] != "kabupaten" or row["basis"] != "BPS_GK":
            continue
        se_now = history[(row["period"], row["indicator"])]["se"]
        se_before = history[("2023-03", row["indicator"])]["se"]
        assert row["se"] == pytest.approx((se_now**2 + se_before**2) ** 0.5)


def test_comparing_with_a_survey_that_is_not_earlier_is_refused(
    two_rounds: tuple[DataHome, str, str],
) -> None:
    home, before, now = two_rounds
    result = CliRunner().invoke(
        app, ["stats", before, "--compare", now, "--home", str(home.root), "--quiet"]
    )
    assert result.exit_code == 1
    assert "pembanding" in " ".join(result.stderr.split())


def test_a_survey_file_is_imported_first_then_measured(
    small_regency: SynthResult, tmp_path: Path
) -> None:
    (survey,) = (small_regency.out / "sources" / "survey").glob("*.csv")
    home = tmp_path / "home"
    result = CliRunner().invoke(
        app, ["stats", str(survey), "--home", str(home), "--lines", LINES, "--json", "--quiet"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    (manifest,) = DataHome.resolve(home).manifests()
    assert manifest["contract"] == "survey_household"
    assert report["survey"] == manifest["import_id"]  # measured on what was just imported


def test_a_file_that_is_not_a_survey_is_refused_by_name(
    small_regency: SynthResult, tmp_path: Path
) -> None:
    program_list = small_regency.out / "sources" / "programs" / "pbi_jkn_2026.csv"
    result = CliRunner().invoke(
        app, ["stats", str(program_list), "--home", str(tmp_path / "home"), "--quiet"]
    )
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "pbi_jkn_2026.csv" in message and "data survei rumah tangga" in message
    assert not (tmp_path / "home" / "stats").exists()  # nothing measured, nothing written
