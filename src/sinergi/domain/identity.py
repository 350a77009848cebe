"""NIK and KK numbers: read them from messy spreadsheet cells, check them and take them apart.

A NIK (Nomor Induk Kependudukan) has 16 digits ``PP KK CC DD MM YY SSSS``: the
6-digit Kemendagri district where the person was registered, the day of birth
(plus 40 for women), month, 2-digit year and a 4-digit serial from 0001. A KK
(Nomor Kartu Keluarga) has the 6-digit issuing district, the 6-digit
registration date ``DDMMYY`` and a 4-digit serial. Both are personal data:
errors show them masked (`mask_nik`), and so does ``repr`` of `Nik` and `Kk`.

What a check can and cannot tell offline:

* The 6-digit area need not be in today's area list. Districts are split and
  renumbered (pemekaran), and old NIKs keep the old code, so an unknown area is
  reported in `AreaStatus`, never rejected.
* Excel keeps 15 significant digits of a number. A NIK typed into a number cell
  loses its 16th digit (it becomes 0) and is shown as ``3.20101E+15`` or, with a
  decimal comma, ``5,20501E+15``. Such text is `IdentityIssue.NIK_SCIENTIFIC_NOTATION`:
  most digits are gone and nothing can bring them back.
* A number that reaches us as a Python float, or as text ending in ``.0``
  (``"5205014107890000.0"``, what a float column becomes when written out), went
  through a floating-point number. If Excel made it, the 16th digit is lost; if
  pandas made it (a column with a blank cell), digits survive only up to 2**53,
  about 9.0e15, so Papuan NIKs (91–96) are at risk. We cannot tell which tool did
  it, so such values are `IdentityIssue.NIK_EXCEL_TRUNCATED` and are refused: ask
  for the column again, saved as text.
* A truncated NIK that already lost its ``.0`` (stored as a 16-digit integer or
  text ending in 0) looks like a valid NIK and cannot be detected, except when
  the serial became 0000 (`IdentityIssue.NIK_ZERO_SERIAL`).
* Whether a 16-digit number is a NIK or a KK cannot be told from the number.

Importers call `clean_nik` / `clean_kk`, which never raise and return a stable
reason code for the quarantine table; code that needs the parts calls
`parse_nik` / `parse_kk`.

Examples:
    >>> nik = parse_nik("'5205014107890001", today=date(2026, 1, 1))
    >>> nik.district_code, nik.birth_date, nik.sex, nik.serial
    ('52.05.01', datetime.date(1989, 7, 1), 'P', 1)
    >>> clean_nik("3.20101E+15")
    (None, <IdentityIssue.NIK_SCIENTIFIC_NOTATION: 'NIK_SCIENTIFIC_NOTATION'>)
"""

from __future__ import annotations

import math
import numbers
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from sinergi.domain import wilayah
from sinergi.errors import DomainError

__all__ = [
    "AreaStatus",
    "IdentityError",
    "IdentityIssue",
    "Kk",
    "KkError",
    "Nik",
    "NikError",
    "Sex",
    "clean_kk",
    "clean_nik",
    "looks_like_excel_number",
    "make_kk",
    "make_nik",
    "mask_nik",
    "parse_kk",
    "parse_nik",
]

Sex = Literal["L", "P"]
"""``"L"`` laki-laki (male), ``"P"`` perempuan (female), as on the KTP."""

_SCIENTIFIC = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?[eE][+-]?[0-9]+")
_FLOAT_TEXT = re.compile(r"[0-9]+[.,]0+")
_SEPARATORS = re.compile(r"(?<=[0-9])[.-](?=[0-9])")  # between digits: a sign stays wrong
# Text that spreadsheets and dataframes write for an empty cell.
_EMPTY_WORDS = {"", "-", "nan", "none", "null", "<na>", "nat"}
_QUOTES = "\"'“”‘’`"
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff")


class AreaStatus(StrEnum):
    """Whether the area code inside a NIK or KK is in today's Kemendagri list.

    ``KNOWN_REGENCY_ONLY`` is a warning, not an error: the regency exists but the
    district does not, which is what a NIK issued before a district split looks
    like. ``UNKNOWN`` (not even the regency exists) deserves a closer look.
    """

    KNOWN_DISTRICT = "known_district"
    KNOWN_REGENCY_ONLY = "known_regency_only"
    UNKNOWN = "unknown"


class IdentityIssue(StrEnum):
    """Stable reason codes for a NIK or KK that cannot be used (quarantine reasons).

    Examples:
        >>> IdentityIssue.KK_ZERO_SERIAL.describe()[0][:60]
        'Nomor urut KK (4 digit terakhir) 0000 tidak pernah diterbitk'
    """

    NIK_EMPTY = "NIK_EMPTY"
    NIK_SCIENTIFIC_NOTATION = "NIK_SCIENTIFIC_NOTATION"
    NIK_EXCEL_TRUNCATED = "NIK_EXCEL_TRUNCATED"
    NIK_NOT_DIGITS = "NIK_NOT_DIGITS"
    NIK_WRONG_LENGTH = "NIK_WRONG_LENGTH"
    NIK_BAD_DATE = "NIK_BAD_DATE"
    NIK_ZERO_SERIAL = "NIK_ZERO_SERIAL"
    KK_EMPTY = "KK_EMPTY"
    KK_SCIENTIFIC_NOTATION = "KK_SCIENTIFIC_NOTATION"
    KK_EXCEL_TRUNCATED = "KK_EXCEL_TRUNCATED"
    KK_NOT_DIGITS = "KK_NOT_DIGITS"
    KK_WRONG_LENGTH = "KK_WRONG_LENGTH"
    KK_BAD_DATE = "KK_BAD_DATE"
    KK_ZERO_SERIAL = "KK_ZERO_SERIAL"

    def describe(self) -> tuple[str, str]:
        """The cause and the fix, as (Bahasa Indonesia, English)."""
        label, problem = self.value.split("_", 1)
        indonesian, english = _DESCRIPTIONS[problem]
        words = _DATE_RULES[label] | {"label": label}
        return indonesian.format(**words), english.format(**words)


_RETYPE_ID = (
    "Ambil ulang {label} dari sumber aslinya (KTP, KK atau data Dukcapil) "
    "dan format kolom {label} sebagai Teks sebelum menempelkannya."
)
_RETYPE_EN = (
    "Get the {label} again from its source (KTP, KK or Dukcapil data) "
    "and format the {label} column as Text before pasting."
)
_DATE_RULES = {
    "NIK": {
        "date_rule": "tanggal lahir DDMMYY; pada perempuan tanggal ditambah 40",
        "date_rule_en": "birth date DDMMYY; for women the day plus 40",
    },
    "KK": {
        "date_rule": "tanggal pencatatan DDMMYY",
        "date_rule_en": "registration date DDMMYY",
    },
}
# Keyed by the issue without its NIK_/KK_ prefix; {label} becomes NIK or KK.
_DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "EMPTY": ("{label} kosong. Isi dari KTP atau KK.", "The {label} is empty. Fill it in."),
    "SCIENTIFIC_NOTATION": (
        "{label} tertulis sebagai angka ilmiah (seperti 3.20101E+15) karena Excel menyimpannya "
        "sebagai angka; digit belakangnya sudah hilang dan tidak bisa dipulihkan. " + _RETYPE_ID,
        "The {label} is in scientific notation (like 3.20101E+15) because Excel stored it as a "
        "number; its last digits are lost for good. " + _RETYPE_EN,
    ),
    "EXCEL_TRUNCATED": (
        "{label} pernah disimpan sebagai angka desimal (seperti 3201012345678900.0); Excel hanya "
        "menyimpan 15 digit, jadi digit ke-16 tidak bisa dipercaya. " + _RETYPE_ID,
        "The {label} went through a decimal number (like 3201012345678900.0); Excel keeps only "
        "15 digits, so the 16th digit cannot be trusted. " + _RETYPE_EN,
    ),
    "NOT_DIGITS": (
        "{label} hanya boleh berisi angka 0–9. Hapus huruf, titik atau tanda hubung.",
        "A {label} may contain only the digits 0-9. Remove letters, dots or dashes.",
    ),
    "WRONG_LENGTH": (
        "{label} harus tepat 16 digit. Periksa digit yang hilang atau berlebih.",
        "A {label} has exactly 16 digits. Check for missing or extra digits.",
    ),
    "BAD_DATE": (
        "Digit ke-7 sampai ke-12 {label} harus tanggal yang sah ({date_rule}). "
        "Periksa salah ketik.",
        "Digits 7 to 12 of a {label} must be a valid date ({date_rule_en}). Check for typos.",
    ),
    "ZERO_SERIAL": (
        "Nomor urut {label} (4 digit terakhir) 0000 tidak pernah diterbitkan; kemungkinan salah "
        "ketik atau terpotong oleh Excel. " + _RETYPE_ID,
        "Serial 0000 (the last 4 digits) is never issued; likely a typo or cut by Excel. "
        + _RETYPE_EN,
    ),
}


class IdentityError(DomainError):
    """A NIK or KK cannot be used; ``code`` is an `IdentityIssue` value."""

    @property
    def issue(self) -> IdentityIssue:
        """The reason as an `IdentityIssue`."""
        return IdentityIssue(self.code)


class NikError(IdentityError):
    """A value is not a usable NIK."""


class KkError(IdentityError):
    """A value is not a usable KK number."""


@dataclass(frozen=True, repr=False)
class Nik:
    """A checked NIK and its parts.

    Attributes:
        digits: the 16 digits.
        district_code, regency_code, province_code: dotted Kemendagri codes of the
            place of registration (``"52.05.01"``, ``"52.05"``, ``"52"``).
        birth_date: with the century chosen by `parse_nik`.
        sex: ``"L"`` or ``"P"`` (a day of birth above 40 means ``"P"``).
        serial: 1 to 9999.
        area_status: whether ``district_code`` is in today's area list.
    """

    digits: str
    district_code: str
    regency_code: str
    province_code: str
    birth_date: date
    sex: Sex
    serial: int
    area_status: AreaStatus

    def __repr__(self) -> str:
        return f"Nik({mask_nik(self.digits)!r})"


@dataclass(frozen=True, repr=False)
class Kk:
    """A checked KK (family card) number and its parts.

    Attributes:
        digits: the 16 digits.
        district_code, regency_code, province_code: dotted codes of the issuing area.
        registration_date: the date the card was registered, century chosen like a NIK's.
        serial: 1 to 9999.
        area_status: whether ``district_code`` is in today's area list.
    """

    digits: str
    district_code: str
    regency_code: str
    province_code: str
    registration_date: date
    serial: int
    area_status: AreaStatus

    def __repr__(self) -> str:
        return f"Kk({mask_nik(self.digits)!r})"


def mask_nik(digits: str) -> str:
    """Hide the middle of a NIK or KK for messages and logs, keeping the first and last 4.

    The mask keeps the length, so a 15-digit value still shows as 15 characters.
    Values of 8 characters or fewer are hidden entirely.

    Examples:
        >>> mask_nik("5205014107890001")
        '5205********0001'
        >>> mask_nik("12345678")
        '********'
    """
    if len(digits) <= 8:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def looks_like_excel_number(value: object) -> bool:
    """Whether a cell value went through a spreadsheet number (so its last digits are unsafe).

    True for floats and for text in scientific notation (``"3.20101E+15"``,
    ``"5,20501e15"``) or ending in ``.0``/``,0``. Integers and plain digit text
    are False even though they may have been truncated earlier (see the module
    notes).

    Examples:
        >>> looks_like_excel_number(5205014107890000.0), looks_like_excel_number("5,20501E+15")
        (True, True)
        >>> looks_like_excel_number("5205014107890001"), looks_like_excel_number(5205014107890001)
        (False, False)
    """
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        return not math.isnan(value)
    if not isinstance(value, str):
        return False
    text = _strip_cell(value)
    return bool(_SCIENTIFIC.fullmatch(text) or _FLOAT_TEXT.fullmatch(text))


def parse_nik(value: str | int | float, *, today: date | None = None) -> Nik:
    """Check a NIK from a cell and take it apart.

    Spaces (also inside), surrounding quotes and Excel's leading apostrophe are
    removed first; an int is read as its digits. Dots and hyphens between digit
    groups (``5205.0141.0789.0001``) are dropped when exactly 16 digits remain,
    after the checks for numbers Excel made (``5.20501E+15``, ``...0.0``).

    Args:
        value: the cell value.
        today: the latest possible birth date; the century of the 2-digit year is
            the latest one that keeps the birth date on or before it (default
            today). A NIK of someone born in 1925 is therefore read as 2025; for a
            person over 100 nothing in the NIK tells the centuries apart.

    Returns:
        The `Nik`.

    Raises:
        NikError: ``code`` is the `IdentityIssue`; the message shows the value masked.

    Examples:
        >>> parse_nik(5205010101250001, today=date(2026, 1, 1)).birth_date
        datetime.date(2025, 1, 1)
        >>> parse_nik("5205010101270001", today=date(2026, 1, 1)).birth_date
        datetime.date(1927, 1, 1)
        >>> parse_nik("520501310289000", today=date(2026, 1, 1))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sinergi.domain.identity.NikError: NIK 5205*******9000: ada 15 digit. NIK harus tepat 16...
    """
    digits, born, sex = _check_nik(value, today or date.today())
    district, regency, province, status = _area_parts(digits)
    return Nik(digits, district, regency, province, born, sex, int(digits[12:]), status)


def clean_nik(
    value: object, *, today: date | None = None
) -> tuple[str | None, IdentityIssue | None]:
    """Check a NIK for an importer, never raising.

    Runs every check of `parse_nik` except the area lookup, which only warns.

    Returns:
        ``(digits, None)`` for a usable NIK, ``(None, issue)`` otherwise.

    Examples:
        >>> clean_nik(" 5205 0141 0789 0001 "), clean_nik("5205.0141.0789.0001")
        (('5205014107890001', None), ('5205014107890001', None))
        >>> clean_nik(5205014107890000.0)
        (None, <IdentityIssue.NIK_EXCEL_TRUNCATED: 'NIK_EXCEL_TRUNCATED'>)
        >>> clean_nik(None)
        (None, <IdentityIssue.NIK_EMPTY: 'NIK_EMPTY'>)
    """
    try:
        digits, _, _ = _check_nik(value, today or date.today())
    except NikError as error:
        return None, error.issue
    return digits, None


def parse_kk(value: str | int | float, *, today: date | None = None) -> Kk:
    """Check a KK number from a cell and take it apart; cleans like `parse_nik`.

    The rule that digits 7–12 are the registration date comes from secondary
    sources; an importer that meets many ``KK_BAD_DATE`` may treat it as a warning.

    Raises:
        KkError: ``code`` is the `IdentityIssue`; the message shows the value masked.

    Examples:
        >>> parse_kk("5205012708100012", today=date(2026, 1, 1)).registration_date
        datetime.date(2010, 8, 27)
    """
    digits, registered = _check_kk(value, today or date.today())
    district, regency, province, status = _area_parts(digits)
    return Kk(digits, district, regency, province, registered, int(digits[12:]), status)


def clean_kk(
    value: object, *, today: date | None = None
) -> tuple[str | None, IdentityIssue | None]:
    """Check a KK number for an importer, never raising; returns like `clean_nik`.

    Examples:
        >>> clean_kk("5205013202100012")
        (None, <IdentityIssue.KK_BAD_DATE: 'KK_BAD_DATE'>)
    """
    try:
        digits, _ = _check_kk(value, today or date.today())
    except KkError as error:
        return None, error.issue
    return digits, None


def make_nik(district_code: str | int, birth_date: date, sex: Sex, serial: int) -> str:
    """Build a NIK from its parts (for synthetic data); `parse_nik` takes it apart again.

    Only the last two digits of the year are kept, so `parse_nik` gives the same
    birth date back when it lies within the 100 years before its ``today``.

    Raises:
        ValueError: for a code that is not a 6-digit district code, a sex other than
            "L"/"P", or a serial outside 1..9999.

    Examples:
        >>> make_nik("52.05.01", date(1989, 7, 1), "P", 1)
        '5205014107890001'
    """
    if sex not in ("L", "P"):
        raise ValueError(f"sex must be 'L' or 'P', not {sex!r}")
    day = birth_date.day + (40 if sex == "P" else 0)
    return _make("NIK", district_code, day, birth_date, serial)


def make_kk(district_code: str | int, registration_date: date, serial: int) -> str:
    """Build a KK number from its parts (for synthetic data).

    Raises:
        ValueError: like `make_nik`.

    Examples:
        >>> make_kk(520501, date(2010, 8, 27), 12)
        '5205012708100012'
    """
    return _make("KK", district_code, registration_date.day, registration_date, serial)


# --- helpers ---------------------------------------------------------------------------------


def _make(label: str, district_code: str | int, day: int, when: date, serial: int) -> str:
    try:
        district = wilayah.normalise_code(district_code)
    except wilayah.WilayahError as error:
        raise ValueError(error.english) from error
    if wilayah.level_of(district) is not wilayah.Level.DISTRICT:
        raise ValueError(f"a {label} needs a 6-digit district code, not {district!r}")
    if isinstance(serial, bool) or not isinstance(serial, int) or not 1 <= serial <= 9999:
        raise ValueError(f"a {label} serial is 1..9999, not {serial!r}")
    return f"{district.replace('.', '')}{day:02d}{when.month:02d}{when.year % 100:02d}{serial:04d}"


def _area_parts(digits: str) -> tuple[str, str, str, AreaStatus]:
    district = f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}"
    regency, province = district[:5], district[:2]
    if wilayah.exists(district):
        status = AreaStatus.KNOWN_DISTRICT
    elif wilayah.exists(regency):
        status = AreaStatus.KNOWN_REGENCY_ONLY
    else:
        status = AreaStatus.UNKNOWN
    return district, regency, province, status


def _check_nik(value: object, today: date) -> tuple[str, date, Sex]:
    digits = _sixteen_digits("NIK", value)
    day = int(digits[6:8])
    sex: Sex = "P" if day > 40 else "L"
    born = _date_in_latest_century("NIK", digits, day - 40 if day > 40 else day, today)
    _check_serial("NIK", digits)
    return digits, born, sex


def _check_kk(value: object, today: date) -> tuple[str, date]:
    digits = _sixteen_digits("KK", value)
    registered = _date_in_latest_century("KK", digits, int(digits[6:8]), today)
    _check_serial("KK", digits)
    return digits, registered


def _fail(
    label: str, issue_name: str, text: str = "", detail_id: str = "", detail_en: str = ""
) -> IdentityError:
    """The error for ``issue_name``: the masked value, what is wrong with it, cause and fix."""
    issue = IdentityIssue[f"{label}_{issue_name}"]
    indonesian, english = issue.describe()
    if detail_id:
        indonesian, english = f"{detail_id}. {indonesian}", f"{detail_en}. {english}"
    if text:
        shown = mask_nik(text)
        indonesian, english = f"{label} {shown}: {indonesian}", f"{label} {shown}: {english}"
    error_class = NikError if label == "NIK" else KkError
    return error_class(indonesian, english=english, code=issue)


def _strip_cell(text: str) -> str:
    """Remove what spreadsheets add around a number kept as text: spaces, quotes, apostrophe."""
    if not text.isascii():
        # Full-width digits become ASCII; zero-width spaces and a BOM vanish.
        text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = "".join(text.split())
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1]
    return text.removeprefix("'")


def _sixteen_digits(label: str, value: object) -> str:
    """The 16 digits of a cell value, or the error saying why there are none."""
    if value is None:
        raise _fail(label, "EMPTY")
    if isinstance(value, numbers.Real) and not isinstance(value, numbers.Integral):
        if math.isnan(value):
            raise _fail(label, "EMPTY")
        raise _fail(label, "EXCEL_TRUNCATED", repr(float(value)))
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        text = str(int(value))
    else:
        text = _strip_cell(str(value))
    if text.lower() in _EMPTY_WORDS:
        raise _fail(label, "EMPTY")
    if _SCIENTIFIC.fullmatch(text):
        raise _fail(label, "SCIENTIFIC_NOTATION", text)
    if _FLOAT_TEXT.fullmatch(text):
        raise _fail(label, "EXCEL_TRUNCATED", text)
    # Written in groups (5205.0828.0695.0001, 5205-08-...): the digits are all there. Only
    # after the checks above, so that a number Excel made of it is still told apart.
    grouped = _SEPARATORS.sub("", text)
    if grouped != text and len(grouped) == 16 and grouped.isascii() and grouped.isdigit():
        text = grouped
    if not (text.isascii() and text.isdigit()):
        position, char = next((i, c) for i, c in enumerate(text, 1) if not "0" <= c <= "9")
        raise _fail(
            label,
            "NOT_DIGITS",
            text,
            f"ada karakter {char!r} di posisi {position}",
            f"character {char!r} at position {position}",
        )
    if len(text) != 16:
        raise _fail(label, "WRONG_LENGTH", text, f"ada {len(text)} digit", f"{len(text)} digits")
    return text


def _date_in_latest_century(label: str, digits: str, day: int, today: date) -> date:
    """The date in digits 7–12 (``day`` already freed of a woman's +40), in the latest
    century that does not put it after ``today``."""
    month, year = int(digits[8:10]), int(digits[10:12])
    valid = []
    for century in (2000, 1900):
        try:
            valid.append(date(century + year, month, day))
        except ValueError:
            continue
    for found in valid:
        if found <= today:
            return found

    # Name only the broken part: the whole date would unmask most of the number.
    if valid:
        reason_id, reason_en = "tanggal itu belum terjadi", "that date is in the future"
    elif not 1 <= month <= 12:
        reason_id, reason_en = f"bulan {month:02d} tidak ada", f"there is no month {month:02d}"
    elif not 1 <= day <= 31:
        allowed = "1–31, perempuan 41–71" if label == "NIK" else "1–31"
        allowed_en = "1-31, women 41-71" if label == "NIK" else "1-31"
        reason_id = f"hari {digits[6:8]} tidak mungkin ({allowed})"
        reason_en = f"day {digits[6:8]} is impossible ({allowed_en})"
    elif (day, month) == (29, 2):
        reason_id = "29 Februari hanya ada pada tahun kabisat"
        reason_en = "29 February exists only in leap years"
    else:
        reason_id = f"bulan {month:02d} tidak punya tanggal {day}"
        reason_en = f"month {month:02d} has no day {day}"
    raise _fail(label, "BAD_DATE", digits, reason_id, reason_en)


def _check_serial(label: str, digits: str) -> None:
    if digits.endswith("0000"):
        raise _fail(label, "ZERO_SERIAL", digits)
