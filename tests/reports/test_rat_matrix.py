"""The RAT workbook: Sinergi's export comes back exactly, a region's 21-column sheet reads,
and a bad file is refused with every problem located."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import fields, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import python_calamine
import xlsxwriter

from sinergi.reports.rat_matrix import (
    RatFileError,
    RatProblem,
    RatRow,
    match_strategy,
    read_rat,
    write_rat,
)

KEY = "6f1c2a1e-0000-4000-8000-0000000000{:02d}"


def rat_row(**changes: Any) -> RatRow:
    base = RatRow(
        opd="Dinas Sosial",
        code="1.06.05.2.02",
        program="Program Perlindungan dan Jaminan Sosial",
        kegiatan="Penyelenggaraan Jaminan Sosial",
        sub_kegiatan="Bantuan iuran PBI-JKN daerah (PBI Pemda)",
        strategy_inpres="1",
        strategy_perpres="1",
        activity_type="langsung",
        budget=Decimal("4032000000"),
        funding_source="APBD",
        assistance_nature="non_tunai",
        location="Kabupaten Dompu",
        target_beneficiaries=8000,
        target_unit="individu",
        benefit_amount=Decimal("42000"),
        assistance_type="iuran JKN kelas 3",
        duration="12 bulan",
        realised_budget_s1=Decimal("2016000000"),
        realised_budget_s2=Decimal("1008000000.50"),
        reached_s1=7800,
        reached_s2=7950,
        eligibility_rule="pbi",
        location_code="52.05",
        key=KEY.format(1),
    )
    return replace(base, **changes)


def plan() -> list[RatRow]:
    """Lines of every strategy, in strategy order, with the awkward values on purpose."""
    return [
        rat_row(),
        rat_row(
            opd="Dinas Pendidikan",
            code="1.01.02.2.01",
            program="Program Pengelolaan Pendidikan",
            kegiatan="Pengelolaan Pendidikan Sekolah Dasar",
            sub_kegiatan="Bantuan perlengkapan sekolah\nbagi anak keluarga miskin",
            strategy_perpres=None,
            activity_type="tidak_langsung",
            budget=Decimal("0.1"),
            assistance_nature=None,
            target_beneficiaries=None,
            target_unit=None,
            benefit_amount=None,
            assistance_type=None,
            duration=None,
            realised_budget_s1=None,
            realised_budget_s2=None,
            reached_s1=None,
            reached_s2=None,
            eligibility_rule=None,
            location_code="52.05.01.2001",
            key=KEY.format(2),
        ),
        rat_row(
            opd="Dinas Koperasi dan UKM",
            code="",
            program="Program Pemberdayaan Usaha Menengah, Usaha Kecil dan Usaha Mikro",
            kegiatan="",
            sub_kegiatan="Pelatihan kewirausahaan",
            strategy_inpres="2",
            strategy_perpres="3",
            activity_type="penunjang",
            # more digits than a spreadsheet number holds
            budget=Decimal("12345678901234567.25"),
            funding_source="",
            location="",
            target_beneficiaries=150,
            target_unit="pelaku usaha",
            realised_budget_s1=Decimal("0"),
            realised_budget_s2=None,
            key=None,
        ),
        rat_row(
            opd="Bappeda",
            program="Program Perencanaan Pembangunan Daerah",
            sub_kegiatan="Rapat koordinasi TKPK",
            strategy_inpres="3",
            strategy_perpres="4",
            activity_type="penunjang",
            budget=Decimal("75000000"),
            key=KEY.format(4),
        ),
    ]


def sheet_rows(path: Path, sheet: str) -> list[list[Any]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def edited(path: Path, out: Path, part: str, change: Any) -> Path:
    """A copy of an XLSX with one of its XML parts changed (a person editing the file)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(item, change(data) if item.filename == part else data)
    return out


def without_data_sheet(path: Path, out: Path) -> Path:
    return edited(
        path,
        out,
        "xl/workbook.xml",
        lambda xml: re.sub(rb'<sheet name="Data Sinergi"[^>]*/>', b"", xml),
    )


def problems_of(path: Path, name: str | None = None) -> list[RatProblem]:
    with pytest.raises(RatFileError) as caught:
        read_rat(path, name=name)
    return caught.value.problems


def where(
    problems: list[RatProblem],
) -> list[tuple[str | None, int | None, str | None, str | None]]:
    return [(p.sheet, p.row, p.column, p.cell) for p in problems]


# -- Sinergi's own workbook ----------------------------------------------------------------------


def test_every_field_has_a_data_sinergi_column(tmp_path: Path) -> None:
    """The flat sheet names every RatRow field in brackets: what makes the round trip exact."""
    # given
    path = tmp_path / "rat.xlsx"
    # when
    write_rat(plan(), path, year=2025, area_name="Kabupaten Dompu")
    # then
    headers = sheet_rows(path, "Data Sinergi")[1]
    named = [re.search(r"\((\w+)\)$", h).group(1) for h in headers]  # type: ignore[union-attr]
    assert sorted(named) == sorted(f.name for f in fields(RatRow))
    assert headers[named.index("budget")] == "Alokasi Anggaran Rp (budget)"


def test_round_trip_gives_the_same_rows(tmp_path: Path) -> None:
    """Keys, both strategies, Decimals (a cent, 0.1, 19 digits), None and empty text come back."""
    # given
    rows = plan()
    path = tmp_path / "rat.xlsx"
    # when
    write_rat(rows, path, year=2025, area_name="Kabupaten Dompu")
    back = read_rat(path)
    # then
    assert back == rows
    assert back[2].budget == Decimal("12345678901234567.25")
    assert back[0].realised_budget_s2 == Decimal("1008000000.5")


def test_a_file_object_gets_the_same_bytes_every_time(tmp_path: Path) -> None:
    """Writing is deterministic, to a path or to a binary file object."""
    # given
    first, second = io.BytesIO(), io.BytesIO()
    path = tmp_path / "rat.xlsx"
    # when
    write_rat(plan(), first, year=2025, area_name="Kabupaten Dompu")
    write_rat(plan(), second, year=2025, area_name="Kabupaten Dompu")
    write_rat(plan(), path, year=2025, area_name="Kabupaten Dompu")
    # then
    assert first.getvalue() == second.getvalue() == path.read_bytes()


def test_lines_are_grouped_by_strategy_in_code_order(tmp_path: Path) -> None:
    """Lines given out of order come back grouped by Inpres strategy, in order within each."""
    # given
    first, second, third, fourth = plan()
    path = tmp_path / "rat.xlsx"
    # when
    write_rat([fourth, first, third, second], path, year=2025, area_name="Kabupaten Dompu")
    # then
    assert read_rat(path) == [first, second, third, fourth]


def test_the_matrix_has_the_21_column_layout(tmp_path: Path) -> None:
    """Title, merged group headers, column numbers, strategy headings, marks, totals in place."""
    # given
    path = tmp_path / "rat.xlsx"
    # when
    write_rat(plan(), path, year=2025, area_name="Kabupaten Dompu")
    # then
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["RAT 2025", "Data Sinergi"]
    sheet = book.get_sheet_by_name("RAT 2025")
    rows = sheet.to_python(skip_empty_area=False)
    assert sheet.width == 21
    assert rows[0][0] == "Rencana Aksi Tahunan Penanggulangan Kemiskinan Kabupaten Dompu Tahun 2025"
    assert rows[4] == [
        "No", "Strategi", "Perangkat Daerah", "Kode", "Program", "Kegiatan", "Sub Kegiatan",
        "Aktivitas Real", "", "", "Alokasi Anggaran (Rp)", "Sumber Pembiayaan", "Sifat Bantuan",
        "Lokasi", "Jumlah Sasaran Penerima Manfaat", "Besaran Manfaat", "Jenis Bantuan",
        "Durasi Pemberian Bantuan", "Realisasi", "", "",
    ]  # fmt: skip
    assert rows[5][7:10] == ["Langsung", "Tidak Langsung", "Penunjang"]
    assert rows[5][18:21] == ["Sem.1", "Sem.2", "Total"]
    assert rows[6] == [float(n) for n in range(1, 22)]
    merged = set(sheet.merged_cell_ranges or [])
    assert {((4, 7), (4, 9)), ((4, 18), (4, 20)), ((4, 0), (5, 0)), ((4, 10), (5, 10))} <= merged
    # strategy I heading, its first line, ...
    assert rows[7][:2] == ["I", "Pengurangan beban pengeluaran"]
    line = rows[8]
    assert line[:3] == [1.0, "Pengurangan beban pengeluaran", "Dinas Sosial"]
    assert line[7:11] == ["✓", "", "", 4032000000.0]
    assert line[14] == 8000.0
    assert line[18:21] == [2016000000.0, 1008000000.5, 3024000000.5]  # Total = Sem.1 + Sem.2
    # ... the second line, numbered on, marked in Tidak Langsung, without realisation
    assert rows[9][0] == 2.0
    assert rows[9][7:10] == ["", "✓", ""]
    assert rows[9][18:21] == ["", "", ""]
    assert rows[10][1] == "Jumlah Strategi I"
    assert rows[10][10] == pytest.approx(4032000000.1)
    assert rows[10][20] == 3024000000.5
    headings = [r[:2] for r in rows if r[0] in ("I", "II", "III")]
    assert headings == [
        ["I", "Pengurangan beban pengeluaran"],
        ["II", "Peningkatan pendapatan"],
        ["III", "Penurunan jumlah kantong-kantong kemiskinan"],
    ]
    assert rows[-1][1] == "Jumlah Seluruhnya"
    assert rows[-1][10] == pytest.approx(float(sum(r.budget for r in plan())))


def test_the_matrix_alone_reads_back(tmp_path: Path) -> None:
    """Without the Data Sinergi sheet, the matrix gives the lines less the fields only it had."""
    # given
    path = tmp_path / "rat.xlsx"
    rows = [r for r in plan() if r.budget < 10**15]  # the 19-digit budget is rounded in the matrix
    write_rat(rows, path, year=2025, area_name="Kabupaten Dompu")
    alone = without_data_sheet(path, tmp_path / "alone.xlsx")
    # when
    back = read_rat(alone)
    # then
    assert python_calamine.CalamineWorkbook.from_path(str(alone)).sheet_names == ["RAT 2025"]
    assert back == [
        replace(
            r,
            key=None,
            strategy_perpres=None,
            target_unit=None,
            reached_s1=None,
            reached_s2=None,
            eligibility_rule=None,
            location_code=None,
        )
        for r in rows
    ]


def test_an_edit_in_the_matrix_only_is_refused_not_lost(tmp_path: Path) -> None:
    """A budget changed in the matrix but not in Data Sinergi is pointed at, cell and advice."""
    # given
    path = tmp_path / "rat.xlsx"
    write_rat(plan(), path, year=2025, area_name="Kabupaten Dompu")
    changed = edited(
        path,
        tmp_path / "changed.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'(<c r="K9"[^>]*><v>)[^<]*', rb"\g<1>5000000000", xml),
    )
    # when
    problems = problems_of(changed)
    # then
    assert where(problems) == [("RAT 2025", 9, "Alokasi Anggaran (Rp)", "K9")]
    assert problems[0].reason_id.startswith(
        "berisi 5.000.000.000, lembar 'Data Sinergi' baris 3 4.032.000.000. "
        "Sinergi membaca lembar 'Data Sinergi'"
    )


def test_a_line_deleted_from_one_sheet_only_is_refused(tmp_path: Path) -> None:
    """The two sheets must agree: a line left only in Data Sinergi is reported by count."""
    # given
    path = tmp_path / "rat.xlsx"
    write_rat(plan()[:2], path, year=2025, area_name="Kabupaten Dompu")
    changed = edited(
        path,
        tmp_path / "changed.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<row r="10"[^>]*>.*?</row>', b"", xml),
    )
    # when
    problems = problems_of(changed)
    # then
    assert where(problems) == [("RAT 2025", None, None, None)]
    assert problems[0].reason_id.startswith("memuat 1 baris kegiatan, lembar 'Data Sinergi' 2.")


# -- a region's own sheet ------------------------------------------------------------------------

POSITION = {
    "no": 0, "strategy": 1, "opd": 2, "code": 3, "program": 4, "kegiatan": 5, "sub": 6,
    "langsung": 7, "tidak_langsung": 8, "penunjang": 9, "budget": 10, "funding": 11,
    "nature": 12, "location": 13, "target": 14, "benefit": 15, "type": 16, "duration": 17,
    "s1": 18, "s2": 19, "total": 20,
}  # fmt: skip
HEADERS = [
    "NO", "STRATEGI", "OPD", "Kode Rekening", "PROGRAM", "KEGIATAN", "Sub-Kegiatan", None, None,
    None, "Alokasi Anggaran\n(Rp.)", "Sumber Dana", "Sifat  Bantuan", "LOKASI",
    "Jumlah Sasaran\nPenerima Manfaat", "Besaran Manfaat", "Jenis Bantuan",
    "Durasi Pemberian\nBantuan", None, None, None,
]  # fmt: skip
SUB_HEADERS = {7: "LANGSUNG", 8: "TIDAK\nLANGSUNG", 9: "PENUNJANG", 18: "Sem. I", 19: "Sem. II",
               20: "Jumlah"}  # fmt: skip
FIRST_LINE = 7  # the spreadsheet row of the first line below the region header


def cells(**values: Any) -> list[Any]:
    """A row of 21 cells by column name; None leaves a cell empty."""
    row: list[Any] = [None] * 21
    for name, value in values.items():
        row[POSITION[name]] = value
    return row


def region_line(no: int, **changes: Any) -> list[Any]:
    """A plausible line of a region's sheet; ``name=None`` empties a column."""
    values: dict[str, Any] = {
        "no": no,
        "opd": "Dinas Sosial",
        "code": "1.06.05.2.03",
        "program": "Program Perlindungan dan Jaminan Sosial",
        "kegiatan": "Penyelenggaraan Jaminan Sosial",
        "sub": "Bantuan langsung tunai daerah",
        "langsung": "v",
        "budget": 1800000000,
        "funding": "APBD",
        "location": "Kecamatan Woja",
    }
    values.update(changes)
    return cells(**{k: v for k, v in values.items() if v is not None})


def region_workbook(
    path: Path,
    lines: list[list[Any]],
    *,
    merges: tuple[tuple[int, int, int, int, Any], ...] = (),
    headers: list[str | None] = HEADERS,
    sheet: str = "Matriks RAT",
) -> Path:
    """A region's own RAT sheet: title block, two header rows with merged groups, "(1)".."(21)"."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet(sheet)
    ws.merge_range(0, 0, 0, 20, "RENCANA AKSI TAHUNAN PENANGGULANGAN KEMISKINAN")
    ws.write_string(1, 0, "KABUPATEN CONTOH TAHUN ANGGARAN 2025")
    for col, header in enumerate(headers):
        if header:
            ws.merge_range(3, col, 4, col, header)
    ws.merge_range(3, 7, 3, 9, "Aktivitas\nReal")
    ws.merge_range(3, 18, 3, 20, "REALISASI (Rp)")
    for col, sub in SUB_HEADERS.items():
        ws.write_string(4, col, sub)
    for col in range(21):
        ws.write_string(5, col, f"({col + 1})")
    for row, values in enumerate(lines, start=FIRST_LINE - 1):
        for col, value in enumerate(values):
            if value is not None:
                ws.write(row, col, value)
    for merge in merges:
        ws.merge_range(*merge)
    book.close()
    return path


def test_a_region_sheet_reads_with_headings_merges_text_amounts_totals(tmp_path: Path) -> None:
    """Loose headers, headings, an OPD merged down, amounts as text, subtotals, a signature."""
    # given
    path = region_workbook(
        tmp_path / "kab.xlsx",
        [
            cells(no="I", strategy="PENGURANGAN BEBAN PENGELUARAN"),  # row 7
            region_line(1, opd=None, budget="Rp 1.800.000.000", s1="900.000.000,00", s2="-",
                        total=900000000, target="1.000 KK", benefit="Rp 300.000,-"),
            region_line(2, opd=None, sub="Bantuan alat bantu disabilitas", langsung=None,
                        tidak_langsung="√", budget=250000000.0, nature="natura"),
            cells(strategy="Sub Total Strategi I", budget=2050000000),  # row 10
            cells(no="IV", strategy="Mensinergikan kebijakan dan program penanggulangan "
                                    "kemiskinan"),
            region_line(3, opd="Bappeda", sub="Rapat koordinasi TKPK", langsung=None,
                        penunjang="x", budget="75.000.000"),
            cells(opd="TOTAL", budget=2125000000),  # row 13
            cells(),
            cells(s1="Dompu, 2 Januari 2025"),
            cells(s1="Kepala Bappeda"),
        ],
        merges=((7, 2, 8, 2, "Dinas Sosial"),),  # rows 8-9: one OPD for two lines
    )  # fmt: skip
    # when
    rows = read_rat(path)
    # then
    first = RatRow(
        opd="Dinas Sosial",
        code="1.06.05.2.03",
        program="Program Perlindungan dan Jaminan Sosial",
        kegiatan="Penyelenggaraan Jaminan Sosial",
        sub_kegiatan="Bantuan langsung tunai daerah",
        strategy_inpres="1",
        strategy_perpres=None,
        activity_type="langsung",
        budget=Decimal("1800000000"),
        funding_source="APBD",
        assistance_nature=None,
        location="Kecamatan Woja",
        target_beneficiaries=1000,
        target_unit="KK",
        benefit_amount=Decimal("300000"),
        assistance_type=None,
        duration=None,
        realised_budget_s1=Decimal("900000000"),
        realised_budget_s2=None,
    )
    assert rows == [
        first,
        replace(
            first,
            sub_kegiatan="Bantuan alat bantu disabilitas",
            activity_type="tidak_langsung",
            budget=Decimal("250000000"),
            assistance_nature="natura",
            target_beneficiaries=None,
            target_unit=None,
            benefit_amount=None,
            realised_budget_s1=None,
        ),
        replace(
            first,
            opd="Bappeda",
            sub_kegiatan="Rapat koordinasi TKPK",
            strategy_inpres="3",  # Perpres 4 -> Inpres 3, the proposed mapping
            strategy_perpres="4",
            activity_type="penunjang",
            budget=Decimal("75000000"),
            target_beneficiaries=None,
            target_unit=None,
            benefit_amount=None,
            realised_budget_s1=None,
        ),
    ]


def test_a_hierarchical_sheet_carries_opd_program_and_kegiatan_down(tmp_path: Path) -> None:
    """Group rows (an OPD, then a program with its code and subtotal) describe the lines below."""
    # given
    path = region_workbook(
        tmp_path / "hierarki.xlsx",
        [
            cells(no="II", strategy="Peningkatan Pendapatan"),
            cells(opd="Dinas Pertanian"),
            cells(code="3.27.03", program="Program Penyediaan Prasarana Pertanian", budget=900),
            cells(kegiatan="Pengawasan Penggunaan Sarana Pertanian"),
            cells(no=1, sub="Bantuan bibit", langsung="1", budget=600),
            cells(no=2, sub="Bantuan pupuk", langsung="1", budget=300),
            cells(opd="Dinas Perikanan"),
            cells(program="Program Pengelolaan Perikanan Tangkap"),
            cells(no=3, sub="Bantuan alat tangkap", langsung="1", budget=100),
        ],
    )
    # when
    rows = read_rat(path)
    # then
    got = [(r.strategy_inpres, r.opd, r.code, r.program, r.kegiatan, r.sub_kegiatan) for r in rows]
    assert got == [
        ("2", "Dinas Pertanian", "3.27.03", "Program Penyediaan Prasarana Pertanian",
         "Pengawasan Penggunaan Sarana Pertanian", "Bantuan bibit"),
        ("2", "Dinas Pertanian", "3.27.03", "Program Penyediaan Prasarana Pertanian",
         "Pengawasan Penggunaan Sarana Pertanian", "Bantuan pupuk"),
        ("2", "Dinas Perikanan", "", "Program Pengelolaan Perikanan Tangkap", "",
         "Bantuan alat tangkap"),
    ]  # fmt: skip


def test_a_line_names_its_own_strategy_and_sheets_per_opd_are_all_read(tmp_path: Path) -> None:
    """The Strategi cell of a line wins over the heading; every sheet in the layout is read."""
    # given
    path = tmp_path / "per_opd.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name, strategy, opd in (
        ("Dinsos", "1", "Dinas Sosial"),
        ("Dinkop", "Strategi 2", "Diskop"),
    ):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, [h or "" for h in HEADERS])
        ws.write_row(0, 7, ["Langsung", "Tidak Langsung", "Penunjang"])
        ws.write_row(0, 18, ["Realisasi Sem.1", "Realisasi Sem.2", "Realisasi Total"])
        ws.write_row(1, 0, region_line(1, strategy=strategy, opd=opd))
    book.close()
    # when
    rows = read_rat(path)
    # then
    assert [(r.opd, r.strategy_inpres) for r in rows] == [("Dinas Sosial", "1"), ("Diskop", "2")]


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("I. PENGURANGAN BEBAN PENGELUARAN", ("1", None)),
        ("Mengurangi beban pengeluaran masyarakat miskin", ("1", "1")),
        ("B. Meningkatkan kemampuan dan pendapatan masyarakat miskin", ("2", "2")),
        ("Strategi 3: Mengembangkan dan menjamin keberlanjutan Usaha Mikro dan Kecil", ("2", "3")),
        ("IV. Mensinergikan Kebijakan dan Program Penanggulangan Kemiskinan", ("3", "4")),
        ("Penurunan Jumlah Kantong-Kantong Kemiskinan", ("3", None)),
        ("III", ("3", None)),
        ("2", ("2", None)),
        ("II. Peningkatan kemampuan ekonomi", ("2", None)),
        ("1. Dinas Sosial", None),
        ("IV. Lain-lain", None),
        ("Dinas Sosial", None),
    ],
)
def test_strategy_headings_match_by_name_phrase_or_numeral(
    text: str, codes: tuple[str, str | None] | None
) -> None:
    """A heading names an Inpres strategy (and a Perpres one when worded so), or none."""
    assert match_strategy(text) == codes


@pytest.mark.parametrize(
    ("budget", "expected"),
    [
        ("Rp 1.234.567", Decimal("1234567")),
        ("Rp. 1.234.567,50", Decimal("1234567.50")),
        ("1.234.567,00", Decimal("1234567")),
        ("Rp 500.000,-", Decimal("500000")),
        ("1,234,567.5", Decimal("1234567.5")),
        ("1234567", Decimal("1234567")),
        ("1.500", Decimal("1500")),
        ("12,5", Decimal("12.5")),
        (1234567.0, Decimal("1234567")),
        (0, Decimal("0")),
    ],
)
def test_amounts_in_text_or_numbers_read_the_indonesian_way(
    tmp_path: Path, budget: Any, expected: Decimal
) -> None:
    """Rupiah as a number, or as text with "Rp", dots between thousands and a decimal comma."""
    # given
    path = region_workbook(tmp_path / "angka.xlsx", [region_line(1, strategy="1", budget=budget)])
    # when
    (row,) = read_rat(path)
    # then
    assert row.budget == expected


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("1.500 keluarga", (1500, "keluarga")),
        ("1.500,00 KK", (1500, "KK")),
        ("1500", (1500, None)),
        (1500.0, (1500, None)),
        ("12 desa", (12, "desa")),
    ],
)
def test_a_target_reads_dots_as_thousands_and_keeps_its_unit(
    tmp_path: Path, target: Any, expected: tuple[int, str | None]
) -> None:
    # given
    path = region_workbook(tmp_path / "sasaran.xlsx", [region_line(1, strategy="1", target=target)])
    # when
    (row,) = read_rat(path)
    # then
    assert (row.target_beneficiaries, row.target_unit) == expected


@pytest.mark.parametrize("target", ["1,500", "12,5 orang", "12,5", "1.500,5 KK", 12.5, "1.5 jt"])
def test_a_fractional_or_misread_target_is_refused_with_its_place(
    tmp_path: Path, target: Any
) -> None:
    """ "1,500" is one and a half in Indonesian usage, never 1 of a unit called ",500"."""
    # given
    path = region_workbook(tmp_path / "sasaran.xlsx", [region_line(1, strategy="1", target=target)])
    # when
    with pytest.raises(RatFileError) as caught:
        read_rat(path)
    # then
    (problem,) = caught.value.problems
    assert (problem.sheet, problem.row, problem.cell) == ("Matriks RAT", FIRST_LINE, "O7")
    assert problem.column == "Jumlah Sasaran\nPenerima Manfaat"
    assert "bukan bilangan bulat" in problem.reason_id


# -- problems ------------------------------------------------------------------------------------


def test_every_problem_of_a_sheet_is_reported_at_once_with_its_place(tmp_path: Path) -> None:
    """Nothing is read from a sheet with problems; each names sheet, row, column header and cell."""
    # given
    path = region_workbook(
        tmp_path / "rusak.xlsx",
        [
            region_line(1),  # row 7: no strategy yet
            cells(no="I", strategy="Pengurangan beban pengeluaran"),
            region_line(2, opd=None),  # row 9
            region_line(3, program=None),  # row 10
            region_line(4, budget="satu juta"),  # row 11
            region_line(5, budget=-5),  # row 12
            region_line(6, budget=None),  # row 13
            region_line(7, penunjang="✓"),  # row 14: two marks
            region_line(8, langsung=None),  # row 15: no mark
            region_line(9, s1="sebagian"),  # row 16
            region_line(10, strategy="Kesejahteraan"),  # row 17
            region_line(11, target="semua desa"),  # row 18
            region_line(12, s1=100, s2=50, total=200),  # row 19
        ],
    )
    # when
    with pytest.raises(RatFileError) as caught:
        read_rat(path, name="RAT Kabupaten Contoh.xlsx")
    # then
    error = caught.value
    sheet = "Matriks RAT"
    assert where(error.problems) == [
        (sheet, 7, "STRATEGI", "B7"),
        (sheet, 9, "OPD", "C9"),
        (sheet, 10, "PROGRAM", "E10"),
        (sheet, 11, "Alokasi Anggaran\n(Rp.)", "K11"),
        (sheet, 12, "Alokasi Anggaran\n(Rp.)", "K12"),
        (sheet, 13, "Alokasi Anggaran\n(Rp.)", "K13"),
        (sheet, 14, "Aktivitas\nReal", "H14"),
        (sheet, 15, "Aktivitas\nReal", "H15"),
        (sheet, 16, "REALISASI (Rp) Sem. I", "S16"),
        (sheet, 17, "STRATEGI", "B17"),
        (sheet, 18, "Jumlah Sasaran\nPenerima Manfaat", "O18"),
        (sheet, 19, "REALISASI (Rp) Jumlah", "U19"),
    ]
    reasons = [p.reason_id for p in error.problems]
    assert reasons[0].startswith("baris ini tanpa strategi: isi kolom Strategi")
    assert reasons[1] == "Perangkat Daerah kosong; kolom ini wajib diisi."
    assert reasons[3].startswith("'satu juta' bukan angka rupiah")
    assert reasons[4] == "angka negatif (-5); tulis nilai 0 atau lebih."
    assert reasons[5].startswith("kosong; isi alokasi anggaran dalam rupiah")
    assert reasons[6].startswith("ada 2 tanda; beri tepat satu tanda")
    assert reasons[7].startswith("tidak ada tanda; beri tepat satu tanda")
    assert reasons[9].startswith("strategi 'Kesejahteraan' tidak dikenal; pakai salah satu: 1 ")
    assert reasons[11] == "Total 200 tidak sama dengan Sem.1 + Sem.2 (150)."
    assert error.code == "RAT_INVALID"
    assert str(error).startswith(
        "Berkas 'RAT Kabupaten Contoh.xlsx' tidak dibaca (12 masalah; perbaiki lalu unggah lagi): "
        "1) lembar 'Matriks RAT', baris 7, kolom 'STRATEGI' (sel B7): baris ini tanpa strategi"
    )
    assert "... dan 2 masalah lain." in str(error)
    assert error.english.startswith(
        "RAT workbook 'RAT Kabupaten Contoh.xlsx' rejected (12 problems)"
    )


def test_lines_under_an_unknown_strategy_heading_are_refused(tmp_path: Path) -> None:
    """A heading naming no strategy does not let its lines fall under the previous one."""
    # given
    path = region_workbook(
        tmp_path / "judul.xlsx",
        [
            cells(no="I", strategy="Pengurangan beban pengeluaran"),
            region_line(1),
            cells(no="V", strategy="Program Pro Rakyat"),  # row 9
            region_line(2),  # row 10
        ],
    )
    # when
    problems = problems_of(path)
    # then
    assert where(problems) == [("Matriks RAT", 10, "STRATEGI", "B10")]
    assert problems[0].reason_id.startswith(
        "judul strategi 'V Program Pro Rakyat' (baris 9) tidak dikenal"
    )


def test_a_missing_required_column_is_named(tmp_path: Path) -> None:
    """A sheet without a Sub Kegiatan column is refused with the header row and column named."""
    # given
    headers = [h if h != "Sub-Kegiatan" else "Keterangan" for h in HEADERS]
    path = region_workbook(tmp_path / "kolom.xlsx", [region_line(1, strategy="1")], headers=headers)
    # when
    problems = problems_of(path)
    # then
    assert where(problems) == [("Matriks RAT", 4, "Sub Kegiatan", None)]
    assert problems[0].reason_id.startswith("kolom wajib ini tidak ditemukan di baris judul")


def test_a_line_repeated_in_a_recap_sheet_is_refused(tmp_path: Path) -> None:
    """The same line on two sheets (an OPD sheet and a recap) would count twice: refused."""
    # given
    path = tmp_path / "rekap.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name in ("Dinsos", "Rekap"):
        ws = book.add_worksheet(name)
        ws.write_row(0, 0, [h or "" for h in HEADERS])
        ws.write_row(0, 7, ["Langsung", "Tidak Langsung", "Penunjang"])
        ws.write_row(1, 0, region_line(1, strategy="1"))
    book.close()
    # when
    problems = problems_of(path)
    # then
    assert where(problems) == [("Rekap", 2, None, None)]
    assert problems[0].reason_id.startswith("baris ini sama persis dengan lembar 'Dinsos' baris 2")


def data_sinergi_with(tmp_path: Path, column: str, values: list[str]) -> Path:
    """Sinergi's export of two lines with a Data Sinergi column's cells replaced (and no matrix)."""
    path = tmp_path / "rat.xlsx"
    write_rat(plan()[:2], path, year=2025, area_name="Kabupaten Dompu")
    headers = sheet_rows(path, "Data Sinergi")[1]
    col = next(i for i, h in enumerate(headers) if h.endswith(f"({column})"))
    letter = chr(ord("A") + col)
    rows = iter(values)

    def change(xml: bytes) -> bytes:
        def cell(match: re.Match[bytes]) -> bytes:
            text = next(rows).encode()
            return match.group(1) + b' t="inlineStr"><is><t>' + text + b"</t></is></c>"

        return re.sub(
            rb'(<c r="' + letter.encode() + rb'[34]"[^>]*?)(?: t="\w+")?>(?:<v>[^<]*</v>)?</c>',
            cell,
            xml,
        )

    changed = edited(path, tmp_path / "data.xlsx", "xl/worksheets/sheet2.xml", change)
    return without_data_sheet_matrix(changed, tmp_path / "data_only.xlsx")


def without_data_sheet_matrix(path: Path, out: Path) -> Path:
    return edited(
        path,
        out,
        "xl/workbook.xml",
        lambda xml: re.sub(rb'<sheet name="RAT 2025"[^>]*/>', b"", xml),
    )


# Data Sinergi rows 3 and 4 hold the first two lines of plan(); an empty value has no cell,
# so a column empty on row 4 takes one value.
@pytest.mark.parametrize(
    ("column", "values", "bad_row", "reason"),
    [
        ("strategy_inpres", ["4", "1"], 3, "kode strategi Inpres 8/2025 '4' tidak dikenal"),
        ("strategy_perpres", ["5"], 3, "kode strategi Perpres 15/2010 '5' tidak dikenal"),
        ("activity_type", ["langsung", "bantuan"], 4, "Aktivitas Real 'bantuan' tidak dikenal"),
        ("key", ["a", "a"], 4, "kunci 'a' sudah dipakai di baris 3"),
        ("location_code", ["52.05", "52.0"], 4, "Kode wilayah '52.0' tidak berformat benar."),
        ("reached_s1", ["1.000 KK"], 3, "tulis angkanya saja"),
        ("budget", ["1.000", "Rp -5"], 4, "angka negatif (-5)"),
    ],
)
def test_data_sinergi_values_are_checked(
    tmp_path: Path, column: str, values: list[str], bad_row: int, reason: str
) -> None:
    """A bad code or value in the flat sheet is named by row, bracketed header and cell."""
    # given
    path = data_sinergi_with(tmp_path, column, values)
    # when
    problems = problems_of(path)
    # then
    assert [(p.sheet, p.row) for p in problems] == [("Data Sinergi", bad_row)]
    assert problems[0].cell is not None and problems[0].cell.endswith(str(bad_row))
    assert problems[0].column is not None and problems[0].column.endswith(f"({column})")
    assert problems[0].reason_id.startswith(reason)


def test_data_sinergi_text_codes_and_numbers_typed_by_a_person_still_read(tmp_path: Path) -> None:
    """Strategy "2" typed as text, "Tidak Langsung" in words: the flat sheet reads them."""
    # given
    path = data_sinergi_with(tmp_path, "activity_type", ["Tidak Langsung", "penunjang"])
    # when
    rows = read_rat(path)
    # then
    assert [r.activity_type for r in rows] == ["tidak_langsung", "penunjang"]


@pytest.mark.parametrize(
    ("content", "code", "reason"),
    [
        (b"No;Program\n1;PKH\n", "RAT_UNREADABLE", "bukan buku kerja Excel (.xlsx)"),
        (b"", "RAT_UNREADABLE", "bukan buku kerja Excel (.xlsx)"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(
    tmp_path: Path, content: bytes, code: str, reason: str
) -> None:
    """A CSV or an empty upload gets a clear error naming the file, not a crash."""
    # given
    path = tmp_path / "3f9a0c"
    path.write_bytes(content)
    # when
    with pytest.raises(RatFileError) as caught:
        read_rat(path, name="rencana.xlsx")
    # then
    assert caught.value.code == code
    assert caught.value.problems[0].reason_id.startswith(reason)
    assert "'rencana.xlsx'" in str(caught.value)


def test_an_empty_workbook_and_one_without_the_layout_are_refused(tmp_path: Path) -> None:
    """No cell filled: RAT_EMPTY; cells but no RAT header: the headers looked for are named."""
    # given
    empty, other = tmp_path / "kosong.xlsx", tmp_path / "lain.xlsx"
    book = xlsxwriter.Workbook(str(empty))
    book.add_worksheet("Sheet1")
    book.close()
    book = xlsxwriter.Workbook(str(other))
    book.add_worksheet("Daftar").write_row(0, 0, ["Nama", "NIK", "Alamat"])
    book.close()
    # when
    with pytest.raises(RatFileError) as nothing:
        read_rat(empty)
    with pytest.raises(RatFileError) as unknown:
        read_rat(other)
    # then
    assert nothing.value.code == "RAT_EMPTY"
    assert unknown.value.problems[0].reason_id.startswith(
        "tidak ada lembar berformat RAT: judul kolom seperti 'Perangkat Daerah'"
    )
    assert "('Daftar')" in unknown.value.problems[0].reason_id


def test_headers_without_lines_are_refused(tmp_path: Path) -> None:
    """A matrix with headers, headings and totals but no line is not an (empty) plan."""
    # given
    path = region_workbook(
        tmp_path / "tanpa_baris.xlsx",
        [
            cells(no="I", strategy="Pengurangan beban pengeluaran"),
            cells(strategy="Jumlah", budget=0),
        ],
    )
    # when
    problems = problems_of(path)
    # then
    assert [p.reason_id for p in problems] == [
        "tidak ada satu baris kegiatan pun di bawah judul kolom."
    ]


def test_writing_a_row_with_an_unknown_strategy_is_a_programming_error(tmp_path: Path) -> None:
    """The writer refuses a line it could not place rather than dropping it."""
    with pytest.raises(ValueError, match="unknown Inpres 8/2025 strategy '9'"):
        write_rat([rat_row(strategy_inpres="9")], tmp_path / "x.xlsx", year=2025, area_name="X")
    assert not (tmp_path / "x.xlsx").exists()
