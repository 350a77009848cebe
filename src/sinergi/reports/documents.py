"""TKPK documents (RPKD, RAT, LP2KD, rakor papers) rendered from DOCX templates people can edit.

A :class:`Draft` is what one document says: its template, the values its
placeholders read, its charts and the tables of its XLSX annex. :func:`write_drafts`
renders each to DOCX (docxtpl: Jinja tags inside a Word file), draws the charts as
images, writes the annex workbook and, when asked, a PDF of every DOCX (LibreOffice
headless). Templates are looked up first in a folder the secretariat keeps its own
edited copies in, then in the ones shipped with Sinergi.

In a template, numbers are written with the Indonesian filters: ``{{ x|angka }}``
(1.234.567), ``{{ x|persen }}`` for a percentage (12,5%), ``{{ x|desimal(2) }}``,
``{{ x|rupiah }}`` (Rp1.234.567), ``{{ x|juta }}`` (millions of rupiah: 24.858,4),
``{{ d|tanggal }}`` (6 Mei 2024) and ``{{ d|hari }}`` (Senin); a missing value prints
as a dash. A placeholder that names nothing is an error, not a blank.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
import polars as pl
import xlsxwriter

from sinergi.errors import ReportError
from sinergi.reports.charts import Chart, write_png
from sinergi.reports.formats import id_date, id_decimal, id_number, id_rupiah
from sinergi.reports.sheets import Styles, sheet_name, write_table

log = logging.getLogger(__name__)

TEMPLATE_NAMES = ("rpkd", "rat", "lp2kd", "undangan_rakor", "daftar_hadir_rakor", "notulen_rakor")
MISSING = "–"
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
CHART_WIDTH_MM = 150
PDF_TIMEOUT_S = 180


@dataclass(frozen=True)
class AnnexTable:
    """One sheet of the annex workbook: a description line above a formatted table."""

    title: str
    description: str
    frame: pl.DataFrame
    labels: Mapping[str, str] = field(default_factory=dict)
    hidden: str = "–"  # what an empty number shows: unknown, or "<5" where small counts hide


@dataclass(frozen=True)
class Draft:
    """One document to write: ``<stem>.docx`` from ``template`` (a name of TEMPLATE_NAMES)."""

    template: str
    stem: str
    context: Mapping[str, Any]
    charts: Mapping[str, Chart] = field(default_factory=dict)
    annex: Sequence[AnnexTable] = ()


def shipped_templates() -> Path:
    """The folder of the templates shipped with Sinergi."""
    return Path(str(resources.files("sinergi") / "data" / "templates"))


def template_path(name: str, own: Path | None = None) -> Path:
    """The template ``name``: the secretariat's own copy in ``own`` if there is one."""
    if name not in TEMPLATE_NAMES:
        raise ValueError(f"unknown template {name!r}")
    if own is not None and (own / f"{name}.docx").is_file():
        return own / f"{name}.docx"
    return shipped_templates() / f"{name}.docx"


def copy_templates(out: Path) -> list[Path]:
    """Copy the shipped templates into ``out`` for editing; existing files are kept."""
    out.mkdir(parents=True, exist_ok=True)
    copied = []
    for name in TEMPLATE_NAMES:
        target = out / f"{name}.docx"
        if not target.exists():
            shutil.copyfile(shipped_templates() / f"{name}.docx", target)
            copied.append(target)
    return copied


def write_drafts(
    drafts: Sequence[Draft], folder: Path, *, own_templates: Path | None = None, pdf: bool = True
) -> list[Path]:
    """Write every draft into ``folder``: DOCX, annex XLSX, and PDF if ``pdf``; the paths.

    ``folder`` should be a fresh (partial) folder the caller moves into place:
    a failure part-way leaves it incomplete.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="sinergi-charts-") as scratch:
        for draft in drafts:
            docx = folder / f"{draft.stem}.docx"
            _render(draft, template_path(draft.template, own_templates), docx, Path(scratch))
            written.append(docx)
            if draft.annex:
                annex = folder / f"{draft.stem}_lampiran.xlsx"
                write_annex(draft.annex, annex)
                written.append(annex)
    if pdf:
        written += to_pdf([p for p in written if p.suffix == ".docx"], folder)
    return written


def _render(draft: Draft, template: Path, out: Path, scratch: Path) -> None:
    from docx.opc.exceptions import PackageNotFoundError
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    try:
        document = DocxTemplate(template)
        images = {
            name: InlineImage(
                document,
                str(write_png(chart, scratch / f"{draft.stem}_{name}.png", dpi=150)),
                width=Mm(CHART_WIDTH_MM),
            )
            for name, chart in draft.charts.items()
        }
        document.render({**draft.context, **images}, jinja_env=_environment(), autoescape=True)
        document.save(out)
    except jinja2.TemplateError as error:
        raise ReportError(
            f"Templat {template.name} tidak dapat diisi: {_reason(error)}. Periksa penanda "
            "{{ ... }} dan {% ... %} di templat itu, atau pakai templat bawaan.",
            english=f"template {template} cannot be rendered: {error}",
            code="TEMPLATE_BROKEN",
        ) from error
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError) as error:  # not a DOCX
        raise ReportError(
            f"Templat {template.name} bukan berkas DOCX yang dapat dibaca ({error}).",
            english=f"template {template} is not a readable DOCX: {error}",
            code="TEMPLATE_UNREADABLE",
        ) from error


def _reason(error: jinja2.TemplateError) -> str:
    """Why a template failed, in Bahasa Indonesia (Jinja's own English goes to the log).

    Examples:
        >>> _reason(jinja2.UndefinedError("'tidak_ada' is undefined"))
        "nama 'tidak_ada' tidak dikenal"
        >>> _reason(jinja2.UndefinedError("'dict object' has no attribute 'jumlahh'"))
        "nilai itu tidak memuat 'jumlahh'"
    """
    message = error.message or ""
    if isinstance(error, jinja2.UndefinedError):
        if found := re.fullmatch(r"'(.+)' is undefined", message):
            return f"nama '{found[1]}' tidak dikenal"
        if found := re.search(r"has no attribute '(.+)'", message):
            return f"nilai itu tidak memuat '{found[1]}'"
        return "ada nama yang tidak dikenal"
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"penanda salah tulis atau tidak ditutup (sekitar baris {error.lineno} isi templat)"
    return "penanda tidak dapat diisi"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(
        angka=_missing_or(lambda v: id_number(round(v) if isinstance(v, float) else v)),
        persen=_missing_or(lambda v, digits=1: f"{id_decimal(float(v), digits)}%"),
        desimal=_missing_or(lambda v, digits=2: id_decimal(float(v), digits)),
        rupiah=_missing_or(id_rupiah),
        juta=_missing_or(lambda v: id_number(float(v) / 1e6)),
        tanggal=_missing_or(id_date),
        hari=_missing_or(lambda d: DAYS[d.weekday()]),
    )
    return env


def _missing_or(format_value: Any) -> Any:
    def formatted(value: int | float | Decimal | date | None, *args: Any) -> str:
        if isinstance(value, jinja2.Undefined):
            value._fail_with_undefined_error()  # names the missing value, as a bare {{ x }} does
        if value is None or (isinstance(value, float) and value != value):
            return MISSING
        return str(format_value(value, *args))

    return formatted


def write_annex(tables: Sequence[AnnexTable], path: Path | BinaryIO) -> Path | BinaryIO:
    """The annex workbook: one formatted sheet per table; returns ``path``."""
    book = xlsxwriter.Workbook(str(path) if isinstance(path, Path) else path)
    styles = Styles(book)
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(sheet_name(table.title, taken))
        write_table(sheet, styles, table.description, table.frame, table.labels, table.hidden)
    book.close()
    return path


def to_pdf(documents: Sequence[Path], folder: Path) -> list[Path]:
    """Convert DOCX files to PDF beside them with LibreOffice headless; the PDF paths."""
    if not documents:
        return []
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        raise ReportError(
            "LibreOffice (soffice) tidak terpasang, jadi PDF tidak dapat dibuat. Pasang paket "
            "libreoffice-writer-nogui, atau buat dokumen tanpa PDF (--no-pdf).",
            english="LibreOffice (soffice) is not installed; cannot convert to PDF",
            code="PDF_CONVERTER_MISSING",
        )
    # A private profile per call: two conversions sharing the default profile block each other.
    with tempfile.TemporaryDirectory(prefix="sinergi-office-") as profile:
        command = [
            office, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
            "--convert-to", "pdf", "--outdir", str(folder), *map(str, documents),
        ]  # fmt: skip
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=PDF_TIMEOUT_S, check=False,
            env={**os.environ, "HOME": profile},
        )  # fmt: skip
    pdfs = [folder / f"{p.stem}.pdf" for p in documents]
    missing = [p.name for p in pdfs if not p.is_file()]
    if done.returncode or missing:
        log.error("soffice exit %s: %s", done.returncode, done.stderr.strip()[-500:])
        raise ReportError(
            f"LibreOffice gagal mengubah {', '.join(missing) or 'dokumen'} menjadi PDF; "
            "berkas DOCX tetap dapat dipakai.",
            english=f"LibreOffice failed to convert {missing} (exit {done.returncode})",
            code="PDF_FAILED",
        )
    return pdfs
