"""The action plan (RAT) of a regency per year: OPDs, versions, program lines, realisation.

A `Plan` is the Rencana Aksi Tahunan of one regency for one year. Its content
lives in numbered `PlanVersion`s; the current version is the highest number. The
secretariat reviews a draft and locks it (sign-off); a later change opens a new
draft that copies every line with its `key`, and says why. A locked version is
never changed: `ProgramLine` refuses to be saved, deleted or bulk-written in one,
here in the model layer, whichever page, API call or script asks.

`Realisation` is reporting, not planning: entries per line (by its stable key) and
semester are append-only, may be recorded on a locked plan, and the latest entry
of a line and semester counts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

SYSTEM = "sistem"  # who did it when no user did (the demo data)


class VersionLocked(PermissionDenied):
    """A change to a locked (signed-off) version; open a new version instead."""


class Status(StrEnum):
    DRAFT = "draft"
    LOCKED = "locked"


class ActivityType(StrEnum):
    LANGSUNG = "langsung"
    TIDAK_LANGSUNG = "tidak_langsung"
    PENUNJANG = "penunjang"


STATUS_CHOICES = [(Status.DRAFT, _("Draf")), (Status.LOCKED, _("Dikunci"))]
ACTIVITY_CHOICES = [
    (ActivityType.LANGSUNG, _("Langsung")),
    (ActivityType.TIDAK_LANGSUNG, _("Tidak langsung")),
    (ActivityType.PENUNJANG, _("Penunjang")),
]
SEMESTER_CHOICES = [(1, _("Semester I (Januari–Juni)")), (2, _("Semester II (Juli–Desember)"))]


def who(user: Any) -> str:
    """The user name to show for an act; ``sistem`` when no user did it."""
    return str(user.get_username()) if user is not None else SYSTEM


def _locked_message() -> str:
    return str(_("Versi ini sudah dikunci dan tidak dapat diubah; buka versi baru lebih dulu."))


class Opd(models.Model):
    """An OPD (perangkat daerah) of a regency; ``name`` is what `Assignment.opd` holds."""

    area_code = models.CharField(_("kabupaten/kota"), max_length=5, db_index=True)
    name = models.CharField(_("nama"), max_length=100)
    short_name = models.CharField(_("singkatan"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("perangkat daerah")
        verbose_name_plural = _("perangkat daerah")
        ordering = ("area_code", "name")
        constraints = (
            models.UniqueConstraint(fields=("area_code", "name"), name="plans_opd_unique_name"),
        )

    def __str__(self) -> str:
        return self.name


class Plan(models.Model):
    """The Rencana Aksi Tahunan of one regency for one year."""

    area_code = models.CharField(_("kabupaten/kota"), max_length=5, db_index=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("rencana aksi tahunan")
        verbose_name_plural = _("rencana aksi tahunan")
        ordering = ("area_code", "-year")
        constraints = (
            models.UniqueConstraint(fields=("area_code", "year"), name="plans_plan_unique_year"),
        )

    def __str__(self) -> str:
        return f"RAT {self.area_code} {self.year}"

    @property
    def current(self) -> PlanVersion:
        """The highest-numbered version (every plan is made with version 1)."""
        return self.versions.order_by("-number").first()


class PlanVersionQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        if self.filter(status=Status.LOCKED).exists():
            raise VersionLocked(_locked_message())
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(_("Versi rencana tidak dapat dihapus."))


class PlanVersion(models.Model):
    """One numbered version of a plan: a draft that is edited, or locked as signed off."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("versi"))
    status = models.CharField(
        _("status"), max_length=6, choices=STATUS_CHOICES, default=Status.DRAFT
    )
    reason = models.TextField(_("alasan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created = models.DateTimeField(_("dibuat"), auto_now_add=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    locked_at = models.DateTimeField(_("dikunci"), null=True, blank=True)

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("versi rencana")
        verbose_name_plural = _("versi rencana")
        ordering = ("plan", "number")
        constraints = (
            models.UniqueConstraint(fields=("plan", "number"), name="plans_version_unique_number"),
        )

    def __str__(self) -> str:
        return f"{self.plan} v{self.number} ({self.status})"

    @property
    def locked(self) -> bool:
        return self.status == Status.LOCKED

    def save(self, *args: Any, **kwargs: Any) -> None:
        if (
            not self._state.adding
            and PlanVersion.objects.filter(pk=self.pk, status=Status.LOCKED).exists()
        ):
            raise VersionLocked(_locked_message())
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(_("Versi rencana tidak dapat dihapus."))


def _refuse_locked(version_ids: Iterable[int | None]) -> None:
    ids = {pk for pk in version_ids if pk is not None}
    if PlanVersion.objects.filter(pk__in=ids, status=Status.LOCKED).exists():
        raise VersionLocked(_locked_message())


class ProgramLineQuerySet(models.QuerySet[Any]):
    """Bulk writes check the lock too: no way around it through the ORM."""

    def update(self, **kwargs: Any) -> int:
        _refuse_locked(self.order_by().values_list("version_id", flat=True).distinct())
        if "version" in kwargs or "version_id" in kwargs:
            target = kwargs.get("version_id", getattr(kwargs.get("version"), "pk", None))
            _refuse_locked([target])
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse_locked(self.order_by().values_list("version_id", flat=True).distinct())
        return super().delete()

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        objs = list(objs)
        _refuse_locked(o.version_id for o in objs)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        _refuse_locked(o.version_id for o in objs)
        _refuse_locked(
            self.filter(pk__in=[o.pk for o in objs]).values_list("version_id", flat=True)
        )
        return super().bulk_update(objs, *args, **kwargs)


class ProgramLine(models.Model):
    """One line of the RAT matrix: an OPD's sub-activity, tagged with both strategy taxonomies.

    ``key`` is the line's identity across versions: a new version copies the line
    with the same key, and realisation is recorded against the key.
    """

    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="lines")
    key = models.UUIDField(_("kunci"), default=uuid.uuid4)
    opd = models.ForeignKey(Opd, on_delete=models.PROTECT, related_name="lines")
    code = models.CharField(_("kode"), max_length=40)
    program = models.CharField(_("program"), max_length=300)
    kegiatan = models.CharField(_("kegiatan"), max_length=300)
    sub_kegiatan = models.CharField(_("sub kegiatan"), max_length=500)
    strategy_inpres = models.CharField(_("strategi Inpres 8/2025"), max_length=2)
    strategy_perpres = models.CharField(_("strategi Perpres 15/2010"), max_length=2, blank=True)
    activity_type = models.CharField(_("aktivitas"), max_length=14, choices=ACTIVITY_CHOICES)
    budget = models.DecimalField(_("alokasi anggaran (Rp)"), max_digits=17, decimal_places=2)
    funding_source = models.CharField(_("sumber pembiayaan"), max_length=60, blank=True)
    assistance_nature = models.CharField(_("sifat bantuan"), max_length=60, blank=True)
    assistance_type = models.CharField(_("jenis bantuan"), max_length=200, blank=True)
    benefit_amount = models.DecimalField(
        _("besaran manfaat (Rp)"), max_digits=17, decimal_places=2, null=True, blank=True
    )
    duration = models.CharField(_("durasi pemberian bantuan"), max_length=60, blank=True)
    location = models.CharField(_("lokasi"), max_length=300, blank=True)
    location_code = models.CharField(_("kode wilayah lokasi"), max_length=13, blank=True)
    target_beneficiaries = models.PositiveIntegerField(
        _("jumlah sasaran penerima manfaat"), null=True, blank=True
    )
    target_unit = models.CharField(_("satuan sasaran"), max_length=40, blank=True)
    eligibility_rule = models.CharField(_("aturan kelayakan"), max_length=60, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated = models.DateTimeField(_("diubah"), auto_now=True)

    objects = ProgramLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("baris program")
        verbose_name_plural = _("baris program")
        ordering = ("strategy_inpres", "opd__name", "code", "pk")
        constraints = (
            models.UniqueConstraint(fields=("version", "key"), name="plans_line_unique_key"),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.sub_kegiatan}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        stored = (
            None
            if self._state.adding
            else ProgramLine.objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
        )
        _refuse_locked([self.version_id, stored])
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse_locked([self.version_id])
        return super().delete(*args, **kwargs)


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied(_("Realisasi tidak dapat diubah; catat realisasi baru."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(_("Realisasi tidak dapat dihapus."))


class Realisation(models.Model):
    """What a line achieved in one semester, as reported; a later entry supersedes, never edits."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="realisations")
    line_key = models.UUIDField(_("kunci baris"), db_index=True)
    semester = models.PositiveSmallIntegerField(_("semester"), choices=SEMESTER_CHOICES)
    budget = models.DecimalField(_("anggaran terealisasi (Rp)"), max_digits=17, decimal_places=2)
    reached = models.PositiveIntegerField(_("penerima manfaat terjangkau"))
    note = models.TextField(_("catatan"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ("-pk",)

    def __str__(self) -> str:
        return f"{self.line_key} S{self.semester} Rp{self.budget} ({who(self.recorded_by)})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied(_("Realisasi tidak dapat diubah; catat realisasi baru."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied(_("Realisasi tidak dapat dihapus."))
