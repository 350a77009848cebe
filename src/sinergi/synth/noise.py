"""Realistic, documented, adjustable noise for the synthetic registry exports.

Real registries disagree about the same person: the name is spelled another way,
the NIK has a wrong digit or is missing, the KK number sits in the NIK column,
Excel turned the NIK into ``5.20501E+15``, the birth date moved. DESIGN.md
("Real files are messy", "a broken field is not a missing person") lists what
Sinergi must expect; DOMAIN.md 2.6 says padanan joins on NIK, then No KK, then
name + birth date + desa, and 3.1–3.2 give the 16-digit NIK and KK layouts. The
generator applies this module's noise to each source's copy of a person and
records every change in its ground truth, so that padanan can be scored.

Every function takes a ``numpy.random.Generator`` and whole arrays, and returns
new arrays plus what it changed: a boolean mask, or an array of issue codes
(``""`` where nothing was done). The rates live in ``NoiseRates``.

Identifier problems add up to the share the project brief gives for real lists,
"about a quarter of real records" with a missing, mistyped or mangled NIK or a
KK number in place of the NIK (a figure from the issue text; DOMAIN.md has no
count): with the defaults, ``NoiseRates().identifier_problem_share()`` is 20%
for a CSV export and 24% for an XLSX one.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from numpy.dtypes import StringDType

from sinergi.errors import SynthError

StrArray = npt.NDArray[Any]
BoolArray = npt.NDArray[np.bool_]

_STR = StringDType()


@dataclass(frozen=True)
class NoiseRates:
    """Per-record probabilities of each kind of noise in one source export.

    Every rate is a probability in [0, 1] and applies to each record of a source
    independently, unless the table says otherwise. The NIK rates are exclusive
    (a record gets at most one NIK problem), so their sum must stay at most 1.

    ========================== ======= ==================================================
    field                      default what it does, and why this default
    ========================== ======= ==================================================
    name_variant               0.12    another spelling (Muhammad→Moh./M./Muhamad,
                                       Siti→St./Sitti, Ahmad→Achmad, Abdul→Abd.,
                                       Nur→Noer, Nurhayati↔Nur Hayati, Syamsuddin→
                                       Syamsudin, pre-1972 u→oe, j→dj, c→tj, sy→sj,
                                       ny→nj, kh→ch, y→j); applies to names where a
                                       rule fits (~86% of generated names). Spelling
                                       is the commonest disagreement between lists.
    name_title                 0.03    H./Hj., Drs./Dra., Dr., Ir. before or ", S.Pd",
                                       ", S.H.", ", A.Md." after; hajj titles are
                                       common in NTB but written only in some lists.
    name_typo                  0.02    one letter substituted (keyboard neighbour),
                                       deleted or doubled: data-entry slips.
    name_case                  0.5     chance that a *source* exports ALL CAPS (one
                                       draw per export, ``upper_case_source``); SIKS-NG
                                       and P3KE lists are commonly upper case [U].
    nik_digit_error            0.04    one digit replaced (never by itself): typing.
    nik_transposition          0.02    two adjacent different digits swapped: typing.
    nik_missing                0.05    NIK left empty: persons not yet recorded
                                       (children, the undocumented poor).
    nik_is_kk                  0.03    the KK number typed into the NIK field, a
                                       known habit when the NIK is not at hand.
    kk_missing                 0.07    No. KK left empty.
    birth_date_error           0.03    date shifted by days, months or a year (memory,
                                       re-typing from paper).
    birth_date_day_month_swap  0.02    day and month swapped, for records where that
                                       gives another valid date (day ≤ 12, day ≠
                                       month); the rate is of those records.
    duplicate_record           0.01    the same person listed twice in one source,
                                       the second copy with its own noise (DESIGN:
                                       "duplicated rows").
    moved_household            0.02    household shown in another village of the same
                                       regency in an older source (KK and domicile
                                       change on moving, DOMAIN 3.2).
    excel_mangled_nik          0.05    XLSX only: NIK saved as a number, so 15
                                       significant digits (last digit 0) or the text
                                       ``5.20501E+15`` (DESIGN: unrecoverable).
    ========================== ======= ==================================================

    With these defaults 14% of records have a NIK problem and 7% no KK, so 20% of
    CSV records and 24% of XLSX records have some identifier problem
    (``identifier_problem_share``), the "about a quarter" the brief describes.

    Examples:
        >>> rates = NoiseRates().with_overrides(nik_missing=0.1)
        >>> rates.nik_missing, rates.to_dict()["kk_missing"]
        (0.1, 0.07)
    """

    name_variant: float = 0.12
    name_title: float = 0.03
    name_typo: float = 0.02
    name_case: float = 0.5
    nik_digit_error: float = 0.04
    nik_transposition: float = 0.02
    nik_missing: float = 0.05
    nik_is_kk: float = 0.03
    kk_missing: float = 0.07
    birth_date_error: float = 0.03
    birth_date_day_month_swap: float = 0.02
    duplicate_record: float = 0.01
    moved_household: float = 0.02
    excel_mangled_nik: float = 0.05

    def __post_init__(self) -> None:
        problems: list[tuple[str, str]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            if not ok or math.isnan(value) or not 0.0 <= value <= 1.0:
                problems.append(
                    (
                        f"laju '{f.name}' = {value!r} harus angka antara 0 dan 1",
                        f"rate '{f.name}' = {value!r} must be a number between 0 and 1",
                    )
                )
        if not problems and self.nik_problem_share() > 1.0:
            problems.append(
                (
                    "jumlah laju NIK (nik_digit_error + nik_transposition + nik_missing + "
                    f"nik_is_kk = {self.nik_problem_share():g}) melebihi 1",
                    f"the NIK rates add up to {self.nik_problem_share():g}, above 1",
                )
            )
        if problems:
            raise SynthError(
                "Laju noise tidak sah: "
                + "; ".join(p for p, _ in problems)
                + ". Perbaiki nilainya, mis. 0.05 untuk 5%.",
                english="Invalid noise rates: "
                + "; ".join(e for _, e in problems)
                + ". Fix the values, e.g. 0.05 for 5%.",
                code="SYNTH_BAD_RATE",
            )

    @classmethod
    def from_toml(cls, path: str | Path) -> NoiseRates:
        """Read rates from a TOML file; fields left out keep their defaults.

        The keys may sit at the top level or in a ``[noise]`` table.

        Raises:
            SynthError: ``SYNTH_NOISE_FILE`` when the file cannot be read or
                parsed, ``SYNTH_UNKNOWN_RATE`` for an unknown key, and
                ``SYNTH_BAD_RATE`` for a value outside [0, 1].

        Examples:
            >>> import tempfile, pathlib
            >>> p = pathlib.Path(tempfile.mkdtemp()) / "noise.toml"
            >>> _ = p.write_text("[noise]\\nnik_missing = 0.2\\n")
            >>> NoiseRates.from_toml(p).nik_missing
            0.2
        """
        try:
            with Path(path).open("rb") as handle:
                data = tomllib.load(handle)
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SynthError(
                f"Berkas laju noise '{path}' tidak dapat dibaca: {exc}. Periksa jalur dan "
                "isinya (format TOML, mis. `nik_missing = 0.05`).",
                english=f"Cannot read the noise rates file '{path}': {exc}.",
                code="SYNTH_NOISE_FILE",
            ) from exc
        table = data.get("noise", data)
        if not isinstance(table, dict):
            table = data
        return cls().with_overrides(**table)

    def with_overrides(self, **rates: Any) -> NoiseRates:
        """A copy with some rates changed.

        Raises:
            SynthError: ``SYNTH_UNKNOWN_RATE`` for a name that is not a field,
                ``SYNTH_BAD_RATE`` for a value outside [0, 1].

        Examples:
            >>> NoiseRates().with_overrides(name_typo=0.0).name_typo
            0.0
        """
        known = {f.name for f in fields(self)}
        unknown = sorted(set(rates) - known)
        if unknown:
            names = ", ".join(unknown)
            valid = ", ".join(sorted(known))
            raise SynthError(
                f"Laju noise tidak dikenal: {names}. Nama yang sah: {valid}.",
                english=f"Unknown noise rates: {names}. Valid names: {valid}.",
                code="SYNTH_UNKNOWN_RATE",
            )
        return replace(self, **rates)

    def to_dict(self) -> dict[str, float]:
        """The rates as a plain dict, for the manifest.

        Examples:
            >>> NoiseRates().to_dict()["nik_is_kk"]
            0.03
        """
        return {k: float(v) for k, v in asdict(self).items()}

    def nik_problem_share(self) -> float:
        """Share of records whose NIK is wrong, missing or a KK number (exclusive rates)."""
        return self.nik_digit_error + self.nik_transposition + self.nik_missing + self.nik_is_kk

    def identifier_problem_share(self, *, xlsx: bool = False) -> float:
        """Expected share of records with any NIK or KK problem.

        Args:
            xlsx: count Excel mangling of the NIKs left intact (an XLSX export).

        Examples:
            >>> round(NoiseRates().identifier_problem_share(), 3)
            0.2
            >>> round(NoiseRates().identifier_problem_share(xlsx=True), 3)
            0.24
        """
        nik_ok = 1.0 - self.nik_problem_share()
        if xlsx:
            nik_ok *= 1.0 - self.excel_mangled_nik
        return 1.0 - nik_ok * (1.0 - self.kk_missing)


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_JOIN = "<join>"
"""Rule target meaning: drop the space after ``old`` and lower-case the next letter."""

# (old, new, weight): a record picks one fitting rule with probability in
# proportion to its weight. Muhammad forms dominate, as in real lists.
_SPELLING_RULES: tuple[tuple[str, str, float], ...] = (
    ("Muhammad", "Muhamad", 4),
    ("Muhammad", "Moh.", 3),
    ("Muhammad", "M.", 3),
    ("Muhammad", "Mohammad", 2),
    ("Muhammad", "Mochammad", 1),
    ("Muhammad", "Mohamad", 1),
    ("Muhammad", "Muh.", 1),
    ("Muhammad", "Mhd.", 1),
    ("Mohammad", "Muhammad", 2),
    ("Mohammad", "Moh.", 2),
    ("Muhamad", "Muhammad", 2),
    ("Siti", "St.", 3),
    ("Siti", "Sitti", 3),
    ("Sitti", "Siti", 3),
    ("Ahmad", "Achmad", 2),
    ("Ahmad", "Akhmad", 1),
    ("Abdul ", "Abd. ", 2),
    ("Abdul ", _JOIN, 2),  # Abdul Rahman -> Abdulrahman
    ("Abu Bakar", "Abubakar", 2),
    ("Abubakar", "Abu Bakar", 2),
    ("Nur", "Noer", 1),
    ("Nur ", _JOIN, 3),  # Nur Hayati -> Nurhayati
    ("Nurhayati", "Nur Hayati", 2),
    ("Nurjannah", "Nur Jannah", 2),
    ("Nuraini", "Nur Aini", 2),
    ("Lalu ", "L. ", 2),
    ("Baiq ", "Bq. ", 2),
    ("dd", "d", 2),  # Syamsuddin -> Syamsudin
    ("Kh", "H", 1),  # Khadijah -> Hadijah
    ("kh", "h", 1),
    ("ai", "ae", 1),  # Zainal -> Zaenal
    ("ae", "ai", 1),  # Jaenab -> Jainab
    ("Z", "J", 1),  # Zaenab -> Jaenab
    ("f", "p", 1),  # Arifin -> Aripin
    ("F", "P", 1),  # Fatimah -> Patimah
    ("dh", "d", 1),  # Ramadhan -> Ramadan
    # Spelling before the 1972 reform (EYD): Soeharto, Djamaluddin, Tjahjo.
    ("u", "oe", 1),
    ("U", "Oe", 1),
    ("j", "dj", 0.5),
    ("J", "Dj", 0.5),
    ("c", "tj", 0.5),
    ("C", "Tj", 0.5),
    ("sy", "sj", 0.5),
    ("Sy", "Sj", 0.5),
    ("ny", "nj", 0.5),
    ("kh", "ch", 0.5),
    ("Kh", "Ch", 0.5),
    ("y", "j", 0.5),
    ("Y", "J", 0.5),
)

_MALE_TITLES = ("H. ", "H. ", "H. ", "Drs. ", "Ir. ", "Dr. ")
_FEMALE_TITLES = ("Hj. ", "Hj. ", "Hj. ", "Dra. ", "Ir. ", "Dr. ")
_NEUTRAL_TITLES = ("Ir. ", "Dr. ")
_SUFFIX_TITLES = (", S.Pd", ", S.H.", ", A.Md.", ", S.E.", ", S.Sos", ", S.Pd.I", ", S.Ag")
_SUFFIX_SHARE = 0.3
"""Share of added titles that are academic suffixes rather than prefixes."""

_KEYBOARD = {
    "q": "wa", "w": "qeas", "e": "wrds", "r": "etdf", "t": "ryfg", "y": "tugh",
    "u": "yihj", "i": "uojk", "o": "ipkl", "p": "ol", "a": "qwsz", "s": "awedxz",
    "d": "serfcx", "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb", "j": "huikmn",
    "k": "jiolm", "l": "kop", "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb",
    "b": "vghn", "n": "bhjm", "m": "njk",
}  # fmt: skip


def spelling_variants(
    rng: np.random.Generator, names: npt.ArrayLike, rate: float
) -> tuple[StrArray, BoolArray]:
    """Rewrite a share ``rate`` of names to another accepted spelling.

    Each chosen name gets one rule from ``_SPELLING_RULES`` that fits it, picked
    in proportion to the rule weights; a name no rule fits keeps its spelling,
    so ``rate`` is the rate among names with a fitting rule.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> out, changed = spelling_variants(rng, ["Muhammad Ilham"], 1.0)
        >>> bool(changed[0]), out[0] != "Muhammad Ilham"
        (True, True)
    """
    arr = np.array(names, dtype=_STR)
    rows = np.flatnonzero(rng.random(len(arr)) < rate)
    changed = np.zeros(len(arr), dtype=bool)
    if not len(rows):
        return arr, changed
    sub = arr[rows].tolist()
    # Which rules fit is decided once per distinct name (Python's `in` beats
    # np.strings.find here), then spread to the rows: shape (rules, rows).
    distinct = list(dict.fromkeys(sub))
    where = {name: i for i, name in enumerate(distinct)}
    inverse = np.array([where[name] for name in sub], dtype=np.intp)
    olds = list(dict.fromkeys(old for old, _, _ in _SPELLING_RULES))
    fits_distinct = np.array([[old in name for name in distinct] for old in olds], dtype=bool)
    column = {old: i for i, old in enumerate(olds)}
    fits = fits_distinct[[column[old] for old, _, _ in _SPELLING_RULES]][:, inverse]
    weights = np.array([w for _, _, w in _SPELLING_RULES])
    # Weighted choice among the fitting rules: the first rule whose running
    # weight passes u * (total fitting weight).
    target = rng.random(len(rows)) * (weights @ fits)
    running = np.zeros(len(rows))
    rule = np.full(len(rows), -1)
    for r, weight in enumerate(weights):
        running += weight * fits[r]
        rule[(rule < 0) & (running > target)] = r
    has_rule = rule >= 0
    picked = np.flatnonzero(has_rule)
    arr[rows[picked]] = [
        _respell(sub[i], *_SPELLING_RULES[r][:2])
        for i, r in zip(picked.tolist(), rule[picked].tolist(), strict=True)
    ]
    changed[rows] = has_rule
    return arr, changed


def _respell(name: str, old: str, new: str) -> str:
    """Apply one spelling rule at the first place it fits.

    Examples:
        >>> _respell("Nur Hayati", "Nur ", _JOIN), _respell("Siti Aminah", "Siti", "St.")
        ('Nurhayati', 'St. Aminah')
    """
    if new != _JOIN:
        return name.replace(old, new, 1)
    end = name.find(old) + len(old)
    return name[: end - 1] + name[end : end + 1].lower() + name[end + 1 :]


def add_titles(
    rng: np.random.Generator,
    names: npt.ArrayLike,
    rate: float,
    sex: npt.ArrayLike | None = None,
) -> tuple[StrArray, BoolArray]:
    """Add a title to a share ``rate`` of names: H./Hj. and others before, degrees after.

    Men get H., Drs., Ir., Dr.; women Hj., Dra., Ir., Dr.; without ``sex`` only
    Ir. and Dr. A share ``_SUFFIX_SHARE`` get a degree after a comma instead
    (", S.Pd", ", S.H.", ", A.Md." ...).

    Examples:
        >>> rng = np.random.default_rng(2)
        >>> out, changed = add_titles(rng, ["Siti Aminah"], 1.0, sex=["P"])
        >>> bool(changed[0]), "H. " in out[0]
        (True, False)
    """
    arr = np.array(names, dtype=_STR)
    rows = np.flatnonzero(rng.random(len(arr)) < rate)
    changed = np.zeros(len(arr), dtype=bool)
    changed[rows] = True
    if not len(rows):
        return arr, changed
    suffix = rng.random(len(rows)) < _SUFFIX_SHARE
    pick = rng.integers(0, 1 << 30, len(rows))
    if sex is None:
        prefix = np.array(_NEUTRAL_TITLES, dtype=_STR)[pick % len(_NEUTRAL_TITLES)]
    else:
        female = np.asarray(sex)[rows] == "P"
        men = np.array(_MALE_TITLES, dtype=_STR)[pick % len(_MALE_TITLES)]
        women = np.array(_FEMALE_TITLES, dtype=_STR)[pick % len(_FEMALE_TITLES)]
        prefix = np.where(female, women, men)
    after = np.array(_SUFFIX_TITLES, dtype=_STR)[pick % len(_SUFFIX_TITLES)]
    sub = arr[rows]
    arr[rows] = np.where(suffix, np.strings.add(sub, after), np.strings.add(prefix, sub))
    return arr, changed


def add_typos(
    rng: np.random.Generator, names: npt.ArrayLike, rate: float
) -> tuple[StrArray, BoolArray]:
    """Put one typing slip in a share ``rate`` of names.

    A slip substitutes a letter by a keyboard neighbour (half), deletes a letter
    (a quarter) or doubles one (a quarter); never the first letter, and every
    slip changes the name.

    Examples:
        >>> out, changed = add_typos(np.random.default_rng(0), ["Ruslan"], 1.0)
        >>> bool(changed[0]), out[0] != "Ruslan", abs(len(out[0]) - 6) <= 1
        (True, True, True)
    """
    arr = np.array(names, dtype=_STR)
    rows = np.flatnonzero(rng.random(len(arr)) < rate)
    changed = np.zeros(len(arr), dtype=bool)
    if not len(rows):
        return arr, changed
    position = rng.random(len(rows))
    kind = rng.random(len(rows))
    key = rng.integers(0, 1 << 30, len(rows))
    out = []
    for name, pos_u, kind_u, k in zip(arr[rows].tolist(), position, kind, key, strict=True):
        out.append(_typo(name, float(pos_u), float(kind_u), int(k)))
    new = np.array(out, dtype=_STR)
    changed[rows] = new != arr[rows]
    arr[rows] = new
    return arr, changed


def _typo(name: str, pos_u: float, kind_u: float, key: int) -> str:
    """One slip in ``name`` at the letter chosen by ``pos_u`` (all draws precomputed)."""
    letters = [i for i in range(1, len(name)) if name[i].isalpha()]
    if not letters:
        return name
    i = letters[int(pos_u * len(letters))]
    c = name[i]
    if kind_u < 0.25:
        return name[:i] + name[i + 1 :]
    if kind_u < 0.5:
        return name[:i] + c + name[i:]
    near = _KEYBOARD.get(c.lower(), "aeiou".replace(c.lower(), ""))
    sub = near[key % len(near)]
    return name[:i] + (sub.upper() if c.isupper() else sub) + name[i + 1 :]


def upper_case_source(
    rng: np.random.Generator, names: npt.ArrayLike, rate: float
) -> tuple[StrArray, bool]:
    """Upper-case a whole export with probability ``rate`` (one draw per source).

    Returns:
        The names, and whether this export is upper case.

    Examples:
        >>> upper_case_source(np.random.default_rng(0), ["Siti Aminah"], 1.0)[0].tolist()
        ['SITI AMINAH']
    """
    arr = np.array(names, dtype=_STR)
    upper = bool(rng.random() < rate)
    return (np.strings.upper(arr) if upper else arr), upper


def vary_names(
    rng: np.random.Generator,
    names: npt.ArrayLike,
    rates: NoiseRates,
    sex: npt.ArrayLike | None = None,
) -> tuple[StrArray, BoolArray]:
    """Apply spelling variants, typos and titles to canonical Title Case names.

    Each kind is drawn independently with its rate (``name_variant``,
    ``name_typo``, ``name_title``); the case of the export is a per-source choice
    left to ``upper_case_source``, applied last.

    Returns:
        The new names and a mask of the records that changed.

    Examples:
        >>> rng = np.random.default_rng(0)
        >>> rates = NoiseRates(name_variant=1.0, name_typo=0.0, name_title=0.0)
        >>> out, changed = vary_names(rng, ["Siti Aminah", "Muhammad Ilham"], rates)
        >>> changed.tolist()
        [True, True]
    """
    out, variant = spelling_variants(rng, names, rates.name_variant)
    out, typo = add_typos(rng, out, rates.name_typo)
    out, title = add_titles(rng, out, rates.name_title, sex)
    return out, variant | typo | title


# ---------------------------------------------------------------------------
# NIK and KK
# ---------------------------------------------------------------------------

NIK_ISSUES = ("", "digit", "transposition", "missing", "is_kk")
"""Issue codes of ``corrupt_niks``; ``""`` means untouched."""

KK_ISSUES = ("", "missing")
"""Issue codes of ``corrupt_kks``."""

BIRTH_DATE_ISSUES = ("", "shift", "day_month_swap")
"""Issue codes of ``corrupt_birth_dates``."""


def _digits(values: npt.NDArray[Any], what: str) -> npt.NDArray[np.uint8]:
    """16-digit strings as an ``(n, 16)`` array of digit values; SynthError otherwise."""
    arr = np.asarray(values, dtype=_STR)
    bad = (np.strings.str_len(arr) != 16) | ~np.strings.isdigit(arr)
    if bad.any():
        example = arr[np.flatnonzero(bad)[0]]
        raise SynthError(
            f"{what} harus 16 digit (ditemukan {example!r} pada {int(bad.sum())} baris).",
            english=f"{what} must have 16 digits (found {example!r} in {int(bad.sum())} rows).",
            code="SYNTH_BAD_NIK",
        )
    raw = np.frombuffer(arr.astype("S16").tobytes(), dtype=np.uint8).reshape(-1, 16)
    return raw - np.uint8(48)


def _as_text(digits: npt.NDArray[np.uint8]) -> npt.NDArray[Any]:
    """Inverse of ``_digits``: rows of digit values back to Python strings."""
    raw = np.ascontiguousarray(digits + np.uint8(48))
    return raw.view("S16").ravel().astype(str).astype(object)


def change_one_digit(rng: np.random.Generator, niks: npt.ArrayLike) -> npt.NDArray[Any]:
    """Replace one digit of each 16-digit number by a different digit.

    Examples:
        >>> change_one_digit(np.random.default_rng(0), ["5205014107890001"])[0] != (
        ...     "5205014107890001")
        True
    """
    d = _digits(np.asarray(niks, dtype=object), "NIK")
    rows = np.arange(len(d))
    pos = rng.integers(0, 16, len(d))
    d[rows, pos] = (d[rows, pos] + rng.integers(1, 10, len(d))) % 10
    return _as_text(d)


def swap_adjacent_digits(
    rng: np.random.Generator, niks: npt.ArrayLike
) -> tuple[npt.NDArray[Any], BoolArray]:
    """Swap two adjacent, different digits of each 16-digit number.

    Returns:
        The numbers, and a mask that is False only where every digit is the same
        (nothing to swap).

    Examples:
        >>> swap_adjacent_digits(np.random.default_rng(0), ["1111111111111112"])[0][0]
        '1111111111111121'
    """
    d = _digits(np.asarray(niks, dtype=object), "NIK")
    differs = d[:, :-1] != d[:, 1:]
    score = rng.random(differs.shape) * differs
    pos = score.argmax(axis=1)
    ok = differs.any(axis=1)
    rows = np.flatnonzero(ok)
    left, right = d[rows, pos[rows]].copy(), d[rows, pos[rows] + 1].copy()
    d[rows, pos[rows]], d[rows, pos[rows] + 1] = right, left
    return _as_text(d), ok


def _categories(rng: np.random.Generator, n: int, rates: list[float]) -> npt.NDArray[np.intp]:
    """Draw exclusive categories 1..k with probabilities ``rates`` (0 = none)."""
    edges = np.cumsum(rates)
    u = rng.random(n)
    cat = np.searchsorted(edges, u, side="right") + 1
    cat[u >= edges[-1]] = 0
    return cat


def corrupt_niks(
    rng: np.random.Generator,
    niks: npt.ArrayLike,
    kks: npt.ArrayLike,
    rates: NoiseRates,
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Damage NIKs the way registries do: a wrong digit, a swap, empty, or the KK.

    Each record gets at most one issue, with the exclusive probabilities
    ``nik_digit_error``, ``nik_transposition``, ``nik_missing`` and ``nik_is_kk``.

    Args:
        niks: the true 16-digit NIKs.
        kks: the true KK number of each person (for ``is_kk``).

    Returns:
        The NIK column (an object array, ``None`` where missing) and the issue
        code of each record (``NIK_ISSUES``).

    Examples:
        >>> rates = NoiseRates(nik_digit_error=0, nik_transposition=0, nik_missing=0,
        ...                    nik_is_kk=1.0)
        >>> corrupt_niks(np.random.default_rng(0), ["5205014107890001"],
        ...              ["5205011203150004"], rates)[0].tolist()
        ['5205011203150004']
    """
    out = np.asarray(niks, dtype=object).copy()
    kk = np.asarray(kks, dtype=object)
    if len(kk) != len(out):
        raise SynthError(
            f"Jumlah KK ({len(kk)}) tidak sama dengan jumlah NIK ({len(out)}).",
            english=f"{len(kk)} KK numbers for {len(out)} NIKs.",
            code="SYNTH_BAD_SHAPE",
        )
    cat = _categories(
        rng,
        len(out),
        [rates.nik_digit_error, rates.nik_transposition, rates.nik_missing, rates.nik_is_kk],
    )
    cat[out == None] = 0  # noqa: E711 (elementwise) already empty: nothing to damage
    digit = np.flatnonzero(cat == 1)
    if len(digit):
        out[digit] = change_one_digit(rng, out[digit])
    swap = np.flatnonzero(cat == 2)
    if len(swap):
        out[swap], ok = swap_adjacent_digits(rng, out[swap])
        cat[swap[~ok]] = 0
    out[cat == 3] = None
    is_kk = np.flatnonzero(cat == 4)
    out[is_kk] = kk[is_kk]
    return out, np.array(NIK_ISSUES, dtype=object)[cat]


def corrupt_kks(
    rng: np.random.Generator, kks: npt.ArrayLike, rates: NoiseRates
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Empty the KK number of a share ``kk_missing`` of records.

    Returns:
        The KK column (an object array, ``None`` where missing) and the issue
        codes (``KK_ISSUES``).

    Examples:
        >>> out, issue = corrupt_kks(np.random.default_rng(0), ["5205011203150004"],
        ...                          NoiseRates(kk_missing=1.0))
        >>> out.tolist(), issue.tolist()
        ([None], ['missing'])
    """
    out = np.asarray(kks, dtype=object).copy()
    missing = rng.random(len(out)) < rates.kk_missing
    out[missing] = None
    return out, np.array(KK_ISSUES, dtype=object)[missing.astype(np.intp)]


def excel_mangle_niks(
    rng: np.random.Generator, niks: npt.ArrayLike, rate: float
) -> tuple[list[str | float | None], BoolArray]:
    """Turn a share ``rate`` of NIKs into what Excel keeps of a number.

    Excel stores numbers as doubles with 15 significant digits: a typed NIK keeps
    its first 15 digits and gets a 0 last (``5205014107890000.0``); in General
    format, saved as text, it shows as ``5.20501E+15``. Three in five mangled NIKs
    come back as the number, two in five as that text. ``None`` stays ``None``.

    Returns:
        A list of values (str, float or None) and the mask of mangled records.

    Examples:
        >>> values, mask = excel_mangle_niks(np.random.default_rng(1),
        ...                                  ["5205014107890001"], 1.0)
        >>> values[0] in (5205014107890000.0, "5.20501E+15")
        True
    """
    values: list[str | float | None] = list(np.asarray(niks, dtype=object))
    present = np.array([v is not None for v in values], dtype=bool)
    mask = present & (rng.random(len(values)) < rate)
    as_number = rng.random(len(values)) < 0.6
    for i in np.flatnonzero(mask).tolist():
        text = str(values[i])
        number = float(text[:15] + "0")
        values[i] = number if as_number[i] else _excel_general(number)
    return values, mask


def _excel_general(number: float) -> str:
    """Excel's General format of a large number: 6 significant digits, ``E+nn``.

    Examples:
        >>> _excel_general(5205014107890000.0), _excel_general(3200000000000000.0)
        ('5.20501E+15', '3.2E+15')
    """
    mantissa, exponent = f"{number:.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent}"


def duplicate_indices(rng: np.random.Generator, n: int, rate: float) -> npt.NDArray[np.intp]:
    """Indices (ascending) of the records a source lists twice.

    Examples:
        >>> duplicate_indices(np.random.default_rng(0), 5, 1.0).tolist()
        [0, 1, 2, 3, 4]
    """
    return np.flatnonzero(rng.random(n) < rate)


# ---------------------------------------------------------------------------
# Birth dates
# ---------------------------------------------------------------------------


def corrupt_birth_dates(
    rng: np.random.Generator, dates: npt.ArrayLike, rates: NoiseRates
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[Any]]:
    """Shift some birth dates and swap day and month of others.

    One uniform draw per record decides: a record whose day is at most 12 and
    differs from its month is swapped with probability
    ``birth_date_day_month_swap``; any record is shifted with probability
    ``birth_date_error`` (by 1–30 days, 1–3 months or one year, either way; the
    date always changes and stays valid). ``NaT`` stays ``NaT``.

    Returns:
        The dates (``datetime64[D]``) and issue codes (``BIRTH_DATE_ISSUES``).

    Examples:
        >>> dates = np.array(["1980-03-07"], dtype="datetime64[D]")
        >>> rates = NoiseRates(birth_date_day_month_swap=1.0, birth_date_error=0.0)
        >>> out, issue = corrupt_birth_dates(np.random.default_rng(0), dates, rates)
        >>> str(out[0]), issue[0]
        ('1980-07-03', 'day_month_swap')
    """
    d = np.asarray(dates, dtype="datetime64[D]").copy()
    month_start = d.astype("datetime64[M]")
    day = (d - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    month = month_start.astype(np.int64) % 12 + 1
    valid = ~np.isnat(d)
    eligible = valid & (day <= 12) & (day != month)

    swap_rate, error_rate = rates.birth_date_day_month_swap, rates.birth_date_error
    u = rng.random(len(d))
    swap = eligible & (u < swap_rate)
    shift = valid & (u >= swap_rate) & (u < swap_rate + error_rate)

    rows = np.flatnonzero(swap)
    year_start = d[rows].astype("datetime64[Y]").astype("datetime64[M]")
    d[rows] = (year_start + (day[rows] - 1)).astype("datetime64[D]") + (month[rows] - 1)

    rows = np.flatnonzero(shift)
    d[rows] = _shift_dates(rng, d[rows])
    codes = np.where(swap, 2, np.where(shift, 1, 0))
    return d, np.array(BIRTH_DATE_ISSUES, dtype=object)[codes]


def _shift_dates(
    rng: np.random.Generator, d: npt.NDArray[np.datetime64]
) -> npt.NDArray[np.datetime64]:
    """Move each date by 1–30 days (40%), 1–3 months (30%) or a year (30%), never by 0."""
    n = len(d)
    sign = np.where(rng.random(n) < 0.5, -1, 1)
    kind = rng.random(n)
    by_days = d + sign * rng.integers(1, 31, n)
    months = np.where(kind < 0.7, rng.integers(1, 4, n), 12) * sign
    start = d.astype("datetime64[M]")
    day = (d - start.astype("datetime64[D]")).astype(np.int64)
    target = start + months
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    by_months = target.astype("datetime64[D]") + np.minimum(day, length - 1)
    return np.where(kind < 0.4, by_days, by_months)
