"""Compute the poverty statistics of a survey snapshot and write ``stats/<run_id>/``.

For each line basis (never mixed): P0, P1, P2, the number of poor and inequality
for the regency, urban/rural and each kecamatan, with design-based standard
errors; a Fay–Herriot estimate of P0 for every kecamatan of the regency,
sampled or not, using the latest diagnosis' registry aggregates as covariates;
and the progress to the regency's targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from sinergi import __version__
from sinergi.domain import wilayah
from sinergi.errors import PipelineError
from sinergi.lake.home import (
    SNAPSHOT_DATA,
    DataHome,
    current_user,
    latest_run_folder,
    write_run,
)
from sinergi.pipeline.stages import Stage, StageTimer
from sinergi.pipeline.stats.fay_herriot import fit_fay_herriot, mse_to_cv
from sinergi.pipeline.stats.lines import LineChoice, choose_lines, line_per_household, lines_by_id
from sinergi.pipeline.stats.poverty import poverty_table
from sinergi.pipeline.stats.targets import progress

STAGES = ("Membaca survei", "Menghitung angka langsung", "Model area kecil", "Menulis hasil")
# The registry share that predicts a kecamatan's poverty rate (from `sinergi diagnose`); one
# covariate, since a regency has only a handful of kecamatan to estimate it from.
COVARIATES = ("extreme_poor_share",)


@dataclass(frozen=True)
class StatsRun:
    run_id: str
    folder: Path
    survey: dict[str, Any]
    lines: list[LineChoice]
    tables: dict[str, pl.DataFrame]
    seconds: dict[str, float]


def poverty_statistics(
    home: DataHome,
    *,
    survey: str | None = None,
    line_ids: list[str] | None = None,
    by: list[str] | None = None,
    user: str | None = None,
    stage: Stage | None = None,
) -> StatsRun:
    """Estimate poverty from the survey snapshot ``survey`` (an import id; default: latest)."""
    timer = StageTimer(stage, "stats")
    with timer("Membaca survei"):
        manifest, households = _survey(home, survey)
        regency = _regency(households)
        lines = lines_by_id(line_ids) if line_ids else choose_lines(regency, manifest["period"])
        households = households.with_columns(
            district=pl.col("area_code").str.slice(0, 8),
            urban=pl.col("urban").fill_null("tidak diketahui"),
        )
    with timer("Menghitung angka langsung"):
        direct = pl.concat(
            [_direct(households, choice, by or []) for choice in lines], how="diagonal_relaxed"
        )
    with timer("Model area kecil"):
        small_areas = _small_areas(home, regency, direct, lines[0])
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    survey_year = int(str(manifest["period"])[:4])
    tables = {
        "estimates": direct,
        "small_areas": small_areas,
        "targets": progress(direct, regency, survey_year),
    }
    with timer("Menulis hasil"):
        folder = write_run(
            home,
            "stats",
            run_id,
            tables,
            {
                "run_id": run_id,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "user": user or current_user(),
                "sinergi_version": __version__,
                "survey": {k: manifest[k] for k in ("import_id", "source", "period", "file")},
                "regency": regency,
                "lines": {c.basis: [line.line_id for line in c.lines] for c in lines},
                "counts": {name: table.height for name, table in tables.items()},
            },
        )
    return StatsRun(run_id, folder, manifest, lines, tables, timer.seconds)


def _survey(home: DataHome, import_id: str | None) -> tuple[dict[str, Any], pl.DataFrame]:
    surveys = [m for m in home.manifests() if m.get("contract") == "survey_household"]
    if import_id is not None:
        surveys = [m for m in surveys if m["import_id"] == import_id]
    if not surveys:
        wanted = f"dengan id impor {import_id} " if import_id else ""
        raise PipelineError(
            f"Belum ada data survei rumah tangga {wanted}di {home.root}. Impor berkas survei "
            "(gaya SUSENAS) dengan `sinergi import` lebih dulu.",
            english=f"No survey_household snapshot {import_id or ''} under {home.root}",
            code="NO_SURVEY",
        )
    manifest = max(surveys, key=lambda m: (m["period"], m["imported_at"]))
    folder = home.snapshot_dir(manifest["source"], manifest["period"], manifest["import_id"])
    return manifest, pl.read_parquet(folder / SNAPSHOT_DATA)


def _regency(households: pl.DataFrame) -> str:
    regencies = households["area_code"].drop_nulls().str.slice(0, 5).unique().to_list()
    if len(regencies) != 1:
        raise PipelineError(
            "Survei harus berasal dari satu kabupaten/kota; berkas ini memuat "
            f"{len(regencies)} ({', '.join(sorted(regencies)[:5])}).",
            english=f"The survey must cover one regency; found {regencies[:5]}",
            code="SURVEY_REGENCIES",
        )
    return str(regencies[0])


def _direct(households: pl.DataFrame, choice: LineChoice, by: list[str]) -> pl.DataFrame:
    """Direct estimates on one basis: regency, urban/rural, kecamatan and the user's groups."""
    frame = households.with_columns(line=line_per_household(households, choice))
    parts = []
    for level, groups in (("kabupaten", []), ("perkotaan", ["urban"]), ("kecamatan", ["district"])):
        table = poverty_table(frame, by=groups)
        if groups:
            table = table.filter(pl.col(groups[0]).is_not_null())
        parts.append(
            table.with_columns(
                level=pl.lit(level),
                group=pl.col(groups[0]).cast(pl.String) if groups else pl.lit(None, pl.String),
            ).drop(groups)
        )
    if by:
        table = poverty_table(frame, by=by).filter(pl.col(by[0]).is_not_null())
        parts.append(
            table.with_columns(
                level=pl.lit("+".join(by)),
                group=pl.concat_str([pl.col(c).cast(pl.String) for c in by], separator=" / "),
            ).drop(by)
        )
    return pl.concat(parts, how="vertical_relaxed").with_columns(
        basis=pl.lit(choice.basis), lines=pl.lit(choice.ids())
    )


def _small_areas(
    home: DataHome, regency: str, direct: pl.DataFrame, choice: LineChoice
) -> pl.DataFrame:
    """Fay–Herriot P0 for every kecamatan of the regency on the first basis.

    Kecamatan whose direct P0 has no sampling variance (no poor household in the
    sample, or a single PSU) cannot inform the model and are treated as unsampled.
    """
    districts = [area.code for area in wilayah.children(regency)]
    p0 = direct.filter(
        pl.col("basis") == choice.basis,
        pl.col("level") == "kecamatan",
        pl.col("indicator") == "P0",
    ).select(pl.col("group").alias("district"), "value", "se", "n_households")
    frame = (
        pl.DataFrame({"district": districts})
        .join(p0, on="district", how="left")
        .join(_registry_covariates(home, districts), on="district", how="left")
    )
    covariates = [c for c in COVARIATES if c in frame.columns and frame[c].null_count() == 0]
    x = np.column_stack(
        [np.ones(frame.height), *(frame[c].to_numpy().astype(float) for c in covariates)]
    )
    sampled = (frame["se"].fill_null(0) > 0).to_numpy()
    fit = fit_fay_herriot(
        frame["value"].fill_null(np.nan).to_numpy(),
        (frame["se"].fill_null(np.nan) ** 2).to_numpy(),
        x,
        sampled=sampled,
    )
    return frame.select(
        "district",
        pl.Series("district_name", [_name(code) for code in districts]),
        pl.lit(choice.basis).alias("basis"),
        pl.col("value").alias("direct"),
        pl.col("se").alias("direct_se"),
        "n_households",
        pl.Series("sampled", sampled),
        pl.Series("estimate", fit.estimate),
        pl.Series("rmse", np.sqrt(fit.mse)),
        pl.Series("cv", mse_to_cv(fit.estimate, fit.mse)),
        pl.Series("model_based", fit.model_based),
        pl.lit(", ".join(["intercept", *covariates])).alias("covariates"),
        pl.lit(float(fit.sigma2_u)).alias("sigma2_u"),
    ).sort("estimate", descending=True)


def _registry_covariates(home: DataHome, districts: list[str]) -> pl.DataFrame:
    """Kecamatan shares from the latest diagnosis, or no covariates without one."""
    folder = latest_run_folder(home, "diagnostics")
    if folder is None:
        return pl.DataFrame({"district": districts})
    areas = pl.read_parquet(folder / "areas.parquet")
    return areas.filter(pl.col("level") == "kecamatan").select(
        pl.col("area_code").alias("district"), *(c for c in COVARIATES if c in areas.columns)
    )


def _name(code: str) -> str:
    area = wilayah.find(code)
    return area.name if area else code
