"""Kemendagri area codes: check, look up and walk provinces, regencies, districts and villages.

A Kemendagri code names one area at one of four levels, written with dots
("angka dan titik") or as plain digits:

==============  =================  ============
Level           Dotted             Plain digits
==============  =================  ============
provinsi        ``52``             2
kabupaten/kota  ``52.05``          4
kecamatan       ``52.05.01``       6
desa/kelurahan  ``52.05.01.2001``  10
==============  =================  ============

Sinergi always stores and returns the dotted form; `normalise_code` turns any
accepted spelling into it. The list of areas is the one shipped in
``sinergi/data/wilayah/`` (38 provinces, 514 regencies, 7,277 districts,
83,763 villages), read once on first use. BPS (Wilkerstat) codes look the same
but can differ; they are not handled here.

Data attribution: the area list comes from the npm package ``idn-area-data``
3.1.2, compiled from the Minister of Home Affairs decrees on area codes, and is
licensed under the Open Database License (ODbL). Anything that ships it must
ship ``data/wilayah/SOURCE.md`` and ``data/wilayah/LICENSE.md`` with it.

Examples:
    >>> normalise_code(5205012001)
    '52.05.01.2001'
    >>> get("52.05").label
    'Kab. Dompu'
    >>> [area.label for area in ancestors("52.05.01.1001")]
    ['Prov. Nusa Tenggara Barat', 'Kab. Dompu', 'Kec. Dompu']
    >>> lookup_name("Kota Bima").code
    '52.72'
"""

from __future__ import annotations

import bisect
import csv
import io
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal

from sinergi.errors import DomainError

__all__ = [
    "Area",
    "Kind",
    "Level",
    "WilayahError",
    "ancestors",
    "areas",
    "children",
    "exists",
    "find",
    "get",
    "is_kelurahan",
    "is_within",
    "level_of",
    "lookup_name",
    "name_or_code",
    "normalise_code",
    "parent",
    "villages_of",
]

Kind = Literal["kabupaten", "kota", "kelurahan", "desa", "desa_adat"]

_FORMAT_HELP_ID = (
    "Gunakan 2, 4, 6 atau 10 digit, dengan atau tanpa titik: 52, 52.05, 52.05.01, 52.05.01.2001."
)
_FORMAT_HELP_EN = (
    "Use 2, 4, 6 or 10 digits, with or without dots: 52, 52.05, 52.05.01, 52.05.01.2001."
)
_PLAIN = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")
_DOTTED = re.compile(r"[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?")
# Ambiguous-name errors list at most this many candidates; more would not be read.
_MAX_LISTED = 10


class WilayahError(DomainError):
    """An area code or name is malformed, unknown or ambiguous.

    Codes: ``WILAYAH_BAD_FORMAT``, ``WILAYAH_UNKNOWN``, ``WILAYAH_NAME_UNKNOWN``,
    ``WILAYAH_NAME_AMBIGUOUS`` (and ``WILAYAH_DATA_INCONSISTENT`` if the shipped
    list itself is broken). ``candidates`` holds the matching codes of an
    ambiguous name, so a program can offer them as choices.
    """

    def __init__(
        self, pesan: str, *, english: str, code: str, candidates: tuple[str, ...] = ()
    ) -> None:
        super().__init__(pesan, english=english, code=code)
        self.candidates = candidates


class Level(StrEnum):
    """The four levels of Indonesian government areas, top down."""

    PROVINCE = "provinsi"
    REGENCY = "kabupaten_kota"
    DISTRICT = "kecamatan"
    VILLAGE = "desa_kelurahan"


_LEVEL_BY_SEGMENTS = {1: Level.PROVINCE, 2: Level.REGENCY, 3: Level.DISTRICT, 4: Level.VILLAGE}
_BELOW = {
    Level.PROVINCE: Level.REGENCY,
    Level.REGENCY: Level.DISTRICT,
    Level.DISTRICT: Level.VILLAGE,
}


@dataclass(frozen=True, slots=True)
class Area:
    """One area of the Kemendagri list.

    Attributes:
        code: dotted code, e.g. ``"52.05.01.2008"``.
        name: the name as the list spells it (provinces and regencies in capitals,
            regencies with their ``KABUPATEN``/``KOTA`` prefix).
        level: the `Level`.
        parent_code: dotted code of the area one level up; None for a province.
        kind: ``"kabupaten"`` or ``"kota"`` for a regency (the second code pair is
            01–69 for a kabupaten, 71–99 for a kota); ``"kelurahan"``, ``"desa"`` or
            ``"desa_adat"`` for a village, from the first digit of its 4-digit part
            (1, 2, 3). Digit 3 appears on 14 villages in Papua whose names start
            "Desa Adat"; reading it as desa adat is an inference, not a documented
            rule. None for provinces and districts.

    Examples:
        >>> area = get("52.05.01.2008")
        >>> area.name, area.kind, area.digits, area.label
        ('Katua', 'desa', '5205012008', 'Desa Katua')
    """

    code: str
    name: str
    level: Level
    parent_code: str | None
    kind: Kind | None = None

    @property
    def digits(self) -> str:
        """The code without dots, as many spreadsheets store it (``"5205012008"``)."""
        return self.code.replace(".", "")

    @property
    def label(self) -> str:
        """A short name for people: "Prov. Bali", "Kab. Dompu", "Kota Bima", "Kec. Dompu",
        "Desa Katua", "Kel. Bada"."""
        if self.level is Level.PROVINCE:
            return f"Prov. {_title(self.name)}"
        if self.level is Level.REGENCY:
            rest = _title(self.name.split(" ", 1)[1])
            return f"Kota {rest}" if self.kind == "kota" else f"Kab. {rest}"
        if self.level is Level.DISTRICT:
            return f"Kec. {self.name}"
        prefix = {"kelurahan": "Kel.", "desa": "Desa", "desa_adat": "Desa Adat"}[
            self.kind or "desa"
        ]
        # Some villages are named "Desa Baru" or "Desa Adat Ayapo"; don't say it twice.
        return self.name if self.name.startswith(prefix) else f"{prefix} {self.name}"


def normalise_code(value: str | int) -> str:
    """Return the dotted form of an area code written in any accepted way.

    Checks the format only: a well-formed code that is not in the list passes
    (use `get` or `exists` for that).

    Args:
        value: dotted (``"52.05.01"``) or plain (``"520501"``) text with 2, 4, 6 or
            10 digits, surrounding spaces allowed, or an int (``5205012001``).

    Returns:
        The dotted code.

    Raises:
        WilayahError: ``WILAYAH_BAD_FORMAT`` for anything else, including partial
            segments such as ``"52.0"`` and mixed forms such as ``"5205.01"``.

    Examples:
        >>> normalise_code(" 520501 "), normalise_code("52.05"), normalise_code(52)
        ('52.05.01', '52.05', '52')
        >>> normalise_code("52050")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sinergi.domain.wilayah.WilayahError: Kode wilayah '52050' tidak berformat benar. ...
    """
    # bool is an int subclass; True is never meant as an area code.
    if isinstance(value, bool) or not isinstance(value, str | int):
        text = repr(value)
    else:
        text = str(value).strip()
        if _DOTTED.fullmatch(text):
            return text
        if _PLAIN.fullmatch(text):
            return _dot(text)
    raise WilayahError(
        f"Kode wilayah {text!r} tidak berformat benar. {_FORMAT_HELP_ID}",
        english=f"Area code {text!r} is malformed. {_FORMAT_HELP_EN}",
        code="WILAYAH_BAD_FORMAT",
    )


def level_of(code: str | int) -> Level:
    """The level a code's format implies (``"52.05"`` is a regency), without looking it up.

    Examples:
        >>> level_of("5205012001")
        <Level.VILLAGE: 'desa_kelurahan'>
    """
    return _LEVEL_BY_SEGMENTS[normalise_code(code).count(".") + 1]


def is_kelurahan(code: str | int) -> bool:
    """Whether a village code is a kelurahan (urban, led by a civil servant) rather than a desa.

    Decided by the format alone: the 4-digit village part starts with 1. Codes of
    other levels are not kelurahan, so they give False.

    Examples:
        >>> is_kelurahan("52.05.01.1001"), is_kelurahan("52.05.01.2008"), is_kelurahan("52.05")
        (True, False, False)
    """
    dotted = normalise_code(code)
    return dotted.count(".") == 3 and dotted[9] == "1"


def is_within(code: str | int, prefix: str | int) -> bool:
    """Whether ``code`` lies inside the area ``prefix`` (or is that area): the scope test.

    Compares whole code segments, never raw text, so ``"52.0"`` is rejected as
    malformed rather than matching ``52.05`` and ``52.06``. Works on the format
    alone; neither code has to exist.

    Raises:
        WilayahError: ``WILAYAH_BAD_FORMAT`` when either code is malformed.

    Examples:
        >>> is_within("52.05.01.2001", "52.05"), is_within("5205012001", 52)
        (True, True)
        >>> is_within("52.05", "52.05.01"), is_within("52.72", "52.07")
        (False, False)
        >>> is_within("52.72", "52.7")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sinergi.domain.wilayah.WilayahError: Kode wilayah '52.7' tidak berformat benar. ...
    """
    inner, outer = normalise_code(code), normalise_code(prefix)
    return inner == outer or inner.startswith(outer + ".")


def find(code: str | int) -> Area | None:
    """The area with this code, or None when the list has no such area.

    Raises:
        WilayahError: ``WILAYAH_BAD_FORMAT`` when the code is malformed.
    """
    dotted = normalise_code(code)
    return _table(level_of(dotted)).by_code.get(dotted)


def exists(code: str | int) -> bool:
    """Whether the list has an area with this code (malformed codes raise, see `find`)."""
    return find(code) is not None


def get(code: str | int) -> Area:
    """The area with this code.

    Raises:
        WilayahError: ``WILAYAH_BAD_FORMAT`` when malformed, ``WILAYAH_UNKNOWN`` when
            the list has no such area; the message names the nearest area above it
            that does exist.

    Examples:
        >>> get(5205).name
        'KABUPATEN DOMPU'
        >>> get("52.05.99")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sinergi.domain.wilayah.WilayahError: Kode wilayah 52.05.99 tidak ada dalam daftar ...
    """
    dotted = normalise_code(code)
    area = find(dotted)
    if area is not None:
        return area
    known = _nearest_known(dotted)
    hint_id = hint_en = ""
    if known is not None:
        hint_id = f" {known.label} ({known.code}) ada, tetapi {dotted} tidak ada di dalamnya."
        hint_en = f" {known.label} ({known.code}) exists but has no {dotted}."
    raise WilayahError(
        f"Kode wilayah {dotted} tidak ada dalam daftar kode Kemendagri yang dipakai Sinergi."
        f"{hint_id} Periksa ketikan; kode lama bisa hilang setelah pemekaran wilayah.",
        english=f"Area code {dotted} is not in Sinergi's Kemendagri code list.{hint_en}"
        " Check for typos; old codes can disappear after an area is split.",
        code="WILAYAH_UNKNOWN",
    )


def parent(code: str | int) -> Area | None:
    """The area one level up (None for a province). Raises like `get`.

    Examples:
        >>> parent("52.05.01.2008").label
        'Kec. Dompu'
    """
    area = get(code)
    return None if area.parent_code is None else get(area.parent_code)


def name_or_code(code: str) -> str:
    """The area's name as the list spells it, or the code itself when it is not in the list.

    Examples:
        >>> name_or_code("52.05.01"), name_or_code("52.05.99")
        ('Dompu', '52.05.99')
    """
    area = find(code)
    return area.name if area else code


def ancestors(code: str | int) -> list[Area]:
    """All areas above this one, province first. Raises like `get`."""
    chain: list[Area] = []
    above = parent(code)
    while above is not None:
        chain.append(above)
        above = parent(above.code)
    return chain[::-1]


def children(code: str | int) -> list[Area]:
    """The areas one level down, sorted by code (a village has none). Raises like `get`.

    Examples:
        >>> [area.label for area in children("52.05.01")][:2]
        ['Kel. Bada', 'Kel. Bali']
    """
    area = get(code)
    if area.level is Level.VILLAGE:
        return []
    below = _BELOW[area.level]
    return list(_table(below).by_parent.get(area.code, ()))


def villages_of(code: str | int) -> list[Area]:
    """Every village inside an area of any level, sorted by code. Raises like `get`.

    A village code gives a list with that village alone.

    Examples:
        >>> len(villages_of("52.05.01"))
        15
    """
    dotted = get(code).code
    villages = _table(Level.VILLAGE)
    start = bisect.bisect_left(villages.codes, dotted)
    # "/" sorts right after ".", so this bounds every code that starts with dotted + ".".
    end = bisect.bisect_left(villages.codes, dotted + "/", lo=start)
    return villages.areas[start:end]


def areas(level: Level) -> list[Area]:
    """Every area of one level, sorted by code.

    Examples:
        >>> len(areas(Level.PROVINCE)), len(areas(Level.REGENCY))
        (38, 514)
    """
    return list(_table(level).areas)


def lookup_name(name: str, *, within: str | int | None = None, level: Level | None = None) -> Area:
    """Find the one area a name refers to.

    Matching ignores case, punctuation, apostrophes and repeated spaces. A
    leading type word narrows the search: "Provinsi"/"Prov.", "Kabupaten"/"Kab."
    and "Kota" (regencies of that kind only, so "Kota Bima" and "Kabupaten Bima"
    stay distinct), "Kecamatan"/"Kec.", "Desa" and "Kelurahan"/"Kel." (villages,
    preferring that kind). The name is first tried as written, since some areas
    carry a type word in their name ("Desa Baru", district "Kota Bahagia").

    In practice village names repeat a lot (98 villages are called Sidomulyo), so
    pass ``within`` with the regency or district you work in.

    Args:
        name: the name as people write it.
        within: only areas inside this code (any level).
        level: only areas of this level.

    Returns:
        The single matching area.

    Raises:
        WilayahError: ``WILAYAH_NAME_UNKNOWN`` when nothing matches,
            ``WILAYAH_NAME_AMBIGUOUS`` when several do (the message lists them;
            ``error.candidates`` holds their codes), ``WILAYAH_BAD_FORMAT`` for a
            malformed ``within``.

    Examples:
        >>> lookup_name("kab. bima").code, lookup_name("KOTA  BIMA").code
        ('52.06', '52.72')
        >>> lookup_name("Katua", within="52.05").code
        '52.05.01.2008'
    """
    scope = None if within is None else normalise_code(within)
    key = _key(name)
    index = _name_index()

    def narrow(found: list[Area], hint: Level | None = None) -> list[Area]:
        return [
            area
            for area in found
            if (level is None or area.level is level)
            and (hint is None or area.level is hint)
            and (scope is None or is_within(area.code, scope))
        ]

    matches = narrow(index.get(key, []))
    if not matches:
        hint_level, hint_kind, rest = _split_type_word(key)
        if hint_level is not None:
            matches = narrow(index.get(rest, []), hint_level)
            same_kind = [area for area in matches if area.kind == hint_kind]
            # A kota is never a kabupaten, but people often say "desa" for a kelurahan.
            if hint_kind is not None and (same_kind or hint_level is Level.REGENCY):
                matches = same_kind

    where_id = where_en = ""
    if scope is not None:
        scope_label = _label_or_code(scope)
        where_id, where_en = f" di dalam {scope_label}", f" inside {scope_label}"
    if level is not None:
        where_id += f" pada tingkat {level.value}"
        where_en += f" at level {level.value}"

    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise WilayahError(
            f"Nama wilayah {name!r} tidak ditemukan{where_id}. Periksa ejaannya, "
            "atau cari dengan kode wilayah Kemendagri.",
            english=f"No area named {name!r}{where_en}. Check the spelling or use the area code.",
            code="WILAYAH_NAME_UNKNOWN",
        )
    listed = "; ".join(_describe(area) for area in matches[:_MAX_LISTED])
    more = len(matches) - _MAX_LISTED
    more_id = f"; dan {more} lainnya" if more > 0 else ""
    more_en = f"; and {more} more" if more > 0 else ""
    raise WilayahError(
        f"Nama wilayah {name!r} cocok dengan {len(matches)} wilayah{where_id}: {listed}{more_id}. "
        "Persempit dengan within=<kode kabupaten atau kecamatan>, atau tulis jenisnya di depan "
        "nama (Kabupaten, Kota, Kecamatan, Desa, Kelurahan).",
        english=f"Area name {name!r} matches {len(matches)} areas{where_en}: {listed}{more_en}. "
        "Narrow it with within=<regency or district code>, or put the type before the name "
        "(Kabupaten, Kota, Kecamatan, Desa, Kelurahan).",
        code="WILAYAH_NAME_AMBIGUOUS",
        candidates=tuple(area.code for area in matches),
    )


# --- helpers ---------------------------------------------------------------------------------


def _dot(digits: str) -> str:
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(part for part in parts if part)


def _title(upper: str) -> str:
    """Title-case a name the list writes in capitals, keeping acronyms such as DKI."""
    return " ".join(word if word in {"DKI"} else word.capitalize() for word in upper.split())


def _nearest_known(dotted: str) -> Area | None:
    while "." in dotted:
        dotted = dotted.rsplit(".", 1)[0]
        area = find(dotted)
        if area is not None:
            return area
    return None


def _label_or_code(dotted: str) -> str:
    area = find(dotted)
    return dotted if area is None else f"{area.label} ({dotted})"


def _describe(area: Area) -> str:
    above = ", ".join(a.label for a in reversed(ancestors(area.code)))
    return f"{area.code} {area.label}" + (f" ({above})" if above else "")


# --- name matching ---------------------------------------------------------------------------

# Type words people put before a name, as (words, level, kind); longest first.
_TYPE_WORDS: tuple[tuple[str, Level, Kind | None], ...] = (
    ("kabupaten administrasi", Level.REGENCY, "kabupaten"),
    ("kota administrasi", Level.REGENCY, "kota"),
    ("kab adm", Level.REGENCY, "kabupaten"),
    ("kota adm", Level.REGENCY, "kota"),
    ("kabupaten", Level.REGENCY, "kabupaten"),
    ("kab", Level.REGENCY, "kabupaten"),
    ("kota", Level.REGENCY, "kota"),
    ("provinsi", Level.PROVINCE, None),
    ("prov", Level.PROVINCE, None),
    ("kecamatan", Level.DISTRICT, None),
    ("kec", Level.DISTRICT, None),
    ("desa adat", Level.VILLAGE, "desa_adat"),
    ("desa", Level.VILLAGE, "desa"),
    ("kelurahan", Level.VILLAGE, "kelurahan"),
    ("kel", Level.VILLAGE, "kelurahan"),
)


_FIRST_TYPE_WORDS = {words.split()[0] for words, _, _ in _TYPE_WORDS}
# Apostrophes vanish ("O'o" is "oo"); any other punctuation separates words.
_KEY_TABLE = str.maketrans(
    {**{c: " " for c in "!#$%&()*+,-./:;<=>?@[\\]^_{|}~"}, **{c: None for c in "'\"`’‘"}}
)


_SIMPLE_KEY = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")


def _key(name: str) -> str:
    """The comparable form of a name: ASCII lower case, apostrophes dropped, one space."""
    lowered = name.lower()
    # Most names are plain words already; skipping the general path halves the index build.
    if _SIMPLE_KEY.fullmatch(lowered):
        return lowered
    name = name.translate(_KEY_TABLE)
    if not name.isascii():
        # Drop accents (é is e); any other non-ASCII character separates words.
        decomposed = unicodedata.normalize("NFKD", name)
        name = "".join(
            c if c.isascii() else "" if unicodedata.combining(c) else " " for c in decomposed
        )
    return " ".join(name.lower().split())


def _split_type_word(key: str) -> tuple[Level | None, Kind | None, str]:
    if key.split(" ", 1)[0] in _FIRST_TYPE_WORDS:
        for words, level, kind in _TYPE_WORDS:
            if key.startswith(words + " "):
                return level, kind, key[len(words) + 1 :]
    return None, None, key


@cache
def _name_index() -> dict[str, list[Area]]:
    """Areas by name key, under the full name and the name without its type word."""
    index: defaultdict[str, list[Area]] = defaultdict(list)
    for level in Level:
        for area in _table(level).areas:
            key = _key(area.name)
            index[key].append(area)
            _, _, bare = _split_type_word(key)
            if bare != key:
                index[bare].append(area)
    return dict(index)


# --- loading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _LevelTable:
    """The areas of one level, sorted by code, indexed by code and by parent code."""

    areas: list[Area]
    codes: list[str]
    by_code: dict[str, Area]
    by_parent: dict[str, list[Area]]


_FILES = {
    Level.PROVINCE: "provinces.csv",
    Level.REGENCY: "regencies.csv",
    Level.DISTRICT: "districts.csv",
    Level.VILLAGE: "villages.csv",
}
_VILLAGE_KIND: dict[str, Kind] = {"1": "kelurahan", "2": "desa", "3": "desa_adat"}


@cache
def _table(level: Level) -> _LevelTable:
    """Read one level's CSV file, once; the 83,763 villages load only when a village is asked."""
    text = resources.files("sinergi").joinpath("data", "wilayah", _FILES[level]).read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    if level is Level.PROVINCE:
        areas = [Area(code, name, level, None) for code, name in rows]
    elif level is Level.REGENCY:
        areas = [Area(code, name, level, up, _regency_kind(code, name)) for code, up, name in rows]
    elif level is Level.DISTRICT:
        areas = [Area(code, name, level, up) for code, up, name in rows]
    else:
        areas = [Area(code, name, level, up, _VILLAGE_KIND.get(code[9])) for code, up, name in rows]
    areas.sort(key=lambda area: area.code)
    by_parent: defaultdict[str, list[Area]] = defaultdict(list)
    for area in areas:
        if area.parent_code is not None:
            by_parent[area.parent_code].append(area)
    return _LevelTable(
        areas=areas,
        codes=[area.code for area in areas],
        by_code={area.code: area for area in areas},
        by_parent=dict(by_parent),
    )


def _regency_kind(code: str, name: str) -> Kind:
    by_name: Kind | None = (
        "kabupaten"
        if name.startswith("KABUPATEN ")
        else "kota"
        if name.startswith("KOTA ")
        else None
    )
    by_code: Kind = "kota" if int(code[3:5]) >= 71 else "kabupaten"
    if by_name != by_code:
        raise WilayahError(
            f"Daftar wilayah bawaan rusak: {code} {name!r} tidak cocok dengan jenisnya "
            "(01–69 kabupaten, 71–99 kota). Laporkan ke pengelola Sinergi.",
            english=f"The shipped area list is broken: {code} {name!r} does not match its kind "
            "(01-69 kabupaten, 71-99 kota). Report this to the Sinergi maintainers.",
            code="WILAYAH_DATA_INCONSISTENT",
        )
    return by_code
