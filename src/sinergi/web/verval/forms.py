"""The verval forms: the one check of what a finding, a proposal or a decision may contain.

The pages and the REST API both validate through these forms, so a reason that
does not fit the outcome, a "lainnya" without a note or a broken NIK is refused
the same way, with the same Indonesian message, whichever door it came through.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from sinergi.domain.identity import IdentityError, parse_kk, parse_nik
from sinergi.web.verval.models import LABELS, REASONS, Outcome, Reason, choices

NOTE_MAX = 1000


def _encodable(value: str) -> None:
    # JSON may carry lone surrogates ("\ud800") that no database can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(gettext_lazy("Teks berisi karakter yang tidak sah.")) from None


def _text(max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    validators = [_encodable, *kwargs.pop("validators", [])]
    return forms.CharField(
        max_length=max_length, required=required, validators=validators, **kwargs
    )


class _ReasonForm(forms.Form):
    """An outcome with a templated reason; "lainnya" must be explained in the note."""

    note = _text(
        NOTE_MAX,
        required=False,
        label=gettext_lazy("Catatan"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        outcome, reason = data.get("outcome"), data.get("reason")
        if outcome and reason and reason not in REASONS[outcome]:
            self.add_error(
                "reason",
                _("Alasan “%(reason)s” tidak berlaku untuk temuan “%(outcome)s”.")
                % {"reason": LABELS[reason], "outcome": LABELS[outcome]},
            )
        if reason == Reason.LAINNYA and not data.get("note", "").strip():
            self.add_error("note", _("Alasan “Lainnya” wajib dijelaskan di catatan."))
        return data


class FindingForm(_ReasonForm):
    """A family of the registry found eligible or not."""

    outcome = forms.ChoiceField(choices=choices(Outcome.LAYAK, Outcome.TIDAK_LAYAK))
    reason = forms.ChoiceField(choices=choices(*Reason))


_RT_RW = RegexValidator(r"^[0-9]{1,3}$", gettext_lazy("RT/RW berisi 1 sampai 3 angka."))


class ProposalForm(_ReasonForm):
    """A family missing from the registry, proposed by the desa."""

    field_order = ("head_name", "nik", "kk", "address", "rt", "rw", "member_count", "reason")

    head_name = _text(150, label=gettext_lazy("Nama kepala keluarga"))
    nik = _text(40, label=gettext_lazy("NIK kepala keluarga"))
    kk = _text(40, label=gettext_lazy("Nomor KK"))
    address = _text(200, required=False, label=gettext_lazy("Alamat"))
    rt = _text(3, required=False, validators=[_RT_RW], label="RT")
    rw = _text(3, required=False, validators=[_RT_RW], label="RW")
    member_count = forms.IntegerField(
        min_value=1, max_value=50, label=gettext_lazy("Jumlah anggota keluarga")
    )
    reason = forms.ChoiceField(
        choices=choices(*REASONS[Outcome.USULAN]),
        initial=Reason.MEMENUHI_KRITERIA,
        label=gettext_lazy("Alasan"),
    )

    def clean_nik(self) -> str:
        return _identity(parse_nik, self.cleaned_data["nik"])

    def clean_kk(self) -> str:
        return _identity(parse_kk, self.cleaned_data["kk"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["outcome"] = Outcome.USULAN
        return data


def _identity(parse: Any, value: str) -> str:
    """The 16 digits, or the domain's own message: cause and fix, with the number masked."""
    try:
        return str(parse(value).digits)
    except IdentityError as error:
        english = (get_language() or "").startswith("en")
        raise ValidationError(error.english if english else error.pesan) from None


class DecisionForm(forms.Form):
    """The approver's decision; a rejection must say why, so the desa can correct it."""

    decision = forms.ChoiceField(
        choices=[("setuju", gettext_lazy("Setujui")), ("tolak", gettext_lazy("Tolak"))]
    )
    note = _text(NOTE_MAX, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "tolak" and not data.get("note", "").strip():
            self.add_error("note", _("Tulis alasan penolakan agar desa dapat memperbaikinya."))
        return data
