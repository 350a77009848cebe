"""Table contracts: the columns, types and meaning of every table Sinergi keeps in its lake.

A *contract* is what a snapshot of one kind of record looks like once imported,
whatever the layout of the file it came from: a mapping profile maps a file's
headers onto a contract, validation turns each text cell into the field's type,
and the snapshot is written with exactly the contract's Arrow schema (plus the
bookkeeping columns `ROW` and `ISSUES`). `docs/contracts.md` is the user's copy
of this module; a test keeps the two in step.

Field kinds and what validation makes of them:

``text``      trimmed text; empty becomes null
``nik``       16-digit NIK (see `sinergi.domain.identity`)
``kk``        16-digit family card number
``area``      a dotted Kemendagri code (district ``52.05.01`` or village
              ``52.05.01.2001``), from a code or resolved from names
``date``      a calendar date (Excel serials and Indonesian formats accepted)
``integer``   a whole number (``1.250.000`` is one million two hundred fifty thousand)
``number``    a decimal number (``12,5``)
``flag``      yes/no (``YA``/``TIDAK``, ``1``/``0``, ``Ya``/``Tidak``)
``code``      one of the field's listed codes, after its aliases are applied

Examples:
    >>> CONTRACTS["person"].field("nik").kind
    'nik'
    >>> sorted(CONTRACTS)[:3]
    ['household', 'person', 'poverty_line']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pyarrow as pa

Kind = Literal["text", "nik", "kk", "area", "date", "integer", "number", "flag", "code"]

ROW = "_row"  # the row number of the record in its file, as a person counts rows there
SHEET = "_sheet"  # the sheet of a workbook the row came from (null for text files)
ISSUES = "_issues"  # the warnings of the row: field, reason code and the original text

_ARROW: dict[str, pa.DataType] = {
    "text": pa.string(),
    "nik": pa.string(),
    "kk": pa.string(),
    "area": pa.string(),
    "date": pa.date32(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "flag": pa.bool_(),
    "code": pa.string(),
}
ISSUE_TYPE = pa.list_(
    pa.struct([("field", pa.string()), ("code", pa.string()), ("text", pa.string())])
)


@dataclass(frozen=True)
class Field:
    """One column of a contract.

    ``codes`` maps each allowed code to the aliases that mean it (compared
    case-insensitively); a profile can add aliases of its own. ``low``/``high``
    bound an integer or number field.
    """

    name: str
    kind: Kind
    meaning: str  # Bahasa Indonesia, for users
    meaning_en: str
    required: bool = False
    codes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    low: float | None = None
    high: float | None = None

    @property
    def arrow_type(self) -> pa.DataType:
        return _ARROW[self.kind]


@dataclass(frozen=True)
class Contract:
    """The fields of one table and the rule that says a row stands for a record at all.

    A row is kept when, after validation, at least one field of each group in
    ``identifies`` has a value; otherwise it goes to quarantine
    (``required`` fields are such one-field groups).
    """

    name: str
    title: str  # Bahasa Indonesia
    title_en: str
    fields: tuple[Field, ...]
    identifies: tuple[tuple[str, ...], ...] = ()

    def field(self, name: str) -> Field:
        for candidate in self.fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.name} has no field {name!r}")

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def must_have(self) -> tuple[tuple[str, ...], ...]:
        """Groups of fields of which at least one must hold a value (required fields included)."""
        return tuple((f.name,) for f in self.fields if f.required) + self.identifies

    def schema(self) -> pa.Schema:
        """The Arrow schema of a snapshot of this contract."""
        columns = [pa.field(f.name, f.arrow_type) for f in self.fields]
        columns += [
            pa.field(ROW, pa.int64(), nullable=False),
            pa.field(SHEET, pa.string()),
            pa.field(ISSUES, ISSUE_TYPE),
        ]
        return pa.schema(columns)


SEX = {
    "L": ("L", "LAKI-LAKI", "LAKI LAKI", "LAKI", "PRIA", "1"),
    "P": ("P", "PEREMPUAN", "WANITA", "2"),
}
# Regsosek 2022 item 409 (DOMAIN.md 2.4); the numbers are the canonical codes.
RELATIONSHIP = {
    "1": ("KEPALA KELUARGA", "KEPALA RUMAH TANGGA", "KK", "KRT", "KEPALA"),
    "2": ("ISTRI/SUAMI", "ISTRI", "SUAMI", "SUAMI/ISTRI", "PASANGAN"),
    "3": ("ANAK", "ANAK KANDUNG", "ANAK TIRI", "ANAK ANGKAT", "ANAK TIRI/ANGKAT"),
    "4": ("MENANTU",),
    "5": ("CUCU",),
    "6": ("ORANG TUA/MERTUA", "ORANG TUA", "MERTUA", "ORANGTUA", "FAMILI LAIN/ORANG TUA"),
    "7": ("PEMBANTU/SOPIR", "PEMBANTU", "SOPIR", "PEMBANTU RUMAH TANGGA"),
    "8": ("LAINNYA", "FAMILI LAIN", "FAMILI"),
}
# Regsosek 2022 item 408.
MARITAL = {
    "1": ("BELUM KAWIN", "TIDAK KAWIN", "LAJANG"),
    "2": ("KAWIN", "KAWIN TERCATAT", "KAWIN TIDAK TERCATAT", "MENIKAH"),
    "3": ("CERAI HIDUP", "CERAI"),
    "4": ("CERAI MATI", "JANDA/DUDA", "JANDA", "DUDA"),
}
# Regsosek 2022 item 404: 4 (moved abroad) is the migrant-worker proxy.
PRESENCE = {
    "1": ("TINGGAL BERSAMA", "TINGGAL BERSAMA KELUARGA", "ADA"),
    "2": ("MENINGGAL", "MENINGGAL DUNIA"),
    "3": ("PINDAH", "PINDAH DALAM NEGERI", "PINDAH KE DALAM NEGERI"),
    "4": ("PINDAH KE LUAR NEGERI", "LUAR NEGERI", "PMI", "TKI"),
    "5": ("ANGGOTA KELUARGA BARU", "ART BARU", "BARU"),
    "6": ("TIDAK DITEMUKAN",),
}
# Regsosek 2022 item 412: 1 and 3 mark a child out of school (ATS).
SCHOOL = {
    "1": ("TIDAK/BELUM PERNAH SEKOLAH", "TIDAK PERNAH SEKOLAH", "BELUM PERNAH SEKOLAH"),
    "2": ("MASIH SEKOLAH", "SEKOLAH"),
    "3": ("TIDAK BERSEKOLAH LAGI", "TIDAK SEKOLAH LAGI", "PUTUS SEKOLAH"),
}
# Yes/no spellings of a ``flag`` field, the one list validation and profiles both use.
FLAG = {
    "true": ("YA", "Y", "YES", "IYA", "1", "TRUE", "BENAR", "ADA"),
    "false": ("TIDAK", "T", "TDK", "NO", "N", "0", "FALSE", "TIDAK ADA", "BUKAN"),
}
URBAN = {"urban": ("PERKOTAAN", "KOTA", "1", "URBAN"), "rural": ("PERDESAAN", "DESA", "2", "RURAL")}


def _f(name: str, kind: Kind, meaning: str, meaning_en: str, **options: object) -> Field:
    return Field(name, kind, meaning, meaning_en, **options)  # type: ignore[arg-type]


_AREA = _f(
    "area_code", "area", "Kode wilayah Kemendagri (desa/kelurahan, atau kecamatan bila hanya itu "
    "yang ada); dari kode atau dari nama wilayah", "Kemendagri area code (village, or district "
    "when that is all there is), from a code or resolved from area names",
)  # fmt: skip
_AREA_NAMES = (
    _f("province_name", "text", "Nama provinsi (untuk mencari kode wilayah)", "Province name"),
    _f("regency_name", "text", "Nama kabupaten/kota", "Regency or city name"),
    _f("district_name", "text", "Nama kecamatan", "District name"),
    _f("village_name", "text", "Nama desa/kelurahan", "Village name"),
)
_PLACE = (
    _f("address", "text", "Alamat", "Address"),
    _f("dusun", "text", "Dusun/lingkungan", "Hamlet"),
    _f("rt", "text", "RT", "Neighbourhood unit (RT)"),
    _f("rw", "text", "RW", "Community unit (RW)"),
)
_DESIL = _f(
    "desil", "integer", "Desil kesejahteraan (1 = paling miskin)", "Welfare decile (1 = poorest)",
    low=1, high=10,
)  # fmt: skip
_RECEIVES = tuple(
    _f(f"receives_{key}", "flag", f"Tercatat menerima {label}", f"Recorded as receiving {label}")
    for key, label in (
        ("pkh", "PKH"), ("bpnt", "BPNT"), ("sembako", "Sembako"), ("bpum", "BPUM"), ("bst", "BST"),
    )
)  # fmt: skip
_STUNTING = _f("stunting_risk", "flag", "Keluarga berisiko stunting", "Family at risk of stunting")
_HOUSING = (
    _f("home_ownership", "text", "Status kepemilikan rumah", "Home ownership"),
    _f("floor_area", "number", "Luas lantai (m²)", "Floor area (m²)", low=0, high=100_000),
    _f("floor", "text", "Jenis lantai terluas", "Main floor material"),
    _f("wall", "text", "Jenis dinding terluas", "Main wall material"),
    _f("roof", "text", "Jenis atap terluas", "Main roof material"),
    _f("drinking_water", "text", "Sumber air minum", "Drinking water source"),
    _f("lighting", "text", "Sumber penerangan", "Lighting source"),
    _f("cooking_fuel", "text", "Bahan bakar memasak", "Cooking fuel"),
    _f("toilet", "text", "Fasilitas buang air besar", "Toilet facility"),
    _f("sewage", "text", "Pembuangan akhir tinja", "Sewage disposal"),
)
_MEMBER_COUNT = _f(
    "member_count", "integer", "Jumlah anggota keluarga", "Number of members", low=1, high=60
)

PERSON = Contract(
    "person",
    "Individu (anggota keluarga) dalam registri",
    "Person records of a registry",
    (
        _f(
            "record_id",
            "text",
            "ID individu di sumbernya (ID Individu P3KE, IDDTKS)",
            "The record's id in its source",
        ),
        _f("family_id", "text", "ID keluarga di sumbernya", "The family's id in its source"),
        _f("nik", "nik", "NIK (16 digit)", "National identity number (16 digits)"),
        _f("kk", "kk", "Nomor Kartu Keluarga (16 digit)", "Family card number (16 digits)"),
        _f("name", "text", "Nama lengkap", "Full name"),
        _f("sex", "code", "Jenis kelamin (L/P)", "Sex (L/P)", codes=SEX),
        _f("birth_date", "date", "Tanggal lahir", "Birth date"),
        _f("birth_place", "text", "Tempat lahir", "Birth place"),
        _f("mother_name", "text", "Nama ibu kandung", "Mother's name"),
        _f(
            "relationship",
            "code",
            "Hubungan dengan kepala keluarga (kode Regsosek 409)",
            "Relationship to the family head (Regsosek item 409)",
            codes=RELATIONSHIP,
        ),
        _f(
            "marital_status",
            "code",
            "Status perkawinan (kode Regsosek 408)",
            "Marital status (Regsosek item 408)",
            codes=MARITAL,
        ),
        _f(
            "presence",
            "code",
            "Keberadaan anggota keluarga (kode Regsosek 404; 4 = pindah ke luar negeri)",
            "Whether the member lives with the family (Regsosek item 404)",
            codes=PRESENCE,
        ),
        _f(
            "school_participation",
            "code",
            "Partisipasi sekolah (kode Regsosek 412)",
            "School participation (Regsosek item 412)",
            codes=SCHOOL,
        ),
        _f("education", "text", "Pendidikan tertinggi", "Highest education"),
        _f("occupation", "text", "Pekerjaan utama", "Main occupation"),
        _f("disability", "flag", "Penyandang disabilitas", "Has a disability"),
        _f("disability_type", "text", "Jenis disabilitas", "Kind of disability"),
        _f(
            "disability_level",
            "integer",
            "Tingkat kesulitan fungsional terberat (Washington Group: 1 tidak kesulitan, "
            "2 sedikit, 3 banyak, 4 tidak bisa sama sekali)",
            "Worst functional difficulty (Washington Group: 1 none .. 4 cannot do at all)",
            low=1,
            high=4,
        ),
        _f("chronic_illness", "text", "Penyakit kronis", "Chronic illness"),
        _f("pregnant", "flag", "Sedang hamil (Regsosek 410)", "Pregnant (Regsosek item 410)"),
        _f("padan_dukcapil", "flag", "NIK sudah padan dengan Dukcapil", "NIK matched by Dukcapil"),
        _f("pmks", "text", "Jenis PMKS/PPKS", "Social welfare problem category"),
        _DESIL,
        _AREA,
        *_AREA_NAMES,
        *_PLACE,
        # A person-level extract (DTSEN) repeats its family's housing on every member's row.
        *_HOUSING,
        _MEMBER_COUNT,
        *_RECEIVES,
        _STUNTING,
    ),
    identifies=(("nik", "kk", "name", "record_id"), ("area_code",)),
)

HOUSEHOLD = Contract(
    "household",
    "Keluarga dalam registri",
    "Family records of a registry",
    (
        _f(
            "family_id",
            "text",
            "ID keluarga di sumbernya (ID Keluarga P3KE)",
            "The family's id in its source",
        ),
        _f("kk", "kk", "Nomor Kartu Keluarga", "Family card number"),
        _f("head_name", "text", "Nama kepala keluarga", "Name of the family head"),
        _f("head_nik", "nik", "NIK kepala keluarga", "NIK of the family head"),
        _f(
            "head_sex", "code", "Jenis kelamin kepala keluarga", "Sex of the family head", codes=SEX
        ),
        _f(
            "head_birth_date",
            "date",
            "Tanggal lahir kepala keluarga",
            "Birth date of the family head",
        ),
        _f("head_education", "text", "Pendidikan kepala keluarga", "Education of the head"),
        _f("head_occupation", "text", "Pekerjaan kepala keluarga", "Occupation of the head"),
        _f(
            "padan_dukcapil",
            "flag",
            "NIK kepala keluarga padan Dukcapil",
            "Head's NIK matched by Dukcapil",
        ),
        _DESIL,
        _AREA,
        *_AREA_NAMES,
        *_PLACE,
        *_HOUSING,
        _MEMBER_COUNT,
        _f(
            "has_savings",
            "flag",
            "Memiliki simpanan uang/perhiasan/ternak/lainnya",
            "Has savings, jewellery, livestock or other assets",
        ),
        *_RECEIVES,
        _STUNTING,
    ),
    identifies=(("family_id", "kk", "head_nik", "head_name"), ("area_code",)),
)

PROGRAM_RECEIPT = Contract(
    "program_receipt",
    "Penerima dan penyaluran program bantuan",
    "Program beneficiaries and payments",
    (
        _f(
            "program",
            "text",
            "Kode program (pkh, sembako, pbi, pip, blt_dd, rtlh, bpjs_tk, ...)",
            "Program code",
            required=True,
        ),
        _f(
            "member_id",
            "text",
            "Nomor peserta di program (NOKA, NISN, ...)",
            "Member number in the program",
        ),
        _f("nik", "nik", "NIK penerima", "NIK of the beneficiary"),
        _f("kk", "kk", "Nomor KK penerima", "Family card number of the beneficiary"),
        _f("name", "text", "Nama penerima/pengurus", "Name of the beneficiary or carer"),
        _f("sex", "code", "Jenis kelamin", "Sex", codes=SEX),
        _f("birth_date", "date", "Tanggal lahir", "Birth date"),
        _DESIL,
        _AREA,
        *_AREA_NAMES,
        _f("address", "text", "Alamat", "Address"),
        _f(
            "component",
            "text",
            "Komponen/segmen/kriteria/jenjang bantuan",
            "Component, segment, criterion or school level",
        ),
        _f("period", "text", "Tahap/bulan/periode penyaluran", "Payment round, month or period"),
        _f("amount", "number", "Nilai bantuan (Rp)", "Amount (IDR)", low=0, high=1e12),
        _f("paid_on", "date", "Tanggal penyaluran/mulai", "Date paid or started"),
        _f("funding_source", "text", "Sumber dana", "Funding source"),
    ),
    identifies=(("nik", "kk", "name", "member_id"),),
)

SURVEY_HOUSEHOLD = Contract(
    "survey_household",
    "Rumah tangga sampel survei (gaya SUSENAS)",
    "Sample households of a SUSENAS-style survey",
    (
        _f("household_id", "text", "ID rumah tangga sampel", "Sample household id", required=True),
        _f("stratum", "text", "Strata", "Stratum", required=True),
        _f(
            "psu",
            "text",
            "PSU (blok sensus)",
            "Primary sampling unit (census block)",
            required=True,
        ),
        _f(
            "weight",
            "number",
            "Bobot (penimbang) rumah tangga",
            "Household design weight",
            required=True,
            low=0,
            high=1e7,
        ),
        _f(
            "household_size",
            "integer",
            "Jumlah anggota rumah tangga",
            "Household size",
            required=True,
            low=1,
            high=60,
        ),
        _f(
            "expenditure_per_capita",
            "number",
            "Pengeluaran per kapita sebulan (Rp)",
            "Monthly per-capita expenditure (IDR)",
            required=True,
            low=0,
            high=1e10,
        ),
        _f("urban", "code", "Klasifikasi perkotaan/perdesaan", "Urban or rural", codes=URBAN),
        _AREA,
        _f("head_sex", "code", "Jenis kelamin kepala rumah tangga", "Sex of the head", codes=SEX),
        _f("head_age", "integer", "Umur kepala rumah tangga", "Age of the head", low=0, high=130),
        _f("head_education", "text", "Pendidikan kepala rumah tangga", "Education of the head"),
        *_HOUSING[1:9],
        _f(
            "children_under_five", "integer", "Jumlah balita", "Children under five", low=0, high=30
        ),
        _f("elderly", "integer", "Jumlah lansia", "Elderly members", low=0, high=30),
    ),
)

POVERTY_LINE = Contract(
    "poverty_line",
    "Garis kemiskinan",
    "Poverty lines",
    (
        _f("line_id", "text", "ID garis", "Line id", required=True),
        _f("name", "text", "Nama garis", "Name"),
        _f(
            "basis",
            "text",
            "Dasar garis (BPS_GK, USD_2.15_PPP2017, ...); jangan dicampur",
            "Basis of the line; never mixed",
            required=True,
        ),
        _f(
            "area_code",
            "text",
            "Kode wilayah (00 = nasional)",
            "Area code (00 = national)",
            required=True,
        ),
        _f(
            "area_type",
            "code",
            "Perkotaan/perdesaan/total",
            "Urban, rural or total",
            codes=URBAN | {"total": ("TOTAL", "PERKOTAAN+PERDESAAN", "3")},
        ),
        _f(
            "value",
            "number",
            "Nilai garis (Rp/kapita/bulan)",
            "Value (IDR per capita per month)",
            required=True,
            low=0,
            high=1e9,
        ),
        _f("unit", "text", "Satuan", "Unit"),
        _f("period", "text", "Periode (YYYY-MM)", "Period (YYYY-MM)", required=True),
        _f("source", "text", "Sumber", "Source"),
    ),
)

PROGRAM_CATALOG = Contract(
    "program_catalog",
    "Katalog program OPD",
    "OPD program catalog",
    (
        _f("year", "integer", "Tahun", "Year", required=True, low=2000, high=2100),
        _f("opd", "text", "Perangkat daerah (OPD)", "Regional agency", required=True),
        _f("program_code", "text", "Kode program/kegiatan/sub-kegiatan", "Budget code"),
        _f("program", "text", "Program", "Program", required=True),
        _f("kegiatan", "text", "Kegiatan", "Activity"),
        _f("sub_kegiatan", "text", "Sub-kegiatan", "Sub-activity"),
        _f("strategy", "text", "Strategi penanggulangan kemiskinan", "Poverty strategy"),
        _f(
            "activity_type",
            "text",
            "Jenis kegiatan (langsung/tidak langsung/penunjang)",
            "Activity type",
        ),
        _f("budget", "number", "Pagu anggaran (Rp)", "Budget (IDR)", low=0, high=1e15),
        _f("funding_source", "text", "Sumber dana", "Funding source"),
        _f(
            "benefit_amount",
            "number",
            "Nilai manfaat (Rp)",
            "Benefit amount (IDR)",
            low=0,
            high=1e12,
        ),
        _f("location", "text", "Lokasi", "Location"),
        _f(
            "target_beneficiaries",
            "integer",
            "Target penerima manfaat",
            "Target beneficiaries",
            low=0,
            high=1e9,
        ),
        _f("target_unit", "text", "Satuan target", "Target unit"),
    ),
)

CONTRACTS: dict[str, Contract] = {
    c.name: c
    for c in (PERSON, HOUSEHOLD, PROGRAM_RECEIPT, SURVEY_HOUSEHOLD, POVERTY_LINE, PROGRAM_CATALOG)
}
