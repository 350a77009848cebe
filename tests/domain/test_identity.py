"""NIK and KK numbers: cleaning spreadsheet cells, checking, taking apart and building."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sinergi.domain import wilayah
from sinergi.domain.identity import (
    AreaStatus,
    IdentityIssue,
    KkError,
    Nik,
    NikError,
    clean_kk,
    clean_nik,
    looks_like_excel_number,
    make_kk,
    make_nik,
    mask_nik,
    parse_kk,
    parse_nik,
)
from sinergi.errors import DomainError

TODAY = date(2026, 1, 15)
NIK_WOMAN = "5205014107890001"  # Kec. Dompu, 1 July 1989, woman, serial 1


# --- parse_nik: the parts --------------------------------------------------------------------


def test_parse_nik_of_a_man() -> None:
    nik = parse_nik("5205011302890123", today=TODAY)

    assert nik == Nik(
        digits="5205011302890123",
        district_code="52.05.01",
        regency_code="52.05",
        province_code="52",
        birth_date=date(1989, 2, 13),
        sex="L",
        serial=123,
        area_status=AreaStatus.KNOWN_DISTRICT,
    )


def test_parse_nik_of_a_woman_subtracts_forty_from_the_day() -> None:
    nik = parse_nik(NIK_WOMAN, today=TODAY)

    assert (nik.birth_date, nik.sex, nik.serial) == (date(1989, 7, 1), "P", 1)


@pytest.mark.parametrize(
    ("digits", "born", "sex"),
    [
        ("5205012902000001", date(2000, 2, 29), "L"),  # 2000 is a leap year, 1900 is not
        ("5205016902960001", date(1996, 2, 29), "P"),  # woman's leap day: 29 + 40
        ("5205017112990001", date(1999, 12, 31), "P"),  # highest woman's day, 71
        ("5205010101000001", date(2000, 1, 1), "L"),
    ],
)
def test_parse_nik_edge_dates(digits: str, born: date, sex: str) -> None:
    nik = parse_nik(digits, today=TODAY)

    assert (nik.birth_date, nik.sex) == (born, sex)


@pytest.mark.parametrize(
    ("date_digits", "born"),
    [
        ("010125", date(2025, 1, 1)),
        ("150126", date(2026, 1, 15)),  # today itself is still this century
        ("160126", date(1926, 1, 16)),  # tomorrow in 2026, so 1926
        ("010170", date(1970, 1, 1)),
        ("010199", date(1999, 1, 1)),
    ],
)
def test_century_is_the_latest_that_is_not_after_today(date_digits: str, born: date) -> None:
    assert parse_nik(f"520501{date_digits}0001", today=TODAY).birth_date == born


def test_century_uses_the_real_date_by_default() -> None:
    assert parse_nik("5205010101000001").birth_date == date(2000, 1, 1)


@pytest.mark.parametrize(
    ("digits", "status", "district"),
    [
        ("5205011302890001", AreaStatus.KNOWN_DISTRICT, "52.05.01"),
        ("5205991302890001", AreaStatus.KNOWN_REGENCY_ONLY, "52.05.99"),
        ("9999991302890001", AreaStatus.UNKNOWN, "99.99.99"),
    ],
)
def test_area_status_warns_but_does_not_reject(
    digits: str, status: AreaStatus, district: str
) -> None:
    nik = parse_nik(digits, today=TODAY)

    assert (nik.area_status, nik.district_code) == (status, district)


# --- parse_nik: what spreadsheets do to a cell ------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        NIK_WOMAN,
        int(NIK_WOMAN),
        np.int64(NIK_WOMAN),
        f"'{NIK_WOMAN}",  # Excel's text marker
        f'"{NIK_WOMAN}"',
        f"'{NIK_WOMAN}'",
        f"  {NIK_WOMAN}\t",
        "5205 0141 0789 0001",
        "5205\u00a0014107890001",  # non-breaking space from a web page
        f"\ufeff{NIK_WOMAN}",  # byte order mark on the first cell of a CSV
        "５２０５０１４１０７８９０００１",  # full-width digits
    ],
)
def test_parse_nik_cleans_cell_wrapping(value: object) -> None:
    assert parse_nik(value, today=TODAY).digits == NIK_WOMAN  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "issue"),
    [
        ("3.20101E+15", IdentityIssue.NIK_SCIENTIFIC_NOTATION),
        ("5,20501E+15", IdentityIssue.NIK_SCIENTIFIC_NOTATION),  # decimal comma (id-ID Excel)
        ("5.20501e15", IdentityIssue.NIK_SCIENTIFIC_NOTATION),
        ("5E+15", IdentityIssue.NIK_SCIENTIFIC_NOTATION),
        (" '3.20101E+15 ", IdentityIssue.NIK_SCIENTIFIC_NOTATION),
        (5205014107890000.0, IdentityIssue.NIK_EXCEL_TRUNCATED),
        (5205014107890001.0, IdentityIssue.NIK_EXCEL_TRUNCATED),
        (np.float64(5205014107890000), IdentityIssue.NIK_EXCEL_TRUNCATED),
        ("5205014107890001.0", IdentityIssue.NIK_EXCEL_TRUNCATED),
        ("5205014107890000,00", IdentityIssue.NIK_EXCEL_TRUNCATED),
        (None, IdentityIssue.NIK_EMPTY),
        ("", IdentityIssue.NIK_EMPTY),
        ("   ", IdentityIssue.NIK_EMPTY),
        ("''", IdentityIssue.NIK_EMPTY),
        ("-", IdentityIssue.NIK_EMPTY),
        ("nan", IdentityIssue.NIK_EMPTY),
        (float("nan"), IdentityIssue.NIK_EMPTY),
        ("520501410789001", IdentityIssue.NIK_WRONG_LENGTH),  # 15 digits
        ("52050141078900011", IdentityIssue.NIK_WRONG_LENGTH),  # 17 digits
        (520501410789001, IdentityIssue.NIK_WRONG_LENGTH),
        ("5205.0141.0789.000", IdentityIssue.NIK_NOT_DIGITS),  # 15 digits: the dots stay
        ("5205.0141.0789.0001.", IdentityIssue.NIK_NOT_DIGITS),  # a dot after the last group
        ("5.20508E+15", IdentityIssue.NIK_SCIENTIFIC_NOTATION),  # its dot is Excel's, not ours
        ("5205.0141.0789.0000", IdentityIssue.NIK_ZERO_SERIAL),
        ("52050141O7890001", IdentityIssue.NIK_NOT_DIGITS),  # letter O for zero
        ("-5205014107890001", IdentityIssue.NIK_NOT_DIGITS),
        (True, IdentityIssue.NIK_NOT_DIGITS),
        ("5205013102890001", IdentityIssue.NIK_BAD_DATE),  # 31 February
        ("5205017102890001", IdentityIssue.NIK_BAD_DATE),  # woman's 31 February
        ("5205012902010001", IdentityIssue.NIK_BAD_DATE),  # 29 February 2001 and 1901
        ("5205010013890001", IdentityIssue.NIK_BAD_DATE),  # day 00
        ("5205014007890001", IdentityIssue.NIK_BAD_DATE),  # day 40 (woman's 0)
        ("5205013507890001", IdentityIssue.NIK_BAD_DATE),  # day 35: neither sex
        ("5205017207890001", IdentityIssue.NIK_BAD_DATE),  # day 72
        ("5205011313890001", IdentityIssue.NIK_BAD_DATE),  # month 13
        ("5205011300890001", IdentityIssue.NIK_BAD_DATE),  # month 00
        ("5205014107890000", IdentityIssue.NIK_ZERO_SERIAL),
    ],
)
def test_unusable_nik_gets_a_stable_reason(value: object, issue: IdentityIssue) -> None:
    with pytest.raises(NikError) as caught:
        parse_nik(value, today=TODAY)  # type: ignore[arg-type]

    assert caught.value.code == issue
    assert caught.value.issue is issue
    assert clean_nik(value, today=TODAY) == (None, issue)


@pytest.mark.parametrize(
    ("value", "message", "english"),
    [
        (
            "520501410789001",
            "NIK 5205*******9001: ada 15 digit. NIK harus tepat 16 digit.",
            "NIK 5205*******9001: 15 digits. A NIK has exactly 16 digits.",
        ),
        (
            "52050141O7890001",
            "NIK 5205********0001: ada karakter 'O' di posisi 9. NIK hanya boleh berisi angka 0–9.",
            "NIK 5205********0001: character 'O' at position 9. A NIK may contain only",
        ),
        (
            "5205013102890001",
            "NIK 5205********0001: bulan 02 tidak punya tanggal 31. Digit ke-7 sampai ke-12 NIK",
            "NIK 5205********0001: month 02 has no day 31. Digits 7 to 12 of a NIK",
        ),
        (
            "5205012902010001",
            "NIK 5205********0001: 29 Februari hanya ada pada tahun kabisat.",
            "NIK 5205********0001: 29 February exists only in leap years.",
        ),
        (
            "5205013507890001",
            "NIK 5205********0001: hari 35 tidak mungkin (1–31, perempuan 41–71).",
            "NIK 5205********0001: day 35 is impossible (1-31, women 41-71).",
        ),
        (
            "3.20101E+15",
            "NIK 3.20***E+15: NIK tertulis sebagai angka ilmiah (seperti 3.20101E+15) karena Excel",
            "NIK 3.20***E+15: The NIK is in scientific notation",
        ),
        (
            5205014107890000.0,
            "NIK 5205**********00.0: NIK pernah disimpan sebagai angka desimal",
            "NIK 5205**********00.0: The NIK went through a decimal number",
        ),
        (None, "NIK kosong. Isi dari KTP atau KK.", "The NIK is empty. Fill it in."),
    ],
)
def test_error_messages_give_shape_cause_and_fix(value: object, message: str, english: str) -> None:
    with pytest.raises(NikError) as caught:
        parse_nik(value, today=TODAY)  # type: ignore[arg-type]

    assert str(caught.value).startswith(message)
    assert caught.value.english.startswith(english)


@pytest.mark.parametrize(
    "value",
    [
        "5205013102890001",  # bad date
        "5205014107890000",  # zero serial
        "52050141078900011",  # too long
        "5205 0141 07x9 0001",  # not digits
        "5205014107890001.0",  # float text
    ],
)
def test_errors_never_show_the_whole_nik(value: str) -> None:
    """NIK is personal data: messages for people and for logs keep only 4 + 4 digits."""
    with pytest.raises(NikError) as caught:
        parse_nik(value, today=TODAY)

    digits = "".join(c for c in value if c.isdigit())
    for text in (str(caught.value), caught.value.english):
        assert digits[4:-4] not in "".join(c for c in text if c.isdigit())


def test_remedy_says_to_fetch_again_and_format_as_text() -> None:
    with pytest.raises(NikError) as caught:
        parse_nik("3.20101E+15")

    assert "tidak bisa dipulihkan" in str(caught.value)
    assert "format kolom NIK sebagai Teks" in str(caught.value)
    assert "format the NIK column as Text" in caught.value.english


def test_nik_error_is_a_domain_error() -> None:
    with pytest.raises(DomainError):
        parse_nik("1")


def test_repr_of_a_nik_is_masked() -> None:
    assert repr(parse_nik(NIK_WOMAN, today=TODAY)) == "Nik('5205********0001')"


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("5205014107890001", "5205********0001"),
        ("520501410789001", "5205*******9001"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_mask_nik_keeps_first_and_last_four(value: str, masked: str) -> None:
    assert mask_nik(value) == masked


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (5205014107890000.0, True),
        (np.float32(3.2e15), True),
        ("3.20101E+15", True),
        ("5,20501E+15", True),
        ("5.20501e15", True),
        ("5205014107890001.0", True),
        ("'5205014107890001,0", True),
        ("5205014107890001", False),
        (5205014107890001, False),
        (float("nan"), False),
        (None, False),
        ("Dompu", False),
    ],
)
def test_looks_like_excel_number(value: object, expected: bool) -> None:
    assert looks_like_excel_number(value) is expected


def test_clean_nik_returns_the_digits_of_a_good_nik() -> None:
    assert clean_nik(f"'{NIK_WOMAN}", today=TODAY) == (NIK_WOMAN, None)
    assert clean_nik("9999991302890001", today=TODAY) == ("9999991302890001", None)


@given(
    st.one_of(
        st.none(),
        st.text(),
        st.integers(),
        st.floats(allow_nan=True, allow_infinity=True),
        st.booleans(),
        st.from_regex(r"'?[0-9]{14,18}(\.0)?", fullmatch=True),
    )
)
def test_clean_nik_never_raises(value: object) -> None:
    digits, issue = clean_nik(value, today=TODAY)

    assert (digits is None) != (issue is None)
    if digits is not None:
        assert len(digits) == 16
        assert digits.isdigit()


@pytest.mark.parametrize("issue", list(IdentityIssue))
def test_every_issue_is_described_in_both_languages(issue: IdentityIssue) -> None:
    indonesian, english = issue.describe()

    assert issue.value == issue.name  # codes are stable UPPER_SNAKE strings
    assert indonesian and english and indonesian != english
    assert issue.value.split("_")[0] in indonesian
    assert "{" not in indonesian + english


# --- make_nik and round trips ----------------------------------------------------------------

DISTRICTS = [area.code for area in wilayah.areas(wilayah.Level.DISTRICT)]
# Birth dates that a 2-digit year can carry: the 100 years up to TODAY.
BIRTH_DATES = st.dates(min_value=TODAY - timedelta(days=36524), max_value=TODAY)


def test_make_nik_adds_forty_for_women() -> None:
    assert make_nik("52.05.01", date(1989, 7, 1), "P", 1) == NIK_WOMAN
    assert make_nik(520501, date(1989, 7, 1), "L", 9999) == "5205010107899999"


@given(
    district=st.sampled_from(DISTRICTS),
    born=BIRTH_DATES,
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(1, 9999),
)
def test_make_nik_round_trips_through_parse_nik(
    district: str, born: date, sex: str, serial: int
) -> None:
    digits = make_nik(district, born, sex, serial)  # type: ignore[arg-type]

    nik = parse_nik(digits, today=TODAY)

    assert nik.digits == digits
    assert (nik.district_code, nik.birth_date, nik.sex, nik.serial) == (
        district,
        born,
        sex,
        serial,
    )
    assert nik.regency_code == district[:5]
    assert nik.province_code == district[:2]
    assert nik.area_status is AreaStatus.KNOWN_DISTRICT


@pytest.mark.parametrize(
    ("district", "sex", "serial"),
    [
        ("52.05.01", "X", 1),
        ("52.05.01", "l", 1),
        ("52.05.01", "L", 0),
        ("52.05.01", "L", 10000),
        ("52.05.01", "L", True),
        ("52.05", "L", 1),  # a regency, not a district
        ("52.05.01.2008", "L", 1),
        ("52.0", "L", 1),
    ],
)
def test_make_nik_rejects_bad_arguments(district: str, sex: str, serial: int) -> None:
    with pytest.raises(ValueError):
        make_nik(district, date(1989, 7, 1), sex, serial)  # type: ignore[arg-type]


# --- KK --------------------------------------------------------------------------------------


def test_parse_kk_reads_the_registration_date() -> None:
    kk = parse_kk(" '5205012708100012 ", today=TODAY)

    assert (kk.digits, kk.district_code, kk.regency_code, kk.province_code) == (
        "5205012708100012",
        "52.05.01",
        "52.05",
        "52",
    )
    assert (kk.registration_date, kk.serial) == (date(2010, 8, 27), 12)
    assert kk.area_status is AreaStatus.KNOWN_DISTRICT
    assert repr(kk) == "Kk('5205********0012')"


def test_a_kk_day_has_no_plus_forty() -> None:
    """The same digits are a woman's NIK but not a KK: 41 is no registration day."""
    assert clean_nik(NIK_WOMAN, today=TODAY) == (NIK_WOMAN, None)
    assert clean_kk(NIK_WOMAN, today=TODAY) == (None, IdentityIssue.KK_BAD_DATE)


@pytest.mark.parametrize(
    ("value", "issue"),
    [
        ("3.20101E+15", IdentityIssue.KK_SCIENTIFIC_NOTATION),
        (5205012708100000.0, IdentityIssue.KK_EXCEL_TRUNCATED),
        ("", IdentityIssue.KK_EMPTY),
        ("520501270810001", IdentityIssue.KK_WRONG_LENGTH),
        ("52050127081OOO12", IdentityIssue.KK_NOT_DIGITS),
        ("5205013102100012", IdentityIssue.KK_BAD_DATE),
        ("5205012708100000", IdentityIssue.KK_ZERO_SERIAL),
    ],
)
def test_unusable_kk_gets_a_kk_reason(value: object, issue: IdentityIssue) -> None:
    with pytest.raises(KkError) as caught:
        parse_kk(value, today=TODAY)  # type: ignore[arg-type]

    assert caught.value.issue is issue
    assert str(caught.value).startswith("KK")
    assert clean_kk(value, today=TODAY) == (None, issue)


def test_kk_bad_date_message_speaks_of_registration_not_birth() -> None:
    with pytest.raises(KkError) as caught:
        parse_kk("5205013102100012", today=TODAY)

    assert "tanggal pencatatan DDMMYY" in str(caught.value)
    assert "perempuan" not in str(caught.value)


@given(
    district=st.sampled_from(DISTRICTS),
    registered=BIRTH_DATES,
    serial=st.integers(1, 9999),
)
def test_make_kk_round_trips_through_parse_kk(district: str, registered: date, serial: int) -> None:
    kk = parse_kk(make_kk(district, registered, serial), today=TODAY)

    assert (kk.district_code, kk.registration_date, kk.serial) == (district, registered, serial)


def test_make_kk_rejects_a_zero_serial() -> None:
    with pytest.raises(ValueError, match="serial"):
        make_kk("52.05.01", date(2010, 8, 27), 0)


@pytest.mark.parametrize(
    "value",
    ["5205.0141.0789.0001", "5205-0141-0789-0001", "520501-410789-0001", "'5205.0141.0789.0001"],
)
def test_dots_and_hyphens_between_digit_groups_are_dropped(value: str) -> None:
    assert clean_nik(value, today=TODAY) == (NIK_WOMAN, None)
    kk = "5205012708100012"  # registered 27 August 2010
    assert clean_kk(f"{kk[:4]}.{kk[4:8]}.{kk[8:12]}.{kk[12:]}", today=TODAY) == (kk, None)
