"""FGT indices, poor counts, inequality and the poverty table: published examples and checks."""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import numpy as np
import polars as pl
import pytest

from sinergi.errors import PipelineError
from sinergi.pipeline.stats.design import Design
from sinergi.pipeline.stats.poverty import (
    INDICATORS,
    bottom40_share,
    fgt,
    gini,
    palma,
    poor_count,
    poverty_table,
)

with warnings.catch_warnings():
    # samplics 0.6 is archived and says so with a FutureWarning on import.
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

# --------------------------------------------------------------------------- FGT

# Haughton, J. and Khandker, S. R. (2009), Handbook on Poverty and Inequality,
# World Bank, chapter 4, pp. 70 and 72: "Calculating the Poverty Gap Index,
# Assuming Poverty Line of 125", expenditure in country C 100, 110, 150, 160:
# poverty gap index P1 = 0.08 [= 0.32/4], squared poverty gap index
# P2 = 0.0136 [= 0.0544/4]; two of the four are poor, so P0 = 0.5.
COUNTRY_C = np.array([100.0, 110.0, 150.0, 160.0])


@pytest.mark.parametrize(("alpha", "published"), [(0, 0.5), (1, 0.08), (2, 0.0136)])
def test_fgt_handbook_example(alpha: int, published: float) -> None:
    design = Design(np.ones(4))  # unweighted individuals: weight 1, household size 1
    estimate = fgt(COUNTRY_C, np.ones(4), 125.0, design, alpha=alpha)
    assert estimate.value == pytest.approx(published, abs=1e-12)
    assert estimate.n == 4


def test_someone_at_the_line_is_not_poor() -> None:
    design = Design(np.ones(4))
    assert fgt([100, 125, 150, 160], np.ones(4), 125, design, alpha=0).value == 0.25


def test_household_size_makes_person_weights() -> None:
    # Households: (size 6, Rp 80), (size 2, Rp 150), (size 2, Rp 90); line Rp 100;
    # design weights 1, 3, 2. Persons: poor 6·1 + 2·2 = 10 of 6·1 + 2·3 + 2·2 = 16.
    # Counting households instead would give (1 + 2) / 6 = 0.5.
    expenditure = np.array([80.0, 150.0, 90.0])
    size = np.array([6.0, 2.0, 2.0])
    design = Design(np.array([1.0, 3.0, 2.0]))
    assert fgt(expenditure, size, 100.0, design, alpha=0).value == pytest.approx(10 / 16)
    # P1: (6·1·0.2 + 2·2·0.1) / 16 = 1.6 / 16.
    assert fgt(expenditure, size, 100.0, design, alpha=1).value == pytest.approx(0.1)
    # Poor persons: 6·1 + 2·2 = 10.
    assert poor_count(expenditure, size, 100.0, design).value == pytest.approx(10.0)


def test_line_per_household() -> None:
    # Urban line 130 for the first two households, rural 100 for the others.
    expenditure = np.array([120.0, 140.0, 95.0, 105.0])
    line = np.array([130.0, 130.0, 100.0, 100.0])
    design = Design(np.ones(4))
    assert fgt(expenditure, np.ones(4), line, design, alpha=0).value == 0.5
    expected_p1 = (10 / 130 + 5 / 100) / 4
    assert fgt(expenditure, np.ones(4), line, design, alpha=1).value == pytest.approx(expected_p1)
    # A single rural line would find only one poor household.
    assert fgt(expenditure, np.ones(4), 100.0, design, alpha=0).value == 0.25


@pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")
def test_fgt_matches_samplics_person_weighted_mean() -> None:
    rng = np.random.default_rng(11)
    psu = np.repeat(np.arange(60), 8)
    stratum = psu // 4
    weight = rng.uniform(50, 150, 60)[psu]
    size = rng.integers(1, 8, psu.size).astype(np.float64)
    expenditure = rng.lognormal(np.log(600_000), 0.5, psu.size)
    line = np.where(stratum % 2 == 0, 629_561.0, 580_349.0)  # urban / rural GK, Mar-2025
    urban = stratum % 2 == 0
    design = Design(weight, stratum, psu)
    gap = np.where(expenditure < line, (line - expenditure) / line, 0.0)
    for alpha, y in ((1, gap), (2, gap**2)):
        estimator = TaylorEstimator(PopParam.mean)
        estimator.estimate(
            y=y, samp_weight=weight * size, stratum=stratum, psu=psu, domain=urban.astype(int)
        )
        ours = fgt(expenditure, size, line, design, alpha=alpha, domain=urban)
        assert ours.value == pytest.approx(estimator.point_est[1], rel=1e-8)
        assert ours.se == pytest.approx(estimator.stderror[1], rel=1e-8)


def test_fgt_refuses_bad_inputs() -> None:
    design = Design(np.ones(2))
    with pytest.raises(PipelineError) as caught:
        fgt([1, 2], [1, 1], 5, design, alpha=-1)
    assert caught.value.code == "STATS_BAD_ALPHA"
    with pytest.raises(PipelineError) as caught:
        fgt([1, 2], [1, 0], 5, design, alpha=0)
    assert caught.value.code == "STATS_BAD_HOUSEHOLD_SIZE"
    with pytest.raises(PipelineError) as caught:
        fgt([1, 2], [1, 1], [5, 0], design, alpha=0)
    assert caught.value.code == "STATS_BAD_LINE"
    with pytest.raises(PipelineError) as caught:
        fgt([1, -2], [1, 1], 5, design, alpha=0)
    assert caught.value.code == "STATS_BAD_VALUES"


# --------------------------------------------------------------------------- inequality


def test_gini_published_examples() -> None:
    # R package acid, gini() help example (the incomes of the ineq::Gini example):
    # printed output $Gini 0.4620911, $bcGini 0.5134346 (the n/(n-1) corrected one,
    # which is not our convention). rdrr.io/cran/acid/man/gini.html
    incomes = [541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]
    assert gini(incomes, np.ones(10)) == pytest.approx(0.4620911, abs=5e-8)
    assert gini(incomes, np.ones(10)) * 10 / 9 == pytest.approx(0.5134346, abs=5e-8)
    # R package phylotools 0.1.2, gini() help (algorithm of ineq):
    # "### 0.3076923  gini(c(1,3,2,1,1,1,4))".
    assert gini([1, 3, 2, 1, 1, 1, 4], np.ones(7)) == pytest.approx(0.3076923, abs=5e-8)


def test_gini_convention_limits() -> None:
    assert gini([7, 7, 7, 7], np.ones(4)) == 0.0
    # One unit holds everything: (n − 1)/n in the discrete convention.
    assert gini([0, 0, 0, 0, 10], np.ones(5)) == pytest.approx(4 / 5)
    # A weight of k counts as k units: (10, 0) weighted (2, 3) is (10, 10, 0, 0, 0),
    # where two of five hold everything: G = 1 − 2/5.
    assert gini([10, 0], [2, 3]) == pytest.approx(0.6)
    assert gini([10, 10, 0, 0, 0], np.ones(5)) == pytest.approx(0.6)
    # Scaling weights or values changes nothing.
    rng = np.random.default_rng(3)
    values, weights = rng.lognormal(13, 0.5, 200), rng.uniform(1, 9, 200)
    assert gini(values, weights * 37.5) == pytest.approx(gini(values, weights), rel=1e-12)
    assert gini(values * 1000, weights) == pytest.approx(gini(values, weights), rel=1e-12)


def test_gini_equals_lorenz_area_with_weights() -> None:
    # 1 − Σ (p_i − p_{i−1})(L_i + L_{i−1}) on the unit-level Lorenz curve.
    rng = np.random.default_rng(5)
    values, weights = rng.lognormal(13, 0.7, 50), rng.uniform(1, 5, 50)
    order = np.argsort(values)
    p = np.concatenate([[0], np.cumsum(weights[order]) / weights.sum()])
    lorenz = np.concatenate([[0], np.cumsum((values * weights)[order])])
    lorenz /= lorenz[-1]
    area = 1 - float(np.sum(np.diff(p) * (lorenz[1:] + lorenz[:-1])))
    assert gini(values, weights) == pytest.approx(area, rel=1e-12)


def test_palma_and_bottom40_hand_examples() -> None:
    # Ten people with 1 … 10 (total 55): bottom 40 % hold 1+2+3+4 = 10, top 10 % hold 10.
    assert bottom40_share(range(1, 11), np.ones(10)) == pytest.approx(10 / 55)
    assert palma(range(1, 11), np.ones(10)) == pytest.approx(1.0)
    # Two people with 1 and 3 (total 4), each half of the population: the 40 % point
    # falls inside the first, holding 0.4/0.5 of her 1 -> 0.2; the top 10 % is 0.1/0.5
    # of the second one's 3 -> 0.15; Palma 0.15/0.2.
    assert bottom40_share([1, 3], [1, 1]) == pytest.approx(0.2)
    assert palma([1, 3], [1, 1]) == pytest.approx(0.75)
    # Weights as repeated people: 1 … 5 with weight 2 is 1,1,2,2,…,5,5 (total 30):
    # bottom four hold 6, the top one holds 5.
    assert bottom40_share([1, 2, 3, 4, 5], [2] * 5) == pytest.approx(6 / 30)
    assert palma([1, 2, 3, 4, 5], [2] * 5) == pytest.approx(5 / 6)


def test_inequality_refuses_bad_inputs() -> None:
    with pytest.raises(PipelineError) as caught:
        gini([1, -1], [1, 1])
    assert caught.value.code == "STATS_BAD_VALUES"
    with pytest.raises(PipelineError) as caught:
        gini([1, 2], [1, 0])
    assert caught.value.code == "STATS_BAD_WEIGHT"
    with pytest.raises(PipelineError) as caught:
        gini([0, 0], [1, 1])
    assert caught.value.code == "STATS_BAD_VALUES"


# --------------------------------------------------------------------------- table


@pytest.fixture(scope="module")
def households() -> pl.DataFrame:
    rng = np.random.default_rng(2025)
    n_psu, per_psu = 24, 6
    psu = np.repeat(np.arange(n_psu), per_psu)
    urban = np.repeat(np.arange(n_psu) % 2 == 0, per_psu)
    district = np.repeat(np.arange(n_psu) % 3, per_psu)
    stratum = district * 2 + urban
    size = rng.integers(1, 8, psu.size)
    return pl.DataFrame(
        {
            "household_id": [f"H{i:03d}" for i in range(psu.size)],
            "stratum": [f"S{s}" for s in stratum],
            "psu": [f"B{p:02d}" for p in psu],
            "weight": rng.uniform(80, 120, n_psu)[psu],
            "household_size": size,
            "expenditure_per_capita": rng.lognormal(np.log(650_000), 0.4, psu.size),
            "urban": np.where(urban, "urban", "rural"),
            "area_code": [f"52.05.0{d + 1}" for d in district],
            # GK Maret 2025 (DOMAIN.md §4.3): urban 629,561, rural 580,349.
            "line": np.where(urban, 629_561.0, 580_349.0),
        }
    )


def _row(table: pl.DataFrame, indicator: str, **keys: str | None) -> dict[str, object]:
    selected = table.filter(pl.col("indicator") == indicator)
    for column, value in keys.items():
        test = pl.col(column).is_null() if value is None else pl.col(column) == value
        selected = selected.filter(test)
    assert selected.height == 1
    return selected.row(0, named=True)


def test_poverty_table_by_urban_reconciles(households: pl.DataFrame) -> None:
    table = poverty_table(households, by=["urban"])
    assert table.columns == [
        "urban",
        "indicator",
        "value",
        "se",
        "ci_low",
        "ci_high",
        "cv",
        "reliability",
        "df",
        "n_households",
    ]
    assert table.height == 3 * len(INDICATORS)
    assert table["indicator"].to_list()[: len(INDICATORS)] == list(INDICATORS)
    overall = _row(table, "poor_persons", urban=None)
    urban = _row(table, "poor_persons", urban="urban")
    rural = _row(table, "poor_persons", urban="rural")
    assert overall["value"] == pytest.approx(urban["value"] + rural["value"], rel=1e-12)
    assert overall["n_households"] == urban["n_households"] + rural["n_households"] == 144
    # P0 overall is the population-weighted mean of the urban and rural P0.
    persons = (households["weight"] * households["household_size"]).to_numpy()
    is_urban = (households["urban"] == "urban").to_numpy()
    share = persons[is_urban].sum() / persons.sum()
    p0 = {key: _row(table, "P0", urban=key)["value"] for key in (None, "urban", "rural")}
    assert p0[None] == pytest.approx(share * p0["urban"] + (1 - share) * p0["rural"], rel=1e-12)


def test_poverty_table_agrees_with_the_functions(households: pl.DataFrame) -> None:
    table = poverty_table(households, by=["urban"])
    columns = {c: households[c].to_numpy() for c in households.columns}
    design = Design(columns["weight"], columns["stratum"], columns["psu"])
    args = (columns["expenditure_per_capita"], columns["household_size"], columns["line"], design)
    is_rural = columns["urban"] == "rural"
    for alpha in (0, 1, 2):
        expected = fgt(*args, alpha=alpha, domain=is_rural)
        row = _row(table, f"P{alpha}", urban="rural")
        assert row["value"] == pytest.approx(100 * expected.value, rel=1e-12)
        assert row["se"] == pytest.approx(100 * expected.se, rel=1e-12)
        assert row["ci_low"] == pytest.approx(100 * expected.ci_low, rel=1e-12)
        assert row["cv"] == pytest.approx(expected.cv, rel=1e-12)
        assert row["reliability"] == expected.reliability
        assert row["df"] == expected.df == 24 - 6
    poor = poor_count(*args)
    assert _row(table, "poor_persons", urban=None)["se"] == pytest.approx(poor.se, rel=1e-12)
    values = columns["expenditure_per_capita"][is_rural]
    weights = (columns["weight"] * columns["household_size"])[is_rural]
    assert _row(table, "gini", urban="rural")["value"] == pytest.approx(gini(values, weights))
    assert _row(table, "palma", urban="rural")["value"] == pytest.approx(palma(values, weights))
    bottom = _row(table, "bottom40_share", urban="rural")
    assert bottom["value"] == pytest.approx(bottom40_share(values, weights))
    assert bottom["se"] > 0 and bottom["reliability"] is not None and bottom["df"] > 0


def test_poverty_table_many_groups(households: pl.DataFrame) -> None:
    table = poverty_table(households, by=["area_code", "urban"])
    groups = table.select("area_code", "urban").unique()
    assert groups.height == 3 * 2 + 1  # six groups and the whole sample (nulls)
    overall = _row(table, "poor_persons", area_code=None, urban=None)["value"]
    grouped = table.filter(
        (pl.col("indicator") == "poor_persons") & pl.col("area_code").is_not_null()
    )["value"].sum()
    assert overall == pytest.approx(grouped, rel=1e-12)


def test_poverty_table_without_groups(households: pl.DataFrame) -> None:
    table = poverty_table(households)
    assert table["indicator"].to_list() == list(INDICATORS)
    assert "urban" not in table.columns
    assert math.isfinite(table["value"][0])


def test_poverty_table_refuses_incomplete_input(households: pl.DataFrame) -> None:
    with pytest.raises(PipelineError) as caught:
        poverty_table(households.drop("line"))
    assert caught.value.code == "STATS_MISSING_COLUMN"
    blank = households.with_columns(
        pl.when(pl.col("household_id") == "H000")
        .then(None)
        .otherwise(pl.col("urban"))
        .alias("urban")
    )
    with pytest.raises(PipelineError) as caught:
        poverty_table(blank, by=["urban"])
    assert caught.value.code == "STATS_BAD_VALUES"


def test_poverty_table_by_a_design_column(households: pl.DataFrame) -> None:
    # Grouping by a column the design also reads; each stratum is then its own domain.
    table = poverty_table(households, by=["stratum"])
    assert table.filter(pl.col("stratum").is_not_null())["stratum"].n_unique() == 6
    p0 = table.filter((pl.col("indicator") == "P0") & pl.col("stratum").is_not_null())
    assert p0["n_households"].sum() == 144


def _clustered_sample(seed: int) -> pl.DataFrame:
    """30 strata x 6 PSUs x 12 households, with PSU effects so that clustering matters."""
    rng = np.random.default_rng(seed)
    rows = []
    for stratum in range(30):
        for psu in range(6):
            effect = rng.normal(0, 0.3)
            for _ in range(12):
                rows.append(
                    (stratum, f"{stratum}-{psu}", rng.uniform(50, 150), int(rng.integers(1, 7)),
                     float(np.exp(13 + effect + rng.normal(0, 0.6))), stratum % 3)
                )  # fmt: skip
    columns = ["stratum", "psu", "weight", "household_size", "expenditure_per_capita", "area"]
    return pl.DataFrame(rows, schema=columns, orient="row").with_columns(line=pl.lit(4e5))


def _jackknife_se(
    frame: pl.DataFrame, domain: np.ndarray, statistic: Callable[..., float] = gini
) -> float:
    """Delete-one-PSU jackknife (JKn) of a person-weighted statistic: an independent method."""
    y, weight = frame["expenditure_per_capita"].to_numpy(), frame["weight"].to_numpy()
    size, strata, psus = (frame[c].to_numpy() for c in ("household_size", "stratum", "psu"))
    variance = 0.0
    for stratum in np.unique(strata):
        members = np.unique(psus[strata == stratum])
        n = members.size
        replicates = []
        for dropped in members:
            w = weight.copy()
            w[strata == stratum] *= n / (n - 1)
            w[psus == dropped] = 0
            keep = (w > 0) & domain
            replicates.append(statistic(y[keep], (w * size)[keep]))
        values = np.array(replicates)
        variance += (n - 1) / n * ((values - values.mean()) ** 2).sum()
    return math.sqrt(variance)


def test_gini_standard_error_agrees_with_a_jackknife() -> None:
    # Linearisation (influence function) and the PSU jackknife estimate the same variance;
    # with 180 PSUs they agree to a few percent, while ignoring the clustering misses by 10%+.
    frame = _clustered_sample(3)
    table = poverty_table(frame, by=["area"]).filter(pl.col("indicator") == "gini")
    overall = table.filter(pl.col("area").is_null()).row(0, named=True)
    jackknife = _jackknife_se(frame, np.ones(frame.height, dtype=bool))
    assert overall["se"] == pytest.approx(jackknife, rel=0.05)
    unclustered = frame.with_columns(psu=pl.int_range(pl.len()).cast(pl.String))
    naive = poverty_table(unclustered).filter(pl.col("indicator") == "gini")["se"][0]
    assert naive < 0.9 * jackknife
    assert overall["ci_low"] < overall["value"] < overall["ci_high"]
    assert overall["reliability"] == "reliable"
    area = table.filter(pl.col("area") == 1).row(0, named=True)
    in_area = (frame["area"] == 1).to_numpy()
    assert area["se"] == pytest.approx(_jackknife_se(frame, in_area), rel=0.05)
    assert area["se"] > overall["se"]  # a third of the sample is less precise


@pytest.mark.parametrize(
    "indicator, statistic", [("bottom40_share", bottom40_share), ("palma", palma)]
)
def test_share_standard_errors_agree_with_a_jackknife(
    indicator: str, statistic: Callable[..., float]
) -> None:
    # The shares' linearisation (the quantile's density cancels) against the PSU jackknife.
    frame = _clustered_sample(5)
    table = poverty_table(frame, by=["area"]).filter(pl.col("indicator") == indicator)
    overall = table.filter(pl.col("area").is_null()).row(0, named=True)
    everyone = np.ones(frame.height, dtype=bool)
    assert overall["se"] == pytest.approx(_jackknife_se(frame, everyone, statistic), rel=0.05)
    assert overall["ci_low"] < overall["value"] < overall["ci_high"]
    area = table.filter(pl.col("area") == 2).row(0, named=True)
    in_area = (frame["area"] == 2).to_numpy()
    assert area["se"] == pytest.approx(_jackknife_se(frame, in_area, statistic), rel=0.05)
    assert area["se"] > overall["se"]


def test_intervals_stop_where_a_share_or_a_count_must() -> None:
    # One poor household among eight, in four PSUs: the Wald interval runs below zero.
    frame = pl.DataFrame(
        {
            "weight": [100.0] * 8,
            "household_size": [4] * 8,
            "expenditure_per_capita": [50_000.0] + [900_000.0] * 7,
            "stratum": ["a"] * 8,
            "psu": ["1", "1", "2", "2", "3", "3", "4", "4"],
            "line": [500_000.0] * 8,
        }
    )
    table = poverty_table(frame, line="line")
    for indicator in ("P0", "P1", "P2", "poor_persons"):
        row = table.filter(pl.col("indicator") == indicator).row(0, named=True)
        assert row["value"] - row["se"] * 3.18 < 0  # the symmetric interval would be negative
        assert row["ci_low"] == 0.0 and row["ci_high"] > row["value"], indicator
    design = Design(frame["weight"].to_numpy(), psu=frame["psu"].to_numpy())
    y, size = frame["expenditure_per_capita"].to_numpy(), frame["household_size"].to_numpy()
    assert fgt(y, size, 500_000.0, design, alpha=1).ci_low == 0.0
    assert poor_count(y, size, 500_000.0, design).ci_low == 0.0
