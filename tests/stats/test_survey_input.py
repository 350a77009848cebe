"""`sinergi stats` on small hand-made surveys: bad rows, named lines and earlier rounds."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.domain import wilayah
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.stats.lines import choose_lines, period_key

FILE = "susenas_2024_03_rumah_tangga.csv"


def survey(folder: Path, name: str = FILE, *, spend: float = 1.0, **column: list[str]) -> Path:
    """Twelve households in three kecamatan, two PSUs each; ``column`` replaces a column."""
    villages = [
        wilayah.children(d.code)[0].code.replace(".", "") for d in wilayah.children("52.05")[:3]
    ]
    n = 12
    poor = [i % 4 in (0, 3) for i in range(n)]
    frame = {
        "id_rt": [f"R{i}" for i in range(n)],
        "strata": [f"S{i // 4}" for i in range(n)],
        "psu": [f"P{i // 2}" for i in range(n)],
        "bobot": ["10.5", "12.25", "7.1234", "9.5"] * 3,
        "kode_desa": [villages[i // 4] for i in range(n)],
        "klasifikasi": ["perkotaan", "perdesaan"] * (n // 2),
        "jumlah_art": ["4"] * n,
        "pengeluaran_kapita_sebulan": [
            str(round((300_000 if p else 900_000) * spend)) for p in poor
        ],
    } | column
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    pl.DataFrame(frame).write_csv(path)
    return path


def imported(tmp_path: Path, *paths: tuple[Path, str]) -> DataHome:
    home = DataHome.resolve(tmp_path / "home")
    for path, period in paths:
        (outcome,) = import_files(
            [path], home=home, scope="52.05", period=period, profile="susenas_rumah_tangga"
        )
        assert outcome.manifest is not None, outcome.message
    return home


def stats(home: DataHome, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["stats", "--home", str(home.root), "--quiet", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, " ".join(result.output.split())


# --- 3. inputs that crashed ----------------------------------------------------------------


def test_an_urban_line_without_its_rural_partner_is_refused_in_indonesian(tmp_path: Path) -> None:
    home = imported(tmp_path, (survey(tmp_path / "in"), "2024-03"))
    code, said = stats(home, "--lines", "gk_00_2024-03_urban")
    assert code == 1
    assert "hanya untuk perkotaan" in said and "perdesaan" in said
    assert "Traceback" not in said and "InvalidOperationError" not in said


def test_a_household_without_urban_class_is_named_by_file_row_and_column(tmp_path: Path) -> None:
    classes = ["perkotaan", "perdesaan"] * 6
    classes[4] = ""  # file row 6: the header is row 1
    home = imported(tmp_path, (survey(tmp_path / "in", klasifikasi=classes), "2024-03"))
    code, said = stats(home, "--lines", "gk_00_2024-03_urban,gk_00_2024-03_rural")
    assert code == 1
    assert FILE in said and "'klasifikasi'" in said and "baris 6" in said
    assert "perkotaan/perdesaan" in said and "replace_strict" not in said
    # A total line needs no class: the same survey is measured.
    assert stats(home, "--lines", "gk_52.05_2024-03_total")[0] == 0


# --- 4. rows the estimates leave out, and where a bad value is ------------------------------


def test_a_quarantined_survey_row_is_reported_with_the_figures(tmp_path: Path) -> None:
    weights = ["10.5", "12.25", "7.1234", "9.5"] * 3
    weights[2] = "abc"  # file row 4
    home = imported(tmp_path, (survey(tmp_path / "in", bobot=weights), "2024-03"))
    code, said = stats(home, "--lines", "gk_52.05_2024-03_total")
    assert code == 0
    assert f"1 dari 12 baris {FILE} dikarantina" in said
    assert "baris 4: kolom 'bobot' berisi 'abc'" in said and "memakai 11 baris" in said

    result = CliRunner().invoke(
        app,
        ["stats", "--home", str(home.root), "--quiet", "--json",
         "--lines", "gk_52.05_2024-03_total"],
    )  # fmt: skip
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["quarantined"]["count"] == 1 and report["quarantined"]["rows"][0]["row"] == 4
    regency = [r for r in report["estimates"] if r["level"] == "kabupaten"]
    assert regency[0]["n_households"] == 11


def test_a_zero_weight_names_the_file_row_and_column(tmp_path: Path) -> None:
    weights = ["10.5", "12.25", "7.1234", "9.5"] * 3
    weights[1] = "0"  # file row 3
    home = imported(tmp_path, (survey(tmp_path / "in", bobot=weights), "2024-03"))
    code, said = stats(home, "--lines", "gk_52.05_2024-03_total")
    assert code == 1
    assert f"{FILE}, kolom 'bobot'" in said and "(baris 3)" in said
    assert "lebih dari nol" in said and "baris pertama" not in said


# --- 5. a pair of lines is one area and one period -----------------------------------------


def test_a_pair_of_lines_from_two_periods_is_refused(tmp_path: Path) -> None:
    home = imported(tmp_path, (survey(tmp_path / "in"), "2024-03"))
    code, said = stats(home, "--lines", "gk_00_2024-03_urban,gk_00_2023-03_rural")
    assert code == 1
    assert "bukan satu pasang" in said and "periode yang sama" in said


# --- 2. earlier rounds are measured on the lines named ---------------------------------------


@pytest.fixture
def two_rounds(tmp_path: Path) -> DataHome:
    return imported(
        tmp_path,
        (survey(tmp_path / "a", "susenas_2023.csv", spend=0.65), "2023-03"),
        (survey(tmp_path / "b"), "2024-03"),
    )


def changes(home: DataHome, lines: str) -> tuple[dict[str, object], list[str]]:
    result = CliRunner().invoke(
        app, ["stats", "--home", str(home.root), "--quiet", "--json", "--lines", lines]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    p0 = [r for r in report["changes"] if r["level"] == "kabupaten" and r["indicator"] == "P0"]
    return (p0[0] if p0 else {}), report["notes"]


def test_the_earlier_round_is_measured_on_the_named_lines_of_its_year(two_rounds: DataHome) -> None:
    national, _ = changes(two_rounds, "gk_00_2024-03_urban,gk_00_2024-03_rural")
    # Not the regency's own 2023 line, which the default choice would take.
    assert national["lines_before"] == "gk_00_2023-03_urban, gk_00_2023-03_rural"
    assert national["lines"] == "gk_00_2024-03_urban, gk_00_2024-03_rural"
    province, _ = changes(two_rounds, "gk_52_2024-03_total")
    assert (province["lines_before"], province["lines"]) == (
        "gk_52_2023-03_total",
        "gk_52_2024-03_total",
    )
    extreme, _ = changes(two_rounds, "ext_usd190_00_2021-03")
    assert extreme["lines_before"] == extreme["lines"] == "ext_usd190_00_2021-03"


def test_a_round_without_the_same_areas_line_is_not_compared(tmp_path: Path) -> None:
    home = imported(
        tmp_path,
        (survey(tmp_path / "a", "susenas_2022.csv", spend=0.65), "2022-03"),
        (survey(tmp_path / "b"), "2024-03"),
    )
    change, notes = changes(home, "gk_52.05_2024-03_total")
    assert change == {}  # the regency has no 2022 GK: no change against another area's line
    assert any("2022-03" in note and "tidak dibandingkan" in note for note in notes)


def test_periods_are_compared_as_dates_not_text() -> None:
    assert period_key("2022") < period_key("2022-03") < period_key("2022-12")
    assert period_key("2021-3") < period_key("2021-12")
    # "2022_p3ke" sorts after "2022-03" as text, but the line is of 2022, usable in March.
    [extreme] = choose_lines("52.05", "2022-03", ("USD_1.90_PPP2011",))
    assert [line.line_id for line in extreme.lines] == ["ext_usd190_00_2022_p3ke"]


# --- 6. the secretariat's own lines ----------------------------------------------------------


def test_an_imported_line_is_chosen_and_an_unknown_basis_is_set_aside(tmp_path: Path) -> None:
    # A 2026 survey; the package's latest Dompu GK is older. The secretariat imports this
    # year's GK, and a row with a basis Sinergi does not know (file row 3).
    home = imported(tmp_path, (survey(tmp_path / "in"), "2026-03"))
    lines = tmp_path / "garis_kemiskinan_2026.csv"
    pl.DataFrame(
        {
            "id_garis": ["gk_dompu_2026", "ppp_lama"],
            "dasar_garis": ["BPS_GK", "PPP_2017"],
            "kode_wilayah": ["5205", "00"],
            "daerah": ["total", "total"],
            "nilai_garis": ["600000", "400000"],
            "periode": ["2026-03", "2026-03"],
        }
    ).write_csv(lines)
    (outcome,) = import_files([lines], home=home, profile="garis_kemiskinan")
    assert outcome.manifest is not None, outcome.message
    result = CliRunner().invoke(app, ["stats", "--home", str(home.root), "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    regency = [
        r
        for r in report["estimates"]
        if r["level"] == "kabupaten" and r["indicator"] == "P0" and r["basis"] == "BPS_GK"
    ]
    assert regency[0]["lines"] == "gk_dompu_2026"
    # Households 1 and 4 of every four spend 300,000 (poor against 600,000), the rest 900,000.
    assert regency[0]["value"] == pytest.approx(100 * (10.5 + 9.5) / (10.5 + 12.25 + 7.1234 + 9.5))
    [set_aside] = [n for n in report["notes"] if "ppp_lama" in n]
    assert "garis_kemiskinan_2026.csv baris 3" in set_aside and "'PPP_2017'" in set_aside
    # Named like any shipped line.
    assert stats(home, "--lines", "gk_dompu_2026")[0] == 0
