"""`sinergi import` on the terminal: --force for a badly fitting profile, Indonesian output only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sinergi.cli import app

runner = CliRunner()

PKH = (
    "NO_KK;NIK_PENGURUS;NAMA_PENGURUS;KECAMATAN;DESA_KELURAHAN;TAHAP;NOMINAL\n"
    "5205012708100012;5205014107890001;Siti Aminah;Dompu;Bada;1;750.000\n"
)


def test_force_applies_a_named_profile_the_import_refused(tmp_path: Path) -> None:
    path = tmp_path / "pkh_2026.csv"
    path.write_text(PKH, encoding="utf-8")
    home = tmp_path / "home"
    command = ["import", str(path), "--home", str(home), "--profile", "dtsen", "-q"]

    refused = runner.invoke(app, command)
    assert refused.exit_code == 1
    assert "--force" in refused.stdout and "--profile pkh" in refused.stdout
    assert not (home / "snapshots").exists()

    forced = runner.invoke(app, [*command, "--force"])
    assert forced.exit_code == 0, forced.output
    assert list((home / "snapshots" / "dtsen").glob("*/*/manifest.json"))


def test_a_failed_import_prints_no_english_log_line(tmp_path: Path) -> None:
    path = tmp_path / "aneh.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    # A fresh process: the CLI's logging set-up is what runs, not pytest's capture.
    done = subprocess.run(
        [sys.executable, "-c", "from sinergi.cli import main; main()", "import", str(path),
         "--home", str(tmp_path / "home"), "-q"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    output = done.stdout + done.stderr
    assert "Tidak ada baris judul kolom yang cocok" in output
    assert "WARNING" not in output and "failed" not in output
