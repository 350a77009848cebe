"""Compute the poverty statistics of a survey snapshot and write ``stats/<run_id>/``.

For each line basis (never mixed): P0, P1, P2, the number of poor and inequality
for the regency, urban/rural and each kecamatan, with design-based standard
errors; a Fay–Herriot estimate of P0 for every kecamatan of the regency,
sampled or not, using the latest diagnosis' registry aggregates as covariates;
the regency's figures in every earlier survey round (the trajectory), the change
since one earlier round with its significance, and the progress to the
regency's targets.
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
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.stages import Stage, StageTimer
from sinergi.pipeline.stats.design import Estimate, difference
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
    regency: str
    compared_with: dict[str, str] | None  # import_id and period of the earlier round
    lines: list[LineChoice]
    tables: dict[str, pl.DataFrame]
    seconds: dict[str, float]


def poverty_statistics(
    home: DataHome,
    *,
    survey: str | None = None,
    compare: str | None = None,
    line_ids: list[str] | None = None,
    by: list[str] | None = None,
    user: str | None = None,
    stage: Stage | None = None,
) -> StatsRun:
    """Estimate poverty from the survey snapshot ``survey`` (an import id; default: latest).

    ``compare`` names the earlier survey round the change is measured from
    (default: the latest round of an earlier period, if any).
    """
    timer = StageTimer(stage, "stats")
    with timer("Membaca survei"):
        manifests = _survey_manifests(home)
        manifest = _pick(manifests, survey, home)
        households = _households(home, manifest)
        regency = _regency(households)
        lines = lines_by_id(line_ids) if line_ids else choose_lines(regency, manifest["period"])
        rounds = _earlier_rounds(home, manifests, manifest, regency)
        before = _compared_round(rounds, compare, manifest)
    with timer("Menghitung angka langsung"):
        direct = _estimates(households, lines, by or [])
        earlier = [
            (m, _estimates(frame, _same_bases(regency, m["period"], lines), by or []))
            for m, frame in rounds
        ]
    with timer("Model area kecil"):
        small_areas = _small_areas(home, regency, direct, lines[0])
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    compared_with = (
        {k: rounds[before][0][k] for k in ("import_id", "period")} if before is not None else None
    )
    survey_year = int(str(manifest["period"])[:4])
    tables = {
        "estimates": direct,
        "small_areas": small_areas,
        "history": _history([*earlier, (manifest, direct)]),
        "changes": _changes((manifest, direct), earlier[before] if before is not None else None),
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
                "compared_with": compared_with,
                "counts": {name: table.height for name, table in tables.items()},
            },
        )
    return StatsRun(run_id, folder, manifest, regency, compared_with, lines, tables, timer.seconds)


def import_survey(home: DataHome, path: Path) -> str:
    """Import a survey file given to `sinergi stats` (as `sinergi import` would) and return its
    import id; the snapshot and any quarantined rows stay in the data folder."""
    outcomes = import_files([path], home=home)
    for outcome in outcomes:
        if outcome.manifest and outcome.manifest.get("contract") == "survey_household":
            return str(outcome.manifest["import_id"])
    reasons = "; ".join(o.message for o in outcomes) or "tidak ada lembar data"
    raise PipelineError(
        f"Berkas {path} tidak bisa dipakai sebagai data survei rumah tangga: {reasons}",
        english=f"{path} gave no survey_household snapshot: "
        + "; ".join(o.message_en for o in outcomes),
        code="NOT_A_SURVEY",
    )


def _survey_manifests(home: DataHome) -> list[dict[str, Any]]:
    """Every survey snapshot, oldest first."""
    surveys = [m for m in home.manifests() if m.get("contract") == "survey_household"]
    return sorted(surveys, key=lambda m: (m["period"], m["imported_at"]))


def _pick(surveys: list[dict[str, Any]], import_id: str | None, home: DataHome) -> dict[str, Any]:
    """The snapshot with ``import_id``, or the latest one."""
    chosen = [m for m in surveys if import_id is None or m["import_id"] == import_id]
    if not chosen:
        wanted = f"dengan id impor {import_id} " if import_id else ""
        raise PipelineError(
            f"Belum ada data survei rumah tangga {wanted}di {home.root}. Impor berkas survei "
            "(gaya SUSENAS) dengan `sinergi import` lebih dulu.",
            english=f"No survey_household snapshot {import_id or ''} under {home.root}",
            code="NO_SURVEY",
        )
    return chosen[-1]


def _households(home: DataHome, manifest: dict[str, Any]) -> pl.DataFrame:
    folder = home.snapshot_dir(manifest["source"], manifest["period"], manifest["import_id"])
    return pl.read_parquet(folder / SNAPSHOT_DATA).with_columns(
        district=pl.col("area_code").str.slice(0, 8),
        urban=pl.col("urban").fill_null("tidak diketahui"),
    )


def _earlier_rounds(
    home: DataHome, surveys: list[dict[str, Any]], current: dict[str, Any], regency: str
) -> list[tuple[dict[str, Any], pl.DataFrame]]:
    """The latest snapshot of every earlier survey period of the same regency, oldest first."""
    latest_per_period = {m["period"]: m for m in surveys if m["period"] < current["period"]}
    rounds = [(m, _households(home, m)) for m in latest_per_period.values()]
    return [(m, frame) for m, frame in rounds if _regencies(frame) == [regency]]


def _compared_round(
    rounds: list[tuple[dict[str, Any], pl.DataFrame]],
    import_id: str | None,
    current: dict[str, Any],
) -> int | None:
    """Which earlier round the change is measured from: the one named, else the latest."""
    if import_id is None:
        return len(rounds) - 1 if rounds else None
    for index, (manifest, _) in enumerate(rounds):
        if manifest["import_id"] == import_id:
            return index
    raise PipelineError(
        f"Survei pembanding {import_id} tidak ditemukan di antara survei kabupaten yang sama "
        f"dari periode sebelum {current['period']} (untuk tiap periode dipakai impor terakhirnya).",
        english=f"Comparison survey {import_id} is not an earlier round of the same regency",
        code="COMPARE_NOT_EARLIER",
    )


def _same_bases(regency: str, period: str, lines: list[LineChoice]) -> list[LineChoice]:
    """An earlier round's own lines (each year has its GK), on the bases of this run."""
    return choose_lines(regency, period, bases=[choice.basis for choice in lines])


def _history(rounds: list[tuple[dict[str, Any], pl.DataFrame]]) -> pl.DataFrame:
    """The regency's figures in every survey round: the trajectory behind the target charts."""
    return pl.concat(
        [
            estimates.filter(pl.col("level") == "kabupaten").with_columns(
                period=pl.lit(manifest["period"]), import_id=pl.lit(manifest["import_id"])
            )
            for manifest, estimates in rounds
        ],
        how="diagonal_relaxed",
    )


def _changes(
    now: tuple[dict[str, Any], pl.DataFrame],
    before: tuple[dict[str, Any], pl.DataFrame] | None,
) -> pl.DataFrame:
    """Each figure's change since the earlier round, and whether it is significant.

    Rounds are independent samples, so the variances add (`design.difference`).
    Figures without a standard error (Gini, Palma, ...) are left out.
    """
    if before is None:
        return pl.DataFrame(schema=_CHANGES_SCHEMA)
    keys = ["basis", "level", "group", "indicator"]
    joined = (
        now[1]
        .join(before[1], on=keys, how="inner", suffix="_before", nulls_equal=True)
        .filter(pl.col("se").is_not_null(), pl.col("se_before").is_not_null())
    )
    rows = []
    for row in joined.iter_rows(named=True):
        change, significant = difference(_estimate(row, ""), _estimate(row, "_before"))
        rows.append(
            {key: row[key] for key in keys}
            | {
                "period_before": before[0]["period"],
                "value_before": row["value_before"],
                "period": now[0]["period"],
                "value": row["value"],
                "change": change.value,
                "se": change.se,
                "ci_low": change.ci_low,
                "ci_high": change.ci_high,
                "df": change.df,
                "significant": significant,
                "lines_before": row["lines_before"],
                "lines": row["lines"],
            }
        )
    return pl.DataFrame(rows, schema=_CHANGES_SCHEMA)


def _estimate(row: dict[str, Any], suffix: str) -> Estimate:
    return Estimate(
        value=row["value" + suffix],
        se=row["se" + suffix],
        ci_low=row["ci_low" + suffix],
        ci_high=row["ci_high" + suffix],
        cv=row["cv" + suffix],
        df=row["df" + suffix],
        n=row["n_households" + suffix],
        reliability=row["reliability" + suffix],
    )


_CHANGES_SCHEMA = {
    "basis": pl.String,
    "level": pl.String,
    "group": pl.String,
    "indicator": pl.String,
    "period_before": pl.String,
    "value_before": pl.Float64,
    "period": pl.String,
    "value": pl.Float64,
    "change": pl.Float64,
    "se": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "df": pl.Int64,
    "significant": pl.Boolean,
    "lines_before": pl.String,
    "lines": pl.String,
}


def _regencies(households: pl.DataFrame) -> list[str]:
    return sorted(households["area_code"].drop_nulls().str.slice(0, 5).unique().to_list())


def _regency(households: pl.DataFrame) -> str:
    regencies = _regencies(households)
    if len(regencies) != 1:
        raise PipelineError(
            "Survei harus berasal dari satu kabupaten/kota; berkas ini memuat "
            f"{len(regencies)} ({', '.join(regencies[:5])}).",
            english=f"The survey must cover one regency; found {regencies[:5]}",
            code="SURVEY_REGENCIES",
        )
    return str(regencies[0])


def _estimates(households: pl.DataFrame, lines: list[LineChoice], by: list[str]) -> pl.DataFrame:
    """Direct estimates on every basis, one after the other (bases are never mixed)."""
    return pl.concat([_direct(households, choice, by) for choice in lines], how="diagonal_relaxed")


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
        pl.Series("district_name", [wilayah.name_or_code(code) for code in districts]),
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
