"""Choose the poverty lines a survey is measured against, one basis at a time.

A figure is computed against exactly one line basis (BPS_GK, a PPP extreme
line, ...): rates on different bases answer different questions and are never
put in one number or chart (DOMAIN.md 4.4). For each basis the most specific
line is taken: the survey's regency, else its province, else Indonesia; the
latest period not after the survey's; an urban and a rural line where both
exist (BPS sets them apart), else the total line for everyone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from sinergi.domain import reference
from sinergi.domain.reference import PovertyLine
from sinergi.errors import PipelineError

# BPS measures extreme poverty on the USD 2.15 PPP 2017 line since 2024 (DOMAIN.md 4.4).
DEFAULT_BASES = ("BPS_GK", "USD_2.15_PPP2017")


@dataclass(frozen=True)
class LineChoice:
    """The lines of one basis applied to a survey: one per area type used."""

    basis: str
    lines: tuple[PovertyLine, ...]

    def ids(self) -> str:
        return ", ".join(line.line_id for line in self.lines)


def choose_lines(
    regency_code: str, period: str, bases: Sequence[str] = DEFAULT_BASES
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
                for line in reference.poverty_lines(basis=basis, area_code=area)
                if line.period <= period
            ]
            if not usable:
                continue
            latest = max(line.period for line in usable)
            current = [line for line in usable if line.period == latest]
            split = [line for line in current if line.area_type in ("urban", "rural")]
            chosen.append(LineChoice(basis, tuple(split if len(split) == 2 else current)))
            break
    if not chosen:
        raise PipelineError(
            f"Tidak ada garis kemiskinan ({', '.join(bases)}) untuk {regency_code} pada atau "
            f"sebelum {period}. Tambahkan garisnya di data rujukan (poverty_lines.csv).",
            english=f"No poverty line ({', '.join(bases)}) for {regency_code} up to {period}",
            code="NO_POVERTY_LINE",
        )
    return chosen


def line_per_household(households: pl.DataFrame, choice: LineChoice) -> pl.Series:
    """The rupiah line of each household: by its urban/rural class, or the total line."""
    by_type = {line.area_type: float(line.value) for line in choice.lines}
    if "total" in by_type:
        return pl.Series("line", [by_type["total"]] * households.height, dtype=pl.Float64)
    if households["urban"].is_null().any():
        raise PipelineError(
            "Ada rumah tangga tanpa klasifikasi perkotaan/perdesaan, padahal garis kemiskinan "
            f"{choice.ids()} dibedakan menurut perkotaan/perdesaan. Lengkapi kolom itu.",
            english="Households without urban/rural class while the lines are split by it",
            code="URBAN_MISSING",
        )
    return households["urban"].replace_strict(by_type, return_dtype=pl.Float64).alias("line")


def lines_by_id(line_ids: Sequence[str]) -> list[LineChoice]:
    """The lines a user named (``--lines``), grouped by basis in the order first named.

    Two lines of one basis must be its urban and rural lines; anything else would put
    two answers to one question in a table.
    """
    grouped: dict[str, list[PovertyLine]] = {}
    for line_id in line_ids:
        line = reference.poverty_line(line_id.strip())
        grouped.setdefault(line.basis, []).append(line)
    for basis, lines in grouped.items():
        types = sorted(line.area_type for line in lines)
        if len(lines) > 1 and types != ["rural", "urban"]:
            raise PipelineError(
                f"Garis {', '.join(line.line_id for line in lines)} berbasis sama ({basis}); "
                "satu basis hanya boleh satu garis, atau sepasang garis perkotaan dan perdesaan.",
                english=f"Lines of one basis ({basis}) must be one line or an urban/rural pair",
                code="LINES_AMBIGUOUS",
            )
    return [LineChoice(basis, tuple(lines)) for basis, lines in grouped.items()]
