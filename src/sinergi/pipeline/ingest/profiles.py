"""Mapping profiles: which header of a source file holds which field of a table contract.

Agencies export the same registry with headers that vary by year, office and
tool (``NO_KK``, ``No. KK``, ``Nomor Kartu Keluarga``). A *mapping profile* is a
small TOML file that names, for one source layout, the header aliases of each
contract field (`sinergi.lake.contracts`), the extra value aliases the source
uses, and fields that have one value for the whole file. Profiles ship for the
common layouts under ``sinergi/pipeline/ingest/profiles/``; a user adds or
replaces one by dropping a ``<name>.toml`` into an extra folder (for example
``<data home>/profiles/``).

The format, one file per profile (``name`` must equal the file stem)::

    [profile]
    name = "p3ke_keluarga"                       # lower case, digits, _ or -
    title = "P3KE Keluarga (Kemenko PMK)"        # Bahasa Indonesia, shown to users
    contract = "household"                       # a key of CONTRACTS
    source = "p3ke_keluarga"                     # folder name of its snapshots
    note = "where the layout comes from and how sure ([P]/[S]/[U], DOMAIN.md)"

    [columns]          # contract field = header aliases, best first
    family_id = ["ID Keluarga P3KE", "ID Keluarga", "id_keluarga_p3ke"]
    kk = "No KK"       # a single alias may be a plain string

    [values.head_sex]  # optional: extra value aliases of a code (or flag) field
    "L" = ["Lk"]       # for a flag field the codes are "true" and "false"

    [constants]        # optional: a field with one value for every row
    program = "pkh"

    [unmapped]         # optional: columns of the layout that no contract field holds
    luas_lantai = ["luas_lantai", "Luas Lantai (m2)"]

Headers are compared on `header_key`: case-folded, the punctuation
``_ / . - – — ( ) :`` turned into spaces, runs of whitespace collapsed, trimmed;
so ``NO_KK``, ``No. KK`` and ``no kk`` are one alias. Values are compared on
`value_key` (upper case, whitespace collapsed), as the contracts list them.

A file's header is scored against a profile by `match_header` (the Dice
coefficient of claimed headers: ``2 * claimed / (file headers + profile
fields + unmapped columns found)``); `rank_profiles` orders all profiles,
`choose_profile` accepts the best only when it is at or above `AUTO_THRESHOLD`
and ahead of the runner-up by `AUTO_MARGIN`, and `find_header_row` finds the
header row under a title block (P3KE workbooks put it on row 12).

Examples:
    >>> header_key(" No. KK ")
    'no kk'
    >>> profiles = load_profiles()
    >>> best = rank_profiles(["NIK", "Nama KPM", "No KK", "Kode Wilayah", "Desa",
    ...                       "Periode", "Nilai Bantuan", "Tgl Penyaluran"], profiles)[0]
    >>> best.profile.name, best.mapping["name"], best.profile.constants["program"]
    ('sembako', 'Nama KPM', 'sembako')
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from sinergi.errors import PipelineError
from sinergi.lake.contracts import CONTRACTS, FLAG, Contract

__all__ = [
    "AUTO_MARGIN",
    "AUTO_THRESHOLD",
    "FLAG_CODES",
    "SHIPPED_DIR",
    "HeaderMatch",
    "Profile",
    "ProfileError",
    "choose_profile",
    "find_header_row",
    "header_key",
    "load_profile",
    "load_profiles",
    "match_header",
    "rank_profiles",
    "value_key",
]

SHIPPED_DIR = Path(__file__).parent / "profiles"
"""The profiles shipped with the package (hatchling ships every file under ``src/sinergi``)."""

AUTO_THRESHOLD = 0.6
"""Score at or above which ``--profile auto`` accepts the best profile.

Measured on the known layouts (the synthetic exports, the reference CSVs, the
P3KE columns documented in DOMAIN.md 2.3; see tests/ingest/test_profiles.py):
each scores 0.80 to 1.00 on its own profile, an unrelated header 0. A real
file that lacks a few of the profile's columns and carries a few unknown ones
drops to about 0.7, so the bar sits at 0.6. The score alone does not tell
sibling layouts apart (P3KE Individu scores 0.74 on a P3KE Keluarga header:
they share 20 columns); `AUTO_MARGIN` does, as every own profile leads its
runner-up by 0.19 or more.
"""

AUTO_MARGIN = 0.1
"""How far the best profile must lead the runner-up for ``--profile auto`` to pick it.

Program lists share most of their columns (NIK, nama, No KK, kode desa), so a
list with only those columns fits several profiles about equally; guessing
would put the wrong program code on every row, so the user is asked instead.
"""

FLAG_CODES: dict[str, tuple[str, ...]] = FLAG
"""Default value aliases of a ``flag`` field: the contracts' yes/no spellings, which
validation accepts too, so a profile's flag aliases only ever add to them.

A profile adds its own under ``[values.<field>]`` with the codes ``true``/``false``,
e.g. DTSEN writes Regsosek's ``1`` (ya) / ``2`` (tidak).
"""

# Row-number columns ("No", "No. Urut") head almost every Indonesian list; they
# hold no field and must not count against a profile as unknown columns.
ROW_NUMBER_KEYS = frozenset({"no", "no urut", "nomor urut", "urut", "#"})

_PUNCTUATION = str.maketrans(dict.fromkeys("_/.-\u2013\u2014():\ufeff", " "))
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PROFILE_KEYS = {"name", "title", "contract", "source", "note"}
_TABLES = {"profile", "columns", "values", "constants", "unmapped"}


def header_key(label: str) -> str:
    """The form in which header labels are compared.

    Examples:
        >>> header_key("Kabupaten/Kota"), header_key("TGL_LAHIR"), header_key("JUMLAH (kg)")
        ('kabupaten kota', 'tgl lahir', 'jumlah kg')
    """
    return " ".join(str(label).casefold().translate(_PUNCTUATION).split())


def value_key(text: str) -> str:
    """The form in which cell values are compared with value aliases.

    Examples:
        >>> value_key("  Kepala  keluarga ")
        'KEPALA KELUARGA'
    """
    return " ".join(str(text).split()).upper()


class ProfileError(PipelineError):
    """A mapping profile file cannot be used; names the file and each offending key.

    ``problems`` lists every problem found in the file as ``(key, pesan, english)``.
    """

    def __init__(
        self,
        path: Path,
        problems: Sequence[tuple[str, str, str, str]],
    ) -> None:
        self.path = path
        self.problems = [(key, pesan, english) for key, _code, pesan, english in problems]
        pesan = "; ".join(f"{key}: {text}" if key else text for key, _, text, _ in problems)
        english = "; ".join(f"{key}: {text}" if key else text for key, _, _, text in problems)
        super().__init__(
            f"Profil pemetaan {path} tidak dapat dipakai — {pesan}",
            english=f"Mapping profile {path} cannot be used — {english}",
            code=problems[0][1],
        )


@dataclass(frozen=True)
class Profile:
    """One source layout mapped onto one contract (see the module docstring for the file)."""

    name: str
    title: str
    contract: str
    source: str
    note: str
    columns: dict[str, tuple[str, ...]]  # field -> header aliases, as written, best first
    values: dict[str, dict[str, tuple[str, ...]]]  # field -> code -> extra value aliases
    constants: dict[str, str]  # field -> the value of every row
    path: Path
    unmapped: dict[str, tuple[str, ...]] = field(default_factory=dict)  # known, not carried

    @property
    def spec(self) -> Contract:
        """The contract this profile fills."""
        return CONTRACTS[self.contract]

    def aliases(self, field: str) -> dict[str, str]:
        """Value alias (as `value_key` makes it) -> code of a field: contract defaults, then ours.

        A code stands for itself; the profile's aliases win over the defaults
        because they describe this source. Fields without codes (text, dates)
        give an empty mapping.

        Examples:
            >>> p3ke = load_profiles()["p3ke_individu"]
            >>> p3ke.aliases("relationship")["KEPALA KELUARGA"], p3ke.aliases("sex")["2"]
            ('1', 'P')
            >>> load_profiles()["dtsen"].aliases("disability")["2"]
            'false'
        """
        spec = self.spec.field(field)
        defaults = FLAG_CODES if spec.kind == "flag" else spec.codes
        result: dict[str, str] = {}
        for code, words in defaults.items():
            result[value_key(code)] = code
            for word in words:
                result.setdefault(value_key(word), code)
        for code, words in self.values.get(field, {}).items():
            for word in words:
                result[value_key(word)] = code
        return result

    @cached_property
    def _entries(self) -> list[tuple[str, bool, tuple[str, ...]]]:
        """(field or unmapped key, is a field, header keys best first) — built once per profile."""
        entries = [(name, True, _keys(aliases)) for name, aliases in self.columns.items()]
        entries += [(name, False, _keys(aliases)) for name, aliases in self.unmapped.items()]
        return entries


def _keys(aliases: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(header_key(a) for a in aliases))


# -- loading ---------------------------------------------------------------------------------


class _Problems:
    """Collects every problem of one file, so a user fixes them in one pass."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[tuple[str, str, str, str]] = []

    def add(self, key: str, code: str, pesan: str, english: str) -> None:
        self.items.append((key, code, pesan, english))

    def error(self) -> ProfileError:
        return ProfileError(self.path, self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise self.error()


def _aliases(raw: object, key: str, problems: _Problems) -> tuple[str, ...]:
    """A list of header or value aliases (a plain string is a list of one)."""
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not items:
        problems.add(
            key,
            "PROFILE_TYPE",
            "harus berupa teks atau daftar teks yang tidak kosong",
            "must be a text or a non-empty list of texts",
        )
        return ()
    good = []
    for item in items:
        if not isinstance(item, str) or not header_key(item):
            problems.add(
                key,
                "PROFILE_TYPE",
                f"alias {item!r} bukan teks yang berisi",
                f"alias {item!r} is not a non-blank text",
            )
        else:
            good.append(item)
    return tuple(dict.fromkeys(good))


def _table(data: dict[str, object], name: str, problems: _Problems) -> dict[str, object]:
    raw = data.get(name, {})
    if not isinstance(raw, dict):
        problems.add(f"[{name}]", "PROFILE_TYPE", "harus berupa tabel TOML", "must be a TOML table")
        return {}
    return raw


def load_profile(path: Path) -> Profile:
    """Read and check one profile file; raises `ProfileError` naming the file and keys.

    Examples:
        >>> load_profile(SHIPPED_DIR / "pkh.toml").constants
        {'program': 'pkh'}
    """
    path = Path(path)
    problems = _Problems(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        # tomllib's message ends with "(at line N, column M)"; say where in Indonesian too.
        where = re.search(r"at line (\d+), column (\d+)", str(error))
        place = f" (baris {where[1]}, kolom {where[2]})" if where else ""
        problems.add(
            "", "PROFILE_TOML", f"TOML tidak sah{place}: {error}", f"invalid TOML: {error}"
        )
        raise problems.error() from error
    except (OSError, UnicodeDecodeError) as error:
        problems.add("", "PROFILE_READ", f"tidak dapat dibaca: {error}", f"unreadable: {error}")
        raise problems.error() from error

    for table in sorted(set(data) - _TABLES):
        problems.add(
            f"[{table}]" if isinstance(data[table], dict) else table,
            "PROFILE_KEY",
            f"bagian tidak dikenal (yang dikenal: {', '.join(sorted(_TABLES))})",
            f"unknown section (known: {', '.join(sorted(_TABLES))})",
        )
    head = _table(data, "profile", problems)
    for key in sorted(set(head) - _PROFILE_KEYS):
        problems.add(f"profile.{key}", "PROFILE_KEY", "kunci tidak dikenal", "unknown key")
    text: dict[str, str] = {}
    for key in sorted(_PROFILE_KEYS):
        value = head.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip():
            problems.add(
                f"profile.{key}", "PROFILE_TYPE", "harus teks yang berisi", "must be non-blank text"
            )
        else:
            text[key] = value.strip()
    for key in ("name", "contract", "source"):
        if key not in head:
            problems.add(f"profile.{key}", "PROFILE_MISSING", "wajib diisi", "is required")
    name = text.get("name", "")
    if name and name != path.stem:
        problems.add(
            "profile.name",
            "PROFILE_NAME",
            f"{name!r} harus sama dengan nama berkas {path.stem!r}",
            f"{name!r} must equal the file stem {path.stem!r}",
        )
    for key in ("name", "source"):
        if text.get(key) and not _NAME.match(text[key]):
            problems.add(
                f"profile.{key}",
                "PROFILE_NAME",
                f"{text[key]!r} hanya boleh huruf kecil, angka, _ dan -",
                f"{text[key]!r} may hold only lower-case letters, digits, _ and -",
            )
    contract = CONTRACTS.get(text.get("contract", ""))
    if "contract" in text and contract is None:
        known = ", ".join(sorted(CONTRACTS))
        problems.add(
            "profile.contract",
            "PROFILE_CONTRACT",
            f"kontrak {text['contract']!r} tidak dikenal (yang ada: {known})",
            f"unknown contract {text['contract']!r} (known: {known})",
        )
    if contract is None:
        # Without a contract nothing below can be checked; report what we have.
        raise problems.error()

    fields = set(contract.names)
    columns: dict[str, tuple[str, ...]] = {}
    for key, raw in _table(data, "columns", problems).items():
        if key not in fields:
            problems.add(
                f"columns.{key}",
                "PROFILE_FIELD",
                f"bukan kolom kontrak {contract.name}",
                f"not a field of contract {contract.name}",
            )
        aliases = _aliases(raw, f"columns.{key}", problems)
        if aliases:
            columns[key] = aliases
    if not columns:
        problems.add(
            "[columns]",
            "PROFILE_MISSING",
            "paling sedikit satu kolom harus dipetakan",
            "at least one field must be mapped",
        )
    unmapped: dict[str, tuple[str, ...]] = {}
    for key, raw in _table(data, "unmapped", problems).items():
        if key in fields:
            problems.add(
                f"unmapped.{key}",
                "PROFILE_FIELD",
                "adalah kolom kontrak; petakan di [columns]",
                "is a contract field; map it under [columns]",
            )
        aliases = _aliases(raw, f"unmapped.{key}", problems)
        if aliases:
            unmapped[key] = aliases
    _check_aliases_unique(columns, unmapped, problems)

    values: dict[str, dict[str, tuple[str, ...]]] = {}
    for key, raw in _table(data, "values", problems).items():
        parsed = _values(contract, key, raw, problems)
        if parsed:
            values[key] = parsed
    constants: dict[str, str] = {}
    for key, raw in _table(data, "constants", problems).items():
        if key not in fields:
            problems.add(
                f"constants.{key}",
                "PROFILE_FIELD",
                f"bukan kolom kontrak {contract.name}",
                f"not a field of contract {contract.name}",
            )
        elif key in columns:
            problems.add(
                f"constants.{key}",
                "PROFILE_DUPLICATE",
                "sudah dipetakan di [columns]; pilih salah satu",
                "is also mapped under [columns]; choose one",
            )
        if isinstance(raw, bool) or not isinstance(raw, str | int | float) or not str(raw).strip():
            problems.add(
                f"constants.{key}",
                "PROFILE_TYPE",
                "harus teks atau angka",
                "must be text or a number",
            )
            continue
        constants[key] = str(raw).strip()
    problems.raise_if_any()
    profile = Profile(
        name=name,
        title=text.get("title", name),
        contract=contract.name,
        source=text["source"],
        note=text.get("note", ""),
        columns=columns,
        values=values,
        constants=constants,
        path=path,
        unmapped=unmapped,
    )
    for key, value in constants.items():
        spec = contract.field(key)
        if (spec.codes or spec.kind == "flag") and value_key(value) not in profile.aliases(key):
            problems.add(
                f"constants.{key}",
                "PROFILE_CODE",
                f"{value!r} bukan kode yang dikenal kolom ini",
                f"{value!r} is not a known code of this field",
            )
    problems.raise_if_any()
    return profile


def _check_aliases_unique(
    columns: Mapping[str, tuple[str, ...]],
    unmapped: Mapping[str, tuple[str, ...]],
    problems: _Problems,
) -> None:
    """One header may mean one thing only; otherwise which field gets it depends on luck."""
    owner: dict[str, str] = {}
    entries = [(f"columns.{k}", v) for k, v in columns.items()]
    entries += [(f"unmapped.{k}", v) for k, v in unmapped.items()]
    for key, aliases in entries:
        for alias in aliases:
            normal = header_key(alias)
            first = owner.setdefault(normal, key)
            if first != key:
                problems.add(
                    key,
                    "PROFILE_DUPLICATE",
                    f"alias {alias!r} sudah dipakai {first}",
                    f"alias {alias!r} is already used by {first}",
                )


def _values(
    contract: Contract, key: str, raw: object, problems: _Problems
) -> dict[str, tuple[str, ...]]:
    where = f"values.{key}"
    if key not in contract.names:
        problems.add(
            where,
            "PROFILE_FIELD",
            f"bukan kolom kontrak {contract.name}",
            f"not a field of contract {contract.name}",
        )
        return {}
    spec = contract.field(key)
    codes = FLAG_CODES if spec.kind == "flag" else spec.codes
    if not codes:
        problems.add(
            where,
            "PROFILE_CODE",
            f"kolom {key} ({spec.kind}) tidak memakai kode",
            f"field {key} ({spec.kind}) has no codes",
        )
        return {}
    if not isinstance(raw, dict):
        problems.add(where, "PROFILE_TYPE", "harus berupa tabel TOML", "must be a TOML table")
        return {}
    parsed: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for code, words in raw.items():
        if code not in codes:
            problems.add(
                f"{where}.{code}",
                "PROFILE_CODE",
                f"kode tidak dikenal (yang ada: {', '.join(codes)})",
                f"unknown code (known: {', '.join(codes)})",
            )
            continue
        aliases = _aliases(words, f"{where}.{code}", problems)
        for alias in aliases:
            normal = value_key(alias)
            if normal in codes and normal != code:
                problems.add(
                    f"{where}.{code}",
                    "PROFILE_CODE",
                    f"alias {alias!r} adalah kode lain",
                    f"alias {alias!r} is another code",
                )
            first = owner.setdefault(normal, code)
            if first != code:
                problems.add(
                    f"{where}.{code}",
                    "PROFILE_DUPLICATE",
                    f"alias {alias!r} sudah dipakai kode {first}",
                    f"alias {alias!r} is already used by code {first}",
                )
        if aliases:
            parsed[code] = aliases
    return parsed


def _load_dir(folder: Path) -> dict[str, Profile]:
    return {p.name: p for p in (load_profile(f) for f in sorted(folder.glob("*.toml")))}


@cache
def _shipped() -> dict[str, Profile]:
    return _load_dir(SHIPPED_DIR)


def load_profiles(extra_dirs: Sequence[Path] = ()) -> dict[str, Profile]:
    """The shipped profiles, then every ``*.toml`` of ``extra_dirs`` in order (same name replaces).

    A folder that does not exist is skipped (a fresh data home has no
    ``profiles/`` yet); any broken file raises `ProfileError`.
    """
    profiles = dict(_shipped())
    for folder in extra_dirs:
        folder = Path(folder)
        if not folder.exists():
            continue
        if not folder.is_dir():
            raise ProfileError(
                folder,
                [("", "PROFILE_READ", "bukan folder", "is not a folder")],
            )
        profiles.update(_load_dir(folder))
    return profiles


# -- matching headers ------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderMatch:
    """How well one file header fits one profile, and which header feeds which field."""

    profile: Profile
    mapping: dict[str, str]  # field -> the file's header label (original text)
    positions: dict[str, int]  # field -> 0-based column index of that label
    unmatched: list[str]  # labels no field and no known column claims (original text)
    missing: list[str]  # profile fields whose aliases found no header
    ignored: list[str]  # labels recognised but not carried: [unmapped] columns, row numbers
    score: float  # 0..1, see match_header

    @property
    def accepted(self) -> bool:
        """Whether the score alone is enough for ``--profile auto``."""
        return self.score >= AUTO_THRESHOLD

    def describe(self, *, english: bool = False) -> str:
        """One line for people: the profile, how sure, what is left over.

        Examples:
            >>> m = match_header(["NOKA", "NIK", "NAMA", "Catatan"], load_profiles()["pbi_jkn"])
            >>> for part in m.describe().split("; ")[:2]:
            ...     print(part)
            paling mirip profil PBI-JKN (daftar peserta PBI) (38%, di bawah ambang 60%)
            1 kolom tidak dikenal: Catatan
        """
        percent = round(self.score * 100)
        threshold = round(AUTO_THRESHOLD * 100)
        if english:
            head = (
                f"matches profile {self.profile.name} ({percent}%)"
                if self.accepted
                else f"closest profile {self.profile.name} ({percent}%, below {threshold}%)"
            )
            parts = [head]
            if self.unmatched:
                parts.append(
                    f"{len(self.unmatched)} unknown column(s): {', '.join(self.unmatched)}"
                )
            if self.missing:
                parts.append(f"profile fields not found: {', '.join(self.missing)}")
            return "; ".join(parts)
        title = self.profile.title
        head = (
            f"cocok dengan profil {title} ({percent}%)"
            if self.accepted
            else f"paling mirip profil {title} ({percent}%, di bawah ambang {threshold}%)"
        )
        parts = [head]
        if self.unmatched:
            parts.append(f"{len(self.unmatched)} kolom tidak dikenal: {', '.join(self.unmatched)}")
        if self.missing:
            parts.append(f"kolom profil tidak ditemukan: {', '.join(self.missing_labels)}")
        return "; ".join(parts)

    @property
    def missing_labels(self) -> list[str]:
        """The missing fields as a user knows them: each one's first header alias in the profile.

        Examples:
            >>> m = match_header(["NIK", "Nama"], load_profiles()["pkh"])
            >>> m.missing_labels[:2]
            ['NO_KK', 'ID_PENGURUS']
        """
        return [self.profile.columns[name][0] for name in self.missing]


def match_header(header: Sequence[str | None], profile: Profile) -> HeaderMatch:
    """Map a file's header row onto a profile and score the fit.

    Each field takes the header matching its earliest alias (the first such
    column when a label repeats). The score is the Dice coefficient between the
    file's non-blank labels and the profile's fields: ``2 * claimed / (labels +
    fields + unmapped columns found)``, where *claimed* counts the labels taken by
    a field or by a known ``[unmapped]`` column. Known unmapped columns count
    only when present (a layout may drop them without looking less like
    itself); row-number columns ("No") are left out altogether; a header that
    fills no field at all scores 0.

    Examples:
        >>> m = match_header(["NO_KK", "nik", "Nama", "Hobi"], load_profiles()["blt_dana_desa"])
        >>> m.mapping, m.unmatched, round(m.score, 2)
        ({'kk': 'NO_KK', 'nik': 'nik', 'name': 'Nama'}, ['Hobi'], 0.4)
    """
    labels = ["" if label is None else str(label) for label in header]
    keys = [header_key(label) for label in labels]
    where: dict[str, int] = {}
    for column, key in enumerate(keys):
        if key:
            where.setdefault(key, column)  # a repeated label: its first column
    positions: dict[str, int] = {}
    known: set[int] = set()
    for name, is_field, aliases in profile._entries:
        found = next((where[alias] for alias in aliases if alias in where), None)
        if found is None:
            continue
        if is_field:
            positions[name] = found
        else:
            known.add(found)
    taken = set(positions.values())
    mapping = {name: labels[column] for name, column in positions.items()}
    unmatched: list[str] = []
    ignored: list[str] = []
    counted = 0
    for column, (label, key) in enumerate(zip(labels, keys, strict=True)):
        if not key:
            continue
        if column in taken:
            counted += 1
        elif column in known:
            counted += 1
            ignored.append(label)
        elif key in ROW_NUMBER_KEYS:
            ignored.append(label)
        else:
            counted += 1
            unmatched.append(label)
    missing = [name for name in profile.columns if name not in mapping]
    score = 0.0
    if mapping:
        score = 2 * (len(mapping) + len(known)) / (counted + len(profile.columns) + len(known))
    return HeaderMatch(profile, mapping, positions, unmatched, missing, ignored, score)


def rank_profiles(
    header: Sequence[str | None], profiles: Mapping[str, Profile]
) -> list[HeaderMatch]:
    """Every profile's match of the header, best first (ties by profile name)."""
    matches = [match_header(header, profile) for profile in profiles.values()]
    return sorted(matches, key=lambda m: (-m.score, m.profile.name))


def choose_profile(ranked: Sequence[HeaderMatch]) -> HeaderMatch | None:
    """The match ``--profile auto`` accepts: at or above the threshold and clear of the runner-up.

    ``ranked`` is what `rank_profiles` returns; None means: ask the user.
    """
    if not ranked or not ranked[0].accepted:
        return None
    if len(ranked) > 1 and ranked[0].score - ranked[1].score < AUTO_MARGIN:
        return None
    return ranked[0]


def find_header_row(
    rows: Sequence[Sequence[str | None]],
    first_row: int,
    profiles: Mapping[str, Profile],
) -> tuple[int, HeaderMatch] | None:
    """The header row among the first rows of a sheet, and its best match.

    ``rows[0]`` is row ``first_row`` of the sheet (1-based, as a spreadsheet
    counts). Title lines, blank lines and merged group captions above the header
    match (almost) no alias, so the row that scores highest over all
    ``profiles`` is the header; the earliest wins a tie. Pass a one-element
    mapping when the user named the profile. None when no row scores above 0.

    A header over two rows (labels merged down over both, a caption such as
    "Penerima Bantuan" over sub-labels in the lower row) scores best on its
    upper row, which holds most labels; its lower row then fills only the
    upper row's empty or caption columns. The lower row is returned, as the
    readers take an empty label from the row above, when the two rows together
    fit at least as well.

    Examples:
        >>> rows = [["DAFTAR PENERIMA PKH TAHUN 2025"], [], ["NO_KK", "NIK_PENGURUS", "TAHAP"]]
        >>> row, match = find_header_row(rows, 1, load_profiles())
        >>> row, match.profile.name
        (3, 'pkh')
    """
    best: tuple[int, HeaderMatch] | None = None
    for offset, row in enumerate(rows):
        cells = ["" if cell is None else str(cell) for cell in row]
        if not any(header_key(cell) for cell in cells):
            continue
        ranked = rank_profiles(cells, profiles)
        if ranked and ranked[0].score > 0 and (best is None or ranked[0].score > best[1].score):
            best = (first_row + offset, ranked[0])
    if best is None:
        return None
    at = best[0] - first_row
    if at + 1 < len(rows):
        combined = _two_row_header(rows[at], rows[at + 1])
        if combined is not None:
            ranked = rank_profiles(combined, profiles)
            if ranked[0].score >= best[1].score:
                return best[0] + 1, ranked[0]
    return best


def _two_row_header(upper: Sequence[str | None], lower: Sequence[str | None]) -> list[str] | None:
    """The labels of a header over two rows, or None when ``lower`` is not its second row.

    ``lower`` may fill only columns that are empty above or that sit under a
    caption, i.e. a label followed by empty columns that ``lower`` fills (a
    merged cell keeps its text in its first column only). Each column takes its
    lower label, else the upper one.

    Examples:
        >>> _two_row_header(["NIK", "Penerima", None], [None, "BPNT", "PKH"])
        ['NIK', 'BPNT', 'PKH']
        >>> _two_row_header(["NIK", "Nama"], ["5205...", "Ani"]) is None
        True
    """
    width = max(len(upper), len(lower))
    top = [header_key(upper[i] or "") if i < len(upper) else "" for i in range(width)]
    low = [header_key(lower[i] or "") if i < len(lower) else "" for i in range(width)]
    if not any(low):
        return None
    for column in range(width):
        if not low[column] or not top[column]:
            continue
        spans = column + 1 < width and not top[column + 1] and low[column + 1]
        if not spans:
            return None
    return [
        str((lower[i] if i < len(lower) and low[i] else None) or (upper[i] if top[i] else ""))
        for i in range(width)
    ]
