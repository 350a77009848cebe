"""A province's diagnosis: its workbook keeps the tables, one workbook per regency the lists."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import python_calamine
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.domain import wilayah
from sinergi.lake.home import DataHome
from sinergi.pipeline.diagnose.export import _write_follow_up_books
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link.run import link
from sinergi.reports.diagnostics_workbook import FOLLOW_UP_COLUMNS

NTB = sorted(a.code for a in wilayah.children("52") if a.level is wilayah.Level.REGENCY)


def _sheets(path: Path) -> list[str]:
    return python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names


def test_a_province_lists_its_follow_ups_in_one_workbook_per_regency(
    small_province: Path, tmp_path: Path
) -> None:
    home = DataHome(tmp_path / "home")
    import_files(sorted(small_province.glob("*/sources")), home=home, scope="52")
    link(home)
    result = CliRunner().invoke(app, ["diagnose", "--home", str(home.root), "--json", "-q"])
    assert result.exit_code == 0, result.output
    output = json.loads(result.stdout)
    books = [Path(book) for book in output["follow_up_workbooks"]]
    # Every regency's families are in its own book, none in the province's workbook.
    assert [book.name for book in books if "tanpa_wilayah" not in book.name] == [
        f"tindak_lanjut_{code.replace('.', '')}.xlsx" for code in NTB
    ]
    assert not any(sheet.startswith("TL ") for sheet in _sheets(Path(output["workbook"])))
    assert output["summary"]["Wilayah"] == "NUSA TENGGARA BARAT (52)"
    run = Path(output["folder"])
    to_visit = pl.read_parquet(run / "follow_up.parquet")
    for book in books:
        desa_sheets = [s for s in _sheets(book) if s.startswith("TL ")]
        assert desa_sheets, book
        codes = to_visit.filter(
            pl.col("area_code").str.replace_all(r"\.", "").str.starts_with(book.stem[-4:])
        )
        if "tanpa_wilayah" not in book.name:
            assert len(desa_sheets) == codes["area_code"].n_unique()


def test_a_failing_regency_book_leaves_no_folder(tmp_path: Path) -> None:
    rows = pl.DataFrame(
        {column: ["1"] for column in FOLLOW_UP_COLUMNS}
        | {"desa_code": ["52.01.01.2001"], "desil": [1], "members": [3]}
    )
    folder = tmp_path / "diagnosis_run_tindak_lanjut"
    books = {"52.01": rows, "52.02": rows.drop("kk")}  # the second book cannot be written
    with pytest.raises(ValueError, match="kk"):
        _write_follow_up_books(folder, books, reveal=False, k=5)
    assert not folder.exists()
    assert list(tmp_path.iterdir()) == []  # no partial folder either
