"""Poverty lines chosen for a survey: one basis at a time, most specific area, never mixed."""

from __future__ import annotations

import polars as pl
import pytest

from sinergi.errors import PipelineError
from sinergi.pipeline.stats.lines import choose_lines, line_per_household, lines_by_id


def test_the_regency_line_wins_over_the_province_and_the_latest_period_is_taken() -> None:
    [bps] = choose_lines("52.05", "2026-03", ("BPS_GK",))
    assert [line.line_id for line in bps.lines] == ["gk_52.05_2024-03_total"]
    [older] = choose_lines("52.05", "2023-12", ("BPS_GK",))
    assert [line.line_id for line in older.lines] == ["gk_52.05_2023-03_total"]


def test_a_regency_without_its_own_line_falls_back_to_indonesia_with_urban_and_rural() -> None:
    [bps] = choose_lines("11.01", "2025-06", ("BPS_GK",))
    assert {line.area_code for line in bps.lines} == {"00"}
    assert sorted(line.area_type for line in bps.lines) == ["rural", "urban"]
    households = pl.DataFrame({"urban": ["urban", "rural", "urban"]})
    values = {line.area_type: float(line.value) for line in bps.lines}
    assert line_per_household(households, bps).to_list() == [
        values["urban"], values["rural"], values["urban"],
    ]  # fmt: skip


def test_each_basis_is_its_own_choice() -> None:
    choices = choose_lines("52.05", "2026-03", ("BPS_GK", "USD_2.15_PPP2017"))
    assert [c.basis for c in choices] == ["BPS_GK", "USD_2.15_PPP2017"]
    assert all(len({line.basis for line in c.lines}) == 1 for c in choices)


def test_no_line_before_the_survey_is_an_error_in_indonesian() -> None:
    with pytest.raises(PipelineError, match="Tidak ada garis kemiskinan") as caught:
        choose_lines("52.05", "2019-03", ("BPS_GK",))
    assert caught.value.code == "NO_POVERTY_LINE"


def test_named_lines_of_one_basis_must_be_an_urban_rural_pair() -> None:
    [pair] = lines_by_id(["gk_00_2024-03_urban", "gk_00_2024-03_rural"])
    assert pair.basis == "BPS_GK"
    with pytest.raises(PipelineError) as caught:
        lines_by_id(["gk_52.05_2024-03_total", "gk_00_2024-03_total"])
    assert caught.value.code == "LINES_AMBIGUOUS"


def test_split_lines_need_the_urban_class_of_every_household() -> None:
    [pair] = lines_by_id(["gk_00_2024-03_urban", "gk_00_2024-03_rural"])
    with pytest.raises(PipelineError) as caught:
        line_per_household(pl.DataFrame({"urban": ["urban", None]}), pair)
    assert caught.value.code == "URBAN_MISSING"
