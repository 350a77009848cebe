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


def _pkh_csv(folder: Path) -> Path:
    path = folder / "pkh_2026.csv"
    path.write_text(
        "NO_KK;NIK_PENGURUS;NAMA_PENGURUS;KECAMATAN;DESA_KELURAHAN;ALAMAT;TAHAP;NOMINAL;"
        "TANGGAL_SALUR\n"
        "5205012708100012;5205014107890001;Siti Aminah;Dompu;Bada;Jl. Sultan;1;750.000;"
        "15-03-2026\n"
        "5205012708100012;3.20101E+15;Budi;Dompu;Bada;;2;750.000;15/06/2026\n"
        ";;;Dompu;Bada;;3;750.000;15/09/2026\n",
        encoding="utf-8",
    )
    return path


def test_import_prints_one_json_object_and_writes_the_snapshot(tmp_path: Path) -> None:
    path = _pkh_csv(tmp_path)
    home = tmp_path / "home"
    result = runner.invoke(
        app, ["import", str(path), "--home", str(home), "--wilayah", "52.05", "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    [entry] = payload["imports"]
    assert payload["ok"] and entry["status"] == "imported"
    counts = entry["manifest"]["counts"]
    assert (counts["rows_read"], counts["accepted"], counts["quarantined"]) == (3, 2, 1)
    assert entry["manifest"]["reasons"]["NIK_SCIENTIFIC_NOTATION"]["count"] == 1
    assert entry["manifest"]["period"] == "2026"
    assert Path(entry["snapshot"], "data.parquet").exists()
    assert Path(entry["report"]).exists()

    again = runner.invoke(app, ["import", str(path), "--home", str(home), "--json"])
    assert json.loads(again.stdout)["imports"][0]["status"] == "unchanged"


def test_import_summary_is_in_bahasa_indonesia(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", str(_pkh_csv(tmp_path)), "--home", str(tmp_path / "h")], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    for words in ("diimpor", "Dibaca", "Karantina", "ROW_NO_IDENTITY", "Laporan per berkas"):
        assert words in result.stdout


def test_import_exits_1_when_a_file_fits_no_profile(tmp_path: Path) -> None:
    odd = tmp_path / "catatan.csv"
    odd.write_text("Warna;Hobi\nBiru;Renang\n", encoding="utf-8")
    result = runner.invoke(
        app, ["import", str(odd), str(_pkh_csv(tmp_path)), "--home", str(tmp_path / "h")],
        terminal_width=200,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "gagal" in result.stdout and "diimpor" in result.stdout  # the good file still lands


def test_import_refuses_a_bad_period_with_exit_1(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["import", str(_pkh_csv(tmp_path)), "--home", str(tmp_path), "--period", "2026/09"]
    )
    assert result.exit_code == 1
    assert "Periode" in result.output


def test_an_unknown_engine_is_misuse_for_every_command_that_takes_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    commands = [["import", str(tmp_path)], ["link"], ["diagnose"]]
    for command in commands:
        result = runner.invoke(app, [*command, "--home", str(home), "--engine", "polars"])
        assert result.exit_code == 2, (command, result.output)
        assert "Mesin 'polars' tidak dikenal; pilih duckdb atau spark." in result.stderr
    assert not home.exists()


def test_plain_http_cookies_are_refused_off_this_machine(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = runner.invoke(app, ["serve", "--home", str(home), "--host", "0.0.0.0", "--http"])
    assert result.exit_code == 2
    assert "--http hanya untuk 127.0.0.1 atau localhost" in result.stderr
    assert not (home / "app.sqlite3").exists()
