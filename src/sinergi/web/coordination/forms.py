"""The coordination forms: the one check of what a decree, member, rakor or follow-up may hold.

The pages and the REST API validate through these forms, so bad input is
refused the same way, with the same Indonesian message naming the field,
whichever door it came through.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.reports.formats import id_number
from sinergi.web.coordination.models import (
    AgendaItem,
    Decision,
    Decree,
    FollowUp,
    FollowUpStatus,
    Invitee,
    Meeting,
    MeetingStatus,
    Member,
    TeamRole,
    WorkingGroup,
    choices,
)

MB = 1024 * 1024
DEFAULT_MATERIAL_MAX_BYTES = 20 * MB
MATERIAL_SUFFIXES = (
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
    ".txt", ".csv", ".jpg", ".jpeg", ".png",
)  # fmt: skip
FIRST_YEAR, LAST_YEAR = 2000, 2100


def material_max_bytes() -> int:
    """The size cap of one rakor material: ``settings.COORDINATION_MATERIAL_MAX_BYTES``, 20 MB."""
    return int(getattr(settings, "COORDINATION_MATERIAL_MAX_BYTES", DEFAULT_MATERIAL_MAX_BYTES))


def _encodable(value: str) -> None:
    # JSON may carry lone surrogates ("\ud800") that no database can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(gettext_lazy("Teks berisi karakter yang tidak sah.")) from None


class _Form(forms.ModelForm):
    """A model form whose text refuses undecodable characters and whose dates are ISO inputs.

    Labels and help come from the model's (translated) verbose names.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(_encodable)
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            elif isinstance(field, forms.TimeField):
                field.widget = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3


def _not_future(day: date | None, today: date, message: str) -> date | None:
    if day is not None and day > today:
        raise ValidationError(message)
    return day


def _suggest_opds(field: forms.Field) -> None:
    field.widget.attrs["list"] = "opd-pilihan"  # the page's <datalist> of OPD names


class DecreeForm(_Form):
    copy_previous = forms.BooleanField(
        required=False,
        initial=True,
        label=gettext_lazy("Salin pokja dan anggota dari SK sebelumnya"),
        help_text=gettext_lazy(
            "SK pertama wilayah ini mendapat enam pokja usulan (pola Permendagri 42/2010)."
        ),
    )

    class Meta:
        model = Decree
        fields = ("number", "signed_on", "title", "note")

    def __init__(self, *args: Any, area: str, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area, self.today = area, today
        if self.instance.pk:
            del self.fields["copy_previous"]

    def clean_number(self) -> str:
        number: str = self.cleaned_data["number"].strip()
        taken = Decree.objects.filter(area_code=self.area, number=number)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Nomor SK ini sudah tercatat untuk wilayah ini."))
        return number

    def clean_signed_on(self) -> date | None:
        message = _("Tanggal SK tidak boleh setelah hari ini.")
        return _not_future(self.cleaned_data["signed_on"], self.today, message)


class WorkingGroupForm(_Form):
    class Meta:
        model = WorkingGroup
        fields = ("name", "order")

    def __init__(self, *args: Any, decree: Decree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decree = decree

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        taken = WorkingGroup.objects.filter(decree=self.decree, name=name)
        if taken.exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("SK ini sudah punya pokja dengan nama ini."))
        return name


class MemberForm(_Form):
    class Meta:
        model = Member
        fields = ("name", "position", "institution", "element", "team_role", "working_group")

    def __init__(self, *args: Any, decree: Decree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decree = decree
        groups: Any = self.fields["working_group"]
        groups.queryset = decree.groups.all()
        groups.empty_label = _("(tanpa pokja)")

    def clean_team_role(self) -> str:
        role: str = self.cleaned_data["team_role"]
        if role == TeamRole.KETUA:
            chair = self.decree.members.filter(team_role=TeamRole.KETUA)
            other = chair.exclude(pk=self.instance.pk).first()
            if other is not None:
                raise ValidationError(
                    _("SK ini sudah punya ketua (%(name)s). Satu SK hanya punya satu ketua.")
                    % {"name": other.name}
                )
        return role


class AgendaItemForm(_Form):
    year = forms.IntegerField(
        label=gettext_lazy("Tahun agenda"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )

    class Meta:
        model = AgendaItem
        fields = ("year", "kind", "title", "due", "done_on", "note")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_done_on(self) -> date | None:
        message = _("Tanggal selesai tidak boleh setelah hari ini.")
        return _not_future(self.cleaned_data["done_on"], self.today, message)


class MeetingForm(_Form):
    online_link = forms.URLField(
        label=gettext_lazy("Tautan rapat daring"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        error_messages={
            "invalid": gettext_lazy(
                "Tautan rapat daring harus alamat web lengkap, mis. https://zoom.us/j/123."
            )
        },
        help_text=gettext_lazy("Alamat https://…; isi tempat, tautan, atau keduanya."),
    )

    class Meta:
        model = Meeting
        fields = ("title", "date", "start_time", "place", "online_link", "agenda", "status")

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["agenda"].widget.attrs["rows"] = 5

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        where = data.get("place", "").strip() or data.get("online_link")
        if not where and not {"place", "online_link"} & set(self.errors):
            self.add_error("place", _("Isi tempat rapat, tautan rapat daring, atau keduanya."))
        day = data.get("date")
        if data.get("status") == MeetingStatus.TERLAKSANA and day and day > self.today:
            self.add_error("status", _("Rapat yang tanggalnya belum tiba belum bisa terlaksana."))
        if (
            data.get("status") == MeetingStatus.BATAL
            and self.instance.pk
            and self.instance.decisions.exists()
        ):
            self.add_error(
                "status", _("Rakor ini sudah mengambil keputusan; rakor itu tidak bisa dibatalkan.")
            )
        return data


class InviteeForm(_Form):
    class Meta:
        model = Invitee
        fields = ("name", "institution", "opd")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _suggest_opds(self.fields["opd"])


class MinutesForm(_Form):
    class Meta:
        model = Meeting
        fields = ("minutes",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["minutes"].widget.attrs["rows"] = 8


class MaterialForm(forms.Form):
    berkas = forms.FileField(label=gettext_lazy("Bahan rapat"))

    def clean_berkas(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["berkas"]
        limit = material_max_bytes()
        if upload.size is None or upload.size > limit:
            raise ValidationError(
                _("Bahan rapat terlalu besar (%(size)s MB): batasnya %(mb)s MB per berkas.")
                % {"size": _megabytes(upload.size or 0, up=True), "mb": _megabytes(limit)}
            )
        if upload.size == 0:
            raise ValidationError(_("Bahan rapat kosong (0 bita)."))
        if Path(upload.name or "").suffix.lower() not in MATERIAL_SUFFIXES:
            raise ValidationError(
                _(
                    "Jenis berkas tidak diterima. Unggah PDF, dokumen, lembar kerja, presentasi "
                    "atau gambar (%(suffixes)s)."
                )
                % {"suffixes": " ".join(MATERIAL_SUFFIXES)}
            )
        return upload


def _megabytes(size: int, *, up: bool = False) -> str:
    """``size`` in MB the Indonesian way, to one decimal ("20", "20,1"); ``up`` rounds up,
    so a file just over the limit never reads as equal to it."""
    tenths = math.ceil(size * 10 / MB) if up else round(size * 10 / MB)
    return id_number(tenths // 10) if tenths % 10 == 0 else id_number(tenths / 10)


class DecisionForm(_Form):
    class Meta:
        model = Decision
        fields = ("text",)


class FollowUpForm(_Form):
    """What the secretariat asks of an OPD: the action, the owner, the due date."""

    class Meta:
        model = FollowUp
        fields = ("action", "owner_opd", "due")

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        _suggest_opds(self.fields["owner_opd"])

    def clean_owner_opd(self) -> str:
        return str(self.cleaned_data["owner_opd"]).strip()

    def clean_due(self) -> date:
        due: date = self.cleaned_data["due"]
        if due < self.meeting.date:
            raise ValidationError(_("Tenggat tidak boleh sebelum tanggal rakor."))
        return due


class StatusForm(forms.Form):
    """A step of a follow-up: its new status, the evidence so far and a note.

    Done (selesai) needs evidence; a step that changes nothing is refused.
    """

    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=choices(FollowUpStatus))
    evidence = forms.CharField(
        label=gettext_lazy("Bukti"),
        required=False,
        max_length=4000,
        validators=[_encodable],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Nomor surat, tautan dokumen, foto kegiatan, data yang dikirim."),
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        required=False,
        max_length=2000,
        validators=[_encodable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    done_on = forms.DateField(
        label=gettext_lazy("Tanggal selesai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("Kosongkan untuk hari ini."),
    )

    def __init__(self, *args: Any, follow_up: FollowUp, today: date, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"status": follow_up.status, "evidence": follow_up.evidence})
        super().__init__(*args, **kwargs)
        self.follow_up, self.today = follow_up, today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status, evidence = data.get("status"), data.get("evidence", "").strip()
        data["evidence"] = evidence
        if status == FollowUpStatus.SELESAI:
            if not evidence:
                self.add_error("evidence", _("Tindak lanjut yang selesai wajib disertai bukti."))
            already = self.follow_up.done_on if self.follow_up.status == status else None
            done_on = data.get("done_on") or already or self.today
            if done_on > self.today:
                self.add_error("done_on", _("Tanggal selesai tidak boleh setelah hari ini."))
            data["done_on"] = done_on
        elif data.get("done_on"):
            self.add_error("done_on", _("Tanggal selesai hanya diisi bila statusnya Selesai."))
        unchanged = (
            status == self.follow_up.status
            and evidence == self.follow_up.evidence.strip()
            and data.get("done_on") == self.follow_up.done_on
            and not data.get("note", "").strip()
        )
        if status and unchanged and not self.errors:
            self.add_error(
                None, _("Tidak ada yang berubah: ubah status, bukti, atau tulis catatan.")
            )
        return data
