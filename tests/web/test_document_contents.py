"""The documents hold the lake's and the app database's numbers, read back from DOCX/XLSX/PDF."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from docx import Document
from pypdf import PdfReader
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from sinergi.cli import app
from sinergi.domain import reference
from sinergi.domain.identity import mask_nik
from sinergi.errors import SinergiError
from sinergi.lake.home import DataHome, file_sha256, latest_run_folder
from sinergi.pipeline.stats.lines import LineCatalogue
from sinergi.pipeline.stats.run import poverty_statistics
from sinergi.reports.formats import id_date, id_decimal, id_number
from sinergi.reports.rat_matrix import read_rat
from sinergi.web import registry
from sinergi.web.audit.models import AuditEntry
from sinergi.web.coordination.demo import seed_demo_coordination
from sinergi.web.coordination.models import Meeting
from sinergi.web.documents import gather, produce
from sinergi.web.documents.models import DocumentRun
from sinergi.web.plans.demo import seed_demo_plan
from sinergi.web.uploads.models import Status

REGENCY = "52.05"
YEAR = 2026
LINES = ["gk_52.05_2024-03_total", "ext_usd190_00_2021-03"]


@pytest.fixture(scope="module")
def documents_home(site_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site's diagnosed regency with a poverty statistics run of its survey."""
    root = tmp_path_factory.mktemp("documents") / "home"
    shutil.copytree(site_home, root)
    poverty_statistics(DataHome.resolve(root), line_ids=LINES)
    return root


@pytest.fixture
def home(documents_home: Path, settings: Any, db: None) -> Path:
    settings.HOME = documents_home
    registry.clear_caches()
    seed_demo_plan(REGENCY, YEAR)
    seed_demo_coordination(REGENCY, YEAR, date(YEAR, 11, 20))
    return documents_home


def _make(kind: str, *, user: User | None = None, pdf: bool = False, **options: Any) -> DocumentRun:
    run = produce.create(user, user.username if user else "uji", kind, REGENCY, YEAR, pdf=pdf,
                         **options)  # fmt: skip
    produce.make(run)
    run.refresh_from_db()
    return run


def _folder(home: Path, run: DocumentRun) -> Path:
    return home / run.folder


def _table(doc: Any, first_header: str) -> list[list[str]]:
    """The rows (header first) of the first table whose first header cell is ``first_header``."""
    for table in doc.tables:
        rows = [[c.text for c in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_header:
            return rows
    raise AssertionError(f"no table starting with {first_header!r}")


def _documents(home: Path) -> set[Path]:
    """Everything under reports/dokumen, hidden partial folders included."""
    return set((home / "reports" / "dokumen").glob("*"))


def _latest(home: Path, kind: str) -> Path:
    folder = latest_run_folder(DataHome.resolve(home), kind)
    assert folder is not None
    return folder


def test_lp2kd_states_the_diagnosis_and_statistics_numbers(home: Path) -> None:
    run = _make("lp2kd")
    assert run.status == Status.DONE
    docx = _folder(home, run) / f"LP2KD_5205_{YEAR}.docx"
    doc = Document(str(docx))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for chapter in ("BAB I PENDAHULUAN", "BAB II KONDISI DAN PERKEMBANGAN KEMISKINAN",
                    "BAB III KEBIJAKAN DAN PROGRAM", "BAB IV CAPAIAN",
                    "BAB V PERMASALAHAN DAN TINDAK LANJUT", "BAB VI RAPAT KOORDINASI TKPK",
                    "BAB VII PENUTUP"):  # fmt: skip
        assert chapter in headings

    diagnosis = _latest(home, "diagnostics")
    areas = (
        pl.read_parquet(diagnosis / "areas.parquet").filter(area_code=REGENCY).row(0, named=True)
    )
    programs = pl.read_parquet(diagnosis / "programs.parquet")
    coverage = {r[0].removesuffix(" *"): r for r in _table(doc, "Program")[1:]}
    for program in programs.filter("listed").iter_rows(named=True):
        row = coverage[program["name"]]
        assert row[2] == id_number(areas[f"eligible_{program['program']}"])
        assert row[3] == id_number(areas[f"served_{program['program']}"])
        assert row[5] == id_number(areas[f"exclusion_{program['program']}"])
        # Person-level programs are marked: their headings count families differently.
        assert row[0].endswith(" *") == (program["level"] == "person")
    text = "\n".join(p.text for p in doc.paragraphs)
    person = programs.filter(level="person")["name"].to_list()
    assert person and all(name in text for name in person)
    assert "* Program per orang (" in text

    # Survey rounds and poverty lines by name, never their ids.
    assert "gk_52.05" not in text and "USD_1.90" not in text and "2026-03" not in text
    assert "Garis Kemiskinan Kabupaten Dompu 2024 (Susenas Maret)" in text

    estimates = pl.read_parquet(_latest(home, "stats") / "estimates.parquet")
    p0 = estimates.filter(level="kabupaten", basis="BPS_GK", indicator="P0")["value"][0]
    figures = dict(r for r in _table(doc, "Persentase penduduk miskin (P0)"))
    assert figures["Persentase penduduk miskin (P0)"] == f"{id_decimal(p0, 2)}%"

    pockets = pl.read_parquet(diagnosis / "pockets.parquet").sort("rank").head(10)
    shown = _table(doc, "Peringkat")[1:]
    assert [r[1] for r in shown] == pockets["area_name"].to_list()
    # A desa's counts of 1 to 4 are hidden, as the XLSX exports hide them.
    assert [r[4] for r in shown] == [_suppressed(n) for n in pockets["extreme_poor"]]
    assert [r[6] for r in shown] == [_suppressed(n) for n in pockets["unassisted"]]

    # The finding counted again from the families table, independently of the pages' code.
    families = pl.read_parquet(diagnosis / "families.parquet")
    listed = json.loads((diagnosis / "manifest.json").read_text())["listed_programs"]
    unserved = families.filter(
        pl.col("extreme_poor") & ~pl.any_horizontal([f"receives_{p}" for p in listed])
    )
    sentence = (
        f"Sebanyak {id_number(unserved.height)} keluarga miskin ekstrem di "
        f"{id_number(unserved['area_code'].n_unique())} desa belum menerima bantuan apa pun"
    )
    assert any(p.text.startswith(sentence) for p in doc.paragraphs)


def _suppressed(count: int) -> str:
    return "–" if 1 <= count <= 4 else id_number(count)


def test_rpkd_has_its_seven_chapters_and_charts(home: Path) -> None:
    run = _make("rpkd")
    doc = Document(str(_folder(home, run) / f"RPKD_5205_{YEAR}-{YEAR + 4}.docx"))
    chapters = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert chapters == [
        "BAB I PENDAHULUAN", "BAB II KONDISI UMUM DAERAH", "BAB III PROFIL KEMISKINAN DAERAH",
        "BAB IV STRATEGI DAN PROGRAM PRIORITAS", "BAB V PROGRAM, KEGIATAN DAN SASARAN",
        "BAB VI PEMANTAUAN DAN EVALUASI", "BAB VII PENUTUP",
    ]  # fmt: skip
    assert len(doc.inline_shapes) == 4  # trend, kecamatan, coverage, budget
    assert f"TAHUN {YEAR}–{YEAR + 4}" in [p.text for p in doc.paragraphs]
    assert any("usulan Sinergi" in p.text for p in doc.paragraphs)  # the outline says so


def test_lp2kd_annex_repeats_the_tables_as_numbers(home: Path) -> None:
    run = _make("lp2kd")
    annex = CalamineWorkbook.from_path(str(_folder(home, run) / f"LP2KD_5205_{YEAR}_lampiran.xlsx"))
    assert not list(_folder(home, run).glob("*_nama_alamat*"))  # not asked for
    sheet = annex.get_sheet_by_name("Cakupan program").to_python()
    header = sheet[1]
    assert header == ["Program", "Terdaftar", "Layak", "Layak dan terdaftar", "Cakupan",
                      "Layak belum terdaftar", "Terdaftar tidak layak"]  # fmt: skip
    programs = pl.read_parquet(_latest(home, "diagnostics") / "programs.parquet")
    areas = pl.read_parquet(_latest(home, "diagnostics") / "areas.parquet").filter(
        area_code=REGENCY
    )
    by_name = {str(row[0]).removesuffix(" *"): row for row in sheet[2:]}
    for program in programs.filter("listed").iter_rows(named=True):
        row, code = by_name[program["name"]], program["program"]
        assert row[header.index("Layak")] == areas[f"eligible_{code}"].item()
        # A share the sheet formats as a percentage (0,462 shows 46,2%), not 46.19...
        share = areas[f"served_{code}"].item() / areas[f"eligible_{code}"].item()
        assert row[header.index("Cakupan")] == pytest.approx(share)
    plan = annex.get_sheet_by_name("Rencana aksi").to_python()
    assert "Realisasi" in plan[1] and "realisasi_persen" not in plan[1]
    assert all(0 <= float(r[plan[1].index("Realisasi")]) <= 2 for r in plan[2:])


def test_the_run_records_its_files_and_the_data_it_came_from(home: Path) -> None:
    run = _make("lp2kd")
    folder = _folder(home, run)
    assert {f["name"] for f in run.files} == {p.name for p in folder.iterdir()}
    for entry in run.files:
        assert entry["sha256"] == file_sha256(folder / entry["name"])
    assert run.sources["diagnosis"] == _latest(home, "diagnostics").name
    assert run.sources["statistik"] == _latest(home, "stats").name
    assert run.sources["padanan"] == _latest(home, "linked").name
    assert run.sources["rencana"]["tahun"] == YEAR
    assert produce.file_path(run, "../../app.sqlite3") is None


def test_rat_matrix_adds_up_to_the_plan(home: Path) -> None:
    from sinergi.web.plans.models import Plan

    run = _make("rat")
    version = Plan.objects.get(area_code=REGENCY, year=YEAR).current
    lines = list(version.lines.all())
    doc = Document(str(_folder(home, run) / f"RAT_5205_{YEAR}.docx"))
    strategies = _table(doc, "Strategi")
    assert strategies[-1][0] == "Jumlah"
    assert strategies[-1][1] == id_number(float(sum(line.budget for line in lines)) / 1e6)
    matrix_rows = [r for t in doc.tables for r in t.rows if r.cells[0].text.isdigit()]
    assert len(matrix_rows) == len(lines)
    rows = read_rat(_folder(home, run) / f"RAT_5205_{YEAR}_matriks.xlsx", name="matriks.xlsx")
    assert sorted(r.key for r in rows) == sorted(str(line.key) for line in lines)


def test_rakor_papers_for_each_meeting_held(home: Path) -> None:
    run = _make("notulen")
    held = Meeting.objects.filter(area_code=REGENCY, date__year=YEAR).exclude(status="batal")
    names = {f["name"] for f in run.files}
    assert len(names) == 3 * held.count()
    first = held.order_by("date").first()
    assert first is not None
    stem = f"5205_{first.date:%Y-%m-%d}_rakor1"
    minutes = Document(str(_folder(home, run) / f"Notulen_{stem}.docx"))
    text = "\n".join(p.text for p in minutes.paragraphs)
    for decision in first.decisions.all():
        assert f"Keputusan {decision.number}: {decision.text}" in text
    attendance = Document(str(_folder(home, run) / f"Daftar_hadir_{stem}.docx"))
    listed = _table(attendance, "No")[1:]
    assert [r[1] for r in listed] == [i.name for i in first.invitees.all()]


def test_rakor_papers_of_a_year_without_rakor_fail_and_leave_nothing(home: Path) -> None:
    run = produce.create(None, "uji", "notulen", REGENCY, YEAR - 5, pdf=False)
    before = _documents(home)
    with pytest.raises(SinergiError) as caught:
        produce.make(run)
    assert caught.value.code == "NO_RAKOR" and f"Belum ada rakor {YEAR - 5}" in str(caught.value)
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.files == []
    assert _documents(home) == before


def test_a_pdf_of_a_reasonable_length(home: Path) -> None:
    run = _make("lp2kd", pdf=True)
    pdf = _folder(home, run) / f"LP2KD_5205_{YEAR}.pdf"
    assert 5 <= len(PdfReader(str(pdf)).pages) <= 40


def test_names_annex_is_read_through_the_scoping_door(home: Path, make_user: Any) -> None:
    officer = make_user("opd1", "opd", see=REGENCY, opd="Dinas Sosial")
    run = _make("lp2kd", user=officer, names=True)
    names = _folder(home, run) / f"LP2KD_5205_{YEAR}_nama_alamat.xlsx"
    sheet = CalamineWorkbook.from_path(str(names)).get_sheet_by_name("Penerima (BNBA)").to_python()
    diagnosis = _latest(home, "diagnostics")
    listed = json.loads((diagnosis / "manifest.json").read_text())["listed_programs"]
    families = pl.read_parquet(diagnosis / "families.parquet")
    reached = families.filter(pl.any_horizontal([f"receives_{p}" for p in listed]))
    assert len(sheet) - 2 == reached.height == run.summary["names_annex"]
    header = sheet[1]
    niks = [str(row[header.index("NIK kepala keluarga")]) for row in sheet[2:]]
    assert all(n == mask_nik(n) for n in niks if n)  # an OPD officer never sees them whole
    entry = AuditEntry.objects.get(what="lp2kd_bnba")
    assert (entry.username, entry.action, entry.rows) == ("opd1", "export", reached.height)


def test_names_annex_refused_without_export(home: Path, make_user: Any) -> None:
    member = make_user("tkpk1", "tkpk", see=REGENCY)
    run = produce.create(member, "tkpk1", "lp2kd", REGENCY, YEAR, pdf=False, names=True)
    before = _documents(home)
    with pytest.raises(SinergiError) as caught:
        produce.make(run)
    assert caught.value.code == "NAMES_DENIED"
    run.refresh_from_db()
    assert run.status == Status.FAILED and "tidak berwenang" in run.error
    assert AuditEntry.objects.filter(what="lp2kd_bnba", action="denied").count() == 1
    assert _documents(home) == before  # nothing half-written, no partial folder left


def test_a_broken_own_template_fails_and_leaves_nothing(home: Path) -> None:
    own = home / "templat"
    own.mkdir(exist_ok=True)
    doc = Document()
    doc.add_paragraph("{{ tidak_ada_nilai_ini }}")
    doc.save(str(own / "rat.docx"))
    before = _documents(home)
    try:
        run = produce.create(None, "uji", "rat", REGENCY, YEAR, pdf=False)
        with pytest.raises(SinergiError, match=r"rat\.docx"):
            produce.make(run)
    finally:
        shutil.rmtree(own)
    run.refresh_from_db()
    assert run.status == Status.FAILED and run.files == []
    assert _documents(home) == before


def test_an_area_without_data_says_so_rather_than_inventing(home: Path) -> None:
    run = produce.create(None, "uji", "rpkd", "52.06", YEAR, pdf=False)
    produce.make(run)
    run.refresh_from_db()
    doc = Document(str(home / run.folder / f"RPKD_5206_{YEAR}-{YEAR + 4}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Statistik kemiskinan dari data survei belum tersedia" in text
    assert "belum didiagnosis" in text
    assert f"Rencana aksi tahun {YEAR} belum dicatat" in text


def test_cli_report_misuse_is_refused_before_anything_runs(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["report", "surat", "--wilayah", REGENCY]).exit_code == 2
    assert runner.invoke(app, ["report", "rat", "--wilayah", "52.05.01"]).exit_code == 2
    assert runner.invoke(app, ["report", "rat"]).exit_code == 2
    assert runner.invoke(app, ["report", "lp2kd", "--wilayah", REGENCY, "--names"]).exit_code == 2
    copied = runner.invoke(app, ["report", "templat", "--out", str(tmp_path / "t")])
    assert copied.exit_code == 0
    assert len(list((tmp_path / "t").glob("*.docx"))) == 6


def test_cli_report_writes_and_records_the_documents(
    home: Path, tmp_path: Path, transactional_db: None
) -> None:
    result = CliRunner().invoke(
        app, ["report", "rat", "--wilayah", "5205", "--year", str(YEAR), "--home", str(home),
              "--no-pdf", "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    run = DocumentRun.objects.get(kind="rat")
    assert run.username.startswith("cli:") and run.status == Status.DONE
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        f["name"] for f in run.files
    )


def test_plan_totals_never_add_targets_of_different_units(home: Path) -> None:
    """A strategy or OPD whose lines count keluarga and desa shows no summed target."""
    from sinergi.web.plans import reads
    from sinergi.web.plans.models import Plan

    run = _make("rat")
    version = Plan.objects.get(area_code=REGENCY, year=YEAR).current
    rows = reads.rows(version)
    doc = Document(str(_folder(home, run) / f"RAT_5205_{YEAR}.docx"))
    by_opd = {r[0]: r for r in _table(doc, "Perangkat daerah")[1:]}
    mixed = single = 0
    for opd, found in _grouped(rows, lambda r: r.line.opd.name).items():
        units = {r.line.target_unit for r in found}
        if len(units) > 1:
            mixed += 1
            assert by_opd[opd][4] == "–" and by_opd[opd][5] == "–", opd
        else:
            single += 1
            target = sum(r.line.target_beneficiaries or 0 for r in found)
            assert by_opd[opd][4] == f"{id_number(target)} {units.pop()}", opd
    assert mixed and single  # the demo plan has both kinds of OPD
    assert by_opd["Jumlah"][4] == "–"  # the whole plan counts several units
    per_unit = {r[0]: r for r in _table(doc, "Satuan")[1:]}
    for unit, found in _grouped(rows, lambda r: r.line.target_unit).items():
        target = sum(r.line.target_beneficiaries or 0 for r in found)
        reached = sum(r.reached for r in found)
        assert per_unit[unit][2:4] == [id_number(target), id_number(reached)]


def _grouped(rows: list[Any], key: Any) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for row in rows:
        found.setdefault(key(row), []).append(row)
    return found


def test_an_unknown_entitlement_is_not_rupiah_zero(tmp_path: Path) -> None:
    """One payment of a program without a known entitlement makes its total and right amount "–"."""
    from sinergi.web.documents.gather import _distribution

    pl.DataFrame(
        {
            "program": ["pkh", "pkh", "bpnt"],
            "area_code": ["52.05.01.2001"] * 3,
            "payments": [2, 1, 3],
            "paid_less": [0, 0, 1],
            "paid_more": [0, 0, 0],
            "late": [1, 0, 0],
            "missed": [0, 0, 0],
            "amount_paid": [1_500_000.0, 750_000.0, 600_000.0],
            "amount_entitled": [1_500_000.0, None, 600_000.0],
        }
    ).write_parquet(tmp_path / "distribution.parquet")
    rows = {r["program"]: r for r in _distribution(tmp_path, REGENCY, {"pkh": "PKH"})}
    assert rows["PKH"]["hak"] is None and rows["PKH"]["tepat_jumlah"] is None
    assert rows["PKH"]["dibayar"] == 2_250_000 and rows["PKH"]["tepat_waktu"] == pytest.approx(
        200 / 3
    )
    assert rows["bpnt"]["hak"] == 600_000 and rows["bpnt"]["tepat_jumlah"] == pytest.approx(200 / 3)


def test_targets_say_where_they_come_from_and_when_the_actual_is(home: Path) -> None:
    run = _make("rat")
    doc = Document(str(_folder(home, run) / f"RAT_5205_{YEAR}.docx"))
    rows = _table(doc, "Indikator")
    assert rows[0][:5] == ["Indikator", "Awal", "Capaian terakhir", "Target", "Sumber target"]
    p0 = next(r for r in rows if r[0].startswith("Persentase penduduk miskin"))
    # The shipped Dompu 2026 target is an example: it says so twice, never passes as official.
    assert p0[3].endswith("– contoh, bukan target resmi")
    assert p0[4] == "contoh sintetis (bukan target resmi)"
    assert re.search(r"\((Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|"
                     r"Oktober|November|Desember) \d{4}\)$", p0[2])  # fmt: skip


def test_minutes_date_the_follow_up_states_and_number_the_agenda_once(home: Path) -> None:
    first = Meeting.objects.filter(area_code=REGENCY, date__year=YEAR).order_by("date").first()
    assert first is not None
    first.agenda = "1. Pembukaan\n2) Paparan capaian\n- Penutup"
    first.save()
    run = _make("notulen", meeting=first)
    stem = f"5205_{first.date:%Y-%m-%d}_rakor1"
    minutes = Document(str(_folder(home, run) / f"Notulen_{stem}.docx"))
    agenda = [
        p.text for p in minutes.paragraphs if p.style is not None and p.style.name == "List Number"
    ]
    assert agenda == ["Pembukaan", "Paparan capaian", "Penutup"]
    today = id_date(timezone.localdate())
    text = "\n".join(p.text for p in minutes.paragraphs)
    assert f"keadaan per {today}" in text
    assert _table(minutes, "Tindak lanjut")[0][3] == f"Status per {today}"


def test_an_imported_poverty_line_is_named_as_its_file_names_it() -> None:
    shipped = reference.poverty_line("gk_52.05_2024-03_total")
    own = replace(shipped, line_id="gk_dompu_2026", name="GK Dompu Maret 2026")
    assert gather.line_names("gk_dompu_2026", LineCatalogue((own,))) == "GK Dompu Maret 2026"
    assert gather.line_names("gk_dompu_2026") == "gk_dompu_2026"  # not in the shipped file
    assert gather.line_names("gk_52.05_2024-03_total") == shipped.name
