"""The facts a diagnosis reasons about: one row per person and per family of the linked register.

A linked run (``linked/<run>/``) says which records are one person and one
family; the attributes themselves stay in the imported snapshots. This module
joins them back (:func:`gather`), picks one value per person and family by the
source priority of the settings (DTSEN first), and derives the plain facts of
:mod:`sinergi.pipeline.diagnose.fields` (:func:`base_facts`): ages on the
reference date, school level and out-of-school children, disability, PKH
components, housing classes, receipt per program. The same :func:`base_facts`
runs on the synthetic truth for evaluation, so both sides use one derivation.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl

from sinergi.domain import wilayah
from sinergi.errors import PipelineError
from sinergi.lake.home import SNAPSHOT_DATA, DataHome, read_manifest
from sinergi.pipeline.diagnose.fields import HOUSING_TEXT
from sinergi.pipeline.diagnose.rules import Settings

PERSON_ATTRIBUTES = (
    "presence",
    "school_participation",
    "education",
    "occupation",
    "disability",
    "disability_level",
    "chronic_illness",
    "pregnant",
)
FAMILY_ATTRIBUTES = (*HOUSING_TEXT, "floor_area", "member_count", "stunting_risk")
RECEIPT_COLUMNS = ("program", "period", "component", "amount", "paid_on", "funding_source")
# The column types of RegisterInputs, for callers that build inputs by hand (tests, notebooks).
PERSON_INPUTS: dict[str, pl.DataType | type[pl.DataType]] = {
    "pid": pl.String,
    "hid": pl.String,
    "nik": pl.String,
    "sex": pl.String,
    "birth_date": pl.Date,
    "relationship": pl.String,
    "presence": pl.String,
    "school_participation": pl.String,
    "education": pl.String,
    "occupation": pl.String,
    "disability": pl.Boolean,
    "disability_level": pl.Int64,
    "chronic_illness": pl.String,
    "pregnant": pl.Boolean,
}
FAMILY_INPUTS: dict[str, pl.DataType | type[pl.DataType]] = {
    "hid": pl.String,
    "kk": pl.String,
    "head_pid": pl.String,
    "area_code": pl.String,
    "desil": pl.Int64,
    **dict.fromkeys(HOUSING_TEXT, pl.String),
    "floor_area": pl.Float64,
    "member_count": pl.Int64,
    "stunting_risk": pl.Boolean,
}
RECEIPT_INPUTS: dict[str, pl.DataType | type[pl.DataType]] = {
    "pid": pl.String,
    "hid": pl.String,
    "area_code": pl.String,
    "program": pl.String,
    "period": pl.String,
    "component": pl.String,
    "amount": pl.Float64,
    "paid_on": pl.Date,
    "funding_source": pl.String,
    "file_name": pl.String,
    "row": pl.Int64,
}
# The columns of the linked run's records, persons and families a diagnosis reads.
_RECORD_KEYS = (
    "record_key",
    "source",
    "contract",
    "import_id",
    "file_name",
    "sheet",
    "row",
    "pid",
    "hid",
    "area_code",
)
_PERSON_KEYS = ("pid", "hid", "nik", "sex", "birth_date", "relationship")
_FAMILY_KEYS = ("hid", "kk", "head_pid", "area_code")
# Persons whose registry rows disagree take the value of the most authoritative source.
SOURCE_PRIORITY = ("dtsen", "regsosek2022", "p3ke_individu", "p3ke_keluarga", "dtks")
# Highest education below a completed primary school, as codes (Regsosek/DTSEN) or P3KE labels.
NO_PRIMARY = ("0", "1", "TIDAK/BELUM SEKOLAH", "BELUM TAMAT SD/SEDERAJAT", "TIDAK PUNYA IJAZAH SD")
_NO = ("2", "02", "TIDAK", "TIDAK ADA", "T", "01")


@dataclass(frozen=True)
class RegisterInputs:
    """What a diagnosis needs, whatever produced it (a linked run or the synthetic truth).

    Attributes:
        persons: ``pid``, ``hid``, ``nik``, ``sex``, ``birth_date``, ``relationship`` and
            :data:`PERSON_ATTRIBUTES`.
        families: ``hid``, ``kk``, ``head_pid``, ``area_code``, ``desil``, optionally
            ``registered`` (true where the family has a registry record, not only list
            rows; missing means every family does) and :data:`FAMILY_ATTRIBUTES`.
        receipts: one row per beneficiary-list row: ``pid``, ``hid``, ``area_code``,
            :data:`RECEIPT_COLUMNS` and where it came from (``file_name``, ``row``).
    """

    persons: pl.DataFrame
    families: pl.DataFrame
    receipts: pl.DataFrame


def gather(
    home: DataHome, run_folder: Path, settings: Settings, hids: pl.DataFrame | None = None
) -> RegisterInputs:
    """The persons, families and receipts of a linked run, with their snapshot attributes.

    ``hids`` (a frame with column ``hid``) keeps only those families and their members.
    """

    def read(table: str, columns: tuple[str, ...]) -> pl.DataFrame:
        # Only the columns used: a province's register is tens of millions of records.
        frame = pl.scan_parquet(run_folder / f"{table}.parquet").select(columns)
        if hids is not None:
            frame = frame.join(hids.lazy(), on="hid", how="semi")
        return frame.collect()

    try:
        records = read("records", _RECORD_KEYS)
        persons = read("persons", _PERSON_KEYS)
        families = read("families", _FAMILY_KEYS)
    except (OSError, pl.exceptions.PolarsError) as error:
        raise PipelineError(
            f"Hasil padanan {run_folder} tidak bisa dibaca ({error}). Jalankan `sinergi link`.",
            english=f"Cannot read linked run {run_folder}: {error}",
            code="LINKED_RUN_UNREADABLE",
        ) from error
    return gather_records(home, records, persons, families, settings)


def family_groups(run_folder: Path, target: int) -> list[pl.DataFrame]:
    """The run's families (``hid``) in groups of whole kecamatan of about ``target`` families.

    Facts and rules look at one family at a time, so a diagnosis can read and
    assess one group at a time and hold only its records.
    """
    families = pl.read_parquet(run_folder / "families.parquet", columns=["hid", "area_code"])
    district = pl.col("area_code").str.slice(0, 8).fill_null("")
    sizes = families.group_by(district.alias("district")).len().sort("district")
    groups: list[list[str]] = [[]]
    filled = 0
    for code, count in sizes.iter_rows():
        if filled >= target:
            groups.append([])
            filled = 0
        groups[-1].append(code)
        filled += count
    return [families.filter(district.is_in(codes)).select("hid") for codes in groups]


def listed_codes(home: DataHome, run_folder: Path) -> set[str]:
    """The program codes of every beneficiary list the linked run read."""
    inputs = json.loads((run_folder / "manifest.json").read_text(encoding="utf-8"))["inputs"]
    codes: set[str] = set()
    for import_id in inputs:
        folder = home.find_snapshot(import_id)
        if folder is None or read_manifest(folder).get("contract") != "program_receipt":
            continue
        path = folder / SNAPSHOT_DATA
        if "program" in pl.read_parquet_schema(path):
            column = pl.read_parquet(path, columns=["program"])["program"]
            codes |= set(column.drop_nulls().cast(pl.String).unique().to_list())
    return codes


def gather_records(
    home: DataHome,
    records: pl.DataFrame,
    persons: pl.DataFrame,
    families: pl.DataFrame,
    settings: Settings,
) -> RegisterInputs:
    """The inputs of any clustering of records into ``pid`` and ``hid`` (a run or a baseline)."""
    rows = snapshot_rows(home, records)
    ranked = rows.with_columns(rank=source_rank(pl.col("source")))

    person_values = (
        ranked.filter(pl.col("contract") == "person")
        .sort("pid", "rank", "record_key")  # the key breaks ties: same value in every run
        .group_by("pid")
        .agg(pl.col(c).drop_nulls().first() for c in PERSON_ATTRIBUTES)
    )
    persons = persons.select(_PERSON_KEYS).join(person_values, on="pid", how="left")
    families = families.select(_FAMILY_KEYS).join(
        _family_values(ranked, settings), on="hid", how="left"
    )
    receipts = ranked.filter(pl.col("contract") == "program_receipt").select(
        "pid", "hid", "area_code", *RECEIPT_COLUMNS, "file_name", "row", "record_key"
    )
    return RegisterInputs(persons, families, receipts)


def snapshot_rows(home: DataHome, records: pl.DataFrame) -> pl.DataFrame:
    """The records of the run with the attribute columns of their snapshot rows."""
    wanted = {*PERSON_ATTRIBUTES, *FAMILY_ATTRIBUTES, *RECEIPT_COLUMNS, "desil"}
    keys = records.select(_RECORD_KEYS)
    frames = []
    for (import_id,), used in sorted(keys.partition_by("import_id", as_dict=True).items()):
        folder = home.find_snapshot(import_id)
        if folder is None:
            raise PipelineError(
                f"Snapshot impor {import_id} yang dipakai padanan tidak ditemukan lagi. "
                "Jalankan `sinergi link` ulang.",
                english=f"Snapshot {import_id} used by the linked run is gone; run `sinergi link`",
                code="SNAPSHOT_MISSING",
            )
        path = folder / SNAPSHOT_DATA
        present = sorted(wanted & set(pl.read_parquet_schema(path)))
        # Only the rows of these records: a diagnosis in groups reads a file once per group.
        frames.append(
            pl.scan_parquet(path)
            .select(
                pl.lit(import_id).alias("import_id"),
                pl.col("_row").cast(pl.Int64).alias("row"),
                pl.col("_sheet").cast(pl.String).alias("sheet"),
                *(
                    pl.col(c).cast(pl.String) if c in ("period", "component") else pl.col(c)
                    for c in present
                ),
            )
            .join(used.select("row", "sheet").lazy(), on=["row", "sheet"], how="semi",
                  nulls_equal=True)
            .collect()
        )  # fmt: skip
    attributes = pl.concat(frames, how="diagonal_relaxed")
    for column in wanted - set(attributes.columns):
        attributes = attributes.with_columns(pl.lit(None).alias(column))
    return keys.join(attributes, on=["import_id", "row", "sheet"], how="left", nulls_equal=True)


def _family_values(ranked: pl.DataFrame, settings: Settings) -> pl.DataFrame:
    """Per family: the desil of the first source of ``settings.desil_sources`` that has one
    (the most common value among its rows), and the housing of the most authoritative source.
    """
    registry = ranked.filter(pl.col("contract") != "program_receipt", pl.col("hid").is_not_null())
    desil = (
        registry.filter(pl.col("desil").is_not_null())
        .with_columns(desil_rank=_rank(pl.col("source"), settings.desil_sources))
        .filter(pl.col("desil_rank") < len(settings.desil_sources))
        .filter(pl.col("desil_rank") == pl.col("desil_rank").min().over("hid"))
        .group_by("hid", "desil")
        .agg(pl.len().alias("n"), pl.col("source").first().alias("desil_source"))
        .sort("hid", "n", "desil", descending=[False, True, False])
        .group_by("hid", maintain_order=True)
        .first()
        .select("hid", pl.col("desil").cast(pl.Int64), "desil_source")
    )
    housing = (
        registry.sort("hid", "rank", "record_key")
        .group_by("hid")
        .agg(
            *(pl.col(c).drop_nulls().first() for c in FAMILY_ATTRIBUTES if c != "stunting_risk"),
            pl.col("stunting_risk").fill_null(False).any(),
            registered=pl.lit(True),
        )
    )
    return housing.join(desil, on="hid", how="full", coalesce=True)


def source_rank(column: pl.Expr) -> pl.Expr:
    """0 for the most authoritative source of person attributes, larger for the others."""
    return _rank(column, SOURCE_PRIORITY)


def _rank(column: pl.Expr, order: tuple[str, ...]) -> pl.Expr:
    return column.replace_strict(
        list(order), list(range(len(order))), default=len(order), return_dtype=pl.Int64
    )


def base_facts(
    inputs: RegisterInputs, settings: Settings, programs: dict[str, str], as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Person and family facts (the plain fields of ``fields.py``), before rules and settings.

    Args:
        programs: every list code mapped to the program id it counts for
            (``{"bpnt": "sembako", ...}``); ``receives_<program id>`` is set from them.
    """
    persons = _person_facts(inputs, settings, programs, as_of)
    families = _family_facts(inputs, persons, settings, programs)
    return persons, families


def _person_facts(
    inputs: RegisterInputs, settings: Settings, programs: dict[str, str], as_of: date
) -> pl.DataFrame:
    age = _age(pl.col("birth_date"), as_of)
    school_low, school_high = settings.school_ages
    work_low, work_high = settings.working_ages
    present = pl.col("presence").is_null() | pl.col("presence").is_in(["1", "5"])
    student = (pl.col("school_participation") == "2").fill_null(False)
    received = _receipt_flags(inputs.receipts, "pid", programs)
    return (
        inputs.persons.with_columns(
            age=age,
            present=present,
            head=(pl.col("relationship") == "1").fill_null(False),
            has_nik=pl.col("nik").is_not_null(),
            student=student,
            disability_level=pl.col("disability_level").cast(pl.Int64),
            chronic_illness=_yes(pl.col("chronic_illness")),
            pregnant=pl.col("pregnant").fill_null(False),
            migrant_worker=(pl.col("presence") == "4").fill_null(False),
        )
        .with_columns(
            # SD from 6, as docs/diagnose.md and PKH have it: a 5-year-old pupil is in
            # early childhood (TK/PAUD), PKH's usia dini component, not SD.
            school_level=pl.when(pl.col("student") & pl.col("age").is_between(6, 12))
            .then(pl.lit("SD"))
            .when(pl.col("student") & pl.col("age").is_between(13, 15))
            .then(pl.lit("SMP"))
            .when(pl.col("student") & pl.col("age").is_between(16, 18))
            .then(pl.lit("SMA"))
            .otherwise(pl.lit("")),
            out_of_school=(
                pl.col("present")
                & pl.col("age").is_between(school_low, school_high)
                & pl.col("school_participation").is_in(["1", "3"])
            ).fill_null(False),
            disabled=pl.coalesce(pl.col("disability_level") >= 3, pl.col("disability")).fill_null(
                False
            ),
            severe_disability=(pl.col("disability_level") >= 4).fill_null(False),
            informal_worker=(
                pl.col("present")
                & pl.col("age").is_between(work_low, work_high)
                & pl.col("occupation")
                .str.strip_chars()
                .str.to_uppercase()
                .is_in(list(settings.informal_occupations))
            ).fill_null(False),
            no_primary=pl.col("education")
            .cast(pl.String)
            .str.strip_chars()
            .str.to_uppercase()
            .is_in(list(NO_PRIMARY))
            .fill_null(False),
        )
        .join(received, on="pid", how="left")
        .with_columns(
            pl.col(f"receives_{p}").fill_null(False) for p in sorted(set(programs.values()))
        )
    )


def _family_facts(
    inputs: RegisterInputs, persons: pl.DataFrame, settings: Settings, programs: dict[str, str]
) -> pl.DataFrame:
    living = pl.col("present")
    counts = persons.group_by("hid").agg(
        members_present=living.sum(),
        n_pregnant=(living & pl.col("pregnant")).sum(),
        # A child is one PKH component: a 6-year-old SD pupil counts in n_sd, not here too.
        n_age_0_6=(living & (pl.col("age") <= 6) & (pl.col("school_level") != "SD")).sum(),
        n_sd=(living & (pl.col("school_level") == "SD")).sum(),
        n_smp=(living & (pl.col("school_level") == "SMP")).sum(),
        n_sma=(living & (pl.col("school_level") == "SMA")).sum(),
        n_elderly=(living & (pl.col("age") >= settings.elderly_age)).sum(),
        n_disabled=(living & pl.col("disabled")).sum(),
        n_severe_disability=(living & pl.col("severe_disability")).sum(),
        n_chronic=(living & pl.col("chronic_illness")).sum(),
        n_migrant=pl.col("migrant_worker").sum(),
        n_ats=pl.col("out_of_school").sum(),
        n_informal=pl.col("informal_worker").sum(),
        n_no_nik=(living & ~pl.col("has_nik")).sum(),
        n_adults=(living & (pl.col("age") >= 15)).sum(),
        n_no_primary=(living & (pl.col("age") >= 15) & pl.col("no_primary")).sum(),
    )
    heads = persons.select(
        pl.col("pid").alias("head_pid"),
        head_female=pl.col("sex") == "P",
        head_age=pl.col("age"),
    )
    received = _receipt_flags(inputs.receipts, "hid", programs)
    housing = {
        name: pl.col(field).cast(pl.String).str.strip_chars().str.to_uppercase().is_in(values)
        for name, vocabulary in settings.housing.items()
        for field, values in vocabulary.items()
    }
    codes = inputs.families["area_code"].unique().drop_nulls().to_list()
    rural = {code: not wilayah.is_kelurahan(code) for code in codes}
    families = (
        inputs.families.join(counts, on="hid", how="left")
        .join(heads, on="head_pid", how="left")
        .join(received, on="hid", how="left")
        .with_columns(
            pl.col("member_count").cast(pl.Int64),
            pl.col("floor_area").cast(pl.Float64),
            rural=pl.col("area_code").replace_strict(rural, default=None, return_dtype=pl.Boolean),
            extreme_poor=pl.col("desil") <= settings.extreme_desil_max,
            has_kk=pl.col("kk").is_not_null(),
            # Inputs without the column (the truth, hand-made families) are all registry families.
            registered=pl.col("registered").fill_null(False)
            if "registered" in inputs.families.columns
            else pl.lit(True),
            stunting_risk=pl.col("stunting_risk").fill_null(False),
            **{k: v.fill_null(False) for k, v in housing.items()},
        )
        .with_columns(pl.col(c).fill_null(0) for c in counts.columns if c != "hid")
        .with_columns(
            pl.col(f"receives_{p}").fill_null(False) for p in sorted(set(programs.values()))
        )
        .with_columns(
            member_count=pl.coalesce("member_count", pl.col("members_present").cast(pl.Int64)),
            head_female=pl.col("head_female").fill_null(False),
        )
        .with_columns(
            elderly_alone=(
                (pl.col("member_count") == 1) & (pl.col("head_age") >= settings.elderly_age)
            ).fill_null(False),
            floor_area_per_capita=pl.col("floor_area") / pl.col("member_count").clip(1),
            pkh_components=pl.min_horizontal(
                pl.sum_horizontal(
                    "n_pregnant",
                    "n_age_0_6",
                    "n_sd",
                    "n_smp",
                    "n_sma",
                    "n_elderly",
                    "n_severe_disability",
                ),
                4,
            ),
            missing_documents=~pl.col("has_kk") | (pl.col("n_no_nik") > 0),
        )
    )
    return families


def _receipt_flags(receipts: pl.DataFrame, key: str, programs: dict[str, str]) -> pl.DataFrame:
    ids = sorted(set(programs.values()))
    mapped = receipts.filter(pl.col(key).is_not_null()).with_columns(
        program_id=pl.col("program").replace_strict(programs, default=None)
    )
    return mapped.group_by(key).agg(
        (pl.col("program_id") == p).any().alias(f"receives_{p}") for p in ids
    )


def _age(birth: pl.Expr, as_of: date) -> pl.Expr:
    """Whole years between ``birth`` and ``as_of``."""
    before_birthday = (birth.dt.month() > as_of.month) | (
        (birth.dt.month() == as_of.month) & (birth.dt.day() > as_of.day)
    )
    return (as_of.year - birth.dt.year() - before_birthday.cast(pl.Int32)).cast(pl.Int64)


def _yes(column: pl.Expr) -> pl.Expr:
    """A text answer that says yes: ``1``, ``YA`` or the name of an illness."""
    text = column.cast(pl.String).str.strip_chars().str.to_uppercase()
    return (text.is_not_null() & (text != "") & ~text.is_in(list(_NO))).fill_null(False)
