"""The actuals beside the targets and the coverage aggregates, from reference data and the lake.

Aggregates only: nothing here returns a person or a family.

* **Rates** (``p0``, ``extreme``): the published series of the area in
  ``regency_poverty.csv`` and, for the regency a survey covers, the regency's
  figures in every round of the latest ``sinergi stats`` run (``history.parquet``,
  P0 on the BPS line for ``p0``, on an extreme line for ``extreme``). Rates on
  different poverty-line bases are never put in one series: the basis of the
  latest figure is kept, the others are set aside (:attr:`Series.left_out`).
* **Counts** (``extreme_unserved``, ``ats_children``, ``rtlh``): summed over the
  area's desa from each diagnosis run up to the latest, one figure per reference
  date (``as_of``), the latest run of a date winning. ``ats_children`` and ``rtlh``
  are the ``areas`` aggregates of the run; ``extreme_unserved`` (extreme-poor
  families on none of the imported beneficiary lists) is counted from its
  ``families`` table, the same families the complementarity view counts with 0
  programs.
* **Coverage**: per desa, the families on each imported list (``listed_<p>``) and,
  for programs without a list, the families eligible (``eligible_<p>``); and per
  desa the eligible and the extreme-poor families by the combination of listed
  programs they receive (:func:`combinations`).

Tables built from a run are kept per run folder (its path and modification time).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from sinergi.domain import reference
from sinergi.lake.home import DataHome, latest_run_folder
from sinergi.reports.formats import id_date
from sinergi.web import registry
from sinergi.web.progress.indicators import Indicator

log = logging.getLogger(__name__)

BPS_BASIS = "BPS_GK"  # P0 is always measured on BPS's own line (garis kemiskinan)
GROUP_ELIGIBLE = "layak"  # families eligible for at least one program with a list
GROUP_EXTREME = "ekstrem"  # extreme-poor families
GROUPS = (GROUP_ELIGIBLE, GROUP_EXTREME)


@dataclass(frozen=True)
class Actual:
    """One observed figure of an indicator for an area.

    Attributes:
        period: ``YYYY-MM`` (a survey or publication round) or ``YYYY-MM-DD`` (a
            diagnosis' reference date).
        basis: the poverty-line basis of a rate; None for a count.
        origin: ``bps`` (published), ``survei`` (``sinergi stats``) or ``diagnosis``.
        low, high: the 95% interval of a survey estimate.
    """

    period: str
    value: float
    basis: str | None
    source: str
    origin: str
    low: float | None = None
    high: float | None = None

    @property
    def year(self) -> int:
        return int(self.period[:4])


@dataclass(frozen=True)
class Series:
    """An indicator's actuals on one basis, oldest first, and those of other bases set aside."""

    points: tuple[Actual, ...]
    basis: str | None
    left_out: tuple[Actual, ...] = ()

    @property
    def latest(self) -> Actual | None:
        return self.points[-1] if self.points else None

    def first_before(self, year: int) -> Actual | None:
        """The oldest figure of a year before ``year``: the baseline when a target has none."""
        return next((p for p in self.points if p.year < year), None)


def series(entry: Indicator, area: str) -> Series:
    """The actuals of ``entry`` for ``area`` (the rules of this module)."""
    if entry.is_rate:
        found = sorted(
            [*_published(entry.actual, area), *_surveyed(entry.actual, area)],
            key=lambda a: (a.period, a.origin),
        )
        if not found:
            return Series((), None)
        basis = found[-1].basis
        return Series(
            tuple(a for a in found if a.basis == basis),
            basis,
            tuple(a for a in found if a.basis != basis),
        )
    return Series(tuple(_diagnosed(entry.actual, area)), None)


def _published(actual: str, area: str) -> list[Actual]:
    found = []
    for row in reference.regency_poverty(area_code=area):
        source = row.source  # the grade is the reference file's own bookkeeping, not shown
        if actual == "p0" and row.p0_percent is not None:
            found.append(Actual(row.period, row.p0_percent, BPS_BASIS, source, "bps"))
        if actual == "extreme" and row.extreme_percent is not None:
            found.append(Actual(row.period, row.extreme_percent, row.extreme_basis, source, "bps"))
    return found


def _surveyed(actual: str, area: str) -> list[Actual]:
    """The regency's P0 in every survey round of the latest stats run, if it covers ``area``."""
    folder = latest_run_folder(_home(), "stats")
    if folder is None:
        return []
    manifest = _manifest(folder)
    if manifest.get("regency") != area:
        return []
    bps = pl.col("basis") == BPS_BASIS
    rows = _stats_history(folder).filter(
        pl.col("level") == "kabupaten",
        pl.col("indicator") == "P0",
        bps if actual == "p0" else ~bps,
    )
    survey = manifest.get("survey") or {}
    return [
        Actual(
            period=row["period"],
            value=row["value"],
            basis=row["basis"],
            source=f"Survei {survey.get('source', '')} {row['period']} (sinergi stats "
            f"{folder.name}, garis {row['lines']})",
            origin="survei",
            low=row["ci_low"],
            high=row["ci_high"],
        )
        for row in rows.sort("period").iter_rows(named=True)
        if row["value"] is not None
    ]


def _diagnosed(column: str, area: str) -> list[Actual]:
    found = []
    for folder, as_of in diagnosis_runs():
        inside = desa_counts(folder).filter(registry.within(area))
        if inside.is_empty():
            continue
        found.append(
            Actual(
                period=as_of.isoformat(),
                value=float(inside[column].sum()),
                basis=None,
                source=f"Diagnosis {folder.name} (data per {id_date(as_of)})",
                origin="diagnosis",
            )
        )
    return found


def diagnosis_runs() -> list[tuple[Path, date]]:
    """The diagnosis runs up to the latest, one per reference date (the latest run of it)."""
    try:
        latest = registry.run_folder()
    except registry.NoDiagnosis:
        return []
    by_date: dict[date, Path] = {}
    for folder in sorted(latest.parent.iterdir()):
        if folder.name.startswith(".") or folder.name > latest.name:
            continue
        manifest = _manifest(folder) if (folder / "manifest.json").is_file() else {}
        try:
            as_of = date.fromisoformat(str(manifest["as_of"]))
        except (KeyError, ValueError):
            continue
        by_date[as_of] = folder  # sorted by run id, so the latest run of a date wins
    return sorted(((folder, day) for day, folder in by_date.items()), key=lambda r: r[1])


def latest_desa_counts() -> pl.DataFrame:
    """:func:`desa_counts` of the latest diagnosis. Raises ``registry.NoDiagnosis``."""
    return desa_counts(registry.run_folder())


def desa_counts(folder: Path) -> pl.DataFrame:
    """Per desa of the run: ``extreme_unserved``, ``ats_children``, ``rtlh``, ``listed_<p>``
    for every program with a list, and ``eligible_<p>`` for every program without one."""
    return _desa_counts(str(folder), folder.stat().st_mtime_ns)


def combinations(folder: Path) -> pl.DataFrame:
    """Per desa, group, combination of listed programs received: the number of families.

    Columns ``area_code``, ``group`` (:data:`GROUPS`), ``combination`` (program ids
    joined by ``+``, empty for none), ``received`` (how many) and ``families``. A
    family eligible for a listed program and extreme poor counts in both groups.
    """
    return _combinations(str(folder), folder.stat().st_mtime_ns)


def listed_programs(folder: Path) -> list[str]:
    return list(_manifest(folder).get("listed_programs", []))


@lru_cache(maxsize=16)
def _desa_counts(folder: str, stamp: int) -> pl.DataFrame:
    run = Path(folder)
    listed = listed_programs(run)
    families = pl.scan_parquet(run / "families.parquet").filter(pl.col("area_code").is_not_null())
    columns = families.collect_schema().names()
    unlisted = [
        c.removeprefix("eligible_")
        for c in columns
        if c.startswith("eligible_") and c.removeprefix("eligible_") not in listed
    ]
    counted = families.group_by("area_code").agg(
        _count(pl.col("extreme_poor").fill_null(False) & (_received(listed) == 0)).alias(
            "extreme_unserved"
        ),
        *(_count(pl.col(f"receives_{p}").fill_null(False)).alias(f"listed_{p}") for p in listed),
        *(
            _count(pl.col(f"eligible_{p}").fill_null(False)).alias(f"eligible_{p}")
            for p in unlisted
        ),
    )
    areas = (
        pl.scan_parquet(run / "areas.parquet")
        .filter(pl.col("level") == "desa")
        .select("area_code", "ats_children", "rtlh")
    )
    return (
        areas.join(counted, on="area_code", how="full", coalesce=True)
        .with_columns(pl.exclude("area_code").fill_null(0))
        .sort("area_code")
        .collect()
    )


@lru_cache(maxsize=16)
def _combinations(folder: str, stamp: int) -> pl.DataFrame:
    run = Path(folder)
    listed = listed_programs(run)
    families = pl.scan_parquet(run / "families.parquet").filter(pl.col("area_code").is_not_null())
    received = [pl.col(f"receives_{p}").fill_null(False) for p in listed]
    combination = (
        pl.concat_list([pl.when(r).then(pl.lit(p)) for r, p in zip(received, listed, strict=True)])
        .list.drop_nulls()
        .list.join("+")
        if listed
        else pl.lit("")
    )
    eligible = (
        pl.any_horizontal(pl.col(f"eligible_{p}").fill_null(False) for p in listed)
        if listed
        else pl.lit(False)
    )
    flagged = families.select(
        "area_code",
        eligible.alias(GROUP_ELIGIBLE),
        pl.col("extreme_poor").fill_null(False).alias(GROUP_EXTREME),
        combination.alias("combination"),
        _received(listed).alias("received"),
    )
    per_group = [
        flagged.filter(pl.col(group)).select(
            "area_code", pl.lit(group).alias("group"), "combination", "received"
        )
        for group in GROUPS
    ]
    return (
        pl.concat(per_group)
        .group_by("area_code", "group", "combination", "received")
        .agg(pl.len().cast(pl.Int64).alias("families"))
        .sort("area_code", "group", "combination")
        .collect()
    )


def _received(listed: list[str]) -> pl.Expr:
    """How many of the listed programs a family receives."""
    if not listed:
        return pl.lit(0, pl.Int64)
    return pl.sum_horizontal(
        pl.col(f"receives_{p}").fill_null(False).cast(pl.Int64) for p in listed
    )


def _count(flag: pl.Expr) -> pl.Expr:
    return flag.sum().cast(pl.Int64)


@lru_cache(maxsize=64)
def _manifest_at(path: str, stamp: int) -> dict[str, Any]:
    try:
        found: dict[str, Any] = json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        log.warning("run manifest %s unreadable: %s", path, error)
        return {}
    return found


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    return _manifest_at(str(path), path.stat().st_mtime_ns) if path.is_file() else {}


@lru_cache(maxsize=4)
def _stats_history_at(folder: str, stamp: int) -> pl.DataFrame:
    run = Path(folder)
    if (run / "history.parquet").is_file():
        return pl.read_parquet(run / "history.parquet")
    # A run of a single round: its estimates are its history.
    period = (_manifest(run).get("survey") or {}).get("period")
    return pl.read_parquet(run / "estimates.parquet").with_columns(period=pl.lit(period))


def _stats_history(folder: Path) -> pl.DataFrame:
    return _stats_history_at(str(folder), folder.stat().st_mtime_ns)


def _home() -> DataHome:
    return DataHome.resolve(Path(settings.HOME))


def clear_caches() -> None:
    """Forget every table read so far."""
    for cached in (_desa_counts, _combinations, _manifest_at, _stats_history_at):
        cached.cache_clear()
