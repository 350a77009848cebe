"""Coordination records: TKPK decrees and membership, the work agenda, rakor and follow-ups.

A TKPK (Tim Koordinasi Penanggulangan Kemiskinan) of a regency or province is
formed by a decree (*SK*) of its head; the current decree of an area is the
latest by date, and earlier ones stay as its history. A decree lists the team's
members and its working groups (*pokja*, configurable: Permendagri 53/2020 does
not fix their names). The team works to a yearly agenda (RPKD, RAT, report) and
meets at least three times a year (*rapat koordinasi*, rakor). A rakor takes
decisions; a decision gets follow-ups owned by OPDs, whose every status change
is kept in `FollowUpUpdate`, which is append-only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Element(StrEnum):
    """The four elements of TKPK membership (Permendagri 53/2020)."""

    PEMERINTAH = "pemerintah"
    MASYARAKAT = "masyarakat"
    DUNIA_USAHA = "dunia_usaha"
    LAINNYA = "lainnya"


class TeamRole(StrEnum):
    KETUA = "ketua"
    WAKIL_KETUA = "wakil_ketua"
    SEKRETARIS = "sekretaris"
    ANGGOTA = "anggota"
    SEKRETARIAT = "sekretariat"


class AgendaKind(StrEnum):
    """The work plans of the yearly agenda (RPKD, RAT, report), the rakor, anything else."""

    RPKD = "rpkd"
    RAT = "rat"
    LAPORAN = "laporan"
    RAKOR = "rakor"
    LAINNYA = "lainnya"


class MeetingStatus(StrEnum):
    DIRENCANAKAN = "direncanakan"
    TERLAKSANA = "terlaksana"
    BATAL = "batal"


class FollowUpStatus(StrEnum):
    BELUM = "belum"
    PROSES = "proses"
    SELESAI = "selesai"


LABELS: dict[str, Any] = {
    Element.PEMERINTAH: _("Pemerintah daerah"),
    Element.MASYARAKAT: _("Masyarakat"),
    Element.DUNIA_USAHA: _("Dunia usaha"),
    Element.LAINNYA: _("Pemangku kepentingan lainnya"),
    TeamRole.KETUA: _("Ketua"),
    TeamRole.WAKIL_KETUA: _("Wakil ketua"),
    TeamRole.SEKRETARIS: _("Sekretaris"),
    TeamRole.ANGGOTA: pgettext_lazy("kedudukan dalam tim", "Anggota"),
    TeamRole.SEKRETARIAT: _("Sekretariat"),
    AgendaKind.RPKD: _("RPKD (Rencana Penanggulangan Kemiskinan Daerah)"),
    AgendaKind.RAT: _("Rencana Aksi Tahunan"),
    AgendaKind.LAPORAN: _("Laporan pelaksanaan penanggulangan kemiskinan"),
    AgendaKind.RAKOR: _("Rapat koordinasi"),
    AgendaKind.LAINNYA: _("Lainnya"),
    MeetingStatus.DIRENCANAKAN: _("Direncanakan"),
    MeetingStatus.TERLAKSANA: _("Terlaksana"),
    MeetingStatus.BATAL: pgettext_lazy("status rakor", "Batal"),
    FollowUpStatus.BELUM: _("Belum dimulai"),
    FollowUpStatus.PROSES: _("Dalam proses"),
    FollowUpStatus.SELESAI: _("Selesai"),
}


def choices(codes: type[StrEnum]) -> list[tuple[str, Any]]:
    """``(code, label)`` pairs of an enum, for a model or form field."""
    return [(code.value, LABELS[code]) for code in codes]


class AreaQuerySet(models.QuerySet[Any]):
    def in_area(self, code: str, field: str = "area_code") -> Any:
        """The rows of ``code`` and of every area below it."""
        inside = models.Q(**{field: code}) | models.Q(**{f"{field}__startswith": code + "."})
        return self.filter(inside)


class DecreeQuerySet(AreaQuerySet):
    def current(self, area: str) -> Decree | None:
        """The area's decree in force: the latest by the date it was signed."""
        return self.filter(area_code=area).order_by("-signed_on", "-pk").first()


class Decree(models.Model):
    """A decree (SK) of the regent or governor forming the area's TKPK."""

    area_code = models.CharField(_("wilayah"), max_length=13, db_index=True)
    number = models.CharField(_("nomor SK"), max_length=100)
    signed_on = models.DateField(_("tanggal ditetapkan"))
    title = models.CharField(_("tentang"), max_length=300)
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by_name = models.CharField(_("dicatat oleh"), max_length=150)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    objects = DecreeQuerySet.as_manager()

    class Meta:
        verbose_name = "SK TKPK"
        verbose_name_plural = "SK TKPK"
        ordering = ("-signed_on", "-pk")
        constraints = (
            models.UniqueConstraint(fields=["area_code", "number"], name="decree_number_once"),
        )

    def __str__(self) -> str:
        return f"{self.number} ({self.signed_on:%d-%m-%Y})"


class WorkingGroup(models.Model):
    """A working group (pokja) of a decree."""

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(_("nama pokja"), max_length=200)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = "pokja"
        verbose_name_plural = "pokja"
        ordering = ("order", "pk")
        constraints = (
            models.UniqueConstraint(fields=["decree", "name"], name="group_name_once_per_decree"),
        )

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person on the team of a decree, with the element they represent and their role."""

    decree = models.ForeignKey(Decree, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=200)
    institution = models.CharField(_("instansi/lembaga"), max_length=200, blank=True)
    element = models.CharField(_("unsur"), max_length=12, choices=choices(Element))
    team_role = models.CharField(_("kedudukan dalam tim"), max_length=12, choices=choices(TeamRole))
    working_group = models.ForeignKey(
        WorkingGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("pokja"),
    )

    class Meta:
        verbose_name = "anggota TKPK"
        verbose_name_plural = "anggota TKPK"
        ordering = ("pk",)
        constraints = (
            # The database itself refuses a second chair on one decree.
            models.UniqueConstraint(
                fields=["decree"],
                condition=models.Q(team_role="ketua"),
                name="one_chair_per_decree",
            ),
        )

    def __str__(self) -> str:
        return f"{self.name} ({self.position})"


class AgendaItem(models.Model):
    """One line of the area's yearly work agenda (agenda kerja tahunan)."""

    area_code = models.CharField(_("wilayah"), max_length=13, db_index=True)
    year = models.PositiveSmallIntegerField(_("tahun"))
    kind = models.CharField(_("jenis"), max_length=10, choices=choices(AgendaKind))
    title = models.CharField(_("kegiatan"), max_length=300)
    due = models.DateField(_("tenggat"))
    done_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = "agenda kerja"
        verbose_name_plural = "agenda kerja"
        ordering = ("due", "pk")

    def __str__(self) -> str:
        return f"{self.year} {self.title}"


class Meeting(models.Model):
    """A coordination meeting (rapat koordinasi, rakor) of the area's TKPK."""

    area_code = models.CharField(_("wilayah"), max_length=13, db_index=True)
    date = models.DateField(_("tanggal"))
    start_time = models.TimeField(_("pukul"))
    place = models.CharField(_("tempat"), max_length=200, blank=True)
    online_link = models.URLField(
        _("tautan rapat daring"),
        max_length=500,
        blank=True,
        help_text=_("Alamat https://…; isi tempat, tautan, atau keduanya."),
    )
    title = models.CharField(_("judul rapat"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=choices(MeetingStatus),
        default=MeetingStatus.DIRENCANAKAN,
    )
    minutes = models.TextField(_("notulen"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by_name = models.CharField(_("dicatat oleh"), max_length=150)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = "rapat koordinasi"
        verbose_name_plural = "rapat koordinasi"
        ordering = ("date", "start_time", "pk")

    def __str__(self) -> str:
        return f"{self.title} ({self.date:%d-%m-%Y})"


class Invitee(models.Model):
    """Someone invited to a rakor; ``attended`` is unknown (None) until attendance is taken."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    name = models.CharField(_("nama"), max_length=150)
    institution = models.CharField(_("instansi/jabatan"), max_length=200, blank=True)
    opd = models.CharField(_("OPD (bila wakil OPD)"), max_length=100, blank=True)
    attended = models.BooleanField(_("hadir"), null=True, blank=True)

    class Meta:
        verbose_name = "undangan rakor"
        verbose_name_plural = "undangan rakor"
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """A file presented at a rakor, kept byte for byte as ``<home>/rakor/<sha256><ext>``."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="materials")
    original_name = models.CharField(_("nama berkas"), max_length=255)
    stored_name = models.CharField(_("berkas tersimpan"), max_length=80)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_by_name = models.CharField(_("diunggah oleh"), max_length=150)
    uploaded_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        verbose_name = "bahan rakor"
        verbose_name_plural = "bahan rakor"
        ordering = ("pk",)

    def __str__(self) -> str:
        return self.original_name


class Decision(models.Model):
    """A decision of a rakor, numbered within it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="decisions")
    number = models.PositiveSmallIntegerField(_("nomor"))
    text = models.TextField(_("keputusan"))
    created_by_name = models.CharField(_("dicatat oleh"), max_length=150)
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        verbose_name = "keputusan rakor"
        verbose_name_plural = "keputusan rakor"
        ordering = ("number",)
        constraints = (
            models.UniqueConstraint(fields=["meeting", "number"], name="decision_number_once"),
        )

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:60]}"


class FollowUp(models.Model):
    """An action a decision asks of one OPD, by a due date; ``status`` is the latest update's."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="follow_ups")
    action = models.TextField(_("tindak lanjut"))
    owner_opd = models.CharField(_("OPD penanggung jawab"), max_length=100, db_index=True)
    due = models.DateField(_("tenggat"))
    status = models.CharField(
        _("status"), max_length=8, choices=choices(FollowUpStatus), default=FollowUpStatus.BELUM
    )
    evidence = models.TextField(_("bukti"), blank=True)
    done_on = models.DateField(_("tanggal selesai"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = "tindak lanjut rakor"
        verbose_name_plural = "tindak lanjut rakor"
        ordering = ("due", "pk")

    def __str__(self) -> str:
        return f"{self.owner_opd}: {self.action[:60]}"

    @property
    def area_code(self) -> str:
        return str(self.decision.meeting.area_code)


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise PermissionDenied("Riwayat tindak lanjut tidak dapat diubah.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Riwayat tindak lanjut tidak dapat dihapus.")


class FollowUpUpdate(models.Model):
    """One step of a follow-up's history: the status it moved to, the evidence, who and when.

    Append-only: saving an existing row, deleting one, and bulk update or delete raise.
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="updates")
    status = models.CharField(_("status"), max_length=8, choices=choices(FollowUpStatus))
    evidence = models.TextField(_("bukti"), blank=True)
    note = models.TextField(_("catatan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    by_name = models.CharField(_("oleh"), max_length=150)
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "riwayat tindak lanjut"
        verbose_name_plural = "riwayat tindak lanjut"
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"#{self.follow_up_id} {self.status} ({self.by_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise PermissionDenied("Riwayat tindak lanjut tidak dapat diubah.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("Riwayat tindak lanjut tidak dapat dihapus.")
