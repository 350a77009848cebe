"""Validation of a file's rows against a contract: typed fields, warnings, quarantine, reasons."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, Literal

import polars as pl
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergi.domain.identity import IdentityIssue, clean_kk, clean_nik
from sinergi.errors import PipelineError
from sinergi.lake.contracts import CONTRACTS, ISSUE_TYPE
from sinergi.pipeline.ingest.reasons import REASONS, describe
from sinergi.pipeline.ingest.validate import (
    FileState,
    Validated,
    clean_identity_series,
    parse_date_text,
    parse_number_text,
    validate,
)

TODAY = date(2026, 1, 15)
NIK_WOMAN = "5205014107890001"  # Kec. Dompu, 1 July 1989, woman, serial 1
NIK_MAN = "5205011302890123"  # Kec. Dompu, 13 February 1989, man, serial 123
KK = "5205012708100012"  # issued in Kec. Dompu on 27 August 2010
KATUA = "52.05.01.2008"  # Desa Katua, Kec. Dompu, Kab. Dompu
REASON_TYPE: pl.DataType = pl.List(
    pl.Struct({"code": pl.String, "field": pl.String, "text": pl.String})
)


# --- helpers ---------------------------------------------------------------------------------


def frame_of(rows: Sequence[Mapping[str, str | None]], *, first_row: int = 2) -> pl.DataFrame:
    """A batch as the orchestrator hands it over: bookkeeping columns, then raw text per field."""
    names: list[str] = []
    for row in rows:
        names += [n for n in row if n not in names and not n.startswith("_")]
    return pl.DataFrame(
        {
            "_row": pl.Series(range(first_row, first_row + len(rows)), dtype=pl.Int64),
            "_sheet": pl.Series([r.get("_sheet") for r in rows], dtype=pl.String),
            "_defect": pl.Series([r.get("_defect") for r in rows], dtype=pl.String),
            "_line": pl.Series([r.get("_line", "...") for r in rows], dtype=pl.String),
            **{n: pl.Series([r.get(n) for r in rows], dtype=pl.String) for n in names},
        }
    )


def check(
    rows: Sequence[Mapping[str, str | None]],
    contract: str = "person",
    *,
    state: FileState | None = None,
    first_row: int = 2,
    **options: Any,
) -> Validated:
    options.setdefault("today", TODAY)
    return validate(
        frame_of(rows, first_row=first_row),
        CONTRACTS[contract],
        state=state or FileState(),
        **options,
    )


def person(**fields: str | None) -> dict[str, str | None]:
    """A person row that stands on its own: a name and a village, plus ``fields``."""
    return {"name": "Siti Aminah", "area_code": "5205012008"} | fields


def accepted(result: Validated) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = result.accepted.to_pylist()
    return rows


def only(result: Validated) -> dict[str, Any]:
    """The one accepted row of a one-row batch."""
    rows = accepted(result)
    assert len(rows) == 1, result.rejected
    return rows[0]


def issues(row: Mapping[str, Any]) -> list[tuple[str, str, str | None]]:
    return [(i["field"], i["code"], i["text"]) for i in row["_issues"]]


def reasons(result: Validated) -> dict[int, list[tuple[str, str | None, str | None]]]:
    return {
        row: [(r["code"], r["field"], r["text"]) for r in found]
        for row, found in result.rejected.iter_rows()
    }


# --- the reason catalogue --------------------------------------------------------------------


def test_every_reason_has_an_indonesian_and_an_english_message() -> None:
    for code, reason in REASONS.items():
        assert reason.code == code
        assert re.fullmatch(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+", code), code
        assert reason.severity in ("warning", "quarantine")
        assert len(reason.message) > 20 and len(reason.message_en) > 20, code
        assert describe(code) == (reason.message, reason.message_en)


def test_every_identity_issue_is_a_warning_with_the_domain_description() -> None:
    for issue in IdentityIssue:
        assert REASONS[issue.value].severity == "warning"
        assert describe(issue.value) == issue.describe()


def test_row_level_reasons_are_quarantine_and_field_reasons_warnings() -> None:
    quarantine = {code for code, r in REASONS.items() if r.severity == "quarantine"}
    assert quarantine == {
        "ROW_TOO_MANY_FIELDS", "ROW_TOO_FEW_FIELDS", "ROW_UNREADABLE", "ROW_NO_IDENTITY",
        "ROW_MISSING_REQUIRED", "ROW_NO_AREA", "ROW_DUPLICATE",
    }  # fmt: skip


def test_an_unknown_reason_code_is_refused_by_name() -> None:
    with pytest.raises(KeyError, match="NO_SUCH_CODE"):
        describe("NO_SUCH_CODE")


def test_every_code_validation_records_is_in_the_catalogue() -> None:
    # given a batch full of broken values, in every contract
    rows = [
        person(nik="3.20101E+15", birth_date="31-02-2020", sex="X", desil="11", disability="?"),
        person(nik=KK, kk=KK, birth_date="2030-01-01", area_code="99.99"),
        person(nik="9999014107890001", area_code="52.05", desil="2,5"),
        {"name": None, "nik": "123", "area_code": None, "village_name": "Atlantis"},
    ]

    # when
    result = check(rows, scope="52.05")

    # then
    codes = {i["code"] for row in accepted(result) for i in row["_issues"]}
    codes |= {code for found in reasons(result).values() for code, _, _ in found}
    assert codes <= set(REASONS)
    assert len(codes) >= 10


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Siti   Aminah ", "Siti Aminah"),
        ("Siti\u00a0Aminah\u00a0", "Siti Aminah"),  # no-break spaces from a web page
        ("\ufeffSiti\u200b Aminah", "Siti Aminah"),  # a BOM and a zero-width space
        ("Siti\tAminah", "Siti Aminah"),
        ("La Ode Mu'min", "La Ode Mu'min"),
        ("-", None),
        ("NULL", None),
        ("nan", None),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_text_is_trimmed_and_stand_ins_for_empty_become_null(
    raw: str | None, expected: str | None
) -> None:
    row = only(check([person(mother_name=raw)]))

    assert row["mother_name"] == expected
    assert row["_issues"] == []


# --- NIK and KK ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        NIK_WOMAN,
        " 5205 0141 0789 0001 ",
        "'5205014107890001",  # Excel's text prefix
        '"5205014107890001"',
        "5205\u00a00141\u00a00789\u00a00001",
        "5205.0141.0789.0001",  # digit groups with dots
        "5205-0141-0789-0001",
    ],
)
def test_a_nik_with_spaces_quotes_or_an_apostrophe_is_cleaned(raw: str) -> None:
    row = only(check([person(nik=raw, sex="P", birth_date="01-07-1989")]))

    assert row["nik"] == NIK_WOMAN
    assert row["_issues"] == []


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("3.20101E+15", "NIK_SCIENTIFIC_NOTATION"),
        ("5,20501E+15", "NIK_SCIENTIFIC_NOTATION"),
        ("5205014107890000.0", "NIK_EXCEL_TRUNCATED"),
        ("520501410789001", "NIK_WRONG_LENGTH"),  # 15 digits
        ("52050141078900011", "NIK_WRONG_LENGTH"),  # 17 digits
        ("52050141O7890001", "NIK_NOT_DIGITS"),  # letter O for zero
        ("5205.0141.0789.001", "NIK_NOT_DIGITS"),  # grouped, but 15 digits
        ("5205013202890001", "NIK_BAD_DATE"),  # 32 February
        ("5205014107890000", "NIK_ZERO_SERIAL"),
    ],
)
def test_a_broken_nik_is_nulled_with_its_reason_and_original_text(raw: str, code: str) -> None:
    # when
    result = check([person(nik=raw)])

    # then the person is still there
    row = only(result)
    assert row["name"] == "Siti Aminah"
    assert row["nik"] is None
    assert issues(row) == [("nik", code, raw)]


def test_an_empty_nik_is_null_and_reported_so_the_agency_can_fill_it() -> None:
    rows = accepted(check([person(nik=""), person(nik="-", name="Budi"), person(nik=None)]))

    assert [r["nik"] for r in rows] == [None, None, None]
    assert [[i["code"] for i in r["_issues"]] for r in rows] == [["NIK_EMPTY"]] * 3


def test_a_file_without_a_nik_column_gets_no_nik_warning() -> None:
    assert only(check([person()]))["_issues"] == []


def test_the_family_kk_number_in_the_nik_field_is_nulled() -> None:
    row = only(check([person(nik=KK, kk=f" {KK}")]))

    assert row["nik"] is None
    assert row["kk"] == KK
    assert issues(row) == [("nik", "NIK_IS_KK", KK)]


def test_a_nik_of_an_unknown_regency_is_kept_with_a_warning() -> None:
    row = only(check([person(nik="9999014107890001")]))

    assert row["nik"] == "9999014107890001"
    assert issues(row) == [("nik", "NIK_AREA_UNKNOWN", "9999014107890001")]


def test_a_nik_of_a_vanished_district_of_a_known_regency_is_not_suspect() -> None:
    # 52.05.99 does not exist, but Kab. Dompu does: a district split after the NIK was issued.
    row = only(check([person(nik="5205994107890001")]))

    assert row["nik"] == "5205994107890001"
    assert row["_issues"] == []


def test_a_womans_nik_carries_her_day_of_birth_plus_40() -> None:
    row = only(check([person(nik=NIK_WOMAN, sex="P", birth_date="1989-07-01")]))

    assert row["nik"] == NIK_WOMAN
    assert row["_issues"] == []


def test_a_birth_date_other_than_the_niks_is_kept_with_a_warning() -> None:
    row = only(check([person(nik=NIK_WOMAN, sex="P", birth_date="02-07-1989")]))

    assert row["nik"] == NIK_WOMAN
    assert row["birth_date"] == date(1989, 7, 2)
    assert issues(row) == [("birth_date", "NIK_BIRTH_DATE_MISMATCH", "02-07-1989")]


def test_a_sex_other_than_the_niks_is_kept_with_a_warning() -> None:
    row = only(check([person(nik=NIK_MAN, sex="Perempuan", birth_date="13-02-1989")]))

    assert row["sex"] == "P"
    assert issues(row) == [("sex", "NIK_SEX_MISMATCH", "Perempuan")]


def test_a_broken_kk_is_nulled_and_a_good_one_kept() -> None:
    rows = accepted(check([person(kk="5205013202100012"), person(kk=f"'{KK}")]))

    assert [r["kk"] for r in rows] == [None, KK]
    assert issues(rows[0]) == [("kk", "KK_BAD_DATE", "5205013202100012")]


def test_a_nik_repeated_in_a_person_file_is_warned_on_the_later_rows_only() -> None:
    # given two batches of one file
    state = FileState()
    first = check([person(nik=NIK_MAN, name="Ahmad")], state=state)
    second = check(
        [person(nik=NIK_MAN, name="Ahmad Yani"), person(nik=NIK_WOMAN)],
        state=state,
        first_row=3,
    )

    # then
    assert only(first)["_issues"] == []
    later = accepted(second)
    assert issues(later[0]) == [("nik", "NIK_DUPLICATE_IN_FILE", NIK_MAN)]
    assert later[0]["nik"] == NIK_MAN
    assert later[1]["_issues"] == []


def test_one_person_paid_in_several_rounds_is_no_repeat() -> None:
    rows = [
        {"program": "pkh", "nik": NIK_MAN, "name": "Ahmad", "period": "Tahap 1"},
        {"program": "pkh", "nik": NIK_MAN, "name": "Ahmad", "period": "Tahap 2"},
    ]

    result = check(rows, "program_receipt")

    assert [r["_issues"] for r in accepted(result)] == [[], []]


def test_a_kk_repeated_in_a_family_list_is_warned() -> None:
    rows = [
        {"kk": KK, "head_name": "Ahmad", "area_code": "5205012008"},
        {"kk": KK, "head_name": "Ahmad Dahlan", "area_code": "5205012008"},
    ]

    result = check(rows, "household")

    assert [issues(r) for r in accepted(result)] == [[], [("kk", "KK_DUPLICATE_IN_FILE", KK)]]


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1989-07-01", date(1989, 7, 1)),
        ("1989-07-01 00:00:00", date(1989, 7, 1)),
        ("1989-07-01T00:00:00", date(1989, 7, 1)),
        ("01-07-1989", date(1989, 7, 1)),
        ("1-7-1989", date(1989, 7, 1)),
        ("01/07/1989", date(1989, 7, 1)),
        ("01.07.1989", date(1989, 7, 1)),
        ("6 Mei 2024", date(2024, 5, 6)),
        ("06-Mei-2024", date(2024, 5, 6)),
        ("17 Agustus 1945", date(1945, 8, 17)),
        ("17-Agt-1945", date(1945, 8, 17)),
        ("3 Des 2001", date(2001, 12, 3)),
        ("3 Okt. 2001", date(2001, 10, 3)),
        ("32690", date(1989, 7, 1)),  # Excel serial
        ("32690.0", date(1989, 7, 1)),
        ("61", date(1900, 3, 1)),
        ("19890701", date(1989, 7, 1)),
        ("01071989", date(1989, 7, 1)),
    ],
)
def test_dates_in_every_accepted_format(raw: str, expected: date) -> None:
    row = only(check([person(birth_date=raw)]))

    assert row["birth_date"] == expected
    assert row["_issues"] == []
    assert parse_date_text(raw) == expected


@pytest.mark.parametrize(
    "raw", ["31-02-2020", "2019-02-29", "1989", "13/13/1989", "kemarin", "06-05-24", "01-01-0024"]
)
def test_an_impossible_date_is_nulled(raw: str) -> None:
    row = only(check([person(birth_date=raw)]))

    assert row["birth_date"] is None
    assert issues(row) == [("birth_date", "DATE_INVALID", raw)]


def test_a_date_after_today_is_nulled() -> None:
    rows = accepted(check([person(birth_date="16-01-2026"), person(birth_date="15-01-2026")]))

    assert [r["birth_date"] for r in rows] == [None, TODAY]
    assert issues(rows[0]) == [("birth_date", "DATE_IN_FUTURE", "16-01-2026")]


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("300000", 300_000.0),
        ("1.250.000", 1_250_000.0),
        ("1.250", 1_250.0),  # one dot and three digits: a thousands group (flagged, see below)
        ("12,5", 12.5),
        ("1.250.000,50", 1_250_000.5),
        ("Rp 1.250.000", 1_250_000.0),
        ("Rp1.250.000,-", 1_250_000.0),
        ("Rp. 600.000,00", 600_000.0),
        ("300000.0", 300_000.0),  # a whole number from a float cell
        ("12.5", 12.5),  # one dot, not three digits: a decimal point
        ("1,250,000", 1_250_000.0),
        ("0", 0.0),
    ],
)
def test_indonesian_numbers(raw: str, expected: float) -> None:
    row = only(check([{"program": "pkh", "name": "Ahmad", "amount": raw}], "program_receipt"))

    assert row["amount"] == expected
    # Alone in its column, "1.250" could be 1.25 too: read the Indonesian way, and flagged.
    ambiguous = [("amount", "NUMBER_DECIMAL_AMBIGUOUS", raw)] if raw == "1.250" else []
    assert issues(row) == ambiguous


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("satu juta", "NUMBER_INVALID"),
        ("1.2.3", "NUMBER_INVALID"),
        ("12,5,0", "NUMBER_INVALID"),
        ("-5000", "NUMBER_OUT_OF_RANGE"),
    ],
)
def test_a_number_that_cannot_be_read_or_is_out_of_range_is_nulled(raw: str, code: str) -> None:
    row = only(check([{"program": "pkh", "name": "Ahmad", "amount": raw}], "program_receipt"))

    assert row["amount"] is None
    assert issues(row) == [("amount", code, raw)]


@pytest.mark.parametrize(
    ("raw", "value", "code"),
    [
        ("3", 3, None),
        ("3.0", 3, None),
        ("03", 3, None),
        ("2,5", None, "NUMBER_NOT_WHOLE"),
        ("11", None, "NUMBER_OUT_OF_RANGE"),
        ("0", None, "NUMBER_OUT_OF_RANGE"),
        ("99999999999999999999", None, "NUMBER_OUT_OF_RANGE"),
    ],
)
def test_an_integer_field_takes_whole_numbers_in_its_range(
    raw: str, value: int | None, code: str | None
) -> None:
    row = only(check([person(desil=raw)]))

    assert row["desil"] == value
    assert issues(row) == ([] if code is None else [("desil", code, raw)])


def test_parse_number_text_spells_numbers_the_python_way() -> None:
    assert parse_number_text("IDR 2.400.000") == "2400000"
    assert parse_number_text("1,250.50") == "1250.50"
    assert parse_number_text("Rp") is None


# --- flags and codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("YA", True), ("Ya", True), ("y", True), ("1", True), ("1.0", True), ("TRUE", True),
        ("Ada", True), ("TIDAK", False), ("Tidak", False), ("T", False), ("0", False),
        ("false", False), ("TIDAK ADA", False), ("tidak  ada", False),
    ],
)  # fmt: skip
def test_yes_no_spellings(raw: str, expected: bool) -> None:
    row = only(check([person(disability=raw)]))

    assert row["disability"] is expected
    assert row["_issues"] == []


def test_a_profile_adds_yes_no_spellings() -> None:
    # given DTSEN, which writes Regsosek's 1 (ya) and 2 (tidak)
    aliases = {"disability": {"2": "false", "02": "false", "01": "true", "PUNYA": "YA"}}
    rows = [person(disability=v) for v in ("1", "2", "02", "01", "Punya", "Tidak")]

    # when
    result = check(rows, aliases=aliases)

    # then
    assert [r["disability"] for r in accepted(result)] == [True, False, False, True, True, False]


def test_a_yes_no_alias_to_neither_yes_nor_no_is_a_broken_profile() -> None:
    with pytest.raises(PipelineError) as raised:
        check([person()], aliases={"disability": {"2": "mungkin"}})

    assert raised.value.code == "PROFILE_ALIAS_INVALID"


def test_an_unknown_yes_no_value_is_nulled() -> None:
    row = only(check([person(disability="mungkin")]))

    assert row["disability"] is None
    assert issues(row) == [("disability", "FLAG_INVALID", "mungkin")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("L", "L"), ("p", "P"), ("Laki-laki", "L"), ("PEREMPUAN", "P"), (" wanita ", "P"),
        ("1", "L"), ("2.0", "P"),
    ],
)  # fmt: skip
def test_codes_are_read_through_their_aliases(raw: str, expected: str) -> None:
    row = only(check([person(sex=raw)]))

    assert row["sex"] == expected
    assert row["_issues"] == []


def test_a_profile_adds_aliases_but_canonical_codes_keep_their_meaning() -> None:
    # given a source that writes relationship as words of its own
    aliases = {"relationship": {"KEPALA RT": "1", "ANAK KANDUNG LAKI": "3", "2": "3"}}
    rows = [
        person(relationship="Kepala  RT"),
        person(relationship="anak kandung laki"),
        person(relationship="2"),  # the canonical code 2 wins over the profile's alias
        person(relationship="Istri"),  # the contract's own aliases still apply
    ]

    # when
    result = check(rows, aliases=aliases)

    # then
    assert [r["relationship"] for r in accepted(result)] == ["1", "3", "2", "2"]


def test_an_unknown_code_is_nulled() -> None:
    row = only(check([person(relationship="Tetangga")]))

    assert row["relationship"] is None
    assert issues(row) == [("relationship", "CODE_UNKNOWN", "Tetangga")]


def test_an_alias_to_a_code_the_field_lacks_is_a_broken_profile() -> None:
    with pytest.raises(PipelineError) as raised:
        check([person()], aliases={"sex": {"LK": "M"}})

    assert raised.value.code == "PROFILE_ALIAS_INVALID"
    assert "'M'" in str(raised.value)


def test_aliases_for_a_field_without_codes_are_a_broken_profile() -> None:
    with pytest.raises(PipelineError, match="name"):
        check([person()], aliases={"name": {"X": "Y"}})


# --- area ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw", ["5205012008", "52.05.01.2008", "5205012008.0", "'5205012008", " 52.05.01.2008 "]
)
def test_an_area_code_in_any_spelling_is_stored_dotted(raw: str) -> None:
    row = only(check([person(area_code=raw)], scope="52.05"))

    assert row["area_code"] == KATUA
    assert row["_issues"] == []


def test_a_district_code_is_enough() -> None:
    row = only(check([person(area_code="520501")]))

    assert row["area_code"] == "52.05.01"


def test_an_area_code_outside_the_scope_is_kept_with_a_warning() -> None:
    row = only(check([person(area_code="5206022003")], scope="52.05"))

    assert row["area_code"] == "52.06.02.2003"
    assert issues(row) == [("area_code", "AREA_OUTSIDE_SCOPE", "5206022003")]


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("5205992001", "AREA_UNKNOWN_CODE"),  # well formed, not in the list
        ("52050", "AREA_UNKNOWN_CODE"),  # malformed
        ("Dompu", "AREA_UNKNOWN_CODE"),
        ("52.05", "AREA_TOO_COARSE"),  # a regency: no village to count the person in
    ],
)
def test_an_unusable_area_code_without_names_sends_the_row_to_quarantine(
    raw: str, code: str
) -> None:
    # when
    result = check([person(area_code=raw)], scope="52.05")

    # then
    assert accepted(result) == []
    assert reasons(result) == {
        2: [("ROW_NO_AREA", "area_code", None), (code, "area_code", raw)],
    }


def test_a_bad_area_code_is_found_again_by_the_village_name() -> None:
    row = only(check([person(area_code="5205992001", village_name="Katua")], scope="52.05"))

    assert row["area_code"] == KATUA
    assert issues(row) == [("area_code", "AREA_UNKNOWN_CODE", "5205992001")]


def test_area_names_are_resolved_within_the_scope() -> None:
    # given rows with names only, written the way lists write them
    rows = [
        {"name": "Siti", "village_name": "KATUA"},
        {"name": "Budi", "district_name": "Kec. Dompu", "village_name": "Desa Katua"},
        {"name": "Ani", "district_name": "Hu'u"},  # a district is enough
        {"name": "Ina", "regency_name": "Kabupaten Dompu", "village_name": "O'o"},
    ]

    # when
    result = check(rows, scope="52.05")

    # then
    assert [r["area_code"] for r in accepted(result)] == [KATUA, KATUA, "52.05.03", "52.05.01.2007"]
    assert [r["_issues"] for r in accepted(result)] == [[], [], [], []]
    assert [r["village_name"] for r in accepted(result)] == ["KATUA", "Desa Katua", None, "O'o"]


def test_an_ambiguous_village_name_is_settled_by_its_district() -> None:
    # given Kab. Bima, where two villages are called Rato (in Bolo and in Lambu)
    rows = [
        {"name": "Siti", "village_name": "Rato"},
        {"name": "Budi", "district_name": "Lambu", "village_name": "Rato"},
    ]

    # when
    result = check(rows, scope="52.06")

    # then the first cannot be placed, the second can
    assert [r["area_code"] for r in accepted(result)] == ["52.06.12.2006"]
    assert reasons(result) == {
        2: [("ROW_NO_AREA", "area_code", None), ("AREA_NAME_AMBIGUOUS", "village_name", "Rato")]
    }


def test_a_village_name_repeated_in_the_province_is_settled_by_the_regency() -> None:
    rows = [
        {"name": "Siti", "village_name": "Soro"},
        {"name": "Budi", "regency_name": "Dompu", "village_name": "Soro"},
    ]

    result = check(rows, scope="52")

    assert [r["area_code"] for r in accepted(result)] == ["52.05.02.2003"]
    assert reasons(result)[2][1][:2] == ("AREA_NAME_AMBIGUOUS", "village_name")


def test_an_unknown_name_is_warned_and_the_names_above_it_still_count() -> None:
    rows = [{"name": "Siti", "district_name": "Dompu", "village_name": "Kampung Baru Sekali"}]

    row = only(check(rows, scope="52.05"))

    assert row["area_code"] == "52.05.01"
    assert issues(row) == [("village_name", "AREA_NAME_UNKNOWN", "Kampung Baru Sekali")]


def test_a_district_name_outside_the_scope_is_unknown() -> None:
    result = check([{"name": "Siti", "district_name": "Lambu"}], scope="52.05")

    assert reasons(result) == {
        2: [("ROW_NO_AREA", "area_code", None), ("AREA_NAME_UNKNOWN", "district_name", "Lambu")]
    }


def test_names_are_ignored_when_the_code_is_good() -> None:
    row = only(check([person(area_code="5205012008", village_name="Tidak Ada Desa Ini")]))

    assert row["area_code"] == KATUA
    assert row["_issues"] == []


# --- whole rows ------------------------------------------------------------------------------


def test_a_row_without_name_or_identifier_is_quarantined_with_the_reasons_why() -> None:
    # given a person whose only identifier Excel destroyed
    rows = [{"nik": "3.20101E+15", "area_code": "5205012008", "sex": "L"}]

    # when
    result = check(rows)

    # then
    assert accepted(result) == []
    assert reasons(result) == {
        2: [
            ("ROW_NO_IDENTITY", "nik,kk,name,record_id", None),
            ("NIK_SCIENTIFIC_NOTATION", "nik", "3.20101E+15"),
        ]
    }


def test_a_row_with_neither_identity_nor_area_lists_both() -> None:
    result = check([{"sex": "L", "area_code": "99"}])

    assert reasons(result)[2] == [
        ("ROW_NO_IDENTITY", "nik,kk,name,record_id", None),
        ("ROW_NO_AREA", "area_code", None),
        ("AREA_UNKNOWN_CODE", "area_code", "99"),
    ]


def test_a_payment_needs_no_area_but_a_program() -> None:
    rows = [{"program": "pkh", "name": "Ahmad"}, {"program": "-", "name": "Budi"}]

    result = check(rows, "program_receipt")

    assert [r["name"] for r in accepted(result)] == ["Ahmad"]
    assert reasons(result) == {3: [("ROW_MISSING_REQUIRED", "program", None)]}


def test_a_line_that_does_not_fit_the_layout_is_quarantined_with_the_line() -> None:
    rows = [
        person(),
        person(name="Budi", _defect="ROW_TOO_MANY_FIELDS", _line="Budi;5205012008;x;y"),
    ]

    result = check(rows)

    assert len(accepted(result)) == 1
    assert reasons(result) == {3: [("ROW_TOO_MANY_FIELDS", None, "Budi;5205012008;x;y")]}


def test_exact_repeats_are_quarantined_across_batches_of_one_file() -> None:
    # given one file read in two batches, with a copy in each
    state = FileState()
    first = check([person(nik=NIK_MAN), person(name="Budi"), person(nik=NIK_MAN)], state=state)
    second = check(
        [person(name="Budi"), person(name="Budi "), person(nik=NIK_MAN)], state=state, first_row=5
    )

    # then each copy names the first row it repeats
    assert [r["_row"] for r in accepted(first)] == [2, 3]
    assert reasons(first) == {4: [("ROW_DUPLICATE", None, "sama dengan baris 2")]}
    assert [r["_row"] for r in accepted(second)] == [6]  # "Budi " differs in its raw text
    assert reasons(second) == {
        5: [("ROW_DUPLICATE", None, "sama dengan baris 3")],
        7: [("ROW_DUPLICATE", None, "sama dengan baris 2")],
    }
    assert state.rows_seen == 3


def test_a_fresh_state_forgets_the_previous_file() -> None:
    check([person()], state=FileState())

    assert len(accepted(check([person()], state=FileState()))) == 1


def test_the_outcome_has_the_contract_schema_and_the_quarantine_shape() -> None:
    for contract in CONTRACTS.values():
        # given a batch with no mapped field at all
        result = check([{}, {}], contract.name)

        # then
        assert result.accepted.schema == contract.schema()
        assert result.rejected.schema == pl.Schema(
            [("_row", pl.Int64()), ("_reasons", REASON_TYPE)]
        )
        assert result.accepted.num_rows + result.rejected.height == 2


def test_an_empty_batch_gives_empty_tables() -> None:
    empty = frame_of([person()]).clear()

    result = validate(empty, CONTRACTS["person"], today=TODAY, state=FileState())

    assert result.accepted.num_rows == 0
    assert result.accepted.schema == CONTRACTS["person"].schema()
    assert result.rejected.height == 0


def test_columns_of_another_dtype_are_read_as_text() -> None:
    # given a reader that left an all-empty column untyped, and a number column typed
    frame = frame_of([person(), person(name="Budi")]).with_columns(
        pl.lit(None).alias("mother_name"), pl.Series("desil", [3, 4])
    )

    result = validate(frame, CONTRACTS["person"], today=TODAY, state=FileState())

    assert [r["desil"] for r in accepted(result)] == [3, 4]
    assert [r["mother_name"] for r in accepted(result)] == [None, None]


def test_issue_lists_follow_the_contract_issue_type() -> None:
    result = check([person(nik="123", sex="X")])

    assert result.accepted.schema.field("_issues").type == ISSUE_TYPE
    # in the contract's field order
    assert issues(only(result)) == [
        ("nik", "NIK_WRONG_LENGTH", "123"),
        ("sex", "CODE_UNKNOWN", "X"),
    ]


# --- properties ------------------------------------------------------------------------------

GARBAGE = st.one_of(
    st.none(),
    st.text(
        alphabet=st.sampled_from(list("0123456789 .,-/'\"EeRpYaTLPx\u00a0\u200b\t:")),
        max_size=20,
    ),
    st.text(max_size=8),
    st.sampled_from([NIK_MAN, NIK_WOMAN, KK, "5205012008", "Katua", "6 Mei 2024", "45123"]),
)
PERSON_FIELDS = [
    "nik", "kk", "name", "sex", "birth_date", "desil", "disability", "relationship",
    "area_code", "village_name", "district_name", "address",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    contract=st.sampled_from(sorted(CONTRACTS)),
    rows=st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                **{name: GARBAGE for name in PERSON_FIELDS},
                "program": GARBAGE,
                "amount": GARBAGE,
                "head_nik": GARBAGE,
                "weight": GARBAGE,
                "_defect": st.sampled_from(["ROW_TOO_FEW_FIELDS", "ROW_TOO_MANY_FIELDS"]),
            },
        ),
        min_size=1,
        max_size=12,
    ),
    split=st.integers(min_value=0, max_value=12),
)
def test_every_row_is_either_accepted_or_quarantined(
    contract: str, rows: list[dict[str, str | None]], split: int
) -> None:
    # given a file of random text read in two batches
    state = FileState()
    known = set(CONTRACTS[contract].names) | {"_defect"}
    rows = [{k: v for k, v in row.items() if k in known} for row in rows]
    batches = [rows[:split], rows[split:]]
    seen: list[int] = []
    for number, batch in enumerate(batches):
        if not batch:
            continue
        # when
        result = check(batch, contract, state=state, first_row=2 + number * split, scope="52.05")

        # then
        assert result.accepted.schema == CONTRACTS[contract].schema()
        assert result.accepted.num_rows + result.rejected.height == len(batch)
        seen += result.accepted.column("_row").to_pylist() + result.rejected["_row"].to_list()
        for found in result.rejected["_reasons"].to_list():
            assert found and all(r["code"] in REASONS for r in found)
            assert REASONS[found[0]["code"]].severity == "quarantine"
        for row_issues in result.accepted.column("_issues").to_pylist():
            assert all(REASONS[i["code"]].severity == "warning" for i in row_issues)
    assert sorted(seen) == list(range(2, 2 + len(rows)))


DIGIT_CHARS = st.sampled_from(list("0123456789"))
NIK_LIKE = st.one_of(
    # 16 digits whose date and serial parts are often valid
    st.builds(
        lambda area, day, month, year, serial: f"{area}{day:02d}{month:02d}{year:02d}{serial:04d}",
        st.sampled_from(["520501", "520599", "999901", "110101"]),
        st.integers(min_value=0, max_value=75),
        st.integers(min_value=0, max_value=13),
        st.integers(min_value=0, max_value=99),
        st.integers(min_value=0, max_value=9999),
    ),
    st.text(alphabet=DIGIT_CHARS, min_size=14, max_size=18),
)
WRAPPED = st.builds(
    lambda before, digits, after, spaced: before + (" ".join(digits) if spaced else digits) + after,
    st.sampled_from(["", "'", '"', " ", "''", "\u00a0", "“", "'\""]),
    NIK_LIKE,
    st.sampled_from(["", "'", '"', " ", ".0", "E+15", "\u200b", "”"]),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.one_of(WRAPPED, NIK_LIKE, st.none(), st.text(max_size=20)), max_size=30),
    label=st.sampled_from(["NIK", "KK"]),
    today=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
)
def test_the_fast_nik_path_agrees_with_clean_nik(
    values: list[str | None], label: Literal["NIK", "KK"], today: date
) -> None:
    # when
    out = clean_identity_series(pl.Series(values, dtype=pl.String), label=label, today=today)

    # then
    clean = clean_nik if label == "NIK" else clean_kk
    expected = []
    for value in values:
        digits, issue = clean(value, today=today)
        expected.append((digits, None if issue is None else issue.value))
    assert out.rows() == expected


def test_plain_niks_are_settled_without_a_call_per_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given a column of valid NIKs, women's included
    values = pl.Series([NIK_MAN, NIK_WOMAN, f"'{NIK_MAN}", " 5205 0141 0789 0001"] * 1000)
    calls: list[object] = []

    def counting(value: object, **kwargs: Any) -> object:
        calls.append(value)
        return clean_nik(value, **kwargs)

    monkeypatch.setattr("sinergi.pipeline.ingest.validate.clean_nik", counting)

    # when
    out = clean_identity_series(values, label="NIK", today=TODAY)

    # then
    assert calls == []
    assert out["issue"].null_count() == len(values)


def test_an_arrow_schema_is_what_the_snapshot_writer_gets() -> None:
    result = check([person()])

    assert isinstance(result.accepted, pa.Table)
    assert result.accepted.schema.field("_row").nullable is False
