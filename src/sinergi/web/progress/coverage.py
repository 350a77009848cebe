"""Program coverage against need, area by area, and which programs reach the same families.

For each program of the latest diagnosis, per area one level down (desa under a
kecamatan, kecamatan under a regency, regency under a province; a desa shows
itself), in families:

* *terdaftar* (``listed``): on the imported beneficiary list, after padanan;
* *layak* (``eligible``): eligible by the program's rule;
* *layak dan terdaftar* (``served``) and *cakupan* = served / eligible;
* *layak belum terdaftar* (``exclusion``) and *terdaftar tidak layak* (``inclusion``).

All but ``listed`` are the diagnosis' ``areas`` aggregates as they are. For a
person-level program (PBI, PIP, BPJS-TK) a family counts under each heading where
any member does, so the headings need not add up. A program without an imported
list has only ``eligible``.

The *complementarity* view counts, among the families eligible for at least one
program with a list and among the extreme-poor families, how many receive 0, 1,
2 or 3 and more listed programs, and the most common combinations. The XLSX
export hides counts of 1 to k-1 (the diagnosis' k-anonymity setting), as every
table that leaves the site does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.domain import wilayah
from sinergi.pipeline.diagnose.aggregate import suppress_small_counts
from sinergi.pipeline.diagnose.rules import load_rule_set
from sinergi.reports.sheets import Styles, sheet_name, write_table
from sinergi.web import registry
from sinergi.web.progress import actuals
from sinergi.web.progress.actuals import GROUP_ELIGIBLE, GROUP_EXTREME, GROUPS

MEASURES = ("listed", "eligible", "served", "coverage", "exclusion", "inclusion")
DIAGNOSED = ("eligible", "served", "exclusion", "inclusion")
TOP_COMBINATIONS = 10
MANY = 3  # "3 programs or more" is the last bucket
GROUP_LABELS = {
    GROUP_ELIGIBLE: gettext_lazy("Keluarga layak untuk sedikitnya satu program"),
    GROUP_EXTREME: gettext_lazy("Keluarga miskin ekstrem"),
}
LEVELS = {
    wilayah.Level.PROVINCE: gettext_lazy("provinsi"),
    wilayah.Level.REGENCY: gettext_lazy("kabupaten/kota"),
    wilayah.Level.DISTRICT: gettext_lazy("kecamatan"),
    wilayah.Level.VILLAGE: gettext_lazy("desa/kelurahan"),
}


class NotDiagnosed(LookupError):
    """The area has no desa in the latest diagnosis."""


@dataclass(frozen=True)
class Program:
    code: str
    name: str
    listed: bool
    level: str = "family"  # "person" (PBI, PIP, BPJS-TK): its headings need not add up

    @property
    def per_person(self) -> bool:
        return self.level == "person"


@dataclass(frozen=True)
class Cell:
    """One program in one area, in families (``None``: unknown without a list)."""

    listed: int | None
    eligible: int | None
    served: int | None
    coverage: float | None
    exclusion: int | None
    inclusion: int | None


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    cells: dict[str, Cell]


@dataclass(frozen=True)
class Combination:
    """A set of listed programs received together (none: empty) and how many families do."""

    programs: tuple[str, ...]
    names: str
    families: int

    @property
    def received(self) -> int:
        return len(self.programs)


@dataclass(frozen=True)
class Group:
    """Families of one group by how many listed programs they receive, and the combinations."""

    code: str
    families: int
    buckets: list[tuple[str, int]]  # "0", "1", "2", "3+" programs, and the families
    combinations: list[Combination]

    @property
    def shares(self) -> list[tuple[str, int, float | None]]:
        """The buckets with each one's share of the group."""
        return [(b, n, n / self.families if self.families else None) for b, n in self.buckets]

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self.code])


@dataclass(frozen=True)
class Coverage:
    area: str
    name: str
    rows_level: str
    programs: list[Program]
    rows: list[Place]
    total: Place
    groups: list[Group]
    run: str


def coverage(area: str) -> Coverage:
    """The coverage of ``area`` and of the areas one level down. Raises :class:`NotDiagnosed`."""
    run = registry.run_folder()
    programs = _programs()
    areas = registry.diagnosis_table("areas")
    below = registry.children(area).sort("area_code")
    # The areas one level down; a desa has none and shows itself.
    shown = below if below.height else areas.filter(pl.col("area_code") == area)
    desa = actuals.desa_counts(run).filter(registry.within(area))
    if desa.is_empty() or shown.is_empty():
        raise NotDiagnosed(area)
    segments = area.count(".") + (2 if below.height else 1)
    by_row = _sum_by(desa, pl.col("area_code").str.split(".").list.head(segments).list.join("."))
    rows = [_place(row, by_row.get(row["area_code"], {}), programs) for row in shown.to_dicts()]
    whole = _sum_by(desa, pl.lit(area)).get(area, {})
    own = registry.area(area)  # a province has no row of its own in the diagnosis
    total = _place(own, whole, programs) if own else _summed(area, rows, whole, programs)
    return Coverage(
        area=area,
        name=_name(area),
        rows_level=str(LEVELS[wilayah.level_of(rows[0].code)]),
        programs=programs,
        rows=rows,
        total=total,
        groups=groups(area, programs, run),
        run=run.name,
    )


def _programs() -> list[Program]:
    """The programs of the latest diagnosis, those with a list first."""
    table = registry.diagnosis_table("programs").sort("listed", "program", descending=[True, False])
    return [
        Program(r["program"], r["name"], r["listed"], r.get("level") or "family")
        for r in table.to_dicts()
    ]


def _sum_by(desa: pl.DataFrame, key: pl.Expr) -> dict[str, dict[str, int]]:
    summed = (
        desa.with_columns(key.alias("_key"))
        .group_by("_key")
        .agg(pl.exclude("area_code", "_key").sum())
    )
    return {row.pop("_key"): row for row in summed.to_dicts()}


def _place(row: dict[str, object], extra: dict[str, int], programs: list[Program]) -> Place:
    cells = {}
    for p in programs:
        if p.listed:
            counts = {m: _int(row.get(f"{m}_{p.code}")) for m in DIAGNOSED}
            cells[p.code] = Cell(
                listed=extra.get(f"listed_{p.code}", 0),
                coverage=_share(counts["served"], counts["eligible"]),
                **counts,
            )
        else:
            eligible = extra.get(f"eligible_{p.code}", 0)
            cells[p.code] = Cell(None, eligible, None, None, None, None)
    code = str(row["area_code"])
    return Place(code, str(row.get("area_name") or _name(code)), cells)


def _summed(area: str, rows: list[Place], whole: dict[str, int], programs: list[Program]) -> Place:
    """The total of ``rows`` for an area the diagnosis has no row of (a province)."""
    row: dict[str, object] = {"area_code": area, "area_name": _name(area)}
    for p in programs:
        for m in DIAGNOSED:
            row[f"{m}_{p.code}"] = sum(getattr(r.cells[p.code], m) or 0 for r in rows)
    return _place(row, whole, programs)


def groups(area: str, programs: list[Program], run: Path) -> list[Group]:
    """The complementarity view of ``area``: per group the buckets 0, 1, 2, 3+ and combinations."""
    names = {p.code: p.name for p in programs}
    found = actuals.combinations(run).filter(registry.within(area))
    result = []
    for code in GROUPS:
        rows = found.filter(pl.col("group") == code)
        counted = rows.group_by("combination", "received").agg(pl.col("families").sum())
        by_received = dict.fromkeys(range(MANY + 1), 0)
        for row in counted.iter_rows(named=True):
            by_received[min(row["received"], MANY)] += row["families"]
        top = counted.sort(["families", "combination"], descending=[True, False]).head(
            TOP_COMBINATIONS
        )
        result.append(
            Group(
                code=code,
                families=int(rows["families"].sum()),
                buckets=[(_bucket(n), count) for n, count in by_received.items()],
                combinations=[
                    _combination(r["combination"], r["families"], names)
                    for r in top.iter_rows(named=True)
                ],
            )
        )
    return result


def _bucket(received: int) -> str:
    return f"{MANY}+" if received == MANY else str(received)


def _combination(joined: str, families: int, names: dict[str, str]) -> Combination:
    codes = tuple(joined.split("+")) if joined else ()
    shown = " + ".join(names.get(code, code) for code in codes)
    return Combination(codes, shown or _("Tidak menerima program apa pun"), families)


def _int(value: object) -> int | None:
    return None if value is None else int(str(value))


def _share(part: int | None, whole: int | None) -> float | None:
    return part / whole if part is not None and whole else None


def _name(code: str) -> str:
    found = wilayah.find(code)
    return found.label if found else code


# --- XLSX ---------------------------------------------------------------------------------

COLUMN_LABELS = {
    "area_code": "Kode wilayah",
    "area_name": "Wilayah",
    "program": "Program",
    "listed": "Terdaftar penerima (keluarga)",
    "eligible": "Layak (keluarga)",
    "served": "Layak dan terdaftar",
    "coverage": "Cakupan",
    "exclusion": "Layak belum terdaftar",
    "inclusion": "Terdaftar tidak layak",
    "group": "Kelompok",
    "received": "Jumlah program diterima",
    "combination": "Kombinasi program",
    "families": "Keluarga",
    "share": "Persentase",
}


def workbook(found: Coverage) -> bytes:
    """The coverage and complementarity of ``found`` as an XLSX file, small counts hidden."""
    k = load_rule_set(Path(settings.HOME) / "rules").settings.k_anonymity
    hidden = f"<{k}"
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    styles, taken = Styles(book), set[str]()
    note = (
        f"{found.name} ({found.area}), diagnosis {found.run}. Agregat keluarga, bukan data "
        f"orang; jumlah 1 sampai {k - 1} ditulis {hidden}."
    )
    listed = [p for p in found.programs if p.listed]
    unlisted = [p for p in found.programs if not p.listed]
    places = [found.total, *found.rows]
    sheets = {
        "Cakupan program": (
            f"Cakupan program per {found.rows_level}, baris pertama jumlah wilayah. {note}",
            pl.DataFrame(
                [
                    {"area_code": place.code, "area_name": place.name, "program": p.name}
                    | {m: getattr(place.cells[p.code], m) for m in MEASURES}
                    for place in places
                    for p in listed
                ],
                schema=_schema("area_code", "area_name", "program", *MEASURES),
                orient="row",
            ),
            {"coverage": "served"},
        ),
        "Layak tanpa daftar": (
            f"Program yang daftar penerimanya belum diimpor: hanya jumlah keluarga layak. {note}",
            pl.DataFrame(
                [
                    {"area_code": place.code, "area_name": place.name, "program": p.name}
                    | {"eligible": place.cells[p.code].eligible}
                    for place in places
                    for p in unlisted
                ],
                schema=_schema("area_code", "area_name", "program", "eligible"),
                orient="row",
            ),
            {},
        ),
        "Jumlah program diterima": (
            f"Berapa program (yang daftarnya diimpor) diterima tiap keluarga. {note}",
            pl.DataFrame(
                [
                    {"group": g.label, "received": bucket, "families": n}
                    | {"share": n / g.families if g.families else None}
                    for g in found.groups
                    for bucket, n in g.buckets
                ],
                schema=_schema("group", "received", "families", "share"),
                orient="row",
            ),
            {"share": "families"},
        ),
        "Kombinasi program": (
            f"Kombinasi program yang paling sering diterima bersama. {note}",
            pl.DataFrame(
                [
                    {"group": g.label, "combination": c.names, "received": str(c.received)}
                    | {
                        "families": c.families,
                        "share": c.families / g.families if g.families else None,
                    }
                    for g in found.groups
                    for c in g.combinations
                ],
                schema=_schema("group", "combination", "received", "families", "share"),
                orient="row",
            ),
            {"share": "families"},
        ),
    }
    for title, (description, frame, rates) in sheets.items():
        counts = [c for c in frame.columns if frame.schema[c] == pl.Int64]
        shown = suppress_small_counts(frame, k, counts, rates)
        sheet = book.add_worksheet(sheet_name(title, taken))
        write_table(sheet, styles, description, shown, COLUMN_LABELS, hidden)
    book.close()
    return buffer.getvalue()


def _schema(*columns: str) -> dict[str, type[pl.DataType]]:
    text = {"area_code", "area_name", "program", "group", "combination", "received"}
    return {
        c: pl.String if c in text else pl.Float64 if c in ("coverage", "share") else pl.Int64
        for c in columns
    }
