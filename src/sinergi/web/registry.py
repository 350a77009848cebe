"""What the site reads from the lake: the latest diagnosis and padanan runs.

Area aggregates are read here directly; person-level frames are only built
here, lazily, and must be read through :func:`sinergi.web.scoping.read_people`.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from sinergi.lake.home import DataHome, latest_run_folder

log = logging.getLogger(__name__)


class NoDiagnosis(LookupError):
    """No `sinergi diagnose` run in the data folder yet."""


def run_folder(kind: str = "diagnostics") -> Path:
    folder = latest_run_folder(DataHome.resolve(Path(settings.HOME)), kind)
    if folder is None:
        raise NoDiagnosis(kind)
    return folder


def diagnosis_table(name: str) -> pl.DataFrame:
    """A small table of the latest diagnosis (areas, programs, pockets), cached per run."""
    return _read(str(run_folder() / f"{name}.parquet"))


@lru_cache(maxsize=16)
def _read(path: str) -> pl.DataFrame:
    return pl.read_parquet(path)


def area(code: str) -> dict[str, object] | None:
    rows = diagnosis_table("areas").filter(pl.col("area_code") == code)
    return rows.row(0, named=True) if rows.height else None


def children(code: str) -> pl.DataFrame:
    return diagnosis_table("areas").filter(pl.col("parent_code") == code)


def pockets(code: str) -> pl.DataFrame:
    inside = pl.col("area_code").str.starts_with(code + ".") | (pl.col("area_code") == code)
    return diagnosis_table("pockets").filter(inside).sort("rank").head(10)


def follow_up(kind: str | None = None, program: str | None = None) -> pl.LazyFrame:
    """The follow-up list: one row per family and reason, with the head's name and address."""
    diagnosis = run_folder()
    linked = run_folder("linked")
    rows = pl.scan_parquet(diagnosis / "follow_up.parquet")
    if kind:
        rows = rows.filter(pl.col("kind") == kind)
    if program:
        rows = rows.filter(pl.col("program") == program)
    families = pl.scan_parquet(diagnosis / "families.parquet").select(
        "hid", "kk", "head_pid", "desil", "member_count"
    )
    heads = pl.scan_parquet(linked / "persons.parquet").select(
        pl.col("pid").alias("head_pid"), pl.col("name").alias("head_name"), "nik", "address",
        "rt", "rw",
    )  # fmt: skip
    return rows.join(families, on="hid", how="left").join(heads, on="head_pid", how="left")


def family_area(hid: str) -> str | None:
    """The desa of a family (not personal data on its own), to scope the read of its members."""
    found = (
        pl.scan_parquet(run_folder() / "families.parquet")
        .filter(pl.col("hid") == hid)
        .select("area_code")
        .collect()
    )
    return str(found["area_code"][0]) if found.height else None


def members(hid: str) -> pl.LazyFrame:
    return (
        pl.scan_parquet(run_folder("linked") / "persons.parquet")
        .filter(pl.col("hid") == hid)
        .select("pid", "hid", "nik", "kk", "name", "sex", "birth_date", "relationship",
                "address", "area_code", "sources")
    )  # fmt: skip


def source_records(hid: str) -> pl.LazyFrame:
    """The source rows the padanan joined into the family's persons: the evidence behind it."""
    return (
        pl.scan_parquet(run_folder("linked") / "records.parquet")
        .filter(pl.col("hid") == hid)
        .select("record_key", "pid", "source", "file_name", "row", "nik", "kk", "name",
                "birth_date", "area_code")
    )  # fmt: skip


def links_between(record_keys: list[str]) -> pl.DataFrame:
    """The scored links among ``record_keys``, with their weight, basis and status."""
    return (
        pl.scan_parquet(run_folder("linked") / "links.parquet")
        .filter(pl.col("record_key_l").is_in(record_keys))
        .filter(pl.col("record_key_r").is_in(record_keys))
        .select("record_key_l", "record_key_r", "match_weight", "match_probability", "basis",
                "status")
        .collect()
    )  # fmt: skip


def statuses(hid: str) -> pl.LazyFrame:
    return pl.scan_parquet(run_folder() / "statuses.parquet").filter(pl.col("hid") == hid)


def reasons(hid: str) -> pl.LazyFrame:
    return pl.scan_parquet(run_folder() / "follow_up.parquet").filter(pl.col("hid") == hid)


def boundaries(codes: list[str]) -> dict[str, Any] | None:
    """GeoJSON shapes of ``codes`` from ``<home>/batas/*.geojson`` (property ``kode``)."""
    wanted, features = set(codes), []
    for path in sorted((Path(settings.HOME) / "batas").glob("*.geojson")):
        shapes = _geojson(str(path), path.stat().st_mtime)
        features += [f for f in shapes if f.get("properties", {}).get("kode") in wanted]
    if not features:
        return None
    return {
        "geojson": {"type": "FeatureCollection", "features": features},
        "codes": {f["properties"]["kode"] for f in features},
    }


@lru_cache(maxsize=8)
def _geojson(path: str, modified: float) -> list[dict[str, Any]]:
    try:
        features = json.loads(Path(path).read_text("utf-8"))["features"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        # A broken boundary file costs the map, never the page: the grid still shows.
        log.warning("boundary file %s unreadable, map skipped: %s", path, error)
        return []
    return [f for f in features if isinstance(f, dict)]
