"""The one catalogue of reason codes an import gives a field warning or a quarantined row.

Every code that validation (or a file reader, in a row's ``_defect``) can
record is listed here once, with its severity and what it means for the agency
that sent the file: the cause and what to do, in Bahasa Indonesia first and
English second. Codes are stable: reports, manifests and the quarantine table
keep them, so a code is never renamed or reused for another meaning.

Two severities, after DESIGN.md ("a broken field is not a missing person"):

``warning``     the field is set to null (or kept, where the value may still be
                right) and the row is accepted; the row's ``_issues`` list the
                warning with the original text.
``quarantine``  the row cannot stand for a person, family or payment at all
                and goes to quarantine with its reasons.

The NIK and KK codes are `sinergi.domain.identity.IdentityIssue` values and reuse
its descriptions, so a message reads the same wherever the code appears.

Examples:
    >>> REASONS["NIK_IS_KK"].severity
    'warning'
    >>> describe("ROW_NO_IDENTITY")[1][:40]
    'The row has no name and no usable identi'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sinergi.domain.identity import IdentityIssue

__all__ = ["REASONS", "Reason", "Severity", "describe"]

Severity = Literal["warning", "quarantine"]


@dataclass(frozen=True)
class Reason:
    """One reason code: how serious it is and what the agency should do about it.

    Attributes:
        code: the stable code, UPPER_SNAKE (``NIK_SCIENTIFIC_NOTATION``).
        severity: ``"warning"`` (the row is accepted) or ``"quarantine"`` (it is not).
        message: the cause and the remedy, in Bahasa Indonesia, for people.
        message_en: the same in English, for logs and English readers.
    """

    code: str
    severity: Severity
    message: str
    message_en: str


_ASK_AGAIN = "Minta instansi pengirim memperbaiki data di sumbernya lalu mengirim ulang berkasnya."
_ASK_AGAIN_EN = "Ask the sending agency to fix the data at its source and send the file again."

# Codes of our own, as (code, severity, Indonesian, English).
_OWN: tuple[tuple[str, Severity, str, str], ...] = (
    # --- NIK and KK beyond the format checks of the domain layer ---
    (
        "NIK_IS_KK",
        "warning",
        "Kolom NIK berisi nomor KK keluarganya (sama dengan kolom No. KK), bukan NIK orang itu; "
        "NIK dikosongkan. Isi NIK dari KTP atau dari baris orang itu di Kartu Keluarga.",
        "The NIK column holds the family's KK number (equal to the KK column), not the person's "
        "NIK; the NIK was set to empty. Fill in the NIK from the ID card or the person's line on "
        "the family card.",
    ),
    (
        "NIK_AREA_UNKNOWN",
        "warning",
        "Enam digit pertama NIK bukan kode kecamatan maupun kabupaten/kota yang dikenal. NIK tetap "
        "disimpan (kode lama bisa hilang setelah pemekaran), tetapi periksa salah ketik pada "
        "digit awalnya.",
        "The first six digits of the NIK are neither a known district nor a known regency. The "
        "NIK is kept (old codes disappear after areas are split), but check its first digits for "
        "typos.",
    ),
    (
        "KK_AREA_UNKNOWN",
        "warning",
        "Enam digit pertama No. KK bukan kode kecamatan maupun kabupaten/kota yang dikenal. Nomor "
        "tetap disimpan, tetapi periksa salah ketik pada digit awalnya.",
        "The first six digits of the KK number are neither a known district nor a known regency. "
        "The number is kept, but check its first digits for typos.",
    ),
    (
        "NIK_BIRTH_DATE_MISMATCH",
        "warning",
        "Tanggal lahir tidak sama dengan tanggal lahir di dalam NIK (digit ke-7 sampai ke-12, "
        "DDMMYY; perempuan tanggal + 40). Keduanya tetap disimpan; periksa mana yang benar pada "
        "KTP atau KK.",
        "The birth date differs from the one inside the NIK (digits 7 to 12, DDMMYY; women's day "
        "plus 40). Both are kept; check which is right on the ID card or family card.",
    ),
    (
        "NIK_SEX_MISMATCH",
        "warning",
        "Jenis kelamin tidak sama dengan yang tersirat di NIK (tanggal lahir di NIK ditambah 40 "
        "untuk perempuan). Keduanya tetap disimpan; periksa mana yang benar pada KTP.",
        "The sex differs from the one implied by the NIK (the NIK's day of birth is plus 40 for "
        "women). Both are kept; check which is right on the ID card.",
    ),
    (
        "NIK_DUPLICATE_IN_FILE",
        "warning",
        "NIK ini sudah muncul pada baris sebelumnya di berkas yang sama untuk data yang berbeda. "
        "Baris tetap diterima; periksa apakah satu orang tercatat dua kali atau ada NIK yang "
        "salah ketik.",
        "This NIK already appears on an earlier, different row of the same file. The row is "
        "accepted; check whether one person is listed twice or a NIK was mistyped.",
    ),
    (
        "KK_DUPLICATE_IN_FILE",
        "warning",
        "No. KK ini sudah muncul pada baris sebelumnya di daftar keluarga yang sama. Baris tetap "
        "diterima; periksa apakah satu keluarga tercatat dua kali atau ada nomor yang salah ketik.",
        "This KK number already appears on an earlier row of the same family list. The row is "
        "accepted; check whether one family is listed twice or a number was mistyped.",
    ),
    # --- area codes and names ---
    (
        "AREA_UNKNOWN_CODE",
        "warning",
        "Kode wilayah tidak berformat benar atau tidak ada dalam daftar kode Kemendagri; kode "
        "dikosongkan dan wilayah dicari dari nama desa/kecamatan bila ada. Tulis kode 6 digit "
        "(kecamatan) atau 10 digit (desa), dengan atau tanpa titik, misalnya 52.05.01.2001.",
        "The area code is malformed or not in the Kemendagri list; it was set to empty and the "
        "area is looked up by the village/district names if any. Write a 6-digit (district) or "
        "10-digit (village) code, with or without dots, e.g. 52.05.01.2001.",
    ),
    (
        "AREA_TOO_COARSE",
        "warning",
        "Kode wilayah hanya menunjuk provinsi atau kabupaten/kota; Sinergi memerlukan kode "
        "kecamatan atau desa/kelurahan. Kode dikosongkan dan wilayah dicari dari nama bila ada. "
        "Isi kode desa (10 digit).",
        "The area code names only a province or regency; Sinergi needs a district or village "
        "code. It was set to empty and the area is looked up by name if possible. Fill in the "
        "10-digit village code.",
    ),
    (
        "AREA_OUTSIDE_SCOPE",
        "warning",
        "Kode wilayah berada di luar wilayah impor ini. Kode tetap disimpan; periksa apakah orang "
        "ini memang pindah atau kodenya salah ketik.",
        "The area code lies outside the area this import is for. It is kept; check whether the "
        "person moved or the code is mistyped.",
    ),
    (
        "AREA_NAME_UNKNOWN",
        "warning",
        "Nama wilayah ini tidak ditemukan di dalam wilayah di atasnya (atau wilayah impor). "
        "Periksa ejaannya terhadap daftar Kemendagri, atau isi kolom kode wilayah.",
        "This area name is not found inside the area above it (or the import's area). Check its "
        "spelling against the Kemendagri list, or fill in the area code column.",
    ),
    (
        "AREA_NAME_AMBIGUOUS",
        "warning",
        "Nama wilayah ini dipakai oleh lebih dari satu wilayah (misalnya desa bernama sama di "
        "kecamatan berbeda). Isi juga nama kecamatan/kabupaten di atasnya, atau isi kode wilayah.",
        "This area name is used by more than one area (e.g. villages of the same name in "
        "different districts). Also fill in the district/regency name above it, or the area code.",
    ),
    # --- dates, numbers, flags, codes ---
    (
        "DATE_INVALID",
        "warning",
        "Bukan tanggal yang sah (misalnya 31-02-2020, hanya tahun, atau format tak dikenal); "
        "tanggal dikosongkan. Tulis sebagai TTTT-BB-HH, HH-BB-TTTT atau '6 Mei 2024'.",
        "Not a valid date (such as 31-02-2020, a year alone, or an unknown format); it was set to "
        "empty. Write it as YYYY-MM-DD, DD-MM-YYYY or '6 Mei 2024'.",
    ),
    (
        "DATE_IN_FUTURE",
        "warning",
        "Tanggal ini belum terjadi (setelah tanggal impor); tanggal dikosongkan. Periksa salah "
        "ketik pada tahunnya, atau urutan hari dan bulan.",
        "The date lies after the import date; it was set to empty. Check the year for typos, or "
        "the order of day and month.",
    ),
    (
        "NUMBER_INVALID",
        "warning",
        "Bukan angka yang bisa dibaca; nilai dikosongkan. Tulis angka saja, misalnya 1.250.000 "
        "atau 12,5.",
        "Not a readable number; it was set to empty. Write the number alone, e.g. 1.250.000 "
        "or 12,5.",
    ),
    (
        "NUMBER_NOT_WHOLE",
        "warning",
        "Kolom ini hanya menerima bilangan bulat, tetapi nilainya berpecahan; nilai dikosongkan. "
        "Periksa sumbernya.",
        "This column takes whole numbers only, but the value has a fraction; it was set to empty. "
        "Check the source.",
    ),
    (
        "NUMBER_OUT_OF_RANGE",
        "warning",
        "Angka di luar rentang yang mungkin untuk kolom ini (misalnya desil di luar 1–10 atau "
        "nilai negatif); nilai dikosongkan. Periksa salah ketik atau kolom yang tertukar.",
        "The number is outside the possible range of this column (such as a decile outside 1-10 "
        "or a negative value); it was set to empty. Check for typos or swapped columns.",
    ),
    (
        "NUMBER_DECIMAL_AMBIGUOUS",
        "warning",
        "Titik atau koma di angka ini bisa pemisah ribuan atau tanda desimal (misalnya 3.925), "
        "dan nilai lain di kolom ini tidak menunjukkan yang mana; angka dibaca menurut ejaan "
        "Indonesia: titik pemisah ribuan, koma tanda desimal (3.925 = 3925; 1,250 = 1,25). "
        "Periksa angkanya, atau tulis desimal dengan satu tanda yang sama di seluruh kolom.",
        "The dot or comma in this number may group thousands or mark decimals (such as 3.925), "
        "and the column's other values do not tell which; it was read the Indonesian way: dots "
        "group thousands, a comma marks decimals (3.925 = 3925; 1,250 = 1.25). Check the "
        "number, or write decimals with one mark throughout the column.",
    ),
    (
        "FLAG_INVALID",
        "warning",
        "Isian ya/tidak tidak dikenali; nilai dikosongkan. Gunakan YA/TIDAK, Y/T atau 1/0.",
        "The yes/no value is not recognised; it was set to empty. Use YA/TIDAK, Y/T or 1/0.",
    ),
    (
        "CODE_UNKNOWN",
        "warning",
        "Isian ini bukan salah satu kode yang dikenal untuk kolom ini; nilai dikosongkan. Gunakan "
        "kode yang tercantum di docs/contracts.md, atau tambahkan padanannya (alias) di profil "
        "pemetaan.",
        "The value is not one of the known codes of this column; it was set to empty. Use a code "
        "listed in docs/contracts.md, or add the value as an alias in the mapping profile.",
    ),
    # --- whole rows ---
    (
        "ROW_TOO_MANY_FIELDS",
        "quarantine",
        "Baris ini berisi lebih banyak kolom daripada judul kolom; biasanya ada pemisah (koma, "
        "titik koma, garis tegak) di dalam sebuah isian. Perbaiki baris itu di berkas aslinya, "
        "atau simpan ulang dengan isian bertanda kutip.",
        "The line has more fields than the header; usually a separator (comma, semicolon, pipe) "
        "sits inside a value. Fix that line in the original file, or save it again with quoted "
        "values.",
    ),
    (
        "ROW_TOO_FEW_FIELDS",
        "quarantine",
        "Baris ini berisi lebih sedikit kolom daripada judul kolom; baris mungkin terpotong atau "
        "terpecah oleh ganti baris di dalam isian. Perbaiki baris itu di berkas aslinya.",
        "The line has fewer fields than the header; it may be cut short or split by a line break "
        "inside a value. Fix that line in the original file.",
    ),
    (
        "ROW_UNREADABLE",
        "quarantine",
        "Baris ini tidak bisa dibaca sesuai tata letak berkas (misalnya tanda kutip tidak "
        "tertutup). Perbaiki baris itu di berkas aslinya.",
        "The line cannot be read in the file's layout (for example an unclosed quote). Fix that "
        "line in the original file.",
    ),
    (
        "ROW_NO_IDENTITY",
        "quarantine",
        "Baris ini tidak punya nama maupun nomor pengenal (NIK, No. KK atau ID) yang bisa dipakai, "
        "jadi tidak bisa mewakili orang, keluarga atau pembayaran mana pun. Alasan lain pada baris "
        "yang sama menjelaskan isian yang rusak. " + _ASK_AGAIN,
        "The row has no name and no usable identifier (NIK, KK or id), so it cannot stand for any "
        "person, family or payment. The other reasons of the row explain the broken values. "
        + _ASK_AGAIN_EN,
    ),
    (
        "ROW_MISSING_REQUIRED",
        "quarantine",
        "Kolom wajib pada baris ini kosong atau tidak sah, jadi baris tidak bisa dipakai. Alasan "
        "lain pada baris yang sama menjelaskan isian yang rusak. " + _ASK_AGAIN,
        "A required column of the row is empty or invalid, so the row cannot be used. The other "
        "reasons of the row explain the broken values. " + _ASK_AGAIN_EN,
    ),
    (
        "ROW_NO_AREA",
        "quarantine",
        "Wilayah baris ini tidak bisa ditentukan, baik dari kode wilayah maupun dari nama desa dan "
        "kecamatan, sehingga tidak bisa dihitung di desa mana pun. Isi kode desa (10 digit) atau "
        "nama desa dan kecamatan yang benar.",
        "The row's area cannot be found from the area code or from the village and district "
        "names, so it cannot be counted in any village. Fill in the 10-digit village code or the "
        "right village and district names.",
    ),
    (
        "ROW_DUPLICATE",
        "quarantine",
        "Baris ini sama persis dengan baris sebelumnya di berkas yang sama (nomornya tertulis pada "
        "alasan); hanya baris pertama yang dipakai. Hapus salinannya di berkas sumber.",
        "The row is an exact copy of an earlier row of the same file (its number is given with "
        "the reason); only the first one is used. Remove the copy from the source file.",
    ),
)


def _catalogue() -> dict[str, Reason]:
    # A broken NIK or KK is a broken field: the person stays (DESIGN.md), hence "warning".
    reasons = {
        issue.value: Reason(issue.value, "warning", *issue.describe()) for issue in IdentityIssue
    }
    for code, severity, message, message_en in _OWN:
        if code in reasons:  # a second meaning for one code would corrupt every report
            raise ValueError(f"reason code {code} is listed twice")
        reasons[code] = Reason(code, severity, message, message_en)
    return reasons


REASONS: dict[str, Reason] = _catalogue()
"""Every reason code, by code."""


def describe(code: str) -> tuple[str, str]:
    """The message of a reason code, as (Bahasa Indonesia, English).

    Raises:
        KeyError: the code is not in the catalogue (a bug in the code that recorded it).

    Examples:
        >>> describe("NIK_SCIENTIFIC_NOTATION")[0][:45]
        'NIK tertulis sebagai angka ilmiah (seperti 3.'
    """
    try:
        reason = REASONS[code]
    except KeyError:
        raise KeyError(f"unknown reason code {code!r}; add it to REASONS") from None
    return reason.message, reason.message_en
