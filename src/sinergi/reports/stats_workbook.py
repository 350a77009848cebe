"""The poverty statistics workbook: a summary sheet, then one sheet per table of figures.

Every figure sits beside its standard error, its 95% interval, its coefficient
of variation and its reliability flag; flags that call for care are coloured
(yellow *hati-hati*, red *tidak andal*), and model-based estimates say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import polars as pl
import xlsxwriter

from sinergi.lake.home import write_atomically
from sinergi.reports.sheets import Styles, sheet_name, write_table

__all__ = ["write_stats_workbook"]

SUMMARY_SHEET = "Ringkasan"
# Cell texts that are coloured wherever they appear in a table, and their fill.
HIGHLIGHTS = {"hati-hati": "#FFF2CC", "tidak andal": "#F8CBAD", "berbasis model": "#DDEBF7"}


def write_stats_workbook(
    path: Path,
    *,
    title: str,
    summary: Sequence[tuple[str, str]],
    tables: Mapping[str, tuple[str, pl.DataFrame]],
    column_labels: Mapping[str, str],
) -> Path:
    """Write the workbook to ``path`` atomically: a failure leaves nothing at ``path``.

    ``tables`` maps a sheet name to (description sentence, frame); ``column_labels``
    maps the frames' column names to Indonesian headers.
    """
    taken = {SUMMARY_SHEET.casefold()}
    sheets = {sheet_name(name, taken): entry for name, entry in tables.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    with write_atomically(path) as partial:
        book = xlsxwriter.Workbook(str(partial), {"nan_inf_to_errors": True})
        styles = Styles(book)
        fills = {text: book.add_format({"bg_color": colour}) for text, colour in HIGHLIGHTS.items()}
        front = book.add_worksheet(SUMMARY_SHEET)
        front.set_column(0, 0, 34)
        front.set_column(1, 1, 100)
        front.write_string(0, 0, title, styles.title)
        front.write_string(1, 0, f"Dibuat oleh Sinergi pada {datetime.now():%d-%m-%Y %H:%M}.")
        row = 3
        for label, value in summary:
            front.write_string(row, 0, label, styles.bold)
            front.write_string(row, 1, value, styles.wrap)
            row += 1
        row += 1
        front.write_string(row, 0, "Lembar", styles.head)
        front.write_string(row, 1, "Isi", styles.head)
        for name, (description, _) in sheets.items():
            row += 1
            front.write_url(row, 0, f"internal:'{name}'!A1", styles.link, string=name)
            front.write_string(row, 1, description, styles.wrap)
        for name, (description, frame) in sheets.items():
            sheet = book.add_worksheet(name)
            write_table(sheet, styles, description, frame, column_labels, "-")
            for text, fill in fills.items():
                sheet.conditional_format(
                    2,
                    0,
                    max(frame.height, 1) + 1,
                    max(frame.width, 1) - 1,
                    {"type": "cell", "criteria": "==", "value": f'"{text}"', "format": fill},
                )
        book.close()
    return path
