"""Follow-up reasons in the reader's language: the diagnosis writes them in Indonesian only.

The lake keeps each reason as Indonesian text beside its codes (``kind``,
``program``). In Bahasa Indonesia the page shows that text as it is (own rule
sets name their own programs); in English it is rebuilt from the codes through
this table, and a reason the table does not know stays as it was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# As sinergi.pipeline.diagnose.followup.KINDS words them, with the program's name.
KINDS: dict[str, Promise] = {
    "exclusion": _("Layak %(name)s tetapi belum menerima"),
    "inclusion": _("Menerima %(name)s tetapi tidak memenuhi syarat: verifikasi ulang"),
    "unregistered": _(
        "Menerima %(name)s tetapi tidak ditemukan di registri: padankan atau usulkan masuk DTSEN"
    ),
    "double": _("Tercatat menerima %(name)s lebih dari sekali dalam satu periode"),
}
# The follow-up flags of the shipped settings.toml, by their id.
FLAGS: dict[str, Promise] = {
    "belum_dibantu": _("Keluarga desil 1-4 belum menerima bansos/jamsos apa pun"),
    "ats": _("Anak tidak sekolah"),
    "dokumen": _(
        "KK atau NIK anggota tidak ada atau tidak sah: cek ke Disdukcapil "
        "(menghalangi semua bantuan)"
    ),
    "lansia_tunggal": _("Lansia tinggal sendiri"),
    "disabilitas_berat": _("Penyandang disabilitas berat"),
    "rtlh": _("Rumah tidak layak huni"),
}
# The shipped programs' names, by their code.
PROGRAM_NAMES: dict[str, Promise] = {
    "pkh": _("Program Keluarga Harapan (PKH)"),
    "sembako": _("Program Sembako / BPNT"),
    "pbi": _("PBI Jaminan Kesehatan Nasional"),
    "pip": _("Program Indonesia Pintar (PIP/KIP)"),
    "blt_dd": _("BLT Dana Desa"),
    "rtlh": _("Bedah rumah (RTLH: RST/Rutilahu, BSPS)"),
    "bpjs_tk": _("BPJS Ketenagakerjaan BPU (pekerja rentan)"),
    "beras": _("Bantuan Pangan Beras"),
}
# An exclusion of a family without KK/NIK carries this ending (followup.BLOCKED).
BLOCKED_MARK = "terhalang dokumen"
BLOCKED = _(" (terhalang dokumen: lengkapi KK/NIK di Disdukcapil dulu)")


def reason_text(row: Mapping[str, Any]) -> str:
    """The reason of a follow-up row (``kind``, ``program``, ``reason``) as the reader reads it."""
    written = str(row.get("reason") or "")
    if not (get_language() or "").startswith("en"):
        return written
    kind, program = row.get("kind"), row.get("program")
    if kind in FLAGS:
        text = str(FLAGS[kind])
    elif kind in KINDS and program:
        name = PROGRAM_NAMES.get(program)
        text = str(KINDS[kind]) % {"name": str(name) if name else str(program).upper()}
    else:
        return written
    return text + str(BLOCKED) if BLOCKED_MARK in written else text
