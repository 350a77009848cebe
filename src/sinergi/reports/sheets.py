"""Shared pieces of Sinergi's XLSX workbooks: cell styles, valid sheet names, a table sheet.

A table sheet is a description line, a header row and one row per frame row:
numbers keep their type (shares as percentages, by column name), a null number is
a hidden small count written as the suppressed label, booleans read "ya"/"tidak".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import polars as pl
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

__all__ = ["Styles", "sheet_name", "text", "write_table"]

_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})


class Styles:
    """The formats of the workbook, made once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.bold = book.add_format({"bold": True})
        self.red = book.add_format({"bold": True, "font_color": "#C00000"})
        self.head = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        )
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.text = book.add_format({"num_format": "@", "valign": "top"})
        self.count = book.add_format({"num_format": "#,##0", "valign": "top"})
        self.decimal = book.add_format({"num_format": "#,##0.00"})
        self.day = book.add_format({"num_format": "dd-mm-yyyy"})
        self.share = book.add_format({"num_format": "0.0%"})
        self.suppressed = book.add_format({"align": "right", "font_color": "#7F7F7F"})
        self.link = book.add_format({"font_color": "blue", "underline": 1})
        self.fill = book.add_format({"bg_color": "#FFF2CC", "border": 1, "valign": "top"})
        self.date = book.add_format(
            {"bg_color": "#FFF2CC", "border": 1, "valign": "top", "num_format": "dd-mm-yyyy"}
        )


def write_table(
    sheet: Worksheet,
    styles: Styles,
    description: str,
    frame: pl.DataFrame,
    labels: Mapping[str, str],
    suppressed_label: str,
) -> None:
    headers = [labels.get(name, name) for name in frame.columns]
    formats = [_number_format(styles, name, dtype) for name, dtype in frame.schema.items()]
    for col, (header, series) in enumerate(zip(headers, frame.iter_columns(), strict=True)):
        longest = _longest(series) if formats[col] is None else _number_width(series)
        sheet.set_column(col, col, _width(header, max(longest, len(suppressed_label))))
    sheet.write_string(0, 0, description, styles.bold)
    sheet.write_row(1, 0, headers, styles.head)
    for row, values in enumerate(frame.iter_rows(), start=2):
        for col, value in enumerate(values):
            number_format = formats[col]
            if value is None:
                # Only a count or share can be suppressed; a missing text stays empty.
                if number_format is not None:
                    sheet.write_string(row, col, suppressed_label, styles.suppressed)
            elif number_format is not None:
                sheet.write_number(row, col, float(value), number_format)
            elif isinstance(value, bool):
                sheet.write_string(row, col, "ya" if value else "tidak")
            elif isinstance(value, date) and not isinstance(value, datetime):
                sheet.write_datetime(row, col, value, styles.day)
            else:
                sheet.write_string(row, col, text(value))
    sheet.freeze_panes(2, 0)
    if frame.width:
        sheet.autofilter(1, 0, max(frame.height, 1) + 1, frame.width - 1)


def sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid Excel sheet name from ``wanted``, unique (ignoring case) among ``taken``; adds it.

    Excel allows at most 31 characters, none of ``[]:*?/\\``, no apostrophe at
    either end, and compares names without regard to case.
    """
    base = " ".join(wanted.translate(_FORBIDDEN).split()).strip("'") or "Lembar"
    name = base[:31].rstrip()
    suffix = 1
    while name.casefold() in taken:
        suffix += 1
        tail = f" ({suffix})"
        name = base[: 31 - len(tail)].rstrip() + tail
    taken.add(name.casefold())
    return name


def _number_format(styles: Styles, column: str, dtype: pl.DataType) -> Format | None:
    """The format of a numeric column (a share by its name), None for any other column."""
    if not dtype.is_numeric():
        return None
    if _is_share(column):
        return styles.share
    return styles.count if dtype.is_integer() else styles.decimal


def _is_share(column: str) -> bool:
    """Whether a column holds a share (0.25 shown as 25.0%), by its name."""
    return (
        column == "share"
        or column.endswith(("_share", "coverage", "_rate"))
        or column.startswith("coverage_")
    )


def _longest(series: pl.Series) -> int:
    """The length of the longest value of a column, as text."""
    return max((len(str(value)) for value in series.drop_nulls()), default=0)


def _number_width(series: pl.Series) -> int:
    """How wide the largest number of a column is once formatted (``1,234,567.89``)."""
    largest = series.cast(pl.Float64).abs().max()
    if not isinstance(largest, float) or largest != largest or largest == float("inf"):
        return 7
    return len(f"{largest:,.2f}") + 1


def _width(header: str, longest: int) -> int:
    """A column width fitting the values; long headers wrap instead of widening the column."""
    return max(min(len(header), 24), longest, 6) + 2


def text(value: object) -> str:
    return "" if value is None else str(value)
