"""Plausible Indonesian names: shares of Muhammad/Siti, token counts by age, patronymics."""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pytest

from sinergi.errors import SynthError
from sinergi.synth.names import (
    MUHAMMAD_FORMS,
    PATRONYMIC_SHARE,
    SITI_FORMS,
    first_tokens,
    mother_names,
    person_names,
    place_of_birth,
)

N = 100_000
TITLE_WORD = r"[A-Z][a-z]+"
CANONICAL = re.compile(rf"{TITLE_WORD}( {TITLE_WORD})*( bin {TITLE_WORD}| binti {TITLE_WORD})?")


def _population(seed: int = 7, n: int = N) -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64]]:
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(n) < 0.5, "L", "P")
    birth_year = rng.integers(1930, 2025, n)
    return sex, birth_year


def _without_patronymic(names: npt.ArrayLike) -> list[str]:
    return [re.sub(r" bin(ti)? .*$", "", str(name)) for name in np.asarray(names)]


@pytest.fixture(scope="module")
def population() -> tuple[npt.NDArray[np.str_], npt.NDArray[np.int64], list[str]]:
    sex, birth_year = _population()
    names = person_names(np.random.default_rng(11), sex, birth_year)
    return sex, birth_year, names.tolist()


def test_same_seed_gives_the_same_names() -> None:
    """Names depend only on the generator's seed."""
    # given
    sex, birth_year = _population(n=2000)

    # when
    first = person_names(np.random.default_rng(5), sex, birth_year)
    again = person_names(np.random.default_rng(5), sex, birth_year)
    other = person_names(np.random.default_rng(6), sex, birth_year)

    # then
    assert first.tolist() == again.tolist()
    assert first.tolist() != other.tolist()


def test_names_are_non_empty_title_case(population) -> None:
    """Every name is Title Case words, with lower-case bin/binti before the father's name."""
    _, _, names = population

    bad = [name for name in names if not CANONICAL.fullmatch(name)]

    assert bad == []


def test_about_a_tenth_of_mens_names_open_with_muhammad(population) -> None:
    """8–12% of men's names start with a Muhammad form, as in real name lists."""
    sex, _, names = population

    first = first_tokens(names)[sex == "L"]
    share = np.isin(first, MUHAMMAD_FORMS).mean()

    assert 0.08 <= share <= 0.12


def test_about_a_tenth_of_womens_names_open_with_siti(population) -> None:
    """8–12% of women's names start with Siti or Sitti."""
    sex, _, names = population

    first = first_tokens(names)[sex == "P"]
    share = np.isin(first, SITI_FORMS).mean()

    assert 0.08 <= share <= 0.12


def test_no_muhammad_for_women_and_no_siti_for_men(population) -> None:
    """The sex-specific opening tokens follow the person's sex."""
    sex, _, names = population

    first = first_tokens(names)

    assert not np.isin(first[sex == "P"], MUHAMMAD_FORMS).any()
    assert not np.isin(first[sex == "L"], SITI_FORMS).any()


def test_older_people_more_often_have_a_single_name(population) -> None:
    """Single-token names are far more common for people born before 1960 than after 1990."""
    _, birth_year, names = population

    tokens = np.array([len(name.split()) for name in _without_patronymic(names)])
    old = (tokens[birth_year < 1960] == 1).mean()
    young = (tokens[birth_year > 1990] == 1).mean()

    assert old > 0.35
    assert young < 0.15
    assert set(np.unique(tokens).tolist()) == {1, 2, 3}


def test_bin_for_men_and_binti_for_women_only(population) -> None:
    """A patronymic says bin for a son and binti for a daughter, never the other way round."""
    sex, _, names = population

    has_bin = np.array([" bin " in name for name in names])
    has_binti = np.array([" binti " in name for name in names])

    assert has_bin.any() and has_binti.any()
    assert not has_bin[sex == "P"].any()
    assert not has_binti[sex == "L"].any()


def test_patronymic_only_for_adults_at_the_designed_share(population) -> None:
    """About PATRONYMIC_SHARE of adults, and no child, carry bin/binti."""
    _, birth_year, names = population

    has = np.array([" bin" in name for name in names])
    adult = birth_year <= 2026 - 18
    share = has[adult].mean()
    se = np.sqrt(PATRONYMIC_SHARE * (1 - PATRONYMIC_SHARE) / adult.sum())

    assert not has[~adult].any()
    assert abs(share - PATRONYMIC_SHARE) < 3 * se


def test_patronymic_uses_the_fathers_first_token() -> None:
    """The name after bin/binti is the first token of the father's name when it is known."""
    # given
    n = 20_000
    sex = np.array(["L", "P"] * (n // 2))
    birth_year = np.full(n, 1970)
    fathers = np.array(["Jamaluddin Hamzah"] * n, dtype=object)
    fathers[::4] = None

    # when
    names = person_names(np.random.default_rng(3), sex, birth_year, fathers).tolist()

    # then
    known = [name for i, name in enumerate(names) if " bin" in name and i % 4]
    assert known
    assert all(name.endswith(" Jamaluddin") for name in known)


def test_unknown_sex_is_refused() -> None:
    """A sex other than L or P raises SYNTH_BAD_SEX with the value found."""
    with pytest.raises(SynthError) as caught:
        person_names(np.random.default_rng(0), np.array(["L", "X"]), np.array([1980, 1990]))

    assert caught.value.code == "SYNTH_BAD_SEX"
    assert str(caught.value) == "Jenis kelamin harus 'L' atau 'P' (ditemukan 'X' pada 1 baris)."


def test_arrays_of_different_lengths_are_refused() -> None:
    """Sex and birth year must have one entry per person."""
    with pytest.raises(SynthError) as caught:
        person_names(np.random.default_rng(0), np.array(["L", "P"]), np.array([1980]))

    assert caught.value.code == "SYNTH_BAD_SHAPE"


def test_mother_names_are_womens_names_without_patronymic() -> None:
    """Mothers' names are Title Case women's names (never a Muhammad form, never binti)."""
    names = mother_names(np.random.default_rng(4), 10_000).tolist()

    assert len(names) == 10_000
    assert all(re.fullmatch(rf"{TITLE_WORD}( {TITLE_WORD})*", name) for name in names)
    assert not np.isin(first_tokens(names), MUHAMMAD_FORMS).any()


def test_places_of_birth_are_mostly_local() -> None:
    """About 85% of places of birth are the regency's own places."""
    local = ["Woja", "Kilo", "Kempo", "Pajo"]

    places = place_of_birth(np.random.default_rng(8), N, local)
    share = np.isin(places, local).mean()

    assert abs(share - 0.85) < 3 * np.sqrt(0.85 * 0.15 / N)
    assert set(places.tolist()) - set(local) <= {
        "Mataram", "Bima", "Dompu", "Sumbawa Besar", "Selong", "Praya", "Taliwang",
        "Tanjung", "Gerung", "Surabaya", "Makassar", "Ujung Pandang", "Jakarta",
        "Denpasar", "Kupang", "Malang", "Yogyakarta", "Bandung", "Semarang", "Ende",
        "Raba", "Labuan Bajo", "Balikpapan", "Kendari", "Palu",
    }  # fmt: skip


def test_places_of_birth_without_local_places_use_the_wider_list() -> None:
    """With no local places every place comes from the list of other towns."""
    places = place_of_birth(np.random.default_rng(8), 100, [])

    assert len(places) == 100
    assert all(len(p) > 0 for p in places.tolist())


def test_first_tokens() -> None:
    """first_tokens keeps the text before the first space."""
    assert first_tokens(["Siti Aminah binti Usman", "Ruslan"]).tolist() == ["Siti", "Ruslan"]
