"""The padanan review workbook: the uncertain pairs of a run, side by side, with a decision column.

An analyst fills the "Keputusan" column with ``sama`` or ``beda`` (a drop-down)
and gives the workbook back to `sinergi review --apply`. The workbook holds
NIKs, names and addresses, so it is marked confidential.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import xlsxwriter

from sinergi.lake.home import write_atomically
from sinergi.pipeline.link.decisions import DECISION_COLUMN, KEY_COLUMNS, NOTE_COLUMN

__all__ = ["write_review_workbook"]

CONFIDENTIAL = "RAHASIA — berisi data pribadi; hanya untuk petugas padanan."
_SIDE = (
    ("source", "Sumber"),
    ("nik", "NIK"),
    ("kk", "KK"),
    ("name", "Nama"),
    ("sex", "JK"),
    ("birth_date", "Tgl lahir"),
    ("village", "Desa"),
    ("address", "Alamat"),
)
_HELP = (
    "Setiap baris adalah dua catatan yang mungkin orang yang sama.",
    "Isi kolom Keputusan dengan 'sama' (orang yang sama) atau 'beda' (dua orang berbeda).",
    "Biarkan kosong bila ragu: kedua catatan tetap di register sebagai dua orang.",
    "Periksa bukti yang bertentangan: tanggal lahir jauh berbeda, jenis kelamin berbeda,",
    "nama lain sama sekali dengan NIK yang sama (NIK pengurus?), ibu dan anak bernama sama.",
    "Simpan, lalu jalankan: sinergi review --apply <berkas ini> --user <nama Anda>.",
    "Keputusan dipakai pada `sinergi link` berikutnya.",
)


def write_review_workbook(queue: pl.DataFrame, path: Path) -> Path:
    """Write the review queue (``review.parquet`` of a run) to ``path``; returns ``path``."""
    with write_atomically(path) as partial:
        book = xlsxwriter.Workbook(str(partial))
        head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        decide = book.add_format({"bg_color": "#FFF2CC", "border": 1})
        percent = book.add_format({"num_format": "0.0%"})
        sheet = book.add_worksheet("Tinjauan")
        columns = [
            "No",
            *KEY_COLUMNS,
            "Peluang sama",
            "Bobot",
            *[f"{label} A" for _, label in _SIDE],
            *[f"{label} B" for _, label in _SIDE],
            DECISION_COLUMN,
            NOTE_COLUMN,
        ]
        sheet.write_row(0, 0, columns, head)
        decision_at = columns.index(DECISION_COLUMN)
        for number, pair in enumerate(queue.iter_rows(named=True), start=1):
            values: list[object] = [
                number,
                pair["record_key_l"],
                pair["record_key_r"],
                pair["match_probability"],
                round(pair["match_weight"], 2),
            ]
            for side in ("l", "r"):
                values += [_text(pair.get(f"{field}_{side}")) for field, _ in _SIDE]
            sheet.write_row(number, 0, values)
            sheet.write(number, 3, pair["match_probability"], percent)
            sheet.write_blank(number, decision_at, None, decide)
        if queue.height:
            sheet.data_validation(
                1,
                decision_at,
                queue.height,
                decision_at,
                {"validate": "list", "source": ["sama", "beda"], "ignore_blank": True},
            )
        sheet.freeze_panes(1, 3)
        sheet.autofilter(0, 0, max(queue.height, 1), len(columns) - 1)
        sheet.set_column(1, 2, 26)
        sheet.set_column(5, len(columns) - 1, 16)
        guide = book.add_worksheet("Petunjuk")
        guide.write(0, 0, CONFIDENTIAL, head)
        for row, line in enumerate(_HELP, start=2):
            guide.write(row, 0, line)
        guide.set_column(0, 0, 100)
        book.close()
    return path


def _text(value: object) -> object:
    return "" if value is None else str(value)
