"""Kemendagri area codes: format, look-ups, tree walks, scope tests and names."""

from __future__ import annotations

import pytest

from sinergi.domain import wilayah
from sinergi.domain.wilayah import Level, WilayahError

# --- the shipped list ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "count"),
    [
        (Level.PROVINCE, 38),
        (Level.REGENCY, 514),
        (Level.DISTRICT, 7277),
        (Level.VILLAGE, 83763),
    ],
)
def test_the_list_has_the_documented_number_of_areas(level: Level, count: int) -> None:
    """SOURCE.md states the row counts; a different count means the data changed."""
    assert len(wilayah.areas(level)) == count


def test_regency_kind_follows_the_code_and_the_name() -> None:
    """416 kabupaten (01-69) and 98 kota (71-99), each named with its prefix."""
    regencies = wilayah.areas(Level.REGENCY)

    kinds = [area.kind for area in regencies]

    assert kinds.count("kabupaten") == 416
    assert kinds.count("kota") == 98
    for area in regencies:
        assert (area.kind == "kota") is (int(area.code[3:5]) >= 71)
        assert area.name.startswith("KOTA " if area.kind == "kota" else "KABUPATEN ")


def test_village_kind_comes_from_the_first_digit_of_the_village_part() -> None:
    villages = wilayah.areas(Level.VILLAGE)

    kinds = [area.kind for area in villages]

    assert kinds.count("kelurahan") == 8498
    assert kinds.count("desa") == 75251
    assert kinds.count("desa_adat") == 14
    assert all(area.name.startswith("Desa Adat") for area in villages if area.kind == "desa_adat")


def test_every_area_has_an_existing_parent_one_level_up() -> None:
    for level in (Level.REGENCY, Level.DISTRICT, Level.VILLAGE):
        for area in wilayah.areas(level):
            assert area.parent_code is not None
            assert area.code.rsplit(".", 1)[0] == area.parent_code
            assert wilayah.exists(area.parent_code)


def test_names_with_quotes_survive_csv_reading() -> None:
    """Some Madurese village names contain a double quote mid-field."""
    assert wilayah.get("35.13.15.2017").name == 'Soka"an'


# --- normalise_code --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("52", "52"),
        ("5205", "52.05"),
        ("520501", "52.05.01"),
        ("5205012008", "52.05.01.2008"),
        ("52.05.01.2008", "52.05.01.2008"),
        (" 52.05 ", "52.05"),
        ("\t520501\n", "52.05.01"),
        (5205012008, "52.05.01.2008"),
        (52, "52"),
        ("99.99", "99.99"),  # well-formed, even though no such regency exists
    ],
)
def test_normalise_code_accepts_dotted_plain_and_int(value: str | int, expected: str) -> None:
    assert wilayah.normalise_code(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "5",
        "520",  # 3 digits
        "52050",
        "52050120",  # 8 digits
        "520501200812",
        "52.0",
        "52.5",
        "5205.01",  # half dotted
        "52.05.01.20081",
        "52.05.",
        ".52",
        "52-05",
        "52 05",
        "ab",
        "５２",  # full-width digits
        520,
        -52,
        True,
        5.2,
        None,
    ],
)
def test_normalise_code_rejects_other_shapes(value: object) -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.normalise_code(value)  # type: ignore[arg-type]

    assert caught.value.code == "WILAYAH_BAD_FORMAT"
    assert "52.05.01.2001" in str(caught.value)  # shows the accepted shapes
    assert "52.05.01.2001" in caught.value.english


def test_bad_format_message_names_the_value() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.normalise_code("52.0")

    assert str(caught.value).startswith("Kode wilayah '52.0' tidak berformat benar.")
    assert caught.value.english.startswith("Area code '52.0' is malformed.")


# --- get, find, exists -----------------------------------------------------------------------


def test_get_returns_the_area_for_any_spelling_of_its_code() -> None:
    for spelling in ("52.05", "5205", 5205, " 52.05 "):
        area = wilayah.get(spelling)

        assert area == wilayah.Area("52.05", "KABUPATEN DOMPU", Level.REGENCY, "52", "kabupaten")


def test_get_unknown_code_names_the_code_and_the_nearest_known_area() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.get("5205990001")

    error = caught.value
    assert error.code == "WILAYAH_UNKNOWN"
    assert str(error).startswith(
        "Kode wilayah 52.05.99.0001 tidak ada dalam daftar kode Kemendagri yang dipakai Sinergi. "
        "Kab. Dompu (52.05) ada, tetapi 52.05.99.0001 tidak ada di dalamnya."
    )
    assert "Kab. Dompu (52.05) exists but has no 52.05.99.0001." in error.english


def test_get_unknown_province_has_no_nearest_area() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.get("99")

    assert caught.value.code == "WILAYAH_UNKNOWN"
    assert " ada, tetapi " not in str(caught.value)


def test_find_and_exists_tell_absence_from_bad_format() -> None:
    assert wilayah.find("52.05.01.1001") == wilayah.get("52.05.01.1001")
    assert wilayah.find("52.05.01.2001") is None  # Kec. Dompu's desa start at 2007
    assert wilayah.exists("52.72") is True
    assert wilayah.exists("52.99") is False
    with pytest.raises(WilayahError, match="tidak berformat benar"):
        wilayah.exists("52.9")


# --- tree walks ------------------------------------------------------------------------------


def test_parent_and_ancestors_go_up_to_the_province() -> None:
    parent = wilayah.parent("52.05.01.2008")
    chain = wilayah.ancestors("5205012008")

    assert parent is not None
    assert parent.code == "52.05.01"
    assert [area.code for area in chain] == ["52", "52.05", "52.05.01"]
    assert wilayah.parent("52") is None
    assert wilayah.ancestors("52") == []


def test_children_are_one_level_down_and_sorted() -> None:
    regencies = wilayah.children("52")
    villages = wilayah.children("52.05.01")

    assert all(area.level is Level.REGENCY for area in regencies)
    assert [area.code for area in regencies] == sorted(area.code for area in regencies)
    assert {"52.05", "52.06", "52.72"} <= {area.code for area in regencies}
    assert [area.code for area in villages][:2] == ["52.05.01.1001", "52.05.01.1002"]
    assert len(villages) == 15
    assert wilayah.children("52.05.01.2008") == []


def test_children_of_an_unknown_code_raise() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.children("52.99")

    assert caught.value.code == "WILAYAH_UNKNOWN"


def test_villages_of_collects_every_village_below_any_level() -> None:
    # given
    districts = wilayah.children("52.05")

    # when
    villages = wilayah.villages_of("52.05")

    # then
    expected = [village for d in districts for village in wilayah.children(d.code)]
    assert villages == expected
    assert all(area.code.startswith("52.05.") for area in villages)
    assert len(wilayah.villages_of("52")) == sum(
        len(wilayah.villages_of(regency.code)) for regency in wilayah.children("52")
    )
    assert wilayah.villages_of("52.05.01.2008") == [wilayah.get("52.05.01.2008")]


def test_villages_of_does_not_spill_into_the_next_area() -> None:
    """The last district of Kab. Dompu is followed by Kab. Bima's first; neither leaks."""
    dompu = wilayah.villages_of("52.05")
    bima = wilayah.villages_of("52.06")

    assert not {area.code for area in dompu} & {area.code for area in bima}
    assert dompu[-1].code < bima[0].code


# --- format-only helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("52", Level.PROVINCE),
        ("5205", Level.REGENCY),
        ("52.05.01", Level.DISTRICT),
        (5205012008, Level.VILLAGE),
    ],
)
def test_level_of_reads_the_level_from_the_shape(code: str | int, level: Level) -> None:
    assert wilayah.level_of(code) is level


def test_kelurahan_and_desa_in_kecamatan_dompu() -> None:
    """Bada (1001) is a kelurahan, Katua (2008) a desa."""
    bada, katua = wilayah.get("52.05.01.1001"), wilayah.get("52.05.01.2008")

    assert (bada.name, bada.kind) == ("Bada", "kelurahan")
    assert (katua.name, katua.kind) == ("Katua", "desa")
    assert wilayah.is_kelurahan("52.05.01.1001") is True
    assert wilayah.is_kelurahan("5205011001") is True
    assert wilayah.is_kelurahan("52.05.01.2008") is False
    assert wilayah.is_kelurahan("52.05.01") is False
    assert wilayah.is_kelurahan("52.05") is False


@pytest.mark.parametrize(
    ("code", "prefix", "inside"),
    [
        ("52.05.01.2008", "52.05", True),
        ("52.05.01.2008", "52", True),
        ("5205012008", 520501, True),
        ("52.05.01.2008", "52.05.01.2008", True),
        ("52.05", "52.05.01", False),  # a regency is not inside its district
        ("52.05.01.2008", "52.06", False),
        ("52.05.01.2008", "52.05.02", False),
        ("52.72", "52.07", False),
        ("53.05", "52", False),
    ],
)
def test_is_within_compares_whole_segments(
    code: str | int, prefix: str | int, inside: bool
) -> None:
    assert wilayah.is_within(code, prefix) is inside


@pytest.mark.parametrize(
    ("code", "prefix"), [("52.72", "52.7"), ("52.05.10", "52.05.1"), ("52.05", "5")]
)
def test_is_within_rejects_partial_prefixes(code: str, prefix: str) -> None:
    """A raw string test would call 52.72 inside "52.7"; partial segments are refused."""
    with pytest.raises(WilayahError) as caught:
        wilayah.is_within(code, prefix)

    assert caught.value.code == "WILAYAH_BAD_FORMAT"


# --- Area ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("52", "Prov. Nusa Tenggara Barat"),
        ("31", "Prov. DKI Jakarta"),
        ("52.05", "Kab. Dompu"),
        ("52.72", "Kota Bima"),
        ("31.71", "Kota Administrasi Jakarta Pusat"),
        ("52.05.01", "Kec. Dompu"),
        ("52.05.01.2008", "Desa Katua"),
        ("52.05.01.1001", "Kel. Bada"),
        ("91.03.01.3007", "Desa Adat Yoboi"),  # not "Desa Adat Desa Adat Yoboi"
    ],
)
def test_label_is_the_short_name_people_write(code: str, label: str) -> None:
    assert wilayah.get(code).label == label


def test_area_digits_and_immutability() -> None:
    area = wilayah.get("52.05.01.2008")

    assert area.digits == "5205012008"
    with pytest.raises(AttributeError):
        area.name = "Other"  # type: ignore[misc]


# --- lookup_name -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kota Bima", "52.72"),
        ("KOTA   BIMA", "52.72"),
        ("kota bima.", "52.72"),
        ("Kabupaten Bima", "52.06"),
        ("Kab. Bima", "52.06"),
        ("kab bima", "52.06"),
        ("Kab.Bima", "52.06"),
        ("Provinsi Nusa Tenggara Barat", "52"),
        ("Prov. Nusa Tenggara Barat", "52"),
        ("nusa tenggara barat", "52"),
        ("Jakarta Pusat", "31.71"),
        ("Kota Adm. Jakarta Pusat", "31.71"),
        ("Kecamatan Dompu", "52.05.01"),
        ("Kec. Dompu", "52.05.01"),
        ("Desa Adat Yoboi", "91.03.01.3007"),
        ("Yoboi", "91.03.01.3007"),
    ],
)
def test_lookup_name_normalises_and_uses_type_words(name: str, code: str) -> None:
    assert wilayah.lookup_name(name).code == code


def test_kota_and_kabupaten_bima_stay_apart_and_bare_bima_is_ambiguous() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.lookup_name("Bima")

    error = caught.value
    assert error.code == "WILAYAH_NAME_AMBIGUOUS"
    assert error.candidates == ("52.06", "52.72")
    assert str(error).startswith(
        "Nama wilayah 'Bima' cocok dengan 2 wilayah: "
        "52.06 Kab. Bima (Prov. Nusa Tenggara Barat); "
        "52.72 Kota Bima (Prov. Nusa Tenggara Barat). "
        "Persempit dengan within="
    )
    assert "within=" in error.english


def test_kota_prefix_never_matches_a_kabupaten() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.lookup_name("Kota Dompu")

    assert caught.value.code == "WILAYAH_NAME_UNKNOWN"
    assert str(caught.value).startswith("Nama wilayah 'Kota Dompu' tidak ditemukan.")


def test_same_village_name_in_two_districts_needs_within() -> None:
    # given: O'o is a desa in Kec. Dompu and in Kec. Donggo (Kab. Bima)
    name = "O'o"

    # when
    with pytest.raises(WilayahError) as caught:
        wilayah.lookup_name(name)

    # then
    assert caught.value.candidates == ("52.05.01.2007", "52.06.08.2007")
    assert "52.05.01.2007 Desa O'o (Kec. Dompu, Kab. Dompu, Prov. Nusa Tenggara Barat)" in str(
        caught.value
    )
    assert wilayah.lookup_name(name, within="52.05").code == "52.05.01.2007"
    assert wilayah.lookup_name("oo", within=5206).code == "52.06.08.2007"


def test_very_common_names_list_the_first_ten_and_count_the_rest() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.lookup_name("Sidomulyo")

    assert len(caught.value.candidates) == 99
    assert "; dan 89 lainnya." in str(caught.value)
    assert "; and 89 more." in caught.value.english


def test_level_narrows_a_name_shared_by_regency_and_district() -> None:
    assert wilayah.lookup_name("Dompu", level=Level.DISTRICT).code == "52.05.01"
    assert wilayah.lookup_name("Dompu", level=Level.REGENCY).code == "52.05"


def test_village_type_word_prefers_the_kind_but_tolerates_a_wrong_one() -> None:
    """People often write "desa" for a kelurahan; the name still finds it."""
    assert wilayah.lookup_name("Kelurahan Bada", within="52.05").code == "52.05.01.1001"
    assert wilayah.lookup_name("Desa Bada", within="52.05").code == "52.05.01.1001"
    assert wilayah.lookup_name("Kel. Katua", within="52.05.01").code == "52.05.01.2008"


def test_unknown_name_inside_a_scope_names_the_scope() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.lookup_name("Katua", within="52.06")

    assert caught.value.code == "WILAYAH_NAME_UNKNOWN"
    assert "di dalam Kab. Bima (52.06)" in str(caught.value)
    assert "inside Kab. Bima (52.06)" in caught.value.english


def test_empty_name_is_unknown() -> None:
    with pytest.raises(WilayahError) as caught:
        wilayah.lookup_name("  ")

    assert caught.value.code == "WILAYAH_NAME_UNKNOWN"
