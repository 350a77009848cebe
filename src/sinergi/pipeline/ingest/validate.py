"""Check the rows of one file against a table contract: typed values, warnings and quarantine.

`validate` takes one batch of a file, already renamed to the contract's field
names (every cell still the raw text the file had), and splits it in two:

* ``accepted``: rows that stand for a record, each field turned into its type
  (`sinergi.lake.contracts`). A broken field does not drop its row: the field is
  set to null, and the row's ``_issues`` keep the reason code and the original
  text, so the agency can be told what to fix (DESIGN.md, "a broken field is not
  a missing person").
* ``rejected``: rows that cannot stand for a record at all (a line that does not
  fit the layout, an exact repeat of an earlier row, no name and no identifier,
  an area that cannot be found even by name), with every reason of the row.

Every input row lands in exactly one of the two. Reason codes and their
messages are in `sinergi.pipeline.ingest.reasons`.

The work is vectorised with polars, so a regency's million rows take seconds.
Each kind of field has a fast path for its common spelling (16 plain digits, a
plain integer, an ISO or ``dd-mm-yyyy`` date); only the *unique* values the fast
path cannot settle go through Python, so the cost follows the number of distinct
irregular values, not the number of rows.

Examples:
    >>> from sinergi.lake.contracts import CONTRACTS
    >>> frame = pl.DataFrame(
    ...     {"_row": [2, 3], "_sheet": [None, None], "_defect": [None, None], "_line": ["", ""],
    ...      "name": [" Siti  Aminah ", ""], "nik": ["3.20101E+15", ""],
    ...      "area_code": ["5205012008", "5205012008"]},
    ...     schema_overrides={"_row": pl.Int64, "_sheet": pl.String, "_defect": pl.String})
    >>> checked = validate(frame, CONTRACTS["person"], today=date(2026, 1, 1), state=FileState())
    >>> checked.accepted.column("name").to_pylist(), checked.accepted.column("nik").to_pylist()
    (['Siti Aminah'], [None])
    >>> checked.accepted.column("_issues").to_pylist()[0][0]["code"]
    'NIK_SCIENTIFIC_NOTATION'
    >>> checked.rejected["_reasons"][0][0]["code"]
    'ROW_NO_IDENTITY'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, Literal

import polars as pl
import pyarrow as pa

from sinergi.domain import wilayah
from sinergi.domain.identity import clean_kk, clean_nik
from sinergi.errors import PipelineError
from sinergi.lake.contracts import FLAG, ISSUES, ROW, SHEET, Contract, Field

__all__ = [
    "DEFECT",
    "LINE",
    "REASONS_COLUMN",
    "FileState",
    "Validated",
    "clean_identity_series",
    "parse_date_text",
    "parse_number_text",
    "validate",
]

DEFECT = "_defect"  # the reader's reason code when a line does not fit the layout, else null
LINE = "_line"  # the line as the file had it, shown with a defect in quarantine
REASONS_COLUMN = "_reasons"

_ISSUE = pl.Struct({"field": pl.String, "code": pl.String, "text": pl.String})
_REASON = pl.Struct({"code": pl.String, "field": pl.String, "text": pl.String})
_DTYPES: dict[str, pl.DataType] = {
    "text": pl.String(),
    "nik": pl.String(),
    "kk": pl.String(),
    "area": pl.String(),
    "date": pl.Date(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "flag": pl.Boolean(),
    "code": pl.String(),
}

# What spreadsheets and dataframes write into an empty cell (compared in lower case).
_EMPTY_WORDS = ["", "-", "--", "null", "nan", "none", "<na>", "nat", "n/a", "#n/a"]
_EMPTY_LONGEST = max(len(word) for word in _EMPTY_WORDS)
_INVISIBLE = "[\u200b\u200c\u200d\u2060\ufeff]"  # zero-width characters and the BOM
_INVISIBLE_CHARS = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")
# Any whitespace but a plain space, or a run of two or more: both become one space. (Replacing
# every single space with itself, as a plain \s+ does, costs three times as much.)
_ODD_SPACE = r"[\s--[ ]]|\s\s+"
_WHOLE_FLOAT = re.compile(r"([0-9]+)\.0+")  # "1.0": a whole number that went through a float cell

_FLAGS = {word: code == "true" for code, words in FLAG.items() for word in words}

_MONTHS = {
    **dict.fromkeys(("jan", "januari", "january"), 1),
    **dict.fromkeys(("feb", "peb", "februari", "pebruari", "february"), 2),
    **dict.fromkeys(("mar", "maret", "march"), 3),
    **dict.fromkeys(("apr", "april"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("jun", "juni", "june"), 6),
    **dict.fromkeys(("jul", "juli", "july"), 7),
    **dict.fromkeys(("agu", "agt", "ags", "agus", "agustus", "aug", "august"), 8),
    **dict.fromkeys(("sep", "sept", "september"), 9),
    **dict.fromkeys(("okt", "oktober", "oct", "october"), 10),
    **dict.fromkeys(("nov", "nop", "november", "nopember"), 11),
    **dict.fromkeys(("des", "desember", "dec", "december"), 12),
}
# Excel's 1900 date system: serial 1 is 1900-01-01, and serial 60 is the 29 February 1900
# that never was (kept from Lotus 1-2-3), so serials from 61 on count from 1899-12-30.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_MAX_SERIAL = 80_000  # 2119-01-10: nothing later is a date in these registries
# A bare year is not a date, though Excel would read 1989 as serial 1989 (1905-06-11).
_YEAR_LIKE = range(1800, 2101)
_FIRST_YEAR = 1800  # earlier years are typos ("06-05-0024"), not dates of these registries

_TIME = r"(?:[ T][0-9]{1,2}[:.][0-9]{2}(?:[:.][0-9]{2}(?:\.[0-9]+)?)?)?"
_ISO_DATE = re.compile(rf"([0-9]{{4}})[-/.]([0-9]{{1,2}})[-/.]([0-9]{{1,2}}){_TIME}")
_DMY_DATE = re.compile(rf"([0-9]{{1,2}})[-/.]([0-9]{{1,2}})[-/.]([0-9]{{4}}){_TIME}")
_NAMED_DATE = re.compile(r"([0-9]{1,2})[ \-/.]*([A-Za-z]{3,9})\.?[ \-/.,]*([0-9]{4})")
_SERIAL_DATE = re.compile(r"([0-9]{1,5})(?:\.[0-9]+)?")

_NUMBER_PREFIX = re.compile(r"(?:rp|idr)\.?", re.IGNORECASE)
_NUMBER_SUFFIX = re.compile(r"[,.]-+$")  # "Rp1.250.000,-": the dash says "no cents"
_SIGN = r"[+-]?"
DecimalMark = Literal[".", ","]
# One column's spelling, once its values have shown which mark is the decimal one: with a
# dot, commas group thousands ("1,250.5", "3.925"); with a comma, dots do ("1.250,5", "3.925"
# is 3925). Tried in order, as _NUMBER_FORMS.
_MARK_FORMS: dict[str, tuple[tuple[re.Pattern[str], Callable[[str], str]], ...]] = {
    ".": (
        (
            re.compile(_SIGN + r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?"),
            lambda s: s.replace(",", ""),
        ),
        (re.compile(_SIGN + r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"), lambda s: s),
    ),
    ",": (
        (
            re.compile(_SIGN + r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?"),
            lambda s: s.replace(".", "").replace(",", "."),
        ),
        (
            re.compile(_SIGN + r"[0-9]+(?:,[0-9]+)?(?:[eE][+-]?[0-9]+)?"),
            lambda s: s.replace(",", "."),
        ),
    ),
}
# (pattern, how to turn a match into Python's spelling), tried in order.
_NUMBER_FORMS: tuple[tuple[re.Pattern[str], Callable[[str], str]], ...] = (
    # "1.250.000": dots group thousands (one dot and exactly three digits counts, too).
    (re.compile(_SIGN + r"[0-9]{1,3}(?:\.[0-9]{3})+"), lambda s: s.replace(".", "")),
    # "12,5", "1.250.000,50": a comma is the decimal mark.
    (
        re.compile(_SIGN + r"(?:[0-9]+|[0-9]{1,3}(?:\.[0-9]{3})+),[0-9]+"),
        lambda s: s.replace(".", "").replace(",", "."),
    ),
    # "1,250,000" or "1,250.50": several comma groups, or commas then a dot, are English.
    (
        re.compile(
            _SIGN + r"[0-9]{1,3}(?:,[0-9]{3}){2,}(?:\.[0-9]+)?|[0-9]{1,3}(?:,[0-9]{3})+\.[0-9]+"
        ),
        lambda s: s.replace(",", ""),
    ),
    # "300000", "300000.0" (a float cell), "12.5" (not a thousands group), "1.5E+06".
    (re.compile(_SIGN + r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?"), lambda s: s),
)
_INT64_MAX = 2**63 - 1

_AREA_NAMES = (
    ("province_name", wilayah.Level.PROVINCE),
    ("regency_name", wilayah.Level.REGENCY),
    ("district_name", wilayah.Level.DISTRICT),
    ("village_name", wilayah.Level.VILLAGE),
)
_AREA_NAME_FIELDS = tuple(name for name, _ in _AREA_NAMES)

# Identifiers that name one record of a file, so a repeat is worth a warning. Not for
# program_receipt (one person is paid in several rounds), and not the KK of a person list
# (family members share it).
_UNIQUE_IN_FILE: dict[str, tuple[str, ...]] = {
    "person": ("nik",),
    "household": ("kk", "head_nik"),
}


@dataclass
class Validated:
    """The outcome of validating one batch.

    Attributes:
        accepted: the accepted rows, exactly ``contract.schema()`` (same field
            order and types), ``_issues`` listing every warning of each row.
        rejected: one row per quarantined input row: ``_row`` (Int64) and
            ``_reasons`` (List of Struct code, field, text), the quarantine
            reasons first, then the field warnings that explain them.
    """

    accepted: pa.Table
    rejected: pl.DataFrame


@dataclass
class FileState:
    """What validation remembers across the batches of one file (one sheet of a workbook).

    Make one per file and pass it to every `validate` call of that file, in row
    order: it holds what the earlier batches held, so an exact repeat or a
    repeated NIK is caught even when the first copy was in an earlier batch.
    """

    # Two 64-bit hashes of each distinct row's mapped texts, with its row and sheet.
    _rows: pl.DataFrame | None = None
    # The identifiers accepted so far, by field (see _UNIQUE_IN_FILE).
    _keys: dict[str, pl.Series] = field(default_factory=dict)
    # The decimal mark of each number field, once a batch's values have shown it: a later
    # batch whose values alone cannot tell ("3.925" only) is read the same way.
    _decimal_marks: dict[str, DecimalMark] = field(default_factory=dict)

    @property
    def rows_seen(self) -> int:
        """How many distinct rows (by content) the file has shown so far."""
        return 0 if self._rows is None else self._rows.height


def validate(
    frame: pl.DataFrame,
    contract: Contract,
    *,
    aliases: Mapping[str, Mapping[str, str]] | None = None,
    scope: str | None = None,
    today: date,
    state: FileState,
) -> Validated:
    """Check one batch of a file against ``contract``: typed accepted rows and quarantine.

    Args:
        frame: ``_row`` (Int64), ``_sheet``, ``_defect`` (the reader's reason code
            for a line that does not fit the layout, else null), ``_line``, and one
            String column per mapped contract field, named by the field, holding
            the raw cell text. Fields the file lacks are simply absent.
        contract: the table contract the rows should follow.
        aliases: per code or flag field, extra spellings (normalised: upper case,
            trimmed, single-spaced) mapped to one of the field's codes (``true`` or
            ``false`` for a flag), on top of the contract's own aliases and the
            flag table.
        scope: a wilayah code prefix (``"52.05"``): area names are looked up within
            it, and codes outside it are flagged ``AREA_OUTSIDE_SCOPE``.
        today: the latest possible date (later dates are ``DATE_IN_FUTURE``; the
            century of a NIK's birth year is chosen against it).
        state: the `FileState` of this file, shared by all its batches.

    Returns:
        `Validated`; ``accepted.num_rows + rejected.height == frame.height``.

    Raises:
        PipelineError: ``PROFILE_ALIAS_INVALID`` when aliases are given for a field
            that is neither a code nor a flag field, or map to a code the field
            does not have (a broken profile).
    """
    checker = _Checker(frame, contract, aliases or {}, scope, today, state._decimal_marks)
    checker.check_fields()
    checker.check_identities()
    return checker.split(state)


# --- the checker -----------------------------------------------------------------------------


@dataclass
class _Slot:
    """One possible warning per row: a field, its code (null where none), the original text."""

    field: str
    code: pl.Series
    text: pl.Series


class _Checker:
    """Holds one batch while its fields are typed and its warnings collected."""

    def __init__(
        self,
        frame: pl.DataFrame,
        contract: Contract,
        aliases: Mapping[str, Mapping[str, str]],
        scope: str | None,
        today: date,
        decimal_marks: dict[str, DecimalMark],
    ) -> None:
        for name in aliases:
            spec = contract.field(name) if name in contract.names else None
            if spec is None or not (spec.codes or spec.kind == "flag"):
                raise _alias_error(name, None)
        self.contract = contract
        self.scope = None if scope is None else wilayah.normalise_code(scope)
        self.today = today
        self.decimal_marks = decimal_marks  # the file's, updated as columns show their mark
        self.height = frame.height
        self.value_maps = {f.name: _value_map(f, aliases.get(f.name, {})) for f in contract.fields}
        self.present = [f.name for f in contract.fields if f.name in frame.columns]

        def text(name: str) -> pl.Expr:
            return (
                pl.col(name).cast(pl.String) if name in frame.columns else pl.lit(None, pl.String)
            )

        # Every mapped column as text: a reader may give an all-empty column another dtype.
        self.raw = frame.select(
            pl.col(ROW).cast(pl.Int64),
            text(SHEET).alias(SHEET),
            text(DEFECT).alias(DEFECT),
            text(LINE).alias(LINE),
            *(text(name) for name in self.present),
        )
        self.clean = _clean_texts(
            self.raw, [n for n in self.present if contract.field(n).kind not in ("nik", "kk")]
        )
        self.values: dict[str, pl.Series] = {}
        self.slots: list[_Slot] = []

    # -- fields --

    def check_fields(self) -> None:
        """Type every field; area last, since a missing code is looked for by the area names."""
        for f in self.contract.fields:
            if f.name not in self.present and f.kind != "area":
                self.values[f.name] = _nulls(self.height, _DTYPES[f.kind]).alias(f.name)
            elif f.kind == "text":
                self.values[f.name] = self.clean[f.name]
            elif f.kind in ("code", "flag"):
                self._codes(f)
            elif f.kind in ("integer", "number"):
                self._numbers(f)
            elif f.kind == "date":
                self._dates(f)
            elif f.kind in ("nik", "kk"):
                label: Literal["NIK", "KK"] = "NIK" if f.kind == "nik" else "KK"
                checked = clean_identity_series(self.raw[f.name], label=label, today=self.today)
                # An empty NIK/KK in a column the file has is worth telling the agency:
                # without one a person can be reached by no program.
                self._set(f.name, checked["digits"], checked["issue"])
        for f in self.contract.fields:
            if f.kind == "area":
                self._area(f.name)

    def _set(self, name: str, value: pl.Series, issue: pl.Series | None) -> None:
        self.values[name] = value.alias(name)
        if issue is not None:
            self._warn(name, issue)

    def _warn(self, name: str, issue: pl.Series) -> None:
        if issue.null_count() < len(issue):
            text = self.raw[name] if name in self.raw.columns else _nulls(self.height, pl.String)
            self.slots.append(_Slot(name, issue.cast(pl.String), text))

    def _codes(self, f: Field) -> None:
        clean = self.clean[f.name]
        mapping = self.value_maps[f.name]
        dtype = _DTYPES[f.kind]
        problem = "CODE_UNKNOWN" if f.kind == "code" else "FLAG_INVALID"
        fast = clean.str.to_uppercase().replace_strict(
            dict(mapping), default=None, return_dtype=dtype
        )

        def parse(text: str) -> tuple[object, str | None]:
            found = mapping.get(_normalise_key(text))
            return (found, None) if found is not None else (None, problem)

        self._set(f.name, *_settle(clean, fast, parse, dtype))

    def _numbers(self, f: Field) -> None:
        clean = self.clean[f.name]
        dtype = _DTYPES[f.kind]
        fast = clean.cast(pl.Int64, strict=False).cast(dtype)  # plain integers, the usual case
        # "3.925" is 3925 in Indonesian spelling and 3.925 in English: the column's other
        # values decide which (a weight column full of "3.9251" and "12.5" writes dots), so
        # a value is never read by its own spelling alone (3.925 read x1000 went unnoticed).
        missed = clean.filter(fast.is_null() & clean.is_not_null()).unique().to_list()
        mark, ambiguous = _decimal_mark(missed, self.decimal_marks.get(f.name))
        if mark is not None:
            self.decimal_marks[f.name] = mark

        def parse(text: str) -> tuple[int | float | None, str | None]:
            value, code = _number_value(text, integer=f.kind == "integer", decimal=mark)
            if code is None and text in ambiguous:
                code = "NUMBER_DECIMAL_AMBIGUOUS"  # kept as read, Indonesian spelling first
            return value, code

        value, issue = _settle(clean, fast, parse, dtype)
        low = -math.inf if f.low is None else f.low
        high = math.inf if f.high is None else f.high
        outside = (~value.is_between(low, high)).fill_null(False)
        self._set(f.name, value.set(outside, None), issue.set(outside, "NUMBER_OUT_OF_RANGE"))

    def _dates(self, f: Field) -> None:
        clean = self.clean[f.name]
        text = pl.col(f.name)
        fast = (
            self.clean.lazy()
            .select(
                pl.coalesce(
                    text.str.to_date("%Y-%m-%d", strict=False),
                    text.str.to_date("%d-%m-%Y", strict=False),
                ).alias("d")
            )
            # chrono reads "06-05-24" as the year 6 or 24: only four-digit years pass here.
            .select(pl.when(pl.col("d").dt.year().is_between(_FIRST_YEAR, 9999)).then("d"))
            .collect()
            .to_series()
        )

        def parse(text: str) -> tuple[date | None, str | None]:
            found = parse_date_text(text)
            return (found, None) if found is not None else (None, "DATE_INVALID")

        value, issue = _settle(clean, fast, parse, pl.Date())
        future = (value > self.today).fill_null(False)
        self._set(f.name, value.set(future, None), issue.set(future, "DATE_IN_FUTURE"))

    def _area(self, name: str) -> None:
        """The area code from its column, else from the area names, most specific level first."""
        code = _nulls(self.height, pl.String)
        if name in self.present:
            clean = self.clean[name]
            checked = {
                text: _area_code_of(text, self.scope)
                for text in clean.drop_nulls().unique().to_list()
            }
            if checked:
                keys = list(checked)
                code = clean.replace_strict(
                    keys, [c for c, _ in checked.values()], default=None, return_dtype=pl.String
                )
                issue = clean.replace_strict(
                    keys, [i for _, i in checked.values()], default=None, return_dtype=pl.String
                )
                self._warn(name, issue)
        names = [n for n in _AREA_NAME_FIELDS if n in self.present]
        if names:
            code = self._area_from_names(code, names)
        self.values[name] = code.alias(name)

    def _area_from_names(self, code: pl.Series, names: list[str]) -> pl.Series:
        """Fill the missing area codes from the name columns, one lookup per unique tuple."""
        frame = self.clean.select(names).with_columns(code.alias("__code"))
        wanted = frame.filter(
            pl.col("__code").is_null() & pl.any_horizontal(pl.col(n).is_not_null() for n in names)
        )
        if not wanted.height:
            return code
        found_rows: list[dict[str, Any]] = []
        for row in wanted.select(names).unique().iter_rows(named=True):
            key = (row.get(n) for n in _AREA_NAME_FIELDS)
            found, problems = _resolve_names(tuple(key), self.scope)
            found_rows.append(row | {"__found": found} | {f"__{n}": problems.get(n) for n in names})
        schema = {n: pl.String for n in [*names, "__found", *(f"__{n}" for n in names)]}
        resolved = pl.DataFrame(found_rows, schema=schema)
        joined = frame.join(resolved, on=names, how="left", nulls_equal=True, maintain_order="left")
        for n in names:
            # Rows with a usable code were never looked up by name: no warnings for them.
            self._warn(n, joined[f"__{n}"].set(joined["__code"].is_not_null(), None))
        return joined.select(pl.coalesce("__code", "__found")).to_series()

    # -- identities --

    def check_identities(self) -> None:
        """NIK against KK, area, birth date and sex of the same row (warnings; NIK_IS_KK nulls)."""
        for f in self.contract.fields:
            if f.kind not in ("nik", "kk") or f.name not in self.present:
                continue
            digits = self.values[f.name]
            kk = self.values.get("kk") if "kk" in self.present else None
            if f.kind == "nik" and kk is not None and self.contract.field("kk").kind == "kk":
                is_kk = (digits == kk).fill_null(False)
                if is_kk.any():
                    self._warn(f.name, _codes_where(is_kk, "NIK_IS_KK"))
                    digits = digits.set(is_kk, None)
                    self.values[f.name] = digits
            # Historical districts disappear after a split: only an unknown regency is suspect.
            unknown = (~digits.str.slice(0, 4).is_in(_known_regency_digits().implode())).fill_null(
                False
            )
            self._warn(f.name, _codes_where(unknown, f"{f.kind.upper()}_AREA_UNKNOWN"))
            if f.kind == "nik":
                self._compare_with_nik(f.name, digits)

    def _compare_with_nik(self, name: str, digits: pl.Series) -> None:
        """Birth date and sex against what the NIK says (both kept: either may be the typo)."""
        prefix = name[: -len("nik")]
        born, sex = f"{prefix}birth_date", f"{prefix}sex"
        parts = pl.DataFrame({"d": digits}).select(
            day=pl.col("d").str.slice(6, 2).cast(pl.Int32),
            month=pl.col("d").str.slice(8, 2).cast(pl.Int32),
            year=pl.col("d").str.slice(10, 2).cast(pl.Int32),
        )
        has_nik = pl.col("day").is_not_null()
        if born in self.present and self.contract.field(born).kind == "date":
            nik_day = pl.when(pl.col("day") > 40).then(pl.col("day") - 40).otherwise("day")
            differs = parts.with_columns(b=self.values[born]).select(
                has_nik
                & pl.col("b").is_not_null()
                & (
                    (pl.col("b").dt.day() != nik_day)
                    | (pl.col("b").dt.month() != pl.col("month"))
                    | (pl.col("b").dt.year() % 100 != pl.col("year"))
                )
            )
            self._warn(born, _codes_where(differs.to_series(), "NIK_BIRTH_DATE_MISMATCH"))
        if sex in self.present and self.contract.field(sex).kind == "code":
            implied = pl.when(pl.col("day") > 40).then(pl.lit("P")).otherwise(pl.lit("L"))
            differs = parts.with_columns(s=self.values[sex]).select(
                has_nik & pl.col("s").is_not_null() & (pl.col("s") != implied)
            )
            self._warn(sex, _codes_where(differs.to_series(), "NIK_SEX_MISMATCH"))

    # -- rows --

    def split(self, state: FileState) -> Validated:
        """Decide each row: quarantine reasons first, then the warnings that need acceptance."""
        defect = self.raw[DEFECT]
        has_defect = defect.is_not_null()
        duplicate = self._duplicates(state, eligible=~has_defect)
        groups: list[pl.Series] = []  # reason structs per row (null where none), one per group
        for group in self.contract.must_have:
            missing = pl.DataFrame([self.values[n] for n in group]).select(
                ~pl.any_horizontal(pl.all().is_not_null())
            )
            if missing.to_series().any():
                reason = _group_reason(self.contract, group)
                groups.append(_reason_where(missing.to_series(), reason, ",".join(group)))
        rejected = has_defect | duplicate.is_not_null()
        for reasons in groups:
            rejected = rejected | reasons.is_not_null()
        for name in _UNIQUE_IN_FILE.get(self.contract.name, ()):
            if name in self.present:
                self._repeats(state, name, ~rejected)
        issues = self._issue_lists()
        return Validated(
            self._accepted_table(~rejected, issues),
            self._rejected_frame(rejected, duplicate, groups, issues),
        )

    def _duplicates(self, state: FileState, *, eligible: pl.Series) -> pl.Series:
        """ROW_DUPLICATE reasons (null elsewhere) for exact repeats of an earlier row of the file.

        Rows are compared by two independent 64-bit hashes of their mapped texts:
        a false match needs both to collide, about 1 in 10^38 per pair of rows.
        """
        if not self.present:
            return _nulls(self.height, _REASON)
        mapped = self.raw.select(self.present)
        keys = pl.DataFrame(
            {
                "h1": mapped.hash_rows(seed=0x5EED),
                "h2": mapped.hash_rows(seed=0xC0FFEE),
                "__i": pl.int_range(0, self.height, dtype=pl.UInt32, eager=True),
                "row": self.raw[ROW],
                "sheet": self.raw[SHEET],
            }
        ).filter(eligible)
        first = keys.select(pl.struct("h1", "h2").is_first_distinct()).to_series()
        seen = state._rows
        if seen is None:
            schema = {"h1": pl.UInt64, "h2": pl.UInt64, "earlier": pl.Int64, "e_sheet": pl.String}
            seen = pl.DataFrame(schema=schema)
        firsts = keys.filter(first)
        firsts_earlier = firsts.join(seen, on=["h1", "h2"], how="left", maintain_order="left")
        # The earliest copy: from an earlier batch if there was one, else this batch's first.
        earliest = firsts_earlier.select(
            "h1",
            "h2",
            earlier=pl.coalesce("earlier", "row"),
            e_sheet=pl.when(pl.col("earlier").is_not_null()).then("e_sheet").otherwise("sheet"),
        )
        new = firsts_earlier.filter(pl.col("earlier").is_null()).select(
            "h1", "h2", earlier="row", e_sheet="sheet"
        )
        state._rows = pl.concat([seen, new]) if seen.height else new
        repeats = pl.concat(
            [
                firsts_earlier.filter(pl.col("earlier").is_not_null()).select(
                    "__i", "sheet", "earlier", "e_sheet"
                ),
                keys.filter(~first)
                .join(earliest, on=["h1", "h2"], how="left")
                .select("__i", "sheet", "earlier", "e_sheet"),
            ]
        )
        if not repeats.height:
            return _nulls(self.height, _REASON)
        other_sheet = pl.col("e_sheet").is_not_null() & (
            pl.col("e_sheet") != pl.col("sheet")
        ).fill_null(True)
        text = (
            pl.when(other_sheet)
            .then(pl.format("sama dengan baris {} (lembar {})", "earlier", "e_sheet"))
            .otherwise(pl.format("sama dengan baris {}", "earlier"))
        )
        reasons = repeats.select(
            "__i",
            reason=pl.struct(
                code=pl.lit("ROW_DUPLICATE"), field=pl.lit(None, pl.String), text=text
            ),
        )
        return _scatter(reasons, self.height, "reason")

    def _repeats(self, state: FileState, name: str, accepted: pl.Series) -> None:
        """Warn on accepted rows whose identifier an earlier accepted row of the file had."""
        value = self.values[name]
        seen = state._keys.get(name, pl.Series(name, [], pl.String))
        candidates = (
            pl.DataFrame(
                {"v": value, "__i": pl.int_range(0, self.height, dtype=pl.UInt32, eager=True)}
            )
            .filter(accepted & value.is_not_null())
            .with_columns(
                first=pl.col("v").is_first_distinct(), before=pl.col("v").is_in(seen.implode())
            )
        )
        state._keys[name] = pl.concat(
            [seen, candidates.filter(pl.col("first") & ~pl.col("before"))["v"].alias(name)]
        )
        repeated = candidates.filter(~pl.col("first") | pl.col("before")).select(
            "__i", code=pl.lit(f"{self.contract.field(name).kind.upper()}_DUPLICATE_IN_FILE")
        )
        if repeated.height:
            self._warn(name, _scatter(repeated, self.height, "code"))

    def _issue_lists(self) -> pl.Series:
        """Each row's warnings as one list, in the order they were found.

        Built from the few rows that have a warning (long form, then grouped):
        putting a struct per field into every row's list costs seconds per million.
        """
        index = pl.int_range(0, self.height, dtype=pl.UInt32, eager=True).alias("__i")
        long = [
            pl.DataFrame([index, slot.code.alias("code"), slot.text.alias("text")])
            .filter(pl.col("code").is_not_null())
            .select("__i", field=pl.lit(slot.field), code="code", text="text")
            for slot in self.slots
        ]
        rows = pl.DataFrame([index])
        if long:
            grouped = (
                pl.concat(long)
                .group_by("__i")
                .agg(pl.struct("field", "code", "text").alias(ISSUES))
            )
            rows = rows.join(grouped, on="__i", how="left", maintain_order="left")
        else:
            rows = rows.with_columns(pl.lit(None, pl.List(_ISSUE)).alias(ISSUES))
        empty = pl.lit([], dtype=pl.List(_ISSUE))
        return rows.select(pl.col(ISSUES).fill_null(empty)).to_series()

    def _accepted_table(self, accepted: pl.Series, issues: pl.Series) -> pa.Table:
        columns = [self.values[f.name].cast(_DTYPES[f.kind]) for f in self.contract.fields]
        frame = pl.DataFrame([*columns, self.raw[ROW], self.raw[SHEET], issues])
        if not accepted.all():
            frame = frame.filter(accepted)
        return frame.to_arrow().cast(self.contract.schema())

    def _rejected_frame(
        self,
        rejected: pl.Series,
        duplicate: pl.Series,
        groups: list[pl.Series],
        issues: pl.Series,
    ) -> pl.DataFrame:
        """One row per rejected row: its quarantine reasons, then its field warnings.

        A line that does not fit the layout has only that reason (its fields are
        not what they seem); an exact repeat only its copy's row number (the first
        copy carries any other reason).
        """
        columns = [
            self.raw[ROW],
            self.raw[DEFECT].alias("defect"),
            self.raw[LINE].alias("line"),
            duplicate.alias("duplicate"),
            *(group.alias(f"g{i}") for i, group in enumerate(groups)),
            issues.alias("issues"),
        ]
        rows = pl.DataFrame(columns).filter(rejected)
        as_reasons = pl.col("issues").list.eval(
            pl.struct(
                code=pl.element().struct.field("code"),
                field=pl.element().struct.field("field"),
                text=pl.element().struct.field("text"),
            )
        )
        defect = pl.struct(code="defect", field=pl.lit(None, pl.String), text="line")
        rest = pl.concat_list([*(pl.col(f"g{i}") for i in range(len(groups))), as_reasons])
        return rows.select(
            pl.col(ROW),
            pl.when(pl.col("defect").is_not_null())
            .then(pl.concat_list(defect))
            .when(pl.col("duplicate").is_not_null())
            .then(pl.concat_list("duplicate"))
            .otherwise(rest.list.drop_nulls())
            .cast(pl.List(_REASON))
            .alias(REASONS_COLUMN),
        )


# --- text, codes, numbers, dates -------------------------------------------------------------


def _clean_texts(raw: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    """Every column trimmed, one space between words, null for empty cells and their stand-ins.

    Most columns hold printable ASCII with single spaces: for those a trim is
    enough, and the costly replacements run only on columns that need them.
    """
    if not names:
        return pl.DataFrame()
    odd = raw.lazy().select(pl.col(n).str.contains(r"[^ -~]|  ").any() for n in names).collect()
    exprs = []
    for name, needs_more in zip(names, odd.row(0), strict=True):
        text = pl.col(name)
        if needs_more:
            text = text.str.replace_all(_INVISIBLE, "").str.replace_all(_ODD_SPACE, " ")
        text = text.str.strip_chars(" ")
        empty = (text.str.len_bytes() <= _EMPTY_LONGEST) & text.str.to_lowercase().is_in(
            _EMPTY_WORDS
        )
        exprs.append(pl.when(empty).then(None).otherwise(text).alias(name))
    return raw.lazy().select(exprs).collect()


def _settle(
    clean: pl.Series,
    fast: pl.Series,
    parse: Callable[[str], tuple[Any, str | None]],
    dtype: pl.DataType,
) -> tuple[pl.Series, pl.Series]:
    """Values from the fast path, and from ``parse`` once per unique text the fast path missed.

    Returns the values and the reason codes (null where none). The fast path
    depends on the text alone, so equal texts are settled the same way.
    """
    missed = clean.filter(fast.is_null() & clean.is_not_null()).unique().to_list()
    if not missed:
        return fast, _nulls(len(clean), pl.String)
    parsed = [parse(text) for text in missed]
    late = clean.replace_strict(
        missed, [value for value, _ in parsed], default=None, return_dtype=dtype
    )
    issue = clean.replace_strict(
        missed, [code for _, code in parsed], default=None, return_dtype=pl.String
    )
    return fast.fill_null(late), issue


def _normalise_key(text: str) -> str:
    """A code as compared: upper case, single spaces, a float cell's "1.0" read as "1"."""
    key = " ".join(text.translate(_INVISIBLE_CHARS).upper().split())
    found = _WHOLE_FLOAT.fullmatch(key)
    return found.group(1) if found else key


def _value_map(f: Field, extra: Mapping[str, str]) -> dict[str, object]:
    """Normalised spelling → value of a code or flag field: defaults, the profile's, the codes.

    A code field's values are its canonical codes; a flag's are True/False, and a
    profile names them ``true``/``false`` (or any spelling of the flag table).
    """
    if f.kind == "flag":
        flags: dict[str, object] = dict(_FLAGS)
        for spelling, target in extra.items():
            value = _FLAGS.get(_normalise_key(target))
            if value is None:
                raise _alias_error(f.name, target)
            flags[_normalise_key(spelling)] = value
        return flags | {"TRUE": True, "FALSE": False}
    if not f.codes:
        return {}
    canonical = {_normalise_key(code): code for code in f.codes}
    mapping: dict[str, object] = {
        _normalise_key(a): code for code, spellings in f.codes.items() for a in spellings
    }
    for spelling, target in extra.items():
        code = target if target in f.codes else canonical.get(_normalise_key(target))
        if code is None:
            raise _alias_error(f.name, target)
        mapping[_normalise_key(spelling)] = code
    # A canonical code always means itself, whatever an alias says.
    return mapping | canonical


def _alias_error(name: str, target: str | None) -> PipelineError:
    if target is None:
        return PipelineError(
            f"Profil memberi alias untuk kolom '{name}', tetapi kolom itu bukan kolom kode atau "
            "ya/tidak. Hapus alias itu dari profil.",
            english=f"The profile gives value aliases for {name!r}, not a code or yes/no field.",
            code="PROFILE_ALIAS_INVALID",
        )
    return PipelineError(
        f"Profil memetakan alias kolom '{name}' ke '{target}', yang bukan kode kolom itu. "
        "Perbaiki alias di profil.",
        english=f"The profile maps an alias of {name!r} to {target!r}, not one of its codes.",
        code="PROFILE_ALIAS_INVALID",
    )


def parse_number_text(text: str, *, decimal: DecimalMark | None = None) -> str | None:
    """A number cell in Python's spelling (``"1250000.50"``), or None when it is not one.

    ``decimal`` is the column's decimal mark when its values have shown it (see
    `validate`): then the other mark only groups thousands. Without it,
    Indonesian first: dots group thousands and a comma is the decimal mark
    (``1.250.000,50``), so ``1.250`` is one thousand two hundred fifty. A single
    dot followed by other than three digits is a decimal point (``12.5``, and
    ``300000.0`` from a float cell); several comma groups are English thousands
    (``1,250,000``). ``Rp``/``IDR`` before and ``,-`` after are dropped.

    Examples:
        >>> parse_number_text("Rp 1.250.000,-"), parse_number_text("12,5")
        ('1250000', '12.5')
        >>> parse_number_text("1.250"), parse_number_text("12.5"), parse_number_text("1,2,3")
        ('1250', '12.5', None)
        >>> parse_number_text("3.925", decimal="."), parse_number_text("3.925", decimal=",")
        ('3.925', '3925')
    """
    bare = "".join(_NUMBER_PREFIX.sub("", text.strip(), count=1).split())
    bare = _NUMBER_SUFFIX.sub("", bare)
    for pattern, spell in _NUMBER_FORMS if decimal is None else _MARK_FORMS[decimal]:
        if pattern.fullmatch(bare):
            return spell(bare)
    return None


def _decimal_mark(
    texts: Iterable[str], known: DecimalMark | None
) -> tuple[DecimalMark | None, set[str]]:
    """A column's decimal mark from its values, and the values it leaves ambiguous.

    A value readable with one mark only shows the column's mark (``12.5``,
    ``300000.0``, ``1,250,000`` show a dot; ``12,5``, ``1.250.000`` a comma); one
    read differently by the two (``3.925``, ``1,250``) shows nothing. The mark is
    the one shown, else ``known`` (an earlier batch's); when none is shown, or
    both are (a mixed column), it is None: each value is read by its own
    spelling and the values the two marks read differently are returned, to be
    flagged in the import report.
    """
    dot: set[str] = set()
    comma: set[str] = set()
    both: set[str] = set()
    for text in texts:
        as_dot = parse_number_text(text, decimal=".")
        as_comma = parse_number_text(text, decimal=",")
        if as_dot is not None and as_comma is None:
            dot.add(text)
        elif as_comma is not None and as_dot is None:
            comma.add(text)
        elif as_dot is not None and as_comma is not None and float(as_dot) != float(as_comma):
            both.add(text)
    shown: set[DecimalMark] = set()
    if dot:
        shown.add(".")
    if comma:
        shown.add(",")
    if known is not None and shown <= {known}:
        return known, set()
    if known is None and len(shown) == 1:
        return shown.pop(), set()
    return None, both  # mixed (in this batch, or against an earlier one), or nothing shown


def _number_value(
    text: str, *, integer: bool, decimal: DecimalMark | None = None
) -> tuple[int | float | None, str | None]:
    spelled = parse_number_text(text, decimal=decimal)
    if spelled is None:
        return None, "NUMBER_INVALID"
    number = float(spelled)
    if not math.isfinite(number):
        return None, "NUMBER_INVALID"
    if not integer:
        return number, None
    if not number.is_integer():
        return None, "NUMBER_NOT_WHOLE"
    # Digits alone stay exact beyond 2**53, where a float would round them.
    whole = int(spelled) if re.fullmatch(r"[+-]?[0-9]+", spelled) else int(number)
    if abs(whole) > _INT64_MAX:
        return None, "NUMBER_OUT_OF_RANGE"
    return whole, None


def parse_date_text(text: str) -> date | None:
    """A date from a cell's text in any accepted format, or None.

    The reference for the vectorised parsing in `validate`, and what settles
    the values its fast path leaves: ISO ``2024-05-06`` (time part allowed),
    ``06-05-2024``, ``06/05/2024``, ``06.05.2024``, Indonesian (and English)
    month names (``6 Mei 2024``, ``06-Agt-2024``), ``20240506`` and
    ``06052024``, and Excel serial numbers (``45418``, ``45418.0``). A bare year
    (1800–2100) is not a date, nor is a date before 1800.

    Examples:
        >>> parse_date_text("6 Mei 2024"), parse_date_text("45418.0")
        (datetime.date(2024, 5, 6), datetime.date(2024, 5, 6))
        >>> parse_date_text("31-02-2020") is None, parse_date_text("1989") is None
        (True, True)
    """
    text = " ".join(text.split())
    if found := _ISO_DATE.fullmatch(text):
        return _date(found[1], found[2], found[3])
    if found := _DMY_DATE.fullmatch(text):
        return _date(found[3], found[2], found[1])
    if found := _NAMED_DATE.fullmatch(text):
        month = _MONTHS.get(found[2].lower())
        return None if month is None else _date(found[3], str(month), found[1])
    if found := _SERIAL_DATE.fullmatch(text):
        serial = int(found[1])
        if serial in _YEAR_LIKE or serial == 60:
            return None
        if 61 <= serial <= _EXCEL_MAX_SERIAL:
            return _EXCEL_EPOCH + timedelta(days=serial)
        if 1 <= serial <= 59:
            return _EXCEL_EPOCH + timedelta(days=serial + 1)
        return None
    if re.fullmatch(r"[0-9]{8}", text):
        # Year first when it starts like one; the two readings never both give a date.
        if text[:2] in ("19", "20") and (day := _date(text[:4], text[4:6], text[6:])):
            return day
        if text[4:6] in ("19", "20"):
            return _date(text[4:], text[2:4], text[:2])
    return None


def _date(year: str, month: str, day: str) -> date | None:
    if int(year) < _FIRST_YEAR:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


# --- NIK and KK ------------------------------------------------------------------------------

_MONTH_DAYS = dict(enumerate((31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31), start=1))


def clean_identity_series(
    values: pl.Series, *, label: Literal["NIK", "KK"], today: date
) -> pl.DataFrame:
    """`clean_nik` (or `clean_kk`) over a column: ``digits`` and ``issue``, one row per value.

    Gives exactly what `sinergi.domain.identity.clean_nik` gives for each value
    (``issue`` is the `IdentityIssue` value, ``NIK_EMPTY`` for an empty cell),
    but settles the common cases in polars: 16 plain digits with a valid date
    and serial, and the numbers Excel made of a whole column (``3.20101E+15``,
    ``5205014107890000.0``). `clean_nik` runs once per unique value left.

    Examples:
        >>> out = clean_identity_series(
        ...     pl.Series(["'5205014107890001", "3.20101E+15", None]), label="NIK",
        ...     today=date(2026, 1, 1))
        >>> out.rows()
        [('5205014107890001', None), (None, 'NIK_SCIENTIFIC_NOTATION'), (None, 'NIK_EMPTY')]
    """
    text = values.cast(pl.String).rename("t")
    fast = pl.LazyFrame([text]).select(_fast_identity_exprs(label, today)).collect()
    clean: Callable[..., tuple[str | None, Any]] = clean_nik if label == "NIK" else clean_kk

    def parse(value: str) -> tuple[str | None, str | None]:
        digits, issue = clean(value, today=today)
        return digits, None if issue is None else issue.value

    digits, issue = fast["digits"], fast["issue"]
    # Null cells are empty: NIK_EMPTY below, without a call per row.
    settled = digits.is_not_null() | issue.is_not_null() | text.is_null()
    missed = text.filter(~settled).unique().to_list()
    if missed:
        parsed = [parse(value) for value in missed]
        digits = digits.fill_null(
            text.replace_strict(
                missed, [d for d, _ in parsed], default=None, return_dtype=pl.String
            )
        )
        issue = issue.fill_null(
            text.replace_strict(
                missed, [i for _, i in parsed], default=None, return_dtype=pl.String
            )
        )
    if text.null_count():
        issue = issue.set(text.is_null(), f"{label}_EMPTY")
    return pl.DataFrame([digits.rename("digits"), issue.rename("issue")])


def _fast_identity_exprs(label: str, today: date) -> list[pl.Expr]:
    """``digits`` of values that are plainly valid and ``issue`` of plain Excel numbers.

    Plainly valid: spaces (and no-break spaces) aside, 16 digits alone, after
    Excel's apostrophe, or between quotes; a day and month that exist in every
    year (29 February goes the slow way); a serial other than 0000. Such a value
    is valid whatever the century, as long as ``today`` is after 1999, so
    `clean_nik` would agree. Plain Excel numbers: only digits, ``.``, ``,``,
    ``e`` and signs, in `clean_nik`'s scientific or ``.0`` shape. Everything
    else is null in both, to be checked one by one.
    """
    if today < date(1999, 12, 31):
        none = pl.when(pl.lit(False)).then(pl.col("t"))  # all slow, whatever the height
        return [none.alias("digits"), none.alias("issue")]
    squeezed = (
        pl.col("t")
        .str.replace_all(" ", "", literal=True)
        .str.replace_all("\u00a0", "", literal=True)  # NFKC makes it a space, then dropped
    )
    digits = squeezed.str.extract(r"""^['"]?([0-9]{16})['"]?$""", 1)
    # 17 characters means one quote: clean_nik strips a leading apostrophe, nothing else.
    shape_ok = (squeezed.str.len_bytes() != 17) | squeezed.str.starts_with("'")
    raw_day = digits.str.slice(6, 2).cast(pl.Int32)
    day = pl.when(raw_day > 40).then(raw_day - 40).otherwise(raw_day) if label == "NIK" else raw_day
    month = digits.str.slice(8, 2).cast(pl.Int32)
    longest = month.replace_strict(_MONTH_DAYS, default=0, return_dtype=pl.Int32)
    valid = shape_ok & day.is_between(1, longest) & ~digits.str.ends_with("0000")
    # The same patterns as sinergi.domain.identity, anchored.
    scientific = squeezed.str.contains(r"^[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+$")
    float_text = squeezed.str.contains(r"^[0-9]+[.,]0+$")
    issue = (
        pl.when(scientific)
        .then(pl.lit(f"{label}_SCIENTIFIC_NOTATION"))
        .when(float_text)
        .then(pl.lit(f"{label}_EXCEL_TRUNCATED"))
    )
    return [pl.when(valid).then(digits).alias("digits"), issue.alias("issue")]


@cache
def _known_regency_digits() -> pl.Series:
    return pl.Series([a.digits for a in wilayah.areas(wilayah.Level.REGENCY)], dtype=pl.String)


# --- area ------------------------------------------------------------------------------------


def _area_code_of(text: str, scope: str | None) -> tuple[str | None, str | None]:
    """A cleaned area-code cell as (dotted code or None, reason code or None)."""
    compact = "".join(text.split()).strip("'\"")
    if found := _WHOLE_FLOAT.fullmatch(compact):  # a code kept in a float cell: "5205012001.0"
        compact = found.group(1)
    try:
        code = wilayah.normalise_code(compact)
    except wilayah.WilayahError:
        return None, "AREA_UNKNOWN_CODE"
    if not wilayah.exists(code):
        return None, "AREA_UNKNOWN_CODE"
    if wilayah.level_of(code) in (wilayah.Level.PROVINCE, wilayah.Level.REGENCY):
        return None, "AREA_TOO_COARSE"
    if scope is not None and not wilayah.is_within(code, scope):
        return code, "AREA_OUTSIDE_SCOPE"
    return code, None


@lru_cache(maxsize=100_000)
def _resolve_names(
    names: tuple[str | None, str | None, str | None, str | None], scope: str | None
) -> tuple[str | None, dict[str, str]]:
    """The area the names point to, narrowing top down within ``scope``, and the bad names.

    Returns the dotted code when it reaches a district or a village (else None),
    and the reason code of each name that could not be used. A name of a level
    the scope already fixes (a regency name in a regency's import) is checked
    against the scope rather than searched. An ambiguous name that a lower name
    settles (two districts of one name, but the village lies in one of them) is
    no problem.
    """
    scope_depth = -1 if scope is None else scope.count(".")
    current = scope
    resolved = False
    problems: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for depth, ((name_field, level), name) in enumerate(zip(_AREA_NAMES, names, strict=True)):
        if name is None:
            continue
        known_level = current is not None and depth <= current.count(".")
        # Beside the known area's ancestor of the same level, or inside the narrowest known one.
        within = current
        if current is not None and known_level:
            within = None if depth == 0 else ".".join(current.split(".")[:depth])
        try:
            area = wilayah.lookup_name(name, within=within, level=level)
        except wilayah.WilayahError as error:
            if error.code == "WILAYAH_NAME_AMBIGUOUS":
                problems[name_field] = "AREA_NAME_AMBIGUOUS"
                ambiguous[name_field] = error.candidates
            else:
                problems[name_field] = "AREA_NAME_UNKNOWN"
            continue
        if current is not None and known_level:
            if not wilayah.is_within(current, area.code):
                problems[name_field] = "AREA_NAME_UNKNOWN"
                continue
            # A name above the scope only confirms it; one of the scope's own level finds it.
            resolved = resolved or depth >= scope_depth
        else:
            current = area.code
            resolved = True
    for name_field, candidates in ambiguous.items():
        if current is not None and any(wilayah.is_within(current, c) for c in candidates):
            del problems[name_field]
    if not resolved or current is None or current.count(".") < 2:
        return None, problems
    return current, problems


# --- small helpers ---------------------------------------------------------------------------


def _nulls(height: int, dtype: pl.DataType | type[pl.DataType]) -> pl.Series:
    return pl.repeat(None, height, dtype=dtype, eager=True)


def _codes_where(mask: pl.Series, code: str) -> pl.Series:
    """``code`` where ``mask`` is true, null elsewhere (a null in the mask counts as false)."""
    return pl.select(pl.when(pl.lit(mask).fill_null(False)).then(pl.lit(code))).to_series()


def _reason_where(mask: pl.Series, code: str, field_name: str) -> pl.Series:
    return pl.select(
        pl.when(pl.lit(mask)).then(
            pl.struct(code=pl.lit(code), field=pl.lit(field_name), text=pl.lit(None, pl.String))
        )
    ).to_series()


def _scatter(values: pl.DataFrame, height: int, column: str) -> pl.Series:
    """A full-height column from the rows ``__i`` of ``values`` (null elsewhere)."""
    index = pl.DataFrame({"__i": pl.int_range(0, height, dtype=pl.UInt32, eager=True)})
    return index.join(values, on="__i", how="left", maintain_order="left")[column]


def _group_reason(contract: Contract, group: Iterable[str]) -> str:
    names = tuple(group)
    if len(names) == 1 and contract.field(names[0]).kind == "area":
        return "ROW_NO_AREA"
    if len(names) == 1 and contract.field(names[0]).required:
        return "ROW_MISSING_REQUIRED"
    return "ROW_NO_IDENTITY"
