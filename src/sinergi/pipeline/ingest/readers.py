"""Read a registry file (delimited text or a workbook) as text cells, one row per record, none lost.

Two entry points:

- `preview` shows the first rows of every sheet, so that a person (or a
  profile) can say where the header row is;
- `read_sheet` reads one sheet below its header row in batches of polars
  DataFrames whose columns are all text: ``_row`` (the row number as a person
  counts it in that file), ``_sheet``, ``_defect`` and ``_line`` (set when a
  record does not fit the header's layout), then one column per header label.

Nothing is interpreted here: a cell is the text the file holds (a number
Excel stored is rendered so that its float nature stays visible), an empty
cell is null, and rows that do not fit are flagged, never dropped. Fully
empty rows are the one thing skipped, and they are counted. Deciding what a
cell means is the validator's job.

Delimited text is parsed by pyarrow's streaming CSV reader (single-threaded,
so that it can say which record each ragged line was); the title block, the
header and previews go through the stdlib ``csv`` module, which agrees with
pyarrow on well-formed files. Workbooks are read with python-calamine.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import html
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.csv as pacsv
import python_calamine

from sinergi.errors import PipelineError

TOO_MANY_FIELDS = "ROW_TOO_MANY_FIELDS"
TOO_FEW_FIELDS = "ROW_TOO_FEW_FIELDS"
META_COLUMNS = ("_row", "_sheet", "_defect", "_line")
DELIMITERS = (",", ";", "|", "\t")

_ZIP_MAGIC = b"PK\x03\x04"
_ZIP_SUFFIXES = {".xlsx", ".xlsm", ".ods"}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK_BYTES = 1 << 20
# Bytes that cp1252 leaves undefined: a file holding one is not cp1252.
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_SAMPLE_LINES = 50
_SAMPLE_CHARS = 4 << 20
# pyarrow refuses a record longer than its block, so the block is never small.
_MIN_BLOCK_BYTES = 8 << 20
_MAX_BLOCK_BYTES = 16 << 20  # more costs memory, not speed
_LINE_BREAK = r"\r\n|\r|\n"

Cell = str | None


@dataclass(frozen=True)
class SheetPreview:
    """The first rows of one sheet (or of a text file), rendered as `read_sheet` renders them.

    Attributes:
        sheet: the sheet name in a workbook, None for a text file.
        rows: the first rows, each a list of cells (None for an empty cell).
            Workbook rows all have the sheet's width; a text row has as many
            cells as the line has fields (a blank line is an empty list).
        first_row: the row number of ``rows[0]`` as a person counts it (1-based).
        row_numbers: the row number of every row in ``rows``. Consecutive from
            ``first_row`` except in a text file where a quoted field spans lines.
        loaded: a workbook's whole sheet as the preview loaded it, for
            `read_sheet` to read instead of loading it again (calamine loads a
            whole sheet at once); None for a text file.
    """

    sheet: str | None
    rows: list[list[Cell]]
    first_row: int
    row_numbers: list[int] = field(default_factory=list)
    loaded: Any = field(default=None, repr=False, compare=False)


class SheetReader:
    """One sheet of a file, read below its header row: see `read_sheet`.

    Attributes:
        header: one label per column, unique and non-empty.
        sheet: the sheet name in a workbook, None for a text file.
        encoding: 'utf-8', 'utf-8-sig', 'cp1252' or 'latin-1' for a text file; None for a workbook.
        delimiter: one of ``, ; | \\t`` for a text file; None for a workbook.
        blank_rows: fully empty rows skipped below the header (valid once `batches` is exhausted).
    """

    def __init__(
        self,
        path: Path,
        header: list[str],
        *,
        sheet: str | None,
        encoding: str | None,
        delimiter: str | None,
        batch_rows: int,
    ) -> None:
        self.path = path
        self.header = header
        self.sheet = sheet
        self.encoding = encoding
        self.delimiter = delimiter
        self.batch_rows = batch_rows
        self.blank_rows = 0

    def batches(self) -> Iterator[pl.DataFrame]:
        """Data rows in file order, at most ``batch_rows`` a frame; each call reads anew."""
        raise NotImplementedError

    def _frame(
        self,
        rows: np.ndarray | list[int],
        cells: list[list[Cell]] | list[tuple[Cell, ...]],
        defects: list[Cell],
        lines: list[Cell],
    ) -> pl.DataFrame:
        """A batch frame from row-wise cells (already padded or cut to the header's width)."""
        columns = list(zip(*cells, strict=True)) if cells else [() for _ in self.header]
        data: dict[str, pl.Series] = {
            "_row": pl.Series("_row", rows, dtype=pl.Int64),
            "_sheet": pl.Series("_sheet", [self.sheet] * len(rows), dtype=pl.String),
            "_defect": pl.Series("_defect", defects, dtype=pl.String),
            "_line": pl.Series("_line", lines, dtype=pl.String),
        }
        for label, values in zip(self.header, columns, strict=True):
            data[label] = pl.Series(label, values, dtype=pl.String)
        return pl.DataFrame(data)


def preview(path: Path, *, rows: int = 30, delimiter: str | None = None) -> list[SheetPreview]:
    """The first ``rows`` rows of every sheet that has a non-empty cell (a text file: one preview).

    A workbook sheet's preview starts at its first non-empty row; a text
    file's at line 1. ``delimiter`` overrides detection for a text file.
    """
    if _is_workbook(path):
        return _preview_workbook(path, rows)
    return [_preview_text(path, rows, delimiter)]


def read_sheet(
    path: Path,
    *,
    sheet: str | None,
    header_row: int,
    batch_rows: int = 200_000,
    delimiter: str | None = None,
    previewed: SheetPreview | None = None,
) -> SheetReader:
    """Open one sheet for reading below its header row.

    Args:
        path: the file.
        sheet: the sheet name of a workbook (None: its first sheet with data);
            must be None for a text file.
        header_row: the header's row number as a person counts it (1-based):
            the Excel row, or the line a text record starts on. Rows above it
            are the title block.
        batch_rows: the most rows one batch holds.
        delimiter: the text file's delimiter, instead of detecting it.
        previewed: this sheet's `preview`, whose loaded sheet is read (the
            file must not have changed since).

    Raises:
        PipelineError: the file cannot be read as text or as a workbook, the
            sheet does not exist, or the header row is past the end or empty.
    """
    if header_row < 1:
        raise PipelineError(
            f"Nomor baris judul harus 1 atau lebih, bukan {header_row} ({path.name}).",
            english=f"The header row number must be 1 or more, not {header_row} ({path.name}).",
            code="HEADER_ROW_OUT_OF_RANGE",
        )
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    if _is_workbook(path):
        loaded = previewed.loaded if previewed and previewed.sheet == sheet else None
        return _WorkbookSheetReader.open(path, sheet, header_row, batch_rows, loaded)
    if sheet is not None:
        raise PipelineError(
            f"File teks {path.name} tidak punya sheet; sheet '{sheet}' tidak ada.",
            english=f"The text file {path.name} has no sheets; there is no sheet '{sheet}'.",
            code="SHEET_NOT_FOUND",
        )
    return _TextSheetReader.open(path, header_row, batch_rows, delimiter)


def render_cell(value: object) -> Cell:
    """A workbook cell as text, the same in previews and batches.

    Examples:
        >>> [render_cell(v) for v in ("", "a ", True, 7, 3.0, 2.5)]
        [None, 'a ', 'TRUE', '7', '3', '2.5']
        >>> render_cell(5205014107890001.0), render_cell(5.20501410789e15)
        ('5205014107890001.0', '5205014107890000.0')
        >>> render_cell(datetime(2020, 5, 17)), render_cell(datetime(2020, 5, 17, 13, 4, 5))
        ('2020-05-17', '2020-05-17 13:04:05')
    """
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # calamine returns every number as a float; whole numbers are shown
        # without '.0' unless they have 15 digits or more: those are NIK/KK that
        # Excel stored as numbers (a 16-digit one has lost digits, a 15-digit one
        # its leading zero), and the validator must be able to see that.
        if value.is_integer() and abs(value) < 1e14:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def header_labels(cells: list[Cell], above: list[Cell] | None = None) -> list[str]:
    """Unique, non-empty column labels from the header row's cells and the row above it.

    Whitespace is trimmed and collapsed (wrapped headers hold newlines); an
    empty cell takes the label above it (a label merged over two rows), else
    ``kolom_<n>``; a repeated label gets `` (2)``, `` (3)``…

    Examples:
        >>> cells = [" Nama\\n Lengkap", None, "NIK", "NIK", None]
        >>> header_labels(cells, above=[None, "Umur", "x", None, None])
        ['Nama Lengkap', 'Umur', 'NIK', 'NIK (2)', 'kolom_5']
    """
    above = above or []
    raw: list[str] = []
    for index, cell in enumerate(cells):
        label = _squash(cell)
        if not label and index < len(above):
            label = _squash(above[index])
        raw.append(label or f"kolom_{index + 1}")
    taken = set(META_COLUMNS)
    wanted = set(raw)
    labels = []
    for label in raw:
        unique, n = label, 2
        while unique in taken or (unique != label and unique in wanted):
            unique, n = f"{label} ({n})", n + 1
        taken.add(unique)
        labels.append(unique)
    return labels


def _squash(cell: Cell) -> str:
    return " ".join(cell.split()) if cell else ""


def _is_workbook(path: Path) -> bool:
    """Decided by content, not by name: exports are often misnamed (a TSV or HTML page as .xls)."""
    try:
        with path.open("rb") as file:
            magic = file.read(8)
    except OSError as error:
        raise _unreadable(path, type(error).__name__) from error
    if magic.startswith((_ZIP_MAGIC, _OLE2_MAGIC)):
        return True
    if magic and path.suffix.lower() in _ZIP_SUFFIXES:
        # .xls is often a TSV or HTML page in disguise, but an .xlsx/.xlsm/.ods is a zip
        # archive or nothing: read as text it would only "match no profile".
        raise PipelineError(
            f"File {path.name} bernama buku kerja ({path.suffix}) tetapi isinya bukan buku kerja "
            "Excel/ODS: berkas rusak, terpotong saat diunduh atau disalin, atau berkas lain yang "
            f"diberi nama {path.suffix}. Buka berkas aslinya di Excel lalu simpan ulang sebagai "
            ".xlsx, atau minta pengirim mengirim ulang berkasnya.",
            english=f"{path.name} is named a workbook but is not a zip archive (damaged or "
            "misnamed).",
            code="FILE_UNREADABLE",
        )
    return False


def _unreadable(path: Path, reason: str) -> PipelineError:
    return PipelineError(
        f"File {path.name} tidak dapat dibaca sebagai CSV/teks maupun Excel/ODS. "
        "Periksa bahwa file tidak rusak, lalu simpan ulang sebagai .xlsx atau CSV UTF-8.",
        english=f"{path.name} cannot be read as CSV/text or as an Excel/ODS workbook ({reason}).",
        code="FILE_UNREADABLE",
    )


def _header_past_end(path: Path, sheet: str | None, header_row: int, last: int) -> PipelineError:
    where = f"sheet '{sheet}' di file {path.name}" if sheet else f"file {path.name}"
    where_en = f"sheet '{sheet}' of {path.name}" if sheet else path.name
    return PipelineError(
        f"Baris judul {header_row} melewati akhir {where}, yang hanya sampai baris {last}.",
        english=f"Header row {header_row} is past the end of {where_en}, which ends at row {last}.",
        code="HEADER_ROW_OUT_OF_RANGE",
    )


def _header_empty(path: Path, sheet: str | None, header_row: int) -> PipelineError:
    where = f"sheet '{sheet}' di file {path.name}" if sheet else f"file {path.name}"
    where_en = f"sheet '{sheet}' of {path.name}" if sheet else path.name
    return PipelineError(
        f"Baris judul {header_row} di {where} kosong; pilih baris yang berisi nama kolom.",
        english=f"Header row {header_row} of {where_en} is empty; choose the row with the labels.",
        code="HEADER_ROW_EMPTY",
    )


# -- delimited text ------------------------------------------------------------------------


@dataclass(frozen=True)
class _TextFacts:
    """What one streaming pass over a text file tells: its encoding and whether it quotes."""

    encoding: str
    has_quotes: bool


def _text_facts(path: Path) -> _TextFacts:
    stat = path.stat()
    return _scan_text(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=8)
def _scan_text(name: str, size: int, mtime_ns: int) -> _TextFacts:
    """Encoding by elimination (UTF-8, then cp1252, then latin-1), one chunk at a time.

    Keyed on size and mtime as well as the name, so that a preview and the read
    that follows it cost one pass, and a changed file is scanned again.
    """
    path = Path(name)
    with path.open("rb") as file:
        head = file.read(_CHUNK_BYTES)
        _refuse_non_text(path, head)
        decoder = codecs.getincrementaldecoder("utf-8")()
        utf8 = cp1252 = True
        has_quotes = False
        chunk = head
        while chunk:
            has_quotes = has_quotes or b'"' in chunk
            if chunk.isascii() and not decoder.getstate()[0]:
                # Most registry text is ASCII: valid in every candidate, nothing to decode.
                chunk = file.read(_CHUNK_BYTES)
                continue
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
            if cp1252 and _CP1252_UNDEFINED.search(chunk):
                cp1252 = False
            chunk = file.read(_CHUNK_BYTES)
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if utf8:
        encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else "utf-8"
    else:
        encoding = "cp1252" if cp1252 else "latin-1"
    return _TextFacts(encoding=encoding, has_quotes=has_quotes)


def _refuse_non_text(path: Path, head: bytes) -> None:
    """latin-1 decodes any bytes, so a binary or UTF-16 file must be stopped here, not read."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise PipelineError(
            f'File {path.name} berformat teks UTF-16 ("Unicode Text" dari Excel), yang belum '
            "didukung. Simpan ulang sebagai CSV UTF-8 atau .xlsx.",
            english=f"{path.name} is UTF-16 text, which is not supported; save it as UTF-8 CSV.",
            code="FILE_UNREADABLE",
        )
    start = head[:1024].lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        raise PipelineError(
            f"File {path.name} adalah halaman HTML, bukan CSV atau Excel. Buka di Excel lalu "
            "simpan sebagai .xlsx.",
            english=f"{path.name} is an HTML page, not CSV or Excel; save it from Excel as .xlsx.",
            code="FILE_UNREADABLE",
        )
    if b"\x00" in head:
        raise _unreadable(path, "binary content")


def _sample_lines(path: Path, encoding: str) -> tuple[list[str], bool]:
    """The first lines of the file, and whether they are the whole file."""
    lines: list[str] = []
    chars = 0
    with path.open(encoding=encoding, newline="") as file:
        while chars < _SAMPLE_CHARS:
            line = file.readline(_SAMPLE_CHARS)
            if not line:
                return lines, True
            lines.append(line)
            chars += len(line)
    return lines, False


def detect_delimiter(lines: list[str], *, complete: bool = True) -> str:
    """The candidate among ``, ; | \\t`` that splits most lines into one same count above 1.

    Lines are parsed as CSV with each candidate, so delimiters inside quotes do
    not count. A candidate that leaves the first line whole while another splits
    it is out. Ties go to the larger count, then to the order above; a file with
    one column gets ','.

    Examples:
        >>> detect_delimiter(["nama;umur;alamat\\n", 'ani;7;"jl. a; no 1"\\n', "budi;9;x,y\\n"])
        ';'
        >>> detect_delimiter(["nama\\n", "ani\\n"])
        ','
        >>> detect_delimiter(["nik,nama,desa\\n", ",,,;\\n", ",;\\n"])
        ','
        >>> detect_delimiter([";;;\\n", ";;;\\n"])
        ';'
    """
    text = "".join(lines)
    if text.strip() and not text.strip("".join(DELIMITERS) + '" \r\n'):
        # Nothing but delimiters (an empty sheet saved as CSV): the one used most, so that
        # the file reads as the empty cells it is rather than as text like ';;;'.
        return max(DELIMITERS, key=lambda c: (text.count(c), c == ","))
    parsed = {}
    for candidate in DELIMITERS:
        try:
            records = [r for r in csv.reader(lines, delimiter=candidate) if any(r)]
        except csv.Error:
            continue
        if not complete and len(records) > 1:
            records = records[:-1]  # the sample may have cut its last record short
        if records:
            parsed[candidate] = records
    # The first line is the header (or a title): a delimiter that cannot split it while
    # another can is not the file's, however regular the data rows look under it.
    splitting = {c for c, records in parsed.items() if len(records[0]) > 1}
    best, best_score = ",", (0.0, 1)
    for candidate, records in parsed.items():
        if splitting and candidate not in splitting:
            continue
        counts = Counter(len(record) for record in records)
        width, hits = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (hits / counts.total(), width)
        if width > 1 and score > best_score:
            best, best_score = candidate, score
    return best


def _layout(path: Path, encoding: str, from_line: int, given: str | None) -> tuple[str, float]:
    """The delimiter (given or detected below ``from_line``) and the mean line length there."""
    if given is not None and given not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS!r}")
    lines, complete = _sample_lines(path, encoding)
    # A title block above the header says nothing about the layout of the data.
    below = lines[from_line - 1 : from_line - 1 + _SAMPLE_LINES]
    whole = complete or from_line - 1 + _SAMPLE_LINES < len(lines)
    if not below:
        below, whole = lines[:_SAMPLE_LINES], complete
    mean = sum(map(len, below)) / len(below) if below else 0.0
    return given or detect_delimiter(below, complete=whole), mean


def _records(
    lines: Iterable[str], delimiter: str, path: Path
) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, fields) of each record; blank lines are empty records."""
    reader = csv.reader(lines, delimiter=delimiter)
    last = 0
    try:
        for record in reader:
            first, last = last + 1, reader.line_num
            yield first, last, record
    except csv.Error as error:
        raise _malformed(path, last + 1) from error


def _malformed(path: Path, line: int | None) -> PipelineError:
    where = f" sekitar baris {line}" if line else ""
    where_en = f" near line {line}" if line else ""
    return PipelineError(
        f'File {path.name} rusak{where}: ada tanda kutip (") yang tidak ditutup atau satu kolom '
        "yang sangat panjang. Perbaiki baris itu lalu unggah ulang.",
        english=f"{path.name} is malformed{where_en}: an unclosed quote or an overlong field.",
        code="CSV_MALFORMED",
    )


def _preview_text(path: Path, rows: int, delimiter: str | None) -> SheetPreview:
    facts = _text_facts(path)
    chosen, _ = _layout(path, facts.encoding, 1, delimiter)
    cells: list[list[Cell]] = []
    numbers: list[int] = []
    with path.open(encoding=facts.encoding, newline="") as file:
        for first, _, record in _records(file, chosen, path):
            if len(cells) >= rows:
                break
            cells.append([value or None for value in record])
            numbers.append(first)
    return SheetPreview(sheet=None, rows=cells, first_row=1, row_numbers=numbers)


class _TextSheetReader(SheetReader):
    """A delimited text file: header by the stdlib csv module, data by pyarrow's stream reader."""

    _offset: int  # the byte where the first data record starts
    _first_line: int  # the line number of that record
    _has_quotes: bool
    _mean_line: float  # characters, to size pyarrow's blocks near batch_rows records

    @classmethod
    def open(
        cls, path: Path, header_row: int, batch_rows: int, delimiter: str | None
    ) -> _TextSheetReader:
        facts = _text_facts(path)
        chosen, mean_line = _layout(path, facts.encoding, header_row, delimiter)
        # Byte offsets come from re-encoding the lines read: exact for these codecs
        # on text they decoded, and independent of the text layer's read-ahead.
        codec = "utf-8" if facts.encoding == "utf-8-sig" else facts.encoding
        offset = len(codecs.BOM_UTF8) if facts.encoding == "utf-8-sig" else 0
        above: list[str] | None = None
        header: list[str] | None = None
        header_end = 0
        with path.open(encoding=facts.encoding, newline="") as file:
            consumed = 0

            def lines() -> Iterator[str]:
                nonlocal consumed
                for line in file:
                    consumed += len(line.encode(codec))
                    yield line

            for _, last, record in _records(lines(), chosen, path):
                header_end = last
                if last >= header_row:
                    header = record
                    break
                above = record
        if header is None:
            raise _header_past_end(path, None, header_row, header_end)
        if not any(header):
            raise _header_empty(path, None, header_row)
        reader = cls(
            path,
            header_labels(
                [c or None for c in header], [c or None for c in above] if above else None
            ),
            sheet=None,
            encoding=facts.encoding,
            delimiter=chosen,
            batch_rows=batch_rows,
        )
        reader._offset = offset + consumed
        reader._first_line = header_end + 1
        reader._has_quotes = facts.has_quotes
        reader._mean_line = max(mean_line, 16.0)
        return reader

    def batches(self) -> Iterator[pl.DataFrame]:
        self.blank_rows = 0
        names = [f"c{i}" for i in range(len(self.header))]
        invalid: list[tuple[int, int, str]] = []  # (record number from 1, fields, text)

        def set_aside(row: Any) -> str:
            invalid.append((row.number, row.actual_columns, row.text))
            return "skip"

        wanted = self.batch_rows * self._mean_line * 1.2
        block = int(min(max(wanted, _MIN_BLOCK_BYTES), _MAX_BLOCK_BYTES))
        with self.path.open("rb") as file:
            file.seek(self._offset)
            if not file.read(1):
                return
            file.seek(self._offset)
            try:
                stream = pacsv.open_csv(
                    file,
                    read_options=pacsv.ReadOptions(
                        use_threads=False,  # only then does pyarrow number the ragged rows
                        block_size=block,
                        column_names=names,
                        encoding="utf8"
                        if self.encoding in ("utf-8", "utf-8-sig")
                        else self.encoding,
                    ),
                    parse_options=pacsv.ParseOptions(
                        delimiter=self.delimiter,
                        quote_char='"',
                        double_quote=True,
                        newlines_in_values=True,
                        ignore_empty_lines=False,  # blank lines must keep their place in the count
                        invalid_row_handler=set_aside,
                    ),
                    convert_options=pacsv.ConvertOptions(
                        column_types={name: pa.string() for name in names},
                        null_values=[""],  # and no other: "NA" or "NULL" is what the file says
                        strings_can_be_null=True,
                        quoted_strings_can_be_null=True,
                    ),
                )
                cursor = _Cursor(next_record=1, next_line=self._first_line)
                for batch in stream:
                    yield from self._split(self._assemble(batch, invalid, cursor))
                if invalid:
                    yield from self._split(self._assemble(None, invalid, cursor))
            except pa.ArrowInvalid as error:
                # pyarrow's message can quote the record itself: never pass it on.
                raise _malformed(self.path, None) from error

    def _split(self, frame: pl.DataFrame) -> Iterator[pl.DataFrame]:
        for start in range(0, frame.height, self.batch_rows):
            yield frame.slice(start, self.batch_rows)

    def _assemble(
        self, batch: pa.RecordBatch | None, invalid: list[tuple[int, int, str]], cursor: _Cursor
    ) -> pl.DataFrame:
        """Put the ragged records pyarrow set aside back between the rows it parsed, numbered."""
        valid = batch.num_rows if batch is not None else 0
        ragged = len(invalid) if batch is None else 0
        while batch is not None:  # the ragged records before the end of this batch's span
            end = cursor.next_record + valid + ragged
            more = bisect.bisect_left(invalid, (end,))
            if more == ragged:
                break
            ragged = more
        span = valid + ragged
        set_aside = invalid[:ragged]
        del invalid[:ragged]  # the handler appends to this very list: keep it short
        ragged_at = np.array([number - cursor.next_record for number, _, _ in set_aside], dtype=int)
        is_ragged = np.zeros(span, dtype=bool)
        is_ragged[ragged_at] = True
        extra_lines = np.zeros(span, dtype=np.int64)
        frame = pl.from_arrow(batch) if batch is not None else None
        assert frame is None or isinstance(frame, pl.DataFrame)
        swallowed: tuple[int, int, int] | None = None
        if frame is not None and batch is not None and self._has_quotes and valid:
            extra_lines[~is_ragged], broken = _line_breaks(batch, frame)
            swallowed = _first_swallowing(frame, broken, self.delimiter or ",")
        for position, (_, _, text) in zip(ragged_at, set_aside, strict=True):
            extra_lines[position] = len(re.findall(_LINE_BREAK, text))
        starts = np.concatenate(([0], np.cumsum(extra_lines)[:-1])) if span else extra_lines
        lines = cursor.next_line + np.arange(span, dtype=np.int64) + starts
        if span:
            cursor.next_line = int(lines[-1] + 1 + extra_lines[-1])
        cursor.next_record += span
        if swallowed is not None:
            at, column, breaks = swallowed
            start = int(lines[~is_ragged][at])
            raise _swallowed(self.path, start, start + breaks, self.header[column])

        parts = []
        if frame is not None and valid:
            blank = frame.select(pl.all_horizontal(pl.all().is_null())).to_series()
            self.blank_rows += int(blank.sum())
            kept = frame.filter(~blank).rename(dict(zip(frame.columns, self.header, strict=True)))
            rows = pl.Series("_row", lines[~is_ragged], dtype=pl.Int64).filter(~blank)
            parts.append(
                kept.select(
                    rows,
                    pl.lit(None, dtype=pl.String).alias("_sheet"),
                    pl.lit(None, dtype=pl.String).alias("_defect"),
                    pl.lit(None, dtype=pl.String).alias("_line"),
                    *self.header,
                )
            )
        if ragged:
            parts.append(self._ragged_frame(set_aside, lines[ragged_at]))
        if not parts:
            return self._frame([], [], [], [])
        out = pl.concat(parts, how="vertical")
        return out.sort("_row") if ragged and len(parts) > 1 else out

    def _ragged_frame(self, records: list[tuple[int, int, str]], rows: np.ndarray) -> pl.DataFrame:
        width = len(self.header)
        assert self.delimiter is not None
        kept_rows: list[int] = []
        cells: list[list[Cell]] = []
        defects: list[Cell] = []
        texts: list[Cell] = []
        for row, (_, count, text) in zip(rows.tolist(), records, strict=True):
            fields = next(csv.reader(io.StringIO(text, newline=""), delimiter=self.delimiter), [])
            if not any(fields):
                self.blank_rows += 1
                continue
            for column, value in enumerate(fields):
                if _swallows_rows(value, width, self.delimiter):
                    end = row + len(re.findall(_LINE_BREAK, value.rstrip("\r\n")))
                    label = self.header[column] if column < width else f"kolom_{column + 1}"
                    raise _swallowed(self.path, row, end, label)
            values: list[Cell] = [value or None for value in fields[:width]]
            cells.append(values + [None] * (width - len(values)))
            kept_rows.append(row)
            if count > width and not any(fields[width:]):
                # Empty cells after the last column lose nothing: exporters often pad rows.
                defects.append(None)
                texts.append(None)
                continue
            defects.append(TOO_MANY_FIELDS if count > width else TOO_FEW_FIELDS)
            texts.append(text)
        return self._frame(kept_rows, cells, defects, texts)


def _line_breaks(batch: pa.RecordBatch, frame: pl.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Line breaks inside each row's values (a quoted field can span lines), and the columns."""
    # A column's values sit end to end in one Arrow buffer: a byte search there
    # rules out most columns (and most batches) at memchr speed.
    broken = []
    for index, name in enumerate(frame.columns):
        data = batch.column(index).buffers()[2]
        if data is not None and re.search(rb"[\r\n]", data.to_pybytes()):
            broken.append(name)
    if not broken:
        return np.zeros(frame.height, dtype=np.int64), broken
    counts = frame.select(
        pl.sum_horizontal(
            pl.col(name).str.count_matches(_LINE_BREAK).fill_null(0) for name in broken
        )
    )
    return counts.to_series().to_numpy(), broken


def _swallow_pattern(delimiter: str, width: int) -> str:
    """A line break, then a line holding a whole row's worth (``width - 1``) of delimiters.

    The same pattern serves Python's ``re`` and polars (Rust regex); both read
    ``\\t`` and ``\\|``, neither needs the lazy quantifier it avoids.
    """
    inside = {"\t": r"\t", "|": "|"}.get(delimiter, delimiter)
    alone = {"\t": r"\t", "|": r"\|"}.get(delimiter, delimiter)
    return rf"[\r\n](?:[^\r\n{inside}]*{alone}){{{width - 1}}}"


def _swallows_rows(value: str | None, width: int, delimiter: str | None) -> bool:
    """Whether a field looks like a stray quote that swallowed whole records below it.

    A quote left open (``"Udin Ani``) makes the parser read on, across line
    breaks, until the next quote or the end of the file: what follows comes back
    as one field, and every row in it would vanish into one quarantined row. A
    real multi-line value (an address) holds a few delimiters, not a line that
    is a row of its own, so such a field is refused rather than read.
    """
    if value is None or width < 2 or delimiter is None:
        return False
    return re.search(_swallow_pattern(delimiter, width), value) is not None


def _first_swallowing(
    frame: pl.DataFrame, columns: list[str], delimiter: str
) -> tuple[int, int, int] | None:
    """(row, column, line breaks) of the first value `_swallows_rows` refuses, in row order.

    The line breaks are those between the value's first and last line of text.
    """
    width = frame.width
    if width < 2 or not columns:
        return None
    pattern = _swallow_pattern(delimiter, width)
    found = []
    for name in columns:
        hits = frame[name].str.contains(pattern).fill_null(value=False)
        if hits.any():
            row = int(hits.arg_true()[0])
            value = frame[name][row].rstrip("\r\n")
            breaks = len(re.findall(_LINE_BREAK, value))
            found.append((row, frame.columns.index(name), breaks))
    return min(found) if found else None


def _swallowed(path: Path, line: int, end: int, column: str) -> PipelineError:
    return PipelineError(
        f"File {path.name} rusak di baris {line}, kolom '{column}': isian itu dibuka dengan "
        f'tanda kutip (") yang tidak ditutup di tempatnya, sehingga baris {line + 1} sampai '
        f"{end} terbaca sebagai bagian dari satu isian dan akan hilang. Hapus atau tutup tanda "
        "kutip itu di berkas aslinya lalu unggah ulang; tidak ada yang diimpor.",
        english=f"{path.name} is malformed at line {line}, column '{column}': a stray quote "
        f"swallows lines {line + 1}-{end} into one field.",
        code="CSV_MALFORMED",
    )


@dataclass
class _Cursor:
    """Where the reassembly of records stands between batches."""

    next_record: int  # the record number (from 1, below the header) not yet placed
    next_line: int  # the line that record starts on


# -- workbooks -----------------------------------------------------------------------------


def _open_workbook(path: Path) -> python_calamine.CalamineWorkbook:
    try:
        return python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError, ValueError) as error:
        # Only the error's type: calamine's messages may quote what the file holds.
        raise _unreadable(path, type(error).__name__) from error


def _load_sheet(
    path: Path, book: python_calamine.CalamineWorkbook, name: str
) -> python_calamine.CalamineSheet:
    try:
        return book.get_sheet_by_name(name)
    except python_calamine.WorksheetNotFound as error:
        raise PipelineError(
            f"Sheet '{name}' tidak ada di file {path.name}. Sheet yang ada: "
            f"{', '.join(book.sheet_names)}.",
            english=f"There is no sheet '{name}' in {path.name}; it has: {book.sheet_names}.",
            code="SHEET_NOT_FOUND",
        ) from error
    except python_calamine.CalamineError as error:
        raise _unreadable(path, f"sheet '{name}': {type(error).__name__}") from error


def _worksheet_names(book: python_calamine.CalamineWorkbook) -> list[str]:
    return [
        meta.name
        for meta in book.sheets_metadata
        if meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]


def _errors_by_row(errors: dict[tuple[int, int], str]) -> dict[int, dict[int, str]]:
    grouped: dict[int, dict[int, str]] = {}
    for (row, column), text in errors.items():
        grouped.setdefault(row, {})[column] = text
    return grouped


def _sheet_rows(
    path: Path, sheet: python_calamine.CalamineSheet, *, until: int | None = None
) -> Iterator[tuple[int, list[Cell]]]:
    """(Excel row number, rendered cells) of each row, error cells shown by their text."""
    errors = _errors_by_row(_xlsx_error_cells(path, sheet.name, until))
    first_column = sheet.start[1] if sheet.start else 0
    for index, values in enumerate(sheet.iter_rows()):
        cells = [render_cell(value) for value in values]
        for column, text in errors.get(index, {}).items():
            at = column - first_column
            if 0 <= at < len(cells) and cells[at] is None:
                cells[at] = text
        yield index + 1, cells


def _preview_workbook(path: Path, rows: int) -> list[SheetPreview]:
    previews = []
    with _open_workbook(path) as book:
        for name in _worksheet_names(book):
            sheet = _load_sheet(path, book, name)
            if sheet.start is None:
                continue
            first = sheet.start[0] + 1
            taken: list[list[Cell]] = []
            numbers: list[int] = []
            for number, cells in _sheet_rows(path, sheet, until=first + rows):
                if number < first:
                    continue
                if len(taken) >= rows:
                    break
                taken.append(cells)
                numbers.append(number)
            if any(cell is not None for row in taken for cell in row):
                previews.append(SheetPreview(name, taken, first, numbers, loaded=sheet))
    return previews


class _WorkbookSheetReader(SheetReader):
    """One sheet of a workbook, read with python-calamine."""

    _header_row: int
    _loaded: python_calamine.CalamineSheet | None

    @classmethod
    def open(
        cls,
        path: Path,
        sheet: str | None,
        header_row: int,
        batch_rows: int,
        loaded: python_calamine.CalamineSheet | None = None,
    ) -> _WorkbookSheetReader:
        if loaded is None:
            with _open_workbook(path) as book:
                names = _worksheet_names(book)
                if sheet is None:
                    sheet = next(
                        (n for n in names if _load_sheet(path, book, n).start is not None), None
                    )
                    if sheet is None:
                        raise PipelineError(
                            f"File {path.name} tidak berisi data di sheet mana pun.",
                            english=f"{path.name} has no data in any sheet.",
                            code="FILE_EMPTY",
                        )
                loaded = _load_sheet(path, book, sheet)
        above: list[Cell] | None = None
        cells: list[Cell] | None = None
        last = 0
        for number, row in _sheet_rows(path, loaded, until=header_row):
            last = number
            if number == header_row - 1:
                above = row
            if number == header_row:
                cells = row
                break
        if cells is None or loaded.start is None:
            raise _header_past_end(path, sheet, header_row, last)
        width = _header_width(cells, above)
        if width == 0:
            raise _header_empty(path, sheet, header_row)
        reader = cls(
            path,
            header_labels(cells[:width], above[:width] if above else None),
            sheet=sheet,
            encoding=None,
            delimiter=None,
            batch_rows=batch_rows,
        )
        reader._header_row = header_row
        reader._loaded = loaded
        return reader

    def batches(self) -> Iterator[pl.DataFrame]:
        self.blank_rows = 0
        sheet = self._loaded
        self._loaded = None  # the whole sheet sits in memory; keep it only for the first pass
        if sheet is None:
            with _open_workbook(self.path) as book:
                sheet = _load_sheet(self.path, book, self.sheet or "")
        width = len(self.header)
        numbers: list[int] = []
        rows: list[list[Cell]] = []
        defects: list[Cell] = []
        lines: list[Cell] = []
        for number, cells in _sheet_rows(self.path, sheet):
            if number <= self._header_row:
                continue
            extra = cells[width:]
            if any(cell is not None for cell in extra):
                # Excel drops trailing empty cells, so only a filled cell past the
                # header is a row that does not fit.
                filled = len(cells) - next(
                    i for i, c in enumerate(reversed(cells)) if c is not None
                )
                defects.append(TOO_MANY_FIELDS)
                lines.append(" | ".join(cell or "" for cell in cells[:filled]))
            elif all(cell is None for cell in cells):
                self.blank_rows += 1
                continue
            else:
                defects.append(None)
                lines.append(None)
            data = cells[:width]
            rows.append(data + [None] * (width - len(data)))
            numbers.append(number)
            if len(rows) >= self.batch_rows:
                yield self._frame(numbers, rows, defects, lines)
                numbers, rows, defects, lines = [], [], [], []
        if rows:
            yield self._frame(numbers, rows, defects, lines)


def _header_width(cells: list[Cell], above: list[Cell] | None) -> int:
    """Columns up to the last one with a label in the header row or the row above it."""
    labelled = [
        i
        for i in range(len(cells))
        if _squash(cells[i]) or (above is not None and i < len(above) and _squash(above[i]))
    ]
    return labelled[-1] + 1 if labelled else 0


# -- Excel error cells ---------------------------------------------------------------------

_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')
_CELL_VALUE = re.compile(rb"<v>([^<]*)</v>")
_ERROR_TYPE = b't="e"'


def _xlsx_error_cells(path: Path, sheet: str, until: int | None) -> dict[tuple[int, int], str]:
    """Error cells (#N/A, #DIV/0!…) of an XLSX sheet by (row, column) from 0, up to row `until`.

    python-calamine 0.9.1 reads an error cell as an empty string; an #N/A
    where a NIK should be is worth telling apart from a NIK left blank, so
    the sheet's XML is scanned for them. Other formats keep calamine's empty.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return {}
            with archive.open(part) as stream:
                return _scan_error_cells(stream, until)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return {}


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_PACKAGE}Relationship")}
    for node in book.iter(f"{_MAIN}sheet"):
        if node.get("name") == sheet:
            target = targets.get(node.get(_RELATIONSHIP))
            if not target:
                return None
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            return part if part in names else None
    return None


def _scan_error_cells(stream: IO[bytes], until: int | None) -> dict[tuple[int, int], str]:
    found: dict[tuple[int, int], str] = {}
    carry = b""
    while True:
        chunk = stream.read(4 << 20)
        data = carry + chunk
        if chunk:
            # Scan only whole cells: keep the last, possibly cut, cell for the next round.
            cut = data.rfind(b"<c ")
            if cut == -1:
                carry = data[-2:]
                continue
            block, carry = data[:cut], data[cut:]
        else:
            block, carry = data, b""
        at = block.find(_ERROR_TYPE)
        while at != -1:
            start = block.rfind(b"<c ", 0, at)
            tag_end = block.find(b">", at)
            end = block.find(b"</c>", at)
            if start != -1 and tag_end != -1 and b">" not in block[start:at]:
                tag = block[start:tag_end]
                ref = _CELL_REF.search(tag)
                value = _CELL_VALUE.search(block, tag_end, end) if end != -1 else None
                if ref and value and not tag.endswith(b"/"):
                    row = int(ref[2]) - 1
                    if until is not None and row >= until:
                        return found
                    found[(row, _column_index(ref[1]))] = html.unescape(value[1].decode())
            at = block.find(_ERROR_TYPE, at + 1)
        if not chunk:
            return found


def _column_index(letters: bytes) -> int:
    """0-based index of an Excel column name: b'A' -> 0, b'AA' -> 26."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1
