"""Verval records: desa findings on families and the approver's decisions, both append-only.

A `Finding` is what a village operator records after the village deliberation
(musyawarah desa/kelurahan): a family of the registry found eligible (*layak*) or
not (*tidak layak*) with a templated reason, or a family missing from the
registry proposed (*usulan keluarga baru*). Findings are never changed: a later
finding on the same family supersedes the earlier one (latest wins). A
`Decision` is the approver's (secretariat, Dinas Sosial) approval or rejection of
one finding; there is at most one per finding.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _


class Outcome(StrEnum):
    LAYAK = "layak"
    TIDAK_LAYAK = "tidak_layak"
    USULAN = "usulan"


class Reason(StrEnum):
    MEMENUHI_KRITERIA = "memenuhi_kriteria"
    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    MAMPU = "mampu"
    TIDAK_DITEMUKAN = "tidak_ditemukan"
    GANDA = "ganda"
    LAINNYA = "lainnya"


class Status(StrEnum):
    DIAJUKAN = "diajukan"
    DISETUJUI = "disetujui"
    DITOLAK = "ditolak"
    DIGANTIKAN = "digantikan"


LABELS: dict[str, Any] = {
    Outcome.LAYAK: _("Layak"),
    Outcome.TIDAK_LAYAK: _("Tidak layak"),
    Outcome.USULAN: _("Usulan keluarga baru"),
    Reason.MEMENUHI_KRITERIA: _("Memenuhi kriteria"),
    Reason.MENINGGAL: _("Meninggal dunia"),
    Reason.PINDAH: _("Pindah domisili"),
    Reason.MAMPU: _("Sudah mampu"),
    Reason.TIDAK_DITEMUKAN: _("Tidak ditemukan"),
    Reason.GANDA: _("Data ganda"),
    Reason.LAINNYA: _("Lainnya (jelaskan di catatan)"),
    Status.DIAJUKAN: _("Diajukan"),
    Status.DISETUJUI: _("Disetujui"),
    Status.DITOLAK: _("Ditolak"),
    Status.DIGANTIKAN: _("Digantikan"),
}

# The templated reasons each outcome accepts; "lainnya" needs a note.
REASONS: dict[str, tuple[Reason, ...]] = {
    Outcome.LAYAK: (Reason.MEMENUHI_KRITERIA, Reason.LAINNYA),
    Outcome.TIDAK_LAYAK: (
        Reason.MENINGGAL,
        Reason.PINDAH,
        Reason.MAMPU,
        Reason.TIDAK_DITEMUKAN,
        Reason.GANDA,
        Reason.LAINNYA,
    ),
    Outcome.USULAN: (Reason.MEMENUHI_KRITERIA, Reason.LAINNYA),
}


def choices(*codes: str) -> list[tuple[str, Any]]:
    """``(code, label)`` pairs for a form or model field."""
    return [(code, LABELS[code]) for code in codes]


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Catatan verval tidak dapat diubah; ajukan catatan baru.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Catatan verval tidak dapat dihapus.")


class FindingQuerySet(AppendOnlyQuerySet):
    def with_state(self) -> FindingQuerySet:
        """With ``superseded`` (a later finding on the same subject exists) and the decision."""
        later = Finding.objects.filter(subject=OuterRef("subject"), pk__gt=OuterRef("pk"))
        return self.select_related("decision").annotate(superseded=Exists(later))

    def in_area(self, code: str) -> FindingQuerySet:
        return self.filter(models.Q(area_code=code) | models.Q(area_code__startswith=code + "."))


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("Catatan verval tidak dapat diubah; ajukan catatan baru.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Catatan verval tidak dapat dihapus.")


class Finding(AppendOnly):
    # What a later finding supersedes: the family's hid, or a proposal's KK within its desa.
    subject = models.CharField("subjek", max_length=80, db_index=True)
    hid = models.CharField("ID keluarga", max_length=40, blank=True)
    area_code = models.CharField("desa", max_length=13, db_index=True)
    outcome = models.CharField("temuan", max_length=12, choices=choices(*Outcome))
    reason = models.CharField("alasan", max_length=20, choices=choices(*Reason))
    note = models.TextField("catatan", blank=True)
    head_name = models.CharField("nama kepala keluarga", max_length=150, blank=True)
    nik = models.CharField("NIK kepala keluarga", max_length=16, blank=True)
    kk = models.CharField("nomor KK", max_length=16, blank=True)
    address = models.CharField("alamat", max_length=200, blank=True)
    rt = models.CharField("RT", max_length=3, blank=True)
    rw = models.CharField("RW", max_length=3, blank=True)
    member_count = models.PositiveSmallIntegerField("jumlah anggota", null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField("oleh", max_length=150)
    at = models.DateTimeField("waktu", auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = "temuan verval"
        verbose_name_plural = "temuan verval"
        ordering = ("-pk",)

    def __str__(self) -> str:
        return f"{self.area_code} {self.hid or self.subject} {self.outcome} ({self.by_name})"

    @property
    def status(self) -> Status:
        """Decided, superseded or awaiting a decision (needs `FindingQuerySet.with_state`)."""
        decision = self.decision_or_none
        if decision is not None:
            return Status.DISETUJUI if decision.approved else Status.DITOLAK
        return Status.DIGANTIKAN if getattr(self, "superseded", False) else Status.DIAJUKAN

    @property
    def status_label(self) -> str:
        return str(LABELS[self.status])

    @property
    def decision_or_none(self) -> Decision | None:
        try:
            return self.decision
        except Decision.DoesNotExist:
            return None


class Decision(AppendOnly):
    # One-to-one: the database itself refuses a second decision on a finding.
    finding = models.OneToOneField(Finding, on_delete=models.PROTECT, related_name="decision")
    approved = models.BooleanField("disetujui")
    note = models.TextField("catatan", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_name = models.CharField("oleh", max_length=150)
    at = models.DateTimeField("waktu", auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "keputusan verval"
        verbose_name_plural = "keputusan verval"

    def __str__(self) -> str:
        return f"{'setuju' if self.approved else 'tolak'} #{self.finding_id} ({self.by_name})"
