"""Build a whole synthetic regency into a folder: sources, survey, reference data and truth.

``synthesize(config)`` is the one entry point (the CLI, tests and benchmarks
call it). It writes into a temporary sibling folder and renames it into place
at the end, so an interrupted run never leaves a half-written result.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from sinergi import __version__
from sinergi.domain import wilayah
from sinergi.errors import SynthError
from sinergi.synth import survey
from sinergi.synth.config import SynthConfig
from sinergi.synth.exports import Exporter
from sinergi.synth.frame import Frame, build_frame
from sinergi.synth.population import Chunk, NikDistricts, SerialRegistry, generate_chunk
from sinergi.synth.programs import Amounts, decide, household_needs
from sinergi.synth.sinks import CsvSink, ParquetSink

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
CHUNK_PERSONS = 100_000
PROGRAMS = ("pkh", "sembako", "pbi", "pip", "blt_dd", "rtlh", "bpjs_tk")


@dataclass(frozen=True)
class SynthResult:
    """What a build produced: the folder, its manifest and the headline counts."""

    out: Path
    manifest: dict[str, Any]

    @property
    def persons(self) -> int:
        return int(self.manifest["counts"]["persons"])


def synthesize(
    config: SynthConfig,
    amounts: Amounts,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> SynthResult:
    """Generate the regency of ``config`` into ``config.out``.

    Args:
        amounts: benefit amounts (from the reference program catalog).
        force: replace ``config.out`` if it already holds files.
        progress: called with the number of persons just generated.
    """
    out = config.out
    refuse_full_folder(out, force)
    wilayah.get(config.regency)  # an unknown regency fails before any work
    for note in config.calibration.fallback_notes():
        log.warning("Kalibrasi %s: %s", config.regency, note)
    started = time.perf_counter()
    work = out.with_name(f".{out.name}.partial")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        manifest = _build(config, amounts, work, progress)
        manifest["seconds"] = round(time.perf_counter() - started, 2)
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
        if out.exists():
            shutil.rmtree(out)
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    log.info("synthetic regency %s written to %s", config.regency, out)
    return SynthResult(out=out, manifest=manifest)


def refuse_full_folder(out: Path, force: bool) -> None:
    """A ``SynthError`` when ``out`` holds files and ``force`` does not allow replacing them."""
    if out.exists() and any(out.iterdir()) and not force:
        raise SynthError(
            f"Folder {out} sudah berisi berkas. Pakai --force untuk menggantinya, "
            "atau pilih folder lain dengan --out.",
            english=f"Output folder {out} is not empty; use --force or another --out.",
            code="SYNTH_OUT_NOT_EMPTY",
        )


def _build(
    config: SynthConfig, amounts: Amounts, out: Path, progress: Callable[[int], None] | None
) -> dict[str, Any]:
    frame = build_frame(config, np.random.default_rng([config.seed, 0]))
    sample_rng = np.random.default_rng([config.seed, 1])
    blocks = survey.assign_census_blocks(frame.village, sample_rng)
    district_index = np.unique(frame.district_codes(), return_inverse=True)[1][frame.village]
    strata = district_index * 2 + frame.urban
    sample = survey.draw_sample(strata, blocks, survey.SurveyDesign(), sample_rng)
    survey_row = np.full(frame.households, -1, dtype=np.int64)
    survey_row[sample.household_rows] = np.arange(len(sample.household_rows))

    reference = date(config.year, 9, 30)
    serials = SerialRegistry()
    nik_districts = NikDistricts.of_regency(config.regency)
    exporter = Exporter(out, frame, config.noise, config.year, id_offset=config.id_offset)
    truth_persons = ParquetSink(out / "truth" / "persons.parquet")
    truth_households = ParquetSink(out / "truth" / "households.parquet")
    truth_payments = ParquetSink(out / "truth" / "payments.parquet")
    survey_sink = CsvSink(
        out / "sources" / "survey" / f"susenas_{config.year}_03_rumah_tangga.csv", SURVEY_HEADER
    )
    totals = {"persons": 0, "households": 0}
    targeting: dict[str, dict[str, int]] = {}
    try:
        for index, households in enumerate(_chunks(frame)):
            rng = np.random.default_rng([config.seed, 2, index])
            chunk = generate_chunk(
                frame, households, totals["persons"] + 1, reference, serials, nik_districts, rng
            )
            needs = household_needs(frame, chunk)
            homes, persons, payments = decide(
                frame, chunk, needs, amounts, config.calibration, reference, rng
            )
            status = needs | homes
            _count_targeting(targeting, status, persons)
            exporter.write_chunk(chunk, status, persons, payments, rng)
            truth_persons.write(_person_truth(frame, chunk, persons))
            truth_households.write(_household_truth(frame, chunk, status, config))
            for program, pay in payments.items():
                truth_payments.write(_payment_truth(program, chunk, pay))
            picked = survey_row[households] >= 0
            if picked.any():
                survey_sink.write(_survey_rows(frame, chunk, picked, sample, survey_row, config))
            totals["persons"] += len(chunk.people["person_id"])
            totals["households"] += len(households)
            if progress:
                progress(len(chunk.people["person_id"]))
    finally:
        exporter.close()
        for sink in (truth_persons, truth_households, truth_payments, survey_sink):
            sink.close()
    _copy_reference(out / "reference", config.regency)
    return {
        "schema_version": SCHEMA_VERSION,
        "generator": f"sinergi {__version__}",
        "config": config.to_dict(),
        "counts": totals | {"survey_households": len(sample.household_rows)},
        "files": exporter.files() | {str(survey_sink.path.relative_to(out)): survey_sink.data_rows},
        # Figures that are the province's or Indonesia's, said plainly (docs/calibration.md).
        "calibration_fallbacks": config.calibration.fallback_notes(),
        "calibration_achieved": _achieved(frame, config),
        "targeting": {program: _errors(counts) for program, counts in targeting.items()},
    }


def _count_targeting(
    targeting: dict[str, dict[str, int]],
    households: dict[str, np.ndarray],
    persons: dict[str, np.ndarray],
) -> None:
    """Add the chunk's eligible/receiving cross-counts per program (households or persons)."""
    for table in (households, persons):
        for key in table:
            if not key.startswith("eligible_") or f"receives_{key[9:]}" not in table:
                continue
            program = key[9:]
            if program == "pbi" and table is households:
                continue  # PBI is counted over persons
            eligible, receives = table[key].astype(bool), table[f"receives_{program}"].astype(bool)
            counts = targeting.setdefault(
                program, dict.fromkeys(("eligible", "receiving", "both"), 0)
            )
            counts["eligible"] += int(eligible.sum())
            counts["receiving"] += int(receives.sum())
            counts["both"] += int((eligible & receives).sum())


def _errors(counts: dict[str, int]) -> dict[str, float | int]:
    """Exclusion error (eligible, not receiving) and inclusion error (receiving, not eligible)."""
    eligible, receiving, both = counts["eligible"], counts["receiving"], counts["both"]
    return counts | {
        "exclusion_error": round(1 - both / eligible, 3) if eligible else 0.0,
        "inclusion_error": round(1 - both / receiving, 3) if receiving else 0.0,
    }


def _chunks(frame: Frame) -> list[np.ndarray]:
    """Runs of whole villages holding about ``CHUNK_PERSONS`` persons each."""
    village_ends = np.append(np.flatnonzero(np.diff(frame.village)) + 1, frame.households)
    persons_before = np.concatenate([[0], np.cumsum(frame.size)])
    chunks: list[np.ndarray] = []
    first = 0
    for end in village_ends:
        if persons_before[end] - persons_before[first] >= CHUNK_PERSONS or end == frame.households:
            chunks.append(np.arange(first, end))
            first = end
    return chunks


def _achieved(frame: Frame, config: SynthConfig) -> dict[str, float]:
    cal = config.calibration
    persons = frame.size.sum()
    return {
        "poverty_rate": float(frame.size[frame.pce < cal.poverty_line].sum() / persons),
        "extreme_rate": float(frame.size[frame.pce < cal.extreme_line].sum() / persons),
        "mean_household_size": float(frame.size.mean()),
        "gini": _gini(frame.pce, frame.size),
    }


def _gini(pce: np.ndarray, weight: np.ndarray) -> float:
    """Person-weighted Gini of per-capita expenditure (trapezoid Lorenz curve)."""
    order = np.argsort(pce)
    w = weight[order] / weight.sum()
    income = pce[order] * weight[order]
    lorenz = np.concatenate([[0.0], np.cumsum(income) / income.sum()])
    return float(1 - np.sum(w * (lorenz[1:] + lorenz[:-1])))


def _person_truth(
    frame: Frame, chunk: Chunk, persons: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    people = chunk.people
    h = people["household"]
    columns = {
        "person_id": people["person_id"],
        "household_id": h + 1,
        "nik": people["nik"],
        "kk": chunk.homes["kk"][chunk.home_row],
        "name": people["name"],
        "sex": people["sex"],
        "birth_date": people["birth_date"],
        "age": people["age"],
        "relationship": people["relationship"],
        "village_code": np.array([a.code for a in frame.villages], dtype=object)[frame.village[h]],
        "presence": people["presence"],
        "school_participation": people["school_participation"],
        "school_level": people["school_level"],
        "education": people["education"],
        "occupation": people["occupation"],
        "informal_worker": people["informal_worker"],
        "disability": people["disability"],
        "chronic_illness": people["chronic_illness"],
        "pregnant": people["pregnant"],
        "nik_district": people["nik_district"],
    }
    return columns | persons


def _household_truth(
    frame: Frame, chunk: Chunk, status: dict[str, np.ndarray], config: SynthConfig
) -> dict[str, np.ndarray]:
    h = chunk.households
    codes = np.array([a.code for a in frame.villages], dtype=object)
    cal = config.calibration
    return {
        "household_id": h + 1,
        "kk": chunk.homes["kk"],
        "village_code": codes[frame.village[h]],
        "old_village_code": codes[frame.old_village[h]],
        "urban": frame.urban[h],
        "pocket_village": frame.pocket[h],
        "size": frame.size[h],
        "pce": frame.pce[h],
        "poor": frame.pce[h] < cal.poverty_line,
        "extreme_poor": frame.pce[h] < cal.extreme_line,
        "welfare_rank": frame.rank[h],
        "desil_true": frame.desil_true[h],
        "desil_dtsen": frame.desil_dtsen[h],
        "desil_p3ke": frame.desil_p3ke[h],
        "in_dtks": frame.in_dtks[h],
        "head_female": frame.head_female[h],
        "elderly_alone": frame.elderly_alone[h],
    } | {k: v for k, v in status.items() if not k.startswith("pkh_") or k == "pkh_components"}


def _payment_truth(program: str, chunk: Chunk, pay: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    rows = pay["person_row"]
    return {
        "program": np.full(len(rows), program, dtype=object),
        "person_id": chunk.people["person_id"][rows],
        "household_id": chunk.people["household"][rows] + 1,
    } | {k: v for k, v in pay.items() if k not in ("person_row", "household_row")}


SURVEY_HEADER = [
    "id_rt", "strata", "psu", "bobot", "kode_kabupaten", "kode_kecamatan", "kode_desa",
    "klasifikasi", "jumlah_art", "pengeluaran_kapita_sebulan", "jenis_kelamin_krt",
    "umur_krt", "pendidikan_krt", "jenis_lantai", "jenis_dinding", "jenis_atap",
    "sumber_air_minum", "sumber_penerangan", "bahan_bakar_memasak", "fasilitas_bab",
    "luas_lantai", "jumlah_balita", "jumlah_lansia",
]  # fmt: skip


def _survey_rows(
    frame: Frame,
    chunk: Chunk,
    picked: np.ndarray,
    sample: survey.SurveySample,
    survey_row: np.ndarray,
    config: SynthConfig,
) -> dict[str, np.ndarray]:
    """The sampled households of the chunk as SUSENAS-style records."""
    h = chunk.households[picked]
    s = survey_row[h]
    people = chunk.people
    local = chunk.home_row
    head = chunk.head_row[picked]
    toddlers = np.bincount(local[people["age"] < 5], minlength=len(chunk.households))[picked]
    elderly = np.bincount(local[people["age"] >= 60], minlength=len(chunk.households))[picked]
    codes = np.array([a.code for a in frame.villages], dtype=object)[frame.village[h]]
    home = {k: v[picked] for k, v in chunk.homes.items()}
    return {
        "id_rt": np.array(
            [f"{config.regency.replace('.', '')}{i + 1:05d}" for i in s], dtype=object
        ),
        "strata": sample.stratum[s],
        "psu": sample.psu[s],
        "bobot": np.round(sample.weight[s], 4),
        "kode_kabupaten": np.full(len(h), config.regency, dtype=object),
        "kode_kecamatan": np.array([c.rsplit(".", 1)[0] for c in codes], dtype=object),
        "kode_desa": codes,
        "klasifikasi": np.where(frame.urban[h], 1, 2),
        "jumlah_art": frame.size[h],
        "pengeluaran_kapita_sebulan": np.round(frame.pce[h], 0),
        "jenis_kelamin_krt": np.where(people["sex"][head] == "L", 1, 2),
        "umur_krt": people["age"][head],
        "pendidikan_krt": people["education"][head],
        **{
            column: home[item]
            for column, item in (
                ("jenis_lantai", "lantai"),
                ("jenis_dinding", "dinding"),
                ("jenis_atap", "atap"),
                ("sumber_air_minum", "air_minum"),
                ("sumber_penerangan", "penerangan"),
                ("bahan_bakar_memasak", "bahan_bakar"),
                ("fasilitas_bab", "fasilitas_bab"),
                ("luas_lantai", "floor_area"),
            )
        },
        "jumlah_balita": toddlers,
        "jumlah_lansia": elderly,
    }


def _copy_reference(target: Path, regency: str) -> None:
    """Ship the versioned reference data (lines, strategies, targets, catalogs) with the region.

    The example OPD catalog is written for Dompu; another regency gets it with its
    own name and village counts (``opd_catalog_for``).
    """
    target.mkdir(parents=True, exist_ok=True)
    for item in resources.files("sinergi.data").joinpath("reference").iterdir():
        if item.name == "opd_programs.csv":
            text = opd_catalog_for(item.read_bytes().decode("utf-8"), regency)
            (target / item.name).write_bytes(text.encode("utf-8"))
        elif item.name.endswith((".csv", ".md")):
            (target / item.name).write_bytes(item.read_bytes())


# The regency the shipped example OPD catalog (``opd_programs.csv``) was written for.
CATALOG_REGENCY = "52.05"
CATALOG_NAME = "Kabupaten Dompu"
# "Kabupaten Dompu (81 desa/kelurahan)": a location that counts the regency's villages.
_COUNTED = re.compile(rf"{CATALOG_NAME} \((\d+) (desa/kelurahan|desa)\)")
_DISTRICT = re.compile(r"Kec\. ([^,]+)")


def opd_catalog_for(text: str, regency: str) -> str:
    r"""The example OPD catalog (CSV text) restated for ``regency``.

    Its name replaces Dompu's; "(81 desa/kelurahan)" and "(72 desa)" count its own
    villages (a target that was that count follows it); each Dompu district named
    becomes one of its districts, in code order as they first appear; a regency
    without any desa drops the rows paid from Dana Desa, which only desa receive.

    Examples:
        >>> rows = ["year,location,target_beneficiaries,funding_source",
        ...         "2025,Kabupaten Dompu (72 desa),1500,Dana Desa",
        ...         "2025,Kabupaten Dompu (81 desa/kelurahan),81,APBD",
        ...         "2025,\"Kec. Woja, Kec. Kempo\",100,APBD"]
        >>> for line in opd_catalog_for("\n".join(rows), "31.71").splitlines()[1:]:
        ...     print(line)
        2025,Kota Administrasi Jakarta Pusat (44 kelurahan),44,APBD
        2025,"Kec. Gambir, Kec. Sawah Besar",100,APBD
    """
    if wilayah.normalise_code(regency) == CATALOG_REGENCY:
        return text
    area = wilayah.get(regency)
    name = f"Kabupaten {area.label.removeprefix('Kab. ')}" if area.kind != "kota" else area.label
    villages = wilayah.villages_of(area.code)
    desa = sum(v.kind != "kelurahan" for v in villages)
    counts = {"desa/kelurahan": len(villages), "desa": desa}
    words = {"desa/kelurahan": "kelurahan" if not desa else "desa" if desa == len(villages)
             else "desa/kelurahan", "desa": "desa"}  # fmt: skip
    districts = [d.name for d in wilayah.children(area.code)]
    renamed: dict[str, str] = {}

    def district(match: re.Match[str]) -> str:
        own = renamed.setdefault(match[1], districts[len(renamed) % len(districts)])
        return f"Kec. {own}"

    reader = csv.DictReader(io.StringIO(text))
    written = io.StringIO()
    writer = csv.DictWriter(written, fieldnames=reader.fieldnames or [], lineterminator="\n")
    writer.writeheader()
    for row in reader:
        if row.get("funding_source") == "Dana Desa" and not desa:
            continue
        for column, value in row.items():
            counted = _COUNTED.fullmatch(value or "")
            if counted:
                count = counts[counted[2]]
                row[column] = f"{name} ({count} {words[counted[2]]})"
                if row.get("target_beneficiaries") == counted[1]:
                    row["target_beneficiaries"] = str(count)
            elif value and CATALOG_NAME in value:
                row[column] = value.replace(CATALOG_NAME, name)
            elif column == "location" and value:
                row[column] = _DISTRICT.sub(district, value)
        writer.writerow(row)
    return written.getvalue()
