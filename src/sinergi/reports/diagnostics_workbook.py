"""The diagnostics workbook: summary, aggregate tables and one follow-up list per desa.

Sheets, in order: "Ringkasan" (title, notes, summary lines), one sheet per
aggregate table, "Daftar desa" (an index of the follow-up lists, with links),
then one "TL <desa>" sheet per desa listing families by name and address for
field officers, with empty "Hasil tindak lanjut" and "Tanggal" columns to fill.
A workbook without follow-up rows (a province's, whose lists go to one workbook
per regency) has no index and no desa sheets.

The aggregate tables arrive already k-anonymity suppressed: a null in a numeric
column is a hidden small count and is written as ``suppressed_label``. NIK and
KK are masked with `mask_nik` before anything reaches the file unless the caller
asks to reveal them; revealed ones are written as text, never as numbers (Excel
keeps only 15 significant digits). The follow-up sheets are marked confidential
in both modes, since they hold names and addresses.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from sinergi.domain.identity import mask_nik
from sinergi.lake.home import write_atomically
from sinergi.reports.sheets import Styles, sheet_name, text, write_table

__all__ = ["FOLLOW_UP_COLUMNS", "write_diagnostics_workbook"]

SUMMARY_SHEET = "Ringkasan"
INDEX_SHEET = "Daftar desa"
DESA_PREFIX = "TL "
CONFIDENTIAL = "RAHASIA — data pribadi; hanya untuk petugas tindak lanjut, jangan disebarkan."
MASKED_NOTE = "NIK dan KK disamarkan (hanya 4 digit awal dan 4 digit akhir yang terlihat)."
REVEALED_NOTE = "NIK dan KK DITAMPILKAN — rahasia, jangan disebarkan."

# Follow-up columns (English, as the caller names them) and their headers on a desa sheet.
# The desa columns are on the index sheet and in each sheet's heading, not repeated per row.
FOLLOW_UP_COLUMNS = (
    "desa_code",
    "desa_name",
    "district_name",
    "hid",
    "head_name",
    "nik",
    "kk",
    "address",
    "rt",
    "rw",
    "desil",
    "reason",
    "program",
    "opd",
    "members",
)
_DESA_COLUMNS = (
    ("hid", "ID keluarga", 14),
    ("head_name", "Nama kepala keluarga", 26),
    ("nik", "NIK kepala keluarga", 19),
    ("kk", "Nomor KK", 19),
    ("address", "Alamat", 32),
    ("rt", "RT", 5),
    ("rw", "RW", 5),
    ("desil", "Desil", 6),
    ("members", "Jumlah anggota", 9),
    ("reason", "Alasan masuk daftar", 44),
    ("program", "Program yang sesuai", 20),
    ("opd", "OPD penanggung jawab", 20),
)
_FILL_IN = (("Hasil tindak lanjut", 30), ("Tanggal", 12))
_IDENTIFIERS = ("nik", "kk")


def write_diagnostics_workbook(
    path: Path,
    *,
    title: str,
    summary: Sequence[tuple[str, str]],
    tables: Mapping[str, tuple[str, pl.DataFrame]],
    follow_up: pl.DataFrame | None,
    reveal_identifiers: bool,
    suppressed_label: str = "<5",
    column_labels: Mapping[str, str] | None = None,
) -> None:
    """Write the workbook to ``path`` atomically: a failure leaves nothing at ``path``.

    ``tables`` maps a sheet name to (description sentence, aggregate frame);
    ``column_labels`` maps their English column names to Indonesian headers
    (unknown names are shown as they are). ``follow_up`` has `FOLLOW_UP_COLUMNS`,
    one row per family and reason; without it (None) the workbook has no index and
    no desa sheets.
    """
    missing = [c for c in FOLLOW_UP_COLUMNS if follow_up is not None and c not in follow_up.columns]
    if missing:
        raise ValueError(f"follow_up lacks columns {missing}")
    labels = column_labels or {}
    taken: set[str] = {SUMMARY_SHEET.casefold(), INDEX_SHEET.casefold()}
    table_sheets = {sheet_name(name, taken): entry for name, entry in tables.items()}
    desas = _desa_index(follow_up, taken) if follow_up is not None else None

    # constant_memory keeps one row per sheet in memory and the rest in temporary
    # files; those go to a private folder so a failure does not leave them behind.
    with (
        tempfile.TemporaryDirectory(prefix="sinergi-xlsx-", ignore_cleanup_errors=True) as scratch,
        write_atomically(path) as partial,
    ):
        book = xlsxwriter.Workbook(
            str(partial),
            {"constant_memory": True, "tmpdir": scratch, "nan_inf_to_errors": True},
        )
        styles = Styles(book)
        _write_summary(
            book.add_worksheet(SUMMARY_SHEET),
            styles,
            title=title,
            summary=summary,
            table_sheets=table_sheets,
            reveal_identifiers=reveal_identifiers,
            suppressed_label=suppressed_label,
            with_follow_up=follow_up is not None,
        )
        for name, (description, frame) in table_sheets.items():
            write_table(
                book.add_worksheet(name), styles, description, frame, labels, suppressed_label
            )
        if follow_up is not None and desas is not None:
            _write_index(book.add_worksheet(INDEX_SHEET), styles, desas)
            groups = follow_up.partition_by("desa_code", as_dict=True, maintain_order=True)
            for desa in desas.iter_rows(named=True):
                _write_desa(
                    book.add_worksheet(desa["sheet"]),
                    styles,
                    desa,
                    groups[(desa["desa_code"],)],
                    reveal_identifiers,
                )
        book.close()


def _write_summary(
    sheet: Worksheet,
    styles: Styles,
    *,
    title: str,
    summary: Sequence[tuple[str, str]],
    table_sheets: Mapping[str, tuple[str, pl.DataFrame]],
    reveal_identifiers: bool,
    suppressed_label: str,
    with_follow_up: bool,
) -> None:
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 90)
    sheet.write_string(0, 0, title, styles.title)
    generated = datetime.now().strftime("%d-%m-%Y %H:%M")
    sheet.write_string(1, 0, f"Dibuat oleh Sinergi pada {generated}.")
    if reveal_identifiers:
        sheet.write_string(2, 0, REVEALED_NOTE, styles.red)
    else:
        sheet.write_string(2, 0, MASKED_NOTE)
    sheet.write_string(
        3,
        0,
        f'Jumlah yang kecil tidak ditampilkan dan ditulis "{suppressed_label}" '
        "agar keluarga tidak dapat dikenali dari tabel.",
    )
    if with_follow_up:
        sheet.write_string(
            4,
            0,
            f'Lembar "{DESA_PREFIX}…" berisi nama dan alamat keluarga: {CONFIDENTIAL}',
            styles.red,
        )
    row = 6
    for label, value in summary:
        sheet.write_string(row, 0, label, styles.bold)
        sheet.write_string(row, 1, value, styles.wrap)
        row += 1
    if table_sheets:
        row += 1
        sheet.write_string(row, 0, "Isi berkas", styles.bold)
        for name, (description, _) in table_sheets.items():
            row += 1
            sheet.write_url(row, 0, _internal(name), styles.link, string=name)
            sheet.write_string(row, 1, description, styles.wrap)


def _write_index(sheet: Worksheet, styles: Styles, desas: pl.DataFrame) -> None:
    headers = [
        ("Kode desa", 16),
        ("Nama desa", 28),
        ("Kecamatan", 24),
        ("Jumlah keluarga", 12),
        ("Jumlah baris", 10),
        ("Lembar", 34),
    ]
    for col, (_, width) in enumerate(headers):
        sheet.set_column(col, col, width)
    sheet.write_string(
        0,
        0,
        "Daftar tindak lanjut per desa: satu keluarga dapat muncul di beberapa baris "
        "(satu baris per alasan). Klik nama lembar untuk membukanya.",
        styles.bold,
    )
    sheet.write_row(1, 0, [h for h, _ in headers], styles.head)
    if desas.is_empty():
        sheet.write_string(2, 0, "Tidak ada keluarga yang perlu ditindaklanjuti.")
    for row, desa in enumerate(desas.iter_rows(named=True), start=2):
        sheet.write_string(row, 0, text(desa["desa_code"]))
        sheet.write_string(row, 1, text(desa["desa_name"]))
        sheet.write_string(row, 2, text(desa["district_name"]))
        sheet.write_number(row, 3, desa["families"], styles.count)
        sheet.write_number(row, 4, desa["rows"], styles.count)
        sheet.write_url(row, 5, _internal(desa["sheet"]), styles.link, string=desa["sheet"])
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(desas.height, 1) + 1, len(headers) - 1)


def _write_desa(
    sheet: Worksheet,
    styles: Styles,
    desa: Mapping[str, Any],
    rows: pl.DataFrame,
    reveal_identifiers: bool,
) -> None:
    headers = ["No", *[h for _, h, _ in _DESA_COLUMNS], *[h for h, _ in _FILL_IN]]
    sheet.set_column(0, 0, 5)
    for col, (_, _, width) in enumerate(_DESA_COLUMNS, start=1):
        sheet.set_column(col, col, width, styles.wrap)
    fill_at = len(_DESA_COLUMNS) + 1
    sheet.set_column(fill_at, fill_at, _FILL_IN[0][1], styles.fill)
    sheet.set_column(fill_at + 1, fill_at + 1, _FILL_IN[1][1], styles.date)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(2)
    sheet.set_header(f"&L{CONFIDENTIAL}")

    sheet.write_string(0, 0, CONFIDENTIAL, styles.red)
    sheet.write_string(
        1,
        0,
        f"Desa {text(desa['desa_name'])} ({text(desa['desa_code'])}), "
        f"Kecamatan {text(desa['district_name'])}: {desa['families']} keluarga, "
        f"{desa['rows']} baris.",
        styles.bold,
    )
    sheet.write_row(2, 0, headers, styles.head)
    for number, record in enumerate(rows.iter_rows(named=True), start=1):
        row = number + 2
        sheet.write_number(row, 0, number)
        for col, (name, _, _) in enumerate(_DESA_COLUMNS, start=1):
            value = record[name]
            if value is None:
                continue
            if name in _IDENTIFIERS:
                digits = str(value).strip()
                shown = digits if reveal_identifiers else mask_nik(digits)
                sheet.write_string(row, col, shown, styles.text)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(row, col, value, styles.count)
            else:
                sheet.write_string(row, col, text(value), styles.wrap)
        sheet.write_blank(row, fill_at, None, styles.fill)
        sheet.write_blank(row, fill_at + 1, None, styles.date)
    sheet.freeze_panes(3, 3)
    sheet.autofilter(2, 0, max(rows.height, 1) + 2, len(headers) - 1)


def _desa_index(follow_up: pl.DataFrame, taken: set[str]) -> pl.DataFrame:
    """One row per desa, by code: names, family and row counts, and its sheet name."""
    desas = (
        follow_up.group_by("desa_code")
        .agg(
            pl.col("desa_name").drop_nulls().first(),
            pl.col("district_name").drop_nulls().first(),
            pl.col("hid").n_unique().alias("families"),
            pl.len().alias("rows"),
        )
        .sort("desa_code", nulls_last=True)
    )
    sheets = [
        sheet_name(DESA_PREFIX + (name or code or "tanpa desa"), taken)
        for code, name in zip(desas["desa_code"], desas["desa_name"], strict=True)
    ]
    return desas.with_columns(pl.Series("sheet", sheets, dtype=pl.String))


def _internal(target: str) -> str:
    """An internal hyperlink target to cell A1 of a sheet."""
    return "internal:'{}'!A1".format(target.replace("'", "''"))
