"""Census blocks and a SUSENAS-style two-stage survey sample drawn from the synthetic regency.

The synthetic regency is a full population: every household is known. A later
stage computes poverty statistics (P0, P1, P2) the way BPS does, from a
*sample* with design weights, so that its design-based standard errors can be
checked against the truth planted in the population. This module builds that
sample. It is pure numpy: no files, and every random choice comes from the
``numpy.random.Generator`` passed in, so a seed gives the same sample.

Three steps, one function each:

1. :func:`assign_census_blocks` groups the households of each village into
   census blocks (*blok sensus*, about 80–150 households).
2. :func:`allocate_psus` shares the PSUs of a :class:`SurveyDesign` among the
   strata.
3. :func:`draw_sample` selects blocks by systematic PPS within each stratum
   (:func:`select_pps_systematic`, with certainty blocks handled by
   :func:`pps_inclusion_probabilities`), then a simple random sample of
   households in each selected block, and returns a :class:`SurveySample`
   with design weights.

Error codes raised here (all :class:`~sinergi.errors.SynthError`):
``SYNTH_EMPTY_FRAME``, ``SYNTH_LENGTH_MISMATCH``, ``SYNTH_BAD_INPUT``,
``SYNTH_BAD_DESIGN``, ``SYNTH_BLOCK_CROSSES_STRATA``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sinergi.errors import SynthError

__all__ = [
    "SurveyDesign",
    "SurveySample",
    "allocate_psus",
    "assign_census_blocks",
    "draw_sample",
    "pps_inclusion_probabilities",
    "select_pps_systematic",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Block sizes are kept within [_MIN_BLOCK_SHARE, _MAX_BLOCK_SHARE] x mean_block_size
# where the village size allows it: 80-150 households for the default mean of 100.
_MIN_BLOCK_SHARE = 0.8
_MAX_BLOCK_SHARE = 1.5
# Dirichlet concentration of the block-size noise: 2 spreads the sizes over the
# whole allowed range without piling them on the bounds.
_BLOCK_SIZE_CONCENTRATION = 2.0


# --------------------------------------------------------------------------- blocks


def assign_census_blocks(
    village_index: npt.ArrayLike,
    rng: np.random.Generator,
    *,
    mean_block_size: int = 100,
) -> IntArray:
    """Group the households of each village into census blocks and return a block id per household.

    A BPS census block (*blok sensus*) is a piece of one village (desa/kelurahan)
    holding roughly 80–150 households; it is the PSU of SUSENAS. Here a village
    of ``n`` households gets ``k ≈ n / mean_block_size`` blocks, with ``k``
    moved, where possible, so that every block has between
    ``0.8 × mean_block_size`` and ``1.5 × mean_block_size`` households (80–150
    for the default). Block sizes vary at random inside those bounds, because
    real blocks do and PPS selection should have something to do. A village
    smaller than ``mean_block_size`` is one block, and so is one of up to
    ``1.5 × mean_block_size`` households (as large as a real block gets). Where
    no split keeps every block within the bounds (151–159 households for the
    default), the village is split as evenly as possible.

    Households keep their input order within a village: a block is a run of
    consecutive rows of that village. If the rows are sorted by dusun/RW/RT,
    blocks follow neighbourhoods, as real blocks do. Rows may come in any order
    overall; villages need not be contiguous.

    Args:
        village_index: one integer per household naming its village (any codes).
        rng: the random generator; the same state gives the same blocks.
        mean_block_size: the target number of households per block.

    Returns:
        One global block id per household, ``0 .. n_blocks - 1``, numbered by
        village code (ascending) and then by row order inside the village. A block
        never spans two villages.

    Raises:
        SynthError: ``SYNTH_EMPTY_FRAME`` when there are no households,
            ``SYNTH_BAD_INPUT`` when the input is not a 1-D integer array,
            ``SYNTH_BAD_DESIGN`` when ``mean_block_size`` is below 1.

    Examples:
        >>> rng = np.random.default_rng(1)
        >>> villages = np.repeat([7, 3], [230, 40])
        >>> blocks = assign_census_blocks(villages, rng)
        >>> sorted(set(blocks[villages == 3].tolist()))  # the small village is one block
        [0]
        >>> np.unique(blocks[villages == 7]).size  # 230 households -> 2 blocks
        2
    """
    villages = _as_int_vector(village_index, "village_index")
    if villages.size == 0:
        raise _empty_frame_error()
    if mean_block_size < 1:
        raise SynthError(
            f"Ukuran rata-rata blok sensus harus minimal 1, bukan {mean_block_size}. "
            "Gunakan nilai bawaan 100.",
            english=f"mean_block_size must be at least 1, not {mean_block_size}. "
            "Use the default of 100.",
            code="SYNTH_BAD_DESIGN",
        )
    low = max(1, math.floor(_MIN_BLOCK_SHARE * mean_block_size))
    high = max(low, math.ceil(_MAX_BLOCK_SHARE * mean_block_size))

    order = np.argsort(villages, kind="stable")
    _, counts = np.unique(villages[order], return_counts=True)
    block_of_sorted = np.empty(villages.size, dtype=np.int64)
    start = 0
    next_block = 0
    for count in counts.tolist():
        sizes = _village_block_sizes(count, mean_block_size, low, high, rng)
        block_of_sorted[start : start + count] = np.repeat(
            np.arange(next_block, next_block + sizes.size, dtype=np.int64), sizes
        )
        start += count
        next_block += sizes.size
    blocks = np.empty(villages.size, dtype=np.int64)
    blocks[order] = block_of_sorted
    return blocks


def _village_block_sizes(
    households: int, mean: int, low: int, high: int, rng: np.random.Generator
) -> IntArray:
    """Split one village's households into block sizes summing to ``households``."""
    n_blocks = max(1, math.floor(households / mean + 0.5))
    fewest, most = math.ceil(households / high), max(1, households // low)
    feasible = fewest <= most
    if feasible:
        n_blocks = min(max(n_blocks, fewest), most)
    if n_blocks == 1:
        return np.array([households], dtype=np.int64)
    if not feasible:
        # No split keeps every block within [low, high]; split as evenly as possible.
        low, high = households // n_blocks, -(-households // n_blocks)
    slack = households - n_blocks * low
    room = np.full(n_blocks, high - low, dtype=np.int64)
    shares = rng.dirichlet(np.full(n_blocks, _BLOCK_SIZE_CONCENTRATION))
    extra = rng.multinomial(slack, shares).astype(np.int64)
    # Give households above a block's room to blocks that still have room.
    while (overflow := int(np.clip(extra - room, 0, None).sum())) > 0:
        extra = np.minimum(extra, room)
        free = (room - extra).astype(np.float64)
        extra += rng.multinomial(overflow, free / free.sum()).astype(np.int64)
    return low + extra


# --------------------------------------------------------------------------- design


@dataclass(frozen=True)
class SurveyDesign:
    """The size and shape of a SUSENAS-style sample of one regency.

    **The real design** (SUSENAS March, the round that gives kab/kota figures;
    DOMAIN.md §4.1). The Mar-2025 round sampled 345,000 households in 514
    kab/kota [S], i.e. about 34,500 census blocks of 10 households, or on average
    ~67 blocks and ~670 households per kab/kota (a few hundred in small ones,
    around 900 in large ones). It is a two-stage design [U – from BPS survey
    guides, confirm against the current *Pedoman Kepala BPS* for Susenas]:

    1. within each stratum (kab/kota × urban/rural), census blocks are selected
       with probability proportional to size (PPS), the size being the number of
       households in the block from the last census listing, usually
       systematically down a list sorted by an implicit-stratification variable;
    2. in each selected block the households are re-listed (*pemutakhiran*) and
       10 are selected by systematic sampling.

    **What is simplified here.**

    * Strata are whatever the caller passes; the issue asks for
      *kecamatan × urban/rural*, finer than BPS's kab × urban/rural.
    * The PPS size is the true current block count, so the listing never ages
      and the weights sum to the frame count exactly (see :func:`draw_sample`).
    * The block list is shuffled before systematic selection (randomised
      systematic PPS) instead of sorted by an implicit-stratification variable.
      First-order probabilities are the same; joint probabilities are all
      positive, which suits variance estimation.
    * Households inside a block are a simple random sample, not a systematic
      one; no non-response, no replacement households, no calibration of
      weights to population projections.

    **Choosing the numbers.** ``psus_total = 60`` blocks × ``households_per_psu
    = 10`` gives ~600 households, a typical kab sample (300–900) for a regency
    of ~65,000 households. ``min_psus_per_stratum = 2`` is the least that lets
    a design-based variance be estimated inside every stratum. The minimum wins
    over the total: with 40 strata the sample has at least 80 PSUs. If that is
    too many, pass coarser strata (urban/rural only, as BPS does).

    Attributes:
        psus_total: PSUs (census blocks) to select in the regency.
        households_per_psu: households selected in each selected block (``m``);
            a smaller block is taken whole.
        min_psus_per_stratum: the least number of PSUs in every stratum, lowered
            to the number of blocks where a stratum has fewer.

    Examples:
        >>> design = SurveyDesign()
        >>> design.psus_total * design.households_per_psu
        600
    """

    psus_total: int = 60
    households_per_psu: int = 10
    min_psus_per_stratum: int = 2

    def __post_init__(self) -> None:
        for name in ("psus_total", "households_per_psu", "min_psus_per_stratum"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise SynthError(
                    f"Rancangan survei tidak sah: {name} harus bilangan bulat minimal 1, "
                    f"bukan {value!r}.",
                    english=f"Invalid survey design: {name} must be an integer of at "
                    f"least 1, not {value!r}.",
                    code="SYNTH_BAD_DESIGN",
                )


@dataclass(frozen=True, eq=False)
class SurveySample:
    """The selected households, one row each, sorted by stratum, PSU and input row.

    Attributes:
        household_rows: index of each selected household in the arrays passed to
            :func:`draw_sample`.
        psu: the block id (as given) of the household's PSU.
        stratum: the stratum code (as given) of the household.
        weight: the design weight ``1 / inclusion_probability``.
        inclusion_probability: ``π_psu × π_hh|psu``, the household's chance to
            be in the sample.
        psu_inclusion_probability: ``π_psu``, the chance of its block being
            selected (1 for certainty blocks); useful for a finite-population
            correction at the first stage.
    """

    household_rows: IntArray
    psu: IntArray
    stratum: IntArray
    weight: FloatArray
    inclusion_probability: FloatArray
    psu_inclusion_probability: FloatArray

    def __len__(self) -> int:
        return int(self.household_rows.size)


# --------------------------------------------------------------------------- allocation


def allocate_psus(
    households: npt.ArrayLike, blocks: npt.ArrayLike, design: SurveyDesign
) -> IntArray:
    """Share the design's PSUs among strata, proportional to their household counts.

    Stratum ``h`` gets ``n_h = clip(λ·N_h, L_h, B_h)`` rounded to integers by
    largest remainder, where ``N_h`` is its household count, ``B_h`` its number
    of blocks, ``L_h = min(min_psus_per_stratum, B_h)``, and ``λ`` is chosen so
    that the total is ``psus_total``. The minimum wins over the total, and a
    stratum never gets more PSUs than it has blocks, so the total actually
    drawn is ``psus_total`` clipped to ``[Σ L_h, Σ B_h]``. A stratum capped at
    ``B_h`` takes every block; its share of the PSUs goes to the other strata.

    Args:
        households: households per stratum (all positive).
        blocks: census blocks per stratum (all positive).
        design: the survey design.

    Returns:
        PSUs per stratum, in the order given.

    Examples:
        >>> allocate_psus([6000, 3000, 1000], [60, 30, 1], SurveyDesign(psus_total=10))
        array([6, 3, 1])
    """
    size = np.asarray(households, dtype=np.float64)
    upper = np.asarray(blocks, dtype=np.int64)
    if size.ndim != 1 or size.shape != upper.shape:
        raise SynthError(
            "Jumlah rumah tangga dan jumlah blok per strata harus sepanjang sama.",
            english="Households and blocks per stratum must have the same length.",
            code="SYNTH_LENGTH_MISMATCH",
        )
    if size.size == 0:
        raise _empty_frame_error()
    if np.any(size <= 0) or np.any(upper <= 0):
        raise SynthError(
            "Setiap strata harus memiliki minimal satu rumah tangga dan satu blok sensus.",
            english="Every stratum must have at least one household and one census block.",
            code="SYNTH_BAD_INPUT",
        )
    lower = np.minimum(design.min_psus_per_stratum, upper)
    total = int(np.clip(design.psus_total, lower.sum(), upper.sum()))

    # sum(clip(scale * size, lower, upper)) is piecewise linear and non-decreasing in
    # `scale`, with kinks where a stratum leaves its lower or reaches its upper bound:
    # evaluate it at the kinks and interpolate inside the segment that reaches `total`.
    kinks = np.unique(np.concatenate([lower / size, upper / size]))
    reached = np.clip(kinks[:, None] * size, lower, upper).sum(axis=1)
    k = min(int(np.searchsorted(reached, total, side="left")), kinks.size - 1)
    if k == 0 or reached[k] <= reached[k - 1]:
        scale = float(kinks[k])
    else:
        step = (total - reached[k - 1]) / (reached[k] - reached[k - 1])
        scale = float(kinks[k - 1] + step * (kinks[k] - kinks[k - 1]))
    exact = np.clip(scale * size, lower, upper).astype(np.float64)
    result = np.floor(exact).astype(np.int64)
    remainder = exact - result
    remainder[result >= upper] = -1.0
    missing = total - int(result.sum())
    if missing > 0:
        result[np.argsort(-remainder, kind="stable")[:missing]] += 1
    return result


# --------------------------------------------------------------------------- PPS


def pps_inclusion_probabilities(sizes: npt.ArrayLike, n: int) -> FloatArray:
    """First-order inclusion probabilities of a PPS sample of ``n`` units, certainty units at 1.

    Without certainty units, ``π_i = n · size_i / Σ size``. A unit whose size is
    at least the sampling interval ``Σ size / n`` would get ``π ≥ 1``: it is
    taken with certainty (``π = 1``), removed, and the interval recomputed for
    the rest with ``n`` lowered by one, until no unit reaches it.

    Args:
        sizes: positive size measures (household counts of blocks).
        n: units to select, ``0 ≤ n ≤ len(sizes)``.

    Returns:
        One probability per unit, summing to ``n``.

    Examples:
        >>> pps_inclusion_probabilities([10, 20, 30, 40], 2).tolist()
        [0.2, 0.4, 0.6, 0.8]
        >>> pps_inclusion_probabilities([100, 10, 20, 20], 2).tolist()
        [1.0, 0.2, 0.4, 0.4]
    """
    measure = _positive_sizes(sizes)
    certain = _certainty_units(measure, n)
    return _probabilities(measure, n, certain)


def select_pps_systematic(sizes: npt.ArrayLike, n: int, rng: np.random.Generator) -> IntArray:
    """Select ``n`` distinct units by systematic PPS without replacement, with a random start.

    Certainty units (see :func:`pps_inclusion_probabilities`) are taken first.
    The other units are put in random order and laid end to end on a line, each
    as long as its size; with interval ``I = (their total size) / n_rest`` and a
    start ``u`` uniform on ``[0, I)``, the units covering the points
    ``u, u + I, …, u + (n_rest − 1)·I`` are selected. No remaining unit is as
    long as ``I``, so each is hit at most once, with probability ``size / I``.

    Args:
        sizes: positive size measures.
        n: units to select, ``0 ≤ n ≤ len(sizes)``.
        rng: the random generator.

    Returns:
        Positions (into ``sizes``) of the selected units, ascending.

    Examples:
        >>> rng = np.random.default_rng(5)
        >>> selected = select_pps_systematic([100, 10, 20, 20], 2, rng)
        >>> int(selected[0]), selected.size  # the block of 100 is certain
        (0, 2)
    """
    measure = _positive_sizes(sizes)
    certain = _certainty_units(measure, n)
    n_rest = n - int(certain.sum())
    chosen = np.flatnonzero(certain)
    if n_rest > 0:
        rest = rng.permutation(np.flatnonzero(~certain))
        rest_sizes = measure[rest]
        total = float(rest_sizes.sum())
        # Work on a line scaled by n_rest so that the interval is the integer-valued total.
        ends = np.cumsum(rest_sizes * n_rest)
        points = rng.uniform(0.0, total) + total * np.arange(n_rest)
        hits = np.minimum(np.searchsorted(ends, points, side="right"), rest.size - 1)
        chosen = np.concatenate([chosen, rest[hits]])
    return np.sort(chosen).astype(np.int64)


def _certainty_units(measure: FloatArray, n: int) -> npt.NDArray[np.bool_]:
    if not 0 <= n <= measure.size:
        raise SynthError(
            f"Tidak dapat memilih {n} unit dari {measure.size} unit.",
            english=f"Cannot select {n} units out of {measure.size}.",
            code="SYNTH_BAD_DESIGN",
        )
    certain = np.zeros(measure.size, dtype=bool)
    while (n_rest := n - int(certain.sum())) > 0:
        rest_total = measure[~certain].sum()
        new = ~certain & (measure * n_rest >= rest_total)
        if not new.any():
            break
        certain |= new
    return certain


def _probabilities(measure: FloatArray, n: int, certain: npt.NDArray[np.bool_]) -> FloatArray:
    n_rest = n - int(certain.sum())
    probability = np.ones(measure.size, dtype=np.float64)
    if n_rest > 0:
        probability[~certain] = n_rest * measure[~certain] / measure[~certain].sum()
    else:
        probability[~certain] = 0.0
    return probability


def _positive_sizes(sizes: npt.ArrayLike) -> FloatArray:
    measure = np.asarray(sizes, dtype=np.float64)
    if measure.ndim != 1 or np.any(~np.isfinite(measure)) or np.any(measure <= 0):
        raise SynthError(
            "Ukuran unit untuk PPS harus berupa deret angka positif.",
            english="PPS size measures must be a 1-D array of positive numbers.",
            code="SYNTH_BAD_INPUT",
        )
    return measure


# --------------------------------------------------------------------------- sample


def draw_sample(
    stratum: npt.ArrayLike,
    block: npt.ArrayLike,
    design: SurveyDesign,
    rng: np.random.Generator,
) -> SurveySample:
    """Draw a two-stage stratified sample: census blocks by systematic PPS, then households by SRS.

    1. PSUs are shared among strata by :func:`allocate_psus` (proportional to
       households, at least ``min_psus_per_stratum``, at most the stratum's
       blocks).
    2. In each stratum, ``n_h`` blocks are selected by :func:`select_pps_systematic`
       with the block's household count as size; a block at least as large as
       the interval is a certainty PSU (``π_psu = 1``).
    3. In each selected block of ``M`` households, ``min(m, M)`` households are
       selected by simple random sampling without replacement
       (``π_hh|psu = min(m, M) / M``).

    The design weight is ``1 / (π_psu · π_hh|psu)``. Because the PPS size is the
    exact household count, the weights of a stratum sum to its household count
    in every sample, not only on average (``π_psu · π_hh|psu`` is the same,
    ``n_h·m / N_h``, for every household of a non-certainty block with at least
    ``m`` households). Totals of other variables are unbiased
    (Horvitz–Thompson), with a sampling error to estimate from PSUs within
    strata.

    Args:
        stratum: one integer stratum code per household (e.g. kecamatan code × 10
            + urban flag).
        block: one integer census-block id per household, e.g. from
            :func:`assign_census_blocks`; a block must lie in one stratum.
        design: sizes of the sample.
        rng: the random generator; the same state gives the same sample.

    Returns:
        The selected households with PSU, stratum, weights and probabilities.

    Raises:
        SynthError: ``SYNTH_EMPTY_FRAME`` with no households,
            ``SYNTH_LENGTH_MISMATCH`` when the arrays differ in length,
            ``SYNTH_BAD_INPUT`` when they are not 1-D integer arrays,
            ``SYNTH_BLOCK_CROSSES_STRATA`` when a block has households in two
            strata.

    Examples:
        >>> rng = np.random.default_rng(3)
        >>> block = np.repeat(np.arange(6), [120, 90, 100, 150, 80, 110])
        >>> stratum = np.repeat([1, 2], [310, 340])
        >>> sample = draw_sample(stratum, block, SurveyDesign(psus_total=4), rng)
        >>> len(sample), sorted(set(sample.stratum.tolist()))
        (40, [1, 2])
        >>> [round(float(sample.weight[sample.stratum == h].sum())) for h in (1, 2)]
        [310, 340]
    """
    strata = _as_int_vector(stratum, "stratum")
    blocks = _as_int_vector(block, "block")
    if strata.size != blocks.size:
        raise SynthError(
            f"Panjang 'stratum' ({strata.size}) dan 'block' ({blocks.size}) berbeda; "
            "berikan satu nilai per rumah tangga untuk keduanya.",
            english=f"'stratum' ({strata.size}) and 'block' ({blocks.size}) differ in "
            "length; give one value per household for both.",
            code="SYNTH_LENGTH_MISMATCH",
        )
    if strata.size == 0:
        raise _empty_frame_error()

    block_ids, household_block, block_sizes = np.unique(
        blocks, return_inverse=True, return_counts=True
    )
    block_stratum = np.empty(block_ids.size, dtype=np.int64)
    block_stratum[household_block] = strata
    crossing = block_stratum[household_block] != strata
    if crossing.any():
        bad = np.unique(blocks[crossing])
        shown = ", ".join(str(b) for b in bad[:5].tolist())
        raise SynthError(
            f"{bad.size} blok sensus (mis. {shown}) berisi rumah tangga dari lebih dari satu "
            "strata. Blok sensus harus berada di dalam satu desa, jadi dalam satu strata; "
            "periksa kode strata atau bentuk ulang blok dengan assign_census_blocks.",
            english=f"{bad.size} census blocks (e.g. {shown}) hold households from more "
            "than one stratum. A block lies within one village, hence one stratum; check "
            "the stratum codes or rebuild blocks with assign_census_blocks.",
            code="SYNTH_BLOCK_CROSSES_STRATA",
        )
    stratum_ids, stratum_of_block = np.unique(block_stratum, return_inverse=True)
    households_per_stratum = np.bincount(stratum_of_block, weights=block_sizes)
    blocks_per_stratum = np.bincount(stratum_of_block)
    allocation = allocate_psus(households_per_stratum, blocks_per_stratum, design)

    # Rows of each block, contiguous in `rows_by_block`.
    rows_by_block = np.argsort(household_block, kind="stable")
    block_start = np.concatenate([[0], np.cumsum(block_sizes)[:-1]])

    m = design.households_per_psu
    parts: list[tuple[IntArray, int, float, float]] = []
    for h in range(stratum_ids.size):
        members = np.flatnonzero(stratum_of_block == h)
        measure = block_sizes[members].astype(np.float64)
        n_h = int(allocation[h])
        psu_probability = pps_inclusion_probabilities(measure, n_h)
        for position in select_pps_systematic(measure, n_h, rng).tolist():
            b = int(members[position])
            size = int(block_sizes[b])
            take = min(m, size)
            rows = rows_by_block[block_start[b] : block_start[b] + size]
            chosen = np.sort(rng.choice(rows, size=take, replace=False)).astype(np.int64)
            parts.append((chosen, b, float(psu_probability[position]), take / size))

    household_rows = np.concatenate([rows for rows, *_ in parts])
    counts = [rows.size for rows, *_ in parts]
    psu_index = np.repeat(np.array([b for _, b, _, _ in parts], dtype=np.int64), counts)
    psu_probability = np.repeat(np.array([p for _, _, p, _ in parts]), counts)
    within_probability = np.repeat(np.array([q for *_, q in parts]), counts)
    inclusion = psu_probability * within_probability
    return SurveySample(
        household_rows=household_rows,
        psu=block_ids[psu_index].astype(np.int64),
        stratum=stratum_ids[stratum_of_block[psu_index]].astype(np.int64),
        weight=1.0 / inclusion,
        inclusion_probability=inclusion,
        psu_inclusion_probability=psu_probability,
    )


# --------------------------------------------------------------------------- helpers


def _as_int_vector(values: npt.ArrayLike, name: str) -> IntArray:
    array = np.asarray(values)
    if array.size == 0 and array.ndim == 1:
        return array.astype(np.int64)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise SynthError(
            f"'{name}' harus berupa deret bilangan bulat satu dimensi (satu nilai per "
            f"rumah tangga), bukan larik {array.ndim} dimensi bertipe {array.dtype}.",
            english=f"'{name}' must be a 1-D integer array (one value per household), "
            f"not a {array.ndim}-D array of {array.dtype}.",
            code="SYNTH_BAD_INPUT",
        )
    return array.astype(np.int64, copy=False)


def _empty_frame_error() -> SynthError:
    return SynthError(
        "Kerangka sampel kosong: tidak ada rumah tangga untuk dibentuk blok sensus atau "
        "diambil sampelnya. Bangkitkan rumah tangga kabupaten terlebih dahulu.",
        english="Empty sampling frame: there are no households to group into census "
        "blocks or to sample. Generate the regency's households first.",
        code="SYNTH_EMPTY_FRAME",
    )
