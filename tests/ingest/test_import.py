"""`import_files` end to end: the synthetic regency's exports, snapshots, quarantine, no-ops."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from sinergi.lake.contracts import CONTRACTS
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest import run
from sinergi.pipeline.ingest.run import ImportOutcome, import_files
from sinergi.reports.import_report import report_path, write_import_report
from sinergi.synth.build import SynthResult

TODAY = __import__("datetime").date(2026, 11, 23)


@pytest.fixture(scope="module")
def imported(
    small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DataHome, list[ImportOutcome]]:
    home = DataHome(tmp_path_factory.mktemp("home"))
    outcomes = import_files(
        [small_regency.out / "sources"], home=home, scope="52.05", user="uji", today=TODAY
    )
    return home, outcomes


def test_every_synthetic_export_is_imported_with_its_own_profile(
    imported: tuple[DataHome, list[ImportOutcome]], small_regency: SynthResult
) -> None:
    _, outcomes = imported
    assert [o.message for o in outcomes if o.status != "imported"] == []
    by_file = {str(o.path.relative_to(small_regency.out)): o for o in outcomes}
    assert set(by_file) == set(small_regency.manifest["files"])
    expected = {
        "dtsen": "dtsen", "P3KE_Keluarga": "p3ke_keluarga", "P3KE_Individu": "p3ke_individu",
        "dtks": "dtks_siksng", "pkh": "pkh", "sembako": "sembako", "pbi": "pbi_jkn", "pip": "pip",
        "blt": "blt_dana_desa", "rtlh": "rtlh", "bpjs": "bpjs_ketenagakerjaan",
        "susenas": "susenas_rumah_tangga",
    }  # fmt: skip
    for name, outcome in by_file.items():
        assert outcome.manifest is not None
        profile = outcome.manifest["profile"]["name"]
        assert any(key in name and profile == want for key, want in expected.items()), name


def test_no_row_is_lost_or_invented(
    imported: tuple[DataHome, list[ImportOutcome]], small_regency: SynthResult
) -> None:
    home, outcomes = imported
    for outcome in outcomes:
        assert outcome.manifest is not None and outcome.snapshot is not None
        counts = outcome.manifest["counts"]
        written = small_regency.manifest["files"][str(outcome.path.relative_to(small_regency.out))]
        assert counts["rows_read"] == written
        assert counts["accepted"] + counts["quarantined"] == counts["rows_read"]
        assert pq.read_metadata(outcome.snapshot / "data.parquet").num_rows == counts["accepted"]
        quarantine = home.root / outcome.manifest["quarantine"]
        assert pq.read_metadata(quarantine).num_rows == counts["quarantined"]


def test_snapshots_read_back_in_duckdb_with_the_contract_types(
    imported: tuple[DataHome, list[ImportOutcome]],
) -> None:
    _, outcomes = imported
    for outcome in outcomes:
        assert outcome.manifest is not None and outcome.snapshot is not None
        contract = CONTRACTS[outcome.manifest["contract"]]
        data = outcome.snapshot / "data.parquet"
        table = duckdb.sql(f"select * from read_parquet('{data}')").arrow().read_all()
        assert table.schema.names == contract.schema().names
        for field in contract.fields:
            assert table.schema.field(field.name).type == field.arrow_type, field.name


def _flags(home: DataHome, outcomes: list[ImportOutcome], root: Path) -> pl.DataFrame:
    """(file, row, code, quarantined) of every warning and quarantine reason of the import."""
    parts = []
    for outcome in outcomes:
        assert outcome.manifest is not None and outcome.snapshot is not None
        name = str(outcome.path.relative_to(root))
        for path, column, rejected in (
            (outcome.snapshot / "data.parquet", "_issues", False),
            (home.root / outcome.manifest["quarantine"], "_reasons", True),
        ):
            found = pl.read_parquet(path, columns=["_row", column]).explode(column)
            parts.append(
                found.drop_nulls(column).select(
                    pl.lit(name).alias("file"),
                    pl.col("_row").alias("row"),
                    pl.col(column).struct.field("code"),
                    pl.lit(rejected).alias("quarantined"),
                )
            )
    return pl.concat(parts)


def test_the_seeded_identity_defects_are_found_row_by_row(
    imported: tuple[DataHome, list[ImportOutcome]], small_regency: SynthResult
) -> None:
    home, outcomes = imported
    truth = pl.read_parquet(small_regency.out / "truth" / "records.parquet")
    flags = _flags(home, outcomes, small_regency.out)

    def rows(frame: pl.DataFrame) -> set[tuple[str, int]]:
        return set(frame.select("file", "row").iter_rows())

    quarantined = rows(flags.filter(pl.col("quarantined")))
    excel = rows(truth.filter(pl.col("nik_issue") == "excel"))
    excel_flagged = flags.filter(
        pl.col("code").is_in(["NIK_SCIENTIFIC_NOTATION", "NIK_EXCEL_TRUNCATED"])
    )
    assert excel and rows(excel_flagged) == excel - quarantined
    # A KK typed into the NIK field shows only where the file also has the KK.
    with_kk = {
        str(o.path.relative_to(small_regency.out))
        for o in outcomes
        if o.manifest and "kk" in o.manifest["columns"]
    }
    is_kk = truth.filter(
        (pl.col("nik_issue") == "is_kk")
        & (pl.col("kk_issue") == "")
        & pl.col("file").is_in(with_kk)
    )
    assert is_kk.height > 0
    assert rows(flags.filter(pl.col("code") == "NIK_IS_KK")) == rows(is_kk) - quarantined
    missing = truth.filter((pl.col("nik_issue") == "missing") & pl.col("file").is_in(with_kk))
    empty = rows(flags.filter(pl.col("code") == "NIK_EMPTY"))
    assert rows(missing) - quarantined <= empty


def test_a_warned_field_is_nulled_and_its_original_text_kept(
    imported: tuple[DataHome, list[ImportOutcome]],
) -> None:
    _, outcomes = imported
    p3ke = [o for o in outcomes if o.manifest and o.manifest["profile"]["name"] == "p3ke_individu"]
    frame = pl.concat(pl.read_parquet(o.snapshot / "data.parquet") for o in p3ke if o.snapshot)
    flagged = (
        frame.explode("_issues")
        .unnest("_issues")
        .filter(pl.col("code").is_in(["NIK_SCIENTIFIC_NOTATION", "NIK_EXCEL_TRUNCATED"]))
    )
    assert flagged.height > 0
    assert flagged["nik"].null_count() == flagged.height
    assert flagged["text"].str.contains(r"[Ee]\+|\.0$|\.\d").all()


def test_importing_the_same_files_again_changes_nothing(
    imported: tuple[DataHome, list[ImportOutcome]], small_regency: SynthResult
) -> None:
    home, first = imported
    before = sorted(p for p in home.root.rglob("*") if p.is_file())
    again = import_files([small_regency.out / "sources"], home=home, scope="52.05", today=TODAY)
    assert {o.status for o in again} == {"unchanged"}
    assert [o.snapshot for o in again] == [o.snapshot for o in first]
    assert sorted(p for p in home.root.rglob("*") if p.is_file()) == before
    assert "Sudah diimpor" in again[0].message


def test_raw_files_are_kept_byte_for_byte(imported: tuple[DataHome, list[ImportOutcome]]) -> None:
    home, outcomes = imported
    for outcome in outcomes:
        assert outcome.manifest is not None
        raw = home.root / outcome.manifest["file"]["raw"]
        assert raw.read_bytes() == outcome.path.read_bytes()


def test_the_report_workbook_lists_counts_and_first_rows_per_reason(
    imported: tuple[DataHome, list[ImportOutcome]], tmp_path: Path
) -> None:
    _, outcomes = imported
    outcome = max(outcomes, key=lambda o: len(o.manifest["reasons"]) if o.manifest else 0)
    assert outcome.manifest is not None and outcome.manifest["reasons"]
    path = write_import_report(outcome, report_path(outcome, tmp_path))
    book = CalamineWorkbook.from_path(str(path))
    summary = book.get_sheet_by_name("Ringkasan").to_python()
    listed = {row[0]: row[2] for row in summary if row and row[0] in outcome.manifest["reasons"]}
    assert listed == {c: t["count"] for c, t in outcome.manifest["reasons"].items()}
    samples = book.get_sheet_by_name("Contoh").to_python()
    assert "RAHASIA" in samples[0][0]
    codes = {row[0] for row in samples[3:]}
    assert codes == set(outcome.samples)
    assert all(len(rows) <= run.SAMPLES_PER_REASON for rows in outcome.samples.values())


def test_a_crash_midway_leaves_no_snapshot_and_no_quarantine(
    small_regency: SynthResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("listrik padam")

    monkeypatch.setattr(run, "validate", broken)
    home = DataHome(tmp_path / "home")
    source = small_regency.out / "sources" / "dtsen"
    with pytest.raises(RuntimeError):
        import_files([source], home=home, today=TODAY)
    left = [p for p in home.root.rglob("*") if p.is_file()] if home.root.exists() else []
    assert left == []


def test_a_file_no_profile_fits_names_its_unmatched_headers_and_the_closest(
    tmp_path: Path,
) -> None:
    path = tmp_path / "aneh.csv"
    path.write_text("NIK;Nama;Warna Favorit;Hobi\n5205014107890001;Ani;Biru;Renang\n", "utf-8")
    [outcome] = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)
    assert outcome.status == "failed"
    assert "Warna Favorit" in outcome.message and "--profile" in outcome.message
    assert not (tmp_path / "home" / "snapshots").exists()


def test_a_users_own_profile_is_used_without_touching_code(tmp_path: Path) -> None:
    home = DataHome(tmp_path / "home")
    home.profiles_dir.mkdir(parents=True)
    (home.profiles_dir / "bansos_kabupaten.toml").write_text(
        '[profile]\nname = "bansos_kabupaten"\ntitle = "Bansos daerah"\n'
        'contract = "program_receipt"\nsource = "bansos_kabupaten"\nnote = "uji"\n'
        '[columns]\nnik = ["NIK Penerima"]\nname = ["Nama Penerima"]\n'
        'amount = ["Besaran"]\narea_code = ["Kode Desa"]\n'
        '[constants]\nprogram = "bansos_daerah"\n',
        encoding="utf-8",
    )
    path = tmp_path / "bansos_2026-05.csv"
    path.write_text(
        "NIK Penerima,Nama Penerima,Besaran,Kode Desa\n"
        '5205014107890001,Siti Aminah,"1.250.000",5205012001\n'
        ",,,\n"
        "3.20101E+15,Budi,300000,52.05.01.2001\n",
        encoding="utf-8",
    )
    [outcome] = import_files([path], home=home, profile="bansos_kabupaten", today=TODAY)
    assert outcome.status == "imported" and outcome.manifest is not None
    assert outcome.manifest["period"] == "2026-05"
    data = pl.read_parquet(outcome.snapshot / "data.parquet")  # type: ignore[operator]
    assert data["amount"].to_list() == [1_250_000.0, 300_000.0]
    assert data["program"].unique().to_list() == ["bansos_daerah"]
    assert data["nik"].to_list() == ["5205014107890001", None]
    assert outcome.manifest["counts"]["blank_rows"] == 1


def test_bad_arguments_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    from sinergi.errors import PipelineError

    home = DataHome(tmp_path / "home")
    with pytest.raises(PipelineError, match="Periode"):
        import_files([tmp_path], home=home, period="09-2026")
    with pytest.raises(PipelineError, match="tidak dikenal"):
        import_files([tmp_path], home=home, profile="tidak_ada")
    with pytest.raises(PipelineError, match="tidak ada"):
        import_files([tmp_path / "hilang.csv"], home=home)
    assert not home.root.exists()


def test_manifest_records_who_what_and_how(imported: tuple[DataHome, list[ImportOutcome]]) -> None:
    _, outcomes = imported
    manifest = outcomes[0].manifest
    assert manifest is not None
    assert manifest["user"] == "uji" and manifest["scope"] == "52.05"
    assert len(manifest["file"]["sha256"]) == 64
    assert manifest["profile"]["chosen"] == "auto"
    assert json.loads(json.dumps(manifest)) == manifest


def test_every_reason_code_and_shipped_profile_is_documented_for_users() -> None:
    from sinergi.pipeline.ingest.profiles import load_profiles
    from sinergi.pipeline.ingest.reasons import REASONS

    docs = (Path(__file__).parents[2] / "docs" / "import.md").read_text(encoding="utf-8")
    for code, reason in REASONS.items():
        assert f"| `{code}` | {reason.message} |" in docs, code
    for name in load_profiles():
        assert f"| `{name}` |" in docs, name


_CELL = st.one_of(
    # Control characters other than line breaks make a file binary, which is refused whole.
    st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(["", "-", "5205014107890001", "3.20101E+15", "52.05.01.2001", "Bada",
                     "31-02-2020", "1.250.000", "YA", "L", "x;y", '"', "\n"]),
)  # fmt: skip
_PERSON_HEADER = ["nik", "no_kk", "nama", "jenis_kelamin", "tanggal_lahir", "kode_desa"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELL, min_size=4, max_size=8), max_size=30),
    delimiter=st.sampled_from([",", ";", "|", "\t"]),
)
def test_no_file_loses_or_invents_a_row_and_every_snapshot_has_the_contract_types(
    rows: list[list[str]], delimiter: str
) -> None:
    import csv
    import io
    import tempfile

    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows([_PERSON_HEADER, *rows])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dtsen_extract_2026-09.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8")
        home = DataHome(Path(folder) / "home")
        [outcome] = import_files([path], home=home, profile="dtsen", today=TODAY)
        assert outcome.status == "imported", outcome.message
        assert outcome.manifest is not None and outcome.snapshot is not None
        counts = outcome.manifest["counts"]
        physical = list(csv.reader(io.StringIO(buffer.getvalue(), newline=""), delimiter=delimiter))
        assert counts["rows_read"] + counts["blank_rows"] == len(physical) - 1
        assert counts["accepted"] + counts["quarantined"] == counts["rows_read"]
        data = outcome.snapshot / "data.parquet"
        table = duckdb.sql(f"select * from read_parquet('{data}')").arrow().read_all()
        assert table.num_rows == counts["accepted"]
        expected = CONTRACTS["person"].schema()
        assert [(f.name, f.type) for f in table.schema] == [(f.name, f.type) for f in expected]
        quarantine = pq.read_table(home.root / outcome.manifest["quarantine"])
        assert quarantine.num_rows == counts["quarantined"]


def test_each_sheet_of_a_workbook_is_its_own_import_and_a_notes_sheet_is_skipped(
    tmp_path: Path,
) -> None:
    import xlsxwriter

    path = tmp_path / "bantuan_2026-04.xlsx"
    book = xlsxwriter.Workbook(str(path))
    pbi = book.add_worksheet("PBI")
    pbi.write_row(0, 0, ["DAFTAR PESERTA PBI-JKN"])
    pbi.write_row(2, 0, ["NOKA", "NIK", "NAMA", "TGL_LAHIR", "JNS_KELAMIN", "KD_DESA"])
    pbi.write_row(3, 0, ["0001", "5205014107890001", "Siti", "01/07/1989", "P", "5205012001"])
    rtlh = book.add_worksheet("RTLH")
    rtlh.write_row(0, 0, ["NIK", "NAMA PEMILIK", "NO KK", "KODE DESA", "NILAI BANTUAN"])
    rtlh.write_row(1, 0, ["5205010101800002", "Ahmad", "5205012708100012", "5205012001", 20e6])
    rtlh.write_row(2, 0, ["", "", "", "5205012001", 15e6])  # a payment to nobody
    book.add_worksheet("Catatan").write(0, 0, "Data per April 2026, belum diverifikasi.")
    book.close()

    outcomes = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)
    by_sheet = {o.sheet: o for o in outcomes}
    assert {s: o.status for s, o in by_sheet.items()} == {
        "PBI": "imported", "RTLH": "imported", "Catatan": "skipped",
    }  # fmt: skip
    pbi_manifest, rtlh_manifest = by_sheet["PBI"].manifest, by_sheet["RTLH"].manifest
    assert pbi_manifest and rtlh_manifest
    assert (pbi_manifest["source"], pbi_manifest["file"]["header_row"]) == ("pbi_jkn", 3)
    assert rtlh_manifest["counts"] == {
        "rows_read": 2, "accepted": 1, "quarantined": 1, "blank_rows": 0,
    }  # fmt: skip
    assert pbi_manifest["import_id"] != rtlh_manifest["import_id"]


def test_files_imported_side_by_side_give_the_same_snapshots(
    imported: tuple[DataHome, list[ImportOutcome]], tmp_path: Path
) -> None:
    one_by_one, first = imported
    sources = sorted({o.path for o in first})
    copy = tmp_path / f"salinan-{sources[0].name}"
    copy.write_bytes(sources[0].read_bytes())
    home = DataHome(tmp_path / "home")
    rows: list[int] = []
    outcomes = import_files(
        [*sources, copy], home=home, scope="52.05", user="uji", today=TODAY, workers=2,
        progress=rows.append,
    )  # fmt: skip
    # Outcomes come back in the order of the files given, as one by one; the copy's bytes came
    # earlier, so it changes nothing.
    assert [o.path for o in outcomes] == [*sources, copy]
    assert [o.status for o in outcomes] == ["imported"] * len(first) + ["unchanged"]
    assert sum(rows) == sum(o.manifest["counts"]["rows_read"] for o in first if o.manifest)

    def snapshots(home: DataHome) -> dict[str, tuple[dict[str, object], pl.DataFrame]]:
        found = {}
        for manifest in home.manifests():
            folder = home.snapshot_dir(
                manifest["source"], manifest["period"], manifest["import_id"]
            )
            manifest.pop("imported_at")
            found[manifest["import_id"]] = (manifest, pl.read_parquet(folder / "data.parquet"))
        return found

    expected, got = snapshots(one_by_one), snapshots(home)
    assert got.keys() == expected.keys()
    for import_id, (manifest, rows_accepted) in expected.items():
        assert got[import_id][0] == manifest
        assert got[import_id][1].equals(rows_accepted)


def test_a_header_over_two_rows_with_labels_merged_down_is_read_as_one(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "P3KE_Individu_2026-03.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Data")
    sheet.write(0, 0, "DATA P3KE INDIVIDU KABUPATEN DOMPU")
    labels = [
        "ID Keluarga P3KE", "Kecamatan", "Desa/Kelurahan", "Kode Kemendagri", "ID Individu",
        "Nama", "NIK", "Jenis Kelamin", "Hubungan Dengan Kepala Keluarga", "Tanggal Lahir",
    ]  # fmt: skip
    for column, label in enumerate(labels):  # each label merged over rows 11 and 12
        sheet.merge_range(10, column, 11, column, label)
    caption = len(labels)
    sheet.merge_range(10, caption, 10, caption + 1, "Penerima Bantuan")
    sheet.write_row(11, caption, ["Penerima BPNT", "Penerima PKH"])
    people = [
        ["3626810974", "Kempo", "Kempo", "5205022001", "7055340270", "Cengkir",
         "5205020302670001", "Laki-laki", "Kepala Keluarga", "1967-02-03", "YA", "TIDAK"],
        ["3626810974", "Kempo", "Kempo", "5205022001", "7055340271", "Siti",
         "5205024509700002", "Perempuan", "Istri", "1970-09-05", "TIDAK", "YA"],
    ]  # fmt: skip
    for offset, person in enumerate(people):
        sheet.write_row(12 + offset, 0, person)
    book.close()

    [outcome] = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)

    assert outcome.status == "imported" and outcome.manifest is not None
    manifest = outcome.manifest
    assert manifest["profile"]["name"] == "p3ke_individu"
    assert manifest["file"]["header_row"] == 12
    assert manifest["counts"] == {
        "rows_read": 2, "accepted": 2, "quarantined": 0, "blank_rows": 0,
    }  # fmt: skip
    assert manifest["columns"]["name"] == "Nama"
    assert manifest["columns"]["receives_pkh"] == "Penerima PKH"
    data = pl.read_parquet(outcome.snapshot / "data.parquet")  # type: ignore[operator]
    assert data["nik"].to_list() == ["5205020302670001", "5205024509700002"]
    assert data["receives_bpnt"].to_list() == [True, False]
    assert data["receives_pkh"].to_list() == [False, True]


PKH_HEADER = "NO_KK;NIK_PENGURUS;NAMA_PENGURUS;KECAMATAN;DESA_KELURAHAN;ALAMAT;TAHAP;NOMINAL"


def _pkh_file(folder: Path, rows: int = 3, *, name: str = "pkh_2026.csv") -> Path:
    lines = [
        f"5205012708100012;52050141078{i + 1:05d};Ani {i};Dompu;Bada;Jl. Sultan;1;750.000"
        for i in range(rows)
    ]
    path = folder / name
    path.write_text("\n".join([PKH_HEADER, *lines, ""]), encoding="utf-8")
    return path


def test_a_file_no_profile_fits_at_all_lists_its_headers_and_the_closest_profile(
    tmp_path: Path,
) -> None:
    path = tmp_path / "aneh.csv"
    path.write_text("foo,bar,baz,nomor induk\n1,2,3,4\n", encoding="utf-8")

    [outcome] = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)

    assert outcome.status == "failed"
    assert "Judul kolom berkas ini (baris 1): 'foo', 'bar', 'baz', 'nomor induk'" in (
        outcome.message
    )
    closest = outcome.message.split("Profil yang paling mendekati: ")[1]
    named = closest.split("(--profile ")[1].split(")")[0]
    assert named in run.profile_rules.load_profiles()  # a real profile, named to the user
    assert "mengharapkan kolom seperti" in closest
    assert not (tmp_path / "home" / "snapshots").exists()


@pytest.mark.parametrize("content", [b"", b"\n", b"\r\n\r\n", b";;;\n;;;\n"])
def test_an_empty_file_says_it_is_empty(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kosong.csv"
    path.write_bytes(content)

    [outcome] = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)

    assert outcome.status == "failed"
    assert outcome.message.startswith("Berkas kosong: kosong.csv")


@pytest.mark.parametrize("name", ["rusak.xlsx", "rusak.xlsm", "rusak.ods"])
def test_a_text_file_named_as_a_workbook_is_reported_as_a_damaged_workbook(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    path.write_text("not a zip.\n", encoding="utf-8")

    [outcome] = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)

    assert outcome.status == "failed"
    assert f"File {name} bernama buku kerja" in outcome.message
    assert "bukan buku kerja Excel/ODS" in outcome.message
    assert "judul kolom" not in outcome.message


def test_a_named_profile_that_fits_badly_is_refused_unless_forced(tmp_path: Path) -> None:
    path = _pkh_file(tmp_path)
    home = DataHome(tmp_path / "home")

    [refused] = import_files([path], home=home, profile="dtsen", today=TODAY)

    assert refused.status == "failed"
    dtsen = run.profile_rules.load_profiles()["dtsen"]
    score = run.profile_rules.match_header(PKH_HEADER.split(";"), dtsen).score
    assert f"hanya cocok {round(score * 100)}% dengan kolom berkas ini (ambang 60%)" in (
        refused.message
    )
    assert "'NIK_PENGURUS'" in refused.message  # a header dtsen does not know
    assert "Kolom profil yang tidak ada di berkas: 'id_keluarga'" in refused.message
    assert "--profile pkh" in refused.message  # the profile that fits best
    assert "--force" in refused.message
    assert not (home.root / "snapshots").exists()

    [forced] = import_files([path], home=home, profile="dtsen", today=TODAY, force=True)
    assert forced.status == "imported" and forced.manifest is not None
    assert forced.manifest["profile"] == {**forced.manifest["profile"], "chosen": "given"}


def test_a_named_profile_that_maps_no_identity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dtsen_2026-09.csv"
    path.write_text("jenis_kelamin,tanggal_lahir\n1,1995-06-28\n", encoding="utf-8")

    [refused] = import_files([path], home=DataHome(tmp_path / "home"), profile="dtsen")

    assert refused.status == "failed"
    assert "tidak ada kolom pengenal yang ditemukan (nik / no_kk / nama" in refused.message
    assert "--force" in refused.message


def test_the_summary_writes_numbers_the_indonesian_way_and_columns_as_users_know_them(
    tmp_path: Path,
) -> None:
    path = _pkh_file(tmp_path, rows=1200)
    with path.open("a", encoding="utf-8") as file:
        file.write(";;;Dompu;Bada;;3;750.000\n")  # a payment to nobody

    [outcome] = import_files([path], home=DataHome(tmp_path / "home"), today=TODAY)

    assert outcome.status == "imported"
    assert outcome.message.startswith("1.201 baris dibaca: 1.200 diterima, 1 dikarantina (")
    assert "kolom profil tidak ditemukan: ID_PENGURUS, Kode Desa, KOMPONEN" in outcome.message
    [sample] = outcome.samples["ROW_NO_IDENTITY"]
    assert sample.column == "NIK_PENGURUS / NO_KK / NAMA_PENGURUS"
    report = write_import_report(outcome, report_path(outcome, tmp_path / "reports"))
    rows = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("Contoh").to_python()
    found = [row for row in rows if "ROW_NO_IDENTITY" in row]
    assert found and "NIK_PENGURUS / NO_KK / NAMA_PENGURUS" in found[0]


def test_a_corrected_wilayah_or_period_is_a_new_import(tmp_path: Path) -> None:
    path = _pkh_file(tmp_path)
    home = DataHome(tmp_path / "home")

    def once(**options: str) -> ImportOutcome:
        [outcome] = import_files([path], home=home, today=TODAY, **options)
        return outcome

    first = once()
    corrected = once(scope="52.05")
    assert (first.status, corrected.status) == ("imported", "imported")
    assert corrected.manifest and first.manifest
    assert corrected.manifest["import_id"] != first.manifest["import_id"]
    assert corrected.manifest["scope"] == "52.05"
    assert once(scope="52.05").status == "unchanged"
    assert once(scope="5205").status == "unchanged"  # the same area written without dots
    again = once()  # no --wilayah: the import of these bytes already made is it
    assert again.status == "unchanged" and "--wilayah" in again.message

    period = once(scope="52.05", period="2026-03")
    assert period.status == "imported" and period.manifest
    assert period.manifest["period"] == "2026-03"
    assert once(scope="52.05", period="2026-03").status == "unchanged"
    assert len(list(home.manifests())) == 3
