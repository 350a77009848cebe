"""The synthetic regency: calibration, consistency of identifiers, noise, targeting and safety."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from sinergi.domain import identity, wilayah
from sinergi.errors import SynthError
from sinergi.synth import build
from sinergi.synth.build import SynthResult
from sinergi.synth.exports import P3KE_PERSON_HEADER, SOURCE_NOISE
from sinergi.synth.noise import NoiseRates

Builder = Callable[..., SynthResult]


def table(result: SynthResult, name: str) -> dict[str, np.ndarray]:
    data = pq.read_table(result.out / "truth" / f"{name}.parquet").to_pydict()
    return {
        k: np.array(v, dtype=object if isinstance(v[0], str | None) else None)
        for k, v in data.items()
    }


def digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "manifest.json"
    }


def test_poverty_and_extreme_rates_match_the_calibration(medium_regency: SynthResult) -> None:
    """Persons below the lines equal the targets up to one household."""
    # given
    homes = table(medium_regency, "households")
    cal = medium_regency.manifest["config"]["calibration"]
    persons = homes["size"].sum()
    one_household = homes["size"].max() / persons
    # when
    poverty = homes["size"][homes["poor"].astype(bool)].sum() / persons
    extreme = homes["size"][homes["extreme_poor"].astype(bool)].sum() / persons
    # then
    assert persons == 40_000
    assert abs(poverty - cal["poverty_rate"]) <= one_household
    assert abs(extreme - cal["extreme_rate"]) <= one_household
    assert (homes["pce"][homes["poor"].astype(bool)] < cal["poverty_line"]).all()
    assert (homes["pce"][~homes["poor"].astype(bool)] >= cal["poverty_line"]).all()


def test_inequality_and_household_structure_are_plausible(medium_regency: SynthResult) -> None:
    """Gini near NTB's, mean household size near SUSENAS, female heads about one in seven."""
    achieved = medium_regency.manifest["calibration_achieved"]
    homes = table(medium_regency, "households")
    assert 0.28 <= achieved["gini"] <= 0.42
    assert 3.4 <= achieved["mean_household_size"] <= 4.0
    assert 0.10 <= homes["head_female"].astype(bool).mean() <= 0.22
    assert homes["elderly_alone"].astype(bool).sum() > 0


def test_poverty_pockets_are_poorer_than_other_villages(medium_regency: SynthResult) -> None:
    homes = table(medium_regency, "households")
    pocket = homes["pocket_village"].astype(bool)
    poor = homes["poor"].astype(bool)
    size = homes["size"]
    rate_in_pockets = size[pocket & poor].sum() / size[pocket].sum()
    rate_elsewhere = size[~pocket & poor].sum() / size[~pocket].sum()
    assert rate_in_pockets > 2 * rate_elsewhere


def test_vulnerable_groups_are_present_at_plausible_rates(medium_regency: SynthResult) -> None:
    people = table(medium_regency, "persons")
    age = people["age"]
    teen = (age >= 16) & (age <= 18)
    out_of_school = np.isin(people["school_participation"][teen], (1, 3)).mean()
    assert 0.10 <= out_of_school <= 0.35
    assert 0.005 <= (people["disability"] >= 3).mean() <= 0.08
    assert 0.002 <= (people["presence"] == 4).mean() <= 0.05
    assert (people["pregnant"].astype(bool)).sum() > 0


def test_same_seed_gives_identical_files_and_another_seed_differs(
    tmp_path: Path, regency_builder: Builder
) -> None:
    first = regency_builder(tmp_path / "a", persons=600)
    again = regency_builder(tmp_path / "b", persons=600)
    other = regency_builder(tmp_path / "c", persons=600, seed=2)
    assert digest(first.out) == digest(again.out)
    assert digest(first.out) != digest(other.out)


def test_nik_and_kk_agree_with_birth_date_sex_and_area(small_regency: SynthResult) -> None:
    """Every true NIK encodes the person's birth date and sex; its area is known or flagged."""
    people = table(small_regency, "persons")
    statuses = set()
    registered = [i for i, nik in enumerate(people["nik"]) if nik is not None]
    assert len(registered) > 0.97 * len(people["nik"])
    for i in registered:
        nik = identity.parse_nik(people["nik"][i], today=date(2026, 9, 30))
        assert nik.birth_date == people["birth_date"][i]
        assert nik.sex == people["sex"][i]
        statuses.add(nik.area_status)
        if nik.area_status == identity.AreaStatus.KNOWN_DISTRICT:
            assert nik.district_code == people["nik_district"][i]
    assert identity.AreaStatus.KNOWN_DISTRICT in statuses
    homes = table(small_regency, "households")
    for kk, village in zip(homes["kk"], homes["village_code"], strict=True):
        parsed = identity.parse_kk(kk, today=date(2026, 9, 30))
        assert parsed.district_code == wilayah.get(village).parent_code
    assert len(set(people["nik"][registered])) == len(registered)


def test_noise_rates_follow_the_configured_rates(medium_regency: SynthResult) -> None:
    """Observed NIK errors and duplicates per source sit within 4 standard errors of the rate."""
    records = table(medium_regency, "records")
    rates = NoiseRates()
    for source, factor in (("dtsen", SOURCE_NOISE["dtsen"]), ("dtks", SOURCE_NOISE["dtks"])):
        mine = records["source"] == source
        n = mine.sum()
        for issue, rate in (
            ("digit", rates.nik_digit_error),
            ("transposition", rates.nik_transposition),
        ):
            expected = min(1.0, rate * factor)
            observed = (records["nik_issue"][mine] == issue).mean()
            se = np.sqrt(expected * (1 - expected) / n)
            assert abs(observed - expected) <= 4 * se + 1e-9, (source, issue, observed, expected)


def test_each_source_row_holds_what_the_truth_says(small_regency: SynthResult) -> None:
    """A DTSEN row whose NIK is untouched carries the true NIK of the person behind it."""
    records = table(small_regency, "records")
    people = table(small_regency, "persons")
    nik_of = dict(zip(people["person_id"], people["nik"], strict=True))
    path = small_regency.out / "sources" / "dtsen" / "dtsen_extract_2026-09.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    dtsen = np.flatnonzero(records["source"] == "dtsen")
    checked = 0
    for i in dtsen:
        row = rows[records["row"][i] - 2]  # row 1 is the header
        if records["nik_issue"][i] == "" and nik_of[records["person_id"][i]] is not None:
            assert row["nik"] == nik_of[records["person_id"][i]]
            checked += 1
        if records["nik_issue"][i] == "missing":
            assert row["nik"] == ""
    assert checked > 0.8 * len(dtsen)


def test_p3ke_workbooks_start_data_at_row_13_with_some_niks_mangled_by_excel(
    small_regency: SynthResult,
) -> None:
    files = sorted((small_regency.out / "sources" / "p3ke").glob("P3KE_Individu_*.xlsx"))
    assert files
    floats = 0
    for path in files:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        assert rows[0][0].startswith("DATA PENSASARAN")
        assert rows[11] == P3KE_PERSON_HEADER  # Excel row 12
        assert rows[12][0] != ""  # Excel row 13 holds data
        nik_column = P3KE_PERSON_HEADER.index("NIK")
        floats += sum(isinstance(r[nik_column], float) for r in rows[12:])
    records = table(small_regency, "records")
    p3ke = records["source"] == "p3ke_individu"
    assert floats == (records["nik_issue"][p3ke] == "excel").sum() - _text_mangled(files)
    assert (records["nik_issue"][p3ke] == "excel").sum() > 0


def _text_mangled(files: list[Path]) -> int:
    count = 0
    for path in files:
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        column = P3KE_PERSON_HEADER.index("NIK")
        count += sum(isinstance(r[column], str) and "E+" in r[column] for r in rows[12:])
    return count


def test_programs_reach_the_eligible_more_often_yet_leak_and_miss(
    medium_regency: SynthResult,
) -> None:
    """Receipt follows eligibility imperfectly: both inclusion and exclusion errors exist."""
    homes = table(medium_regency, "households")
    for program in ("pkh", "sembako", "blt_dd"):
        eligible = homes[f"eligible_{program}"].astype(bool)
        receives = homes[f"receives_{program}"].astype(bool)
        assert receives[eligible].mean() > 3 * receives[~eligible].mean(), program
        assert (receives & ~eligible).sum() > 0, f"{program}: no leakage"
        assert (eligible & ~receives).sum() > 0, f"{program}: no undercoverage"


def test_survey_weights_add_up_to_the_households_of_the_regency(
    medium_regency: SynthResult,
) -> None:
    path = medium_regency.out / "sources" / "survey" / "susenas_2026_03_rumah_tangga.csv"
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    weights = np.array([float(r["bobot"]) for r in rows])
    households = medium_regency.manifest["counts"]["households"]
    assert abs(weights.sum() - households) < 0.01 * households
    # strata are district x urban/rural
    assert len({r["strata"] for r in rows}) >= len(wilayah.children("52.05"))


def test_a_non_empty_folder_is_refused_without_force(
    tmp_path: Path, regency_builder: Builder
) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("jangan hapus")
    with pytest.raises(SynthError) as caught:
        regency_builder(out, persons=200)
    assert caught.value.code == "SYNTH_OUT_NOT_EMPTY"
    assert "--force" in str(caught.value)
    assert (out / "keep.txt").read_text() == "jangan hapus"


def test_a_failed_build_leaves_no_half_written_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, regency_builder: Builder
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "_copy_reference", broken)
    with pytest.raises(RuntimeError):
        regency_builder(tmp_path / "region", persons=200)
    assert list(tmp_path.iterdir()) == []


def test_any_regency_of_the_country_works(tmp_path: Path) -> None:
    """A city of Java falls back to national rates and lines and still calibrates."""
    from sinergi.synth.build import synthesize
    from sinergi.synth.config import SynthConfig, default_calibration
    from sinergi.synth.programs import Amounts

    config = SynthConfig(
        regency="33.74",
        persons=800,
        seed=3,
        out=tmp_path / "semarang",
        calibration=default_calibration("33.74"),
    )
    result = synthesize(config, Amounts.from_reference())
    homes = table(result, "households")
    assert {code[:5] for code in homes["village_code"]} == {"33.74"}
    assert result.persons == 800


def test_manifest_reports_the_targeting_errors_found_in_the_truth(
    medium_regency: SynthResult,
) -> None:
    homes = table(medium_regency, "households")
    report = medium_regency.manifest["targeting"]["pkh"]
    eligible = homes["eligible_pkh"].astype(bool)
    receives = homes["receives_pkh"].astype(bool)
    assert report["eligible"] == eligible.sum()
    assert report["receiving"] == receives.sum()
    assert report["exclusion_error"] == round(1 - (eligible & receives).sum() / eligible.sum(), 3)
    # PMT-based targeting misses many of the eligible, as Alatas et al. (2012) found.
    assert 0.3 <= report["exclusion_error"] <= 0.8


def test_no_payment_is_dated_after_the_export(medium_regency: SynthResult) -> None:
    """Late payments are paid by the export date (30 September), never in the future of it."""
    # given
    as_of = date(2026, 9, 30)
    payments = table(medium_regency, "payments")
    paid_on = np.array([d.date() if hasattr(d, "date") else d for d in payments["paid_on"]])
    due = payments["due_month"]
    late = payments["late"].astype(bool)
    # when
    path = medium_regency.out / "sources" / "programs" / "pkh_2026.csv"
    with path.open(encoding="utf-8") as handle:
        pkh = [row["TANGGAL_SALUR"] for row in csv.DictReader(handle, delimiter=";")]
    pkh_dates = [date(int(d[6:]), int(d[3:5]), int(d[:2])) for d in pkh]
    # then
    assert max(paid_on) <= as_of
    assert max(pkh_dates) <= as_of
    # August payments more than a month late would have fallen after 30 September: they
    # are still late, paid in September.
    august_late = late & (due == 8)
    assert august_late.sum() > 0
    assert {d.month for d in paid_on[august_late]} == {9}
    assert all(d.month > m for d, m in zip(paid_on[late], due[late], strict=True))
    assert all(d.month == m for d, m in zip(paid_on[~late], due[~late], strict=True))
