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

from dataclasses import dataclass, field
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
from sinergi.pipeline.ingest.reasons import REASONS
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.stages import Stage, StageTimer
from sinergi.pipeline.stats.design import Estimate, difference
from sinergi.pipeline.stats.fay_herriot import fit_fay_herriot, mse_to_cv
from sinergi.pipeline.stats.lines import (
    LineCatalogue,
    LineChoice,
    carry_lines,
    choose_lines,
    line_catalogue,
    line_per_household,
    lines_by_id,
    period_key,
)
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
    # Survey rows the import quarantined, which no figure counts: {"count", "of", "file",
    # "rows": [{"row", "reason"}, ...]} (the first few), or None when there were none.
    quarantined: dict[str, Any] | None = None
    # What was left out of the comparison with earlier rounds, and why (Bahasa Indonesia).
    notes: list[str] = field(default_factory=list)


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
        source = _Source.of(manifest)
        _check_households(households, source)
        regency = _regency(households)
        catalogue = line_catalogue(home)
        lines = (
            lines_by_id(line_ids, catalogue)
            if line_ids
            else choose_lines(regency, manifest["period"], catalogue=catalogue)
        )
        rounds = _earlier_rounds(home, manifests, manifest, regency)
        before = _compared_round(rounds, compare, manifest)
    with timer("Menghitung angka langsung"):
        direct = _estimates(households, lines, by or [], source)
        earlier = []
        notes = list(catalogue.set_aside)
        for m, frame in rounds:
            carried, left_out = _same_bases(m["period"], lines, catalogue)
            notes += left_out
            if carried:
                _check_households(frame, _Source.of(m))
                earlier.append((m, _estimates(frame, carried, by or [], _Source.of(m))))
            elif before is not None and m is rounds[before][0]:
                before = None  # nothing of it can be compared
        if before is not None:
            before = [m for m, _ in earlier].index(rounds[before][0])
    with timer("Model area kecil"):
        small_areas = _small_areas(home, regency, direct, lines[0])
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    compared_with = (
        {k: earlier[before][0][k] for k in ("import_id", "period")} if before is not None else None
    )
    survey_year = period_key(str(manifest["period"]))[0]
    quarantined = _quarantined(home, manifest)
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
                "quarantined": quarantined,
                "notes": notes,
            },
        )
    return StatsRun(
        run_id,
        folder,
        manifest,
        regency,
        compared_with,
        lines,
        tables,
        timer.seconds,
        quarantined,
        notes,
    )


def run_warnings(run: StatsRun) -> list[str]:
    """What a reader of the figures must know (Bahasa Indonesia): survey rows the import
    quarantined, which the figures leave out, and rounds left out of the comparison."""
    said = []
    if run.quarantined:
        q = run.quarantined
        rows = "; ".join(f"baris {r['row']}: {r['reason']}" for r in q["rows"][:5])
        more = ", ..." if q["count"] > len(q["rows"][:5]) else ""
        said.append(
            f"{q['count']} dari {q['of']} baris {q['file']} dikarantina saat impor dan tidak "
            f"ikut dihitung ({rows}{more}). Angka ini memakai {q['used']} baris "
            "lainnya; perbaiki baris itu lalu impor ulang (lihat laporan impor)."
        )
    return said + run.notes


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
    return sorted(surveys, key=lambda m: (period_key(m["period"]), m["imported_at"]))


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
    now = period_key(current["period"])
    latest_per_period = {
        period_key(m["period"]): m for m in surveys if period_key(m["period"]) < now
    }
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


def _same_bases(
    period: str, lines: list[LineChoice], catalogue: LineCatalogue
) -> tuple[list[LineChoice], list[str]]:
    """An earlier round's lines: this run's lines (named or chosen), the GK that year's.

    Returns the lines, and a note for each basis left out because that year has no GK of
    the same area and area types: a change measured on another area's line would mix a
    change in poverty with a change of line.
    """
    carried, notes = [], []
    for choice in lines:
        line = carry_lines(choice, period, catalogue)
        if line is None:
            notes.append(
                f"Survei {period} tidak dibandingkan pada basis {choice.basis}: tidak ada garis "
                f"tahun {period_key(period)[0]} untuk wilayah dan jenis yang sama dengan "
                f"{choice.ids()}."
            )
        else:
            carried.append(line)
    return carried, notes


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
    Figures without a standard error in either round are left out.
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


def _estimates(
    households: pl.DataFrame, lines: list[LineChoice], by: list[str], source: _Source
) -> pl.DataFrame:
    """Direct estimates on every basis, one after the other (bases are never mixed)."""
    return pl.concat(
        [_direct(households, choice, by, source) for choice in lines], how="diagonal_relaxed"
    )


def _direct(
    households: pl.DataFrame, choice: LineChoice, by: list[str], source: _Source
) -> pl.DataFrame:
    """Direct estimates on one basis: regency, urban/rural, kecamatan and the user's groups."""
    line = line_per_household(households, choice, where=source.file, column=source.column("urban"))
    frame = households.with_columns(line=line)
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


@dataclass(frozen=True)
class _Source:
    """The survey file as its user knows it: its name and its column for each field."""

    file: str
    columns: dict[str, str]

    @classmethod
    def of(cls, manifest: dict[str, Any]) -> _Source:
        file = manifest.get("file") or {}
        name = file.get("name") if isinstance(file, dict) else None
        return cls(str(name or manifest.get("import_id", "survei")), manifest.get("columns") or {})

    def column(self, name: str) -> str:
        return str(self.columns.get(name, name))


def _check_households(households: pl.DataFrame, source: _Source) -> None:
    """Refuse, naming the file, rows and column, what the estimators cannot measure.

    The estimators see arrays; their own errors could only count positions in them. Here
    each bad value is told by the file's row (``_row``) and the file's column name.
    """
    checks = [
        ("weight", pl.col("weight").is_null() | (pl.col("weight") <= 0),
         "bobot harus angka lebih dari nol"),
        ("household_size", pl.col("household_size").is_null() | (pl.col("household_size") <= 0),
         "jumlah anggota rumah tangga harus 1 atau lebih"),
        ("expenditure_per_capita", pl.col("expenditure_per_capita").is_null()
         | (pl.col("expenditure_per_capita") < 0),
         "pengeluaran per kapita harus angka nol atau lebih"),
        ("stratum", pl.col("stratum").is_null(), "setiap rumah tangga harus punya strata"),
        ("psu", pl.col("psu").is_null(), "setiap rumah tangga harus punya PSU"),
    ]  # fmt: skip
    for name, bad, reason in checks:
        rows = households.filter(bad)
        if rows.height:
            raise PipelineError(
                f"{source.file}, kolom '{source.column(name)}': {reason}; "
                f"{rows.height} rumah tangga tidak memenuhi (baris {_rows_text(rows)}). "
                "Perbaiki berkasnya lalu impor ulang.",
                english=f"{source.file}, column {source.column(name)!r}: {rows.height} "
                f"households fail: {name} (rows {_rows_text(rows)})",
                code="STATS_BAD_WEIGHT" if name == "weight" else "STATS_BAD_VALUES",
            )
    shared = (
        households.group_by("psu")
        .agg(pl.col("stratum").n_unique().alias("strata"))
        .filter(pl.col("strata") > 1)
    )
    if shared.height:
        psu = shared["psu"].sort()[0]
        rows = households.filter(pl.col("psu") == psu)
        raise PipelineError(
            f"{source.file}: PSU '{psu}' (kolom '{source.column('psu')}') muncul di lebih dari "
            f"satu strata (kolom '{source.column('stratum')}'; baris {_rows_text(rows)}). "
            "Satu PSU hanya boleh di satu strata: perbaiki kolom strata/PSU lalu impor ulang.",
            english=f"{source.file}: PSU {psu!r} appears in more than one stratum",
            code="STATS_PSU_NOT_NESTED",
        )


def _rows_text(rows: pl.DataFrame, shown: int = 5) -> str:
    """The file rows of ``rows``, the first few: ``4, 9, 12, ...``."""
    if "_row" not in rows.columns:
        return "?"
    numbers = [str(r) for r in rows["_row"].head(shown).to_list()]
    return ", ".join(numbers) + (", ..." if rows.height > shown else "")


def _quarantined(home: DataHome, manifest: dict[str, Any]) -> dict[str, Any] | None:
    """The survey rows the import put in quarantine, which no figure counts, told briefly."""
    counts = manifest.get("counts") or {}
    count = int(counts.get("quarantined") or 0)
    if not count:
        return None
    source = _Source.of(manifest)
    rows: list[dict[str, Any]] = []
    path = manifest.get("quarantine")
    if path and (home.root / path).exists():
        frame = pl.read_parquet(home.root / path, columns=["_row", "_reasons"]).sort("_row")
        for record in frame.head(10).iter_rows(named=True):
            rows.append({"row": record["_row"], "reason": _reason_text(record["_reasons"], source)})
    return {"count": count, "of": int(counts.get("rows_read") or 0),
            "used": int(counts.get("accepted") or 0), "file": source.file,
            "rows": rows}  # fmt: skip


def _reason_text(reasons: list[dict[str, Any]], source: _Source) -> str:
    """One quarantined row's reasons: the column, what it held and why (Bahasa Indonesia)."""
    # The field warnings say what was wrong with the value ("abc" is no number); the
    # quarantine reason only that a required value is missing, so the warnings come first.
    ordered = sorted(reasons, key=lambda r: r["text"] is None)
    parts, told = [], set()
    for reason in ordered:
        field_ = reason.get("field")
        if field_ in told:
            continue  # the value's own warning already says why the field is missing
        known = REASONS.get(reason["code"])
        why = known.message.split(";")[0].split(". ")[0] if known else reason["code"]
        why = why[:1].lower() + why[1:]
        column = f"kolom '{source.column(field_)}'" if field_ else ""
        text = f" berisi '{reason['text']}'" if reason.get("text") is not None else ""
        parts.append(f"{column}{text}: {why}" if column else why)
        if reason.get("text") is not None:
            told.add(field_)
    return "; ".join(dict.fromkeys(parts))
