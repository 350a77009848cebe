"""Program eligibility rules and diagnostics settings: versioned TOML files, checked before a run.

One file per program (``sinergi/data/rules/<program>.toml``, or the user's own in
``<home>/rules/``, which replaces a shipped file of the same ``id``) says who the
program is for, as an expression over the family or person facts, with its
desil cut-offs and amounts as parameters that carry their source and year.
``settings.toml`` holds everything else a diagnosis decides: which registry's
desil counts, who is extreme poor, the housing vocabulary, the deprivation
dimensions, weights and cutoff, the follow-up flags and the k-anonymity
threshold. Every mistake in any of them is reported, naming the file and the
key, before any data is read.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sinergi.pipeline.diagnose.expressions import Expression, RuleError, Value, compile_expression
from sinergi.pipeline.diagnose.fields import (
    DESIL,
    FAMILY_FIELDS,
    PERSON_FIELDS,
    FactField,
    receipt_field,
)

LEVELS = ("family", "person")
KINDS = ("bansos", "jamsos", "lainnya")
HOUSING_CLASSES = (
    "floor_unfit",
    "wall_unfit",
    "roof_unfit",
    "water_unimproved",
    "toilet_unimproved",
    "toilet_none",
    "sewage_unimproved",
    "sewage_pit",
    "no_electricity",
    "dirty_fuel",
    "owns_house",
)
# A parameter's `year` is the year its source set it; outside these it is a typo (20255).
YEARS = (2000, 2100)


@dataclass(frozen=True)
class Parameter:
    """A number or list a rule depends on, with where it comes from."""

    name: str
    value: Value
    source: str
    year: int | None
    note: str = ""


@dataclass(frozen=True)
class Distribution:
    """What a payment should be and when: the entitlement per period and the schedule."""

    entitlement: Expression | None
    schedule: dict[str, int]  # period as written in the list (normalised) -> due month
    due_month: int | None  # for lists without a period column
    tolerance: float


@dataclass(frozen=True)
class ProgramRule:
    """One program: who it is for, who runs it, which lists record its receipt."""

    id: str
    name: str
    version: str
    level: str
    kind: str
    owner: str
    opd: str
    lists: tuple[str, ...]
    eligibility: Expression
    reason: str
    parameters: tuple[Parameter, ...]
    distribution: Distribution | None
    path: str


@dataclass(frozen=True)
class Dimension:
    """One deprivation dimension of the Alkire-Foster measure."""

    name: str
    label: str
    weight: float
    when: Expression


@dataclass(frozen=True)
class FollowUp:
    """A family flag that puts a family on the desa follow-up list, and who acts on it."""

    id: str
    label: str
    opd: str
    when: Expression
    program: str = ""


@dataclass(frozen=True)
class Settings:
    """Everything a diagnosis decides besides the program rules (``settings.toml``)."""

    version: str
    desil_sources: tuple[str, ...]
    extreme_desil_max: int
    extreme_basis: str
    elderly_age: int
    school_ages: tuple[int, int]
    working_ages: tuple[int, int]
    informal_occupations: tuple[str, ...]
    housing: dict[str, dict[str, tuple[str, ...]]]
    derived: tuple[tuple[str, Expression], ...]
    dimensions: tuple[Dimension, ...]
    cutoff: float
    follow_ups: tuple[FollowUp, ...]
    k_anonymity: int
    pocket_weights: dict[str, float]
    path: str
    family_fields: dict[str, FactField] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    """The settings and the program rules of one diagnosis, all checked."""

    settings: Settings
    programs: tuple[ProgramRule, ...]

    def program(self, program_id: str) -> ProgramRule:
        return next(p for p in self.programs if p.id == program_id)

    def versions(self) -> dict[str, str]:
        """The version of every file used, for the run's manifest."""
        return {"settings": self.settings.version} | {p.id: p.version for p in self.programs}


def shipped_rules_dir() -> Path:
    return Path(str(resources.files("sinergi") / "data" / "rules"))


def load_rule_set(user_dir: Path | None = None) -> RuleSet:
    """Settings and program rules: the shipped ones, replaced or extended by ``user_dir``.

    Raises:
        RuleError: every problem of every file, named by file and key.
    """
    shipped = shipped_rules_dir()
    settings_path = shipped / "settings.toml"
    files = {p.stem: p for p in sorted(shipped.glob("*.toml")) if p.stem != "settings"}
    if user_dir is not None and user_dir.is_dir():
        if (user_dir / "settings.toml").is_file():
            settings_path = user_dir / "settings.toml"
        own: dict[str, Path] = {}
        for path in sorted(user_dir.glob("*.toml")):
            if path.stem == "settings":
                continue
            program_id = _declared_id(path)
            if program_id in own:
                raise _error(
                    path,
                    "program.id",
                    f"sama dengan {own[program_id]}",
                    f"duplicates {own[program_id]}",
                )
            own[program_id] = path
        files |= own
    errors = _Errors()
    raw_programs: dict[str, tuple[dict[str, Any], Path]] = {}
    for program_id, path in files.items():
        with errors.check():
            raw_programs[program_id] = (_read(path), path)
    settings = None
    with errors.check():
        settings = _settings(_read(settings_path), settings_path, program_ids(raw_programs))
    programs = []
    if settings is not None:  # without the settings the programs' fields are unknown
        for data, path in raw_programs.values():
            programs.append(_program(data, path, settings, program_ids(raw_programs), errors))
    errors.raise_any()
    assert settings is not None  # raise_any raised otherwise
    found = [p for p in programs if p is not None]
    return RuleSet(settings, tuple(sorted(found, key=lambda p: p.id)))


class _Errors:
    """Every mistake of the rule files, so one run tells them all, not one per try."""

    def __init__(self) -> None:
        self.found: list[RuleError] = []

    @contextmanager
    def check(self) -> Iterator[None]:
        try:
            yield
        except RuleError as error:
            self.found.append(error)

    def raise_any(self) -> None:
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise RuleError(
                f"{len(self.found)} kesalahan di berkas aturan:\n"
                + "\n".join(f"- {error}" for error in self.found),
                english=f"{len(self.found)} mistakes in the rule files: "
                + " | ".join(error.english for error in self.found),
                code="RULE_INVALID",
            )


def program_ids(raw: Mapping[str, tuple[dict[str, Any], Path]]) -> set[str]:
    """Every program id and list code the rule files declare (for ``receives_*`` fields)."""
    ids: set[str] = set()
    for data, _ in raw.values():
        program = data.get("program", {})
        ids.add(str(program.get("id", "")))
        ids.update(str(code) for code in program.get("lists", []))
    return ids - {""}


def _declared_id(path: Path) -> str:
    return str(_read(path).get("program", {}).get("id", path.stem))


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(
            f"Berkas aturan {path} tidak bisa dibaca: {error}.",
            english=f"Rule file {path} cannot be parsed: {error}",
            code="RULE_INVALID",
        ) from None
    except OSError as error:
        raise RuleError(
            f"Berkas aturan {path} tidak bisa dibuka: {error}.",
            english=f"Rule file {path} cannot be opened: {error}",
            code="RULE_INVALID",
        ) from None


def _error(path: str | Path, key: str, pesan: str, english: str) -> RuleError:
    return RuleError(
        f"Berkas aturan {path}, kunci `{key}`: {pesan}.",
        english=f"Rule file {path}, key `{key}`: {english}",
        code="RULE_INVALID",
    )


class _Reader:
    """Typed access to one TOML table that names the file and key in every error."""

    def __init__(self, data: Mapping[str, Any], path: Path, prefix: str) -> None:
        self.data, self.path, self.prefix = data, path, prefix

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def only(self, *names: str) -> None:
        unknown = sorted(set(self.data) - set(names))
        if unknown:
            raise _error(
                self.path,
                self.key(unknown[0]),
                f"tidak dikenal (yang boleh: {', '.join(names)})",
                f"is not known (allowed: {', '.join(names)})",
            )

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if name not in self.data:
            if default is ...:
                raise _error(self.path, self.key(name), "wajib diisi", "is required")
            return default
        value = self.data[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            raise _error(
                self.path,
                self.key(name),
                f"isinya salah jenis ({value!r})",
                f"wrong type {value!r}",
            )
        return value

    def table(self, name: str, required: bool = True) -> _Reader:
        value = self.get(name, dict, ... if required else {})
        return _Reader(value, self.path, self.key(name))

    def number(self, name: str, low: float, high: float, default: Any = ...) -> float:
        value = self.get(name, (int, float), default)
        if not low <= value <= high:
            raise _error(
                self.path,
                self.key(name),
                f"harus antara {low:g} dan {high:g} (isinya {value})",
                f"must be between {low:g} and {high:g} (is {value})",
            )
        return float(value)

    def expression(
        self, name: str, fields: Mapping[str, FactField], parameters: Mapping[str, Value]
    ) -> Expression:
        text = self.get(name, str)
        where = f"Berkas aturan {self.path}, kunci `{self.key(name)}`"
        return compile_expression(text, fields, parameters, where)


def _settings(data: dict[str, Any], path: Path, programs: Iterable[str]) -> Settings:
    top = _Reader(data, path, "")
    top.only(
        "version",
        "welfare",
        "ages",
        "informal_occupations",
        "housing",
        "derived",
        "deprivation",
        "follow_up",
        "privacy",
        "pockets",
    )
    welfare = top.table("welfare")
    welfare.only("desil_sources", "extreme_desil_max", "extreme_basis")
    ages = top.table("ages")
    ages.only("elderly", "school", "working")
    housing = top.table("housing")
    housing.only(*HOUSING_CLASSES)
    vocabulary: dict[str, dict[str, tuple[str, ...]]] = {}
    for name in HOUSING_CLASSES:
        entry = housing.table(name)
        entry.only("field", "values")
        source = entry.get("field", str)
        if FAMILY_FIELDS.get(source, None) is None or FAMILY_FIELDS[source].type != "text":
            raise _error(
                path, entry.key("field"), f"`{source}` bukan kolom perumahan", "not a housing field"
            )
        values = entry.get("values", list)
        vocabulary[name] = {source: tuple(str(v).strip().upper() for v in values)}

    fields: dict[str, FactField] = dict(FAMILY_FIELDS)
    fields |= {f"receives_{p}": receipt_field(p) for p in programs}
    derived = []
    for name, text in top.table("derived").data.items():
        if name in fields:
            raise _error(path, f"derived.{name}", "sudah ada sebagai kolom", "already a field")
        if not isinstance(text, str):
            raise _error(path, f"derived.{name}", "harus teks syarat", "must be an expression")
        expression = compile_expression(
            text, fields, {}, f"Berkas aturan {path}, kunci `derived.{name}`"
        )
        fields[name] = FactField(name, expression.type, f"Turunan: {text}")
        derived.append((name, expression))

    deprivation = top.table("deprivation")
    deprivation.only("cutoff", "dimensions")
    dimensions = []
    for name, _ in deprivation.table("dimensions").data.items():
        entry = deprivation.table("dimensions").table(name)
        entry.only("label", "weight", "when")
        when = entry.expression("when", fields, {})
        if when.type != "bool":
            raise _error(path, entry.key("when"), "harus syarat ya/tidak", "must be a condition")
        dimensions.append(
            Dimension(name, entry.get("label", str), entry.number("weight", 0, 100), when)
        )
    if sum(d.weight for d in dimensions) <= 0:
        raise _error(
            path, "deprivation.dimensions", "kosong atau semua bobotnya 0", "empty or all weights 0"
        )
    for dimension in dimensions:
        fields[f"d_{dimension.name}"] = FactField(
            f"d_{dimension.name}", "bool", f"Kekurangan {dimension.label}"
        )
    fields["deprivation_score"] = FactField("deprivation_score", "float", "Skor kekurangan (0-1)")
    fields["multidim_poor"] = FactField("multidim_poor", "bool", "Miskin multidimensi")

    follow_ups = []
    for entry_data in top.get("follow_up", list, []):
        entry = _Reader(entry_data, path, "follow_up")
        entry.only("id", "label", "opd", "when", "program")
        follow_ups.append(
            FollowUp(
                entry.get("id", str),
                entry.get("label", str),
                entry.get("opd", str),
                entry.expression("when", fields, {}),
                entry.get("program", str, ""),
            )
        )
    privacy = top.table("privacy")
    privacy.only("k_anonymity")
    pockets = top.table("pockets")
    pocket_names = ("extreme_share", "extreme_count", "deprivation", "unserved_share")
    pockets.only(*pocket_names)
    school = ages.get("school", list)
    working = ages.get("working", list)
    for key, pair in (("school", school), ("working", working)):
        if len(pair) != 2 or not all(isinstance(v, int) for v in pair) or pair[0] > pair[1]:
            raise _error(
                path, f"ages.{key}", "harus [umur_awal, umur_akhir]", "must be [low, high]"
            )
    return Settings(
        version=top.get("version", str),
        desil_sources=tuple(welfare.get("desil_sources", list)),
        extreme_desil_max=int(welfare.number("extreme_desil_max", 1, 10)),
        extreme_basis=welfare.get("extreme_basis", str),
        elderly_age=int(ages.number("elderly", 40, 100)),
        school_ages=(school[0], school[1]),
        working_ages=(working[0], working[1]),
        informal_occupations=tuple(
            str(v).strip().upper() for v in top.get("informal_occupations", list)
        ),
        housing=vocabulary,
        derived=tuple(derived),
        dimensions=tuple(dimensions),
        cutoff=deprivation.number("cutoff", 0, 1),
        follow_ups=tuple(follow_ups),
        k_anonymity=int(privacy.number("k_anonymity", 1, 1000)),
        pocket_weights={name: pockets.number(name, 0, 100) for name in pocket_names},
        path=str(path),
        family_fields=fields,
    )


def _program(
    data: dict[str, Any],
    path: Path,
    settings: Settings,
    programs: Iterable[str],
    errors: _Errors,
) -> ProgramRule | None:
    """One program file, or None when it has mistakes (each one added to ``errors``).

    Each part is checked on its own, so a wrong parameter and a wrong schedule month are
    both told; a condition naming a parameter that is itself wrong is not checked again,
    which would blame the condition for the parameter's mistake.
    """
    before = len(errors.found)
    top = _Reader(data, path, "")
    with errors.check():
        top.only("program", "parameters", "eligibility", "distribution")
    program = _Reader({}, path, "program")
    with errors.check():
        program = top.table("program")
        program.only("id", "name", "version", "level", "kind", "owner", "opd", "lists", "note")
    level = "family"
    with errors.check():
        level = program.get("level", str)
        if level not in LEVELS:
            raise _error(
                path, "program.level", f"harus salah satu dari {LEVELS}", f"not in {LEVELS}"
            )
    with errors.check():
        kind = program.get("kind", str)
        if kind not in KINDS:
            raise _error(path, "program.kind", f"harus salah satu dari {KINDS}", f"not in {KINDS}")

    parameters = []
    values: dict[str, Value] = {}
    broken: set[str] = set()
    names: list[str] = []
    with errors.check():
        names = list(top.table("parameters", required=False).data)
    for name in names:
        with errors.check():
            try:
                parameters.append(_parameter(top.table("parameters").table(name), name, settings))
                values[name] = parameters[-1].value
            except RuleError:
                broken.add(name)
                raise

    fields = dict(settings.family_fields)
    fields |= {f"receives_{p}": receipt_field(p) for p in programs}
    if level == "person":
        fields |= PERSON_FIELDS
    eligibility = _Reader({}, path, "eligibility")
    when: Expression | None = None
    with errors.check():
        eligibility = top.table("eligibility")
        eligibility.only("when", "reason")
        if not _names_broken(eligibility.data.get("when"), broken):
            when = eligibility.expression("when", fields, values)
            if when.type != "bool":
                raise _error(
                    path, "eligibility.when", "harus syarat ya/tidak", "must be a condition"
                )

    distribution = None
    if "distribution" in data:
        with errors.check():
            distribution = _distribution(top.table("distribution"), fields, values, broken, errors)
    if len(errors.found) > before or when is None:
        return None
    program_id = program.get("id", str)
    return ProgramRule(
        id=program_id,
        name=program.get("name", str),
        version=program.get("version", str),
        level=level,
        kind=program.get("kind", str),
        owner=program.get("owner", str, ""),
        opd=program.get("opd", str),
        lists=tuple(program.get("lists", list, [program_id])),
        eligibility=when,
        reason=eligibility.get("reason", str, ""),
        parameters=tuple(parameters),
        distribution=distribution,
        path=str(path),
    )


def _parameter(entry: _Reader, name: str, settings: Settings) -> Parameter:
    """One ``[parameters.<name>]``: its value in range, its year a year."""
    entry.only("value", "source", "year", "note")
    if name in settings.family_fields or name in PERSON_FIELDS:
        raise _error(entry.path, entry.prefix, "sama dengan nama kolom", "shadows a field")
    value = entry.get("value", (int, float, str, bool, list))
    # A desil cut-off outside 1-10 (or a word) would make every family eligible or none.
    whole = isinstance(value, int) and not isinstance(value, bool)
    if name.startswith("desil") and not (whole and DESIL[0] <= value <= DESIL[1]):
        raise _error(
            entry.path,
            entry.key("value"),
            f"desil harus bilangan bulat {DESIL[0]}-{DESIL[1]} (isinya {value!r})",
            f"a desil must be a whole number {DESIL[0]}-{DESIL[1]} (is {value!r})",
        )
    year = entry.get("year", int, None)
    if year is not None and not YEARS[0] <= year <= YEARS[1]:
        raise _error(
            entry.path,
            entry.key("year"),
            f"tahun harus antara {YEARS[0]} dan {YEARS[1]} (isinya {year})",
            f"the year must lie between {YEARS[0]} and {YEARS[1]} (is {year})",
        )
    return Parameter(name, value, entry.get("source", str), year, entry.get("note", str, ""))


def _names_broken(text: object, broken: set[str]) -> bool:
    """Whether a condition names a parameter that is itself wrong (already told)."""
    return isinstance(text, str) and any(re.search(rf"\b{re.escape(n)}\b", text) for n in broken)


def _distribution(
    table: _Reader,
    fields: Mapping[str, FactField],
    values: Mapping[str, Value],
    broken: set[str],
    errors: _Errors,
) -> Distribution | None:
    """``[distribution]``, or None when it has mistakes (each added to ``errors``)."""
    before = len(errors.found)
    path = table.path
    with errors.check():
        table.only("entitlement", "schedule", "due_month", "tolerance")
    entitlement = None
    with errors.check():
        text = table.data.get("entitlement")
        if text is not None and not _names_broken(text, broken):
            entitlement = table.expression("entitlement", fields, values)
            if entitlement.type not in ("int", "float"):
                raise _error(path, "distribution.entitlement", "harus angka", "must be a number")
    schedule = {}
    with errors.check():
        for period, month in table.get("schedule", dict, {}).items():
            if not isinstance(month, int) or not 1 <= month <= 12:
                raise _error(path, f"distribution.schedule.{period}", "bulan 1-12", "month 1-12")
            schedule[normalise_period(period)] = month
    due_month = None
    with errors.check():
        due_month = table.get("due_month", int, None)
        if due_month is not None and not 1 <= due_month <= 12:
            raise _error(path, "distribution.due_month", "bulan 1-12", "month 1-12")
    tolerance = 0.05
    with errors.check():
        tolerance = table.number("tolerance", 0, 1, 0.05)
    if len(errors.found) > before:
        return None
    return Distribution(entitlement, schedule, due_month, tolerance)


def normalise_period(text: str | None) -> str:
    """A period as lists write it, compared without case, spaces, the year or a leading
    "tahap"/"bulan"/"periode".

    Examples:
        >>> normalise_period("Januari-Februari 2026"), normalise_period(" Tahap 1 ")
        ('januari-februari', '1')
    """
    if text is None:
        return ""
    words = [w for w in str(text).lower().split() if not (w.isdigit() and len(w) == 4)]
    if words and words[0] in _PERIOD_WORDS:
        words = words[1:]
    return " ".join(words)


_PERIOD_WORDS = ("tahap", "bulan", "periode", "triwulan")
