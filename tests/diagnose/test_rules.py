"""Rule expressions and rule files: checked before any data, compiled to SQL DuckDB runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from sinergi.pipeline.diagnose.expressions import Expression, RuleError, compile_expression
from sinergi.pipeline.diagnose.fields import FAMILY_FIELDS, PERSON_FIELDS
from sinergi.pipeline.diagnose.rules import load_rule_set, normalise_period, shipped_rules_dir
from sinergi.pipeline.diagnose.sql import RuleSql

FIELDS = FAMILY_FIELDS | PERSON_FIELDS
WHERE = "Berkas aturan contoh.toml, kunci `eligibility.when`"
SHIPPED_IDS = {p.stem for p in shipped_rules_dir().glob("*.toml")} - {"settings"}

# Four families: the last has no desil and does not know whether its head is a woman.
FACTS = pl.DataFrame(
    {
        "desil": [2, 4, 5, None],
        "pkh_components": [1, 0, 2, 3],
        "head_female": [True, None, False, True],
        "member_count": [3, 4, 1, 2],
        "sex": ["P", "L", "P", "L"],
    },
    schema={
        "desil": pl.Int64,
        "pkh_components": pl.Int64,
        "head_female": pl.Boolean,
        "member_count": pl.Int64,
        "sex": pl.String,
    },
)

# A small, valid program of a regional government, as a user would write it.
PROGRAM = """\
[program]
id = "bantuan_x"
name = "Bantuan X Daerah"
version = "2026.1"
level = "family"
kind = "bansos"
opd = "Dinas Sosial"
lists = ["bantuan_x"]

[parameters.desil_max]
value = 3
source = "Contoh peraturan bupati"
year = 2026

[eligibility]
when = "desil <= desil_max"
reason = "Keluarga desil 1-3"

[distribution]
entitlement = "100000"
schedule = { "Tahap 1" = 3, "Tahap 2" = 9 }
tolerance = 0.05
"""


def compile_text(text: str, **parameters: Any) -> Expression:
    return compile_expression(text, FIELDS, parameters, WHERE)


def evaluate(sql: str) -> list[Any]:
    """The values of one SQL expression over :data:`FACTS`, computed by DuckDB."""
    return RuleSql().add(FACTS, {"result": sql})["result"].to_list()


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def shipped_text(name: str) -> str:
    return (shipped_rules_dir() / name).read_text(encoding="utf-8")


def rule_error(folder: Path) -> RuleError:
    with pytest.raises(RuleError) as caught:
        load_rule_set(folder)
    assert caught.value.code == "RULE_INVALID"
    return caught.value


# Expressions


def test_condition_compiles_to_sql_duckdb_evaluates() -> None:
    expression = compile_text("desil <= desil_max and pkh_components >= 1", desil_max=4)

    assert expression.type == "bool"
    assert expression.names == {"desil", "pkh_components"}
    assert "4" in expression.sql and "desil_max" not in expression.sql
    assert evaluate(expression.condition()) == [True, False, False, False]


def test_unknown_value_makes_a_condition_false_not_unknown() -> None:
    expression = compile_text("desil <= 4")

    assert evaluate(expression.sql) == [True, True, False, None]
    assert evaluate(expression.condition()) == [True, True, False, False]


def test_unknown_value_stays_false_under_not() -> None:
    negated_desil = compile_text("not (desil <= 4)")
    negated_flag = compile_text("not head_female")

    assert evaluate(negated_desil.condition()) == [False, False, True, False]
    assert evaluate(negated_flag.sql) == [False, None, True, False]
    assert evaluate(negated_flag.condition()) == [False, False, True, False]


def test_in_lists_chained_comparisons_and_words() -> None:
    assert evaluate(compile_text("desil in [1, 2]").condition()) == [True, False, False, False]
    assert evaluate(compile_text("desil not in [1, 2]").condition()) == [
        False,
        True,
        True,
        False,
    ]
    assert evaluate(compile_text("1 <= desil <= 4").condition()) == [True, True, False, False]
    assert evaluate(compile_text("sex in codes", codes=["P"]).condition()) == [
        True,
        False,
        True,
        False,
    ]
    assert evaluate(compile_text("head_female == benar").condition()) == [
        True,
        False,
        False,
        True,
    ]


def test_arithmetic_and_functions_compute_numbers() -> None:
    half = compile_text("round(member_count / 2, 1)")
    capped = compile_text("min(pkh_components, 2) * 10 + max(member_count, 2)")

    assert half.type == "float"
    assert evaluate(half.sql) == [1.5, 2.0, 0.5, 1.0]
    assert capped.type == "int"
    assert evaluate(capped.sql) == [13, 4, 22, 22]


def test_unknown_field_is_named_in_both_languages() -> None:
    with pytest.raises(RuleError) as caught:
        compile_text("desl <= 4")

    error = caught.value
    assert error.code == "RULE_INVALID"
    assert "contoh.toml" in str(error) and "eligibility.when" in str(error)
    assert "`desl`" in str(error)
    assert "bukan kolom atau parameter yang dikenal" in str(error)
    assert "`desl`" in error.english
    assert "neither a known field nor a parameter" in error.english


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("sex == 1", "compares a text value with a int value"),
        ("desil == 'satu'", "compares a int value with a text value"),
        ("head_female < true", "orders yes/no values with < or >"),
        ("sex == 'X'", "uses 'X' for `sex`"),
        ("sex in ['L', 'X']", "uses 'X' for `sex`"),
        ("desil in 4", "uses `in` without a list"),
        ("desil in desil_max", "uses `in` without a list"),
        ("head_female + 1 > 0", "does arithmetic on a bool value"),
        ("desil.real <= 4", "unsupported form (Attribute)"),
        ("(lambda: desil) == 1", "unsupported form (Lambda)"),
        ("(lambda x: x)(desil) <= 4", "calls an unknown function"),
        ("abs(desil) <= 4", "calls an unknown function"),
        ("desil is None", "unsupported operator"),
        ("desil <=", "cannot be parsed"),
    ],
)
def test_malformed_condition_is_refused(text: str, english: str) -> None:
    with pytest.raises(RuleError) as caught:
        compile_text(text, desil_max=4)

    assert caught.value.code == "RULE_INVALID"
    assert english in caught.value.english
    assert str(caught.value).startswith(WHERE)


def test_coded_value_is_checked_whichever_side_it_is_on() -> None:
    # `sex == 'X'` is refused (above); written the other way round, or through a parameter,
    # the same misspelt code must not silently select nobody.
    with pytest.raises(RuleError):
        compile_text("'X' == sex")
    with pytest.raises(RuleError):
        compile_text("sex == kode", kode="X")


def test_normalise_period_drops_case_year_and_leading_word() -> None:
    assert normalise_period("Tahap 1") == "1"
    assert normalise_period(" Tahap 1 2026 ") == "1"
    assert normalise_period("Januari-Februari 2026") == "januari-februari"
    assert normalise_period("Bulan Maret") == "maret"
    assert normalise_period(None) == ""


# Rule files


def test_shipped_rules_load_one_program_per_file() -> None:
    rule_set = load_rule_set()

    assert {p.id for p in rule_set.programs} == SHIPPED_IDS
    assert rule_set.program("sembako").lists == ("sembako", "bpnt")
    assert rule_set.program("pip").level == "person"


def test_user_file_replaces_shipped_program_and_adds_a_new_one(tmp_path: Path) -> None:
    pkh = replaced(
        shipped_text("pkh.toml"),
        "[parameters.desil_max]\nvalue = 4",
        "[parameters.desil_max]\nvalue = 5",
    )
    write(tmp_path, "pkh.toml", pkh)
    write(tmp_path, "bantuan_x.toml", PROGRAM)

    rule_set = load_rule_set(tmp_path)

    assert {p.id for p in rule_set.programs} == SHIPPED_IDS | {"bantuan_x"}
    rule = rule_set.program("pkh")
    assert rule.path == str(tmp_path / "pkh.toml")
    assert {p.name: p.value for p in rule.parameters}["desil_max"] == 5
    frame = pl.DataFrame({"desil": [4, 5, 6], "pkh_components": [1, 1, 1]})
    eligible = RuleSql().add(frame, {"e": rule.eligibility.condition()})["e"]
    assert eligible.to_list() == [True, True, False]
    new = rule_set.program("bantuan_x")
    assert new.opd == "Dinas Sosial"
    assert new.distribution is not None
    assert new.distribution.schedule == {"1": 3, "2": 9}


def test_user_file_replaces_shipped_program_by_declared_id(tmp_path: Path) -> None:
    sembako = replaced(shipped_text("sembako.toml"), "value = 4", "value = 2")
    write(tmp_path, "sembako_dompu.toml", sembako)

    rule_set = load_rule_set(tmp_path)

    assert [p.id for p in rule_set.programs].count("sembako") == 1
    assert rule_set.program("sembako").path == str(tmp_path / "sembako_dompu.toml")
    assert "<= 2" in rule_set.program("sembako").eligibility.sql


def test_unknown_field_in_rule_file_names_file_key_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "bantuan_x.toml", replaced(PROGRAM, "desil <= desil_max", "desl <= 3"))

    error = rule_error(tmp_path)

    assert str(path) in str(error)
    assert "`eligibility.when`" in str(error)
    assert "`desl`" in str(error)
    assert str(path) in error.english and "`desl`" in error.english


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("[eligibility]", "[extra]\nx = 1\n\n[eligibility]", "`extra`"),
        ('when = "desil <= desil_max"\n', "", "`eligibility.when`"),
        ('level = "family"', 'level = "household"', "`program.level`"),
        ('kind = "bansos"', 'kind = "hibah"', "`program.kind`"),
        ("[parameters.desil_max]", "[parameters.desil]", "`parameters.desil`"),
        ("[parameters.desil_max]", "[parameters.age]", "`parameters.age`"),
        ("[parameters.desil_max]", "[parameters.rtlh]", "`parameters.rtlh`"),
        ('"Tahap 2" = 9', '"Tahap 2" = 13', "`distribution.schedule.Tahap 2`"),
        ("tolerance = 0.05", "tolerance = 2", "`distribution.tolerance`"),
        ('entitlement = "100000"', 'entitlement = "desil <= 3"', "`distribution.entitlement`"),
        ('when = "desil <= desil_max"', 'when = "desil + 1"', "`eligibility.when`"),
    ],
)
def test_rule_file_mistake_is_reported_with_file_and_key(
    tmp_path: Path, old: str, new: str, key: str
) -> None:
    path = write(tmp_path, "bantuan_x.toml", replaced(PROGRAM, old, new))

    error = rule_error(tmp_path)

    assert str(path) in str(error)
    assert key in str(error)
    assert key in error.english


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "bantuan_x.toml", replaced(PROGRAM, 'id = "bantuan_x"', "id = bantuan"))

    error = rule_error(tmp_path)

    assert str(path) in str(error) and "tidak bisa dibaca" in str(error)
    assert str(path) in error.english


def test_same_program_id_in_two_user_files_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "bantuan_a.toml", PROGRAM)
    write(tmp_path, "bantuan_b.toml", replaced(PROGRAM, "Bantuan X Daerah", "Bantuan X Lain"))

    error = rule_error(tmp_path)

    assert "bantuan_a.toml" in str(error) and "bantuan_b.toml" in str(error)
    assert "`program.id`" in str(error)


# Settings


def test_user_settings_replace_shipped_settings(tmp_path: Path) -> None:
    write(
        tmp_path,
        "settings.toml",
        replaced(shipped_text("settings.toml"), "cutoff = 0.33", "cutoff = 0.5"),
    )

    settings = load_rule_set(tmp_path).settings

    assert settings.cutoff == 0.5
    assert settings.path == str(tmp_path / "settings.toml")


@pytest.mark.parametrize(
    ("old", "new", "key", "named"),
    [
        ('field = "floor"', 'field = "lantai"', "`housing.floor_unfit.field`", "`lantai`"),
        ('field = "floor"', 'field = "floor_area"', "`housing.floor_unfit.field`", "`floor_area`"),
        ("weight = 1", "weight = 101", "`deprivation.dimensions.food.weight`", "isinya 101"),
        ("weight = 1", "weight = -1", "`deprivation.dimensions.food.weight`", "isinya -1"),
        ('poor = "desil <= 2"', 'poor = "desl <= 2"', "`derived.poor`", "`desl`"),
        (
            'poor = "desil <= 2"',
            'poor = "desil <= 2 and unassisted"',
            "`derived.poor`",
            "`unassisted`",
        ),
        ('poor = "desil <= 2"', 'desil = "desil <= 2"', "`derived.desil`", "sudah ada"),
        ("cutoff = 0.33", "cutoff = 1.5", "`deprivation.cutoff`", "isinya 1.5"),
        ("school = [7, 18]", "school = [18, 7]", "`ages.school`", "umur_awal"),
        (
            'when = "n_ats > 0"',
            'when = "n_ats > 0"\nprioritas = 1',
            "`follow_up.prioritas`",
            "tidak dikenal",
        ),
        ("[privacy]", "[privasi]\nk = 1\n[privacy]", "`privasi`", "tidak dikenal"),
    ],
)
def test_broken_settings_are_refused_before_any_data(
    tmp_path: Path, old: str, new: str, key: str, named: str
) -> None:
    path = write(tmp_path, "settings.toml", replaced(shipped_text("settings.toml"), old, new))

    error = rule_error(tmp_path)

    assert str(path) in str(error)
    assert key in str(error)
    assert named in str(error)


# Ranges, the right key, and every mistake at once


@pytest.mark.parametrize("value", ["-3", "11", "0", '"empat"', "4.5"])
def test_a_desil_parameter_outside_1_to_10_is_blamed_on_its_value(
    tmp_path: Path, value: str
) -> None:
    write(tmp_path, "x.toml", replaced(PROGRAM, "value = 3", f"value = {value}"))
    message = str(rule_error(tmp_path))
    assert "kunci `parameters.desil_max.value`" in message and "1-10" in message
    assert "eligibility.when" not in message  # the condition is not blamed for it


def test_a_parameter_year_that_is_no_year_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "x.toml", replaced(PROGRAM, "year = 2026", "year = 20255"))
    message = str(rule_error(tmp_path))
    assert "kunci `parameters.desil_max.year`" in message and "20255" in message


@pytest.mark.parametrize("condition", ["desil == 0", "desil <= 11", "desil in [0, 1]"])
def test_a_condition_comparing_desil_with_a_value_outside_1_to_10_is_refused(
    tmp_path: Path, condition: str
) -> None:
    write(tmp_path, "x.toml", replaced(PROGRAM, '"desil <= desil_max"', f'"{condition}"'))
    message = str(rule_error(tmp_path))
    assert "eligibility.when" in message and "di luar 1-10" in message


def test_every_mistake_of_every_file_is_reported_at_once(tmp_path: Path) -> None:
    text = replaced(PROGRAM, "value = 3", "value = -3")
    text = replaced(text, '"Tahap 2" = 9', '"Tahap 2" = 13')
    write(tmp_path, "x.toml", text)
    write(tmp_path, "y.toml", replaced(
        replaced(PROGRAM, 'id = "bantuan_x"', 'id = "bantuan_y"'), "year = 2026", "year = 20255"
    ))  # fmt: skip
    message = str(rule_error(tmp_path))
    assert message.startswith("3 kesalahan")
    assert "parameters.desil_max.value" in message
    assert "distribution.schedule.Tahap 2" in message
    assert "y.toml, kunci `parameters.desil_max.year`" in message
