"""Parameters of one synthetic regency: size, seed, calibration targets and noise rates."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sinergi.domain import reference, wilayah
from sinergi.errors import SynthError
from sinergi.synth.noise import NoiseRates


@dataclass(frozen=True)
class Fallback:
    """A figure of the calibration taken from the province or Indonesia, not the regency.

    Args:
        figure: the ``Calibration`` field it fills (``poverty_rate`` ...).
        value: the value it gave that field; a value set by hand later no longer
            comes from the fallback, so the note is dropped (``Calibration.fallback_notes``).
        note: what the manifest says, in Bahasa Indonesia.
    """

    figure: str
    value: float
    note: str


@dataclass(frozen=True)
class Calibration:
    """The published figures the synthetic welfare distribution is made to reproduce.

    Args:
        poverty_rate: share of persons below the regency poverty line (P0 / 100).
        extreme_rate: share of persons below the extreme line on ``extreme_basis``.
        poverty_line: regency poverty line, Rp per capita per month.
        extreme_line: extreme poverty line, Rp per capita per month.
        extreme_basis: the basis of ``extreme_line`` (e.g. ``USD_1.90_PPP2011``).
        national_line: the national poverty line of the same period, Rp per capita
            per month; with ``national_rate`` it places the national desil cut-offs.
        national_rate: the national share of persons below ``national_line``.
        upper_log_spread: standard deviation of log expenditure above the poverty
            line; 0.55 gives a Gini near 0.35, as BPS publishes for NTB.
        source: where the rates and lines come from, for the manifest.
        fallbacks: the figures that are not the regency's own (docs/calibration.md,
            the fallback rule), so the manifest can say so instead of passing a
            province or national figure off as the regency's.
    """

    poverty_rate: float
    extreme_rate: float
    poverty_line: float
    extreme_line: float
    extreme_basis: str
    national_line: float
    national_rate: float
    upper_log_spread: float = 0.55
    source: str = ""
    fallbacks: tuple[Fallback, ...] = ()

    def __post_init__(self) -> None:
        if not 0 < self.extreme_rate < self.poverty_rate < 1:
            raise SynthError(
                "Tingkat kemiskinan ekstrem harus lebih kecil dari tingkat kemiskinan, "
                f"keduanya antara 0 dan 1 (ekstrem {self.extreme_rate}, "
                f"miskin {self.poverty_rate}).",
                english="Extreme rate must be below the poverty rate, both within (0, 1).",
                code="SYNTH_BAD_CALIBRATION",
            )
        if not 0 < self.extreme_line < self.poverty_line:
            raise SynthError(
                "Garis kemiskinan ekstrem harus lebih kecil dari garis kemiskinan "
                f"(ekstrem Rp{self.extreme_line:,.0f}, GK Rp{self.poverty_line:,.0f}).",
                english="The extreme line must be below the poverty line.",
                code="SYNTH_BAD_CALIBRATION",
            )

    def fallback_notes(self) -> list[str]:
        """The notes of the fallbacks whose figure still holds the value they gave it."""
        return [f.note for f in self.fallbacks if getattr(self, f.figure) == f.value]


@dataclass(frozen=True)
class SynthConfig:
    """Everything that decides the output of ``sinergi synth``.

    The same config (and package version) always gives byte-identical sources.
    """

    regency: str
    persons: int
    seed: int
    out: Path
    calibration: Calibration
    noise: NoiseRates = field(default_factory=NoiseRates)
    year: int = 2026
    pocket_share: float = 0.12
    # Added to every record number the sources issue (family ids, DTKS ids, card numbers),
    # so the regencies of one synthetic province never share one.
    id_offset: int = 0

    def __post_init__(self) -> None:
        if self.persons < 50:
            raise SynthError(
                f"Jumlah penduduk minimal 50 (diminta {self.persons}).",
                english="At least 50 persons are needed.",
                code="SYNTH_TOO_SMALL",
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the manifest."""
        return {
            "regency": self.regency,
            "persons": self.persons,
            "seed": self.seed,
            "year": self.year,
            "pocket_share": self.pocket_share,
            "calibration": {k: v for k, v in asdict(self.calibration).items() if k != "fallbacks"},
            "noise": self.noise.to_dict(),
        } | ({"id_offset": self.id_offset} if self.id_offset else {})


# The extreme line of each basis that the generator calibrates to: for USD 1.90 PPP 2011
# the Rp11,941.12/day line of the source articles; for USD 2.15 PPP 2017 the BPS head's figure.
PREFERRED_EXTREME_LINE = {
    "USD_1.90_PPP2011": "ext_usd190_00_2021-03",
    "USD_2.15_PPP2017": "ext_usd215_00_2024-09_bps",
}


def default_calibration(regency: str) -> Calibration:
    """Published figures for ``regency``, walking up to its province and Indonesia.

    The rates follow :func:`sinergi.domain.reference.regency_poverty_defaults`; the
    poverty line is the latest BPS line of the same walk; the national line and rate
    (for desil cut-offs) are Indonesia's of that line's period, else the latest.

    Examples:
        >>> cal = default_calibration("52.05")
        >>> cal.poverty_rate, cal.poverty_line, cal.extreme_rate, cal.extreme_line
        (0.1159, 469647.0, 0.0297, 358233.6)
    """
    rates = reference.regency_poverty_defaults(regency)
    basis = rates.extreme_basis or "USD_1.90_PPP2011"
    extreme = reference.poverty_line(PREFERRED_EXTREME_LINE[basis])
    line = _latest_line(regency)
    national_rates = {r.period: r for r in reference.regency_poverty(area_code="00")}
    # The national figures of the regency line's own period, so the price deflator
    # between the regency and the nation compares like with like.
    national = max(
        (
            candidate
            for candidate in reference.poverty_lines(
                basis="BPS_GK", area_code="00", area_type="total"
            )
            if candidate.period in national_rates
        ),
        key=lambda candidate: (candidate.period == line.period, candidate.period),
    )
    own = wilayah.get(regency)
    poverty_rate = (rates.p0_percent or 0.0) / 100
    extreme_rate = (rates.extreme_percent or 0.0) / 100
    borrowed = (
        ("poverty_rate", poverty_rate, rates.area_code, rates.period),
        (
            "extreme_rate",
            extreme_rate,
            rates.extreme_area_code or rates.area_code,
            rates.extreme_period or rates.period,
        ),
        ("poverty_line", float(line.value), line.area_code, line.period),
    )
    return Calibration(
        poverty_rate=poverty_rate,
        extreme_rate=extreme_rate,
        poverty_line=float(line.value),
        extreme_line=float(extreme.value),
        extreme_basis=basis,
        national_line=float(national.value),
        national_rate=(national_rates[national.period].p0_percent or 0.0) / 100,
        source=f"rates: {rates.source}; line: {line.line_id}; extreme line: {extreme.line_id}",
        fallbacks=tuple(
            Fallback(figure, value, _fallback_note(figure, value, area, period, own.kind))
            for figure, value, area, period in borrowed
            if area != own.code
        ),
    )


_FIGURE_LABELS = {
    "poverty_rate": "Tingkat kemiskinan (P0)",
    "extreme_rate": "Tingkat kemiskinan ekstrem",
    "poverty_line": "Garis kemiskinan",
}


def _fallback_note(figure: str, value: float, area: str, period: str, kind: str | None) -> str:
    """E.g. "Tingkat kemiskinan (P0) 8,47%: angka nasional (2025-03) dipakai: ..."."""
    own = "kota ini" if kind == "kota" else "kabupaten ini"
    if figure == "poverty_line":
        shown = "Rp" + f"{value:,.0f}".replace(",", ".")
    else:
        shown = f"{value * 100:.2f}%".replace(".", ",")
    if area == "00":
        whose, why = "angka nasional", f"tidak ada angka resmi {own} maupun provinsinya"
    else:
        whose, why = f"angka {wilayah.get(area).label}", f"tidak ada angka resmi {own}"
    return f"{_FIGURE_LABELS[figure]} {shown}: {whose} ({period}) dipakai: {why}"


def _latest_line(regency: str) -> reference.PovertyLine:
    for code in reference.area_fallback_chain(regency):
        lines = reference.poverty_lines(basis="BPS_GK", area_code=code, area_type="total")
        if lines:
            return max(lines, key=lambda line: line.period)
    raise SynthError(
        f"Tidak ada garis kemiskinan BPS untuk {regency}; isi --poverty-line.",
        english=f"No BPS poverty line for {regency}; pass --poverty-line.",
        code="SYNTH_NO_POVERTY_LINE",
    )
