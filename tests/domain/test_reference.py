"""Behaviour of the shipped reference data and its loader (sinergi.domain.reference)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from sinergi.domain.reference import (
    GRADES,
    KNOWN_BASES,
    KNOWN_UNITS,
    MixedBasisError,
    PovertyLine,
    ReferenceDataError,
    area_fallback_chain,
    assert_same_basis,
    load_csv_records,
    monthly_from_daily,
    opd_programs,
    poverty_line,
    poverty_lines,
    program,
    programs,
    regency_poverty_defaults,
    strategies,
    targets,
)
from sinergi.errors import DomainError

POVERTY_LINES_HEADER = "line_id,name,basis,area_code,area_type,value,unit,period,source,grade\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- strategies


def test_perpres_15_2010_has_four_strategies_and_inpres_8_2025_three() -> None:
    """Perpres 15/2010 lists four strategies, Inpres 8/2025 three, in the seed wording."""
    # when
    perpres = strategies("perpres_15_2010")
    inpres = strategies("inpres_8_2025")

    # then
    assert [s.code for s in perpres] == ["1", "2", "3", "4"]
    assert [s.code for s in inpres] == ["1", "2", "3"]
    assert perpres[0].name_id == "Mengurangi beban pengeluaran masyarakat miskin"
    assert inpres[2].name_id == "Penurunan jumlah kantong-kantong kemiskinan"
    assert len(strategies()) == 7


# --------------------------------------------------------------------------- fallback rule


def test_dompu_uses_its_own_published_row() -> None:
    """52.05 takes P0 from its own latest row and its extreme rate from its own (older) row."""
    # when
    defaults = regency_poverty_defaults("52.05")

    # then
    assert defaults.area_code == "52.05"
    assert defaults.period == "2024-03"
    assert defaults.p0_percent == 11.59
    assert defaults.poor_persons == 32080
    assert defaults.extreme_area_code == "52.05"
    assert defaults.extreme_period == "2021-03"
    assert defaults.extreme_percent == 2.97
    assert defaults.extreme_basis == "USD_1.90_PPP2011"


def test_regency_of_another_province_falls_back_to_national() -> None:
    """A regency with no row of its own or of its province gets the national figures."""
    # when (33.01 Cilacap, Jawa Tengah: neither 33.01 nor 33 is in the file)
    defaults = regency_poverty_defaults("33.01")

    # then
    assert defaults.area_code == "00"
    assert defaults.period == "2025-03"
    assert defaults.p0_percent == 8.47
    assert defaults.extreme_percent == 0.85
    assert defaults.extreme_basis == "USD_2.15_PPP2017"


def test_regency_of_ntb_without_own_row_uses_province_p0() -> None:
    """52.01 has no row: P0 comes from NTB (52); the extreme rate, absent for 52, from 00."""
    # when
    defaults = regency_poverty_defaults("52.01")

    # then
    assert (defaults.area_code, defaults.period, defaults.p0_percent) == ("52", "2025-03", 11.78)
    assert (defaults.extreme_area_code, defaults.extreme_percent) == ("00", 0.85)


def test_period_limits_the_rows_considered() -> None:
    """Asking for 2023 returns Dompu's March-2023 row, not the newer 2024 one."""
    # when
    defaults = regency_poverty_defaults("52.05", period="2023")

    # then
    assert (defaults.period, defaults.p0_percent, defaults.poor_persons) == (
        "2023-03",
        12.53,
        34310,
    )


def test_fallback_chain_walks_up_to_indonesia() -> None:
    """A village code walks through district, regency and province to 00."""
    assert area_fallback_chain("52.05.01.2001") == (
        "52.05.01.2001",
        "52.05.01",
        "52.05",
        "52",
        "00",
    )
    assert area_fallback_chain("00") == ("00",)


def test_malformed_area_code_is_refused() -> None:
    """An undotted code is refused with a message that shows the expected form."""
    with pytest.raises(DomainError) as caught:
        regency_poverty_defaults("5205")

    assert caught.value.code == "AREA_CODE_INVALID"
    assert str(caught.value) == "'5205' bukan kode wilayah Kemendagri bertitik (misalnya 52.05)."


# --------------------------------------------------------------------------- poverty lines


def test_every_poverty_line_has_a_source_a_known_basis_and_unit() -> None:
    """No shipped line lacks a source, or uses a basis, unit or grade outside the vocabulary."""
    lines = poverty_lines()

    assert len(lines) >= 20
    for line in lines:
        assert line.source.strip(), line.line_id
        assert line.basis in KNOWN_BASES, line.line_id
        assert line.unit in KNOWN_UNITS, line.line_id
        assert line.grade in GRADES, line.line_id
        assert line.value > 0, line.line_id


def test_extreme_line_of_11941_12_per_day_is_358233_6_per_month() -> None:
    """The USD 1.90 PPP 2011 line is stored monthly: Rp11,941.12/day x 30 = Rp358,233.6."""
    # given
    line = poverty_line("ext_usd190_00_2021-03")

    # then
    assert line.basis == "USD_1.90_PPP2011"
    assert line.value == Decimal("358233.6")
    assert monthly_from_daily("11941.12") == line.value
    assert line.per_day == Decimal("11941.12")


def test_dompu_regency_lines_are_bps_gk_per_capita_per_month() -> None:
    """Dompu's GK rows (2023, 2024) share one basis, so they may be charted together."""
    lines = poverty_lines(area_code="52.05")

    assert [(line.period, line.value) for line in lines] == [
        ("2023-03", Decimal("442451")),
        ("2024-03", Decimal("469647")),
    ]
    assert assert_same_basis(lines) == "BPS_GK"


def test_unknown_line_id_names_valid_ids() -> None:
    """Asking for a line that does not exist lists ids of the same family."""
    with pytest.raises(ReferenceDataError) as caught:
        poverty_line("ext_usd300_00_2025")

    assert caught.value.code == "REF_UNKNOWN_ID"
    assert "ext_usd190_00_2021-03" in str(caught.value)


# --------------------------------------------------------------------------- bases


def test_mixing_bases_raises() -> None:
    """A BPS GK line and a World Bank extreme line cannot be put into one figure."""
    # given
    mixed = [poverty_line("gk_00_2024-03_total"), poverty_line("ext_usd215_00_2024-09_bps")]

    # when
    with pytest.raises(MixedBasisError) as caught:
        assert_same_basis(mixed)

    # then
    assert caught.value.code == "POVERTY_LINE_MIXED_BASIS"
    assert "BPS_GK: gk_00_2024-03_total" in str(caught.value)
    assert "USD_2.15_PPP2017: ext_usd215_00_2024-09_bps" in caught.value.english


def test_no_lines_have_no_basis() -> None:
    """An empty selection is not a mix."""
    assert assert_same_basis([]) is None


# --------------------------------------------------------------------------- user files


def test_broken_user_file_names_row_and_column(tmp_path: Path) -> None:
    """A non-numeric value is reported with file, row (header = 1) and column, in both languages."""
    # given
    path = _write(
        tmp_path,
        "poverty_lines.csv",
        POVERTY_LINES_HEADER + "gk_52.05_2025-03_total,GK Dompu 2025,BPS_GK,52.05,total,480000,"
        "IDR_per_capita_per_month,2025-03,BPS Dompu,S\n"
        + "gk_52.05_2026-03_total,GK Dompu 2026,BPS_GK,52.05,total,abc,"
        "IDR_per_capita_per_month,2026-03,BPS Dompu,S\n",
    )

    # when
    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    # then
    error = caught.value
    assert error.code == "REF_NOT_A_NUMBER"
    assert [(p.row, p.column) for p in error.problems] == [(3, "value")]
    assert str(error) == (
        f"{path} baris 3, kolom 'value': 'abc' bukan angka; tulis tanpa pemisah ribuan dan "
        "pakai titik untuk desimal, misalnya 358233.6."
    )
    assert error.english.startswith(f"{path} row 3, column 'value': 'abc' is not a number")


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    """Missing source, unknown basis and unknown area type are collected in one error."""
    # given
    path = _write(
        tmp_path,
        "lines.csv",
        POVERTY_LINES_HEADER
        + "a,GK,BPS_GK,52.05,total,480000,IDR_per_capita_per_month,2025-03,,S\n"
        + "b,GK,USD_1.25,52.05,total,480000,IDR_per_capita_per_month,2025-03,x,S\n"
        + "c,GK,BPS_GK,52.05,kota,480000,IDR_per_capita_per_month,2025-03,x,S\n",
    )

    # when
    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path, "poverty_lines")

    # then
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (2, "source", "REF_MISSING_FIELD"),
        (3, "basis", "REF_UNKNOWN_VALUE"),
        (4, "area_type", "REF_UNKNOWN_VALUE"),
    ]
    assert "'USD_1.25' tidak dikenal; pilihan yang sah: BPS_GK" in str(caught.value)


def test_missing_column_is_reported_on_the_header_row(tmp_path: Path) -> None:
    """A header without the unit column is rejected on row 1, naming the column."""
    path = _write(
        tmp_path,
        "poverty_lines.csv",
        "line_id,name,basis,area_code,area_type,value,period,source,grade\n",
    )

    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (1, "unit", "REF_MISSING_COLUMN")
    ]


def test_a_valid_user_file_loads_as_records(tmp_path: Path) -> None:
    """A well-formed file is read into PovertyLine records; blank lines are skipped."""
    path = _write(
        tmp_path,
        "poverty_lines.csv",
        POVERTY_LINES_HEADER
        + "\n"
        + 'gk_52.05_2025-03_total,"GK Dompu, 2025",BPS_GK,52.05,total,480000.5,'
        "IDR_per_capita_per_month,2025-03,BPS Dompu,U\n",
    )

    records = load_csv_records(path)

    assert records == (
        PovertyLine(
            line_id="gk_52.05_2025-03_total",
            name="GK Dompu, 2025",
            basis="BPS_GK",
            area_code="52.05",
            area_type="total",
            value=Decimal("480000.5"),
            unit="IDR_per_capita_per_month",
            period="2025-03",
            source="BPS Dompu",
            grade="U",
        ),
    )


def test_a_second_row_for_the_same_area_and_period_is_refused(tmp_path: Path) -> None:
    """New figures are new rows with a new period; a repeated (area, period) is an error."""
    path = _write(
        tmp_path,
        "regency_poverty.csv",
        "area_code,period,p0_percent,extreme_percent,extreme_basis,poor_persons,source,grade\n"
        "52.05,2024-03,11.59,,,32080,BPS,S\n"
        "52.05,2024-03,11.60,,,32100,BPS,S\n",
    )

    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (3, "period", "REF_DUPLICATE")
    ]


def test_extreme_rate_without_basis_is_refused(tmp_path: Path) -> None:
    """An extreme-poverty rate must say its basis, or it could be compared across bases."""
    path = _write(
        tmp_path,
        "regency_poverty.csv",
        "area_code,period,p0_percent,extreme_percent,extreme_basis,poor_persons,source,grade\n"
        "52.05,2025-03,,1.2,,,BPS,S\n",
    )

    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "extreme_basis")]


def test_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    """A file whose name is not a known kind, and no kind given, is refused with the choices."""
    path = _write(tmp_path, "garis.csv", POVERTY_LINES_HEADER)

    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    assert caught.value.code == "REF_UNKNOWN_KIND"
    assert "poverty_lines, regency_poverty, strategies" in str(caught.value)


def test_a_file_saved_as_windows_1252_is_refused_with_a_remedy(tmp_path: Path) -> None:
    """Non-UTF-8 text is named with its row and the way to save it again."""
    path = tmp_path / "strategies.csv"
    path.write_bytes(
        b"taxonomy,code,name_id,name_en,source,grade\ninpres_8_2025,1,Pengurangan \xe9,x,x,S\n"
    )

    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    assert caught.value.code == "REF_NOT_UTF8"
    assert str(caught.value) == (
        f"{path} baris 2: teks bukan UTF-8; simpan ulang berkas sebagai 'CSV UTF-8'."
    )


def test_opd_row_with_an_unknown_strategy_is_refused(tmp_path: Path) -> None:
    """Strategy codes in an OPD catalog must exist in strategies.csv for their taxonomy."""
    header = (
        "year,opd,program_code,program,kegiatan,sub_kegiatan,strategy_perpres_15_2010,"
        "strategy_inpres_8_2025,activity_type,budget_idr,funding_source,location,source\n"
    )
    path = _write(
        tmp_path,
        "opd_programs.csv",
        header + "2026,Dinas Sosial,1.06.05.2.01,P,K,S,4,4,langsung,1000,APBD,Dompu,contoh\n",
    )

    with pytest.raises(ReferenceDataError) as caught:
        load_csv_records(path)

    assert [(p.row, p.column) for p in caught.value.problems] == [(2, "strategy_inpres_8_2025")]


# --------------------------------------------------------------------------- targets, catalogs


def test_the_2024_p0_range_is_two_bounds_and_was_missed() -> None:
    """P0 6.5-7.5% in 2024 is stored as ge 6.5 and le 7.5; the Mar-2024 9.03% misses it."""
    bounds = targets(indicator="p0_percent", area_code="00", year=2024)

    assert [(t.comparator, t.value) for t in bounds] == [("ge", 6.5), ("le", 7.5)]
    assert [t.met_by(9.03) for t in bounds] == [True, False]
    assert all(t.met_by(7.0) for t in bounds)


def test_regency_example_targets_are_marked_as_examples() -> None:
    """Dompu's 2026/2029 targets are examples, not published figures."""
    example = [t for t in targets(area_code="52.05") if t.year >= 2026]

    assert example
    assert {t.grade for t in example} == {"example"}


def test_pkh_has_one_row_per_component_and_other_programs_their_amounts() -> None:
    """The catalog carries the seven PKH components and the DOMAIN.md 5 amounts."""
    pkh = {p.program_id: p.benefit_amount for p in programs() if p.program_group == "PKH"}

    assert pkh == {
        "pkh_bumil": Decimal("3000000"),
        "pkh_anak_usia_dini": Decimal("3000000"),
        "pkh_sd": Decimal("900000"),
        "pkh_smp": Decimal("1500000"),
        "pkh_sma": Decimal("2000000"),
        "pkh_lansia": Decimal("2400000"),
        "pkh_disabilitas_berat": Decimal("2400000"),
    }
    assert program("bpnt_sembako").benefit_amount == Decimal("200000")
    assert (program("bpnt_sembako").desil_max, program("bpnt_sembako").desil_max_alt) == (4, 5)
    assert program("pbi_jkn").benefit_amount == Decimal("42000")
    assert program("bantuan_beras").benefit_unit == "kg_rice_per_month"


def test_example_opd_catalog_is_marked_synthetic_and_tags_both_taxonomies() -> None:
    """Every example OPD row says it is synthetic and carries a strategy of each taxonomy."""
    rows = opd_programs(2025)
    perpres = {s.code for s in strategies("perpres_15_2010")}
    inpres = {s.code for s in strategies("inpres_8_2025")}

    assert 15 <= len(rows) <= 25
    assert {row.source for row in rows} == {"contoh sintetis (bukan data resmi)"}
    assert all(row.strategy_perpres_15_2010 in perpres for row in rows)
    assert all(row.strategy_inpres_8_2025 in inpres for row in rows)
    assert opd_programs(2031) == ()
