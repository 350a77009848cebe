"""Choose the poverty lines a survey is measured against, one basis at a time.

A figure is computed against exactly one line basis (BPS_GK, a PPP extreme
line, ...): rates on different bases answer different questions and are never
put in one number or chart (DOMAIN.md 4.4). For each basis the most specific
line is taken: the survey's regency, else its province, else Indonesia; the
latest period not after the survey's; an urban and a rural line where both
exist (BPS sets them apart), else the total line for everyone.

The lines to choose from are the shipped reference lines and those the
secretariat imported (`sinergi import` of a ``poverty_line`` table, e.g. this
year's GK Maret before a Sinergi release carries it): :func:`line_catalogue`.
An imported line replaces a shipped one of the same id, or of the same basis,
area, area type and period.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from sinergi.domain import reference, wilayah
from sinergi.domain.reference import NATIONAL_CODE, PovertyLine
from sinergi.errors import PipelineError
from sinergi.lake.home import SNAPSHOT_DATA, DataHome

# BPS measures extreme poverty on the USD 2.15 PPP 2017 line since 2024 (DOMAIN.md 4.4).
DEFAULT_BASES = ("BPS_GK", "USD_2.15_PPP2017")
# The one basis set anew each year (each March SUSENAS has its GK); a PPP line stays the same
# line across rounds, so only this basis may change its line between the rounds compared.
YEARLY_BASIS = "BPS_GK"
_PERIOD = re.compile(r"([0-9]{4})(?:[-_/.]([0-9]{1,2})(?![0-9]))?")


def period_key(period: str) -> tuple[int, int]:
    """A period as (year, month) to compare: as text "2022" sorts before "2022-03" but so does
    "2021-3" after "2021-12". A year alone is month 0, before any month of that year.

    Examples:
        >>> period_key("2024-03"), period_key("2024"), period_key("2022_p3ke"), period_key("2021-3")
        ((2024, 3), (2024, 0), (2022, 0), (2021, 3))
    """
    found = _PERIOD.match(period.strip())
    if found is None:
        raise PipelineError(
            f"Periode '{period}' tidak bisa dibaca; tulis TTTT-BB, misalnya 2024-03.",
            english=f"Unreadable period {period!r}; expected YYYY-MM",
            code="STATS_BAD_PERIOD",
        )
    return int(found.group(1)), int(found.group(2) or 0)


@dataclass(frozen=True)
class LineChoice:
    """The lines of one basis applied to a survey: one per area type used."""

    basis: str
    lines: tuple[PovertyLine, ...]

    def ids(self) -> str:
        return ", ".join(line.line_id for line in self.lines)


@dataclass(frozen=True)
class LineCatalogue:
    """The poverty lines a run may use, and the imported rows it could not (with why)."""

    lines: tuple[PovertyLine, ...]
    set_aside: tuple[str, ...] = ()

    def of(self, basis: str, area_code: str, area_type: str | None = None) -> list[PovertyLine]:
        return [
            line
            for line in self.lines
            if line.basis == basis
            and line.area_code == area_code
            and (area_type is None or line.area_type == area_type)
        ]

    def line(self, line_id: str) -> PovertyLine:
        for line in self.lines:
            if line.line_id == line_id:
                return line
        return reference.poverty_line(line_id)  # its error names the ids close to this one


SHIPPED = LineCatalogue(reference.poverty_lines())


def line_catalogue(home: DataHome) -> LineCatalogue:
    """The shipped lines with every imported ``poverty_line`` snapshot laid over them.

    Later imports win over earlier ones and over the shipped file, by id and by
    (basis, area, area type, period). An imported row whose basis Sinergi does not
    know, or whose area code is not a Kemendagri code, is set aside with its file
    and row named: a basis is what keeps two lines out of one figure.
    """
    chosen = {_slot(line): line for line in SHIPPED.lines}
    set_aside = []
    for manifest in home.manifests():
        if manifest.get("contract") != "poverty_line":
            continue
        folder = home.snapshot_dir(manifest["source"], manifest["period"], manifest["import_id"])
        for row in pl.read_parquet(folder / SNAPSHOT_DATA).iter_rows(named=True):
            where = f"{manifest['file']['name']} baris {row['_row']}"
            area = _area(row["area_code"])
            if row["basis"] not in reference.KNOWN_BASES or area is None:
                what = (
                    f"basis '{row['basis']}' tidak dikenal "
                    f"({', '.join(sorted(reference.KNOWN_BASES))})"
                    if area is not None
                    else f"kode wilayah '{row['area_code']}' tidak dikenal"
                )
                set_aside.append(f"Garis {row['line_id']} ({where}) tidak dipakai: {what}.")
                continue
            line = PovertyLine(
                line_id=row["line_id"],
                name=row["name"] or row["line_id"],
                basis=row["basis"],
                area_code=area,
                area_type=row["area_type"] or "total",
                value=Decimal(str(row["value"])),
                unit=row["unit"] or "IDR_per_capita_per_month",
                period=row["period"],
                source=row["source"] or f"diimpor ({where})",
                grade="U",
                note=f"diimpor {manifest['import_id']} ({where})",
            )
            chosen = {
                slot: kept
                for slot, kept in chosen.items()
                if kept.line_id != line.line_id and slot != _slot(line)
            }
            chosen[_slot(line)] = line
    return LineCatalogue(tuple(chosen.values()), tuple(set_aside))


def _slot(line: PovertyLine) -> tuple[str, str, str, str]:
    return line.basis, line.area_code, line.area_type, line.period


def _area(code: str) -> str | None:
    if code.strip() == NATIONAL_CODE:
        return NATIONAL_CODE
    try:
        normal = wilayah.normalise_code(code)
    except wilayah.WilayahError:
        return None
    return normal if wilayah.exists(normal) else None


def choose_lines(
    regency_code: str,
    period: str,
    bases: Sequence[str] = DEFAULT_BASES,
    catalogue: LineCatalogue = SHIPPED,
) -> list[LineChoice]:
    """For each basis with a line for this area, the lines to use (most specific area first).

    Raises:
        PipelineError: no basis has a line for the area at or before ``period``.
    """
    chosen = []
    for basis in bases:
        for area in reference.area_fallback_chain(regency_code):
            usable = [
                line
                for line in catalogue.of(basis, area)
                if period_key(line.period) <= period_key(period)
            ]
            if not usable:
                continue
            latest = max(period_key(line.period) for line in usable)
            current = [line for line in usable if period_key(line.period) == latest]
            split = [line for line in current if line.area_type in ("urban", "rural")]
            chosen.append(LineChoice(basis, tuple(split if len(split) == 2 else current)))
            break
    if not chosen:
        raise PipelineError(
            f"Tidak ada garis kemiskinan ({', '.join(bases)}) untuk {regency_code} pada atau "
            f"sebelum {period}. Impor garisnya (tabel garis kemiskinan: line_id, basis, "
            "area_code, area_type, value, period) dengan `sinergi import`, lalu ulangi.",
            english=f"No poverty line ({', '.join(bases)}) for {regency_code} up to {period}",
            code="NO_POVERTY_LINE",
        )
    return chosen


def line_per_household(
    households: pl.DataFrame, choice: LineChoice, *, where: str = "survei", column: str = "urban"
) -> pl.Series:
    """The rupiah line of each household: by its urban/rural class, or the total line.

    ``where`` names the file and ``column`` the urban/rural column as the user knows them,
    for the error; the file rows come from ``_row`` when the frame has it.
    """
    by_type = {line.area_type: float(line.value) for line in choice.lines}
    if "total" in by_type:
        return pl.Series("line", [by_type["total"]] * households.height, dtype=pl.Float64)
    # Any class without a line of its own (empty, or "tidak diketahui" as the run fills an
    # empty cell) would get no line at all: refuse, naming the rows to complete.
    unclassed = ~households["urban"].is_in(list(by_type)).fill_null(False)
    if unclassed.any():
        rows = (
            households.filter(unclassed)["_row"].head(5).to_list()
            if "_row" in households.columns
            else []
        )
        at = f" (baris {', '.join(str(r) for r in rows)}{', ...' if unclassed.sum() > 5 else ''})"
        raise PipelineError(
            f"{where}: {int(unclassed.sum())} rumah tangga tanpa klasifikasi perkotaan/"
            f"perdesaan di kolom '{column}'{at if rows else ''}, padahal garis kemiskinan "
            f"{choice.ids()} dibedakan menurut perkotaan/perdesaan. Lengkapi kolom itu, atau "
            "pakai garis total (--lines ..._total).",
            english=f"{where}: {int(unclassed.sum())} households without urban/rural class in "
            f"{column!r} (rows {rows}) while the lines are split by it",
            code="URBAN_MISSING",
        )
    return households["urban"].replace_strict(by_type, return_dtype=pl.Float64).alias("line")


def lines_by_id(line_ids: Sequence[str], catalogue: LineCatalogue = SHIPPED) -> list[LineChoice]:
    """The lines a user named (``--lines``), grouped by basis in the order first named.

    Two lines of one basis must be its urban and rural lines; anything else would put
    two answers to one question in a table.
    """
    grouped: dict[str, list[PovertyLine]] = {}
    for line_id in line_ids:
        line = catalogue.line(line_id.strip())
        grouped.setdefault(line.basis, []).append(line)
    for basis, lines in grouped.items():
        named = ", ".join(line.line_id for line in lines)
        types = sorted(line.area_type for line in lines)
        if len(lines) > 1 and types != ["rural", "urban"]:
            raise PipelineError(
                f"Garis {named} berbasis sama ({basis}); satu basis hanya boleh satu garis, "
                "atau sepasang garis perkotaan dan perdesaan.",
                english=f"Lines of one basis ({basis}) must be one line or an urban/rural pair",
                code="LINES_AMBIGUOUS",
            )
        if len(lines) == 1 and types[0] in ("urban", "rural"):
            # A household of the other class would have no line at all.
            other = "perdesaan" if types[0] == "urban" else "perkotaan"
            raise PipelineError(
                f"Garis {named} hanya untuk {_TYPE_NAMES[types[0]]}; sebutkan juga garis "
                f"{other} dari wilayah dan periode yang sama, atau pakai garis total.",
                english=f"Line {named} is for one area type only; name its {other} partner "
                "or a total line",
                code="LINES_UNPAIRED",
            )
        if len(lines) == 2 and (
            lines[0].period != lines[1].period or lines[0].area_code != lines[1].area_code
        ):
            # Two years' or two areas' lines in one figure answer no question at all.
            raise PipelineError(
                f"Garis {named} bukan satu pasang: garis perkotaan dan perdesaan harus dari "
                "wilayah dan periode yang sama ("
                + "; ".join(f"{line.line_id}: {line.area_code}, {line.period}" for line in lines)
                + ").",
                english=f"Lines {named} must share area and period to be a pair",
                code="LINES_NOT_A_PAIR",
            )
    return [LineChoice(basis, tuple(lines)) for basis, lines in grouped.items()]


_TYPE_NAMES = {"urban": "perkotaan", "rural": "perdesaan", "total": "total"}


def carry_lines(
    choice: LineChoice, period: str, catalogue: LineCatalogue = SHIPPED
) -> LineChoice | None:
    """The lines of ``choice`` for an earlier survey round of ``period``, or None.

    The same basis, area and area types: a PPP line stays itself; the yearly GK
    becomes that round's year's GK (the latest one of that year not after the round).
    None when that year has no GK for the same area, so a change is never measured
    between lines that differ for another reason (another area, a total line against
    an urban/rural pair).
    """
    if choice.basis != YEARLY_BASIS:
        return choice
    year = period_key(period)[0]
    carried = []
    for line in choice.lines:
        same = [
            other
            for other in catalogue.of(line.basis, line.area_code, line.area_type)
            if period_key(other.period)[0] == year
            and period_key(other.period) <= period_key(period)
        ]
        if not same:
            return None
        carried.append(max(same, key=lambda other: period_key(other.period)))
    if len({line.period for line in carried}) > 1:
        return None  # an urban and a rural line of two different months: not one pair
    return LineChoice(choice.basis, tuple(carried))
