"""Template filters: numbers and shares written the Indonesian way."""

from __future__ import annotations

from django import template

from sinergi.reports.formats import id_number, id_percent

register = template.Library()


@register.filter
def angka(value: object) -> str:
    """``1234567`` as ``1.234.567``; empty stays ``-``."""
    if value is None or value == "":
        return "-"
    return id_number(value if isinstance(value, int) else float(str(value)))


@register.filter
def persen(value: object) -> str:
    """A share (0.125) as ``12,5%``; empty stays ``-``."""
    if value is None or value == "" or value != value:
        return "-"
    return id_percent(float(str(value)))
