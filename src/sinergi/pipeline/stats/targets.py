"""Progress to targets: how far an estimated rate is from each upper bound and what it takes.

Targets are versioned reference data (``targets.csv``: indicator, area, year,
bound, baseline, source). For the survey's regency the regency's own targets
are used, else the province's, else Indonesia's. An upper bound ("P0 at most
8.5% in 2029") is compared with the estimate and its 95% interval: the gap in
percentage points, the years left, and the yearly reduction needed to meet it
(none once it is met).
"""

from __future__ import annotations

import polars as pl

from sinergi.domain import reference

# Which estimate answers which target indicator: P0 on the BPS line, or on the extreme line.
INDICATORS = {"p0_percent": "BPS_GK", "extreme_percent": "extreme"}
_UPPER = ("le", "lt")


def progress(estimates: pl.DataFrame, regency: str, survey_year: int) -> pl.DataFrame:
    """One row per upper-bound target due in the survey's year or later.

    Args:
        estimates: the ``estimates`` table of a stats run (``basis``, ``level``,
            ``indicator``, ``value``, ``ci_low``, ``ci_high``).
    """
    regency_p0 = estimates.filter(pl.col("level") == "kabupaten", pl.col("indicator") == "P0")
    rows = []
    for indicator in INDICATORS:
        chosen = regency_p0.filter(on_basis(indicator))
        if chosen.is_empty():
            continue
        estimate = chosen.row(0, named=True)
        for target in _targets(indicator, regency, survey_year):
            years_left = target.year - survey_year
            gap = estimate["value"] - target.value
            rows.append(
                {
                    "indicator": indicator,
                    "basis": estimate["basis"],
                    "area_code": target.area_code,
                    "year": target.year,
                    "bound": f"{'<=' if target.comparator == 'le' else '<'} {target.value:g}",
                    "target": target.value,
                    "estimate": estimate["value"],
                    "ci_low": estimate["ci_low"],
                    "ci_high": estimate["ci_high"],
                    "gap_points": gap,
                    "years_left": years_left,
                    # Nothing to reduce once the target is met: a negative "reduction"
                    # ("-0,48 poin") read as if the rate had to rise.
                    "reduction_per_year": (
                        gap / years_left
                        if years_left > 0 and not target.met_by(estimate["value"])
                        else None
                    ),
                    "met": target.met_by(estimate["value"]),
                    "clearly_above": estimate["ci_low"] > target.value,
                    "source": target.source,
                    "grade": target.grade,
                }
            )
    return pl.DataFrame(rows, schema=_SCHEMA)


def on_basis(indicator: str) -> pl.Expr:
    """The estimates that answer a target ``indicator``: the BPS line, or any extreme line."""
    bps = pl.col("basis") == "BPS_GK"
    return bps if INDICATORS[indicator] == "BPS_GK" else ~bps


def _targets(indicator: str, regency: str, survey_year: int) -> list[reference.Target]:
    for area in reference.area_fallback_chain(regency):
        found = [
            t
            for t in reference.targets(indicator=indicator, area_code=area)
            if t.comparator in _UPPER and t.year >= survey_year
        ]
        if found:
            return sorted(found, key=lambda t: t.year)
    return []


_SCHEMA = {
    "indicator": pl.String,
    "basis": pl.String,
    "area_code": pl.String,
    "year": pl.Int64,
    "bound": pl.String,
    "target": pl.Float64,
    "estimate": pl.Float64,
    "ci_low": pl.Float64,
    "ci_high": pl.Float64,
    "gap_points": pl.Float64,
    "years_left": pl.Int64,
    "reduction_per_year": pl.Float64,
    "met": pl.Boolean,
    "clearly_above": pl.Boolean,
    "source": pl.String,
    "grade": pl.String,
}
