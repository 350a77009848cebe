"""The stats workbook and charts: what a secretariat opens after `sinergi stats`."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from sinergi.lake.home import DataHome
from sinergi.pipeline.stats import export
from sinergi.pipeline.stats.export import StatsFiles, export_stats
from sinergi.pipeline.stats.run import StatsRun, poverty_statistics

LINES = ["gk_52.05_2024-03_total", "ext_usd190_00_2021-03"]


@pytest.fixture(scope="module")
def exported(surveyed: DataHome) -> tuple[StatsRun, StatsFiles]:
    run = poverty_statistics(surveyed, line_ids=LINES)
    return run, export_stats(surveyed, run)


def _sheet(path: Path, name: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_workbook_holds_each_figure_with_its_error_interval_and_flag(
    exported: tuple[StatsRun, StatsFiles],
) -> None:
    run, files = exported
    book = CalamineWorkbook.from_path(str(files.workbook))
    assert book.sheet_names == [
        "Ringkasan", "Angka kabupaten", "Kecamatan langsung", "Peta kecamatan", "Perubahan",
        "Riwayat", "Target",
    ]  # fmt: skip
    rows = _sheet(files.workbook, "Angka kabupaten")
    header = rows[1]
    for label in ("Nilai", "Galat baku", "Batas bawah SK 95%", "Batas atas SK 95%", "KK (%)",
                  "Keandalan"):  # fmt: skip
        assert label in header
    records = [dict(zip(header, row, strict=True)) for row in rows[2:]]
    p0 = next(
        r for r in records
        if r["Ukuran"].startswith("P0") and r["Tingkat"] == "kabupaten"
        and r["Basis garis"] == "BPS_GK"
    )  # fmt: skip
    expected = (
        run.tables["estimates"]
        .filter(
            pl.col("level") == "kabupaten", pl.col("indicator") == "P0", pl.col("basis") == "BPS_GK"
        )
        .row(0, named=True)
    )
    assert p0["Nilai"] == pytest.approx(expected["value"])
    assert p0["Galat baku"] == pytest.approx(expected["se"])
    assert p0["KK (%)"] == pytest.approx(expected["cv"] * 100)
    assert p0["Keandalan"] in ("andal", "hati-hati", "tidak andal")
    gini = next(r for r in records if r["Ukuran"].startswith("Rasio Gini"))
    assert gini["Galat baku"] > 0
    palma = next(r for r in records if r["Ukuran"] == "Rasio Palma")
    assert palma["Galat baku"] > 0 and palma["Keandalan"] in ("andal", "hati-hati", "tidak andal")


def test_kecamatan_map_sheet_flags_every_estimate_as_model_based(
    exported: tuple[StatsRun, StatsFiles],
) -> None:
    run, files = exported
    rows = _sheet(files.workbook, "Peta kecamatan")
    column = rows[1].index("Jenis perkiraan")
    flags = [row[column] for row in rows[2:] if any(cell != "" for cell in row)]
    assert len(flags) == run.tables["small_areas"].height
    assert set(flags) == {"berbasis model"}


def test_summary_states_the_lines_and_the_headline_with_its_interval(
    exported: tuple[StatsRun, StatsFiles],
) -> None:
    _, files = exported
    text = " ".join(str(cell) for row in _sheet(files.workbook, "Ringkasan") for cell in row)
    assert "gk_52.05_2024-03_total" in text and "ext_usd190_00_2021-03" in text
    assert "P0 (BPS_GK)" in text and "SK 95%" in text
    assert "Rp469.647/kapita/bulan" in text  # Dompu's GK, written the Indonesian way


def test_charts_come_as_png_and_offline_html(exported: tuple[StatsRun, StatsFiles]) -> None:
    _, files = exported
    names = sorted(path.name for path in files.charts)
    assert names == sorted(
        f"{chart}.{kind}"
        for chart in ("peta_kecamatan", "lintasan_p0_percent", "lintasan_extreme_percent")
        for kind in ("png", "html")
    )
    for path in files.charts:
        assert path.exists() and path.stat().st_size > 1000
        if path.suffix == ".png":
            assert path.read_bytes()[:4] == b"\x89PNG"
        else:
            html = path.read_text(encoding="utf-8")
            assert "plotly.min.js" in html and "cdn.plot.ly" not in html
    assert (files.folder / "plotly.min.js").exists()
    trajectory = (files.folder / "lintasan_p0_percent.html").read_text(encoding="utf-8")
    assert "Lintasan yang dibutuhkan" in trajectory and "Target 2029" in trajectory


def test_a_failed_export_leaves_no_half_written_folder(
    surveyed: DataHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = poverty_statistics(surveyed, line_ids=LINES)

    def broken(*args: object, **kwargs: object) -> Path:
        raise OSError("disk full")

    monkeypatch.setattr(export, "write_html", broken)
    with pytest.raises(OSError):
        export_stats(surveyed, run)
    folder = surveyed.root / "reports" / "statistik"
    assert not (folder / run.run_id).exists()
    assert not list(folder.glob(".*partial"))
