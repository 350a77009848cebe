"""DOCX templates rendered with the Indonesian filters; their failures, the annex, the PDF step."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from docx import Document
from python_calamine import CalamineWorkbook

from sinergi.errors import ReportError
from sinergi.reports import documents
from sinergi.reports.charts import Chart, Series
from sinergi.reports.documents import (
    TEMPLATE_NAMES,
    AnnexTable,
    Draft,
    copy_templates,
    template_path,
    write_drafts,
)

ROOT = Path(__file__).resolve().parents[2]


def _own_template(folder: Path, *paragraphs: str, rows: str | None = None) -> Path:
    """An own ``rpkd.docx`` in ``folder`` holding ``paragraphs`` and, if asked, a looped table."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if rows is not None:
        grid = doc.add_table(rows=4, cols=2)
        grid.rows[0].cells[0].text, grid.rows[0].cells[1].text = "Nama", "Jumlah"
        grid.rows[1].cells[0].text = f"{{%tr for r in {rows} %}}"
        grid.rows[2].cells[0].text, grid.rows[2].cells[1].text = "{{ r.nama }}", "{{ r.n|angka }}"
        grid.rows[3].cells[0].text = "{%tr endfor %}"
    doc.save(str(folder / "rpkd.docx"))
    return folder


def _text(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_values_are_written_the_indonesian_way(tmp_path: Path) -> None:
    own = _own_template(
        tmp_path / "own",
        "{{ n|angka }} | {{ f|angka }} | {{ p|persen }} | {{ p|persen(2) }} | {{ g|desimal(3) }}",
        "{{ money|rupiah }} | {{ money|juta }} | {{ day|tanggal }} | {{ day|hari }}",
        "{{ none|angka }}",
        "{{ name }}",
    )
    context = {
        "n": 1234567, "f": 1234.6, "p": 12.5, "g": 0.34812, "money": Decimal("4032000000.50"),
        "day": date(2024, 5, 6), "none": None, "name": "Siti & <Nur>",
    }  # fmt: skip
    [docx] = write_drafts([Draft("rpkd", "t", context)], tmp_path / "out", own_templates=own,
                          pdf=False)  # fmt: skip
    assert _text(docx) == [
        "1.234.567 | 1.235 | 12,5% | 12,50% | 0,348",
        "Rp4.032.000.001 | 4.032,0 | 6 Mei 2024 | Senin",
        "–",
        "Siti & <Nur>",  # escaped in the XML, shown as typed
    ]


def test_a_table_gets_one_row_per_item(tmp_path: Path) -> None:
    own = _own_template(tmp_path / "own", "Tabel:", rows="baris")
    rows = [{"nama": "Dompu", "n": 1200}, {"nama": "Hu'u", "n": 35}, {"nama": "Pekat", "n": 0}]
    [docx] = write_drafts([Draft("rpkd", "t", {"baris": rows})], tmp_path / "out",
                          own_templates=own, pdf=False)  # fmt: skip
    table = Document(str(docx)).tables[0]
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Nama", "Jumlah"], ["Dompu", "1.200"], ["Hu'u", "35"], ["Pekat", "0"],
    ]  # fmt: skip


def test_a_chart_becomes_an_image_in_the_document(tmp_path: Path) -> None:
    own = _own_template(tmp_path / "own", "{{ grafik }}")
    chart = Chart(
        "Cakupan", "Program", "%", (Series("c", ["PKH", "BPNT"], [43.1, 75.4], kind="bar"),)
    )
    [docx] = write_drafts([Draft("rpkd", "t", {}, {"grafik": chart})], tmp_path / "out",
                          own_templates=own, pdf=False)  # fmt: skip
    shapes = Document(str(docx)).inline_shapes
    assert len(shapes) == 1
    assert shapes[0].width == pytest.approx(documents.CHART_WIDTH_MM * 36000, rel=0.01)


def test_an_unknown_placeholder_fails_and_names_the_template(tmp_path: Path) -> None:
    own = _own_template(tmp_path / "own", "Jumlah {{ keluarga_typo|angka }}")
    with pytest.raises(ReportError) as caught:
        write_drafts([Draft("rpkd", "t", {"keluarga": 3})], tmp_path / "out", own_templates=own,
                     pdf=False)  # fmt: skip
    assert caught.value.code == "TEMPLATE_BROKEN"
    assert "rpkd.docx" in str(caught.value) and "keluarga_typo" in str(caught.value)
    assert "nama 'keluarga_typo' tidak dikenal" in str(caught.value)
    assert "undefined" not in str(caught.value)  # Jinja's English stays in the log message
    assert "is undefined" in caught.value.english


def test_a_broken_tag_fails_with_a_clear_message(tmp_path: Path) -> None:
    own = _own_template(tmp_path / "own", "{% if x %}tanpa penutup")
    with pytest.raises(ReportError, match=r"Templat rpkd\.docx tidak dapat diisi") as caught:
        write_drafts([Draft("rpkd", "t", {"x": 1})], tmp_path / "out", own_templates=own,
                     pdf=False)  # fmt: skip
    assert caught.value.code == "TEMPLATE_BROKEN"
    assert "penanda salah tulis atau tidak ditutup" in str(caught.value)


def test_a_file_that_is_not_a_docx_is_refused(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    (own / "rpkd.docx").write_text("ini bukan dokumen Word")
    with pytest.raises(ReportError) as caught:
        write_drafts([Draft("rpkd", "t", {})], tmp_path / "out", own_templates=own, pdf=False)
    assert caught.value.code == "TEMPLATE_UNREADABLE"
    assert "rpkd.docx" in str(caught.value)


def test_own_templates_win_and_the_shipped_ones_fill_in(tmp_path: Path) -> None:
    own = _own_template(tmp_path / "own", "x")
    assert template_path("rpkd", own) == own / "rpkd.docx"
    assert template_path("rat", own) == documents.shipped_templates() / "rat.docx"
    with pytest.raises(ValueError, match="unknown template"):
        template_path("surat_cinta", own)


def test_copying_the_templates_keeps_an_edited_copy(tmp_path: Path) -> None:
    edited = _own_template(tmp_path / "own", "versi sekretariat") / "rpkd.docx"
    copied = copy_templates(tmp_path / "own")
    assert {p.name for p in copied} == {f"{n}.docx" for n in TEMPLATE_NAMES} - {"rpkd.docx"}
    assert _text(edited) == ["versi sekretariat"]


def test_the_annex_holds_each_table_formatted(tmp_path: Path) -> None:
    frame = pl.DataFrame({"nama": ["PKH", "BPNT"], "layak": [5714, 7671], "cakupan": [43.1, None]})
    draft = Draft("rat", "t", {}, annex=[AnnexTable("Cakupan program", "Cakupan.", frame,
                                                     {"nama": "Program"})])  # fmt: skip
    own = tmp_path / "own"
    _own_template(own, "x")
    (own / "rpkd.docx").rename(own / "rat.docx")
    written = write_drafts([draft], tmp_path / "out", own_templates=own, pdf=False)
    annex = tmp_path / "out" / "t_lampiran.xlsx"
    assert annex in written
    sheet = CalamineWorkbook.from_path(str(annex)).get_sheet_by_name("Cakupan program").to_python()
    assert sheet[0][0] == "Cakupan."
    assert sheet[1] == ["Program", "layak", "cakupan"]
    assert sheet[2][:2] == ["PKH", 5714.0] and sheet[3][2] == documents.MISSING


def test_pdf_without_libreoffice_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    docx = tmp_path / "a.docx"
    Document().save(str(docx))
    with pytest.raises(ReportError, match="LibreOffice") as caught:
        documents.to_pdf([docx], tmp_path)
    assert caught.value.code == "PDF_CONVERTER_MISSING"


def test_shipped_templates_are_what_the_script_writes(tmp_path: Path) -> None:
    """The committed DOCX files and scripts/document_templates.py say the same, word for word."""
    source = ROOT / "scripts" / "document_templates.py"
    spec = importlib.util.spec_from_file_location("document_templates", source)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules["document_templates"] = script
    spec.loader.exec_module(script)
    assert set(script.TEMPLATES) == set(TEMPLATE_NAMES)
    for name, build in script.TEMPLATES.items():
        build().save(str(tmp_path / f"{name}.docx"))
        assert _words(tmp_path / f"{name}.docx") == _words(
            documents.shipped_templates() / f"{name}.docx"
        ), f"{name}.docx differs from the script: run python scripts/document_templates.py"


def _words(path: Path) -> list[str]:
    doc = Document(str(path))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return [p.text for p in doc.paragraphs] + cells
