"""The audit log: who read or exported which people, when, where, with which filter.

Entries are written by the scoping function and never changed: saving an
existing entry, deleting one, or bulk-updating or bulk-deleting them raises, and
the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Catatan audit tidak dapat diubah.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Catatan audit tidak dapat dihapus.")


class AuditEntry(models.Model):
    at = models.DateTimeField("waktu", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    username = models.CharField("pengguna", max_length=150)
    action = models.CharField("tindakan", max_length=20)  # read, export, denied
    what = models.CharField("data", max_length=60)
    area = models.CharField("wilayah", max_length=13, blank=True)
    filters = models.JSONField("saringan", default=dict)
    rows = models.IntegerField("jumlah baris", default=0)
    identifiers_shown = models.BooleanField("NIK/KK terlihat", default=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "catatan audit"
        verbose_name_plural = "catatan audit"
        ordering = ("-at",)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.what} {self.area}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionDenied("Catatan audit tidak dapat diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Catatan audit tidak dapat dihapus.")
