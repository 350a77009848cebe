"""The upload form: which file, for which wilayah, with which mapping profile; and its limits."""

from __future__ import annotations

import codecs
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.domain import wilayah
from sinergi.reports.formats import id_number

SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
DEFAULT_MAX_BYTES = 200 * 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
_SNIFF_BYTES = 64 * 1024


def max_bytes() -> int:
    """The size cap of one upload: ``settings.UPLOAD_MAX_BYTES`` (``SINERGI_UPLOAD_MAX_BYTES``)."""
    return int(getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


def too_large_message(limit: int) -> str:
    return _("Berkas terlalu besar: batasnya %(mb)s MB. Pecah berkas per kecamatan.") % {
        "mb": id_number(limit // (1024 * 1024))
    }


class UploadForm(forms.Form):
    berkas = forms.FileField(label=gettext_lazy("Berkas (CSV, TSV, TXT atau XLSX)"))
    wilayah = forms.CharField(
        label=gettext_lazy("Wilayah impor (kode Kemendagri)"),
        max_length=13,
        widget=forms.TextInput(attrs={"list": "wilayah-pilihan"}),
        help_text=gettext_lazy("Nama desa/kecamatan di berkas dicari di dalam wilayah ini."),
    )
    profil = forms.ChoiceField(label=gettext_lazy("Profil pemetaan kolom"))

    def __init__(self, *args: object, profiles: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profil"].choices = [("auto", _("otomatis (dipilih dari judul kolom)"))]
        self.fields["profil"].choices += profiles
        self.fields["profil"].initial = "auto"

    def clean_berkas(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["berkas"]
        name = upload.name or ""
        if Path(name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Jenis berkas tidak diterima. Unggah CSV, TSV, TXT atau XLSX.")
            )
        limit = max_bytes()
        if upload.size is None or upload.size > limit:
            raise forms.ValidationError(too_large_message(limit))
        if upload.size == 0:
            raise forms.ValidationError(_("Berkas kosong."))
        upload.seek(0)
        head = upload.read(_SNIFF_BYTES)
        upload.seek(0)
        refusal = _refusal(Path(name).suffix.lower(), head)
        if refusal:
            raise forms.ValidationError(refusal)
        return upload

    def clean_wilayah(self) -> str:
        try:
            area = wilayah.get(self.cleaned_data["wilayah"])
        except wilayah.WilayahError as error:
            raise forms.ValidationError(str(error)) from error
        return area.code


def _refusal(suffix: str, head: bytes) -> str | None:
    """Why these first bytes cannot be a file of this kind; None when they can.

    A light look only: the import reads the file properly and says what is wrong
    with its rows; this stops programs, archives and pictures renamed to .csv.
    """
    if suffix == ".xlsx":
        if head.startswith(_ZIP_MAGIC):
            return None
        return _(
            "Berkas ini bukan buku kerja Excel .xlsx yang sah. Buka di Excel lalu simpan "
            "ulang sebagai .xlsx."
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _(
            'Berkas berformat teks UTF-16 ("Unicode Text" dari Excel), yang belum didukung. '
            "Simpan ulang sebagai CSV UTF-8 atau .xlsx."
        )
    if b"\x00" in head or head.startswith(_ZIP_MAGIC):
        return _(
            "Berkas ini bukan teks CSV/TSV/TXT (isinya biner, misalnya program atau arsip). "
            "Unggah data sebagai CSV UTF-8 atau .xlsx."
        )
    return None
