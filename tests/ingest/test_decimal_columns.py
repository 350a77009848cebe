"""A number column's decimal mark is read from all its values, not from each value alone."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from sinergi.domain import wilayah
from sinergi.lake.contracts import CONTRACTS
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.ingest.validate import FileState, validate
from sinergi.pipeline.stats.run import poverty_statistics


def weights_of(texts: list[str], state: FileState | None = None) -> tuple[list[float], list[str]]:
    """The survey weights read from ``texts`` (one household each), and the warning codes."""
    frame = pl.DataFrame(
        {
            "_row": pl.Series(range(2, 2 + len(texts)), dtype=pl.Int64),
            "_sheet": pl.Series([None] * len(texts), dtype=pl.String),
            "_defect": pl.Series([None] * len(texts), dtype=pl.String),
            "_line": ["..."] * len(texts),
            "household_id": [f"R{i}" for i in range(len(texts))],
            "stratum": ["S1"] * len(texts),
            "psu": ["P1"] * len(texts),
            "weight": texts,
            "household_size": ["4"] * len(texts),
            "expenditure_per_capita": ["500000"] * len(texts),
            "area_code": ["5205011001"] * len(texts),
        }
    )
    checked = validate(
        frame,
        CONTRACTS["survey_household"],
        today=date(2026, 1, 1),
        state=state or FileState(),
    )
    assert checked.rejected.height == 0
    table = pl.from_arrow(checked.accepted)
    assert isinstance(table, pl.DataFrame)
    codes = [issue["code"] for row in table["_issues"].to_list() for issue in row]
    return table["weight"].to_list(), codes


def test_three_decimals_in_a_dot_decimal_column_are_decimals() -> None:
    # The synth writes weights rounded to 4 places: most have other than 3 decimals.
    assert weights_of(["3.925", "12.5", "7.1234", "300000.0"]) == (
        [3.925, 12.5, 7.1234, 300000.0],
        [],
    )


def test_three_digits_after_a_dot_in_an_indonesian_column_are_thousands() -> None:
    assert weights_of(["3.925", "1.250.000", "12,5"]) == ([3925.0, 1250000.0, 12.5], [])


def test_english_thousands_show_a_dot_decimal_column() -> None:
    assert weights_of(["1,250", "1,250,000", "3.925"]) == ([1250.0, 1250000.0, 3.925], [])


def test_a_column_its_values_cannot_settle_is_flagged() -> None:
    values, codes = weights_of(["3.925", "1.250", "7"])
    assert values == [3925.0, 1250.0, 7.0]  # the Indonesian reading, as before
    assert codes == ["NUMBER_DECIMAL_AMBIGUOUS", "NUMBER_DECIMAL_AMBIGUOUS"]


def test_a_mixed_column_flags_the_values_read_either_way() -> None:
    values, codes = weights_of(["12.5", "12,5", "3.925"])
    assert values == [12.5, 12.5, 3925.0]
    assert codes == ["NUMBER_DECIMAL_AMBIGUOUS"]


def test_a_later_batch_follows_the_mark_an_earlier_batch_showed() -> None:
    state = FileState()
    assert weights_of(["12.5", "7.1234"], state) == ([12.5, 7.1234], [])
    assert weights_of(["3.925"], state) == ([3.925], [])


def test_an_imported_survey_is_measured_with_its_three_decimal_weights(tmp_path: Path) -> None:
    villages = [
        wilayah.children(d.code)[0].code.replace(".", "") for d in wilayah.children("52.05")[:3]
    ]
    weights = ["3.925", "12.5", "7.1234", "3.925", "20.25", "9.5"]
    weights += ["4.75", "11.125", "3.925", "8.5", "6.25", "5.5"]
    poor = [i % 4 in (0, 3) for i in range(len(weights))]  # 300,000 a month, below the GK
    survey = tmp_path / "susenas_2024_03_rumah_tangga.csv"
    pl.DataFrame(
        {
            "id_rt": [f"R{i}" for i in range(len(weights))],
            "strata": [f"S{i // 4}" for i in range(len(weights))],
            "psu": [f"P{i // 2}" for i in range(len(weights))],
            "bobot": weights,
            "kode_desa": [villages[i // 4] for i in range(len(weights))],
            "klasifikasi": ["perkotaan", "perdesaan"] * (len(weights) // 2),
            "jumlah_art": ["4"] * len(weights),
            "pengeluaran_kapita_sebulan": ["300000" if p else "900000" for p in poor],
        }
    ).write_csv(survey)
    home = DataHome.resolve(tmp_path / "home")
    (outcome,) = import_files([survey], home=home, scope="52.05", profile="susenas_rumah_tangga")
    assert outcome.manifest is not None

    run = poverty_statistics(home, line_ids=["gk_52.05_2024-03_total"])

    regency = run.tables["estimates"].filter(pl.col("level") == "kabupaten")
    poor_persons = regency.filter(pl.col("indicator") == "poor_persons")["value"].item()
    expected = sum(4 * float(w) for w, p in zip(weights, poor, strict=True) if p)
    assert poor_persons == pytest.approx(expected)  # 3.925, not 3925
    assert poor_persons == pytest.approx(194.6)
