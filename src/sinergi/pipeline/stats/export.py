"""Export a stats run for people: the XLSX of figures and the charts, as PNG and as HTML.

Everything goes to ``reports/statistik/<run_id>/``, written as one folder so a
failure leaves nothing half-made: ``statistik_kemiskinan.xlsx``, the kecamatan
map chart and one trajectory chart per target indicator, each as a PNG (for
documents) and an interactive HTML page (plotly.min.js beside it, no CDN).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from sinergi.domain import wilayah
from sinergi.lake.home import DataHome, write_atomically
from sinergi.pipeline.stats.design import CAUTION_RSE, RELIABLE_RSE
from sinergi.pipeline.stats.run import StatsRun, run_warnings
from sinergi.pipeline.stats.targets import INDICATORS as TARGET_INDICATORS
from sinergi.pipeline.stats.targets import on_basis
from sinergi.reports.charts import Chart, Series, write_html, write_png
from sinergi.reports.formats import id_decimal, id_number
from sinergi.reports.stats_workbook import write_stats_workbook

WORKBOOK = "statistik_kemiskinan.xlsx"
INDICATOR_LABELS = {
    "P0": "P0 – persentase penduduk miskin (%)",
    "P1": "P1 – indeks kedalaman kemiskinan",
    "P2": "P2 – indeks keparahan kemiskinan",
    "poor_persons": "Jumlah penduduk miskin (jiwa)",
    "gini": "Rasio Gini (0–1)",
    "palma": "Rasio Palma",
    "bottom40_share": "Porsi pengeluaran 40% terbawah (0–1)",
}
TARGET_LABELS = {
    "p0_percent": "Persentase penduduk miskin",
    "extreme_percent": "Kemiskinan ekstrem",
}
RELIABILITY_LABELS = {"reliable": "andal", "caution": "hati-hati", "unreliable": "tidak andal"}
LEVEL_LABELS = {"kabupaten": "kabupaten", "perkotaan": "perkotaan/perdesaan"}
GROUP_LABELS = {"urban": "perkotaan", "rural": "perdesaan"}
COLUMN_LABELS = {
    "basis": "Basis garis",
    "lines": "Garis kemiskinan",
    "lines_before": "Garis periode awal",
    "level": "Tingkat",
    "group": "Wilayah / kelompok",
    "indicator": "Ukuran",
    "value": "Nilai",
    "se": "Galat baku",
    "ci_low": "Batas bawah SK 95%",
    "ci_high": "Batas atas SK 95%",
    "cv_percent": "KK (%)",
    "reliability": "Keandalan",
    "df": "Derajat bebas",
    "n_households": "Rumah tangga sampel",
    "district": "Kode kecamatan",
    "district_name": "Kecamatan",
    "direct": "P0 langsung (%)",
    "direct_se": "Galat baku langsung",
    "sampled": "Ada sampel",
    "estimate": "Perkiraan",
    "rmse": "Akar MSE (Prasad–Rao)",
    "model": "Jenis perkiraan",
    "covariates": "Kovariat",
    "sigma2_u": "Varians efek area",
    "period": "Periode",
    "period_before": "Periode awal",
    "value_before": "Nilai awal",
    "change": "Perubahan",
    "significant": "Signifikan (5%)",
    "area_code": "Wilayah target",
    "year": "Tahun target",
    "bound": "Target",
    "gap_points": "Selisih (poin)",
    "years_left": "Sisa tahun",
    "reduction_per_year": "Penurunan per tahun (poin)",
    "met": "Tercapai",
    "clearly_above": "Jelas di atas target",
    "source": "Sumber",
    "grade": "Mutu sumber",
    "import_id": "ID impor",
}


@dataclass(frozen=True)
class StatsFiles:
    folder: Path
    workbook: Path
    charts: list[Path]


def export_stats(home: DataHome, run: StatsRun) -> StatsFiles:
    """Write the workbook and the charts of ``run``; returns where they are."""
    target = home.root / "reports" / "statistik" / run.run_id
    with write_atomically(target) as partial:
        partial.mkdir(parents=True)
        write_stats_workbook(
            partial / WORKBOOK,
            title=f"Statistik kemiskinan {wilayah.name_or_code(run.regency)} – "
            f"survei {run.survey['period']}",
            summary=summary_lines(run),
            tables=_sheets(run),
            column_labels=COLUMN_LABELS,
        )
        charts = []
        for name, chart in _charts(run).items():
            charts += [
                write_png(chart, partial / f"{name}.png"),
                write_html(chart, partial / f"{name}.html"),
            ]
    return StatsFiles(target, target / WORKBOOK, [target / path.name for path in charts])


def summary_lines(run: StatsRun) -> list[tuple[str, str]]:
    """The run in a few sentences: survey, lines, headline figures, change, method notes."""
    estimates = run.tables["estimates"]
    regency = estimates.filter(pl.col("level") == "kabupaten")
    lines = [
        ("Kabupaten/kota", f"{wilayah.name_or_code(run.regency)} ({run.regency})"),
        (
            "Survei",
            f"periode {run.survey['period']}, impor {run.survey['import_id']}, "
            f"{id_number(int(regency['n_households'][0]))} rumah tangga sampel",
        ),
    ]
    for choice in run.lines:
        lines.append(
            (
                f"Garis {choice.basis}",
                "; ".join(
                    f"{line.line_id} ({line.area_type}): Rp{id_number(int(line.value))}"
                    "/kapita/bulan"
                    for line in choice.lines
                ),
            )
        )
    for row in regency.filter(pl.col("indicator") == "P0").iter_rows(named=True):
        lines.append((f"P0 ({row['basis']})", _with_interval(row)))
    for row in (
        run.tables["changes"]
        .filter(pl.col("level") == "kabupaten", pl.col("indicator") == "P0")
        .iter_rows(named=True)
    ):
        verdict = "signifikan" if row["significant"] else "tidak signifikan (bisa karena sampel)"
        lines.append(
            (
                f"Perubahan P0 sejak {row['period_before']} ({row['basis']})",
                f"{id_decimal(row['change'], signed=True)} poin "
                f"(SK 95%: {id_decimal(row['ci_low'])} s.d. {id_decimal(row['ci_high'])}); "
                f"{verdict}",
            )
        )
    lines += [("Perhatian", warning) for warning in run_warnings(run)]
    lines += [
        (
            "Keandalan",
            f"KK (galat baku relatif) ≤ {RELIABLE_RSE:.0%} andal; ≤ {CAUTION_RSE:.0%} hati-hati, "
            "pakai dengan catatan; di atasnya tidak andal.",
        ),
        (
            "Metode",
            "Rasio FGT dengan bobot orang = bobot rumah tangga × jumlah anggota; galat baku "
            "linearisasi Taylor menurut strata dan PSU; SK 95% dengan derajat bebas PSU − strata. "
            "Peta kecamatan: model Fay–Herriot (REML, EBLUP, MSE Prasad–Rao), berbasis model.",
        ),
    ]
    return lines


def _with_interval(row: dict[str, Any]) -> str:
    """``14,17 (SK 95%: 10,25–18,09; KK 13,8%; andal)``"""
    cv = "-" if row["cv"] is None else id_decimal(row["cv"] * 100, 1)
    return (
        f"{id_decimal(row['value'])} (SK 95%: {id_decimal(row['ci_low'])}–"
        f"{id_decimal(row['ci_high'])}; KK {cv}%; {RELIABILITY_LABELS[row['reliability']]})"
    )


def _sheets(run: StatsRun) -> dict[str, tuple[str, pl.DataFrame]]:
    estimates = _readable(run.tables["estimates"])
    kecamatan = pl.col("level") == "kecamatan"
    changes = run.tables["changes"]
    return {
        "Angka kabupaten": (
            "Angka langsung survei untuk kabupaten, perkotaan/perdesaan dan kelompok pilihan.",
            estimates.filter(~kecamatan),
        ),
        "Kecamatan langsung": (
            "Angka langsung per kecamatan; sampel kecamatan kecil, perhatikan keandalannya.",
            estimates.filter(kecamatan),
        ),
        "Peta kecamatan": (
            "P0 (%) setiap kecamatan menurut model Fay–Herriot (berbasis model), termasuk "
            "kecamatan tanpa sampel.",
            run.tables["small_areas"]
            .with_columns(
                pl.when(pl.col("model_based"))
                .then(pl.lit("berbasis model"))
                .otherwise(pl.lit("langsung"))
                .alias("model"),
                cv_percent=pl.col("cv") * 100,
            )
            .drop("cv", "model_based"),
        ),
        "Perubahan": (
            "Perubahan sejak survei periode sebelumnya (sampel independen); signifikan bila "
            "SK 95% perubahan tidak memuat nol."
            if changes.height
            else "Belum ada survei periode sebelumnya untuk dibandingkan.",
            _readable(changes),
        ),
        "Riwayat": (
            "Angka kabupaten pada setiap putaran survei yang sudah diimpor.",
            _readable(run.tables["history"]),
        ),
        "Target": (
            "Kemajuan menuju target: selisih dan penurunan per tahun yang dibutuhkan.",
            run.tables["targets"].with_columns(pl.col("indicator").replace(TARGET_LABELS)),
        ),
    }


def _readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Indonesian labels for the coded columns of an estimates-like table."""
    frame = frame.with_columns(
        pl.col("indicator").replace(INDICATOR_LABELS),
        pl.col("level").replace(LEVEL_LABELS),
        pl.col("group").replace(GROUP_LABELS).map_elements(_area_label, return_dtype=pl.String),
    )
    if "cv" not in frame.columns:  # changes carry no CV or reliability of their own
        return frame
    return frame.with_columns(
        pl.col("reliability").replace(RELIABILITY_LABELS), cv_percent=pl.col("cv") * 100
    ).drop("cv")


def _charts(run: StatsRun) -> dict[str, Chart]:
    charts = {"peta_kecamatan": _kecamatan_chart(run)}
    for indicator in TARGET_INDICATORS:
        chart = _trajectory_chart(run, indicator)
        if chart is not None:
            charts[f"lintasan_{indicator}"] = chart
    return charts


def _kecamatan_chart(run: StatsRun) -> Chart:
    areas = run.tables["small_areas"].sort("estimate", descending=True)
    basis = areas["basis"][0]
    direct = run.tables["estimates"].filter(
        pl.col("basis") == basis, pl.col("level") == "kecamatan", pl.col("indicator") == "P0"
    )
    areas = areas.join(
        direct.select(pl.col("group").alias("district"), "ci_low", "ci_high"),
        on="district",
        how="left",
    )
    names = areas["district_name"].to_list()
    half = areas["rmse"] * 1.96
    return Chart(
        title=f"Persentase penduduk miskin per kecamatan, {wilayah.name_or_code(run.regency)} "
        f"({run.survey['period']}, {basis})",
        x_title="Kecamatan",
        y_title="P0 (%)",
        series=(
            Series(
                "Perkiraan model Fay–Herriot",
                names,
                areas["estimate"].to_list(),
                low=(areas["estimate"] - half).to_list(),
                high=(areas["estimate"] + half).to_list(),
                kind="bar",
            ),
            Series(
                "Angka langsung survei",
                names,
                areas["direct"].to_list(),
                low=areas["ci_low"].to_list(),
                high=areas["ci_high"].to_list(),
                kind="points",
            ),
        ),
        horizontal=True,
        note="Perkiraan berbasis model; garis galat = selang kepercayaan 95%. "
        "Kecamatan tanpa angka langsung tidak punya sampel yang cukup.",
    )


def _trajectory_chart(run: StatsRun, indicator: str) -> Chart | None:
    """The survey rounds with their 95% band, and the path the targets ask for."""
    history = (
        run.tables["history"]
        .filter(on_basis(indicator), pl.col("indicator") == "P0")
        .sort("period")
    )
    if history.is_empty():
        return None
    basis = history["basis"][0]
    history = history.filter(pl.col("basis") == basis)
    targets = run.tables["targets"].filter(pl.col("indicator") == indicator).sort("year")
    years = [_year(period) for period in history["period"]]
    observed = Series(
        f"Angka survei ({basis}) dan SK 95%",
        years,
        history["value"].to_list(),
        low=history["ci_low"].to_list(),
        high=history["ci_high"].to_list(),
        kind="line" if history.height > 1 else "points",
    )
    series = [observed]
    if targets.height:
        series.append(
            Series(
                "Lintasan yang dibutuhkan",
                [years[-1], *(_year(f"{year}-03") for year in targets["year"])],
                [history["value"][-1], *targets["target"]],
                kind="dashed",
            )
        )
    return Chart(
        title=f"{TARGET_LABELS[indicator]}, {wilayah.name_or_code(run.regency)}: "
        "capaian dan target",
        x_title="Tahun",
        y_title="Persen penduduk",
        series=tuple(series),
        guides=tuple(
            (
                row["target"],
                f"Target {row['year']}: {row['bound']}".replace(".", ",").replace("<=", "≤"),
            )
            for row in targets.iter_rows(named=True)
        ),
        note=f"Garis: {', '.join(history['lines'].unique().to_list())}. Pita/garis galat = "
        "selang kepercayaan 95% menurut rancangan sampel.",
    )


def _year(period: str) -> float:
    """A round's place on the time axis: March (SUSENAS's regency round) at the whole year,
    so ``2024-03`` is 2024 and ``2024-09`` is 2024.5."""
    year, _, month = period.partition("-")
    return int(year) + (int(month or 3) - 3) / 12


def _area_label(code: str | None) -> str | None:
    area = wilayah.find(code) if code and code[:1].isdigit() else None
    return f"{area.name} ({code})" if area else code
