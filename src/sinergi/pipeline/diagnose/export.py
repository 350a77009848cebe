"""Export a diagnosis for people: the short summary and the regency workbook with follow-up lists.

The workbook's aggregate sheets hide counts below the k-anonymity threshold;
its per-desa follow-up lists name families (head, address) with NIK and KK
masked unless the run is authorised to reveal them (``lake/audit.py``), and
every revealing export is recorded.
"""

from __future__ import annotations

import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import polars as pl
import polars.selectors as cs

from sinergi.domain import wilayah
from sinergi.lake.audit import authorise_reveal, record_reveal
from sinergi.lake.home import DataHome, write_atomically
from sinergi.pipeline.diagnose.aggregate import (
    count_columns,
    rate_numerators,
    suppress_small_counts,
)
from sinergi.pipeline.diagnose.distribution import SUMMARY_COUNTS
from sinergi.pipeline.diagnose.run import DiagnosisRun
from sinergi.reports.diagnostics_workbook import FOLLOW_UP_COLUMNS, write_diagnostics_workbook
from sinergi.reports.formats import id_date, id_number, id_percent

SHEETS = {
    "areas": ("Wilayah", "Angka per desa, kecamatan dan kabupaten."),
    "programs": ("Program", "Ketepatan sasaran per program: layak, menerima, tepat, belum, salah."),
    "pockets": ("Kantong kemiskinan", "Peringkat desa menurut komposit kantong kemiskinan."),
    "complementarity": (
        "Komplementaritas",
        "Kombinasi program yang diterima keluarga miskin ekstrem.",
    ),
    "complementarity_matrix": (
        "Matriks komplementaritas",
        "Jumlah keluarga miskin ekstrem yang menerima dua program sekaligus.",
    ),
    "distribution": (
        "Penyaluran",
        "Tepat jumlah dan tepat waktu per program, periode, desa dan saluran.",
    ),
}
COLUMN_LABELS = {
    "level": "Tingkat",
    "area_code": "Kode wilayah",
    "area_name": "Nama wilayah",
    "parent_code": "Kode induk",
    "district_name": "Kecamatan",
    "families": "Keluarga",
    "persons": "Orang",
    "extreme_poor": "Miskin ekstrem",
    "extreme_poor_share": "Persen miskin ekstrem",
    "multidim_poor": "Miskin multidimensi",
    "multidim_poor_share": "Persen miskin multidimensi",
    "deprivation_mean": "Skor kekurangan rata-rata",
    "unassisted": "Desil 1-4 belum dibantu",
    "unserved_share": "Persen belum dibantu",
    "ats_children": "Anak tidak sekolah",
    "elderly_alone": "Lansia tinggal sendiri",
    "female_head": "Perempuan kepala keluarga",
    "disabled_families": "Keluarga dengan disabilitas",
    "severe_disability_families": "Keluarga dengan disabilitas berat",
    "migrant_families": "Keluarga pekerja migran",
    "missing_documents": "Tanpa KK/NIK",
    "rtlh": "Rumah tidak layak huni",
    "program": "Program",
    "name": "Nama program",
    "unit": "Satuan",
    "listed": "Ada daftar penerima",
    "eligible": "Layak",
    "received": "Menerima",
    "served": "Tepat sasaran",
    "exclusion": "Layak belum menerima",
    "inclusion": "Menerima tidak layak",
    "unregistered": "Menerima, tidak ada di registri",
    "double": "Ganda",
    "coverage": "Cakupan",
    "inclusion_rate": "Persen salah sasaran",
    "composite": "Skor komposit",
    "rank": "Peringkat",
    "combination": "Kombinasi program",
    "share": "Persen",
}


def _regencies(run: DiagnosisRun) -> pl.DataFrame:
    return run.tables["areas"].filter(pl.col("level") == "kabupaten")


def _region(run: DiagnosisRun) -> dict[str, Any]:
    """The counts of the whole run: its regency's row, or the sum of several (a province)."""
    regencies = _regencies(run)
    if regencies.height == 1:
        return regencies.row(0, named=True)
    province = str(regencies["area_code"][0])[:2]
    counts = regencies.select(cs.numeric().sum()).row(0, named=True)
    return {**counts, "area_code": province, "area_name": wilayah.name_or_code(province)}


def summary_lines(run: DiagnosisRun) -> list[tuple[str, str]]:
    """The figures a TKPK meeting starts from, as (label, value) lines in Bahasa Indonesia."""
    families = run.counts["families"]
    regency = _region(run)
    total = max(families, 1)

    def count(column: str) -> str:
        n = int(regency[column] or 0)
        return f"{id_number(n)} ({id_percent(n / total)})"

    lines = [
        ("Wilayah", f"{regency['area_name']} ({regency['area_code']})"),
        ("Tanggal acuan", id_date(run.as_of)),
        ("Keluarga dalam register", id_number(families)),
        ("Keluarga miskin ekstrem", count("extreme_poor")),
        ("Dasar miskin ekstrem", run.rule_set.settings.extreme_basis),
        ("Keluarga miskin multidimensi", count("multidim_poor")),
        ("Keluarga desil 1-4 belum menerima bansos/jamsos apa pun", count("unassisted")),
        ("Anak tidak sekolah", id_number(int(regency["ats_children"] or 0))),
        ("Keluarga lansia tinggal sendiri", count("elderly_alone")),
        ("Keluarga dengan penyandang disabilitas berat", count("severe_disability_families")),
        ("Keluarga dengan pekerja migran", count("migrant_families")),
        ("Keluarga dengan perempuan kepala keluarga", count("female_head")),
        ("Keluarga dengan KK atau NIK tidak ada/tidak sah", count("missing_documents")),
    ]
    for program in run.tables["programs"].filter(pl.col("listed")).iter_rows(named=True):
        coverage = program["coverage"]
        lines.append(
            (
                f"{program['name']} ({program['unit']})",
                f"layak {id_number(program['eligible'])}, tepat {id_number(program['served'])}"
                f" (cakupan {id_percent(coverage) if coverage is not None else '-'}), "
                f"belum menerima {id_number(program['exclusion'])}, "
                f"tidak layak {id_number(program['inclusion'])}, "
                f"tidak ada di registri {id_number(program['unregistered'])}",
            )
        )
    if run.counts["payments"]:
        payments = run.scan("payments").select("paid_less", "late").sum().collect()
        lines.append(
            (
                "Penyaluran",
                f"{id_number(run.counts['payments'])} pembayaran: kurang "
                f"{id_number(int(payments['paid_less'].item()))}, terlambat "
                f"{id_number(int(payments['late'].item()))}; tidak dibayar pada periodenya "
                f"{id_number(run.counts['missed_payments'])}",
            )
        )
    pockets = run.tables["pockets"].head(5)
    lines.append(
        ("Kantong kemiskinan teratas", ", ".join(pockets["area_name"].cast(pl.String).to_list()))
    )
    return lines


def workbook_path(home: DataHome, run: DiagnosisRun, reveal: bool) -> Path:
    suffix = "_TERBUKA" if reveal else ""
    return home.root / "reports" / "diagnosis" / f"diagnosis_{run.run_id}{suffix}.xlsx"


def export_workbook(
    home: DataHome,
    run: DiagnosisRun,
    *,
    reveal_identifiers: bool = False,
    user: str,
    reason: str | None = None,
) -> list[Path]:
    """Write the workbook of a run: summary, aggregate sheets and follow-up lists per desa.

    A run over several regencies (a province) has millions of families to visit: its
    workbook keeps the summary and aggregates, and the follow-up lists go to one
    workbook per regency, written side by side (one process per CPU core) into a
    folder beside it, all or none. Revealing identifiers needs authorisation and is
    recorded. Returns the paths written, the workbook first.
    """
    if reveal_identifiers:
        authorise_reveal(home, user, reason)
    k = run.rule_set.settings.k_anonymity
    tables = {}
    for name, (sheet, description) in SHEETS.items():
        frame = run.tables[name]
        if name == "distribution":
            counts, rates = list(SUMMARY_COUNTS), {}
        else:
            counts, rates = count_columns(name, frame), rate_numerators(name, frame)
        frame = suppress_small_counts(frame, k, counts, rates)
        if name == "programs":
            # In the workbook an empty number is a hidden small count, so programs without a
            # list (receipt unknown, not zero) are named in the description instead.
            description += _unlisted(frame, k)
            frame = frame.filter(pl.col("listed")).drop("level", "listed")
        tables[sheet] = (description, frame)
    rows = follow_up_rows(run, home.root / "linked" / run.link_run)
    path = workbook_path(home, run, reveal_identifiers)
    path.parent.mkdir(parents=True, exist_ok=True)
    summary = summary_lines(run)
    several = _regencies(run).height > 1
    written = [path]
    if several:
        folder = path.with_name(f"{path.stem}_tindak_lanjut")
        summary.append(
            ("Daftar tindak lanjut", f"satu buku kerja per kabupaten/kota: {folder.name}")
        )
        _write_follow_up_books(folder, _regency_books(rows), reveal_identifiers, k)
        written += sorted(folder.iterdir())
    write_diagnostics_workbook(
        path,
        title=f"Diagnosis sasaran {_region(run)['area_name']}",
        summary=summary,
        tables=tables,
        follow_up=None if several else rows,
        reveal_identifiers=reveal_identifiers,
        suppressed_label=f"<{k}",
        column_labels=COLUMN_LABELS,
    )
    if reveal_identifiers:
        record_reveal(
            home,
            {
                "user": user,
                "reason": reason,
                "diagnosis_run": run.run_id,
                "file": str(path),
                "files": [str(p) for p in written],
                "families": rows["hid"].n_unique(),
                "rows": rows.height,
            },
        )
    return written


def _regency_books(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The follow-up rows by the regency of their desa ("" for rows without one)."""
    regency = pl.col("desa_code").str.slice(0, 5).fill_null("").alias("_regency")
    parts = rows.with_columns(regency).partition_by("_regency", as_dict=True, include_key=False)
    return {str(key[0]): part for key, part in sorted(parts.items())}


def _write_follow_up_books(
    folder: Path, books: dict[str, pl.DataFrame], reveal: bool, k: int
) -> None:
    """One follow-up workbook per regency in ``folder``, written side by side."""
    with (
        tempfile.TemporaryDirectory(prefix="sinergi-follow-up-") as handed,
        write_atomically(folder) as partial,
    ):
        partial.mkdir()
        jobs = []
        for code, rows in books.items():
            source = Path(handed) / f"{code or 'none'}.parquet"
            rows.write_parquet(source)
            name = wilayah.name_or_code(code) if code else "tanpa kode desa"
            stem = code.replace(".", "") if code else "tanpa_wilayah"
            jobs.append((partial / f"tindak_lanjut_{stem}.xlsx", name, source, reveal, f"<{k}"))
        workers = min(len(jobs), os.cpu_count() or 1)
        with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
            list(pool.map(_write_follow_up_book, jobs))


def _write_follow_up_book(job: tuple[Path, str, Path, bool, str]) -> None:
    path, name, source, reveal, suppressed_label = job
    rows = pl.read_parquet(source)
    write_diagnostics_workbook(
        path,
        title=f"Daftar tindak lanjut {name}",
        summary=[
            ("Wilayah", name),
            ("Keluarga yang perlu ditindaklanjuti", id_number(rows["hid"].n_unique())),
        ],
        tables={},
        follow_up=rows,
        reveal_identifiers=reveal,
        suppressed_label=suppressed_label,
    )


def _unlisted(programs: pl.DataFrame, k: int) -> str:
    unlisted = programs.filter(~pl.col("listed"))
    if unlisted.is_empty():
        return ""
    named = [
        f"{row['name']} (layak "
        f"{id_number(row['eligible']) if row['eligible'] is not None else f'<{k}'} {row['unit']})"
        for row in unlisted.iter_rows(named=True)
    ]
    return " Tanpa daftar penerima, hanya kelayakan: " + "; ".join(named) + "."


def follow_up_rows(run: DiagnosisRun, link_folder: Path) -> pl.DataFrame:
    """One row per family to visit: its head's name, identifiers and address, and every
    reason, fitting program and OPD (joined with "; "), so a field officer visits once."""
    names = {p.id: p.name for p in run.rule_set.programs}
    reasons = (
        run.scan("follow_up")
        .with_columns(pl.col("program").replace_strict(names, default=pl.col("program")))
        .group_by("hid", "area_code", maintain_order=True)
        .agg(
            pl.col("reason").str.join("; "),
            pl.col("program").filter(pl.col("program") != "").unique(maintain_order=True)
            .str.join("; "),
            pl.col("opd").unique(maintain_order=True).str.join("; "),
        )
        .collect()
    )  # fmt: skip
    # Only the families to visit and their heads: a province has millions of persons.
    families = (
        run.scan("families")
        .select("hid", "kk", "head_pid", "desil", pl.col("members_present").alias("members"))
        .join(reasons.lazy().select("hid"), on="hid", how="semi")
        .collect()
    )
    persons = (
        pl.scan_parquet(link_folder / "persons.parquet")
        .select("pid", "name", "nik", "address", "rt", "rw")
        .join(families.lazy().select(pl.col("head_pid").alias("pid")), on="pid", how="semi")
        .collect()
    )
    heads = families.join(
        persons.rename({"pid": "head_pid", "name": "head_name"}), on="head_pid", how="left"
    )
    codes = reasons["area_code"].unique().drop_nulls().to_list()
    desa = {code: wilayah.name_or_code(code) for code in codes}
    districts = {code: wilayah.name_or_code(code.rsplit(".", 1)[0]) for code in codes}
    return (
        reasons.join(heads, on="hid", how="left")
        .with_columns(
            desa_code=pl.col("area_code"),
            desa_name=pl.col("area_code").replace_strict(desa, default=None),
            district_name=pl.col("area_code").replace_strict(districts, default=None),
        )
        .select(FOLLOW_UP_COLUMNS)
    )
