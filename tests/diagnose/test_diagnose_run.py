"""`sinergi diagnose` end to end on the small regency: tables, workbook, privacy, truth."""

from __future__ import annotations

import getpass
import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.lake.audit import reveals
from sinergi.lake.home import DataHome
from sinergi.pipeline.diagnose import facts
from sinergi.pipeline.diagnose import run as diagnose_run
from sinergi.pipeline.diagnose.fields import FAMILY, PERSON
from sinergi.pipeline.diagnose.run import diagnose
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link.run import latest_run, link
from sinergi.synth.build import SynthResult


@pytest.fixture(scope="module")
def linked_home(small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory) -> DataHome:
    home = DataHome.resolve(tmp_path_factory.mktemp("diagnose") / "home")
    import_files([small_regency.out / "sources"], home=home, scope="52.05")
    link(home)
    return home


@pytest.fixture(scope="module")
def diagnosed(linked_home: DataHome, small_regency: SynthResult) -> dict[str, object]:
    result = CliRunner().invoke(
        app,
        [
            "diagnose", "--home", str(linked_home.root), "--json", "--quiet",
            "--evaluate", str(small_regency.out / "truth"),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    output: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
    return output


def _table(run: dict[str, object], name: str) -> pl.DataFrame:
    return pl.read_parquet(Path(str(run["folder"])) / f"{name}.parquet")


def _cells(path: Path, prefix: str = "") -> list[str]:
    book = CalamineWorkbook.from_path(str(path))
    return [
        str(cell)
        for name in book.sheet_names
        if name.startswith(prefix)
        for row in book.get_sheet_by_name(name).to_python()
        for cell in row
    ]


def test_the_run_writes_its_tables_and_names_what_it_was_based_on(
    diagnosed: dict[str, object], linked_home: DataHome
) -> None:
    folder = Path(str(diagnosed["folder"]))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert (linked_home.root / "diagnostics" / "LATEST").read_text().strip() == folder.name
    assert manifest["link_run"] == (linked_home.root / "linked" / "LATEST").read_text().strip()
    assert manifest["rules"]["pkh"] and manifest["rules"]["settings"]
    assert manifest["as_of"] == "2026-09-30"  # the DTSEN period: the date its desil describes
    for name in ("families", "statuses", "areas", "programs", "pockets", "follow_up"):
        assert (folder / f"{name}.parquet").exists(), name


def test_aggregates_reconcile_with_the_family_and_status_rows(
    diagnosed: dict[str, object],
) -> None:
    families = _table(diagnosed, "families")
    regency = _table(diagnosed, "areas").filter(pl.col("level") == "kabupaten").row(0, named=True)
    assert regency["families"] == families.height
    assert regency["extreme_poor"] == families["extreme_poor"].sum()
    assert regency["unassisted"] == families["unassisted"].sum()
    statuses = _table(diagnosed, "statuses")
    for program in _table(diagnosed, "programs").filter(pl.col("listed")).iter_rows(named=True):
        mine = statuses.filter(pl.col("program") == program["program"])
        assert program["exclusion"] == (mine["status"] == "exclusion").sum()
        assert program["inclusion"] == (mine["status"] == "inclusion").sum()
        assert program["eligible"] == mine["eligible"].sum()


def test_findings_beat_a_nik_only_join_against_the_truth(diagnosed: dict[str, object]) -> None:
    quality = diagnosed["quality"]
    assert isinstance(quality, dict)
    for measure in ("exclusion", "inclusion"):
        sinergi = quality[measure]["sinergi"]["overall"]
        nik_only = quality[measure]["nik_only"]["overall"]
        assert sinergi["true"] > 0
        assert sinergi["precision"] > nik_only["precision"]
        assert sinergi["f1"] > nik_only["f1"]
    assert quality["exclusion"]["sinergi"]["overall"]["recall"] >= 0.9


def test_the_workbook_masks_nik_and_kk_by_default(
    diagnosed: dict[str, object], linked_home: DataHome
) -> None:
    workbook = Path(str(diagnosed["workbook"]))
    follow_up = _table(diagnosed, "follow_up")
    assert follow_up.height > 0
    persons = pl.read_parquet(
        linked_home.root / "linked" / str(json.loads(
            (Path(str(diagnosed["folder"])) / "manifest.json").read_text()
        )["link_run"]) / "persons.parquet"
    )  # fmt: skip
    niks = set(persons["nik"].drop_nulls().to_list())
    cells = _cells(workbook)
    assert not niks & set(cells)
    assert any("*" in cell for cell in _cells(workbook, "TL "))


def test_revealing_identifiers_needs_a_listed_user_and_a_reason_and_is_recorded(
    linked_home: DataHome, tmp_path: Path
) -> None:
    home = DataHome.resolve(tmp_path / "home")
    shutil.copytree(linked_home.root, home.root)
    runner = CliRunner()
    base = ["diagnose", "--home", str(home.root), "--quiet", "--user", "rina"]
    refused = runner.invoke(app, [*base, "--reveal-identifiers", "--reason", "musdes"])
    assert refused.exit_code == 1
    # The section's name is text, not Rich markup that would vanish ("bagian .").
    assert "access.toml bagian [reveal_identifiers]" in " ".join(refused.stderr.split())
    (home.root / "access.toml").write_text('[reveal_identifiers]\nusers = ["rina"]\n')
    no_reason = runner.invoke(app, [*base, "--reveal-identifiers"])
    assert no_reason.exit_code == 1
    assert "--reason" in " ".join(no_reason.stderr.split())
    assert reveals(home) == []
    allowed = runner.invoke(
        app, [*base, "--json", "--reveal-identifiers", "--reason", "Musdes Desa Bada"]
    )
    assert allowed.exit_code == 0, allowed.output
    workbook = Path(json.loads(allowed.stdout.strip().splitlines()[-1])["workbook"])
    assert "TERBUKA" in workbook.name
    assert any(len(cell) == 16 and cell.isdigit() for cell in _cells(workbook, "TL "))
    [entry] = reveals(home)
    assert entry["user"] == "rina" and entry["reason"] == "Musdes Desa Bada"
    # "rina" is only what --user said; the account that ran the command is kept beside it.
    assert entry["os_user"] == getpass.getuser()
    assert entry["file"] == str(workbook) and entry["rows"] > 0


def test_a_rule_with_a_mistake_stops_the_run_before_anything_is_written(
    linked_home: DataHome, tmp_path: Path
) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "pkh.toml").write_text(
        (Path(__file__).parents[2] / "src/sinergi/data/rules/pkh.toml")
        .read_text(encoding="utf-8")
        .replace("desil <= desil_max", "desill <= desil_max"),
        encoding="utf-8",
    )
    before = sorted((linked_home.root / "diagnostics").iterdir())
    result = CliRunner().invoke(
        app, ["diagnose", "--home", str(linked_home.root), "--rules", str(rules), "--quiet"]
    )
    message = " ".join(result.stderr.split())
    assert result.exit_code == 1
    assert "pkh.toml" in message and "desill" in message
    assert sorted((linked_home.root / "diagnostics").iterdir()) == before


def test_nothing_linked_yet_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["diagnose", "--home", str(tmp_path), "--quiet"])
    assert result.exit_code == 1
    assert "sinergi link" in " ".join(result.stderr.split())


def test_a_bad_reference_date_is_a_usage_error(linked_home: DataHome) -> None:
    result = CliRunner().invoke(
        app, ["diagnose", "--home", str(linked_home.root), "--as-of", "30-09-2026"]
    )
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in " ".join(result.stderr.split())


def test_every_field_a_rule_may_name_is_documented_for_users() -> None:
    text = (Path(__file__).parents[2] / "docs" / "diagnose.md").read_text(encoding="utf-8")
    for field in (*FAMILY, *PERSON):
        assert f"| `{field.name}` |" in text, field.name


def test_programs_without_a_list_are_named_not_shown_as_hidden_counts(
    diagnosed: dict[str, object],
) -> None:
    book = CalamineWorkbook.from_path(str(diagnosed["workbook"]))
    rows = book.get_sheet_by_name("Program").to_python()
    description, header, *data = rows
    assert header[0] == "Program"
    assert "Tanpa daftar penerima" in str(description[0])
    assert "Bantuan Pangan Beras" in str(description[0])
    listed = _table(diagnosed, "programs").filter(pl.col("listed"))["program"].to_list()
    assert sorted(str(row[0]) for row in data) == sorted(listed)
    assert "beras" not in listed


def test_a_diagnosis_in_groups_of_kecamatan_gives_the_same_tables(
    linked_home: DataHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = diagnose(linked_home, as_of=date(2026, 9, 30))
    monkeypatch.setattr(diagnose_run, "GROUP_FAMILIES", 50)  # every kecamatan of Dompu apart
    folder = latest_run(linked_home)
    assert folder is not None
    groups = facts.family_groups(folder, 50)
    assert len(groups) >= 5
    grouped = diagnose(linked_home, as_of=date(2026, 9, 30))
    assert grouped.counts == whole.counts
    for name in whole.counts:
        # Row for row; means may differ in the last bit (they are summed in another order).
        assert_frame_equal(
            grouped.scan(name).collect(), whole.scan(name).collect(), check_row_order=False
        )
