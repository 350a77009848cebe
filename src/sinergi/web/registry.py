"""What the site reads from the lake: the latest diagnosis and padanan runs.

Area aggregates are read here directly; person-level frames are only built
here, lazily, and must be read through :func:`sinergi.web.scoping.read_people`.

The frames the pages need are read once per run and kept in memory, in the
process that serves the page: only the columns the pages show, the follow-up
list already joined to its families and heads, and the per-family tables
sorted by family (``hid``) so that one family is a binary search and a slice,
not a scan of the Parquet files. A cache is keyed by its run folder (path and
modification time), so the next ``sinergi link`` or ``sinergi diagnose`` run is
picked up at the next request and the old frames are dropped.
:func:`clear_caches` empties them all.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings

from sinergi.domain import wilayah
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
    """The diagnosed area ``code``; a province without its own row is summed from its regencies."""
    table = diagnosis_table("areas")
    rows = table.filter(pl.col("area_code") == code)
    if rows.height:
        return rows.row(0, named=True)
    if len(code) == 2 and code.isdigit():
        return _province(table, code)
    return None


# Shares that a province recomputes from its summed counts: (numerator, denominator).
SUMMED_RATIOS = {
    "extreme_poor_share": ("extreme_poor", "families"),
    "multidim_poor_share": ("multidim_poor", "families"),
}


def _province(table: pl.DataFrame, code: str) -> dict[str, object] | None:
    """A province's figures as the sum of its diagnosed regencies (aggregates, no person data).

    Counts add up and shares and coverage are recomputed from the sums; the mean
    deprivation score does not add up from regency rows (it is a mean over scored
    families, whose number the rows lack), so it stays empty. ``regencies`` says
    how many regencies the sums hold: a province diagnosed one regency at a time
    is summed from those present.
    """
    regencies = table.filter((pl.col("level") == "kabupaten") & (pl.col("parent_code") == code))
    if not regencies.height:
        return None
    row: dict[str, object] = dict.fromkeys(table.columns)
    for column, dtype in table.schema.items():
        if dtype.is_integer() and regencies[column].null_count() < regencies.height:
            row[column] = int(regencies[column].sum())
    ratios = {
        **SUMMED_RATIOS,
        **{
            c: ("served_" + c.removeprefix("coverage_"), "eligible_" + c.removeprefix("coverage_"))
            for c in table.columns
            if c.startswith("coverage_")
        },
    }
    for share, (part, whole) in ratios.items():
        part_value, whole_value = row.get(part), row.get(whole)
        if isinstance(part_value, int) and isinstance(whole_value, int) and whole_value:
            row[share] = part_value / whole_value
    found = wilayah.find(code)
    row.update(
        level="provinsi",
        area_code=code,
        area_name=found.name if found else code,
        parent_code=None,
        regencies=regencies.height,
    )
    return row


def children(code: str) -> pl.DataFrame:
    return diagnosis_table("areas").filter(pl.col("parent_code") == code)


def within(area: str) -> pl.Expr:
    """Rows whose ``area_code`` is ``area`` or any area below it."""
    return (pl.col("area_code") == area) | pl.col("area_code").str.starts_with(area + ".")


def first_diagnosed_area(scope: str) -> str | None:
    """The widest diagnosed area in ``scope`` ("" = Indonesia): a province viewer's regency."""
    try:
        codes = diagnosis_table("areas")["area_code"].to_list()
    except NoDiagnosis:
        return None
    inside = [c for c in codes if not scope or c == scope or c.startswith(scope + ".")]
    return min(inside, key=len) if inside else None


def pockets(code: str) -> pl.DataFrame:
    return diagnosis_table("pockets").filter(within(code)).sort("rank").head(10)


def follow_up(
    kind: str | None = None, program: str | None = None, area: str | None = None
) -> pl.LazyFrame:
    """The follow-up list: one row per family and reason, with the head's name and address.

    In the order the pages and the API page through: head's name, family, kind,
    program, reason. ``area`` keeps the rows of that wilayah and every area below it.
    """
    rows = _cached("follow_up", (run_folder(), run_folder("linked")), _follow_up_table).lazy()
    if kind:
        rows = rows.filter(pl.col("kind") == kind)
    if program:
        rows = rows.filter(pl.col("program") == program)
    if area:
        rows = rows.filter(within(area))
    return rows


def family_area(hid: str) -> str | None:
    """The desa of a family (not personal data on its own), to scope the read of its members."""
    found = _family(_cached("family_areas", (run_folder(),), _family_areas), hid)
    return str(found["area_code"][0]) if found.height else None


def members(hid: str) -> pl.LazyFrame:
    return _family(_cached("members", (run_folder("linked"),), _members), hid).lazy()


def source_records(hid: str) -> pl.LazyFrame:
    """The source rows the padanan joined into the family's persons: the evidence behind it."""
    found = _family(_cached("records", (run_folder("linked"),), _records), hid)
    return found.lazy().select(RECORD_COLUMNS).with_columns(_as_text(RECORD_REPEATED))


def links_between(record_keys: list[str]) -> pl.DataFrame:
    """The scored links among ``record_keys``, with their weight, basis and status."""
    links = _cached("links", (run_folder("linked"),), _links)
    keys = pl.Series(sorted(set(record_keys)), dtype=pl.String)
    left = links["record_key_l"]
    starts = left.search_sorted(keys, side="left").to_list()
    ends = left.search_sorted(keys, side="right").to_list()
    found = pl.concat(
        [links.slice(start, end - start) for start, end in zip(starts, ends, strict=True)]
        or [links.clear()]
    )
    return (
        found.filter(pl.col("record_key_r").is_in(record_keys))
        .sort("_row")  # the order of links.parquet, as a scan gives it
        .drop("_row")
        .with_columns(_as_text(LINK_REPEATED))
    )


def statuses(hid: str) -> pl.LazyFrame:
    return _family(_cached("statuses", (run_folder(),), _statuses), hid).lazy()


def reasons(hid: str) -> pl.LazyFrame:
    return _family(_cached("reasons", (run_folder(),), _reasons), hid).lazy()


def clear_caches() -> None:
    """Forget every table read so far (the tests call this between tests)."""
    with _building:
        _tables.clear()
    _read.cache_clear()
    _geojson.cache_clear()


def warm() -> None:
    """Read every cached table of the latest runs now, so no page request pays for it.

    A few seconds for the demo regency; does nothing before the first diagnosis.
    """
    try:
        follow_up()
        for name, kind, build in _PER_FAMILY:
            _cached(name, (run_folder(kind),), build)
        _cached("links", (run_folder("linked"),), _links)
    except NoDiagnosis:
        return


# --- The in-memory tables, one per name, for the latest runs ------------------------------

RECORD_COLUMNS = ("record_key", "pid", "source", "file_name", "row", "nik", "kk", "name",
                  "birth_date", "area_code")  # fmt: skip
MEMBER_COLUMNS = ("pid", "hid", "nik", "kk", "name", "sex", "birth_date", "relationship",
                  "address", "area_code", "sources")  # fmt: skip
LINK_COLUMNS = ("record_key_l", "record_key_r", "match_weight", "match_probability", "basis",
                "status")  # fmt: skip

# Text columns with few distinct values, kept as categoricals (a quarter of the memory of
# these tables) and handed out as the text they are in the file.
RECORD_REPEATED = ("source", "file_name", "area_code")
LINK_REPEATED = ("basis", "status")

_tables: dict[str, tuple[tuple[tuple[str, int], ...], pl.DataFrame]] = {}
_building = threading.Lock()


def _cached(
    name: str, folders: tuple[Path, ...], build: Callable[..., pl.DataFrame]
) -> pl.DataFrame:
    """The table ``name`` built from ``folders`` by ``build``, read once per run.

    Keyed by the folders' paths and modification times: a new run (a new folder
    named in ``LATEST``) replaces the table. One build at a time per process, so
    concurrent first requests do not each read the files.
    """
    key = tuple((str(folder), folder.stat().st_mtime_ns) for folder in folders)
    held = _tables.get(name)
    if held is not None and held[0] == key:
        return held[1]
    with _building:
        held = _tables.get(name)
        if held is None or held[0] != key:
            _tables.pop(name, None)  # let the old run's table go before reading the new one
            held = (key, build(*folders))
            _tables[name] = held
    return held[1]


def _as_codes(columns: tuple[str, ...]) -> pl.Expr:
    return pl.col(columns).cast(pl.Categorical)


def _as_text(columns: tuple[str, ...]) -> pl.Expr:
    return pl.col(columns).cast(pl.String)


def _family(table: pl.DataFrame, hid: str) -> pl.DataFrame:
    """The rows of ``hid`` in ``table`` (sorted by ``hid``), in their order in the file."""
    column = table["hid"]
    start = column.search_sorted(hid, side="left")
    end = column.search_sorted(hid, side="right")
    return table.slice(start, end - start)


def _by_family(frame: pl.LazyFrame) -> pl.DataFrame:
    # A stable sort keeps each family's rows in file order, as a filtered scan returns them.
    return frame.sort("hid", maintain_order=True).collect()


def _follow_up_table(diagnosis: Path, linked: Path) -> pl.DataFrame:
    rows = pl.scan_parquet(diagnosis / "follow_up.parquet")
    families = pl.scan_parquet(diagnosis / "families.parquet").select(
        "hid", "kk", "head_pid", "desil", "member_count"
    )
    heads = pl.scan_parquet(linked / "persons.parquet").select(
        pl.col("pid").alias("head_pid"), pl.col("name").alias("head_name"), "nik", "address",
        "rt", "rw",
    )  # fmt: skip
    return (
        rows.join(families, on="hid", how="left", maintain_order="left")
        .join(heads, on="head_pid", how="left", maintain_order="left")
        .sort("head_name", "hid", "kind", "program", "reason", nulls_last=True)
        .collect()
    )


def _family_areas(diagnosis: Path) -> pl.DataFrame:
    families = pl.scan_parquet(diagnosis / "families.parquet")
    return _by_family(families.select("hid", "area_code"))


def _members(linked: Path) -> pl.DataFrame:
    return _by_family(pl.scan_parquet(linked / "persons.parquet").select(MEMBER_COLUMNS))


def _records(linked: Path) -> pl.DataFrame:
    records = pl.scan_parquet(linked / "records.parquet").select(*RECORD_COLUMNS, "hid")
    return _by_family(records.with_columns(_as_codes(RECORD_REPEATED)))


def _links(linked: Path) -> pl.DataFrame:
    links = pl.scan_parquet(linked / "links.parquet").select(LINK_COLUMNS)
    return (
        links.with_row_index("_row")
        .sort("record_key_l", maintain_order=True)
        .select(*LINK_COLUMNS, "_row")
        .with_columns(_as_codes(LINK_REPEATED))
        .collect()
    )


def _statuses(diagnosis: Path) -> pl.DataFrame:
    return _by_family(pl.scan_parquet(diagnosis / "statuses.parquet"))


def _reasons(diagnosis: Path) -> pl.DataFrame:
    return _by_family(pl.scan_parquet(diagnosis / "follow_up.parquet"))


_PER_FAMILY: tuple[tuple[str, str, Callable[[Path], pl.DataFrame]], ...] = (
    ("family_areas", "diagnostics", _family_areas),
    ("members", "linked", _members),
    ("records", "linked", _records),
    ("statuses", "diagnostics", _statuses),
    ("reasons", "diagnostics", _reasons),
)


def boundary_files() -> tuple[tuple[str, float], ...]:
    """The boundary files ``<home>/batas/*.geojson`` with their modification times."""
    paths = sorted((Path(settings.HOME) / "batas").glob("*.geojson"))
    return tuple((str(path), path.stat().st_mtime) for path in paths)


def boundaries(codes: list[str]) -> dict[str, Any] | None:
    """GeoJSON shapes of ``codes`` from ``<home>/batas/*.geojson`` (property ``kode``)."""
    wanted, features = set(codes), []
    for path, modified in boundary_files():
        shapes = _geojson(path, modified)
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
