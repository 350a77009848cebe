"""Load and check the versioned reference data: poverty lines, rates, strategies, targets, programs.

Every figure that changes with a year, a regulation or a publication lives in a CSV file
under ``sinergi/data/reference/`` with its source and an evidence grade, never as a constant
in code (see that folder's ``README.md`` and ``docs/calibration.md``):

=====================  ==============================================================
file                   what one row is
=====================  ==============================================================
poverty_lines.csv      one poverty line: name, basis, area, urban/rural/total, value
regency_poverty.csv    published P0 / extreme-poverty rate of one area in one period
strategies.csv         one strategy of a taxonomy (Perpres 15/2010, Inpres 8/2025)
targets.csv            one target bound (indicator, area, year, comparator, value)
programs.csv           one national program (or PKH component) with benefit and desil
opd_programs.csv       one line of an OPD action-plan matrix (an example kabupaten)
=====================  ==============================================================

Files are read once through :mod:`importlib.resources` and cached. Every row is checked on
load; all problems of a file are collected and raised together as one
:class:`ReferenceDataError` that names the file, the row (as a person counts in a
spreadsheet: the header is row 1) and the column, in Bahasa Indonesia and English. A file
supplied by a user in the same layout is checked the same way with :func:`load_csv_records`.

Number types: money and poverty lines are :class:`~decimal.Decimal` (rupiah amounts are
summed into budgets and ``Rp11.941,12 x 30`` must give exactly ``Rp358.233,6``); rates in
percent are ``float`` (they are statistics, never summed as money). Periods are strings:
``"2024-03"`` for a month (a SUSENAS round), ``"2024"`` for a year.

Area codes are Kemendagri codes with dots (``52`` province, ``52.05`` regency); ``00`` stands
for Indonesia as a whole.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

from sinergi.errors import DomainError

__all__ = [
    "AREA_TYPES",
    "DAYS_PER_MONTH",
    "KNOWN_BASES",
    "KNOWN_UNITS",
    "NATIONAL_CODE",
    "REFERENCE_KINDS",
    "MixedBasisError",
    "OpdProgram",
    "PovertyLine",
    "Program",
    "ReferenceDataError",
    "ReferenceProblem",
    "RegencyPoverty",
    "Strategy",
    "Target",
    "area_fallback_chain",
    "assert_same_basis",
    "clear_reference_cache",
    "load_csv_records",
    "monthly_from_daily",
    "opd_programs",
    "poverty_line",
    "poverty_lines",
    "program",
    "programs",
    "regency_poverty",
    "regency_poverty_defaults",
    "strategies",
    "targets",
]

NATIONAL_CODE = "00"
"""Area code used in the reference files for Indonesia as a whole (Kemendagri has none)."""

DAYS_PER_MONTH = 30
"""Days per month used to turn a daily poverty line into a monthly one (BPS convention)."""

KNOWN_BASES = frozenset({"BPS_GK", "USD_1.90_PPP2011", "USD_2.15_PPP2017", "USD_3.00_PPP2021"})
"""Poverty-line bases: BPS basic-needs line (GK), and the World Bank lines by PPP round."""

KNOWN_UNITS = frozenset({"IDR_per_capita_per_month"})
"""Units a poverty line may be stored in; daily lines are converted (x 30) before storing."""

AREA_TYPES = frozenset({"urban", "rural", "total"})
"""BPS computes every line separately for urban (perkotaan) and rural (perdesaan) areas."""

GRADES = frozenset({"P", "S", "U"})
TARGET_GRADES = GRADES | {"example"}
TAXONOMIES = frozenset({"perpres_15_2010", "inpres_8_2025"})
COMPARATORS = frozenset({"lt", "le", "eq", "ge", "gt"})
TARGET_UNITS = frozenset({"percent", "persons"})
PROGRAM_UNITS = frozenset({"keluarga", "individu", "rumah"})
BENEFIT_UNITS = frozenset(
    {
        "IDR_per_component_per_year",
        "IDR_per_month",
        "IDR_per_person_per_month",
        "IDR_per_year",
        "IDR_per_house",
        "kg_rice_per_month",
    }
)
FREQUENCIES = frozenset({"monthly", "quarterly", "yearly", "once"})
ACTIVITY_TYPES = frozenset({"langsung", "tidak_langsung", "penunjang"})
FUNDING_SOURCES = frozenset({"APBD", "APBN", "DAK", "Dana Desa", "CSR"})

_AREA_CODE = re.compile(r"^(00|\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?)$")
_PERIOD = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_MONTH_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_INTEGER = re.compile(r"^-?\d+$")
_GRADE_ORDER = {"P": 0, "S": 1, "U": 2, "example": 3}


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class ReferenceProblem:
    """One problem found in a reference file: where it is and what is wrong.

    ``row`` counts as a person does in a spreadsheet: the header is row 1, the first
    data row is row 2.
    """

    file: str
    row: int
    column: str
    code: str
    pesan: str
    english: str


class ReferenceDataError(DomainError):
    """A reference file (shipped or supplied by a user) breaks its layout or vocabulary.

    ``problems`` lists every problem found in the file; the message shows the first few.
    """

    def __init__(
        self,
        pesan: str,
        *,
        english: str,
        code: str,
        problems: Iterable[ReferenceProblem] = (),
    ) -> None:
        super().__init__(pesan, english=english, code=code)
        self.problems = tuple(problems)

    @classmethod
    def from_problems(cls, problems: list[ReferenceProblem]) -> ReferenceDataError:
        """Build one error from all problems of a file, naming the first five."""
        shown = problems[:5]
        rest = len(problems) - len(shown)
        pesan = " ".join(p.pesan for p in shown)
        english = " ".join(p.english for p in shown)
        if rest:
            pesan += f" (dan {rest} masalah lain)"
            english += f" (and {rest} more problems)"
        return cls(pesan, english=english, code=problems[0].code, problems=problems)


class MixedBasisError(DomainError):
    """Poverty lines (or rates) of different bases were put into one figure or comparison."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PovertyLine:
    """One poverty line: a rupiah value per person per month, on one basis, area and period.

    Args:
        line_id: stable identifier, e.g. ``gk_52.05_2024-03_total``.
        name: name for people, in Bahasa Indonesia.
        basis: one of :data:`KNOWN_BASES`; lines of different bases are never compared.
        area_code: Kemendagri code, or ``00`` for Indonesia.
        area_type: ``urban``, ``rural`` or ``total``.
        value: rupiah, exact (:class:`~decimal.Decimal`).
        unit: one of :data:`KNOWN_UNITS`.
        period: ``YYYY-MM`` or ``YYYY``.
        source: publisher, title, date and URL where known.
        grade: ``P`` primary seen, ``S`` secondary, ``U`` unverified.
        note: how the value was converted, conflicts with other rows.

    Examples:
        >>> line = poverty_line("ext_usd190_00_2021-03")
        >>> line.value, line.per_day
        (Decimal('358233.6'), Decimal('11941.12'))
    """

    line_id: str
    name: str
    basis: str
    area_code: str
    area_type: str
    value: Decimal
    unit: str
    period: str
    source: str
    grade: str
    note: str | None = None

    @property
    def per_day(self) -> Decimal:
        """The line per person per day (monthly value / :data:`DAYS_PER_MONTH`)."""
        return self.value / DAYS_PER_MONTH


@dataclass(frozen=True)
class RegencyPoverty:
    """Published poverty rates of one area (regency, province or Indonesia) in one period.

    A row may carry P0, the extreme-poverty rate, or both. As read from the file,
    ``extreme_area_code`` and ``extreme_period`` equal ``area_code`` and ``period``; a record
    returned by :func:`regency_poverty_defaults` may take its extreme rate from another row,
    and these two fields then say which.
    """

    area_code: str
    period: str
    p0_percent: float | None
    extreme_percent: float | None
    extreme_basis: str | None
    poor_persons: int | None
    source: str
    grade: str
    note: str | None = None
    extreme_area_code: str | None = None
    extreme_period: str | None = None


@dataclass(frozen=True)
class Strategy:
    """One strategy of a poverty-reduction taxonomy, used to tag OPD activities.

    Examples:
        >>> [s.name_id for s in strategies("inpres_8_2025")][0]
        'Pengurangan beban pengeluaran'
    """

    taxonomy: str
    code: str
    name_id: str
    name_en: str
    source: str
    grade: str


@dataclass(frozen=True)
class Target:
    """One bound of a target: ``indicator`` of ``area_code`` in ``year`` compared with ``value``.

    A range such as "P0 6.5-7.5% in 2024" is stored as two rows, ``ge 6.5`` and ``le 7.5``;
    "below 5%" is ``lt 5``; "0% extreme poverty" is ``le 0``.

    Examples:
        >>> t = Target("p0_percent", "00", 2029, "lt", 5.0, "percent", None, None, "x", "S")
        >>> t.met_by(4.9), t.met_by(5.0)
        (True, False)
    """

    indicator: str
    area_code: str
    year: int
    comparator: str
    value: float
    unit: str
    baseline_value: float | None
    baseline_year: int | None
    source: str
    grade: str
    note: str | None = None

    def met_by(self, actual: float) -> bool:
        """Whether an observed value satisfies this bound."""
        checks: dict[str, Callable[[float, float], bool]] = {
            "lt": lambda a, v: a < v,
            "le": lambda a, v: a <= v,
            "eq": lambda a, v: a == v,
            "ge": lambda a, v: a >= v,
            "gt": lambda a, v: a > v,
        }
        return checks[self.comparator](actual, self.value)


@dataclass(frozen=True)
class Program:
    """One national program (a PKH component is its own row) with benefit and desil cut-off.

    ``desil_max`` is the cut-off in use (DTSEN desil 1..desil_max); ``desil_max_alt`` is a
    conflicting cut-off seen in other sources, kept so a rule can be run both ways.
    """

    program_id: str
    program_group: str
    name_id: str
    owner: str
    opd: str
    unit: str
    benefit_amount: Decimal
    benefit_unit: str
    frequency: str
    desil_max: int | None
    desil_max_alt: int | None
    eligibility_note: str | None
    year: int
    source: str
    grade: str


@dataclass(frozen=True)
class OpdProgram:
    """One line of an OPD's annual action-plan (RAT) matrix, tagged with both taxonomies."""

    year: int
    opd: str
    program_code: str
    program: str
    kegiatan: str
    sub_kegiatan: str
    strategy_perpres_15_2010: str
    strategy_inpres_8_2025: str
    activity_type: str
    budget_idr: Decimal
    funding_source: str
    assistance_nature: str | None
    assistance_type: str | None
    benefit_amount: Decimal | None
    duration: str | None
    location: str
    target_beneficiaries: int | None
    target_unit: str | None
    eligibility_rule: str | None
    source: str


# --------------------------------------------------------------------------- row checks


class _Row:
    """The cells of one data row, with typed getters that record problems instead of raising."""

    def __init__(
        self, file: str, number: int, values: dict[str, str], problems: list[ReferenceProblem]
    ) -> None:
        self.file = file
        self.row_number = number
        self.values = values
        self.problems = problems

    def add(self, column: str, code: str, pesan: str, english: str) -> None:
        self.problems.append(
            ReferenceProblem(
                file=self.file,
                row=self.row_number,
                column=column,
                code=code,
                pesan=f"{self.file} baris {self.row_number}, kolom '{column}': {pesan}.",
                english=f"{self.file} row {self.row_number}, column '{column}': {english}.",
            )
        )

    def optional_text(self, column: str) -> str | None:
        value = self.values.get(column, "").strip()
        return value or None

    def text(self, column: str) -> str:
        value = self.optional_text(column)
        if value is None:
            self.add(
                column,
                "REF_MISSING_FIELD",
                "wajib diisi tetapi kosong; isi nilainya",
                "is required but empty; fill it in",
            )
            return ""
        return value

    def _check_choice(self, column: str, value: str, allowed: frozenset[str]) -> str:
        if value not in allowed:
            choices = ", ".join(sorted(allowed))
            self.add(
                column,
                "REF_UNKNOWN_VALUE",
                f"'{value}' tidak dikenal; pilihan yang sah: {choices}",
                f"'{value}' is not known; valid choices: {choices}",
            )
        return value

    def choice(self, column: str, allowed: frozenset[str]) -> str:
        value = self.text(column)
        return self._check_choice(column, value, allowed) if value else value

    def optional_choice(self, column: str, allowed: frozenset[str]) -> str | None:
        value = self.optional_text(column)
        return None if value is None else self._check_choice(column, value, allowed)

    def _parse_decimal(self, column: str, value: str) -> Decimal:
        if not _NUMBER.match(value):
            self.add(
                column,
                "REF_NOT_A_NUMBER",
                f"'{value}' bukan angka; tulis tanpa pemisah ribuan dan pakai titik untuk "
                "desimal, misalnya 358233.6",
                f"'{value}' is not a number; write it without thousands separators and with "
                "a dot for decimals, e.g. 358233.6",
            )
            return Decimal(0)
        try:
            return Decimal(value)
        except InvalidOperation:  # pragma: no cover - the pattern above rules this out
            return Decimal(0)

    def optional_decimal(self, column: str) -> Decimal | None:
        value = self.optional_text(column)
        return None if value is None else self._parse_decimal(column, value)

    def decimal(self, column: str) -> Decimal:
        value = self.text(column)
        return self._parse_decimal(column, value) if value else Decimal(0)

    def optional_percent(self, column: str) -> float | None:
        value = self.optional_decimal(column)
        if value is None:
            return None
        if not Decimal(0) <= value <= Decimal(100):
            self.add(
                column,
                "REF_OUT_OF_RANGE",
                f"{value} di luar 0-100 persen",
                f"{value} is outside 0-100 percent",
            )
        return float(value)

    def number(self, column: str) -> float:
        return float(self.decimal(column))

    def optional_number(self, column: str) -> float | None:
        value = self.optional_decimal(column)
        return None if value is None else float(value)

    def _parse_integer(self, column: str, value: str) -> int:
        if not _INTEGER.match(value):
            self.add(
                column,
                "REF_NOT_AN_INTEGER",
                f"'{value}' bukan bilangan bulat; tulis tanpa titik atau koma",
                f"'{value}' is not a whole number; write it without dots or commas",
            )
            return 0
        return int(value)

    def integer(self, column: str) -> int:
        value = self.text(column)
        return self._parse_integer(column, value) if value else 0

    def optional_integer(self, column: str) -> int | None:
        value = self.optional_text(column)
        return None if value is None else self._parse_integer(column, value)

    def optional_desil(self, column: str) -> int | None:
        value = self.optional_integer(column)
        if value is not None and not 1 <= value <= 10:
            self.add(
                column,
                "REF_OUT_OF_RANGE",
                f"desil {value} di luar 1-10",
                f"desil {value} is outside 1-10",
            )
        return value

    def period(self, column: str, *, month_required: bool = False) -> str:
        value = self.text(column)
        pattern = _MONTH_PERIOD if month_required else _PERIOD
        if value and not pattern.match(value):
            form = "YYYY-MM" if month_required else "YYYY-MM atau YYYY"
            form_en = "YYYY-MM" if month_required else "YYYY-MM or YYYY"
            self.add(
                column,
                "REF_BAD_PERIOD",
                f"'{value}' bukan periode berbentuk {form}, misalnya 2024-03",
                f"'{value}' is not a period of the form {form_en}, e.g. 2024-03",
            )
        return value

    def area_code(self, column: str) -> str:
        value = self.text(column)
        if value and not _AREA_CODE.match(value):
            self.add(
                column,
                "REF_BAD_AREA_CODE",
                f"'{value}' bukan kode wilayah Kemendagri bertitik (52, 52.05, ...) atau 00",
                f"'{value}' is not a dotted Kemendagri area code (52, 52.05, ...) or 00",
            )
        return value


# --------------------------------------------------------------------------- row parsers


def _parse_poverty_line(row: _Row) -> PovertyLine:
    return PovertyLine(
        line_id=row.text("line_id"),
        name=row.text("name"),
        basis=row.choice("basis", KNOWN_BASES),
        area_code=row.area_code("area_code"),
        area_type=row.choice("area_type", AREA_TYPES),
        value=row.decimal("value"),
        unit=row.choice("unit", KNOWN_UNITS),
        period=row.period("period"),
        source=row.text("source"),
        grade=row.choice("grade", GRADES),
        note=row.optional_text("note"),
    )


def _parse_regency_poverty(row: _Row) -> RegencyPoverty:
    area_code = row.area_code("area_code")
    period = row.period("period", month_required=True)
    p0 = row.optional_percent("p0_percent")
    extreme = row.optional_percent("extreme_percent")
    basis = row.optional_choice("extreme_basis", KNOWN_BASES)
    if p0 is None and extreme is None:
        row.add(
            "p0_percent",
            "REF_MISSING_FIELD",
            "isi p0_percent, extreme_percent, atau keduanya",
            "fill in p0_percent, extreme_percent, or both",
        )
    if extreme is not None and basis is None:
        row.add(
            "extreme_basis",
            "REF_MISSING_FIELD",
            "wajib diisi bila extreme_percent diisi (angka beda basis tidak boleh dibandingkan)",
            "is required when extreme_percent is given (rates of different bases never mix)",
        )
    return RegencyPoverty(
        area_code=area_code,
        period=period,
        p0_percent=p0,
        extreme_percent=extreme,
        extreme_basis=basis,
        poor_persons=row.optional_integer("poor_persons"),
        source=row.text("source"),
        grade=row.choice("grade", GRADES),
        note=row.optional_text("note"),
        extreme_area_code=area_code if extreme is not None else None,
        extreme_period=period if extreme is not None else None,
    )


def _parse_strategy(row: _Row) -> Strategy:
    return Strategy(
        taxonomy=row.choice("taxonomy", TAXONOMIES),
        code=row.text("code"),
        name_id=row.text("name_id"),
        name_en=row.text("name_en"),
        source=row.text("source"),
        grade=row.choice("grade", GRADES),
    )


def _parse_target(row: _Row) -> Target:
    return Target(
        indicator=row.text("indicator"),
        area_code=row.area_code("area_code"),
        year=row.integer("year"),
        comparator=row.choice("comparator", COMPARATORS),
        value=row.number("value"),
        unit=row.choice("unit", TARGET_UNITS),
        baseline_value=row.optional_number("baseline_value"),
        baseline_year=row.optional_integer("baseline_year"),
        source=row.text("source"),
        grade=row.choice("grade", TARGET_GRADES),
        note=row.optional_text("note"),
    )


def _parse_program(row: _Row) -> Program:
    return Program(
        program_id=row.text("program_id"),
        program_group=row.text("program_group"),
        name_id=row.text("name_id"),
        owner=row.text("owner"),
        opd=row.text("opd"),
        unit=row.choice("unit", PROGRAM_UNITS),
        benefit_amount=row.decimal("benefit_amount"),
        benefit_unit=row.choice("benefit_unit", BENEFIT_UNITS),
        frequency=row.choice("frequency", FREQUENCIES),
        desil_max=row.optional_desil("desil_max"),
        desil_max_alt=row.optional_desil("desil_max_alt"),
        eligibility_note=row.optional_text("eligibility_note"),
        year=row.integer("year"),
        source=row.text("source"),
        grade=row.choice("grade", GRADES),
    )


def _parse_opd_program(row: _Row) -> OpdProgram:
    known = {(s.taxonomy, s.code) for s in strategies()}
    strategy_codes: dict[str, str] = {}
    for taxonomy in ("perpres_15_2010", "inpres_8_2025"):
        column = f"strategy_{taxonomy}"
        code = row.text(column)
        if code and (taxonomy, code) not in known:
            valid = ", ".join(sorted(c for t, c in known if t == taxonomy))
            row.add(
                column,
                "REF_UNKNOWN_VALUE",
                f"strategi '{code}' tidak ada di strategies.csv ({taxonomy}); pilihan: {valid}",
                f"strategy '{code}' is not in strategies.csv ({taxonomy}); choices: {valid}",
            )
        strategy_codes[taxonomy] = code
    return OpdProgram(
        year=row.integer("year"),
        opd=row.text("opd"),
        program_code=row.text("program_code"),
        program=row.text("program"),
        kegiatan=row.text("kegiatan"),
        sub_kegiatan=row.text("sub_kegiatan"),
        strategy_perpres_15_2010=strategy_codes["perpres_15_2010"],
        strategy_inpres_8_2025=strategy_codes["inpres_8_2025"],
        activity_type=row.choice("activity_type", ACTIVITY_TYPES),
        budget_idr=row.decimal("budget_idr"),
        funding_source=row.choice("funding_source", FUNDING_SOURCES),
        assistance_nature=row.optional_text("assistance_nature"),
        assistance_type=row.optional_text("assistance_type"),
        benefit_amount=row.optional_decimal("benefit_amount"),
        duration=row.optional_text("duration"),
        location=row.text("location"),
        target_beneficiaries=row.optional_integer("target_beneficiaries"),
        target_unit=row.optional_text("target_unit"),
        eligibility_rule=row.optional_text("eligibility_rule"),
        source=row.text("source"),
    )


# --------------------------------------------------------------------------- file specs

R = TypeVar("R")


@dataclass(frozen=True)
class _Spec(Generic[R]):
    """How to read one kind of reference file."""

    kind: str
    filename: str
    columns: tuple[str, ...]
    parse: Callable[[_Row], R]
    key: Callable[[R], Hashable]
    key_column: str


_POVERTY_LINES: _Spec[PovertyLine] = _Spec(
    "poverty_lines",
    "poverty_lines.csv",
    (
        "line_id",
        "name",
        "basis",
        "area_code",
        "area_type",
        "value",
        "unit",
        "period",
        "source",
        "grade",
    ),
    _parse_poverty_line,
    lambda r: r.line_id,
    "line_id",
)
_REGENCY_POVERTY: _Spec[RegencyPoverty] = _Spec(
    "regency_poverty",
    "regency_poverty.csv",
    (
        "area_code",
        "period",
        "p0_percent",
        "extreme_percent",
        "extreme_basis",
        "poor_persons",
        "source",
        "grade",
    ),
    _parse_regency_poverty,
    lambda r: (r.area_code, r.period),
    "period",
)
_STRATEGIES: _Spec[Strategy] = _Spec(
    "strategies",
    "strategies.csv",
    ("taxonomy", "code", "name_id", "name_en", "source"),
    _parse_strategy,
    lambda r: (r.taxonomy, r.code),
    "code",
)
_TARGETS: _Spec[Target] = _Spec(
    "targets",
    "targets.csv",
    ("indicator", "area_code", "year", "comparator", "value", "unit", "source", "grade"),
    _parse_target,
    lambda r: (r.indicator, r.area_code, r.year, r.comparator),
    "comparator",
)
_PROGRAMS: _Spec[Program] = _Spec(
    "programs",
    "programs.csv",
    (
        "program_id",
        "program_group",
        "name_id",
        "owner",
        "opd",
        "unit",
        "benefit_amount",
        "benefit_unit",
        "frequency",
        "desil_max",
        "year",
        "source",
        "grade",
    ),
    _parse_program,
    lambda r: r.program_id,
    "program_id",
)
_OPD_PROGRAMS: _Spec[OpdProgram] = _Spec(
    "opd_programs",
    "opd_programs.csv",
    (
        "year",
        "opd",
        "program_code",
        "program",
        "kegiatan",
        "sub_kegiatan",
        "strategy_perpres_15_2010",
        "strategy_inpres_8_2025",
        "activity_type",
        "budget_idr",
        "funding_source",
        "location",
        "source",
    ),
    _parse_opd_program,
    lambda r: (r.year, r.program_code, r.sub_kegiatan),
    "sub_kegiatan",
)

_SPECS: dict[str, _Spec[Any]] = {
    spec.kind: spec
    for spec in (
        _POVERTY_LINES,
        _REGENCY_POVERTY,
        _STRATEGIES,
        _TARGETS,
        _PROGRAMS,
        _OPD_PROGRAMS,
    )
}

REFERENCE_KINDS = tuple(_SPECS)
"""The kinds of reference file, each named like its shipped file without ``.csv``."""


def _parse_text(text: str, file: str, spec: _Spec[R]) -> tuple[R, ...]:
    """Check every row of ``text``; return the records, or raise once with every problem."""
    problems: list[ReferenceProblem] = []
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ReferenceDataError(
            f"{file} kosong; baris 1 harus berisi judul kolom: {', '.join(spec.columns)}.",
            english=f"{file} is empty; row 1 must hold the column names: "
            f"{', '.join(spec.columns)}.",
            code="REF_EMPTY_FILE",
        )
    header = [cell.strip() for cell in rows[0]]
    header_row = _Row(file, 1, {}, problems)
    for column in spec.columns:
        if column not in header:
            header_row.add(
                column,
                "REF_MISSING_COLUMN",
                "kolom ini tidak ada di baris judul; tambahkan kolomnya",
                "this column is missing from the header row; add it",
            )
    if problems:
        raise ReferenceDataError.from_problems(problems)

    records: list[R] = []
    first_row_of: dict[Hashable, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = _Row(file, number, dict(zip(header, cells, strict=False)), problems)
        if len(cells) != len(header):
            row.add(
                header[min(len(cells), len(header)) - 1],
                "REF_ROW_WIDTH",
                f"baris berisi {len(cells)} sel, judul berisi {len(header)}; periksa koma "
                "dan tanda kutip",
                f"the row has {len(cells)} cells and the header {len(header)}; check commas "
                "and quotes",
            )
            continue
        before = len(problems)
        record = spec.parse(row)
        if len(problems) > before:
            continue
        key = spec.key(record)
        if key in first_row_of:
            row.add(
                spec.key_column,
                "REF_DUPLICATE",
                f"sama dengan baris {first_row_of[key]}; periode baru ditulis sebagai baris "
                "baru dengan periode/kode lain, jangan menimpa",
                f"duplicates row {first_row_of[key]}; a new period is a new row with its own "
                "period or id, never an overwrite",
            )
            continue
        first_row_of[key] = number
        records.append(record)
    if problems:
        raise ReferenceDataError.from_problems(problems)
    return tuple(records)


_CACHE: dict[str, tuple[Any, ...]] = {}


def _shipped(spec: _Spec[R]) -> tuple[R, ...]:
    """The records of a shipped file, read and checked once per process."""
    if spec.kind not in _CACHE:
        resource = (
            resources.files("sinergi")
            .joinpath("data")
            .joinpath("reference")
            .joinpath(spec.filename)
        )
        text = resource.read_text(encoding="utf-8-sig")
        _CACHE[spec.kind] = _parse_text(text, spec.filename, spec)
    return cast(tuple[R, ...], _CACHE[spec.kind])


def clear_reference_cache() -> None:
    """Forget the shipped files read so far, so the next call reads them again."""
    _CACHE.clear()


def load_csv_records(path: str | Path, kind: str | None = None) -> tuple[Any, ...]:
    """Read and check a user-supplied reference file laid out like a shipped one.

    Use it before copying rows into the package data or a deployment's own reference
    folder: every problem of the file is reported at once, by row and column.

    Args:
        path: the CSV file (UTF-8, comma-separated, header in row 1).
        kind: one of :data:`REFERENCE_KINDS`; when omitted, taken from the file name
            (``poverty_lines.csv`` → ``poverty_lines``).

    Returns:
        The records, as the matching dataclass (:class:`PovertyLine`, ...).

    Raises:
        ReferenceDataError: the kind is unknown, the file is not UTF-8, or rows are broken.

    Examples:
        A user's own file of poverty lines, checked like the shipped one::

            load_csv_records("my_lines.csv", "poverty_lines")
            # -> (PovertyLine(line_id='gk_52.05_2025-03_total', ...),)
    """
    file_path = Path(path)
    chosen = kind if kind is not None else file_path.stem
    if chosen not in _SPECS:
        kinds = ", ".join(REFERENCE_KINDS)
        raise ReferenceDataError(
            f"Jenis data rujukan '{chosen}' tidak dikenal; pilihan: {kinds}.",
            english=f"Unknown reference data kind '{chosen}'; choices: {kinds}.",
            code="REF_UNKNOWN_KIND",
        )
    data = file_path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ReferenceDataError(
            f"{file_path} baris {line}: teks bukan UTF-8; simpan ulang berkas sebagai 'CSV UTF-8'.",
            english=f"{file_path} row {line}: the text is not UTF-8; save the file again as "
            "'CSV UTF-8'.",
            code="REF_NOT_UTF8",
        ) from exc
    return _parse_text(text, str(file_path), _SPECS[chosen])


# --------------------------------------------------------------------------- public API


def poverty_lines(
    *,
    basis: str | None = None,
    area_code: str | None = None,
    period: str | None = None,
    area_type: str | None = None,
) -> tuple[PovertyLine, ...]:
    """The shipped poverty lines, optionally narrowed by basis, area, period and area type.

    Pick one ``basis`` for any figure or chart: a BPS regency line (``BPS_GK``) and a World
    Bank extreme line answer different questions and are never plotted together (use
    :func:`assert_same_basis` when combining).

    Examples:
        >>> [line.value for line in poverty_lines(basis="BPS_GK", area_code="52.05")]
        [Decimal('442451'), Decimal('469647')]
    """
    return tuple(
        line
        for line in _shipped(_POVERTY_LINES)
        if (basis is None or line.basis == basis)
        and (area_code is None or line.area_code == area_code)
        and (period is None or line.period == period)
        and (area_type is None or line.area_type == area_type)
    )


def poverty_line(line_id: str) -> PovertyLine:
    """The shipped poverty line with this id.

    Raises:
        ReferenceDataError: no line has this id (the message lists similar ids).
    """
    for line in _shipped(_POVERTY_LINES):
        if line.line_id == line_id:
            return line
    prefix = line_id.split("_")[0]
    similar = [line.line_id for line in _shipped(_POVERTY_LINES) if line.line_id.startswith(prefix)]
    hint = ", ".join(similar[:8]) or ", ".join(line.line_id for line in poverty_lines()[:8])
    raise ReferenceDataError(
        f"Garis kemiskinan '{line_id}' tidak ada di poverty_lines.csv; contoh id: {hint}.",
        english=f"Poverty line '{line_id}' is not in poverty_lines.csv; example ids: {hint}.",
        code="REF_UNKNOWN_ID",
    )


def monthly_from_daily(per_day: Decimal | str | int) -> Decimal:
    """Turn a rupiah line per person per day into one per month (x :data:`DAYS_PER_MONTH`).

    Pass a ``Decimal`` or a string, not a float, so the result stays exact.

    Examples:
        >>> monthly_from_daily("11941.12")
        Decimal('358233.60')
    """
    return Decimal(str(per_day)) * DAYS_PER_MONTH


def assert_same_basis(lines: Iterable[PovertyLine]) -> str | None:
    """Check that all lines share one basis and return it (``None`` for no lines).

    Call it before putting lines, or rates computed from them, into one figure: DESIGN
    forbids comparing rates on different bases (BPS GK vs USD 1.90 vs USD 2.15 lines).

    Raises:
        MixedBasisError: two or more bases are present.

    Examples:
        >>> assert_same_basis(poverty_lines(basis="BPS_GK", area_code="52"))
        'BPS_GK'
    """
    by_basis: dict[str, list[str]] = {}
    for line in lines:
        by_basis.setdefault(line.basis, []).append(line.line_id)
    if len(by_basis) > 1:
        detail = "; ".join(f"{basis}: {', '.join(ids)}" for basis, ids in sorted(by_basis.items()))
        raise MixedBasisError(
            f"Garis kemiskinan dengan basis berbeda tidak boleh digabung dalam satu angka atau "
            f"grafik ({detail}). Pilih satu basis.",
            english=f"Poverty lines of different bases must not be combined in one figure or "
            f"chart ({detail}). Pick one basis.",
            code="POVERTY_LINE_MIXED_BASIS",
        )
    return next(iter(by_basis), None)


def regency_poverty(
    *, area_code: str | None = None, period: str | None = None
) -> tuple[RegencyPoverty, ...]:
    """The published rates as shipped, one record per (area, period) row."""
    return tuple(
        row
        for row in _shipped(_REGENCY_POVERTY)
        if (area_code is None or row.area_code == area_code)
        and (period is None or row.period == period)
    )


def area_fallback_chain(area_code: str) -> tuple[str, ...]:
    """The codes to try for an area, most specific first, ending with Indonesia (``00``).

    Examples:
        >>> area_fallback_chain("52.05")
        ('52.05', '52', '00')
    """
    code = area_code.strip()
    if not _AREA_CODE.match(code):
        raise DomainError(
            f"'{area_code}' bukan kode wilayah Kemendagri bertitik (misalnya 52.05).",
            english=f"'{area_code}' is not a dotted Kemendagri area code (e.g. 52.05).",
            code="AREA_CODE_INVALID",
        )
    if code == NATIONAL_CODE:
        return (NATIONAL_CODE,)
    parts = code.split(".")
    return (*(".".join(parts[:n]) for n in range(len(parts), 0, -1)), NATIONAL_CODE)


def _latest_in_chain(
    rows: tuple[RegencyPoverty, ...],
    chain: tuple[str, ...],
    has_figure: Callable[[RegencyPoverty], bool],
    up_to: str | None,
) -> RegencyPoverty | None:
    for code in chain:
        candidates = [
            row
            for row in rows
            if row.area_code == code and has_figure(row) and (up_to is None or row.period <= up_to)
        ]
        if candidates:
            return max(candidates, key=lambda row: row.period)
    return None


def regency_poverty_defaults(regency_code: str, *, period: str | None = None) -> RegencyPoverty:
    """The published rates the synthetic generator should use for a regency.

    Rule (each figure resolved on its own, most specific area first):

    1. **P0**: the latest row (at or before ``period``) of the regency itself; if it has
       none, of its province (``52.05`` → ``52``); if none, of Indonesia (``00``).
    2. **Extreme-poverty rate**: the same walk, regency → province → Indonesia, taking the
       latest row at or before the period of the P0 row chosen in step 1. The record then
       carries ``extreme_area_code``, ``extreme_period`` and ``extreme_basis`` of that row,
       and its ``source`` names both rows.

    A regency's own figure wins over a newer province or national one: the synthetic region
    should look like that regency. Check ``extreme_period`` before relying on it: a regency's
    extreme rate may be years older than its P0 (Dompu: 2021 against 2024).

    Args:
        regency_code: a dotted Kemendagri code (``52.05``); a district or village code
            also works and walks up through its regency.
        period: ``YYYY-MM`` (or ``YYYY``, meaning up to December); ``None`` for the latest.

    Raises:
        DomainError: the code is malformed.
        ReferenceDataError: no row at all has a P0 figure for the chain (a broken file).

    Examples:
        >>> d = regency_poverty_defaults("52.05")
        >>> d.area_code, d.period, d.p0_percent, d.extreme_area_code, d.extreme_percent
        ('52.05', '2024-03', 11.59, '52.05', 2.97)
        >>> regency_poverty_defaults("33.01").area_code
        '00'
    """
    chain = area_fallback_chain(regency_code)
    up_to = None if period is None else (f"{period}-12" if len(period) == 4 else period)
    rows = _shipped(_REGENCY_POVERTY)
    p0_row = _latest_in_chain(rows, chain, lambda r: r.p0_percent is not None, up_to)
    if p0_row is None:
        raise ReferenceDataError(
            f"regency_poverty.csv tidak punya angka P0 untuk {' / '.join(chain)} sampai "
            f"periode {period or 'terakhir'}; tambahkan baris nasional (kode 00).",
            english=f"regency_poverty.csv has no P0 figure for {' / '.join(chain)} up to "
            f"period {period or 'latest'}; add a national row (code 00).",
            code="REF_NO_DEFAULT",
        )
    extreme_row = _latest_in_chain(
        rows, chain, lambda r: r.extreme_percent is not None, p0_row.period
    )
    if extreme_row is None or extreme_row is p0_row:
        return p0_row
    weakest = max(p0_row.grade, extreme_row.grade, key=_GRADE_ORDER.__getitem__)
    return dataclasses.replace(
        p0_row,
        extreme_percent=extreme_row.extreme_percent,
        extreme_basis=extreme_row.extreme_basis,
        extreme_area_code=extreme_row.area_code,
        extreme_period=extreme_row.period,
        source=f"{p0_row.source} | extreme_percent: {extreme_row.source}",
        grade=weakest,
        note="; ".join(
            part
            for part in (
                p0_row.note,
                f"extreme_percent from {extreme_row.area_code} {extreme_row.period}",
            )
            if part
        ),
    )


def strategies(taxonomy: str | None = None) -> tuple[Strategy, ...]:
    """The strategies of one taxonomy (``perpres_15_2010``, ``inpres_8_2025``) or of all.

    Tag every OPD activity with both: reports before 2025 speak of the four strategies of
    Perpres 15/2010, current ones of the three of Inpres 8/2025.
    """
    return tuple(s for s in _shipped(_STRATEGIES) if taxonomy is None or s.taxonomy == taxonomy)


def targets(
    *, indicator: str | None = None, area_code: str | None = None, year: int | None = None
) -> tuple[Target, ...]:
    """The target bounds, optionally narrowed. Rows graded ``example`` are not published."""
    return tuple(
        t
        for t in _shipped(_TARGETS)
        if (indicator is None or t.indicator == indicator)
        and (area_code is None or t.area_code == area_code)
        and (year is None or t.year == year)
    )


def programs() -> tuple[Program, ...]:
    """The national program catalog (each PKH component is its own row)."""
    return _shipped(_PROGRAMS)


def program(program_id: str) -> Program:
    """The catalog row with this id.

    Raises:
        ReferenceDataError: no program has this id (the message lists the ids).
    """
    for row in programs():
        if row.program_id == program_id:
            return row
    ids = ", ".join(row.program_id for row in programs())
    raise ReferenceDataError(
        f"Program '{program_id}' tidak ada di programs.csv; pilihan: {ids}.",
        english=f"Program '{program_id}' is not in programs.csv; choices: {ids}.",
        code="REF_UNKNOWN_ID",
    )


def opd_programs(year: int | None = None) -> tuple[OpdProgram, ...]:
    """The example OPD action-plan catalog of a kabupaten (synthetic, not official data)."""
    return tuple(row for row in _shipped(_OPD_PROGRAMS) if year is None or row.year == year)
