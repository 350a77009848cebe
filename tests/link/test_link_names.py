"""Name normalisation for linkage: titles, patronymics, canonical forms, old spelling, the key."""

from __future__ import annotations

import re

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sinergi.pipeline.link import names as names_module
from sinergi.pipeline.link.names import (
    NAME_COLUMNS,
    normalise_name,
    normalise_names,
    phonetic_key,
)

# (raw, name_norm, patronym)
CASES: list[tuple[str, str, str | None]] = [
    # Step 1: case, punctuation, accents, apostrophes, digits, the comma part
    ("  siti   aminah\t", "SITI AMINAH", None),
    ("Siti-Aminah", "SITI AMINAH", None),
    ('(Ahmad) "Fauzi"/Rahman', "AHMAD FAUZI RAHMAN", None),
    ("Nur’aini", "NURAINI", None),
    ("Nur'aini", "NURAINI", None),
    ("Ma`ruf Amin", "MARUF AMIN", None),
    ("Ṣiti Ḥalimah", "SITI HALIMAH", None),
    ("José Rizal", "JOSE RIZAL", None),
    ("1. Ahmad Fauzi", "AHMAD FAUZI", None),
    ("Ahmad2 Fauzi", "AHMAD FAUZI", None),
    ("Ahmad Fauzi, S.Pd.", "AHMAD FAUZI", None),
    ("Budi Santoso, S.E., M.M.", "BUDI SANTOSO", None),
    # Step 2: titles and degrees, before, after and in the middle
    ("H. Abdul Rahman", "ABDUL RAHMAN", None),
    ("Hj. Siti Aminah", "SITI AMINAH", None),
    ("Drs. H. Muhammad Yusuf", "MUHAMMAD YUSUF", None),
    ("Dra. Nurhayati", "NURHAYATI", None),
    ("Dr. Ir. Bambang Sutrisno", "BAMBANG SUTRISNO", None),
    ("Prof. Dr. Ahmad Syafii", "AHMAD SYAFII", None),
    ("Ahmad Fauzi S.Pd", "AHMAD FAUZI", None),
    ("Rina Wati S.Pd.I", "RINA WATI", None),
    ("Budi Santoso S.E.", "BUDI SANTOSO", None),
    ("Budi Santoso S.H. M.H.", "BUDI SANTOSO", None),
    ("Lalu Ahmad S.Sos M.Si", "LALU AHMAD", None),
    ("Rahmat A.Md.", "RAHMAT", None),
    ("TGH. Muhammad Zainul Majdi", "MUHAMMAD ZAINUL MAJDI", None),
    ("Almarhum Ahmad Dahlan", "AHMAD DAHLAN", None),
    ("Almh. Siti Rahmah", "SITI RAHMAH", None),
    ("Ny. Sri Wahyuni", "SRI WAHYUNI", None),
    ("Ahmad H.", "AHMAD", None),
    ("Ustadz Abdul Somad", "ABDUL SOMAD", None),
    ("KH. Hasyim Asyari", "HASYIM ASYARI", None),
    ("K.H. Ma'ruf Amin", "MARUF AMIN", None),
    ("K. Hidayat", "K HIDAYAT", None),
    ("Bapak Slamet", "SLAMET", None),
    ("Ibu Sumarni", "SUMARNI", None),
    # ... a name that is only a title keeps its tokens
    ("H.", "H", None),
    ("Drs.", "DRS", None),
    ("S.Pd", "S PD", None),
    # ... Sasak name parts are not titles
    ("Amaq Sahnan", "AMAQ SAHNAN", None),
    ("Inaq Rahmah", "INAQ RAHMAH", None),
    ("Baiq Nurul Aini", "BAIQ NURUL AINI", None),
    # Step 3: patronymics
    ("Ahmad bin Abdullah", "AHMAD", "ABDULLAH"),
    ("Siti Aisyah binti Moh. Saleh", "SITI AISYAH", "MUHAMMAD SALEH"),
    ("Fatimah bt Djamaluddin", "FATIMAH", "JAMALUDDIN"),
    ("Nurul bte Ismail", "NURUL", "ISMAIL"),
    ("Ahmad bin Ali bin Abu Bakar", "AHMAD", "ALI"),
    ("H. Umar bin H. Usman", "UMAR", "USMAN"),
    ("Almarhum Achmad bin Abdullah", "AHMAD", "ABDULLAH"),
    ("Ahmad bin", "AHMAD", None),
    ("Bin Laden", "BIN LADEN", None),
    ("Bintang Pratama", "BINTANG PRATAMA", None),
    ("Ahmad Bintoro", "AHMAD BINTORO", None),
    # Step 4: canonical forms, whole tokens only
    ("Muhamad Rizki", "MUHAMMAD RIZKI", None),
    ("Mochammad Ilham", "MUHAMMAD ILHAM", None),
    ("Mohammad Ilham", "MUHAMMAD ILHAM", None),
    ("Moh. Ilham", "MUHAMMAD ILHAM", None),
    ("Mhd. Ilham", "MUHAMMAD ILHAM", None),
    ("Muh Ilham", "MUHAMMAD ILHAM", None),
    ("M. Hasan", "MUHAMMAD HASAN", None),
    ("H. M. Yusuf", "MUHAMMAD YUSUF", None),
    ("Achmad Fauzi", "AHMAD FAUZI", None),
    ("Akhmad Fauzi", "AHMAD FAUZI", None),
    ("Abd. Rahman", "ABDUL RAHMAN", None),
    ("Abdoel Kadir", "ABDUL KADIR", None),
    ("St. Aminah", "SITI AMINAH", None),
    ("Sitti Aminah", "SITI AMINAH", None),
    ("Noer Aini", "NUR AINI", None),
    ("Noor Aini", "NUR AINI", None),
    ("Nurul Hidayah", "NURUL HIDAYAH", None),
    ("Mochtar Lubis", "MUKHTAR LUBIS", None),
    ("Jusuf Kalla", "YUSUF KALLA", None),
    ("Bq. Nurul Aini", "BAIQ NURUL AINI", None),
    ("L. Muhammad Zaini", "LALU MUHAMMAD ZAINI", None),
    ("Muhammadiyah Stefanus", "MUHAMMADIYAH STEFANUS", None),
    # Step 5: spelling before 1972
    ("Soekarno", "SUKARNO", None),
    ("Djoko Susilo", "JOKO SUSILO", None),
    ("Tjahjo Kumolo", "CAHYO KUMOLO", None),
    ("Tjahja Soedjono", "CAHYA SUJONO", None),
    ("Sjamsuddin", "SYAMSUDDIN", None),
    ("Njoman Sudarma", "NYOMAN SUDARMA", None),
    ("Chairul Anwar", "KHAIRUL ANWAR", None),
    ("Soejono", "SUYONO", None),
    ("Noerhajati", "NURHAYATI", None),
    ("Moehammad Hatta", "MUHAMMAD HATTA", None),
    ("Djohan Pandji", "JOHAN PANJI", None),
    ("Christina", "KRISTINA", None),
    # ... a modern J stays J
    ("Johana", "JOHANA", None),
    ("Panji Anjar Juliansyah", "PANJI ANJAR JULIANSYAH", None),
    ("Joko Soedjono", "JOKO SUJONO", None),
]


@pytest.mark.parametrize(("raw", "name_norm", "patronym"), CASES)
def test_normalise_name_table(raw: str, name_norm: str, patronym: str | None) -> None:
    out = normalise_name(raw)
    assert (out["name_norm"], out["patronym"]) == (name_norm, patronym)
    assert out["name_compact"] == name_norm.replace(" ", "")
    assert out["first_token"] == name_norm.split(" ")[0]
    assert out["name_phonetic"] == phonetic_key(pl.Series([name_norm]))[0]


def test_normalised_names_are_normalised_again_unchanged() -> None:
    first = normalise_names(pl.Series([raw for raw, _, _ in CASES]))
    again = normalise_names(first["name_norm"])
    assert again["name_norm"].to_list() == first["name_norm"].to_list()


def test_one_name_every_column() -> None:
    assert normalise_name("H. Moch. Soedjono bin Achmad, S.Pd") == {
        "name_norm": "MUHAMMAD SUJONO",
        "patronym": "AHMAD",
        "name_compact": "MUHAMMADSUJONO",
        "name_phonetic": "MUHAMADSUJONO",
        "first_token": "MUHAMMAD",
    }


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "\t\n", "...", "-", "123", "12/05/1980", ", S.Pd", "’", "——"]
)
def test_nothing_left_gives_nulls(raw: str | None) -> None:
    assert normalise_name(raw) == dict.fromkeys(NAME_COLUMNS)


def test_long_name() -> None:
    raw = "Raden Mas Gusti Kanjeng Pangeran Haryo " + "Muhammad Abdul Rahman " * 40
    out = normalise_name(raw)
    assert out["name_norm"] == "RADEN MAS GUSTI KANJENG PANGERAN HARYO " + " ".join(
        ["MUHAMMAD ABDUL RAHMAN"] * 40
    )
    assert out["first_token"] == "RADEN"
    # The H of HARYO follows a consonant once the spaces are gone, and goes.
    assert out["name_phonetic"] == "RADENMASGUSTIKANJENGPANGERANARYO" + "MUHAMADABDULRAMAN" * 40


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Nur Hayati", "Nurhayati"),
        ("Abdul Rahman", "Abdulrahman"),
        ("Abu Bakar", "Abubakar"),
    ],
)
def test_compact_form_ignores_spaces(a: str, b: str) -> None:
    one, two = normalise_name(a), normalise_name(b)
    assert one["name_norm"] != two["name_norm"]
    assert one["name_compact"] == two["name_compact"]
    assert one["name_phonetic"] == two["name_phonetic"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Ramadhan", "Ramadan"),
        ("Abdullah", "Abdulah"),
        ("Hendy", "Hendi"),
        ("Fathurrahman", "Faturahman"),
        ("Nurhayati", "Noerhajati"),
        ("Syamsul", "Samsul"),
        ("Zulkifli", "Dzulkifli"),
        ("Khairul", "Chairul"),
        ("Khairul", "Hairul"),
        ("Khadijah", "Hadijah"),
        ("Rachmat", "Rahmat"),
        ("Syamsuddin", "Syamsudin"),
        ("Zainal", "Zaenal"),
        ("Zaenab", "Jaenab"),
        ("Fatimah", "Patimah"),
        ("Arifin", "Aripin"),
        ("Taufiq", "Taufik"),
        ("Supriyadi", "Supriadi"),
        ("Sholeh", "Soleh"),
        ("Utsman", "Usman"),
        ("Rayhan", "Raihan"),
        ("Saodah", "Saudah"),
        ("Siti Aminah", "St. Aminah"),
        ("Aminah", "Amina"),
        ("Yusuf", "Jusuf"),
        ("Muhammad Abdullah", "Moh. Abdulah"),
    ],
)
def test_phonetic_key_joins_real_variants(a: str, b: str) -> None:
    assert normalise_name(a)["name_phonetic"] == normalise_name(b)["name_phonetic"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Siti Aminah", "Siti Rohana"),
        ("Agus", "Agung"),
        ("Iwan", "Irwan"),
        ("Putri", "Putra"),
        ("Wahyu", "Wahyuni"),
        ("Yuli", "Juli"),
        ("Rina", "Rini"),
        ("Johan", "Joan"),
        ("Dewi", "Dewa"),
    ],
)
def test_phonetic_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert normalise_name(a)["name_phonetic"] != normalise_name(b)["name_phonetic"]


def test_phonetic_key_examples_and_nulls() -> None:
    keys = phonetic_key(pl.Series("x", ["RAMADHAN", "NUR HAYATI", "NURHAYATI", "", None, "H"]))
    assert keys.name == "x"
    assert keys.dtype == pl.String
    assert keys.to_list() == ["RAMADAN", "NURAYATI", "NURAYATI", None, None, "H"]


def test_series_with_nulls_keeps_height_and_order() -> None:
    raw = pl.Series(
        "name", [None, "Hj. Siti Aminah", "", "Ahmad bin Ali", None, "Hj. Siti Aminah", "..."]
    )
    out = normalise_names(raw)
    assert out.columns == list(NAME_COLUMNS)
    assert out.height == raw.len()
    assert all(dtype == pl.String for dtype in out.dtypes)
    assert out["name_norm"].to_list() == [
        None,
        "SITI AMINAH",
        None,
        "AHMAD",
        None,
        "SITI AMINAH",
        None,
    ]
    assert out["patronym"].to_list() == [None, None, None, "ALI", None, None, None]


@pytest.mark.parametrize("dtype", [pl.String, pl.Null, pl.Categorical])
def test_empty_and_odd_series(dtype: pl.DataType) -> None:
    out = normalise_names(pl.Series("name", [], dtype=dtype))
    assert out.height == 0
    assert out.columns == list(NAME_COLUMNS)
    assert all(d == pl.String for d in out.dtypes)


def test_rules_translate_to_spark() -> None:
    """No look-around and no back-reference, so Spark's regexp_replace can replay them."""
    rule_sets = [
        names_module.CLEAN_RULES,
        names_module.TITLE_RULES,
        names_module.CANONICAL_RULES,
        names_module.OLD_SPELLING_RULES,
        names_module.PHONETIC_LETTERS,
        names_module.PHONETIC_RULES,
        (names_module.APOSTROPHES, names_module.OLD_J_RULE, names_module.DOUBLES),
        (names_module.PATRONYM_CUT, (names_module.PATRONYM_EXTRACT, "")),
    ]
    for rules in rule_sets:
        for pattern, _ in rules:
            re.compile(pattern)
            assert not re.search(r"\(\?<?[=!]|\\[1-9]", pattern), pattern


_NAMEISH = st.text(alphabet="ABCDEHIJKMNOSTUYZ abdhjmnost.,'’-1é", max_size=40)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=60), _NAMEISH), max_size=25))
def test_normalise_names_never_fails(values: list[str | None]) -> None:
    out = normalise_names(pl.Series(values, dtype=pl.String))
    assert out.height == len(values)
    assert out.columns == list(NAME_COLUMNS)
    for row, raw in zip(out.iter_rows(named=True), values, strict=True):
        norm = row["name_norm"]
        if norm is None:
            assert row == dict.fromkeys(NAME_COLUMNS)
            continue
        assert raw is not None
        assert re.fullmatch(r"[A-Z]+( [A-Z]+)*", norm)
        assert row["name_compact"] == norm.replace(" ", "")
        assert row["first_token"] == norm.split(" ")[0]
        assert row["name_phonetic"] is not None
        assert re.fullmatch(r"[A-Z]+", row["name_phonetic"])
        assert row["patronym"] is None or re.fullmatch(r"[A-Z]+( [A-Z]+)*", row["patronym"])
    compact = out["name_compact"]
    assert phonetic_key(compact).to_list() == out["name_phonetic"].to_list()
