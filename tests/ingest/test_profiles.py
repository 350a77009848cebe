"""Mapping profiles: the shipped files load, each known layout is recognised as its own profile."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path

import pytest

from sinergi.lake.contracts import CONTRACTS
from sinergi.pipeline.ingest.profiles import (
    AUTO_MARGIN,
    AUTO_THRESHOLD,
    SHIPPED_DIR,
    HeaderMatch,
    Profile,
    ProfileError,
    choose_profile,
    find_header_row,
    header_key,
    load_profile,
    load_profiles,
    match_header,
    rank_profiles,
    value_key,
)
from sinergi.synth import codes
from sinergi.synth.build import SURVEY_HEADER
from sinergi.synth.exports import (
    DTKS_HEADER,
    DTSEN_HEADER,
    P3KE_FAMILY_HEADER,
    P3KE_PERSON_HEADER,
    PROGRAM_HEADERS,
)


def _csv_header(name: str) -> list[str]:
    text = resources.files("sinergi.data").joinpath("reference").joinpath(name).read_text("utf-8")
    return next(csv.reader(text.splitlines()))


# The synthetic program keys (PROGRAM_HEADERS) and the profile that reads each list.
PROGRAM_PROFILES = {
    "pkh": "pkh",
    "sembako": "sembako",
    "pbi": "pbi_jkn",
    "pip": "pip",
    "blt_dd": "blt_dana_desa",
    "rtlh": "rtlh",
    "bpjs_tk": "bpjs_ketenagakerjaan",
}
PROGRAM_CODES = {
    "pkh": "pkh",
    "sembako": "sembako",
    "pbi_jkn": "pbi",
    "pip": "pip",
    "blt_dana_desa": "blt_dd",
    "rtlh": "rtlh",
    "bpjs_ketenagakerjaan": "bpjs_tk",
    "bantuan_beras": "beras",
}

# Layouts with no synthetic file: the typical rice-aid list of the brief, and Regsosek
# records headed with questionnaire item codes (spellings unverified, see its note).
BERAS_HEADER = ["NIK", "NAMA", "NO KK", "KODE DESA", "DESA", "ALAMAT", "JUMLAH (kg)", "TAHAP"]
REGSOSEK_HEADER = [
    "kode_prov", "kode_kab", "kode_kec", "kode_desa", "id_keluarga", "nik", "nama", "no_kk",
    "b4k404", "b4k405", "b4k406", "b4k407", "b4k408", "b4k409", "b4k412", "b4k415",
]  # fmt: skip

# The P3KE columns as DOMAIN.md 2.3 lists them from public importers.
P3KE_FAMILY_DOCUMENTED = [
    "ID Keluarga P3KE", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan",
    "Kode Kemendagri (desa)", "Desil Kesejahteraan", "Alamat", "Kepala Keluarga", "NIK",
    "Padan Dukcapil (Ya/Tidak)", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Pendidikan",
    "Kepemilikan Rumah", "Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya", "Jenis Atap",
    "Jenis Dinding", "Jenis Lantai", "Sumber Penerangan", "Bahan Bakar Memasak",
    "Sumber Air Minum", "Memiliki Fasilitas Buang Air Besar", "Penerima BPNT", "Penerima BPUM",
    "Penerima BST", "Penerima PKH", "Penerima SEMBAKO", "Resiko Stunting", "Pensasaran",
]  # fmt: skip
P3KE_PERSON_DOCUMENTED = [
    "ID Keluarga", "Provinsi", "Kabupaten", "Kecamatan", "Desa", "Kode Kemendagri",
    "Desil Kesejahteraan", "Alamat", "ID Individu", "Nama", "NIK", "Padan Dukcapil",
    "Jenis Kelamin", "Hubungan Dengan Kepala Keluarga", "Tanggal Lahir", "Status Kawin",
    "Pekerjaan", "Pendidikan", "Usia <7", "Usia 7\u201312", "Usia 13\u201315", "Usia 16\u201318",
    "Usia 19\u201321", "Usia 22\u201359", "Usia \u226560", "Penerima BPNT", "BPUM", "BST", "PKH",
    "SEMBAKO", "Resiko Stunting", "Pensasaran",
]  # fmt: skip

LAYOUTS: dict[str, tuple[str, list[str]]] = {
    "DTSEN_HEADER": ("dtsen", DTSEN_HEADER),
    "P3KE_FAMILY_HEADER": ("p3ke_keluarga", P3KE_FAMILY_HEADER),
    "P3KE_PERSON_HEADER": ("p3ke_individu", P3KE_PERSON_HEADER),
    "DTKS_HEADER": ("dtks_siksng", DTKS_HEADER),
    "SURVEY_HEADER": ("susenas_rumah_tangga", SURVEY_HEADER),
    "poverty_lines.csv": ("garis_kemiskinan", _csv_header("poverty_lines.csv")),
    "opd_programs.csv": ("katalog_program_opd", _csv_header("opd_programs.csv")),
    "beras (typical)": ("bantuan_beras", BERAS_HEADER),
    "regsosek (item codes)": ("regsosek2022", REGSOSEK_HEADER),
    "P3KE Keluarga (DOMAIN 2.3)": ("p3ke_keluarga", P3KE_FAMILY_DOCUMENTED),
    "P3KE Individu (DOMAIN 2.3)": ("p3ke_individu", P3KE_PERSON_DOCUMENTED),
    **{f"PROGRAM_HEADERS[{k}]": (name, PROGRAM_HEADERS[k]) for k, name in PROGRAM_PROFILES.items()},
}


@pytest.fixture(scope="module")
def profiles() -> dict[str, Profile]:
    return load_profiles()


def _own_and_runner_up(header: list[str], name: str) -> tuple[HeaderMatch, HeaderMatch]:
    ranked = rank_profiles(header, load_profiles())
    own = next(m for m in ranked if m.profile.name == name)
    other = next(m for m in ranked if m.profile.name != name)
    return own, other


# -- the shipped files -----------------------------------------------------------------------


def test_every_shipped_file_is_a_profile(profiles: dict[str, Profile]) -> None:
    stems = {path.stem for path in SHIPPED_DIR.glob("*.toml")}
    assert set(profiles) == stems
    assert stems >= {
        "dtsen", "p3ke_keluarga", "p3ke_individu", "dtks_siksng", "regsosek2022", "pkh",
        "sembako", "pbi_jkn", "pip", "blt_dana_desa", "rtlh", "bpjs_ketenagakerjaan",
        "bantuan_beras", "susenas_rumah_tangga", "garis_kemiskinan", "katalog_program_opd",
    }  # fmt: skip


def test_every_mapped_field_exists_in_its_contract(profiles: dict[str, Profile]) -> None:
    for profile in profiles.values():
        contract = CONTRACTS[profile.contract]
        names = set(contract.names)
        assert set(profile.columns) <= names, profile.name
        assert set(profile.values) <= names, profile.name
        assert set(profile.constants) <= names, profile.name
        assert not set(profile.unmapped) & names, profile.name
        assert profile.title and profile.note and profile.source, profile.name
        assert profile.path.parent == SHIPPED_DIR
        # Fields a row cannot stand without must be reachable by a column or a constant.
        for field in contract.fields:
            if field.required:
                assert field.name in profile.columns or field.name in profile.constants, (
                    profile.name,
                    field.name,
                )


def test_program_lists_carry_their_program_code(profiles: dict[str, Profile]) -> None:
    receipts = {n: p for n, p in profiles.items() if p.contract == "program_receipt"}
    assert {n: p.constants["program"] for n, p in receipts.items()} == PROGRAM_CODES


def test_profiles_with_a_synthetic_layout_map_each_of_its_labels() -> None:
    """Every label of a synthetic file is a field or a known column of its layout."""
    for label, (name, header) in LAYOUTS.items():
        own, _ = _own_and_runner_up(header, name)
        assert own.unmatched == [], label
        assert set(own.mapping.values()) | set(own.ignored) == set(header), label
        assert all(header[own.positions[f]] == text for f, text in own.mapping.items())


# -- recognising layouts ---------------------------------------------------------------------


@pytest.mark.parametrize("label", list(LAYOUTS))
def test_each_layout_is_recognised_as_its_own_profile(label: str) -> None:
    name, header = LAYOUTS[label]
    ranked = rank_profiles(header, load_profiles())
    best, runner_up = ranked[0], ranked[1]
    assert best.profile.name == name
    assert best.score >= AUTO_THRESHOLD
    assert best.score - runner_up.score >= AUTO_MARGIN
    assert choose_profile(ranked) is best
    assert best.describe().startswith(f"cocok dengan profil {best.profile.title} (")


def test_threshold_sits_between_other_profiles_and_own_profiles() -> None:
    """The measured spread that AUTO_THRESHOLD and AUTO_MARGIN are chosen from."""
    own_scores, other_scores, margins = [], [], []
    for name, header in LAYOUTS.values():
        own, other = _own_and_runner_up(header, name)
        own_scores.append(own.score)
        other_scores.append(other.score)
        margins.append(own.score - other.score)
    assert min(own_scores) >= 0.78
    assert max(other_scores) <= 0.75
    assert min(margins) >= 0.15


def test_area_and_payment_columns_map_as_documented() -> None:
    def mapping(name: str, header: list[str]) -> dict[str, str]:
        return match_header(header, load_profiles()[name]).mapping

    assert mapping("dtsen", DTSEN_HEADER)["area_code"] == "kode_desa"
    assert mapping("dtsen", DTSEN_HEADER)["village_name"] == "nama_desa"
    assert mapping("p3ke_keluarga", P3KE_FAMILY_HEADER)["area_code"] == "Kode Kemendagri"
    assert mapping("p3ke_keluarga", P3KE_FAMILY_HEADER)["head_nik"] == "NIK"
    dtks = mapping("dtks_siksng", DTKS_HEADER)
    assert "area_code" not in dtks and dtks["village_name"] == "desa_kelurahan"
    pkh = mapping("pkh", PROGRAM_HEADERS["pkh"])
    assert (pkh["period"], pkh["amount"], pkh["paid_on"]) == ("TAHAP", "NOMINAL", "TANGGAL_SALUR")
    pbi = mapping("pbi_jkn", PROGRAM_HEADERS["pbi"])
    assert (pbi["member_id"], pbi["component"], pbi["area_code"]) == ("NOKA", "SEGMEN", "KD_DESA")
    pip = mapping("pip", PROGRAM_HEADERS["pip"])
    assert (pip["member_id"], pip["component"]) == ("NISN", "Jenjang")
    blt = mapping("blt_dana_desa", PROGRAM_HEADERS["blt_dd"])
    assert (blt["component"], blt["period"], blt["amount"]) == ("kriteria", "bulan", "jumlah")
    bpjs = mapping("bpjs_ketenagakerjaan", PROGRAM_HEADERS["bpjs_tk"])
    assert (bpjs["component"], bpjs["funding_source"]) == ("PROGRAM", "SUMBER DANA")
    beras = mapping("bantuan_beras", BERAS_HEADER)
    assert (beras["amount"], beras["period"]) == ("JUMLAH (kg)", "TAHAP")
    catalog = mapping("katalog_program_opd", _csv_header("opd_programs.csv"))
    assert (catalog["budget"], catalog["strategy"]) == ("budget_idr", "strategy_inpres_8_2025")


def test_header_key_normalises_case_punctuation_and_spaces() -> None:
    assert header_key("No. KK") == header_key("NO_KK") == header_key(" no  kk ") == "no kk"
    assert header_key("Kabupaten/Kota") == "kabupaten kota"
    assert header_key("Usia 7\u201312") == header_key("Usia 7-12") == "usia 7 12"
    assert header_key("\ufeffNIK") == "nik"  # a UTF-8 BOM glued to the first CSV header
    assert header_key("Tanggal\nLahir") == "tanggal lahir"  # wrapped header cell
    assert value_key("  istri/suami ") == "ISTRI/SUAMI"


@pytest.mark.parametrize(
    "variant",
    [
        pytest.param(lambda label: label.upper(), id="upper"),
        pytest.param(lambda label: label.lower().replace(" ", "_"), id="snake"),
        pytest.param(lambda label: f" {label}  ", id="padded"),
    ],
)
def test_header_variants_still_match(variant: object) -> None:
    assert callable(variant)
    for name, header in (
        ("p3ke_individu", P3KE_PERSON_HEADER),
        ("p3ke_keluarga", P3KE_FAMILY_HEADER),
        ("dtsen", DTSEN_HEADER),
        ("rtlh", PROGRAM_HEADERS["rtlh"]),
    ):
        changed = [variant(label) for label in header]
        exact = match_header(header, load_profiles()[name])
        ranked = rank_profiles(changed, load_profiles())
        assert ranked[0].profile.name == name
        assert ranked[0].score == pytest.approx(exact.score)


def test_alias_variants_seen_in_the_wild_match() -> None:
    header = [
        "No", "No. KK", "NIK KTP", "Nama Pengurus", "Kec.", "Desa/Kelurahan", "Alamat",
        "Tahap Penyaluran", "Nominal Bantuan", "Tgl Salur",
    ]  # fmt: skip
    ranked = rank_profiles(header, load_profiles())
    best = choose_profile(ranked)
    assert best is not None and best.profile.name == "pkh"
    assert best.mapping["kk"] == "No. KK"
    assert best.mapping["nik"] == "NIK KTP"
    assert best.mapping["district_name"] == "Kec."
    assert best.ignored == ["No"]  # the row-number column is neither a field nor unknown
    assert best.unmatched == []


def test_row_number_column_does_not_lower_the_score() -> None:
    pkh = load_profiles()["pkh"]
    plain = match_header(PROGRAM_HEADERS["pkh"], pkh)
    numbered = match_header(["NO", *PROGRAM_HEADERS["pkh"]], pkh)
    assert numbered.score == pytest.approx(plain.score)
    assert numbered.positions["kk"] == plain.positions["kk"] + 1


def test_unrelated_header_scores_below_threshold_and_lists_the_columns() -> None:
    header = ["Nama Barang", "Harga Satuan", "Stok", "Gudang"]
    ranked = rank_profiles(header, load_profiles())
    assert all(m.score == 0 for m in ranked)
    assert choose_profile(ranked) is None
    assert ranked[0].unmatched == header

    half = ["NIK", "Nama", "Hobi", "Warna Favorit", "Golongan Darah", "Nomor Sepatu"]
    ranked = rank_profiles(half, load_profiles())
    assert ranked[0].score < AUTO_THRESHOLD
    assert choose_profile(ranked) is None
    assert ranked[0].unmatched == ["Hobi", "Warna Favorit", "Golongan Darah", "Nomor Sepatu"]
    assert "di bawah ambang" in ranked[0].describe()
    assert "below" in ranked[0].describe(english=True)


def test_a_list_of_only_shared_columns_is_not_guessed() -> None:
    """NIK, nama, KK and desa fit every program list; the program must not be guessed."""
    ranked = rank_profiles(["NIK", "NAMA", "NO KK", "KODE DESA", "ALAMAT"], load_profiles())
    assert ranked[0].score - ranked[1].score < AUTO_MARGIN
    assert choose_profile(ranked) is None


def test_repeated_label_maps_its_first_column() -> None:
    match = match_header(["NIK", "NAMA", "NIK"], load_profiles()["pbi_jkn"])
    assert match.positions["nik"] == 0
    assert match.unmatched == ["NIK"]


def test_earliest_alias_wins_when_a_file_has_two_candidates() -> None:
    catalog = load_profiles()["katalog_program_opd"]
    match = match_header(["kode", "Kode Rekening", "Program", "Tahun", "OPD"], catalog)
    assert match.mapping["program_code"] == "Kode Rekening"
    assert match.unmatched == ["kode"]


# -- value aliases ---------------------------------------------------------------------------


def test_values_written_by_each_source_resolve_to_codes(profiles: dict[str, Profile]) -> None:
    p3ke = profiles["p3ke_individu"]
    for code, label in codes.RELATIONSHIP.items():
        assert p3ke.aliases("relationship")[value_key(label)] == str(code)
    for code, label in codes.MARITAL.items():
        assert p3ke.aliases("marital_status")[value_key(label)] == str(code)
    assert p3ke.aliases("sex")[value_key("Laki-laki")] == "L"
    assert p3ke.aliases("sex")[value_key("Perempuan")] == "P"
    for flag, value in (("YA", "true"), ("TIDAK", "false"), ("Ya", "true"), ("Tidak", "false")):
        assert p3ke.aliases("padan_dukcapil")[value_key(flag)] == value
        assert p3ke.aliases("receives_pkh")[value_key(flag)] == value

    dtks = profiles["dtks_siksng"]
    for code, label in codes.RELATIONSHIP.items():
        assert dtks.aliases("relationship")[label.upper()] == str(code)
    assert dtks.aliases("sex")["LAKI-LAKI"] == "L"

    dtsen = profiles["dtsen"]
    assert dtsen.aliases("sex")["1"] == "L" and dtsen.aliases("sex")["2"] == "P"
    assert dtsen.aliases("relationship")["8"] == "8"
    assert dtsen.aliases("relationship")["08"] == "8"
    # Regsosek flags are 1 = ya, 2 = tidak: "2" means no, not an invalid value.
    assert dtsen.aliases("disability")["1"] == "true"
    assert dtsen.aliases("disability")["2"] == "false"

    survey = profiles["susenas_rumah_tangga"]
    assert survey.aliases("urban")["1"] == "urban" and survey.aliases("urban")["2"] == "rural"
    assert profiles["garis_kemiskinan"].aliases("area_type")["K+D"] == "total"


def test_aliases_of_fields_without_codes_and_unknown_fields(profiles: dict[str, Profile]) -> None:
    assert profiles["dtsen"].aliases("name") == {}
    with pytest.raises(KeyError):
        profiles["dtsen"].aliases("no_such_field")


# -- finding the header row ------------------------------------------------------------------


def _p3ke_rows(kind: str, header: list[str]) -> list[list[str | None]]:
    """The top of a P3KE workbook as the synthetic exporter lays it out (header on row 12)."""
    title = [
        "DATA PENSASARAN PERCEPATAN PENGHAPUSAN KEMISKINAN EKSTREM (P3KE)",
        "KEMENTERIAN KOORDINATOR BIDANG PEMBANGUNAN MANUSIA DAN KEBUDAYAAN",
        f"DATA {kind.upper()}",
        "",
        "PROVINSI       : NUSA TENGGARA BARAT",
        "KABUPATEN/KOTA : KABUPATEN DOMPU",
        "KECAMATAN      : HU'U",
        "Sumber data    : Pendataan Keluarga BKKBN 2021, pemeringkatan TNP2K",
        "RAHASIA - data pribadi, hanya untuk keperluan penanggulangan kemiskinan",
    ]
    rows: list[list[str | None]] = [[line] for line in title]
    rows.append([])
    group: list[str | None] = [None] * len(header)
    group[header.index("Penerima BPNT")] = "Penerima Bantuan"
    if "Usia < 7" in header:
        group[header.index("Usia < 7")] = "Kelompok Usia"
    rows.append(group)
    rows.append(list(header))
    sample = {
        "Provinsi": "NUSA TENGGARA BARAT", "Kabupaten/Kota": "KABUPATEN DOMPU",
        "Kecamatan": "Hu'u", "Desa/Kelurahan": "Daha", "Jenis Kelamin": "Perempuan",
        "Hubungan Dengan Kepala Keluarga": "Kepala Keluarga", "Status Kawin": "Cerai Mati",
        "Padan Dukcapil": "Ya", "Pekerjaan": "Petani/Pekebun", "Kepemilikan Rumah": "Milik Sendiri",
    }  # fmt: skip
    for n in range(3):
        rows.append([sample.get(label, "YA" if n % 2 else "3") for label in header])
    return rows


@pytest.mark.parametrize(
    ("kind", "header", "name"),
    [
        ("keluarga", P3KE_FAMILY_HEADER, "p3ke_keluarga"),
        ("individu", P3KE_PERSON_HEADER, "p3ke_individu"),
    ],
)
def test_p3ke_title_block_is_skipped(kind: str, header: list[str], name: str) -> None:
    rows = _p3ke_rows(kind, header)
    found = find_header_row(rows, 1, load_profiles())
    assert found is not None
    row, match = found
    assert row == 12
    assert match.profile.name == name
    # The same rows read from row 5 on (a reader that skipped four lines) keep sheet numbering.
    later = find_header_row(rows[4:], 5, load_profiles())
    assert later is not None and later[0] == 12
    # The user named the profile: the header row is the same.
    named = find_header_row(rows, 1, {name: load_profiles()[name]})
    assert named is not None and named[0] == 12 and named[1].profile.name == name


def test_program_workbook_header_under_its_title() -> None:
    rows: list[list[str | None]] = [
        ["DAFTAR PENERIMA SEMBAKO TAHUN 2025"],
        ["Kabupaten Dompu"],
        [""],
        list(PROGRAM_HEADERS["sembako"]),
        ["5205011234560001", "Siti Aminah", "5205010101100001", "52.05.01.2001", "Daha"],
    ]
    found = find_header_row(rows, 1, load_profiles())
    assert found is not None
    assert found[0] == 4 and found[1].profile.name == "sembako"


def test_no_header_row_in_titles_only() -> None:
    rows: list[list[str | None]] = [["LAPORAN KEUANGAN"], [None, None], ["Disusun oleh: Bappeda"]]
    assert find_header_row(rows, 1, load_profiles()) is None
    assert find_header_row([], 1, load_profiles()) is None


# -- user profiles ---------------------------------------------------------------------------

MINIMAL = """
[profile]
name = "{name}"
title = "Bantuan modal usaha (Diskop)"
contract = "program_receipt"
source = "{name}"

[constants]
program = "modal_usaha"

[columns]
nik = ["NIK"]
name = ["Nama Pelaku Usaha"]
amount = ["Nilai Hibah"]
"""


def test_user_profile_is_added_and_same_name_overrides(tmp_path: Path) -> None:
    (tmp_path / "modal_usaha.toml").write_text(MINIMAL.format(name="modal_usaha"), "utf-8")
    override = MINIMAL.format(name="pkh").replace('"modal_usaha"', '"pkh"')
    (tmp_path / "pkh.toml").write_text(override, "utf-8")
    profiles = load_profiles([tmp_path, tmp_path / "does-not-exist"])
    assert profiles["modal_usaha"].title == "Bantuan modal usaha (Diskop)"
    assert profiles["pkh"].path == tmp_path / "pkh.toml"
    assert profiles["pkh"].columns["name"] == ("Nama Pelaku Usaha",)
    best = rank_profiles(["NIK", "Nama Pelaku Usaha", "Nilai Hibah"], profiles)[0]
    assert best.profile.name in {"modal_usaha", "pkh"} and best.score == 1.0
    # The shipped set is cached, not changed by a user's folder.
    assert load_profiles()["pkh"].path == SHIPPED_DIR / "pkh.toml"


def test_later_folder_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, title in ((first, "Pertama"), (second, "Kedua")):
        folder.mkdir()
        text = MINIMAL.format(name="modal_usaha").replace("Bantuan modal usaha (Diskop)", title)
        (folder / "modal_usaha.toml").write_text(text, "utf-8")
    assert load_profiles([first, second])["modal_usaha"].title == "Kedua"


NIK = '[columns]\nnik = "NIK"\n'
HEAD = '[profile]\nname = "bad"\ntitle = "Rusak"\ncontract = "person"\nsource = "bad"\n'

BROKEN = {
    "toml syntax": (HEAD + '[columns]\nnik = ["NIK" "NKK"]\n', "PROFILE_TOML", "baris 7"),
    "unknown contract": (
        HEAD.replace('"person"', '"orang"') + '[columns]\nnik = ["NIK"]\n',
        "PROFILE_CONTRACT",
        "profile.contract",
    ),
    "column not a field": (HEAD + '[columns]\nnomor = ["NIK"]\n', "PROFILE_FIELD", "columns.nomor"),
    "values field unknown": (
        HEAD + '[columns]\nnik = ["NIK"]\n[values.jk]\nL = ["Lk"]\n',
        "PROFILE_FIELD",
        "values.jk",
    ),
    "values code unknown": (
        HEAD + '[columns]\nsex = ["JK"]\n[values.sex]\nX = ["Lainnya"]\n',
        "PROFILE_CODE",
        "values.sex.X",
    ),
    "values on a text field": (
        HEAD + '[columns]\nname = ["Nama"]\n[values.name]\nA = ["B"]\n',
        "PROFILE_CODE",
        "values.name",
    ),
    "constant not a field": (
        HEAD + '[columns]\nnik = ["NIK"]\n[constants]\nprogram = "pkh"\n',
        "PROFILE_FIELD",
        "constants.program",
    ),
    "field mapped twice": (
        HEAD + '[columns]\nnik = ["NIK"]\n[constants]\nnik = "1"\n',
        "PROFILE_DUPLICATE",
        "constants.nik",
    ),
    "alias of two fields": (
        HEAD + '[columns]\nkk = ["No KK"]\nfamily_id = ["NO_KK"]\n',
        "PROFILE_DUPLICATE",
        "columns.family_id",
    ),
    "alias shared with an unmapped column": (
        HEAD + '[columns]\nkk = ["No KK"]\n[unmapped]\nnomor_kk = ["No. KK"]\n',
        "PROFILE_DUPLICATE",
        "unmapped.nomor_kk",
    ),
    "unmapped key is a field": (
        HEAD + '[columns]\nnik = ["NIK"]\n[unmapped]\nname = ["Nama"]\n',
        "PROFILE_FIELD",
        "unmapped.name",
    ),
    "value alias is another code": (
        HEAD + '[columns]\nsex = ["JK"]\n[values.sex]\nL = ["P"]\n',
        "PROFILE_CODE",
        "values.sex.L",
    ),
    "constant not a code": (
        HEAD + '[columns]\nnik = ["NIK"]\n[constants]\nsex = "X"\n',
        "PROFILE_CODE",
        "constants.sex",
    ),
    "missing name": (HEAD.replace('name = "bad"\n', "") + NIK, "PROFILE_MISSING", "profile.name"),
    "missing contract": (
        HEAD.replace('contract = "person"\n', "") + NIK,
        "PROFILE_MISSING",
        "profile.contract",
    ),
    "missing source": (
        HEAD.replace('source = "bad"\n', "") + NIK,
        "PROFILE_MISSING",
        "profile.source",
    ),
    "name not the file stem": (
        HEAD.replace('name = "bad"', 'name = "lain"') + NIK,
        "PROFILE_NAME",
        "profile.name",
    ),
    "unknown section": (HEAD + '[column]\nnik = ["NIK"]\n', "PROFILE_KEY", "[column]"),
    "empty alias list": (HEAD + "[columns]\nnik = []\n", "PROFILE_TYPE", "columns.nik"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_profile_is_refused_naming_file_and_key(tmp_path: Path, case: str) -> None:
    text, code, key = BROKEN[case]
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    error = caught.value
    assert "bad.toml" in str(error) and "bad.toml" in error.english
    assert str(error).startswith("Profil pemetaan")
    assert key in str(error)
    assert error.code == code


def test_broken_user_profile_stops_loading(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(HEAD + '[columns]\nnomor = ["NIK"]\n', "utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml"):
        load_profiles([tmp_path])


def test_all_problems_of_a_file_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(HEAD + '[columns]\nnomor = ["NIK"]\nnama = ["Nama"]\n', "utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    assert [key for key, _, _ in caught.value.problems] == ["columns.nomor", "columns.nama"]
