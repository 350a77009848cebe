"""A synthetic province: its regencies' shares, distinct file names and record numbers."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.domain import wilayah
from sinergi.errors import SynthError
from sinergi.synth.province import MIN_PERSONS, province_shares, synthesize_province

NTB_REGENCIES = [a.code for a in wilayah.children("52") if a.level is wilayah.Level.REGENCY]


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("province") / "ntb"
    synthesize_province("52", 2_500, 1, out, workers=2)
    return out


def test_shares_follow_villages_and_add_up() -> None:
    shares = province_shares("52", 1_000_000)
    assert sorted(shares) == NTB_REGENCIES
    assert sum(shares.values()) == 1_000_000
    villages = {code: len(wilayah.villages_of(code)) for code in shares}
    most, fewest = max(villages, key=villages.__getitem__), min(villages, key=villages.__getitem__)
    assert shares[most] > shares[fewest] >= MIN_PERSONS


def test_a_province_needs_enough_persons_and_a_province_code() -> None:
    with pytest.raises(SynthError) as too_few:
        province_shares("52", MIN_PERSONS * len(NTB_REGENCIES) - 1)
    assert too_few.value.code == "SYNTH_TOO_FEW_PERSONS"
    with pytest.raises(SynthError) as regency:
        province_shares("52.05", 10_000)
    assert regency.value.code == "SYNTH_NOT_A_PROVINCE"


def test_every_regency_is_built_with_its_share(province: Path) -> None:
    manifest = json.loads((province / "manifest.json").read_text())
    shares = province_shares("52", 2_500)
    assert {code: c["persons"] for code, c in manifest["regencies"].items()} == shares
    assert sorted(p.name for p in province.iterdir() if p.is_dir()) == NTB_REGENCIES


def test_file_names_carry_their_regency(province: Path) -> None:
    names = [p.name for p in province.glob("*/sources/*/*.*")]
    assert len(names) == len(set(names))  # a later import never replaces another regency's
    for code in NTB_REGENCIES:
        digits = wilayah.get(code).digits
        assert all(digits in p.name for p in (province / code / "sources").rglob("*.*"))


def test_record_numbers_never_repeat_across_regencies(province: Path) -> None:
    families = pl.concat(
        pl.read_csv(path, columns=["id_keluarga"], schema_overrides={"id_keluarga": pl.String})
        .unique()
        .with_columns(regency=pl.lit(path.parts[-4]))
        for path in province.glob("*/sources/dtsen/*.csv")
    )
    assert families["regency"].n_unique() == len(NTB_REGENCIES)
    assert families["id_keluarga"].n_unique() == families.height


def test_cli_builds_a_province_and_refuses_rate_overrides(tmp_path: Path) -> None:
    runner = CliRunner()
    refused = runner.invoke(app, ["synth", "--province", "52", "--poverty-rate", "10",
                                  "--out", str(tmp_path / "x")])  # fmt: skip
    assert refused.exit_code == 2
    made = runner.invoke(app, ["synth", "--province", "52", "--persons", "2000", "--workers", "1",
                               "--out", str(tmp_path / "ntb"), "--json"])  # fmt: skip
    assert made.exit_code == 0, made.output
    assert sum(c["persons"] for c in json.loads(made.output)["regencies"].values()) == 2000
