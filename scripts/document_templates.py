"""Write the DOCX templates Sinergi ships for the TKPK's documents (python-docx, docxtpl tags).

    python scripts/document_templates.py [--out src/sinergi/data/templates]

The templates are the source a secretariat edits in Word or LibreOffice (copy them
with ``sinergi report templat``); this script is how the shipped ones are made, so
their text can be read and reviewed here. Placeholders are docxtpl's Jinja tags:
``{{ ... }}`` for a value, ``{%p ... %}`` around paragraphs, ``{%tr ... %}`` around
table rows; the values are those of ``sinergi.web.documents.gather``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt
from docx.table import _Row

OUT = Path(__file__).resolve().parents[1] / "src" / "sinergi" / "data" / "templates"
TABLE_FONT = Pt(9)  # rupiah amounts of ten or more digits fit a column of a portrait page
Column = tuple[str, str]  # header, cell (a Jinja expression on the loop variable)


def new(landscape: bool = False) -> DocumentType:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(25 if side == "left_margin" else 20))
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    section.footer.paragraphs[0].text = "{{ wilayah.nama }} · dibuat Sinergi {{ tanggal|tanggal }}"
    return doc


def title(doc: DocumentType, *lines: str) -> None:
    for text in lines:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold = True
        run.font.size = Pt(14)


def note(doc: DocumentType, text: str) -> None:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.italic = True
    run.font.size = Pt(9)


def tag(doc: DocumentType, jinja: str) -> None:
    """A paragraph holding only a ``{%p %}`` tag: docxtpl removes it when rendering."""
    doc.add_paragraph(f"{{%p {jinja} %}}")


def bullets(doc: DocumentType, loop: str, text: str, style: str = "List Bullet") -> None:
    tag(doc, f"for item in {loop}")
    doc.add_paragraph(text, style=style)
    tag(doc, "endfor")


def table(
    doc: DocumentType, loop: str, columns: Sequence[Column], total: Sequence[str] = ()
) -> None:
    """A header row, one row per item of ``loop`` (named ``r``), and an optional total row."""
    grid = doc.add_table(rows=1, cols=len(columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    _fill(grid.rows[0], [header for header, _ in columns], bold=True)
    grid.add_row().cells[0].text = f"{{%tr for r in {loop} %}}"
    _fill(grid.add_row(), [cell for _, cell in columns])
    grid.add_row().cells[0].text = "{%tr endfor %}"
    if total:
        _fill(grid.add_row(), total, bold=True)
    doc.add_paragraph()


def _fill(row: _Row, values: Sequence[str], *, bold: bool = False) -> None:
    for cell, value in zip(row.cells, values, strict=True):
        run = cell.paragraphs[0].add_run(value)
        run.bold = bold
        run.font.size = TABLE_FONT


def pairs(doc: DocumentType, rows: Sequence[tuple[str, str]]) -> None:
    """A two-column table of label and value (fixed rows)."""
    grid = doc.add_table(rows=0, cols=2)
    grid.style = "Table Grid"
    for label, value in rows:
        _fill(grid.add_row(), [label, value])
    doc.add_paragraph()


def missing(doc: DocumentType, condition: str, body: Callable[[], None], absent: str) -> None:
    """``body`` when ``condition`` holds, else a sentence saying the data is not there yet."""
    tag(doc, f"if {condition}")
    body()
    tag(doc, "else")
    doc.add_paragraph(absent)
    tag(doc, "endif")


# --- shared parts ------------------------------------------------------------------------

PROGRAM_COLUMNS: list[Column] = [
    ("Program", "{{ r.nama }}"),
    ("Terdaftar", "{{ r.terdaftar|angka }}"),
    ("Layak", "{{ r.layak|angka }}"),
    ("Layak dan terdaftar", "{{ r.layak_terdaftar|angka }}"),
    ("Cakupan", "{{ r.cakupan|persen }}"),
    ("Layak belum terdaftar", "{{ r.belum_terdaftar|angka }}"),
    ("Terdaftar tidak layak", "{{ r.tidak_layak|angka }}"),
]


def counted(value: str, total: str) -> str:
    """A target or reached count with its unit; "–" where the total mixes units (never summed)."""
    return f"{{{{ {value}|angka }}}}{{% if {total}.satuan %}} {{{{ {total}.satuan }}}}{{% endif %}}"


TOTAL_COLUMNS: list[Column] = [
    ("Anggaran (Rp juta)", "{{ r.anggaran|juta }}"),
    ("Realisasi (Rp juta)", "{{ r.realisasi|juta }}"),
    ("Realisasi", "{{ r.realisasi_persen|persen }}"),
    ("Sasaran", counted("r.sasaran", "r")),
    ("Tercapai", counted("r.tercapai", "r")),
]
PLAN_TOTAL = [
    "Jumlah",
    "{{ rencana.jumlah.anggaran|juta }}",
    "{{ rencana.jumlah.realisasi|juta }}",
    "{{ rencana.jumlah.realisasi_persen|persen }}",
    counted("rencana.jumlah.sasaran", "rencana.jumlah"),
    counted("rencana.jumlah.tercapai", "rencana.jumlah"),
]
MIXED_UNITS = (
    "Sasaran dan penerima manfaat tercapai dijumlahkan hanya bila satuannya sama (individu, "
    "keluarga, rumah, desa … tidak dijumlahkan bersama); tanda – berarti baris itu memuat "
    "beberapa satuan. Jumlah per satuan ada pada tabel berikut."
)
NO_DIAGNOSIS = (
    "Data registri untuk wilayah ini belum didiagnosis (jalankan padanan dan diagnosis di "
    "Sinergi lebih dulu)."
)
NO_STATS = (
    "Statistik kemiskinan dari data survei belum tersedia untuk wilayah ini (jalankan "
    "`sinergi stats` dengan data survei wilayah ini)."
)
NO_PLAN = "Rencana aksi tahun {{ tahun }} belum dicatat di Sinergi."
TO_FILL = "[Diisi sekretariat TKPK: {}.]"


def poverty_figures(doc: DocumentType) -> None:
    def body() -> None:
        doc.add_paragraph(
            "Menurut data survei {{ kemiskinan.periode }}, diukur dengan {{ kemiskinan.garis }}:"
        )
        pairs(doc, [
            ("Persentase penduduk miskin (P0)", "{{ kemiskinan.p0|persen(2) }}"),
            ("Selang kepercayaan 95%", "{{ kemiskinan.p0_bawah|persen(2) }} – "
             "{{ kemiskinan.p0_atas|persen(2) }} ({{ kemiskinan.p0_keandalan }})"),
            ("Indeks kedalaman kemiskinan (P1)", "{{ kemiskinan.p1|desimal(2) }}"),
            ("Indeks keparahan kemiskinan (P2)", "{{ kemiskinan.p2|desimal(2) }}"),
            ("Jumlah penduduk miskin (jiwa)", "{{ kemiskinan.miskin_jiwa|angka }}"),
            ("Persentase penduduk miskin ekstrem", "{{ kemiskinan.ekstrem|persen(2) }} "
             "({{ kemiskinan.ekstrem_basis }})"),
            ("Rasio Gini", "{{ kemiskinan.gini|desimal(3) }}"),
            ("Rasio Palma", "{{ kemiskinan.palma|desimal(2) }}"),
            ("Porsi pengeluaran 40% terbawah", "{{ kemiskinan.b40|persen }}"),
        ])  # fmt: skip
        doc.add_paragraph("{{ grafik_tren }}")
        doc.add_paragraph("Persentase penduduk miskin per kecamatan:")
        table(doc, "kemiskinan_kecamatan", [
            ("Kecamatan", "{{ r.nama }}"),
            ("P0 langsung (survei)", "{{ r.langsung|persen(2) }}"),
            ("P0 (estimasi)", "{{ r.p0|persen(2) }}"),
            ("Metode", "{{ r.metode }}"),
        ])  # fmt: skip
        doc.add_paragraph("{{ grafik_kecamatan }}")

    missing(doc, "kemiskinan", body, NO_STATS)


def registry_figures(doc: DocumentType) -> None:
    doc.add_paragraph(
        "Per {{ registri.per_tanggal|tanggal }}, registri terpadu Sinergi memuat "
        "{{ registri.keluarga|angka }} keluarga ({{ registri.jiwa|angka }} jiwa); "
        "{{ registri.ekstrem|angka }} keluarga ({{ registri.ekstrem_persen|persen }}) "
        "tergolong miskin ekstrem dan {{ registri.multidimensi|angka }} keluarga miskin "
        "multidimensi."
    )


def basic_services(doc: DocumentType) -> None:
    def body() -> None:
        doc.add_paragraph(
            "Keluarga dengan deprivasi pada tiap dimensi pelayanan dasar (pendidikan, "
            "kesehatan, infrastruktur dasar) menurut registri:"
        )
        table(doc, "deprivasi", [
            ("Dimensi", "{{ r.dimensi }}"),
            ("Keluarga", "{{ r.keluarga|angka }}"),
            ("Persen keluarga", "{{ r.persen|persen }}"),
        ])  # fmt: skip
        doc.add_paragraph(
            "Anak tidak sekolah: {{ registri.ats|angka }} anak. Keluarga di rumah tidak layak "
            "huni: {{ registri.rtlh|angka }}."
        )

    missing(doc, "registri", body, NO_DIAGNOSIS)


def social_protection(doc: DocumentType) -> None:
    def body() -> None:
        doc.add_paragraph(
            "Cakupan program terhadap keluarga yang layak menurut aturan kelayakan Sinergi "
            "(keluarga; program tanpa daftar penerima hanya menunjukkan keluarga layak):"
        )
        table(doc, "program", PROGRAM_COLUMNS)
        tag(doc, "if program_per_orang")
        note(doc, "* Program per orang ({{ program_per_orang }}): keluarga dihitung pada setiap "
             "kolom bila ada anggotanya yang termasuk, jadi Layak tidak selalu sama dengan Layak "
             "dan terdaftar ditambah Layak belum terdaftar.")  # fmt: skip
        tag(doc, "endif")
        doc.add_paragraph("{{ grafik_cakupan }}")
        doc.add_paragraph("Kelompok rentan:")
        table(doc, "rentan", [("Kelompok", "{{ r.kelompok }}"), ("Jumlah", "{{ r.jumlah|angka }}")])
        doc.add_paragraph("Komplementaritas: banyaknya program yang diterima keluarga")
        table(doc, "komplementaritas", [
            ("Kelompok", "{{ r.kelompok }}"),
            ("Keluarga", "{{ r.keluarga|angka }}"),
            ("0 program", "{{ r.program_0|angka }}"),
            ("1 program", "{{ r.program_1|angka }}"),
            ("2 program", "{{ r.program_2|angka }}"),
            ("3 program atau lebih", "{{ r.program_3|angka }}"),
        ])  # fmt: skip

    missing(doc, "registri", body, NO_DIAGNOSIS)


def pockets(doc: DocumentType) -> None:
    doc.add_paragraph("Desa kantong kemiskinan (peringkat teratas):")
    table(doc, "kantong", [
        ("Peringkat", "{{ r.peringkat }}"),
        ("Desa", "{{ r.desa }}"),
        ("Kecamatan", "{{ r.kecamatan }}"),
        ("Keluarga", "{{ r.keluarga|angka }}"),
        ("Miskin ekstrem", "{{ r.ekstrem|angka }}"),
        ("Persen", "{{ r.ekstrem_persen|persen }}"),
        ("Desil 1–4 belum dibantu", "{{ r.belum_dibantu|angka }}"),
    ])  # fmt: skip
    note(doc, "Jumlah 1 sampai {{ ambang_samaran - 1 }} keluarga di satu desa ditulis – agar "
         "keluarganya tidak dapat dikenali, sama seperti pada ekspor XLSX Sinergi.")  # fmt: skip


def findings(doc: DocumentType) -> None:
    doc.add_paragraph("Temuan utama dari data:")
    bullets(doc, "temuan", "{{ item }}")


def strategies(doc: DocumentType) -> None:
    def body() -> None:
        doc.add_paragraph("Anggaran menurut strategi Inpres 8/2025:")
        table(doc, "rencana.strategi", [("Strategi", "{{ r.nama }}"), *TOTAL_COLUMNS], PLAN_TOTAL)
        doc.add_paragraph("Anggaran menurut strategi Perpres 15/2010:")
        table(doc, "rencana.strategi_perpres",
              [("Strategi", "{{ r.nama }}"), *TOTAL_COLUMNS], PLAN_TOTAL)  # fmt: skip
        per_unit(doc)
        doc.add_paragraph("{{ grafik_anggaran }}")

    missing(doc, "rencana", body, NO_PLAN)


def per_unit(doc: DocumentType) -> None:
    note(doc, MIXED_UNITS)
    doc.add_paragraph("Penerima manfaat tercapai terhadap sasaran, per satuan:")
    table(doc, "rencana.satuan", [
        ("Satuan", "{{ r.nama }}"),
        ("Baris", "{{ r.baris|angka }}"),
        ("Sasaran", "{{ r.sasaran|angka }}"),
        ("Tercapai", "{{ r.tercapai|angka }}"),
        ("Tercapai (%)", "{{ r.tercapai_persen|persen }}"),
    ])  # fmt: skip


def by_opd(doc: DocumentType) -> None:
    def body() -> None:
        doc.add_paragraph("Anggaran dan realisasi menurut perangkat daerah:")
        table(doc, "rencana.opd", [("Perangkat daerah", "{{ r.nama }}"), *TOTAL_COLUMNS],
              PLAN_TOTAL)  # fmt: skip

    missing(doc, "rencana", body, NO_PLAN)


def action_matrix(doc: DocumentType) -> None:
    def body() -> None:
        doc.add_paragraph(
            "Versi rencana: {{ rencana.versi }}{% if rencana.dikunci %} (dikunci){% else %} "
            "(draf, belum dikunci){% endif %}."
        )
        tag(doc, "for g in rencana.matriks")
        doc.add_paragraph("Strategi: {{ g.strategi }}", style="Heading 3")
        table(doc, "g.baris", [
            ("No", "{{ r.no }}"),
            ("Perangkat daerah", "{{ r.opd }}"),
            ("Kode", "{{ r.kode }}"),
            ("Program / kegiatan / sub kegiatan",
             "{{ r.program }} / {{ r.kegiatan }} / {{ r.sub_kegiatan }}"),
            ("Lokasi", "{{ r.lokasi }}"),
            ("Sasaran", "{{ r.sasaran|angka }} {{ r.satuan }}"),
            ("Anggaran (Rp)", "{{ r.anggaran|rupiah }}"),
            ("Sumber", "{{ r.sumber }}"),
            ("Realisasi (Rp)", "{{ r.realisasi|rupiah }}"),
            ("Tercapai", "{{ r.tercapai|angka }}"),
        ], [
            "", "Jumlah strategi", "", "", "", counted("g.jumlah.sasaran", "g.jumlah"),
            "{{ g.jumlah.anggaran|rupiah }}", "", "{{ g.jumlah.realisasi|rupiah }}",
            counted("g.jumlah.tercapai", "g.jumlah"),
        ])  # fmt: skip
        tag(doc, "endfor")
        note(doc, MIXED_UNITS.removesuffix(" Jumlah per satuan ada pada tabel berikut."))

    missing(doc, "rencana", body, NO_PLAN)


def targets(doc: DocumentType) -> None:
    table(doc, "target", [
        ("Indikator", "{{ r.indikator }}"),
        ("Awal", "{{ r.awal }}"),
        ("Capaian terakhir", "{{ r.capaian }}{% if r.periode %} ({{ r.periode }}){% endif %}"),
        ("Target", "{{ r.target }}{% if r.contoh %} – contoh, bukan target resmi{% endif %}"),
        ("Sumber target", "{{ r.sumber or '–' }}"),
        ("Selisih", "{{ r.selisih }}"),
        ("Status", "{{ r.status }} ({{ r.lampu }})"),
    ])  # fmt: skip


def meeting_facts(doc: DocumentType) -> None:
    pairs(doc, [
        ("Rapat", "{{ rakor.judul }}"),
        ("Hari, tanggal", "{{ rakor.tanggal|hari }}, {{ rakor.tanggal|tanggal }}"),
        ("Pukul", "{{ rakor.pukul }} waktu setempat"),
        ("Tempat", "{{ rakor.tempat }}{% if rakor.daring %} / daring: {{ rakor.daring }}"
         "{% endif %}"),
    ])  # fmt: skip


def signature(doc: DocumentType, *lines: str) -> None:
    for text in lines:
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


# --- the documents -----------------------------------------------------------------------


def rpkd() -> DocumentType:
    doc = new()
    title(doc, "RENCANA PENANGGULANGAN KEMISKINAN DAERAH (RPKD)", "{{ wilayah.nama|upper }}",
          "TAHUN {{ periode }}")  # fmt: skip
    note(doc, "Draf dari data Sinergi, {{ tanggal|tanggal }}. Susunan bab mengikuti pemetaan bab "
         "RPKD pada wiki SEPAKAT (Bappenas); Bab I dan VII adalah usulan Sinergi. Cocokkan dengan "
         "Lampiran Permendagri 53/2020 sebelum ditetapkan. Teks dalam [kurung siku] diisi "
         "sekretariat.")  # fmt: skip
    doc.add_heading("BAB I PENDAHULUAN", 1)
    doc.add_heading("1.1 Latar Belakang", 2)
    doc.add_paragraph(
        "Penanggulangan kemiskinan di {{ wilayah.nama }} dikoordinasikan oleh Tim Koordinasi "
        "Penanggulangan Kemiskinan (TKPK). RPKD tahun {{ periode }} menjadi acuan perangkat "
        "daerah dalam menyusun program dan kegiatan penanggulangan kemiskinan."
    )
    doc.add_paragraph(TO_FILL.format("keterkaitan dengan RPJMD dan kebijakan daerah"))
    doc.add_heading("1.2 Dasar Hukum", 2)
    for text in (
        "Peraturan Presiden Nomor 15 Tahun 2010 tentang Percepatan Penanggulangan Kemiskinan;",
        "Peraturan Menteri Dalam Negeri Nomor 53 Tahun 2020 tentang Tata Kerja dan Penyelarasan "
        "Kerja serta Pembinaan Kelembagaan dan Sumber Daya Manusia Tim Koordinasi "
        "Penanggulangan Kemiskinan Provinsi dan Kabupaten/Kota;",
        "Instruksi Presiden Nomor 8 Tahun 2025 tentang Optimalisasi Pelaksanaan Pengentasan "
        "Kemiskinan dan Penghapusan Kemiskinan Ekstrem;",
        TO_FILL.format("peraturan daerah dan peraturan kepala daerah yang terkait"),
    ):
        doc.add_paragraph(text, style="List Number")
    doc.add_heading("1.3 Maksud dan Tujuan", 2)
    doc.add_paragraph(TO_FILL.format("maksud dan tujuan penyusunan RPKD"))
    doc.add_heading("BAB II KONDISI UMUM DAERAH", 1)
    doc.add_paragraph(
        "{{ wilayah.nama }} ({{ wilayah.provinsi }}) terdiri atas {{ wilayah.kecamatan|angka }} "
        "kecamatan dan {{ wilayah.desa|angka }} desa/kelurahan."
    )
    missing(doc, "registri", lambda: registry_figures(doc), NO_DIAGNOSIS)
    doc.add_paragraph(TO_FILL.format("kondisi geografis, demografis dan ekonomi secara analitis"))
    doc.add_heading("BAB III PROFIL KEMISKINAN DAERAH", 1)
    doc.add_heading("3.1 Kemiskinan dan Ketimpangan", 2)
    poverty_figures(doc)
    doc.add_heading("3.2 Pelayanan Dasar", 2)
    basic_services(doc)
    doc.add_heading("3.3 Perlindungan Sosial", 2)
    social_protection(doc)
    doc.add_heading("3.4 Pengembangan Ekonomi", 2)
    doc.add_paragraph(TO_FILL.format("usaha mikro, lapangan kerja dan pendapatan keluarga miskin"))
    doc.add_heading("3.5 Permasalahan dan Isu Strategis", 2)
    findings(doc)
    missing(doc, "registri", lambda: pockets(doc), NO_DIAGNOSIS)
    doc.add_heading("BAB IV STRATEGI DAN PROGRAM PRIORITAS", 1)
    doc.add_paragraph(
        "Strategi mengikuti Inpres 8/2025 (mengurangi beban pengeluaran, meningkatkan "
        "pendapatan, menurunkan kantong kemiskinan) dan Perpres 15/2010. Program prioritas "
        "tahun pertama menurut rencana aksi tahun {{ tahun }}:"
    )
    strategies(doc)
    doc.add_heading("BAB V PROGRAM, KEGIATAN DAN SASARAN", 1)
    doc.add_paragraph("Program, kegiatan, sasaran penerima dan lokasi tahun {{ tahun }}:")
    action_matrix(doc)
    doc.add_paragraph("Target indikator:")
    targets(doc)
    doc.add_heading("BAB VI PEMANTAUAN DAN EVALUASI", 1)
    doc.add_paragraph(
        "Pemantauan memakai kartu skor capaian Sinergi (indikator, target dan capaian di atas), "
        "realisasi rencana aksi per semester, dan sedikitnya tiga rapat koordinasi TKPK setiap "
        "tahun dengan keputusan dan tindak lanjut yang dicatat."
    )
    doc.add_paragraph(TO_FILL.format("mekanisme evaluasi dan pelaporan"))
    doc.add_heading("BAB VII PENUTUP", 1)
    doc.add_paragraph(TO_FILL.format("penutup"))
    return doc


def rat() -> DocumentType:
    doc = new(landscape=True)
    title(doc, "RENCANA AKSI TAHUNAN (RAT) PENANGGULANGAN KEMISKINAN",
          "{{ wilayah.nama|upper }}", "TAHUN {{ tahun }}")  # fmt: skip
    note(doc, "Draf dari data Sinergi, {{ tanggal|tanggal }}. Matriks mengikuti susunan 21 "
         "kolom yang dipakai daerah (lampiran XLSX *_matriks.xlsx); susunan dokumen ini usulan "
         "Sinergi.")  # fmt: skip
    doc.add_heading("I. Ringkasan Anggaran", 1)
    strategies(doc)
    by_opd(doc)
    doc.add_heading("II. Matriks Rencana Aksi", 1)
    action_matrix(doc)
    doc.add_heading("III. Target Indikator", 1)
    targets(doc)
    return doc


def lp2kd() -> DocumentType:
    doc = new()
    title(doc, "LAPORAN PELAKSANAAN PENANGGULANGAN KEMISKINAN DAERAH",
          "{{ wilayah.nama|upper }}", "TAHUN {{ tahun }}")  # fmt: skip
    note(doc, "Draf dari data Sinergi, {{ tanggal|tanggal }}. Kerangka laporan resmi tidak "
         "ditemukan; susunan ini usulan Sinergi untuk divalidasi sekretariat. Teks dalam [kurung "
         "siku] diisi sekretariat.")  # fmt: skip
    doc.add_heading("BAB I PENDAHULUAN", 1)
    doc.add_paragraph(
        "Laporan ini menyajikan pelaksanaan penanggulangan kemiskinan di {{ wilayah.nama }} "
        "tahun {{ tahun }}: kondisi kemiskinan, kebijakan dan program, capaian, permasalahan dan "
        "tindak lanjut, serta rapat koordinasi TKPK."
    )
    doc.add_heading("BAB II KONDISI DAN PERKEMBANGAN KEMISKINAN", 1)
    poverty_figures(doc)
    missing(doc, "registri", lambda: registry_figures(doc), NO_DIAGNOSIS)
    doc.add_paragraph("Capaian terhadap target:")
    targets(doc)
    doc.add_heading("BAB III KEBIJAKAN DAN PROGRAM", 1)
    strategies(doc)
    by_opd(doc)
    doc.add_heading("BAB IV CAPAIAN", 1)
    doc.add_heading("4.1 Penerima Manfaat", 2)
    social_protection(doc)
    tag(doc, "if lampiran_nama")
    doc.add_paragraph(
        "Daftar keluarga penerima menurut nama dan alamat ada pada berkas terpisah "
        "*_nama_alamat.xlsx. Berkas itu memuat data pribadi: simpan dan bagikan hanya sesuai "
        "UU 27/2022 tentang Pelindungan Data Pribadi."
    )
    tag(doc, "else")
    doc.add_paragraph(
        "Daftar penerima menurut nama dan alamat tidak dilampirkan; peran yang berwenang "
        "dapat membuatnya dari halaman Dokumen situs Sinergi."
    )
    tag(doc, "endif")
    doc.add_heading("4.2 Ketepatan Penyaluran", 2)
    doc.add_paragraph("Tepat jumlah dan tepat waktu per program yang punya aturan penyaluran:")
    table(doc, "penyaluran", [
        ("Program", "{{ r.program }}"),
        ("Pembayaran", "{{ r.pembayaran|angka }}"),
        ("Tepat jumlah", "{{ r.tepat_jumlah|persen }}"),
        ("Tepat waktu", "{{ r.tepat_waktu|persen }}"),
        ("Pembayaran terlewat", "{{ r.terlewat|angka }}"),
        ("Dibayar (Rp)", "{{ r.dibayar|rupiah }}"),
        ("Hak (Rp)", "{{ r.hak|rupiah }}"),
    ])  # fmt: skip
    note(doc, "Tanda – berarti tidak diketahui: hak atau jumlah yang dibayar sebagian penerima "
         "tidak tercatat, jadi jumlahnya dan ketepatan jumlah tidak dihitung.")  # fmt: skip
    doc.add_heading("BAB V PERMASALAHAN DAN TINDAK LANJUT", 1)
    findings(doc)
    missing(doc, "registri", lambda: pockets(doc), NO_DIAGNOSIS)
    doc.add_paragraph(
        "Tindak lanjut keputusan rakor tahun {{ tahun }}: {{ tindak_lanjut.jumlah|angka }} "
        "tindakan, {{ tindak_lanjut.selesai|angka }} selesai, {{ tindak_lanjut.terlambat|angka }} "
        "melewati tenggat."
    )
    doc.add_paragraph(TO_FILL.format("permasalahan pelaksanaan dan rencana tindak lanjut"))
    doc.add_heading("BAB VI RAPAT KOORDINASI TKPK", 1)
    doc.add_paragraph(
        "Rakor terlaksana tahun {{ tahun }}: {{ rakor|length }} dari sedikitnya "
        "{{ rakor_minimum }} rakor (Permendagri 53/2020); {{ rakor_direncanakan }} lagi "
        "direncanakan."
    )
    table(doc, "rakor", [
        ("Ke", "{{ r.ke }}"),
        ("Tanggal", "{{ r.tanggal|tanggal }}"),
        ("Rapat", "{{ r.judul }}"),
        ("Hadir", "{{ r.hadir|angka }} dari {{ r.undangan|length }}"),
        ("Keputusan", "{{ r.keputusan|length }}"),
    ])  # fmt: skip
    tag(doc, "for m in rakor")
    doc.add_paragraph("Keputusan rakor ke-{{ m.ke }} ({{ m.tanggal|tanggal }}):", style="Heading 3")
    tag(doc, "for k in m.keputusan")
    doc.add_paragraph("{{ k.nomor }}. {{ k.isi }}")
    tag(doc, "endfor")
    tag(doc, "endfor")
    doc.add_heading("BAB VII PENUTUP", 1)
    doc.add_paragraph(TO_FILL.format("penutup"))
    doc.add_heading("LAMPIRAN", 1)
    doc.add_paragraph(
        "Tabel-tabel laporan ini dan matriks rencana aksi dengan realisasinya ada pada "
        "lampiran XLSX (berkas *_lampiran.xlsx)."
    )
    return doc


def invitation() -> DocumentType:
    doc = new()
    doc.add_paragraph(TO_FILL.format("kop surat"))
    pairs(
        doc, [("Nomor", TO_FILL.format("nomor surat")), ("Perihal", "Undangan {{ rakor.judul }}")]
    )
    doc.add_paragraph("Kepada Yth. Bapak/Ibu sebagaimana daftar terlampir\ndi tempat")
    doc.add_paragraph(
        "Dengan hormat, dalam rangka koordinasi penanggulangan kemiskinan di {{ wilayah.nama }}, "
        "kami mengundang Bapak/Ibu untuk menghadiri rapat koordinasi TKPK pada:"
    )
    meeting_facts(doc)
    doc.add_paragraph("Dengan agenda:")
    bullets(doc, "rakor.agenda", "{{ item }}", "List Number")
    doc.add_paragraph(
        "Mengingat pentingnya rapat ini, kehadiran Bapak/Ibu sangat kami harapkan. Atas "
        "perhatiannya kami ucapkan terima kasih."
    )
    signature(doc, "Ketua TKPK {{ wilayah.nama }}", "", "", TO_FILL.format("nama dan tanda tangan"))
    doc.add_heading("Daftar undangan", 2)
    table(doc, "rakor.undangan", [("No", "{{ r.no }}"), ("Nama", "{{ r.nama }}"),
                                  ("Instansi/jabatan", "{{ r.instansi }}")])  # fmt: skip
    return doc


def attendance() -> DocumentType:
    doc = new()
    title(doc, "DAFTAR HADIR", "{{ rakor.judul|upper }}")
    meeting_facts(doc)
    table(doc, "rakor.undangan", [
        ("No", "{{ r.no }}"),
        ("Nama", "{{ r.nama }}"),
        ("Instansi/jabatan", "{{ r.instansi }}"),
        ("Kehadiran", "{{ r.hadir }}"),
        ("Tanda tangan", ""),
    ])  # fmt: skip
    return doc


def minutes() -> DocumentType:
    doc = new()
    title(doc, "NOTULEN", "{{ rakor.judul|upper }}")
    note(doc, "Susunan notulen ini usulan Sinergi; sesuaikan dengan tata naskah dinas daerah.")
    meeting_facts(doc)
    doc.add_paragraph(
        "Peserta hadir: {{ rakor.hadir|angka }} dari {{ rakor.undangan|length }} undangan "
        "(daftar hadir terlampir). Status rapat: {{ rakor.status }}."
    )
    doc.add_heading("Agenda", 2)
    bullets(doc, "rakor.agenda", "{{ item }}", "List Number")
    doc.add_heading("Jalannya rapat", 2)
    missing(doc, "rakor.notulen", lambda: bullets(doc, "rakor.notulen", "{{ item }}"),
            TO_FILL.format("ringkasan pembahasan"))  # fmt: skip
    doc.add_heading("Keputusan dan tindak lanjut", 2)
    doc.add_paragraph(
        "Status tindak lanjut adalah keadaan per {{ rakor.keadaan_per|tanggal }} (tanggal "
        "dokumen ini dibuat), bukan keadaan pada hari rapat."
    )
    tag(doc, "for k in rakor.keputusan")
    doc.add_paragraph("Keputusan {{ k.nomor }}: {{ k.isi }}", style="Heading 3")
    table(doc, "k.tindak_lanjut", [
        ("Tindak lanjut", "{{ r.tindakan }}"),
        ("Penanggung jawab", "{{ r.opd }}"),
        ("Tenggat", "{{ r.tenggat|tanggal }}"),
        ("Status per {{ rakor.keadaan_per|tanggal }}",
         "{{ r.status }}{% if r.terlambat %} (melewati tenggat){% endif %}"),
    ])  # fmt: skip
    tag(doc, "endfor")
    signature(doc, "{{ wilayah.nama }}, {{ rakor.tanggal|tanggal }}", "Notulis,", "", "",
              TO_FILL.format("nama dan tanda tangan"))  # fmt: skip
    return doc


TEMPLATES: dict[str, Callable[[], DocumentType]] = {
    "rpkd": rpkd,
    "rat": rat,
    "lp2kd": lp2kd,
    "undangan_rakor": invitation,
    "daftar_hadir_rakor": attendance,
    "notulen_rakor": minutes,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        build().save(str(out / f"{name}.docx"))
        sys.stdout.write(f"{out / name}.docx\n")


if __name__ == "__main__":
    main()
