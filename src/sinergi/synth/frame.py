"""The household frame of a synthetic regency: where each household lives and how well off it is.

Everything decided per household before any person exists lives here, in
numpy arrays (a few dozen bytes per household, so 10 million persons fit in a
few hundred MB): village, size, urban/rural, female head, elderly living alone,
true per-capita expenditure calibrated to the published poverty and extreme
poverty rates, the welfare rankings the registries hold (DTSEN desil now,
P3KE and DTKS from older data), moves between villages, and census blocks.

Welfare model, in words: a household's latent welfare is the sum of a district
effect, a village effect, a *pocket* penalty for a share of villages (the
kantong kemiskinan), an urban premium, penalties for large households, female
heads and elderly living alone, and an idiosyncratic term. Log expenditure is a
piecewise-linear, increasing map of the latent: below the poverty line its two
points are fixed so that exactly the target shares of *persons* fall below the
extreme and the poverty lines; above it the slope gives a chosen spread.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from sinergi.domain import wilayah
from sinergi.synth.config import Calibration, SynthConfig

# Household size shares (1..8), close to SUSENAS for rural NTB: mean about 3.7.
SIZE_SHARES = np.array([0.09, 0.17, 0.22, 0.23, 0.15, 0.08, 0.04, 0.02])

# National per-capita expenditure as a lognormal: the log spread 0.70 gives a
# Gini of 0.38 (BPS national Gini 2024: 0.379); its location is set so that the
# national poverty rate falls below the national line (both from reference data).
NATIONAL_LOG_SPREAD = 0.70

# Standard deviation of the proxy-means-test error in log expenditure. Alatas et
# al. (2012, AER) report about 30% of households misclassified by the PMT; a log
# error of 0.30 reproduces roughly that share around the desil-4 cut-off.
PMT_LOG_ERROR = 0.30
# Welfare change between the 2021 P3KE/DTKS data and now (households move up and
# down); older registries therefore rank today's families less well.
MOBILITY_LOG_CHANGE = 0.30


@dataclass
class Frame:
    """Household-level arrays of one regency, all of length ``households``."""

    villages: list[wilayah.Area]
    village: np.ndarray  # index into ``villages``
    size: np.ndarray
    urban: np.ndarray
    head_female: np.ndarray
    elderly_alone: np.ndarray
    pocket: np.ndarray  # the household's village is a poverty pocket
    pce: np.ndarray  # true per-capita expenditure, Rp per month
    rank: np.ndarray  # person-weighted welfare percentile in the regency, 0..1
    desil_true: np.ndarray  # national desil of true (price-deflated) expenditure
    desil_dtsen: np.ndarray  # national desil as DTSEN ranks it (PMT) now
    desil_p3ke: np.ndarray  # P3KE desil 1-4 from 2021 data, 0 = not in P3KE
    in_dtks: np.ndarray  # registered in DTKS (SIKS-NG) before DTSEN
    old_village: np.ndarray  # village in older registries (differs when moved)

    @property
    def households(self) -> int:
        return len(self.village)

    def district_codes(self) -> np.ndarray:
        """The district code of each village, by village index."""
        return np.array([area.parent_code for area in self.villages], dtype=object)


def build_frame(config: SynthConfig, rng: np.random.Generator) -> Frame:
    """Draw the household frame of ``config.regency`` for ``config.persons`` persons."""
    villages = wilayah.villages_of(config.regency)
    size = _household_sizes(config.persons, rng)
    village = _place_households(villages, len(size), rng)
    urban = np.array([wilayah.is_kelurahan(area.code) for area in villages])[village]

    # Single-person households are mostly elderly; female heads run one household in seven.
    elderly_alone = (size == 1) & (rng.random(len(size)) < 0.55)
    head_female = np.where(
        size == 1,
        rng.random(len(size)) < np.where(elderly_alone, 0.65, 0.35),
        rng.random(len(size)) < 0.12,
    )

    pocket_by_village = _poverty_pockets(villages, config.pocket_share, rng)
    latent = _latent_welfare(villages, village, size, urban, head_female, elderly_alone, rng)
    latent -= 0.9 * pocket_by_village[village]
    pce = _calibrated_expenditure(latent, size, config)
    rank = _person_weighted_rank(pce, size)

    calibration = config.calibration
    deflator = calibration.national_line / calibration.poverty_line
    real = np.log(pce * deflator)
    desil_true = national_desil(real, calibration)
    desil_dtsen = national_desil(real + rng.normal(0, PMT_LOG_ERROR, len(size)), calibration)
    older = real + rng.normal(0, MOBILITY_LOG_CHANGE, len(size))
    older_ranked = national_desil(older + rng.normal(0, PMT_LOG_ERROR, len(size)), calibration)
    desil_p3ke = np.where(older_ranked <= 4, older_ranked, 0)
    dtks_chance = np.select([older_ranked <= 4, older_ranked <= 6], [0.70, 0.15], 0.03)
    in_dtks = rng.random(len(size)) < dtks_chance

    return Frame(
        villages=villages,
        village=village,
        size=size,
        urban=urban,
        head_female=head_female,
        elderly_alone=elderly_alone,
        pocket=pocket_by_village[village],
        pce=pce,
        rank=rank,
        desil_true=desil_true,
        desil_dtsen=desil_dtsen,
        desil_p3ke=desil_p3ke,
        in_dtks=in_dtks,
        old_village=_moves(villages, village, config.noise.moved_household, rng),
    )


def national_desil(log_real_pce: np.ndarray, calibration: Calibration) -> np.ndarray:
    """Desil 1-10 of log real per-capita expenditure in the national distribution.

    Examples:
        >>> cal = Calibration(0.1, 0.01, 500_000.0, 358_233.6, "USD_1.90_PPP2011",
        ...                   national_line=582_932.0, national_rate=0.0903)
        >>> national_desil(np.log(np.array([300_000.0, 1_400_000.0, 9e6])), cal).tolist()
        [1, 5, 10]
    """
    normal = NormalDist()
    location = np.log(calibration.national_line) - NATIONAL_LOG_SPREAD * normal.inv_cdf(
        calibration.national_rate
    )
    cuts = location + NATIONAL_LOG_SPREAD * np.array([normal.inv_cdf(d / 10) for d in range(1, 10)])
    return (np.searchsorted(cuts, log_real_pce) + 1).astype(np.int8)


def _household_sizes(persons: int, rng: np.random.Generator) -> np.ndarray:
    mean = float(np.dot(np.arange(1, 9), SIZE_SHARES))
    sizes = rng.choice(np.arange(1, 9), size=int(persons / mean * 1.1) + 8, p=SIZE_SHARES)
    cumulative = np.cumsum(sizes)
    last = int(np.searchsorted(cumulative, persons))
    sizes = sizes[: last + 1].copy()
    sizes[-1] -= int(cumulative[last] - persons)  # the last household takes what is left
    return sizes.astype(np.int16)


def _place_households(
    villages: list[wilayah.Area], households: int, rng: np.random.Generator
) -> np.ndarray:
    """Village index of each household, households grouped by village in code order."""
    weight = rng.lognormal(0.0, 0.5, len(villages))
    weight *= np.array([1.6 if wilayah.is_kelurahan(area.code) else 1.0 for area in villages])
    counts = rng.multinomial(households, weight / weight.sum())
    return np.repeat(np.arange(len(villages), dtype=np.int32), counts)


def _poverty_pockets(
    villages: list[wilayah.Area], share: float, rng: np.random.Generator
) -> np.ndarray:
    """One flag per village: a share of villages are poverty pockets, desa before kelurahan.

    A city of kelurahan only still has pockets (urban slums), so kelurahan are
    candidates when the regency has too few desa.
    """
    desa = np.array([not wilayah.is_kelurahan(area.code) for area in villages])
    wanted = max(1, round(share * len(villages)))
    candidates = np.flatnonzero(desa) if desa.sum() >= wanted else np.arange(len(villages))
    pocket = np.zeros(len(villages), dtype=bool)
    chosen = rng.choice(candidates, size=wanted, replace=False)
    pocket[chosen] = True
    return pocket


def _latent_welfare(
    villages: list[wilayah.Area],
    village: np.ndarray,
    size: np.ndarray,
    urban: np.ndarray,
    head_female: np.ndarray,
    elderly_alone: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    districts = sorted({area.parent_code or "" for area in villages})
    district_of_village = np.array([districts.index(area.parent_code or "") for area in villages])
    district_effect = rng.normal(0, 0.20, len(districts))[district_of_village]
    village_effect = district_effect + rng.normal(0, 0.30, len(villages))
    return (
        village_effect[village]
        + 0.45 * urban
        - 0.10 * np.maximum(size - 4, 0)
        - 0.25 * head_female
        - 0.30 * elderly_alone
        + rng.normal(0, 0.75, len(size))
    )


def _calibrated_expenditure(
    latent: np.ndarray, size: np.ndarray, config: SynthConfig
) -> np.ndarray:
    """Map latent welfare to Rp per capita per month, hitting both person-weighted rates."""
    cal = config.calibration
    order = np.argsort(latent, kind="stable")
    persons_below = np.cumsum(size[order]) / size.sum()
    at_extreme = latent[order][np.searchsorted(persons_below, cal.extreme_rate)]
    at_poverty = latent[order][np.searchsorted(persons_below, cal.poverty_rate)]
    # Put the lines midway between the latent values of neighbouring households so
    # that the households at the cut-offs fall on the intended side.
    slope = (np.log(cal.poverty_line) - np.log(cal.extreme_line)) / (at_poverty - at_extreme)
    upper_slope = cal.upper_log_spread / latent[latent > at_poverty].std()
    log_pce = np.where(
        latent <= at_poverty,
        np.log(cal.poverty_line) + slope * (latent - at_poverty),
        np.log(cal.poverty_line) + upper_slope * (latent - at_poverty),
    )
    # Households exactly at a cut-off are nudged just below it, so the share below the
    # line (strictly) equals the target share of persons up to one household.
    log_pce[latent <= at_poverty] -= 1e-9
    return np.exp(log_pce)


def _person_weighted_rank(pce: np.ndarray, size: np.ndarray) -> np.ndarray:
    order = np.argsort(pce, kind="stable")
    rank = np.empty(len(pce))
    rank[order] = (np.cumsum(size[order]) - size[order] / 2) / size.sum()
    return rank


def _moves(
    villages: list[wilayah.Area], village: np.ndarray, rate: float, rng: np.random.Generator
) -> np.ndarray:
    """Village of each household in the older registries: another village when it moved."""
    old = village.copy()
    moved = np.flatnonzero(rng.random(len(village)) < rate)
    shift = rng.integers(1, len(villages), len(moved)) if len(villages) > 1 else 0
    old[moved] = (village[moved] + shift) % len(villages)
    return old
