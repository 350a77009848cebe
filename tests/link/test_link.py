"""Padanan end to end: the small synthetic regency plus hand-made hard cases with known answers."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import polars as pl
import pytest
import python_calamine
import xlsxwriter
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.errors import PipelineError
from sinergi.lake.home import DataHome
from sinergi.pipeline.ingest.run import import_files
from sinergi.pipeline.link import decisions
from sinergi.pipeline.link import run as link_run
from sinergi.pipeline.link.evaluate import evaluate
from sinergi.pipeline.link.run import LinkRun, link
from sinergi.synth.build import SynthResult

BADA = "52.05.01.1001"
_DTSEN_ROWS = [
    # id_keluarga, no_kk, nik, nama, jenis_kelamin, tanggal_lahir, hubungan
    ("T1", "5205012001100777", "5205011102750777", "Mustofa Kamal", "1", "1975-02-11", "1"),
    ("T1", "5205012001100777", "5205014506800777", "Rahmawati", "2", "1980-06-05", "2"),
    ("T1", "5205012001100777", "5205011003120777", "Hasan Basri", "1", "2012-03-10", "3"),
    ("T1", "5205012001100777", "5205011003120778", "Husen Basri", "1", "2012-03-10", "3"),
    ("T2", "5205010101900777", "5205010303580777", "Ahmad Yani", "1", "1958-03-03", "1"),
    ("T2", "5205010101900777", "5205014501610777", "Siti Aminah", "2", "1961-01-05", "2"),
    ("T3", "5205010202150777", "5205011212900777", "Rudi Hartono", "1", "1990-12-12", "1"),
    ("T3", "5205010202150777", "5205015907920777", "Siti Aminah", "2", "1992-07-19", "2"),
    ("T4", "5205010505050777", "5205011708700777", "Baharuddin", "1", "1970-08-17", "1"),
    ("T4", "5205010505050777", "5205015203740777", "Nurhayati", "2", "1974-03-12", "2"),
    # Twins with names alike: two boys one serial apart, a boy and a girl 40 days apart.
    ("T5", "5205010303160777", "5205011003850777", "Abdul Rahman", "1", "1985-03-10", "1"),
    ("T5", "5205010303160777", "5205012004160777", "Muhammad Hasan", "1", "2016-04-20", "3"),
    ("T5", "5205010303160777", "5205012004160778", "Muhammad Husain", "1", "2016-04-20", "3"),
    ("T5", "5205010303160777", "5205011509150777", "Rizki Ramadhani", "1", "2015-09-15", "3"),
    ("T5", "5205010303160777", "5205015509150777", "Rizka Ramadhani", "2", "2015-09-15", "3"),
]
_PBI_ROWS = [
    # NIK, NAMA, TGL_LAHIR, JNS_KELAMIN, KD_DESA
    ("5205011003120777", "HASAN BASRI", "2012-03-10", "L", "5205011001"),
    ("5205010101900777", "Hj. Siti Aminah", "1961-01-05", "P", "5205011001"),  # KK in NIK
    ("5205015907920770.0", "SITI AMINAH", "1992-07-19", "P", "5205011001"),  # Excel
    ("5205011708700777", "Baharudin", "1970-08-17", "L", "5205012002"),  # moved family
    ("5205015203740777", "Noer Hajati", "1974-03-12", "P", "5205012002"),
    ("5205011102750777", "Wayan Sudarsana", "", "L", "5205011001"),  # someone else's NIK
]


def _extend_with_hard_cases(sources: Path) -> None:
    dtsen = next((sources / "dtsen").glob("dtsen_extract_*.csv"))
    header = dtsen.read_text(encoding="utf-8").splitlines()[0].split(",")
    with (sources / "dtsen" / "dtsen_extract_2026-09_tambahan.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, header)
        writer.writeheader()
        for family, kk, nik, name, sex, born, relation in _DTSEN_ROWS:
            writer.writerow(
                {
                    "id_keluarga": family, "kode_desa": BADA, "nama_desa": "Bada",
                    "alamat": "Dusun Mekar Sari, RT 001/RW 002", "no_kk": kk, "nik": nik,
                    "nama": name, "jenis_kelamin": sex, "tanggal_lahir": born,
                    "status_hubungan_keluarga": relation, "periode": "2026-09",
                }
            )  # fmt: skip
    pbi = sources / "programs" / "pbi_jkn_2026.csv"
    header = pbi.read_text(encoding="utf-8").splitlines()[0].split(",")
    with (sources / "programs" / "pbi_jkn_2026_tambahan.csv").open("w", newline="") as out:
        writer = csv.DictWriter(out, header)
        writer.writeheader()
        for number, (nik, name, born, sex, village) in enumerate(_PBI_ROWS):
            writer.writerow(
                {
                    "NOKA": f"90000000000{number}", "NIK": nik, "NAMA": name,
                    "TGL_LAHIR": born, "JNS_KELAMIN": sex, "KD_DESA": village,
                    "SEGMEN": "PBI APBN", "TMT": "2026-01-12", "IURAN": "42000",
                }
            )  # fmt: skip


@pytest.fixture(scope="module")
def linked(
    small_regency: SynthResult, tmp_path_factory: pytest.TempPathFactory
) -> tuple[DataHome, LinkRun]:
    sources = tmp_path_factory.mktemp("sources")
    for path in small_regency.out.joinpath("sources").rglob("*"):
        if path.is_file() and "survey" not in path.parts:
            target = sources / path.relative_to(small_regency.out / "sources")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    _extend_with_hard_cases(sources)
    home = DataHome(tmp_path_factory.mktemp("home"))
    import_files([sources], home=home, scope="52.05")
    return home, link(home, user="penguji")


def _records(run: LinkRun) -> pl.DataFrame:
    return pl.read_parquet(run.folder / "records.parquet")


def _pid(records: pl.DataFrame, file_part: str, name: str, born: str) -> str:
    found = records.filter(
        pl.col("file_name").str.contains(file_part)
        & (pl.col("name") == name)
        & (pl.col("birth_date").cast(pl.String) == born)
    )["pid"]
    assert found.len() == 1, (file_part, name, born, found.to_list())
    return str(found[0])


def test_twins_namesakes_kk_in_nik_excel_and_a_moved_person(
    linked: tuple[DataHome, LinkRun],
) -> None:
    records = _records(linked[1])
    extra, pbi = "2026-09_tambahan", "pbi_jkn_2026_tambahan"
    hasan = _pid(records, extra, "Hasan Basri", "2012-03-10")
    husen = _pid(records, extra, "Husen Basri", "2012-03-10")
    assert hasan != husen, "twins with NIKs one serial apart must stay two persons"
    assert _pid(records, pbi, "HASAN BASRI", "2012-03-10") == hasan
    older = _pid(records, extra, "Siti Aminah", "1961-01-05")
    younger = _pid(records, extra, "Siti Aminah", "1992-07-19")
    assert older != younger, "namesakes in one village are two persons"
    assert _pid(records, pbi, "Hj. Siti Aminah", "1961-01-05") == older  # KK in the NIK field
    assert _pid(records, pbi, "SITI AMINAH", "1992-07-19") == younger  # Excel-truncated NIK
    moved = _pid(records, pbi, "Baharudin", "1970-08-17")
    assert moved == _pid(records, extra, "Baharuddin", "1970-08-17")
    wife = _pid(records, pbi, "Noer Hajati", "1974-03-12")
    assert wife == _pid(records, extra, "Nurhayati", "1974-03-12")
    families = dict(zip(records["pid"], records["hid"], strict=True))
    assert families[moved] == families[wife], "the moved couple is still one family"


def test_twins_with_names_alike_stay_two_persons(linked: tuple[DataHome, LinkRun]) -> None:
    records = _records(linked[1])
    extra = "2026-09_tambahan"
    boys = {
        _pid(records, extra, name, "2016-04-20") for name in ("Muhammad Hasan", "Muhammad Husain")
    }
    pair = {
        _pid(records, extra, name, "2015-09-15") for name in ("Rizki Ramadhani", "Rizka Ramadhani")
    }
    assert len(boys) == 2 and len(pair) == 2


def test_a_nik_under_a_different_name_goes_to_review_not_into_the_person(
    linked: tuple[DataHome, LinkRun],
) -> None:
    records = _records(linked[1]).filter(pl.col("file_name").str.contains("tambahan"))
    wayan = records.filter(pl.col("name") == "Wayan Sudarsana").row(0, named=True)
    mustofa = records.filter(pl.col("name") == "Mustofa Kamal").row(0, named=True)
    assert wayan["pid"] != mustofa["pid"]
    review = pl.read_parquet(linked[1].folder / "review.parquet")
    pair = {wayan["record_key"], mustofa["record_key"]}
    assert any({a, b} == pair for a, b in review.select("record_key_l", "record_key_r").iter_rows())


def test_the_kk_typed_as_nik_becomes_the_records_kk(linked: tuple[DataHome, LinkRun]) -> None:
    row = _records(linked[1]).filter(
        pl.col("file_name").str.contains("tambahan") & (pl.col("name") == "Hj. Siti Aminah")
    )
    assert row["nik"].to_list() == [None]
    assert row["kk"].to_list() == ["5205010101900777"]


def test_twins_share_their_parents_family(linked: tuple[DataHome, LinkRun]) -> None:
    records = _records(linked[1]).filter(pl.col("file_name").str.contains("2026-09_tambahan"))
    families = dict(zip(records["name"], records["hid"], strict=True))
    assert families["Hasan Basri"] == families["Husen Basri"] == families["Mustofa Kamal"]
    assert families["Siti Aminah"] != families["Mustofa Kamal"]
    persons = pl.read_parquet(linked[1].folder / "families.parquet")
    head = persons.filter(pl.col("hid") == families["Hasan Basri"])["head_pid"][0]
    assert head == records.filter(pl.col("name") == "Mustofa Kamal")["pid"][0]


def test_every_record_belongs_to_exactly_one_person(linked: tuple[DataHome, LinkRun]) -> None:
    home, run = linked
    records = _records(run)
    accepted = sum(
        m["counts"]["accepted"]
        for m in home.manifests()
        if m["contract"] in ("person", "household", "program_receipt")
    )
    assert records.height == accepted
    assert records["record_key"].is_unique().all()
    assert records["pid"].null_count() == 0
    persons = pl.read_parquet(run.folder / "persons.parquet")
    assert set(persons["pid"]) == set(records["pid"])
    assert persons["records"].sum() == records.height


def test_quality_against_the_synthetic_truth(
    linked: tuple[DataHome, LinkRun], small_regency: SynthResult
) -> None:
    quality = evaluate(linked[1].folder, small_regency.out / "truth")
    assert quality["auto"]["pairwise"]["precision"] >= 0.99
    assert quality["auto"]["pairwise"]["recall"] >= 0.9
    assert quality["with_review"]["pairwise"]["recall"] >= quality["auto"]["pairwise"]["recall"]
    assert quality["links"]["diterima"]["precision"] >= 0.99


def test_ids_survive_a_rerun_and_decisions_apply(linked: tuple[DataHome, LinkRun]) -> None:
    home, first = linked
    records = _records(first)
    extra = records.filter(pl.col("file_name").str.contains("tambahan"))
    moved = extra.filter(pl.col("name") == "Baharudin")["record_key"].item()
    kept = extra.filter(pl.col("name") == "Baharuddin")["record_key"].item()
    decisions.record(home, moved, kept, "beda", user="penguji", note="orang lain")
    second = link(home, user="penguji")
    again = _records(second)
    pids = dict(zip(again["record_key"], again["pid"], strict=True))
    assert pids[moved] != pids[kept]
    unchanged = records.filter(~pl.col("record_key").is_in([moved]))
    assert all(pids[key] == pid for key, pid in unchanged.select("record_key", "pid").iter_rows())
    links = pl.read_parquet(second.folder / "links.parquet")
    assert "keputusan" in links["basis"].to_list()


def test_pids_survive_a_refreshed_registry(
    linked: tuple[DataHome, LinkRun], small_regency: SynthResult, tmp_path: Path
) -> None:
    """A new DTSEN period changes desil on many rows and corrects one name: nobody's pid moves."""
    # given
    home = DataHome(shutil.copytree(linked[0].root, tmp_path / "home"))
    before = _records(linked[1]).filter(
        (pl.col("source") == "dtsen") & ~pl.col("file_name").str.contains("tambahan")
    )
    renamed_nik = before.filter(pl.col("nik_valid").is_not_null())["nik_valid"][0]
    dtsen = next((small_regency.out / "sources" / "dtsen").glob("dtsen_extract_*.csv"))
    refreshed = pl.read_csv(dtsen, infer_schema=False).with_columns(
        periode=pl.lit("2026-12"),
        desil_nasional=(pl.col("desil_nasional").cast(pl.Int8) % 10 + 1).cast(pl.String),
        nama=pl.when(pl.col("nik") == renamed_nik)
        .then(pl.col("nama") + " Saputra")
        .otherwise(pl.col("nama")),
    )
    refreshed.write_csv(tmp_path / "dtsen_extract_2026-12.csv")
    import_files([tmp_path / "dtsen_extract_2026-12.csv"], home=home, scope="52.05")
    # when
    after = _records(link(home, user="penguji")).filter(pl.col("source") == "dtsen")
    # then
    pid_after = dict(after.select("record_key", "pid").iter_rows())
    kept = before.filter(pl.col("nik_valid") != renamed_nik)
    assert all(
        pid_after.get(key) == pid for key, pid in kept.select("record_key", "pid").iter_rows()
    )
    renamed_before = before.filter(pl.col("nik_valid") == renamed_nik)["pid"].unique().to_list()
    renamed_after = after.filter(pl.col("nik_valid") == renamed_nik)["pid"].unique().to_list()
    assert renamed_after == renamed_before


def test_a_decision_must_be_same_or_different(linked: tuple[DataHome, LinkRun]) -> None:
    with pytest.raises(PipelineError, match="sama"):
        decisions.record(linked[0], "a", "b", "mungkin", user="penguji")


def test_an_empty_data_folder_is_refused_in_indonesian(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="sinergi import"):
        link(DataHome(tmp_path))
    assert not (tmp_path / "linked").exists()


def _five_person_home(tmp_path: Path) -> DataHome:
    sources = tmp_path / "sumber"
    sources.mkdir()
    header = "id_keluarga,kode_desa,nama_desa,no_kk,nik,nama,jenis_kelamin,tanggal_lahir"
    rows = [f"T{i},{BADA},Bada,52050120011007{i:02d},52050111027507{i:02d},Orang {i},1,1975-02-11"
            for i in range(5)]  # fmt: skip
    (sources / "dtsen_extract_2026-09.csv").write_text("\n".join([header, *rows]) + "\n")
    home = DataHome(tmp_path / "data")
    import_files([sources], home=home, profile="dtsen", scope="52.05")
    return home


def test_too_few_records_to_train_on_are_refused_with_the_reason(tmp_path: Path) -> None:
    home = _five_person_home(tmp_path)
    with pytest.raises(PipelineError, match="sedikitnya 100 identitas"):
        link(home)
    assert not (home.root / "linked").exists()


def test_a_damaged_snapshot_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    home = _five_person_home(tmp_path)
    data = next(home.root.glob("snapshots/*/*/*/data.parquet"))
    data.write_bytes(b"bukan parquet")
    with pytest.raises(PipelineError, match=f"Snapshot {data.parent} tidak bisa dibaca"):
        link(home)
    assert not (home.root / "linked").exists()


def test_cli_links_and_reports_quality_as_json(
    linked: tuple[DataHome, LinkRun], small_regency: SynthResult
) -> None:
    home = linked[0]
    result = CliRunner().invoke(
        app,
        [
            "link",
            "--home",
            str(home.root),
            "--evaluate",
            str(small_regency.out / "truth"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["counts"]["records"] > 0
    assert 0.9 <= summary["quality"]["auto"]["pairwise"]["f1"] <= 1.0


def test_cli_says_what_to_do_when_nothing_is_imported(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["link", "--home", str(tmp_path)])
    assert result.exit_code == 1
    assert "sinergi import" in " ".join(result.stderr.split())


def _filled(exported: Path, target: Path, decisions_by_row: dict[int, str]) -> Path:
    """The exported review workbook with decisions typed in, as a person would save it."""
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(exported))
        .get_sheet_by_name("Tinjauan")
        .to_python()
    )
    book = xlsxwriter.Workbook(str(target))
    sheet = book.add_worksheet("Tinjauan")
    decision_at = rows[0].index("Keputusan")
    for number, row in enumerate(rows):
        values = list(row)
        if number in decisions_by_row:
            values[decision_at] = decisions_by_row[number]
        sheet.write_row(number, 0, values)
    book.close()
    return target


def test_review_round_trip_through_a_workbook(
    linked: tuple[DataHome, LinkRun], tmp_path: Path
) -> None:
    home, run = linked
    queue = pl.read_parquet(run.folder / "review.parquet")
    assert queue.height > 0
    runner = CliRunner()
    exported = tmp_path / "tinjauan.xlsx"
    result = runner.invoke(app, ["review", "--home", str(home.root), "--export", str(exported)])
    assert result.exit_code == 0, result.output
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(exported))
        .get_sheet_by_name("Tinjauan")
        .to_python()
    )
    assert len(rows) == queue.height + 1
    first_pair = {rows[1][1], rows[1][2]}
    assert first_pair == {queue["record_key_l"][0], queue["record_key_r"][0]}

    before = decisions.load(home).height
    bad = _filled(exported, tmp_path / "salah.xlsx", {1: "sama", 2: "mungkin"})
    result = runner.invoke(
        app, ["review", "--home", str(home.root), "--apply", str(bad), "--user", "penguji"]
    )
    assert result.exit_code == 1
    message = " ".join(result.stderr.split())
    assert "baris 3, kolom Keputusan: 'mungkin'" in message
    assert decisions.load(home).height == before, "a rejected workbook stores nothing"

    good = _filled(exported, tmp_path / "isi.xlsx", {1: "Sama"})
    result = runner.invoke(
        app, ["review", "--home", str(home.root), "--apply", str(good), "--user", "penguji"]
    )
    assert result.exit_code == 0, result.stderr
    stored = decisions.load(home)
    assert stored.height == before + 1
    left, right = sorted(first_pair)
    decided = stored.filter((pl.col("record_key_l") == left) & (pl.col("record_key_r") == right))
    assert decided.select("decision", "user").rows() == [("sama", "penguji")]


def test_review_refuses_unknown_keys_and_needs_one_action(
    linked: tuple[DataHome, LinkRun], tmp_path: Path
) -> None:
    home = linked[0]
    exported = tmp_path / "t.xlsx"
    CliRunner().invoke(app, ["review", "--home", str(home.root), "--export", str(exported)])
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(exported))
        .get_sheet_by_name("Tinjauan")
        .to_python()
    )
    with pytest.raises(PipelineError, match="kunci 'dtsen:tidak-ada'"):
        forged = tmp_path / "palsu.xlsx"
        book = xlsxwriter.Workbook(str(forged))
        sheet = book.add_worksheet("Tinjauan")
        sheet.write_row(0, 0, rows[0])
        sheet.write_row(1, 0, ["1", "dtsen:tidak-ada", rows[1][2], *rows[1][3:-2], "beda", ""])
        book.close()
        decisions.read_workbook(forged, {rows[1][2]})
    result = CliRunner().invoke(app, ["review", "--home", str(home.root)])
    assert result.exit_code == 2


def test_em_learns_from_whole_kecamatan_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    variants = pl.DataFrame(
        {
            "unique_id": range(12),
            "district": ["52.05.01"] * 5 + ["52.05.02"] * 4 + ["52.05.03"] * 2 + [None],
        }
    )
    monkeypatch.setattr(link_run, "TRAINING_VARIANTS", 12)
    assert link_run._training_sample(variants).equals(variants)  # within the bound: all
    monkeypatch.setattr(link_run, "TRAINING_VARIANTS", 6)
    drawn = link_run._training_sample(variants)
    assert drawn.equals(link_run._training_sample(variants))
    sizes = dict(variants.group_by("district").len().iter_rows())
    kept = dict(drawn.group_by("district").len().iter_rows())
    assert None not in kept and all(kept[d] == sizes[d] for d in kept)  # whole kecamatan
    assert 6 <= drawn.height < variants.height


def test_em_on_a_sample_keeps_the_prior_and_the_quality(
    linked: tuple[DataHome, LinkRun],
    small_regency: SynthResult,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    home, whole = linked
    copy = DataHome(tmp_path / "home")
    shutil.copytree(home.root, copy.root)
    monkeypatch.setattr(link_run, "TRAINING_VARIANTS", whole.counts["variants"] // 3)
    sampled = link(copy, user="penguji")
    models = [
        json.loads((run.folder / "manifest.json").read_text())["model"] for run in (whole, sampled)
    ]
    # The prior is estimated on the whole table either way; EM saw other pairs.
    prior = "probability_two_random_records_match"
    assert models[0][prior] == models[1][prior]
    assert models[0]["comparisons"] != models[1]["comparisons"]
    quality = evaluate(sampled.folder, small_regency.out / "truth")
    assert quality["auto"]["pairwise"]["precision"] >= 0.99
    assert quality["auto"]["pairwise"]["recall"] >= 0.9
