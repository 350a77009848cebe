"""Census blocks and the SUSENAS-style sample drawn from the synthetic regency."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from sinergi.errors import SynthError
from sinergi.synth.survey import (
    SurveyDesign,
    allocate_psus,
    assign_census_blocks,
    draw_sample,
    pps_inclusion_probabilities,
    select_pps_systematic,
)

EMPTY_FRAME_MESSAGE = (
    "Kerangka sampel kosong: tidak ada rumah tangga untuk dibentuk blok sensus atau "
    "diambil sampelnya. Bangkitkan rumah tangga kabupaten terlebih dahulu."
)

# Stratum code -> household counts of its census blocks. Stratum 31 is a single
# block; stratum 41 has a block (150) larger than its sampling interval; stratum
# 42 has fewer blocks than the minimum of two PSUs.
BLOCKS_BY_STRATUM: dict[int, list[int]] = {
    11: [120, 95, 140, 82, 101, 150, 88, 99, 130, 111, 84, 125],
    12: [90, 100, 110, 145, 80, 97, 103, 122],
    21: [85, 91, 138, 147, 99, 100, 81, 119, 126, 93],
    22: [150, 115, 87, 94, 108],
    31: [64],
    41: [150, 40, 30],
    42: [77],
}


def _frame(
    blocks_by_stratum: dict[int, list[int]], rng: np.random.Generator
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Stratum and block per household, rows shuffled so that nothing relies on order."""
    strata: list[int] = []
    blocks: list[int] = []
    next_block = 1000
    for code, sizes in blocks_by_stratum.items():
        for size in sizes:
            strata += [code] * size
            blocks += [next_block] * size
            next_block += 7
    order = rng.permutation(len(strata))
    return np.array(strata)[order], np.array(blocks)[order]


@pytest.fixture(scope="module")
def frame() -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    return _frame(BLOCKS_BY_STRATUM, np.random.default_rng(20250301))


# --------------------------------------------------------------------------- blocks


def _villages(rng: np.random.Generator) -> npt.NDArray[np.int64]:
    """A few hundred villages of 20 to 2,500 households, rows in random order."""
    sizes = np.concatenate([[20, 75, 99, 150, 155, 160], rng.integers(100, 2500, size=120)])
    villages = np.repeat(np.arange(sizes.size) * 3 + 500, sizes)
    return rng.permutation(villages)


def test_blocks_never_span_villages_and_stay_within_80_to_150_households() -> None:
    """Each block lies in one village and has 80–150 households when the village allows it."""
    # given
    villages = _villages(np.random.default_rng(1))

    # when
    blocks = assign_census_blocks(villages, np.random.default_rng(2))

    # then
    ids, first_row, sizes = np.unique(blocks, return_index=True, return_counts=True)
    assert ids.tolist() == list(range(ids.size))
    village_of_block = villages[first_row]
    assert np.array_equal(village_of_block[blocks], villages)
    village_size = np.bincount(villages)[village_of_block]
    splittable = (village_size >= 160) | ((village_size >= 80) & (village_size <= 150))
    assert sizes[splittable].min() >= 80
    assert sizes[splittable].max() <= 150
    assert 95 <= sizes[village_size >= 160].mean() <= 125
    assert np.unique(sizes).size > 30, "block sizes should vary, or PPS has nothing to do"


def test_small_villages_form_one_block_and_odd_sizes_split_evenly() -> None:
    """A village below a block's size is one block; 155 households split into 77 and 78."""
    # given
    villages = np.repeat([1, 2, 3, 4], [20, 75, 150, 155])

    # when
    blocks = assign_census_blocks(villages, np.random.default_rng(0))

    # then
    sizes_by_village = {
        v: sorted(np.unique(blocks[villages == v], return_counts=True)[1].tolist())
        for v in (1, 2, 3, 4)
    }
    assert sizes_by_village == {1: [20], 2: [75], 3: [150], 4: [77, 78]}


def test_blocks_are_the_same_for_the_same_seed() -> None:
    """The same generator state gives the same blocks."""
    # given
    villages = _villages(np.random.default_rng(5))

    # when
    first = assign_census_blocks(villages, np.random.default_rng(9))
    second = assign_census_blocks(villages, np.random.default_rng(9))

    # then
    assert np.array_equal(first, second)


def test_blocks_of_an_empty_frame_raise() -> None:
    """No households cannot be grouped into blocks."""
    with pytest.raises(SynthError) as caught:
        assign_census_blocks(np.array([], dtype=np.int64), np.random.default_rng(0))
    assert caught.value.code == "SYNTH_EMPTY_FRAME"
    assert str(caught.value) == EMPTY_FRAME_MESSAGE


# --------------------------------------------------------------------------- design


def test_default_design_gives_a_kab_sized_sample_for_a_65k_household_regency() -> None:
    """~65,000 households in 10 kecamatan x urban/rural give 300–900 sampled households."""
    # given
    rng = np.random.default_rng(65)
    village_sizes = rng.integers(80, 500, size=260)
    villages = np.repeat(np.arange(village_sizes.size), village_sizes)
    district_of_village = rng.integers(0, 10, size=village_sizes.size)
    urban_of_village = rng.random(village_sizes.size) < 0.3
    stratum = (district_of_village * 10 + urban_of_village)[villages]
    block = assign_census_blocks(villages, rng)

    # when
    sample = draw_sample(stratum, block, SurveyDesign(), rng)

    # then
    assert 60_000 <= villages.size <= 80_000
    assert 300 <= len(sample) <= 900
    assert np.unique(sample.psu).size == 60


def test_invalid_design_raises() -> None:
    """A design with no households per PSU is refused with a stable code."""
    with pytest.raises(SynthError) as caught:
        SurveyDesign(households_per_psu=0)
    assert caught.value.code == "SYNTH_BAD_DESIGN"
    assert str(caught.value) == (
        "Rancangan survei tidak sah: households_per_psu harus bilangan bulat minimal 1, bukan 0."
    )


def test_allocation_is_proportional_with_minimum_and_block_cap() -> None:
    """PSUs follow household counts; the minimum and the block count override proportion."""
    # given
    households = [6000, 3000, 400, 100, 500]
    blocks = [60, 30, 4, 1, 5]

    # when
    allocation = allocate_psus(households, blocks, SurveyDesign(psus_total=20))

    # then
    assert allocation.tolist() == [10, 5, 2, 1, 2]


def test_allocation_minimum_wins_over_the_total() -> None:
    """Five strata with a minimum of two need ten PSUs even if the design asks for six."""
    allocation = allocate_psus([100] * 5, [3] * 5, SurveyDesign(psus_total=6))
    assert allocation.tolist() == [2, 2, 2, 2, 2]


# --------------------------------------------------------------------------- PPS


def test_systematic_pps_inclusion_probabilities_are_n_size_over_total() -> None:
    """Over many draws each unit is selected with probability n·size/total."""
    # given
    sizes = np.array([5, 10, 20, 40, 15, 25, 30, 55])
    n = 3
    expected = n * sizes / sizes.sum()
    rng = np.random.default_rng(11)
    draws = 10_000

    # when
    counts = np.zeros(sizes.size)
    for _ in range(draws):
        selected = select_pps_systematic(sizes, n, rng)
        assert np.unique(selected).size == n
        counts[selected] += 1

    # then
    frequency = counts / draws
    standard_error = np.sqrt(expected * (1 - expected) / draws)
    assert np.all(np.abs(frequency - expected) < 4 * standard_error), (frequency, expected)
    assert np.allclose(pps_inclusion_probabilities(sizes, n), expected)


def test_certainty_units_are_always_taken_and_the_rest_redone() -> None:
    """A unit larger than the interval is certain; the others share the remaining draws."""
    # given
    sizes = np.array([100, 10, 20, 20])
    rng = np.random.default_rng(12)
    draws = 10_000

    # when
    counts = np.zeros(sizes.size)
    for _ in range(draws):
        counts[select_pps_systematic(sizes, 2, rng)] += 1

    # then
    expected = np.array([1.0, 0.2, 0.4, 0.4])
    assert pps_inclusion_probabilities(sizes, 2).tolist() == expected.tolist()
    assert counts[0] == draws
    standard_error = np.sqrt(expected[1:] * (1 - expected[1:]) / draws)
    assert np.all(np.abs(counts[1:] / draws - expected[1:]) < 4 * standard_error)


def test_certainty_is_redone_until_no_unit_exceeds_the_interval() -> None:
    """Removing one certainty unit can make another certain."""
    # 3 of total 220: interval 73 -> 100 certain; 2 of 120: interval 60 -> 60 certain.
    probabilities = pps_inclusion_probabilities([100, 60, 30, 30], 3)
    assert probabilities.tolist() == [1.0, 1.0, 0.5, 0.5]


# --------------------------------------------------------------------------- sample


def test_selected_households_belong_to_their_psu_and_stratum(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """Every sampled row lies in the block and stratum reported for it, m per block."""
    # given
    stratum, block = frame
    design = SurveyDesign(psus_total=20, households_per_psu=10)

    # when
    sample = draw_sample(stratum, block, design, np.random.default_rng(3))

    # then
    assert np.array_equal(block[sample.household_rows], sample.psu)
    assert np.array_equal(stratum[sample.household_rows], sample.stratum)
    assert np.unique(sample.household_rows).size == len(sample)
    psus, per_psu = np.unique(sample.psu, return_counts=True)
    block_size = dict(zip(*np.unique(block, return_counts=True), strict=True))
    assert per_psu.tolist() == [min(10, int(block_size[p])) for p in psus]
    assert np.allclose(sample.weight * sample.inclusion_probability, 1.0)


def test_each_stratum_gets_the_minimum_psus_when_it_has_the_blocks(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """Strata with enough blocks get at least two PSUs; smaller strata give all their blocks."""
    # given
    stratum, block = frame
    design = SurveyDesign(psus_total=12, min_psus_per_stratum=2)

    # when
    sample = draw_sample(stratum, block, design, np.random.default_rng(4))

    # then
    psus_by_stratum = {
        code: np.unique(sample.psu[sample.stratum == code]).size for code in BLOCKS_BY_STRATUM
    }
    assert psus_by_stratum == {
        code: min(2, len(sizes)) if code != 11 else psus_by_stratum[11]
        for code, sizes in BLOCKS_BY_STRATUM.items()
    }
    assert psus_by_stratum[11] >= 2
    assert sum(psus_by_stratum.values()) == 12


def test_weights_sum_to_the_frame_households_of_each_stratum(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """PPS on the exact household count makes every sample's weights add up to the frame."""
    # given
    stratum, block = frame
    sample = draw_sample(stratum, block, SurveyDesign(psus_total=18), np.random.default_rng(8))

    # then
    for code, sizes in BLOCKS_BY_STRATUM.items():
        assert sample.weight[sample.stratum == code].sum() == pytest.approx(sum(sizes))


def test_horvitz_thompson_totals_are_unbiased_over_replications(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """Over 200 samples the mean HT total is within 3 standard errors of the truth, per stratum."""
    # given: a count of poor members that is higher in small blocks, so wrong PSU
    # weights would bias the total
    stratum, block = frame
    rng = np.random.default_rng(200)
    block_ids, household_block, block_size = np.unique(
        block, return_inverse=True, return_counts=True
    )
    poor_rate = rng.uniform(0.2, 2.0, size=block_ids.size) * (150 / block_size) ** 2
    poor = rng.poisson(poor_rate[household_block]).astype(np.float64)
    design = SurveyDesign(psus_total=20, households_per_psu=10)
    codes = list(BLOCKS_BY_STRATUM)
    replications = 200

    # when
    poor_totals = np.empty((replications, len(codes) + 1))
    household_totals = np.empty((replications, len(codes) + 1))
    for r in range(replications):
        sample = draw_sample(stratum, block, design, rng)
        weighted = sample.weight * poor[sample.household_rows]
        poor_totals[r, -1] = weighted.sum()
        household_totals[r, -1] = sample.weight.sum()
        for j, code in enumerate(codes):
            in_stratum = sample.stratum == code
            poor_totals[r, j] = weighted[in_stratum].sum()
            household_totals[r, j] = sample.weight[in_stratum].sum()

    # then
    true_poor = [poor[stratum == code].sum() for code in codes] + [poor.sum()]
    true_households = [float((stratum == code).sum()) for code in codes] + [float(stratum.size)]
    for estimates, truth in ((poor_totals, true_poor), (household_totals, true_households)):
        mean = estimates.mean(axis=0)
        standard_error = estimates.std(axis=0, ddof=1) / np.sqrt(replications)
        tolerance = 3 * standard_error + 1e-9 * np.asarray(truth)
        assert np.all(np.abs(mean - truth) <= tolerance), (mean, truth, standard_error)
    assert poor_totals[:, 0].std() > 0, "the poor total should vary between samples"


def test_psu_selection_in_the_sample_follows_block_sizes() -> None:
    """Blocks enter the sample at the rate n·size/total that the sample reports."""
    # given
    sizes = [150, 120, 100, 90, 80, 60, 40]
    stratum, block = _frame({1: sizes}, np.random.default_rng(0))
    design = SurveyDesign(psus_total=3, households_per_psu=5)
    rng = np.random.default_rng(21)
    draws = 3000
    block_ids = np.unique(block)

    # when
    counts = np.zeros(block_ids.size)
    reported = np.zeros(block_ids.size)
    for _ in range(draws):
        sample = draw_sample(stratum, block, design, rng)
        psus, first = np.unique(sample.psu, return_index=True)
        positions = np.searchsorted(block_ids, psus)
        counts[positions] += 1
        reported[positions] = sample.psu_inclusion_probability[first]

    # then
    expected = 3 * np.array(sizes) / sum(sizes)
    assert np.allclose(reported, expected)
    standard_error = np.sqrt(expected * (1 - expected) / draws)
    assert np.all(np.abs(counts / draws - expected) < 4 * standard_error)


def test_a_stratum_with_a_single_block_takes_it_with_certainty(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """The only block of a stratum is a certainty PSU; its 64 households weigh 6.4 each."""
    # given
    stratum, block = frame

    # when
    sample = draw_sample(stratum, block, SurveyDesign(), np.random.default_rng(6))

    # then
    single = sample.stratum == 31
    assert single.sum() == 10
    assert np.unique(sample.psu[single]).size == 1
    assert np.all(sample.psu_inclusion_probability[single] == 1.0)
    assert np.allclose(sample.weight[single], 6.4)


def test_a_block_larger_than_the_interval_is_a_certainty_psu(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """In stratum 41 (blocks of 150, 40, 30; two PSUs) the 150 block is always taken."""
    # given
    stratum, block = frame
    big_block = int(np.unique(block[stratum == 41], return_counts=True)[0][0])
    design = SurveyDesign(psus_total=12)

    for seed in range(20):
        # when
        sample = draw_sample(stratum, block, design, np.random.default_rng(seed))

        # then
        in_41 = sample.stratum == 41
        assert big_block in sample.psu[in_41]
        assert np.all(sample.psu_inclusion_probability[sample.psu == big_block] == 1.0)
        assert np.allclose(sample.weight[sample.psu == big_block], 15.0)
        assert np.unique(sample.psu[in_41]).size == 2


def test_the_sample_is_the_same_for_the_same_seed(
    frame: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
) -> None:
    """The same generator state gives the same sample; another seed gives another."""
    # given
    stratum, block = frame
    design = SurveyDesign(psus_total=20)

    # when
    first = draw_sample(stratum, block, design, np.random.default_rng(42))
    second = draw_sample(stratum, block, design, np.random.default_rng(42))
    other = draw_sample(stratum, block, design, np.random.default_rng(43))

    # then
    for name in ("household_rows", "psu", "stratum", "weight", "inclusion_probability"):
        assert np.array_equal(getattr(first, name), getattr(second, name))
    assert not np.array_equal(first.household_rows, other.household_rows)


def test_an_empty_frame_raises() -> None:
    """Sampling no households raises SYNTH_EMPTY_FRAME with an Indonesian message."""
    empty = np.array([], dtype=np.int64)
    with pytest.raises(SynthError) as caught:
        draw_sample(empty, empty, SurveyDesign(), np.random.default_rng(0))
    assert caught.value.code == "SYNTH_EMPTY_FRAME"
    assert str(caught.value) == EMPTY_FRAME_MESSAGE
    assert caught.value.english.startswith("Empty sampling frame")


def test_a_block_in_two_strata_raises() -> None:
    """A census block whose households sit in two strata is refused."""
    with pytest.raises(SynthError) as caught:
        draw_sample(
            np.array([1, 1, 2, 2]), np.array([5, 5, 5, 6]), SurveyDesign(), np.random.default_rng(0)
        )
    assert caught.value.code == "SYNTH_BLOCK_CROSSES_STRATA"
    assert str(caught.value).startswith("1 blok sensus (mis. 5) berisi rumah tangga")


def test_arrays_of_different_lengths_raise() -> None:
    """Stratum and block must give one value per household."""
    with pytest.raises(SynthError) as caught:
        draw_sample(np.array([1, 1]), np.array([5]), SurveyDesign(), np.random.default_rng(0))
    assert caught.value.code == "SYNTH_LENGTH_MISMATCH"
