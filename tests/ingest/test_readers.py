"""The file readers: every record of a CSV or workbook comes back as text, numbered, none lost."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from unittest import mock

import polars as pl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sinergi.errors import PipelineError
from sinergi.pipeline.ingest import readers
from sinergi.pipeline.ingest.readers import (
    TOO_FEW_FIELDS,
    TOO_MANY_FIELDS,
    preview,
    read_sheet,
)

META = ["_row", "_sheet", "_defect", "_line"]


def read_all(path: Path, **kwargs: Any) -> tuple[readers.SheetReader, pl.DataFrame]:
    kwargs.setdefault("sheet", None)
    kwargs.setdefault("header_row", 1)
    reader = read_sheet(path, **kwargs)
    frames = list(reader.batches())
    assert frames, "batches() must yield at least one frame for a file with data"
    return reader, pl.concat(frames)


def cells(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    return frame.drop(META).rows()


def write_bytes(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# -- delimited text -----------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "|", "\t"])
def test_each_delimiter_is_detected_and_cells_kept_verbatim(tmp_path: Path, delimiter: str) -> None:
    lines = [
        ["nik", "nama", "alamat"],
        ["5205014107890001", " Siti Aminah ", "Jl. A, No. 1; RT 2|3"],
        ["", "NA", "NULL"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(lines)
    path = write_bytes(tmp_path, "data.csv", buffer.getvalue().encode())

    reader, frame = read_all(path)

    assert reader.delimiter == delimiter
    assert reader.header == ["nik", "nama", "alamat"]
    assert frame.columns == [*META, "nik", "nama", "alamat"]
    # Not trimmed, and "NA"/"NULL" are what the file says: only an empty field is null.
    assert cells(frame) == [
        ("5205014107890001", " Siti Aminah ", "Jl. A, No. 1; RT 2|3"),
        (None, "NA", "NULL"),
    ]
    assert frame["_row"].to_list() == [2, 3]
    assert frame["_sheet"].null_count() == 2
    assert frame["_defect"].null_count() == 2
    assert frame.schema["_row"] == pl.Int64
    assert all(frame.schema[c] == pl.String for c in frame.columns if c != "_row")


def test_semicolon_file_with_decimal_commas_is_not_taken_for_comma(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.csv", b"nama;luas;nilai\nani;12,5;1,0\nbudi;7,25;2,5\n")
    reader, frame = read_all(path)
    assert reader.delimiter == ";"
    assert cells(frame)[0] == ("ani", "12,5", "1,0")


def test_one_column_file_is_comma(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "a.csv", b"nik\n1\n2\n")
    reader, frame = read_all(path)
    assert reader.delimiter == ","
    assert cells(frame) == [("1",), ("2",)]


def test_utf8_without_and_with_bom(tmp_path: Path) -> None:
    text = "nama,desa\nÑoman Ésa,Woja\n"
    plain = write_bytes(tmp_path, "plain.csv", text.encode("utf-8"))
    bom = write_bytes(tmp_path, "bom.csv", text.encode("utf-8-sig"))

    plain_reader, plain_frame = read_all(plain)
    bom_reader, bom_frame = read_all(bom)

    assert plain_reader.encoding == "utf-8"
    assert bom_reader.encoding == "utf-8-sig"
    assert bom_reader.header == ["nama", "desa"]  # no BOM glued to the first label
    assert cells(plain_frame) == cells(bom_frame) == [("Ñoman Ésa", "Woja")]
    assert preview(bom)[0].rows[0] == ["nama", "desa"]


def test_cp1252_file_is_decoded_as_cp1252(tmp_path: Path) -> None:
    text = "nama;alamat\nÑOMAN;Jl. Pahlawan ’45 – Bima\nJOSÉ;Desa Woja\n"
    path = write_bytes(tmp_path, "win.csv", text.encode("cp1252"))

    reader, frame = read_all(path)

    assert reader.encoding == "cp1252"
    assert cells(frame) == [("ÑOMAN", "Jl. Pahlawan ’45 – Bima"), ("JOSÉ", "Desa Woja")]


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "odd.csv", b"a,b\n\x81x,\xe9\n")
    reader, frame = read_all(path)
    assert reader.encoding == "latin-1"
    assert cells(frame) == [("\x81x", "é")]


def test_non_utf8_byte_far_into_the_file_is_still_found(tmp_path: Path) -> None:
    body = b"".join(b"%d,budi\n" % i for i in range(300_000))  # a few MB of ASCII first
    path = write_bytes(tmp_path, "late.csv", b"no,nama\n" + body + b"1,JOS\xc9\n")
    reader, frame = read_all(path)
    assert reader.encoding == "cp1252"
    assert frame.height == 300_001
    assert frame.row(-1)[-1] == "JOSÉ"


def test_quoted_delimiter_doubled_quotes_and_newlines_keep_row_numbers(tmp_path: Path) -> None:
    data = (
        b"nama,alamat,catatan\r\n"
        b'ani,"Jl. A, No. 1","kata ""ya"""\r\n'
        b'budi,"baris satu\r\nbaris dua\r\nbaris tiga",x\r\n'
        b"citra,Jl. C,y\r\n"
    )
    path = write_bytes(tmp_path, "q.csv", data)

    _, frame = read_all(path)

    assert cells(frame) == [
        ("ani", "Jl. A, No. 1", 'kata "ya"'),
        ("budi", "baris satu\r\nbaris dua\r\nbaris tiga", "x"),
        ("citra", "Jl. C", "y"),
    ]
    # budi's record starts on line 3 and takes three lines: citra is on line 6.
    assert frame["_row"].to_list() == [2, 3, 6]
    shown = preview(path)[0]
    assert shown.row_numbers == [1, 2, 3, 6]
    assert shown.rows[2] == ["budi", "baris satu\r\nbaris dua\r\nbaris tiga", "x"]


def test_ragged_lines_are_flagged_with_their_text(tmp_path: Path) -> None:
    data = (
        "nik|nama|desa\n"
        "1|ani|Woja\n"
        "2|budi|Woja|extra|more\n"
        "3|citra\n"
        '4|"dewi\nsari"|Hu\'u|x\n'
        "5|eka|Kilo\n"
    )
    path = write_bytes(tmp_path, "dtks.txt", data.encode())

    reader, frame = read_all(path)

    assert reader.delimiter == "|"
    assert frame["_row"].to_list() == [2, 3, 4, 5, 7]
    assert frame["_defect"].to_list() == [
        None,
        TOO_MANY_FIELDS,
        TOO_FEW_FIELDS,
        TOO_MANY_FIELDS,
        None,
    ]
    assert frame["_line"].to_list() == [
        None,
        "2|budi|Woja|extra|more",
        "3|citra",
        '4|"dewi\nsari"|Hu\'u|x',
        None,
    ]
    assert cells(frame) == [
        ("1", "ani", "Woja"),
        ("2", "budi", "Woja"),
        ("3", "citra", None),
        ("4", "dewi\nsari", "Hu'u"),
        ("5", "eka", "Kilo"),
    ]


def test_blank_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    data = b"a,b,c\n1,2,3\n\n,,\n\r\n4,5,6\n,\n \n\n"
    path = write_bytes(tmp_path, "blank.csv", data)

    reader, frame = read_all(path)

    assert cells(frame) == [("1", "2", "3"), ("4", "5", "6"), (" ", None, None)]
    assert frame["_row"].to_list() == [2, 6, 8]
    # "\n", ",,", "\r\n", "," and the last "\n": all cells empty. " " is a value.
    assert reader.blank_rows == 5
    assert frame["_defect"].to_list() == [None, None, TOO_FEW_FIELDS]


def test_title_block_above_the_header_in_a_csv(tmp_path: Path) -> None:
    data = (
        "DAFTAR PENERIMA PKH\n"
        "Kabupaten Dompu; Tahap 1\n"
        "\n"
        "NO_KK,NIK,NAMA\n"
        "5205010101010001,5205014107890001,ANI\n"
    )
    path = write_bytes(tmp_path, "pkh.csv", data.encode())

    reader, frame = read_all(path, header_row=4)

    assert reader.delimiter == ","
    assert reader.header == ["NO_KK", "NIK", "NAMA"]
    assert frame["_row"].to_list() == [5]
    assert preview(path)[0].rows[3] == ["NO_KK", "NIK", "NAMA"]


def test_two_row_header_in_a_csv_takes_labels_from_above(tmp_path: Path) -> None:
    data = "NIK,Penerima,\n,BPNT,PKH\n1,YA,TIDAK\n"
    path = write_bytes(tmp_path, "two.csv", data.encode())
    reader = read_sheet(path, sheet=None, header_row=2)
    assert reader.header == ["NIK", "BPNT", "PKH"]


def test_header_only_file_has_no_rows(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "empty.csv", b"a,b\n")
    reader = read_sheet(path, sheet=None, header_row=1)
    assert [frame.height for frame in reader.batches()] == []
    assert reader.blank_rows == 0


def test_text_batches_hold_the_same_rows_as_one_batch(tmp_path: Path) -> None:
    rows = "".join(f"{i},nama {i}\n" for i in range(1, 11))
    path = write_bytes(tmp_path, "ten.csv", f"no,nama\n{rows}".encode())

    small = list(read_sheet(path, sheet=None, header_row=1, batch_rows=3).batches())
    whole = list(read_sheet(path, sheet=None, header_row=1).batches())

    assert [frame.height for frame in small] == [3, 3, 3, 1]
    assert len(whole) == 1
    assert pl.concat(small).equals(whole[0])


def test_ragged_rows_across_many_blocks_stay_in_place(tmp_path: Path) -> None:
    lines = ["no,a,b"]
    for i in range(1, 400):
        if i % 37 == 0:
            lines.append(f"{i},x")
        elif i % 53 == 0:
            lines.append(f'{i},"two\nlines",y,z')
        else:
            lines.append(f"{i},a{i},b{i}")
    path = write_bytes(tmp_path, "blocks.csv", ("\n".join(lines) + "\n").encode())
    with (
        mock.patch.object(readers, "_MIN_BLOCK_BYTES", 300),
        mock.patch.object(readers, "_MAX_BLOCK_BYTES", 300),
    ):
        _, frame = read_all(path, batch_rows=7)

    assert frame["no"].to_list() == [str(i) for i in range(1, 400)]
    expected_rows, line = [], 2
    for i in range(1, 400):
        expected_rows.append(line)
        line += 2 if i % 53 == 0 and i % 37 else 1
    assert frame["_row"].to_list() == expected_rows
    defects = dict(zip(frame["no"].to_list(), frame["_defect"].to_list(), strict=True))
    assert {k for k, v in defects.items() if v == TOO_FEW_FIELDS} == {
        str(i) for i in range(37, 400, 37)
    }
    assert {k for k, v in defects.items() if v == TOO_MANY_FIELDS} == {
        str(i) for i in range(53, 400, 53) if i % 37
    }


def test_text_errors_name_the_file(tmp_path: Path) -> None:
    short = write_bytes(tmp_path, "short.csv", b"a,b\n1,2\n")
    with pytest.raises(PipelineError) as past:
        read_sheet(short, sheet=None, header_row=5)
    assert past.value.code == "HEADER_ROW_OUT_OF_RANGE"
    assert "short.csv" in str(past.value) and "short.csv" in past.value.english

    binary = write_bytes(tmp_path, "rusak.csv", b"\x00\x01\x02garbage\x00" * 10)
    with pytest.raises(PipelineError) as unreadable:
        preview(binary)
    assert unreadable.value.code == "FILE_UNREADABLE"
    assert "rusak.csv" in str(unreadable.value)

    utf16 = write_bytes(tmp_path, "unicode.txt", "a\tb\n1\t2\n".encode("utf-16"))
    with pytest.raises(PipelineError, match="UTF-16"):
        read_sheet(utf16, sheet=None, header_row=1)

    with pytest.raises(PipelineError) as sheet:
        read_sheet(short, sheet="Data", header_row=1)
    assert sheet.value.code == "SHEET_NOT_FOUND"

    empty_header = write_bytes(tmp_path, "gap.csv", b"judul\n\na,b\n")
    with pytest.raises(PipelineError) as empty:
        read_sheet(empty_header, sheet=None, header_row=2)
    assert empty.value.code == "HEADER_ROW_EMPTY"


def test_unclosed_quote_fails_loudly_instead_of_swallowing_rows(tmp_path: Path) -> None:
    body = "".join(f"{i},nama\n" for i in range(200_000))
    path = write_bytes(tmp_path, "open.csv", f'no,nama\n1,"tanpa tutup\n{body}'.encode())
    with (
        mock.patch.object(readers, "_MIN_BLOCK_BYTES", 1 << 16),
        mock.patch.object(readers, "_MAX_BLOCK_BYTES", 1 << 16),
        pytest.raises(PipelineError) as error,
    ):
        list(read_sheet(path, sheet=None, header_row=1).batches())
    assert error.value.code == "CSV_MALFORMED"
    assert "open.csv" in str(error.value)


PKH_HEADER = "NO_KK;NIK_PENGURUS;NAMA_PENGURUS;KECAMATAN;DESA;TAHAP;NOMINAL"


def _pkh_lines(count: int) -> list[str]:
    return [
        f"52050102062300{i:02d};52050162087{i:05d};Ani{i};Dompu;Bada;1;825000" for i in range(count)
    ]


@pytest.mark.parametrize("lines", [30, 300, 1000])
@pytest.mark.parametrize("column", [2, 6])  # a middle column (a short row) and the last one
def test_a_stray_quote_in_a_small_file_is_refused_naming_its_line_and_column(
    tmp_path: Path, lines: int, column: int
) -> None:
    rows = _pkh_lines(lines)
    cells = rows[10].split(";")
    cells[column] = '"' + cells[column]  # an opening quote nobody closes, on line 12
    rows[10] = ";".join(cells)
    path = write_bytes(tmp_path, "pkh.csv", "\n".join([PKH_HEADER, *rows, ""]).encode())

    with pytest.raises(PipelineError) as error:
        list(read_sheet(path, sheet=None, header_row=1).batches())

    assert error.value.code == "CSV_MALFORMED"
    label = PKH_HEADER.split(";")[column]
    assert f"baris 12, kolom '{label}'" in str(error.value)
    assert f"baris 13 sampai {lines + 1}" in str(error.value)
    assert "pkh.csv" in str(error.value)


def test_a_stray_quote_closed_by_another_is_refused_too(tmp_path: Path) -> None:
    rows = _pkh_lines(40)
    rows[10] = rows[10].replace(";Ani10;", ';"Ani10;')
    rows[20] = rows[20].replace(";Ani20;", ';Ani20";')  # closes it ten lines further
    path = write_bytes(tmp_path, "pkh.csv", "\n".join([PKH_HEADER, *rows, ""]).encode())

    with pytest.raises(PipelineError) as error:
        list(read_sheet(path, sheet=None, header_row=1).batches())
    assert error.value.code == "CSV_MALFORMED"
    assert "baris 12, kolom 'NAMA_PENGURUS'" in str(error.value)


def test_a_real_multi_line_value_with_a_few_delimiters_is_read(tmp_path: Path) -> None:
    rows = _pkh_lines(5)
    rows[2] = rows[2].replace(";Bada;", ';"Bada;\nRT 1; RW 2";')
    path = write_bytes(tmp_path, "pkh.csv", "\n".join([PKH_HEADER, *rows, ""]).encode())

    _, frame = read_all(path)
    assert frame.height == 5
    assert frame["DESA"][2] == "Bada;\nRT 1; RW 2"
    assert frame["_row"].to_list() == [2, 3, 4, 6, 7]
    assert frame["_defect"].null_count() == 5


def _swallows(record: list[str], width: int, delimiter: str) -> bool:
    """A field with a line after its first line break that holds a whole row of delimiters."""
    return width > 1 and any(
        part.count(delimiter) >= width - 1
        for value in record
        for part in re.split(r"\r\n|\r|\n", value)[1:]
    )


# -- the property: what csv.writer writes comes back, row for row --------------------------

CELL = st.lists(
    st.one_of(
        st.sampled_from([",", ";", "|", "\t", '"', "\n", "\r", " ", "\r\n", "’", "é", "ñ"]),
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    ),
    max_size=8,
).map("".join)


def _reference(text: str, delimiter: str, width: int) -> list[tuple[Any, ...]] | None:
    """(row, defect, cells) the way a person would read the file, with the stdlib csv module.

    None when a record holds a value that looks like a stray quote's swallowed rows.
    """
    out = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader)
    last = reader.line_num
    for record in reader:
        first, last = last + 1, reader.line_num
        if _swallows(record, width, delimiter):
            return None
        if not any(record):
            continue
        defect = None
        if len(record) > width and any(record[width:]):  # empty padding is no defect
            defect = TOO_MANY_FIELDS
        elif len(record) < width:
            defect = TOO_FEW_FIELDS
        values = [value or None for value in record[:width]]
        out.append((first, defect, *values, *[None] * (width - len(values))))
    return out


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(min_value=1, max_value=5),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "|", "\t"]),
    batch_rows=st.integers(min_value=1, max_value=6),
)
def test_any_table_round_trips_with_every_row_accounted_for(
    tmp_path_factory: pytest.TempPathFactory,
    width: int,
    data: st.DataObject,
    delimiter: str,
    batch_rows: int,
) -> None:
    header = [f"k{i}" for i in range(width)]
    # Rows of any length: ragged ones must be flagged, empty ones counted as blank.
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=0, max_size=width + 2), min_size=0, max_size=25)
    )
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    text = buffer.getvalue()
    path = tmp_path_factory.mktemp("prop") / "table.csv"
    path.write_bytes(text.encode("utf-8"))

    expected = _reference(text, delimiter, width)
    with (
        mock.patch.object(readers, "_MIN_BLOCK_BYTES", 4096),
        mock.patch.object(readers, "_MAX_BLOCK_BYTES", 4096),
    ):
        reader = read_sheet(
            path, sheet=None, header_row=1, batch_rows=batch_rows, delimiter=delimiter
        )
        if expected is None:
            with pytest.raises(PipelineError) as error:
                list(reader.batches())
            assert error.value.code == "CSV_MALFORMED"
            return
        frames = list(reader.batches())

    assert all(0 < frame.height <= batch_rows for frame in frames)
    got = [
        (row[0], row[2], *row[4:]) for frame in frames for row in frame.rows()
    ]  # (_row, _defect, cells…)
    assert got == expected
    assert len(got) + reader.blank_rows == len(rows)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    width=st.integers(min_value=2, max_value=5),
    data=st.data(),
    delimiter=st.sampled_from([",", ";", "|", "\t"]),
)
def test_any_well_formed_table_round_trips_with_detection(
    tmp_path_factory: pytest.TempPathFactory, width: int, data: st.DataObject, delimiter: str
) -> None:
    header = [f"kolom{i}" for i in range(width)]
    # Well formed: no value holds a line that is a whole row (the reader refuses those).
    row = st.lists(CELL, min_size=width, max_size=width)
    rows = data.draw(
        st.lists(row.filter(lambda r: not _swallows(r, width, delimiter)), max_size=25)
    )
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([header, *rows])
    path = tmp_path_factory.mktemp("detect") / "table.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8"))

    reader = read_sheet(path, sheet=None, header_row=1)
    got = [row[4:] for frame in reader.batches() for row in frame.rows()]

    assert reader.delimiter == delimiter
    assert reader.header == header
    kept = [row for row in rows if any(row)]
    assert got == [tuple(value or None for value in row) for row in kept]
    assert len(got) + reader.blank_rows == len(rows)
    previewed = preview(path, rows=len(rows) + 1)[0]
    assert [row for row in previewed.rows[1:] if row and any(row)] == [
        [value or None for value in row] for row in kept
    ]


# -- workbooks ----------------------------------------------------------------------------


def make_p3ke_like(path: Path, data: list[list[Any]]) -> list[str]:
    """A P3KE-style sheet: a title block, a merged group row 11, the header on row 12."""
    header = ["ID Keluarga", "Nama", "NIK", "Tanggal Lahir", "Penerima BPNT", "Penerima PKH"]
    book = xlsxwriter.Workbook(str(path), {"default_date_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Data")
    for row, line in enumerate(["DATA P3KE", "KABUPATEN DOMPU", "", "RAHASIA"]):
        sheet.write_string(row, 0, line)
    sheet.merge_range(10, 4, 10, 5, "Penerima Bantuan")
    wrap = book.add_format({"text_wrap": True})
    sheet.write_row(11, 0, ["ID\nKeluarga", "Nama", "NIK", "Tanggal  Lahir"], wrap)
    sheet.write_row(11, 4, header[4:])
    for offset, record in enumerate(data):
        for column, value in enumerate(record):
            if isinstance(value, datetime | date):
                sheet.write_datetime(12 + offset, column, value)
            elif value is not None:
                sheet.write(12 + offset, column, value)
    book.close()
    return header


def test_xlsx_with_title_block_and_group_row(tmp_path: Path) -> None:
    path = tmp_path / "P3KE_Individu.xlsx"
    header = make_p3ke_like(
        path,
        [
            ["3615949999", "ANI", "5205014107890001", date(1989, 7, 1), "YA", "TIDAK"],
            ["3615949999", "BUDI", 5205014107890001, datetime(1990, 1, 2, 8, 30), True, 0],
            [],
            ["3615950000", "CITRA", None, "01-02-1991", None, None],
        ],
    )

    shown = preview(path)
    assert [(p.sheet, p.first_row) for p in shown] == [("Data", 1)]
    assert shown[0].rows[11] == [
        "ID\nKeluarga",
        "Nama",
        "NIK",
        "Tanggal  Lahir",
        "Penerima BPNT",
        "Penerima PKH",
    ]
    assert shown[0].rows[10][4] == "Penerima Bantuan"

    reader, frame = read_all(path, sheet="Data", header_row=12)

    assert reader.header == header  # the group row above does not win
    assert reader.sheet == "Data" and reader.encoding is None and reader.delimiter is None
    assert frame["_row"].to_list() == [13, 14, 16]
    assert frame["_sheet"].to_list() == ["Data"] * 3
    assert reader.blank_rows == 1
    assert cells(frame) == [
        ("3615949999", "ANI", "5205014107890001", "1989-07-01", "YA", "TIDAK"),
        # A NIK Excel stored as a number stays recognisably a float.
        ("3615949999", "BUDI", "5205014107890001.0", "1990-01-02 08:30:00", "TRUE", "0"),
        ("3615950000", "CITRA", None, "01-02-1991", None, None),
    ]


def test_xlsx_nik_that_lost_digits_shows_as_float(tmp_path: Path) -> None:
    path = tmp_path / "nik.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIK", "Umur", "Nilai"])
    sheet.write_row(1, 0, [5.20501410789e15, 42, 300000.5])
    sheet.write_row(2, 0, [3.20101e15, 7.0, 1e20])
    sheet.write_row(3, 0, [205054506210000.0, 99999999999999.0, 0.0])  # leading zero dropped
    book.close()

    _, frame = read_all(path, sheet="Sheet1")

    assert cells(frame) == [
        ("5205014107890000.0", "42", "300000.5"),
        ("3201010000000000.0", "7", "1e+20"),
        ("205054506210000.0", "99999999999999", "0"),
    ]


def test_xlsx_error_cells_show_their_error_text(tmp_path: Path) -> None:
    path = tmp_path / "vlookup.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIK", "Nama"])
    sheet.write_formula(1, 0, "=VLOOKUP(B2,X:Y,2,0)", None, "#N/A")
    sheet.write_string(1, 1, "ANI")
    sheet.write_formula(2, 0, "=1/0", None, "#DIV/0!")
    sheet.write_string(2, 1, "BUDI")
    book.close()

    _, frame = read_all(path, sheet="Sheet1")

    assert cells(frame) == [("#N/A", "ANI"), ("#DIV/0!", "BUDI")]
    assert preview(path)[0].rows == [["NIK", "Nama"], ["#N/A", "ANI"], ["#DIV/0!", "BUDI"]]


def test_xlsx_two_row_header_with_vertically_merged_labels(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Rekap")
    sheet.merge_range(0, 0, 1, 0, "NIK")
    sheet.merge_range(0, 1, 1, 1, "Nama\nLengkap")
    sheet.merge_range(0, 2, 0, 3, "Penerima")
    sheet.write_row(1, 2, ["BPNT", "PKH"])
    sheet.write_row(2, 0, ["1", "ANI", "YA", "TIDAK"])
    book.close()

    reader, frame = read_all(path, sheet="Rekap", header_row=2)

    assert reader.header == ["NIK", "Nama Lengkap", "BPNT", "PKH"]
    assert frame["_row"].to_list() == [3]


def test_xlsx_duplicate_and_empty_labels(tmp_path: Path) -> None:
    path = tmp_path / "dup.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["NIK", " nik ", "", "NIK", "_row", "Nama"])
    sheet.write_row(1, 0, ["1", "2", "3", "4", "5", "6"])
    book.close()

    reader, frame = read_all(path, sheet="Sheet1")

    assert reader.header == ["NIK", "nik", "kolom_3", "NIK (2)", "_row (2)", "Nama"]
    assert cells(frame) == [("1", "2", "3", "4", "5", "6")]


def test_xlsx_rows_longer_and_shorter_than_the_header(tmp_path: Path) -> None:
    path = tmp_path / "ragged.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 1, ["NIK", "Nama", "Desa"])  # data start in column B
    sheet.write_row(1, 1, ["1", "ANI"])
    sheet.write_row(2, 1, ["2", "BUDI", "Woja", None, "catatan"])
    sheet.write_row(3, 1, ["3", "CITRA", "Kilo"])
    book.close()

    reader, frame = read_all(path, sheet="Sheet1")

    assert reader.header == ["NIK", "Nama", "Desa"]
    assert frame["_row"].to_list() == [2, 3, 4]
    assert frame["_defect"].to_list() == [None, TOO_MANY_FIELDS, None]
    assert frame["_line"].to_list() == [None, "2 | BUDI | Woja |  | catatan", None]
    assert cells(frame) == [("1", "ANI", None), ("2", "BUDI", "Woja"), ("3", "CITRA", "Kilo")]


def test_several_sheets(tmp_path: Path) -> None:
    path = tmp_path / "multi.xlsx"
    book = xlsxwriter.Workbook(str(path))
    first = book.add_worksheet("Keluarga")
    first.write_row(0, 0, ["ID", "Kepala"])
    first.write_row(1, 0, ["k1", "ANI"])
    book.add_worksheet("Kosong")
    second = book.add_worksheet("Individu")
    second.write_string(0, 0, "Judul")
    second.write_row(2, 0, ["ID", "Nama", "NIK"])
    second.write_row(3, 0, ["k1", "ANI", "1"])
    second.write_row(4, 0, ["k1", "BUDI", "2"])
    book.close()

    shown = preview(path, rows=2)
    assert [(p.sheet, p.first_row, p.rows) for p in shown] == [
        ("Keluarga", 1, [["ID", "Kepala"], ["k1", "ANI"]]),
        ("Individu", 1, [["Judul", None, None], [None, None, None]]),
    ]

    reader, frame = read_all(path, sheet="Individu", header_row=3)
    assert reader.header == ["ID", "Nama", "NIK"]
    assert cells(frame) == [("k1", "ANI", "1"), ("k1", "BUDI", "2")]
    assert frame["_row"].to_list() == [4, 5]

    with pytest.raises(PipelineError) as missing:
        read_sheet(path, sheet="Rumah Tangga", header_row=1)
    assert missing.value.code == "SHEET_NOT_FOUND"
    assert "Rumah Tangga" in str(missing.value) and "multi.xlsx" in str(missing.value)
    assert "Keluarga" in str(missing.value)  # the sheets that do exist

    with pytest.raises(PipelineError) as past:
        read_sheet(path, sheet="Individu", header_row=9)
    assert past.value.code == "HEADER_ROW_OUT_OF_RANGE"
    assert "Individu" in str(past.value)


def test_xlsx_batches_hold_the_same_rows_as_one_batch(tmp_path: Path) -> None:
    path = tmp_path / "ten.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["no", "nama"])
    for i in range(10):
        sheet.write_row(i + 1, 0, [i + 1, f"nama {i}"])
    book.close()

    small = list(read_sheet(path, sheet=None, header_row=1, batch_rows=3).batches())
    whole = list(read_sheet(path, sheet=None, header_row=1).batches())

    assert [frame.height for frame in small] == [3, 3, 3, 1]
    assert pl.concat(small).equals(whole[0])
    assert whole[0]["no"].to_list() == [str(i) for i in range(1, 11)]


def test_corrupt_workbook_is_a_pipeline_error(tmp_path: Path) -> None:
    path = write_bytes(tmp_path, "rusak.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(PipelineError) as error:
        preview(path)
    assert error.value.code == "FILE_UNREADABLE"
    assert "rusak.xlsx" in str(error.value)


# -- the synthetic region's real-layout files ---------------------------------------------


def test_synthetic_p3ke_workbook_and_dtks_file(small_regency: Any) -> None:
    out = Path(small_regency.out)
    files = json.loads((out / "manifest.json").read_text())["files"]

    p3ke = sorted((out / "sources" / "p3ke").glob("P3KE_Individu_*.xlsx"))[0]
    shown = preview(p3ke)
    assert [p.sheet for p in shown] == ["Data"]
    assert shown[0].rows[11 - (shown[0].first_row - 1)][:2] == ["ID Keluarga P3KE", "Provinsi"]
    reader, frame = read_all(p3ke, sheet="Data", header_row=12)
    assert "NIK" in reader.header and "Tanggal Lahir" in reader.header
    assert frame.height == files[str(p3ke.relative_to(out))]
    assert frame["_row"][0] == 13
    assert frame["_defect"].null_count() == frame.height

    dtks = next((out / "sources" / "dtks").glob("*.txt"))
    assert len(preview(dtks)) == 1
    reader, frame = read_all(dtks)
    assert reader.delimiter == "|"
    assert reader.header[:2] == ["IDDTKS", "provinsi"]
    assert frame.height + reader.blank_rows == files[str(dtks.relative_to(out))]
    assert frame["_defect"].null_count() == frame.height


def test_misnamed_files_are_read_by_what_they_hold(tmp_path: Path) -> None:
    tsv = write_bytes(tmp_path, "export.xls", b"NIK\tNama\n1\tANI\n")
    reader, frame = read_all(tsv)
    assert reader.delimiter == "\t" and cells(frame) == [("1", "ANI")]

    page = write_bytes(tmp_path, "laporan.xls", b"<html><table><tr><td>NIK</td></tr></table>")
    with pytest.raises(PipelineError, match="HTML"):
        preview(page)

    book_path = tmp_path / "real.xlsx"
    book = xlsxwriter.Workbook(str(book_path))
    book.add_worksheet().write_row(0, 0, ["NIK", "Nama"])
    book.close()
    renamed = write_bytes(tmp_path, "renamed.csv", book_path.read_bytes())
    assert [p.sheet for p in preview(renamed)] == ["Sheet1"]


def test_empty_padding_after_the_last_column_is_no_defect(tmp_path: Path) -> None:
    path = tmp_path / "padded.csv"
    path.write_text("a,b,c\n1,2,3,,\n4,5,6,x\n", encoding="utf-8")
    frame = pl.concat(read_sheet(path, sheet=None, header_row=1).batches())
    assert frame["_defect"].to_list() == [None, TOO_MANY_FIELDS]
    assert frame["c"].to_list() == ["3", "6"]


def _one_sheet_book(path: Path, names: list[str]) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    sheet.write_row(0, 0, ["no", "nama"])
    for i, name in enumerate(names):
        sheet.write_row(i + 1, 0, [str(i + 1), name])
    book.close()


def test_a_sheet_is_loaded_once_for_its_preview_and_its_read(tmp_path: Path) -> None:
    path = tmp_path / "satu.xlsx"
    _one_sheet_book(path, ["ANI", "BUDI"])
    with mock.patch.object(readers, "_load_sheet", wraps=readers._load_sheet) as load:
        (shown,) = preview(path, rows=2)
        _, frame = read_all(path, sheet="Data", header_row=1, previewed=shown)
    assert load.call_count == 1
    assert frame["nama"].to_list() == ["ANI", "BUDI"]
    # Without its preview, a read loads the sheet itself, with the same rows.
    _, again = read_all(path, sheet="Data", header_row=1)
    assert again.equals(frame)


def test_a_preview_of_another_sheet_is_not_read_for_this_one(tmp_path: Path) -> None:
    path = tmp_path / "dua.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Keluarga").write_row(0, 0, ["nama"])
    individu = book.add_worksheet("Individu")
    individu.write_row(0, 0, ["nama"])
    individu.write_row(1, 0, ["BUDI"])
    book.close()
    keluarga = preview(path, rows=2)[0]
    _, frame = read_all(path, sheet="Individu", header_row=1, previewed=keluarga)
    assert frame["nama"].to_list() == ["BUDI"]
