"""Every generated document set: who asked, when, for which area and year, from which data.

A :class:`DocumentRun` is a job (``uploads.models.Job``): the site queues it and
the worker fills it; ``sinergi report`` runs it at once. When done, ``files``
lists what was written under ``<home>/reports/dokumen/<folder>/`` (name, bytes,
SHA-256) and ``sources`` names the data it was made from: the diagnosis, padanan
and statistics runs and the plan version.
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.web.uploads.models import Job


class Kind(models.TextChoices):
    RPKD = "rpkd", _("RPKD (Rencana Penanggulangan Kemiskinan Daerah)")
    RAT = "rat", _("Rencana Aksi Tahunan (RAT)")
    LP2KD = "lp2kd", _("Laporan Pelaksanaan Penanggulangan Kemiskinan Daerah (LP2KD)")
    NOTULEN = "notulen", _("Undangan, daftar hadir dan notulen rakor")


class DocumentRun(Job):
    """One request for a document of an area (``scope``) and year, and what it produced."""

    kind = models.CharField(_("dokumen"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("tahun"))
    meeting = models.ForeignKey(
        "sinergi_coordination.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rakor"),
    )
    pdf = models.BooleanField(_("dengan PDF"), default=True)
    names = models.BooleanField(_("dengan lampiran nama dan alamat"), default=False)
    folder = models.CharField(_("folder"), max_length=200, blank=True)
    files = models.JSONField(_("berkas"), default=list, blank=True)
    sources = models.JSONField(_("sumber data"), default=dict, blank=True)

    class Meta(Job.Meta):
        verbose_name = _("dokumen")
        verbose_name_plural = _("dokumen")

    def __str__(self) -> str:
        return f"{self.kind} {self.scope} {self.year} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("document_run", args=[self.pk])

    @property
    def title(self) -> str:
        return f"{Kind(self.kind).label} {self.year}"
