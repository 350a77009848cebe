"""Who may do what where: roles (configuration, not code), users' dated role assignments, tokens.

A user holds one or more assignments, each a role with two wilayah scopes, as
health and registry systems do: where the user may *see* and where the user may
*edit*. A scope is a Kemendagri code; it covers the area and every area below it
(``52.05`` covers every kecamatan and desa of Kabupaten Dompu); an empty see scope
is the whole country, an empty edit scope is nowhere. An assignment counts only
between its start and end dates.

An API token lets a user's scripts call the REST API as that user; only its
SHA-256 hash and a short visible prefix are stored, the whole token is shown once.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
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


def token_digest(key: str) -> str:
    """The SHA-256 of a token, as stored: the token itself is never kept."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens neither revoked nor expired, of active users."""
        return self.filter(
            models.Q(expires__isnull=True) | models.Q(expires__gt=timezone.now()),
            revoked__isnull=True,
            user__is_active=True,
        )


class ApiToken(models.Model):
    """A user's token for scripts on the REST API; only its hash and a short prefix are kept."""

    PREFIX = "sng_"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("nama", max_length=100)
    prefix = models.CharField("awalan", max_length=12, editable=False)
    key_hash = models.CharField("hash SHA-256", max_length=64, unique=True, editable=False)
    created = models.DateTimeField("dibuat", auto_now_add=True)
    last_used = models.DateTimeField("terakhir dipakai", null=True, blank=True, editable=False)
    expires = models.DateTimeField("kedaluwarsa", null=True, blank=True)
    revoked = models.DateTimeField("dicabut", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "token API"
        verbose_name_plural = "token API"
        ordering = ("-created",)

    def __str__(self) -> str:
        return f"{self.user} – {self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, user: AbstractBaseUser, name: str, expires: datetime | None = None
    ) -> tuple[ApiToken, str]:
        """A new token and its full text, which is shown once and never stored."""
        key = cls.PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[:12], key_hash=token_digest(key), expires=expires
        )
        return token, key

    @classmethod
    def find(cls, key: str) -> ApiToken | None:
        """The usable token with this full text, or None."""
        if not key.startswith(cls.PREFIX):
            return None
        return (
            cls.objects.usable().select_related("user").filter(key_hash=token_digest(key)).first()
        )

    @property
    def is_usable(self) -> bool:
        return self.revoked is None and (self.expires is None or self.expires > timezone.now())
