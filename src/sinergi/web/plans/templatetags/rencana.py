"""Template filters of the plan pages: rupiah written the Indonesian way."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template

from sinergi.reports.formats import id_number

register = template.Library()


@register.filter
def rupiah(value: object) -> str:
    """A rupiah amount as ``1.234.567`` (whole rupiah, rounded); empty stays ``-``.

    Examples:
        >>> rupiah(Decimal("4032000000.00")), rupiah(Decimal("0.5")), rupiah(None)
        ('4.032.000.000', '1', '-')
    """
    if value is None or value == "":
        return "-"
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return id_number(int(whole))
