"""Gather every person-level record of the current snapshots into one table ready for padanan.

Each row of a person registry (DTSEN, P3KE Individu, DTKS, Regsosek), the head
of each family of a family registry (P3KE Keluarga) and each beneficiary row of
a program list becomes one *record*, with a ``record_key`` that stays the same
for the same identity (the fields padanan reads) across imports and runs, however
the rest of the row changes (decisions of reviewers and the stable person ids
hang on it).

Import has already nulled NIKs that are unusable as identifiers; padanan still
wants what is left of them as evidence, so it takes the original digits back
from the row's ``_issues``: a NIK with a typo in its date part is still one
digit away from the right one, an Excel-truncated NIK still has its first 15
digits, and a KK number typed into the NIK field is a KK number.

Records whose identifying fields are the same (the same person paid twelve
times by one program, the same row in two exports) collapse into one
*variant*; Splink compares variants, and every record inherits its variant's
person.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from sinergi.errors import PipelineError
from sinergi.lake.home import SNAPSHOT_DATA, DataHome
from sinergi.pipeline.link.names import normalise_names

__all__ = [
    "IDENTITY_FIELDS",
    "LINKED_CONTRACTS",
    "VARIANT_FIELDS",
    "Records",
    "current_snapshots",
    "load_records",
    "prepare_records",
    "split_records",
]

LINKED_CONTRACTS = ("person", "household", "program_receipt")

# The fields a record brings to padanan, in the person contract's names.
IDENTITY_FIELDS = (
    "nik",
    "kk",
    "name",
    "sex",
    "birth_date",
    "mother_name",
    "area_code",
    "rt",
    "rw",
)
_CONTEXT = ("record_id", "family_id", "relationship", "address")
# A family record speaks for its head.
_HEAD = {
    "head_nik": "nik",
    "head_name": "name",
    "head_sex": "sex",
    "head_birth_date": "birth_date",
}
# Codes after which import nulled a NIK or KK that still carries usable digits.
_NIK_DIGITS_KEPT = (
    "NIK_AREA_UNKNOWN",
    "NIK_BAD_DATE",
    "NIK_ZERO_SERIAL",
    "NIK_EXCEL_TRUNCATED",
    "NIK_BIRTH_DATE_MISMATCH",
    "NIK_SEX_MISMATCH",
)
_KK_DIGITS_KEPT = ("KK_AREA_UNKNOWN", "KK_BAD_DATE", "KK_ZERO_SERIAL", "KK_EXCEL_TRUNCATED")
_RT_RW = r"(?i)RT\.?\s*0*([0-9]{1,3})\s*/\s*RW\.?\s*0*([0-9]{1,3})"

# Splink compares these columns of a variant; two records with equal values are one variant.
VARIANT_FIELDS = (
    "nik",
    "kk",
    "name_norm",
    "patronym",
    "sex",
    "birth_date",
    "mother_norm",
    "village",
    "rt",
    "rw",
)


@dataclass(frozen=True)
class Records:
    """The records of a run and the variants Splink compares.

    Attributes:
        records: one row per input record: ``record_key``, where it came from
            (``source``, ``import_id``, ``file_name``, ``sheet``, ``row``),
            ``variant_id`` and its cleaned identity fields.
        variants: one row per distinct identity (``unique_id`` = ``variant_id``)
            with the columns the linkage model compares.
    """

    records: pl.DataFrame
    variants: pl.DataFrame


def current_snapshots(home: DataHome) -> list[dict[str, Any]]:
    """The manifests padanan reads: per source its latest period, per file its latest import.

    Several files of one source and period (monthly payment lists) are all
    current; a file imported again replaces its earlier import.
    """
    latest_period: dict[str, str] = {}
    manifests = [m for m in home.manifests() if m.get("contract") in LINKED_CONTRACTS]
    for manifest in manifests:
        source, period = manifest["source"], manifest["period"]
        latest_period[source] = max(period, latest_period.get(source, period))
    by_file: dict[tuple[str, str, str | None], dict[str, Any]] = {}
    for manifest in manifests:  # oldest import first, so a later import wins
        if manifest["period"] == latest_period[manifest["source"]]:
            file = manifest["file"]
            by_file[(manifest["source"], file["name"], file.get("sheet"))] = manifest
    return sorted(by_file.values(), key=lambda m: (m["source"], m["file"]["name"], m["import_id"]))


def load_records(home: DataHome) -> pl.DataFrame:
    """Every person-level record of the current snapshots, in one frame (not yet cleaned)."""
    frames = [_as_records(_read_snapshot(home, m), m) for m in current_snapshots(home)]
    if not frames:
        raise _nothing_to_link(home)
    return pl.concat(frames, how="vertical")


def split_records(home: DataHome, folder: Path, *, target: int, floor: int = 0) -> list[list[Path]]:
    """Write the current records into ``folder`` by regency; group regencies into partitions.

    Padanan links one partition at a time, so it holds one partition's records,
    not the province's. Regencies (in code order) fill a partition until it
    has ``target`` records; a partition of fewer than ``floor`` records joins
    the one before it.
    A record without an area code goes with its file's most common regency
    (a program list is kept per regency), or, when its file has no area code
    at all, with the regency most of its NIKs (or KKs) were issued in.
    Returns each partition's files, in the order of the snapshots.
    """
    files: dict[str, list[Path]] = {}
    sizes: dict[str, int] = {}
    for index, manifest in enumerate(current_snapshots(home)):
        records = _as_records(_read_snapshot(home, manifest), manifest)
        for (regency,), part in (
            records.with_columns(_regency(records))
            .partition_by("_regency", as_dict=True, include_key=False)
            .items()
        ):
            path = folder / f"{index:06d}-{regency}.parquet"
            part.write_parquet(path, compression="lz4")  # scratch: fast over small
            files.setdefault(regency, []).append(path)
            sizes[regency] = sizes.get(regency, 0) + part.height
    if not files:
        raise _nothing_to_link(home)
    partitions: list[list[str]] = [[]]
    for regency in sorted(files):
        if sum(sizes[r] for r in partitions[-1]) >= target:
            partitions.append([])
        partitions[-1].append(regency)
    for at in range(len(partitions) - 1, -1, -1):  # too few to train a model on: join a neighbour
        if len(partitions) > 1 and sum(sizes[r] for r in partitions[at]) < floor:
            neighbour = at - 1 if at > 0 else 1
            partitions[neighbour] = sorted(partitions[neighbour] + partitions.pop(at))
    return [sorted(path for r in regencies for path in files[r]) for regencies in partitions]


def _regency(records: pl.DataFrame) -> pl.Expr:
    """The four digits of the regency a record is linked in (see `split_records`)."""
    area = _four_digits(pl.col("area_code").str.replace_all(r"\.", ""))
    for_the_file = pl.lit(None, pl.String)
    for evidence in (area, _four_digits(pl.col("nik")), _four_digits(pl.col("kk"))):
        most_common = records.select(evidence.drop_nulls().mode().sort().first()).item()
        if most_common is not None:
            for_the_file = pl.lit(most_common)
            break
    return pl.coalesce(area, for_the_file, pl.lit("")).alias("_regency")


def _four_digits(text: pl.Expr) -> pl.Expr:
    head = text.str.slice(0, 4)
    return pl.when(head.str.contains(r"^[0-9]{4}$")).then(head)


def _read_snapshot(home: DataHome, manifest: dict[str, Any]) -> pl.DataFrame:
    folder = home.snapshot_dir(manifest["source"], manifest["period"], manifest["import_id"])
    try:
        return pl.read_parquet(folder / SNAPSHOT_DATA)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise PipelineError(
            f"Snapshot {folder} tidak bisa dibaca ({error}). Impor ulang berkasnya.",
            english=f"Cannot read snapshot {folder}: {error}",
            code="SNAPSHOT_UNREADABLE",
        ) from error


def _nothing_to_link(home: DataHome) -> PipelineError:
    return PipelineError(
        f"Belum ada data registri atau daftar penerima di {home.root}. "
        "Jalankan `sinergi import` lebih dulu.",
        english=f"No registry or beneficiary snapshots under {home.root}; run `sinergi import`",
        code="NOTHING_TO_LINK",
    )


def _as_records(data: pl.DataFrame, manifest: dict[str, Any]) -> pl.DataFrame:
    renamed = data.rename({k: v for k, v in _HEAD.items() if k in data.columns})
    if manifest["contract"] == "household":
        renamed = renamed.with_columns(relationship=pl.lit("1"))
    wanted = (*IDENTITY_FIELDS, *_CONTEXT)
    columns = [
        pl.col(c).cast(pl.String) if c in renamed.columns else pl.lit(None, pl.String).alias(c)
        for c in wanted
        if c != "birth_date"
    ]
    birth = (
        pl.col("birth_date").cast(pl.Date)
        if "birth_date" in renamed.columns
        else pl.lit(None, pl.Date).alias("birth_date")
    )
    # Only what padanan reads: a refreshed registry changes a family's desil or a
    # list's amounts, and the person (and the reviewers' decisions) must keep the key.
    identity = sorted({*wanted, "nik_issue_digits", "kk_issue_digits", "kk_in_nik"})
    content = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in identity],
        separator="\x1f",
    )
    return renamed.select(
        pl.lit(manifest["source"]).alias("source"),
        pl.lit(manifest["contract"]).alias("contract"),
        pl.lit(manifest["import_id"]).alias("import_id"),
        pl.lit(manifest["file"]["name"]).alias("file_name"),
        pl.col("_sheet").cast(pl.String).alias("sheet"),
        pl.col("_row").cast(pl.Int64).alias("row"),
        *columns,
        birth,
        _issue_digits(renamed, "nik", _NIK_DIGITS_KEPT).alias("nik_issue_digits"),
        _issue_digits(renamed, "kk", _KK_DIGITS_KEPT).alias("kk_issue_digits"),
        _issue_digits(renamed, "nik", ("NIK_IS_KK",)).alias("kk_in_nik"),
    ).with_columns(_digests(manifest["source"], content).alias("content_digest"))


def _digests(source: str, content: pl.Expr) -> pl.Expr:
    """A 16-hex-digit digest of each row's source and content: the stem of its record key."""
    prefix, blake2b = f"{source}\x1e".encode(), hashlib.blake2b
    return content.map_batches(
        lambda texts: pl.Series(
            [blake2b(prefix + text.encode(), digest_size=8).hexdigest() for text in texts],
            dtype=pl.String,
        ),
        return_dtype=pl.String,
    )


def _issue_digits(data: pl.DataFrame, field: str, codes: tuple[str, ...]) -> pl.Expr:
    """The 16 digits of the original text of a field import nulled for one of ``codes``."""
    fields = {field, f"head_{field}"}
    if "_issues" not in data.columns:
        return pl.lit(None, pl.String)
    digits = (
        pl.col("_issues")
        .list.eval(
            pl.when(
                pl.element().struct.field("field").is_in(list(fields))
                & pl.element().struct.field("code").is_in(list(codes))
            ).then(
                pl.element()
                .struct.field("text")
                .str.replace(r"\.0+$", "")
                .str.replace_all(r"[^0-9]", "")
            )
        )
        .list.drop_nulls()
        .list.first()
    )
    return pl.when(digits.str.len_chars() == 16).then(digits)


def prepare_records(raw: pl.DataFrame) -> Records:
    """Clean the identity fields, give every record its key and variant, and build the variants."""
    names = normalise_names(raw["name"])
    mothers = normalise_names(raw["mother_name"]).select(mother_norm="name_norm")
    rt_rw = pl.col("address").str.extract_groups(_RT_RW)
    kk_typed_as_nik = pl.col("kk_in_nik")
    records = (
        pl.concat([raw, names, mothers], how="horizontal")
        .with_columns(
            nik_valid=_digits16("nik"),
            nik=pl.coalesce(_digits16("nik"), "nik_issue_digits"),
            kk=pl.coalesce(_digits16("kk"), "kk_issue_digits", kk_typed_as_nik),
            sex=pl.col("sex").str.to_uppercase(),
            village=pl.col("area_code").str.replace_all(r"\.", ""),
            rt=pl.coalesce(_number_text("rt"), rt_rw.struct.field("1").str.strip_chars_start("0")),
            rw=pl.coalesce(_number_text("rw"), rt_rw.struct.field("2").str.strip_chars_start("0")),
        )
        .with_columns(record_key=_record_keys(raw))
    )
    records = _move_kk_typed_as_nik(records)
    variant_text = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("\x00") for c in VARIANT_FIELDS], separator="\x1f"
    )
    records = records.with_columns(variant_id=variant_text.rank("dense").cast(pl.Int64) - 1).drop(
        "content_digest", "nik_issue_digits", "kk_issue_digits"
    )
    variants = (
        records.group_by("variant_id")
        .agg(
            *[pl.col(c).first() for c in VARIANT_FIELDS],
            *[pl.col(c).first() for c in ("name_compact", "name_phonetic", "first_token")],
            pl.col("kk_in_nik").is_not_null().any().alias("kk_in_nik"),
            pl.len().alias("records"),
        )
        .sort("variant_id")
        .rename({"variant_id": "unique_id"})
        .with_columns(*_nik_segments())
        .with_columns(*_birth_parts())
    )
    return Records(records=records, variants=variants)


def _move_kk_typed_as_nik(records: pl.DataFrame) -> pl.DataFrame:
    """A NIK that is the KK number of people with two or more names is a KK in the wrong field.

    Import catches a KK typed into the NIK field of its own row; this catches the
    rows whose KK field is empty or whose family is only known from other files.
    """
    shared_kk = (
        records.filter(pl.col("kk").is_not_null())
        .group_by("kk")
        .agg(pl.col("name_norm").n_unique().alias("names"))
        .filter(pl.col("names") >= 2)["kk"]
    )
    is_kk = pl.col("nik").is_in(shared_kk.implode())
    return records.with_columns(
        nik=pl.when(is_kk).then(None).otherwise(pl.col("nik")),
        nik_valid=pl.when(is_kk).then(None).otherwise(pl.col("nik_valid")),
        kk=pl.when(is_kk & pl.col("kk").is_null()).then(pl.col("nik")).otherwise(pl.col("kk")),
        kk_in_nik=pl.when(is_kk).then(pl.col("nik")).otherwise(pl.col("kk_in_nik")),
    )


def _digits16(column: str) -> pl.Expr:
    digits = pl.col(column).str.replace_all(r"[^0-9]", "")
    return pl.when(digits.str.len_chars() == 16).then(digits)


def _number_text(column: str) -> pl.Expr:
    digits = pl.col(column).str.replace_all(r"[^0-9]", "").str.strip_chars_start("0")
    return pl.when(digits.str.len_chars() > 0).then(digits)


def _record_keys(raw: pl.DataFrame) -> pl.Series:
    """``source:digest`` of the record's identity, numbered when the same identity repeats.

    The key does not depend on the row number or the import, so re-importing
    the same list (or the list with rows added or reordered) keeps every key.
    """
    stem = pl.concat_str("source", pl.lit(":"), "content_digest")
    # Only repeated identities are numbered: a window over 800,000 groups of one row took
    # 1.6 s of the demo's padanan, over the few repeated rows it takes next to nothing.
    repeated = raw.select(pl.struct("source", "content_digest").is_duplicated()).to_series()
    numbered = (
        raw.select("source", "content_digest")
        .with_row_index("at")
        .filter(repeated)
        .select("at", n=pl.int_range(pl.len(), dtype=pl.Int64).over("source", "content_digest"))
    )
    occurrence = (
        pl.zeros(raw.height, dtype=pl.Int64, eager=True)
        .alias("occurrence")
        .scatter(numbered["at"], numbered["n"])
    )
    keys = (
        raw.select(stem.alias("stem"))
        .with_columns(occurrence)
        .select(
            pl.when(pl.col("occurrence") > 0)
            .then(pl.concat_str("stem", pl.lit("."), pl.col("occurrence").cast(pl.String)))
            .otherwise(pl.col("stem"))
            .alias("record_key")
        )
    )
    return keys.to_series()


def _nik_segments() -> list[pl.Expr]:
    """NIK area (1–6), birth-date code (7–12), serial (13–16) and its first 15 digits."""
    nik = pl.col("nik")
    return [
        nik.str.slice(0, 6).alias("nik_area"),
        nik.str.slice(6, 6).alias("nik_date"),
        nik.str.slice(12, 4).alias("nik_serial"),
        nik.str.slice(0, 15).alias("nik15"),
    ]


def _birth_parts() -> list[pl.Expr]:
    born = pl.col("birth_date")
    nik_day = pl.col("nik_date").str.slice(0, 2).cast(pl.Int32, strict=False)
    day = born.dt.day().cast(pl.Int32)
    sex = pl.col("sex")
    day_agrees = (
        ((sex != "P") & (nik_day == day)).fill_null(False)
        | ((sex != "L") & (nik_day == day + 40)).fill_null(False)
        | (sex.is_null() & ((nik_day == day) | (nik_day == day + 40))).fill_null(False)
    )
    month_year = pl.col("nik_date").str.slice(2, 4) == born.dt.strftime("%m%y")
    return [
        # The NIK's birth code says this record's birth date (and sex, as day + 40):
        # comparing the NIKs of two such records already compares their birth dates.
        (day_agrees & month_year).fill_null(False).alias("nik_has_birth"),
        born.dt.year().alias("birth_year"),
        born.dt.strftime("%m-%d").alias("birth_md"),
        born.dt.strftime("%d-%m").alias("birth_dm"),
        pl.col("village").str.slice(0, 6).alias("district"),
        pl.col("village").str.slice(0, 4).alias("regency"),
    ]
