"""The `sinergi` command line: what a person sees, exit codes, JSON output and documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from sinergi.cli import app

runner = CliRunner()
DOCS = Path(__file__).parents[1] / "docs" / "cli.md"


def test_synth_prints_one_json_object_with_counts(tmp_path: Path) -> None:
    # when
    result = runner.invoke(
        app, ["synth", "--persons", "300", "--seed", "4", "--out", str(tmp_path / "r"), "--json"]
    )
    # then
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["counts"]["persons"] == 300
    assert (tmp_path / "r" / "manifest.json").exists()


def test_synth_summary_is_in_bahasa_indonesia(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--persons", "300", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "Wilayah sintetis Kab. Dompu (52.05)" in result.stdout
    assert "Penduduk miskin (P0)" in result.stdout


def test_an_unknown_regency_is_rejected_with_exit_code_1(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--regency", "99.99", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "Kode wilayah 99.99 tidak ada" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_district_code_is_misuse_with_exit_code_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--regency", "52.05.01", "--out", str(tmp_path / "r")])
    assert result.exit_code == 2
    assert "bukan kabupaten/kota" in result.stderr


def test_a_non_empty_output_folder_needs_force(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "catatan.txt").write_text("milik pengguna")
    result = runner.invoke(app, ["synth", "--persons", "300", "--out", str(tmp_path / "r")])
    assert result.exit_code == 1
    assert "--force" in result.stderr
    assert (tmp_path / "r" / "catatan.txt").read_text() == "milik pengguna"


def test_every_command_and_option_is_documented() -> None:
    documented = DOCS.read_text(encoding="utf-8")
    for command in app.registered_commands:
        name = command.name or command.callback.__name__  # type: ignore[union-attr]
        assert f"sinergi {name}" in documented
        help_text = runner.invoke(app, [name, "--help"], terminal_width=200).stdout
        for option in set(re.findall(r"--[a-z][a-z-]+", help_text)) - {"--help"}:
            assert f"`{option}`" in documented, f"{option} of `sinergi {name}` is undocumented"


def test_a_noise_file_with_a_bad_rate_is_refused_before_any_work(tmp_path: Path) -> None:
    noise = tmp_path / "noise.toml"
    noise.write_text("[noise]\nnik_missing = 1.5\n", encoding="utf-8")
    result = runner.invoke(
        app, ["synth", "--persons", "300", "--noise", str(noise), "--out", str(tmp_path / "r")]
    )
    assert result.exit_code == 1
    assert "nik_missing" in result.stderr
    assert not (tmp_path / "r").exists()


def test_a_noise_file_changes_the_rates_used(tmp_path: Path) -> None:
    noise = tmp_path / "noise.toml"
    noise.write_text("[noise]\nnik_missing = 0.5\n", encoding="utf-8")
    out = tmp_path / "r"
    result = runner.invoke(
        app, ["synth", "--persons", "300", "--noise", str(noise), "--out", str(out), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["config"]["noise"]["nik_missing"] == 0.5


def test_an_extreme_rate_above_the_poverty_rate_is_refused(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        ["synth", "--persons", "300", "--poverty-rate", "5", "--extreme-rate", "9",
         "--out", str(tmp_path / "r")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Tingkat kemiskinan ekstrem harus lebih kecil" in result.stderr
    assert not (tmp_path / "r").exists()
