"""The target form: the one check of what a secretariat's target may contain.

Every message names the field and says what to write instead, in Bahasa
Indonesia: a percentage outside 0-100, a count that is not a whole number, a bound
pointing away from progress, a baseline year not before the target year.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.web.progress.indicators import catalog, indicator
from sinergi.web.progress.models import COMPARATORS, GRADES

FIRST_YEAR, LAST_YEAR = 2000, 2100
TEXT_MAX = 1000


def _encodable(value: str) -> None:
    # JSON may carry lone surrogates ("\ud800") that no database can store.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(gettext_lazy("Teks berisi karakter yang tidak sah.")) from None


class NumberField(forms.DecimalField):
    """A decimal typed either way: ``10.5``, or the Indonesian ``10,5`` and ``1.234,5``."""

    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str) and "," in value:
            value = value.replace(".", "").replace(",", ".")
        return super().to_python(value)


def _indicator_choices() -> list[tuple[str, str]]:
    return [(entry.code, entry.name) for entry in catalog()]


class TargetForm(forms.Form):
    """A target bound: indicator, year, comparator and value, with baseline and source."""

    indicator = forms.ChoiceField(label=gettext_lazy("Indikator"), choices=_indicator_choices)
    year = forms.IntegerField(
        label=gettext_lazy("Tahun target"), min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    comparator = forms.ChoiceField(
        label=gettext_lazy("Pembanding"), choices=list(COMPARATORS.items()), initial="le"
    )
    value = NumberField(label=gettext_lazy("Nilai target"), max_digits=14, decimal_places=3)
    baseline_value = NumberField(
        label=gettext_lazy("Nilai dasar"), max_digits=14, decimal_places=3, required=False
    )
    baseline_year = forms.IntegerField(
        label=gettext_lazy("Tahun dasar"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        required=False,
    )
    source = forms.CharField(
        label=gettext_lazy("Sumber"),
        max_length=300,
        validators=[_encodable],
        help_text=gettext_lazy("Dokumen yang menetapkan target, misalnya RPJMD atau SK Bupati."),
    )
    grade = forms.ChoiceField(
        label=gettext_lazy("Mutu sumber"), choices=list(GRADES.items()), initial="P"
    )
    note = forms.CharField(
        label=gettext_lazy("Catatan"),
        max_length=TEXT_MAX,
        required=False,
        validators=[_encodable],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Alasan perubahan"),
        max_length=TEXT_MAX,
        required=False,
        validators=[_encodable],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Wajib bila target tahun ini sudah ada dan Anda menggantinya."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        code = data.get("indicator")
        if not code:
            return data
        entry = indicator(code)
        comparator = data.get("comparator")
        if comparator and comparator not in entry.upper_bounds:
            allowed = " atau ".join(str(COMPARATORS[c]) for c in entry.upper_bounds)
            self.add_error(
                "comparator",
                _("Untuk “%(name)s” makin kecil makin baik: pilih %(allowed)s.")
                % {"name": entry.name, "allowed": allowed}
                if entry.better == "lower"
                else _("Untuk “%(name)s” makin besar makin baik: pilih %(allowed)s.")
                % {"name": entry.name, "allowed": allowed},
            )
        for field in ("value", "baseline_value"):
            number = data.get(field)
            if number is not None:
                self._check_number(field, number, entry.is_rate)
        has_value = data.get("baseline_value") is not None
        has_year = data.get("baseline_year") is not None
        if has_value != has_year:
            missing = "baseline_year" if has_value else "baseline_value"
            self.add_error(
                missing, _("Nilai dasar dan tahun dasar diisi bersama, atau keduanya kosong.")
            )
        year, baseline_year = data.get("year"), data.get("baseline_year")
        if year is not None and baseline_year is not None and baseline_year >= year:
            self.add_error(
                "baseline_year",
                _("Tahun dasar (%(base)s) harus sebelum tahun target (%(year)s).")
                % {"base": baseline_year, "year": year},
            )
        return data

    def _check_number(self, field: str, number: Decimal, is_rate: bool) -> None:
        label = self.fields[field].label
        if is_rate and not Decimal(0) <= number <= Decimal(100):
            self.add_error(
                field,
                _("%(label)s berupa persen: isi angka 0 sampai 100 (tanpa tanda %%).")
                % {"label": label},
            )
        if not is_rate and (number < 0 or number != number.to_integral_value()):
            self.add_error(
                field,
                _("%(label)s berupa jumlah: isi bilangan bulat 0 atau lebih.") % {"label": label},
            )
