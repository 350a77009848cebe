"""Design-based totals and ratios: hand computations, R survey values and samplics."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

from sinergi.errors import PipelineError
from sinergi.pipeline.stats.design import (
    Design,
    Estimate,
    difference,
    ratio,
    ratio_by,
    reliability,
    total,
    total_by,
)

with warnings.catch_warnings():
    # samplics 0.6 is archived and says so with a FutureWarning on import.
    warnings.simplefilter("ignore", FutureWarning)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning")

REL = 1e-8


@dataclass(frozen=True)
class Sample:
    """A synthetic stratified two-stage sample: 20 strata x 5 PSUs x 10 households."""

    stratum: npt.NDArray[np.int64]
    psu: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    size: npt.NDArray[np.float64]
    poor: npt.NDArray[np.float64]
    expenditure: npt.NDArray[np.float64]
    district: npt.NDArray[np.int64]

    @property
    def design(self) -> Design:
        return Design(self.weight, self.stratum, self.psu)


@pytest.fixture(scope="module")
def sample() -> Sample:
    rng = np.random.default_rng(20260301)
    strata, psus_per_stratum, households = 20, 5, 10
    n_psu = strata * psus_per_stratum
    psu = np.repeat(np.arange(n_psu), households)
    stratum = psu // psus_per_stratum
    # Weights differ between PSUs (PPS) and a little within them (non-response).
    weight = rng.uniform(40, 160, n_psu)[psu] * rng.uniform(0.9, 1.1, psu.size)
    size = rng.integers(1, 9, psu.size).astype(np.float64)
    # Poorer PSUs and larger households are poorer, so that clustering matters.
    level = rng.normal(0, 0.3, n_psu)[psu]
    expenditure = np.exp(13.4 + level - 0.05 * size + rng.normal(0, 0.4, psu.size))
    poor = (expenditure < 550_000).astype(np.float64)
    # Districts are given per PSU and cut across strata, so a district misses
    # some PSUs of most strata.
    district = rng.integers(0, 4, n_psu)[psu]
    return Sample(stratum, psu, weight, size, poor, expenditure, district)


def _samplics(param: PopParam, sample: Sample, y: npt.ArrayLike, **kwargs: object) -> Any:
    estimator = TaylorEstimator(param)
    estimator.estimate(y=np.asarray(y), stratum=sample.stratum, psu=sample.psu, **kwargs)
    return estimator


def _assert_same(ours: Estimate, value: float, se: float, low: float, high: float) -> None:
    assert ours.value == pytest.approx(value, rel=REL)
    assert ours.se == pytest.approx(se, rel=REL)
    assert ours.ci_low == pytest.approx(low, rel=REL)
    assert ours.ci_high == pytest.approx(high, rel=REL)


# --------------------------------------------------------------------------- samplics


def test_ratio_matches_samplics(sample: Sample) -> None:
    # Person-weighted headcount as the ratio Σ w·s·poor / Σ w·s.
    y, x = sample.size * sample.poor, sample.size
    ours = ratio(y, x, sample.design)
    theirs = _samplics(PopParam.ratio, sample, y, x=x, samp_weight=sample.weight)
    _assert_same(ours, theirs.point_est, theirs.stderror, theirs.lower_ci, theirs.upper_ci)
    assert ours.df == theirs.degree_of_freedom == 100 - 20
    assert ours.n == 1000
    assert ours.cv == pytest.approx(theirs.stderror / theirs.point_est, rel=REL)


def test_ratio_equals_samplics_mean_with_person_weights(sample: Sample) -> None:
    ours = ratio(sample.size * sample.poor, sample.size, sample.design)
    theirs = _samplics(PopParam.mean, sample, sample.poor, samp_weight=sample.weight * sample.size)
    _assert_same(ours, theirs.point_est, theirs.stderror, theirs.lower_ci, theirs.upper_ci)


def test_total_matches_samplics(sample: Sample) -> None:
    y = sample.size * sample.poor
    ours = total(y, sample.design)
    theirs = _samplics(PopParam.total, sample, y, samp_weight=sample.weight)
    _assert_same(ours, theirs.point_est, theirs.stderror, theirs.lower_ci, theirs.upper_ci)


def test_domains_match_samplics(sample: Sample) -> None:
    y, x = sample.size * sample.poor, sample.size
    theirs = _samplics(
        PopParam.ratio, sample, y, x=x, samp_weight=sample.weight, domain=sample.district
    )
    many = ratio_by(y, x, sample.design, sample.district)
    assert list(many.groups) == [0, 1, 2, 3]
    for i, label in enumerate(many.groups):
        low, high = theirs.lower_ci[label], theirs.upper_ci[label]
        _assert_same(many.estimate(i), theirs.point_est[label], theirs.stderror[label], low, high)
        one = ratio(y, x, sample.design, domain=sample.district == label)
        _assert_same(one, theirs.point_est[label], theirs.stderror[label], low, high)
        assert one.n == int((sample.district == label).sum())
        assert one.df == 80  # the whole design's, not the domain's


def test_domain_totals_match_samplics(sample: Sample) -> None:
    y = sample.size * sample.poor
    theirs = _samplics(PopParam.total, sample, y, samp_weight=sample.weight, domain=sample.district)
    many = total_by(y, sample.design, sample.district)
    for i, label in enumerate(many.groups):
        estimate = many.estimate(i)
        assert estimate.value == pytest.approx(theirs.point_est[label], rel=REL)
        assert estimate.se == pytest.approx(theirs.stderror[label], rel=REL)


def test_domain_is_not_a_subset_design(sample: Sample) -> None:
    # Estimating a district from its households alone drops the PSUs of other
    # districts from every stratum and changes n_h; the domain estimate keeps them.
    y, x = sample.size * sample.poor, sample.size
    inside = sample.district == 2
    domain = ratio(y, x, sample.design, domain=inside)
    subset = ratio(
        y[inside],
        x[inside],
        Design(sample.weight[inside], sample.stratum[inside], sample.psu[inside]),
    )
    assert domain.value == pytest.approx(subset.value, rel=1e-12)
    assert abs(domain.se - subset.se) > 1e-3 * domain.se
    theirs = _samplics(
        PopParam.ratio, sample, y, x=x, samp_weight=sample.weight, domain=sample.district
    )
    assert domain.se == pytest.approx(theirs.stderror[2], rel=REL)


# --------------------------------------------------------------------------- hand computations

# Two strata of two PSUs, two households each (weight 1). PSU totals of y:
# stratum A: 4 + 6 = 10 and 5 + 9 = 14; stratum B: 50 + 50 = 100 and 60 + 44 = 104.
STRATA = np.array(["A"] * 4 + ["B"] * 4)
PSUS = np.array([1, 1, 2, 2, 3, 3, 4, 4])
Y = np.array([4.0, 6.0, 5.0, 9.0, 50.0, 50.0, 60.0, 44.0])


def test_stratified_se_is_the_hand_computation() -> None:
    # Stratified: each stratum centred at its own mean (12 and 102):
    # A: 2/1·((10−12)² + (14−12)²) = 16; B: 2/1·((100−102)² + (104−102)²) = 16.
    stratified = total(Y, Design(np.ones(8), STRATA, PSUS))
    assert stratified.value == 228.0
    assert stratified.se == pytest.approx(math.sqrt(32.0), rel=1e-12)
    assert stratified.df == 4 - 2
    # Ignoring strata: four PSUs around 57: 4/3·(47² + 43² + 43² + 47²).
    ignored = math.sqrt(4 / 3 * (47**2 + 43**2 + 43**2 + 47**2))
    unstratified = total(Y, Design(np.ones(8), None, PSUS))
    assert unstratified.se == pytest.approx(ignored, rel=1e-12)
    assert unstratified.df == 4 - 1
    assert stratified.se != pytest.approx(ignored, rel=1e-3)


def test_units_are_their_own_psus_without_psu_labels() -> None:
    # Within A the units 4, 6, 5, 9 (mean 6): 4/3·(4 + 0 + 1 + 9); within B 50, 50, 60, 44
    # (mean 51): 4/3·(1 + 1 + 81 + 49).
    estimate = total(Y, Design(np.ones(8), STRATA, None))
    assert estimate.se == pytest.approx(math.sqrt(4 / 3 * 14 + 4 / 3 * 132), rel=1e-12)
    assert estimate.df == 8 - 2


# The design of the R survey hand example below: strata 1-3 hold 2, 1 and 3 PSUs.
# Source: Nathan98000/Global_Flourishing, stats/tests/test_mean.py ("TOY"), whose
# values are stated as verified against R survey 4.5 with
# options(survey.lonely.psu = "adjust").
R_STRATA = np.array([1, 1, 1, 2, 2, 3, 3, 3, 3])
R_PSU = np.array([11, 11, 12, 21, 21, 31, 32, 33, 33])
R_WEIGHT = np.array([1.0, 2.0, 1.5, 1.0, 0.5, 2.0, 1.0, 1.0, 0.5])
R_Y = np.array([3.0, 5.0, 4.0, 10.0, 8.0, 1.0, 2.0, 6.0, 4.0])


def test_lonely_psu_adjust_matches_r_survey() -> None:
    design = Design(R_WEIGHT, R_STRATA, R_PSU)
    mean = ratio(R_Y, np.ones(9), design)
    # R: svymean -> 4.285714285714286, SE 0.987121477399568 (stratum 2 is lonely).
    assert mean.value == pytest.approx(30 / 7, rel=1e-12)
    assert mean.se == pytest.approx(0.987121477399568, rel=1e-12)
    assert mean.df == 6 - 3
    # Domain: three rows of stratum 3 in PSUs 32 and 33; stratum 3 keeps its
    # third PSU with a zero total. R (svyby/subset): SE 1.385640646055102.
    in_b = np.array([False] * 6 + [True] * 3)
    domain = ratio(R_Y, np.ones(9), design, domain=in_b)
    assert domain.value == pytest.approx(4.0, rel=1e-12)
    assert domain.se == pytest.approx(1.385640646055102, rel=1e-12)


def test_lonely_psu_of_a_total_is_centred_at_the_grand_mean() -> None:
    # Stratum S1: PSUs with totals 4 and 6; stratum S2: one PSU with total 10.
    # Grand mean of the 3 PSU totals c = 20/3. V = 2·((4−5)² + (6−5)²) + (10 − 20/3)².
    weight = np.ones(4)
    strata = np.array(["S1", "S1", "S1", "S2"])
    psu = np.array([1, 1, 2, 3])
    y = np.array([1.0, 3.0, 6.0, 10.0])
    design = Design(weight, strata, psu)
    assert total(y, design).se == pytest.approx(math.sqrt(4 + (10 / 3) ** 2), rel=1e-12)
    # Domain = PSU 1 only: S1 totals 4 and 0 (mean 2) give 2·(4 + 4); the lonely
    # stratum has no unit of the domain, z = 0, centred at c = 4/3.
    first = psu == 1
    assert total(y, design, domain=first).se == pytest.approx(
        math.sqrt(16 + (4 / 3) ** 2), rel=1e-12
    )
    by = total_by(y, design, np.where(first, "first", "rest"))
    assert by.estimate(0).se == pytest.approx(math.sqrt(16 + (4 / 3) ** 2), rel=1e-12)


def test_lonely_psu_error_option() -> None:
    with pytest.raises(PipelineError) as caught:
        Design(R_WEIGHT, R_STRATA, R_PSU, lonely_psu="error")
    assert caught.value.code == "STATS_LONELY_PSU"
    assert "Strata with a single PSU: 2 (1 in all)" in caught.value.english


# --------------------------------------------------------------------------- design checks


def test_psu_labels_must_nest_in_strata() -> None:
    strata = np.array([1, 1, 2, 2])
    psu = np.array([1, 2, 1, 2])  # labels restart in each stratum
    with pytest.raises(PipelineError) as caught:
        Design(np.ones(4), strata, psu)
    assert caught.value.code == "STATS_PSU_NOT_NESTED"
    nested = Design(np.ones(4), strata, psu, nest=True)
    assert (nested.n_psus, nested.n_strata, nested.df) == (4, 2, 2)


@pytest.mark.parametrize(
    ("weight", "code"),
    [
        ([1.0, 0.0, 2.0], "STATS_BAD_WEIGHT"),
        ([1.0, -1.0, 2.0], "STATS_BAD_WEIGHT"),
        ([1.0, np.nan, 2.0], "STATS_BAD_WEIGHT"),
        ([], "STATS_BAD_WEIGHT"),
    ],
)
def test_bad_weights_are_refused(weight: list[float], code: str) -> None:
    with pytest.raises(PipelineError) as caught:
        Design(np.array(weight))
    assert caught.value.code == code


def test_labels_must_be_complete_and_aligned() -> None:
    with pytest.raises(PipelineError) as caught:
        Design(np.ones(3), np.array(["a", None, "b"], dtype=object))
    assert caught.value.code == "STATS_MISSING_LABEL"
    with pytest.raises(PipelineError) as caught:
        Design(np.ones(3), None, np.array([1.0, np.nan, 2.0]))
    assert caught.value.code == "STATS_MISSING_LABEL"
    with pytest.raises(PipelineError) as caught:
        Design(np.ones(3), np.array([1, 2]))
    assert caught.value.code == "STATS_LENGTH_MISMATCH"
    design = Design(np.ones(3))
    with pytest.raises(PipelineError) as caught:
        total(np.array([1.0, np.nan, 2.0]), design)
    assert caught.value.code == "STATS_BAD_VALUES"
    with pytest.raises(PipelineError) as caught:
        total(np.ones(3), design, domain=np.array([1, 0, 1]))
    assert caught.value.code == "STATS_LENGTH_MISMATCH"


def test_empty_domain_and_zero_denominator_are_refused() -> None:
    design = Design(np.ones(4), np.array([1, 1, 2, 2]))
    with pytest.raises(PipelineError) as caught:
        total(np.ones(4), design, domain=np.zeros(4, dtype=bool))
    assert caught.value.code == "STATS_EMPTY_DOMAIN"
    with pytest.raises(PipelineError) as caught:
        ratio(np.ones(4), np.array([0.0, 0.0, 1.0, 1.0]), design, domain=np.arange(4) < 2)
    assert caught.value.code == "STATS_ZERO_DENOMINATOR"


def test_whole_sample_domain_equals_no_domain(sample: Sample) -> None:
    y, x = sample.size * sample.poor, sample.size
    everyone = ratio(y, x, sample.design, domain=np.ones(sample.psu.size, dtype=bool))
    assert everyone == ratio(y, x, sample.design)


def test_confidence_interval_uses_t_with_design_df(sample: Sample) -> None:
    estimate = ratio(sample.size * sample.poor, sample.size, sample.design, level=0.9)
    half = stats.t.ppf(0.95, 80) * estimate.se
    assert estimate.ci_high - estimate.value == pytest.approx(half, rel=1e-12)
    assert estimate.value - estimate.ci_low == pytest.approx(half, rel=1e-12)
    with pytest.raises(PipelineError):
        ratio(sample.size * sample.poor, sample.size, sample.design, level=95)


# ---------------------------------------------------------------- difference, reliability


def _estimate(value: float, se: float, df: int = 100) -> Estimate:
    cv = se / abs(value) if value else None
    half = stats.t.ppf(0.975, df) * se
    return Estimate(value, se, value - half, value + half, cv, df, 400, reliability(cv))


def test_difference_of_independent_rounds() -> None:
    change, significant = difference(_estimate(10.0, 1.0, df=120), _estimate(7.0, 1.0, df=90))
    assert change.value == 3.0
    assert change.se == pytest.approx(math.sqrt(2.0), rel=1e-15)
    assert change.df == 90
    assert change.ci_low == pytest.approx(3.0 - stats.t.ppf(0.975, 90) * math.sqrt(2), rel=1e-12)
    assert change.n == 800
    assert significant  # 3 ± 2.81 excludes 0
    _, significant = difference(_estimate(10.0, 2.0), _estimate(8.0, 2.0))
    assert not significant  # 2 ± 5.61 includes 0
    falling, significant = difference(_estimate(7.0, 0.5), _estimate(10.0, 0.5))
    assert falling.value == -3.0 and falling.ci_high < 0 and significant


def test_reliability_boundaries() -> None:
    # BPS: RSE <= 25 % reliable, 25 % < RSE <= 50 % caution, RSE > 50 % unreliable.
    assert reliability(0.25) == "reliable"
    assert reliability(math.nextafter(0.25, 1.0)) == "caution"
    assert reliability(0.5) == "caution"
    assert reliability(math.nextafter(0.5, 1.0)) == "unreliable"
    assert reliability(0.0) == "reliable"
    assert reliability(None) == "unreliable"
    assert reliability(math.nan) == "unreliable"
    # Through estimates: se = √(0² + 1²) = 1 exactly, so cv = 1 / |value|.
    assert difference(_estimate(9.0, 0.0), _estimate(5.0, 1.0))[0].reliability == "reliable"
    assert difference(_estimate(8.99, 0.0), _estimate(5.0, 1.0))[0].reliability == "caution"
    assert difference(_estimate(7.0, 0.0), _estimate(5.0, 1.0))[0].reliability == "caution"
    assert difference(_estimate(6.99, 0.0), _estimate(5.0, 1.0))[0].reliability == "unreliable"
    zero, _ = difference(_estimate(5.0, 0.0), _estimate(5.0, 1.0))
    assert zero.cv is None and zero.reliability == "unreliable"


def test_group_estimates_flag_reliability(sample: Sample) -> None:
    many = ratio_by(sample.size * sample.poor, sample.size, sample.design, sample.stratum)
    for i in range(len(many)):
        assert many.reliability[i] == reliability(many.estimate(i).cv)
    assert set(many.reliability) <= {"reliable", "caution", "unreliable"}
