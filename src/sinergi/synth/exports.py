"""The registries as agencies export them: DTSEN, P3KE, DTKS, program lists and the survey.

Each source keeps its real layout (DOMAIN.md 2.2-2.5): its own column names,
codes or labels, date style, delimiter and file type, and its own family ids,
so that nothing but names, dates, places and (noisy) NIK/KK ties one source to
another. Every written row is logged in ``truth/records.parquet`` with the true
person and household behind it and the noise it received.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np

from sinergi.domain import wilayah
from sinergi.synth import noise
from sinergi.synth.codes import EDUCATION, HOUSING, MARITAL, RELATIONSHIP
from sinergi.synth.frame import Frame
from sinergi.synth.noise import NoiseRates
from sinergi.synth.population import Chunk, Columns
from sinergi.synth.sinks import CsvSink, ParquetSink, XlsxSink

# Quality of each source's identity fields relative to the configured noise rates.
# DTSEN is matched against Dukcapil by BPS, so it is cleaner; program lists are
# typed by field officers and are the noisiest.
SOURCE_NOISE = {"dtsen": 0.4, "p3ke": 1.0, "dtks": 1.0, "program": 1.2}

DTSEN_HEADER = [
    "id_keluarga", "kode_provinsi", "kode_kabupaten", "kode_kecamatan", "kode_desa",
    "nama_desa", "alamat", "no_kk", "nik", "nama", "jenis_kelamin", "tanggal_lahir",
    "status_hubungan_keluarga", "status_kawin", "keberadaan_art", "partisipasi_sekolah",
    "pendidikan_tertinggi", "pekerjaan_utama", "penyandang_disabilitas", "jenis_disabilitas",
    "tingkat_disabilitas", "penyakit_kronis", "status_hamil", "status_kepemilikan_rumah",
    "luas_lantai", "jenis_lantai",
    "jenis_dinding", "jenis_atap", "sumber_air_minum", "sumber_penerangan",
    "bahan_bakar_memasak", "fasilitas_bab", "pembuangan_tinja", "jumlah_art",
    "aset_sepeda_motor", "aset_lemari_es", "aset_mobil", "aset_smartphone", "desil_nasional",
    "periode",
]  # fmt: skip

P3KE_FAMILY_HEADER = [
    "ID Keluarga P3KE", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan",
    "Kode Kemendagri", "Desil Kesejahteraan", "Alamat", "Kepala Keluarga", "NIK",
    "Padan Dukcapil", "Jenis Kelamin", "Tanggal Lahir", "Pekerjaan", "Pendidikan",
    "Kepemilikan Rumah", "Simpanan Uang/Perhiasan/Ternak/Lainnya", "Jenis Atap",
    "Jenis Dinding", "Jenis Lantai", "Sumber Penerangan", "Bahan Bakar Memasak",
    "Sumber Air Minum", "Memiliki Fasilitas Buang Air Besar", "Penerima BPNT",
    "Penerima BPUM", "Penerima BST", "Penerima PKH", "Penerima SEMBAKO", "Resiko Stunting",
]  # fmt: skip

P3KE_PERSON_HEADER = [
    "ID Keluarga P3KE", "Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan",
    "Kode Kemendagri", "Desil Kesejahteraan", "Alamat", "ID Individu", "Nama", "NIK",
    "Padan Dukcapil", "Jenis Kelamin", "Hubungan Dengan Kepala Keluarga", "Tanggal Lahir",
    "Status Kawin", "Pekerjaan", "Pendidikan", "Usia < 7", "Usia 7-12", "Usia 13-15",
    "Usia 16-18", "Usia 19-21", "Usia 22-59", "Usia >= 60", "Penerima BPNT", "Penerima BPUM",
    "Penerima BST", "Penerima PKH", "Penerima SEMBAKO", "Resiko Stunting",
]  # fmt: skip

DTKS_HEADER = [
    "IDDTKS", "provinsi", "kabupaten_kota", "kecamatan", "desa_kelurahan", "alamat", "dusun",
    "rt", "rw", "nomor_kk", "nomor_nik", "nama", "tanggal_lahir", "tempat_lahir",
    "jenis_kelamin", "nama_ibu_kandung", "hubungan_keluarga", "tahun_data", "jenis_pmks",
]  # fmt: skip

PROGRAM_HEADERS = {
    "pkh": ["NO_KK", "NIK_PENGURUS", "NAMA_PENGURUS", "KECAMATAN", "DESA_KELURAHAN",
            "ALAMAT", "TAHAP", "NOMINAL", "TANGGAL_SALUR"],
    "sembako": ["NIK", "Nama KPM", "No KK", "Kode Wilayah", "Desa", "Periode",
                "Nilai Bantuan", "Tgl Penyaluran"],
    "pbi": ["NOKA", "NIK", "NAMA", "TGL_LAHIR", "JNS_KELAMIN", "KD_DESA", "SEGMEN", "TMT",
            "IURAN"],
    "pip": ["NISN", "NIK Siswa", "Nama Siswa", "Tanggal Lahir", "Jenjang", "Desa",
            "Nominal", "Tanggal Pencairan"],
    "blt_dd": ["no_kk", "nik", "nama", "kode_desa", "desa", "kriteria", "bulan", "jumlah",
               "tanggal_terima"],
    "rtlh": ["NIK", "NAMA PEMILIK", "NO KK", "KODE DESA", "ALAMAT", "NILAI BANTUAN",
             "TANGGAL"],
    "bpjs_tk": ["NIK", "NAMA", "TGL LAHIR", "PEKERJAAN", "KODE DESA", "PROGRAM", "IURAN",
                "TGL MULAI", "SUMBER DANA"],
}  # fmt: skip
PROGRAM_FILES = {
    "pkh": "pkh_{year}.csv",
    "sembako": "sembako_bpnt_{year}_{district}.xlsx",
    "pbi": "pbi_jkn_{year}.csv",
    "pip": "pip_{year}_{district}.xlsx",
    "blt_dd": "blt_dana_desa_{year}.csv",
    "rtlh": "rtlh_{year}.csv",
    "bpjs_tk": "bpjs_ketenagakerjaan_bpu_{year}.csv",
}
MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
    "Oktober", "November", "Desember",
)  # fmt: skip


@dataclass
class Places:
    """Names and codes of the regency's areas, by village index."""

    village_code: np.ndarray
    village_name: np.ndarray
    district_code: np.ndarray
    district_name: np.ndarray
    regency_name: str
    province_name: str
    province_code: str

    @classmethod
    def of(cls, villages: list[wilayah.Area]) -> Places:
        districts = {a.parent_code: wilayah.get(a.parent_code or "") for a in villages}
        regency = wilayah.get(villages[0].code.rsplit(".", 2)[0])
        province = wilayah.get(regency.parent_code or "")
        return cls(
            village_code=np.array([a.code for a in villages], dtype=object),
            village_name=np.array([a.name for a in villages], dtype=object),
            district_code=np.array([a.parent_code for a in villages], dtype=object),
            district_name=np.array([districts[a.parent_code].name for a in villages], dtype=object),
            regency_name=regency.name,
            province_name=province.name,
            province_code=province.code,
        )


class Exporter:
    """Writes every source file and the record truth, one chunk at a time."""

    def __init__(
        self, out: Path, frame: Frame, noise_rates: NoiseRates, year: int, *, id_offset: int = 0
    ) -> None:
        self.out = out
        self.id_offset = id_offset
        self.frame = frame
        self.places = Places.of(frame.villages)
        self.year = year
        self.rates = {src: _scaled(noise_rates, factor) for src, factor in SOURCE_NOISE.items()}
        sources = out / "sources"
        self.dtsen = CsvSink(sources / "dtsen" / f"dtsen_extract_{year}-09.csv", DTSEN_HEADER)
        self.dtks = CsvSink(
            sources / "dtks" / f"dtks_siksng_{year - 2}12.txt", DTKS_HEADER, delimiter="|"
        )
        self._xlsx: dict[str, XlsxSink] = {}
        self._csv: dict[str, CsvSink] = {}
        self.records = ParquetSink(out / "truth" / "records.parquet")

    def close(self) -> None:
        sinks: list[CsvSink | XlsxSink] = [self.dtsen, self.dtks, *self._csv.values()]
        for sink in [*sinks, *self._xlsx.values()]:
            sink.close()
        self.records.close()

    def files(self) -> dict[str, int]:
        """Rows written per file (data rows, without header blocks)."""
        sinks: list[CsvSink | XlsxSink] = [self.dtsen, self.dtks, *self._csv.values()]
        sinks += self._xlsx.values()
        return {str(sink.path.relative_to(self.out)): sink.data_rows for sink in sinks}

    # -- the sources ---------------------------------------------------------------

    def write_chunk(
        self, chunk: Chunk, homes: Columns, persons: Columns, payments: dict[str, Columns],
        rng: np.random.Generator,
    ) -> None:  # fmt: skip
        self._dtsen(chunk, rng)
        self._p3ke(chunk, homes, rng)
        self._dtks(chunk, rng)
        for program, rows in payments.items():
            self._program(program, chunk, rows, rng)

    def _dtsen(self, chunk: Chunk, rng: np.random.Generator) -> None:
        people, frame = chunk.people, self.frame
        rows = np.arange(len(people["person_id"]))
        ident = self._identity("dtsen", chunk, rows, rng, old_place=False)
        rows = ident["rows"]
        h = people["household"][rows]
        village = frame.village[h]
        home = chunk.homes_of(rows)
        family_id = self._family_ids("dtsen", h, 100_000_000)
        cols: Columns = {
            "id_keluarga": family_id,
            "kode_provinsi": np.full(len(rows), self.places.village_code[0][:2], dtype=object),
            "kode_kabupaten": np.array(
                [c[:5] for c in self.places.village_code[village]], dtype=object
            ),
            "kode_kecamatan": self.places.district_code[village],
            "kode_desa": self.places.village_code[village],
            "nama_desa": self.places.village_name[village],
            "alamat": _address(home),
            "no_kk": ident["kk"],
            "nik": ident["nik"],
            "nama": ident["name"],
            "jenis_kelamin": np.where(people["sex"][rows] == "L", 1, 2),
            "tanggal_lahir": ident["birth_date"],
            "status_hubungan_keluarga": people["relationship"][rows],
            "status_kawin": people["marital"][rows],
            "keberadaan_art": people["presence"][rows],
            "partisipasi_sekolah": people["school_participation"][rows],
            "pendidikan_tertinggi": people["education"][rows],
            "pekerjaan_utama": people["occupation"][rows],
            "penyandang_disabilitas": np.where(people["disability"][rows] >= 3, 1, 2),
            "jenis_disabilitas": np.where(
                people["disability"][rows] >= 3, people["disability_domain"][rows], ""
            ),
            "tingkat_disabilitas": people["disability"][rows],
            "penyakit_kronis": np.where(people["chronic_illness"][rows], 1, 2),
            "status_hamil": np.where(people["pregnant"][rows], 1, 2),
            "status_kepemilikan_rumah": home["status_rumah"],
            "luas_lantai": home["floor_area"],
            "jenis_lantai": home["lantai"],
            "jenis_dinding": home["dinding"],
            "jenis_atap": home["atap"],
            "sumber_air_minum": home["air_minum"],
            "sumber_penerangan": home["penerangan"],
            "bahan_bakar_memasak": home["bahan_bakar"],
            "fasilitas_bab": home["fasilitas_bab"],
            "pembuangan_tinja": home["pembuangan_tinja"],
            "jumlah_art": frame.size[h],
            "aset_sepeda_motor": home["aset_sepeda_motor"].astype(np.int8),
            "aset_lemari_es": home["aset_lemari_es"].astype(np.int8),
            "aset_mobil": home["aset_mobil"].astype(np.int8),
            "aset_smartphone": home["aset_smartphone"].astype(np.int8),
            "desil_nasional": frame.desil_dtsen[h],
            "periode": np.full(len(rows), f"{self.year}-09", dtype=object),
        }
        self._log("dtsen", self.dtsen, cols, chunk, ident)

    def _p3ke(self, chunk: Chunk, homes: Columns, rng: np.random.Generator) -> None:
        people, frame = chunk.people, self.frame
        in_p3ke_home = frame.desil_p3ke[chunk.households] > 0
        member = in_p3ke_home[chunk.home_row]
        rows = np.flatnonzero(member)
        if not len(rows):
            return
        for kind in ("keluarga", "individu"):
            subset = rows[people["relationship"][rows] == 1] if kind == "keluarga" else rows
            ident = self._identity("p3ke", chunk, subset, rng, old_place=True, excel=True)
            cols = self._p3ke_columns(kind, chunk, homes, ident)
            village = frame.old_village[people["household"][ident["rows"]]]
            for district in np.unique(self.places.district_code[village]):
                here = self.places.district_code[village] == district
                sink = self._p3ke_sink(kind, district)
                part = {k: v[here] for k, v in cols.items()}
                self._log(f"p3ke_{kind}", sink, part, chunk, {k: v[here] for k, v in ident.items()})

    def _p3ke_columns(self, kind: str, chunk: Chunk, homes: Columns, ident: Columns) -> Columns:
        people, frame = chunk.people, self.frame
        rows = ident["rows"]
        h = people["household"][rows]
        local = chunk.home_row[rows]
        home = chunk.homes_of(rows)
        village = frame.old_village[h]
        yes_no = lambda mask: np.where(mask, "YA", "TIDAK")  # noqa: E731
        cols: Columns = {
            "ID Keluarga P3KE": self._family_ids("p3ke", h, 3_000_000_000),
            "Provinsi": np.full(len(rows), self.places.province_name, dtype=object),
            "Kabupaten/Kota": np.full(len(rows), self.places.regency_name, dtype=object),
            "Kecamatan": self.places.district_name[village],
            "Desa/Kelurahan": self.places.village_name[village],
            "Kode Kemendagri": np.array(
                [c.replace(".", "") for c in self.places.village_code[village]], dtype=object
            ),
            "Desil Kesejahteraan": frame.desil_p3ke[h],
            "Alamat": _address(home),
            "NIK": ident["nik"],
            "Padan Dukcapil": np.where(ident["nik_issue"] == "", "Ya", "Tidak"),
            "Jenis Kelamin": np.where(people["sex"][rows] == "L", "Laki-laki", "Perempuan"),
            "Tanggal Lahir": ident["birth_date"],
            "Pekerjaan": people["occupation"][rows],
            "Pendidikan": np.array(
                [EDUCATION[int(e)] for e in people["education"][rows]], dtype=object
            ),
            "Penerima BPNT": yes_no(homes["receives_sembako"][local]),
            "Penerima BPUM": yes_no(_stable_flag(h, 0.05)),
            "Penerima BST": yes_no(_stable_flag(h, 0.20)),
            "Penerima PKH": yes_no(homes["receives_pkh"][local]),
            "Penerima SEMBAKO": yes_no(homes["receives_sembako"][local]),
            "Resiko Stunting": yes_no(
                (homes["pkh_anak_usia_dini"][local] > 0) & (frame.desil_p3ke[h] <= 2)
            ),
        }
        if kind == "keluarga":
            cols["Kepala Keluarga"] = ident["name"]
            cols["Kepemilikan Rumah"] = HOUSING["status_rumah"].label(home["status_rumah"])
            cols["Simpanan Uang/Perhiasan/Ternak/Lainnya"] = yes_no(
                home["aset_emas"] | home["aset_ternak"]
            )
            for column, item in (
                ("Jenis Atap", "atap"),
                ("Jenis Dinding", "dinding"),
                ("Jenis Lantai", "lantai"),
                ("Sumber Penerangan", "penerangan"),
                ("Bahan Bakar Memasak", "bahan_bakar"),
                ("Sumber Air Minum", "air_minum"),
            ):
                cols[column] = HOUSING[item].label(home[item])
            cols["Memiliki Fasilitas Buang Air Besar"] = np.where(
                home["fasilitas_bab"] == 1,
                "Milik sendiri",
                np.where(home["fasilitas_bab"] == 6, "Tidak ada", "Umum/Bersama"),
            )
            return cols
        age = people["age"][rows]
        cols["ID Individu"] = self._family_ids(
            "p3ke_person", people["person_id"][rows], 7_000_000_000
        )
        cols["Nama"] = ident["name"]
        cols["Hubungan Dengan Kepala Keluarga"] = np.array(
            [RELATIONSHIP[int(r)] for r in people["relationship"][rows]], dtype=object
        )
        cols["Status Kawin"] = np.array(
            [MARITAL[int(m)] for m in people["marital"][rows]], dtype=object
        )
        for column, (low, high) in {
            "Usia < 7": (0, 6), "Usia 7-12": (7, 12), "Usia 13-15": (13, 15),
            "Usia 16-18": (16, 18), "Usia 19-21": (19, 21), "Usia 22-59": (22, 59),
            "Usia >= 60": (60, 200),
        }.items():  # fmt: skip
            cols[column] = yes_no((age >= low) & (age <= high))
        return cols

    def _p3ke_sink(self, kind: str, district: str) -> XlsxSink:
        key = f"p3ke_{kind}_{district}"
        if key not in self._xlsx:
            name = wilayah.get(district).name
            header = P3KE_FAMILY_HEADER if kind == "keluarga" else P3KE_PERSON_HEADER
            title = [
                "DATA PENSASARAN PERCEPATAN PENGHAPUSAN KEMISKINAN EKSTREM (P3KE)",
                "KEMENTERIAN KOORDINATOR BIDANG PEMBANGUNAN MANUSIA DAN KEBUDAYAAN",
                f"DATA {kind.upper()}",
                "",
                f"PROVINSI       : {self.places.province_name}",
                f"KABUPATEN/KOTA : {self.places.regency_name}",
                f"KECAMATAN      : {name.upper()}",
                "Sumber data    : Pendataan Keluarga BKKBN 2021, pemeringkatan TNP2K",
                "RAHASIA - data pribadi, hanya untuk keperluan penanggulangan kemiskinan",
            ]
            groups = {"Penerima Bantuan": ("Penerima BPNT", "Penerima SEMBAKO")}
            if kind == "individu":
                groups["Kelompok Usia"] = ("Usia < 7", "Usia >= 60")
            self._xlsx[key] = XlsxSink(
                self.out
                / "sources"
                / "p3ke"
                / f"P3KE_{kind.capitalize()}_{district.replace('.', '')}.xlsx",
                header,
                title,
                groups=groups,
            )
        return self._xlsx[key]

    def _dtks(self, chunk: Chunk, rng: np.random.Generator) -> None:
        people, frame = chunk.people, self.frame
        registered = frame.in_dtks[people["household"]]
        rows = np.flatnonzero(registered & (people["presence"] == 1))
        if not len(rows):
            return
        ident = self._identity("dtks", chunk, rows, rng, old_place=True, upper=True)
        rows = ident["rows"]
        h = people["household"][rows]
        home = chunk.homes_of(rows)
        village = frame.old_village[h]
        disabled = people["disability"][rows] >= 3
        cols: Columns = {
            # SIKS-NG numbers start with the province code (52... in NTB, 31... in Jakarta).
            "IDDTKS": self._family_ids(
                "dtks", people["person_id"][rows], int(self.places.province_code) * 10**12
            ),
            "provinsi": np.full(len(rows), self.places.province_name, dtype=object),
            "kabupaten_kota": np.full(len(rows), self.places.regency_name, dtype=object),
            "kecamatan": np.array(
                [n.upper() for n in self.places.district_name[village]], dtype=object
            ),
            "desa_kelurahan": np.array(
                [n.upper() for n in self.places.village_name[village]], dtype=object
            ),
            "alamat": np.array([f"DUSUN {d.upper()}" for d in home["dusun"]], dtype=object),
            "dusun": np.array([d.upper() for d in home["dusun"]], dtype=object),
            "rt": np.array([f"{x:03d}" for x in home["rt"]], dtype=object),
            "rw": np.array([f"{x:03d}" for x in home["rw"]], dtype=object),
            "nomor_kk": ident["kk"],
            "nomor_nik": ident["nik"],
            "nama": ident["name"],
            "tanggal_lahir": np.array([_dmy(d) for d in ident["birth_date"]], dtype=object),
            "tempat_lahir": np.array(
                [p.upper() for p in people["birth_place"][rows]], dtype=object
            ),
            "jenis_kelamin": np.where(people["sex"][rows] == "L", "LAKI-LAKI", "PEREMPUAN"),
            "nama_ibu_kandung": np.array(
                [m.upper() for m in people["mother_name"][rows]], dtype=object
            ),
            "hubungan_keluarga": np.array(
                [RELATIONSHIP[int(r)].upper() for r in people["relationship"][rows]], dtype=object
            ),
            "tahun_data": np.full(len(rows), str(self.year - 2), dtype=object),
            "jenis_pmks": np.where(
                disabled,
                "PENYANDANG DISABILITAS",
                np.where(people["age"][rows] >= 60, "LANJUT USIA TERLANTAR", "FAKIR MISKIN"),
            ),
        }
        self._log("dtks", self.dtks, cols, chunk, ident)

    def _program(self, program: str, chunk: Chunk, pay: Columns, rng: np.random.Generator) -> None:
        if not len(pay["person_row"]):
            return
        people, frame = chunk.people, self.frame
        ident = self._identity("program", chunk, pay["person_row"], rng, old_place=False)
        keep = ident["source_index"]
        pay = {k: v[keep] for k, v in pay.items()}
        rows = ident["rows"]
        h = people["household"][rows]
        home = chunk.homes_of(rows)
        village = frame.village[h]
        code, name = self.places.village_code[village], self.places.village_name[village]
        n = len(rows)
        if program == "pkh":
            cols = {
                "NO_KK": ident["kk"], "NIK_PENGURUS": ident["nik"], "NAMA_PENGURUS": ident["name"],
                "KECAMATAN": self.places.district_name[village], "DESA_KELURAHAN": name,
                "ALAMAT": _address(home), "TAHAP": pay["stage"], "NOMINAL": pay["amount"],
                "TANGGAL_SALUR": np.array([_dmy(d) for d in pay["paid_on"]], dtype=object),
            }  # fmt: skip
        elif program == "sembako":
            cols = {
                "NIK": ident["nik"], "Nama KPM": ident["name"], "No KK": ident["kk"],
                "Kode Wilayah": code, "Desa": name,
                "Periode": np.array(
                    [f"{MONTHS_ID[m - 2]}-{MONTHS_ID[m - 1]} {self.year}" for m in pay["due_month"]]
                ),
                "Nilai Bantuan": pay["amount"], "Tgl Penyaluran": pay["paid_on"],
            }  # fmt: skip
        elif program == "pbi":
            cols = {
                "NOKA": self._family_ids("noka", people["person_id"][rows], 1_000_000_000_000),
                "NIK": ident["nik"], "NAMA": ident["name"],
                "TGL_LAHIR": ident["birth_date"], "JNS_KELAMIN": people["sex"][rows],
                "KD_DESA": np.array([c.replace(".", "") for c in code], dtype=object),
                "SEGMEN": np.where(rng.random(n) < 0.85, "PBI APBN", "PBI APBD"),
                "TMT": pay["paid_on"], "IURAN": pay["amount"],
            }  # fmt: skip
        elif program == "pip":
            cols = {
                "NISN": self._family_ids("nisn", people["person_id"][rows], 1_000_000_000),
                "NIK Siswa": ident["nik"], "Nama Siswa": ident["name"],
                "Tanggal Lahir": ident["birth_date"],
                "Jenjang": people["school_level"][rows], "Desa": name,
                "Nominal": pay["amount"], "Tanggal Pencairan": pay["paid_on"],
            }  # fmt: skip
        elif program == "blt_dd":
            vulnerable = frame.elderly_alone[h] | frame.head_female[h]
            cols = {
                "no_kk": ident["kk"], "nik": ident["nik"], "nama": ident["name"],
                "kode_desa": code, "desa": name,
                "kriteria": np.where(
                    vulnerable, "Lansia tunggal/perempuan kepala keluarga", "Miskin ekstrem"
                ),
                "bulan": np.array([MONTHS_ID[m - 1] for m in pay["due_month"]], dtype=object),
                "jumlah": pay["amount"], "tanggal_terima": pay["paid_on"],
            }  # fmt: skip
        elif program == "rtlh":
            cols = {
                "NIK": ident["nik"], "NAMA PEMILIK": ident["name"], "NO KK": ident["kk"],
                "KODE DESA": code, "ALAMAT": _address(home), "NILAI BANTUAN": pay["amount"],
                "TANGGAL": np.array([_dmy(d) for d in pay["paid_on"]], dtype=object),
            }  # fmt: skip
        else:
            cols = {
                "NIK": ident["nik"], "NAMA": ident["name"],
                "TGL LAHIR": np.array([_dmy(d) for d in ident["birth_date"]], dtype=object),
                "PEKERJAAN": people["occupation"][rows], "KODE DESA": code,
                "PROGRAM": np.full(n, "JKK+JKM", dtype=object), "IURAN": pay["amount"],
                "TGL MULAI": pay["paid_on"],
                "SUMBER DANA": rng.choice(["APBD", "BAZNAS", "CSR"], n, p=[0.7, 0.15, 0.15]),
            }  # fmt: skip
        template = PROGRAM_FILES[program]
        if "{district}" not in template:
            self._log(
                program,
                self._program_csv(program, template.format(year=self.year)),
                cols,
                chunk,
                ident,
            )
            return
        for district in np.unique(self.places.district_code[village]):
            here = self.places.district_code[village] == district
            path = template.format(year=self.year, district=district.replace(".", ""))
            workbook = self._program_xlsx(program, path)
            part = {k: v[here] for k, v in cols.items()}
            self._log(program, workbook, part, chunk, {k: v[here] for k, v in ident.items()})

    def _program_csv(self, program: str, filename: str) -> CsvSink:
        if program not in self._csv:
            delimiter = ";" if program == "pkh" else ","
            self._csv[program] = CsvSink(
                self.out / "sources" / "programs" / filename,
                PROGRAM_HEADERS[program],
                delimiter=delimiter,
            )
        return self._csv[program]

    def _program_xlsx(self, program: str, filename: str) -> XlsxSink:
        if filename not in self._xlsx:
            title = [f"DAFTAR PENERIMA {program.upper().replace('_', ' ')} TAHUN {self.year}",
                     f"{self.places.regency_name}", ""]  # fmt: skip
            self._xlsx[filename] = XlsxSink(
                self.out / "sources" / "programs" / filename,
                PROGRAM_HEADERS[program],
                title,
                first_data_row=5,
            )
        return self._xlsx[filename]

    # -- identity noise and truth -------------------------------------------------

    def _identity(
        self, source: str, chunk: Chunk, rows: np.ndarray, rng: np.random.Generator, *,
        old_place: bool, excel: bool = False, upper: bool = False,
    ) -> Columns:  # fmt: skip
        """Noisy name, NIK, KK and birth date of the given person rows, duplicates included."""
        rates = self.rates[source]
        people = chunk.people
        source_index = np.arange(len(rows))
        twice = noise.duplicate_indices(rng, len(rows), rates.duplicate_record)
        source_index = np.concatenate([source_index, twice])
        rows = rows[source_index]
        local = chunk.home_row[rows]
        names, name_changed = noise.vary_names(
            rng, people["name"][rows], rates, people["sex"][rows]
        )
        if upper:
            names = np.array([n.upper() for n in names], dtype=object)
        kk_true = chunk.homes["kk"][local]
        niks, nik_issue = noise.corrupt_niks(rng, people["nik"][rows], kk_true, rates)
        kks, kk_issue = noise.corrupt_kks(rng, kk_true, rates)
        births, birth_issue = noise.corrupt_birth_dates(rng, people["birth_date"][rows], rates)
        nik_values = niks.astype(object)
        if excel:
            mangled_values, mangled = noise.excel_mangle_niks(rng, niks, rates.excel_mangled_nik)
            nik_values = np.asarray(mangled_values, dtype=object)
            nik_issue = np.where(mangled, "excel", nik_issue)
        moved = (
            self.frame.old_village[people["household"][rows]]
            != self.frame.village[people["household"][rows]]
        )
        return {
            "rows": rows,
            "source_index": source_index,
            "name": names,
            "nik": nik_values,
            "kk": kks,
            "birth_date": np.array([_as_date(d) for d in births], dtype=object),
            "name_changed": name_changed,
            "nik_issue": nik_issue.astype(object),
            "kk_issue": kk_issue.astype(object),
            "birth_issue": birth_issue.astype(object),
            "duplicate": np.arange(len(rows)) >= len(rows) - len(twice),
            "moved": moved & old_place,
        }

    def _log(
        self, source: str, sink: CsvSink | XlsxSink, cols: Columns, chunk: Chunk, ident: Columns
    ) -> None:
        row_numbers = sink.write(cols)
        rows = ident["rows"]
        self.records.write(
            {
                "source": np.full(len(rows), source, dtype=object),
                "file": np.full(len(rows), str(sink.path.relative_to(self.out)), dtype=object),
                "row": row_numbers,
                "person_id": chunk.people["person_id"][rows],
                "household_id": chunk.people["household"][rows] + 1,
                "name_changed": ident["name_changed"],
                "nik_issue": ident["nik_issue"],
                "kk_issue": ident["kk_issue"],
                "birth_issue": ident["birth_issue"],
                "duplicate": ident["duplicate"],
                "moved": ident["moved"],
            }
        )

    def _family_ids(self, source: str, keys: np.ndarray, base: int) -> np.ndarray:
        """Each source numbers its records its own way; the same key keeps its id.

        A multiplicative scramble with a per-source salt keeps ids stable and
        unique without exposing the generator's own numbering.
        """
        salt = zlib.crc32(source.encode())
        scrambled = ((keys.astype(np.int64) + self.id_offset) * 48_271 + salt) % 999_999_937
        return np.array([str(base + int(k)) for k in scrambled], dtype=object)


def _stable_flag(keys: np.ndarray, share: float) -> np.ndarray:
    """A stable pseudo-random flag per key (for programs the generator does not model)."""
    return ((keys.astype(np.int64) * 2654435761) % 1000) < share * 1000


def _scaled(rates: NoiseRates, factor: float) -> NoiseRates:
    scaled = {k: min(1.0, v * factor) for k, v in rates.to_dict().items() if isinstance(v, float)}
    return replace(rates, **scaled)


def _address(home: Columns) -> np.ndarray:
    return np.array(
        [
            f"Dusun {d}, RT {rt:03d}/RW {rw:03d}"
            for d, rt, rw in zip(home["dusun"], home["rt"], home["rw"], strict=True)
        ],
        dtype=object,
    )


def _as_date(value: object) -> date | None:
    if value is None or (isinstance(value, np.datetime64) and np.isnat(value)):
        return None
    if isinstance(value, date):
        return value
    converted: date = np.datetime64(str(value), "D").astype(object)
    return converted


def _dmy(value: object) -> str:
    return value.strftime("%d-%m-%Y") if isinstance(value, date) else ""
