"""Design-based intervals cover the synthetic population's true poverty rate at about 95%.

Many SUSENAS-style samples are drawn, the way `sinergi synth` draws one, from a
single synthetic regency whose every household's expenditure is known; each
sample's 95% interval for P0 should contain the population's P0 in about 95% of
samples. A too-small standard error (strata or PSUs ignored) covers far less.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from sinergi.pipeline.stats.poverty import poverty_table
from sinergi.synth import survey
from sinergi.synth.config import SynthConfig, default_calibration
from sinergi.synth.frame import build_frame

REPLICATIONS = 120


def test_p0_intervals_cover_the_population_truth_at_the_nominal_rate() -> None:
    calibration = default_calibration("52.05")
    config = SynthConfig("52.05", 60_000, 3, Path("unused"), calibration)
    frame = build_frame(config, np.random.default_rng([3, 0]))
    line = calibration.poverty_line
    truth = 100 * float((frame.size * (frame.pce < line)).sum() / frame.size.sum())
    rng = np.random.default_rng(11)
    blocks = survey.assign_census_blocks(frame.village, rng)
    district = np.unique(frame.district_codes(), return_inverse=True)[1][frame.village]
    strata = district * 2 + frame.urban
    covered = 0
    for _ in range(REPLICATIONS):
        sample = survey.draw_sample(strata, blocks, survey.SurveyDesign(), rng)
        rows = sample.household_rows
        households = pl.DataFrame(
            {
                "stratum": sample.stratum.astype(str),
                "psu": sample.psu.astype(str),
                "weight": sample.weight,
                "household_size": frame.size[rows],
                "expenditure_per_capita": frame.pce[rows],
                "line": np.full(len(rows), line),
            }
        )
        p0 = poverty_table(households).filter(pl.col("indicator") == "P0").row(0, named=True)
        covered += p0["ci_low"] <= truth <= p0["ci_high"]
    rate = covered / REPLICATIONS
    # 95% nominal; with 120 replications a binomial 99% band is about 0.89-0.99.
    assert 0.88 <= rate <= 1.0, rate
