"""Template filters: numbers and shares written the Indonesian way."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html_join

from sinergi.reports.formats import id_number, id_percent
from sinergi.web.pages.plotly_css import GLOBAL_ID, element_ids

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


@register.simple_tag
def plotly_styles() -> str:
    """Plotly's stylesheet, linked under every id plotly.js checks before injecting it."""
    url = reverse("plotly_css")
    return format_html_join(
        "\n",
        '<link id="{}" class="{}" rel="stylesheet" href="{}">',
        ((key, "no-inline-styles" if key == GLOBAL_ID else "", url) for key in element_ids()),
    )
