"""Code lists of the Regsosek 2022 questionnaire and the P3KE labels, with welfare-linked draws.

Codes are facts of the REGSOSEK2022.K form as listed in DOMAIN.md 2.4; the P3KE
labels are the vocabularies seen in public P3KE extracts (DOMAIN.md 2.3). Each
household characteristic is an ordered list of categories, worst first, with
the category probabilities of the poorest and the richest households; a
household at welfare rank ``r`` (0 poorest, 1 richest) draws from the mix
``(1 - r) * poorest + r * richest``. The end points are plausible shapes for
rural eastern Indonesia, not estimates: they make housing, water, sanitation,
lighting, fuel and assets correlate with welfare as in SUSENAS, which is what
later targeting and deprivation figures need.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Characteristic:
    """One household characteristic: Regsosek codes (worst first) and its two end mixes.

    Examples:
        >>> floor = HOUSING["lantai"]
        >>> floor.codes[0], floor.labels[0]
        (8, 'Tanah')
    """

    item: str
    codes: tuple[int, ...]
    labels: tuple[str, ...]
    poorest: tuple[float, ...]
    richest: tuple[float, ...]

    def draw(self, rng: np.random.Generator, rank: np.ndarray) -> np.ndarray:
        """Draw one code per household from the mix at each welfare rank."""
        poorest = np.asarray(self.poorest) / sum(self.poorest)
        richest = np.asarray(self.richest) / sum(self.richest)
        mix = (1.0 - rank)[:, None] * poorest + rank[:, None] * richest
        cumulative = np.cumsum(mix, axis=1)
        u = rng.random(len(rank))[:, None] * cumulative[:, -1:]
        index = (u > cumulative).sum(axis=1)
        return np.asarray(self.codes)[np.minimum(index, len(self.codes) - 1)]

    def label(self, codes: np.ndarray) -> np.ndarray:
        """The P3KE-style text label of each code."""
        lookup = dict(zip(self.codes, self.labels, strict=True))
        return np.array([lookup[int(c)] for c in codes], dtype=object)


HOUSING: dict[str, Characteristic] = {
    # 301a status bangunan
    "status_rumah": Characteristic(
        "301a",
        (6, 3, 2, 5, 4, 1),
        (
            "Menumpang",
            "Bebas Sewa",
            "Kontrak/Sewa",
            "Lainnya",
            "Dinas",
            "Milik Sendiri",
        ),
        (0.10, 0.08, 0.04, 0.02, 0.0, 0.76),
        (0.02, 0.02, 0.08, 0.01, 0.02, 0.85),
    ),
    # 303 jenis lantai terluas
    "lantai": Characteristic(
        "303",
        (8, 7, 5, 6, 4, 2, 1),
        (
            "Tanah",
            "Bambu",
            "Kayu/Papan",
            "Semen",
            "Ubin/Tegel/Teraso",
            "Keramik",
            "Marmer/Granit",
        ),
        (0.22, 0.05, 0.22, 0.38, 0.05, 0.08, 0.0),
        (0.0, 0.0, 0.03, 0.17, 0.05, 0.70, 0.05),
    ),
    # 304 jenis dinding terluas
    "dinding": Characteristic(
        "304",
        (6, 4, 5, 3, 2, 1),
        (
            "Bambu",
            "Anyaman Bambu",
            "Batang Kayu",
            "Kayu/Papan",
            "Plesteran Anyaman Bambu/Kawat",
            "Tembok",
        ),
        (0.12, 0.18, 0.05, 0.30, 0.05, 0.30),
        (0.0, 0.01, 0.0, 0.06, 0.01, 0.92),
    ),
    # 305 jenis atap terluas
    "atap": Characteristic(
        "305",
        (7, 6, 5, 4, 3, 2, 1),
        (
            "Jerami/Ijuk/Daun/Rumbia",
            "Bambu",
            "Kayu/Sirap",
            "Asbes",
            "Seng",
            "Genteng",
            "Beton",
        ),
        (0.08, 0.02, 0.02, 0.03, 0.70, 0.15, 0.0),
        (0.0, 0.0, 0.0, 0.05, 0.55, 0.35, 0.05),
    ),
    # 306a sumber air minum utama
    "air_minum": Characteristic(
        "306a",
        (9, 8, 6, 10, 7, 5, 4, 13, 3, 12, 2, 1),
        (
            "Air Permukaan (Sungai, Danau, dll)",
            "Mata Air Tidak Terlindung",
            "Sumur Tidak Terlindung",
            "Air Hujan",
            "Mata Air Terlindung",
            "Sumur Terlindung",
            "Sumur Bor",
            "PAMDES/PAMSIMAS",
            "Leding",
            "PDAM",
            "Air Isi Ulang",
            "Air Kemasan",
        ),
        (0.08, 0.07, 0.14, 0.02, 0.14, 0.22, 0.10, 0.10, 0.04, 0.02, 0.07, 0.0),
        (0.0, 0.0, 0.01, 0.0, 0.03, 0.08, 0.12, 0.06, 0.08, 0.22, 0.32, 0.08),
    ),
    # 307a sumber penerangan utama
    "penerangan": Characteristic(
        "307a",
        (4, 3, 2, 1),
        ("Bukan Listrik", "Listrik Non-PLN", "Listrik PLN Tanpa Meteran", "Listrik PLN Meteran"),
        (0.04, 0.04, 0.22, 0.70),
        (0.0, 0.0, 0.02, 0.98),
    ),
    # 308 bahan bakar utama memasak
    "bahan_bakar": Characteristic(
        "308",
        (10, 9, 7, 4, 3, 1),
        ("Kayu Bakar", "Arang", "Minyak Tanah", "Elpiji 3 kg", "Elpiji 12 kg", "Listrik"),
        (0.55, 0.02, 0.03, 0.40, 0.0, 0.0),
        (0.03, 0.0, 0.0, 0.72, 0.20, 0.05),
    ),
    # 309a fasilitas buang air besar
    "fasilitas_bab": Characteristic(
        "309a",
        (6, 5, 4, 3, 2, 1),
        (
            "Tidak Ada",
            "Ada, Tidak Digunakan",
            "MCK Umum",
            "MCK Komunal",
            "Bersama Rumah Tangga Tertentu",
            "Milik Sendiri",
        ),
        (0.22, 0.02, 0.06, 0.05, 0.15, 0.50),
        (0.0, 0.0, 0.0, 0.01, 0.03, 0.96),
    ),
    # 310 tempat pembuangan akhir tinja
    "pembuangan_tinja": Characteristic(
        "310",
        (5, 3, 4, 2, 1),
        (
            "Pantai/Tanah Lapang/Kebun",
            "Kolam/Sawah/Sungai/Danau/Laut",
            "Lubang Tanah",
            "IPAL",
            "Tangki Septik",
        ),
        (0.20, 0.15, 0.30, 0.02, 0.33),
        (0.0, 0.01, 0.04, 0.05, 0.90),
    ),
}

# Assets of Blok V (DTSEN counts them; here present/absent), with the probability of
# owning one for the poorest and the richest household.
ASSETS: dict[str, tuple[float, float]] = {
    "aset_tabung_gas": (0.05, 0.60),
    "aset_lemari_es": (0.08, 0.85),
    "aset_televisi": (0.45, 0.97),
    "aset_sepeda_motor": (0.45, 0.95),
    "aset_mobil": (0.0, 0.35),
    "aset_smartphone": (0.45, 0.99),
    "aset_emas": (0.03, 0.45),
    "aset_ternak": (0.30, 0.25),
    "aset_perahu": (0.04, 0.03),
}

RELATIONSHIP = {1: "Kepala Keluarga", 2: "Istri/Suami", 3: "Anak", 4: "Menantu", 5: "Cucu"}
RELATIONSHIP |= {6: "Orang Tua/Mertua", 8: "Lainnya"}

MARITAL = {1: "Belum Kawin", 2: "Kawin", 3: "Cerai Hidup", 4: "Cerai Mati"}

# 412 partisipasi sekolah
SCHOOL = {1: "Tidak/Belum Pernah Sekolah", 2: "Masih Sekolah", 3: "Tidak Sekolah Lagi"}

# Highest completed level, as P3KE labels it.
EDUCATION = {
    0: "Tidak/Belum Sekolah",
    1: "Belum Tamat SD/Sederajat",
    2: "Tamat SD/Sederajat",
    3: "Tamat SLTP/Sederajat",
    4: "Tamat SLTA/Sederajat",
    5: "Tamat PT/Akademi",
}

# Main occupation of persons aged 15+, and whether it is informal work (BPJS-TK BPU target).
OCCUPATIONS: tuple[tuple[str, bool, float, float], ...] = (
    # label, informal, share among the poorest, share among the richest
    ("Tidak Bekerja", False, 0.30, 0.28),
    ("Petani/Pekebun", True, 0.30, 0.12),
    ("Buruh Tani/Buruh Harian Lepas", True, 0.18, 0.02),
    ("Nelayan", True, 0.05, 0.02),
    ("Peternak", True, 0.03, 0.02),
    ("Pedagang", True, 0.06, 0.14),
    ("Sopir/Ojek", True, 0.03, 0.04),
    ("Karyawan Swasta", False, 0.03, 0.14),
    ("Wiraswasta", True, 0.02, 0.10),
    ("PNS/TNI/Polri", False, 0.0, 0.10),
    ("Guru/Tenaga Honorer", False, 0.0, 0.02),
)

# Washington Group style functional difficulty: 1 no difficulty .. 4 cannot do at all.
DISABILITY_LEVELS = {
    1: "Tidak Kesulitan",
    2: "Sedikit Kesulitan",
    3: "Banyak Kesulitan",
    4: "Tidak Bisa Sama Sekali",
}

# 404 keberadaan anggota keluarga
PRESENCE = {1: "Tinggal Bersama", 4: "Pindah ke Luar Negeri"}
