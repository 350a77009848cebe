"""The fields a diagnostics rule may name: the family and person facts, with type and meaning.

Facts are built by :mod:`sinergi.pipeline.diagnose.facts`; rules and settings
(:mod:`sinergi.pipeline.diagnose.rules`) are checked against this catalogue before
anything runs, so a misspelt field or a text compared with a number fails with a
message instead of a silently empty result. ``docs/diagnose.md`` lists the same
fields for users (a test keeps it in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FieldType = Literal["int", "float", "bool", "text"]


@dataclass(frozen=True)
class FactField:
    """One column of the family or person facts."""

    name: str
    type: FieldType
    meaning: str
    values: tuple[str, ...] = ()  # the allowed values of a coded text field
    # The lowest and highest a number field can be: a rule comparing it with a value outside
    # (`desil == 0`) would silently match no one, or everyone.
    bounds: tuple[int, int] | None = None


DESIL = (1, 10)  # registries rank families in ten deciles


def _f(name: str, kind: FieldType, meaning: str, values: tuple[str, ...] = ()) -> FactField:
    return FactField(name, kind, meaning, values)


HOUSING_TEXT = (  # the housing answers as registries write them (codes or labels)
    "home_ownership",
    "floor",
    "wall",
    "roof",
    "drinking_water",
    "lighting",
    "cooking_fuel",
    "toilet",
    "sewage",
)

FAMILY: tuple[FactField, ...] = (
    FactField(
        "desil", "int", "Desil kesejahteraan keluarga (1-10) dari registri terpilih", (), DESIL
    ),
    _f("extreme_poor", "bool", "Miskin ekstrem: desil 1 (praktik P3KE), bukan garis pengeluaran"),
    _f("rural", "bool", "Tinggal di desa (bukan kelurahan)"),
    _f("member_count", "int", "Jumlah anggota keluarga"),
    _f("members_present", "int", "Anggota yang tinggal bersama"),
    _f("head_female", "bool", "Kepala keluarga perempuan"),
    _f("head_age", "int", "Umur kepala keluarga"),
    _f("elderly_alone", "bool", "Lansia (umur lansia atau lebih) yang tinggal sendiri"),
    _f("n_pregnant", "int", "Anggota yang sedang hamil"),
    _f("n_age_0_6", "int", "Anak umur 0-6 yang belum SD"),
    _f("n_sd", "int", "Anak yang bersekolah di jenjang SD (umur 5-12)"),
    _f("n_smp", "int", "Anak yang bersekolah di jenjang SMP (umur 13-15)"),
    _f("n_sma", "int", "Anak yang bersekolah di jenjang SMA (umur 16-18)"),
    _f("n_elderly", "int", "Anggota lansia yang tinggal bersama"),
    _f("n_disabled", "int", "Anggota penyandang disabilitas (banyak kesulitan atau lebih)"),
    _f("n_severe_disability", "int", "Anggota dengan disabilitas berat (tidak bisa sama sekali)"),
    _f("n_chronic", "int", "Anggota dengan penyakit kronis"),
    _f("n_migrant", "int", "Anggota yang pindah ke luar negeri (pekerja migran)"),
    _f("n_ats", "int", "Anak tidak sekolah (umur sekolah, tidak/belum pernah atau tidak lagi)"),
    _f("n_informal", "int", "Anggota umur kerja dengan pekerjaan informal"),
    _f("n_no_nik", "int", "Anggota tanpa NIK yang sah"),
    _f("n_no_primary", "int", "Anggota dewasa yang tidak tamat SD"),
    _f("n_adults", "int", "Anggota dewasa (umur 15 ke atas)"),
    _f("pkh_components", "int", "Jumlah komponen PKH (paling banyak 4)"),
    _f("registered", "bool", "Tercatat di registri (DTSEN, Regsosek, P3KE atau DTKS)"),
    _f("has_kk", "bool", "Keluarga punya nomor KK yang sah"),
    _f("missing_documents", "bool", "Tanpa KK yang sah, atau ada anggota tanpa NIK yang sah"),
    _f("stunting_risk", "bool", "Keluarga berisiko stunting (P3KE)"),
    _f("no_assistance", "bool", "Tidak tercatat menerima bansos atau jamsos apa pun"),
    *(_f(name, "text", f"Isian asli: {name}") for name in HOUSING_TEXT),
    _f("floor_area", "float", "Luas lantai (m²)"),
    _f("floor_area_per_capita", "float", "Luas lantai per anggota (m²)"),
    _f("owns_house", "bool", "Rumah milik sendiri"),
    _f("floor_unfit", "bool", "Lantai tidak layak (tanah, bambu, papan rusak)"),
    _f("wall_unfit", "bool", "Dinding tidak layak (bambu, anyaman, batang kayu)"),
    _f("roof_unfit", "bool", "Atap tidak layak (jerami, daun, bambu)"),
    _f("water_unimproved", "bool", "Sumber air minum tidak layak"),
    _f("toilet_unimproved", "bool", "Tidak punya fasilitas BAB sendiri/bersama/komunal"),
    _f("toilet_none", "bool", "Tidak ada fasilitas BAB"),
    _f("sewage_unimproved", "bool", "Pembuangan tinja bukan tangki septik/IPAL"),
    _f("sewage_pit", "bool", "Tinja dibuang ke lubang tanah"),
    _f("no_electricity", "bool", "Penerangan bukan listrik"),
    _f("dirty_fuel", "bool", "Memasak dengan kayu bakar, arang atau minyak tanah"),
)

PERSON: tuple[FactField, ...] = (
    _f("age", "int", "Umur pada tanggal acuan"),
    _f("sex", "text", "Jenis kelamin", ("L", "P")),
    _f("relationship", "text", "Hubungan dengan kepala keluarga (Regsosek 409)", tuple("12345678")),
    _f("presence", "text", "Keberadaan (Regsosek 404)", tuple("123456")),
    _f("head", "bool", "Kepala keluarga"),
    _f("student", "bool", "Masih bersekolah"),
    _f("school_level", "text", "Jenjang sekolah menurut umur", ("SD", "SMP", "SMA", "")),
    _f("out_of_school", "bool", "Anak tidak sekolah (umur sekolah)"),
    _f("disability_level", "int", "Tingkat kesulitan fungsional (1-4)"),
    _f("disabled", "bool", "Penyandang disabilitas (banyak kesulitan atau lebih)"),
    _f("severe_disability", "bool", "Disabilitas berat (tidak bisa sama sekali)"),
    _f("chronic_illness", "bool", "Punya penyakit kronis"),
    _f("pregnant", "bool", "Sedang hamil"),
    _f("informal_worker", "bool", "Pekerja informal umur kerja"),
    _f("migrant_worker", "bool", "Pindah ke luar negeri (pekerja migran)"),
    _f("has_nik", "bool", "Punya NIK yang sah"),
)

FAMILY_FIELDS = {f.name: f for f in FAMILY}
PERSON_FIELDS = {f.name: f for f in PERSON}


def receipt_field(program_id: str) -> FactField:
    """The ``receives_<program>`` flag every family and person has for each program."""
    return FactField(f"receives_{program_id}", "bool", f"Tercatat menerima {program_id}")
