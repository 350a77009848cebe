"""The RAT matrix as an XLSX workbook: written in the regions' 21-column layout, and read back.

Regional governments exchange the annual poverty-reduction action plan (Rencana
Aksi Tahunan, RAT) as a spreadsheet in the 21-column layout of the OPPKPKE
semester report (DOMAIN.md 1.5)::

    No | Strategi | Perangkat Daerah | Kode | Program | Kegiatan | Sub Kegiatan |
    Aktivitas Real: Langsung / Tidak Langsung / Penunjang | Alokasi Anggaran (Rp) |
    Sumber Pembiayaan | Sifat Bantuan | Lokasi | Jumlah Sasaran Penerima Manfaat |
    Besaran Manfaat | Jenis Bantuan | Durasi Pemberian Bantuan | Realisasi: Sem.1 / Sem.2 / Total

`write_rat` writes two sheets: ``RAT <year>``, that matrix grouped by the Inpres
8/2025 strategies (a heading row, the lines, a subtotal; a grand total at the end)
for people to read and print, and ``Data Sinergi``, one flat row per line holding
every `RatRow` field, so that Sinergi's own file comes back exactly (line keys,
both strategy taxonomies, target unit, beneficiaries reached, location code).

`read_rat` reads the ``Data Sinergi`` sheet when the workbook has one, and checks
that the matrix sheet beside it still says the same: an edit made in one sheet
only is refused, never silently lost. Without it, every sheet in the 21-column
layout is read, as regions make them: the header anywhere in the first 30 rows,
spelled loosely (case, spaces, line breaks, "(Rp)", punctuation), merged group
headers with their sub-headers below; title rows, the column-number row,
subtotal and total rows, signatures and empty rows skipped; a cell merged down
over several lines counts for each of them; strategy headings (by name or by a
roman numeral, "Strategi 2") set the strategy of the lines below, as does a
group row holding only an OPD, program or kegiatan (a hierarchical matrix).
Amounts may be numbers or text ("Rp 1.234.567", "1.234.567,00", "Rp 500.000,-");
a count may carry its unit ("1.000 keluarga").

Every problem names the sheet, the row as a spreadsheet shows it, the column
header and the reason in Bahasa Indonesia and English; all of them are
collected and raised together as one `RatFileError`, and nothing is returned.

A Perpres 15/2010 strategy read from a region's sheet keeps its code in
``strategy_perpres`` and gets the closest Inpres 8/2025 strategy, a proposal to
confirm with the Bappeda (`PERPRES_TO_INPRES`): 1 spending burden -> 1 spending;
2 capability and income -> 2 income; 3 micro and small enterprises -> 2 income;
4 synergy of policies and programs -> 3 poverty pockets.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO

import python_calamine
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from sinergi.domain import wilayah
from sinergi.domain.reference import Strategy, strategies
from sinergi.errors import SinergiError
from sinergi.lake.home import write_atomically
from sinergi.reports.formats import id_number
from sinergi.reports.sheets import Styles

__all__ = [
    "ACTIVITY_TYPES",
    "DATA_SHEET",
    "PERPRES_TO_INPRES",
    "RatFileError",
    "RatProblem",
    "RatRow",
    "match_strategy",
    "read_rat",
    "write_rat",
]

INPRES = "inpres_8_2025"
PERPRES = "perpres_15_2010"
PERPRES_TO_INPRES = {"1": "1", "2": "2", "3": "2", "4": "3"}
ACTIVITY_TYPES = ("langsung", "tidak_langsung", "penunjang")
DATA_SHEET = "Data Sinergi"
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class RatRow:
    """One line of the RAT matrix: an OPD's sub-kegiatan with its budget, targets and realisation.

    Semester 1 is January-June, semester 2 July-December; realisation is budget spent, in rupiah.
    """

    opd: str  # Perangkat Daerah, e.g. "Dinas Sosial"
    code: str  # Kode (regional budget code, e.g. "1.06.05.2.02")
    program: str
    kegiatan: str
    sub_kegiatan: str
    strategy_inpres: str  # code "1".."3" of the Inpres 8/2025 taxonomy
    strategy_perpres: str | None  # code "1".."4" of the Perpres 15/2010 taxonomy
    activity_type: str  # "langsung" | "tidak_langsung" | "penunjang"
    budget: Decimal  # Alokasi Anggaran (Rp)
    funding_source: str  # Sumber Pembiayaan (APBD, APBN, DAK, Dana Desa, CSR...)
    assistance_nature: str | None  # Sifat Bantuan
    location: str  # Lokasi as written
    target_beneficiaries: int | None
    target_unit: str | None  # keluarga, individu, unit, desa ...
    benefit_amount: Decimal | None
    assistance_type: str | None  # Jenis Bantuan
    duration: str | None  # Durasi Pemberian Bantuan
    realised_budget_s1: Decimal | None
    realised_budget_s2: Decimal | None
    reached_s1: int | None = None  # beneficiaries reached per semester (Sinergi's sheet only)
    reached_s2: int | None = None
    eligibility_rule: str | None = None  # a rule code of src/sinergi/data/rules (pkh, pip, ...)
    location_code: str | None = None  # a wilayah code when known
    key: str | None = None  # Sinergi's stable line id (uuid text) when exported


@dataclass(frozen=True)
class RatProblem:
    """One thing wrong in a RAT workbook, where it is and why, for people and for logs.

    ``sheet``, ``row`` (1-based, as a spreadsheet shows it) and ``column`` (the header
    as the file writes it) are None where the problem is not in one place; ``cell``
    is the cell reference (``"K12"``) when there is one.

    Examples:
        >>> p = RatProblem("RAT 2025", 9, "Program", "kosong", "empty", "E9")
        >>> p.describe()
        "lembar 'RAT 2025', baris 9, kolom 'Program' (sel E9): kosong"
    """

    sheet: str | None
    row: int | None
    column: str | None
    reason_id: str
    reason_en: str
    cell: str | None = None

    def describe(self, *, english: bool = False) -> str:
        """Where and what, in Bahasa Indonesia (or English)."""
        words = (
            ("sheet", "row", "column", "cell") if english else ("lembar", "baris", "kolom", "sel")
        )
        where = []
        if self.sheet is not None:
            where.append(f"{words[0]} '{self.sheet}'")
        if self.row is not None:
            where.append(f"{words[1]} {self.row}")
        if self.column is not None:
            where.append(f"{words[2]} '{self.column}'")
        place = ", ".join(where)
        if self.cell is not None:
            place += f" ({words[3]} {self.cell})"
        reason = self.reason_en if english else self.reason_id
        return f"{place}: {reason}" if place else reason


class RatFileError(SinergiError):
    """A RAT workbook that cannot be read; ``problems`` lists every problem found in it.

    Codes: ``RAT_UNREADABLE`` (not a workbook), ``RAT_EMPTY`` (no cell filled),
    ``RAT_INVALID`` (anything else; see ``problems``).
    """

    SHOWN = 10

    def __init__(
        self, name: str, problems: Sequence[RatProblem], *, code: str = "RAT_INVALID"
    ) -> None:
        self.name = name
        self.problems = list(problems)
        count = len(self.problems)
        shown = list(enumerate(self.problems[: self.SHOWN], start=1))
        shown_id = " ".join(f"{n}) {p.describe()}" for n, p in shown)
        shown_en = " ".join(f"{n}) {p.describe(english=True)}" for n, p in shown)
        rest = count - self.SHOWN
        if rest > 0:
            shown_id += f" ... dan {rest} masalah lain."
            shown_en += f" ... and {rest} more."
        super().__init__(
            f"Berkas '{name}' tidak dibaca ({count} masalah; perbaiki lalu unggah lagi): "
            f"{shown_id}",
            english=f"RAT workbook '{name}' rejected ({count} problems): {shown_en}",
            code=code,
        )


# -- the layout ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    key: str
    header: str  # the header, or the group header of a sub-column
    sub: str | None  # the sub-header under a merged group header
    width: int


_LAYOUT = (
    _Column("no", "No", None, 5),
    _Column("strategy", "Strategi", None, 20),
    _Column("opd", "Perangkat Daerah", None, 18),
    _Column("code", "Kode", None, 14),
    _Column("program", "Program", None, 26),
    _Column("kegiatan", "Kegiatan", None, 26),
    _Column("sub_kegiatan", "Sub Kegiatan", None, 30),
    _Column("langsung", "Aktivitas Real", "Langsung", 9),
    _Column("tidak_langsung", "Aktivitas Real", "Tidak Langsung", 9),
    _Column("penunjang", "Aktivitas Real", "Penunjang", 10),
    _Column("budget", "Alokasi Anggaran (Rp)", None, 17),
    _Column("funding_source", "Sumber Pembiayaan", None, 13),
    _Column("assistance_nature", "Sifat Bantuan", None, 11),
    _Column("location", "Lokasi", None, 20),
    _Column("target", "Jumlah Sasaran Penerima Manfaat", None, 16),
    _Column("benefit", "Besaran Manfaat", None, 13),
    _Column("assistance_type", "Jenis Bantuan", None, 20),
    _Column("duration", "Durasi Pemberian Bantuan", None, 12),
    _Column("s1", "Realisasi", "Sem.1", 16),
    _Column("s2", "Realisasi", "Sem.2", 16),
    _Column("total", "Realisasi", "Total", 16),
)
_AT = {column.key: index for index, column in enumerate(_LAYOUT)}
_MARKS = ("langsung", "tidak_langsung", "penunjang")  # layout keys, same order as ACTIVITY_TYPES
_TITLE_ROWS = 4  # title, semester note, where to edit, blank
_HEADER_ROW = _TITLE_ROWS
_FIRST_LINE_ROW = _HEADER_ROW + 3  # two header rows and the column-number row
_MARK = "✓"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _canonical(key: str) -> str:
    """The header of a layout column as Sinergi writes it (``"Realisasi Sem.1"``)."""
    column = _LAYOUT[_AT[key]]
    return f"{column.header} {column.sub}" if column.sub else column.header


# The Data Sinergi sheet: every RatRow field, its Indonesian header (the machine
# name in brackets is what the reader goes by) and how its cells are read.
_DATA_FIELDS = (
    ("key", "Kunci baris", "optional"),
    ("strategy_inpres", "Strategi Inpres 8/2025", "inpres"),
    ("strategy_perpres", "Strategi Perpres 15/2010", "perpres"),
    ("opd", "Perangkat Daerah", "required"),
    ("code", "Kode", "text"),
    ("program", "Program", "required"),
    ("kegiatan", "Kegiatan", "text"),
    ("sub_kegiatan", "Sub Kegiatan", "text"),
    ("activity_type", "Aktivitas Real", "activity"),
    ("budget", "Alokasi Anggaran Rp", "budget"),
    ("funding_source", "Sumber Pembiayaan", "text"),
    ("assistance_nature", "Sifat Bantuan", "optional"),
    ("location", "Lokasi", "text"),
    ("location_code", "Kode Wilayah Lokasi", "area"),
    ("target_beneficiaries", "Jumlah Sasaran", "count"),
    ("target_unit", "Satuan Sasaran", "optional"),
    ("benefit_amount", "Besaran Manfaat Rp", "money"),
    ("assistance_type", "Jenis Bantuan", "optional"),
    ("duration", "Durasi Pemberian Bantuan", "optional"),
    ("eligibility_rule", "Aturan Kelayakan", "optional"),
    ("realised_budget_s1", "Realisasi Sem.1 Rp", "money"),
    ("realised_budget_s2", "Realisasi Sem.2 Rp", "money"),
    ("reached_s1", "Sasaran Tercapai Sem.1", "count"),
    ("reached_s2", "Sasaran Tercapai Sem.2", "count"),
)
_DATA_REQUIRED = ("strategy_inpres", "opd", "program", "activity_type", "budget")


def _data_header(field: str, label: str) -> str:
    return f"{label} ({field})"


# -- writing ---------------------------------------------------------------------------------


def write_rat(rows: Sequence[RatRow], out: Path | BinaryIO, *, year: int, area_name: str) -> None:
    """Write a year's RAT to ``out`` (a path, replaced atomically, or a binary file object).

    Lines are grouped by Inpres 8/2025 strategy in code order (stable within a
    strategy); both sheets list them in that order. The output is the same bytes
    for the same arguments.

    Raises:
        ValueError: a row has a strategy or activity type the layout does not know
            (a programming error: Sinergi's own lines are checked when entered).
    """
    groups = _by_strategy(rows)
    # In memory, the zip entries carry a fixed date: the same bytes to a path or a file object.
    options = {"in_memory": True}
    if isinstance(out, Path):
        with write_atomically(out) as partial:
            _write_book(xlsxwriter.Workbook(str(partial), options), groups, year, area_name)
    else:
        _write_book(xlsxwriter.Workbook(out, options), groups, year, area_name)


def _by_strategy(rows: Sequence[RatRow]) -> list[tuple[Strategy, list[RatRow]]]:
    groups: dict[str, list[RatRow]] = {s.code: [] for s in strategies(INPRES)}
    for row in rows:
        if row.strategy_inpres not in groups:
            raise ValueError(f"unknown Inpres 8/2025 strategy {row.strategy_inpres!r} in {row}")
        if row.activity_type not in ACTIVITY_TYPES:
            raise ValueError(f"unknown activity type {row.activity_type!r} in {row}")
        groups[row.strategy_inpres].append(row)
    return [(s, groups[s.code]) for s in strategies(INPRES)]


def _write_book(
    book: xlsxwriter.Workbook,
    groups: list[tuple[Strategy, list[RatRow]]],
    year: int,
    area_name: str,
) -> None:
    title = f"Rencana Aksi Tahunan Penanggulangan Kemiskinan {area_name} Tahun {year}"
    # A fixed creation time keeps the file byte-identical from one export to the next.
    book.set_properties({"title": title, "author": "Sinergi", "created": datetime(year, 1, 1)})
    styles = Styles(book)
    matrix_name = f"RAT {year}"
    _write_matrix(book.add_worksheet(matrix_name), _MatrixStyles(book, styles), groups, title)
    _write_data(book.add_worksheet(DATA_SHEET), styles, [r for _, lines in groups for r in lines])
    book.close()


class _MatrixStyles:
    """The formats of the matrix sheet: a bordered grid ready to print."""

    def __init__(self, book: xlsxwriter.Workbook, house: Styles) -> None:
        self._book = book
        self.title = house.title
        self.note = book.add_format({"italic": True})
        grid = {"border": 1, "valign": "top"}
        self.head = book.add_format(
            {
                **grid,
                "bold": True,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.number_row = book.add_format({**grid, "italic": True, "align": "center"})
        self.text = book.add_format({**grid, "text_wrap": True})
        self.centre = book.add_format({**grid, "align": "center"})
        self.rupiah = book.add_format({**grid, "num_format": "#,##0"})
        self.heading = book.add_format({**grid, "bold": True, "bg_color": "#E2EFDA"})
        self.total_label = book.add_format({**grid, "bold": True, "bg_color": "#F2F2F2"})
        self.total = book.add_format(
            {**grid, "bold": True, "bg_color": "#F2F2F2", "num_format": "#,##0"}
        )
        self._counts: dict[str | None, Format] = {}

    def count(self, unit: str | None) -> Format:
        """A count shown with its unit ("1.000 keluarga") while the cell stays a number."""
        if unit not in self._counts:
            shown = "".join(c for c in unit or "" if c not in '"\\')
            pattern = f'#,##0 "{shown}"' if shown else "#,##0"
            self._counts[unit] = self._book.add_format(
                {"border": 1, "valign": "top", "num_format": pattern}
            )
        return self._counts[unit]


def _write_matrix(
    sheet: Worksheet,
    fmt: _MatrixStyles,
    groups: list[tuple[Strategy, list[RatRow]]],
    title: str,
) -> None:
    last = len(_LAYOUT) - 1
    sheet.merge_range(0, 0, 0, last, title, fmt.title)
    sheet.merge_range(
        1,
        0,
        1,
        last,
        "Semester 1 = Januari–Juni, Semester 2 = Juli–Desember; anggaran, besaran manfaat dan "
        "realisasi dalam rupiah.",
        fmt.note,
    )
    sheet.merge_range(
        2,
        0,
        2,
        last,
        f"Sinergi membaca lembar '{DATA_SHEET}' saat berkas ini diunggah kembali: ubah data di "
        f"sana, atau hapus lembar '{DATA_SHEET}' agar lembar ini yang dibaca. Tanpa lembar itu "
        "baris dicocokkan menurut perangkat daerah, kode, program, kegiatan dan sub kegiatan: "
        "baris yang salah satunya diubah masuk sebagai baris baru.",
        fmt.note,
    )
    _write_header(sheet, fmt)

    row = _FIRST_LINE_ROW
    number = 0
    subtotal_rows = []
    for index, (strategy, lines) in enumerate(groups):
        sheet.write_string(row, 0, _ROMAN[index], fmt.heading)
        sheet.merge_range(row, 1, row, last, strategy.name_id, fmt.heading)
        row += 1
        first = row
        for line in lines:
            number += 1
            _write_line(sheet, fmt, row, number, strategy.name_id, line)
            row += 1
        _write_total(
            sheet, fmt, row, f"Jumlah Strategi {_ROMAN[index]}", lines, _range_sum(first, row)
        )
        subtotal_rows.append(row)
        row += 1
    everything = [line for _, lines in groups for line in lines]
    _write_total(sheet, fmt, row, "Jumlah Seluruhnya", everything, _cells_sum(subtotal_rows))

    for col, column in enumerate(_LAYOUT):
        sheet.set_column(col, col, column.width)
    sheet.freeze_panes(_FIRST_LINE_ROW, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(_HEADER_ROW, _FIRST_LINE_ROW - 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_footer("&CHalaman &P dari &N")


def _write_header(sheet: Worksheet, fmt: _MatrixStyles) -> None:
    top, below = _HEADER_ROW, _HEADER_ROW + 1
    col = 0
    while col < len(_LAYOUT):
        column = _LAYOUT[col]
        if column.sub is None:
            sheet.merge_range(top, col, below, col, column.header, fmt.head)
            col += 1
            continue
        span = [c for c in _LAYOUT if c.header == column.header]
        sheet.merge_range(top, col, top, col + len(span) - 1, column.header, fmt.head)
        for offset, sub in enumerate(span):
            sheet.write_string(below, col + offset, sub.sub or "", fmt.head)
        col += len(span)
    for col in range(len(_LAYOUT)):
        sheet.write_number(below + 1, col, col + 1, fmt.number_row)


def _write_line(
    sheet: Worksheet, fmt: _MatrixStyles, row: int, number: int, strategy: str, line: RatRow
) -> None:
    texts = {
        "strategy": strategy,
        "opd": line.opd,
        "code": line.code,
        "program": line.program,
        "kegiatan": line.kegiatan,
        "sub_kegiatan": line.sub_kegiatan,
        "funding_source": line.funding_source,
        "assistance_nature": line.assistance_nature,
        "location": line.location,
        "assistance_type": line.assistance_type,
        "duration": line.duration,
    }
    for key, value in texts.items():
        if value:
            sheet.write_string(row, _AT[key], value, fmt.text)
        else:
            sheet.write_blank(row, _AT[key], None, fmt.text)
    sheet.write_number(row, _AT["no"], number, fmt.centre)
    for key, activity in zip(_MARKS, ACTIVITY_TYPES, strict=True):
        if line.activity_type == activity:
            sheet.write_string(row, _AT[key], _MARK, fmt.centre)
        else:
            sheet.write_blank(row, _AT[key], None, fmt.centre)
    amounts: dict[str, Decimal | None] = {
        "budget": line.budget,
        "benefit": line.benefit_amount,
        "s1": line.realised_budget_s1,
        "s2": line.realised_budget_s2,
    }
    for key, amount in amounts.items():
        _write_number(sheet, row, _AT[key], amount, fmt.rupiah)
    _write_number(sheet, row, _AT["target"], line.target_beneficiaries, fmt.count(line.target_unit))
    realised = [a for a in (line.realised_budget_s1, line.realised_budget_s2) if a is not None]
    if realised:
        semesters = f"{xl_rowcol_to_cell(row, _AT['s1'])}:{xl_rowcol_to_cell(row, _AT['s2'])}"
        sheet.write_formula(
            row, _AT["total"], f"=SUM({semesters})", fmt.rupiah, float(sum(realised))
        )
    else:
        sheet.write_blank(row, _AT["total"], None, fmt.rupiah)


def _write_number(
    sheet: Worksheet, row: int, col: int, value: Decimal | int | None, style: Format
) -> None:
    if value is None:
        sheet.write_blank(row, col, None, style)
    else:
        sheet.write_number(row, col, float(value), style)


def _range_sum(first: int, end: int) -> Callable[[int], str]:
    """The formula adding up rows ``first`` to ``end`` (excluded) of a column; "=0" for none."""

    def formula(col: int) -> str:
        if first == end:
            return "=0"
        return f"=SUM({xl_rowcol_to_cell(first, col)}:{xl_rowcol_to_cell(end - 1, col)})"

    return formula


def _cells_sum(rows: Sequence[int]) -> Callable[[int], str]:
    """The formula adding up the given rows of a column (the subtotals)."""
    return lambda col: "=" + "+".join(xl_rowcol_to_cell(row, col) for row in rows)


def _write_total(
    sheet: Worksheet,
    fmt: _MatrixStyles,
    row: int,
    label: str,
    lines: Sequence[RatRow],
    formula: Callable[[int], str],
) -> None:
    """A total row: the label over the text columns, then sums (formulas with their values)."""
    sheet.write_blank(row, 0, None, fmt.total_label)
    sheet.merge_range(row, 1, row, _AT["budget"] - 1, label, fmt.total_label)
    values: dict[str, Decimal] = {
        "budget": sum((line.budget for line in lines), Decimal(0)),
        "s1": sum((line.realised_budget_s1 or Decimal(0) for line in lines), Decimal(0)),
        "s2": sum((line.realised_budget_s2 or Decimal(0) for line in lines), Decimal(0)),
    }
    values["total"] = values["s1"] + values["s2"]
    for col in range(_AT["budget"], len(_LAYOUT)):
        key = _LAYOUT[col].key
        if key in values:
            sheet.write_formula(row, col, formula(col), fmt.total, float(values[key]))
        else:
            sheet.write_blank(row, col, None, fmt.total_label)


def _write_data(sheet: Worksheet, styles: Styles, rows: Sequence[RatRow]) -> None:
    sheet.write_string(
        0,
        0,
        "Data Sinergi: satu baris per kegiatan, dibaca Sinergi saat berkas diunggah kembali. "
        "Nama kolom dalam kurung jangan diubah; kode strategi Inpres 1-3, Perpres 1-4; "
        "Aktivitas Real: langsung, tidak_langsung atau penunjang.",
        styles.bold,
    )
    for col, (field, label, kind) in enumerate(_DATA_FIELDS):
        header = _data_header(field, label)
        sheet.write_string(1, col, header, styles.head)
        numeric = kind in ("budget", "money", "count")
        sheet.set_column(col, col, 16 if numeric else max(14, min(len(header), 28)))
    for row, line in enumerate(rows, start=2):
        for col, (field, _, kind) in enumerate(_DATA_FIELDS):
            value = getattr(line, field)
            if value is None or value == "":
                continue
            if isinstance(value, Decimal):
                exact = Decimal(repr(float(value))) == value
                if exact:
                    sheet.write_number(row, col, float(value), styles.decimal)
                else:  # more digits than a spreadsheet number holds: keep them as text
                    sheet.write_string(row, col, format(value, "f"), styles.text)
            elif kind == "count":
                sheet.write_number(row, col, value, styles.count)
            else:
                sheet.write_string(row, col, str(value), styles.text)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, max(len(rows), 1) + 1, len(_DATA_FIELDS) - 1)


# -- reading: the workbook -------------------------------------------------------------------


@dataclass(eq=False)
class _Sheet:
    """One worksheet as a grid of calamine values from A1, merged cells filled down."""

    name: str
    rows: list[list[Any]]
    banners: dict[int, str]  # row index -> the text of a cell merged across 4+ columns

    def cell(self, row: int, col: int) -> Any:
        cells = self.rows[row]
        return cells[col] if col < len(cells) else ""


def _whole(reason_id: str, reason_en: str) -> RatProblem:
    """A problem of the whole file, in no one sheet."""
    return RatProblem(None, None, None, reason_id, reason_en)


class _Invalid(Exception):
    """A cell value that cannot be read; carries the reason in both languages."""

    def __init__(self, reason_id: str, reason_en: str) -> None:
        super().__init__(reason_en)
        self.reason_id = reason_id
        self.reason_en = reason_en


def read_rat(path: Path, *, name: str | None = None) -> list[RatRow]:
    """The lines of a RAT workbook: Sinergi's own export or a region's 21-column sheet.

    Args:
        path: the workbook (``.xlsx``; what python-calamine reads also works).
        name: the file name to cite in messages (an upload is stored under a hash).

    Returns:
        The lines in sheet order.

    Raises:
        RatFileError: the file is not a workbook, is empty, or has any problem;
            ``problems`` lists all of them.
    """
    cited = name or path.name
    sheets = _load(path, cited)
    if not any(_filled(cells) for sheet in sheets for cells in sheet.rows):
        problem = _whole(
            "berkas kosong: tidak ada satu sel pun yang terisi.",
            "the workbook is empty: no cell is filled.",
        )
        raise RatFileError(cited, [problem], code="RAT_EMPTY")

    problems: list[RatProblem] = []
    data_sheets = [s for s in sheets if _is_data_sheet(s)]
    matrices = [
        (sheet, header)
        for sheet in sheets
        if sheet not in data_sheets and (header := _find_header(sheet)) is not None
    ]
    matrix_problems: list[RatProblem] = []
    matrix_lines = [line for s, h in matrices for line in _matrix_lines(s, h, matrix_problems)]
    if data_sheets:
        lines = _data_lines(data_sheets[0], problems)
        if not problems and matrices:
            problems += _differences(data_sheets[0].name, lines, matrix_lines, matrix_problems)
    elif matrices:
        lines = matrix_lines
        problems += matrix_problems
        _check_duplicates(lines, problems)
    else:
        lines = []
        names = ", ".join(f"'{s.name}'" for s in sheets)
        problems.append(
            _whole(
                f"tidak ada lembar berformat RAT: judul kolom seperti 'Perangkat Daerah', "
                f"'Program', 'Sub Kegiatan', 'Alokasi Anggaran (Rp)' dan 'Aktivitas Real' tidak "
                f"ditemukan di {HEADER_SEARCH_ROWS} baris pertama lembar mana pun ({names}), dan "
                f"tidak ada lembar '{DATA_SHEET}'.",
                f"no sheet in the RAT layout: headers such as 'Perangkat Daerah', 'Program', "
                f"'Sub Kegiatan', 'Alokasi Anggaran (Rp)' and 'Aktivitas Real' are not in the "
                f"first {HEADER_SEARCH_ROWS} rows of any sheet ({names}), and there is no "
                f"'{DATA_SHEET}' sheet.",
            )
        )
    if not problems and not lines:
        problems.append(
            _whole(
                "tidak ada satu baris kegiatan pun di bawah judul kolom.",
                "there is no line below the headers.",
            )
        )
    if problems:
        raise RatFileError(cited, problems)
    return [line.row for line in lines]


def _load(path: Path, cited: str) -> list[_Sheet]:
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError, ValueError) as error:
        # Only the error's type: calamine's messages may quote what the file holds.
        problem = _whole(
            "bukan buku kerja Excel (.xlsx) yang bisa dibaca. Simpan berkas dari Excel atau "
            "LibreOffice sebagai 'Excel Workbook (.xlsx)', lalu unggah lagi.",
            f"not a readable Excel workbook (.xlsx): {type(error).__name__}.",
        )
        raise RatFileError(cited, [problem], code="RAT_UNREADABLE") from error
    sheets = []
    with book:
        for meta in book.sheets_metadata:
            if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                continue
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows = sheet.to_python(skip_empty_area=False)
                merged = sheet.merged_cell_ranges or []
            except python_calamine.CalamineError as error:
                problem = RatProblem(
                    meta.name,
                    None,
                    None,
                    "lembar ini tidak bisa dibaca; simpan ulang berkas dari Excel lalu unggah "
                    "lagi.",
                    f"the sheet cannot be read: {type(error).__name__}.",
                )
                raise RatFileError(cited, [problem], code="RAT_UNREADABLE") from error
            sheets.append(_Sheet(meta.name, rows, _fill_merged(rows, merged)))
    return sheets


def _fill_merged(rows: list[list[Any]], merged: list[Any]) -> dict[int, str]:
    """Copy each merged cell's value down its first column; return the wide merges' texts.

    A value merged over several rows (an OPD over its lines) belongs to each of
    them; one merged across a row (a strategy heading) stays where it is.
    """
    banners: dict[int, str] = {}
    for (top, left), (bottom, right) in merged:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for row in range(top + 1, min(bottom, len(rows) - 1) + 1):
            if left < len(rows[row]):
                rows[row][left] = value
        text = _text(value)
        if right - left >= 3 and text:
            banners[top] = text
    return banners


# -- reading: cell values --------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A cell as trimmed text, None when empty; whole numbers without '.0'.

    Examples:
        >>> _text("  Dinas Sosial "), _text(1.0), _text(2.5), _text(""), _text(date(2025, 1, 2))
        ('Dinas Sosial', '1', '2.5', None, '2025-01-02')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _filled(cells: list[Any]) -> bool:
    return any(_text(value) is not None for value in cells)


_NIL = {"-", "–", "—", "rp", "rp-", "rp.-", "rp -"}
_ID_GROUPED = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_EN_GROUPED = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?|\d{1,3}(?:,\d{3})+\.\d+")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?")


def _money(value: Any) -> Decimal | None:
    """Rupiah from a number or text; None when empty or "-"; refuses a negative amount.

    Text follows Indonesian usage (dots group thousands, a comma starts the
    decimals); a number grouped the English way with two or more commas or with
    decimals also reads.

    Examples:
        >>> [_money(v) for v in ("Rp 1.234.567", "1.234.567,50", "Rp 500.000,-", 1500.0, "-")]
        [Decimal('1234567'), Decimal('1234567.50'), Decimal('500000'), Decimal('1500'), None]
    """
    if isinstance(value, bool):
        raise _Invalid("bukan angka rupiah.", "not a rupiah amount.")
    if isinstance(value, int | float):
        amount = _decimal(value)
    else:
        text = _text(value)
        if text is None or text.casefold() in _NIL:
            return None
        amount = _decimal_text(text)
    if amount < 0:
        raise _Invalid(
            f"angka negatif ({_shown(amount)}); tulis nilai 0 atau lebih.",
            f"negative amount ({amount}); write 0 or more.",
        )
    return amount


def _decimal(value: int | float) -> Decimal:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise _Invalid("bukan angka rupiah.", "not a rupiah amount.")
    if isinstance(value, int) or value.is_integer():
        return Decimal(int(value))
    return Decimal(repr(value))


def _decimal_text(text: str) -> Decimal:
    cleaned = re.sub(r"^rp\.?\s*", "", text.casefold().replace("\xa0", " "))
    cleaned = re.sub(r"[,.]-$", "", cleaned).replace(" ", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("-")
    if _ID_GROUPED.fullmatch(digits):
        number = digits.replace(".", "").replace(",", ".")
    elif _EN_GROUPED.fullmatch(digits):
        number = digits.replace(",", "")
    elif _PLAIN.fullmatch(digits):
        number = digits.replace(",", ".")
    else:
        raise _Invalid(
            f"'{text}' bukan angka rupiah; tulis angka saja, mis. 1.500.000 atau Rp 1.500.000,00.",
            f"'{text}' is not a rupiah amount; write a number such as 1.500.000.",
        )
    try:
        return sign * Decimal(number)
    except InvalidOperation as error:  # the patterns above only pass digits
        raise _Invalid(f"'{text}' bukan angka rupiah.", f"'{text}' is not a number.") from error


# A count written as text: Indonesian thousands dots ("1.500"), an optional decimal part
# after a comma ("1.500,00"), then a unit that starts with a letter ("keluarga", "KK").
_COUNT_TEXT = re.compile(
    r"(?P<number>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<fraction>\d+))?\s*(?P<unit>[^\W\d_].*)?"
)


def _count(value: Any) -> tuple[int | None, str | None]:
    """A whole count and the unit written after it, from a number or text ("1.000 keluarga").

    Indonesian usage: a dot groups thousands and a comma starts decimals, so "1.500" is
    fifteen hundred, "1.500,00" too, and "12,5" or "1,500" a fraction, which is refused
    (a number of beneficiaries is whole).

    Examples:
        >>> _count("1.000 keluarga"), _count(81.0), _count("-"), _count("1.500,00 KK")
        ((1000, 'keluarga'), (81, None), (None, None), (1500, 'KK'))
    """
    if isinstance(value, float) and value.is_integer() and value >= 0:
        return int(value), None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value, None
    text = _text(value)
    if text is None or text in _NIL:
        return None, None
    match = _COUNT_TEXT.fullmatch(text) if isinstance(value, str) else None
    if match is not None and (match.group("fraction") or "0").strip("0"):
        raise _Invalid(
            f"'{text}' bukan bilangan bulat: koma memulai desimal; jumlah penerima ditulis bulat, "
            "mis. 1.500 (titik pemisah ribuan) atau 1.500 keluarga.",
            f"'{text}' is not a whole number: a comma starts decimals in Indonesian; write a "
            "whole count such as 1.500 (dot for thousands).",
        )
    if match is None:
        raise _Invalid(
            f"'{text}' bukan bilangan bulat; tulis mis. 1.000 atau 1.000 keluarga.",
            f"'{text}' is not a whole number; write e.g. 1.000 or 1.000 keluarga.",
        )
    unit = match.group("unit")
    return int(match.group("number").replace(".", "")), unit.strip() if unit else None


def _plain_count(value: Any) -> int | None:
    number, unit = _count(value)
    if unit is not None:
        raise _Invalid(
            "tulis angkanya saja; satuan ada di kolom Satuan Sasaran (target_unit).",
            "write the number only; the unit has its own column (target_unit).",
        )
    return number


def _is_mark(value: Any) -> bool:
    """Whether an activity cell is marked: any value but empty, "-", "0" or FALSE."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    text = _text(value)
    return text is not None and text not in _NIL and text != "0"


def _shown(value: object) -> str:
    """A value as a message shows it: 1.500.000; kosong."""
    if value is None or value == "":
        return "kosong"
    if isinstance(value, Decimal):
        return id_number(int(value)) if value == value.to_integral_value() else str(value)
    if isinstance(value, int):
        return id_number(value)
    return f"'{value}'"


# -- reading: strategies ---------------------------------------------------------------------

_ROMAN_CODES = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
_ENUMERATOR = re.compile(r"(?:strategi\s+)?(?P<numeral>iv|i{1,3}|\d+|[a-h])\b\s*(?P<rest>.*)")


def _words(text: str) -> str:
    """Lower-case words without punctuation, a repeated word once ("kantong-kantong")."""
    words = re.sub(r"[^\w]+", " ", text.casefold()).split()
    return " ".join(w for i, w in enumerate(words) if i == 0 or w != words[i - 1])


def match_strategy(text: str) -> tuple[str, str | None] | None:
    """The (Inpres 8/2025, Perpres 15/2010) codes a strategy heading or cell names, or None.

    A name matches its taxonomy (a Perpres name also sets the closest Inpres
    strategy, `PERPRES_TO_INPRES`); then a key phrase; then the number alone
    ("II", "Strategi 2", "2") as an Inpres code.

    Examples:
        >>> match_strategy("I. PENGURANGAN BEBAN PENGELUARAN")
        ('1', None)
        >>> match_strategy("Strategi 3: Mengembangkan dan menjamin keberlanjutan usaha mikro")
        ('2', '3')
        >>> match_strategy("III"), match_strategy("Penurunan Kantong Kemiskinan")
        (('3', None), ('3', None))
        >>> match_strategy("Dinas Sosial") is None
        True
    """
    words = _words(text)
    enumerated = _ENUMERATOR.fullmatch(words)
    rest = re.sub(r"^strategi\b\s*", "", enumerated.group("rest") if enumerated else words)
    by_name = _by_name(rest) or _by_phrase(rest)
    if by_name is not None or enumerated is None:
        return by_name
    # A number alone, or a roman one or "Strategi n" before a name that matched nothing.
    numeral = enumerated.group("numeral")
    if rest and numeral not in _ROMAN_CODES and not words.startswith("strategi"):
        return None
    code = _ROMAN_CODES.get(numeral, numeral)
    return (code, None) if code in {s.code for s in strategies(INPRES)} else None


def _by_name(words: str) -> tuple[str, str | None] | None:
    if not words:
        return None
    for taxonomy in (PERPRES, INPRES):
        for strategy in strategies(taxonomy):
            name = _words(strategy.name_id)
            if words == name or words.startswith(name) or name.startswith(words + " "):
                if taxonomy == PERPRES:
                    return PERPRES_TO_INPRES[strategy.code], strategy.code
                return strategy.code, None
    return None


# Phrases that name one strategy whatever the wording around them.
_PHRASES = (
    ("kantong", ("3", None)),
    ("usaha mikro", ("2", "3")),
    ("sinergi", ("3", "4")),
    ("beban pengeluaran", ("1", None)),
    ("pendapatan", ("2", None)),
)


def _by_phrase(words: str) -> tuple[str, str | None] | None:
    padded = f" {words} "
    for phrase, codes in _PHRASES:
        if f" {phrase}" in padded:
            return codes
    return None


def _looks_like_heading(text: str) -> bool:
    """Whether a text that names no known strategy is still meant as a strategy heading."""
    words = _words(text)
    enumerated = _ENUMERATOR.fullmatch(words)
    return "strategi" in words.split() or (
        enumerated is not None and enumerated.group("numeral") in _ROMAN_CODES
    )


def _strategy_choices() -> str:
    return "; ".join(f"{s.code} {s.name_id}" for s in strategies(INPRES))


# -- reading: the Data Sinergi sheet ---------------------------------------------------------

_MACHINE = re.compile(r"\((?P<field>[a-z][a-z0-9_]*)\)\s*$")
_FIELD_KINDS = {field: kind for field, _, kind in _DATA_FIELDS}


@dataclass(frozen=True)
class _Line:
    """A line read, with where it was read from."""

    row: RatRow
    sheet: str
    number: int  # the row as a spreadsheet shows it
    columns: dict[str, str]  # RatRow field -> the header it was read under
    cells: dict[str, str]  # RatRow field -> the cell reference


def _data_columns(sheet: _Sheet) -> tuple[int, dict[str, int]] | None:
    """(header row index, field -> column) of a Data Sinergi header in the first rows."""
    for index, cells in enumerate(sheet.rows[:5]):
        found: dict[str, int] = {}
        for col, value in enumerate(cells):
            text = _text(value)
            match = _MACHINE.search(text) if text else None
            if match and match.group("field") in _FIELD_KINDS:
                found.setdefault(match.group("field"), col)
        if sum(field in found for field in _DATA_REQUIRED) >= 3:
            return index, found
    return None


def _is_data_sheet(sheet: _Sheet) -> bool:
    return sheet.name.casefold() == DATA_SHEET.casefold() or _data_columns(sheet) is not None


def _data_lines(sheet: _Sheet, problems: list[RatProblem]) -> list[_Line]:
    header = _data_columns(sheet)
    if header is None:
        wanted = ", ".join(f"'({field})'" for field in _DATA_REQUIRED)
        problems.append(
            RatProblem(
                sheet.name,
                None,
                None,
                f"baris judul tidak ditemukan: judul kolom harus memuat nama mesin dalam kurung, "
                f"sedikitnya {wanted}.",
                f"no header row found: headers must carry the machine names in brackets, at "
                f"least {wanted}.",
            )
        )
        return []
    header_index, columns = header
    labels = {
        field: _text(sheet.cell(header_index, col)) or field for field, col in columns.items()
    }
    for field in _DATA_REQUIRED:
        if field not in columns:
            label = next(label for f, label, _ in _DATA_FIELDS if f == field)
            problems.append(
                RatProblem(
                    sheet.name,
                    header_index + 1,
                    _data_header(field, label),
                    "kolom wajib ini tidak ada di baris judul.",
                    "this required column is missing from the header row.",
                )
            )
    if any(field not in columns for field in _DATA_REQUIRED):
        return []

    lines = []
    for index in range(header_index + 1, len(sheet.rows)):
        if not _filled(sheet.rows[index]):
            continue
        values: dict[str, Any] = {}
        wrong = False
        for field, kind in _FIELD_KINDS.items():
            col = columns.get(field)
            value = sheet.cell(index, col) if col is not None else ""
            try:
                values[field] = _READERS[kind](value)
            except _Invalid as invalid:
                wrong = True
                problems.append(
                    RatProblem(
                        sheet.name,
                        index + 1,
                        labels[field],
                        invalid.reason_id,
                        invalid.reason_en,
                        xl_rowcol_to_cell(index, col) if col is not None else None,
                    )
                )
        if not wrong:
            cells = {f: xl_rowcol_to_cell(index, c) for f, c in columns.items()}
            lines.append(_Line(RatRow(**values), sheet.name, index + 1, labels, cells))
    _check_keys(lines, problems)
    return lines


def _required(value: Any) -> str:
    text = _text(value)
    if text is None:
        raise _Invalid("kosong; kolom ini wajib diisi.", "empty; this column is required.")
    return text


def _budget(value: Any) -> Decimal:
    amount = _money(value)
    if amount is None:
        raise _Invalid(
            "kosong; isi alokasi anggaran dalam rupiah, mis. 1.500.000 (0 bila tidak ada).",
            "empty; write the budget in rupiah (0 when there is none).",
        )
    return amount


def _inpres(value: Any) -> str:
    code = _text(value)
    if code not in {s.code for s in strategies(INPRES)}:
        raise _Invalid(
            f"kode strategi Inpres 8/2025 {_shown(code)} tidak dikenal; pakai salah satu: "
            f"{_strategy_choices()}.",
            f"unknown Inpres 8/2025 strategy code {code!r}; use 1, 2 or 3.",
        )
    return code


def _perpres(value: Any) -> str | None:
    code = _text(value)
    if code is not None and code not in {s.code for s in strategies(PERPRES)}:
        choices = "; ".join(f"{s.code} {s.name_id}" for s in strategies(PERPRES))
        raise _Invalid(
            f"kode strategi Perpres 15/2010 '{code}' tidak dikenal; kosongkan atau pakai salah "
            f"satu: {choices}.",
            f"unknown Perpres 15/2010 strategy code {code!r}; leave empty or use 1 to 4.",
        )
    return code


def _activity(value: Any) -> str:
    text = _text(value)
    activity = re.sub(r"[\s_-]+", "_", text.casefold()) if text else None
    if activity not in ACTIVITY_TYPES:
        raise _Invalid(
            f"Aktivitas Real {_shown(text)} tidak dikenal; tulis langsung, tidak_langsung atau "
            "penunjang.",
            f"unknown activity type {text!r}; write langsung, tidak_langsung or penunjang.",
        )
    return activity


def _area(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return wilayah.normalise_code(text)
    except wilayah.WilayahError as error:
        raise _Invalid(str(error), error.english) from error


_READERS: dict[str, Callable[[Any], Any]] = {
    "text": lambda value: _text(value) or "",
    "optional": _text,
    "required": _required,
    "inpres": _inpres,
    "perpres": _perpres,
    "activity": _activity,
    "budget": _budget,
    "money": _money,
    "count": _plain_count,
    "area": _area,
}


def _check_keys(lines: list[_Line], problems: list[RatProblem]) -> None:
    seen: dict[str, int] = {}
    for line in lines:
        key = line.row.key
        if key is None:
            continue
        if key in seen:
            problems.append(
                RatProblem(
                    line.sheet,
                    line.number,
                    line.columns["key"],
                    f"kunci '{key}' sudah dipakai di baris {seen[key]}; setiap baris berkunci "
                    "sendiri (kosongkan untuk baris baru).",
                    f"key {key!r} is already used in row {seen[key]}; leave it empty for a new "
                    "line.",
                    line.cells.get("key"),
                )
            )
        else:
            seen[key] = line.number


# -- reading: the 21-column matrix -----------------------------------------------------------


def _label(text: str) -> str:
    """A header reduced for matching: lower case, no "(Rp)", punctuation or extra spaces.

    Examples:
        >>> _label("Alokasi\\nAnggaran (Rp)"), _label("Sem. I"), _label("Sub-Kegiatan")
        ('alokasi anggaran', 'sem i', 'sub kegiatan')
    """
    reduced = re.sub(r"\(\s*rp\.?\s*\)|\brp\b\.?", " ", text.casefold())
    return " ".join(re.sub(r"[^\w]+", " ", reduced).split())


# Header patterns (matched whole against `_label`), tried in order: the first that
# fits names the column. Sub-headers sit under a merged group header, or carry it.
_SUB_HEADERS = (
    ("langsung", r"(aktivitas (real )?)?langsung"),
    ("tidak_langsung", r"(aktivitas (real )?)?tidak langsung"),
    ("penunjang", r"(aktivitas (real )?)?penunjang"),
    ("s1", r"(realisasi )?(sem|semester|smt|s) ?(1|i)( .*)?"),
    ("s2", r"(realisasi )?(sem|semester|smt|s) ?(2|ii)( .*)?"),
)
_TOTAL_UNDER_GROUP = ("total", r"(realisasi )?(total|jumlah)( realisasi)?")
_TOTAL_ALONE = ("total", r"realisasi (total|jumlah)( .*)?|(total|jumlah) realisasi( .*)?")
_MAIN_HEADERS = (
    ("no", r"no|nomor|no urut|nomor urut"),
    ("strategy", r"strategi( .*)?"),
    ("opd", r"(nama )?(perangkat daerah|opd|skpd)( .*)?"),
    ("code", r"kode( .*)?"),
    ("program", r"(nama )?program"),
    ("kegiatan", r"(nama )?kegiatan"),
    ("sub_kegiatan", r"(nama )?sub ?kegiatan"),
    ("activity", r"(jenis )?aktivitas( .*)?"),
    ("funding_source", r"sumber( .*)?"),
    ("budget", r"((alokasi|pagu|jumlah|nilai) )?anggaran( .*)?|alokasi( .*)?|pagu( .*)?"),
    ("assistance_nature", r"sifat( .*)?"),
    ("location", r"lokasi( .*)?"),
    ("target", r"(jumlah )?(sasaran|target|penerima)( .*)?"),
    ("benefit", r"besaran( .*)?|(nilai|besar) (manfaat|bantuan)( .*)?"),
    ("assistance_type", r"jenis( .*)?"),
    ("duration", r"durasi( .*)?|jangka waktu( .*)?|lama( .*)?|waktu pemberian( .*)?"),
    ("realisation", r"realisasi( .*)?"),
)
_MAIN_PATTERNS = [(k, re.compile(p)) for k, p in (*_SUB_HEADERS, _TOTAL_ALONE, *_MAIN_HEADERS)]
_SUB_PATTERNS = [(k, re.compile(p)) for k, p in (*_SUB_HEADERS, _TOTAL_UNDER_GROUP)]
_GROUP_HEADER = re.compile(r"(jenis )?aktivitas( .*)?|realisasi( .*)?")
_REQUIRED_COLUMNS = ("opd", "program", "kegiatan", "sub_kegiatan", "budget", *_MARKS)
_GROUP_FIELDS = ("opd", "code", "program", "kegiatan")  # what a group row of a hierarchy sets
_LEVELS = ("opd", "program", "kegiatan")
_TOTAL_ROW = re.compile(r"(sub ?)?(jumlah|total|subtotal|grand total)( .*)?")
_MIN_HEADERS = 6


@dataclass(frozen=True)
class _Header:
    row: int  # index of the (first) header row
    first_line: int  # index of the first row below the headers
    columns: dict[str, int]  # layout key -> column
    labels: dict[str, str]  # layout key -> the header as the file writes it


def _header_keys(cells: list[Any], patterns: list[tuple[str, re.Pattern[str]]]) -> dict[str, int]:
    """Layout key -> column of the cells of a row that read as headers (first one wins)."""
    found: dict[str, int] = {}
    for col, value in enumerate(cells):
        text = _text(value) if isinstance(value, str) else None
        if text is None:
            continue
        label = _label(text)
        key = next((key for key, pattern in patterns if pattern.fullmatch(label)), None)
        if key is not None:
            found.setdefault(key, col)
    return found


def _find_header(sheet: _Sheet) -> _Header | None:
    for index in range(min(HEADER_SEARCH_ROWS, len(sheet.rows))):
        main = _header_keys(sheet.rows[index], _MAIN_PATTERNS)
        if len(main) < _MIN_HEADERS:
            continue
        labels = {key: _text(sheet.cell(index, col)) or key for key, col in main.items()}
        columns = {k: c for k, c in main.items() if k not in ("activity", "realisation")}
        below = {}
        if index + 1 < len(sheet.rows):
            # A header merged down over both rows repeats below it: only the others count.
            found = _header_keys(sheet.rows[index + 1], _SUB_PATTERNS)
            below = {key: col for key, col in found.items() if col not in columns.values()}
        has_sub_row = any(key in below for key, _ in _SUB_HEADERS)
        if has_sub_row:
            for key, col in below.items():
                if key not in columns:
                    columns[key] = col
                    labels[key] = _sub_label(sheet, index, col)
        return _Header(index, index + (2 if has_sub_row else 1), columns, labels)
    return None


def _sub_label(sheet: _Sheet, header_row: int, col: int) -> str:
    """A sub-header with its merged group header: "Aktivitas Real Langsung"."""
    sub = _text(sheet.cell(header_row + 1, col)) or ""
    for left in range(col, -1, -1):
        group = _text(sheet.cell(header_row, left))
        if group is not None:
            if _GROUP_HEADER.fullmatch(_label(group)):
                return f"{group} {sub}"
            break
    return sub


@dataclass
class _Context:
    """What the rows above a line say about it: its strategy heading and group rows."""

    strategy: tuple[str, str | None] | None = None
    unknown_heading: tuple[str, int] | None = None  # a heading naming no strategy, its row
    groups: dict[str, str] | None = None
    code_depth: int = 0  # the level (index in _LEVELS) of the group row the code came from

    def heading(self, codes: tuple[str, str | None] | None, text: str, number: int) -> None:
        self.strategy = codes
        self.unknown_heading = None if codes else (text, number)
        self.groups = None


def _matrix_lines(sheet: _Sheet, header: _Header, problems: list[RatProblem]) -> list[_Line]:
    missing = [key for key in _REQUIRED_COLUMNS if key not in header.columns]
    for key in missing:
        problems.append(
            RatProblem(
                sheet.name,
                header.row + 1,
                _canonical(key),
                "kolom wajib ini tidak ditemukan di baris judul (atau di bawahnya untuk "
                "'Aktivitas Real' dan 'Realisasi').",
                "this required column is missing from the header rows.",
            )
        )
    if missing:
        return []
    context = _Context()
    lines = []
    for index in range(header.first_line, len(sheet.rows)):
        kind = _row_kind(sheet, header, index)
        if kind == "line":
            line = _matrix_line(sheet, header, index, context, problems)
            if line is not None:
                lines.append(line)
        elif kind == "heading":
            text = _heading_text(sheet, header, index)
            context.heading(match_strategy(text), text, index + 1)
        elif kind == "group":
            _group_row(sheet, header, index, context)
    return lines


def _row_kind(sheet: _Sheet, header: _Header, index: int) -> str:
    """What a row below the headers is: line, heading, group or skip.

    Examples of skip: empty, the column numbers, a repeated header, a subtotal,
    a signature below the table.
    """
    cells = sheet.rows[index]
    if (
        not _filled(cells)
        or _is_column_numbers(cells)
        or len(_header_keys(cells, _MAIN_PATTERNS)) >= _MIN_HEADERS
    ):
        return "skip"

    def has(key: str) -> bool:
        return key in header.columns and _text(sheet.cell(index, header.columns[key])) is not None

    numbered = _is_number(sheet.cell(index, header.columns["no"])) if has("no") else False
    marked = any(_is_mark(sheet.cell(index, header.columns[key])) for key in _MARKS)
    leftmost = next((t for value in cells if (t := _text(value)) is not None), "")
    if not numbered and not marked and _TOTAL_ROW.fullmatch(_label(leftmost)):
        return "skip"
    numbering = {header.columns.get("no"), header.columns.get("strategy")}
    described = any(
        _text(value) is not None for col, value in enumerate(cells) if col not in numbering
    )
    if has("sub_kegiatan") or marked or (numbered and described):
        return "line"
    banner = sheet.banners.get(index)
    if banner is not None and match_strategy(banner) is not None:
        return "heading"
    if any(has(key) for key in _GROUP_FIELDS):
        return "group"
    text = _heading_text(sheet, header, index)
    if text and (match_strategy(text) is not None or has("strategy") or _looks_like_heading(text)):
        return "heading"
    return "skip"


def _is_column_numbers(cells: list[Any]) -> bool:
    """Whether a row is the column numbers 1, 2, 3, ... ("(1)" counts too)."""
    numbers = [text.strip("()") for value in cells if (text := _text(value)) is not None]
    return len(numbers) >= 5 and numbers == [str(n) for n in range(1, len(numbers) + 1)]


def _is_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    text = _text(value)
    return text is not None and re.fullmatch(r"\d+[.)]?", text) is not None


def _heading_text(sheet: _Sheet, header: _Header, index: int) -> str:
    """The text of a heading row: its banner, or its No and Strategi cells (else the first text)."""
    banner = sheet.banners.get(index)
    if banner is not None:
        return banner
    parts = [
        text
        for key in ("no", "strategy")
        if key in header.columns and (text := _text(sheet.cell(index, header.columns[key])))
    ]
    if not parts or (len(parts) == 1 and _ENUMERATOR.fullmatch(_words(parts[0]))):
        rest = [t for value in sheet.rows[index] if (t := _text(value)) is not None]
        parts = rest[:2] if rest else parts
    return " ".join(dict.fromkeys(parts))


def _group_row(sheet: _Sheet, header: _Header, index: int, context: _Context) -> None:
    """A row of a hierarchical matrix holding only an OPD, program or kegiatan (and its code).

    It sets those for the lines below and clears what lies deeper: a new OPD
    clears the program and kegiatan, and a new program the code of the old one.
    """
    found = {
        key: text
        for key in _GROUP_FIELDS
        if key in header.columns and (text := _text(sheet.cell(index, header.columns[key])))
    }
    groups = dict(context.groups or {})
    depths = [depth for depth, key in enumerate(_LEVELS) if key in found]
    if depths:
        for key in _LEVELS[min(depths) :]:
            groups.pop(key, None)
        if "code" in found:
            context.code_depth = min(depths)
        elif min(depths) <= context.code_depth:
            groups.pop("code", None)
    groups.update(found)
    if "strategy" in header.columns:
        own = _text(sheet.cell(index, header.columns["strategy"]))
        if own is not None and (codes := match_strategy(own)) is not None:
            context.strategy, context.unknown_heading = codes, None
    context.groups = groups


def _matrix_line(
    sheet: _Sheet,
    header: _Header,
    index: int,
    context: _Context,
    problems: list[RatProblem],
) -> _Line | None:
    found: list[RatProblem] = []

    def problem(key: str, reason_id: str, reason_en: str) -> None:
        col = header.columns.get(key)
        column = header.labels.get(key, _canonical(key)) if key in _AT else key
        cell = xl_rowcol_to_cell(index, col) if col is not None else None
        found.append(RatProblem(sheet.name, index + 1, column, reason_id, reason_en, cell))

    def cell(key: str) -> Any:
        return sheet.cell(index, header.columns[key]) if key in header.columns else ""

    def read(key: str, reader: Callable[[Any], Any]) -> Any:
        try:
            return reader(cell(key))
        except _Invalid as invalid:
            problem(key, invalid.reason_id, invalid.reason_en)
            return None

    groups = context.groups or {}
    texts = {key: _text(cell(key)) or groups.get(key) for key in (*_GROUP_FIELDS, "sub_kegiatan")}
    for key, name in (("opd", "Perangkat Daerah"), ("program", "Program")):
        if texts[key] is None:
            problem(key, f"{name} kosong; kolom ini wajib diisi.", f"{name} is empty.")
    strategy = _line_strategy(cell("strategy"), context, lambda i, e: problem("strategy", i, e))
    marked = [a for key, a in zip(_MARKS, ACTIVITY_TYPES, strict=True) if _is_mark(cell(key))]
    if len(marked) != 1:
        wanted = "tidak ada tanda" if not marked else f"ada {len(marked)} tanda"
        found.append(
            RatProblem(
                sheet.name,
                index + 1,
                header.labels.get("activity", "Aktivitas Real"),
                f"{wanted}; beri tepat satu tanda (mis. ✓) di Langsung, Tidak Langsung atau "
                "Penunjang.",
                f"{len(marked)} activity marks; mark exactly one of Langsung, Tidak Langsung, "
                "Penunjang.",
                xl_rowcol_to_cell(index, header.columns["langsung"]),
            )
        )
    budget = read("budget", _budget)
    s1 = read("s1", _money)
    s2 = read("s2", _money)
    total = read("total", _money)
    if total and s1 is None and s2 is None and "s1" in header.columns:
        problem(
            "s1",
            "realisasi hanya diisi totalnya; isi per semester (Sem.1 Januari–Juni, Sem.2 "
            "Juli–Desember).",
            "only the realisation total is filled; fill it per semester.",
        )
    elif total and (s1 is not None or s2 is not None) and total != (s1 or 0) + (s2 or 0):
        problem(
            "total",
            f"Total {_shown(total)} tidak sama dengan Sem.1 + Sem.2 "
            f"({_shown((s1 or Decimal(0)) + (s2 or Decimal(0)))}).",
            f"the total {total} is not Sem.1 + Sem.2.",
        )
    target = read("target", _count) or (None, None)
    benefit = read("benefit", _money)
    problems += found
    if found or strategy is None:
        return None
    row = RatRow(
        opd=texts["opd"] or "",
        code=texts["code"] or "",
        program=texts["program"] or "",
        kegiatan=texts["kegiatan"] or "",
        sub_kegiatan=texts["sub_kegiatan"] or "",
        strategy_inpres=strategy[0],
        strategy_perpres=strategy[1],
        activity_type=marked[0],
        budget=budget,
        funding_source=_text(cell("funding_source")) or "",
        assistance_nature=_text(cell("assistance_nature")),
        location=_text(cell("location")) or "",
        target_beneficiaries=target[0],
        target_unit=target[1],
        benefit_amount=benefit,
        assistance_type=_text(cell("assistance_type")),
        duration=_text(cell("duration")),
        realised_budget_s1=s1,
        realised_budget_s2=s2,
    )
    columns = {field: header.labels.get(key, _canonical(key)) for field, key in _SHARED.items()}
    cells = {
        field: xl_rowcol_to_cell(index, header.columns[key])
        for field, key in _SHARED.items()
        if key in header.columns
    }
    return _Line(row, sheet.name, index + 1, columns, cells)


def _line_strategy(
    value: Any, context: _Context, problem: Callable[[str, str], None]
) -> tuple[str, str | None] | None:
    """A line's strategy: its own Strategi cell, else the heading above it."""
    own = _text(value)
    if own is not None:
        codes = match_strategy(own)
        if codes is None:
            problem(
                f"strategi '{own}' tidak dikenal; pakai salah satu: {_strategy_choices()}.",
                f"unknown strategy {own!r}.",
            )
        return codes
    if context.strategy is not None:
        return context.strategy
    if context.unknown_heading is not None:
        text, number = context.unknown_heading
        problem(
            f"judul strategi '{text}' (baris {number}) tidak dikenal; tulis salah satu: "
            f"{_strategy_choices()}.",
            f"the strategy heading {text!r} (row {number}) names no known strategy.",
        )
    else:
        problem(
            "baris ini tanpa strategi: isi kolom Strategi, atau beri judul strategi (mis. "
            "'I. Pengurangan beban pengeluaran') di atas baris ini.",
            "the line has no strategy: fill the Strategi column or put a strategy heading above.",
        )
    return None


# RatRow fields the matrix shows -> its layout column; the rest live in Data Sinergi only.
_SHARED = {
    "opd": "opd",
    "code": "code",
    "program": "program",
    "kegiatan": "kegiatan",
    "sub_kegiatan": "sub_kegiatan",
    "strategy_inpres": "strategy",
    "activity_type": "langsung",
    "budget": "budget",
    "funding_source": "funding_source",
    "assistance_nature": "assistance_nature",
    "location": "location",
    "target_beneficiaries": "target",
    "benefit_amount": "benefit",
    "assistance_type": "assistance_type",
    "duration": "duration",
    "realised_budget_s1": "s1",
    "realised_budget_s2": "s2",
}


def _check_duplicates(lines: list[_Line], problems: list[RatProblem]) -> None:
    """A line repeated exactly (a recap sheet beside the OPD sheets?) is refused."""
    seen: dict[RatRow, _Line] = {}
    for line in lines:
        first = seen.setdefault(line.row, line)
        if first is not line:
            problems.append(
                RatProblem(
                    line.sheet,
                    line.number,
                    None,
                    f"baris ini sama persis dengan lembar '{first.sheet}' baris {first.number}; "
                    "hapus salah satu (lembar rekap yang mengulang lembar OPD?).",
                    f"this line repeats sheet {first.sheet!r} row {first.number} exactly.",
                )
            )


def _differences(
    data_sheet: str, data: list[_Line], matrix: list[_Line], unread: list[RatProblem]
) -> list[RatProblem]:
    """Where the matrix no longer says what the Data Sinergi sheet says (one was edited).

    ``unread`` are the problems that kept matrix lines from being read at all.
    """
    advice_id = (
        f"Sinergi membaca lembar '{data_sheet}': bila Anda mengubah lembar ini, salin ubahan ke "
        f"'{data_sheet}'; bila Anda mengubah '{data_sheet}', hapus lembar ini."
    )
    advice_en = f"Sinergi reads {data_sheet!r}; copy your edits there, or delete this sheet."
    if unread:
        sheets = dict.fromkeys(p.sheet for p in unread if p.sheet is not None)
        return unread + [RatProblem(s, None, None, advice_id, advice_en) for s in sheets]
    if len(data) != len(matrix):
        sheet = matrix[0].sheet if matrix else None
        return [
            RatProblem(
                sheet,
                None,
                None,
                f"memuat {len(matrix)} baris kegiatan, lembar '{data_sheet}' {len(data)}. "
                f"{advice_id}",
                f"has {len(matrix)} lines, {data_sheet!r} has {len(data)}. {advice_en}",
            )
        ]
    found = []
    for ours, theirs in zip(data, matrix, strict=True):
        for field in _SHARED:
            want, got = getattr(ours.row, field), getattr(theirs.row, field)
            if _same(want, got):
                continue
            found.append(
                RatProblem(
                    theirs.sheet,
                    theirs.number,
                    theirs.columns[field],
                    f"berisi {_shown(got)}, lembar '{data_sheet}' baris {ours.number} "
                    f"{_shown(want)}. {advice_id}",
                    f"holds {got!r}, {data_sheet!r} row {ours.number} holds {want!r}. {advice_en}",
                    theirs.cells.get(field),
                )
            )
    return found


def _same(a: object, b: object) -> bool:
    # An amount longer than 15 digits is text in Data Sinergi and a rounded number in the matrix.
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return math.isclose(a, b, rel_tol=1e-15)
    return a == b
