"""Progress to targets: gap, years left, yearly reduction needed, from the regency's own targets."""

from __future__ import annotations

import polars as pl
import pytest

from sinergi.pipeline.stats.targets import progress


def _estimates(p0: float, extreme: float, ci: float = 1.0) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "basis": ["BPS_GK", "USD_1.90_PPP2011", "BPS_GK"],
            "level": ["kabupaten", "kabupaten", "kecamatan"],
            "indicator": ["P0", "P0", "P0"],
            "value": [p0, extreme, 99.0],
            "ci_low": [p0 - ci, extreme - ci, 98.0],
            "ci_high": [p0 + ci, extreme + ci, 100.0],
        }
    )


def test_the_regency_targets_give_gap_and_yearly_reduction_needed() -> None:
    table = progress(_estimates(14.0, 3.0), "52.05", 2026)
    p0_2029 = table.filter(pl.col("indicator") == "p0_percent", pl.col("year") == 2029).row(
        0, named=True
    )
    assert p0_2029["area_code"] == "52.05"  # the regency's own target, not Indonesia's 5%
    assert p0_2029["gap_points"] == pytest.approx(14.0 - 8.5)
    assert p0_2029["years_left"] == 3
    assert p0_2029["reduction_per_year"] == pytest.approx(5.5 / 3)
    assert p0_2029["met"] is False and p0_2029["clearly_above"] is True
    due_now = table.filter(pl.col("indicator") == "p0_percent", pl.col("year") == 2026)
    assert due_now["reduction_per_year"].to_list() == [None]  # due this year: nothing to spread


def test_a_target_met_within_the_interval_is_not_clearly_above() -> None:
    table = progress(_estimates(10.0, 0.0, ci=2.0), "52.05", 2026)
    row = table.filter(pl.col("indicator") == "p0_percent", pl.col("year") == 2026).row(
        0, named=True
    )
    assert row["met"] is True and row["clearly_above"] is False
    extreme = table.filter(pl.col("indicator") == "extreme_percent").row(0, named=True)
    assert extreme["basis"] == "USD_1.90_PPP2011" and extreme["met"] is True


def test_a_regency_without_targets_falls_back_to_indonesia() -> None:
    table = progress(_estimates(9.0, 1.0), "11.01", 2026)
    assert set(table["area_code"]) == {"00"}
    assert table.filter(pl.col("indicator") == "p0_percent")["year"].to_list() == [2029]


def test_a_target_already_met_needs_no_reduction() -> None:
    table = progress(_estimates(7.0, 0.0), "52.05", 2026)
    p0_2029 = table.filter(pl.col("indicator") == "p0_percent", pl.col("year") == 2029).row(
        0, named=True
    )
    assert p0_2029["met"] is True and p0_2029["gap_points"] < 0
    assert p0_2029["reduction_per_year"] is None  # not "-0,48 poin" a year
