"""The plan forms: the one check of a program line, a realisation, a new version, an OPD.

Pages, the REST API and the XLSX import validate through these forms, so a
strategy that does not exist, a location outside the regency or a negative
budget is refused the same way, with the same Indonesian message, whichever door
it came through.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.domain import wilayah
from sinergi.web.plans.models import SEMESTER_CHOICES, Opd, ProgramLine
from sinergi.web.plans.vocabulary import INPRES, PERPRES, rule_choices, strategy_choices

NOTE_MAX = 1000
MAX_RUPIAH = Decimal("999999999999999")  # fits the column (17 digits, 2 after the comma)
TEXT_FIELDS = (
    "code", "program", "kegiatan", "sub_kegiatan", "funding_source", "assistance_nature",
    "assistance_type", "duration", "location", "target_unit",
)  # fmt: skip


def _encodable(value: str) -> None:
    # JSON may carry lone surrogates ("\ud800") that no database can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(gettext_lazy("Teks berisi karakter yang tidak sah.")) from None


def _rupiah(label: str, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal(0),
        max_value=MAX_RUPIAH,
        decimal_places=2,
        error_messages={"min_value": gettext_lazy("Nilai rupiah tidak boleh negatif.")},
    )


class LineForm(forms.ModelForm):
    """A program line of the regency ``area``; ``opds`` are the OPDs the user may choose."""

    strategy_inpres = forms.ChoiceField(label=gettext_lazy("Strategi Inpres 8/2025"))
    strategy_perpres = forms.ChoiceField(
        label=gettext_lazy("Strategi Perpres 15/2010"), required=False
    )
    eligibility_rule = forms.ChoiceField(
        label=gettext_lazy("Aturan kelayakan (program diagnosis)"), required=False
    )
    budget = _rupiah(gettext_lazy("Alokasi anggaran (Rp)"))
    benefit_amount = _rupiah(gettext_lazy("Besaran manfaat per penerima (Rp)"), required=False)

    class Meta:
        model = ProgramLine
        fields = (
            "opd", "code", "program", "kegiatan", "sub_kegiatan", "strategy_inpres",
            "strategy_perpres", "activity_type", "budget", "funding_source", "assistance_nature",
            "assistance_type", "benefit_amount", "duration", "location", "location_code",
            "target_beneficiaries", "target_unit", "eligibility_rule",
        )  # fmt: skip

    def __init__(self, *args: Any, area: str, opds: QuerySet[Opd], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["opd"].queryset = opds
        self.fields["opd"].label = _("Perangkat daerah (OPD)")
        self.fields["opd"].empty_label = None if opds.count() == 1 else "---------"
        self.fields["strategy_inpres"].choices = strategy_choices(INPRES)
        self.fields["strategy_perpres"].choices = [("", "---------"), *strategy_choices(PERPRES)]
        self.fields["eligibility_rule"].choices = [("", "---------"), *rule_choices()]
        self.fields["location_code"].help_text = _(
            "Kode Kemendagri bertitik di dalam kabupaten ini, mis. %(example)s; boleh kosong."
        ) % {"example": f"{area}.01"}
        for name in (*TEXT_FIELDS, "location_code"):
            self.fields[name].validators.append(_encodable)

    def clean_location_code(self) -> str:
        text = str(self.cleaned_data.get("location_code") or "").strip()
        if not text:
            return ""
        try:
            code = wilayah.normalise_code(text)
        except wilayah.WilayahError:
            raise ValidationError(_("“%(code)s” bukan kode wilayah.") % {"code": text}) from None
        if wilayah.find(code) is None or not wilayah.is_within(code, self.area):
            raise ValidationError(
                _("Lokasi %(code)s tidak berada di dalam %(regency)s.")
                % {"code": code, "regency": wilayah.get(self.area).label}
            )
        return code


class RealisationForm(forms.Form):
    """What a line achieved in one semester: rupiah spent and beneficiaries newly reached."""

    semester = forms.TypedChoiceField(
        label=gettext_lazy("Semester"), choices=SEMESTER_CHOICES, coerce=int
    )
    budget = _rupiah(gettext_lazy("Anggaran terealisasi (Rp)"))
    reached = forms.IntegerField(
        label=gettext_lazy("Penerima manfaat terjangkau"),
        min_value=0,
        max_value=2_000_000_000,
        help_text=gettext_lazy(
            "Penerima yang dijangkau pada semester ini dan belum dihitung di semester I."
        ),
        error_messages={"min_value": gettext_lazy("Jumlah penerima tidak boleh negatif.")},
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        max_length=NOTE_MAX,
        required=False,
        validators=[_encodable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReasonForm(forms.Form):
    """Why a new version is opened: it is on record for every later reader."""

    reason = forms.CharField(
        label=gettext_lazy("Alasan membuka versi baru"),
        max_length=NOTE_MAX,
        validators=[_encodable],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Tulis alasan membuka versi baru.")},
    )


class OpdForm(forms.ModelForm):
    """An OPD of the regency; its name must match the officers' assignment exactly."""

    class Meta:
        model = Opd
        fields = ("name", "short_name")

    def __init__(self, *args: Any, area: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.area = area
        self.fields["name"].validators.append(_encodable)
        self.fields["short_name"].validators.append(_encodable)

    def clean_name(self) -> str:
        name = " ".join(str(self.cleaned_data["name"]).split())
        if Opd.objects.filter(area_code=self.area, name__iexact=name).exists():
            raise ValidationError(_("OPD “%(name)s” sudah ada.") % {"name": name})
        return name


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Berkas XLSX matriks RAT"),
        error_messages={"required": gettext_lazy("Pilih berkas XLSX.")},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Berkas harus berformat XLSX (.xlsx)."))
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(
                _("Berkas lebih dari %(mb)s MB.") % {"mb": IMPORT_MAX_BYTES // 1_000_000}
            )
        return upload


IMPORT_MAX_BYTES = 20_000_000
