"""Files that grow chunk by chunk: CSV, XLSX with an official header block, and Parquet.

Every sink appends columns (a ``dict`` of equal-length arrays) and returns the
row number each record got *as a person counts it in that file* (the header is
row 1 of a CSV; an XLSX row is its Excel row number), so the ground truth can
point at the exact row of every exported record.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import xlsxwriter

Columns = dict[str, np.ndarray]

EXCEL_MAX_ROWS = 1_048_576


class CsvSink:
    """A delimited text file with one header row."""

    def __init__(
        self, path: Path, header: list[str], *, delimiter: str = ",", encoding: str = "utf-8"
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.header = header
        self._file = path.open("w", newline="", encoding=encoding)
        self._writer = csv.writer(self._file, delimiter=delimiter, lineterminator="\r\n")
        self._writer.writerow(header)
        self.rows = 1  # the last row number written (the header is row 1)
        self.data_rows = 0

    def write(self, columns: Columns) -> np.ndarray:
        values = [[_text(v) for v in columns[name]] for name in self.header]
        records = list(zip(*values, strict=True))
        self._writer.writerows(records)
        first = self.rows + 1
        self.rows += len(records)
        self.data_rows += len(records)
        return np.arange(first, self.rows + 1)

    def close(self) -> None:
        self._file.close()


class XlsxSink:
    """An Excel workbook with a title block above the header, as official exports have.

    The title lines fill the top rows; an optional group row merges cells above
    related columns; the header sits right above ``first_data_row`` (1-based).
    """

    def __init__(
        self,
        path: Path,
        header: list[str],
        title: list[str],
        *,
        first_data_row: int = 13,
        groups: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.header = header
        self._book = xlsxwriter.Workbook(
            str(path), {"constant_memory": True, "default_date_format": "dd/mm/yyyy"}
        )
        # A fixed creation time keeps the workbook byte-identical for a seed.
        self._book.set_properties({"created": datetime(2000, 1, 1)})
        self._sheet = self._book.add_worksheet("Data")
        bold = self._book.add_format({"bold": True})
        for row, line in enumerate(title):
            self._sheet.write_string(row, 0, line, bold)
        header_row = first_data_row - 2  # 0-based index of the header row
        centred = self._book.add_format({"bold": True, "align": "center", "border": 1})
        for label, (first, last) in (groups or {}).items():
            self._sheet.merge_range(
                header_row - 1,
                header.index(first),
                header_row - 1,
                header.index(last),
                label,
                centred,
            )
        boxed = self._book.add_format({"bold": True, "border": 1, "text_wrap": True})
        self._sheet.write_row(header_row, 0, header, boxed)
        self._next = first_data_row - 1  # 0-based index of the next data row
        self.data_rows = 0

    def write(self, columns: Columns) -> np.ndarray:
        values = [columns[name] for name in self.header]
        first = self._next
        for record in zip(*values, strict=True):
            for col, value in enumerate(record):
                _write_cell(self._sheet, self._next, col, value)
            self._next += 1
        self.data_rows += self._next - first
        if self._next > EXCEL_MAX_ROWS:
            raise OverflowError(f"{self.path.name} exceeds Excel's row limit")
        return np.arange(first + 1, self._next + 1)

    def close(self) -> None:
        self._book.close()


class ParquetSink:
    """A Parquet file written one row group per chunk, with the first chunk's schema."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._writer: pq.ParquetWriter | None = None
        self.rows = 0

    def write(self, columns: Columns) -> None:
        table = pa.table({name: _arrow(values) for name, values in columns.items()})
        if self._writer is None:
            schema = pa.schema(
                [f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema]
            )
            self._writer = pq.ParquetWriter(self.path, schema, compression="zstd")
        self._writer.write_table(table.cast(self._writer.schema))
        self.rows += table.num_rows

    def close(self) -> None:
        if self._writer is None:  # no chunk wrote rows: still leave a readable, empty file
            return
        self._writer.close()


def _arrow(values: np.ndarray) -> pa.Array:
    if values.dtype == object:
        return pa.array(values.tolist(), from_pandas=True)
    return pa.array(values)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _write_cell(sheet: Any, row: int, col: int, value: Any) -> None:
    if value is None or value == "":
        return
    if isinstance(value, str):
        sheet.write_string(row, col, value)
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value)
    elif isinstance(value, bool | np.bool_):
        sheet.write_string(row, col, "YA" if value else "TIDAK")
    else:
        sheet.write_number(row, col, float(value))
