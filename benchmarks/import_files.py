"""Benchmark `sinergi import`: rows per second and peak memory for a large CSV and a large XLSX.

Makes a DTSEN-shaped CSV (default 1,000,000 rows) and a P3KE Keluarga workbook
with its title block (default 250,000 rows) with the defects real files have
(Excel-mangled NIKs, day-first dates, blank names, repeated rows), then imports
each in its own process so peak memory (max RSS) belongs to that import alone.
Usage:

    .venv/bin/python benchmarks/import_files.py                  # 1M-row CSV, 250k-row XLSX
    .venv/bin/python benchmarks/import_files.py --csv-rows 200000 --xlsx-rows 0
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sinergi.domain import wilayah
from sinergi.synth.exports import DTSEN_HEADER, P3KE_FAMILY_HEADER
from sinergi.synth.sinks import XlsxSink

FIRST = ["Siti", "Muhammad", "Nur", "Ahmad", "Abdul", "Sri", "Dewi", "Rahmat", "Hasan", "Aminah"]
LAST = ["Hidayat", "Rahmawati", "Saputra", "Lestari", "Wahyudi", "Hasanah", "Kurniawan", "Syafii"]


def _people(rows: int, rng: np.random.Generator) -> dict[str, list[str]]:
    villages = wilayah.villages_of("52.05")
    village = rng.integers(0, len(villages), rows)
    codes = [villages[i].code for i in village]
    born = [date(1940, 1, 1) + timedelta(days=int(d)) for d in rng.integers(0, 30_000, rows)]
    female = rng.random(rows) < 0.5
    serial = rng.integers(1, 9999, rows)
    niks = [
        f"{c[:8].replace('.', '')}{b.day + 40 * f:02d}{b.month:02d}{b.year % 100:02d}{s:04d}"
        for c, b, f, s in zip(codes, born, female, serial, strict=True)
    ]
    family = np.arange(rows) // 4
    kks = [f"{c[:8].replace('.', '')}0101{10 + k % 15:02d}{k % 9999 + 1:04d}"
           for c, k in zip(codes, family, strict=True)]  # fmt: skip
    names = [f"{FIRST[a]} {LAST[b]}" for a, b in rng.integers(0, 8, (rows, 2))]
    dates = [b.isoformat() for b in born]
    # The defects of real files, at rates like the synthetic regency's.
    for i in np.flatnonzero(rng.random(rows) < 0.01):
        niks[i] = f"{int(niks[i]) / 1e15:.5f}E+15"
    for i in np.flatnonzero(rng.random(rows) < 0.005):
        names[i] = ""
    for i in np.flatnonzero(rng.random(rows) < 0.05):
        dates[i] = born[i].strftime("%d-%m-%Y")
    return {
        "id_keluarga": [str(k) for k in family], "kode_desa": codes, "nik": niks, "no_kk": kks,
        "nama": names, "jenis_kelamin": ["2" if f else "1" for f in female],
        "tanggal_lahir": dates, "sex_text": ["PEREMPUAN" if f else "LAKI-LAKI" for f in female],
    }  # fmt: skip


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    """A DTSEN extract with ``rows`` persons (0.1% of them repeated)."""
    rng = np.random.default_rng(seed)
    people = _people(rows, rng)
    fixed = {name: str(rng.integers(1, 5)) for name in DTSEN_HEADER}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DTSEN_HEADER)
        for i in range(rows):
            record = [people[c][i] if c in people else fixed[c] for c in DTSEN_HEADER]
            writer.writerow(record)
            if i % 1000 == 0:
                writer.writerow(record)


def make_xlsx(path: Path, rows: int, seed: int = 2) -> None:
    """A P3KE Keluarga workbook: 11 title rows, the header on row 12, data from row 13."""
    rng = np.random.default_rng(seed)
    people = _people(rows, rng)
    title = ["DATA P3KE", "KELUARGA", "", "PROVINSI : NUSA TENGGARA BARAT", "KAB : DOMPU"]
    title += [""] * 5
    sink = XlsxSink(path, P3KE_FAMILY_HEADER, title, first_data_row=13)
    own = {
        "ID Keluarga P3KE": people["id_keluarga"], "Kode Kemendagri": people["kode_desa"],
        "Kepala Keluarga": people["nama"], "NIK": people["nik"],
        "Jenis Kelamin": people["sex_text"], "Tanggal Lahir": people["tanggal_lahir"],
    }  # fmt: skip
    columns = {
        name: np.array(own[name], dtype=object) if name in own else np.full(rows, "TIDAK", object)
        for name in P3KE_FAMILY_HEADER
    }
    columns["Desil Kesejahteraan"] = rng.integers(1, 5, rows)
    sink.write(columns)
    sink.close()


def run_one(path: Path, home: Path) -> dict[str, float]:
    """Import one file into ``home``; the figures of this process."""
    from sinergi.lake.home import DataHome
    from sinergi.pipeline.ingest.run import import_files

    started = time.perf_counter()
    [outcome] = import_files([path], home=DataHome(home), scope="52.05")
    seconds = time.perf_counter() - started
    assert outcome.manifest is not None, outcome.message
    counts = outcome.manifest["counts"]
    return {
        "rows": counts["rows_read"],
        "accepted": counts["accepted"],
        "quarantined": counts["quarantined"],
        "seconds": round(seconds, 1),
        "rows_per_second": round(counts["rows_read"] / seconds),
        "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "file_mib": round(path.stat().st_size / 2**20, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv-rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=250_000)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--home", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(args.child, args.home)))
        return
    work = Path(tempfile.mkdtemp(prefix="sinergi-bench-import-"))
    try:
        files = []
        if args.csv_rows:
            files.append(work / "dtsen_extract_2026-09.csv")
            make_csv(files[-1], args.csv_rows)
        if args.xlsx_rows:
            files.append(work / "P3KE_Keluarga_520501.xlsx")
            make_xlsx(files[-1], args.xlsx_rows)
        print(f"{'file':<28} {'rows':>9} {'accepted':>9} {'quarant.':>8} {'seconds':>8} "
              f"{'rows/s':>8} {'peak MiB':>8} {'file MiB':>8}")  # fmt: skip
        for path in files:
            child = subprocess.run(
                [sys.executable, __file__, "--child", str(path), "--home", str(work / "home")],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            f = json.loads(child.stdout.splitlines()[-1])
            print(f"{path.name:<28} {f['rows']:>9} {f['accepted']:>9} {f['quarantined']:>8} "
                  f"{f['seconds']:>8} {f['rows_per_second']:>8} {f['peak_memory_mib']:>8} "
                  f"{f['file_mib']:>8}")  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
