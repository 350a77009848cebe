"""Registry noise: each kind at its set rate, each change of the documented shape."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from sinergi.errors import SynthError
from sinergi.synth.noise import (
    NoiseRates,
    add_titles,
    add_typos,
    corrupt_birth_dates,
    corrupt_kks,
    corrupt_niks,
    duplicate_indices,
    excel_mangle_niks,
    spelling_variants,
    upper_case_source,
    vary_names,
)

N = 100_000
ZERO = NoiseRates(**dict.fromkeys(NoiseRates().to_dict(), 0.0))
# Names that every spelling rule set covers (each has a Muhammad, Siti, Nur,
# Abdul or old-spelling form).
FITTING_NAMES = ["Muhammad Ilham", "Siti Aminah", "Nur Hayati", "Abdul Rahman", "Ruslan"]


def _within_3_se(observed: float, rate: float, n: int) -> bool:
    se = np.sqrt(rate * (1 - rate) / n)
    return abs(observed - rate) <= 3 * se


def _niks(rng: np.random.Generator, n: int = N) -> npt.NDArray[np.object_]:
    serial = rng.integers(0, 10**10, n)
    return np.array([f"520501{s:010d}" for s in serial.tolist()], dtype=object)


def _names(n: int = N) -> npt.NDArray[np.object_]:
    return np.array(FITTING_NAMES * (n // len(FITTING_NAMES)), dtype=object)


# --- NoiseRates ------------------------------------------------------------


def test_defaults_give_a_fifth_to_a_quarter_of_records_an_identifier_problem() -> None:
    """Default NIK and KK rates put 20–25% of records out of a clean NIK/KK join."""
    rates = NoiseRates()

    assert 0.20 <= rates.identifier_problem_share() <= 0.25
    assert 0.20 <= rates.identifier_problem_share(xlsx=True) <= 0.25


def test_rate_above_one_is_refused_with_its_field_named() -> None:
    """A rate of 1.5 raises SYNTH_BAD_RATE naming the field, in Indonesian."""
    with pytest.raises(SynthError) as caught:
        NoiseRates(nik_missing=1.5)

    assert caught.value.code == "SYNTH_BAD_RATE"
    assert str(caught.value) == (
        "Laju noise tidak sah: laju 'nik_missing' = 1.5 harus angka antara 0 dan 1. "
        "Perbaiki nilainya, mis. 0.05 untuk 5%."
    )


def test_every_bad_rate_is_reported_at_once() -> None:
    """Two bad rates give one error naming both."""
    with pytest.raises(SynthError) as caught:
        NoiseRates().with_overrides(name_typo=-0.1, kk_missing=float("nan"))

    assert "'name_typo'" in str(caught.value)
    assert "'kk_missing'" in str(caught.value)
    assert "'kk_missing'" in caught.value.english


def test_nik_rates_may_not_add_up_above_one() -> None:
    """The NIK issues are exclusive, so their rates must sum to at most 1."""
    with pytest.raises(SynthError) as caught:
        NoiseRates(nik_missing=0.6, nik_is_kk=0.6)

    assert caught.value.code == "SYNTH_BAD_RATE"
    assert "nik_is_kk" in str(caught.value)


def test_unknown_rate_name_is_refused() -> None:
    """An unknown override lists the valid names."""
    with pytest.raises(SynthError) as caught:
        NoiseRates().with_overrides(nik_mising=0.1)

    assert caught.value.code == "SYNTH_UNKNOWN_RATE"
    assert "nik_mising" in str(caught.value)
    assert "nik_missing" in str(caught.value)


def test_rates_round_trip_through_to_dict() -> None:
    """to_dict gives every field, and builds the same rates back."""
    rates = NoiseRates(name_typo=0.07)

    assert NoiseRates(**rates.to_dict()) == rates
    assert rates.to_dict()["name_typo"] == 0.07


def test_rates_from_toml_noise_table(tmp_path: Path) -> None:
    """A [noise] table overrides the named rates and keeps the other defaults."""
    path = tmp_path / "noise.toml"
    path.write_text("[noise]\nnik_missing = 0.2\nname_case = 1\n")

    rates = NoiseRates.from_toml(path)

    assert rates == NoiseRates(nik_missing=0.2, name_case=1.0)


def test_rates_from_toml_top_level_with_a_bad_value(tmp_path: Path) -> None:
    """Keys may be at the top level; a bad value there is refused like any other."""
    path = tmp_path / "noise.toml"
    path.write_text("kk_missing = 1.5\n")

    with pytest.raises(SynthError) as caught:
        NoiseRates.from_toml(path)

    assert caught.value.code == "SYNTH_BAD_RATE"
    assert "'kk_missing'" in str(caught.value)


def test_missing_toml_file_is_reported(tmp_path: Path) -> None:
    """A file that cannot be read raises SYNTH_NOISE_FILE."""
    with pytest.raises(SynthError) as caught:
        NoiseRates.from_toml(tmp_path / "absent.toml")

    assert caught.value.code == "SYNTH_NOISE_FILE"


# --- names -------------------------------------------------------------------


def test_vary_names_is_deterministic() -> None:
    """Same seed, same variants; another seed, other variants."""
    names = _names(5000)

    first, mask = vary_names(np.random.default_rng(1), names, NoiseRates())
    again, mask_again = vary_names(np.random.default_rng(1), names, NoiseRates())
    other, _ = vary_names(np.random.default_rng(2), names, NoiseRates())

    assert first.tolist() == again.tolist()
    assert mask.tolist() == mask_again.tolist()
    assert first.tolist() != other.tolist()


def test_zero_rates_change_no_name() -> None:
    """With every rate at 0 the names come back as they were."""
    names = _names(5000)

    out, changed = vary_names(np.random.default_rng(1), names, ZERO, sex=["L"] * 5000)

    assert out.tolist() == names.tolist()
    assert not changed.any()


def test_spelling_variant_rate() -> None:
    """Names with a fitting rule change at the set rate, and the mask says which."""
    names = _names()

    out, changed = spelling_variants(np.random.default_rng(3), names, 0.12)

    assert _within_3_se(changed.mean(), 0.12, N)
    assert (out != names).tolist() == changed.tolist()


def test_spelling_variants_of_muhammad_and_siti() -> None:
    """Muhammad and Siti take their known short and alternative forms."""
    names = np.array(["Muhammad Ilham", "Siti Aminah"] * 5000, dtype=object)

    out, _ = spelling_variants(np.random.default_rng(4), names, 1.0)
    forms = {name.split()[0] for name in out.tolist()}

    assert {"Moh.", "M.", "Muhamad", "Mohammad", "Mochammad", "St.", "Sitti"} <= forms


def test_spelling_variants_join_nur_hayati() -> None:
    """ "Nur Hayati" is sometimes written "Nurhayati"."""
    out, _ = spelling_variants(np.random.default_rng(4), ["Nur Hayati"] * 2000, 1.0)

    assert "Nurhayati" in set(out.tolist())


def test_title_rate_and_gender() -> None:
    """Titles come at the set rate; H. only for men, Hj. only for women."""
    names = _names()
    sex = np.array(["L", "P"] * (N // 2))

    out, changed = add_titles(np.random.default_rng(5), names, 0.03, sex=sex)
    text = np.array(out.tolist(), dtype=object)
    haji = np.array([t.startswith("H. ") for t in text])
    hajjah = np.array([t.startswith("Hj. ") for t in text])

    assert _within_3_se(changed.mean(), 0.03, N)
    assert (text != names).tolist() == changed.tolist()
    assert haji.any() and hajjah.any()
    assert not haji[sex == "P"].any()
    assert not hajjah[sex == "L"].any()


def test_typo_rate_and_one_edit() -> None:
    """Typos come at the set rate, each one substitution, deletion or doubling."""
    names = _names()

    out, changed = add_typos(np.random.default_rng(6), names, 0.02)

    assert _within_3_se(changed.mean(), 0.02, N)
    for before, after in zip(names[changed], out[changed].tolist(), strict=True):
        assert after[0] == before[0]
        assert _one_edit(before, after), (before, after)


def _one_edit(before: str, after: str) -> bool:
    if len(before) == len(after):
        return sum(a != b for a, b in zip(before, after, strict=True)) == 1
    longer, shorter = (before, after) if len(before) > len(after) else (after, before)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def test_upper_case_is_one_choice_per_source() -> None:
    """A source is either all upper case or left as it is."""
    names = ["Siti Aminah", "Ruslan"]

    upper, is_upper = upper_case_source(np.random.default_rng(0), names, 1.0)
    same, is_same_upper = upper_case_source(np.random.default_rng(0), names, 0.0)

    assert (upper.tolist(), is_upper) == (["SITI AMINAH", "RUSLAN"], True)
    assert (same.tolist(), is_same_upper) == (names, False)


# --- NIK and KK --------------------------------------------------------------


@pytest.fixture(scope="module")
def corrupted() -> tuple[npt.NDArray, npt.NDArray, npt.NDArray, npt.NDArray]:
    rng = np.random.default_rng(9)
    niks, kks = _niks(rng), _niks(rng)
    out, issue = corrupt_niks(np.random.default_rng(10), niks, kks, NoiseRates())
    return niks, kks, out, issue


@pytest.mark.parametrize(
    ("code", "field"),
    [
        ("digit", "nik_digit_error"),
        ("transposition", "nik_transposition"),
        ("missing", "nik_missing"),
        ("is_kk", "nik_is_kk"),
    ],
)
def test_nik_issue_rates(corrupted, code: str, field: str) -> None:
    """Each NIK issue happens at its set rate."""
    _, _, _, issue = corrupted

    assert _within_3_se((issue == code).mean(), getattr(NoiseRates(), field), N)


def test_untouched_niks_stay(corrupted) -> None:
    """Records with no issue keep their NIK."""
    niks, _, out, issue = corrupted

    clean = issue == ""
    assert (out[clean] == niks[clean]).all()


def test_digit_error_changes_exactly_one_position(corrupted) -> None:
    """A digit error changes one digit, never leaving the NIK as it was."""
    niks, _, out, issue = corrupted

    for before, after in zip(niks[issue == "digit"], out[issue == "digit"], strict=True):
        assert len(after) == 16 and after.isdigit()
        assert sum(a != b for a, b in zip(before, after, strict=True)) == 1


def test_transposition_swaps_two_adjacent_different_digits(corrupted) -> None:
    """A transposition swaps positions i and i+1, which held different digits."""
    niks, _, out, issue = corrupted

    for before, after in zip(niks[issue == "transposition"], out[issue == "transposition"],
                             strict=True):  # fmt: skip
        diff = [i for i in range(16) if before[i] != after[i]]
        assert len(diff) == 2 and diff[1] == diff[0] + 1
        i = diff[0]
        assert after[i] == before[i + 1] and after[i + 1] == before[i]


def test_missing_nik_is_none_and_kk_in_place_of_nik(corrupted) -> None:
    """A missing NIK is None; an is_kk NIK is the person's KK number."""
    _, kks, out, issue = corrupted

    assert all(v is None for v in out[issue == "missing"])
    assert (out[issue == "is_kk"] == kks[issue == "is_kk"]).all()


def test_nik_corruption_is_deterministic_and_zero_rates_do_nothing() -> None:
    """Same seed, same damage; zero rates leave every NIK."""
    rng = np.random.default_rng(12)
    niks, kks = _niks(rng, 5000), _niks(rng, 5000)

    first = corrupt_niks(np.random.default_rng(1), niks, kks, NoiseRates())
    again = corrupt_niks(np.random.default_rng(1), niks, kks, NoiseRates())
    other = corrupt_niks(np.random.default_rng(2), niks, kks, NoiseRates())
    clean, issue = corrupt_niks(np.random.default_rng(1), niks, kks, ZERO)

    assert first[0].tolist() == again[0].tolist()
    assert first[0].tolist() != other[0].tolist()
    assert clean.tolist() == niks.tolist()
    assert set(issue.tolist()) == {""}


def test_already_missing_nik_stays_missing_without_a_code() -> None:
    """A None NIK is left alone and gets no issue code."""
    rates = NoiseRates(nik_digit_error=1.0, nik_transposition=0, nik_missing=0, nik_is_kk=0)

    out, issue = corrupt_niks(
        np.random.default_rng(0), np.array([None], dtype=object), ["5205011203150004"], rates
    )

    assert out.tolist() == [None]
    assert issue.tolist() == [""]


def test_malformed_nik_is_refused() -> None:
    """NIKs given to corrupt must have 16 digits."""
    rates = NoiseRates(nik_digit_error=1.0, nik_transposition=0, nik_missing=0, nik_is_kk=0)

    with pytest.raises(SynthError) as caught:
        corrupt_niks(np.random.default_rng(0), ["52050141"], ["5205011203150004"], rates)

    assert caught.value.code == "SYNTH_BAD_NIK"


def test_kk_missing_rate() -> None:
    """KK numbers go missing at kk_missing, as None with code 'missing'."""
    kks = _niks(np.random.default_rng(13))

    out, issue = corrupt_kks(np.random.default_rng(14), kks, NoiseRates())

    assert _within_3_se((issue == "missing").mean(), NoiseRates().kk_missing, N)
    assert all(v is None for v in out[issue == "missing"])
    assert (out[issue == ""] == kks[issue == ""]).all()


def test_excel_mangling_rate_and_fifteen_significant_digits() -> None:
    """Mangled NIKs keep 15 significant digits (last 0) or read like 5.20501E+15."""
    niks = _niks(np.random.default_rng(15))
    niks[:100] = None

    values, mask = excel_mangle_niks(np.random.default_rng(16), niks, 0.05)

    assert _within_3_se(mask[100:].mean(), 0.05, N - 100)
    assert not mask[:100].any()
    numbers = [
        (n, v) for n, v, m in zip(niks, values, mask, strict=True) if m and isinstance(v, float)
    ]
    texts = [(n, v) for n, v, m in zip(niks, values, mask, strict=True) if m and isinstance(v, str)]
    assert numbers and texts
    for nik, value in numbers:
        digits = f"{value:.0f}"
        assert len(digits) == 16 and digits[:15] == nik[:15] and digits[15] == "0"
    for nik, text in texts:
        assert re.fullmatch(r"5\.\d{1,5}E\+15", text)
        assert float(text) == pytest.approx(float(nik), rel=1e-5)
    assert [v for v, m in zip(values, mask, strict=True) if not m] == list(niks[~mask])


def test_duplicate_indices_rate() -> None:
    """About duplicate_record of the records are listed twice, each index once, ascending."""
    index = duplicate_indices(np.random.default_rng(17), N, 0.01)

    assert _within_3_se(len(index) / N, 0.01, N)
    assert (np.diff(index) > 0).all() and index.min() >= 0 and index.max() < N


# --- birth dates -----------------------------------------------------------------


@pytest.fixture(scope="module")
def dates() -> npt.NDArray[np.datetime64]:
    rng = np.random.default_rng(18)
    return np.datetime64("1930-01-01") + rng.integers(0, 365 * 94, N)


def _day_month(d: npt.NDArray[np.datetime64]) -> tuple[npt.NDArray, npt.NDArray]:
    month_start = d.astype("datetime64[M]")
    day = (d - month_start.astype("datetime64[D]")).astype(int) + 1
    return day, month_start.astype(int) % 12 + 1


def test_birth_date_rates(dates) -> None:
    """Shifts happen at birth_date_error; swaps at their rate among the dates that allow one."""
    rates = NoiseRates()

    out, issue = corrupt_birth_dates(np.random.default_rng(19), dates, rates)
    day, month = _day_month(dates)
    eligible = (day <= 12) & (day != month)

    assert _within_3_se((issue == "shift").mean(), rates.birth_date_error, N)
    swap_share = (issue[eligible] == "day_month_swap").mean()
    assert _within_3_se(swap_share, rates.birth_date_day_month_swap, int(eligible.sum()))
    assert ((out != dates) == (issue != "")).all()


def test_day_month_swap_only_where_valid(dates) -> None:
    """A swap only hits a day ≤ 12 that differs from the month, and swaps exactly them."""
    rates = NoiseRates(birth_date_day_month_swap=1.0, birth_date_error=0.0)

    out, issue = corrupt_birth_dates(np.random.default_rng(20), dates, rates)
    day, month = _day_month(dates)
    new_day, new_month = _day_month(out)
    swapped = issue == "day_month_swap"

    assert (swapped == ((day <= 12) & (day != month))).all()
    assert (new_day[swapped] == month[swapped]).all()
    assert (new_month[swapped] == day[swapped]).all()
    assert (out.astype("datetime64[Y]") == dates.astype("datetime64[Y]")).all()
    assert (out[~swapped] == dates[~swapped]).all()


def test_shift_moves_by_at_most_a_year(dates) -> None:
    """A shift always changes the date, by days, months or one year."""
    rates = NoiseRates(birth_date_day_month_swap=0.0, birth_date_error=1.0)

    out, issue = corrupt_birth_dates(np.random.default_rng(21), dates, rates)
    gap = np.abs((out - dates).astype(int))

    assert (issue == "shift").all()
    assert (gap >= 1).all() and (gap <= 366).all()


def test_zero_birth_date_rates_and_nat(dates) -> None:
    """Zero rates change no date, and NaT stays NaT whatever the rates."""
    same, issue = corrupt_birth_dates(np.random.default_rng(22), dates, ZERO)
    nat = np.array(["NaT", "1980-03-07"], dtype="datetime64[D]")
    rates = NoiseRates(birth_date_error=1.0)
    out, nat_issue = corrupt_birth_dates(np.random.default_rng(22), nat, rates)

    assert (same == dates).all() and set(issue.tolist()) == {""}
    assert np.isnat(out[0]) and nat_issue[0] == ""
