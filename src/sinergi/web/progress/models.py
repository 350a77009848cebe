"""Targets a secretariat sets itself: indicator x wilayah x year, versioned, never overwritten.

A `Target` is one bound (``le 8.5`` percent in 2029) with its baseline and
source, like a row of the shipped ``targets.csv``. A change is a new row that
*supersedes* the current one, with who, when and why; the old row stays and is
shown in the history. The database keeps each chain linear: one first version per
(indicator, area, year), and at most one successor per row, so two people
changing the same target at once cannot both win.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

COMPARATORS = {
    "le": _("paling tinggi (≤)"),
    "lt": _("di bawah (<)"),
    "ge": _("paling rendah (≥)"),
    "gt": _("di atas (>)"),
}
SYMBOLS = {"le": "≤", "lt": "<", "ge": "≥", "gt": ">", "eq": "="}
GRADES = {
    "P": _("P: dokumen sumber dilihat sendiri"),
    "S": _("S: dikutip dari sumber kedua"),
    "U": _("U: belum diperiksa"),
}


class TargetQuerySet(models.QuerySet["Target"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Target tidak dapat diubah; tetapkan versi baru.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Target tidak dapat dihapus; tetapkan versi baru.")

    def current(self) -> TargetQuerySet:
        """The versions no later row supersedes."""
        return self.filter(superseded_by__isnull=True)

    def of_areas(self, codes: list[str]) -> TargetQuerySet:
        return self.filter(area_code__in=codes)


class Target(models.Model):
    indicator = models.CharField("indikator", max_length=40)
    area_code = models.CharField("wilayah", max_length=13, db_index=True)
    year = models.PositiveSmallIntegerField("tahun target")
    comparator = models.CharField("pembanding", max_length=2, choices=list(COMPARATORS.items()))
    value = models.DecimalField("nilai target", max_digits=14, decimal_places=3)
    unit = models.CharField("satuan", max_length=20)
    baseline_value = models.DecimalField(
        "nilai dasar", max_digits=14, decimal_places=3, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField("tahun dasar", null=True, blank=True)
    source = models.CharField("sumber", max_length=300)
    grade = models.CharField("mutu sumber", max_length=1, choices=list(GRADES.items()))
    note = models.TextField("catatan", blank=True)
    reason = models.TextField("alasan perubahan", blank=True)
    # The version this row replaces; one-to-one, so a version is replaced at most once.
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_name = models.CharField("oleh", max_length=150)
    created = models.DateTimeField("waktu", auto_now_add=True)

    objects = TargetQuerySet.as_manager()

    class Meta:
        verbose_name = "target"
        verbose_name_plural = "target"
        ordering = ("indicator", "area_code", "year", "-pk")
        constraints = (
            models.UniqueConstraint(
                fields=["indicator", "area_code", "year"],
                condition=models.Q(supersedes__isnull=True),
                name="progress_target_one_first_version",
            ),
        )

    def __str__(self) -> str:
        bound = f"{SYMBOLS.get(self.comparator, self.comparator)} {self.value.normalize():f}"
        return f"{self.indicator} {self.area_code} {self.year} {bound} ({self.created_by_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("Target tidak dapat diubah; tetapkan versi baru.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Target tidak dapat dihapus; tetapkan versi baru.")

    @property
    def is_current(self) -> bool:
        """No later version replaces this one (select ``superseded_by`` with the rows)."""
        return not hasattr(self, "superseded_by")
