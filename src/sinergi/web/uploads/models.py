"""Jobs in the app database: uploaded files and their imports, and padanan + diagnosis runs.

A job row is what the pages show while the work runs elsewhere (the django-tasks
database worker): who started it, when, for which wilayah, its status, progress
and, when done, a summary with counts only (never person rows). The queue's own
row (``django_tasks_db.DBTaskResult``) is linked by ``task_result_id``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    QUEUED = "antri", _("antri")
    RUNNING = "berjalan", _("berjalan")
    DONE = "selesai", _("selesai")
    FAILED = "gagal", _("gagal")


class Job(models.Model):
    """What every background job records; the concrete kinds add their own inputs."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("pengguna"),
    )
    username = models.CharField(_("nama pengguna"), max_length=150)  # kept if the user goes
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    scope = models.CharField(_("wilayah"), max_length=13, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("kemajuan (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    message = models.CharField(_("keterangan"), max_length=200, blank=True)
    task_result_id = models.CharField(_("ID tugas"), max_length=64, blank=True)
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)
    error = models.TextField(_("pesan galat"), blank=True)

    class Meta:
        abstract = True
        ordering = ("-created_at", "-pk")

    @property
    def finished(self) -> bool:
        return self.status in (Status.DONE, Status.FAILED)

    def record(self, **fields: Any) -> None:
        """Set ``fields`` here and in the database, touching no other column.

        The page's request and the worker both write a job row; updating only the
        named columns keeps one from overwriting what the other just wrote.
        """
        if fields.get("status") == Status.RUNNING and self.started_at is None:
            fields.setdefault("started_at", timezone.now())
        if fields.get("status") in (Status.DONE, Status.FAILED):
            fields.setdefault("finished_at", timezone.now())
        for name, value in fields.items():
            setattr(self, name, value)
        type(self).objects.filter(pk=self.pk).update(**fields)


class Upload(Job):
    """A file a user uploaded, kept byte for byte, and the import of it."""

    file_name = models.CharField(_("nama berkas asli"), max_length=255)
    stored_path = models.CharField(_("lokasi simpan"), max_length=500, blank=True)
    size = models.BigIntegerField(_("ukuran (bita)"), default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    profile = models.CharField(_("profil"), max_length=64, default="auto")
    report_path = models.CharField(_("laporan impor"), max_length=500, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("unggahan")
        verbose_name_plural = _("unggahan")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.scope}, {self.status})"

    def get_absolute_url(self) -> str:
        return reverse("job", args=[self.pk])

    @property
    def title(self) -> str:
        return self.file_name


class AnalysisRun(Job):
    """A padanan run followed by a diagnosis, over everything in the data folder."""

    class Meta(Job.Meta):
        verbose_name = _("padanan dan diagnosis")
        verbose_name_plural = _("padanan dan diagnosis")

    def __str__(self) -> str:
        return f"padanan + diagnosis {self.created_at:%Y-%m-%d %H:%M} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("analysis", args=[self.pk])

    @property
    def title(self) -> str:
        return str(_("Padanan dan diagnosis"))
