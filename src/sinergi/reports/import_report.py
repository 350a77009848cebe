"""The import report workbook: counts per reason and the first rows of each, for the agency.

One workbook per import (one sheet of one file), in Bahasa Indonesia. The
"Contoh" sheet quotes original cell text, so the workbook is marked
confidential: it goes back to the agency that sent the data, and nowhere else.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from sinergi.lake.home import write_atomically
from sinergi.pipeline.ingest.reasons import REASONS
from sinergi.pipeline.ingest.run import ImportOutcome

SEVERITY = {"warning": "Peringatan (baris diterima)", "quarantine": "Karantina (baris ditolak)"}
CONFIDENTIAL = "RAHASIA — berisi data pribadi; hanya untuk instansi pengirim data ini."


def report_path(outcome: ImportOutcome, reports_dir: Path) -> Path:
    """Where the workbook of an import goes: ``<reports_dir>/impor/<import id>.xlsx``."""
    assert outcome.manifest is not None
    return reports_dir / "impor" / f"{outcome.manifest['import_id']}.xlsx"


def write_import_report(outcome: ImportOutcome, path: Path) -> Path:
    """Write the workbook of an imported sheet; returns ``path``."""
    manifest = outcome.manifest
    if manifest is None:
        raise ValueError("only an import with a manifest has a report")
    with write_atomically(path) as partial:
        book = xlsxwriter.Workbook(str(partial))
        bold = book.add_format({"bold": True})
        title = book.add_format({"bold": True, "font_size": 14})
        head = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        red = book.add_format({"bold": True, "font_color": "#C00000"})

        summary = book.add_worksheet("Ringkasan")
        summary.set_column(0, 0, 30)
        summary.set_column(1, 1, 28)
        summary.set_column(2, 2, 12)
        summary.set_column(3, 3, 90)
        summary.write(0, 0, "LAPORAN IMPOR DATA — SINERGI", title)
        counts = manifest["counts"]
        facts = [
            ("Berkas", manifest["file"]["name"]),
            ("Lembar", manifest["file"]["sheet"] or "-"),
            ("SHA-256", manifest["file"]["sha256"]),
            ("Profil", f"{manifest['profile']['title']} ({manifest['profile']['name']})"),
            ("Sumber / periode", f"{manifest['source']} / {manifest['period']}"),
            ("Waktu impor (UTC)", manifest["imported_at"]),
            ("Diimpor oleh", manifest["user"]),
            ("Baris data dibaca", counts["rows_read"]),
            ("Diterima", counts["accepted"]),
            ("Dikarantina", counts["quarantined"]),
            ("Baris kosong dilewati", counts["blank_rows"]),
        ]
        for row, (label, value) in enumerate(facts, start=2):
            summary.write(row, 0, label, bold)
            summary.write(row, 1, value)
        table_row = len(facts) + 3
        summary.write_row(table_row, 0, ["Kode alasan", "Tingkat", "Jumlah", "Keterangan"], head)
        for offset, (code, tally) in enumerate(manifest["reasons"].items(), start=1):
            reason = REASONS[code]
            summary.write_row(
                table_row + offset,
                0,
                [code, SEVERITY[tally["severity"]], tally["count"], reason.message],
                wrap,
            )
        if not manifest["reasons"]:
            summary.write(table_row + 1, 0, "Tidak ada masalah yang ditemukan.")

        samples = book.add_worksheet("Contoh")
        samples.write(0, 0, CONFIDENTIAL, red)
        widths = [28, 9, 16, 28, 30, 90]
        for col, width in enumerate(widths):
            samples.set_column(col, col, width)
        samples.write_row(
            2, 0, ["Kode alasan", "Baris", "Lembar", "Kolom", "Isi asli", "Keterangan"], head
        )
        row = 3
        for code, found in sorted(outcome.samples.items()):
            for sample in found:
                samples.write_row(
                    row, 0,
                    [code, sample.row, sample.sheet or "", sample.column or sample.field or "",
                     sample.text or "", REASONS[code].message],
                    wrap,
                )  # fmt: skip
                row += 1
        samples.freeze_panes(3, 0)
        book.close()
    return path
