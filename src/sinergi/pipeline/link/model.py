"""The padanan model: Splink comparisons, blocking rules and the NIK u-probabilities we fix.

Why the comparisons look the way they do (docs/padanan.md says it for analysts):

- A NIK *contains* the birth date and the sex (day + 40 for women) and the area
  of registration. Counting NIK agreement, birth-date agreement and sex agreement
  as three independent facts would count one fact three times, and twins
  registered together (NIKs one serial apart, same birth date, same KK) would
  look like one person. So the birth-date and sex comparisons have an
  "already in the NIK" level with weight zero, and NIKs that differ only in their
  serial carry no weight at all: that is what twins and siblings look like.
- The KK, the village and the RT/RW all say "lives in the same family or place",
  one fact: they form one comparison (``place``), not three.
- Random sampling of pairs almost never finds two different persons with the
  same or a nearly same NIK, so it cannot estimate those u-probabilities; they
  are fixed below from how NIKs are issued, and documented.
- Names are compared after Indonesian normalisation (``names.py``), with
  term-frequency adjustment so that a common name is weak evidence.
"""

from __future__ import annotations

import logging
from typing import Any

import polars as pl
from splink import block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.dialects import SplinkDialect

__all__ = [
    "BLOCKING_RULES",
    "FIXED_NIK_U",
    "M_FLOOR",
    "OPTIONAL_COMPARISONS",
    "STARTING_M",
    "TRAINING_BLOCKS",
    "floor_m",
    "gamma",
    "settings",
    "siblings_niks",
]

# P(level | two different persons) for the NIK levels random sampling cannot reach.
# A NIK is issued once; two different persons share one only through a data-entry
# error copying another person's NIK (about one in ten million pairs is generous
# for a regency). Sharing the first 15 digits with a 0 as the 16th (what Excel
# leaves) needs the same area, birth date, sex and nearly the same serial: ten
# times that. "One digit away" is estimated by random sampling like any level:
# most serials are 0001, so two persons of one kecamatan born a digit apart
# (1990 and 1991) have NIKs one digit apart far more often than one would guess.
# There is no "two digits apart" level: a mother and a daughter born on the same
# day of the month in one kecamatan have NIKs two digits apart, which is far
# likelier than two typos in one NIK.
FIXED_NIK_U = {
    "exact": 1e-8,
    "first_15": 1e-7,
}

# Candidate pairs: a pair is compared when any rule holds. The NIK is split in
# segments (area 1–6, birth code 7–12, serial 13–16) so that a single wrong digit
# still leaves a pair of segments equal. A rule with no area in it keeps to the
# kecamatan the record lives in: its pairs grow with the square of the area it spans
# (a tenfold area, a hundredfold pairs), and over a regency they were most of the
# pairs scored while finding no more true pairs than over a kecamatan.
BLOCKING_RULES = (
    block_on("nik"),
    block_on("nik_area", "nik_date"),
    block_on("nik_date", "nik_serial", "district"),
    # A typo in the birth code: the rest of the NIK and the sound of the name agree.
    block_on("nik_area", "substr(nik, 9, 4)", "nik_serial", "name_phonetic"),
    block_on("nik_area", "substr(nik, 7, 2)", "nik_serial", "name_phonetic"),
    block_on("kk"),
    # Namesakes of one village born the same year meet through the next rule; here
    # only those whose day and month agree (a mistyped year) or whose date is unknown.
    # All namesakes of a village were 56% of the pairs of a regency of 400,000 persons
    # and gave 0.03% of its accepted links.
    CustomRule(
        "l.name_phonetic = r.name_phonetic AND l.village = r.village"
        " AND (l.birth_md IS NULL OR r.birth_md IS NULL OR l.birth_md = r.birth_md)"
    ),
    block_on("name_phonetic", "birth_year", "district"),
    # The same birth date in one village: a name mistyped beyond its sound ("Saharudin" for
    # "Syahrudin") whose NIK is missing or also mistyped meets no rule above. On the synthetic
    # regency of 50,000 persons it adds 3% pairs, a fifth of them one person.
    block_on("birth_date", "village"),
)

# EM runs on pairs blocked on some evidence and estimates the m-probabilities of
# the other comparisons; together the blocks estimate every comparison once or more.
# Blocking on the NIK also names `nik_has_birth`, so that EM leaves out the
# birth-date and sex comparisons there: among pairs with one NIK, agreeing birth
# dates fall in the "already in the NIK" level and mostly disagreements are seen.
TRAINING_BLOCKS = (
    block_on("name_compact", "birth_date"),
    block_on("nik", "nik_has_birth"),
    block_on("name_phonetic", "village"),
)


def siblings_niks(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """Whether two NIKs are what siblings born on one day and registered together get.

    Same area and birth code with another serial (twins of one sex), or the same
    serial with the birth day 40 apart (a boy and a girl: a serial is counted
    within an area and birth code, so both may be 0001). One person's NIK with a
    typo looks alike, which is why such a pair needs the names to agree.

    >>> frame = pl.DataFrame({"a": ["5205011509150777"] * 3,
    ...                       "b": ["5205011509150778", "5205015509150777", "5205011509160777"]})
    >>> frame.select(siblings_niks(pl.col("a"), pl.col("b")))["a"].to_list()
    [True, True, False]
    """

    def same(start: int, length: int) -> pl.Expr:
        return left.str.slice(start, length) == right.str.slice(start, length)

    day_tens = [nik.str.slice(6, 1).cast(pl.Int8, strict=False) for nik in (left, right)]
    one_sex_twins = same(6, 6) & ~same(12, 4)
    boy_and_girl = same(7, 9) & ((day_tens[0] - day_tens[1]).abs() == 4)
    whole = (left.str.len_chars() == 16) & (right.str.len_chars() == 16)
    return (whole & same(0, 6) & (one_sex_twins | boy_and_girl)).fill_null(False)


def _level(sql: str, label: str, **options: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **options}


def _null(*columns: str) -> dict[str, Any]:
    # Bare names: Spark SQL reads "double quotes" as a string, which is never null.
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return _level(sql, "kosong", is_null_level=True)


_ELSE = _level("ELSE", "lainnya")


def _one_edit_apart(dialect: str) -> str:
    """SQL: the two NIKs are at most one edit apart (Damerau–Levenshtein <= 1).

    The edit distance is the dearest part of scoring, so cheap built-in tests decide
    first; either way no level changes. Within one edit means: equal, or one
    substitution, insertion or deletion (Levenshtein <= 1), or two neighbours swapped.
    On DuckDB (2.5 µs a pair for the distance) `hamming` settles every two 16-digit
    NIKs but those two digits apart, for which the distance runs. On Spark the
    Levenshtein test with a bound is built in and fast, where Splink's Scala
    Damerau–Levenshtein took a quarter of scoring: a swap is then looked for only in
    NIKs of one length exactly two substitutions apart. CASE, not OR: a branch is
    evaluated only for the rows that reach it.
    """
    if dialect == "duckdb":
        distance = "damerau_levenshtein(nik_l, nik_r) <= 1"
        # `hamming` refuses two strings of different lengths.
        return (
            f"CASE WHEN length(nik_l) <> 16 OR length(nik_r) <> 16 THEN {distance}"
            " WHEN hamming(nik_l, nik_r) <= 1 THEN true"
            f" WHEN hamming(nik_l, nik_r) = 2 THEN {distance} ELSE false END"
        )
    swapped_at_i = (
        "substr(nik_l, i, 1) = substr(nik_r, i + 1, 1)"
        " AND substr(nik_l, i + 1, 1) = substr(nik_r, i, 1)"
        " AND left(nik_l, i - 1) = left(nik_r, i - 1)"
        " AND substr(nik_l, i + 2) = substr(nik_r, i + 2)"
    )
    return (
        "CASE WHEN levenshtein(nik_l, nik_r, 1) >= 0 THEN true"
        " WHEN length(nik_l) = length(nik_r) AND levenshtein(nik_l, nik_r, 2) = 2"
        f" THEN exists(sequence(1, length(nik_l) - 1), i -> {swapped_at_i}) ELSE false END"
    )


# sqlglot, through which Splink reads every level, takes Spark's third argument of
# `levenshtein` (the bound) for an insertion cost it cannot write for Spark: it warns
# once a level, then writes the call back unchanged.
logging.getLogger("sqlglot").addFilter(
    lambda record: "for expression 'Levenshtein'" not in record.getMessage()
)


# Both rows' birth dates (and sexes) agree with their own NIK's birth code.
_BIRTH_FOLLOWS_NIK = "nik_has_birth_l AND nik_has_birth_r"


def _nik(dialect: SplinkDialect) -> dict[str, Any]:
    one_edit = f"({_one_edit_apart(dialect.sql_dialect_str)})"
    u = FIXED_NIK_U
    return {
        "output_column_name": "nik",
        "comparison_description": "NIK (terstruktur)",
        "comparison_levels": [
            _null("nik"),
            _level("nik_l = nik_r", "sama", u_probability=u["exact"], fix_u_probability=True),
            _level(
                "nik15_l = nik15_r AND (substr(nik_l, 16, 1) = '0' OR substr(nik_r, 16, 1) = '0')",
                "15 digit pertama sama (terpotong Excel)",
                u_probability=u["first_15"],
                fix_u_probability=True,
            ),
            # Where the one wrong digit is matters: two persons of one kecamatan born
            # in 1971 and 1973 on the same day have NIKs one digit apart in the date
            # part far more often than two persons born the same day in two areas.
            _level(
                f"nik_date_l = nik_date_r AND nik_serial_l = nik_serial_r AND {one_edit}",
                "beda satu digit di kode wilayah",
            ),
            # A typo in the NIK's birth code leaves the birth-date column as it was, so that
            # column then disagrees with the NIK of its row. When both rows' birth dates follow
            # their own NIK, the birth dates themselves differ as the codes do (1969 and 1989,
            # 2022 and 2023): two fields typed apart say two persons, not one typo. These
            # levels carry that (the birth-date comparison is "already in the NIK" there);
            # before them, such namesakes of one village were a third of the wrong links.
            # The edit distance is the dearest test of scoring: each pair runs it once
            # over these two levels (the cheap test first).
            _level(
                f"{_BIRTH_FOLLOWS_NIK} AND nik_serial_l = nik_serial_r AND {one_edit}",
                "beda satu digit di kode tanggal lahir, tanggal lahir ikut beda",
            ),
            _level(
                f"NOT ({_BIRTH_FOLLOWS_NIK}) AND nik_serial_l = nik_serial_r AND {one_edit}",
                "beda satu digit di kode tanggal lahir",
            ),
            _level(
                "nik_area_l = nik_area_r AND nik_date_l = nik_date_r",
                "hanya nomor urut berbeda (kembar/saudara)",
                is_null_level=True,
            ),
            _level(
                f"nik_date_l <> nik_date_r AND {_BIRTH_FOLLOWS_NIK}",
                "lainnya, tanggal lahir ikut beda",
            ),
            _ELSE,
        ],
    }


def _name(dialect: SplinkDialect) -> dict[str, Any]:
    jw = dialect.jaro_winkler_function_name
    return {
        "output_column_name": "name",
        "comparison_description": "Nama (dinormalisasi)",
        "comparison_levels": [
            _null("name_norm"),
            _level("name_norm_l = name_norm_r", "sama", tf_adjustment_column="name_norm"),
            _level("name_compact_l = name_compact_r", "sama tanpa spasi"),
            _level(f"{jw}(name_norm_l, name_norm_r) >= 0.94", "sangat mirip"),
            _level("name_phonetic_l = name_phonetic_r", "bunyi sama"),
            _level(f"{jw}(name_norm_l, name_norm_r) >= 0.85", "mirip"),
            _ELSE,
        ],
    }


def _birth(dialect: SplinkDialect) -> dict[str, Any]:
    days_apart = (
        "abs(datediff('day', birth_date_l, birth_date_r))"
        if dialect.sql_dialect_str == "duckdb"
        else "abs(datediff(birth_date_l, birth_date_r))"
    )
    return {
        "output_column_name": "birth",
        "comparison_description": "Tanggal lahir",
        "comparison_levels": [
            _null("birth_date"),
            _level(
                _BIRTH_FOLLOWS_NIK,
                "sudah terhitung di NIK",
                is_null_level=True,
            ),
            _level("birth_date_l = birth_date_r", "sama", tf_adjustment_column="birth_date"),
            _level(
                "birth_year_l = birth_year_r AND birth_md_l = birth_dm_r",
                "hari dan bulan tertukar",
            ),
            _level(
                "birth_md_l = birth_md_r AND abs(birth_year_l - birth_year_r) = 1",
                "tahun beda satu",
            ),
            # Remembered dates drift by days or months (the register asks, not checks).
            _level(f"{days_apart} <= 100", "beda paling lama 100 hari"),
            _ELSE,
        ],
    }


def _sex() -> dict[str, Any]:
    return {
        "output_column_name": "sex",
        "comparison_description": "Jenis kelamin",
        "comparison_levels": [
            _null("sex"),
            _level(
                _BIRTH_FOLLOWS_NIK,
                "sudah terhitung di NIK",
                is_null_level=True,
            ),
            # Fixed: EM almost never sees a sex comparison the NIK has not already made.
            _level("sex_l = sex_r", "sama", m_probability=0.99, fix_m_probability=True),
            _level("ELSE", "lainnya", m_probability=0.01, fix_m_probability=True),
        ],
    }


def _family_name(column: str, label: str, dialect: SplinkDialect) -> dict[str, Any]:
    jw = dialect.jaro_winkler_function_name
    return {
        "output_column_name": column,
        "comparison_description": label,
        "comparison_levels": [
            _null(column),
            _level(f"{column}_l = {column}_r", "sama"),
            _level(f"{jw}({column}_l, {column}_r) >= 0.9", "mirip"),
            _ELSE,
        ],
    }


_KK_OPEN = "(kk_l IS NULL OR kk_r IS NULL)"


def _place() -> dict[str, Any]:
    return {
        "output_column_name": "place",
        "comparison_description": "KK dan tempat tinggal (satu fakta: serumah)",
        "comparison_levels": [
            _level(
                "(kk_l IS NULL OR kk_r IS NULL) AND (village_l IS NULL OR village_r IS NULL)",
                "kosong",
                is_null_level=True,
            ),
            _level("kk_l = kk_r", "KK sama"),
            # Two different KKs in one village are weaker evidence than one unknown KK:
            # that is what two namesakes in one village look like.
            _level(
                f"{_KK_OPEN} AND village_l = village_r AND rt_l = rt_r AND rw_l = rw_r",
                "desa dan RT/RW sama",
            ),
            _level(f"{_KK_OPEN} AND village_l = village_r", "desa sama"),
            _level("village_l = village_r", "desa sama, KK berbeda"),
            _ELSE,
        ],
    }


# Comparisons of columns that only some sources fill, with their labels.
OPTIONAL_COMPARISONS = {"patronym": "Nama bin/binti", "mother_norm": "Nama ibu kandung"}


# m-probabilities trained on the synthetic demo regency (250,000 persons, default
# noise). They are EM's starting values, and they stay where a data folder is too
# small for EM to see a comparison (a village's own lists, a first import).
STARTING_M = {
    "nik": {
        "sama": 0.8237,
        "15 digit pertama sama (terpotong Excel)": 0.016,
        "beda satu digit di kode wilayah": 0.0521,
        "beda satu digit di kode tanggal lahir, tanggal lahir ikut beda": 0.001,
        "beda satu digit di kode tanggal lahir": 0.0519,
        "lainnya, tanggal lahir ikut beda": 0.001,
        "lainnya": 0.0558,
    },
    "name": {
        "sama": 0.8584,
        "sama tanpa spasi": 0.0231,
        "sangat mirip": 0.0976,
        "bunyi sama": 0.008,
        "mirip": 0.0118,
        "lainnya": 0.001,
    },
    "birth": {
        "sama": 0.5699,
        "hari dan bulan tertukar": 0.0375,
        "tahun beda satu": 0.0502,
        "beda paling lama 100 hari": 0.1285,
        "lainnya": 0.214,
    },
    "patronym": {"sama": 0.9584, "mirip": 0.0353, "lainnya": 0.0063},
    "mother_norm": {"sama": 0.9224, "mirip": 0.0086, "lainnya": 0.0776},
    "place": {
        "KK sama": 0.1626,
        "desa dan RT/RW sama": 0.332,
        "desa sama": 0.4997,
        "desa sama, KK berbeda": 0.001,
        "lainnya": 0.0054,
    },
}


def _with_starting_m(comparison: dict[str, Any]) -> dict[str, Any]:
    starting = STARTING_M.get(comparison["output_column_name"], {})
    for level in comparison["comparison_levels"]:
        if "m_probability" not in level and level["label_for_charts"] in starting:
            level["m_probability"] = starting[level["label_for_charts"]]
    return comparison


# No level may rule a match out alone: EM gives m = 0 to a level it never saw
# among matches (a similar mother's name, when the training pairs had none),
# which would weigh minus infinity on new data.
M_FLOOR = 1e-3


def floor_m(model: dict[str, Any]) -> dict[str, Any]:
    """The trained model with every m-probability raised to at least ``M_FLOOR``.

    >>> floor_m({"comparisons": [{"comparison_levels": [{"m_probability": 0.0}]}]})
    {'comparisons': [{'comparison_levels': [{'m_probability': 0.001}]}]}
    """
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("m_probability") is not None:
                level["m_probability"] = max(level["m_probability"], M_FLOOR)
    return model


def gamma(model: dict[str, Any], comparison: str, label: str) -> int:
    """Splink's value for a level of a comparison in predictions (else = 0, closer = higher).

    >>> gamma(settings(), "nik", "sama")
    6
    """
    for found in model["comparisons"]:
        if found["output_column_name"] == comparison:
            levels = [lv for lv in found["comparison_levels"] if not lv.get("is_null_level")]
            labels = [lv["label_for_charts"] for lv in levels]
            return len(levels) - 1 - labels.index(label)
    raise KeyError(comparison)


def settings(dialect_name: str = "duckdb", *, without: tuple[str, ...] = ()) -> dict[str, Any]:
    """The Splink settings of the padanan model for an engine (``duckdb`` or ``spark``).

    ``without`` leaves out optional comparisons (``OPTIONAL_COMPARISONS``) whose
    column no source fills: a comparison that is never observed cannot be trained.
    """
    dialect = SplinkDialect.from_string(dialect_name)
    optional = [
        _family_name(column, label, dialect)
        for column, label in OPTIONAL_COMPARISONS.items()
        if column not in without
    ]
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-6,
        "comparisons": [
            _with_starting_m(comparison)
            for comparison in (
                _nik(dialect),
                _name(dialect),
                _birth(dialect),
                _sex(),
                *optional,
                _place(),
            )
        ],
        "blocking_rules_to_generate_predictions": list(BLOCKING_RULES),
        # Splink keeps the level (gamma) columns only with the compared values;
        # `run._predict` fetches the levels alone.
        "retain_intermediate_calculation_columns": False,
        "retain_matching_columns": True,
        "max_iterations": 20,
        "em_convergence": 0.001,
    }
