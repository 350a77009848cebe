"""The document request form: which TKPK area, year and document, with which options.

The areas to choose from and whether the names annex is offered are the
caller's to decide (the user's rights); the form checks that what was posted
is one of them, and that a chosen rakor belongs to the chosen area and year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.domain.wilayah import Area
from sinergi.web.coordination.models import Meeting
from sinergi.web.documents.models import Kind

FIRST_YEAR, LAST_YEAR = 2000, 2100


class DocumentForm(forms.Form):
    """What a document run needs: ``wilayah``, ``tahun``, ``dokumen`` and its options.

    ``nama`` (the beneficiaries-by-name annex) is always parsed, so a POST that
    carries it can be refused, but the page shows it only when ``offers_names``;
    it counts only for an LP2KD, the one document with that annex.
    """

    wilayah = forms.ChoiceField(label=gettext_lazy("Wilayah TKPK"))
    tahun = forms.IntegerField(
        label=gettext_lazy("Tahun"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    dokumen = forms.ChoiceField(label=gettext_lazy("Dokumen"), choices=Kind.choices)
    rakor = forms.ModelChoiceField(
        label=gettext_lazy("Rakor"),
        queryset=Meeting.objects.none(),
        required=False,
        empty_label=gettext_lazy("Semua rakor tahun itu"),
        help_text=gettext_lazy("Hanya untuk undangan, daftar hadir dan notulen rakor."),
        error_messages={
            "invalid_choice": gettext_lazy("Rakor ini bukan rakor wilayah dan tahun yang dipilih.")
        },
    )
    pdf = forms.BooleanField(
        label=gettext_lazy("Sertakan PDF"),
        required=False,
        initial=True,
        help_text=gettext_lazy("Selain DOCX yang dapat disunting, juga salinan PDF-nya."),
    )
    nama = forms.BooleanField(
        label=gettext_lazy("Sertakan lampiran nama dan alamat penerima manfaat"),
        required=False,
        help_text=gettext_lazy(
            "Hanya untuk LP2KD. Lampiran ini memuat data pribadi; setiap unduhannya dicatat."
        ),
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        areas: Sequence[Area],
        area: str,
        year: int,
        offers_names: bool,
        **kwargs: Any,
    ) -> None:
        """``area`` and ``year`` are the ones shown (posted or asked): their rakor are listed."""
        kwargs.setdefault("initial", {"wilayah": area, "tahun": year, "pdf": True})
        super().__init__(data, **kwargs)
        self.offers_names = offers_names
        area_field: Any = self.fields["wilayah"]
        area_field.choices = [(a.code, f"{a.label} ({a.code})") for a in areas]
        meetings: Any = self.fields["rakor"]
        meetings.queryset = Meeting.objects.filter(area_code=area, date__year=year)
        meetings.label_from_instance = _meeting_label

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["nama"] = bool(data.get("nama")) and data.get("dokumen") == Kind.LP2KD
        if data.get("dokumen") != Kind.NOTULEN:
            data["rakor"] = None  # the other documents are about the whole year
        meeting: Meeting | None = data.get("rakor")
        if meeting is not None and (
            meeting.area_code != data.get("wilayah") or meeting.date.year != data.get("tahun")
        ):
            self.add_error("rakor", _("Rakor ini bukan rakor wilayah dan tahun yang dipilih."))
        return data


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.date:%d-%m-%Y} · {meeting.title}"


def shown_year(text: str | None, today: date) -> int:
    """The year a request names (posted or ``?tahun=``), this year when none or not a year."""
    if text and text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR:
        return int(text)
    return today.year
