"""Who may do what where: roles (configuration, not code) and users' dated role assignments.

A user holds one or more assignments, each a role with two wilayah scopes, as
health and registry systems do: where the user may *see* and where the user may
*edit*. A scope is a Kemendagri code; it covers the area and every area below it
(``52.05`` covers every kecamatan and desa of Kabupaten Dompu); an empty see scope
is the whole country, an empty edit scope is nowhere. An assignment counts only
between its start and end dates.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from sinergi.domain import wilayah


class Role(models.Model):
    """A role and what it allows; loaded from ``roles.toml`` (see ``roles.py``)."""

    code = models.SlugField(unique=True)
    name = models.CharField("nama", max_length=100)
    name_en = models.CharField("name (English)", max_length=100)
    permissions = models.JSONField("izin", default=list)
    needs_opd = models.BooleanField("terikat OPD", default=False)
    needs_village = models.BooleanField("terikat desa", default=False)

    class Meta:
        verbose_name = "peran"
        verbose_name_plural = "peran"

    def __str__(self) -> str:
        return self.name

    def allows(self, permission: str) -> bool:
        return permission in self.permissions


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def active(self, day: date | None = None) -> AssignmentQuerySet:
        day = day or timezone.localdate()
        return self.filter(
            models.Q(starts__isnull=True) | models.Q(starts__lte=day),
            models.Q(ends__isnull=True) | models.Q(ends__gte=day),
        )


class Assignment(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    role = models.ForeignKey(Role, on_delete=models.PROTECT, verbose_name="peran")
    see_scope = models.CharField(
        "wilayah lihat", max_length=13, blank=True, help_text="Kode wilayah; kosong = Indonesia."
    )
    edit_scope = models.CharField(
        "wilayah ubah", max_length=13, blank=True, help_text="Kode wilayah; kosong = tidak ada."
    )
    opd = models.CharField("OPD", max_length=100, blank=True)
    starts = models.DateField("mulai", null=True, blank=True)
    ends = models.DateField("berakhir", null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "penugasan"
        verbose_name_plural = "penugasan"

    def __str__(self) -> str:
        return f"{self.user} – {self.role} ({self.see_scope or 'Indonesia'})"

    def clean(self) -> None:
        for field in ("see_scope", "edit_scope"):
            code = getattr(self, field)
            if code:
                area = _area(code)
                if area is None:
                    raise ValidationError({field: f"Kode wilayah tidak dikenal: {code}"})
                setattr(self, field, area.code)
        if self.edit_scope and not covers(self.see_scope, self.edit_scope):
            raise ValidationError({"edit_scope": "Wilayah ubah harus di dalam wilayah lihat."})
        if self.role.needs_village and len(self.see_scope.replace(".", "")) != 10:
            raise ValidationError({"see_scope": "Operator desa harus terikat pada satu desa."})
        if self.role.needs_opd and not self.opd:
            raise ValidationError({"opd": "Peran ini harus terikat pada satu OPD."})
        if self.starts and self.ends and self.ends < self.starts:
            raise ValidationError({"ends": "Tanggal berakhir sebelum tanggal mulai."})


def _area(code: str) -> wilayah.Area | None:
    try:
        return wilayah.find(code)
    except wilayah.WilayahError:
        return None


def covers(scope: str, code: str) -> bool:
    """Whether the wilayah ``scope`` includes ``code`` (itself or any area below it).

    The scope test of ``wilayah.is_within``, except that an empty scope is Indonesia
    and a malformed scope covers nothing (it grants no access rather than failing).

    Examples:
        >>> covers("52.05", "52.05.01.2001"), covers("52.05", "52.05"), covers("52.0", "52.05")
        (True, True, False)
        >>> covers("", "52.05")
        True
    """
    if not scope:
        return True
    try:
        return wilayah.is_within(code, scope)
    except wilayah.WilayahError:
        return False
