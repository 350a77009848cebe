"""A regency outside NTB gets its own province code, place names, OPD catalog and fallback notes."""

from __future__ import annotations

import csv
from dataclasses import replace
from importlib import resources

import pytest

from sinergi.domain import wilayah
from sinergi.synth.build import SynthResult, opd_catalog_for, synthesize
from sinergi.synth.config import SynthConfig, default_calibration
from sinergi.synth.population import BIG_CITIES, DUSUN_NAMES, GENERIC_DUSUN_NAMES
from sinergi.synth.programs import Amounts

# Words that only make sense in NTB (Bima-Dompu dusun, NTB towns, Dompu's districts).
NTB_WORDS = {"MADA OI", "SORI NA'E", "NCERA", "MATARAM", "BIMA", "DOMPU", "SUMBAWA BESAR",
             "SELONG", "PRAYA", "RABA", "PEKAT", "HU'U", "WOJA"}  # fmt: skip


@pytest.fixture(scope="module")
def jakarta_pusat(tmp_path_factory: pytest.TempPathFactory) -> SynthResult:
    """Kota Administrasi Jakarta Pusat (31.71) with 400 persons."""
    config = SynthConfig(
        regency="31.71",
        persons=400,
        seed=5,
        out=tmp_path_factory.mktemp("synth") / "jakpus",
        calibration=default_calibration("31.71"),
    )
    return synthesize(config, Amounts.from_reference())


def dtks_rows(result: SynthResult) -> list[dict[str, str]]:
    path = next((result.out / "sources" / "dtks").glob("*.txt"))
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="|"))


def test_dtks_numbers_start_with_the_regencys_own_province(jakarta_pusat: SynthResult) -> None:
    rows = dtks_rows(jakarta_pusat)
    assert rows
    assert {row["IDDTKS"][:2] for row in rows} == {"31"}
    assert {len(row["IDDTKS"]) for row in rows} == {14}


def test_dusun_names_and_birthplaces_are_not_ntbs(jakarta_pusat: SynthResult) -> None:
    # given
    rows = dtks_rows(jakarta_pusat)
    districts = {d.name.upper() for d in wilayah.children("31.71")}
    neighbours = {"KEPULAUAN SERIBU", "JAKARTA UTARA", "JAKARTA BARAT", "JAKARTA SELATAN",
                  "JAKARTA TIMUR"}  # fmt: skip
    cities = {city.upper() for city, _ in BIG_CITIES}
    # when
    dusun = {row["dusun"] for row in rows}
    born = [row["tempat_lahir"] for row in rows]
    # then
    assert dusun <= {d.upper() for d in GENERIC_DUSUN_NAMES}
    assert not dusun & NTB_WORDS
    assert not set(born) & NTB_WORDS
    assert set(born) <= districts | {"JAKARTA PUSAT"} | neighbours | cities
    local = sum(place in districts | {"JAKARTA PUSAT"} for place in born)
    assert local > 0.6 * len(born)


def test_the_opd_catalog_names_the_regency_not_dompu(jakarta_pusat: SynthResult) -> None:
    text = (jakarta_pusat.out / "reference" / "opd_programs.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert "Dompu" not in text
    assert not {"Pekat", "Woja", "Kempo", "Manggelewa"} & set(text.replace(",", " ").split())
    assert sum("Kota Administrasi Jakarta Pusat" in row["location"] for row in rows) == 16
    assert "Kota Administrasi Jakarta Pusat (44 kelurahan)" in {row["location"] for row in rows}
    # A city has no desa, hence no Dana Desa: the BLT-DD row is gone.
    assert all(row["funding_source"] != "Dana Desa" for row in rows)


def test_a_regency_with_desa_keeps_dana_desa_and_counts_its_own_villages() -> None:
    shipped = resources.files("sinergi.data").joinpath("reference").joinpath("opd_programs.csv")
    original = shipped.read_text(encoding="utf-8")
    text = opd_catalog_for(original, "93.01")
    rows = list(csv.DictReader(text.splitlines()))
    villages = wilayah.villages_of("93.01")
    desa = sum(v.kind != "kelurahan" for v in villages)
    assert "Dompu" not in text
    first = rows[0]
    assert first["location"] == f"Kabupaten Merauke ({len(villages)} desa/kelurahan)"
    assert first["target_beneficiaries"] == str(len(villages))
    dana_desa = [row for row in rows if row["funding_source"] == "Dana Desa"]
    assert [row["location"] for row in dana_desa] == [f"Kabupaten Merauke ({desa} desa)"]
    assert opd_catalog_for(original, "52.05") == original


def test_the_manifest_says_which_figures_are_national(jakarta_pusat: SynthResult) -> None:
    notes = jakarta_pusat.manifest["calibration_fallbacks"]
    assert len(notes) == 3
    assert all("angka nasional" in note and "tidak ada angka resmi kota ini" in note
               for note in notes)  # fmt: skip
    assert notes[0].startswith("Tingkat kemiskinan (P0) 8,47%")


def test_dompu_uses_its_own_figures_and_ntb_regencies_say_whose_they_borrow(
    small_regency: SynthResult,
) -> None:
    assert small_regency.manifest["calibration_fallbacks"] == []
    notes = default_calibration("52.01").fallback_notes()
    assert notes[0].startswith("Tingkat kemiskinan (P0) 11,78%: angka Prov. Nusa Tenggara Barat")
    assert notes[0].endswith("tidak ada angka resmi kabupaten ini")
    assert "angka nasional" in notes[1]


def test_a_figure_set_by_hand_is_no_longer_called_a_fallback() -> None:
    calibration = replace(default_calibration("31.71"), poverty_rate=0.05)
    notes = calibration.fallback_notes()
    assert len(notes) == 2
    assert not any(note.startswith("Tingkat kemiskinan (P0)") for note in notes)


def test_ntb_keeps_its_own_dusun_names(small_regency: SynthResult) -> None:
    rows = dtks_rows(small_regency)
    assert {row["dusun"] for row in rows} <= {d.upper() for d in DUSUN_NAMES}
    assert {row["IDDTKS"][:2] for row in rows} == {"52"}
