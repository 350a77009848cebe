"""The diagnostics workbook: masking, one sheet per desa, valid sheet names, formats, atomicity."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import polars as pl
import pytest
from python_calamine import CalamineWorkbook

from sinergi.reports import diagnostics_workbook
from sinergi.reports.diagnostics_workbook import write_diagnostics_workbook
from sinergi.reports.sheets import sheet_name

NIK_A = "5205014107890001"
KK_A = "5205010101230005"
NIK_B = "5205025512800002"
KK_B = "0205020202190006"  # a leading zero: lost if the value ever becomes a number
NIK_C = "5205036603750003"
KK_C = "5205030303150007"
# Two desa names alike in their first 31 characters once "TL " is put in front.
LONG_A = "Sukamaju Kecamatan Manggelewa Utara Satu"
LONG_B = "Sukamaju Kecamatan Manggelewa Utara Dua"
ODD = "Desa [Baru]/Lama?"


def _family(desa: tuple[str, str, str], hid: str, nik: str, kk: str, reason: str) -> dict:
    code, name, district = desa
    return {
        "desa_code": code,
        "desa_name": name,
        "district_name": district,
        "hid": hid,
        "head_name": f"Kepala {hid}",
        "nik": nik,
        "kk": kk,
        "address": f"Jl. Lintas {hid}",
        "rt": "001",
        "rw": "002",
        "desil": 1,
        "reason": reason,
        "program": "PKH",
        "opd": "Dinas Sosial",
        "members": 4,
    }


DESA_A = ("52.05.01.2001", LONG_A, "Dompu")
DESA_B = ("52.05.01.2002", LONG_B, "Dompu")
DESA_C = ("52.05.02.2001", ODD, "Woja")

FOLLOW_UP = pl.DataFrame(
    [
        _family(DESA_A, "K1", NIK_A, KK_A, "Layak PKH tetapi belum menerima"),
        _family(DESA_A, "K1", NIK_A, KK_A, "Anak usia sekolah tidak bersekolah"),
        _family(DESA_A, "K2", NIK_C, KK_C, "Layak PKH tetapi belum menerima"),
        _family(DESA_B, "K3", NIK_B, KK_B, "Menerima PKH tetapi tidak memenuhi syarat"),
        _family(DESA_C, "K4", NIK_C[::-1], KK_C[::-1], "Layak PKH tetapi belum menerima"),
    ]
)
# (code, families, rows) per desa of FOLLOW_UP.
EXPECTED = {DESA_A[0]: (2, 3), DESA_B[0]: (1, 1), DESA_C[0]: (1, 1)}

COVERAGE = pl.DataFrame(
    {
        "district_name": ["Dompu", "Woja"],
        "families": [1234, None],
        "pkh_coverage": [0.42, None],
        "exclusion_rate": [0.1, 0.2],
        "coverage_bpnt": [0.3, 0.5],
        "poor_share": [0.25, 0.5],
        "mean_members": [3.5, 4.0],
        "share": [0.5, 0.5],
        "listed": [True, False],
        "as_of": [date(2025, 3, 31), None],
    },
    schema_overrides={"families": pl.Int64},
)
LABELS = {"district_name": "Kecamatan", "families": "Jumlah keluarga"}


def _write(path: Path, *, reveal: bool = False, **options: Any) -> Path:
    write_diagnostics_workbook(
        path,
        title="Diagnosis sasaran Kabupaten Dompu",
        summary=[("Jumlah keluarga", "12.345"), ("Periode", "2025-03")],
        tables={"Cakupan": ("Cakupan program per kecamatan.", COVERAGE)},
        follow_up=FOLLOW_UP,
        reveal_identifiers=reveal,
        column_labels=LABELS,
        **options,
    )
    return path


def _sheets(path: Path) -> dict[str, list[list[Any]]]:
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def _cells(rows: list[list[Any]]) -> list[str]:
    return [str(cell) for row in rows for cell in row]


def _index(sheets: dict[str, list[list[Any]]]) -> dict[str, list[Any]]:
    """Rows of "Daftar desa" by desa code."""
    return {row[0]: row for row in sheets["Daftar desa"][2:] if row[0]}


def test_identifiers_masked_by_default_everywhere_in_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path / "diagnosis.xlsx")
    sheets = _sheets(path)
    every_cell = [cell for rows in sheets.values() for cell in _cells(rows)]
    for secret in (NIK_A, KK_A, NIK_B, KK_B, NIK_C, KK_C, NIK_C[::-1]):
        assert not any(secret in cell for cell in every_cell)
    # Not in any part of the package either: no hidden cell, comment or header holds them.
    with zipfile.ZipFile(path) as package:
        for member in package.namelist():
            content = package.read(member)
            assert NIK_A.encode() not in content, member
            assert KK_B.encode() not in content, member
    assert "5205********0001" in every_cell
    assert "0205********0006" in every_cell
    assert "NIK dan KK disamarkan" in " ".join(_cells(sheets["Ringkasan"]))
    assert "DITAMPILKAN" not in " ".join(_cells(sheets["Ringkasan"]))


def test_identifiers_revealed_as_text_when_asked(tmp_path: Path) -> None:
    sheets = _sheets(_write(tmp_path / "diagnosis.xlsx", reveal=True))
    desa_b = sheets[_index(sheets)[DESA_B[0]][5]]
    header = desa_b[2]
    family = desa_b[3]
    assert family[header.index("NIK kepala keluarga")] == NIK_B
    assert family[header.index("Nomor KK")] == KK_B  # a str with its leading zero, not 2.05e14
    summary = " ".join(_cells(sheets["Ringkasan"]))
    assert "NIK dan KK DITAMPILKAN — rahasia, jangan disebarkan" in summary


@pytest.mark.parametrize("reveal", [False, True])
def test_one_sheet_per_desa_with_its_rows(tmp_path: Path, reveal: bool) -> None:
    sheets = _sheets(_write(tmp_path / "diagnosis.xlsx", reveal=reveal))
    index = _index(sheets)
    assert set(index) == set(EXPECTED)
    desa_sheets = [name for name in sheets if name.startswith("TL ")]
    assert sorted(desa_sheets) == sorted(row[5] for row in index.values())
    for code, (families, rows) in EXPECTED.items():
        _, name, district, n_families, n_rows, sheet_name = index[code]
        expected = FOLLOW_UP.filter(pl.col("desa_code") == code)
        assert (name, district) == (expected["desa_name"][0], expected["district_name"][0])
        assert (n_families, n_rows) == (families, rows)
        sheet = sheets[sheet_name]
        assert sheet[0][0].startswith("RAHASIA — data pribadi")
        header = sheet[2]
        assert header[-2:] == ["Hasil tindak lanjut", "Tanggal"]
        data = [row for row in sheet[3:] if row[0] != ""]
        assert len(data) == rows
        hid_at, reason_at = header.index("ID keluarga"), header.index("Alasan masuk daftar")
        assert [(row[hid_at], row[reason_at]) for row in data] == list(
            zip(expected["hid"], expected["reason"], strict=True)
        )
        assert all(row[-2:] == ["", ""] for row in data)


def test_sheet_names_valid_and_unique(tmp_path: Path) -> None:
    sheets = _sheets(_write(tmp_path / "diagnosis.xlsx"))
    names = list(sheets)
    assert names[:3] == ["Ringkasan", "Cakupan", "Daftar desa"]
    assert len({name.casefold() for name in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
    index = _index(sheets)
    assert index[DESA_A[0]][5] != index[DESA_B[0]][5]
    assert index[DESA_A[0]][5].startswith("TL Sukamaju")
    assert index[DESA_B[0]][5].startswith("TL Sukamaju")
    # The sheets really hold their own desa, not the other one's.
    assert sheets[index[DESA_B[0]][5]][1][0].startswith(f"Desa {LONG_B} ")


def test_sheet_name_rules() -> None:
    taken: set[str] = set()
    names = [sheet_name(w, taken) for w in ["Tabel", "TABEL", "Tabel"]]
    assert names == ["Tabel", "TABEL (2)", "Tabel (3)"]
    long = "x" * 40
    assert [sheet_name(long, taken) for _ in range(2)] == [
        "x" * 31,
        "x" * 27 + " (2)",
    ]
    assert sheet_name("'Pa:ra'", taken) == "Pa-ra"


def test_table_sheet_headers_and_suppressed_cells(tmp_path: Path) -> None:
    sheets = _sheets(_write(tmp_path / "diagnosis.xlsx", suppressed_label="<10"))
    table = sheets["Cakupan"]
    assert table[0][0] == "Cakupan program per kecamatan."
    assert table[1][:3] == ["Kecamatan", "Jumlah keluarga", "pkh_coverage"]
    assert table[2][:3] == ["Dompu", 1234, 0.42]
    assert table[3][:3] == ["Woja", "<10", "<10"]
    assert [table[2][8], table[3][8]] == ["ya", "tidak"]  # booleans in Bahasa Indonesia
    assert table[2][9] == date(2025, 3, 31)  # a real date, not text
    assert table[3][9] == ""  # a missing date is not a suppressed count
    assert '"<10"' in " ".join(_cells(sheets["Ringkasan"]))


def test_default_suppressed_label(tmp_path: Path) -> None:
    sheets = _sheets(_write(tmp_path / "diagnosis.xlsx"))
    assert sheets["Cakupan"][3][1] == "<5"


def test_share_columns_have_a_percent_format(tmp_path: Path) -> None:
    formats = _number_formats(_write(tmp_path / "diagnosis.xlsx"), "Cakupan")
    # Row 3 of Excel is the first data row: B families, C..F and H shares, G a plain mean.
    assert formats["B3"] == "#,##0"
    for cell in ("C3", "D3", "E3", "F3", "H3", "D4", "E4", "F4", "H4"):
        assert formats[cell] == "0.0%", cell
    assert formats["G3"] == "#,##0.00"
    assert formats["J3"] == "dd-mm-yyyy"


def test_summary_sheet(tmp_path: Path) -> None:
    rows = _sheets(_write(tmp_path / "diagnosis.xlsx"))["Ringkasan"]
    assert rows[0][0] == "Diagnosis sasaran Kabupaten Dompu"
    assert ["Jumlah keluarga", "12.345"] in rows
    assert ["Periode", "2025-03"] in rows
    assert any(cell.startswith("Dibuat oleh Sinergi") for cell in _cells(rows))


def test_no_follow_up_rows(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    write_diagnostics_workbook(
        path,
        title="Diagnosis",
        summary=[],
        tables={},
        follow_up=FOLLOW_UP.clear(),
        reveal_identifiers=False,
    )
    sheets = _sheets(path)
    assert list(sheets) == ["Ringkasan", "Daftar desa"]
    assert sheets["Daftar desa"][2][0] == "Tidak ada keluarga yang perlu ditindaklanjuti."


def test_missing_follow_up_column_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kk"):
        write_diagnostics_workbook(
            tmp_path / "x.xlsx",
            title="Diagnosis",
            summary=[],
            tables={},
            follow_up=FOLLOW_UP.drop("kk"),
            reveal_identifiers=False,
        )
    assert not (tmp_path / "x.xlsx").exists()


def test_failure_midway_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    original = diagnostics_workbook._write_desa
    written: list[str] = []

    def fail_on_second(sheet: Any, *args: Any) -> None:
        if written:
            raise RuntimeError("disk penuh")
        written.append(sheet.name)
        original(sheet, *args)

    monkeypatch.setattr(diagnostics_workbook, "_write_desa", fail_on_second)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="disk penuh"):
        _write(out / "diagnosis.xlsx", reveal=True)
    assert written  # it did fail midway, after a desa sheet was written
    assert list(out.iterdir()) == []  # neither the workbook nor its partial file
    assert list(scratch.iterdir()) == []  # nor the temporary rows of constant_memory


def test_failure_keeps_the_previous_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _write(tmp_path / "diagnosis.xlsx")
    before = path.read_bytes()

    def fail(*args: Any) -> None:
        raise RuntimeError("gagal")

    monkeypatch.setattr(diagnostics_workbook, "_write_index", fail)
    with pytest.raises(RuntimeError, match="gagal"):
        _write(path, reveal=True)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["diagnosis.xlsx"]


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_BUILT_IN = {"0": "General", "3": "#,##0", "4": "#,##0.00", "9": "0%", "10": "0.00%"}


def _number_formats(path: Path, sheet_name: str) -> dict[str, str]:
    """Cell reference -> number format code on one sheet, read from the package XML.

    (openpyxl is not a dependency; the format lives in styles.xml, which calamine ignores.)
    """
    with zipfile.ZipFile(path) as package:
        book = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        styles = ElementTree.fromstring(package.read("xl/styles.xml"))
        rel_id = next(
            s.get(_REL_ID) for s in book.iter(f"{_MAIN}sheet") if s.get("name") == sheet_name
        )
        target = next(str(r.get("Target")) for r in rels if r.get("Id") == rel_id)
        sheet = ElementTree.fromstring(package.read("xl/" + target.removeprefix("/xl/")))
    codes = dict(_BUILT_IN)
    codes.update(
        {str(f.get("numFmtId")): str(f.get("formatCode")) for f in styles.iter(f"{_MAIN}numFmt")}
    )
    cell_xfs = next(styles.iter(f"{_MAIN}cellXfs"))
    xf_formats = [str(xf.get("numFmtId", "0")) for xf in cell_xfs]
    return {
        str(c.get("r")): codes.get(xf_formats[int(c.get("s", "0"))], "?")
        for c in sheet.iter(f"{_MAIN}c")
    }
